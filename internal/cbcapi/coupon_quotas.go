package cbcapi

import (
	"net/http"
	"slices"
	"time"

	"partnercenter/internal/coupon"
)

// listQuotaCoupons is ListQuotaCoupons: POST /v2/partners/coupon-quotas/query
// (reference/cbc-api.md §5.1). quota_type defaults to 0 (vouchers), as
// Huawei documents.
func (a *API) listQuotaCoupons(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		QuotaIDs           []string `json:"quota_ids"`
		QuotaStatusList    []int    `json:"quota_status_list"`
		QuotaType          *int     `json:"quota_type"`
		CreateTimeBegin    *string  `json:"create_time_begin"`
		CreateTimeEnd      *string  `json:"create_time_end"`
		EffectiveTimeBegin *string  `json:"effective_time_begin"`
		EffectiveTimeEnd   *string  `json:"effective_time_end"`
		ExpireTimeBegin    *string  `json:"expire_time_begin"`
		ExpireTimeEnd      *string  `json:"expire_time_end"`
		Offset             *int     `json:"offset"`
		Limit              *int     `json:"limit"`
		IndirectPartnerID  *string  `json:"indirect_partner_id"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	f := coupon.QuotaFilter{IDs: body.QuotaIDs}
	if err := idList("quota_ids", body.QuotaIDs, maxQuotaIDs, false); err != nil {
		return err
	}
	if len(body.QuotaStatusList) > maxQuotaStatuses {
		return errParam("quota_status_list")
	}
	for _, s := range body.QuotaStatusList {
		if !slices.Contains([]int{0, 3, 4, 5}, s) {
			return errParam("quota_status_list")
		}
		f.Statuses = append(f.Statuses, coupon.QuotaStatus(s))
	}
	qt := coupon.QuotaVoucher
	if body.QuotaType != nil {
		if *body.QuotaType != 0 && *body.QuotaType != 1 {
			return errParam("quota_type")
		}
		qt = coupon.QuotaType(*body.QuotaType)
	}
	f.Type = &qt
	var err error
	for _, t := range []struct {
		name string
		in   *string
		out  **time.Time
	}{
		{"create_time_begin", body.CreateTimeBegin, &f.CreatedFrom}, {"create_time_end", body.CreateTimeEnd, &f.CreatedTo},
		{"effective_time_begin", body.EffectiveTimeBegin, &f.EffectiveFrom}, {"effective_time_end", body.EffectiveTimeEnd, &f.EffectiveTo},
		{"expire_time_begin", body.ExpireTimeBegin, &f.ExpiresFrom}, {"expire_time_end", body.ExpireTimeEnd, &f.ExpiresTo},
	} {
		if *t.out, err = optTime(t.name, t.in); err != nil {
			return err
		}
	}
	if f.Offset, f.Limit, err = couponPaging(body.Offset, body.Limit); err != nil {
		return err
	}
	if f.IndirectPartnerID, err = optString("indirect_partner_id", body.IndirectPartnerID, maxIndirectIDLen); err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	quotas, total, err := a.Coupons.ListQuotas(r.Context(), actor, f)
	if err != nil {
		return err
	}
	out := make([]quotaJSON, len(quotas))
	for i, q := range quotas {
		out[i] = quotaOut(q)
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount int         `json:"total_count"`
		Quotas     []quotaJSON `json:"quotas"`
	}{total, out})
	return nil
}
