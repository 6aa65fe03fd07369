package payment_test

import (
	"context"
	"testing"

	"partnercenter/internal/coupon"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
)

// TestHasCashSpending: an order paid only with a voucher is no cash
// spending; one paid partly from the balance is, for that customer only.
func TestHasCashSpending(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		spent := func(c string) bool {
			t.Helper()
			ok, err := f.svc.HasCashSpending(ctx, d.SQL, c)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		a, b := f.MustCustomer(t, "1000"), f.MustCustomer(t, "1000")
		if spent(a) || spent(b) {
			t.Fatal("spending before any order")
		}
		o := f.MustOrder(t, a)
		v := f.MustCoupon(t, a, coupon.QuotaVoucher, "400", coupon.Limits{})
		if _, err := f.svc.Pay(ctx, a, payment.Request{OrderID: o.ID, UseCoupon: true, CouponIDs: []string{v}}); err != nil {
			t.Fatal(err)
		}
		if spent(a) {
			t.Fatal("an order paid by a voucher alone counted as cash spending")
		}
		o = f.MustOrder(t, a)
		if _, err := f.svc.Pay(ctx, a, payment.Request{OrderID: o.ID}); err != nil {
			t.Fatal(err)
		}
		if !spent(a) {
			t.Fatal("an order paid from the balance is not cash spending")
		}
		if spent(b) {
			t.Fatal("another customer's payment counted")
		}
	})
}
