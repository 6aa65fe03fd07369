package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/ids"
)

// DeliverArgs is the job that delivers one notice.
type DeliverArgs struct {
	NoticeID string `json:"notice_id"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return "notify.deliver" }

// InsertOpts caps attempts well beyond the 24-hour window, which ends
// retries itself.
func (DeliverArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: maxAttempts} }

// EnqueueTx records notice for delivery as part of tx: the delivery row and
// its job commit or roll back with the caller's change. For the platform's
// own flows (the association job, the SAML binding pages), not for
// partners. Errors: ErrInvalidNotice for a notice without partner, domain id
// or xUserId, or with an unknown action. Not idempotent: every call is a
// notice of its own.
func (n *Notifier) EnqueueTx(ctx context.Context, tx *sql.Tx, notice Notice) error {
	if notice.PartnerID == "" || notice.DomainID == "" || notice.XUserID == "" || !notice.Action.Valid() {
		return ErrInvalidNotice
	}
	now := n.Clock.Now()
	id := ids.New()
	if _, err := tx.ExecContext(ctx, `INSERT INTO binding_notices (id, partner_id, domain_id, domain_name, xuser_id, bind_action,
		status, attempts, last_error, next_attempt_at, window_ends_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 0, '', $8, $9, $8, $8)`,
		id, notice.PartnerID, notice.DomainID, notice.DomainName, notice.XUserID, int(notice.Action),
		StatusPending, now, now.Add(n.cfg.Window)); err != nil {
		return fmt.Errorf("record binding notice: %w", err)
	}
	return n.Queue.InsertTx(ctx, tx, DeliverArgs{NoticeID: id}, nil)
}

var _ customer.AssociationHook = (*Notifier)(nil)

// Associated implements customer.AssociationHook: an association made for a
// customer the partner created through the API tells the partner's platform
// that its user (the customer's xaccount_id) is bound to the account.
// Customers without an xaccount binding have no platform user to name and
// are skipped; a partner without a notification URL gets a delivery marked
// skipped when the job runs, so the log says why nothing was sent.
func (n *Notifier) Associated(ctx context.Context, tx *sql.Tx, c customer.Customer, a customer.Association) error {
	if c.XAccountID == "" {
		return nil
	}
	return n.EnqueueTx(ctx, tx, Notice{PartnerID: a.PartnerID, DomainID: c.ID, DomainName: c.DomainName,
		XUserID: c.XAccountID, Action: ActionBind})
}

// Resend queues delivery id again with a fresh 24-hour window, for the
// partner's delivery log. The partner's own people holding
// identity.PermAccessConfig only. Errors: identity.ErrForbidden;
// ErrNoticeNotFound (also for another partner's notice);
// ErrNoticeInFlight while the notice is still pending or retrying. Not
// idempotent: each call sends once more.
func (n *Notifier) Resend(ctx context.Context, actor identity.Actor, id string) error {
	if err := requireAccess(actor); err != nil {
		return err
	}
	now := n.Clock.Now()
	err := n.DB.InTx(ctx, func(tx *sql.Tx) error {
		var status Status
		err := tx.QueryRowContext(ctx, "SELECT status FROM binding_notices WHERE id = $1 AND partner_id = $2", id, actor.PartnerID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNoticeNotFound
		}
		if err != nil {
			return err
		}
		if status == StatusPending || status == StatusRetrying {
			return ErrNoticeInFlight
		}
		if _, err := tx.ExecContext(ctx, `UPDATE binding_notices SET status = $1, next_attempt_at = $2, window_ends_at = $3,
			updated_at = $2 WHERE id = $4 AND partner_id = $5`, StatusPending, now, now.Add(n.cfg.Window), id, actor.PartnerID); err != nil {
			return err
		}
		return n.Queue.InsertTx(ctx, tx, DeliverArgs{NoticeID: id}, nil)
	})
	if err != nil {
		return fmt.Errorf("resend binding notice %s: %w", id, err)
	}
	return nil
}

func requireAccess(a identity.Actor) error {
	if a.PartnerID == "" || !a.Can(identity.PermAccessConfig) {
		return identity.ErrForbidden
	}
	return nil
}
