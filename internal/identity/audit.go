package identity

import (
	"context"
	"database/sql"
	"time"

	"partnercenter/internal/platform/ids"
)

// audit writes one audit row in the use case's transaction.
func audit(ctx context.Context, tx *sql.Tx, a Actor, partnerID, action, target, detail string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, actor_type, actor_id, partner_id, action, target, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, ids.New(), string(a.Kind), a.ID, partnerID, action, target, detail, at)
	return err
}
