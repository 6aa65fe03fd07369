package cbcapi

import (
	"net/http"
	"strconv"

	"partnercenter/internal/coupon"
	"partnercenter/internal/platform/money"
)

// listIssuedPartnerCoupons is ListIssuedPartnerCoupons:
// GET /v2/promotions/benefits/partner-coupons (reference/cbc-api.md §5.4),
// every filter of the reference.
func (a *API) listIssuedPartnerCoupons(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r.URL)
	f := coupon.CouponFilter{
		CouponID: q.str("coupon_id", maxIDLen), CustomerID: q.str("customer_id", maxIDLen),
		OrderID: q.str("order_id", maxIDLen), IndirectPartnerID: q.str("indirect_partner_id", maxIndirectIDLen),
		CreatedFrom: q.time("create_time_begin"), CreatedTo: q.time("create_time_end"),
		EffectiveFrom: q.time("effective_time_begin"), EffectiveTo: q.time("effective_time_end"),
		ExpiresFrom: q.time("expire_time_begin"), ExpiresTo: q.time("expire_time_end"),
	}
	if t := q.intIn("coupon_type", int(coupon.CouponVoucher), int(coupon.CouponCash)); t != nil {
		ct := coupon.CouponType(*t)
		f.Type = &ct
	}
	if s := q.intIn("status", 1, 2, 3, 4, 5); s != nil {
		cs := coupon.CouponStatus(*s)
		f.Status = &cs
	}
	f.Offset, f.Limit = q.paging()
	if q.err != nil {
		return q.err
	}
	actor, _ := ActorFrom(r.Context())
	list, total, err := a.Coupons.ListIssued(r.Context(), actor, f)
	if err != nil {
		return err
	}
	out := make([]partnerCouponJSON, len(list))
	for i, c := range list {
		out[i] = partnerCouponOut(c)
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount  int                 `json:"total_count"`
		UserCoupons []partnerCouponJSON `json:"user_coupons"`
	}{total, out})
	return nil
}

// listPartnerCouponsRecord is ListPartnerCouponsRecord:
// GET /v2/promotions/benefits/partner-coupons/records/query (§5.5).
// operation_types and coupon_ids are repeated query keys.
func (a *API) listPartnerCouponsRecord(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r.URL)
	f := coupon.RecordFilter{
		QuotaID: q.str("quota_id", maxIDLen), CouponIDs: q.list("coupon_ids", maxBatchIDs, maxIDLen),
		CustomerID: q.str("customer_id", maxIDLen), From: q.time("operation_time_begin"),
		To: q.time("operation_time_end"), IndirectPartnerID: q.str("indirect_partner_id", maxIndirectIDLen),
	}
	for _, s := range q.list("operation_types", maxOperationTypes, 2) {
		n, err := strconv.Atoi(s)
		if err != nil || n < int(coupon.OpIssue) || n > int(coupon.OpSwitchReclaim) {
			q.fail("operation_types")
			continue
		}
		f.OperationTypes = append(f.OperationTypes, coupon.OperationType(n))
	}
	if t := q.intIn("quota_type", int(coupon.QuotaVoucher), int(coupon.QuotaCash)); t != nil {
		qt := coupon.QuotaType(*t)
		f.QuotaType = &qt
	}
	switch res := q.v.Get("result"); res {
	case "":
	case "0", "-1":
		ok := res == "0"
		f.Succeeded = &ok
	default:
		q.fail("result")
	}
	f.Offset, f.Limit = q.paging()
	if q.err != nil {
		return q.err
	}
	actor, _ := ActorFrom(r.Context())
	list, total, err := a.Coupons.Records(r.Context(), actor, f)
	if err != nil {
		return err
	}
	type recordJSON struct {
		ID              string       `json:"id"`
		OperationType   string       `json:"operation_type"`
		QuotaID         string       `json:"quota_id"`
		QuotaType       int          `json:"quota_type"`
		CouponID        string       `json:"coupon_id"`
		CustomerID      string       `json:"customer_id"`
		OperationAmount money.Amount `json:"operation_amount"`
		OperationTime   string       `json:"operation_time"`
		Result          string       `json:"result"`
		Remark          string       `json:"remark"`
	}
	out := make([]recordJSON, len(list))
	for i, rec := range list {
		out[i] = recordJSON{ID: rec.ID, OperationType: strconv.Itoa(int(rec.OperationType)), QuotaID: rec.QuotaID,
			QuotaType: int(rec.QuotaType), CouponID: rec.CouponID, CustomerID: rec.CustomerID, OperationAmount: rec.Amount,
			OperationTime: apiTime(rec.At), Result: result(rec.Succeeded), Remark: rec.Remark}
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount int          `json:"total_count"`
		Records    []recordJSON `json:"records"`
	}{total, out})
	return nil
}

// listSubCustomerCoupons is ListSubCustomerCoupons:
// GET /v2/promotions/benefits/coupons (§5.6), called with a customer's own
// access key: the customer's vouchers and cash coupons, reclaimed ones not
// shown. Coupons issued by partners belong to no promotion plan and have no
// source, so a promotion_plan_id or source_id filter matches none.
func (a *API) listSubCustomerCoupons(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r.URL)
	f := coupon.CustomerCouponFilter{CouponID: q.str("coupon_id", maxIDLen), OrderID: q.str("order_id", maxIDLen),
		ActiveFrom: q.time("active_start_time"), ActiveTo: q.time("active_end_time")}
	// A customer has no resellers: the parameter is checked and ignored.
	q.str("indirect_partner_id", maxIndirectIDLen)
	planID, sourceID := q.str("promotion_plan_id", maxIDLen), q.str("source_id", maxIDLen)
	if t := q.intIn("coupon_type", int(coupon.CouponVoucher), int(coupon.CouponCash)); t != nil {
		ct := coupon.CouponType(*t)
		f.Type = &ct
	}
	if s := q.intIn("status", 1, 2, 3, 4, 5); s != nil {
		cs := coupon.CouponStatus(*s)
		f.Status = &cs
	}
	f.Offset, f.Limit = q.paging()
	if q.err != nil {
		return q.err
	}
	actor, _ := ActorFrom(r.Context())
	out := []customerCouponJSON{}
	total := 0
	if planID == "" && sourceID == "" {
		list, n, err := a.Coupons.CustomerCoupons(r.Context(), actor.ID, f)
		if err != nil {
			return err
		}
		for _, c := range list {
			out = append(out, customerCouponOut(c))
		}
		total = n
	}
	writeJSON(w, http.StatusOK, struct {
		Count       int                  `json:"count"`
		UserCoupons []customerCouponJSON `json:"user_coupons"`
	}{total, out})
	return nil
}
