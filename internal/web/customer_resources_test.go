package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnercenter/internal/payment"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/refund"
)

// TestCustomerUnsubscribe: a reseller-model customer pays an order from
// its balance, sees the resource in 我的资源, previews the refund (back to
// its own account while associated), unsubscribes and reads the refund
// details; another customer can do none of it.
func TestCustomerUnsubscribe(t *testing.T) {
	s := mustSite(t)
	ctx := context.Background()
	me := s.mustCustomer(t, "sp", "unsub-cust")
	other := s.mustCustomer(t, "sp", "unsub-other")
	s.mustAllocate(t, s.quotaAdmin(t), me.ID, "500")
	b := s.browser(t)
	b.mustCustomerSignIn(me.DomainName, customerPassword)
	orderID := mustPlaceOrder(t, b, vmForm) // 193.20
	if _, err := s.app.Payments.Pay(ctx, me.ID, payment.Request{OrderID: orderID}); err != nil {
		t.Fatal(err)
	}
	list, _, err := s.app.Refunds.Resources(ctx, me.ID, refund.Filter{OrderID: orderID})
	if err != nil || len(list) != 1 {
		t.Fatal(list, err)
	}
	res := list[0]
	page := "/customer/resources/" + res.ID + "/unsubscribe"
	balance := func() int64 {
		var c int64
		if err := s.app.DB.SQL.QueryRow(`SELECT balance FROM fund_accounts WHERE kind = 'customer' AND owner_id = $1`, me.ID).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}

	t.Run("OK/ListsResource", func(t *testing.T) {
		resp, body := b.get("/customer/resources")
		mustStatus(t, resp, body, http.StatusOK, `id="menu-resources"`, `id="resource-`+res.ID+`"`, `href="`+page+`"`,
			"s2.small.1.linux", "cn-north-1", tr(i18n.ZH, "refunds.period.2", "n", 3), tr(i18n.ZH, "refunds.status.2"))
	})
	t.Run("OK/PreviewShowsWhereTheMoneyGoes", func(t *testing.T) {
		resp, body := b.get(page)
		mustStatus(t, resp, body, http.StatusOK, `id="unsubscribe-form"`, `data-source="customer" data-destination="customer"`,
			html.EscapeString(tr(i18n.ZH, "refunds.dest.customer")), `id="refund-total"`, `name="csrf_token"`)
	})
	t.Run("ErrOtherCustomer", func(t *testing.T) {
		ob := s.browser(t)
		ob.mustCustomerSignIn(other.DomainName, customerPassword)
		resp, body := ob.get(page)
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = ob.get("/customer/resources")
		mustStatus(t, resp, body, http.StatusOK)
		if strings.Contains(body, res.ID) {
			t.Fatal("another customer's resource listed")
		}
		resp, body = ob.post(page, url.Values{"csrf_token": {csrf(t, body)}})
		mustStatus(t, resp, body, http.StatusNotFound)
		if got, _, _ := s.app.Refunds.Resources(ctx, me.ID, refund.Filter{IDs: []string{res.ID}}); got[0].Status != refund.StatusActive {
			t.Fatal("another customer unsubscribed the resource")
		}
	})
	var refundPage string
	t.Run("OK/Unsubscribes", func(t *testing.T) {
		before := balance()
		resp, body := b.get(page)
		resp, body = b.post(page, url.Values{"csrf_token": {csrf(t, body)}, "reason_type": {"5"}, "reason": {"moving to another region"}})
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/customer/refunds/") {
			t.Fatalf("unsubscribe: %d %q\n%s", resp.StatusCode, loc, body)
		}
		refundPage = strings.TrimSuffix(loc, "?done=1")
		uid := strings.TrimPrefix(refundPage, "/customer/refunds/")
		var refunded int64
		if err := s.app.DB.SQL.QueryRow(`SELECT amount_after_discount FROM orders WHERE id = $1 AND order_type = 4
			AND base_order_id = $2`, uid, orderID).Scan(&refunded); err != nil {
			t.Fatal(err)
		}
		// Unsubscribed seconds after paying: all but a cent or so back.
		if refunded < 19310 || refunded > 19320 || balance() != before+refunded {
			t.Fatalf("refunded %d, balance %d → %d", refunded, before, balance())
		}
		resp, body = b.get(loc)
		mustStatus(t, resp, body, http.StatusOK, `id="notice"`, `id="refund-infos"`, orderID,
			`data-destination="customer"`, money.FromCents(refunded).String(),
			`id="refund-reason">moving to another region<`, tr(i18n.ZH, "refunds.reason.5"))
	})
	t.Run("OK/PartnerSeesUnsubscribeOrder", func(t *testing.T) {
		uid := strings.TrimPrefix(refundPage, "/customer/refunds/")
		sp := s.partner(t, "sp")
		pb := s.browser(t)
		pb.mustSignIn(sp.DomainName, sp.Admin.Password)
		resp, body := pb.get("/sales/orders?customer=" + me.ID)
		mustStatus(t, resp, body, http.StatusOK, uid, tr(i18n.ZH, "orders.type.4"))
		resp, body = pb.get("/sales/orders/" + uid)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "orders.type.4"))
	})
	t.Run("ErrAlreadyUnsubscribed", func(t *testing.T) {
		resp, body := b.get("/customer/resources")
		resp, body = b.post(page, url.Values{"csrf_token": {csrf(t, body)}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.refunds_resource_unsubscribed"),
			`id="resource-not-unsubscribable"`)
	})
	t.Run("ErrOtherCustomersRefund", func(t *testing.T) {
		ob := s.browser(t)
		ob.mustCustomerSignIn(other.DomainName, customerPassword)
		resp, body := ob.get(refundPage)
		mustStatus(t, resp, body, http.StatusNotFound)
	})
	t.Run("LedgersClean", s.mustLedgersClean)
}
