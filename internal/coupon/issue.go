package coupon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
)

// Issuing limits (cbc-api.md §5.2).
const (
	maxIssueCustomers = 100
	maxNarrowValues   = 10
	maxRemark         = 256
)

// Issue issues one coupon per customer from a quota of the caller's (or,
// for a distributor naming indirect_partner_id, of its reseller's), each of
// the face value, debiting the quota by the face value for each coupon in
// the same transaction. Needs the voucher- or cash-coupon-issue permission
// of the quota's type.
//
// Request-level errors: CBC.0100 (customers missing or above MaxCustomers
// or 100, face value, validity, remark, limit lists), ErrNotYourReseller,
// ErrQuotaNotFound / ErrQuotaStatus (CBC.99000012), ErrQuotaNotEffective
// (CBC.99000017), ErrLimitsOutside (CBC.99000023), the partner's
// restriction. Per-customer errors (partial success): ErrNotYourCustomer
// (CBC.99000035), ErrReferralCustomer (CBC.99000014), ErrNoCustomerPermission
// (CBC.99000000, outside the member's data scope), ErrBalance (CBC.99000013)
// for the customers the balance no longer covers, in request order. A
// customer listed twice gets one coupon. Not idempotent.
//
// The whole request is one write transaction: the quota row is locked (one
// writer on SQLite, SELECT ... FOR UPDATE on PostgreSQL), so concurrent
// requests never overdraw it.
func (s *Service) Issue(ctx context.Context, actor identity.Actor, in IssueRequest) ([]Issued, []ItemError, error) {
	if !actor.Can(identity.PermVoucherIssue) && !actor.Can(identity.PermCashCouponIssue) {
		return nil, nil, identity.ErrForbidden
	}
	o, err := s.ownerFor(ctx, actor, in.IndirectPartnerID)
	if err != nil {
		return nil, nil, err
	}
	customers := uniq(in.CustomerIDs)
	maxCustomers := maxIssueCustomers
	if in.MaxCustomers > 0 && in.MaxCustomers < maxCustomers {
		maxCustomers = in.MaxCustomers
	}
	switch {
	case len(customers) == 0 || len(in.CustomerIDs) > maxCustomers:
		return nil, nil, errParam("customer_ids")
	case in.FaceValue.Cmp(zero) <= 0:
		return nil, nil, errParam("face_value")
	case len(in.ServiceTypes) > maxNarrowValues:
		return nil, nil, errParam("cloud_service_types")
	case len(in.ProductIDs) > maxNarrowValues:
		return nil, nil, errParam("product_ids")
	case in.Remark != nil && len([]rune(*in.Remark)) > maxRemark:
		return nil, nil, errParam("memo")
	case in.MinOrder != nil && in.MinOrder.IsNegative():
		return nil, nil, errParam("min_order_amount")
	}
	if _, err := s.requireActive(ctx, o.partnerID); err != nil {
		return nil, nil, err
	}
	q, err := s.ownQuota(ctx, o.partnerID, in.QuotaID)
	if err != nil {
		return nil, nil, err
	}
	if !actor.Can(issuePerm(q.Type)) {
		return nil, nil, identity.ErrForbidden
	}
	now := s.Clock.Now()
	if err := issuable(q.Status, q.EffectiveAt, q.ExpiresAt, now); err != nil {
		return nil, nil, err
	}
	limits, err := narrow(q.Limits, in)
	if err != nil {
		return nil, nil, err
	}
	from, until := q.EffectiveAt, q.ExpiresAt
	if in.ValidFrom != nil {
		from = in.ValidFrom.UTC()
	}
	if in.ExpiresAt != nil {
		until = in.ExpiresAt.UTC()
	}
	switch {
	case from.Before(q.EffectiveAt):
		return nil, nil, errParam("valid_time")
	case until.After(q.ExpiresAt) || !from.Before(until) || !until.After(now):
		return nil, nil, errParam("expire_time")
	}
	remark := ""
	if in.Remark != nil {
		remark = *in.Remark
	}
	t := issueTx{quota: q, face: in.FaceValue.Cents(), limits: encodeLimits(limits), remark: remark,
		from: from, until: until, operator: operatorName(actor), now: now}
	var issued []Issued
	var short []string
	var itemErrs []ItemError
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		// The customers are checked, and their associations held, inside
		// the issuing transaction: a disassociation completing meanwhile
		// either waits and reclaims the new coupons, or ended first and
		// the customer is refused.
		var err error
		if t.customers, itemErrs, err = s.issuableCustomers(ctx, tx, actor, o, customers); err != nil {
			return err
		}
		issued, short, err = s.issueTx(ctx, tx, &t)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	for _, id := range short {
		itemErrs = append(itemErrs, ItemError{ID: id, Err: ErrBalance})
	}
	return issued, itemErrs, nil
}

