package refund

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"partnercenter/internal/order"
	"partnercenter/internal/platform/ids"
)

// OrderPaid implements payment.PaidHook: inside the payment's transaction,
// every line of a paid new-purchase order (order_type 1) opens one
// customer resource, active from at until its period (period_num months
// or years) ends, with the line's quantity and size; the line's effective
// and expiry times are set to the resource's. Other order types open
// nothing. An error rolls the payment back.
func (s *Service) OrderPaid(ctx context.Context, tx *sql.Tx, o order.Order, lines []order.LineItem, at time.Time) error {
	if o.Type != order.TypeNew {
		return nil
	}
	at = at.UTC()
	for _, l := range lines {
		exp := periodEnd(at, l.PeriodType, l.PeriodNum)
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_resources (id, customer_id, order_id, line_item_id,
			service_type_code, resource_type_code, resource_spec_code, region_code, quantity, resource_size, status,
			effective_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			ids.New(), o.CustomerID, o.ID, l.ID, l.ServiceTypeCode, l.ResourceTypeCode, l.SpecCode, l.Region,
			l.Quantity, l.ResourceSize, StatusActive, at, exp); err != nil {
			return fmt.Errorf("open resource: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE order_line_items SET effective_time = $1, expire_time = $2 WHERE id = $3`,
			at, exp, l.ID); err != nil {
			return fmt.Errorf("date order line: %w", err)
		}
	}
	return nil
}

// periodEnd is when a period of num months (order.PeriodMonth) or years
// (order.PeriodYear) starting at from ends.
func periodEnd(from time.Time, periodType, num int) time.Time {
	if periodType == order.PeriodYear {
		return from.AddDate(num, 0, 0)
	}
	return from.AddDate(0, num, 0)
}
