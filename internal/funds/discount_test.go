package funds_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/outbox"
)

func rate(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestSetDiscounts(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		refs := f.mustCustomers(t, f.sp.p.ID, 3, customer.Referral)
		res := f.mustCustomers(t, f.sp.p.ID, 1, customer.Reseller)[0]
		other := f.mustCustomers(t, f.sp2.p.ID, 1, customer.Referral)[0]
		now := f.clock.Now()
		exp := now.AddDate(0, 6, 0)
		in := func(id, r string) funds.DiscountInput {
			return funds.DiscountInput{CustomerID: id, Rate: rate(r), ExpiresAt: &exp}
		}
		t.Run("OK", func(t *testing.T) {
			bad, err := f.svc.SetDiscounts(ctx, f.sp.main, "", []funds.DiscountInput{in(refs[0], "0.85"), in(refs[1], "0.8")})
			if err != nil || len(bad) != 0 {
				t.Fatalf("set: %v %v", err, bad)
			}
			got, ok, err := f.svc.CustomerDiscount(ctx, f.sp.main, refs[0], "")
			if err != nil || !ok || got.Rate.String() != "0.85" || !got.ExpiresAt.Equal(exp) {
				t.Fatalf("discount %+v %v %v", got, ok, err)
			}
			msgs, err := f.outbox.List(ctx, outbox.Filter{})
			wantErr(t, err, nil)
			if len(msgs) != 2 || !strings.Contains(msgs[0].Body, "0.8") {
				t.Fatalf("mails %+v", msgs)
			}
		})
		t.Run("OneCurrent", func(t *testing.T) {
			bad, err := f.svc.SetDiscounts(ctx, f.sp.main, "", []funds.DiscountInput{in(refs[0], "0.9")})
			if err != nil || len(bad) != 0 {
				t.Fatalf("set: %v %v", err, bad)
			}
			if n := f.count(t, "SELECT COUNT(*) FROM partner_discounts WHERE customer_id = $1 AND ended_at IS NULL", refs[0]); n != 1 {
				t.Fatalf("%d current discounts", n)
			}
			d, ok, _ := f.svc.CurrentDiscount(ctx, f.db.SQL, refs[0], now)
			if !ok || d.Rate.String() != "0.9" {
				t.Fatalf("current %+v %v", d, ok)
			}
		})
		t.Run("RateOneRemoves", func(t *testing.T) {
			bad, err := f.svc.SetDiscounts(ctx, f.sp.main, "", []funds.DiscountInput{{CustomerID: refs[1], Rate: rate("1")}})
			if err != nil || len(bad) != 0 {
				t.Fatalf("remove: %v %v", err, bad)
			}
			if _, ok, _ := f.svc.CustomerDiscount(ctx, f.sp.main, refs[1], ""); ok {
				t.Fatal("discount still there")
			}
		})
		t.Run("ItemErrors", func(t *testing.T) {
			past := now.Add(-time.Hour)
			bad, err := f.svc.SetDiscounts(ctx, f.sp.main, "", []funds.DiscountInput{
				in(res, "0.9"), in(other, "0.9"), in(refs[2], "0.79"), in("x"+refs[2][1:], "0.9"),
				{CustomerID: refs[2], Rate: rate("0.9"), ExpiresAt: &past},
				{CustomerID: refs[2], Rate: rate("0.91234")},
			})
			wantErr(t, err, nil)
			want := []string{funds.ErrNotReferral.Key, funds.ErrNotYourCustomer.Key, funds.ErrDiscountRate.Key,
				funds.ErrNotYourCustomer.Key, funds.ErrDiscountValidity.Key, funds.ErrDiscountRate.Key}
			if len(bad) != len(want) {
				t.Fatalf("item errors %v", bad)
			}
			for i, b := range bad {
				if e, ok := apperr.As(b.Err); !ok || e.Key != want[i] {
					t.Errorf("item %d: got %v, want %s", i, b.Err, want[i])
				}
			}
		})
		t.Run("ErrBatch", func(t *testing.T) {
			_, err := f.svc.SetDiscounts(ctx, f.sp.main, "", nil)
			wantCode(t, err, "CBC.0100")
			_, err = f.svc.SetDiscounts(ctx, f.sp.main, "", make([]funds.DiscountInput, 11))
			wantCode(t, err, "CBC.0100")
			_, err = f.svc.SetDiscounts(ctx, without(f.sp.main, identity.PermDiscountManage), "", []funds.DiscountInput{in(refs[2], "0.9")})
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("CrossTenant", func(t *testing.T) {
			_, _, err := f.svc.CustomerDiscount(ctx, f.sp2.main, refs[0], "")
			wantErr(t, err, funds.ErrNotYourCustomer)
			bad, err := f.svc.SetDiscounts(ctx, f.sp2.main, "", []funds.DiscountInput{{CustomerID: refs[0], Rate: rate("1")}})
			if err != nil || len(bad) != 1 {
				t.Fatalf("sp2 removed sp's discount: %v %v", err, bad)
			}
			rows, n, err := f.svc.DiscountRows(ctx, f.sp2.main, "", 0, 10)
			wantErr(t, err, nil)
			if n != 1 || rows[0].CustomerID != other {
				t.Fatalf("sp2 rows %+v", rows)
			}
		})
		t.Run("Rows", func(t *testing.T) {
			rows, n, err := f.svc.DiscountRows(ctx, f.sp.main, "", 0, 10)
			wantErr(t, err, nil)
			if n != 3 {
				t.Fatalf("%d rows", n)
			}
			with := 0
			for _, r := range rows {
				if r.Discount != nil {
					with++
				}
			}
			if with != 1 {
				t.Fatalf("%d rows with a discount", with)
			}
		})
		t.Run("CurrentDiscountWindow", func(t *testing.T) {
			if _, ok, _ := f.svc.CurrentDiscount(ctx, f.db.SQL, refs[0], exp); ok {
				t.Fatal("discount applies at its expiry")
			}
			later := now.Add(48 * time.Hour)
			bad, _ := f.svc.SetDiscounts(ctx, f.sp.main, "", []funds.DiscountInput{{CustomerID: refs[2], Rate: rate("0.8"), EffectiveAt: &later, ExpiresAt: &exp}})
			if len(bad) != 0 {
				t.Fatal(bad)
			}
			if _, ok, _ := f.svc.CurrentDiscount(ctx, f.db.SQL, refs[2], now); ok {
				t.Fatal("discount applies before it is effective")
			}
			if _, ok, _ := f.svc.CurrentDiscount(ctx, f.db.SQL, refs[2], later); !ok {
				t.Fatal("discount does not apply once effective")
			}
			// A customer who leaves the partner keeps no discount.
			f.exec(t, "UPDATE customer_associations SET ended_at = $1 WHERE customer_id = $2", now, refs[2])
			if _, ok, _ := f.svc.CurrentDiscount(ctx, f.db.SQL, refs[2], later); ok {
				t.Fatal("discount survives disassociation")
			}
		})
	})
}

// TestRacingDiscountsKeepOneCurrent sets one customer's discount from
// several goroutines: every call succeeds and one discount is current.
func TestRacingDiscountsKeepOneCurrent(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.mustCustomers(t, f.sp.p.ID, 1, customer.Referral)[0]
		exp := f.clock.Now().AddDate(0, 1, 0)
		var wg sync.WaitGroup
		for i := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := decimal.New(int64(80+i), -2)
				bad, err := f.svc.SetDiscounts(ctx, f.sp.main, "", []funds.DiscountInput{{CustomerID: c, Rate: r, ExpiresAt: &exp}})
				if err != nil || len(bad) > 0 {
					t.Errorf("set %s: %v %v", r, err, bad)
				}
			}()
		}
		wg.Wait()
		if n := f.count(t, "SELECT COUNT(*) FROM partner_discounts WHERE customer_id = $1 AND ended_at IS NULL", c); n != 1 {
			t.Fatalf("%d current discounts", n)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM partner_discounts WHERE customer_id = $1", c); n != 6 {
			t.Fatalf("%d discounts written", n)
		}
	})
}
