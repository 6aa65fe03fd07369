package coupon_test

import (
	"context"
	"testing"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/jobs"
)

// BenchmarkIssue100 issues 100 coupons per call (CreatePartnerCoupons' cap)
// and reports coupons per second on each database; the ledger must verify
// after. Run: go test ./internal/coupon/ -run '^$' -bench Issue100
func BenchmarkIssue100(b *testing.B) {
	for _, dialect := range dbtest.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			d := dbtest.Open(b, dialect, jobs.Migrate)
			benchIssue(b, d)
		})
	}
}

func benchIssue(b *testing.B, d *db.DB) {
	f := mustFixture(b, d)
	ctx := context.Background()
	q := f.mustQuota(b, f.sp, coupon.QuotaVoucher, "100000000", coupon.Limits{})
	custs := f.mustCustomers(b, f.sp.p.ID, 100, customer.Reseller)
	req := coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: custs, FaceValue: amt("1.00")}
	b.ResetTimer()
	for b.Loop() {
		got, bad, err := f.svc.Issue(ctx, f.sp.main, req)
		if err != nil || len(bad) > 0 || len(got) != 100 {
			b.Fatalf("issue: %d %v %v", len(got), bad, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "coupons/s")
	f.mustVerify(b)
}
