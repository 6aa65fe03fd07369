package app

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/platform/sessions"
)

// purgeSessionsArgs is the hourly job that deletes expired console sessions.
type purgeSessionsArgs struct{}

func (purgeSessionsArgs) Kind() string { return "sessions.purge" }

type purgeSessionsWorker struct {
	river.WorkerDefaults[purgeSessionsArgs]
	store *sessions.Store
}

func (w *purgeSessionsWorker) Work(ctx context.Context, _ *river.Job[purgeSessionsArgs]) error {
	_, err := w.store.PurgeExpired(ctx)
	return err
}

func purgeSessionsJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return purgeSessionsArgs{}, nil },
		&river.PeriodicJobOpts{ID: "sessions.purge"})
}
