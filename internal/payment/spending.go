package payment

import (
	"context"
	"fmt"

	"partnercenter/internal/platform/db"
)

// HasCashSpending implements prospect.SpendingChecker: whether the
// customer account has cash spending (现金消费) — an order paid at least
// partly with money: its account balance, a stored-value card (card
// spending counts as cash, console.md §4.5) or its partner's payment.
// Coupons are benefits, not cash. q is the caller's transaction.
func (s *Service) HasCashSpending(ctx context.Context, q db.Querier, customerID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM orders o JOIN order_payments p ON p.order_id = o.id
		WHERE o.customer_id = $1 AND p.source IN ($2, $3, $4) LIMIT 1) x`,
		customerID, SourceCustomer, SourceCard, SourcePartner).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("cash spending: %w", err)
	}
	return n > 0, nil
}
