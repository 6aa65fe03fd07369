package app_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/app"
	"partnercenter/internal/platform/db"
)

// countArgs is a test job whose runs are counted per id.
type countArgs struct {
	ID int `json:"id"`
}

func (countArgs) Kind() string { return "test.count" }

type countWorker struct {
	river.WorkerDefaults[countArgs]
	runs *sync.Map // id → *atomic.Int64
}

func (w *countWorker) Work(ctx context.Context, j *river.Job[countArgs]) error {
	n, _ := w.runs.LoadOrStore(j.Args.ID, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
	return nil
}

type tickArgs struct{}

func (tickArgs) Kind() string { return "test.tick" }

type tickWorker struct {
	river.WorkerDefaults[tickArgs]
	ticks *atomic.Int64
}

func (w *tickWorker) Work(context.Context, *river.Job[tickArgs]) error {
	w.ticks.Add(1)
	return nil
}

// TestTwoNodes runs two nodes on one PostgreSQL, as behind a load balancer.
func TestTwoNodes(t *testing.T) {
	cfg := testConfig(t, db.Postgres)
	runs := &sync.Map{}
	var ticks atomic.Int64
	const period = time.Second
	jobsOpt := func() app.Option {
		return app.WithJobs(func(w *river.Workers) {
			river.AddWorker(w, &countWorker{runs: runs})
			river.AddWorker(w, &tickWorker{ticks: &ticks})
		}, river.NewPeriodicJob(river.PeriodicInterval(period),
			func() (river.JobArgs, *river.InsertOpts) { return tickArgs{}, nil },
			&river.PeriodicJobOpts{ID: "test.tick"}))
	}
	cfgA, cfgB := cfg, cfg
	cfgB.DataDir = t.TempDir()
	a := mustStart(t, cfgA, jobsOpt())
	b := mustStart(t, cfgB, jobsOpt())
	started := time.Now()
	ctx := context.Background()
	demo, err := a.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sp := demo.Partners[0]

	t.Run("SessionFromOneNodeValidOnOther", func(t *testing.T) {
		c := noRedirectClient(t)
		// The form (and its CSRF token) comes from A, the post goes to B.
		signIn(t, c, a.URL(), b.URL(), sp.Admin.Username, sp.Admin.Password)
		resp, body := get(t, c, b.URL()+"/")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, sp.PartnerID) {
			t.Fatalf("node B: status %d, home page without partner id", resp.StatusCode)
		}
		resp, body = get(t, c, a.URL()+"/")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, sp.PartnerID) {
			t.Fatalf("node A: status %d, home page without partner id", resp.StatusCode)
		}
	})

	t.Run("JobRunsExactlyOnce", func(t *testing.T) {
		const n = 40
		for i := range n {
			node := a
			if i%2 == 1 {
				node = b
			}
			if err := node.DB.InTx(ctx, func(tx *sql.Tx) error {
				return node.Queue.InsertTx(ctx, tx, countArgs{ID: i}, nil)
			}); err != nil {
				t.Fatal(err)
			}
		}
		waitFor(t, 20*time.Second, func() bool {
			var done int
			err := a.DB.SQL.QueryRow("SELECT COUNT(*) FROM river_job WHERE kind = 'test.count' AND state = 'completed'").Scan(&done)
			return err == nil && done == n
		})
		for i := range n {
			v, ok := runs.Load(i)
			if !ok {
				t.Fatalf("job %d never ran", i)
			}
			if got := v.(*atomic.Int64).Load(); got != 1 {
				t.Errorf("job %d ran %d times, want 1", i, got)
			}
		}
		var nodes int
		if err := a.DB.SQL.QueryRow(`SELECT COUNT(DISTINCT attempted_by[1]) FROM river_job WHERE kind = 'test.count'`).Scan(&nodes); err != nil {
			t.Fatal(err)
		}
		t.Logf("jobs were worked by %d node(s)", nodes)
	})

	t.Run("PeriodicJobOncePerPeriod", func(t *testing.T) {
		// Let a few periods pass; a periodic job enqueued by both nodes would
		// run about twice per period.
		time.Sleep(max(0, 5*period-time.Since(started)))
		elapsed := time.Since(started)
		var inserted int
		if err := a.DB.SQL.QueryRow("SELECT COUNT(*) FROM river_job WHERE kind = 'test.tick'").Scan(&inserted); err != nil {
			t.Fatal(err)
		}
		periods := int(elapsed / period)
		if inserted < 1 || inserted > periods+1 {
			t.Fatalf("%d periodic jobs in %d periods, want between 1 and %d", inserted, periods, periods+1)
		}
		t.Logf("%d periodic runs in %s across two nodes", inserted, elapsed.Round(time.Millisecond))
	})
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
