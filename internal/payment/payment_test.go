package payment_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/funds"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
)

const ec2 = "hws.service.type.ec2"

// TestPayScenarios is the table of payment scenarios: each sets up a
// customer, pays its 322.00 order and checks the outcome, the balance
// left and, on success, the order completed.
func TestPayScenarios(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		type setup struct {
			customer string
			req      payment.Request
		}
		cases := []struct {
			name     string
			balance  string
			prepare  func(t *testing.T, s *setup)
			wantErr  *apperr.Error
			reason   string
			due      string
			left     string // balance after
			voucher  string
			cash     string
			discount string
		}{
			{name: "plain balance", balance: "500", due: "322.00", left: "178.00"},
			{name: "insufficient balance", balance: "100", wantErr: funds.ErrInsufficient, left: "100.00"},
			{name: "no account at all", balance: "0", wantErr: funds.ErrInsufficient},
			{name: "voucher pays part", balance: "500", due: "222.00", left: "278.00", voucher: "100.00",
				prepare: func(t *testing.T, s *setup) {
					v := f.MustCoupon(t, s.customer, coupon.QuotaVoucher, "100", coupon.Limits{ServiceTypes: []string{ec2}, MinOrder: amt("300")})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{v}
				}},
			{name: "voucher pays all", balance: "1", due: "0.00", left: "1.00", voucher: "322.00",
				prepare: func(t *testing.T, s *setup) {
					v := f.MustCoupon(t, s.customer, coupon.QuotaVoucher, "400", coupon.Limits{})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{v}
				}},
			{name: "voucher below its minimum refused", balance: "500", wantErr: payment.ErrBenefit, reason: payment.ReasonMinimum, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					v := f.MustCoupon(t, s.customer, coupon.QuotaVoucher, "100", coupon.Limits{MinOrder: amt("1000")})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{v}
				}},
			{name: "second voucher refused", balance: "500", wantErr: payment.ErrBenefit, reason: payment.ReasonSecondVouch, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					v1 := f.MustCoupon(t, s.customer, coupon.QuotaVoucher, "10", coupon.Limits{})
					v2 := f.MustCoupon(t, s.customer, coupon.QuotaVoucher, "20", coupon.Limits{})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{v1, v2}
				}},
			{name: "voucher outside its service types refused", balance: "500", wantErr: payment.ErrBenefit, reason: payment.ReasonService, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					v := f.MustCoupon(t, s.customer, coupon.QuotaVoucher, "10", coupon.Limits{ServiceTypes: []string{"hws.service.type.ebs"}})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{v}
				}},
			{name: "voucher outside its regions refused", balance: "500", wantErr: payment.ErrBenefit, reason: payment.ReasonRegion, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					v := f.MustCoupon(t, s.customer, coupon.QuotaVoucher, "10", coupon.Limits{Regions: []string{"cn-south-1"}})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{v}
				}},
			{name: "voucher for renewals only refused", balance: "500", wantErr: payment.ErrBenefit, reason: payment.ReasonOrderType, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					v := f.MustCoupon(t, s.customer, coupon.QuotaVoucher, "10", coupon.Limits{OrderTypes: []coupon.OrderType{coupon.OrderRenew}})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{v}
				}},
			{name: "cash coupons over their share capped", balance: "500", due: "161.00", left: "339.00", cash: "161.00",
				prepare: func(t *testing.T, s *setup) {
					c1 := f.MustCoupon(t, s.customer, coupon.QuotaCash, "100", coupon.Limits{MaxOrderShare: 50})
					c2 := f.MustCoupon(t, s.customer, coupon.QuotaCash, "100", coupon.Limits{MaxOrderShare: 50})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{c1, c2}
				}},
			{name: "cash coupon share already used refused", balance: "500", wantErr: payment.ErrBenefit, reason: payment.ReasonShareCap, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					c1 := f.MustCoupon(t, s.customer, coupon.QuotaCash, "200", coupon.Limits{MaxOrderShare: 50})
					c2 := f.MustCoupon(t, s.customer, coupon.QuotaCash, "100", coupon.Limits{MaxOrderShare: 50})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{c1, c2}
				}},
			{name: "a cap binds the uncapped cash coupons after it", balance: "500", due: "161.00", left: "339.00", cash: "161.00",
				prepare: func(t *testing.T, s *setup) {
					c1 := f.MustCoupon(t, s.customer, coupon.QuotaCash, "100", coupon.Limits{MaxOrderShare: 50})
					c2 := f.MustCoupon(t, s.customer, coupon.QuotaCash, "500", coupon.Limits{})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{c1, c2}
				}},
			{name: "an uncapped cash coupon first leaves no room for a capped one", balance: "500", wantErr: payment.ErrBenefit,
				reason: payment.ReasonShareCap, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					c1 := f.MustCoupon(t, s.customer, coupon.QuotaCash, "200", coupon.Limits{})
					c2 := f.MustCoupon(t, s.customer, coupon.QuotaCash, "100", coupon.Limits{MaxOrderShare: 50})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{c1, c2}
				}},
			{name: "voucher then cash coupon", balance: "500", due: "172.00", left: "328.00", voucher: "100.00", cash: "50.00",
				prepare: func(t *testing.T, s *setup) {
					c := f.MustCoupon(t, s.customer, coupon.QuotaCash, "50", coupon.Limits{})
					v := f.MustCoupon(t, s.customer, coupon.QuotaVoucher, "100", coupon.Limits{})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{c, v}
				}},
			{name: "discount alone, rounded once", balance: "500", due: "286.58", left: "213.42", discount: "35.42",
				prepare: func(t *testing.T, s *setup) {
					id := f.mustReferralDiscount(t, s.customer, "0.89")
					s.req.UseDiscount, s.req.DiscountIDs = true, []string{id}
				}},
			{name: "discount and voucher exclusive", balance: "500", wantErr: payment.ErrBenefit, reason: payment.ReasonExclusive, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					v := f.MustCoupon(t, s.customer, coupon.QuotaVoucher, "10", coupon.Limits{})
					id := f.mustReferralDiscount(t, s.customer, "0.9")
					s.req.UseCoupon, s.req.CouponIDs = true, []string{v}
					s.req.UseDiscount, s.req.DiscountIDs = true, []string{id}
				}},
			{name: "unknown discount refused", balance: "500", wantErr: payment.ErrBenefit, reason: payment.ReasonNotHeld, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					s.req.UseDiscount, s.req.DiscountIDs = true, []string{"nope"}
				}},
			{name: "another customer's coupon", balance: "500", wantErr: coupon.ErrCouponNotFound, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					other := f.MustCustomer(t, "0")
					v := f.MustCoupon(t, other, coupon.QuotaVoucher, "10", coupon.Limits{})
					s.req.UseCoupon, s.req.CouponIDs = true, []string{v}
				}},
			{name: "frozen customer", balance: "500", wantErr: payment.ErrFrozen, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					f.Exec(t, `UPDATE customers SET frozen = 1 WHERE id = $1`, s.customer)
				}},
			{name: "deadline passed", balance: "500", wantErr: payment.ErrDeadlinePassed, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					f.Exec(t, `UPDATE orders SET pending_payment_end_time = $1 WHERE id = $2`, f.Clock.Now().Add(-time.Minute), s.req.OrderID)
				}},
			{name: "order already cancelled", balance: "500", wantErr: payment.ErrNotPayable, left: "500.00",
				prepare: func(t *testing.T, s *setup) {
					if err := f.Orders.Cancel(context.Background(), s.customer, s.req.OrderID); err != nil {
						t.Fatal(err)
					}
				}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				s := &setup{customer: f.MustCustomer(t, tc.balance)}
				o := f.MustOrder(t, s.customer)
				s.req.OrderID = o.ID
				if tc.prepare != nil {
					tc.prepare(t, s)
				}
				ex, err := f.svc.Pay(context.Background(), s.customer, s.req)
				if tc.wantErr != nil {
					wantErr(t, err, tc.wantErr)
					if tc.reason != "" {
						if e, _ := apperr.As(err); e.Args["reason"] != tc.reason {
							t.Fatalf("reason %v, want %s", e.Args["reason"], tc.reason)
						}
					}
					if st := f.Status(t, o.ID); st == 5 {
						t.Fatal("refused payment completed the order")
					}
					var locked int
					f.DB.SQL.QueryRow(`SELECT COUNT(*) FROM coupons WHERE lock_order_id = $1`, o.ID).Scan(&locked)
					if locked != 0 {
						t.Fatalf("%d coupons stay locked after a refused payment", locked)
					}
				} else {
					if err != nil {
						t.Fatalf("pay: %v", err)
					}
					if ex.Due.String() != tc.due {
						t.Fatalf("due %s, want %s (%+v)", ex.Due, tc.due, ex)
					}
					for _, c := range []struct{ got, want string }{{ex.Voucher.String(), tc.voucher}, {ex.Cash.String(), tc.cash},
						{ex.Discount.String(), tc.discount}} {
						if c.want == "" {
							c.want = "0.00"
						}
						if c.got != c.want {
							t.Fatalf("step %s, want %s (%+v)", c.got, c.want, ex)
						}
					}
					if st := f.Status(t, o.ID); st != 5 {
						t.Fatalf("order status %d, want 5", st)
					}
					var usages int
					f.DB.SQL.QueryRow(`SELECT COUNT(*) FROM coupon_usages WHERE order_id = $1`, o.ID).Scan(&usages)
					if usages != len(s.req.CouponIDs) {
						t.Fatalf("%d usage records, want %d", usages, len(s.req.CouponIDs))
					}
				}
				if tc.left != "" {
					if got := f.Balance(t, s.customer); got != tc.left {
						t.Fatalf("balance %s, want %s", got, tc.left)
					}
				}
			})
		}
		f.MustVerify(t)
	})
}

