package cbcapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"partnercenter/internal/coupon"
	"partnercenter/internal/platform/money"
)

// Coupon quotas of cloud resellers (reference/cbc-api.md §5.7): a
// distributor carves child quotas out of its own for its resellers, takes
// their remaining balance back, and lists them and its quota log.

// updateCouponQuotas is UpdateCouponQuotas:
// POST /v2/partners/coupon-quotas/indirect-partner-adjust. Resellers that
// could not get a quota are listed in error_details; the call answers 200.
func (a *API) updateCouponQuotas(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		QuotaID            *string         `json:"quota_id"`
		IndirectPartnerIDs []string        `json:"indirect_partner_ids"`
		QuotaAmount        json.RawMessage `json:"quota_amount"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.QuotaID == nil || *body.QuotaID == "" || checkLen("quota_id", *body.QuotaID, maxIDLen) != nil {
		return errParam("quota_id")
	}
	if err := idList("indirect_partner_ids", body.IndirectPartnerIDs, maxBatchIDs, true); err != nil {
		return err
	}
	var amount money.Amount
	if len(body.QuotaAmount) == 0 || string(body.QuotaAmount) == "null" ||
		amount.UnmarshalJSON(body.QuotaAmount) != nil || amount.Cmp(money.Amount{}) <= 0 {
		return errParam("quota_amount")
	}
	actor, _ := ActorFrom(r.Context())
	issued, failed, err := a.Coupons.IssueQuotaToResellers(r.Context(), actor, *body.QuotaID, body.IndirectPartnerIDs, amount)
	if err != nil {
		return err
	}
	type quotaSimpleInfo struct {
		ID      string `json:"id"`
		QuotaID string `json:"quota_id"`
	}
	out := struct {
		ErrorDetails     []errorDetailJSON `json:"error_details,omitempty"`
		SimpleQuotaInfos []quotaSimpleInfo `json:"simple_quota_infos"`
	}{ErrorDetails: errorDetails(r, failed), SimpleQuotaInfos: make([]quotaSimpleInfo, len(issued))}
	for i, q := range issued {
		out.SimpleQuotaInfos[i] = quotaSimpleInfo{ID: q.ResellerID, QuotaID: q.QuotaID}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// reclaimCouponQuotas is ReclaimCouponQuotas:
// POST /v2/partners/coupon-quotas/indirect-partner-reclaim. Quotas that
// could not be taken back are listed in error_details with their id.
func (a *API) reclaimCouponQuotas(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		QuotaIDs []string `json:"quota_ids"`
		Remark   *string  `json:"remark"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if err := idList("quota_ids", body.QuotaIDs, maxBatchIDs, true); err != nil {
		return err
	}
	remark, err := optString("remark", body.Remark, maxMemoLen)
	if err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	done, failed, err := a.Coupons.ReclaimResellerQuotas(r.Context(), actor, body.QuotaIDs, remark)
	if err != nil {
		return err
	}
	type quotaReclaim struct {
		QuotaID      string       `json:"quota_id"`
		QuotaBalance money.Amount `json:"quota_balance"`
	}
	out := struct {
		ErrorDetails     []errorDetailJSON `json:"error_details,omitempty"`
		SimpleQuotaInfos []quotaReclaim    `json:"simple_quota_infos"`
	}{ErrorDetails: errorDetails(r, failed), SimpleQuotaInfos: make([]quotaReclaim, len(done))}
	for i, q := range done {
		out.SimpleQuotaInfos[i] = quotaReclaim{QuotaID: q.QuotaID, QuotaBalance: q.Balance}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// listIssuedCouponQuotas is ListIssuedCouponQuotas:
// GET /v2/partners/issued-coupon-quotas. parent_quota_id absent does not
// filter; present but empty does.
func (a *API) listIssuedCouponQuotas(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r.URL)
	f := coupon.IssuedQuotaFilter{
		QuotaID: q.str("quota_id", maxIDLen), IndirectPartnerID: q.str("indirect_partner_id", maxIndirectIDLen),
		ParentQuotaID: q.strPtr("parent_quota_id", maxIDLen),
	}
	f.Offset, f.Limit = q.paging()
	if q.err != nil {
		return q.err
	}
	actor, _ := ActorFrom(r.Context())
	list, total, err := a.Coupons.ListIssuedQuotas(r.Context(), actor, f)
	if err != nil {
		return err
	}
	out := make([]quotaJSON, len(list))
	for i, qt := range list {
		out[i] = issuedQuotaOut(qt)
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount int         `json:"total_count"`
		Quotas     []quotaJSON `json:"quotas"`
	}{total, out})
	return nil
}

// listCouponQuotasRecords is ListCouponQuotasRecords:
// GET /v2/partners/coupon-quotas/records (operation types 10 and 11).
func (a *API) listCouponQuotasRecords(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r.URL)
	f := coupon.QuotaRecordFilter{
		IndirectPartnerID: q.str("indirect_partner_id", maxIndirectIDLen), QuotaID: q.str("quota_id", maxIDLen),
		ParentQuotaID: q.strPtr("parent_quota_id", maxIDLen),
		From:          q.time("operation_time_begin"), To: q.time("operation_time_end"),
	}
	if t := q.intIn("operation_type", int(coupon.OpQuotaIssue), int(coupon.OpQuotaReclaim)); t != nil {
		op := coupon.OperationType(*t)
		f.OperationType = &op
	}
	f.Offset, f.Limit = q.paging()
	if q.err != nil {
		return q.err
	}
	actor, _ := ActorFrom(r.Context())
	list, total, err := a.Coupons.QuotaRecords(r.Context(), actor, f)
	if err != nil {
		return err
	}
	type quotaRecordJSON struct {
		ID                         string       `json:"id"`
		Operator                   string       `json:"operator"`
		OperationType              string       `json:"operation_type"`
		QuotaID                    string       `json:"quota_id"`
		ParentQuotaID              string       `json:"parent_quota_id"`
		Amount                     money.Amount `json:"amount"`
		OperationTime              string       `json:"operation_time"`
		Result                     string       `json:"result"`
		IndirectPartnerAccountName string       `json:"indirect_partner_account_name"`
		IndirectPartnerID          string       `json:"indirect_partner_id"`
		IndirectPartnerName        string       `json:"indirect_partner_name"`
		Remark                     string       `json:"remark"`
	}
	out := make([]quotaRecordJSON, len(list))
	for i, rec := range list {
		out[i] = quotaRecordJSON{ID: rec.ID, Operator: rec.Operator, OperationType: strconv.Itoa(int(rec.OperationType)),
			QuotaID: rec.QuotaID, ParentQuotaID: rec.ParentQuotaID, Amount: rec.Amount, OperationTime: apiTime(rec.At),
			Result: result(rec.Succeeded), IndirectPartnerAccountName: rec.ResellerAccountName,
			IndirectPartnerID: rec.ResellerID, IndirectPartnerName: rec.ResellerName, Remark: rec.Remark}
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount int               `json:"total_count"`
		Records    []quotaRecordJSON `json:"records"`
	}{total, out})
	return nil
}
