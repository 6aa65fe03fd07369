package card

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
)

// scaffold: helper C implements these.
func (s *Service) CardBalance(ctx context.Context, q db.Querier, customerID string, at time.Time) (money.Amount, error) {
	return money.Amount{}, errors.New("card: not built yet")
}

func (s *Service) SpendCardsTx(ctx context.Context, tx *sql.Tx, customerID, orderID string, amount money.Amount) ([]payment.CardUse, error) {
	return nil, errors.New("card: not built yet")
}

// RefundTx gives amount back to card cardID inside tx (an unsubscribe
// order orderID refunds what the card paid), with its card_ledger row; a
// used-up card becomes usable again. scaffold: helper C implements it.
func (s *Service) RefundTx(ctx context.Context, tx *sql.Tx, cardID, orderID string, amount money.Amount) error {
	return errors.New("card: not built yet")
}
