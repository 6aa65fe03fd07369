package coupon_test

import (
	"context"
	"database/sql"
	"testing"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/platform/db"
)

// TestRefundTx: an unsubscription gives part of a payment back to the
// coupon that paid it (balance up, used down, usable again, a negative
// usage record, a 'refund' ledger row the verification accepts); a
// reclaimed or expired coupon takes nothing; more than it paid is refused.
func TestRefundTx(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		q := f.mustQuota(t, f.sp, coupon.QuotaCash, "1000", coupon.Limits{})
		custs := f.mustCustomers(t, f.sp.p.ID, 2, customer.Reseller)
		got := f.mustIssue(t, f.sp.main, q, "20", custs...)
		id, other := got[0].CouponID, got[1].CouponID
		for _, c := range []string{id, other} {
			wantErr(t, f.db.InTx(ctx, func(tx *sql.Tx) error { return f.svc.Spend(ctx, tx, c, "order1", amt("20")) }), nil)
		}
		refund := func(couponID, amount string) (bool, error) {
			var ok bool
			err := f.db.InTx(ctx, func(tx *sql.Tx) (err error) {
				ok, err = f.svc.RefundTx(ctx, tx, couponID, "unsub1", amt(amount))
				return err
			})
			return ok, err
		}
		t.Run("OK", func(t *testing.T) {
			ok, err := refund(id, "7.50")
			if err != nil || !ok {
				t.Fatalf("refund: %v %v", ok, err)
			}
			var bal, used, status int64
			if err := d.SQL.QueryRow("SELECT balance, used, status FROM coupons WHERE id = $1", id).Scan(&bal, &used, &status); err != nil {
				t.Fatal(err)
			}
			if bal != 750 || used != 1250 || status != int64(coupon.CouponUsable) {
				t.Fatalf("coupon after refund: balance %d used %d status %d", bal, used, status)
			}
			if n := f.count(t, "SELECT COUNT(*) FROM coupon_usages WHERE coupon_id = $1 AND order_id = 'unsub1' AND amount = -750", id); n != 1 {
				t.Fatal("no negative usage record")
			}
		})
		t.Run("ErrMoreThanPaid", func(t *testing.T) {
			_, err := refund(id, "12.51")
			wantParam(t, err, "amount")
		})
		t.Run("ErrNotPositive", func(t *testing.T) {
			_, err := refund(id, "0")
			wantParam(t, err, "amount")
		})
		t.Run("ReclaimedTakesNothing", func(t *testing.T) {
			f.exec(t, "UPDATE coupons SET status = 5 WHERE id = $1", other)
			ok, err := refund(other, "1")
			if err != nil || ok {
				t.Fatalf("refund to a reclaimed coupon: %v %v", ok, err)
			}
			if yes, err := f.svc.Refundable(ctx, d.SQL, other, f.clock.Now()); err != nil || yes {
				t.Fatalf("refundable: %v %v", yes, err)
			}
			f.exec(t, "UPDATE coupons SET status = 3 WHERE id = $1", other)
		})
		t.Run("ExpiredTakesNothing", func(t *testing.T) {
			f.clock.Advance(400 * 24 * 3600 * 1e9)
			defer f.clock.Set(f.clock.Now().Add(-400 * 24 * 3600 * 1e9))
			ok, err := refund(other, "1")
			if err != nil || ok {
				t.Fatalf("refund to an expired coupon: %v %v", ok, err)
			}
		})
		f.mustVerify(t)
	})
}
