package order_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
)

func TestPlace(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		c := f.mustCustomer(t, f.sp.p.ID)

		t.Run("OK/PricedFromCatalogue", func(t *testing.T) {
			// s2.small.1.linux in cn-north-1: 32.20 a month, 322 a year.
			o := f.mustPlace(t, c, vm("s2.small.1.linux", order.PeriodMonth, 3, 2), vm("s2.small.1.linux", order.PeriodYear, 1, 1))
			if got, want := o.OfficialAmount.String(), "515.20"; got != want {
				t.Errorf("official %s, want %s", got, want)
			}
			if got, want := o.AmountAfterDiscount.String(), "515.20"; got != want {
				t.Errorf("after discount %s, want %s", got, want)
			}
			if o.Status != order.StatusPendingPayment || o.Type != order.TypeNew || o.SourceType != 1 || o.PartnerID != f.sp.p.ID {
				t.Errorf("got %+v", o)
			}
			if got, want := o.PaymentDeadline, t0.Add(order.DefaultPaymentWindow); !got.Equal(want) {
				t.Errorf("deadline %s, want %s", got, want)
			}
			got, lines, n, err := f.svc.Details(ctx, order.CustomerViewer(c), o.ID, "", 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			if n != 2 || len(lines) != 2 || got.ID != o.ID || got.OfficialAmount.String() != "515.20" || got.UserName == "" {
				t.Fatalf("details %+v %d %+v", got, n, lines)
			}
			if lines[0].OfficialAmount.String() != "193.20" || lines[1].OfficialAmount.String() != "322.00" ||
				lines[0].PeriodType != order.PeriodMonth || lines[0].PeriodNum != 3 || lines[0].Quantity != 2 || lines[0].ProductID == "" {
				t.Errorf("lines %+v", lines)
			}
			_, page2, _, err := f.svc.Details(ctx, order.CustomerViewer(c), o.ID, "", 1, 10)
			if err != nil || len(page2) != 1 || page2[0].PeriodType != order.PeriodYear {
				t.Errorf("second page %+v %v", page2, err)
			}
		})
		t.Run("OK/QuoteMatchesOrder", func(t *testing.T) {
			in := order.NewOrder{Items: []order.Item{disk("GPSSD", 40, 2)}}
			q, err := f.svc.Quote(ctx, c, in)
			if err != nil {
				t.Fatal(err)
			}
			o := f.mustPlace(t, c, in.Items...)
			if !q.OfficialAmount.Equal(o.OfficialAmount) || q.OfficialAmount.IsZero() {
				t.Errorf("quote %s, order %s", q.OfficialAmount, o.OfficialAmount)
			}
		})
		t.Run("OK/DiscountHook", func(t *testing.T) {
			f.svc.SetDiscounter(tenPercent{})
			defer f.svc.SetDiscounter(nil)
			o := f.mustPlace(t, c, vm("s2.small.1.linux", order.PeriodYear, 1, 1))
			if o.OfficialAmount.String() != "322.00" || o.AmountAfterDiscount.String() != "289.80" {
				t.Errorf("got %s / %s", o.OfficialAmount, o.AmountAfterDiscount)
			}
		})
		t.Run("ErrUnknownSpec", func(t *testing.T) {
			_, err := f.svc.Place(ctx, c, order.NewOrder{Items: []order.Item{vm("s9.none.linux", order.PeriodMonth, 1, 1)}})
			wantErr(t, err, commerce.ErrProductNotFound)
		})
		t.Run("ErrPeriodType", func(t *testing.T) {
			_, err := f.svc.Place(ctx, c, order.NewOrder{Items: []order.Item{vm("s2.small.1.linux", 4, 1, 1)}})
			wantCode(t, err, "CBC.0100")
		})
		t.Run("ErrQuantity", func(t *testing.T) {
			_, err := f.svc.Place(ctx, c, order.NewOrder{Items: []order.Item{vm("s2.small.1.linux", order.PeriodMonth, 1, 0)}})
			wantCode(t, err, "CBC.0100")
		})
		t.Run("ErrLinearWithoutSize", func(t *testing.T) {
			_, err := f.svc.Place(ctx, c, order.NewOrder{Items: []order.Item{disk("GPSSD", 0, 1)}})
			wantCode(t, err, "CBC.0100")
		})
		t.Run("ErrMixedServices", func(t *testing.T) {
			_, err := f.svc.Place(ctx, c, order.NewOrder{Items: []order.Item{vm("s2.small.1.linux", order.PeriodMonth, 1, 1), disk("GPSSD", 40, 1)}})
			wantErr(t, err, order.ErrMixedServices)
		})
		t.Run("ErrFrozen", func(t *testing.T) {
			fc := f.mustCustomer(t, f.sp.p.ID)
			f.exec(t, "UPDATE customers SET frozen = 1 WHERE id = $1", fc)
			_, err := f.svc.Place(ctx, fc, order.NewOrder{Items: []order.Item{vm("s2.small.1.linux", order.PeriodMonth, 1, 1)}})
			wantErr(t, err, order.ErrFrozen)
		})
		t.Run("ErrNoCustomer", func(t *testing.T) {
			_, err := f.svc.Place(ctx, "nobody", order.NewOrder{Items: []order.Item{vm("s2.small.1.linux", order.PeriodMonth, 1, 1)}})
			wantErr(t, err, order.ErrNoCustomer)
		})
	})
}

