package funds

import (
	"context"
	"database/sql"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/ids"
)

// OnDisassociated is the customer domain's disassociation hook: when a
// customer's association with a partner ends (disassociation, or a switch
// out of the reseller model), the whole balance of the customer's account
// goes back to that partner's account, recorded as
// SOURCE_OPERATION_BEUNBIND. It runs inside the change's transaction; a
// customer without an account or without money is left alone.
// Idempotent: a second call finds nothing left.
func (s *Service) OnDisassociated(ctx context.Context, tx *sql.Tx, customerID, partnerID, reason string) error {
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
