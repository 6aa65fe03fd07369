package refund_test

import (
	"context"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/refund"
	"partnercenter/internal/testworld"
)

func TestOrderPaidOpensResources(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.MustCustomer(t, "2000")
		months := vm(3)
		months.PeriodType, months.PeriodNum = order.PeriodMonth, 2
		o := f.MustOrder(t, c, vm(1), months)
		if n := f.Count(t, "SELECT COUNT(*) FROM customer_resources WHERE order_id = $1", o.ID); n != 0 {
			t.Fatalf("a pending order opened %d resources", n)
		}
		if _, err := f.Payments.Pay(ctx, c, payment.Request{OrderID: o.ID}); err != nil {
			t.Fatal(err)
		}
		list, n, err := f.svc.Resources(ctx, c, refund.Filter{OrderID: o.ID})
		wantErr(t, err, nil)
		if n != 2 || len(list) != 2 {
			t.Fatalf("%d resources, want 2", n)
		}
		now := f.Clock.Now().UTC()
		byQty := map[int]refund.Resource{}
		for _, r := range list {
			byQty[r.Quantity] = r
			if r.Status != refund.StatusActive || !r.EffectiveAt.Equal(now) || r.APIStatus(now) != refund.APIStatusInUse ||
				r.SpecCode != "s2.small.1.linux" || r.Region != "cn-north-1" || r.CustomerID != c {
				t.Fatalf("resource %+v", r)
			}
		}
		if !byQty[1].ExpiresAt.Equal(now.AddDate(1, 0, 0)) || !byQty[3].ExpiresAt.Equal(now.AddDate(0, 2, 0)) {
			t.Fatalf("expiry: year %v, 2 months %v", byQty[1].ExpiresAt, byQty[3].ExpiresAt)
		}
		// The lines carry the resources' dates.
		_, lines, _, err := f.Orders.Details(ctx, order.CustomerViewer(c), o.ID, "", 0, 10)
		wantErr(t, err, nil)
		for _, l := range lines {
			if l.EffectiveTime == nil || l.ExpireTime == nil || !l.EffectiveTime.Equal(now) {
				t.Fatalf("line dates %+v", l)
			}
		}
		// Filters: expired after two months and a day; another customer
		// sees none of them.
		f.Clock.Advance(62 * 24 * time.Hour)
		exp, n, err := f.svc.Resources(ctx, c, refund.Filter{Statuses: []int{refund.APIStatusExpired}})
		wantErr(t, err, nil)
		if n != 1 || exp[0].Quantity != 3 {
			t.Fatalf("expired: %d %+v", n, exp)
		}
		if _, n, _ := f.svc.Resources(ctx, c, refund.Filter{Statuses: []int{refund.APIStatusInUse}}); n != 1 {
			t.Fatalf("in use: %d", n)
		}
		if _, n, _ := f.svc.Resources(ctx, c, refund.Filter{IDs: []string{byQty[1].ID, "nope"}}); n != 1 {
			t.Fatalf("by id: %d", n)
		}
		other := f.MustCustomer(t, "0")
		if _, n, _ := f.svc.Resources(ctx, other, refund.Filter{IDs: []string{byQty[1].ID}}); n != 0 {
			t.Fatalf("another customer sees %d resources", n)
		}
	})
}

