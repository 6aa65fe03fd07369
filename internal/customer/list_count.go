package customer

import (
	"context"
	"fmt"
)

// countCurrent runs count, a COUNT(*) over partnerID's current customers
// with the list's conditions and args.
func (s *Service) countCurrent(ctx context.Context, partnerID, count string, args []any) (int, error) {
	var total int
	if err := s.db.SQL.QueryRowContext(ctx, count, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count customers: %w", err)
	}
	return total, nil
}
