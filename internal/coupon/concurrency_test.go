package coupon_test

import (
	"context"
	"sync"
	"testing"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/platform/db"
)

// TestIssueConcurrent: 50 goroutines issue 2 coupons each from one quota
// whose balance covers 37 coupons; exactly 37 are issued, the quota ends at
// its remainder, never below zero, and the ledger verifies.
func TestIssueConcurrent(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		q := f.mustQuota(t, f.sp, coupon.QuotaVoucher, "375.50", coupon.Limits{})
		custs := f.mustCustomers(t, f.sp.p.ID, 100, customer.Reseller)
		var wg sync.WaitGroup
		var mu sync.Mutex
		issued, short := 0, 0
		for i := range 50 {
			wg.Add(1)
			go func(pair []string) {
				defer wg.Done()
				got, bad, err := f.svc.Issue(ctx, f.sp.main, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: pair,
					FaceValue: amt("10")})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				issued += len(got)
				short += len(bad)
				mu.Unlock()
			}(custs[2*i : 2*i+2])
		}
		wg.Wait()
		if issued != 37 || short != 63 {
			t.Fatalf("issued %d, refused %d; want 37 and 63", issued, short)
		}
		if b := f.balance(t, q.ID); !b.Equal(amt("5.50")) {
			t.Fatalf("balance %s, want 5.50", b)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM coupons WHERE quota_id = $1", q.ID); n != 37 {
			t.Fatalf("%d coupons", n)
		}
		rep := f.mustVerify(t)
		if rep.Coupons != 37 || rep.Quotas != 1 || rep.Entries != 1+2*37 {
			t.Fatalf("report %+v", rep)
		}
	})
}

// TestVerifyLedgerFindsProblems: tampered books are reported.
func TestVerifyLedgerFindsProblems(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		q := f.mustQuota(t, f.sp, coupon.QuotaVoucher, "100", coupon.Limits{})
		custs := f.mustCustomers(t, f.sp.p.ID, 1, customer.Reseller)
		got := f.mustIssue(t, f.sp.main, q, "10", custs...)
		f.mustVerify(t)
		f.exec(t, "UPDATE coupon_quotas SET balance = balance + 100 WHERE id = $1", q.ID)
		f.exec(t, "UPDATE coupons SET used = 100 WHERE id = $1", got[0].CouponID)
		rep, err := f.svc.VerifyLedger(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) < 3 {
			t.Fatalf("problems %q", rep.Problems)
		}
	})
}
