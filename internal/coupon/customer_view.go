package coupon

import (
	"context"
	"database/sql"
	"errors"

	"partnercenter/internal/platform/db"
)

// CustomerCoupons lists a customer's own coupons from every partner,
// newest first; reclaimed ones are not shown and partners' remarks never
// are. The caller has authenticated the customer. Read-only.
func (s *Service) CustomerCoupons(ctx context.Context, customerID string, f CustomerCouponFilter) ([]Coupon, int, error) {
	w := (&db.Where{}).Add("k.customer_id = ?", customerID).Add("k.status <> 5")
	if f.CouponID != "" {
		w.Add("k.id = ?", f.CouponID)
	}
	if f.Type != nil {
		w.Add("k.type = ?", int(*f.Type))
	}
	if f.Status != nil {
		w.Add("k.status = ?", int(*f.Status))
	}
	if f.OrderID != "" {
		w.Add("(k.lock_order_id = ? OR EXISTS (SELECT 1 FROM coupon_usages u WHERE u.coupon_id = k.id AND u.order_id = ?))",
			f.OrderID, f.OrderID)
	}
	w.TimeRange("k.created_at", f.ActiveFrom, f.ActiveTo)
	cs, total, err := s.listCoupons(ctx, w, f.Offset, f.Limit)
	for i := range cs {
		cs[i].Remark = ""
	}
	return cs, total, err
}

// CustomerCoupon returns one of a customer's coupons with its usage
// records; ErrCouponNotFound for another's or a reclaimed one. Read-only.
func (s *Service) CustomerCoupon(ctx context.Context, customerID, couponID string) (Coupon, []Usage, error) {
	c, err := scanCoupon(s.DB.SQL.QueryRowContext(ctx, "SELECT "+couponColumns+couponFrom+
		" WHERE k.id = $1 AND k.customer_id = $2 AND k.status <> 5", couponID, customerID))
	if errors.Is(err, sql.ErrNoRows) {
		return Coupon{}, nil, ErrCouponNotFound
	}
	if err != nil {
		return Coupon{}, nil, err
	}
	c.Remark = ""
	u, err := usages(ctx, s.DB.SQL, c.ID)
	return c, u, err
}
