package card

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/money"
)

// Buy sells the customer a stored-value card of faceValue, paid in full
// from its account balance (no coupons, no discounts), valid
// ValidityMonths from now: one transaction debits the account (funds
// ledger), creates the card and writes its 'purchase' row. Only the
// customer itself calls it (portal). Two purchases racing for one balance
// serialize on the account row: the second finds what the first left.
//
// Errors: ErrFaceValue (CBC.0100), ErrCustomerNotFound, ErrResellerModel
// (CBC.99000084), ErrFrozen (CBC.0150), ErrInsufficient (CBC.99005003).
// Not idempotent: each call buys one more card.
func (s *Service) Buy(ctx context.Context, customerID string, faceValue money.Amount) (Card, error) {
	if !ValidFace(faceValue) {
		return Card{}, ErrFaceValue
	}
	var c Card
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := checkBuyer(ctx, tx, customerID); err != nil {
			return err
		}
		now := s.Clock.Now().UTC().Truncate(1e9)
		c = Card{ID: ids.New(), CustomerID: customerID, Name: Name(faceValue), FaceValue: faceValue, Balance: faceValue,
			Status: StatusUsable, EffectiveAt: now, ExpiresAt: now.AddDate(0, ValidityMonths, 0), CreatedAt: now}
		if err := s.Funds.DebitTx(ctx, tx, funds.Movement{Kind: funds.KindCustomer, OwnerID: customerID,
			Amount: faceValue, Actor: customerID, Reason: "stored-value card " + c.ID}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO stored_value_cards (id, customer_id, name, face_value, balance, status,
			effective_at, expires_at, version, created_at) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, 1, $6)`,
			c.ID, customerID, c.Name, faceValue.Cents(), StatusUsable, now, c.ExpiresAt); err != nil {
			return fmt.Errorf("create card: %w", err)
		}
		return writeLedger(ctx, tx, c.ID, 1, OpPurchase, faceValue.Cents(), 0, "", now)
	})
	if err != nil {
		return Card{}, err
	}
	return c, nil
}

// CheckBuyer says whether the customer may buy a card now, for the
// portal to explain before the customer tries: nil, or Buy's refusal
// (ErrCustomerNotFound, ErrResellerModel, ErrFrozen). Read-only.
func (s *Service) CheckBuyer(ctx context.Context, customerID string) error {
	return checkBuyer(ctx, s.DB.SQL, customerID)
}

// checkBuyer: the customer exists, is not frozen and is not in the
// reseller model now.
func checkBuyer(ctx context.Context, q db.Querier, customerID string) error {
	var frozen, typ int
	err := q.QueryRowContext(ctx, `SELECT c.frozen, COALESCE(a.type, 0) FROM customers c
		LEFT JOIN customer_associations a ON a.customer_id = c.id AND a.ended_at IS NULL
		WHERE c.id = $1`, customerID).Scan(&frozen, &typ)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrCustomerNotFound
	case err != nil:
		return fmt.Errorf("read buyer: %w", err)
	case customer.AssociationType(typ) == customer.Reseller:
		return ErrResellerModel
	case frozen != 0:
		return ErrFrozen
	}
	return nil
}

// writeLedger appends one card_ledger row: amount is the signed change,
// before the balance it started from.
func writeLedger(ctx context.Context, tx *sql.Tx, cardID string, version int64, op string, amount, before int64, orderID string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO card_ledger (id, card_id, version, operation, amount, balance_before,
		balance_after, order_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		ids.New(), cardID, version, op, amount, before, before+amount, orderID, now)
	if err != nil {
		return fmt.Errorf("write card ledger: %w", err)
	}
	return nil
}
