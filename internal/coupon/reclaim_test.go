package coupon_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

func TestReclaim(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		q := f.mustQuota(t, f.sp, coupon.QuotaVoucher, "100", coupon.Limits{})
		custs := f.mustCustomers(t, f.sp.p.ID, 4, customer.Reseller)
		got := f.mustIssue(t, f.sp.main, q, "20", custs...)
		if b := f.balance(t, q.ID); !b.Equal(amt("20")) {
			t.Fatalf("balance %s", b)
		}
		t.Run("OK", func(t *testing.T) {
			// 5.50 spent first: the reclaim takes the 14.50 left.
			wantErr(t, f.db.InTx(ctx, func(tx *sql.Tx) error { return f.svc.Spend(ctx, tx, got[0].CouponID, "order1", amt("5.50")) }), nil)
			n, err := f.svc.Reclaim(ctx, f.sp.main, got[0].CouponID, "")
			if err != nil || !n.Equal(amt("14.50")) {
				t.Fatalf("reclaim: %s %v", n, err)
			}
			if b := f.balance(t, q.ID); !b.Equal(amt("34.50")) {
				t.Fatalf("balance %s", b)
			}
			c, _, _ := f.svc.IssuedCoupon(ctx, f.sp.main, got[0].CouponID)
			if c.Status != coupon.CouponReclaimed || !c.Balance.IsZero() || !c.Reclaimed.Equal(amt("14.50")) || c.ReclaimedAt == nil {
				t.Fatalf("coupon %+v", c)
			}
			recs, _, _ := f.svc.Records(ctx, f.sp.main, coupon.RecordFilter{OperationTypes: []coupon.OperationType{coupon.OpManualReclaim}})
			if len(recs) != 1 || !recs[0].Amount.Equal(amt("14.50")) || recs[0].CouponID != got[0].CouponID {
				t.Fatalf("records %+v", recs)
			}
			f.mustVerify(t)
		})
		t.Run("ErrAlreadyReclaimed", func(t *testing.T) {
			_, err := f.svc.Reclaim(ctx, f.sp.main, got[0].CouponID, "")
			wantErr(t, err, coupon.ErrNotReclaimable)
		})
		t.Run("ErrReferral", func(t *testing.T) {
			f.exec(t, "UPDATE customer_associations SET type = 1 WHERE customer_id = $1", custs[1])
			_, err := f.svc.Reclaim(ctx, f.sp.main, got[1].CouponID, "")
			wantErr(t, err, coupon.ErrReclaimReferral)
		})
		t.Run("ErrExpired", func(t *testing.T) {
			now := f.clock.Now()
			f.clock.Set(q.ExpiresAt.Add(time.Second))
			defer f.clock.Set(now)
			_, err := f.svc.Reclaim(ctx, f.sp.main, got[2].CouponID, "")
			wantErr(t, err, coupon.ErrNotReclaimable)
		})
		t.Run("ErrLockedByOrder", func(t *testing.T) {
			wantErr(t, f.db.InTx(ctx, func(tx *sql.Tx) error { return f.svc.Lock(ctx, tx, got[3].CouponID, "order9") }), nil)
			_, err := f.svc.Reclaim(ctx, f.sp.main, got[3].CouponID, "")
			wantErr(t, err, coupon.ErrCouponNotUsable)
			wantErr(t, f.db.InTx(ctx, func(tx *sql.Tx) error { return f.svc.Unlock(ctx, tx, got[3].CouponID, "order9") }), nil)
		})
		t.Run("CrossTenant", func(t *testing.T) {
			_, err := f.svc.Reclaim(ctx, f.sp2.main, got[3].CouponID, "")
			wantErr(t, err, coupon.ErrCouponNotFound)
			_, err = f.svc.Reclaim(ctx, f.dist.main, got[3].CouponID, f.reseller.p.ID)
			wantErr(t, err, coupon.ErrCouponNotFound)
			a := f.sp.main
			a.Perms = map[string]bool{identity.PermCouponIssuedView: true}
			_, err = f.svc.Reclaim(ctx, a, got[3].CouponID, "")
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("QuotaInvalidLapses", func(t *testing.T) {
			wantErr(t, f.svc.SetQuotaStatus(ctx, f.op, q.ID, coupon.QuotaInvalid), nil)
			before := f.balance(t, q.ID)
			n, err := f.svc.Reclaim(ctx, f.sp.main, got[3].CouponID, "")
			if err != nil || !n.Equal(amt("20")) {
				t.Fatalf("reclaim: %s %v", n, err)
			}
			if b := f.balance(t, q.ID); !b.Equal(before) {
				t.Fatalf("an invalid quota took money back: %s → %s", before, b)
			}
			if f.count(t, "SELECT COUNT(*) FROM coupon_ledger WHERE account_id = $1 AND counterpart_id = 'cloud'", got[3].CouponID) != 1 {
				t.Fatal("the lapse is not in the ledger")
			}
			f.mustVerify(t)
		})
	})
}

