package refund

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

// Resource states (customer_resources.status).
const (
	StatusActive       = "active"
	StatusUnsubscribed = "unsubscribed"
)

// API resource statuses (OrderInstanceV2.status / QueryResourcesReq
// status_list): 2 in use, 3 closed (here: unsubscribed), 4 frozen (never
// reached: freezing does not touch resources yet), 5 expired.
const (
	APIStatusInUse   = 2
	APIStatusClosed  = 3
	APIStatusFrozen  = 4
	APIStatusExpired = 5
)

// Resource is a yearly/monthly resource a paid order line opened.
type Resource struct {
	ID                 string
	CustomerID         string
	OrderID            string
	LineItemID         string
	ProductID          string
	ServiceTypeCode    string
	ResourceTypeCode   string
	SpecCode           string
	Region             string
	PeriodType         int
	PeriodNum          int
	Quantity           int
	ResourceSize       int64
	SizeMeasureID      int
	Status             string
	EffectiveAt        time.Time
	ExpiresAt          time.Time
	UnsubscribedAt     *time.Time
	UnsubscribeOrderID string
}

// APIStatus is the resource's status as the open API and the portal show
// it at now.
func (r Resource) APIStatus(now time.Time) int {
	switch {
	case r.Status == StatusUnsubscribed:
		return APIStatusClosed
	case !now.Before(r.ExpiresAt):
		return APIStatusExpired
	}
	return APIStatusInUse
}

// Unsubscribable reports whether the customer may give the resource back
// at now.
func (r Resource) Unsubscribable(now time.Time) bool { return r.APIStatus(now) == APIStatusInUse }

// Filter selects a customer's resources (QueryResourcesReq). Empty fields
// do not filter; expiry bounds are exclusive.
type Filter struct {
	IDs         []string
	OrderID     string
	ServiceType string
	// Statuses are API statuses (APIStatus...).
	Statuses             []int
	ExpireFrom, ExpireTo *time.Time
	Offset, Limit        int
}

const resourceColumns = `r.id, r.customer_id, r.order_id, r.line_item_id, l.product_id, r.service_type_code,
	r.resource_type_code, r.resource_spec_code, r.region_code, l.period_type, l.period_num, r.quantity, r.resource_size,
	l.size_measure_id, r.status, r.effective_at, r.expires_at, r.unsubscribed_at, r.unsubscribe_order_id`

const resourceFrom = ` FROM customer_resources r JOIN order_line_items l ON l.id = r.line_item_id
	JOIN customers c ON c.id = r.customer_id`

func scanResource(sc interface{ Scan(...any) error }) (Resource, error) {
	var r Resource
	var unsub sql.NullTime
	if err := sc.Scan(&r.ID, &r.CustomerID, &r.OrderID, &r.LineItemID, &r.ProductID, &r.ServiceTypeCode,
		&r.ResourceTypeCode, &r.SpecCode, &r.Region, &r.PeriodType, &r.PeriodNum, &r.Quantity, &r.ResourceSize,
		&r.SizeMeasureID, &r.Status, &r.EffectiveAt, &r.ExpiresAt, &unsub, &r.UnsubscribeOrderID); err != nil {
		return r, err
	}
	r.EffectiveAt, r.ExpiresAt = r.EffectiveAt.UTC(), r.ExpiresAt.UTC()
	if unsub.Valid {
		t := unsub.Time.UTC()
		r.UnsubscribedAt = &t
	}
	return r, nil
}

// Resources lists the customer's resources matching f, newest first, with
// the number matching (ListPayPerUseCustomerResources; the portal's 我的资源).
// Scoped to the customer in SQL. Read-only.
func (s *Service) Resources(ctx context.Context, customerID string, f Filter) ([]Resource, int, error) {
	return s.list(ctx, db.NewWhere("r.customer_id = ?", customerID), f)
}

// PartnerResources lists the resources of one of the partner's current
// customers (ListPayPerUseCustomerResources called by the partner with
// customer_id), within the member's data scope; another partner's
// customer, or one outside the scope, has none. Errors:
// identity.ErrForbidden without PermOrderView, ErrNoCustomer. Read-only.
func (s *Service) PartnerResources(ctx context.Context, a identity.Actor, customerID string, f Filter) ([]Resource, int, error) {
	if a.PartnerID == "" || !a.Can(identity.PermOrderView) {
		return nil, 0, identity.ErrForbidden
	}
	if customerID == "" {
		return nil, 0, ErrNoCustomer
	}
	w := db.NewWhere("r.customer_id = ?", customerID)
	w.Add(`EXISTS (SELECT 1 FROM customer_associations ca WHERE ca.customer_id = r.customer_id
		AND ca.ended_at IS NULL AND ca.partner_id = ?)`, a.PartnerID)
	cond, args := a.Scope.SQL("c.account_manager_id", len(w.Args())+1)
	w.Scope(cond, args)
	return s.list(ctx, w, f)
}

func (s *Service) list(ctx context.Context, w *db.Where, f Filter) ([]Resource, int, error) {
	now := s.Clock.Now().UTC()
	if len(f.IDs) > 0 {
		vals := make([]any, len(f.IDs))
		for i, id := range f.IDs {
			vals[i] = id
		}
		w.In("r.id", vals)
	}
	if f.OrderID != "" {
		w.Add("r.order_id = ?", f.OrderID)
	}
	if f.ServiceType != "" {
		w.Add("LOWER(r.service_type_code) = ?", strings.ToLower(f.ServiceType))
	}
	if len(f.Statuses) > 0 {
		var ors []string
		var args []any
		for _, st := range f.Statuses {
			switch st {
			case APIStatusInUse:
				ors = append(ors, "(r.status = ? AND r.expires_at > ?)")
				args = append(args, StatusActive, now)
			case APIStatusExpired:
				ors = append(ors, "(r.status = ? AND r.expires_at <= ?)")
				args = append(args, StatusActive, now)
			case APIStatusClosed:
				ors = append(ors, "r.status = ?")
				args = append(args, StatusUnsubscribed)
			}
		}
		if len(ors) == 0 {
			w.AddSQL("1 = 0")
		} else {
			w.Add("("+strings.Join(ors, " OR ")+")", args...)
		}
	}
	w.TimeRange("r.expires_at", f.ExpireFrom, f.ExpireTo)
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*)"+resourceFrom+w.SQL(), w.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count resources: %w", err)
	}
	limit, offset := f.Limit, f.Offset
	if limit <= 0 {
		limit = 10
	}
	if limit > 100 {
		limit = 100
	}
	offset = max(offset, 0)
	pg, args := w.Page(limit, offset)
	rows, err := s.DB.SQL.QueryContext(ctx, "SELECT "+resourceColumns+resourceFrom+w.SQL()+
		" ORDER BY r.effective_at DESC, r.id DESC"+pg, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list resources: %w", err)
	}
	defer rows.Close()
	out := []Resource{}
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}
