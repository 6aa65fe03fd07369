package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// partnerActor is the main account's actor of the demo partner with key.
func (s *site) partnerActor(tb testing.TB, key string) identity.Actor {
	tb.Helper()
	ctx := context.Background()
	p, err := s.app.Identity.PartnerByDomainName(ctx, s.partner(tb, key).DomainName)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := s.app.Identity.MainMember(ctx, p.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return m.Actor(p)
}

// mustIssueCoupon issues one coupon of face from quota to customerID as
// actor, with a remark only the partner may see.
func (s *site) mustIssueCoupon(tb testing.TB, actor identity.Actor, quotaID, face, customerID string) string {
	tb.Helper()
	remark := "partner-only-remark"
	got, bad, err := s.app.Coupons.Issue(context.Background(), actor, coupon.IssueRequest{QuotaID: quotaID,
		CustomerIDs: []string{customerID}, FaceValue: money.MustParse(face), Remark: &remark})
	if err != nil || len(bad) > 0 || len(got) != 1 {
		tb.Fatalf("issue: %v %v %v", got, bad, err)
	}
	return got[0].CouponID
}

func TestCustomerCoupons(t *testing.T) {
	s := mustSite(t)
	ctx := t.Context()
	me := s.mustCustomer(t, "sp", "coupon-cust")
	other := s.mustCustomer(t, "sp", "coupon-other")
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
	vq := grant(coupon.QuotaVoucher, coupon.Limits{ServiceTypes: []string{"hws.service.type.ec2"},
		Regions: []string{"cn-east-3"}, OrderTypes: []coupon.OrderType{coupon.OrderNew}, MinOrder: money.MustParse("100")})
	cq := grant(coupon.QuotaCash, coupon.Limits{MaxOrderShare: 30})
	voucher := s.mustIssueCoupon(t, sp, vq.ID, "50", me.ID)
	cash := s.mustIssueCoupon(t, sp, cq.ID, "20", me.ID)
	othersVoucher := s.mustIssueCoupon(t, sp, vq.ID, "70", other.ID)
	if err := s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		return s.app.Coupons.Spend(ctx, tx, voucher, "order-0001", money.MustParse("12.5"))
	}); err != nil {
		t.Fatal(err)
	}

	b := s.browser(t)
	b.mustCustomerSignIn(me.DomainName, customerPassword)

	t.Run("RedirectsToSignIn", func(t *testing.T) {
		resp, body := s.browser(t).get("/customer/coupons")
		mustRedirect(t, resp, body, "/customer/signin?next=%2Fcustomer%2Fcoupons")
	})

	t.Run("PartnerSessionIsNotACustomerSession", func(t *testing.T) {
		p := s.browser(t)
		p.mustSignIn(s.partner(t, "sp").Admin.Username, s.partner(t, "sp").Admin.Password)
		resp, body := p.get("/customer/coupons/" + voucher)
		mustRedirect(t, resp, body, "/customer/signin?next=%2Fcustomer%2Fcoupons%2F"+voucher)
	})

	t.Run("OK/Menu", func(t *testing.T) {
		resp, body := b.get("/customer/")
		mustStatus(t, resp, body, http.StatusOK, `href="/customer/coupons"`, tr(i18n.ZH, "couponops.customer.menu"))
	})

	t.Run("OK/Vouchers", func(t *testing.T) {
		resp, body := b.get("/customer/coupons")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "couponops.customer.title"), `id="tab-voucher" class="active"`,
			`id="coupon-`+voucher+`"`, "¥50.00", "¥37.50", tr(i18n.ZH, "couponops.coupon_status.2"),
			"弹性云服务器", "华东-上海一", tr(i18n.ZH, "couponops.order_type.new"),
			tr(i18n.ZH, "couponops.limit.min_order_value", "amount", "100.00"), tr(i18n.ZH, "page.total", "total", 1))
		if strings.Contains(body, cash) || strings.Contains(body, othersVoucher) {
			t.Error("the voucher tab lists a cash coupon or another customer's voucher")
		}
		if strings.Contains(body, "partner-only-remark") {
			t.Error("the customer sees the partner's remark")
		}
		// No activation step: the coupon is usable as issued.
		if strings.Contains(body, "activate") || strings.Contains(body, "激活</button>") {
			t.Error("the page offers an activation")
		}
	})

	t.Run("OK/CashCoupons", func(t *testing.T) {
		b.header = http.Header{"Accept-Language": {"en-US"}}
		defer func() { b.header = http.Header{} }()
		resp, body := b.get("/customer/coupons?type=cash")
		mustStatus(t, resp, body, http.StatusOK, `id="tab-cash" class="active"`, `id="coupon-`+cash+`"`, "¥20.00",
			tr(i18n.EN, "couponops.limit.max_share"), "30%", tr(i18n.EN, "couponops.coupon_status.2"))
		if strings.Contains(body, `id="coupon-`+voucher+`"`) {
			t.Error("the cash tab lists a voucher")
		}
	})

	t.Run("OK/DetailWithUsage", func(t *testing.T) {
		resp, body := b.get("/customer/coupons/" + voucher)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "couponops.customer.detail"), voucher, "¥50.00", "¥37.50",
			"¥12.50", "order-0001", tr(i18n.ZH, "couponops.usage.title"), "弹性云服务器")
		if strings.Contains(body, "partner-only-remark") {
			t.Error("the customer sees the partner's remark")
		}
		resp, body = b.get("/customer/coupons/" + cash)
		mustStatus(t, resp, body, http.StatusOK, `id="usages-empty"`, "30%")
	})

	t.Run("ErrAnotherCustomersCoupon", func(t *testing.T) {
		resp, body := b.get("/customer/coupons/" + othersVoucher)
		mustStatus(t, resp, body, http.StatusNotFound, tr(i18n.ZH, "err.coupon_not_found"), `id="back-to-coupons"`)
		if strings.Contains(body, "¥70.00") {
			t.Error("another customer's coupon shows")
		}
		resp, body = b.get("/customer/coupons/" + strings.Repeat("a", 32))
		mustStatus(t, resp, body, http.StatusNotFound)
		// The other customer sees its own.
		o := s.browser(t)
		o.mustCustomerSignIn(other.DomainName, customerPassword)
		resp, body = o.get("/customer/coupons")
		mustStatus(t, resp, body, http.StatusOK, `id="coupon-`+othersVoucher+`"`, "¥70.00")
		if strings.Contains(body, voucher) {
			t.Error("a customer sees another's voucher")
		}
		resp, body = o.get("/customer/coupons/" + voucher)
		mustStatus(t, resp, body, http.StatusNotFound)
	})

	t.Run("OK/ReclaimedDisappears", func(t *testing.T) {
		if _, err := s.app.Coupons.Reclaim(ctx, sp, cash, ""); err != nil {
			t.Fatal(err)
		}
		resp, body := b.get("/customer/coupons?type=cash")
		mustStatus(t, resp, body, http.StatusOK, `id="coupons-empty"`, tr(i18n.ZH, "page.total", "total", 0))
		if strings.Contains(body, cash) {
			t.Error("a reclaimed coupon is still listed")
		}
		resp, body = b.get("/customer/coupons/" + cash)
		mustStatus(t, resp, body, http.StatusNotFound, tr(i18n.ZH, "err.coupon_not_found"))
		// The voucher is untouched.
		resp, body = b.get("/customer/coupons")
		mustStatus(t, resp, body, http.StatusOK, `id="coupon-`+voucher+`"`)
	})
}
