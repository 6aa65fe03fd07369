package payment_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/testworld"
)

// fixture is the payment service on a real database with a stopped clock,
// one solution provider with money and coupon quotas.
type fixture struct {
	w       *testworld.World
	db      *db.DB
	clock   *clock.Mock
	ident   *identity.Service
	coupons *coupon.Service
	funds   *funds.Service
	orders  *order.Service
	svc     *payment.Service
	op      identity.Actor
	sp      identity.Actor
	spID    string
}

func unique(prefix string) string { return testworld.Unique(prefix) }

var t0 = testworld.Start

func amt(s string) money.Amount { return money.MustParse(s) }

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	ctx := context.Background()
	w := testworld.New(tb, d)
	f := &fixture{w: w, db: d, clock: w.Clock, ident: w.Identity, op: w.Operator, sp: w.SP.Main, spID: w.SP.Partner.ID}
	f.coupons = coupon.NewService(coupon.Deps{DB: d, Clock: f.clock, Identity: f.ident, Customers: w.Customers, Queue: w.Queue})
	cat, err := commerce.NewCatalog(ctx, d)
	if err != nil {
		tb.Fatal(err)
	}
	f.orders = order.NewService(order.Deps{DB: d, Clock: f.clock, Identity: f.ident, Catalog: cat, Coupons: f.coupons}, order.Config{})
	f.funds = funds.NewService(funds.Deps{DB: d, Clock: f.clock, Identity: f.ident, Outbox: w.Outbox})
	f.svc = payment.NewService(payment.Deps{DB: d, Clock: f.clock, Orders: f.orders, Coupons: f.coupons, Funds: f.funds})
	f.orders.SetCancelHook(f.svc)
	if _, err := f.funds.TopUp(ctx, f.op, f.spID, amt("100000"), "test"); err != nil {
		tb.Fatal(err)
	}
	return f
}

// mustCustomer inserts a reseller-model customer of the partner with
// balance in its account (none when "0").
func (f *fixture) mustCustomer(tb testing.TB, balance string) string {
	tb.Helper()
	id := f.w.AssociatedCustomers(tb, f.spID, 1, customer.Reseller)[0]
	if balance != "0" {
		if _, err := f.funds.AllocateToCustomer(context.Background(), f.sp, funds.Transfer{TargetID: id, Amount: amt(balance)}); err != nil {
			tb.Fatalf("allocate: %v", err)
		}
	}
	return id
}

// mustReferralDiscount turns the customer into a referral customer with a
// partner-granted discount of rate.
func (f *fixture) mustReferralDiscount(tb testing.TB, customerID, rate string) string {
	tb.Helper()
	f.exec(tb, `UPDATE customer_associations SET type = 1 WHERE customer_id = $1`, customerID)
	until := f.clock.Now().AddDate(0, 6, 0)
	bad, err := f.funds.SetDiscounts(context.Background(), f.sp, "", []funds.DiscountInput{{CustomerID: customerID,
		Rate: decimal.RequireFromString(rate), ExpiresAt: &until}})
	if err != nil || len(bad) > 0 {
		tb.Fatalf("set discount: %v %v", err, bad)
	}
	d, ok, err := f.funds.CurrentDiscount(context.Background(), f.db.SQL, customerID, f.clock.Now())
	if err != nil || !ok {
		tb.Fatalf("current discount: %v %v", ok, err)
	}
	return d.ID
}

// mustCoupon issues one coupon of face to the customer from a new quota
// with limits.
func (f *fixture) mustCoupon(tb testing.TB, customerID string, typ coupon.QuotaType, face string, limits coupon.Limits) string {
	tb.Helper()
	ctx := context.Background()
	now := f.clock.Now()
	q, err := f.coupons.GrantQuota(ctx, f.op, coupon.NewQuota{PartnerID: f.spID, Type: typ, Value: amt("10000"),
		EffectiveAt: now.Add(-24 * time.Hour), ExpiresAt: now.AddDate(1, 0, 0), Limits: limits})
	if err != nil {
		tb.Fatalf("grant quota: %v", err)
	}
	got, bad, err := f.coupons.Issue(ctx, f.sp, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: []string{customerID},
		FaceValue: amt(face)})
	if err != nil || len(bad) > 0 || len(got) != 1 {
		tb.Fatalf("issue: %v %v", err, bad)
	}
	list, _, err := f.coupons.CustomerCoupons(ctx, customerID, coupon.CustomerCouponFilter{Limit: 100})
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range list {
		if c.QuotaID == q.ID {
			return c.ID
		}
	}
	tb.Fatal("issued coupon not found")
	return ""
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

func (f *fixture) balance(tb testing.TB, customerID string) string {
	tb.Helper()
	var c int64
	err := f.db.SQL.QueryRow("SELECT balance FROM fund_accounts WHERE kind = 'customer' AND owner_id = $1", customerID).Scan(&c)
	if err != nil {
		tb.Fatal(err)
	}
	return money.FromCents(c).String()
}

func (f *fixture) status(tb testing.TB, orderID string) int {
	tb.Helper()
	var st int
	if err := f.db.SQL.QueryRow("SELECT status FROM orders WHERE id = $1", orderID).Scan(&st); err != nil {
		tb.Fatal(err)
	}
	return st
}

// mustVerify fails the test when either ledger does not balance.
func (f *fixture) mustVerify(tb testing.TB) {
	tb.Helper()
	cr, err := f.coupons.VerifyLedger(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	fr, err := f.funds.VerifyLedger(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if p := append(cr.Problems, fr.Problems...); len(p) > 0 {
		tb.Fatalf("ledger problems:\n%s", strings.Join(p, "\n"))
	}
}

// The shared assertions and database loop of testworld.
var (
	wantErr = testworld.WantErr
	each    = testworld.Each
)
