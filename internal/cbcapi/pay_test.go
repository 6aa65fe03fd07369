package cbcapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"partnercenter/internal/card"
	"partnercenter/internal/cbcapi"
	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/refund"
)

// moneyFixture is the order fixture with funds, stored-value cards,
// payments (the orders' cancel hook) and refunds (the payments' paid hook)
// wired in as the application wires them, and the API serving them all.
type moneyFixture struct {
	*orderFixture
	coupons *coupon.Service
	funds   *funds.Service
	cards   *card.Service
	pay     *payment.Service
	refunds *refund.Service
}

func mustMoneyFixture(tb testing.TB, d *db.DB) *moneyFixture {
	tb.Helper()
	o := mustOrderFixture(tb, d)
	cat, err := commerce.NewCatalog(context.Background(), d)
	if err != nil {
		tb.Fatal(err)
	}
	m := &moneyFixture{orderFixture: o}
	m.coupons = coupon.NewService(coupon.Deps{DB: d, Clock: o.clock, Identity: o.ident, Customers: o.customers, Queue: o.queue})
	m.funds = funds.NewService(funds.Deps{DB: d, Clock: o.clock, Identity: o.ident, Outbox: o.outbox})
	m.cards = card.NewService(card.Deps{DB: d, Clock: o.clock, Funds: m.funds})
	m.pay = payment.NewService(payment.Deps{DB: d, Clock: o.clock, Orders: o.orders, Coupons: m.coupons, Funds: m.funds, Cards: m.cards})
	o.orders.SetCancelHook(m.pay)
	m.refunds = refund.NewService(refund.Deps{DB: d, Clock: o.clock, Orders: o.orders, Coupons: m.coupons, Funds: m.funds, Cards: m.cards})
	m.pay.SetPaidHook(m.refunds)
	api := cbcapi.New(cbcapi.Deps{Identity: o.ident, Catalog: cat, Customers: o.customers, Coupons: m.coupons, Orders: o.orders,
		Funds: m.funds, Payments: m.pay, Cards: m.cards, Refunds: m.refunds, Clock: o.clock, Log: slog.New(slog.DiscardHandler)}, noLimit)
	o.handler = httpx.WithRequestID(api.Mount(http.NewServeMux()))
	return m
}

// payFixture is the money fixture with the customer's account holding
// 100.00 and a voucher of 50.00.
type payFixture struct {
	*moneyFixture
	voucher string
}

func mustPayFixture(tb testing.TB, d *db.DB) *payFixture {
	tb.Helper()
	ctx := context.Background()
	p := &payFixture{moneyFixture: mustMoneyFixture(tb, d)}
	if _, err := p.funds.TopUp(ctx, p.admin, p.sp.partner.ID, money.MustParse("1000"), "test"); err != nil {
		tb.Fatal(err)
	}
	if _, err := p.funds.AllocateToCustomer(ctx, p.sp.main, funds.Transfer{TargetID: p.cust, Amount: money.MustParse("100")}); err != nil {
		tb.Fatal(err)
	}
	now := p.clock.Now()
	q, err := p.coupons.GrantQuota(ctx, p.admin, coupon.NewQuota{PartnerID: p.sp.partner.ID, Type: coupon.QuotaVoucher,
		Value: money.MustParse("1000"), EffectiveAt: now.Add(-time.Hour), ExpiresAt: now.AddDate(1, 0, 0),
		Limits: coupon.Limits{MinOrder: money.MustParse("50")}})
	if err != nil {
		tb.Fatal(err)
	}
	if _, bad, err := p.coupons.Issue(ctx, p.sp.main, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: []string{p.cust},
		FaceValue: money.MustParse("50")}); err != nil || len(bad) > 0 {
		tb.Fatal(err, bad)
	}
	list, _, err := p.coupons.CustomerCoupons(ctx, p.cust, coupon.CustomerCouponFilter{Limit: 10})
	if err != nil || len(list) != 1 {
		tb.Fatal(err, list)
	}
	p.voucher = list[0].ID
	return p
}

func TestPayOrdersAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		p := mustPayFixture(t, d)
		cust, sp := &p.custKey, &p.sp.key
		small := p.mustPlace(t, p.cust, vmMonths(1, 1))    // 32.20
		big := p.mustPlace(t, p.cust, vmMonths(6, 1))      // 193.20
		sibling := p.mustPlace(t, p.cust2, vmMonths(1, 1)) // another customer's
		body := func(id, extra string) string {
			return `{"order_id":"` + id + `","use_coupon":"NO","use_discount":"NO"` + extra + `}`
		}
		withVoucher := func(id string) string {
			return `{"order_id":"` + id + `","use_coupon":"YES","use_discount":"NO","coupon_infos":[{"id":"` + p.voucher + `","type":1}]}`
		}
		for _, tc := range []struct {
			name, target, body string
			signer             *testSigner
			domainID           string
			want               check
		}{
			{"ErrPartnerPaysUnaskedOrder", "/v3/orders/customer-orders/pay", body(small.ID, ""), sp, p.sp.partner.DomainID, check{status: 400, code: "CBC.30000010"}},
			{"ErrNoOrderID", "/v3/orders/customer-orders/pay", `{"use_coupon":"NO","use_discount":"NO"}`, cust, p.cust, check{status: 400, code: "CBC.0100", msg: "order_id"}},
			{"ErrUseCoupon", "/v3/orders/customer-orders/pay", `{"order_id":"x","use_coupon":"yes","use_discount":"NO"}`, cust, p.cust, check{status: 400, code: "CBC.0100", msg: "use_coupon"}},
			{"ErrUseDiscountMissing", "/v2/orders/customer-orders/pay", `{"order_id":"x","use_coupon":"NO"}`, cust, p.cust, check{status: 400, code: "CBC.0100", msg: "use_discount"}},
			{"ErrCouponsWithoutYes", "/v3/orders/customer-orders/pay", body(small.ID, `,"coupon_infos":[{"id":"a","type":1}]`), cust, p.cust, check{status: 400, code: "CBC.0100", msg: "coupon_infos"}},
			{"ErrYesWithoutCoupons", "/v3/orders/customer-orders/pay", `{"order_id":"x","use_coupon":"YES","use_discount":"NO"}`, cust, p.cust, check{status: 400, code: "CBC.0100", msg: "coupon_infos"}},
			{"ErrFourCoupons", "/v3/orders/customer-orders/pay", `{"order_id":"x","use_coupon":"YES","use_discount":"NO","coupon_infos":[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d"}]}`, cust, p.cust, check{status: 400, code: "CBC.0100", msg: "coupon_infos"}},
			{"ErrDiscountType", "/v3/orders/customer-orders/pay", `{"order_id":"x","use_coupon":"NO","use_discount":"YES","discount_infos":[{"id":"a","type":0}]}`, cust, p.cust, check{status: 400, code: "CBC.0100", msg: "discount_infos.type"}},
			{"ErrOthersOrder", "/v3/orders/customer-orders/pay", body(sibling.ID, ""), cust, p.cust, check{status: 400, code: "CBC.30000010"}},
			{"ErrVoucherMinimum", "/v3/orders/customer-orders/pay", withVoucher(small.ID), cust, p.cust, check{status: 400, code: "CBC.0150"}},
			{"ErrInsufficient", "/v3/orders/customer-orders/pay", body(big.ID, ""), cust, p.cust, check{status: 400, code: "CBC.99005003"}},
			{"OK/ExplainBig", "/v2/orders/customer-orders/price-explain", withVoucher(big.ID), cust, p.cust, check{status: 200, json: map[string]any{
				"official_amount": 193.2, "voucher_amount": 50, "amount_due": 143.2, "account_balance": 100,
				"benefits.0.id": p.voucher, "benefits.0.applies": true, "benefits.0.reason": "applied"}}},
			{"OK/ExplainSmall", "/v2/orders/customer-orders/price-explain", body(small.ID, ""), cust, p.cust, check{status: 200, json: map[string]any{
				"amount_due": 32.2, "benefits.0.reason": "minimum", "benefits.0.applies": false}}},
			{"ErrExplainPartner", "/v2/orders/customer-orders/price-explain", body(small.ID, ""), sp, p.sp.partner.DomainID, check{status: 403, code: "CBC.0151"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := p.do(t, request{method: "POST", target: tc.target, body: tc.body, signer: tc.signer, domainID: tc.domainID})
				assertResponse(t, w, tc.want)
			})
		}
		// The big order with the voucher: 193.20 − 50 voucher = 143.20 > 100 balance.
		w := p.do(t, request{method: "POST", target: "/v3/orders/customer-orders/pay", body: withVoucher(big.ID), signer: cust, domainID: p.cust})
		assertResponse(t, w, check{status: 400, code: "CBC.99005003"})
		// The small order from the balance, on v2; then again: not payable.
		w = p.do(t, request{method: "POST", target: "/v2/orders/customer-orders/pay", body: body(small.ID, ""), signer: cust, domainID: p.cust})
		if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
			t.Fatalf("pay: %d %s", w.Code, w.Body.String())
		}
		w = p.do(t, request{method: "POST", target: "/v3/orders/customer-orders/pay", body: body(small.ID, ""), signer: cust, domainID: p.cust})
		assertResponse(t, w, check{status: 400, code: "CBC.99005010"})
		got, err := p.orders.Get(context.Background(), order.CustomerViewer(p.cust), small.ID, "")
		if err != nil || got.Status != order.StatusCompleted || got.PaymentTime == nil {
			t.Fatalf("order after payment: %+v %v", got, err)
		}
		if rep, err := p.funds.VerifyLedger(context.Background()); err != nil || len(rep.Problems) > 0 {
			t.Fatal(err, rep.Problems)
		}
	})
}
