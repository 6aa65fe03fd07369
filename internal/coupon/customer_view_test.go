package coupon_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/platform/db"
)

func TestCustomerViewAndSpend(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		v := f.mustQuota(t, f.sp, coupon.QuotaVoucher, "100", coupon.Limits{})
		c := f.mustQuota(t, f.sp, coupon.QuotaCash, "100", coupon.Limits{MaxOrderShare: 10})
		custs := f.mustCustomers(t, f.sp.p.ID, 2, customer.Reseller)
		gv, _, _ := f.svc.Issue(ctx, f.sp.main, coupon.IssueRequest{QuotaID: v.ID, CustomerIDs: custs[:1], FaceValue: amt("30"),
			Remark: ptr("secret")})
		gc := f.mustIssue(t, f.sp.main, c, "20", custs[0])
		gr := f.mustIssue(t, f.sp.main, v, "10", custs[0])
		f.mustIssue(t, f.sp.main, v, "10", custs[1])
		if _, err := f.svc.Reclaim(ctx, f.sp.main, gr[0].CouponID, ""); err != nil {
			t.Fatal(err)
		}
		t.Run("Spend", func(t *testing.T) {
			spend := func(id, order, a string) error {
				return f.db.InTx(ctx, func(tx *sql.Tx) error { return f.svc.Spend(ctx, tx, id, order, amt(a)) })
			}
			wantErr(t, spend(gv[0].CouponID, "o1", "12.34"), nil)
			wantErr(t, spend(gv[0].CouponID, "o2", "17.67"), coupon.ErrCouponBalance)
			wantParam(t, spend(gv[0].CouponID, "o2", "0"), "amount")
			wantErr(t, spend("missing", "o2", "1"), coupon.ErrCouponNotFound)
			wantErr(t, spend(gr[0].CouponID, "o2", "1"), coupon.ErrCouponNotUsable)
			lock := func(id, order string) error {
				return f.db.InTx(ctx, func(tx *sql.Tx) error { return f.svc.Lock(ctx, tx, id, order) })
			}
			wantErr(t, lock(gc[0].CouponID, "o3"), nil)
			wantErr(t, lock(gc[0].CouponID, "o3"), nil)
			wantErr(t, lock(gc[0].CouponID, "o4"), coupon.ErrCouponNotUsable)
			wantErr(t, spend(gc[0].CouponID, "o4", "1"), coupon.ErrCouponNotUsable)
			wantErr(t, spend(gc[0].CouponID, "o3", "20"), nil)
			k, usage, err := f.svc.IssuedCoupon(ctx, f.sp.main, gc[0].CouponID)
			if err != nil || k.Status != coupon.CouponUsedUp || k.LockOrderID != "" || len(usage) != 1 ||
				usage[0].OrderID != "o3" || k.LastUsedAt == nil {
				t.Fatalf("spent coupon %+v %+v %v", k, usage, err)
			}
			byOrder, _, _ := f.svc.ListIssued(ctx, f.sp.main, coupon.CouponFilter{OrderID: "o1"})
			if len(byOrder) != 1 || byOrder[0].ID != gv[0].CouponID {
				t.Fatalf("by order %+v", byOrder)
			}
			f.mustVerify(t)
		})
		list, total, err := f.svc.CustomerCoupons(ctx, custs[0], coupon.CustomerCouponFilter{})
		if err != nil || total != 2 || len(list) != 2 {
			t.Fatalf("customer coupons %+v %d %v", list, total, err)
		}
		for _, k := range list {
			if k.ID == gr[0].CouponID || k.Remark != "" {
				t.Fatalf("customer sees %+v", k)
			}
		}
		list, _, _ = f.svc.CustomerCoupons(ctx, custs[0], coupon.CustomerCouponFilter{Type: ptr(coupon.CouponCash)})
		if len(list) != 1 || list[0].ID != gc[0].CouponID {
			t.Fatalf("cash filter %+v", list)
		}
		list, _, _ = f.svc.CustomerCoupons(ctx, custs[0], coupon.CustomerCouponFilter{OrderID: "o1"})
		if len(list) != 1 || list[0].ID != gv[0].CouponID {
			t.Fatalf("order filter %+v", list)
		}
		list, _, _ = f.svc.CustomerCoupons(ctx, custs[0], coupon.CustomerCouponFilter{OrderID: "o9"})
		if len(list) != 0 {
			t.Fatalf("an order that used no coupon lists %+v", list)
		}
		before, after := f.clock.Now().Add(-time.Minute), f.clock.Now().Add(time.Minute)
		if list, _, _ = f.svc.CustomerCoupons(ctx, custs[0], coupon.CustomerCouponFilter{ActiveFrom: &before, ActiveTo: &after}); len(list) != 2 {
			t.Fatalf("active now: %+v", list)
		}
		if list, _, _ = f.svc.CustomerCoupons(ctx, custs[0], coupon.CustomerCouponFilter{ActiveFrom: &after}); len(list) != 0 {
			t.Fatalf("active later: %+v", list)
		}
		k, usage, err := f.svc.CustomerCoupon(ctx, custs[0], gv[0].CouponID)
		if err != nil || len(usage) != 1 || !usage[0].Amount.Equal(amt("12.34")) || !k.Balance.Equal(amt("17.66")) || k.Remark != "" {
			t.Fatalf("customer coupon %+v %+v %v", k, usage, err)
		}
		if _, _, err := f.svc.CustomerCoupon(ctx, custs[1], gv[0].CouponID); err == nil {
			t.Fatal("a customer reads another's coupon")
		}
		if _, _, err := f.svc.CustomerCoupon(ctx, custs[0], gr[0].CouponID); err == nil {
			t.Fatal("a reclaimed coupon is shown")
		}
	})
}

