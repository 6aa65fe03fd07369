package coupon_test

import (
	"context"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

func TestIssue(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		limits := coupon.Limits{ServiceTypes: []string{"ecs", "rds", "obs"}, ProductIDs: []string{"p1", "p2"},
			OrderTypes: []coupon.OrderType{coupon.OrderNew}, MinOrder: amt("10")}
		q := f.mustQuota(t, f.sp, coupon.QuotaVoucher, "250", limits)
		custs := f.mustCustomers(t, f.sp.p.ID, 3, customer.Reseller)
		real := f.mustAssociated(t, f.sp)

		t.Run("OK", func(t *testing.T) {
			got, bad, err := f.svc.Issue(ctx, f.sp.main, coupon.IssueRequest{QuotaID: q.ID,
				CustomerIDs: []string{custs[0], real.ID, custs[0]}, FaceValue: amt("50.25"),
				ServiceTypes: []string{"ecs", "rds"}, MinOrder: ptr(amt("20")), Remark: ptr("for spring"), MaxCustomers: 10})
			if err != nil || len(bad) != 0 || len(got) != 2 {
				t.Fatalf("issue: %v %v %v", got, bad, err)
			}
			if got[0].CustomerID != custs[0] || got[1].CustomerID != real.ID {
				t.Fatalf("order: %+v", got)
			}
			if b := f.balance(t, q.ID); !b.Equal(amt("149.50")) {
				t.Fatalf("balance %s, want 149.50", b)
			}
			c, usage, err := f.svc.IssuedCoupon(ctx, f.sp.main, got[0].CouponID)
			if err != nil || len(usage) != 0 {
				t.Fatal(err)
			}
			if c.Type != coupon.CouponVoucher || c.Status != coupon.CouponUsable || !c.Balance.Equal(amt("50.25")) ||
				len(c.Limits.ServiceTypes) != 2 || len(c.Limits.ProductIDs) != 2 || !c.Limits.MinOrder.Equal(amt("20")) ||
				c.Remark != "for spring" || !c.ExpiresAt.Equal(q.ExpiresAt) || !c.EffectiveAt.Equal(q.EffectiveAt) {
				t.Fatalf("coupon %+v", c)
			}
			recs, total, err := f.svc.Records(ctx, f.sp.main, coupon.RecordFilter{OperationTypes: []coupon.OperationType{coupon.OpIssue}})
			if err != nil || total != 2 || !recs[0].Succeeded || !recs[0].Amount.Equal(amt("50.25")) || recs[0].Remark != "for spring" {
				t.Fatalf("records %+v %d %v", recs, total, err)
			}
			f.mustVerify(t)
		})
		t.Run("PartialBalance", func(t *testing.T) {
			// 149.50 left: two of three 60.00 coupons fit.
			extra := f.mustCustomers(t, f.sp.p.ID, 1, customer.Reseller)
			referral := f.mustCustomers(t, f.sp.p.ID, 1, customer.Referral)
			others := f.mustCustomers(t, f.sp2.p.ID, 1, customer.Reseller)
			req := []string{custs[1], referral[0], custs[2], others[0], extra[0]}
			got, bad, err := f.svc.Issue(ctx, f.sp.main, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: req, FaceValue: amt("60")})
			if err != nil || len(got) != 2 || got[0].CustomerID != custs[1] || got[1].CustomerID != custs[2] {
				t.Fatalf("issue: %+v %v", got, err)
			}
			wantItems(t, bad, map[string]string{referral[0]: "CBC.99000014", others[0]: "CBC.99000035",
				extra[0]: "CBC.99000013"})
			if b := f.balance(t, q.ID); !b.Equal(amt("29.50")) {
				t.Fatalf("balance %s", b)
			}
			failed, _, _ := f.svc.Records(ctx, f.sp.main, coupon.RecordFilter{Succeeded: ptr(false)})
			if len(failed) != 1 || failed[0].CustomerID != extra[0] {
				t.Fatalf("failed records %+v", failed)
			}
			_, bad, err = f.svc.Issue(ctx, f.sp.main, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: extra, FaceValue: amt("29.51")})
			if err != nil {
				t.Fatal(err)
			}
			wantItems(t, bad, map[string]string{extra[0]: "CBC.99000013"})
			f.mustVerify(t)
		})

		fresh := f.mustQuota(t, f.sp, coupon.QuotaVoucher, "1000", limits)
		issue := func(edit func(*coupon.IssueRequest)) error {
			in := coupon.IssueRequest{QuotaID: fresh.ID, CustomerIDs: custs[:1], FaceValue: amt("1")}
			edit(&in)
			_, _, err := f.svc.Issue(ctx, f.sp.main, in)
			return err
		}
		t.Run("ErrParams", func(t *testing.T) {
			many := make([]string, 11)
			for i := range many {
				many[i] = custs[0]
			}
			wantParam(t, issue(func(r *coupon.IssueRequest) { r.CustomerIDs = many; r.MaxCustomers = 10 }), "customer_ids")
			wantParam(t, issue(func(r *coupon.IssueRequest) { r.CustomerIDs = make([]string, 101) }), "customer_ids")
			wantParam(t, issue(func(r *coupon.IssueRequest) { r.CustomerIDs = nil }), "customer_ids")
			wantParam(t, issue(func(r *coupon.IssueRequest) { r.FaceValue = amt("0") }), "face_value")
			wantParam(t, issue(func(r *coupon.IssueRequest) { r.ExpiresAt = ptr(fresh.ExpiresAt.Add(time.Second)) }), "expire_time")
			wantParam(t, issue(func(r *coupon.IssueRequest) { r.ValidFrom = ptr(fresh.EffectiveAt.Add(-time.Second)) }), "valid_time")
			wantParam(t, issue(func(r *coupon.IssueRequest) { r.ExpiresAt = ptr(f.clock.Now()) }), "expire_time")
		})
		t.Run("ErrLimitsOutside", func(t *testing.T) {
			wantErr(t, issue(func(r *coupon.IssueRequest) { r.ServiceTypes = []string{"ecs", "cdn"} }), coupon.ErrLimitsOutside)
			wantErr(t, issue(func(r *coupon.IssueRequest) { r.ProductIDs = []string{"p3"} }), coupon.ErrLimitsOutside)
			wantErr(t, issue(func(r *coupon.IssueRequest) { r.MinOrder = ptr(amt("9.99")) }), coupon.ErrLimitsOutside)
		})
		t.Run("ErrQuotaNotFound", func(t *testing.T) {
			wantErr(t, issue(func(r *coupon.IssueRequest) { r.QuotaID = "missing" }), coupon.ErrQuotaNotFound)
		})
		t.Run("ErrQuotaStatus", func(t *testing.T) {
			wantErr(t, f.svc.SetQuotaStatus(ctx, f.op, fresh.ID, coupon.QuotaAdjusting), nil)
			wantErr(t, issue(func(*coupon.IssueRequest) {}), coupon.ErrQuotaStatus)
			wantErr(t, f.svc.SetQuotaStatus(ctx, f.op, fresh.ID, coupon.QuotaNormal), nil)
		})
		t.Run("ErrNotEffective", func(t *testing.T) {
			now := f.clock.Now()
			later, err := f.svc.GrantQuota(ctx, f.op, coupon.NewQuota{PartnerID: f.sp.p.ID, Value: amt("10"),
				EffectiveAt: now.Add(time.Hour), ExpiresAt: now.Add(48 * time.Hour)})
			wantErr(t, err, nil)
			wantErr(t, issue(func(r *coupon.IssueRequest) { r.QuotaID = later.ID }), coupon.ErrQuotaNotEffective)
			f.clock.Set(fresh.ExpiresAt)
			defer f.clock.Set(now)
			wantErr(t, issue(func(*coupon.IssueRequest) {}), coupon.ErrQuotaNotEffective)
		})
		t.Run("ErrPermission", func(t *testing.T) {
			a := f.sp.main
			a.Perms = map[string]bool{identity.PermCashCouponIssue: true}
			_, _, err := f.svc.Issue(ctx, a, coupon.IssueRequest{QuotaID: fresh.ID, CustomerIDs: custs[:1], FaceValue: amt("1")})
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("ErrOutOfScope", func(t *testing.T) {
			a := f.sp.main
			a.Scope = identity.Scope{Kind: identity.ScopeOwn, ManagerIDs: []string{"nobody"}}
			_, bad, err := f.svc.Issue(ctx, a, coupon.IssueRequest{QuotaID: fresh.ID, CustomerIDs: custs[:1], FaceValue: amt("1")})
			wantErr(t, err, nil)
			wantItems(t, bad, map[string]string{custs[0]: "CBC.99000000"})
		})
		t.Run("ErrRestrictedPartner", func(t *testing.T) {
			f.exec(t, "UPDATE partners SET status = 'restricted' WHERE id = $1", f.sp.p.ID)
			defer f.exec(t, "UPDATE partners SET status = 'normal' WHERE id = $1", f.sp.p.ID)
			wantErr(t, issue(func(*coupon.IssueRequest) {}), customer.ErrPartnerRestricted)
		})
		t.Run("CashCoupon", func(t *testing.T) {
			cash := f.mustQuota(t, f.sp, coupon.QuotaCash, "100", coupon.Limits{MaxOrderShare: 20})
			got := f.mustIssue(t, f.sp.main, cash, "10", custs[1])
			c, _, err := f.svc.IssuedCoupon(ctx, f.sp.main, got[0].CouponID)
			if err != nil || c.Type != coupon.CouponCash || c.Limits.MaxOrderShare != 20 {
				t.Fatalf("cash coupon %+v %v", c, err)
			}
		})
		t.Run("CrossTenant", func(t *testing.T) {
			_, _, err := f.svc.Issue(ctx, f.sp2.main, coupon.IssueRequest{QuotaID: fresh.ID, CustomerIDs: custs[:1], FaceValue: amt("1")})
			wantErr(t, err, coupon.ErrQuotaNotFound)
			own := f.mustQuota(t, f.sp2, coupon.QuotaVoucher, "10", coupon.Limits{})
			_, bad, err := f.svc.Issue(ctx, f.sp2.main, coupon.IssueRequest{QuotaID: own.ID, CustomerIDs: custs[:1], FaceValue: amt("1")})
			wantErr(t, err, nil)
			wantItems(t, bad, map[string]string{custs[0]: "CBC.99000035"})
			list, total, _ := f.svc.ListIssued(ctx, f.sp2.main, coupon.CouponFilter{CustomerID: custs[0]})
			if total != 0 || len(list) != 0 {
				t.Fatalf("sp2 sees sp's coupons: %+v", list)
			}
			mine, _, _ := f.svc.ListIssued(ctx, f.sp.main, coupon.CouponFilter{CustomerID: custs[0]})
			if len(mine) == 0 {
				t.Fatal("sp sees none of its coupons")
			}
			if _, _, err := f.svc.IssuedCoupon(ctx, f.sp2.main, mine[0].ID); err == nil {
				t.Fatal("sp2 read sp's coupon")
			}
		})
		f.mustVerify(t)
	})
}

