package coupon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/money"
)

// Reclaim takes a usable coupon's whole balance back to its quota
// (operation type 2) and returns the amount reclaimed. The caller must
// have issued it (or, with indirectPartnerID, its distributor acts for the
// reseller who did) and see its customer. Needs the reclaim permission.
//
// The balance returns to the quota while the quota can take it (not
// invalid, reclaimed or expired); otherwise it lapses to the cloud, which
// the ledger records with counterpart "cloud".
//
// Errors: ErrCouponNotFound, ErrNotYourReseller, ErrReclaimReferral
// (CBC.99000045) when the customer is now a referral customer of the
// partner, ErrNotReclaimable (CBC.99000048) when the coupon is expired,
// used up or reclaimed already, ErrCouponNotUsable while an order holds
// it. A second call for the same coupon gets ErrNotReclaimable: it never
// reclaims twice, even racing the expiry job.
func (s *Service) Reclaim(ctx context.Context, actor identity.Actor, couponID, indirectPartnerID string) (money.Amount, error) {
	if !actor.Can(identity.PermCouponReclaim) {
		return zero, identity.ErrForbidden
	}
	o, err := s.ownerFor(ctx, actor, indirectPartnerID)
	if err != nil {
		return zero, err
	}
	now := s.Clock.Now()
	var amount int64
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		c, err := s.lockCoupon(ctx, tx, "k.id = $1 AND k.partner_id = $2", couponID, o.partnerID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrCouponNotFound
		}
		if err != nil {
			return err
		}
		if !o.indirect && !actor.Scope.Allows(c.manager) {
			return ErrCouponNotFound
		}
		var typ customer.AssociationType
		err = tx.QueryRowContext(ctx, `SELECT type FROM customer_associations
			WHERE customer_id = $1 AND partner_id = $2 AND ended_at IS NULL`, c.customerID, o.partnerID).Scan(&typ)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		switch {
		case typ == customer.Referral:
			return ErrReclaimReferral
		case c.status != CouponUsable || !now.Before(c.expires):
			return ErrNotReclaimable
		case c.lockOrder != "":
			return ErrCouponNotUsable
		}
		amount, err = s.reclaimLocked(ctx, tx, c, OpManualReclaim, operatorName(actor), "", now)
		return err
	})
	if err != nil {
		return zero, err
	}
	return money.FromCents(amount), nil
}

// lockedCoupon is a coupon row locked for a balance change.
type lockedCoupon struct {
	id, quotaID, partnerID, customerID, manager, lockOrder string
	typ                                                    CouponType
	status                                                 CouponStatus
	balance, version                                       int64
	expires                                                time.Time
}

// lockCoupon reads (and on PostgreSQL locks) the coupons matching cond.
func (s *Service) lockCoupon(ctx context.Context, tx *sql.Tx, cond string, args ...any) (lockedCoupon, error) {
	cs, err := s.lockCoupons(ctx, tx, cond, args...)
	if err != nil {
		return lockedCoupon{}, err
	}
	if len(cs) == 0 {
		return lockedCoupon{}, sql.ErrNoRows
	}
	return cs[0], nil
}

