package customer

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/ids"
)

// errSkip rolls a transaction back without failing the use case.
var errSkip = errors.New("skip")

// audit writes one audit row in the use case's transaction.
func audit(ctx context.Context, tx *sql.Tx, a identity.Actor, partnerID, action, target, detail string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, actor_type, actor_id, partner_id, action, target, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, ids.New(), string(a.Kind), a.ID, partnerID, action, target, detail, at)
	return err
}

// lockContact serializes use cases on one mobile or e-mail until tx ends:
// the upsert locks the contact's row on PostgreSQL (SQLite has one writer
// at a time anyway), so counts taken after it cannot be raced past a cap.
func lockContact(ctx context.Context, tx *sql.Tx, contact string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO contact_locks (contact, updated_at) VALUES ($1, $2)
		ON CONFLICT (contact) DO UPDATE SET updated_at = excluded.updated_at`, contact, now)
	return err
}
