package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// couponKind is one of 券管理's two sections: vouchers (代金券) and cash
// coupons (现金券). Their pages are the same but for the quota and coupon
// type and the item issuing needs.
type couponKind struct {
	Slug       string // vouchers, cash: the path segment and the message keys' part
	QuotaType  coupon.QuotaType
	CouponType coupon.CouponType
	IssuePerm  string
}

var couponKinds = []couponKind{
	{Slug: "vouchers", QuotaType: coupon.QuotaVoucher, CouponType: coupon.CouponVoucher, IssuePerm: identity.PermVoucherIssue},
	{Slug: "cash", QuotaType: coupon.QuotaCash, CouponType: coupon.CouponCash, IssuePerm: identity.PermCashCouponIssue},
}

// Prefix is the section's path.
func (k couponKind) Prefix() string { return "/sales/coupons/" + k.Slug }

// Key is the section's message key of name, e.g. couponconsole.vouchers.quotas.
func (k couponKind) Key(name string) string { return "couponconsole." + k.Slug + "." + name }

// couponPageSize is the size of every coupon list page.
const couponPageSize = 20

// maxConsoleCustomers is how many customers one issue may name in the
// console (console.md §3.4; the API allows 100).
const maxConsoleCustomers = 10

// couponHead is what every page of a section shows above its content: the
// title, the tabs and the links the member may follow.
type couponHead struct {
	Kind        couponKind
	Tab         string // quotas, issued, reseller-quotas, records, quota-records
	Distributor bool
}

func newCouponHead(a identity.Actor, k couponKind, tab string) couponHead {
	return couponHead{Kind: k, Tab: tab, Distributor: a.PartnerType == identity.Distributor}
}

// errCouponForm is a form value the console cannot read, naming the field.
var errCouponForm = apperr.New(apperr.InvalidParam.Code, "err.couponconsole_form")

// formError is errCouponForm naming field in the page's language.
func formError(r *http.Request, field string) error {
	return errCouponForm.With("field", i18n.T(langOf(r), "couponconsole.field."+field, nil)).
		WithField(field, "couponconsole.field_invalid")
}

// formAmount reads a money field; "" is nil.
func formAmount(r *http.Request, field string) (*money.Amount, error) {
	v := strings.TrimSpace(r.FormValue(field))
	if v == "" {
		return nil, nil
	}
	a, err := money.Parse(v)
	if err != nil {
		return nil, formError(r, field)
	}
	return &a, nil
}

// formDateTime reads a datetime-local field in China Standard Time; "" is
// nil.
func formDateTime(r *http.Request, field string) (*time.Time, error) {
	v := strings.TrimSpace(r.FormValue(field))
	if v == "" {
		return nil, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, cst); err == nil {
			u := t.UTC()
			return &u, nil
		}
	}
	return nil, formError(r, field)
}

// dateRange reads a from/to pair of date filters as whole local days: from
// midnight of the first to midnight after the last. Bad dates do not
// filter (the date inputs send none).
func dateRange(q url.Values, fromKey, toKey string) (*time.Time, *time.Time) {
	var from, to *time.Time
	if d, err := time.ParseInLocation("2006-01-02", q.Get(fromKey), cst); err == nil {
		// The domain's begin is exclusive.
		b := d.Add(-time.Second).UTC()
		from = &b
	}
	if d, err := time.ParseInLocation("2006-01-02", q.Get(toKey), cst); err == nil {
		e := d.AddDate(0, 0, 1).UTC()
		to = &e
	}
	return from, to
}

// pageOffset reads the offset of a paged list.
func pageOffset(r *http.Request) int {
	o, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	return max(o, 0)
}

// couponNotFound answers a quota or coupon the member may not see (another
// partner's, or no such one) with the not-found page.
func couponNotFound(err error) bool {
	return errors.Is(err, coupon.ErrQuotaNotFound) || errors.Is(err, coupon.ErrCouponNotFound) ||
		errors.Is(err, apperr.NotFound)
}

// renderCouponError shows err on the error page; a quota or coupon the
// member may not see is 404.
func (s *Server) renderCouponError(w http.ResponseWriter, r *http.Request, err error) {
	if couponNotFound(err) {
		msg, _ := s.errorMessage(r, err)
		s.render(w, r, http.StatusNotFound, "error", view{Title: "error.title", Error: msg})
		return
	}
	s.renderError(w, r, "error", view{Title: "error.title"}, err)
}

