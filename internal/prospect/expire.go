package prospect

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// ExpireEvery is how often the expiry job runs. Reads treat a report past
// its expiry as expired at once (the lock is free from that instant); the
// job makes the stored status say so.
const ExpireEvery = 15 * time.Minute

// ExpireArgs is the periodic job that expires reports.
type ExpireArgs struct{}

// Kind implements river.JobArgs.
func (ExpireArgs) Kind() string { return "prospect.expire_reports" }

type expireWorker struct {
	river.WorkerDefaults[ExpireArgs]
	s *Service
}

func (w *expireWorker) Work(ctx context.Context, _ *river.Job[ExpireArgs]) error {
	_, err := w.s.ExpireReports(ctx)
	return err
}

// ExpireReports marks 已报备 and 待审核 reports older than their validity as
// 已失效 and returns how many it changed. The system calls it (the periodic
// job); it takes no actor. Idempotent.
func (s *Service) ExpireReports(ctx context.Context) (int, error) {
	now := s.Clock.Now()
	res, err := s.DB.SQL.ExecContext(ctx, `UPDATE prospect_reports SET status = 'expired', updated_at = $1
		WHERE status IN ('pending', 'reported') AND expires_at <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("expire reports: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
