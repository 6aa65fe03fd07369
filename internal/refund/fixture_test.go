package refund_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/refund"
	"partnercenter/internal/testworld"
)

// fixture is the refund service in the commerce world of testworld (the
// paid hook of payments, stored-value cards wired in), both solution
// providers holding 100000.00.
type fixture struct {
	*testworld.Commerce
	svc  *refund.Service
	spID string
}

var (
	wantErr  = testworld.WantErr
	wantCode = testworld.WantCode
	each     = testworld.Each
)

func amt(s string) money.Amount { return money.MustParse(s) }

// vm is qty one-year s2.small.1.linux in cn-north-1: 322.00 each.
var vm = testworld.VM

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	c := testworld.NewCommerce(tb, d)
	c.TopUp(tb, "100000", c.SP.Partner.ID, c.SP2.Partner.ID)
	return &fixture{Commerce: c, svc: c.Refunds, spID: c.SP.Partner.ID}
}

// mustPaid places and pays a 322.00 order with the coupons given, and
// returns it with the resource it opened.
func (f *fixture) mustPaid(tb testing.TB, customerID string, couponIDs ...string) (order.Order, refund.Resource) {
	tb.Helper()
	o := f.MustOrder(tb, customerID)
	req := payment.Request{OrderID: o.ID, UseCoupon: len(couponIDs) > 0, CouponIDs: couponIDs}
	if _, err := f.Payments.Pay(context.Background(), customerID, req); err != nil {
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
	o := f.MustOrder(tb, customerID)
	if err := f.Payments.RequestPartnerPay(ctx, customerID, o.ID); err != nil {
		tb.Fatalf("ask the partner: %v", err)
	}
	if _, err := f.Payments.PayAsPartner(ctx, f.SP.Main, payment.Request{OrderID: o.ID}); err != nil {
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
	err := f.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE customer_associations SET ended_at = $1 WHERE customer_id = $2
			AND ended_at IS NULL`, f.Clock.Now(), customerID); err != nil {
			return err
		}
		return f.Funds.OnDisassociated(ctx, tx, customerID, partnerID, "disassociate")
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
	err := f.DB.SQL.QueryRow("SELECT balance FROM fund_accounts WHERE kind = $1 AND owner_id = $2", kind, owner).Scan(&c)
	if err == sql.ErrNoRows {
		return "none"
	}
	if err != nil {
		tb.Fatal(err)
	}
	return money.FromCents(c).String()
}

// fifth is 73 days: a fifth of the 365-day year from 2025-03-01, so an
// unsubscription then refunds 80 % of every payment.
const fifth = 73 * 24 * time.Hour

// coupon reads a coupon's balance, used amount and status.
func (f *fixture) coupon(tb testing.TB, id string) (string, string, coupon.CouponStatus) {
	tb.Helper()
	var bal, used int64
	var st coupon.CouponStatus
	if err := f.DB.SQL.QueryRow("SELECT balance, used, status FROM coupons WHERE id = $1", id).Scan(&bal, &used, &st); err != nil {
		tb.Fatal(err)
	}
	return money.FromCents(bal).String(), money.FromCents(used).String(), st
}
