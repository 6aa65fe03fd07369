package web

import (
	"net/http"
	"strconv"
	"strings"

	"partnercenter/internal/coupon"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/money"
)

// couponIssuedForm is the issued tab's filters, kept to refill them.
type couponIssuedForm struct {
	ID, Customer, Status, Quota string
	CreatedFrom, CreatedTo      string
	EffectiveFrom, EffectiveTo  string
	ExpiresFrom, ExpiresTo      string
}

// couponIssuedData is the issued tab (已发放代金券 / 已发放现金券).
type couponIssuedData struct {
	Head       couponHead
	Form       couponIssuedForm
	Rows       []coupon.Coupon
	Total      int
	Page       pager
	Statuses   []coupon.CouponStatus
	CanReclaim bool
}

// couponStatuses are an issued coupon's statuses, for the filter.
var couponStatuses = []coupon.CouponStatus{coupon.CouponUsable, coupon.CouponUsedUp, coupon.CouponExpired, coupon.CouponReclaimed}

// couponIssued lists the coupons of the section's type the partner
// issued, with the filters of ListIssuedPartnerCoupons, paged; usable ones
// can be ticked for a batch reclaim.
func (s *Server) couponIssued(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		q := r.URL.Query()
		get := func(key string) string { return strings.TrimSpace(q.Get(key)) }
		form := couponIssuedForm{ID: get("id"), Customer: get("customer"), Status: get("status"), Quota: get("quota"),
			CreatedFrom: get("created_from"), CreatedTo: get("created_to"), EffectiveFrom: get("effective_from"),
			EffectiveTo: get("effective_to"), ExpiresFrom: get("expires_from"), ExpiresTo: get("expires_to")}
		t := k.CouponType
		f := coupon.CouponFilter{CouponID: form.ID, CustomerID: form.Customer, QuotaID: form.Quota, Type: &t,
			Offset: pageOffset(r), Limit: couponPageSize}
		if st, err := strconv.Atoi(form.Status); err == nil {
			status := coupon.CouponStatus(st)
			f.Status = &status
		}
		f.CreatedFrom, f.CreatedTo = dateRange(q, "created_from", "created_to")
		f.EffectiveFrom, f.EffectiveTo = dateRange(q, "effective_from", "effective_to")
		f.ExpiresFrom, f.ExpiresTo = dateRange(q, "expires_from", "expires_to")
		list, total, err := s.Coupons.ListIssued(r.Context(), a, f)
		data := couponIssuedData{Head: newCouponHead(a, k, "issued"), Form: form, Rows: list, Total: total,
			Page: newPager(r, total, couponPageSize), Statuses: couponStatuses, CanReclaim: s.may(a, "POST", k.Prefix()+"/reclaim")}
		v := view{Title: k.Key("issued"), Data: data}
		if err != nil {
			s.renderError(w, r, "coupon_issued", v, err)
			return
		}
		s.render(w, r, http.StatusOK, "coupon_issued", v)
	}
}

// couponShowData is one issued coupon with its usage records.
type couponShowData struct {
	Head       couponHead
	Coupon     coupon.Coupon
	Limits     limitView
	Usages     []coupon.Usage
	CanReclaim bool
}

// couponShow is an issued coupon's details (详情): amounts, validity,
// limits, the partner's remark, and its usage records (order, amount,
// time). Another partner's coupon is not found.
func (s *Server) couponShow(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		c, usages, err := s.Coupons.IssuedCoupon(r.Context(), a, r.PathValue("id"))
		if err == nil && c.Type != k.CouponType {
			err = coupon.ErrCouponNotFound
		}
		if err != nil {
			s.renderCouponError(w, r, err)
			return
		}
		data := couponShowData{Head: newCouponHead(a, k, "issued"), Coupon: c, Limits: s.limitsView(r, c.Limits), Usages: usages,
			CanReclaim: c.Reclaimable() && s.may(a, "POST", k.Prefix()+"/reclaim")}
		s.render(w, r, http.StatusOK, "coupon_show", view{Title: "couponconsole.show.title", Data: data})
	}
}

// couponReclaimRow is a coupon on the reclaim confirmation, or its result.
type couponReclaimRow struct {
	ID, CustomerID string
	Amount         money.Amount // the balance to reclaim, or reclaimed
	Message        string       // why it cannot be, translated
}

// couponReclaimData is the reclaim confirmation and its result.
type couponReclaimData struct {
	Head     couponHead
	Rows     []couponReclaimRow
	Failures []couponReclaimRow
	Total    money.Amount
	Done     bool
}

// couponReclaimConfirm asks to confirm reclaiming the ticked coupons (or
// one), showing each one's balance: the whole balance is reclaimed.
func (s *Server) couponReclaimConfirm(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		data := couponReclaimData{Head: newCouponHead(a, k, "issued")}
		notFound := 0
		for _, id := range formIDs(r.URL.Query()["ids"]) {
			c, err := s.Coupons.ReclaimPreview(r.Context(), a, id, k.CouponType)
			if err != nil {
				if couponNotFound(err) {
					notFound++
				}
				msg, _ := s.errorMessage(r, err)
				data.Failures = append(data.Failures, couponReclaimRow{ID: id, Message: msg})
				continue
			}
			data.Rows = append(data.Rows, couponReclaimRow{ID: c.ID, CustomerID: c.CustomerID, Amount: c.Balance})
			data.Total = data.Total.Add(c.Balance)
		}
		status := http.StatusOK
		if len(data.Rows) == 0 && notFound > 0 && notFound == len(data.Failures) {
			// Only coupons the member may not see: another partner's.
			status = http.StatusNotFound
		}
		s.render(w, r, status, "coupon_reclaim", view{Title: "couponconsole.reclaim.title", Data: data})
	}
}

// couponReclaim reclaims each confirmed coupon's whole balance to its
// quota through coupon.Service.Reclaim and shows the amounts actually
// reclaimed and the coupons that could not be.
func (s *Server) couponReclaim(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		_ = r.ParseForm()
		ids := formIDs(r.PostForm["ids"])
		data := couponReclaimData{Head: newCouponHead(a, k, "issued"), Done: true}
		if len(ids) == 0 {
			s.renderError(w, r, "coupon_reclaim", view{Title: "couponconsole.reclaim.title", Data: data},
				apperr.New(apperr.InvalidParam.Code, "err.couponconsole_none_selected"))
			return
		}
		for _, id := range ids {
			amount, err := s.Coupons.Reclaim(r.Context(), a, id, "")
			if err != nil {
				msg, _ := s.errorMessage(r, err)
				data.Failures = append(data.Failures, couponReclaimRow{ID: id, Message: msg})
				continue
			}
			data.Rows = append(data.Rows, couponReclaimRow{ID: id, Amount: amount})
			data.Total = data.Total.Add(amount)
		}
		s.render(w, r, http.StatusOK, "coupon_reclaim", view{Title: "couponconsole.reclaim.title", Data: data})
	}
}
