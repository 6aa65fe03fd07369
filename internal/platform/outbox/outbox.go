// Package outbox records every e-mail and SMS inside the business
// transaction that causes it, and delivers it afterwards through a job:
// over SMTP when configured, through an SMS provider when one is plugged in,
// and otherwise the outbox itself is the delivery (operators and tests read
// it). A message is never lost: delivery failures are retried with backoff
// and the row keeps the last error.
package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/mail"
	"partnercenter/internal/platform/sms"
)

// Channel is how a message travels.
type Channel string

const (
	Email Channel = "email"
	SMS   Channel = "sms"
)

// Status of a message.
const (
	StatusPending = "pending" // written, not yet handled by the job
	StatusSent    = "sent"    // handed to the SMTP server or SMS provider
	StatusStored  = "stored"  // no transport configured: the outbox is the delivery
	StatusFailed  = "failed"  // the transport refused it for good (e.g. unknown mailbox)
)

// Message is one outgoing message.
type Message struct {
	ID        string    `json:"-"`
	Channel   Channel   `json:"channel"`
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	HTMLBody  string    `json:"-"`
	Status    string    `json:"-"`
	Attempts  int       `json:"-"`
	LastError string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// Outbox writes and delivers messages.
type Outbox struct {
	db     *db.DB
	queue  *jobs.Queue
	clock  clock.Clock
	mailer mail.Sender  // nil: e-mail stays in the outbox
	sms    sms.Provider // nil: SMS stays in the outbox
	// retryBase scales the backoff between delivery attempts.
	retryBase time.Duration
}

// New returns an outbox. mailer and smsProvider may be nil.
func New(d *db.DB, q *jobs.Queue, c clock.Clock, mailer mail.Sender, smsProvider sms.Provider) *Outbox {
	return &Outbox{db: d, queue: q, clock: c, mailer: mailer, sms: smsProvider, retryBase: 5 * time.Second}
}

// WithRetryBase changes the backoff unit (attempt² × base, capped at 10
// minutes); tests shorten it.
func (o *Outbox) WithRetryBase(d time.Duration) *Outbox {
	o.retryBase = d
	return o
}

// EnqueueTx writes m in tx and schedules its delivery after commit.
func (o *Outbox) EnqueueTx(ctx context.Context, tx *sql.Tx, m Message) (string, error) {
	if m.Channel != Email && m.Channel != SMS {
		return "", fmt.Errorf("outbox: unknown channel %q", m.Channel)
	}
	if m.To == "" {
		return "", errors.New("outbox: message without recipient")
	}
	id := ids.New()
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (id, channel, recipient, subject, body, html_body, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		id, m.Channel, m.To, m.Subject, m.Body, m.HTMLBody, StatusPending, o.clock.Now()); err != nil {
		return "", fmt.Errorf("write outbox: %w", err)
	}
	if err := o.queue.InsertTx(ctx, tx, DeliverArgs{MessageID: id}, nil); err != nil {
		return "", err
	}
	return id, nil
}

// Filter narrows List.
type Filter struct {
	To    string // exact recipient; empty for all
	Limit int    // default 100
}

// List returns messages newest first.
func (o *Outbox) List(ctx context.Context, f Filter) ([]Message, error) {
	return List(ctx, o.db.SQL, f)
}

// List returns messages newest first from q; the outbox command uses it
// without a running queue.
func List(ctx context.Context, q db.Querier, f Filter) ([]Message, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	query := `SELECT id, channel, recipient, subject, body, html_body, status, attempts, last_error, created_at FROM outbox`
	args := []any{}
	if f.To != "" {
		query += " WHERE recipient = $1"
		args = append(args, f.To)
	}
	args = append(args, f.Limit)
	query += fmt.Sprintf(" ORDER BY created_at DESC, id DESC LIMIT $%d", len(args))
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.Channel, &m.To, &m.Subject, &m.Body, &m.HTMLBody, &m.Status, &m.Attempts,
			&m.LastError, &m.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
