package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/mask"
)

// Partner pays (代支付, console.md §4.4). In the partner console, 销售 >
// 客户 > 客户订单 has the tabs 待支付 / 已支付 / 已驳回 / 已取消 next to all
// orders: the orders customers asked the partner to pay. A member holding
// the pay item pays one from the partner's account (with the customer's
// partner-granted discount when it chooses) or rejects one or a batch with
// a mandatory reason. In the customer portal, a pending order has "ask my
// partner to pay"; the order then shows that it waits for the partner, and
// after a rejection the partner's reason.

// partnerPayRow is a partner-pay order as the partner's list shows it.
type partnerPayRow struct {
	orderRow
	MaskedCustomer string
	Tab            string
}

type partnerPayData struct {
	Tab      string
	Tabs     []string
	Customer string
	OrderID  string
	Rows     []partnerPayRow
	Total    int
	Page     pager
	// Reason refills the batch rejection's reason after an error.
	Reason string
	// Failed lists the orders a batch rejection could not reject.
	Failed []partnerPayFailure
}

type partnerPayFailure struct {
	ID, Message string
}

// partnerPayOrders is the list of one tab (待支付 by default).
func (s *Server) partnerPayOrders(w http.ResponseWriter, r *http.Request) {
	q, lang := r.URL.Query(), langOf(r)
	notice := ""
	if n, err := strconv.Atoi(q.Get("rejected")); err == nil && n > 0 {
		notice = i18n.T(lang, "partnerpay.notice.rejected", map[string]any{"count": n})
	}
	if id := q.Get("paid"); id != "" {
		notice = i18n.T(lang, "partnerpay.notice.paid", map[string]any{"id": id})
	}
	s.renderPartnerPayOrders(w, r, q, nil, notice, nil)
}