// TestRefundRouting is the routing matrix of console.md §4.6 and the
// refund rules: 73 days into a one-year 322.00 order, 80 % of every
// payment row is unused.
func TestRefundRouting(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		sp := f.spID

		t.Run("ResellerBalanceToCustomerWhileAssociated", func(t *testing.T) {
			c := f.MustCustomer(t, "500")
			o, r := f.mustPaid(t, c)
			f.Clock.Advance(fifth)
			before := f.balance(t, funds.KindPartner, sp)
			uid := f.unsubscribe(t, c, r.ID)
			if got := f.balance(t, funds.KindCustomer, c); got != "435.60" { // 178.00 + 257.60
				t.Fatalf("customer balance %s, want 435.60", got)
			}
			if got := f.balance(t, funds.KindPartner, sp); got != before {
				t.Fatalf("partner balance moved: %s → %s", before, got)
			}
			det, err := f.svc.RefundDetails(ctx, order.CustomerViewer(c), uid, "", "")
			wantErr(t, err, nil)
			if det.Order.Type != order.TypeUnsubscribe || det.Order.Status != order.StatusCompleted ||
				det.Order.AmountAfterDiscount.String() != "257.60" || len(det.Infos) != 1 ||
				det.Infos[0].Amount.String() != "257.60" || det.Infos[0].BaseOrderID != o.ID ||
				len(det.Refunds) != 1 || det.Refunds[0].Destination != refund.DestCustomer || det.Refunds[0].DestinationID != c {
				t.Fatalf("details %+v", det)
			}
			if n := f.Count(t, "SELECT COUNT(*) FROM orders WHERE id = $1 AND base_order_id = $2 AND partner_id = $3", uid, o.ID, sp); n != 1 {
				t.Fatal("unsubscribe order does not name its base order and partner")
			}
			if n := f.Count(t, "SELECT COUNT(*) FROM order_payments WHERE order_id = $1 AND refunded = 25760", o.ID); n != 1 {
				t.Fatal("payment row not marked refunded")
			}
			f.Clock.Set(f.Clock.Now().Add(-fifth))
		})

		t.Run("ResellerBalanceToPartnerAfterDisassociation", func(t *testing.T) {
			c := f.MustCustomer(t, "500")
			_, r := f.mustPaid(t, c)
			before := f.balance(t, funds.KindPartner, sp)
			f.disassociate(t, c, sp) // the 178.00 left goes back to the partner
			f.Clock.Advance(fifth)
			f.unsubscribe(t, c, r.ID)
			if got := f.balance(t, funds.KindCustomer, c); got != "0.00" {
				t.Fatalf("customer balance %s, want 0.00", got)
			}
			want := amt(before).Add(amt("178.00")).Add(amt("257.60")).String()
			if got := f.balance(t, funds.KindPartner, sp); got != want {
				t.Fatalf("partner balance %s, want %s", got, want)
			}
			f.Clock.Set(f.Clock.Now().Add(-fifth))
		})

		t.Run("ReferralOwnMoneyToCustomerEvenAfterDisassociation", func(t *testing.T) {
			c := f.MustCustomer(t, "500")
			// Switched to referral before paying: the balance is the
			// customer's own money now (funded_by '').
			f.Exec(t, "UPDATE customer_associations SET type = 1 WHERE customer_id = $1", c)
			_, r := f.mustPaid(t, c)
			if n := f.Count(t, "SELECT COUNT(*) FROM order_payments WHERE order_id = $1 AND funded_by = ''", r.OrderID); n != 1 {
				t.Fatal("referral payment recorded as partner-funded")
			}
			f.Exec(t, "UPDATE customer_associations SET ended_at = $1 WHERE customer_id = $2", f.Clock.Now(), c)
			before := f.balance(t, funds.KindPartner, sp)
			f.Clock.Advance(fifth)
			f.unsubscribe(t, c, r.ID)
			if got := f.balance(t, funds.KindCustomer, c); got != "435.60" {
				t.Fatalf("customer balance %s, want 435.60", got)
			}
			if got := f.balance(t, funds.KindPartner, sp); got != before {
				t.Fatalf("partner balance moved: %s → %s", before, got)
			}
			f.Clock.Set(f.Clock.Now().Add(-fifth))
		})

		for _, after := range []bool{false, true} {
			name := "PartnerPaidToPartner"
			if after {
				name += "AfterDisassociation"
			}
			t.Run(name, func(t *testing.T) {
				c := f.MustCustomer(t, "0")
				before := f.balance(t, funds.KindPartner, sp)
				_, r := f.mustPartnerPaid(t, c)
				if after {
					f.disassociate(t, c, sp)
				}
				f.Clock.Advance(fifth)
				uid := f.unsubscribe(t, c, r.ID)
				// 322.00 paid, 257.60 back: the partner is 64.40 down.
				if got := f.balance(t, funds.KindPartner, sp); got != amt(before).Sub(amt("64.40")).String() {
					t.Fatalf("partner balance %s, was %s", got, before)
				}
				if got := f.balance(t, funds.KindCustomer, c); got != "none" && got != "0.00" {
					t.Fatalf("the customer got %s", got)
				}
				if n := f.Count(t, "SELECT COUNT(*) FROM order_refunds WHERE order_id = $1 AND destination = 'partner' AND destination_id = $2 AND amount = 25760", uid, sp); n != 1 {
					t.Fatal("no refund row to the partner")
				}
				f.Clock.Set(f.Clock.Now().Add(-fifth))
			})
		}

		t.Run("VoucherNeverRefunded", func(t *testing.T) {
			c := f.MustCustomer(t, "500")
			v := f.MustCoupon(t, c, coupon.QuotaVoucher, "100", coupon.Limits{})
			_, r := f.mustPaid(t, c, v)
			f.Clock.Advance(fifth)
			p, err := f.svc.Preview(ctx, c, []string{r.ID})
			wantErr(t, err, nil)
			// 222.00 from the balance: 177.60 back; the voucher's 80.00 kept.
			if p.Total.String() != "177.60" || p.Kept.String() != "80.00" {
				t.Fatalf("preview %+v", p)
			}
			f.unsubscribe(t, c, r.ID)
			if got := f.balance(t, funds.KindCustomer, c); got != "455.60" { // 278.00 + 177.60
				t.Fatalf("customer balance %s, want 455.60", got)
			}
			if bal, used, _ := f.coupon(t, v); bal != "0.00" || used != "100.00" {
				t.Fatalf("voucher after unsubscribe: balance %s used %s", bal, used)
			}
			if n := f.Count(t, "SELECT COUNT(*) FROM order_refunds r JOIN order_payments p ON p.id = r.payment_id WHERE p.source = 'voucher'"); n != 0 {
				t.Fatalf("%d voucher refunds", n)
			}
			f.Clock.Set(f.Clock.Now().Add(-fifth))
		})

		t.Run("CashCouponShareBackToCoupon", func(t *testing.T) {
			c := f.MustCustomer(t, "500")
			k := f.MustCoupon(t, c, coupon.QuotaCash, "50", coupon.Limits{})
			_, r := f.mustPaid(t, c, k)
			f.Clock.Advance(fifth)
			f.unsubscribe(t, c, r.ID)
			// 272.00 from the balance: 217.60 back; 40.00 to the coupon.
			if got := f.balance(t, funds.KindCustomer, c); got != "445.60" { // 228.00 + 217.60
				t.Fatalf("customer balance %s, want 445.60", got)
			}
			if bal, used, st := f.coupon(t, k); bal != "40.00" || used != "10.00" || st != coupon.CouponUsable {
				t.Fatalf("cash coupon after unsubscribe: balance %s used %s status %d", bal, used, st)
			}
			if n := f.Count(t, "SELECT COUNT(*) FROM coupon_ledger WHERE account_id = $1 AND operation = 'refund' AND amount = 4000", k); n != 1 {
				t.Fatal("no coupon ledger refund row")
			}
			f.Clock.Set(f.Clock.Now().Add(-fifth))
		})

		t.Run("ExpiredCashCouponShareLapses", func(t *testing.T) {
			c := f.MustCustomer(t, "500")
			k := f.IssueCoupon(t, c, testworld.Coupon{Type: coupon.QuotaCash, Face: "50", ExpiresAt: f.Clock.Now().AddDate(0, 1, 0)})
			_, r := f.mustPaid(t, c, k)
			f.Clock.Advance(fifth) // the coupon expired meanwhile
			p, err := f.svc.Preview(ctx, c, []string{r.ID})
			wantErr(t, err, nil)
			if p.Total.String() != "217.60" || p.Kept.String() != "40.00" {
				t.Fatalf("preview %+v", p)
			}
			f.unsubscribe(t, c, r.ID)
			if got := f.balance(t, funds.KindCustomer, c); got != "445.60" {
				t.Fatalf("customer balance %s, want 445.60", got)
			}
			if n := f.Count(t, "SELECT COUNT(*) FROM coupon_ledger WHERE account_id = $1 AND operation = 'refund'", k); n != 0 {
				t.Fatal("an expired coupon took a refund")
			}
			f.Clock.Set(f.Clock.Now().Add(-fifth))
		})

		t.Run("CardShareBackToCard", func(t *testing.T) {
			c := f.MustCustomer(t, "1000")
			// Referral customers buy stored-value cards with their own money.
			f.Exec(t, "UPDATE customer_associations SET type = 1 WHERE customer_id = $1", c)
			card, err := f.Cards.Buy(ctx, c, amt("100"))
			wantErr(t, err, nil)
			o := f.MustOrder(t, c)
			if _, err := f.Payments.Pay(ctx, c, payment.Request{OrderID: o.ID, UseCards: true}); err != nil {
				t.Fatal(err)
			}
			r := f.mustResource(t, c, o.ID)
			f.Clock.Advance(fifth)
			p, err := f.svc.Preview(ctx, c, []string{r.ID})
			wantErr(t, err, nil)
			if p.Total.String() != "257.60" || len(p.Refunds) != 2 {
				t.Fatalf("preview %+v", p)
			}
			uid := f.unsubscribe(t, c, r.ID)
			// 100.00 from the card: 80.00 back to it; 222.00 from the
			// balance: 177.60 back.
			if got := f.balance(t, funds.KindCustomer, c); got != "855.60" { // 678.00 + 177.60
				t.Fatalf("customer balance %s, want 855.60", got)
			}
			var bal int64
			if err := f.DB.SQL.QueryRow("SELECT balance FROM stored_value_cards WHERE id = $1", card.ID).Scan(&bal); err != nil || bal != 8000 {
				t.Fatalf("card balance %d %v, want 8000", bal, err)
			}
			if n := f.Count(t, "SELECT COUNT(*) FROM card_ledger WHERE card_id = $1 AND operation = 'refund' AND amount = 8000 AND order_id = $2", card.ID, uid); n != 1 {
				t.Fatal("no card ledger refund row")
			}
			if n := f.Count(t, "SELECT COUNT(*) FROM order_refunds WHERE order_id = $1 AND destination = 'card' AND destination_id = $2", uid, card.ID); n != 1 {
				t.Fatal("no refund row to the card")
			}
			f.Clock.Set(f.Clock.Now().Add(-fifth))
		})

		t.Run("ExpiredCardShareToAccount", func(t *testing.T) {
			c := f.MustCustomer(t, "1000")
			f.Exec(t, "UPDATE customer_associations SET type = 1 WHERE customer_id = $1", c)
			card, err := f.Cards.Buy(ctx, c, amt("100"))
			wantErr(t, err, nil)
			o := f.MustOrder(t, c)
			if _, err := f.Payments.Pay(ctx, c, payment.Request{OrderID: o.ID, UseCards: true}); err != nil {
				t.Fatal(err)
			}
			r := f.mustResource(t, c, o.ID)
			f.Clock.Advance(fifth)
			// The card expires before the resource is given back: its 80.00
			// could never be spent, so it joins the balance's 177.60.
			f.Exec(t, "UPDATE stored_value_cards SET expires_at = $1 WHERE id = $2", f.Clock.Now().Add(-time.Hour), card.ID)
			uid := f.unsubscribe(t, c, r.ID)
			if got := f.balance(t, funds.KindCustomer, c); got != "935.60" { // 678.00 + 177.60 + 80.00
				t.Fatalf("customer balance %s, want 935.60", got)
			}
			if n := f.Count(t, "SELECT COUNT(*) FROM card_ledger WHERE card_id = $1 AND operation = 'refund'", card.ID); n != 0 {
				t.Fatal("an expired card took a refund")
			}
			if n := f.Count(t, "SELECT COUNT(*) FROM order_refunds WHERE order_id = $1 AND destination = 'customer'", uid); n != 2 {
				t.Fatalf("%d refunds to the account, want 2", n)
			}
			f.Clock.Set(f.Clock.Now().Add(-fifth))
		})

		t.Run("SecondResourceOfOrderNeverOverRefunds", func(t *testing.T) {
			c := f.MustCustomer(t, "1000")
			o := f.MustOrder(t, c, vm(1), vm(2))
			if _, err := f.Payments.Pay(ctx, c, payment.Request{OrderID: o.ID}); err != nil {
				t.Fatal(err)
			}
			list, _, err := f.svc.Resources(ctx, c, refund.Filter{OrderID: o.ID})
			wantErr(t, err, nil)
			// Unsubscribed at once: everything comes back, in two orders.
			for _, r := range list {
				f.unsubscribe(t, c, r.ID)
			}
			if got := f.balance(t, funds.KindCustomer, c); got != "1000.00" {
				t.Fatalf("customer balance %s, want 1000.00", got)
			}
			if n := f.Count(t, "SELECT COUNT(*) FROM order_payments WHERE order_id = $1 AND refunded = amount", o.ID); n != 1 {
				t.Fatal("payment not fully refunded")
			}
		})
		f.MustVerify(t)
	})
}
