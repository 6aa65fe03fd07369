package refund

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/money"
)

// Payment sources (order_payments.source, payment's Source... constants)
// and refund destinations (order_refunds.destination).
const (
	SourceVoucher  = "voucher"
	SourceCash     = "cash"
	SourceCard     = "card"
	SourceCustomer = funds.KindCustomer
	SourcePartner  = funds.KindPartner

	DestCustomer = funds.KindCustomer
	DestPartner  = funds.KindPartner
	DestCard     = "card"
	DestCash     = "cash"
)

// Request is a CancelResourcesSubscription body.
type Request struct {
	ResourceIDs []string
	// Type is UnsubscribeResource or UnsubscribeRenewals.
	Type int
	// ReasonType (1–5) and Reason are the customer's why; optional.
	ReasonType int
	Reason     string
}

// Validate checks a request's shape (CBC.0100 naming the field): 1–10
// distinct resource ids of at most 64 characters, a known type and reason.
func (r Request) Validate() error {
	if len(r.ResourceIDs) == 0 || len(r.ResourceIDs) > MaxResources {
		return errParam("resource_ids")
	}
	seen := map[string]bool{}
	for _, id := range r.ResourceIDs {
		if id == "" || len(id) > 64 || seen[id] {
			return errParam("resource_ids")
		}
		seen[id] = true
	}
	if r.Type != UnsubscribeResource && r.Type != UnsubscribeRenewals {
		return errParam("unsubscribe_type")
	}
	if r.ReasonType < 0 || r.ReasonType > 5 {
		return errParam("unsubscribe_reason_type")
	}
	if len([]rune(r.Reason)) > MaxReason {
		return errParam("unsubscribe_reason")
	}
	return nil
}

// Failure is one resource that could not be unsubscribed and why
// (fail_resource_infos).
type Failure struct {
	ResourceID string
	Err        *apperr.Error
}

// Result is what an unsubscription did: the unsubscribe orders written
// (one per original order) and the resources refused.
type Result struct {
	OrderIDs []string
	Failures []Failure
}

// Refund is one amount given back (or, in a preview, to be given back):
// which payment row of the original order it comes from, and where it goes.
type Refund struct {
	BaseOrderID   string
	PaymentID     string
	Source        string // what paid: voucher, cash, card, customer, partner
	SourceID      string
	Destination   string // DestCustomer, DestPartner, DestCard, DestCash; "" when nothing goes back
	DestinationID string
	Amount        money.Amount
	// Kept is the unused share that is not given back: a used voucher
	// (never refunded), or a cash coupon that expired or was reclaimed
	// since (its share lapses).
	Kept money.Amount
	// Why names why Kept is kept: "voucher" or "coupon_lapsed".
	Why string
}

// Preview is what unsubscribing resources would give back now.
type Preview struct {
	Resources []Resource
	Refunds   []Refund
	Total     money.Amount // given back
	Kept      money.Amount // not given back
}

// Reasons a share is kept.
const (
	KeptVoucher = "voucher"
	KeptLapsed  = "coupon_lapsed"
)

// payRow is one order_payments row of an original order.
type payRow struct {
	id, source, sourceID, fundedBy string
	amount, refunded               int64
}

// baseOrder is an original order with its payments.
type baseOrder struct {
	id, serviceType, userName string
	amount                    int64
	payments                  []payRow
}

// claimed is a resource being unsubscribed with its line's paid amount.
type claimed struct {
	Resource
	lineAmount int64
}

// share is one resource's part of one payment row.
type share struct {
	resource, payment string
	cents             int64
}

// orderPlan is what unsubscribing resources of one original order gives
// back: per payment row the refund and where it goes, per resource its
// total.
type orderPlan struct {
	base      baseOrder
	resources []claimed
	refunds   []Refund
	perRes    map[string]int64
	total     int64
}

