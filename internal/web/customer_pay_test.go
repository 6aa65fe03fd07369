package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// mustAllocate has the operator admin put 1000.00 into partner sp's
// account and sp allocate amount of it to the customer.
func (s *site) mustAllocate(tb testing.TB, admin identity.Actor, customerID, amount string) {
	tb.Helper()
	ctx := context.Background()
	if _, err := s.app.Funds.TopUp(ctx, admin, s.partnerID(tb, "sp"), money.MustParse("1000"), "test"); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.app.Funds.AllocateToCustomer(ctx, s.partnerActor(tb, "sp"), funds.Transfer{TargetID: customerID,
		Amount: money.MustParse(amount)}); err != nil {
		tb.Fatal(err)
	}
}

// mustLedgersClean fails the test when the coupon or funds ledger does not
// balance.
func (s *site) mustLedgersClean(t *testing.T) {
	t.Helper()
	cr, err := s.app.Coupons.VerifyLedger(t.Context())
	if err != nil || len(cr.Problems) > 0 {
		t.Fatal(err, cr.Problems)
	}
	fr, err := s.app.Funds.VerifyLedger(t.Context())
	if err != nil || len(fr.Problems) > 0 {
		t.Fatal(err, fr.Problems)
	}
}

func TestCustomerPay(t *testing.T) {
	s := mustSite(t)
	ctx := context.Background()
	me := s.mustCustomer(t, "sp", "pay-cust")
	other := s.mustCustomer(t, "sp", "pay-other")
	admin, sp := s.quotaAdmin(t), s.partnerActor(t, "sp")
	now := time.Now()
	grant := func(typ coupon.QuotaType, limits coupon.Limits) coupon.Quota {
		q, err := s.app.Coupons.GrantQuota(ctx, admin, coupon.NewQuota{PartnerID: s.partnerID(t, "sp"), Type: typ,
			Value: money.MustParse("1000"), EffectiveAt: now.Add(-time.Hour), ExpiresAt: now.AddDate(1, 0, 0), Limits: limits})
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	voucher := s.mustIssueCoupon(t, sp, grant(coupon.QuotaVoucher, coupon.Limits{}).ID, "50", me.ID)
	cash := s.mustIssueCoupon(t, sp, grant(coupon.QuotaCash, coupon.Limits{MaxOrderShare: 30}).ID, "20", me.ID)
	ebs := s.mustIssueCoupon(t, sp, grant(coupon.QuotaVoucher, coupon.Limits{ServiceTypes: []string{"hws.service.type.ebs"}}).ID, "10", me.ID)
	s.mustAllocate(t, admin, me.ID, "200")
	b := s.browser(t)
	b.mustCustomerSignIn(me.DomainName, customerPassword)
	first := mustPlaceOrder(t, b, vmForm)  // 193.20
	second := mustPlaceOrder(t, b, vmForm) // 193.20
	payPage := "/customer/orders/" + first + "/pay"

	t.Run("OK/OrderPageLinksToPay", func(t *testing.T) {
		resp, body := b.get("/customer/orders/" + first)
		mustStatus(t, resp, body, http.StatusOK, `id="order-pay-link"`, `href="`+payPage+`"`)
	})
	t.Run("OK/ExplainsNothingChosen", func(t *testing.T) {
		resp, body := b.get(payPage)
		mustStatus(t, resp, body, http.StatusOK, `id="pay-list">¥193.20`, `id="pay-due"><strong>¥193.20`,
			`id="pay-balance">¥200.00`, `id="benefit-`+voucher+`" data-applies="false"`, `id="benefit-`+ebs+`"`,
			`id="pay-form"`)
	})
	t.Run("OK/ExplainsChosen", func(t *testing.T) {
		resp, body := b.get(payPage + "?coupon=" + voucher + "&coupon=" + cash + "&coupon=" + ebs)
		mustStatus(t, resp, body, http.StatusOK, `id="pay-due"><strong>¥123.20`, `id="benefit-`+ebs+`" data-applies="false"`)
		resp, body = b.get(payPage + "?coupon=" + voucher + "&coupon=" + cash)
		mustStatus(t, resp, body, http.StatusOK, `id="pay-voucher">−¥50.00`, `id="pay-cash">−¥20.00`,
			`id="pay-due"><strong>¥123.20`, `id="benefit-`+voucher+`" data-applies="true"`,
			`id="benefit-`+ebs+`" data-applies="false"`, `name="coupon" value="`+voucher+`" checked`)
	})
	t.Run("ErrOtherCustomersOrder", func(t *testing.T) {
		ob := s.browser(t)
		ob.mustCustomerSignIn(other.DomainName, customerPassword)
		resp, body := ob.get(payPage)
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = ob.get("/customer/orders")
		mustStatus(t, resp, body, http.StatusOK)
		resp, body = ob.post(payPage, url.Values{"csrf_token": {csrf(t, body)}})
		mustStatus(t, resp, body, http.StatusNotFound)
	})
	t.Run("ErrRefusedVoucher", func(t *testing.T) {
		resp, body := b.get(payPage)
		resp, body = b.post(payPage, url.Values{"csrf_token": {csrf(t, body)}, "coupon": {ebs}})
		mustStatus(t, resp, body, http.StatusBadRequest, `id="pay-form"`, tr(i18n.ZH, "payment.reason.service"))
	})
	t.Run("OK/Pays", func(t *testing.T) {
		resp, body := b.get(payPage)
		resp, body = b.post(payPage, url.Values{"csrf_token": {csrf(t, body)}, "coupon": {voucher, cash}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != payPage+"?paid=1" {
			t.Fatalf("pay: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		resp, body = b.get(payPage + "?paid=1")
		mustStatus(t, resp, body, http.StatusOK, `id="order-status"`)
		if strings.Contains(body, `id="pay-form"`) {
			t.Error("pay form shown for a paid order")
		}
		var bal int64
		if err := s.app.DB.SQL.QueryRow(`SELECT balance FROM fund_accounts WHERE kind = 'customer' AND owner_id = $1`, me.ID).Scan(&bal); err != nil || bal != 7680 {
			t.Fatalf("balance %d cents, %v; want 7680", bal, err)
		}
	})
	t.Run("ErrInsufficientBalance", func(t *testing.T) {
		page := "/customer/orders/" + second + "/pay"
		resp, body := b.get(page)
		resp, body = b.post(page, url.Values{"csrf_token": {csrf(t, body)}})
		mustStatus(t, resp, body, http.StatusBadRequest, `id="pay-balance">¥76.80`)
	})
	t.Run("LedgersClean", s.mustLedgersClean)
}