func (s *Service) lockCoupons(ctx context.Context, tx *sql.Tx, cond string, args ...any) ([]lockedCoupon, error) {
	lock := ""
	if s.DB.ForUpdate() != "" {
		lock = " FOR UPDATE OF k"
	}
	rows, err := tx.QueryContext(ctx, `SELECT k.id, k.quota_id, k.partner_id, k.customer_id,
		COALESCE(c.account_manager_id, ''), k.lock_order_id, k.type, k.status, k.balance, k.version, k.expires_at
		FROM coupons k JOIN customers c ON c.id = k.customer_id WHERE `+cond+" ORDER BY k.id"+lock, args...)
	if err != nil {
		return nil, fmt.Errorf("lock coupons: %w", err)
	}
	defer rows.Close()
	var out []lockedCoupon
	for rows.Next() {
		var c lockedCoupon
		if err := rows.Scan(&c.id, &c.quotaID, &c.partnerID, &c.customerID, &c.manager, &c.lockOrder, &c.typ,
			&c.status, &c.balance, &c.version, &c.expires); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// reclaimLocked ends a locked usable coupon: its balance goes back to its
// quota (or lapses, see Reclaim), it becomes reclaimed (or expired, for
// OpExpiryReclaim), and the ledger and the operation log say so. It
// returns the amount taken from the coupon.
func (s *Service) reclaimLocked(ctx context.Context, tx *sql.Tx, c lockedCoupon, op OperationType, operator, remark string, now time.Time) (int64, error) {
	status, ledgerOp := CouponReclaimed, opReclaim
	if op == OpExpiryReclaim {
		status, ledgerOp = CouponExpired, opExpire
	}
	amount := c.balance
	res, err := tx.ExecContext(ctx, `UPDATE coupons SET balance = 0, reclaimed = reclaimed + $1, status = $2,
		reclaimed_at = $3, lock_order_id = '', version = version + 1 WHERE id = $4 AND status = 2 AND version = $5`,
		amount, status, now, c.id, c.version)
	if err != nil {
		return 0, fmt.Errorf("reclaim coupon %s: %w", c.id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return 0, ErrNotReclaimable
	}
	var qStatus QuotaStatus
	var qBalance, qVersion int64
	var qExpires time.Time
	var qType QuotaType
	if err := tx.QueryRowContext(ctx, `SELECT status, balance, version, expires_at, type FROM coupon_quotas WHERE id = $1`+
		s.DB.ForUpdate(), c.quotaID).Scan(&qStatus, &qBalance, &qVersion, &qExpires, &qType); err != nil {
		return 0, fmt.Errorf("lock quota %s: %w", c.quotaID, err)
	}
	reason := reclaimReason(op)
	entries := []entry{{kind: kindCoupon, account: c.id, version: c.version + 1, op: ledgerOp, amount: -amount,
		before: amount, counterpart: c.quotaID, reason: reason}}
	if amount > 0 && quotaUsable(qStatus, qExpires, now) {
		if _, err := tx.ExecContext(ctx, `UPDATE coupon_quotas SET balance = balance + $1, version = version + 1,
			updated_at = $2 WHERE id = $3`, amount, now, c.quotaID); err != nil {
			return 0, fmt.Errorf("credit quota %s: %w", c.quotaID, err)
		}
		entries = append(entries, entry{kind: kindQuota, account: c.quotaID, version: qVersion + 1, op: opReturn,
			amount: amount, before: qBalance, counterpart: c.id, reason: reason})
	} else if amount > 0 {
		entries[0].counterpart, entries[0].reason = counterpartCloud, reason+": quota no longer valid, lapsed"
	}
	if err := s.writeLedger(ctx, tx, operator, now, entries); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO coupon_records (id, partner_id, operation_type, quota_id, quota_type,
		coupon_id, customer_id, amount, operator, succeeded, remark, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, $11)`, ids.New(), c.partnerID, int(op), c.quotaID,
		int(qType), c.id, c.customerID, amount, operator, remark, now); err != nil {
		return 0, fmt.Errorf("record reclaim: %w", err)
	}
	return amount, nil
}

func reclaimReason(op OperationType) string {
	switch op {
	case OpManualReclaim:
		return "manual reclaim"
	case OpUnbindReclaim:
		return "disassociate"
	case OpSwitchReclaim:
		return "switch_type"
	case OpExpiryReclaim:
		return "expired"
	}
	return fmt.Sprintf("operation %d", op)
}

// OnDisassociated reclaims, inside the customer domain's completing
// transaction, every usable coupon the partner issued to the customer:
// operation type 3 for reason "disassociate", 8 for "switch_type"
// (customer.DisassociationHook). Balances return to their quotas as in
// Reclaim. Idempotent: a second call finds nothing usable.
func (s *Service) OnDisassociated(ctx context.Context, tx *sql.Tx, customerID, partnerID, reason string) error {
	op := OpUnbindReclaim
	if reason == string(customer.ChangeSwitchType) {
		op = OpSwitchReclaim
	}
	cs, err := s.lockCoupons(ctx, tx, "k.customer_id = $1 AND k.partner_id = $2 AND k.status = 2", customerID, partnerID)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	for _, c := range cs {
		if _, err := s.reclaimLocked(ctx, tx, c, op, systemOperator, reason, now); err != nil {
			return fmt.Errorf("reclaim coupon %s on %s: %w", c.id, reason, err)
		}
	}
	return nil
}
