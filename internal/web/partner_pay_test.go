package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// partnerBalanceCents is the partner's account balance.
func (s *site) partnerBalanceCents(tb testing.TB, partnerID string) int64 {
	tb.Helper()
	var c int64
	if err := s.app.DB.SQL.QueryRow(`SELECT balance FROM fund_accounts WHERE kind = 'partner' AND owner_id = $1`, partnerID).Scan(&c); err != nil {
		tb.Fatal(err)
	}
	return c
}

// mustAskPartner asks the customer's partner to pay the order from its page.
func mustAskPartner(tb testing.TB, b *browser, id string) {
	tb.Helper()
	page := "/customer/orders/" + id
	resp, body := b.submit(page, page+"/partner-pay", url.Values{})
	mustRedirect(tb, resp, body, page+"?asked=1")
}

func TestPartnerPayConsole(t *testing.T) {
	s := mustSite(t)
	ctx := context.Background()
	me := s.mustCustomer(t, "sp", "pp-cust")
	cb := s.browser(t)
	cb.mustCustomerSignIn(me.DomainName, customerPassword)
	single := mustPlaceOrder(t, cb, vmForm) // 193.20 each
	batch1 := mustPlaceOrder(t, cb, vmForm)
	batch2 := mustPlaceOrder(t, cb, vmForm)
	paid := mustPlaceOrder(t, cb, vmForm)
	unasked := mustPlaceOrder(t, cb, vmForm)

	spID := s.partnerID(t, "sp")
	if _, err := s.app.Funds.TopUp(ctx, s.quotaAdmin(t), spID, money.MustParse("1000"), "test"); err != nil {
		t.Fatal(err)
	}
	sp, sp2 := s.partner(t, "sp"), s.partner(t, "sp2")
	pb := s.browser(t)
	pb.mustSignIn(sp.DomainName, sp.Admin.Password)
	ob := s.browser(t)
	ob.mustSignIn(sp2.DomainName, sp2.Admin.Password)

	t.Run("OK/CustomerAsks", func(t *testing.T) {
		resp, body := cb.get("/customer/orders/" + single)
		mustStatus(t, resp, body, http.StatusOK, `id="order-ask-partner"`, tr(i18n.ZH, "partnerpay.customer.ask"), `id="order-pay-link"`)
		for _, id := range []string{single, batch1, batch2, paid} {
			mustAskPartner(t, cb, id)
		}
		resp, body = cb.get("/customer/orders/" + single + "?asked=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "partnerpay.notice.asked"), `id="order-awaiting-partner"`, `id="order-cancel"`)
		if strings.Contains(body, `id="order-pay-link"`) || strings.Contains(body, `id="order-ask-partner"`) {
			t.Error("an order waiting for the partner offers paying or asking again")
		}
		resp, body = cb.get("/customer/orders")
		mustStatus(t, resp, body, http.StatusOK, `id="awaiting-`+single+`"`)
	})
	t.Run("OK/PartnerTabs", func(t *testing.T) {
		resp, body := pb.get("/sales/orders")
		mustStatus(t, resp, body, http.StatusOK, `id="partner-pay-tabs"`, `href="/sales/orders/partner-pay?tab=pending"`, tr(i18n.ZH, "partnerpay.tab.pending"))
		resp, body = pb.get("/sales/orders/partner-pay")
		mustStatus(t, resp, body, http.StatusOK, `id="tab-pp-pending" class="active"`, `id="pp-`+single+`"`, `id="pp-`+batch1+`"`,
			`id="pick-`+batch2+`"`, `id="pay-`+paid+`"`, `id="batch-reject"`)
		if strings.Contains(body, `id="pp-`+unasked+`"`) {
			t.Error("an order nobody asked the partner to pay is listed")
		}
		if strings.Contains(body, me.DomainName) {
			t.Error("customer account name not masked")
		}
		resp, body = pb.get("/sales/orders/partner-pay?tab=rejected")
		mustStatus(t, resp, body, http.StatusOK, `id="tab-pp-rejected" class="active"`)
		if strings.Contains(body, `id="pp-`+single+`"`) {
			t.Error("a waiting order in the rejected tab")
		}
		resp, body = pb.get("/sales/orders/partner-pay?tab=bogus")
		mustStatus(t, resp, body, http.StatusBadRequest)
	})
	t.Run("ErrDisassociationBlocked", func(t *testing.T) {
		page := "/sales/customers/" + me.ID + "/relations"
		resp, body := pb.submit(page, page+"/requests", url.Values{"kind": {"disassociate"}})
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.partnerpay_blocks_change", "count", 4,
			"kind", tr(i18n.ZH, "relations.kind.disassociate")))
	})
	t.Run("ErrCrossTenant", func(t *testing.T) {
		resp, body := ob.get("/sales/orders/partner-pay")
		mustStatus(t, resp, body, http.StatusOK)
		if strings.Contains(body, single) {
			t.Fatal("another partner lists the order")
		}
		resp, body = ob.get("/sales/orders/partner-pay/" + paid + "/pay")
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = ob.post("/sales/orders/partner-pay/"+paid+"/pay", url.Values{"csrf_token": {csrf(t, body)}})
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = ob.get("/sales/orders/partner-pay/" + single + "/reject")
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = ob.submit("/sales/orders/partner-pay", "/sales/orders/partner-pay/reject",
			url.Values{"order_id": {single}, "reason": {"not mine"}})
		mustStatus(t, resp, body, http.StatusOK, `id="reject-failures"`, single, tr(i18n.ZH, "err.order_not_found"))
	})
	t.Run("ErrWithoutPayItem", func(t *testing.T) {
		sa := s.member(t, pb, "sp", "pp-sa", identity.PresetSA) // sees orders, cannot pay
		resp, body := sa.get("/sales/orders/partner-pay")
		mustStatus(t, resp, body, http.StatusOK, `id="pp-`+single+`"`)
		if strings.Contains(body, `id="pay-`+single+`"`) || strings.Contains(body, `id="batch-reject"`) {
			t.Error("a member without the pay item is offered paying or rejecting")
		}
		resp, body = sa.get("/sales/orders/partner-pay/" + single + "/pay")
		mustStatus(t, resp, body, http.StatusForbidden)
		resp, body = sa.post("/sales/orders/partner-pay/reject", url.Values{"csrf_token": {csrf(t, body)}, "order_id": {single}, "reason": {"x"}})
		mustStatus(t, resp, body, http.StatusForbidden)
	})
	t.Run("ErrCustomerSessionRefused", func(t *testing.T) {
		resp, _ := cb.get("/sales/orders/partner-pay")
		if resp.StatusCode == http.StatusOK {
			t.Fatal("a customer session opened the partner console")
		}
	})
	t.Run("ErrRejectWithoutReason", func(t *testing.T) {
		page := "/sales/orders/partner-pay/" + single + "/reject"
		resp, body := pb.submit(page, "/sales/orders/partner-pay/reject", url.Values{"order_id": {single}, "single": {"1"}, "reason": {"  "}})
		mustStatus(t, resp, body, http.StatusBadRequest, `id="pp-reject-form"`, `class="field-error"`)
		resp, body = pb.submit(page, "/sales/orders/partner-pay/reject", url.Values{"order_id": {single}, "single": {"1"},
			"reason": {strings.Repeat("x", 201)}})
		mustStatus(t, resp, body, http.StatusBadRequest, `id="pp-reject-form"`)
		resp, body = pb.submit("/sales/orders/partner-pay", "/sales/orders/partner-pay/reject", url.Values{"order_id": {batch1, batch2}})
		mustStatus(t, resp, body, http.StatusBadRequest, `id="batch-reject"`)
	})
	const reason = "本月预算不足，请自行支付"
	t.Run("OK/RejectSingle", func(t *testing.T) {
		page := "/sales/orders/partner-pay/" + single + "/reject"
		resp, body := pb.get(page)
		mustStatus(t, resp, body, http.StatusOK, `id="pp-reject-form"`, `maxlength="200"`)
		resp, body = pb.submit(page, "/sales/orders/partner-pay/reject", url.Values{"order_id": {single}, "single": {"1"}, "reason": {reason}})
		mustRedirect(t, resp, body, "/sales/orders/partner-pay?tab=rejected&rejected=1")
		resp, body = pb.get("/sales/orders/partner-pay?tab=rejected&rejected=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "partnerpay.notice.rejected", "count", 1), `id="pp-`+single+`" data-id="`+single+`" data-state="rejected"`, reason)
	})
	t.Run("OK/CustomerSeesTheReason", func(t *testing.T) {
		resp, body := cb.get("/customer/orders/" + single)
		mustStatus(t, resp, body, http.StatusOK, `id="order-partner-rejected"`, `id="order-reject-reason">`+reason, `id="order-pay-link"`,
			`id="order-ask-partner"`)
		cb.get("/lang/en-US")
		resp, body = cb.get("/customer/orders/" + single)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.EN, "partnerpay.customer.rejected"), reason)
		cb.get("/lang/zh-CN")
	})
	t.Run("OK/RejectBatch", func(t *testing.T) {
		resp, body := pb.submit("/sales/orders/partner-pay", "/sales/orders/partner-pay/reject",
			url.Values{"order_id": {batch1, batch2}, "reason": {"batch reason"}})
		mustRedirect(t, resp, body, "/sales/orders/partner-pay?tab=rejected&rejected=2")
		resp, body = pb.get("/sales/orders/partner-pay?tab=rejected")
		mustStatus(t, resp, body, http.StatusOK, `id="pp-`+batch1+`"`, `id="pp-`+batch2+`"`, "batch reason")
		resp, body = pb.get("/sales/orders/partner-pay")
		if strings.Contains(body, `id="pp-`+batch1+`"`) {
			t.Error("a rejected order stays in the pending tab")
		}
	})
	t.Run("OK/Pay", func(t *testing.T) {
		before := s.partnerBalanceCents(t, spID)
		page := "/sales/orders/partner-pay/" + paid + "/pay"
		resp, body := pb.get(page)
		mustStatus(t, resp, body, http.StatusOK, `id="pp-list">¥193.20`, `id="pp-available">`, `id="pp-pay-form"`, "s2.small.1.linux")
		pb.get("/lang/en-US")
		resp, body = pb.get(page)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.EN, "partnerpay.pay.title"))
		pb.get("/lang/zh-CN")
		resp, body = pb.submit(page, page, url.Values{})
		mustRedirect(t, resp, body, "/sales/orders/partner-pay?tab=paid&paid="+paid)
		resp, body = pb.get("/sales/orders/partner-pay?tab=paid&paid=" + paid)
		mustStatus(t, resp, body, http.StatusOK, `id="pp-`+paid+`" data-id="`+paid+`" data-state="paid"`)
		if got := s.partnerBalanceCents(t, spID); before-got != 19320 {
			t.Fatalf("partner debited %d cents, want 19320", before-got)
		}
		resp, body = pb.submit("/sales/orders/partner-pay", page, url.Values{})
		mustStatus(t, resp, body, http.StatusBadRequest)
		resp, body = cb.get("/customer/orders/" + paid)
		mustStatus(t, resp, body, http.StatusOK, `id="order-paid-by-partner"`, tr(i18n.ZH, "orders.status.5"))
		fr, err := s.app.Funds.VerifyLedger(ctx)
		if err != nil || len(fr.Problems) > 0 {
			t.Fatal(err, fr.Problems)
		}
	})
	t.Run("ErrNoPartnerToAsk", func(t *testing.T) {
		if _, err := s.app.DB.SQL.Exec(`UPDATE customer_associations SET ended_at = $1 WHERE customer_id = $2 AND ended_at IS NULL`,
			time.Now().UTC(), me.ID); err != nil {
			t.Fatal(err)
		}
		page := "/customer/orders/" + unasked
		resp, body := cb.get(page)
		mustStatus(t, resp, body, http.StatusOK, `id="order-pay-link"`)
		if strings.Contains(body, `id="order-ask-partner"`) {
			t.Error("a customer without a partner is offered to ask one")
		}
		resp, body = cb.post(page+"/partner-pay", url.Values{"csrf_token": {csrf(t, body)}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.partnerpay_no_partner"))
	})
}
