package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"partnercenter/internal/coupon"
	"partnercenter/internal/identity"
)

// opsQuotaStatuses are the statuses an operator may set (reference §3.3;
// 6 reclaimed is a distributor's doing).
var opsQuotaStatuses = []coupon.QuotaStatus{coupon.QuotaNormal, coupon.QuotaInvalid, coupon.QuotaAdjusting, coupon.QuotaFrozen}

// opsQuotaRow is a quota with its limits described.
type opsQuotaRow struct {
	coupon.Quota
	Cash   bool
	Limits []opsLimitLine
}

type opsQuotaListData struct {
	Rows      []opsQuotaRow
	Total     int
	PartnerID string
	Partners  []identity.Partner
	Statuses  []coupon.QuotaStatus
	Page      pager
}

// opsQuotaPartners are the partners quotas go to: solution providers and
// distributors (the first hundred of each, newest first).
func (s *Server) opsQuotaPartners(ctx context.Context, op identity.Actor) ([]identity.Partner, error) {
	var out []identity.Partner
	for _, t := range []identity.PartnerType{identity.SolutionProvider, identity.Distributor} {
		list, _, err := s.Identity.ListPartners(ctx, op, identity.PartnerFilter{Type: &t, Limit: 100})
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// opsQuotaList is 额度管理: every quota granted to partners, newest first,
// optionally of one partner, with the status change of each.
func (s *Server) opsQuotaList(w http.ResponseWriter, r *http.Request) {
	v := view{}
	switch {
	case r.URL.Query().Get("granted") == "1":
		v.Notice = view{Lang: langOf(r)}.T("couponops.quota.granted")
	case r.URL.Query().Get("changed") == "1":
		v.Notice = view{Lang: langOf(r)}.T("couponops.quota.status_changed")
	}
	s.renderOpsQuotaList(w, r, v, nil)
}

// renderOpsQuotaList shows the list; pageErr, if any, is a status change's.
func (s *Server) renderOpsQuotaList(w http.ResponseWriter, r *http.Request, v view, pageErr error) {
	ctx, op, lang := r.Context(), mustActor(r), langOf(r)
	const limit = 20
	partnerID := r.URL.Query().Get("partner_id")
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	quotas, total, err := s.Coupons.OperatorQuotas(ctx, op, partnerID, max(offset, 0), limit)
	data := opsQuotaListData{Total: total, PartnerID: partnerID, Statuses: opsQuotaStatuses, Page: newPager(r, total, limit)}
	if err == nil {
		data.Partners, err = s.opsQuotaPartners(ctx, op)
	}
	names := s.opsCatalogNames(ctx, lang)
	for _, q := range quotas {
		cash := q.Type == coupon.QuotaCash
		data.Rows = append(data.Rows, opsQuotaRow{Quota: q, Cash: cash, Limits: opsDescribeLimits(lang, names, q.Limits, cash)})
	}
	v.Title, v.Data = "couponops.quotas.title", data
	if err == nil {
		err = pageErr
	}
	if err != nil {
		s.renderError(w, r, "ops_quotas", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "ops_quotas", v)
}

// opsQuotaSetStatus sets a quota's status and returns to the list it was
// changed from.
func (s *Server) opsQuotaSetStatus(w http.ResponseWriter, r *http.Request) {
	status, err := strconv.Atoi(r.PostFormValue("status"))
	if err != nil {
		status = -1 // the domain names the field
	}
	if err := s.Coupons.SetQuotaStatus(r.Context(), mustActor(r), r.PathValue("id"), coupon.QuotaStatus(status)); err != nil {
		r.URL.RawQuery = url.Values{"partner_id": {r.PostFormValue("partner_id")}}.Encode()
		s.renderOpsQuotaList(w, r, view{}, opsQuotaFormError(langOf(r), err))
		return
	}
	q := url.Values{"changed": {"1"}}
	if p := r.PostFormValue("partner_id"); p != "" {
		q.Set("partner_id", p)
	}
	http.Redirect(w, r, "/ops/quotas?"+q.Encode(), http.StatusSeeOther)
}
