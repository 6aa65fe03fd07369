package coupon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/money"
)

// maxResellerBatch bounds the resellers or quotas of one call.
const maxResellerBatch = 100

// IssueQuotaToResellers carves a child quota of amount out of one of the
// distributor's own quotas for each of its cloud resellers (operation type
// 10): same type, limits and validity as the parent, parent_quota_id set,
// the parent debited in the same transaction. Distributors only, with the
// quota view and the issue permission of the quota's type.
//
// Errors: CBC.0100 (amount, reseller list), ErrQuotaNotFound,
// ErrQuotaNotIssuable (CBC.99000015, status not normal),
// ErrQuotaNotEffective (CBC.99000017), ErrBalance (CBC.99000013) when the
// balance does not cover every valid reseller (nothing is carved then);
// per reseller ErrNotYourReseller (CBC.99000037). Not idempotent: each
// call carves new quotas.
func (s *Service) IssueQuotaToResellers(ctx context.Context, actor identity.Actor, quotaID string, resellerIDs []string, amount money.Amount) ([]QuotaIssued, []ItemError, error) {
	if err := requireDistributor(actor, identity.PermCouponQuotaView); err != nil {
		return nil, nil, err
	}
	resellers := uniq(resellerIDs)
	switch {
	case len(resellers) == 0 || len(resellerIDs) > maxResellerBatch:
		return nil, nil, errParam("indirect_partner_ids")
	case amount.Cmp(zero) <= 0:
		return nil, nil, errParam("quota_amount")
	}
	if _, err := s.requireActive(ctx, actor.PartnerID); err != nil {
		return nil, nil, err
	}
	parent, err := s.ownQuota(ctx, actor.PartnerID, quotaID)
	if err != nil {
		return nil, nil, err
	}
	if parent.ParentQuotaID != "" {
		return nil, nil, ErrQuotaNotFound
	}
	if !actor.Can(issuePerm(parent.Type)) {
		return nil, nil, identity.ErrForbidden
	}
	w := (&db.Where{}).Add("parent_id = ?", actor.PartnerID).Add("type = ?", string(identity.CloudReseller))
	w.In("id", anys(resellers))
	rows, err := s.DB.SQL.QueryContext(ctx, "SELECT id FROM partners"+w.SQL(), w.Args()...)
	if err != nil {
		return nil, nil, fmt.Errorf("check resellers: %w", err)
	}
	mine := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, nil, err
		}
		mine[id] = true
	}
	rows.Close()
	var ok []string
	var bad []ItemError
	for _, id := range resellers {
		if mine[id] {
			ok = append(ok, id)
		} else {
			bad = append(bad, ItemError{ID: id, Err: ErrNotYourReseller})
		}
	}
	if len(ok) == 0 {
		return nil, bad, nil
	}
	now, cents, operator := s.Clock.Now(), amount.Cents(), operatorName(actor)
	var out []QuotaIssued
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var status QuotaStatus
		var balance, version int64
		var from, until time.Time
		err := tx.QueryRowContext(ctx, `SELECT status, balance, version, effective_at, expires_at FROM coupon_quotas
			WHERE id = $1 AND partner_id = $2`+s.DB.ForUpdate(), parent.ID, actor.PartnerID).
			Scan(&status, &balance, &version, &from, &until)
		if err != nil {
			return fmt.Errorf("lock quota %s: %w", parent.ID, err)
		}
		if status != QuotaNormal {
			return ErrQuotaNotIssuable
		}
		if now.Before(from) || !now.Before(until) {
			return ErrQuotaNotEffective
		}
		total := cents * int64(len(ok))
		if balance < total {
			return ErrBalance
		}
		limits := encodeLimits(parent.Limits)
		var quotas, records [][]any
		var entries []entry
		for i, reseller := range ok {
			id := ids.New()
			out = append(out, QuotaIssued{ResellerID: reseller, QuotaID: id})
			quotas = append(quotas, []any{id, reseller, parent.ID, int(parent.Type), cents, cents, "CNY", 0, limits,
				operator, 1, parent.EffectiveAt, parent.ExpiresAt, now, now})
			records = append(records, []any{ids.New(), actor.PartnerID, id, parent.ID, reseller, int(OpQuotaIssue), cents,
				operator, true, "", now})
			entries = append(entries,
				entry{kind: kindQuota, account: parent.ID, version: version + int64(i) + 1, op: opCarve, amount: -cents,
					before: balance - cents*int64(i), counterpart: id},
				entry{kind: kindQuota, account: id, version: 1, op: opCarve, amount: cents, counterpart: parent.ID})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE coupon_quotas SET balance = balance - $1, version = version + $2,
			updated_at = $3 WHERE id = $4`, total, len(ok), now, parent.ID); err != nil {
			return err
		}
		if err := s.insertRows(ctx, tx, "coupon_quotas", []string{"id", "partner_id", "parent_quota_id", "type", "value",
			"balance", "currency", "status", "limits", "granted_by", "version", "effective_at", "expires_at", "created_at",
			"updated_at"}, quotas); err != nil {
			return err
		}
		if err := s.insertRows(ctx, tx, "quota_records", quotaRecordCols, records); err != nil {
			return err
		}
		return s.writeLedger(ctx, tx, operator, now, entries)
	})
	if err != nil {
		return nil, nil, err
	}
	return out, bad, nil
}

var quotaRecordCols = []string{"id", "partner_id", "quota_id", "parent_quota_id", "reseller_id", "operation_type",
	"amount", "operator", "succeeded", "remark", "created_at"}

// ReclaimResellerQuotas takes resellers' whole remaining quotas back to
// the distributor's parent quotas (operation type 11): each becomes
// reclaimed (6) with a zero balance, the balance returning to its parent
// while the parent can take it (else it lapses, as in Reclaim). Coupons
// already issued from a reclaimed quota stay with their customers.
// Distributors only, with the reclaim permission. Per quota
// ErrQuotaNotFound (CBC.99000012) when it is not one of the distributor's
// resellers' quotas or not normal. Not idempotent in its answer: a second
// call gets CBC.99000012 for quotas already reclaimed.
func (s *Service) ReclaimResellerQuotas(ctx context.Context, actor identity.Actor, quotaIDs []string, remark string) ([]ReclaimedQuota, []ItemError, error) {
	if err := requireDistributor(actor, identity.PermCouponReclaim); err != nil {
		return nil, nil, err
	}
	// Sorted, so two batches lock reseller quotas in the same order.
	quotas := uniq(quotaIDs)
	slices.Sort(quotas)
	switch {
	case len(quotas) == 0 || len(quotaIDs) > maxResellerBatch:
		return nil, nil, errParam("quota_ids")
	case len([]rune(remark)) > maxRemark:
		return nil, nil, errParam("remark")
	}
	now, operator := s.Clock.Now(), operatorName(actor)
	var out []ReclaimedQuota
	var bad []ItemError
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		out, bad = nil, nil
		for _, id := range quotas {
			amount, err := s.reclaimResellerQuota(ctx, tx, actor.PartnerID, id, operator, remark, now)
			if errors.Is(err, ErrQuotaNotFound) {
				bad = append(bad, ItemError{ID: id, Err: err})
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, ReclaimedQuota{QuotaID: id, Balance: money.FromCents(amount)})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, bad, nil
}

func (s *Service) reclaimResellerQuota(ctx context.Context, tx *sql.Tx, distributorID, id, operator, remark string, now time.Time) (int64, error) {
	lock := ""
	if s.DB.ForUpdate() != "" {
		lock = " FOR UPDATE OF q"
	}
	var status QuotaStatus
	var balance, version int64
	var parentID, resellerID string
	err := tx.QueryRowContext(ctx, `SELECT q.status, q.balance, q.version, q.parent_quota_id, q.partner_id
		FROM coupon_quotas q JOIN coupon_quotas pq ON pq.id = q.parent_quota_id
		WHERE q.id = $1 AND pq.partner_id = $2`+lock, id, distributorID).Scan(&status, &balance, &version, &parentID, &resellerID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrQuotaNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("lock reseller quota %s: %w", id, err)
	}
	if status != QuotaNormal {
		return 0, ErrQuotaNotFound
	}
	if _, err := tx.ExecContext(ctx, `UPDATE coupon_quotas SET balance = 0, status = 6, version = version + 1,
		updated_at = $1 WHERE id = $2`, now, id); err != nil {
		return 0, err
	}
	var pStatus QuotaStatus
	var pBalance, pVersion int64
	var pExpires time.Time
	if err := tx.QueryRowContext(ctx, `SELECT status, balance, version, expires_at FROM coupon_quotas WHERE id = $1`+
		s.DB.ForUpdate(), parentID).Scan(&pStatus, &pBalance, &pVersion, &pExpires); err != nil {
		return 0, fmt.Errorf("lock quota %s: %w", parentID, err)
	}
	entries := []entry{{kind: kindQuota, account: id, version: version + 1, op: opQuotaReclaim, amount: -balance,
		before: balance, counterpart: parentID, reason: remark}}
	if balance > 0 && quotaUsable(pStatus, pExpires, now) {
		if _, err := tx.ExecContext(ctx, `UPDATE coupon_quotas SET balance = balance + $1, version = version + 1,
			updated_at = $2 WHERE id = $3`, balance, now, parentID); err != nil {
			return 0, err
		}
		entries = append(entries, entry{kind: kindQuota, account: parentID, version: pVersion + 1, op: opReturn,
			amount: balance, before: pBalance, counterpart: id, reason: remark})
	} else if balance > 0 {
		entries[0].counterpart = counterpartCloud
		entries[0].reason = "parent quota no longer valid, lapsed"
	}
	if err := s.writeLedger(ctx, tx, operator, now, entries); err != nil {
		return 0, err
	}
	err = s.insertRows(ctx, tx, "quota_records", quotaRecordCols, [][]any{{ids.New(), distributorID, id, parentID,
		resellerID, int(OpQuotaReclaim), balance, operator, true, remark, now}})
	return balance, err
}

// ListIssuedQuotas lists the quotas the distributor gave its resellers,
// reclaimed ones included, newest first, with each reseller's name and
// account name. Distributors only, with the quota view permission.
// Read-only.
func (s *Service) ListIssuedQuotas(ctx context.Context, actor identity.Actor, f IssuedQuotaFilter) ([]Quota, int, error) {
	if err := requireDistributor(actor, identity.PermCouponQuotaView); err != nil {
		return nil, 0, err
	}
	w := (&db.Where{}).Add("q.parent_quota_id IN (SELECT id FROM coupon_quotas WHERE partner_id = ?)", actor.PartnerID)
	if f.QuotaID != "" {
		w.Add("q.id = ?", f.QuotaID)
	}
	if f.IndirectPartnerID != "" {
		w.Add("q.partner_id = ?", f.IndirectPartnerID)
	}
	if f.ParentQuotaID != nil {
		w.Add("q.parent_quota_id = ?", *f.ParentQuotaID)
	}
	return s.listQuotas(ctx, w, f.Offset, f.Limit)
}