func TestExpiry(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		q := f.mustQuota(t, f.sp, coupon.QuotaCash, "100", coupon.Limits{})
		custs := f.mustCustomers(t, f.sp.p.ID, 3, customer.Reseller)
		soon := f.clock.Now().Add(time.Hour)
		got, _, err := f.svc.Issue(ctx, f.sp.main, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: custs[:2],
			FaceValue: amt("30"), ExpiresAt: &soon})
		if err != nil {
			t.Fatal(err)
		}
		f.mustIssue(t, f.sp.main, q, "10", custs[2]) // expires with the quota
		wantErr(t, f.db.InTx(ctx, func(tx *sql.Tx) error { return f.svc.Spend(ctx, tx, got[0].CouponID, "o1", amt("30")) }), nil)
		if n, err := f.svc.ExpireCoupons(ctx); err != nil || n != 0 {
			t.Fatalf("nothing is expired yet: %d %v", n, err)
		}
		f.clock.Set(soon)
		n, err := f.svc.ExpireCoupons(ctx)
		if err != nil || n != 1 {
			t.Fatalf("expire: %d %v", n, err)
		}
		if b := f.balance(t, q.ID); !b.Equal(amt("60")) {
			t.Fatalf("balance %s, want 60.00 (30 back)", b)
		}
		c, _, _ := f.svc.IssuedCoupon(ctx, f.sp.main, got[1].CouponID)
		if c.Status != coupon.CouponExpired || !c.Reclaimed.Equal(amt("30")) {
			t.Fatalf("coupon %+v", c)
		}
		used, _, _ := f.svc.IssuedCoupon(ctx, f.sp.main, got[0].CouponID)
		if used.Status != coupon.CouponUsedUp {
			t.Fatalf("used-up coupon %+v", used)
		}
		recs, _, _ := f.svc.Records(ctx, f.sp.main, coupon.RecordFilter{OperationTypes: []coupon.OperationType{coupon.OpExpiryReclaim}})
		if len(recs) != 1 || recs[0].Operator != "system" || !recs[0].Amount.Equal(amt("30")) {
			t.Fatalf("records %+v", recs)
		}
		// Past the quota's end: the last coupon lapses, the quota turns invalid.
		f.clock.Set(q.ExpiresAt)
		if n, err := f.svc.ExpireCoupons(ctx); err != nil || n != 1 {
			t.Fatalf("expire: %d %v", n, err)
		}
		qq, _ := f.svc.Quota(ctx, f.sp.main, q.ID)
		if qq.Status != coupon.QuotaInvalid || !qq.Balance.Equal(amt("60")) {
			t.Fatalf("quota %+v", qq)
		}
		f.mustVerify(t)
	})
}

