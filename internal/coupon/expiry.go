package coupon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// ExpireEvery is how often the expiry job runs.
const ExpireEvery = 10 * time.Minute

// ExpireArgs is the periodic job that ends expired coupons and quotas.
type ExpireArgs struct{}

// Kind implements river.JobArgs.
func (ExpireArgs) Kind() string { return "coupon.expire" }

type expireWorker struct {
	river.WorkerDefaults[ExpireArgs]
	s *Service
}

func (w *expireWorker) Work(ctx context.Context, _ *river.Job[ExpireArgs]) error {
	_, err := w.s.ExpireCoupons(ctx)
	return err
}

// Register adds the domain's job workers (coupon expiry).
func (s *Service) Register(workers *river.Workers) {
	river.AddWorker(workers, &expireWorker{s: s})
}

// PeriodicJobs are the domain's scheduled jobs, declared before the queue
// is built; Register adds their workers.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(ExpireEvery),
		func() (river.JobArgs, *river.InsertOpts) { return ExpireArgs{}, nil },
		&river.PeriodicJobOpts{ID: ExpireArgs{}.Kind(), RunOnStart: true})}
}

// expireBatch is how many expired coupons one pass reads.
const expireBatch = 500

// ExpireCoupons ends every usable coupon past its expiry: its balance
// returns to its quota while the quota can take it (else it lapses), its
// status becomes expired (4), operation type 4. Then normal quotas past
// their expiry become invalid (3); their balance stays on them. Each
// coupon is its own short transaction, so the job never holds many locks
// and a manual reclaim racing it reclaims once (the loser finds the coupon
// no longer usable). Returns the number of coupons expired. Idempotent.
func (s *Service) ExpireCoupons(ctx context.Context) (int, error) {
	now := s.Clock.Now()
	expired := 0
	for {
		rows, err := s.DB.SQL.QueryContext(ctx, `SELECT id FROM coupons WHERE status = 2 AND expires_at <= $1
			ORDER BY expires_at, id LIMIT $2`, now, expireBatch)
		if err != nil {
			return expired, fmt.Errorf("find expired coupons: %w", err)
		}
		var batch []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return expired, err
			}
			batch = append(batch, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return expired, err
		}
		done := 0
		for _, id := range batch {
			err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
				c, err := s.lockCoupon(ctx, tx, "k.id = $1 AND k.status = 2 AND k.expires_at <= $2", id, now)
				if err != nil {
					return err
				}
				_, err = s.reclaimLocked(ctx, tx, c, OpExpiryReclaim, systemOperator, "", now)
				return err
			})
			switch {
			case err == nil:
				done++
			case errors.Is(err, sql.ErrNoRows) || errors.Is(err, ErrNotReclaimable):
				// reclaimed or used meanwhile
			default:
				return expired, fmt.Errorf("expire coupon %s: %w", id, err)
			}
		}
		expired += done
		if len(batch) < expireBatch || done == 0 {
			break
		}
	}
	if _, err := s.DB.SQL.ExecContext(ctx, `UPDATE coupon_quotas SET status = 3, updated_at = $1
		WHERE status = 0 AND expires_at <= $1`, now); err != nil {
		return expired, fmt.Errorf("expire quotas: %w", err)
	}
	return expired, nil
}
