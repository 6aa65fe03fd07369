package web

import (
	"net/http"
	"net/url"

	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// payBenefit is one benefit row of the pay page.
type payBenefit struct {
	payment.Benefit
	KindKey   string // i18n key of the kind
	ReasonKey string
}

type payPageData struct {
	Order    orderRow
	Ex       payment.Explanation
	Benefits []payBenefit
	Chosen   url.Values // the chosen coupon and discount, to keep the form
	// UseCards: the stored-value cards pay before the balance. The box is
	// ticked by default when the customer holds usable cards.
	UseCards bool
}

// payRequestFrom reads the chosen benefits of the pay form (coupon,
// repeated, and discount) and whether to spend stored-value cards: the
// forms send cards_set with the cards box, so a page opened without them
// spends the cards (the box is on by default).
func payRequestFrom(orderID string, v url.Values) payment.Request {
	req := payment.Request{OrderID: orderID, CouponIDs: v["coupon"]}
	req.UseCards = v.Get("cards_set") == "" || v.Get("cards") == "1"
	req.UseCoupon = len(req.CouponIDs) > 0
	if d := v.Get("discount"); d != "" {
		req.UseDiscount, req.DiscountIDs = true, []string{d}
	}
	return req
}

var payKindKeys = map[string]string{payment.KindDiscount: "payment.kind.discount", payment.KindVoucher: "payment.kind.voucher",
	payment.KindCash: "payment.kind.cash"}

// customerPayShow is the pay page of one of the customer's orders: the
// price explained for the chosen benefits and every benefit the customer
// holds with why it applies or not.
func (s *Server) customerPayShow(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	s.showPay(w, r, me.ID, r.URL.Query(), nil)
}

func (s *Server) showPay(w http.ResponseWriter, r *http.Request, customerID string, form url.Values, actionErr error) {
	id := r.PathValue("id")
	o, err := s.Orders.Get(r.Context(), order.CustomerViewer(customerID), id, "")
	if err != nil {
		s.renderOrderError(w, r, err)
		return
	}
	rows := s.orderRows(r, []order.Order{o})
	data := payPageData{Order: rows[0], Chosen: form}
	v := view{Title: "payment.title", Data: &data}
	if r.URL.Query().Get("paid") != "" && o.Status == order.StatusCompleted {
		v.Notice = i18n.T(langOf(r), "payment.notice.paid", nil)
	}
	if o.Status == order.StatusPendingPayment {
		ex, err := s.Payments.Explain(r.Context(), customerID, payRequestFrom(id, form))
		if err != nil && actionErr == nil {
			// Keep the page usable: explain without the chosen benefits.
			actionErr = err
			ex, err = s.Payments.Explain(r.Context(), customerID, payment.Request{OrderID: id})
		}
		if err != nil {
			s.renderOrderError(w, r, err)
			return
		}
		data.Ex = ex
		data.UseCards = payRequestFrom(id, form).UseCards && ex.CardBalance.Cmp(money.Amount{}) > 0
		for _, b := range ex.Benefits {
			data.Benefits = append(data.Benefits, payBenefit{Benefit: b, KindKey: payKindKeys[b.Kind],
				ReasonKey: payment.ReasonKey(b.Reason)})
		}
	}
	if actionErr != nil {
		s.renderError(w, r, "customer_pay", v, actionErr)
		return
	}
	s.render(w, r, http.StatusOK, "customer_pay", v)
}

// customerPay pays the order with the chosen benefits, the stored-value
// cards when ticked, and the account balance.
func (s *Server) customerPay(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		s.showPay(w, r, me.ID, url.Values{}, err)
		return
	}
	if _, err := s.Payments.Pay(r.Context(), me.ID, payRequestFrom(id, r.PostForm)); err != nil {
		s.showPay(w, r, me.ID, r.PostForm, err)
		return
	}
	http.Redirect(w, r, "/customer/orders/"+id+"/pay?paid=1", http.StatusSeeOther)
}

// chosen reports whether the form chose value for field.
func (d *payPageData) IsChosen(field, value string) bool {
	for _, v := range d.Chosen[field] {
		if v == value {
			return true
		}
	}
	return false
}
