package refund_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/card"
	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/refund"
	"partnercenter/internal/testworld"
)

// fixture is the payment fixture (internal/payment/fixture_test.go) with
// the refund service installed as the paid hook and stored-value cards
// wired in.
type fixture struct {
	w       *testworld.World
	db      *db.DB
	coupons *coupon.Service
	funds   *funds.Service
	orders  *order.Service
	cards   *card.Service
	pay     *payment.Service
	svc     *refund.Service
	spID    string
}

var (
	wantErr  = testworld.WantErr
	wantCode = testworld.WantCode
	each     = testworld.Each
)

func amt(s string) money.Amount { return money.MustParse(s) }

const ec2 = "hws.service.type.ec2"

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	ctx := context.Background()
	w := testworld.New(tb, d)
	f := &fixture{w: w, db: d, spID: w.SP.Partner.ID}
	f.coupons = coupon.NewService(coupon.Deps{DB: d, Clock: w.Clock, Identity: w.Identity, Customers: w.Customers, Queue: w.Queue})
	cat, err := commerce.NewCatalog(ctx, d)
	if err != nil {
		tb.Fatal(err)
	}
	f.orders = order.NewService(order.Deps{DB: d, Clock: w.Clock, Identity: w.Identity, Catalog: cat, Coupons: f.coupons}, order.Config{})
	f.funds = funds.NewService(funds.Deps{DB: d, Clock: w.Clock, Identity: w.Identity, Outbox: w.Outbox})
	f.cards = card.NewService(card.Deps{DB: d, Clock: w.Clock, Funds: f.funds})
	f.pay = payment.NewService(payment.Deps{DB: d, Clock: w.Clock, Orders: f.orders, Coupons: f.coupons, Funds: f.funds, Cards: f.cards})
	f.orders.SetCancelHook(f.pay)
	f.svc = refund.NewService(refund.Deps{DB: d, Clock: w.Clock, Orders: f.orders, Coupons: f.coupons, Funds: f.funds, Cards: f.cards})
	f.pay.SetPaidHook(f.svc)
	for _, p := range []string{f.spID, w.SP2.Partner.ID} {
		if _, err := f.funds.TopUp(ctx, w.Operator, p, amt("100000"), "test"); err != nil {
			tb.Fatal(err)
		}
	}
	return f
}

// mustCustomer inserts a reseller-model customer of the partner with
// balance allocated to its account (none when "0").
func (f *fixture) mustCustomer(tb testing.TB, balance string) string {
	tb.Helper()
	id := f.w.AssociatedCustomers(tb, f.spID, 1, customer.Reseller)[0]
	if balance != "0" {
		if _, err := f.funds.AllocateToCustomer(context.Background(), f.w.SP.Main, funds.Transfer{TargetID: id, Amount: amt(balance)}); err != nil {
			tb.Fatalf("allocate: %v", err)
		}
	}
	return id
}

