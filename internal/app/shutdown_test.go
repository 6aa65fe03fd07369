package app_test

import (
	"context"
	"database/sql"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/app"
	"partnercenter/internal/platform/db"
)

type slowArgs struct{}

func (slowArgs) Kind() string { return "test.slow" }

type slowWorker struct {
	river.WorkerDefaults[slowArgs]
	started  chan struct{}
	finished *atomic.Bool
}

func (w *slowWorker) Work(ctx context.Context, _ *river.Job[slowArgs]) error {
	close(w.started)
	time.Sleep(700 * time.Millisecond) // work that ignores cancellation
	w.finished.Store(true)
	return nil
}

// TestShutdownFinishesRunningJobs checks the graceful stop: a job already
// running completes before Shutdown returns, and the listener is closed.
func TestShutdownFinishesRunningJobs(t *testing.T) {
	var finished atomic.Bool
	w := &slowWorker{started: make(chan struct{}), finished: &finished}
	a := mustStart(t, testConfig(t, db.SQLite), app.WithJobs(func(ws *river.Workers) { river.AddWorker(ws, w) }))
	ctx := context.Background()
	if err := a.DB.InTx(ctx, func(tx *sql.Tx) error { return a.Queue.InsertTx(ctx, tx, slowArgs{}, nil) }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.started:
	case <-time.After(10 * time.Second):
		t.Fatal("job did not start")
	}
	url := a.URL()
	if err := a.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if !finished.Load() {
		t.Fatal("shutdown returned before the running job finished")
	}
	if _, err := (&http.Client{Timeout: time.Second}).Get(url + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}