func TestPayTwiceAndValidation(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.MustCustomer(t, "1000")
		o := f.MustOrder(t, c)
		for _, tc := range []struct {
			req   payment.Request
			field string
		}{
			{payment.Request{}, "order_id"},
			{payment.Request{OrderID: o.ID, UseCoupon: true}, "coupon_infos"},
			{payment.Request{OrderID: o.ID, CouponIDs: []string{"x"}}, "coupon_infos"},
			{payment.Request{OrderID: o.ID, UseCoupon: true, CouponIDs: []string{"a", "b", "c", "d"}}, "coupon_infos"},
			{payment.Request{OrderID: o.ID, UseDiscount: true}, "discount_infos"},
			{payment.Request{OrderID: o.ID, UseDiscount: true, DiscountIDs: []string{"a", "b"}}, "discount_infos"},
		} {
			_, err := f.svc.Pay(ctx, c, tc.req)
			if e, ok := apperr.As(err); !ok || e.Code != "CBC.0100" || e.Args["field"] != tc.field {
				t.Fatalf("%+v: got %v, want CBC.0100 %s", tc.req, err, tc.field)
			}
		}
		// Another customer cannot pay the order.
		other := f.MustCustomer(t, "1000")
		if _, err := f.svc.Pay(ctx, other, payment.Request{OrderID: o.ID}); err == nil {
			t.Fatal("another customer paid the order")
		}
		if _, err := f.svc.Explain(ctx, other, payment.Request{OrderID: o.ID}); err == nil {
			t.Fatal("another customer explained the order")
		}
		if _, err := f.svc.Pay(ctx, c, payment.Request{OrderID: o.ID}); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Pay(ctx, c, payment.Request{OrderID: o.ID})
		wantErr(t, err, payment.ErrNotPayable)
		if got := f.Balance(t, c); got != "678.00" {
			t.Fatalf("balance %s after paying once", got)
		}
		f.MustVerify(t)
	})
}

