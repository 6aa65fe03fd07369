package notify

import (
	"context"
	"database/sql"
	"fmt"

	"partnercenter/internal/identity"
)

// Filter pages the delivery log, newest first. Limit is capped at 100
// (default 20).
type Filter struct {
	Limit, Offset int
}

// List returns the actor's partner's deliveries, newest first, and how many
// there are. The partner's own people holding identity.PermAccessConfig
// only (identity.ErrForbidden otherwise).
func (n *Notifier) List(ctx context.Context, actor identity.Actor, f Filter) ([]Delivery, int, error) {
	if err := requireAccess(actor); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	f.Offset = max(f.Offset, 0)
	var total int
	if err := n.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM binding_notices WHERE partner_id = $1", actor.PartnerID).
		Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count binding notices: %w", err)
	}
	rows, err := n.DB.SQL.QueryContext(ctx, `SELECT id, partner_id, domain_id, domain_name, xuser_id, bind_action, status,
		attempts, last_error, next_attempt_at, delivered_at, created_at
		FROM binding_notices WHERE partner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
		actor.PartnerID, f.Limit, f.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list binding notices: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var (
			d               Delivery
			action          int
			next, delivered sql.NullTime
		)
		if err := rows.Scan(&d.ID, &d.PartnerID, &d.Notice.DomainID, &d.Notice.DomainName, &d.Notice.XUserID, &action,
			&d.Status, &d.Attempts, &d.LastError, &next, &delivered, &d.CreatedAt); err != nil {
			return nil, 0, fmt.Errorf("scan binding notice: %w", err)
		}
		d.Notice.PartnerID, d.Notice.Action = d.PartnerID, Action(action)
		d.NextAttemptAt, d.DeliveredAt = next.Time, delivered.Time
		out = append(out, d)
	}
	return out, total, rows.Err()
}
