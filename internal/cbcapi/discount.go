package cbcapi

import (
	"encoding/json"
	"net/http"

	"github.com/shopspring/decimal"

	"partnercenter/internal/coupon"
	"partnercenter/internal/funds"
)

// Partner-granted discounts (reference/cbc-api.md §6, old SDK
// generations A and B): BatchSetSubCustomerDiscount and
// ListSubCustomerDiscounts.

// batchSetSubCustomerDiscount is BatchSetSubCustomerDiscount:
// POST /v2/partners/discounts with SetPartnerDiscountsReq. Customers that
// could not be served are listed in error_details; the call answers 200.
func (a *API) batchSetSubCustomerDiscount(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		IndirectPartnerID *string `json:"indirect_partner_id"`
		Discounts         []struct {
			CustomerID    *string          `json:"customer_id"`
			Discount      *decimal.Decimal `json:"discount"`
			EffectiveTime *string          `json:"effective_time"`
			ExpireTime    *string          `json:"expire_time"`
		} `json:"sub_customer_discounts"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	indirect, err := optString("indirect_partner_id", body.IndirectPartnerID, maxIndirectIDLen)
	if err != nil {
		return err
	}
	if len(body.Discounts) == 0 || len(body.Discounts) > funds.MaxDiscountBatch {
		return errParam("sub_customer_discounts")
	}
	in := make([]funds.DiscountInput, len(body.Discounts))
	for i, d := range body.Discounts {
		if d.CustomerID == nil || *d.CustomerID == "" || checkLen("customer_id", *d.CustomerID, maxIDLen) != nil {
			return errParam("customer_id")
		}
		if d.Discount == nil {
			return errParam("discount")
		}
		eff, err := optTime("effective_time", d.EffectiveTime)
		if err != nil {
			return err
		}
		exp, err := optTime("expire_time", d.ExpireTime)
		if err != nil {
			return err
		}
		in[i] = funds.DiscountInput{CustomerID: *d.CustomerID, Rate: *d.Discount, EffectiveAt: eff, ExpiresAt: exp}
	}
	actor, _ := ActorFrom(r.Context())
	bad, err := a.Funds.SetDiscounts(r.Context(), actor, indirect, in)
	if err != nil {
		return err
	}
	failed := make([]coupon.ItemError, len(bad))
	for i, b := range bad {
		failed[i] = coupon.ItemError{ID: b.ID, Err: b.Err}
	}
	writeJSON(w, http.StatusOK, struct {
		ErrorDetails []errorDetailJSON `json:"error_details,omitempty"`
	}{errorDetails(r, failed)})
	return nil
}

// listSubCustomerDiscounts is ListSubCustomerDiscounts:
// GET /v2/partners/discounts?customer_id&indirect_partner_id →
// {sub_customer_discount}; without a current discount the object is
// absent.
func (a *API) listSubCustomerDiscounts(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r.URL)
	customerID := q.str("customer_id", maxIDLen)
	indirect := q.str("indirect_partner_id", maxIndirectIDLen)
	if customerID == "" {
		q.fail("customer_id")
	}
	if q.err != nil {
		return q.err
	}
	actor, _ := ActorFrom(r.Context())
	d, ok, err := a.Funds.CustomerDiscount(r.Context(), actor, customerID, indirect)
	if err != nil {
		return err
	}
	type discountJSON struct {
		DiscountID    string      `json:"discount_id"`
		Discount      json.Number `json:"discount"`
		EffectiveTime string      `json:"effective_time"`
		ExpireTime    string      `json:"expire_time"`
	}
	var out struct {
		SubCustomerDiscount *discountJSON `json:"sub_customer_discount,omitempty"`
	}
	if ok {
		out.SubCustomerDiscount = &discountJSON{DiscountID: d.ID, Discount: json.Number(d.Rate.String()),
			EffectiveTime: apiTime(d.EffectiveAt), ExpireTime: apiTime(d.ExpiresAt)}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
