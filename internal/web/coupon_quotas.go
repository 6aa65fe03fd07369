package web

import (
	"net/http"
	"strconv"
	"strings"

	"partnercenter/internal/coupon"
)

// couponQuotaRow is one quota on the quota tab.
type couponQuotaRow struct {
	coupon.Quota
	Limits limitView
	// Issuable: normal, so 发放 and 发放额度 are offered.
	Issuable bool
}

// couponQuotasData is the quota tab (代金券额度 / 现金券额度).
type couponQuotasData struct {
	Head     couponHead
	Rows     []couponQuotaRow
	Total    int
	Page     pager
	Status   string
	ID       string
	Statuses []coupon.QuotaStatus
}

// quotaStatuses are the statuses a partner's quota may have, for the
// filter.
var quotaStatuses = []coupon.QuotaStatus{coupon.QuotaNormal, coupon.QuotaInvalid, coupon.QuotaAdjusting,
	coupon.QuotaFrozen, coupon.QuotaReclaimed}

// couponQuotas is the quota tab: the partner's quotas of the section's
// type with value, balance, validity, limits and status, and the row
// actions the member may use.
func (s *Server) couponQuotas(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		q := r.URL.Query()
		t := k.QuotaType
		f := coupon.QuotaFilter{Type: &t, Offset: pageOffset(r), Limit: couponPageSize}
		data := couponQuotasData{Head: newCouponHead(a, k, "quotas"), Status: q.Get("status"), ID: strings.TrimSpace(q.Get("id")),
			Statuses: quotaStatuses}
		if st, err := strconv.Atoi(data.Status); err == nil {
			f.Statuses = []coupon.QuotaStatus{coupon.QuotaStatus(st)}
		}
		if data.ID != "" {
			f.IDs = []string{data.ID}
		}
		list, total, err := s.Coupons.ListQuotas(r.Context(), a, f)
		for _, qt := range list {
			data.Rows = append(data.Rows, couponQuotaRow{Quota: qt, Limits: s.limitsView(r, qt.Limits),
				Issuable: qt.Issuable()})
		}
		data.Total, data.Page = total, newPager(r, total, couponPageSize)
		v := view{Title: k.Key("title"), Data: data}
		if err != nil {
			s.renderError(w, r, "coupon_quotas", v, err)
			return
		}
		s.render(w, r, http.StatusOK, "coupon_quotas", v)
	}
}
