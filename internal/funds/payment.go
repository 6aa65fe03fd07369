package funds

import (
	"context"
	"database/sql"
	"fmt"

	"partnercenter/internal/platform/money"
)

// Movement is a payment's debit or a refund's credit of one account,
// composed into the caller's transaction (commerce's payment and refund).
type Movement struct {
	// Kind is KindCustomer or KindPartner; OwnerID the customer's or
	// partner's id.
	Kind, OwnerID string
	Amount        money.Amount
	// Actor names who caused it in the ledger ("system" when empty);
	// Reason says why (e.g. "order 123").
	Actor, Reason string
}

// DebitTx takes m.Amount from the account inside tx, with its ledger row.
// A partner's credit line counts as available; a
// customer account has none. The row is locked (PostgreSQL) until tx ends.
//
// Errors: CBC.0100 for an amount not > 0, ErrInsufficient (CBC.99005003)
// when the amount is above what is available or the owner has no account. Not idempotent: the caller's order
// state machine makes sure it debits once.
func (s *Service) DebitTx(ctx context.Context, tx *sql.Tx, m Movement) error {
	cents, err := checkAmount(m.Amount)
	if err != nil {
		return err
	}
	id, err := findAccount(ctx, tx, m.Kind, m.OwnerID)
	if err != nil {
		return err
	}
	if id == "" {
		return ErrInsufficient
	}
	locked, err := s.lockAccounts(ctx, tx, id)
	if err != nil {
		return err
	}
	return s.apply(ctx, tx, locked[id], change{op: OpDebit, amount: -cents, useCredit: m.Kind == KindPartner, reason: m.Reason},
		actorOr(m.Actor), s.Clock.Now())
}

// CreditTx gives m.Amount back to the account inside tx (a refund), with
// its ledger row, creating the account if it is missing; it repays used
// credit first. partnerID is the partner a new customer account belongs
// under (ignored for partner accounts). Errors: CBC.0100 for an amount
// not > 0.
func (s *Service) CreditTx(ctx context.Context, tx *sql.Tx, m Movement, partnerID string) error {
	cents, err := checkAmount(m.Amount)
	if err != nil {
		return err
	}
	if m.Kind == KindPartner {
		partnerID = m.OwnerID
	}
	now := s.Clock.Now()
	id, err := s.ensureAccount(ctx, tx, m.Kind, m.OwnerID, partnerID, now)
	if err != nil {
		return fmt.Errorf("refund account: %w", err)
	}
	locked, err := s.lockAccounts(ctx, tx, id)
	if err != nil {
		return err
	}
	return s.apply(ctx, tx, locked[id], change{op: OpRefund, amount: cents, reason: m.Reason}, actorOr(m.Actor), now)
}

// AccountRef names an account by its kind (KindCustomer, KindPartner) and
// owner.
type AccountRef struct{ Kind, OwnerID string }

// LockTx locks the named accounts inside tx, all in one order (by account
// id), before a transaction that moves money to several of them in
// whatever order its work comes in (a refund of several orders): two such
// transactions, or one and a transfer, then never deadlock. Accounts that
// do not exist yet are skipped (CreditTx creates them).
func (s *Service) LockTx(ctx context.Context, tx *sql.Tx, refs ...AccountRef) error {
	var ids []string
	for _, r := range refs {
		id, err := findAccount(ctx, tx, r.Kind, r.OwnerID)
		if err != nil {
			return err
		}
		if id != "" {
			ids = append(ids, id)
		}
	}
	_, err := s.lockAccounts(ctx, tx, ids...)
	return err
}

// CustomerBalanceTx returns a customer's account balance inside tx (0
// without an account), for a payment deciding what the account covers.
func (s *Service) CustomerBalanceTx(ctx context.Context, tx *sql.Tx, customerID string) (money.Amount, error) {
	a, err := readAccount(ctx, tx, KindCustomer, customerID)
	return a.Balance, err
}

func actorOr(name string) string {
	if name == "" {
		return "system"
	}
	return name
}
