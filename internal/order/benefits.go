package order

import (
	"context"

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

// OrderDiscounts lists the discounts of an order v may see. No discount applies
// to orders until the payment part installs the Discounter, so the list is
// empty; ErrNotFound for an order not visible. Read-only.
func (s *Service) OrderDiscounts(ctx context.Context, v Viewer, orderID string) ([]Discount, error) {
	if orderID == "" || len(orderID) > 64 {
		return nil, errParam("order_id")
	}
	if _, err := s.Get(ctx, v, orderID, ""); err != nil {
		return nil, err
	}
	return []Discount{}, nil
}