// issuePerm is the permission item to issue from a quota of typ.
func issuePerm(typ QuotaType) string {
	if typ == QuotaCash {
		return identity.PermCashCouponIssue
	}
	return identity.PermVoucherIssue
}

// couponType is the partner APIs' coupon type of a quota's coupons.
func couponType(typ QuotaType) CouponType {
	if typ == QuotaCash {
		return CouponCash
	}
	return CouponVoucher
}

// issuable checks a quota's status and validity for issuing.
func issuable(status QuotaStatus, from, until, now time.Time) error {
	if status != QuotaNormal {
		return ErrQuotaStatus
	}
	if now.Before(from) || !now.Before(until) {
		return ErrQuotaNotEffective
	}
	return nil
}

// ownQuota reads partnerID's quota id, ErrQuotaNotFound for any other.
func (s *Service) ownQuota(ctx context.Context, partnerID, id string) (Quota, error) {
	q, err := scanQuota(s.DB.SQL.QueryRowContext(ctx, "SELECT "+quotaColumns+quotaFrom+
		" WHERE q.id = $1 AND q.partner_id = $2", id, partnerID))
	if errors.Is(err, sql.ErrNoRows) {
		return Quota{}, ErrQuotaNotFound
	}
	return q, err
}

// narrow returns the coupon's limits: the quota's, with service types and
// products narrowed and the minimum order raised as asked, or
// ErrLimitsOutside when the request reaches beyond the quota's.
func narrow(quota Limits, in IssueRequest) (Limits, error) {
	l := quota
	if st := uniq(in.ServiceTypes); len(st) > 0 {
		if !subset(st, quota.ServiceTypes) {
			return Limits{}, ErrLimitsOutside
		}
		l.ServiceTypes = st
	}
	if p := uniq(in.ProductIDs); len(p) > 0 {
		if !subset(p, quota.ProductIDs) {
			return Limits{}, ErrLimitsOutside
		}
		l.ProductIDs = p
	}
	if in.MinOrder != nil {
		if in.MinOrder.Cmp(quota.MinOrder) < 0 {
			return Limits{}, ErrLimitsOutside
		}
		l.MinOrder = *in.MinOrder
	}
	return l, nil
}

