package cbcapi

import (
	"net/http"

	"partnercenter/internal/identity"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// payBody is PayCustomerOrderV3Req.
type payBody struct {
	OrderID     *string `json:"order_id"`
	UseCoupon   *string `json:"use_coupon"`
	UseDiscount *string `json:"use_discount"`
	CouponInfos []struct {
		ID   string `json:"id"`
		Type int    `json:"type"`
	} `json:"coupon_infos"`
	DiscountInfos []struct {
		ID   string `json:"id"`
		Type int    `json:"type"`
	} `json:"discount_infos"`
}

func yesNo(p *string, field string) (bool, error) {
	if p == nil {
		return false, errParam(field)
	}
	switch *p {
	case "YES":
		return true, nil
	case "NO":
		return false, nil
	}
	return false, errParam(field)
}

// payRequest decodes and checks a PayOrders body (CBC.0100 naming the
// field).
func payRequest(r *http.Request) (payment.Request, error) {
	var body payBody
	if err := decodeJSON(r, &body); err != nil {
		return payment.Request{}, err
	}
	var req payment.Request
	if body.OrderID == nil || *body.OrderID == "" || len(*body.OrderID) > maxIDLen {
		return req, errParam("order_id")
	}
	req.OrderID = *body.OrderID
	// Huawei's body has no field for them: the open API always spends the
	// customer's stored-value cards before its balance, like cash.
	req.UseCards = true
	var err error
	if req.UseCoupon, err = yesNo(body.UseCoupon, "use_coupon"); err != nil {
		return req, err
	}
	if req.UseDiscount, err = yesNo(body.UseDiscount, "use_discount"); err != nil {
		return req, err
	}
	for _, c := range body.CouponInfos {
		req.CouponIDs = append(req.CouponIDs, c.ID)
	}
	for _, d := range body.DiscountInfos {
		if d.Type != payment.DiscountPartner {
			return req, errParam("discount_infos.type")
		}
		req.DiscountIDs = append(req.DiscountIDs, d.ID)
	}
	return req, req.Validate()
}

// payOrders is PayOrders: POST /v2|v3/orders/customer-orders/pay; 204 on
// success. A customer pays its own order; a partner pays an order a
// customer asked it to pay (代支付) from its account, never with the
// customer's coupons or cards.
func (a *API) payOrders(w http.ResponseWriter, r *http.Request) error {
	req, err := payRequest(r)
	if err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	if actor.Kind == identity.ActorCustomer {
		_, err = a.Payments.Pay(r.Context(), actor.ID, req)
	} else {
		_, err = a.Payments.PayAsPartner(r.Context(), actor, req)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type benefitJSON struct {
	ID      string        `json:"id"`
	Kind    string        `json:"kind"`
	Balance *money.Amount `json:"balance,omitempty"`
	Rate    string        `json:"rate,omitempty"`
	Chosen  bool          `json:"chosen"`
	Applies bool          `json:"applies"`
	Amount  money.Amount  `json:"amount"`
	Capped  bool          `json:"capped,omitempty"`
	Reason  string        `json:"reason"`
	Message string        `json:"message"`
}

// priceExplain is our price explain: POST
// /v2/orders/customer-orders/price-explain with a PayOrders body; a dry
// run answering each step and every benefit the customer holds.
func (a *API) priceExplain(w http.ResponseWriter, r *http.Request) error {
	req, err := payRequest(r)
	if err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	ex, err := a.Payments.Explain(r.Context(), actor.ID, req)
	if err != nil {
		return err
	}
	l := lang(r)
	out := struct {
		OrderID   string        `json:"order_id"`
		ListPrice money.Amount  `json:"official_amount"`
		Discount  money.Amount  `json:"discount_amount"`
		Payable   money.Amount  `json:"amount_after_discount"`
		Voucher   money.Amount  `json:"voucher_amount"`
		Cash      money.Amount  `json:"cash_coupon_amount"`
		Cards     money.Amount  `json:"stored_value_card_amount"`
		Due       money.Amount  `json:"amount_due"`
		Balance   money.Amount  `json:"account_balance"`
		CardBal   money.Amount  `json:"stored_value_card_balance"`
		Benefits  []benefitJSON `json:"benefits"`
	}{OrderID: ex.OrderID, ListPrice: ex.ListPrice, Discount: ex.Discount, Payable: ex.Payable, Voucher: ex.Voucher,
		Cash: ex.Cash, Cards: ex.Cards, Due: ex.Due, Balance: ex.Balance, CardBal: ex.CardBalance, Benefits: []benefitJSON{}}
	for _, b := range ex.Benefits {
		j := benefitJSON{ID: b.ID, Kind: b.Kind, Rate: b.Rate, Chosen: b.Chosen, Applies: b.Applies, Amount: b.Amount,
			Capped: b.Capped, Reason: b.Reason, Message: i18n.T(l, payment.ReasonKey(b.Reason), nil)}
		if b.Kind != payment.KindDiscount {
			bal := b.Balance
			j.Balance = &bal
		}
		out.Benefits = append(out.Benefits, j)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
