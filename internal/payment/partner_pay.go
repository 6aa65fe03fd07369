package payment

import (
	"context"
	"database/sql"

	"partnercenter/internal/customer"
)

// scaffold: helper A implements it.
func (s *Service) CheckDisassociation(ctx context.Context, tx *sql.Tx, customerID, partnerID string, kind customer.ChangeKind) error {
	return nil
}
