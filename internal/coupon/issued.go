package coupon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

const couponFrom = ` FROM coupons k JOIN customers c ON c.id = k.customer_id`

// ListIssued lists the coupons the caller issued (or, with
// IndirectPartnerID, a distributor's reseller issued), newest first,
// restricted to the member's data scope. Needs the issued-coupon view
// permission. Reclaimed coupons stay listed. Read-only.
func (s *Service) ListIssued(ctx context.Context, actor identity.Actor, f CouponFilter) ([]Coupon, int, error) {
	if !actor.Can(identity.PermCouponIssuedView) {
		return nil, 0, identity.ErrForbidden
	}
	o, err := s.ownerFor(ctx, actor, f.IndirectPartnerID)
	if err != nil {
		return nil, 0, err
	}
	w := (&db.Where{}).Add("k.partner_id = ?", o.partnerID)
	if !o.indirect {
		w.Scope(actor.Scope.SQL("c.account_manager_id", len(w.Args())+1))
	}
	if f.CouponID != "" {
		w.Add("k.id = ?", f.CouponID)
	}
	if f.CustomerID != "" {
		w.Add("k.customer_id = ?", f.CustomerID)
	}
	if f.OrderID != "" {
		w.Add("(k.lock_order_id = ? OR EXISTS (SELECT 1 FROM coupon_usages u WHERE u.coupon_id = k.id AND u.order_id = ?))",
			f.OrderID, f.OrderID)
	}
	if f.Type != nil {
		w.Add("k.type = ?", int(*f.Type))
	}
	if f.Status != nil {
		w.Add("k.status = ?", int(*f.Status))
	}
	if f.QuotaID != "" {
		w.Add("k.quota_id = ?", f.QuotaID)
	}
	w.TimeRange("k.created_at", f.CreatedFrom, f.CreatedTo)
	w.TimeRange("k.effective_at", f.EffectiveFrom, f.EffectiveTo)
	w.TimeRange("k.expires_at", f.ExpiresFrom, f.ExpiresTo)
	return s.listCoupons(ctx, w, f.Offset, f.Limit)
}

func (s *Service) listCoupons(ctx context.Context, w *db.Where, offset, limit int) ([]Coupon, int, error) {
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*)"+couponFrom+w.SQL(), w.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count coupons: %w", err)
	}
	pg, args := w.Page(pageLimit(offset, limit))
	rows, err := s.DB.SQL.QueryContext(ctx, "SELECT "+couponColumns+couponFrom+w.SQL()+
		" ORDER BY k.created_at DESC, k.id DESC"+pg, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list coupons: %w", err)
	}
	defer rows.Close()
	var out []Coupon
	for rows.Next() {
		c, err := scanCoupon(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// IssuedCoupon returns one coupon the caller issued (within its data
// scope) with its usage records, oldest first. ErrCouponNotFound for any
// other. Read-only.
func (s *Service) IssuedCoupon(ctx context.Context, actor identity.Actor, id string) (Coupon, []Usage, error) {
	if !actor.Can(identity.PermCouponIssuedView) || actor.PartnerID == "" {
		return Coupon{}, nil, identity.ErrForbidden
	}
	w := (&db.Where{}).Add("k.id = ?", id).Add("k.partner_id = ?", actor.PartnerID)
	w.Scope(actor.Scope.SQL("c.account_manager_id", len(w.Args())+1))
	c, err := scanCoupon(s.DB.SQL.QueryRowContext(ctx, "SELECT "+couponColumns+couponFrom+w.SQL(), w.Args()...))
	if errors.Is(err, sql.ErrNoRows) {
		return Coupon{}, nil, ErrCouponNotFound
	}
	if err != nil {
		return Coupon{}, nil, err
	}
	u, err := usages(ctx, s.DB.SQL, c.ID)
	return c, u, err
}

// usages reads a coupon's usage records, oldest first.
func usages(ctx context.Context, q db.Querier, couponID string) ([]Usage, error) {
	rows, err := q.QueryContext(ctx, `SELECT coupon_id, order_id, amount, used_at FROM coupon_usages
		WHERE coupon_id = $1 ORDER BY used_at, id`, couponID)
	if err != nil {
		return nil, fmt.Errorf("coupon usages: %w", err)
	}
	defer rows.Close()
	var out []Usage
	for rows.Next() {
		var u Usage
		if err := rows.Scan(&u.CouponID, &u.OrderID, &u.Amount, &u.At); err != nil {
			return nil, err
		}
		u.At = u.At.UTC()
		out = append(out, u)
	}
	return out, rows.Err()
}