// TestVoucherRace: two orders race for one voucher; exactly one wins.
func TestVoucherRace(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		c := f.MustCustomer(t, "1000")
		v := f.MustCoupon(t, c, coupon.QuotaVoucher, "50", coupon.Limits{})
		o1, o2 := f.MustOrder(t, c), f.MustOrder(t, c)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, id := range []string{o1.ID, o2.ID} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.Pay(context.Background(), c, payment.Request{OrderID: id, UseCoupon: true, CouponIDs: []string{v}})
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else if !apperrIs(err, payment.ErrBenefit) {
				t.Fatalf("loser got %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d payments won, want 1: %v", wins, errs)
		}
		if got := f.Balance(t, c); got != "728.00" {
			t.Fatalf("balance %s, want 728.00", got)
		}
		f.MustVerify(t)
	})
}

func apperrIs(err error, want *apperr.Error) bool {
	e, ok := apperr.As(err)
	return ok && e.Code == want.Code && e.Key == want.Key
}

// TestPaySameOrderRace: two payments of one order; exactly one wins, the
// other finds it paid or in progress.
func TestPaySameOrderRace(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		c := f.MustCustomer(t, "1000")
		o := f.MustOrder(t, c)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.Pay(context.Background(), c, payment.Request{OrderID: o.ID})
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case apperrIs(err, payment.ErrNotPayable), apperrIs(err, payment.ErrInProgress):
			default:
				t.Fatalf("unexpected %v", err)
			}
		}
		if wins != 1 || f.Balance(t, c) != "678.00" {
			t.Fatalf("%d wins, balance %s", wins, f.Balance(t, c))
		}
		f.MustVerify(t)
	})
}

