package coupon

import (
	"context"
	"fmt"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

// Records lists the caller's coupon operation log (types 1–8), newest
// first: issues (including the failed ones of a partial success),
// reclaims of every kind, with the console's and ListPartnerCouponsRecord's
// filters. A member with a restricted data scope sees the rows of its
// customers only. Needs the quota- or issued-coupon view permission.
// Read-only.
func (s *Service) Records(ctx context.Context, actor identity.Actor, f RecordFilter) ([]Record, int, error) {
	if !actor.Can(identity.PermCouponQuotaView) && !actor.Can(identity.PermCouponIssuedView) {
		return nil, 0, identity.ErrForbidden
	}
	o, err := s.ownerFor(ctx, actor, f.IndirectPartnerID)
	if err != nil {
		return nil, 0, err
	}
	w := (&db.Where{}).Add("r.partner_id = ?", o.partnerID)
	if !o.indirect {
		w.Scope(actor.Scope.SQL("c.account_manager_id", len(w.Args())+1))
	}
	w.In("r.operation_type", anys(intsOf(f.OperationTypes)))
	if f.QuotaID != "" {
		w.Add("r.quota_id = ?", f.QuotaID)
	}
	if f.QuotaType != nil {
		w.Add("r.quota_type = ?", int(*f.QuotaType))
	}
	w.In("r.coupon_id", anys(f.CouponIDs))
	if f.CustomerID != "" {
		w.Add("r.customer_id = ?", f.CustomerID)
	}
	w.TimeRange("r.created_at", f.From, f.To)
	if f.Succeeded != nil {
		w.Add("r.succeeded = ?", *f.Succeeded)
	}
	if f.Operator != "" {
		w.Add("r.operator = ?", f.Operator)
	}
	const from = " FROM coupon_records r LEFT JOIN customers c ON c.id = r.customer_id"
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*)"+from+w.SQL(), w.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count coupon records: %w", err)
	}
	pg, args := w.Page(pageLimit(f.Offset, f.Limit))
	rows, err := s.DB.SQL.QueryContext(ctx, `SELECT r.id, r.operation_type, r.quota_id, r.quota_type, r.coupon_id,
		r.customer_id, r.amount, r.operator, r.created_at, r.succeeded, r.remark`+from+w.SQL()+
		" ORDER BY r.created_at DESC, r.id DESC"+pg, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list coupon records: %w", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		if err := rows.Scan(&r.ID, &r.OperationType, &r.QuotaID, &r.QuotaType, &r.CouponID, &r.CustomerID, &r.Amount,
			&r.Operator, &r.At, &r.Succeeded, &r.Remark); err != nil {
			return nil, 0, err
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, total, rows.Err()
}

func intsOf(ops []OperationType) []int {
	out := make([]int, len(ops))
	for i, o := range ops {
		out[i] = int(o)
	}
	return out
}

// QuotaRecords lists a distributor's quota log (types 10 and 11), newest
// first, with ListCouponQuotasRecords' filters. Distributors only
// (ErrNotDistributor); needs the quota view permission. Read-only.
func (s *Service) QuotaRecords(ctx context.Context, actor identity.Actor, f QuotaRecordFilter) ([]QuotaRecord, int, error) {
	if err := requireDistributor(actor, identity.PermCouponQuotaView); err != nil {
		return nil, 0, err
	}
	w := (&db.Where{}).Add("r.partner_id = ?", actor.PartnerID)
	if f.IndirectPartnerID != "" {
		w.Add("r.reseller_id = ?", f.IndirectPartnerID)
	}
	if f.QuotaID != "" {
		w.Add("r.quota_id = ?", f.QuotaID)
	}
	if f.ParentQuotaID != nil {
		w.Add("r.parent_quota_id = ?", *f.ParentQuotaID)
	}
	if f.OperationType != nil {
		w.Add("r.operation_type = ?", int(*f.OperationType))
	}
	w.TimeRange("r.created_at", f.From, f.To)
	const from = " FROM quota_records r JOIN partners p ON p.id = r.reseller_id"
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*)"+from+w.SQL(), w.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count quota records: %w", err)
	}
	pg, args := w.Page(pageLimit(f.Offset, f.Limit))
	rows, err := s.DB.SQL.QueryContext(ctx, `SELECT r.id, r.quota_id, r.parent_quota_id, r.reseller_id, p.name,
		p.domain_name, r.operation_type, r.amount, r.operator, r.created_at, r.succeeded, r.remark`+from+w.SQL()+
		" ORDER BY r.created_at DESC, r.id DESC"+pg, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list quota records: %w", err)
	}
	defer rows.Close()
	var out []QuotaRecord
	for rows.Next() {
		var r QuotaRecord
		if err := rows.Scan(&r.ID, &r.QuotaID, &r.ParentQuotaID, &r.ResellerID, &r.ResellerName, &r.ResellerAccountName,
			&r.OperationType, &r.Amount, &r.Operator, &r.At, &r.Succeeded, &r.Remark); err != nil {
			return nil, 0, err
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// requireDistributor allows distributors' members holding perm.
func requireDistributor(actor identity.Actor, perm string) error {
	if actor.PartnerID == "" || !actor.Can(perm) {
		return identity.ErrForbidden
	}
	if actor.PartnerType != identity.Distributor {
		return ErrNotDistributor
	}
	return nil
}
