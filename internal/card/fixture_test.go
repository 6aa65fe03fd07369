package card_test

import (
	"context"
	"strings"
	"testing"

	"partnercenter/internal/card"
	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/testworld"
)

// fixture is the card service on a real database with a stopped clock,
// wired into payments as the application wires it, and referral and
// reseller-model customers of one solution provider.
type fixture struct {
	w       *testworld.World
	db      *db.DB
	clock   *clock.Mock
	coupons *coupon.Service
	funds   *funds.Service
	orders  *order.Service
	pay     *payment.Service
	svc     *card.Service
	spID    string
}

func amt(s string) money.Amount { return money.MustParse(s) }

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	ctx := context.Background()
	w := testworld.New(tb, d)
	f := &fixture{w: w, db: d, clock: w.Clock, spID: w.SP.Partner.ID}
	f.coupons = coupon.NewService(coupon.Deps{DB: d, Clock: f.clock, Identity: w.Identity, Customers: w.Customers, Queue: w.Queue})
	cat, err := commerce.NewCatalog(ctx, d)
	if err != nil {
		tb.Fatal(err)
	}
	f.orders = order.NewService(order.Deps{DB: d, Clock: f.clock, Identity: w.Identity, Catalog: cat, Coupons: f.coupons}, order.Config{})
	f.funds = funds.NewService(funds.Deps{DB: d, Clock: f.clock, Identity: w.Identity, Outbox: w.Outbox})
	f.svc = card.NewService(card.Deps{DB: d, Clock: f.clock, Funds: f.funds})
	f.pay = payment.NewService(payment.Deps{DB: d, Clock: f.clock, Orders: f.orders, Coupons: f.coupons, Funds: f.funds, Cards: f.svc})
	f.orders.SetCancelHook(f.pay)
	return f
}

// mustReferral inserts a referral customer of the partner that topped up
// balance itself (none when "0").
func (f *fixture) mustReferral(tb testing.TB, balance string) string {
	tb.Helper()
	id := f.w.AssociatedCustomers(tb, f.spID, 1, customer.Referral)[0]
	if balance != "0" {
		if _, err := f.funds.TopUpCustomer(context.Background(), id, amt(balance), "test"); err != nil {
			tb.Fatalf("top up: %v", err)
		}
	}
	return id
}

func (f *fixture) mustBuy(tb testing.TB, customerID, face string) card.Card {
	tb.Helper()
	c, err := f.svc.Buy(context.Background(), customerID, amt(face))
	if err != nil {
		tb.Fatalf("buy %s: %v", face, err)
	}
	return c
}

// mustOrder places a one-year s2.small.1.linux order in cn-north-1: 322.00.
func (f *fixture) mustOrder(tb testing.TB, customerID string) order.Order {
	tb.Helper()
	o, err := f.orders.Place(context.Background(), customerID, order.NewOrder{Items: []order.Item{{
		ServiceType: "hws.service.type.ec2", ResourceType: "hws.resource.type.vm", Spec: "s2.small.1.linux",
		Region: "cn-north-1", PeriodType: order.PeriodYear, PeriodNum: 1, Quantity: 1}}})
	if err != nil {
		tb.Fatalf("place: %v", err)
	}
	if o.OfficialAmount.String() != "322.00" {
		tb.Fatalf("order amount %s, want 322.00", o.OfficialAmount)
	}
	return o
}

func (f *fixture) exec(tb testing.TB, query string, args ...any) {
	tb.Helper()
	if _, err := f.db.SQL.Exec(query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

func (f *fixture) count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := f.db.SQL.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// balance is the customer's account balance.
func (f *fixture) balance(tb testing.TB, customerID string) string {
	tb.Helper()
	b, err := f.funds.CustomerBalance(context.Background(), customerID)
	if err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// card reads one card as its owner sees it.
func (f *fixture) card(tb testing.TB, customerID, id string) card.Card {
	tb.Helper()
	list, _, err := f.svc.List(context.Background(), customerID, card.Filter{CardID: id})
	if err != nil || len(list) != 1 {
		tb.Fatalf("card %s: %v %v", id, list, err)
	}
	return list[0]
}

// mustVerify fails the test when the card, funds or coupon books do not
// balance.
func (f *fixture) mustVerify(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	kr, err := f.svc.VerifyLedger(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	fr, err := f.funds.VerifyLedger(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	cr, err := f.coupons.VerifyLedger(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if p := append(append(kr.Problems, fr.Problems...), cr.Problems...); len(p) > 0 {
		tb.Fatalf("ledger problems:\n%s", strings.Join(p, "\n"))
	}
}

// The shared assertions and database loop of testworld.
var (
	wantErr   = testworld.WantErr
	wantCode  = testworld.WantCode
	wantParam = testworld.WantParam
	each      = testworld.Each
)
