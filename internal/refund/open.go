package refund

import (
	"context"
	"database/sql"
	"time"
)

// scaffold: helper B implements it.
func (s *Service) OrderPaid(ctx context.Context, tx *sql.Tx, orderID string, at time.Time) error {
	return nil
}
