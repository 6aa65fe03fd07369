package payment_test

import (
	"context"
	"testing"

	"partnercenter/internal/coupon"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
)

// TestPaymentRecordsSources: a paid order keeps what paid it — one
// order_payments row per coupon and one for the account — and the
// discount it used; its lines carry the discounted amounts, summing to
// the order. ListOrderDiscounts reads the recorded discount.
func TestPaymentRecordsSources(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()

		t.Run("coupons and balance", func(t *testing.T) {
			c := f.MustCustomer(t, "500")
			o := f.MustOrder(t, c)
			v := f.MustCoupon(t, c, coupon.QuotaVoucher, "100", coupon.Limits{})
			cash := f.MustCoupon(t, c, coupon.QuotaCash, "50", coupon.Limits{})
			if _, err := f.svc.Pay(ctx, c, payment.Request{OrderID: o.ID, UseCoupon: true, CouponIDs: []string{v, cash}}); err != nil {
				t.Fatal(err)
			}
			got := f.sources(t, o.ID)
			want := map[string]string{payment.SourceVoucher + ":" + v: "100.00", payment.SourceCash + ":" + cash: "50.00",
				payment.SourceCustomer + ":" + c + ":" + f.spID: "172.00"}
			if len(got) != len(want) {
				t.Fatalf("sources %v, want %v", got, want)
			}
			for k, w := range want {
				if got[k] != w {
					t.Fatalf("source %s = %q, want %s (all %v)", k, got[k], w, got)
				}
			}
			list, err := f.Orders.OrderDiscounts(ctx, order.CustomerViewer(c), o.ID)
			if err != nil || len(list) != 0 {
				t.Fatalf("discounts %v %v, want none", list, err)
			}
		})

		t.Run("discount spread over two lines", func(t *testing.T) {
			c := f.MustCustomer(t, "2000")
			id := f.mustReferralDiscount(t, c, "0.89")
			o, err := f.Orders.Place(ctx, c, order.NewOrder{Items: []order.Item{
				{ServiceType: "hws.service.type.ec2", ResourceType: "hws.resource.type.vm", Spec: "s2.small.1.linux",
					Region: "cn-north-1", PeriodType: order.PeriodYear, PeriodNum: 1, Quantity: 1},
				{ServiceType: "hws.service.type.ec2", ResourceType: "hws.resource.type.vm", Spec: "s2.small.1.linux",
					Region: "cn-north-1", PeriodType: order.PeriodMonth, PeriodNum: 1, Quantity: 3},
			}})
			if err != nil {
				t.Fatal(err)
			}
			ex, err := f.svc.Pay(ctx, c, payment.Request{OrderID: o.ID, UseDiscount: true, DiscountIDs: []string{id}})
			if err != nil {
				t.Fatal(err)
			}
			// A referral customer pays with its own money: funded by no partner.
			got := f.sources(t, o.ID)
			if len(got) != 1 || got[payment.SourceCustomer+":"+c+":"] != ex.Due.String() {
				t.Fatalf("sources %v, want the account paying %s", got, ex.Due)
			}
			list, err := f.Orders.OrderDiscounts(ctx, order.CustomerViewer(c), o.ID)
			if err != nil || len(list) != 1 || list[0].ID != id || list[0].Value != "0.89" || list[0].Type != payment.DiscountPartner {
				t.Fatalf("discounts %+v %v, want %s at 0.89", list, err, id)
			}
			var off int64
			if err := d.SQL.QueryRow(`SELECT amount FROM order_discounts WHERE order_id = $1`, o.ID).Scan(&off); err != nil {
				t.Fatal(err)
			}
			if money.FromCents(off).Cmp(ex.Discount) != 0 {
				t.Fatalf("recorded discount %d cents, explained %s", off, ex.Discount)
			}
			var sum, n int64
			if err := d.SQL.QueryRow(`SELECT COALESCE(SUM(amount_after_discount), 0), COUNT(*) FROM order_line_items
				WHERE order_id = $1 AND amount_after_discount < official_amount`, o.ID).Scan(&sum, &n); err != nil {
				t.Fatal(err)
			}
			if n != 2 || money.FromCents(sum).Cmp(ex.Payable) != 0 {
				t.Fatalf("%d discounted lines summing to %d cents, want 2 summing to %s", n, sum, ex.Payable)
			}
		})
		f.MustVerify(t)
	})
}

// sources reads an order's payment rows as "source:id[:funded_by]" → amount.
func (f *fixture) sources(tb testing.TB, orderID string) map[string]string {
	tb.Helper()
	rows, err := f.DB.SQL.Query(`SELECT source, source_id, funded_by, amount FROM order_payments WHERE order_id = $1`, orderID)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var src, id, by string
		var cents int64
		if err := rows.Scan(&src, &id, &by, &cents); err != nil {
			tb.Fatal(err)
		}
		key := src + ":" + id
		if src == payment.SourceCustomer {
			key += ":" + by
		}
		out[key] = money.FromCents(cents).String()
	}
	return out
}