func TestIssueIndirect(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		parent := f.mustQuota(t, f.dist, coupon.QuotaVoucher, "1000", coupon.Limits{})
		issued, bad, err := f.svc.IssueQuotaToResellers(ctx, f.dist.main, parent.ID, []string{f.reseller.p.ID}, amt("100"))
		if err != nil || len(bad) != 0 {
			t.Fatal(err, bad)
		}
		child := issued[0].QuotaID
		rc := f.mustCustomers(t, f.reseller.p.ID, 1, customer.Reseller)
		dc := f.mustCustomers(t, f.dist.p.ID, 1, customer.Reseller)
		// The distributor issues from the reseller's quota to the reseller's customer.
		got, bad, err := f.svc.Issue(ctx, f.dist.main, coupon.IssueRequest{QuotaID: child, CustomerIDs: []string{rc[0], dc[0]},
			FaceValue: amt("5"), IndirectPartnerID: f.reseller.p.ID})
		if err != nil || len(got) != 1 || got[0].CustomerID != rc[0] {
			t.Fatalf("indirect issue: %+v %v", got, err)
		}
		wantItems(t, bad, map[string]string{dc[0]: "CBC.99000035"})
		// Not from its own quota with the reseller named.
		_, _, err = f.svc.Issue(ctx, f.dist.main, coupon.IssueRequest{QuotaID: parent.ID, CustomerIDs: rc,
			FaceValue: amt("5"), IndirectPartnerID: f.reseller.p.ID})
		wantErr(t, err, coupon.ErrQuotaNotFound)
		// Another partner is no reseller of its.
		_, _, err = f.svc.Issue(ctx, f.dist.main, coupon.IssueRequest{QuotaID: child, CustomerIDs: rc,
			FaceValue: amt("5"), IndirectPartnerID: f.sp.p.ID})
		wantErr(t, err, coupon.ErrNotYourReseller)
		// The reseller issues from its child quota itself.
		f.mustIssue(t, f.reseller.main, coupon.Quota{ID: child}, "7", rc[0])
		list, total, err := f.svc.ListIssued(ctx, f.dist.main, coupon.CouponFilter{IndirectPartnerID: f.reseller.p.ID})
		if err != nil || total != 2 || len(list) != 2 {
			t.Fatalf("distributor's view of its reseller's coupons: %d %v", total, err)
		}
		if b := f.balance(t, child); !b.Equal(amt("88")) {
			t.Fatalf("child balance %s", b)
		}
		f.mustVerify(t)
	})
}