func TestRecordFilters(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		v := f.mustQuota(t, f.sp, coupon.QuotaVoucher, "100", coupon.Limits{})
		c := f.mustQuota(t, f.sp, coupon.QuotaCash, "100", coupon.Limits{})
		custs := f.mustCustomers(t, f.sp.p.ID, 2, customer.Reseller)
		g := f.mustIssue(t, f.sp.main, v, "10", custs...)
		f.mustIssue(t, f.sp.main, c, "10", custs[0])
		if _, err := f.svc.Reclaim(ctx, f.sp.main, g[1].CouponID, ""); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			f    coupon.RecordFilter
			want int
		}{
			{"All", coupon.RecordFilter{}, 4},
			{"Quota", coupon.RecordFilter{QuotaID: v.ID}, 3},
			{"QuotaType", coupon.RecordFilter{QuotaType: ptr(coupon.QuotaCash)}, 1},
			{"Coupons", coupon.RecordFilter{CouponIDs: []string{g[0].CouponID, g[1].CouponID}}, 3},
			{"Customer", coupon.RecordFilter{CustomerID: custs[1]}, 2},
			{"Types", coupon.RecordFilter{OperationTypes: []coupon.OperationType{coupon.OpManualReclaim, coupon.OpExpiryReclaim}}, 1},
			{"Operator", coupon.RecordFilter{Operator: f.sp.main.Name}, 4},
			{"OperatorOther", coupon.RecordFilter{Operator: "someone"}, 0},
			{"Before", coupon.RecordFilter{To: ptr(f.clock.Now())}, 0},
			{"Page", coupon.RecordFilter{Offset: 3, Limit: 10}, 4},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, total, err := f.svc.Records(ctx, f.sp.main, tc.f)
				if err != nil || total != tc.want {
					t.Fatalf("got %d (%v), want %d", total, err, tc.want)
				}
			})
		}
		if _, total, _ := f.svc.Records(ctx, f.sp2.main, coupon.RecordFilter{}); total != 0 {
			t.Fatal("sp2 reads sp's records")
		}
	})
}
