package cbcapi

import (
	"encoding/json"
	"net/http"

	"partnercenter/internal/coupon"
	"partnercenter/internal/platform/money"
)

// couponIssueBody is CreatePartnerCouponsReq. face_value is read by hand so
// that both 100 and "100" are accepted and a bad value names its field.
type couponIssueBody struct {
	QuotaID           *string         `json:"quota_id"`
	CustomerIDs       []string        `json:"customer_ids"`
	FaceValue         json.RawMessage `json:"face_value"`
	ValidTime         *string         `json:"valid_time"`
	ExpireTime        *string         `json:"expire_time"`
	CloudServiceTypes []string        `json:"cloud_service_types"`
	ProductIDs        []string        `json:"product_ids"`
	Memo              *string         `json:"memo"`
	IndirectPartnerID *string         `json:"indirect_partner_id"`
}

// issueRequest checks the body and turns it into the domain's request.
func (b couponIssueBody) issueRequest() (coupon.IssueRequest, error) {
	in := coupon.IssueRequest{MaxCustomers: maxIssueCustomers, CustomerIDs: b.CustomerIDs}
	if b.QuotaID == nil || *b.QuotaID == "" || checkLen("quota_id", *b.QuotaID, maxIDLen) != nil {
		return in, errParam("quota_id")
	}
	in.QuotaID = *b.QuotaID
	if err := idList("customer_ids", b.CustomerIDs, maxIssueCustomers, true); err != nil {
		return in, err
	}
	if len(b.FaceValue) == 0 || string(b.FaceValue) == "null" {
		return in, errParam("face_value")
	}
	var fv money.Amount
	if err := fv.UnmarshalJSON(b.FaceValue); err != nil || fv.Cmp(money.Amount{}) <= 0 {
		return in, errParam("face_value")
	}
	in.FaceValue = fv
	var err error
	if in.ValidFrom, err = optTime("valid_time", b.ValidTime); err != nil {
		return in, err
	}
	if in.ExpiresAt, err = optTime("expire_time", b.ExpireTime); err != nil {
		return in, err
	}
	if err := idList("cloud_service_types", b.CloudServiceTypes, maxNarrowing, false); err != nil {
		return in, err
	}
	if err := idList("product_ids", b.ProductIDs, maxNarrowing, false); err != nil {
		return in, err
	}
	in.ServiceTypes, in.ProductIDs = b.CloudServiceTypes, b.ProductIDs
	if b.Memo != nil {
		if err := checkLen("memo", *b.Memo, maxMemoLen); err != nil {
			return in, err
		}
		in.Remark = b.Memo
	}
	if in.IndirectPartnerID, err = optString("indirect_partner_id", b.IndirectPartnerID, maxIndirectIDLen); err != nil {
		return in, err
	}
	return in, nil
}

// createPartnerCoupons is CreatePartnerCoupons:
// POST /v2/promotions/benefits/partner-coupons (reference/cbc-api.md §5.2).
// One coupon per customer; customers that could not get one are listed in
// error_details with their id, and the call still answers 200.
func (a *API) createPartnerCoupons(w http.ResponseWriter, r *http.Request) error {
	var body couponIssueBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in, err := body.issueRequest()
	if err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	issued, failed, err := a.Coupons.Issue(r.Context(), actor, in)
	if err != nil {
		return err
	}
	type couponSimpleInfo struct {
		ID       string `json:"id"`
		CouponID string `json:"coupon_id"`
	}
	out := struct {
		CouponInfos  []couponSimpleInfo `json:"coupon_infos"`
		ErrorDetails []errorDetailJSON  `json:"error_details,omitempty"`
	}{CouponInfos: make([]couponSimpleInfo, len(issued)), ErrorDetails: errorDetails(r, failed)}
	for i, c := range issued {
		out.CouponInfos[i] = couponSimpleInfo{ID: c.CustomerID, CouponID: c.CouponID}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// reclaimPartnerCoupons is ReclaimPartnerCoupons:
// POST /v2/promotions/benefits/partner-coupons/reclaim (§5.3): one coupon's
// whole balance back to its quota, 204 No Content.
func (a *API) reclaimPartnerCoupons(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		CouponID          *string `json:"coupon_id"`
		IndirectPartnerID *string `json:"indirect_partner_id"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.CouponID == nil || *body.CouponID == "" || checkLen("coupon_id", *body.CouponID, maxIDLen) != nil {
		return errParam("coupon_id")
	}
	indirect := ""
	if body.IndirectPartnerID != nil {
		if *body.IndirectPartnerID == "" || checkLen("indirect_partner_id", *body.IndirectPartnerID, 100) != nil {
			return errParam("indirect_partner_id")
		}
		indirect = *body.IndirectPartnerID
	}
	actor, _ := ActorFrom(r.Context())
	if _, err := a.Coupons.Reclaim(r.Context(), actor, *body.CouponID, indirect); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