// renderPartnerPayOrders lists the tab q names; actionErr (a refused
// rejection) is shown with its status, failed (a batch's item errors)
// beside the notice.
func (s *Server) renderPartnerPayOrders(w http.ResponseWriter, r *http.Request, q url.Values, actionErr error, notice string,
	failed []partnerPayFailure) {
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	d := partnerPayData{Tab: get("tab"), Tabs: order.AgentTabs, Customer: get("customer"), OrderID: get("order"), Failed: failed}
	if d.Tab == "" {
		d.Tab = order.AgentTabPending
	}
	list, total, err := s.Orders.PartnerPayOrders(r.Context(), mustActor(r), order.AgentFilter{Tab: d.Tab,
		CustomerID: d.Customer, OrderID: d.OrderID, Offset: pageOffset(r), Limit: orderPageSize})
	for _, o := range s.orderRows(r, list) {
		d.Rows = append(d.Rows, partnerPayRow{orderRow: o, MaskedCustomer: mask.AccountName(o.CustomerName), Tab: order.AgentTab(o.Order)})
	}
	d.Total, d.Page = total, newPager(r, total, orderPageSize)
	v := view{Title: "partnerpay.title", Data: d, Notice: notice}
	if actionErr != nil {
		err = actionErr
		d.Reason = get("reason")
		v.Data = d
	}
	if err != nil {
		s.renderError(w, r, "partner_pay_orders", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "partner_pay_orders", v)
}

type partnerPayPayData struct {
	Quote   payment.PartnerQuote
	Order   orderRow
	Masked  string
	Lines   []orderLine
	Rate    string
	UseDisc bool
}

// partnerPayShow is the pay page of one order waiting for the partner.
func (s *Server) partnerPayShow(w http.ResponseWriter, r *http.Request) {
	s.renderPartnerPay(w, r, nil, false)
}

func (s *Server) renderPartnerPay(w http.ResponseWriter, r *http.Request, actionErr error, useDiscount bool) {
	q, err := s.Payments.QuotePartnerPay(r.Context(), mustActor(r), r.PathValue("id"))
	if errors.Is(err, order.ErrNotFound) {
		s.renderOrderError(w, r, err)
		return
	}
	d := partnerPayPayData{Quote: q, UseDisc: useDiscount}
	if q.Order.ID != "" {
		d.Order = s.orderRows(r, []order.Order{q.Order})[0]
		d.Masked = mask.AccountName(q.Order.CustomerName)
		d.Lines = s.orderLines(langOf(r), r, q.Lines)
	}
	if q.Discount != nil {
		d.Rate = q.Discount.Rate.String()
	}
	v := view{Title: "partnerpay.pay.title", Data: d}
	if actionErr != nil {
		err = actionErr
	}
	if err != nil {
		s.renderError(w, r, "partner_pay_pay", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "partner_pay_pay", v)
}

// partnerPay pays the order from the partner's account.
func (s *Server) partnerPay(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	id := r.PathValue("id")
	req := payment.Request{OrderID: id}
	if disc := strings.TrimSpace(r.PostForm.Get("discount")); disc != "" {
		req.UseDiscount, req.DiscountIDs = true, []string{disc}
	}
	if _, err := s.Payments.PayAsPartner(r.Context(), mustActor(r), req); err != nil {
		if errors.Is(err, order.ErrNotFound) {
			s.renderOrderError(w, r, err)
			return
		}
		s.renderPartnerPay(w, r, err, req.UseDiscount)
		return
	}
	http.Redirect(w, r, "/sales/orders/partner-pay?tab=paid&paid="+url.QueryEscape(id), http.StatusSeeOther)
}

// partnerPayRejectShow is the reason form rejecting one order.
func (s *Server) partnerPayRejectShow(w http.ResponseWriter, r *http.Request) {
	s.renderPartnerPayReject(w, r, r.PathValue("id"), nil, "")
}

type partnerPayRejectData struct {
	Order  orderRow
	Masked string
	State  string // the order's tab
	Reason string
	Max    int
}

func (s *Server) renderPartnerPayReject(w http.ResponseWriter, r *http.Request, id string, actionErr error, reason string) {
	list, _, err := s.Orders.PartnerPayOrders(r.Context(), mustActor(r), order.AgentFilter{OrderID: id, Limit: 1})
	if err == nil && len(list) == 0 {
		err = order.ErrNotFound
	}
	if errors.Is(err, order.ErrNotFound) {
		s.renderOrderError(w, r, err)
		return
	}
	d := partnerPayRejectData{Reason: reason, Max: payment.MaxRejectReason}
	if len(list) > 0 {
		d.Order = s.orderRows(r, list)[0]
		d.Masked = mask.AccountName(list[0].CustomerName)
		d.State = order.AgentTab(list[0])
		if actionErr == nil && d.State != order.AgentTabPending {
			actionErr = payment.ErrNotAwaiting
		}
	}
	v := view{Title: "partnerpay.reject.title", Data: d}
	if actionErr != nil {
		err = actionErr
	}
	if err != nil {
		s.renderError(w, r, "partner_pay_reject", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "partner_pay_reject", v)
}

// partnerPayReject rejects the ticked orders (or the one of the reason
// form, which sends single=1) with the reason.
func (s *Server) partnerPayReject(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	ids := r.PostForm["order_id"]
	reason := r.PostForm.Get("reason")
	single := r.PostForm.Get("single") != "" && len(ids) == 1
	bad, err := s.Payments.RejectPartnerPay(r.Context(), mustActor(r), ids, reason)
	if e, ok := apperr.As(err); ok && e.Code == apperr.InvalidParam.Code && e.Args["field"] == "reason" {
		err = e.WithField("reason", e.Key)
	}
	if err != nil {
		if single {
			s.renderPartnerPayReject(w, r, ids[0], err, reason)
			return
		}
		q := url.Values{"tab": {order.AgentTabPending}, "reason": {reason}}
		s.renderPartnerPayOrders(w, r, q, err, "", nil)
		return
	}
	if len(bad) == 0 {
		http.Redirect(w, r, "/sales/orders/partner-pay?tab=rejected&rejected="+strconv.Itoa(len(uniqueIDs(ids))), http.StatusSeeOther)
		return
	}
	lang := langOf(r)
	failed := make([]partnerPayFailure, len(bad))
	for i, b := range bad {
		msg, _ := s.errorMessage(r, b.Err)
		failed[i] = partnerPayFailure{ID: b.ID, Message: msg}
	}
	notice := i18n.T(lang, "partnerpay.notice.rejected_some", map[string]any{"ok": len(uniqueIDs(ids)) - len(bad), "failed": len(bad)})
	s.renderPartnerPayOrders(w, r, url.Values{"tab": {order.AgentTabRejected}}, nil, notice, failed)
}

func uniqueIDs(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// customerOrderAskPartner asks the customer's partner to pay the order.
func (s *Server) customerOrderAskPartner(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	id := r.PathValue("id")
	if err := s.Payments.RequestPartnerPay(r.Context(), me.ID, id); err != nil {
		s.showCustomerOrder(w, r, me.ID, err)
		return
	}
	http.Redirect(w, r, "/customer/orders/"+url.PathEscape(id)+"?asked=1", http.StatusSeeOther)
}
