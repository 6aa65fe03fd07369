package order

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
)

// Viewer is who reads orders: a customer (its own orders) or a partner
// actor (its current customers' orders, within the member's data scope;
// a distributor naming IndirectPartnerID reads that reseller's customers').
type Viewer struct {
	CustomerID string
	Actor      identity.Actor
}

// CustomerViewer is a customer reading its own orders.
func CustomerViewer(customerID string) Viewer { return Viewer{CustomerID: customerID} }

// PartnerViewer is a partner actor reading its customers' orders.
func PartnerViewer(a identity.Actor) Viewer { return Viewer{Actor: a} }

const orderColumns = `o.id, o.customer_id, c.domain_name, o.partner_id, o.service_type_code, o.source_type, o.status,
	o.order_type, o.official_amount, o.amount_after_discount, o.currency, o.user_name, o.pending_payment_end_time,
	o.payment_time, o.cancelled_at, o.created_at, o.agent_pay, o.paying_partner_id, o.agent_reject_reason,
	o.agent_requested_at, o.agent_decided_at, o.agent_decided_by`

const orderFrom = ` FROM orders o JOIN customers c ON c.id = o.customer_id`

type scanner interface{ Scan(...any) error }

func scanOrder(r scanner) (Order, error) {
	var o Order
	var st, typ int
	var official, after int64
	var deadline, paid, cancelled, requested, decided sql.NullTime
	if err := r.Scan(&o.ID, &o.CustomerID, &o.CustomerName, &o.PartnerID, &o.ServiceTypeCode, &o.SourceType, &st, &typ,
		&official, &after, &o.Currency, &o.UserName, &deadline, &paid, &cancelled, &o.CreatedAt, &o.AgentPay,
		&o.PayingPartnerID, &o.AgentRejectReason, &requested, &decided, &o.AgentDecidedBy); err != nil {
		return Order{}, err
	}
	o.Status, o.Type = Status(st), Type(typ)
	o.OfficialAmount, o.AmountAfterDiscount = money.FromCents(official), money.FromCents(after)
	o.CreatedAt = o.CreatedAt.UTC()
	if deadline.Valid {
		o.PaymentDeadline = deadline.Time.UTC()
	}
	o.PaymentTime, o.CancelledAt = optTime(paid), optTime(cancelled)
	o.AgentRequestedAt, o.AgentDecidedAt = optTime(requested), optTime(decided)
	return o, nil
}

func optTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// visible starts a where clause with the rows v may see. Partner actors
// need PermOrderView; a distributor's IndirectPartnerID must name one of
// its own cloud resellers (ErrNotYourReseller otherwise).
func (s *Service) visible(ctx context.Context, v Viewer, indirectID string) (*db.Where, error) {
	w := &db.Where{}
	if v.CustomerID != "" {
		return w.Add("o.customer_id = ?", v.CustomerID), nil
	}
	a := v.Actor
	if a.PartnerID == "" || !a.Can(identity.PermOrderView) {
		return nil, identity.ErrForbidden
	}
	partnerID, indirect, err := s.ownerFor(ctx, a, indirectID)
	if err != nil {
		return nil, err
	}
	w.Add("EXISTS (SELECT 1 FROM customer_associations ca WHERE ca.customer_id = o.customer_id AND ca.ended_at IS NULL AND ca.partner_id = ?)",
		partnerID)
	if !indirect {
		cond, args := a.Scope.SQL("c.account_manager_id", len(w.Args())+1)
		w.Scope(cond, args)
	}
	return w, nil
}

// ownerFor resolves indirect_partner_id as the coupon and customer domains
// do: honoured for distributors only, and only for their own resellers.
func (s *Service) ownerFor(ctx context.Context, a identity.Actor, indirectID string) (string, bool, error) {
	if indirectID == "" {
		return a.PartnerID, false, nil
	}
	if len(indirectID) > 64 {
		return "", false, errParam("indirect_partner_id")
	}
	typ := a.PartnerType
	if typ == "" {
		st, err := s.Identity.PartnerStanding(ctx, a.PartnerID)
		if err != nil {
			return "", false, err
		}
		typ = st.Type
	}
	if typ != identity.Distributor {
		return a.PartnerID, false, nil
	}
	r, err := s.Identity.PartnerStanding(ctx, indirectID)
	if errors.Is(err, identity.ErrPartnerNotFound) {
		return "", false, customer.ErrNotYourReseller
	}
	if err != nil {
		return "", false, err
	}
	if r.Type != identity.CloudReseller || r.ParentID != a.PartnerID {
		return "", false, customer.ErrNotYourReseller
	}
	return r.ID, true, nil
}

