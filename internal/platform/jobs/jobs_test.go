package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/jobs"
)

type pingArgs struct{ N int }

func (pingArgs) Kind() string { return "test.ping" }

type pingWorker struct {
	river.WorkerDefaults[pingArgs]
	ran *atomic.Int64
}

func (w *pingWorker) Work(ctx context.Context, j *river.Job[pingArgs]) error {
	w.ran.Add(int64(j.Args.N))
	return nil
}

func TestInsertTx(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var ran atomic.Int64
		workers := river.NewWorkers()
		river.AddWorker(workers, &pingWorker{ran: &ran})
		q, err := jobs.New(d, jobs.Config{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		events, cancel := q.Subscribe(river.EventKindJobCompleted)
		defer cancel()
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)

		rollback := errors.New("rollback")
		err = d.InTx(ctx, func(tx *sql.Tx) error {
			if err := q.InsertTx(ctx, tx, pingArgs{N: 100}, nil); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("got %v, want rollback", err)
		}
		if err := d.InTx(ctx, func(tx *sql.Tx) error {
			return q.InsertTx(ctx, tx, pingArgs{N: 1}, nil)
		}); err != nil {
			t.Fatal(err)
		}
		select {
		case ev := <-events:
			if ev.Job.Kind != "test.ping" {
				t.Fatalf("got kind %s", ev.Job.Kind)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("committed job did not run")
		}
		if got, want := ran.Load(), int64(1); got != want {
			t.Fatalf("ran sum %d, want %d (the rolled-back job must never run)", got, want)
		}
		var n int
		if err := d.SQL.QueryRow("SELECT COUNT(*) FROM river_job").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if got, want := n, 1; got != want {
			t.Fatalf("river_job rows %d, want %d", got, want)
		}
	}, jobs.Migrate)
}
