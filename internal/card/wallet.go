package card

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
)

// The service is the payment domain's wallet.
var _ payment.Wallet = (*Service)(nil)

// CardBalance is what the customer's usable cards hold at t: cards with a
// balance, effective and not expired. q may be the database or a
// transaction. Read-only.
func (s *Service) CardBalance(ctx context.Context, q db.Querier, customerID string, at time.Time) (money.Amount, error) {
	var cents int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(balance), 0) FROM stored_value_cards
		WHERE customer_id = $1 AND status = 1 AND balance > 0 AND effective_at <= $2 AND expires_at > $2`,
		customerID, at.UTC()).Scan(&cents)
	if err != nil {
		return money.Amount{}, fmt.Errorf("card balance: %w", err)
	}
	return money.FromCents(cents), nil
}

// UsableBalance is what the customer's usable cards hold now, for the
// customer's pages. Read-only.
func (s *Service) UsableBalance(ctx context.Context, customerID string) (money.Amount, error) {
	return s.CardBalance(ctx, s.DB.SQL, customerID, s.Clock.Now())
}

// lockedCard is a card row locked inside a write transaction.
type lockedCard struct {
	id            string
	face, balance int64
	status        int
	version       int64
	expiresAt     time.Time
	effectiveAt   time.Time
}

// SpendCardsTx takes up to amount from the customer's usable cards inside
// tx (the payment's), earliest expiry first: each card's row is locked,
// its balance lowered, a 'spend' ledger row naming the order written, and
// a card left at 0 marked used up (status 2). It returns what each card
// paid, less than amount in total when the cards hold less. Only cards of
// customerID are touched. Errors: ErrConflict when a card changed under
// it (cannot happen while the rows are locked).
func (s *Service) SpendCardsTx(ctx context.Context, tx *sql.Tx, customerID, orderID string, amount money.Amount) ([]payment.CardUse, error) {
	left := amount.Cents()
	if left <= 0 {
		return nil, nil
	}
	now := s.Clock.Now().UTC()
	rows, err := tx.QueryContext(ctx, `SELECT id, face_value, balance, status, version, effective_at, expires_at
		FROM stored_value_cards WHERE customer_id = $1 AND status = 1 AND balance > 0 AND effective_at <= $2
		AND expires_at > $2 ORDER BY expires_at, id`+s.DB.ForUpdate(), customerID, now)
	if err != nil {
		return nil, fmt.Errorf("lock cards: %w", err)
	}
	var cards []lockedCard
	for rows.Next() {
		var c lockedCard
		if err := rows.Scan(&c.id, &c.face, &c.balance, &c.status, &c.version, &c.effectiveAt, &c.expiresAt); err != nil {
			rows.Close()
			return nil, err
		}
		cards = append(cards, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var uses []payment.CardUse
	for _, c := range cards {
		if left == 0 {
			break
		}
		take := min(c.balance, left)
		if err := s.change(ctx, tx, c, OpSpend, -take, orderID, now); err != nil {
			return nil, err
		}
		left -= take
		uses = append(uses, payment.CardUse{CardID: c.id, Amount: money.FromCents(take)})
	}
	return uses, nil
}

// RefundTx gives amount back to card cardID inside tx (an unsubscribe
// order orderID refunds what the card paid), with its 'refund' ledger row;
// a used-up card becomes usable again. A card past its expiry takes the
// refund too but can no longer pay (see the package doc). The refund
// domain calls it with the card an order_payments row names.
//
// Errors: CBC.0100 for an amount not > 0, ErrCardNotFound,
// ErrRefundTooLarge when the card would hold more than its face value.
// Not idempotent: the refund's own records make sure it runs once.
func (s *Service) RefundTx(ctx context.Context, tx *sql.Tx, cardID, orderID string, amount money.Amount) error {
	cents := amount.Cents()
	if cents <= 0 {
		return errAmount
	}
	c, err := s.lock(ctx, tx, cardID)
	if err != nil {
		return err
	}
	if c.balance+cents > c.face {
		return ErrRefundTooLarge
	}
	return s.change(ctx, tx, c, OpRefund, cents, orderID, s.Clock.Now().UTC())
}

// Spendable reports whether card cardID can still pay at at: it exists and
// has not expired. A refund to a card that cannot goes to the customer's
// account instead (the card was bought with the customer's own money).
// Read-only, on q.
func (s *Service) Spendable(ctx context.Context, q db.Querier, cardID string, at time.Time) (bool, error) {
	var until time.Time
	err := q.QueryRowContext(ctx, `SELECT expires_at FROM stored_value_cards WHERE id = $1`, cardID).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("card %s: %w", cardID, err)
	}
	return at.Before(until), nil
}

// lock reads and locks one card inside tx.
func (s *Service) lock(ctx context.Context, tx *sql.Tx, cardID string) (lockedCard, error) {
	var c lockedCard
	err := tx.QueryRowContext(ctx, `SELECT id, face_value, balance, status, version, effective_at, expires_at
		FROM stored_value_cards WHERE id = $1`+s.DB.ForUpdate(), cardID).
		Scan(&c.id, &c.face, &c.balance, &c.status, &c.version, &c.effectiveAt, &c.expiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrCardNotFound
	}
	if err != nil {
		return c, fmt.Errorf("lock card %s: %w", cardID, err)
	}
	return c, nil
}

// change applies a signed amount to a locked card: balance, status (2 at
// 0, else 1), version, and the ledger row. The update is guarded by the
// version read, so a write the lock did not stop is refused.
func (s *Service) change(ctx context.Context, tx *sql.Tx, c lockedCard, op string, amount int64, orderID string, now time.Time) error {
	after := c.balance + amount
	if after < 0 || after > c.face {
		return fmt.Errorf("card %s: balance %d %+d out of 0..%d", c.id, c.balance, amount, c.face)
	}
	status := StatusUsable
	if after == 0 {
		status = StatusUsedUp
	}
	res, err := tx.ExecContext(ctx, `UPDATE stored_value_cards SET balance = $1, status = $2, version = version + 1
		WHERE id = $3 AND version = $4`, after, status, c.id, c.version)
	if err != nil {
		return fmt.Errorf("update card %s: %w", c.id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrConflict
	}
	return writeLedger(ctx, tx, c.id, c.version+1, op, amount, c.balance, orderID, now)
}