func TestExplain(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.MustCustomer(t, "300")
		o := f.MustOrder(t, c)
		good := f.MustCoupon(t, c, coupon.QuotaVoucher, "100", coupon.Limits{})
		minimum := f.MustCoupon(t, c, coupon.QuotaVoucher, "100", coupon.Limits{MinOrder: amt("1000")})
		service := f.MustCoupon(t, c, coupon.QuotaVoucher, "100", coupon.Limits{ServiceTypes: []string{"hws.service.type.ebs"}})
		cash := f.MustCoupon(t, c, coupon.QuotaCash, "300", coupon.Limits{MaxOrderShare: 10})
		ex, err := f.svc.Explain(ctx, c, payment.Request{OrderID: o.ID, UseCoupon: true, CouponIDs: []string{good, cash}})
		if err != nil {
			t.Fatal(err)
		}
		if ex.ListPrice.String() != "322.00" || ex.Voucher.String() != "100.00" || ex.Cash.String() != "32.20" ||
			ex.Due.String() != "189.80" || ex.Balance.String() != "300.00" {
			t.Fatalf("steps %+v", ex)
		}
		want := map[string]string{good: payment.ReasonApplied, cash: payment.ReasonApplied, minimum: payment.ReasonMinimum,
			service: payment.ReasonService}
		for _, b := range ex.Benefits {
			if want[b.ID] != b.Reason {
				t.Fatalf("%s: reason %s, want %s", b.ID, b.Reason, want[b.ID])
			}
			delete(want, b.ID)
		}
		if len(want) != 0 {
			t.Fatalf("benefits missing: %v", want)
		}
		if !ex.Benefits[1].Capped {
			t.Fatal("cash coupon not reported capped")
		}
		// Nothing chosen: the voucher would apply, the minimum is not met.
		ex, err = f.svc.Explain(ctx, c, payment.Request{OrderID: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range ex.Benefits {
			if b.ID == minimum && b.Reason != payment.ReasonMinimum || b.ID == good && b.Reason != payment.ReasonNotChosen {
				t.Fatalf("%s: %s", b.ID, b.Reason)
			}
		}
		// Explain is read-only: nothing locked or spent.
		var n int
		f.DB.SQL.QueryRow(`SELECT COUNT(*) FROM coupons WHERE lock_order_id <> ''`).Scan(&n)
		if n != 0 || f.Balance(t, c) != "300.00" || f.Status(t, o.ID) != 6 {
			t.Fatal("explain changed something")
		}
		// Expired coupons explain themselves.
		f.Clock.Advance(400 * 24 * time.Hour)
		f.Exec(t, `UPDATE orders SET pending_payment_end_time = $1 WHERE id = $2`, f.Clock.Now().Add(time.Hour), o.ID)
		ex, err = f.svc.Explain(ctx, c, payment.Request{OrderID: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range ex.Benefits {
			if b.Reason != payment.ReasonExpired {
				t.Fatalf("%s: %s after expiry", b.ID, b.Reason)
			}
		}
	})
}

// TestCancelReleasesLocks: the cancel hook unlocks coupons held by an order.
func TestCancelReleasesLocks(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		c := f.MustCustomer(t, "0")
		o := f.MustOrder(t, c)
		v := f.MustCoupon(t, c, coupon.QuotaVoucher, "10", coupon.Limits{})
		f.Exec(t, `UPDATE coupons SET lock_order_id = $1 WHERE id = $2`, o.ID, v)
		if err := f.Orders.Cancel(context.Background(), c, o.ID); err != nil {
			t.Fatal(err)
		}
		var lock string
		f.DB.SQL.QueryRow(`SELECT lock_order_id FROM coupons WHERE id = $1`, v).Scan(&lock)
		if lock != "" {
			t.Fatalf("coupon still locked to %s", lock)
		}
	})
}