// Preview computes, without writing, what unsubscribing the customer's
// resources would give back now and where it would go (the portal's
// confirmation). Resources not the customer's, or not in use, are
// ErrResourceNotFound / ErrResourceGone / ErrResourceExpired. Read-only.
func (s *Service) Preview(ctx context.Context, customerID string, resourceIDs []string) (Preview, error) {
	if err := (Request{ResourceIDs: resourceIDs, Type: UnsubscribeResource}).Validate(); err != nil {
		return Preview{}, err
	}
	now := s.Clock.Now().UTC()
	var out Preview
	err := s.DB.InSnapshot(ctx, func(tx *sql.Tx) error {
		groups := map[string][]claimed{}
		var order []string
		for _, id := range resourceIDs {
			c, err := s.loadResource(ctx, tx, customerID, id, false)
			if err != nil {
				return err
			}
			if ferr := refusal(c.Resource, now); ferr != nil {
				return ferr
			}
			if _, ok := groups[c.OrderID]; !ok {
				order = append(order, c.OrderID)
			}
			groups[c.OrderID] = append(groups[c.OrderID], c)
			out.Resources = append(out.Resources, c.Resource)
		}
		for _, oid := range order {
			p, err := s.plan(ctx, tx, customerID, oid, groups[oid], now, false)
			if err != nil {
				return err
			}
			out.Refunds = append(out.Refunds, p.refunds...)
		}
		return nil
	})
	if err != nil {
		return Preview{}, err
	}
	for _, r := range out.Refunds {
		out.Total, out.Kept = out.Total.Add(r.Amount), out.Kept.Add(r.Kept)
	}
	return out, nil
}

// refusal is why a resource cannot be unsubscribed at now, or nil.
func refusal(r Resource, now time.Time) *apperr.Error {
	switch r.APIStatus(now) {
	case APIStatusClosed:
		return ErrResourceGone.With("id", r.ID)
	case APIStatusExpired:
		return ErrResourceExpired.With("id", r.ID)
	}
	return nil
}

