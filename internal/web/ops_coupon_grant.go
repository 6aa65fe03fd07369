package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// opsQuotaFormTime is the format of the form's datetime-local inputs, in
// China Standard Time like every time the console shows.
const opsQuotaFormTime = "2006-01-02T15:04"

// opsQuotaGrantForm is the grant form's input as typed, kept when the form is
// shown again with an error. Input names are the field names the coupon
// domain's errors use, so an error marks its input.
type opsQuotaGrantForm struct {
	PartnerID, Type, Value, EffectiveAt, ExpiresAt, MinOrder, MaxShare, Remark string
	ServiceTypes, ProductIDs, Regions, OrderTypes                              []string
}

type opsQuotaGrantData struct {
	Form         opsQuotaGrantForm
	Partners     []identity.Partner
	ServiceTypes []commerce.ServiceType
	Products     []opsProductGroup
	Regions      []commerce.Region
	OrderTypes   []coupon.OrderType
}

// opsQuotaFieldLabels names each field the coupon domain may reject (its
// CBC.0100 "field" argument) by the form label's message key.
var opsQuotaFieldLabels = map[string]string{
	"partner_id":          "couponops.quota.partner",
	"quota_type":          "couponops.quota.type",
	"quota_value":         "couponops.quota.value",
	"effective_time":      "couponops.quota.effective_at",
	"expire_time":         "couponops.quota.expires_at",
	"cloud_service_types": "couponops.limit.service_types",
	"product_ids":         "couponops.limit.products",
	"regions":             "couponops.limit.regions",
	"min_order_amount":    "couponops.limit.min_order",
	"order_types":         "couponops.limit.order_types",
	"max_order_share":     "couponops.limit.max_share",
	"remark":              "couponops.quota.remark",
	"quota_status":        "couponops.quota.status",
}

// opsInvalidField is the coupon domain's CBC.0100 naming field, as the
// handler reports input it cannot even parse.
func opsInvalidField(field string) error {
	return apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", field)
}

// opsQuotaFormError turns the domain's "invalid parameter: field" into a
// message naming the form's label, marking the field; other errors pass
// through (translated as they are by renderError).
func opsQuotaFormError(lang i18n.Lang, err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Key != "err.invalid_param_named" {
		return err
	}
	field, _ := e.Args["field"].(string)
	label, ok := opsQuotaFieldLabels[field]
	if !ok {
		return err
	}
	return apperr.New(e.Code, "couponops.err.invalid_field").
		With("field", view{Lang: lang}.T(label)).WithField(field, "couponops.err.invalid_field")
}

// opsQuotaNew is the grant form (发放额度), effective now for a year by
// default.
func (s *Server) opsQuotaNew(w http.ResponseWriter, r *http.Request) {
	now := time.Now().In(cst)
	form := opsQuotaGrantForm{PartnerID: r.URL.Query().Get("partner_id"), Type: "0",
		EffectiveAt: now.Format(opsQuotaFormTime), ExpiresAt: now.AddDate(1, 0, 0).Format(opsQuotaFormTime)}
	s.renderOpsQuotaForm(w, r, form, nil)
}

// renderOpsQuotaForm shows the grant form with form's input and err, if any.
func (s *Server) renderOpsQuotaForm(w http.ResponseWriter, r *http.Request, form opsQuotaGrantForm, formErr error) {
	ctx, lang := r.Context(), langOf(r)
	data := opsQuotaGrantData{Form: form, OrderTypes: opsCouponOrderTypes}
	if s.Catalog != nil {
		data.Regions = s.Catalog.Regions(ctx, lang)
	}
	var err error
	data.Partners, err = s.opsQuotaPartners(ctx, mustActor(r))
	if err == nil {
		data.ServiceTypes, data.Products, err = s.opsProductGroups(ctx, lang)
	}
	if err == nil {
		err = formErr
	}
	v := view{Title: "couponops.quota.new", Data: data}
	if err != nil {
		s.renderError(w, r, "ops_quota_new", v, opsQuotaFormError(lang, err))
		return
	}
	s.render(w, r, http.StatusOK, "ops_quota_new", v)
}

// opsQuotaGrant grants the quota the form describes; the coupon domain
// checks every rule and names the field at fault.
func (s *Server) opsQuotaGrant(w http.ResponseWriter, r *http.Request) {
	form := readOpsQuotaForm(r)
	in, err := form.parse()
	if err == nil {
		_, err = s.Coupons.GrantQuota(r.Context(), mustActor(r), in)
	}
	if err != nil {
		s.renderOpsQuotaForm(w, r, form, err)
		return
	}
	http.Redirect(w, r, "/ops/quotas?"+url.Values{"granted": {"1"}, "partner_id": {in.PartnerID}}.Encode(), http.StatusSeeOther)
}

func readOpsQuotaForm(r *http.Request) opsQuotaGrantForm {
	_ = r.ParseForm()
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	return opsQuotaGrantForm{PartnerID: v("partner_id"), Type: v("quota_type"), Value: v("quota_value"),
		EffectiveAt: v("effective_time"), ExpiresAt: v("expire_time"), MinOrder: v("min_order_amount"),
		MaxShare: v("max_order_share"), Remark: v("remark"),
		ServiceTypes: r.PostForm["cloud_service_types"], ProductIDs: r.PostForm["product_ids"],
		Regions: r.PostForm["regions"], OrderTypes: r.PostForm["order_types"]}
}

// parse turns the typed input into a grant, refusing only what cannot be
// read (a value that is not an amount, a time that is not a time); the
// rules are the domain's.
func (f opsQuotaGrantForm) parse() (coupon.NewQuota, error) {
	in := coupon.NewQuota{PartnerID: f.PartnerID, Remark: f.Remark}
	if f.PartnerID == "" {
		return in, opsInvalidField("partner_id")
	}
	t, err := strconv.Atoi(f.Type)
	if err != nil {
		return in, opsInvalidField("quota_type")
	}
	in.Type = coupon.QuotaType(t)
	if in.Value, err = money.Parse(f.Value); err != nil {
		return in, opsInvalidField("quota_value")
	}
	if in.EffectiveAt, err = time.ParseInLocation(opsQuotaFormTime, f.EffectiveAt, cst); err != nil {
		return in, opsInvalidField("effective_time")
	}
	if in.ExpiresAt, err = time.ParseInLocation(opsQuotaFormTime, f.ExpiresAt, cst); err != nil {
		return in, opsInvalidField("expire_time")
	}
	in.EffectiveAt, in.ExpiresAt = in.EffectiveAt.UTC(), in.ExpiresAt.UTC()
	if f.MinOrder != "" {
		if in.Limits.MinOrder, err = money.Parse(f.MinOrder); err != nil {
			return in, opsInvalidField("min_order_amount")
		}
	}
	// The share is for cash coupons; the domain refuses one on a voucher.
	if f.MaxShare != "" {
		if in.Limits.MaxOrderShare, err = strconv.Atoi(f.MaxShare); err != nil {
			return in, opsInvalidField("max_order_share")
		}
	}
	in.Limits.ServiceTypes, in.Limits.ProductIDs, in.Limits.Regions = f.ServiceTypes, f.ProductIDs, f.Regions
	for _, ot := range f.OrderTypes {
		in.Limits.OrderTypes = append(in.Limits.OrderTypes, coupon.OrderType(ot))
	}
	return in, nil
}
