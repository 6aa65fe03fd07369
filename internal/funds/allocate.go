package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/money"
)

// Transfer is one allocation or reclaim request.
type Transfer struct {
	// TargetID is the customer id, or the cloud reseller's partner id.
	TargetID string
	Amount   money.Amount
	// IndirectPartnerID, on customer transfers, is a distributor acting
	// for one of its cloud resellers: the money moves between the
	// reseller's account and the reseller's customer.
	IndirectPartnerID string
	Memo              string
}

// AllocateToCustomer moves money from the partner's account to one of its
// reseller-model customers (UpdateCustomerAccountAmount) and returns the
// transfer id. Needs PermFundsAllocate; the partner's credit line counts
// as available. Not idempotent: each call is a new transfer.
//
// Errors: CBC.0100 for an amount not > 0, ErrNotYourCustomer
// (CBC.99000035), ErrNotResellerModel for a referral customer,
// ErrNoCustomerPermission outside the member's data scope,
// ErrNotYourReseller (CBC.99000037) for a bad indirect partner id,
// ErrInsufficient (CBC.99005003) when the amount is above what is available.
func (s *Service) AllocateToCustomer(ctx context.Context, actor identity.Actor, t Transfer) (string, error) {
	return s.customerTransfer(ctx, actor, t, true)
}

// ReclaimFromCustomer moves money back from a reseller-model customer's
// account to the partner's (ReclaimToPartnerAccount) and returns the
// transfer id. Needs PermFundsAllocate. Errors as AllocateToCustomer, and
// ErrNoAccount (CBC.99000047) when the customer never received money,
// ErrInsufficient when the amount is above the customer's balance.
func (s *Service) ReclaimFromCustomer(ctx context.Context, actor identity.Actor, t Transfer) (string, error) {
	return s.customerTransfer(ctx, actor, t, false)
}

// AllocateToReseller moves money from a distributor's account to one of
// its cloud resellers' (UpdateIndirectPartnerAccount). Needs
// PermFundsAllocate. Errors: CBC.0100, ErrNotDistributor,
// ErrNotYourReseller (CBC.99000037), ErrInsufficient (CBC.99005003).
func (s *Service) AllocateToReseller(ctx context.Context, actor identity.Actor, t Transfer) (string, error) {
	return s.resellerTransfer(ctx, actor, t, true)
}

// ReclaimFromReseller moves money back from a cloud reseller's balance to
// its distributor (ReclaimIndirectPartnerAccount); the reseller's credit
// line is never reclaimed. Errors as AllocateToReseller, ErrNoAccount when
// the reseller has no account.
func (s *Service) ReclaimFromReseller(ctx context.Context, actor identity.Actor, t Transfer) (string, error) {
	return s.resellerTransfer(ctx, actor, t, false)
}

// owner resolves whose account pays: the caller's partner, or with
// indirectID the distributor's cloud reseller.
func (s *Service) owner(ctx context.Context, actor identity.Actor, indirectID string) (string, bool, error) {
	if actor.PartnerID == "" {
		return "", false, identity.ErrForbidden
	}
	if indirectID == "" {
		return actor.PartnerID, false, nil
	}
	if len(indirectID) > 64 {
		return "", false, errParam("indirect_partner_id")
	}
	r, err := s.Identity.PartnerStanding(ctx, indirectID)
	if errors.Is(err, identity.ErrPartnerNotFound) {
		return "", false, ErrNotYourReseller
	}
	if err != nil {
		return "", false, err
	}
	if r.Type != identity.CloudReseller || r.ParentID != actor.PartnerID {
		return "", false, ErrNotYourReseller
	}
	return r.ID, true, nil
}

func (s *Service) customerTransfer(ctx context.Context, actor identity.Actor, t Transfer, allocate bool) (string, error) {
	if !actor.Can(identity.PermFundsAllocate) {
		return "", identity.ErrForbidden
	}
	cents, err := checkAmount(t.Amount)
	if err != nil {
		return "", err
	}
	if t.TargetID == "" || len(t.TargetID) > 64 {
		return "", errParam("customer_id")
	}
	partnerID, indirect, err := s.owner(ctx, actor, t.IndirectPartnerID)
	if err != nil {
		return "", err
	}
	now := s.Clock.Now()
	transID := ids.New()
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		name, err := s.checkResellerCustomer(ctx, tx, actor, partnerID, t.TargetID, indirect)
		if err != nil {
			return err
		}
		pid, err := s.ensureAccount(ctx, tx, KindPartner, partnerID, partnerID, now)
		if err != nil {
			return err
		}
		var cid string
		if allocate {
			cid, err = s.ensureAccount(ctx, tx, KindCustomer, t.TargetID, partnerID, now)
		} else {
			cid, err = findAccount(ctx, tx, KindCustomer, t.TargetID)
			if err == nil && cid == "" {
				err = ErrNoAccount
			}
		}
		if err != nil {
			return err
		}
		return s.transfer(ctx, tx, actor, pid, cid, cents, allocate, transID, partnerID, TargetCustomer, t, name, now)
	})
	if err != nil {
		return "", err
	}
	return transID, nil
}

