package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/platform/mail"
)

// DeliverArgs is the job that delivers one outbox message.
type DeliverArgs struct {
	MessageID string `json:"message_id"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return "outbox.deliver" }

// deliverWorker sends one message. Returning an error makes River retry it
// with exponential backoff; the message row stays pending with its last error.
type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	o *Outbox
}

// Timeout bounds one delivery attempt.
func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration { return 30 * time.Second }

// NextRetry spaces attempts out: 5 s, 20 s, 45 s, ... capped at 10 minutes.
func (w *deliverWorker) NextRetry(j *river.Job[DeliverArgs]) time.Time {
	d := time.Duration(j.Attempt*j.Attempt) * w.o.retryBase
	return time.Now().Add(min(d, 10*time.Minute))
}

// Register adds the delivery worker.
func (o *Outbox) Register(workers *river.Workers) {
	river.AddWorker(workers, &deliverWorker{o: o})
}

func (w *deliverWorker) Work(ctx context.Context, j *river.Job[DeliverArgs]) error {
	return w.o.deliver(ctx, j.Args.MessageID)
}

func (o *Outbox) deliver(ctx context.Context, id string) error {
	var m Message
	err := o.db.SQL.QueryRowContext(ctx, `SELECT id, channel, recipient, subject, body, html_body, status FROM outbox WHERE id = $1`, id).
		Scan(&m.ID, &m.Channel, &m.To, &m.Subject, &m.Body, &m.HTMLBody, &m.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return river.JobCancel(fmt.Errorf("outbox message %s is gone", id))
	}
	if err != nil {
		return fmt.Errorf("load outbox %s: %w", id, err)
	}
	if m.Status != StatusPending {
		return nil // already delivered by an earlier attempt
	}
	status := StatusStored
	var sendErr error
	switch {
	case m.Channel == Email && o.mailer != nil:
		status = StatusSent
		sendErr = o.mailer.Send(ctx, mail.Message{To: m.To, Subject: m.Subject, TextBody: m.Body, HTMLBody: m.HTMLBody})
	case m.Channel == SMS && o.sms != nil:
		status = StatusSent
		sendErr = o.sms.Send(ctx, m.To, m.Body)
	}
	now := o.clock.Now()
	if sendErr != nil {
		if _, err := o.db.SQL.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2`,
			truncate(sendErr.Error(), 500), id); err != nil {
			return errors.Join(sendErr, err)
		}
		err := fmt.Errorf("deliver %s %s: %w", m.Channel, id, sendErr)
		if mail.IsPermanent(sendErr) {
			// A rejected address will never be accepted: stop retrying and
			// keep the message, marked failed, for operators to see.
			if _, uerr := o.db.SQL.ExecContext(ctx, `UPDATE outbox SET status = $1 WHERE id = $2`, StatusFailed, id); uerr != nil {
				return errors.Join(err, uerr)
			}
			return river.JobCancel(err)
		}
		return err
	}
	_, err = o.db.SQL.ExecContext(ctx, `UPDATE outbox SET status = $1, attempts = attempts + 1, last_error = '', sent_at = $2
		WHERE id = $3 AND status = $4`, status, now, id, StatusPending)
	return err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
