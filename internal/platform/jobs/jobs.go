// Package jobs runs background work with River on the application database.
// Jobs are inserted inside the transaction of the change that causes them,
// so a rolled-back change never leaves a job behind and a committed one
// always has its job. Periodic jobs run on the elected leader only, so many
// nodes fire them once per period.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"partnercenter/internal/platform/db"
)

// Client is River's client over database/sql transactions on both databases.
type Client = river.Client[*sql.Tx]

// Config holds what the application registers with the queue.
type Config struct {
	Workers  *river.Workers
	Periodic []*river.PeriodicJob
	Logger   *slog.Logger
	// MaxWorkers bounds concurrently running jobs (default 10).
	MaxWorkers int
	// PollInterval is how often idle nodes look for new jobs (default 200 ms;
	// River refuses less than 100 ms). On PostgreSQL LISTEN/NOTIFY wakes
	// workers sooner.
	PollInterval time.Duration
	// JobTimeout bounds a single job run (default 1 minute).
	JobTimeout time.Duration
}

// Queue is the application's job queue.
type Queue struct {
	client *Client
}

func driver(d *db.DB) riverdriver.Driver[*sql.Tx] {
	if d.Dialect == db.Postgres {
		// database/sql for transactions shared with services, pgx for LISTEN.
		return riverdatabasesql.NewWithPgxListener(d.SQL, d.Pool)
	}
	return riversqlite.New(d.SQL)
}

// Migrate returns the step that applies River's own schema, to run inside
// db.Migrate.
func Migrate(d *db.DB) func(context.Context) error {
	return func(ctx context.Context) error {
		m, err := rivermigrate.New(driver(d), nil)
		if err != nil {
			return fmt.Errorf("river migrator: %w", err)
		}
		if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("river migrate: %w", err)
		}
		return nil
	}
}

// New builds the queue. It can insert jobs right away; it works them only
// after Start.
func New(d *db.DB, cfg Config) (*Queue, error) {
	if cfg.Workers == nil {
		cfg.Workers = river.NewWorkers()
	}
	if cfg.MaxWorkers <= 0 {
		cfg.MaxWorkers = 10
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 200 * time.Millisecond
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	client, err := river.NewClient(driver(d), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}},
		Workers:           cfg.Workers,
		PeriodicJobs:      cfg.Periodic,
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     100 * time.Millisecond,
		JobTimeout:        cfg.JobTimeout,
		Logger:            cfg.Logger,
		MaxAttempts:       10,
	})
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return &Queue{client: client}, nil
}

// InsertTx enqueues a job as part of tx: it becomes visible to workers only
// if tx commits.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := q.client.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Start begins working jobs and, on the leader, scheduling periodic ones.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop lets running jobs finish (until ctx ends) and stops fetching new ones.
func (q *Queue) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// Subscribe reports job completions; tests use it to wait without sleeping.
func (q *Queue) Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func()) {
	return q.client.Subscribe(kinds...)
}

// Client exposes River's client for administration (listing jobs).
func (q *Queue) Client() *Client { return q.client }

// JobStates is the order metrics and pages list River's states in.
var JobStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStateScheduled, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateCompleted, rivertype.JobStateCancelled,
	rivertype.JobStateDiscarded,
}