func TestEveryReasonHasAKey(t *testing.T) {
	for _, r := range []string{payment.ReasonApplied, payment.ReasonNotChosen, payment.ReasonNotEffective, payment.ReasonExpired,
		payment.ReasonNotUsable, payment.ReasonLocked, payment.ReasonService, payment.ReasonProduct, payment.ReasonRegion,
		payment.ReasonOrderType, payment.ReasonMinimum, payment.ReasonExclusive, payment.ReasonSecondVouch,
		payment.ReasonShareCap, payment.ReasonNothingLeft, payment.ReasonNotHeld} {
		if payment.ReasonKey(r) != "payment.reason."+r {
			t.Errorf("reason %s has key %q", r, payment.ReasonKey(r))
		}
	}
}

// TestPayInProgress: while another transaction holds the order (a payment
// running), PostgreSQL answers CBC.99000088 at once; SQLite runs one
// writer at a time, so there the second payment waits and finds the order
// paid.
func TestPayInProgress(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.MustCustomer(t, "1000")
		o := f.MustOrder(t, c)
		if d.Dialect == db.Postgres {
			tx, err := d.SQL.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, `SELECT id FROM orders WHERE id = $1 FOR UPDATE`, o.ID); err != nil {
				t.Fatal(err)
			}
			_, err = f.svc.Pay(ctx, c, payment.Request{OrderID: o.ID})
			_ = tx.Rollback()
			wantErr(t, err, payment.ErrInProgress)
			if e, _ := apperr.As(err); e.Code != "CBC.99000088" {
				t.Fatalf("code %s", e.Code)
			}
		}
		if _, err := f.svc.Pay(ctx, c, payment.Request{OrderID: o.ID}); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Pay(ctx, c, payment.Request{OrderID: o.ID})
		wantErr(t, err, payment.ErrNotPayable)
	})
}

// TestExplainDiscount: a referral customer's discount is explained before
// it is chosen and applied once chosen, rounded once at order level.
func TestExplainDiscount(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.MustCustomer(t, "0")
		o := f.MustOrder(t, c)
		id := f.mustReferralDiscount(t, c, "0.8765")
		ex, err := f.svc.Explain(ctx, c, payment.Request{OrderID: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(ex.Benefits) != 1 || ex.Benefits[0].ID != id || ex.Benefits[0].Reason != payment.ReasonNotChosen ||
			ex.Benefits[0].Amount.String() != "39.77" || ex.Due.String() != "322.00" {
			t.Fatalf("not chosen: %+v", ex)
		}
		ex, err = f.svc.Explain(ctx, c, payment.Request{OrderID: o.ID, UseDiscount: true, DiscountIDs: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		// 322 × 0.8765 = 282.233 → 282.23 payable, 39.77 off.
		if ex.Discount.String() != "39.77" || ex.Payable.String() != "282.23" || ex.Due.String() != "282.23" ||
			!ex.Benefits[0].Applies {
			t.Fatalf("chosen: %+v", ex)
		}
		_, err = f.svc.Explain(ctx, c, payment.Request{OrderID: o.ID, UseDiscount: true, DiscountIDs: []string{"other"}})
		wantErr(t, err, payment.ErrBenefit)
		// No account: paying the discounted amount is refused.
		_, err = f.svc.Pay(ctx, c, payment.Request{OrderID: o.ID, UseDiscount: true, DiscountIDs: []string{id}})
		wantErr(t, err, payment.ErrInsufficient)
		f.MustVerify(t)
	})
}