// List lists the orders v may see matching f, newest first (oldest first
// with f.Ascending), with the number matching. Errors:
// identity.ErrForbidden, ErrNotYourReseller. Read-only.
func (s *Service) List(ctx context.Context, v Viewer, f Filter) ([]Order, int, error) {
	w, err := s.visible(ctx, v, f.IndirectPartnerID)
	if err != nil {
		return nil, 0, err
	}
	if f.OrderID != "" {
		w.Add("LOWER(o.id) = ?", strings.ToLower(f.OrderID))
	}
	if f.CustomerID != "" {
		w.Add("o.customer_id = ?", f.CustomerID)
	}
	if f.ServiceType != "" {
		w.Add("LOWER(o.service_type_code) = ?", strings.ToLower(f.ServiceType))
	}
	if f.Status != nil {
		w.Add("o.status = ?", int(*f.Status))
	}
	if f.Type != nil {
		w.Add("o.order_type = ?", int(*f.Type))
	}
	w.TimeRange("o.created_at", f.CreatedFrom, f.CreatedTo)
	w.TimeRange("o.payment_time", f.PaidFrom, f.PaidTo)
	order := " ORDER BY o.created_at DESC, o.id DESC"
	if f.Ascending {
		order = " ORDER BY o.created_at, o.id"
	}
	return s.page(ctx, w, order, f.Offset, f.Limit)
}

// page counts the orders w selects and reads one page of them in order.
func (s *Service) page(ctx context.Context, w *db.Where, order string, offset, limit int) ([]Order, int, error) {
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*)"+orderFrom+w.SQL(), w.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count orders: %w", err)
	}
	pg, args := w.Page(pageLimit(offset, limit))
	rows, err := s.DB.SQL.QueryContext(ctx, "SELECT "+orderColumns+orderFrom+w.SQL()+order+pg, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list orders: %w", err)
	}
	defer rows.Close()
	out := []Order{}
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, o)
	}
	return out, total, rows.Err()
}

// Get returns one order v may see, or ErrNotFound. indirectID is a
// distributor's reseller, as in Filter. Read-only.
func (s *Service) Get(ctx context.Context, v Viewer, id, indirectID string) (Order, error) {
	w, err := s.visible(ctx, v, indirectID)
	if err != nil {
		return Order{}, err
	}
	w.Add("o.id = ?", id)
	o, err := scanOrder(s.DB.SQL.QueryRowContext(ctx, "SELECT "+orderColumns+orderFrom+w.SQL(), w.Args()...))
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, ErrNotFound
	}
	if err != nil {
		return Order{}, fmt.Errorf("load order %s: %w", id, err)
	}
	return o, nil
}

// Details returns an order v may see with a page of its line items, in
// order, and the number of line items (ShowCustomerOrderDetails).
// ErrNotFound for any order not visible. Read-only.
func (s *Service) Details(ctx context.Context, v Viewer, id, indirectID string, offset, limit int) (Order, []LineItem, int, error) {
	o, err := s.Get(ctx, v, id, indirectID)
	if err != nil {
		return Order{}, nil, 0, err
	}
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM order_line_items WHERE order_id = $1`, o.ID).Scan(&total); err != nil {
		return Order{}, nil, 0, fmt.Errorf("count order lines: %w", err)
	}
	offset, limit = page(offset, limit)
	lines, err := readLines(ctx, s.DB.SQL, " LIMIT $2 OFFSET $3", o.ID, limit, offset)
	if err != nil {
		return Order{}, nil, 0, err
	}
	return o, lines, total, nil
}

// Lines reads all line items of order orderID, in order, on q — the
// caller's transaction, when a payment or a refund works on them. The
// caller has checked the order is its to read.
func Lines(ctx context.Context, q db.Querier, orderID string) ([]LineItem, error) {
	return readLines(ctx, q, "", orderID)
}

// readLines reads an order's line items in order; suffix (with its args
// after the order id) limits them.
func readLines(ctx context.Context, q db.Querier, suffix, orderID string, args ...any) ([]LineItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, order_id, service_type_code, resource_type_code, resource_spec_code,
		region_code, product_id, period_type, period_num, subscription_num, resource_size, size_measure_id, official_amount,
		amount_after_discount, effective_time, expire_time FROM order_line_items WHERE order_id = $1 ORDER BY seq`+suffix,
		append([]any{orderID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("list order lines: %w", err)
	}
	defer rows.Close()
	lines := []LineItem{}
	for rows.Next() {
		var l LineItem
		var official, after int64
		var eff, exp sql.NullTime
		if err := rows.Scan(&l.ID, &l.OrderID, &l.ServiceTypeCode, &l.ResourceTypeCode, &l.SpecCode, &l.Region, &l.ProductID,
			&l.PeriodType, &l.PeriodNum, &l.Quantity, &l.ResourceSize, &l.SizeMeasureID, &official, &after, &eff, &exp); err != nil {
			return nil, err
		}
		l.OfficialAmount, l.AmountAfterDiscount = money.FromCents(official), money.FromCents(after)
		l.EffectiveTime, l.ExpireTime = optTime(eff), optTime(exp)
		lines = append(lines, l)
	}
	return lines, rows.Err()
}
