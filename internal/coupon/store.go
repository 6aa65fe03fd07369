package coupon

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
)

// limitsJSON is how Limits are stored (coupon_quotas.limits, coupons.limits).
type limitsJSON struct {
	ServiceTypes  []string    `json:"service_types,omitempty"`
	ProductIDs    []string    `json:"product_ids,omitempty"`
	Regions       []string    `json:"regions,omitempty"`
	OrderTypes    []OrderType `json:"order_types,omitempty"`
	MinOrder      int64       `json:"min_order,omitempty"`
	MaxOrderShare int         `json:"max_order_share,omitempty"`
}

func encodeLimits(l Limits) string {
	b, _ := json.Marshal(limitsJSON{ServiceTypes: l.ServiceTypes, ProductIDs: l.ProductIDs, Regions: l.Regions,
		OrderTypes: l.OrderTypes, MinOrder: l.MinOrder.Cents(), MaxOrderShare: l.MaxOrderShare})
	return string(b)
}

func decodeLimits(s string) (Limits, error) {
	var j limitsJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return Limits{}, fmt.Errorf("decode limits: %w", err)
	}
	return Limits{ServiceTypes: j.ServiceTypes, ProductIDs: j.ProductIDs, Regions: j.Regions, OrderTypes: j.OrderTypes,
		MinOrder: money.FromCents(j.MinOrder), MaxOrderShare: j.MaxOrderShare}, nil
}

// quotaColumns are read by scanQuota; the table is aliased q and the
// holder's partners row p.
const quotaColumns = `q.id, q.partner_id, COALESCE(q.parent_quota_id, ''), q.type, q.value, q.balance, q.currency,
	q.status, q.limits, q.effective_at, q.expires_at, q.created_at, q.updated_at, p.name, p.domain_name`

const quotaFrom = ` FROM coupon_quotas q JOIN partners p ON p.id = q.partner_id`

type scanner interface{ Scan(...any) error }

func scanQuota(row scanner) (Quota, error) {
	var q Quota
	var limits string
	if err := row.Scan(&q.ID, &q.PartnerID, &q.ParentQuotaID, &q.Type, &q.Value, &q.Balance, &q.Currency, &q.Status,
		&limits, &q.EffectiveAt, &q.ExpiresAt, &q.CreatedAt, &q.UpdatedAt, &q.PartnerName, &q.PartnerAccountName); err != nil {
		return Quota{}, err
	}
	var err error
	q.Limits, err = decodeLimits(limits)
	q.EffectiveAt, q.ExpiresAt, q.CreatedAt, q.UpdatedAt = q.EffectiveAt.UTC(), q.ExpiresAt.UTC(), q.CreatedAt.UTC(), q.UpdatedAt.UTC()
	return q, err
}

// couponColumns are read by scanCoupon; the table is aliased k.
const couponColumns = `k.id, k.quota_id, k.partner_id, k.customer_id, k.type, k.face_value, k.balance, k.used,
	k.reclaimed, k.status, k.limits, k.remark, k.effective_at, k.expires_at, k.created_at, k.last_used_at,
	k.reclaimed_at, k.lock_order_id`

func scanCoupon(row scanner) (Coupon, error) {
	var c Coupon
	var limits string
	var lastUsed, reclaimed sql.NullTime
	if err := row.Scan(&c.ID, &c.QuotaID, &c.PartnerID, &c.CustomerID, &c.Type, &c.FaceValue, &c.Balance, &c.Used,
		&c.Reclaimed, &c.Status, &limits, &c.Remark, &c.EffectiveAt, &c.ExpiresAt, &c.CreatedAt, &lastUsed,
		&reclaimed, &c.LockOrderID); err != nil {
		return Coupon{}, err
	}
	var err error
	c.Limits, err = decodeLimits(limits)
	c.EffectiveAt, c.ExpiresAt, c.CreatedAt = c.EffectiveAt.UTC(), c.ExpiresAt.UTC(), c.CreatedAt.UTC()
	if lastUsed.Valid {
		t := lastUsed.Time.UTC()
		c.LastUsedAt = &t
	}
	if reclaimed.Valid {
		t := reclaimed.Time.UTC()
		c.ReclaimedAt = &t
	}
	return c, err
}

// maxParams bounds the placeholders of one statement, under SQLite's
// 32766 and PostgreSQL's 65535.
const maxParams = 30000

// insertRows inserts rows in as few multi-row INSERTs as the placeholder
// cap allows. On SQLite it writes anonymous "?" placeholders instead of
// "$N": SQLite resolves each named "$N" by a linear search of the names
// seen so far, which makes a 1,700-parameter statement spend most of its
// time parsing and binding (measured: 45 of 73 ms per 100 coupons).
func (s *Service) insertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	return insertRowsDialect(ctx, tx, s.DB.Dialect, table, cols, rows)
}

func insertRowsDialect(ctx context.Context, tx *sql.Tx, dialect db.Dialect, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, maxParams/len(cols))
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j, v := range r {
				if j > 0 {
					b.WriteString(", ")
				}
				args = append(args, v)
				if dialect == db.SQLite {
					b.WriteByte('?')
				} else {
					fmt.Fprintf(&b, "$%d", len(args))
				}
			}
			b.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return nil
}

// operatorName is what the logs name as the operator of an actor's change.
func operatorName(a identity.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	if a.ID != "" {
		return a.ID
	}
	return systemOperator
}

// systemOperator names automatic changes (expiry, disassociation).
const systemOperator = "system"

// page normalizes paging: limit 10 by default, at most 1000.
func page(offset, limit int) (int, int) {
	if limit <= 0 {
		limit = 10
	}
	return max(offset, 0), min(limit, 1000)
}

// pageLimit is page's result in the order db.Where.Page takes it.
func pageLimit(offset, limit int) (int, int) {
	offset, limit = page(offset, limit)
	return limit, offset
}

// anys converts a list for db.Where.In.
func anys[T any](in []T) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return out
}

// quotaUsable reports whether a quota may take money back: not invalid or
// reclaimed, and not past its expiry. Frozen and adjusting quotas still
// hold what returns to them.
func quotaUsable(status QuotaStatus, expires, now time.Time) bool {
	return status != QuotaInvalid && status != QuotaReclaimed && now.Before(expires)
}

func uniq(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, v := range in {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func subset(narrow, wide []string) bool {
	if len(wide) == 0 {
		return true
	}
	set := make(map[string]bool, len(wide))
	for _, v := range wide {
		set[v] = true
	}
	for _, v := range narrow {
		if !set[v] {
			return false
		}
	}
	return true
}
