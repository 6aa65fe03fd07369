package order

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// CancelHook lets the payment part release what a pending order holds
// (coupons locked to it) in the cancelling transaction.
type CancelHook interface {
	OrderCancelled(ctx context.Context, tx *sql.Tx, orderID string) error
}

// SetCancelHook installs the hook. Call it once at wiring.
func (s *Service) SetCancelHook(h CancelHook) { s.onCancel = h }

// Cancel cancels one of the customer's own orders (CancelCustomerOrder,
// which only the customer may call). Only a pending-payment order can be
// cancelled: ErrNotCancellable (CBC.99005010) for any other status,
// ErrNotFound for an order that is not the customer's. Not idempotent: a
// second call finds the order cancelled and answers ErrNotCancellable, as
// Huawei does.
func (s *Service) Cancel(ctx context.Context, customerID, orderID string) error {
	if orderID == "" || len(orderID) > 64 {
		return errParam("order_id")
	}
	o, err := s.Get(ctx, CustomerViewer(customerID), orderID, "")
	if err != nil {
		return err
	}
	if o.Status != StatusPendingPayment {
		return ErrNotCancellable
	}
	ok, err := s.cancel(ctx, "id = $2 AND customer_id = $3", o.ID, customerID)
	if err != nil {
		return fmt.Errorf("cancel order %s: %w", o.ID, err)
	}
	if !ok {
		// Paid or cancelled between the read and the update.
		return ErrNotCancellable
	}
	return nil
}

// cancel moves one pending order matching cond (its arguments from $2;
// $1 is now) to cancelled and runs the hook, in one transaction. Reports
// whether an order changed.
func (s *Service) cancel(ctx context.Context, cond string, args ...any) (bool, error) {
	now := s.Clock.Now().UTC()
	changed := false
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var id string
		err := tx.QueryRowContext(ctx, `UPDATE orders SET status = 4, cancelled_at = $1, updated_at = $1
			WHERE status = 6 AND `+cond+` RETURNING id`, append([]any{now}, args...)...).Scan(&id)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		changed = true
		if s.onCancel != nil {
			return s.onCancel.OrderCancelled(ctx, tx, id)
		}
		return nil
	})
	return changed, err
}

// CancelOverdue cancels every pending-payment order whose payment deadline
// has passed (status 6 → 4), each in its own short transaction so that a
// payment racing the job either wins or finds the order cancelled.
// Returns how many it cancelled. Idempotent.
func (s *Service) CancelOverdue(ctx context.Context) (int, error) {
	now := s.Clock.Now().UTC()
	rows, err := s.DB.SQL.QueryContext(ctx, `SELECT id FROM orders WHERE status = 6 AND pending_payment_end_time <= $1
		ORDER BY pending_payment_end_time, id`, now)
	if err != nil {
		return 0, fmt.Errorf("find overdue orders: %w", err)
	}
	var overdue []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		overdue = append(overdue, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range overdue {
		ok, err := s.cancel(ctx, "id = $2 AND pending_payment_end_time <= $1", id)
		if err != nil {
			return n, fmt.Errorf("cancel overdue order %s: %w", id, err)
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// CancelEvery is how often the deadline job runs.
const CancelEvery = 5 * time.Minute

// CancelOverdueArgs is the periodic job that cancels overdue orders.
type CancelOverdueArgs struct{}

// Kind implements river.JobArgs.
func (CancelOverdueArgs) Kind() string { return "order.cancel_overdue" }

type cancelWorker struct {
	river.WorkerDefaults[CancelOverdueArgs]
	s *Service
}

func (w *cancelWorker) Work(ctx context.Context, _ *river.Job[CancelOverdueArgs]) error {
	_, err := w.s.CancelOverdue(ctx)
	return err
}

// Register adds the domain's job workers (the deadline job).
func (s *Service) Register(workers *river.Workers) {
	river.AddWorker(workers, &cancelWorker{s: s})
}

// PeriodicJobs are the domain's scheduled jobs, declared before the queue
// is built; Register adds their workers.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(CancelEvery),
		func() (river.JobArgs, *river.InsertOpts) { return CancelOverdueArgs{}, nil },
		&river.PeriodicJobOpts{ID: CancelOverdueArgs{}.Kind(), RunOnStart: true})}
}
