package coupon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
)

// GrantQuota grants a quota to a solution provider or a distributor.
// Platform admins and ecosystem managers only (identity.ErrForbidden
// otherwise). The quota starts normal with its whole value as balance; the
// grant is the quota's first ledger row. Errors: CBC.0100 naming the field
// at fault, ErrQuotaPartnerType. Not idempotent: each call grants anew.
func (s *Service) GrantQuota(ctx context.Context, op identity.Actor, in NewQuota) (Quota, error) {
	if err := requireQuotaOperator(op); err != nil {
		return Quota{}, err
	}
	st, err := s.Identity.PartnerStanding(ctx, in.PartnerID)
	if errors.Is(err, identity.ErrPartnerNotFound) {
		return Quota{}, errParam("partner_id")
	}
	if err != nil {
		return Quota{}, err
	}
	if st.Type != identity.SolutionProvider && st.Type != identity.Distributor {
		return Quota{}, ErrQuotaPartnerType
	}
	if err := in.validate(); err != nil {
		return Quota{}, err
	}
	now := s.Clock.Now()
	q := Quota{ID: ids.New(), PartnerID: in.PartnerID, Type: in.Type, Value: in.Value, Balance: in.Value,
		Currency: "CNY", Status: QuotaNormal, Limits: cleanLimits(in.Limits),
		EffectiveAt: in.EffectiveAt.UTC(), ExpiresAt: in.ExpiresAt.UTC(), CreatedAt: now, UpdatedAt: now}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO coupon_quotas (id, partner_id, type, value, balance, currency,
			status, limits, remark, granted_by, version, effective_at, expires_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 'CNY', 0, $6, $7, $8, 1, $9, $10, $11, $11)`,
			q.ID, q.PartnerID, q.Type, q.Value, q.Balance, encodeLimits(q.Limits), in.Remark, op.ID,
			q.EffectiveAt, q.ExpiresAt, now); err != nil {
			return err
		}
		if err := s.writeLedger(ctx, tx, operatorName(op), now, []entry{{kind: kindQuota, account: q.ID, version: 1,
			op: opGrant, amount: q.Value.Cents(), reason: in.Remark}}); err != nil {
			return err
		}
		return audit(ctx, tx, op, q.PartnerID, "coupon.quota_granted", q.ID,
			fmt.Sprintf("type=%d value=%s", q.Type, q.Value), now)
	})
	if err != nil {
		return Quota{}, fmt.Errorf("grant quota: %w", err)
	}
	return s.quotaByID(ctx, s.DB.SQL, q.ID)
}

func requireQuotaOperator(op identity.Actor) error {
	if !op.IsOperator() || !(op.HasOperatorRole(identity.RolePlatformAdmin) || op.HasOperatorRole(identity.RoleEcoManager)) {
		return identity.ErrForbidden
	}
	return nil
}

// maxLimitValues bounds each limit list.
const maxLimitValues = 100

func (in NewQuota) validate() error {
	switch {
	case in.Type != QuotaVoucher && in.Type != QuotaCash:
		return errParam("quota_type")
	case in.Value.Cmp(zero) <= 0:
		return errParam("quota_value")
	case in.EffectiveAt.IsZero():
		return errParam("effective_time")
	case in.ExpiresAt.IsZero() || !in.EffectiveAt.Before(in.ExpiresAt):
		return errParam("expire_time")
	case len([]rune(in.Remark)) > 500:
		return errParam("remark")
	}
	l := in.Limits
	for _, t := range l.OrderTypes {
		if t != OrderNew && t != OrderRenew && t != OrderChange {
			return errParam("order_types")
		}
	}
	switch {
	case len(l.ServiceTypes) > maxLimitValues:
		return errParam("cloud_service_types")
	case len(l.ProductIDs) > maxLimitValues:
		return errParam("product_ids")
	case len(l.Regions) > maxLimitValues:
		return errParam("regions")
	case l.MinOrder.IsNegative():
		return errParam("min_order_amount")
	case l.MaxOrderShare < 0 || l.MaxOrderShare > 100:
		return errParam("max_order_share")
	case l.MaxOrderShare > 0 && in.Type != QuotaCash:
		return errParam("max_order_share")
	}
	return nil
}

// cleanLimits drops blank and repeated values.
func cleanLimits(l Limits) Limits {
	clean := func(in []string) []string {
		var out []string
		for _, v := range uniq(in) {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	l.ServiceTypes, l.ProductIDs, l.Regions = clean(l.ServiceTypes), clean(l.ProductIDs), clean(l.Regions)
	var ots []OrderType
	seen := map[OrderType]bool{}
	for _, t := range l.OrderTypes {
		if !seen[t] {
			seen[t] = true
			ots = append(ots, t)
		}
	}
	l.OrderTypes = ots
	return l
}

// SetQuotaStatus changes a quota's status to 0 normal, 3 invalid,
// 4 adjusting or 5 frozen (CBC.0100 otherwise). Platform admins and
// ecosystem managers only. A reclaimed reseller quota (6) stays reclaimed
// (ErrQuotaNotFound). The balance does not change, so no ledger row is
// written; an audit row is. Idempotent.
func (s *Service) SetQuotaStatus(ctx context.Context, op identity.Actor, quotaID string, status QuotaStatus) error {
	if err := requireQuotaOperator(op); err != nil {
		return err
	}
	switch status {
	case QuotaNormal, QuotaInvalid, QuotaAdjusting, QuotaFrozen:
	default:
		return errParam("quota_status")
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var partnerID string
		err := tx.QueryRowContext(ctx, `UPDATE coupon_quotas SET status = $1, updated_at = $2
			WHERE id = $3 AND status <> 6 RETURNING partner_id`, status, now, quotaID).Scan(&partnerID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrQuotaNotFound
		}
		if err != nil {
			return fmt.Errorf("set quota %s status: %w", quotaID, err)
		}
		return audit(ctx, tx, op, partnerID, "coupon.quota_status", quotaID, fmt.Sprintf("status=%d", status), now)
	})
}

// OperatorQuotas lists every quota, newest first, optionally of one
// partner, for platform admins and ecosystem managers. Read-only.
func (s *Service) OperatorQuotas(ctx context.Context, op identity.Actor, partnerID string, offset, limit int) ([]Quota, int, error) {
	if err := requireQuotaOperator(op); err != nil {
		return nil, 0, err
	}
	w := &db.Where{}
	if partnerID != "" {
		w.Add("q.partner_id = ?", partnerID)
	}
	return s.listQuotas(ctx, w, offset, limit)
}

// listQuotas runs a quota list query with its count.
func (s *Service) listQuotas(ctx context.Context, w *db.Where, offset, limit int) ([]Quota, int, error) {
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*)"+quotaFrom+w.SQL(), w.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count quotas: %w", err)
	}
	offset, limit = page(offset, limit)
	pg, args := w.Page(limit, offset)
	rows, err := s.DB.SQL.QueryContext(ctx, "SELECT "+quotaColumns+quotaFrom+w.SQL()+
		" ORDER BY q.created_at DESC, q.id DESC"+pg, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list quotas: %w", err)
	}
	defer rows.Close()
	var out []Quota
	for rows.Next() {
		q, err := scanQuota(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, q)
	}
	return out, total, rows.Err()
}

// quotaByID reads one quota without a tenant check (the caller made it).
func (s *Service) quotaByID(ctx context.Context, q db.Querier, id string) (Quota, error) {
	out, err := scanQuota(q.QueryRowContext(ctx, "SELECT "+quotaColumns+quotaFrom+" WHERE q.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Quota{}, ErrQuotaNotFound
	}
	return out, err
}

// ListQuotas lists the caller's quotas, newest first, or with
// IndirectPartnerID a distributor's reseller's (ErrNotYourReseller
// otherwise). Needs the quota-view permission. Read-only.
func (s *Service) ListQuotas(ctx context.Context, actor identity.Actor, f QuotaFilter) ([]Quota, int, error) {
	if !actor.Can(identity.PermCouponQuotaView) {
		return nil, 0, identity.ErrForbidden
	}
	o, err := s.ownerFor(ctx, actor, f.IndirectPartnerID)
	if err != nil {
		return nil, 0, err
	}
	if len(f.IDs) > 50 {
		return nil, 0, errParam("quota_ids")
	}
	w := (&db.Where{}).Add("q.partner_id = ?", o.partnerID)
	w.In("q.id", anys(f.IDs))
	statuses := make([]any, len(f.Statuses))
	for i, st := range f.Statuses {
		statuses[i] = int(st)
	}
	w.In("q.status", statuses)
	if f.Type != nil {
		w.Add("q.type = ?", int(*f.Type))
	}
	w.TimeRange("q.created_at", f.CreatedFrom, f.CreatedTo)
	w.TimeRange("q.effective_at", f.EffectiveFrom, f.EffectiveTo)
	w.TimeRange("q.expires_at", f.ExpiresFrom, f.ExpiresTo)
	return s.listQuotas(ctx, w, f.Offset, f.Limit)
}

// Quota returns one of the caller's quotas, or for a distributor one of its
// resellers' quotas. ErrQuotaNotFound for anything else. Read-only.
func (s *Service) Quota(ctx context.Context, actor identity.Actor, id string) (Quota, error) {
	if !actor.Can(identity.PermCouponQuotaView) || actor.PartnerID == "" {
		return Quota{}, identity.ErrForbidden
	}
	q, err := scanQuota(s.DB.SQL.QueryRowContext(ctx, "SELECT "+quotaColumns+quotaFrom+
		" WHERE q.id = $1 AND (q.partner_id = $2 OR p.parent_id = $2)", id, actor.PartnerID))
	if errors.Is(err, sql.ErrNoRows) {
		return Quota{}, ErrQuotaNotFound
	}
	return q, err
}
