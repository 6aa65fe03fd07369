package coupon_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/jobs"
)

// TestExpiryJob: the periodic job, declared by PeriodicJobs and worked by
// the worker Register adds, expires coupons when the queue runs it.
func TestExpiryJob(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		q := f.mustQuota(t, f.sp, coupon.QuotaVoucher, "50", coupon.Limits{})
		custs := f.mustCustomers(t, f.sp.p.ID, 1, customer.Reseller)
		end := f.clock.Now().Add(time.Minute)
		got, _, err := f.svc.Issue(ctx, f.sp.main, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: custs,
			FaceValue: amt("20"), ExpiresAt: &end})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Set(end)
		workers := river.NewWorkers()
		f.svc.Register(workers)
		queue, err := jobs.New(d, jobs.Config{Workers: workers, Periodic: coupon.PeriodicJobs(), PollInterval: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		events, cancel := queue.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
		defer cancel()
		if err := queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = queue.Stop(context.Background()) }()
		select {
		case ev := <-events:
			if ev.Kind != river.EventKindJobCompleted || ev.Job.Kind != "coupon.expire" {
				t.Fatalf("event %s of %s: %v", ev.Kind, ev.Job.Kind, ev.Job.Errors)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the expiry job did not run")
		}
		k, _, _ := f.svc.IssuedCoupon(ctx, f.sp.main, got[0].CouponID)
		if k.Status != coupon.CouponExpired || !f.balance(t, q.ID).Equal(amt("50")) {
			t.Fatalf("coupon %+v, quota balance %s", k, f.balance(t, q.ID))
		}
		f.mustVerify(t)
	})
}
