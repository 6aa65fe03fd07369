package coupon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/money"
)

// opRefund is the ledger operation of an unsubscription giving part of a
// payment back to the coupon that paid it:
//
//	refund         coupon +amount     an unsubscribe order (commerce's refund)
//
// It undoes part of a spend: the coupon's balance grows and its used
// amount shrinks by the same amount, and a usage record with the negative
// amount (naming the unsubscribe order) keeps used equal to the usage
// records; VerifyLedger counts it against the coupon's payments.
const opRefund = "refund"

// Refundable reports whether coupon couponID can take money back at at:
// it exists, is neither reclaimed nor expired (by status or by date), and
// its customer is still a reseller-model customer of the partner that
// issued it — a customer that left keeps none of the partner's coupon
// money, even on a coupon it had used up before leaving (the
// disassociation reclaimed only usable ones). Read-only, on q (a
// transaction or the pool); RefundTx decides again, holding the
// association.
func (s *Service) Refundable(ctx context.Context, q db.Querier, couponID string, at time.Time) (bool, error) {
	var status CouponStatus
	var until time.Time
	var partnerID string
	var current sql.NullString
	var typ sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT k.status, k.expires_at, k.partner_id, a.partner_id, a.type FROM coupons k
		LEFT JOIN customer_associations a ON a.customer_id = k.customer_id AND a.ended_at IS NULL
		WHERE k.id = $1`, couponID).Scan(&status, &until, &partnerID, &current, &typ)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("coupon %s: %w", couponID, err)
	}
	return refundable(status, until, at) && current.String == partnerID &&
		customer.AssociationType(typ.Int64) == customer.Reseller, nil
}

func refundable(status CouponStatus, until, at time.Time) bool {
	return (status == CouponUsable || status == CouponUsedUp) && at.Before(until)
}

// RefundTx gives amount back to coupon couponID inside the caller's (the
// refund domain's unsubscription) transaction: balance +amount, used
// −amount, a used-up coupon usable again, a negative usage record naming
// the unsubscribe order orderID, and a 'refund' ledger row. It returns
// false and writes nothing when the coupon can no longer take money back
// (reclaimed, expired by status or date, or its customer has left the
// issuing partner's reseller model): the caller decides what
// happens to that share (the refund domain lets it lapse). Errors:
// CBC.0100 for a non-positive amount or one above what the coupon has
// paid. Not idempotent: each call refunds.
func (s *Service) RefundTx(ctx context.Context, tx *sql.Tx, couponID, orderID string, amount money.Amount) (bool, error) {
	if amount.Cmp(zero) <= 0 {
		return false, errParam("amount")
	}
	if orderID == "" {
		return false, errParam("order_id")
	}
	now := s.Clock.Now()
	// Whose coupon it is never changes. The association is held first —
	// in a disassociation's lock order, association then coupons — until
	// the refund commits: a disassociation completing at the same time then
	// reclaims the coupon the refund made usable again.
	var customerID, partnerID string
	err := tx.QueryRowContext(ctx, `SELECT customer_id, partner_id FROM coupons WHERE id = $1`, couponID).
		Scan(&customerID, &partnerID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("coupon %s: %w", couponID, err)
	}
	a, ok, err := customer.HoldAssociation(ctx, s.DB, tx, customerID)
	if err != nil || !ok || a.PartnerID != partnerID || a.Type != customer.Reseller {
		return false, err
	}
	var status CouponStatus
	var balance, used, version int64
	var until time.Time
	err = tx.QueryRowContext(ctx, `SELECT status, balance, used, version, expires_at FROM coupons WHERE id = $1`+
		s.DB.ForUpdate(), couponID).Scan(&status, &balance, &used, &version, &until)
	if err != nil {
		return false, fmt.Errorf("lock coupon %s: %w", couponID, err)
	}
	if !refundable(status, until, now) {
		return false, nil
	}
	cents := amount.Cents()
	if cents > used {
		return false, errParam("amount")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE coupons SET balance = balance + $1, used = used - $1, status = $2,
		version = version + 1 WHERE id = $3`, cents, CouponUsable, couponID); err != nil {
		return false, fmt.Errorf("refund coupon %s: %w", couponID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO coupon_usages (id, coupon_id, order_id, amount, used_at)
		VALUES ($1, $2, $3, $4, $5)`, ids.New(), couponID, orderID, -cents, now); err != nil {
		return false, fmt.Errorf("record refund usage: %w", err)
	}
	return true, s.writeLedger(ctx, tx, "order:"+orderID, now, []entry{{kind: kindCoupon, account: couponID,
		version: version + 1, op: opRefund, amount: cents, before: balance, counterpart: orderID, reason: "refund"}})
}