// ownQuota reads one of the caller's own quotas of the section's type;
// anything else (another partner's, a reseller's, the other type) is not
// found.
func (s *Server) ownQuota(r *http.Request, a identity.Actor, k couponKind, id string) (coupon.Quota, error) {
	if id == "" {
		return coupon.Quota{}, coupon.ErrQuotaNotFound
	}
	q, err := s.Coupons.Quota(r.Context(), a, id)
	if err != nil {
		return coupon.Quota{}, err
	}
	if q.PartnerID != a.PartnerID || q.Type != k.QuotaType {
		return coupon.Quota{}, coupon.ErrQuotaNotFound
	}
	return q, nil
}

// serviceTypeNames names the catalogue's cloud service types in lang.
func (s *Server) serviceTypeNames(r *http.Request, lang i18n.Lang) (map[string]string, []string) {
	names := map[string]string{}
	var codes []string
	if s.Catalog == nil {
		return names, nil
	}
	list, _, err := s.Catalog.ServiceTypes(r.Context(), lang, "", 0, 0)
	if err != nil {
		return names, nil
	}
	for _, t := range list {
		names[t.Code] = t.Name
		codes = append(codes, t.Code)
	}
	return names, codes
}

// productNames lists the catalogue's products (its resource types) named
// in the page's language, "name · service" for the checkboxes.
func (s *Server) productNames(r *http.Request) []option {
	if s.Catalog == nil {
		return nil
	}
	lang := langOf(r)
	names, _ := s.serviceTypeNames(r, lang)
	list, _, err := s.Catalog.ResourceTypes(r.Context(), lang, "", 0, 0)
	if err != nil {
		return nil
	}
	out := make([]option, 0, len(list))
	for _, rt := range list {
		label := rt.Name
		if svc := names[rt.ServiceTypeCode]; svc != "" {
			label += " · " + svc
		}
		out = append(out, option{Value: rt.Code, Label: label})
	}
	return out
}

func findOption(list []option, value string) (option, bool) {
	for _, o := range list {
		if o.Value == value {
			return o, true
		}
	}
	return option{}, false
}

// limitView is a quota's or coupon's limits as the pages show them: one
// translated line per kind of limit, and the service types and products
// for the issue form.
type limitView struct {
	Lines        []string
	ServiceTypes []option // code and name
	ProductIDs   []string
	MinOrder     string // "" for none
}

// option is one choice of a list of checkboxes.
type option struct {
	Value, Label string
	Checked      bool
}

func (s *Server) limitsView(r *http.Request, l coupon.Limits) limitView {
	lang := langOf(r)
	names, _ := s.serviceTypeNames(r, lang)
	v := limitView{ProductIDs: l.ProductIDs}
	line := func(key, value string) {
		v.Lines = append(v.Lines, i18n.T(lang, key, nil)+": "+value)
	}
	var labels []string
	for _, code := range l.ServiceTypes {
		label := names[code]
		if label == "" {
			label = code
		}
		labels = append(labels, label)
		v.ServiceTypes = append(v.ServiceTypes, option{Value: code, Label: label})
	}
	if len(labels) > 0 {
		line("couponconsole.limits.service_types", strings.Join(labels, ", "))
	}
	if len(l.ProductIDs) > 0 {
		line("couponconsole.limits.products", strings.Join(l.ProductIDs, ", "))
	}
	if len(l.Regions) > 0 {
		line("couponconsole.limits.regions", strings.Join(l.Regions, ", "))
	}
	if len(l.OrderTypes) > 0 {
		var types []string
		for _, t := range l.OrderTypes {
			key := "couponconsole.order_type." + string(t)
			types = append(types, i18n.T(lang, key, nil))
		}
		line("couponconsole.limits.order_types", strings.Join(types, ", "))
	}
	if !l.MinOrder.IsZero() {
		v.MinOrder = l.MinOrder.String()
		line("couponconsole.limits.min_order", v.MinOrder)
	}
	if l.MaxOrderShare > 0 {
		line("couponconsole.limits.max_share", strconv.Itoa(l.MaxOrderShare)+"%")
	}
	return v
}

// formIDs reads a list of ids from repeated fields, dropping empties and
// repeats.
func formIDs(values []string) []string {
	var out []string
	for _, v := range values {
		for part := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
			if !slices.Contains(out, part) {
				out = append(out, part)
			}
		}
	}
	return out
}

// renderFragment writes the "content" of page name alone (no layout), for
// htmx to swap in.
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, name string, data any) {
	t, ok := s.pages.byName[name]
	if !ok {
		panic("web: no page " + name)
	}
	v := view{Lang: langOf(r), Face: FacePartner, Path: r.URL.Path, Here: r.URL.RequestURI(), CSRF: s.csrfToken(r), Data: data}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "content", v); err != nil {
		s.Log.Error("render", "page", name, "err", err, "request_id", httpx.RequestID(r.Context()))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}