// mustCoupon issues one coupon of face to the customer; expires, when not
// zero, is the coupon's own expiry.
func (f *fixture) mustCoupon(tb testing.TB, customerID string, typ coupon.QuotaType, face string, expires time.Time) string {
	tb.Helper()
	ctx := context.Background()
	now := f.w.Clock.Now()
	q, err := f.coupons.GrantQuota(ctx, f.w.Operator, coupon.NewQuota{PartnerID: f.spID, Type: typ, Value: amt("10000"),
		EffectiveAt: now.Add(-24 * time.Hour), ExpiresAt: now.AddDate(2, 0, 0)})
	if err != nil {
		tb.Fatalf("grant quota: %v", err)
	}
	req := coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: []string{customerID}, FaceValue: amt(face)}
	if !expires.IsZero() {
		req.ExpiresAt = &expires
	}
	if _, bad, err := f.coupons.Issue(ctx, f.w.SP.Main, req); err != nil || len(bad) > 0 {
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

// vm is a one-year s2.small.1.linux in cn-north-1: 322.00.
func vm(qty int) order.Item {
	return order.Item{ServiceType: ec2, ResourceType: "hws.resource.type.vm", Spec: "s2.small.1.linux",
		Region: "cn-north-1", PeriodType: order.PeriodYear, PeriodNum: 1, Quantity: qty}
}

func (f *fixture) mustOrder(tb testing.TB, customerID string, items ...order.Item) order.Order {
	tb.Helper()
	if len(items) == 0 {
		items = []order.Item{vm(1)}
	}
	o, err := f.orders.Place(context.Background(), customerID, order.NewOrder{Items: items})
	if err != nil {
		tb.Fatalf("place: %v", err)
	}
	return o
}

// mustPaid places and pays a 322.00 order with the coupons given, and
// returns it with the resource it opened.
func (f *fixture) mustPaid(tb testing.TB, customerID string, couponIDs ...string) (order.Order, refund.Resource) {
	tb.Helper()
	o := f.mustOrder(tb, customerID)
	req := payment.Request{OrderID: o.ID, UseCoupon: len(couponIDs) > 0, CouponIDs: couponIDs}
	if _, err := f.pay.Pay(context.Background(), customerID, req); err != nil {
		tb.Fatalf("pay: %v", err)
	}
	return o, f.mustResource(tb, customerID, o.ID)
}

// mustPartnerPaid places an order, asks the customer's partner to pay it
// (代支付) and has the partner's main account pay it from the partner's
// account.
func (f *fixture) mustPartnerPaid(tb testing.TB, customerID string) (order.Order, refund.Resource) {
	tb.Helper()
	ctx := context.Background()
	o := f.mustOrder(tb, customerID)
	if err := f.pay.RequestPartnerPay(ctx, customerID, o.ID); err != nil {
		tb.Fatalf("ask the partner: %v", err)
	}
	if _, err := f.pay.PayAsPartner(ctx, f.w.SP.Main, payment.Request{OrderID: o.ID}); err != nil {
		tb.Fatalf("partner pays: %v", err)
	}
	return o, f.mustResource(tb, customerID, o.ID)
}

func (f *fixture) mustResource(tb testing.TB, customerID, orderID string) refund.Resource {
	tb.Helper()
	list, n, err := f.svc.Resources(context.Background(), customerID, refund.Filter{OrderID: orderID})
	if err != nil || n != 1 || len(list) != 1 {
		tb.Fatalf("resources of %s: %d %v", orderID, n, err)
	}
	return list[0]
}

// disassociate ends the customer's association the way the customer
// domain does: the association row ended and the funds hook run (the
// customer's balance back to the partner) in one transaction.
func (f *fixture) disassociate(tb testing.TB, customerID, partnerID string) {
	tb.Helper()
	ctx := context.Background()
	err := f.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE customer_associations SET ended_at = $1 WHERE customer_id = $2
			AND ended_at IS NULL`, f.w.Clock.Now(), customerID); err != nil {
			return err
		}
		return f.funds.OnDisassociated(ctx, tx, customerID, partnerID, "disassociate")
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// unsubscribe unsubscribes one resource and fails on any failure.
func (f *fixture) unsubscribe(tb testing.TB, customerID, resourceID string) string {
	tb.Helper()
	res, err := f.svc.Unsubscribe(context.Background(), customerID, refund.Request{ResourceIDs: []string{resourceID},
		Type: refund.UnsubscribeResource})
	if err != nil || len(res.Failures) > 0 || len(res.OrderIDs) != 1 {
		tb.Fatalf("unsubscribe: %+v %v", res, err)
	}
	return res.OrderIDs[0]
}

func (f *fixture) balance(tb testing.TB, kind, owner string) string {
	tb.Helper()
	var c int64
	err := f.db.SQL.QueryRow("SELECT balance FROM fund_accounts WHERE kind = $1 AND owner_id = $2", kind, owner).Scan(&c)
	if err == sql.ErrNoRows {
		return "none"
	}
	if err != nil {
		tb.Fatal(err)
	}
	return money.FromCents(c).String()
}

func (f *fixture) count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := f.db.SQL.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// mustVerify fails the test when the coupon, funds or card ledger does
// not balance.
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
	kr, err := f.cards.VerifyLedger(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if p := append(append(cr.Problems, fr.Problems...), kr.Problems...); len(p) > 0 {
		tb.Fatalf("ledger problems:\n%s", strings.Join(p, "\n"))
	}
}

// fifth is 73 days: a fifth of the 365-day year from 2025-03-01, so an
// unsubscription then refunds 80 % of every payment.
const fifth = 73 * 24 * time.Hour

// coupon reads a coupon's balance, used amount and status.
func (f *fixture) coupon(tb testing.TB, id string) (string, string, coupon.CouponStatus) {
	tb.Helper()
	var bal, used int64
	var st coupon.CouponStatus
	if err := f.db.SQL.QueryRow("SELECT balance, used, status FROM coupons WHERE id = $1", id).Scan(&bal, &used, &st); err != nil {
		tb.Fatal(err)
	}
	return money.FromCents(bal).String(), money.FromCents(used).String(), st
}
