package payment_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/money"
)

// BenchmarkPay measures payment.Service.Pay (claim + settle in one
// transaction) on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set:
// one-month s2.small.1.linux orders (32.20) of 16 reseller-model customers,
// paid from the balance serially and from parallel goroutines, and with a
// cash coupon. Orders, balances and coupons are made before the timer
// starts; each iteration pays a different pending order once. The service
// is the bare one of the fixture (no stored-value cards, no paid hook).
//
//	go test ./internal/payment/ -run '^$' -bench BenchmarkPay -cpuprofile /tmp/pay.prof
func BenchmarkPay(b *testing.B) {
	for _, dialect := range dbtest.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			f := mustFixture(b, dbtest.Open(b, dialect))
			custs := f.AssociatedCustomers(b, f.spID, 16, customer.Reseller)
			b.Run("Balance", func(b *testing.B) {
				orders := f.benchOrders(b, custs, b.N, false)
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					if _, err := f.svc.Pay(context.Background(), orders[i].customer, payment.Request{OrderID: orders[i].id}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("BalanceParallel", func(b *testing.B) {
				orders := f.benchOrders(b, custs, b.N, false)
				var next atomic.Int64
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						o := orders[next.Add(1)-1]
						if _, err := f.svc.Pay(context.Background(), o.customer, payment.Request{OrderID: o.id}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
			b.Run("CashCoupon", func(b *testing.B) {
				orders := f.benchOrders(b, custs, b.N, true)
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					o := orders[i]
					if _, err := f.svc.Pay(context.Background(), o.customer, payment.Request{OrderID: o.id, UseCoupon: true,
						CouponIDs: []string{o.coupon}}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

type benchOrder struct{ id, customer, coupon string }

// benchOrders places n pending orders spread over custs, funds them
// exactly (operator top-up, allocation) and, withCoupon, issues each one
// a 5.00 cash coupon from a new quota.
func (f *fixture) benchOrders(tb testing.TB, custs []string, n int, withCoupon bool) []benchOrder {
	tb.Helper()
	ctx := context.Background()
	out := make([]benchOrder, n)
	due := map[string]int64{}
	var total int64
	for i := range out {
		c := custs[i%len(custs)]
		o, err := f.Orders.Place(ctx, c, order.NewOrder{Items: []order.Item{{ServiceType: "hws.service.type.ec2",
			ResourceType: "hws.resource.type.vm", Spec: "s2.small.1.linux", Region: "cn-north-1",
			PeriodType: order.PeriodMonth, PeriodNum: 1, Quantity: 1}}})
		if err != nil {
			tb.Fatalf("place: %v", err)
		}
		out[i] = benchOrder{id: o.ID, customer: c}
		due[c] += o.AmountAfterDiscount.Cents()
		total += o.AmountAfterDiscount.Cents()
	}
	if _, err := f.Funds.TopUp(ctx, f.Operator, f.spID, money.FromCents(total), "bench"); err != nil {
		tb.Fatal(err)
	}
	for c, cents := range due {
		if _, err := f.Funds.AllocateToCustomer(ctx, f.sp, funds.Transfer{TargetID: c, Amount: money.FromCents(cents)}); err != nil {
			tb.Fatal(err)
		}
	}
	if !withCoupon {
		return out
	}
	now := f.Clock.Now()
	q, err := f.Coupons.GrantQuota(ctx, f.Operator, coupon.NewQuota{PartnerID: f.spID, Type: coupon.QuotaCash,
		Value: money.FromCents(500 * int64(n)), EffectiveAt: now.Add(-time.Hour), ExpiresAt: now.AddDate(1, 0, 0)})
	if err != nil {
		tb.Fatal(err)
	}
	// Round r gives the r-th coupon to every customer, up to n in all.
	for r := 0; r*len(custs) < n; r++ {
		k := min(len(custs), n-r*len(custs))
		got, bad, err := f.Coupons.Issue(ctx, f.sp, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: custs[:k],
			FaceValue: amt("5.00")})
		if err != nil || len(bad) > 0 {
			tb.Fatalf("issue: %v %v", err, bad)
		}
		for _, g := range got {
			i := r*len(custs) + indexOf(custs, g.CustomerID)
			if out[i].customer != g.CustomerID {
				tb.Fatalf("coupon of %s for order of %s", g.CustomerID, out[i].customer)
			}
			out[i].coupon = g.CouponID
		}
	}
	return out
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