type tenPercent struct{}

func (tenPercent) OrderLineDiscount(_ context.Context, _ string, l commerce.PricedLine) (decimal.Decimal, error) {
	return l.Official.Mul(decimal.RequireFromString("0.1")), nil
}

func TestCancel(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		c := f.mustCustomer(t, f.sp.p.ID)
		other := f.mustCustomer(t, f.sp.p.ID)

		t.Run("OK", func(t *testing.T) {
			o := f.mustPlace(t, c, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
			if err := f.svc.Cancel(ctx, c, o.ID); err != nil {
				t.Fatal(err)
			}
			got, err := f.svc.Get(ctx, order.CustomerViewer(c), o.ID, "")
			if err != nil || got.Status != order.StatusCancelled || got.CancelledAt == nil {
				t.Fatalf("got %+v %v", got, err)
			}
			t.Run("ErrAlreadyCancelled", func(t *testing.T) {
				wantErr(t, f.svc.Cancel(ctx, c, o.ID), order.ErrNotCancellable)
			})
		})
		t.Run("ErrCompleted", func(t *testing.T) {
			o := f.mustPlace(t, c, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
			f.exec(t, "UPDATE orders SET status = 5, payment_time = $1 WHERE id = $2", t0, o.ID)
			wantErr(t, f.svc.Cancel(ctx, c, o.ID), order.ErrNotCancellable)
		})
		t.Run("ErrAnotherCustomersOrder", func(t *testing.T) {
			o := f.mustPlace(t, c, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
			wantErr(t, f.svc.Cancel(ctx, other, o.ID), order.ErrNotFound)
		})
		t.Run("ErrEmptyID", func(t *testing.T) {
			wantCode(t, f.svc.Cancel(ctx, c, ""), "CBC.0100")
		})
	})
}

func TestCancelOverdue(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		c := f.mustCustomer(t, f.sp.p.ID)
		early := f.mustPlace(t, c, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
		f.clock.Advance(time.Hour)
		late := f.mustPlace(t, c, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
		paid := f.mustPlace(t, c, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
		f.exec(t, "UPDATE orders SET status = 5, payment_time = $1 WHERE id = $2", f.clock.Now(), paid.ID)

		status := func(id string) order.Status {
			o, err := f.svc.Get(ctx, order.CustomerViewer(c), id, "")
			if err != nil {
				t.Fatal(err)
			}
			return o.Status
		}
		// One minute before the first deadline nothing is due.
		f.clock.Set(early.PaymentDeadline.Add(-time.Minute))
		if n, err := f.svc.CancelOverdue(ctx); err != nil || n != 0 {
			t.Fatalf("before deadline: %d %v", n, err)
		}
		f.clock.Set(early.PaymentDeadline)
		if n, err := f.svc.CancelOverdue(ctx); err != nil || n != 1 {
			t.Fatalf("at first deadline: %d %v", n, err)
		}
		if status(early.ID) != order.StatusCancelled || status(late.ID) != order.StatusPendingPayment {
			t.Fatal("wrong order cancelled")
		}
		f.clock.Set(late.PaymentDeadline.Add(time.Second))
		if n, err := f.svc.CancelOverdue(ctx); err != nil || n != 1 {
			t.Fatalf("at second deadline: %d %v", n, err)
		}
		if status(late.ID) != order.StatusCancelled || status(paid.ID) != order.StatusCompleted {
			t.Fatal("paid order touched or late order left")
		}
		// Idempotent.
		if n, err := f.svc.CancelOverdue(ctx); err != nil || n != 0 {
			t.Fatalf("again: %d %v", n, err)
		}
	})
}

func TestCancelHook(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		c := f.mustCustomer(t, f.sp.p.ID)
		h := &hook{}
		f.svc.SetCancelHook(h)
		a := f.mustPlace(t, c, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
		b := f.mustPlace(t, c, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
		if err := f.svc.Cancel(ctx, c, a.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(order.DefaultPaymentWindow)
		if _, err := f.svc.CancelOverdue(ctx); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(h.ids, []string{a.ID, b.ID}) {
			t.Errorf("hook saw %v, want %v", h.ids, []string{a.ID, b.ID})
		}
	})
}

type hook struct{ ids []string }

func (h *hook) OrderCancelled(_ context.Context, _ *sql.Tx, id string) error {
	h.ids = append(h.ids, id)
	return nil
}

func orderIDs(list []order.Order) []string {
	out := make([]string, len(list))
	for i, o := range list {
		out[i] = o.ID
	}
	return out
}

func TestScope(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		spC := f.mustCustomer(t, f.sp.p.ID)
		sp2C := f.mustCustomer(t, f.sp2.p.ID)
		distC := f.mustCustomer(t, f.dist.p.ID)
		resC := f.mustCustomer(t, f.reseller.p.ID)
		spO := f.mustPlace(t, spC, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
		f.clock.Advance(time.Minute)
		spO2 := f.mustPlace(t, spC, vm("s2.small.1.linux", order.PeriodYear, 1, 1))
		sp2O := f.mustPlace(t, sp2C, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
		distO := f.mustPlace(t, distC, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
		resO := f.mustPlace(t, resC, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))

		list := func(v order.Viewer, fl order.Filter) []string {
			t.Helper()
			got, n, err := f.svc.List(ctx, v, fl)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(got) {
				t.Fatalf("total %d, listed %d", n, len(got))
			}
			return orderIDs(got)
		}
		t.Run("OK/Customer", func(t *testing.T) {
			if got, want := list(order.CustomerViewer(spC), order.Filter{}), []string{spO2.ID, spO.ID}; !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
			if got := list(order.CustomerViewer(spC), order.Filter{Ascending: true}); got[0] != spO.ID {
				t.Errorf("ascending %v", got)
			}
		})
		t.Run("OK/Partner", func(t *testing.T) {
			if got, want := list(order.PartnerViewer(f.sp.main), order.Filter{}), []string{spO2.ID, spO.ID}; !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
		t.Run("OK/Filters", func(t *testing.T) {
			st := order.StatusPendingPayment
			if got := list(order.PartnerViewer(f.sp.main), order.Filter{Status: &st, OrderID: spO.ID}); !slices.Equal(got, []string{spO.ID}) {
				t.Errorf("by id %v", got)
			}
			from := t0.Add(30 * time.Second)
			if got := list(order.PartnerViewer(f.sp.main), order.Filter{CreatedFrom: &from}); !slices.Equal(got, []string{spO2.ID}) {
				t.Errorf("by created %v", got)
			}
			if got := list(order.PartnerViewer(f.sp.main), order.Filter{ServiceType: "hws.service.type.ebs"}); len(got) != 0 {
				t.Errorf("by service %v", got)
			}
			cancelled := order.StatusCancelled
			if got := list(order.PartnerViewer(f.sp.main), order.Filter{Status: &cancelled}); len(got) != 0 {
				t.Errorf("by status %v", got)
			}
			if got := list(order.PartnerViewer(f.sp.main), order.Filter{CustomerID: sp2C}); len(got) != 0 {
				t.Errorf("another partner's customer by id %v", got)
			}
		})
		t.Run("ErrCrossTenant", func(t *testing.T) {
			if got := list(order.PartnerViewer(f.sp2.main), order.Filter{}); !slices.Equal(got, []string{sp2O.ID}) {
				t.Errorf("sp2 sees %v", got)
			}
			_, err := f.svc.Get(ctx, order.PartnerViewer(f.sp2.main), spO.ID, "")
			wantErr(t, err, order.ErrNotFound)
			_, err = f.svc.Get(ctx, order.CustomerViewer(sp2C), spO.ID, "")
			wantErr(t, err, order.ErrNotFound)
			_, err = f.svc.OrderCoupons(ctx, order.PartnerViewer(f.sp2.main), spO.ID)
			wantErr(t, err, order.ErrNotFound)
			_, err = f.svc.OrderDiscounts(ctx, order.CustomerViewer(sp2C), spO.ID)
			wantErr(t, err, order.ErrNotFound)
		})
		t.Run("OK/DistributorAndReseller", func(t *testing.T) {
			if got := list(order.PartnerViewer(f.dist.main), order.Filter{}); !slices.Equal(got, []string{distO.ID}) {
				t.Errorf("distributor's own %v", got)
			}
			if got := list(order.PartnerViewer(f.dist.main), order.Filter{IndirectPartnerID: f.reseller.p.ID}); !slices.Equal(got, []string{resO.ID}) {
				t.Errorf("reseller's %v", got)
			}
			if _, err := f.svc.Get(ctx, order.PartnerViewer(f.dist.main), resO.ID, f.reseller.p.ID); err != nil {
				t.Error(err)
			}
			if got := list(order.PartnerViewer(f.reseller.main), order.Filter{}); !slices.Equal(got, []string{resO.ID}) {
				t.Errorf("reseller itself %v", got)
			}
			// A solution provider's indirect_partner_id is ignored.
			if got := list(order.PartnerViewer(f.sp.main), order.Filter{IndirectPartnerID: f.reseller.p.ID}); len(got) != 2 {
				t.Errorf("sp with indirect id %v", got)
			}
		})
		t.Run("ErrNotYourReseller", func(t *testing.T) {
			other := mustOtherReseller(t, f)
			_, _, err := f.svc.List(ctx, order.PartnerViewer(f.dist.main), order.Filter{IndirectPartnerID: other})
			wantErr(t, err, customer.ErrNotYourReseller)
			_, _, err = f.svc.List(ctx, order.PartnerViewer(f.dist.main), order.Filter{IndirectPartnerID: f.sp.p.ID})
			wantErr(t, err, customer.ErrNotYourReseller)
		})
		t.Run("OK/DisassociatedCustomerHidden", func(t *testing.T) {
			f.exec(t, "UPDATE customer_associations SET ended_at = $1 WHERE customer_id = $2", f.clock.Now(), sp2C)
			if got := list(order.PartnerViewer(f.sp2.main), order.Filter{}); len(got) != 0 {
				t.Errorf("former customer's orders %v", got)
			}
			// The customer still sees its own.
			if got := list(order.CustomerViewer(sp2C), order.Filter{}); len(got) != 1 {
				t.Errorf("customer's own %v", got)
			}
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			a := f.sp.main
			a.IsMain, a.Perms = false, map[string]bool{identity.PermCustomerList: true}
			_, _, err := f.svc.List(ctx, order.PartnerViewer(a), order.Filter{})
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("OK/DataScope", func(t *testing.T) {
			a := f.sp.main
			a.IsMain, a.Perms = false, map[string]bool{identity.PermOrderView: true}
			a.Scope = identity.Scope{Kind: identity.ScopeOwn, ManagerIDs: []string{"m-1"}}
			if got := list(order.PartnerViewer(a), order.Filter{}); len(got) != 0 {
				t.Errorf("manager without customers sees %v", got)
			}
			f.exec(t, "UPDATE customers SET account_manager_id = 'm-1' WHERE id = $1", spC)
			if got := list(order.PartnerViewer(a), order.Filter{}); len(got) != 2 {
				t.Errorf("manager of the customer sees %v", got)
			}
		})
		t.Run("OK/BenefitsEmpty", func(t *testing.T) {
			cs, err := f.svc.OrderCoupons(ctx, order.PartnerViewer(f.sp.main), spO.ID)
			if err != nil || len(cs) != 0 {
				t.Errorf("coupons %v %v", cs, err)
			}
			ds, err := f.svc.OrderDiscounts(ctx, order.CustomerViewer(spC), spO.ID)
			if err != nil || len(ds) != 0 {
				t.Errorf("discounts %v %v", ds, err)
			}
		})
	})
}

func mustOtherReseller(t *testing.T, f *fixture) string {
	t.Helper()
	dist2 := f.mustTenant(t, identity.Distributor, "")
	return f.mustTenant(t, identity.CloudReseller, dist2.p.ID).p.ID
}

func TestOrderCoupons(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		c := f.mustCustomer(t, f.sp.p.ID)
		o := f.mustPlace(t, c, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
		now := f.clock.Now()
		q, err := f.coupons.GrantQuota(ctx, f.op, coupon.NewQuota{PartnerID: f.sp.p.ID, Type: coupon.QuotaVoucher,
			Value: money.MustParse("100"), EffectiveAt: now.Add(-time.Hour), ExpiresAt: now.AddDate(1, 0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		var issued []coupon.Issued
		for range 2 {
			got, bad, err := f.coupons.Issue(ctx, f.sp.main, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: []string{c},
				FaceValue: money.MustParse("10")})
			if err != nil || len(bad) > 0 || len(got) != 1 {
				t.Fatalf("issue: %v %v", err, bad)
			}
			issued = append(issued, got...)
		}
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return f.coupons.Lock(ctx, tx, issued[0].CouponID, o.ID) }); err != nil {
			t.Fatal(err)
		}
		for _, v := range []order.Viewer{order.CustomerViewer(c), order.PartnerViewer(f.sp.main)} {
			cs, err := f.svc.OrderCoupons(ctx, v, o.ID)
			if err != nil || len(cs) != 1 || cs[0].ID != issued[0].CouponID {
				t.Errorf("coupons of the order: %+v %v", cs, err)
			}
		}
	})
}