// issuableCustomers checks every customer with one query inside tx,
// holding their associations until it ends (customer.HoldAssociation):
// each must be a current reseller-model customer of the owner, inside the actor's data
// scope (a distributor acting for its reseller sees all of the reseller's).
// It returns the customers that pass, in request order, and an ItemError
// for each that does not.
func (s *Service) issuableCustomers(ctx context.Context, tx *sql.Tx, actor identity.Actor, o owner, customers []string) ([]string, []ItemError, error) {
	w := (&db.Where{}).Add("a.partner_id = ?", o.partnerID).Add("a.ended_at IS NULL")
	w.In("a.customer_id", anys(customers))
	rows, err := tx.QueryContext(ctx, `SELECT a.customer_id, a.type, COALESCE(c.account_manager_id, '')
		FROM customer_associations a JOIN customers c ON c.id = a.customer_id`+w.SQL()+s.DB.ForShareOf("a"), w.Args()...)
	if err != nil {
		return nil, nil, fmt.Errorf("check customers: %w", err)
	}
	defer rows.Close()
	type assoc struct {
		typ     customer.AssociationType
		manager string
	}
	found := make(map[string]assoc, len(customers))
	for rows.Next() {
		var id string
		var a assoc
		if err := rows.Scan(&id, &a.typ, &a.manager); err != nil {
			return nil, nil, err
		}
		found[id] = a
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var ok []string
	var bad []ItemError
	for _, id := range customers {
		a, exists := found[id]
		switch {
		case !exists:
			bad = append(bad, ItemError{ID: id, Err: ErrNotYourCustomer})
		case a.typ != customer.Reseller:
			bad = append(bad, ItemError{ID: id, Err: ErrReferralCustomer})
		case !o.indirect && !actor.Scope.Allows(a.manager):
			bad = append(bad, ItemError{ID: id, Err: ErrNoCustomerPermission})
		default:
			ok = append(ok, id)
		}
	}
	return ok, bad, nil
}

// issueTx is one validated issue request.
type issueTx struct {
	quota       Quota
	customers   []string
	face        int64
	limits      string
	remark      string
	from, until time.Time
	operator    string
	now         time.Time
}

var couponCols = []string{"id", "quota_id", "partner_id", "customer_id", "type", "face_value", "balance", "used",
	"reclaimed", "status", "limits", "remark", "lock_order_id", "version", "effective_at", "expires_at", "created_at"}

var recordCols = []string{"id", "partner_id", "operation_type", "quota_id", "quota_type", "coupon_id", "customer_id",
	"amount", "operator", "succeeded", "remark", "created_at"}

// issueTx locks the quota, issues to as many customers as its balance
// covers, and returns the coupons issued and the customers left over.
func (s *Service) issueTx(ctx context.Context, tx *sql.Tx, t *issueTx) ([]Issued, []string, error) {
	q := t.quota
	var status QuotaStatus
	var balance, version int64
	var from, until time.Time
	err := tx.QueryRowContext(ctx, `SELECT status, balance, version, effective_at, expires_at FROM coupon_quotas
		WHERE id = $1 AND partner_id = $2`+s.DB.ForUpdate(), q.ID, q.PartnerID).Scan(&status, &balance, &version, &from, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrQuotaNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("lock quota %s: %w", q.ID, err)
	}
	if err := issuable(status, from, until, t.now); err != nil {
		return nil, nil, err
	}
	n := min(int(balance/t.face), len(t.customers))
	fit, short := t.customers[:n], t.customers[n:]
	ctype := couponType(q.Type)
	coupons := make([][]any, 0, n)
	records := make([][]any, 0, len(t.customers))
	entries := make([]entry, 0, 2*n)
	issued := make([]Issued, 0, n)
	before := balance
	for i, cust := range fit {
		id := ids.New()
		issued = append(issued, Issued{CustomerID: cust, CouponID: id})
		coupons = append(coupons, []any{id, q.ID, q.PartnerID, cust, int(ctype), t.face, t.face, 0, 0,
			int(CouponUsable), t.limits, t.remark, "", 1, t.from, t.until, t.now})
		records = append(records, []any{ids.New(), q.PartnerID, int(OpIssue), q.ID, int(q.Type), id, cust, t.face,
			t.operator, true, t.remark, t.now})
		entries = append(entries,
			entry{kind: kindQuota, account: q.ID, version: version + int64(i) + 1, op: opIssue, amount: -t.face,
				before: before, counterpart: id, reason: t.remark},
			entry{kind: kindCoupon, account: id, version: 1, op: opIssue, amount: t.face, counterpart: q.ID,
				reason: t.remark})
		before -= t.face
	}
	for _, cust := range short {
		records = append(records, []any{ids.New(), q.PartnerID, int(OpIssue), q.ID, int(q.Type), "", cust, t.face,
			t.operator, false, ErrBalance.Code, t.now})
	}
	if n > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE coupon_quotas SET balance = balance - $1, version = version + $2,
			updated_at = $3 WHERE id = $4`, t.face*int64(n), n, t.now, q.ID); err != nil {
			return nil, nil, fmt.Errorf("debit quota %s: %w", q.ID, err)
		}
		if err := s.insertRows(ctx, tx, "coupons", couponCols, coupons); err != nil {
			return nil, nil, err
		}
		if err := s.writeLedger(ctx, tx, t.operator, t.now, entries); err != nil {
			return nil, nil, err
		}
	}
	if err := s.insertRows(ctx, tx, "coupon_records", recordCols, records); err != nil {
		return nil, nil, err
	}
	return issued, short, nil
}
