package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/ids"
)

// OnDisassociated is the customer domain's disassociation hook: when a
// customer's reseller-model association with a partner ends
// (disassociation, or a switch out of the reseller model), the whole balance of the customer's account
// goes back to that partner's account, recorded as
// SOURCE_OPERATION_BEUNBIND. It runs inside the change's transaction; a
// customer without an account or without money is left alone.
// Idempotent: a second call finds nothing left.
func (s *Service) OnDisassociated(ctx context.Context, tx *sql.Tx, customerID, partnerID, reason string) error {
	// Only a reseller-model association's balance is the partner's
	// allocations: a referral customer's money (its own top-ups) stays
	// with it, also when it switches to the reseller model.
	if resale, err := endedResale(ctx, tx, customerID, partnerID); err != nil || !resale {
		return err
	}
	cid, err := findAccount(ctx, tx, KindCustomer, customerID)
	if err != nil || cid == "" {
		return err
	}
	now := s.Clock.Now()
	pid, err := s.ensureAccount(ctx, tx, KindPartner, partnerID, partnerID, now)
	if err != nil {
		return err
	}
	locked, err := s.lockAccounts(ctx, tx, cid, pid)
	if err != nil {
		return err
	}
	if locked[cid].balance == 0 {
		return nil
	}
	var name string
	if err := tx.QueryRowContext(ctx, "SELECT domain_name FROM customers WHERE id = $1", customerID).Scan(&name); err != nil {
		return err
	}
	return s.reclaimAll(ctx, tx, locked[pid], locked[cid], partnerID, name, reason)
}

// endedResale reports whether the association with partnerID that just
// ended was in the reseller model: the customer's latest ended association
// with the partner, or, when none has ended (a caller telling of an end
// not yet recorded), its current one.
func endedResale(ctx context.Context, tx *sql.Tx, customerID, partnerID string) (bool, error) {
	var typ int
	err := tx.QueryRowContext(ctx, `SELECT type FROM customer_associations WHERE customer_id = $1 AND partner_id = $2
		ORDER BY CASE WHEN ended_at IS NULL THEN 1 ELSE 0 END, ended_at DESC, associated_at DESC LIMIT 1`,
		customerID, partnerID).Scan(&typ)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read ended association: %w", err)
	}
	return customer.AssociationType(typ) == customer.Reseller, nil
}

// reclaimAll moves the customer account's whole balance to the partner's.
func (s *Service) reclaimAll(ctx context.Context, tx *sql.Tx, p, c *acct, partnerID, name, reason string) error {
	now := s.Clock.Now()
	transID, amount := ids.New(), c.balance
	by := operatorName(identity.Actor{})
	memo := "unbind: " + reason
	if err := s.apply(ctx, tx, c, change{op: OpReclaim, amount: -amount, transfer: transID, reason: memo}, by, now); err != nil {
		return err
	}
	if err := s.apply(ctx, tx, p, change{op: OpReclaim, amount: amount, transfer: transID, reason: memo}, by, now); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO fund_adjustments (id, partner_id, target_kind, target_id, target_name,
		operation_type, amount, memo, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		transID, partnerID, TargetCustomer, c.owner, name, OpTypeUnbind, amount, memo, by, now)
	return err
}