// Unsubscribe gives back the customer's resources (CancelResourcesSubscription,
// unsubscribe_type 1) in one transaction: for each original order whose
// resources are named it writes an unsubscribe order (order_type 4,
// completed, base_order_id the original, amounts the total refunded, one
// line per resource), marks the resources unsubscribed and refunds the
// unused share of every payment row of the original order but vouchers:
//
//	refund = remaining time / total time of the resource
//	       × the line's amount_after_discount / the order's amount_after_discount
//	       × the row's amount, floored to cents, never more than amount − refunded
//
// along the routing of console.md §4.6 (see route). Resources that are not
// the customer's, already unsubscribed or expired are reported in
// Result.Failures and the others proceed; unsubscribe_type 2 fails every
// resource with ErrNoRenewals (there are no renewals). Two unsubscriptions
// of one resource racing: the resource row is locked and re-checked, so
// only one refunds. Errors: CBC.0100 naming the field, ErrFrozen.
func (s *Service) Unsubscribe(ctx context.Context, customerID string, req Request) (Result, error) {
	if err := req.Validate(); err != nil {
		return Result{}, err
	}
	var res Result
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res = Result{OrderIDs: []string{}, Failures: []Failure{}}
		now := s.Clock.Now().UTC()
		var frozen int
		err := tx.QueryRowContext(ctx, `SELECT frozen FROM customers WHERE id = $1`, customerID).Scan(&frozen)
		if errors.Is(err, sql.ErrNoRows) {
			for _, id := range req.ResourceIDs {
				res.Failures = append(res.Failures, Failure{id, ErrResourceNotFound.With("id", id)})
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("load customer: %w", err)
		}
		if frozen != 0 {
			return ErrFrozen
		}
		// Lock in id order so that two unsubscriptions never deadlock.
		sorted := slices.Clone(req.ResourceIDs)
		slices.Sort(sorted)
		loaded := map[string]claimed{}
		failed := map[string]*apperr.Error{}
		for _, id := range sorted {
			c, err := s.loadResource(ctx, tx, customerID, id, true)
			var ae *apperr.Error
			switch {
			case errors.As(err, &ae):
				failed[id] = ae
				continue
			case err != nil:
				return err
			}
			if req.Type == UnsubscribeRenewals {
				failed[id] = ErrNoRenewals.With("id", id)
				continue
			}
			if ferr := refusal(c.Resource, now); ferr != nil {
				failed[id] = ferr
				continue
			}
			loaded[id] = c
		}
		groups := map[string][]claimed{}
		var orderIDs []string
		for _, id := range req.ResourceIDs {
			if e := failed[id]; e != nil {
				res.Failures = append(res.Failures, Failure{id, e})
				continue
			}
			c := loaded[id]
			if _, ok := groups[c.OrderID]; !ok {
				orderIDs = append(orderIDs, c.OrderID)
			}
			groups[c.OrderID] = append(groups[c.OrderID], c)
		}
		slices.Sort(orderIDs)
		var moves []move
		for _, oid := range orderIDs {
			p, err := s.plan(ctx, tx, customerID, oid, groups[oid], now, true)
			if err != nil {
				return err
			}
			uid, err := s.apply(ctx, tx, customerID, p, req, now)
			if err != nil {
				return err
			}
			res.OrderIDs = append(res.OrderIDs, uid)
			for _, rf := range p.refunds {
				if !rf.Amount.IsZero() {
					moves = append(moves, move{Refund: rf, orderID: uid})
				}
			}
		}
		if err := s.moveMoney(ctx, tx, customerID, moves, now); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// loadResource reads one of the customer's resources with its line's paid
// amount; lock locks the resource row (PostgreSQL) for the transaction.
// ErrResourceNotFound for another customer's or an unknown one.
func (s *Service) loadResource(ctx context.Context, q db.Querier, customerID, id string, lock bool) (claimed, error) {
	suffix := ""
	if lock && s.DB.Dialect == db.Postgres {
		suffix = " FOR UPDATE OF r"
	}
	var c claimed
	row := q.QueryRowContext(ctx, "SELECT "+resourceColumns+", l.amount_after_discount"+resourceFrom+
		" WHERE r.id = $1 AND r.customer_id = $2"+suffix, id, customerID)
	var unsub sql.NullTime
	err := row.Scan(&c.ID, &c.CustomerID, &c.OrderID, &c.LineItemID, &c.ProductID, &c.ServiceTypeCode,
		&c.ResourceTypeCode, &c.SpecCode, &c.Region, &c.PeriodType, &c.PeriodNum, &c.Quantity, &c.ResourceSize,
		&c.SizeMeasureID, &c.Status, &c.EffectiveAt, &c.ExpiresAt, &unsub, &c.UnsubscribeOrderID, &c.lineAmount)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrResourceNotFound.With("id", id)
	}
	if err != nil {
		return c, fmt.Errorf("load resource %s: %w", id, err)
	}
	c.EffectiveAt, c.ExpiresAt = c.EffectiveAt.UTC(), c.ExpiresAt.UTC()
	return c, nil
}

// loadBase reads an original order and its payment rows (locked in a
// write transaction on PostgreSQL, so that two unsubscriptions of the same
// order's resources refund one after the other).
func (s *Service) loadBase(ctx context.Context, q db.Querier, orderID string, lock bool) (baseOrder, error) {
	b := baseOrder{id: orderID}
	if err := q.QueryRowContext(ctx, `SELECT service_type_code, user_name, amount_after_discount FROM orders WHERE id = $1`,
		orderID).Scan(&b.serviceType, &b.userName, &b.amount); err != nil {
		return b, fmt.Errorf("load order %s: %w", orderID, err)
	}
	suffix := ""
	if lock {
		suffix = s.DB.ForUpdate()
	}
	rows, err := q.QueryContext(ctx, `SELECT id, source, source_id, funded_by, amount, refunded FROM order_payments
		WHERE order_id = $1 ORDER BY created_at, id`+suffix, orderID)
	if err != nil {
		return b, fmt.Errorf("load order payments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p payRow
		if err := rows.Scan(&p.id, &p.source, &p.sourceID, &p.fundedBy, &p.amount, &p.refunded); err != nil {
			return b, err
		}
		b.payments = append(b.payments, p)
	}
	return b, rows.Err()
}

// unusedShare is a resource's refund from one payment row before the cap:
// remaining/total time × line/order amount × the row's amount, floored.
func unusedShare(r claimed, orderAmount, rowAmount int64, now time.Time) int64 {
	total := r.ExpiresAt.Sub(r.EffectiveAt)
	left := r.ExpiresAt.Sub(now)
	if total <= 0 || left <= 0 || orderAmount <= 0 {
		return 0
	}
	left = min(left, total)
	v := decimal.NewFromInt(int64(left / time.Second)).
		Mul(decimal.NewFromInt(r.lineAmount)).
		Mul(decimal.NewFromInt(rowAmount)).
		Div(decimal.NewFromInt(int64(total / time.Second)).Mul(decimal.NewFromInt(orderAmount)))
	return v.Floor().IntPart()
}

// plan computes what unsubscribing resources (all of original order
// orderID) gives back and where.
func (s *Service) plan(ctx context.Context, q db.Querier, customerID, orderID string, rs []claimed, now time.Time, lock bool) (orderPlan, error) {
	b, err := s.loadBase(ctx, q, orderID, lock)
	if err != nil {
		return orderPlan{}, err
	}
	p := orderPlan{base: b, resources: rs, perRes: map[string]int64{}}
	for _, row := range b.payments {
		left := row.amount - row.refunded
		shares := map[string]int64{}
		var sum int64
		for _, r := range rs {
			c := min(unusedShare(r, b.amount, row.amount, now), left)
			if c <= 0 {
				continue
			}
			left -= c
			shares[r.ID] = c
			sum += c
		}
		if sum == 0 {
			continue
		}
		rf := Refund{BaseOrderID: orderID, PaymentID: row.id, Source: row.source, SourceID: row.sourceID}
		if row.source == SourceVoucher {
			rf.Kept, rf.Why = money.FromCents(sum), KeptVoucher
			p.refunds = append(p.refunds, rf)
			continue
		}
		dest, destID, lapsed, err := s.route(ctx, q, customerID, row, now, lock)
		if err != nil {
			return orderPlan{}, err
		}
		if lapsed {
			rf.Kept, rf.Why = money.FromCents(sum), KeptLapsed
			p.refunds = append(p.refunds, rf)
			continue
		}
		for id, c := range shares {
			p.perRes[id] += c
		}
		rf.Destination, rf.DestinationID, rf.Amount = dest, destID, money.FromCents(sum)
		p.total += sum
		p.refunds = append(p.refunds, rf)
	}
	return p, nil
}

// route says where a payment row's refund goes (console.md §4.6):
//
//   - partner (代支付): the partner's account, during the association and
//     after it ends;
//   - customer balance funded by partner P (a reseller-model customer's
//     allocations): the customer's account while it is still in the
//     reseller model with P, else P's account;
//   - customer's own money (empty funded_by): the customer's account;
//   - card: the stored-value card;
//   - cash: the cash coupon — unless it expired or was reclaimed since, when
//     its share lapses (lapsed true: nothing is given back, as an expired
//     coupon's balance would have gone back to its issuer's quota, not to
//     the customer).
func (s *Service) route(ctx context.Context, q db.Querier, customerID string, row payRow, now time.Time, hold bool) (string, string, bool, error) {
	switch row.source {
	case SourcePartner:
		return DestPartner, row.sourceID, false, nil
	case SourceCustomer:
		if row.fundedBy == "" {
			return DestCustomer, customerID, false, nil
		}
		a, ok, err := s.association(ctx, q, customerID, hold)
		if err != nil {
			return "", "", false, fmt.Errorf("refund routing: %w", err)
		}
		if ok && a.PartnerID == row.fundedBy && a.Type == customer.Reseller {
			return DestCustomer, customerID, false, nil
		}
		return DestPartner, row.fundedBy, false, nil
	case SourceCard:
		// An expired card could never spend it: the card was bought with
		// the customer's own money, so its share goes to the account.
		ok, err := s.Cards.Spendable(ctx, q, row.sourceID, now)
		if err != nil {
			return "", "", false, err
		}
		if !ok {
			return DestCustomer, customerID, false, nil
		}
		return DestCard, row.sourceID, false, nil
	case SourceCash:
		ok, err := s.Coupons.Refundable(ctx, q, row.sourceID, now)
		if err != nil {
			return "", "", false, err
		}
		return DestCash, row.sourceID, !ok, nil
	}
	return "", "", false, fmt.Errorf("refund routing: unknown payment source %q", row.source)
}

// association is the customer's current association; with hold, inside
// a write transaction q, held until it ends (customer.HoldAssociation), so
// that a refund routed to a reseller-model customer's account is swept to
// the partner by a disassociation completing at the same time.
func (s *Service) association(ctx context.Context, q db.Querier, customerID string, hold bool) (customer.HeldAssociation, bool, error) {
	if tx, ok := q.(*sql.Tx); ok && hold {
		return customer.HoldAssociation(ctx, s.DB, tx, customerID)
	}
	var a customer.HeldAssociation
	err := q.QueryRowContext(ctx, `SELECT partner_id, type FROM customer_associations WHERE customer_id = $1
		AND ended_at IS NULL`, customerID).Scan(&a.PartnerID, &a.Type)
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	return a, err == nil, err
}

// move is one refund to make, for unsubscribe order orderID.
type move struct {
	Refund
	orderID string
}

// moveRank orders the refunds' locks like a payment's: coupons, then
// cards, then accounts (in account-id order, locked up front), so that an
// unsubscription and a payment never wait for each other in a cycle.
func moveRank(dest string) int {
	switch dest {
	case DestCash:
		return 0
	case DestCard:
		return 1
	}
	return 2
}

// moveMoney makes the refunds of an unsubscription inside tx, in lock
// order: each payment row marked refunded, the money moved to its
// destination, and an order_refunds row written.
func (s *Service) moveMoney(ctx context.Context, tx *sql.Tx, customerID string, moves []move, now time.Time) error {
	slices.SortStableFunc(moves, func(a, b move) int {
		if r := moveRank(a.Destination) - moveRank(b.Destination); r != 0 {
			return r
		}
		return strings.Compare(a.DestinationID, b.DestinationID)
	})
	partnerID, err := s.currentPartner(ctx, tx, customerID)
	if err != nil {
		return err
	}
	var accounts []funds.AccountRef
	for _, m := range moves {
		if m.Destination == DestCustomer || m.Destination == DestPartner {
			accounts = append(accounts, funds.AccountRef{Kind: m.Destination, OwnerID: m.DestinationID})
		}
	}
	locked := false
	for _, rf := range moves {
		uid := rf.orderID
		memo := "unsubscribe order " + uid
		if moveRank(rf.Destination) == 2 && !locked {
			if err := s.Funds.LockTx(ctx, tx, accounts...); err != nil {
				return err
			}
			locked = true
		}
		cents := rf.Amount.Cents()
		res, err := tx.ExecContext(ctx, `UPDATE order_payments SET refunded = refunded + $1 WHERE id = $2
			AND refunded + $1 <= amount`, cents, rf.PaymentID)
		if err != nil {
			return fmt.Errorf("mark refunded: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("refund of payment %s exceeds what it paid", rf.PaymentID)
		}
		switch rf.Destination {
		case DestPartner:
			err = s.Funds.CreditTx(ctx, tx, funds.Movement{Kind: funds.KindPartner, OwnerID: rf.DestinationID,
				Amount: rf.Amount, Reason: memo}, rf.DestinationID)
		case DestCustomer:
			err = s.Funds.CreditTx(ctx, tx, funds.Movement{Kind: funds.KindCustomer, OwnerID: rf.DestinationID,
				Amount: rf.Amount, Reason: memo}, partnerID)
		case DestCard:
			err = s.Cards.RefundTx(ctx, tx, rf.DestinationID, uid, rf.Amount)
		case DestCash:
			var ok bool
			ok, err = s.Coupons.RefundTx(ctx, tx, rf.DestinationID, uid, rf.Amount)
			if err == nil && !ok {
				err = fmt.Errorf("cash coupon %s lapsed while refunding", rf.DestinationID)
			}
		default:
			err = fmt.Errorf("refund to %q", rf.Destination)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_refunds (id, order_id, base_order_id, customer_id, payment_id,
			destination, destination_id, amount, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			ids.New(), uid, rf.BaseOrderID, customerID, rf.PaymentID, rf.Destination, rf.DestinationID, cents, now); err != nil {
			return fmt.Errorf("record refund: %w", err)
		}
	}
	return nil
}

// currentPartner is the customer's partner now ("" when none).
func (s *Service) currentPartner(ctx context.Context, q db.Querier, customerID string) (string, error) {
	a, _, err := s.association(ctx, q, customerID, true)
	return a.PartnerID, err
}

// apply writes a plan inside tx: the unsubscribe order and its lines, the
// resources unsubscribed, every refund moved and recorded. It returns the
// unsubscribe order's id.
func (s *Service) apply(ctx context.Context, tx *sql.Tx, customerID string, p orderPlan, req Request, now time.Time) (string, error) {
	uid := ids.New()
	partnerID, err := s.currentPartner(ctx, tx, customerID)
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO orders (id, customer_id, partner_id, service_type_code, source_type,
		status, order_type, official_amount, amount_after_discount, currency, user_name, payment_time, created_at,
		updated_at, base_order_id, unsubscribe_reason_type, unsubscribe_reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 'CNY', $9, $10, $10, $10, $11, $12, $13)`,
		uid, customerID, partnerID, p.base.serviceType, order.SourceCustomer, int(order.StatusCompleted),
		int(order.TypeUnsubscribe), p.total, p.base.userName, now, p.base.id, req.ReasonType, req.Reason); err != nil {
		return "", fmt.Errorf("write unsubscribe order: %w", err)
	}
	for i, r := range p.resources {
		amount := p.perRes[r.ID]
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_line_items (id, order_id, seq, service_type_code,
			resource_type_code, resource_spec_code, region_code, product_id, period_type, period_num, subscription_num,
			resource_size, size_measure_id, official_amount, amount_after_discount, effective_time, expire_time)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16)`,
			ids.New(), uid, i+1, r.ServiceTypeCode, r.ResourceTypeCode, r.SpecCode, r.Region, r.ProductID, r.PeriodType,
			r.PeriodNum, r.Quantity, r.ResourceSize, r.SizeMeasureID, amount, now, r.ExpiresAt); err != nil {
			return "", fmt.Errorf("write unsubscribe line: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE customer_resources SET status = $1, unsubscribed_at = $2,
			unsubscribe_order_id = $3 WHERE id = $4 AND status = $5`, StatusUnsubscribed, now, uid, r.ID, StatusActive)
		if err != nil {
			return "", fmt.Errorf("unsubscribe resource: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// The row was locked and checked active in this transaction.
			return "", fmt.Errorf("unsubscribe resource %s: no longer active", r.ID)
		}
	}
	return uid, nil
}
