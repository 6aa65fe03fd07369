package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/money"
)

// canFund reports whether an operator may top up accounts and set credit
// lines: platform admins and ecosystem managers.
func canFund(a identity.Actor) bool {
	return a.IsOperator() && (a.HasOperatorRole(identity.RolePlatformAdmin) || a.HasOperatorRole(identity.RoleEcoManager))
}

// TopUp adds amount to a partner's account (an operator's top-up, after
// the partner paid the cloud offline); it repays used credit first. Only
// platform admins and ecosystem managers. Not idempotent.
//
// Errors: identity.ErrForbidden, CBC.0100 for an amount not > 0,
// ErrPartnerNotFound.
func (s *Service) TopUp(ctx context.Context, op identity.Actor, partnerID string, amount money.Amount, reason string) (Account, error) {
	if !canFund(op) {
		return Account{}, identity.ErrForbidden
	}
	cents, err := checkAmount(amount)
	if err != nil {
		return Account{}, err
	}
	return s.operatorChange(ctx, op, partnerID, func(tx *sql.Tx, a *acct) error {
		return s.apply(ctx, tx, a, change{op: OpTopUp, amount: cents, reason: reason}, operatorName(op), s.Clock.Now())
	})
}

// SetCreditLine sets a partner's credit line (0 removes it). Only platform
// admins and ecosystem managers; the ledger records the new limit with a
// zero amount. Errors: identity.ErrForbidden, CBC.0100 for a negative
// limit, ErrCreditBelowUsed when the partner already uses more credit,
// ErrPartnerNotFound. Idempotent in effect.
func (s *Service) SetCreditLine(ctx context.Context, op identity.Actor, partnerID string, limit money.Amount, reason string) (Account, error) {
	if !canFund(op) {
		return Account{}, identity.ErrForbidden
	}
	if limit.IsNegative() {
		return Account{}, errParam("credit_limit")
	}
	cents := limit.Cents()
	return s.operatorChange(ctx, op, partnerID, func(tx *sql.Tx, a *acct) error {
		if cents < a.used {
			return ErrCreditBelowUsed
		}
		a.limit = cents
		return s.apply(ctx, tx, a, change{op: OpCreditLine, reason: reason}, operatorName(op), s.Clock.Now())
	})
}

func (s *Service) operatorChange(ctx context.Context, op identity.Actor, partnerID string, fn func(*sql.Tx, *acct) error) (Account, error) {
	if _, err := s.Identity.PartnerStanding(ctx, partnerID); err != nil {
		if errors.Is(err, identity.ErrPartnerNotFound) {
			return Account{}, ErrPartnerNotFound
		}
		return Account{}, err
	}
	now := s.Clock.Now()
	var out Account
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		id, err := s.ensureAccount(ctx, tx, KindPartner, partnerID, partnerID, now)
		if err != nil {
			return err
		}
		locked, err := s.lockAccounts(ctx, tx, id)
		if err != nil {
			return err
		}
		a := locked[id]
		if err := fn(tx, a); err != nil {
			return err
		}
		out = a.public(now)
		return nil
	})
	if err != nil {
		return Account{}, fmt.Errorf("change account of %s: %w", partnerID, err)
	}
	return out, nil
}
