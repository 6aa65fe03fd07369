package coupon_test

import (
	"context"
	"testing"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

func TestResellerQuotas(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		limits := coupon.Limits{ServiceTypes: []string{"ecs"}, MinOrder: amt("5")}
		parent := f.mustQuota(t, f.dist, coupon.QuotaVoucher, "1000", limits)
		reseller2 := f.mustTenant(t, identity.CloudReseller, f.dist.p.ID)
		otherDist := f.mustTenant(t, identity.Distributor, "")
		foreign := f.mustTenant(t, identity.CloudReseller, otherDist.p.ID)

		got, bad, err := f.svc.IssueQuotaToResellers(ctx, f.dist.main, parent.ID,
			[]string{f.reseller.p.ID, reseller2.p.ID, foreign.p.ID}, amt("200"))
		if err != nil || len(got) != 2 {
			t.Fatalf("issue quotas: %+v %v", got, err)
		}
		wantItems(t, bad, map[string]string{foreign.p.ID: "CBC.99000037"})
		if b := f.balance(t, parent.ID); !b.Equal(amt("600")) {
			t.Fatalf("parent balance %s", b)
		}
		child, err := f.svc.Quota(ctx, f.reseller.main, got[0].QuotaID)
		if err != nil || child.ParentQuotaID != parent.ID || !child.Value.Equal(amt("200")) ||
			!child.ExpiresAt.Equal(parent.ExpiresAt) || len(child.Limits.ServiceTypes) != 1 || child.Type != parent.Type {
			t.Fatalf("child %+v %v", child, err)
		}
		t.Run("Errors", func(t *testing.T) {
			_, _, err := f.svc.IssueQuotaToResellers(ctx, f.dist.main, parent.ID, []string{f.reseller.p.ID}, amt("600.01"))
			wantErr(t, err, coupon.ErrBalance)
			_, _, err = f.svc.IssueQuotaToResellers(ctx, f.dist.main, parent.ID, []string{f.reseller.p.ID}, amt("0"))
			wantParam(t, err, "quota_amount")
			_, _, err = f.svc.IssueQuotaToResellers(ctx, f.sp.main, parent.ID, []string{f.reseller.p.ID}, amt("1"))
			wantErr(t, err, coupon.ErrNotDistributor)
			_, _, err = f.svc.IssueQuotaToResellers(ctx, otherDist.main, parent.ID, []string{foreign.p.ID}, amt("1"))
			wantErr(t, err, coupon.ErrQuotaNotFound)
			wantErr(t, f.svc.SetQuotaStatus(ctx, f.op, parent.ID, coupon.QuotaFrozen), nil)
			_, _, err = f.svc.IssueQuotaToResellers(ctx, f.dist.main, parent.ID, []string{f.reseller.p.ID}, amt("1"))
			wantErr(t, err, coupon.ErrQuotaNotIssuable)
			wantErr(t, f.svc.SetQuotaStatus(ctx, f.op, parent.ID, coupon.QuotaNormal), nil)
		})
		// The reseller issues from its child quota like any partner.
		rc := f.mustCustomers(t, f.reseller.p.ID, 2, customer.Reseller)
		f.mustIssue(t, f.reseller.main, child, "50", rc...)
		if b := f.balance(t, child.ID); !b.Equal(amt("100")) {
			t.Fatalf("child balance %s", b)
		}

		list, total, err := f.svc.ListIssuedQuotas(ctx, f.dist.main, coupon.IssuedQuotaFilter{})
		if err != nil || total != 2 || list[0].PartnerName == "" || list[0].PartnerAccountName == "" {
			t.Fatalf("issued quotas %+v %d %v", list, total, err)
		}
		list, total, _ = f.svc.ListIssuedQuotas(ctx, f.dist.main, coupon.IssuedQuotaFilter{IndirectPartnerID: reseller2.p.ID})
		if total != 1 || list[0].PartnerID != reseller2.p.ID {
			t.Fatalf("by reseller %+v", list)
		}
		if _, total, _ := f.svc.ListIssuedQuotas(ctx, f.dist.main, coupon.IssuedQuotaFilter{ParentQuotaID: ptr("")}); total != 0 {
			t.Fatalf("empty parent filter matched %d", total)
		}
		if _, total, _ := f.svc.ListIssuedQuotas(ctx, otherDist.main, coupon.IssuedQuotaFilter{}); total != 0 {
			t.Fatal("another distributor sees these reseller quotas")
		}
		// The distributor reads its reseller's quotas through indirect_partner_id.
		rq, total, err := f.svc.ListQuotas(ctx, f.dist.main, coupon.QuotaFilter{IndirectPartnerID: f.reseller.p.ID})
		if err != nil || total != 1 || rq[0].ID != child.ID {
			t.Fatalf("indirect quotas %+v %v", rq, err)
		}

		back, bad, err := f.svc.ReclaimResellerQuotas(ctx, f.dist.main, []string{child.ID, parent.ID, "missing"}, "season over")
		if err != nil || len(back) != 1 || !back[0].Balance.Equal(amt("100")) {
			t.Fatalf("reclaim %+v %v", back, err)
		}
		wantItems(t, bad, map[string]string{parent.ID: "CBC.99000012", "missing": "CBC.99000012"})
		if b := f.balance(t, parent.ID); !b.Equal(amt("700")) {
			t.Fatalf("parent balance %s", b)
		}
		child, _ = f.svc.Quota(ctx, f.reseller.main, child.ID)
		if child.Status != coupon.QuotaReclaimed || !child.Balance.IsZero() {
			t.Fatalf("child after reclaim %+v", child)
		}
		_, bad, _ = f.svc.ReclaimResellerQuotas(ctx, f.dist.main, []string{child.ID}, "")
		wantItems(t, bad, map[string]string{child.ID: "CBC.99000012"})
		_, bad, _ = f.svc.ReclaimResellerQuotas(ctx, otherDist.main, []string{got[1].QuotaID}, "")
		wantItems(t, bad, map[string]string{got[1].QuotaID: "CBC.99000012"})
		// A reclaimed quota cannot issue.
		_, _, err = f.svc.Issue(ctx, f.reseller.main, coupon.IssueRequest{QuotaID: child.ID, CustomerIDs: rc, FaceValue: amt("1")})
		wantErr(t, err, coupon.ErrQuotaStatus)
		// Coupons from it reclaimed later lapse: the quota no longer takes money.
		issued, _, _ := f.svc.ListIssued(ctx, f.reseller.main, coupon.CouponFilter{})
		if _, err := f.svc.Reclaim(ctx, f.reseller.main, issued[0].ID, ""); err != nil {
			t.Fatal(err)
		}

		recs, total, err := f.svc.QuotaRecords(ctx, f.dist.main, coupon.QuotaRecordFilter{})
		if err != nil || total != 3 {
			t.Fatalf("quota records %+v %d %v", recs, total, err)
		}
		if recs[0].OperationType != coupon.OpQuotaReclaim || recs[0].Remark != "season over" ||
			!recs[0].Amount.Equal(amt("100")) || recs[0].ResellerAccountName != f.reseller.p.DomainName {
			t.Fatalf("newest record %+v", recs[0])
		}
		recs, total, _ = f.svc.QuotaRecords(ctx, f.dist.main, coupon.QuotaRecordFilter{OperationType: ptr(coupon.OpQuotaIssue),
			IndirectPartnerID: reseller2.p.ID})
		if total != 1 || recs[0].ParentQuotaID != parent.ID {
			t.Fatalf("filtered records %+v", recs)
		}
		if _, total, _ := f.svc.QuotaRecords(ctx, otherDist.main, coupon.QuotaRecordFilter{}); total != 0 {
			t.Fatal("another distributor reads these records")
		}
		_, _, err = f.svc.QuotaRecords(ctx, f.reseller.main, coupon.QuotaRecordFilter{})
		wantErr(t, err, coupon.ErrNotDistributor)
		f.mustVerify(t)
	})
}
