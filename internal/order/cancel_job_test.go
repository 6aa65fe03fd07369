package order_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/order"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/jobs"
)

// TestCancelOverdueJob: the periodic job, declared by PeriodicJobs and
// worked by the worker Register adds, cancels an order past its payment
// deadline when the queue runs it.
func TestCancelOverdueJob(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.mustCustomer(t, f.sp.p.ID)
		o := f.mustPlace(t, c, vm("s2.small.1.linux", order.PeriodMonth, 1, 1))
		f.clock.Set(o.PaymentDeadline)
		workers := river.NewWorkers()
		f.svc.Register(workers)
		queue, err := jobs.New(d, jobs.Config{Workers: workers, Periodic: order.PeriodicJobs(), PollInterval: 100 * time.Millisecond})
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
			if ev.Kind != river.EventKindJobCompleted || ev.Job.Kind != "order.cancel_overdue" {
				t.Fatalf("event %s of %s: %v", ev.Kind, ev.Job.Kind, ev.Job.Errors)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the deadline job did not run")
		}
		got, err := f.svc.Get(ctx, order.CustomerViewer(c), o.ID, "")
		if err != nil || got.Status != order.StatusCancelled {
			t.Fatalf("order %+v %v", got, err)
		}
	})
}
