package order

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"partnercenter/internal/coupon"
)

// OrderCoupons lists the coupons that paid, or are held by, an order v may see
// (ListOrderCouponsByOrderId): the order's customer's coupons whose usage
// records or lock name the order. Empty until the order's payment uses
// coupons. ErrNotFound for an order not visible. Read-only.
func (s *Service) OrderCoupons(ctx context.Context, v Viewer, orderID string) ([]coupon.Coupon, error) {
	if orderID == "" || len(orderID) > 64 {
		return nil, errParam("order_id")
	}
	o, err := s.Get(ctx, v, orderID, "")
	if err != nil {
		return nil, err
	}
	list, _, err := s.Coupons.CustomerCoupons(ctx, o.CustomerID, coupon.CustomerCouponFilter{OrderID: o.ID, Limit: 100})
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []coupon.Coupon{}
	}
	return list, nil
}

// Discount is a discount an order may use or used (ListOrderDiscounts).
type Discount struct {
	ID    string
	Value string // the rate, e.g. "0.9"
	Type  int    // 3 partner-granted discount
}

// OrderDiscounts lists the discounts a paid order v may see used (at most
// one: the partner-granted discount); empty for an order paid without one
// or not paid yet. ErrNotFound for an order not visible. Read-only.
func (s *Service) OrderDiscounts(ctx context.Context, v Viewer, orderID string) ([]Discount, error) {
	if orderID == "" || len(orderID) > 64 {
		return nil, errParam("order_id")
	}
	if _, err := s.Get(ctx, v, orderID, ""); err != nil {
		return nil, err
	}
	rows, err := s.DB.SQL.QueryContext(ctx, `SELECT discount_id, discount_type, rate FROM order_discounts
		WHERE order_id = $1 ORDER BY discount_id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("order discounts: %w", err)
	}
	defer rows.Close()
	out := []Discount{}
	for rows.Next() {
		var d Discount
		var rate int64
		if err := rows.Scan(&d.ID, &d.Type, &rate); err != nil {
			return nil, err
		}
		d.Value = decimal.New(rate, -4).String()
		out = append(out, d)
	}
	return out, rows.Err()
}
