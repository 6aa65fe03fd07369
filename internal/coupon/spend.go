package coupon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/money"
)

// Spend pays amount of an order with a coupon inside the caller's (the
// commerce domain's payment) transaction: the coupon's balance drops, its
// used amount grows, a usage record and a ledger row are written, and the
// coupon becomes used up (3) at zero. The coupon must be usable, effective
// and not expired, and free or held by this very order (a lock is
// released by the payment). The order's customer and the coupon's limits
// are the caller's to check. Errors: ErrCouponNotFound, ErrCouponNotUsable,
// ErrCouponBalance (CBC.99005003), CBC.0100 for a non-positive amount. Not
// idempotent: each call spends.
func (s *Service) Spend(ctx context.Context, tx *sql.Tx, couponID, orderID string, amount money.Amount) error {
	if amount.Cmp(zero) <= 0 {
		return errParam("amount")
	}
	if orderID == "" {
		return errParam("order_id")
	}
	now := s.Clock.Now()
	var status CouponStatus
	var balance, version int64
	var lockOrder string
	var from, until = now, now
	err := tx.QueryRowContext(ctx, `SELECT status, balance, version, lock_order_id, effective_at, expires_at
		FROM coupons WHERE id = $1`+s.DB.ForUpdate(), couponID).Scan(&status, &balance, &version, &lockOrder, &from, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrCouponNotFound
	}
	if err != nil {
		return fmt.Errorf("lock coupon %s: %w", couponID, err)
	}
	if status != CouponUsable || now.Before(from) || !now.Before(until) || (lockOrder != "" && lockOrder != orderID) {
		return ErrCouponNotUsable
	}
	cents := amount.Cents()
	if cents > balance {
		return ErrCouponBalance
	}
	next := CouponUsable
	if cents == balance {
		next = CouponUsedUp
	}
	if _, err := tx.ExecContext(ctx, `UPDATE coupons SET balance = balance - $1, used = used + $1, status = $2,
		last_used_at = $3, lock_order_id = '', version = version + 1 WHERE id = $4`, cents, next, now, couponID); err != nil {
		return fmt.Errorf("spend coupon %s: %w", couponID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO coupon_usages (id, coupon_id, order_id, amount, used_at)
		VALUES ($1, $2, $3, $4, $5)`, ids.New(), couponID, orderID, cents, now); err != nil {
		return fmt.Errorf("record usage: %w", err)
	}
	return s.writeLedger(ctx, tx, "order:"+orderID, now, []entry{{kind: kindCoupon, account: couponID,
		version: version + 1, op: opSpend, amount: -cents, before: balance, counterpart: orderID, reason: "payment"}})
}

// Lock holds a usable coupon for an order awaiting payment, so no other
// order can use it; locking it again for the same order is a no-op
// (idempotent). ErrCouponNotFound, ErrCouponNotUsable (not usable, expired
// or held by another order). Runs in the caller's transaction.
func (s *Service) Lock(ctx context.Context, tx *sql.Tx, couponID, orderID string) error {
	if orderID == "" {
		return errParam("order_id")
	}
	now := s.Clock.Now()
	res, err := tx.ExecContext(ctx, `UPDATE coupons SET lock_order_id = $1 WHERE id = $2 AND status = 2
		AND effective_at <= $3 AND expires_at > $3 AND (lock_order_id = '' OR lock_order_id = $1)`, orderID, couponID, now)
	if err != nil {
		return fmt.Errorf("lock coupon %s: %w", couponID, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var exists int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM coupons WHERE id = $1", couponID).Scan(&exists); err != nil {
		return err
	}
	if exists == 0 {
		return ErrCouponNotFound
	}
	return ErrCouponNotUsable
}

// Unlock releases a coupon an order holds (the order was cancelled);
// a coupon not held by orderID is left alone. Idempotent.
func (s *Service) Unlock(ctx context.Context, tx *sql.Tx, couponID, orderID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE coupons SET lock_order_id = '' WHERE id = $1 AND lock_order_id = $2`,
		couponID, orderID)
	return err
}

// CustomerCouponTx reads one of a customer's coupons (not reclaimed) inside
// the caller's transaction, for a payment that locks and spends it in the
// same one; the remark, the partner's own, is left out.
// ErrCouponNotFound for another customer's or a reclaimed one.
func (s *Service) CustomerCouponTx(ctx context.Context, tx *sql.Tx, customerID, couponID string) (Coupon, error) {
	c, err := scanCoupon(tx.QueryRowContext(ctx, "SELECT "+couponColumns+
		" FROM coupons k WHERE k.id = $1 AND k.customer_id = $2 AND k.status <> 5", couponID, customerID))
	if errors.Is(err, sql.ErrNoRows) {
		return Coupon{}, ErrCouponNotFound
	}
	if err != nil {
		return Coupon{}, fmt.Errorf("load coupon %s: %w", couponID, err)
	}
	c.Remark = ""
	return c, nil
}
