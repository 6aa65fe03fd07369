package card

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
)

// MaxLimit is the largest page of List (the API's limit 1–100).
const MaxLimit = 100

// Filter is ListStoredValueCards' query. Status 1 lists usable cards, 2
// used-up and expired ones, 0 (the portal) every card; an empty CardID
// does not filter. Limit defaults to 10.
type Filter struct {
	Status        int
	CardID        string
	Offset, Limit int
}

// List returns the customer's own cards matching f, newest first, and
// how many match in all; the customer's scope is in the SQL, so another
// customer's card is never found. Errors: CBC.0100 naming status, offset
// or limit. Read-only.
func (s *Service) List(ctx context.Context, customerID string, f Filter) ([]Card, int, error) {
	switch {
	case f.Status < statusAnyCard || f.Status > StatusUsedUp:
		return nil, 0, errParam("status")
	case f.Offset < 0:
		return nil, 0, errParam("offset")
	case f.Limit < 0 || f.Limit > MaxLimit:
		return nil, 0, errParam("limit")
	case len(f.CardID) > 64:
		return nil, 0, errParam("card_id")
	}
	if f.Limit == 0 {
		f.Limit = 10
	}
	now := s.Clock.Now().UTC()
	w := db.NewWhere("customer_id = ?", customerID)
	switch f.Status {
	case StatusUsable:
		w.Add("status = 1 AND expires_at > ?", now)
	case StatusUsedUp:
		w.Add("(status = 2 OR expires_at <= ?)", now)
	}
	if f.CardID != "" {
		w.Add("id = ?", f.CardID)
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM stored_value_cards"+w.SQL(), w.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count cards: %w", err)
	}
	page, args := w.Page(f.Limit, f.Offset)
	rows, err := s.DB.QueryContext(ctx, `SELECT id, customer_id, name, face_value, balance, status, effective_at, expires_at, created_at
		FROM stored_value_cards`+w.SQL()+` ORDER BY created_at DESC, id DESC`+page, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list cards: %w", err)
	}
	defer rows.Close()
	var out []Card
	for rows.Next() {
		c, err := scanCard(rows, now)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// scanCard reads a card row and derives what its owner sees: a card past
// its expiry shows as status 2 and Expired.
func scanCard(row interface{ Scan(...any) error }, now time.Time) (Card, error) {
	var c Card
	var face, bal int64
	if err := row.Scan(&c.ID, &c.CustomerID, &c.Name, &face, &bal, &c.Status, &c.EffectiveAt, &c.ExpiresAt, &c.CreatedAt); err != nil {
		return c, err
	}
	c.FaceValue, c.Balance = money.FromCents(face), money.FromCents(bal)
	c.EffectiveAt, c.ExpiresAt, c.CreatedAt = c.EffectiveAt.UTC(), c.ExpiresAt.UTC(), c.CreatedAt.UTC()
	if !now.Before(c.ExpiresAt) {
		c.Expired, c.Status = true, StatusUsedUp
	}
	return c, nil
}

// Entry is one row of a card's ledger as its owner sees it: what a
// purchase, a payment or a refund did to the card.
type Entry struct {
	Version   int64
	Operation string // OpPurchase, OpSpend or OpRefund
	Amount    money.Amount
	Balance   money.Amount // after the change
	OrderID   string
	CreatedAt time.Time
}

// Records returns one of the customer's own cards and its ledger, newest
// first. Errors: ErrCardNotFound, also for another customer's card.
// Read-only.
func (s *Service) Records(ctx context.Context, customerID, cardID string) (Card, []Entry, error) {
	now := s.Clock.Now().UTC()
	c, err := scanCard(s.DB.QueryRowContext(ctx, `SELECT id, customer_id, name, face_value, balance, status, effective_at,
		expires_at, created_at FROM stored_value_cards WHERE id = $1 AND customer_id = $2`, cardID, customerID), now)
	if errors.Is(err, sql.ErrNoRows) {
		return Card{}, nil, ErrCardNotFound
	}
	if err != nil {
		return Card{}, nil, fmt.Errorf("read card: %w", err)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT version, operation, amount, balance_after, order_id, created_at
		FROM card_ledger WHERE card_id = $1 ORDER BY version DESC`, c.ID)
	if err != nil {
		return Card{}, nil, fmt.Errorf("read card ledger: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var amount, after int64
		if err := rows.Scan(&e.Version, &e.Operation, &amount, &after, &e.OrderID, &e.CreatedAt); err != nil {
			return Card{}, nil, err
		}
		e.Amount, e.Balance, e.CreatedAt = money.FromCents(amount), money.FromCents(after), e.CreatedAt.UTC()
		out = append(out, e)
	}
	return c, out, rows.Err()
}