// transfer moves cents between a partner account and a target account in
// the direction asked and writes both ledger rows and the adjust record.
func (s *Service) transfer(ctx context.Context, tx *sql.Tx, actor identity.Actor, partnerAcct, targetAcct string, cents int64,
	allocate bool, transID, partnerID, targetKind string, t Transfer, targetName string, now time.Time) error {
	locked, err := s.lockAccounts(ctx, tx, partnerAcct, targetAcct)
	if err != nil {
		return err
	}
	p, c := locked[partnerAcct], locked[targetAcct]
	by := operatorName(actor)
	opType := OpTypeAdjust
	if allocate {
		if err := s.apply(ctx, tx, p, change{op: OpAllocate, amount: -cents, useCredit: true, transfer: transID, reason: t.Memo}, by, now); err != nil {
			return err
		}
		if err := s.apply(ctx, tx, c, change{op: OpAllocate, amount: cents, transfer: transID, reason: t.Memo}, by, now); err != nil {
			return err
		}
	} else {
		opType = OpTypeRetrieve
		if err := s.apply(ctx, tx, c, change{op: OpReclaim, amount: -cents, transfer: transID, reason: t.Memo}, by, now); err != nil {
			return err
		}
		if err := s.apply(ctx, tx, p, change{op: OpReclaim, amount: cents, transfer: transID, reason: t.Memo}, by, now); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO fund_adjustments (id, partner_id, target_kind, target_id, target_name,
		operation_type, amount, memo, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		transID, partnerID, targetKind, t.TargetID, targetName, opType, cents, t.Memo, by, now)
	if err != nil {
		return fmt.Errorf("write adjust record: %w", err)
	}
	return nil
}

// checkResellerCustomer checks, inside the transaction, that the customer
// is currently the partner's (holding the association until the
// transaction ends, see customer.HoldAssociation), in the reseller model, and inside the
// actor's data scope (a distributor acting for its reseller sees all the
// reseller's customers). It returns the customer's account name.
func (s *Service) checkResellerCustomer(ctx context.Context, tx *sql.Tx, actor identity.Actor, partnerID, customerID string, indirect bool) (string, error) {
	var typ int
	var manager, name string
	err := tx.QueryRowContext(ctx, `SELECT a.type, COALESCE(c.account_manager_id, ''), c.domain_name
		FROM customer_associations a JOIN customers c ON c.id = a.customer_id
		WHERE a.customer_id = $1 AND a.partner_id = $2 AND a.ended_at IS NULL`+s.DB.ForShareOf("a"),
		customerID, partnerID).Scan(&typ, &manager, &name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", ErrNotYourCustomer
	case err != nil:
		return "", fmt.Errorf("check customer: %w", err)
	case customer.AssociationType(typ) != customer.Reseller:
		return "", ErrNotResellerModel
	case !indirect && !actor.Scope.Allows(manager):
		return "", ErrNoCustomerPermission
	}
	return name, nil
}

func (s *Service) resellerTransfer(ctx context.Context, actor identity.Actor, t Transfer, allocate bool) (string, error) {
	if !actor.Can(identity.PermFundsAllocate) {
		return "", identity.ErrForbidden
	}
	if actor.PartnerID == "" {
		return "", identity.ErrForbidden
	}
	cents, err := checkAmount(t.Amount)
	if err != nil {
		return "", err
	}
	if t.TargetID == "" || len(t.TargetID) > 64 {
		return "", errParam("indirect_partner_id")
	}
	me, err := s.Identity.PartnerStanding(ctx, actor.PartnerID)
	if err != nil {
		return "", err
	}
	if me.Type != identity.Distributor {
		return "", ErrNotDistributor
	}
	r, err := s.Identity.PartnerStanding(ctx, t.TargetID)
	if errors.Is(err, identity.ErrPartnerNotFound) {
		return "", ErrNotYourReseller
	}
	if err != nil {
		return "", err
	}
	if r.Type != identity.CloudReseller || r.ParentID != actor.PartnerID {
		return "", ErrNotYourReseller
	}
	now := s.Clock.Now()
	transID := ids.New()
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, "SELECT name FROM partners WHERE id = $1", r.ID).Scan(&name); err != nil {
			return fmt.Errorf("reseller name: %w", err)
		}
		pid, err := s.ensureAccount(ctx, tx, KindPartner, actor.PartnerID, actor.PartnerID, now)
		if err != nil {
			return err
		}
		var rid string
		if allocate {
			rid, err = s.ensureAccount(ctx, tx, KindPartner, r.ID, r.ID, now)
		} else {
			rid, err = findAccount(ctx, tx, KindPartner, r.ID)
			if err == nil && rid == "" {
				err = ErrNoAccount
			}
		}
		if err != nil {
			return err
		}
		return s.transfer(ctx, tx, actor, pid, rid, cents, allocate, transID, actor.PartnerID, TargetReseller, t, name, now)
	})
	if err != nil {
		return "", err
	}
	return transID, nil
}