// TestReclaimRacingExpiry: a manual reclaim and the expiry job on the same
// expired-at-the-edge coupon take its balance once.
func TestReclaimRacingExpiry(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		q := f.mustQuota(t, f.sp, coupon.QuotaVoucher, "1000", coupon.Limits{})
		custs := f.mustCustomers(t, f.sp.p.ID, 20, customer.Reseller)
		end := f.clock.Now().Add(time.Hour)
		got, _, err := f.svc.Issue(ctx, f.sp.main, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: custs,
			FaceValue: amt("10"), ExpiresAt: &end})
		if err != nil || len(got) != 20 {
			t.Fatal(err)
		}
		// The reclaims run just before expiry by their own clock; the job at expiry.
		f.clock.Set(end.Add(-time.Nanosecond))
		var wg sync.WaitGroup
		var mu sync.Mutex
		reclaimed := 0
		for _, g := range got {
			wg.Add(1)
			go func(id string) {
				defer wg.Done()
				if _, err := f.svc.Reclaim(ctx, f.sp.main, id, ""); err == nil {
					mu.Lock()
					reclaimed++
					mu.Unlock()
				}
			}(g.CouponID)
		}
		expiry := coupon.NewService(coupon.Deps{DB: d, Clock: fixedClock(end), Identity: f.ident})
		expired, err := expiry.ExpireCoupons(ctx)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		// Whatever the job found still usable it expired; the rest were reclaimed.
		rest, _ := expiry.ExpireCoupons(ctx)
		if reclaimed+expired+rest != 20 {
			t.Fatalf("reclaimed %d + expired %d + %d ≠ 20", reclaimed, expired, rest)
		}
		if b := f.balance(t, q.ID); !b.Equal(amt("1000")) {
			t.Fatalf("balance %s, want every coupon's 10.00 back exactly once", b)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM coupon_records WHERE operation_type IN (2, 4)"); n != 20 {
			t.Fatalf("%d reclaim records, want 20", n)
		}
		f.mustVerify(t)
	})
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

func TestOnDisassociated(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		q := f.mustQuota(t, f.sp, coupon.QuotaVoucher, "100", coupon.Limits{})
		c := f.mustAssociated(t, f.sp)
		got := f.mustIssue(t, f.sp.main, q, "25", c.ID)
		f.mustIssue(t, f.sp.main, q, "5", c.ID)
		t.Run("Disassociate", func(t *testing.T) {
			r, err := f.customers.RequestDisassociationByCustomer(ctx, c.ID, "moving on")
			wantErr(t, err, nil)
			if _, err := f.customers.ApproveAssociationRequest(ctx, f.sp.main, r.ID); err != nil {
				t.Fatal(err)
			}
			if b := f.balance(t, q.ID); !b.Equal(amt("100")) {
				t.Fatalf("balance %s, want all back", b)
			}
			recs, _, _ := f.svc.Records(ctx, f.sp.main, coupon.RecordFilter{OperationTypes: []coupon.OperationType{coupon.OpUnbindReclaim}})
			if len(recs) != 2 || recs[0].Operator != "system" || recs[0].Remark != "disassociate" {
				t.Fatalf("records %+v", recs)
			}
			if _, _, err := f.svc.CustomerCoupon(ctx, c.ID, got[0].CouponID); err == nil {
				t.Fatal("the customer still sees a reclaimed coupon")
			}
		})
		t.Run("SwitchType", func(t *testing.T) {
			other := f.mustCustomers(t, f.sp.p.ID, 1, customer.Reseller)
			g := f.mustIssue(t, f.sp.main, q, "8", other[0])
			// Another partner's coupons of the same customer are not touched.
			q2 := f.mustQuota(t, f.sp2, coupon.QuotaVoucher, "10", coupon.Limits{})
			f.exec(t, "UPDATE customer_associations SET partner_id = $1 WHERE customer_id = $2", f.sp2.p.ID, other[0])
			g2 := f.mustIssue(t, f.sp2.main, q2, "3", other[0])
			wantErr(t, f.db.InTx(ctx, func(tx *sql.Tx) error {
				return f.svc.OnDisassociated(ctx, tx, other[0], f.sp.p.ID, "switch_type")
			}), nil)
			k, _, _ := f.svc.IssuedCoupon(ctx, f.sp.main, g[0].CouponID)
			k2, _, _ := f.svc.IssuedCoupon(ctx, f.sp2.main, g2[0].CouponID)
			if k.Status != coupon.CouponReclaimed || k2.Status != coupon.CouponUsable {
				t.Fatalf("statuses %d %d", k.Status, k2.Status)
			}
			recs, _, _ := f.svc.Records(ctx, f.sp.main, coupon.RecordFilter{OperationTypes: []coupon.OperationType{coupon.OpSwitchReclaim}})
			if len(recs) != 1 || recs[0].CouponID != g[0].CouponID {
				t.Fatalf("records %+v", recs)
			}
			// Idempotent.
			wantErr(t, f.db.InTx(ctx, func(tx *sql.Tx) error {
				return f.svc.OnDisassociated(ctx, tx, other[0], f.sp.p.ID, "switch_type")
			}), nil)
		})
		f.mustVerify(t)
	})
}
