package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"partnercenter/internal/platform/db"
)

// HeldAssociation is a customer's current association, held by the
// caller's transaction.
type HeldAssociation struct {
	PartnerID string
	Type      AssociationType
}

// HoldAssociation reads the customer's current association inside tx and
// holds it until tx ends (PostgreSQL: FOR SHARE). Ending or switching an
// association updates that row first thing, so it waits for tx; and a
// transaction that asks to hold it after one has ended it sees it ended.
// Other domains call it when they act on a customer because of its
// association — allocating money to it, refunding to its account, asking
// its partner to pay — so that they never act on an association that
// ends at the same moment (the disassociation's hooks then see what they
// did). ok is false when the customer has no partner.
func HoldAssociation(ctx context.Context, d *db.DB, tx *sql.Tx, customerID string) (HeldAssociation, bool, error) {
	var h HeldAssociation
	err := tx.QueryRowContext(ctx, `SELECT a.partner_id, a.type FROM customer_associations a
		WHERE a.customer_id = $1 AND a.ended_at IS NULL`+d.ForShareOf("a"), customerID).Scan(&h.PartnerID, &h.Type)
	if errors.Is(err, sql.ErrNoRows) {
		return HeldAssociation{}, false, nil
	}
	if err != nil {
		return HeldAssociation{}, false, fmt.Errorf("hold association: %w", err)
	}
	return h, true, nil
}
