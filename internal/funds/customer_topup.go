package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/money"
)

// Errors of a customer's own top-up (their messages are in the cards
// locale area, which owns the customer's money pages).
var (
	// ErrTopUpResellerModel: a reseller-model customer's money is its
	// partner's allocations; it does not top up itself.
	ErrTopUpResellerModel = apperr.New("CBC.99000084", "err.cards_topup_reseller_model")
	// ErrTopUpNoPartner: the customer was never associated with a partner,
	// so its account has no partner to belong under.
	ErrTopUpNoPartner = apperr.New("CBC.0150", "err.cards_topup_no_partner")
	// ErrTopUpCustomerNotFound: no such customer.
	ErrTopUpCustomerNotFound = apperr.New("CBC.0101", "err.cards_customer_not_found")
)

// TopUpCustomer adds amount to the customer's own account (a simulated
// online payment in the portal; reference names the payment), with a
// 'topup' ledger row on the customer account, creating the account under
// the customer's current partner (or, after a disassociation, its last
// one) if it is missing. Only for customers not in the reseller model:
// referral customers and customers whose association ended. Only the
// customer itself calls it. Returns the new balance. Not idempotent.
//
// Errors: CBC.0100 naming amount (not > 0; money.Amount has at most two
// decimals) or reference (longer than 64), ErrTopUpCustomerNotFound,
// ErrTopUpResellerModel (CBC.99000084), ErrTopUpNoPartner.
func (s *Service) TopUpCustomer(ctx context.Context, customerID string, amount money.Amount, reference string) (money.Amount, error) {
	cents, err := checkAmount(amount)
	if err != nil {
		return money.Amount{}, err
	}
	if len(reference) > 64 {
		return money.Amount{}, errParam("reference")
	}
	var balance money.Amount
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		partnerID, err := topUpPartner(ctx, tx, customerID)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		id, err := s.ensureAccount(ctx, tx, KindCustomer, customerID, partnerID, now)
		if err != nil {
			return err
		}
		locked, err := s.lockAccounts(ctx, tx, id)
		if err != nil {
			return err
		}
		a := locked[id]
		if err := s.apply(ctx, tx, a, change{op: OpTopUp, amount: cents, reason: "customer top-up " + reference},
			customerID, now); err != nil {
			return err
		}
		balance = money.FromCents(a.balance)
		return nil
	})
	return balance, err
}

// topUpPartner is the partner a customer's own account belongs under: its
// current partner, else its last one. A reseller-model customer may not
// top up.
func topUpPartner(ctx context.Context, tx *sql.Tx, customerID string) (string, error) {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM customers WHERE id = $1", customerID).Scan(&n); err != nil {
		return "", fmt.Errorf("read customer: %w", err)
	}
	if n == 0 {
		return "", ErrTopUpCustomerNotFound
	}
	var partnerID string
	var typ int
	var ended sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT partner_id, type, ended_at FROM customer_associations WHERE customer_id = $1
		ORDER BY CASE WHEN ended_at IS NULL THEN 0 ELSE 1 END, ended_at DESC, associated_at DESC LIMIT 1`, customerID).
		Scan(&partnerID, &typ, &ended)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", ErrTopUpNoPartner
	case err != nil:
		return "", fmt.Errorf("read association: %w", err)
	case !ended.Valid && customer.AssociationType(typ) == customer.Reseller:
		return "", ErrTopUpResellerModel
	}
	return partnerID, nil
}

// CustomerBalance returns the customer's own account balance (0 without
// an account), for the customer's pages. Read-only.
func (s *Service) CustomerBalance(ctx context.Context, customerID string) (money.Amount, error) {
	a, err := readAccount(ctx, s.DB.SQL, KindCustomer, customerID)
	return a.Balance, err
}
