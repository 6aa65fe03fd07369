package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// Partner pays (代支付 / 伙伴代付, console.md §4.4). A customer asks the
// partner it is associated with (referral or reseller model) to pay one of
// its pending orders: the order waits for that partner (agent_pay 1) and the
// customer cannot pay it itself meanwhile, but may cancel it. The partner
// pays it from its account balance (its credit line counts) — with the
// customer's partner-granted discount when chosen, never with the
// customer's coupons or stored-value cards — or rejects it with a mandatory
// reason, one order or a batch. A rejected order (agent_pay 3) is the
// customer's again: it shows the reason, stays pending until its deadline,
// and the customer may pay it, ask again or cancel it. An order past its
// payment deadline cannot be paid. While an order waits for the partner,
// the customer's association with that partner cannot end or switch type
// (CheckDisassociation).

// Limits of partner payment.
const (
	// MaxRejectBatch is how many orders one rejection may name.
	MaxRejectBatch = 100
	// MaxRejectReason is the longest rejection reason, in characters.
	MaxRejectReason = 200
)

// Errors of partner payment.
var (
	// ErrNoPartner: the customer is not associated with a partner it
	// could ask.
	ErrNoPartner = apperr.New("CBC.0150", "err.partnerpay_no_partner").WithStatus(http.StatusBadRequest)
	// ErrNotAwaiting: the order does not wait for the partner's payment
	// (already paid, rejected, or never asked).
	ErrNotAwaiting = apperr.New("CBC.99005010", "err.partnerpay_not_awaiting")
	// ErrNotAssociated: the customer is no longer associated with the
	// partner asked to pay.
	ErrNotAssociated = apperr.New("CBC.99000035", "err.partnerpay_not_associated")
	// ErrBlocksChange: orders waiting for the partner's payment block
	// the customer's disassociation or type switch; "count" says how
	// many, "kind" names the change.
	ErrBlocksChange = apperr.New("PC.0409", "err.partnerpay_blocks_change")
)

// ItemError is one order a batch rejection could not serve.
type ItemError struct {
	ID  string
	Err error
}

func validOrderID(id string) error {
	if id == "" || len(id) > 64 {
		return errParam("order_id")
	}
	return nil
}

// RequestPartnerPay asks the partner the customer is associated with
// (referral or reseller model) to pay one of the customer's pending
// orders: agent_pay 1, paying_partner_id that partner, a previous
// rejection's reason cleared. Errors: CBC.0100 naming order_id,
// order.ErrNotFound, ErrNotPayable, ErrDeadlinePassed, ErrFrozen,
// ErrNoPartner. Idempotent: asking again while the order already waits
// for the same partner changes nothing and succeeds.
func (s *Service) RequestPartnerPay(ctx context.Context, customerID, orderID string) error {
	if err := validOrderID(orderID); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.Clock.Now().UTC()
		lock := ""
		if s.DB.Dialect == db.Postgres {
			lock = " FOR UPDATE OF o"
		}
		var status, agentPay, frozen int
		var paying string
		var deadline sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT o.status, o.pending_payment_end_time, o.agent_pay, o.paying_partner_id, c.frozen
			FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = $1 AND o.customer_id = $2`+lock,
			orderID, customerID).Scan(&status, &deadline, &agentPay, &paying, &frozen)
		if errors.Is(err, sql.ErrNoRows) {
			return order.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("load order: %w", err)
		}
		switch {
		case order.Status(status) != order.StatusPendingPayment:
			return ErrNotPayable
		case deadline.Valid && !now.Before(deadline.Time.UTC()):
			return ErrDeadlinePassed
		case frozen != 0:
			return ErrFrozen
		}
		// Held until the request commits: a disassociation completing at
		// the same time then sees the request and is blocked, or ended the
		// association first and the request finds no partner.
		held, ok, err := customer.HoldAssociation(ctx, s.DB, tx, customerID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNoPartner
		}
		partnerID := held.PartnerID
		if agentPay == AgentPending && paying == partnerID {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE orders SET agent_pay = 1, paying_partner_id = $1, agent_requested_at = $2,
			agent_reject_reason = '', agent_decided_at = NULL, agent_decided_by = '', updated_at = $2
			WHERE id = $3 AND status = 6`, partnerID, now, orderID)
		if err != nil {
			return fmt.Errorf("request partner payment: %w", err)
		}
		return nil
	})
}

// PartnerToAsk is the partner the customer would ask to pay an order (the
// one it is associated with now), or "" when it has none. Read-only.
func (s *Service) PartnerToAsk(ctx context.Context, customerID string) (string, error) {
	return currentPartner(ctx, s.DB.SQL, customerID)
}

// currentPartner is the partner the customer is associated with now, or
// "".
func currentPartner(ctx context.Context, q db.Querier, customerID string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, `SELECT partner_id FROM customer_associations WHERE customer_id = $1 AND ended_at IS NULL`,
		customerID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("current partner: %w", err)
	}
	return id, nil
}

// canPay: a partner member holding PermOrderPay.
func canPay(a identity.Actor) bool { return a.PartnerID != "" && a.Can(identity.PermOrderPay) }

// inScope reports whether the order waits for (or was asked of) the
// actor's partner and its customer is within the member's data scope.
func inScope(ctx context.Context, q db.Querier, a identity.Actor, orderID string) (bool, error) {
	w := db.NewWhere("o.id = ?", orderID)
	w.Add("o.paying_partner_id = ?", a.PartnerID)
	w.Scope("o.agent_pay > 0", nil) // a literal, so the partial index applies
	cond, args := a.Scope.SQL("c.account_manager_id", len(w.Args())+1)
	w.Scope(cond, args)
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id`+w.SQL(),
		w.Args()...).Scan(&n); err != nil {
		return false, fmt.Errorf("partner-pay scope: %w", err)
	}
	return n > 0, nil
}

// PayAsPartner pays an order a customer asked the actor's partner to pay,
// in one transaction: the order is claimed (pending, before its deadline,
// customer not frozen; ErrInProgress while another payment of it runs),
// must still wait for this partner, whose customer the orderer still is;
// then settled from the partner's account (its credit line counts), with
// the customer's partner-granted discount when req chooses it, and marked
// paid by the partner (agent_pay 2). Coupons and stored-value cards are the
// customer's: req.CouponIDs is refused (CBC.0100 naming coupon_infos) and
// cards are never spent. Needs PermOrderPay; another partner's order, or
// one outside the member's data scope, is order.ErrNotFound. Errors:
// identity.ErrForbidden, CBC.0100 naming the field, order.ErrNotFound,
// ErrNotAwaiting, ErrNotAssociated, ErrNotPayable, ErrDeadlinePassed,
// ErrFrozen, ErrInProgress, ErrBenefit, ErrInsufficient (CBC.99005003).
// Not idempotent: a second call finds the order paid (ErrNotPayable).
func (s *Service) PayAsPartner(ctx context.Context, actor identity.Actor, req Request) (Explanation, error) {
	if !canPay(actor) {
		return Explanation{}, identity.ErrForbidden
	}
	req.UseCards = false
	if err := req.Validate(); err != nil {
		return Explanation{}, err
	}
	if req.UseCoupon || len(req.CouponIDs) > 0 {
		return Explanation{}, errParam("coupon_infos")
	}
	var ex Explanation
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.Clock.Now().UTC()
		ok, err := inScope(ctx, tx, actor, req.OrderID)
		if err != nil {
			return err
		}
		if !ok {
			return order.ErrNotFound
		}
		c, err := s.claim(ctx, tx, req.OrderID, "o.paying_partner_id = $2", actor.PartnerID, now)
		if err != nil {
			return err
		}
		if c.agentPay != AgentPending {
			return ErrNotAwaiting
		}
		held, ok, err := customer.HoldAssociation(ctx, s.DB, tx, c.order.CustomerID)
		if err != nil {
			return err
		}
		if !ok || held.PartnerID != actor.PartnerID {
			return ErrNotAssociated
		}
		if ex, err = s.settle(ctx, tx, req, c, payer{kind: funds.KindPartner, id: actor.PartnerID, name: actor.Name}, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE orders SET agent_pay = 2, agent_decided_at = $1, agent_decided_by = $2
			WHERE id = $3 AND agent_pay = 1 AND paying_partner_id = $4`, now, actor.Name, req.OrderID, actor.PartnerID)
		if err != nil {
			return fmt.Errorf("mark paid by partner: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotAwaiting
		}
		return nil
	})
	if err != nil {
		return Explanation{}, err
	}
	return ex, nil
}

// RejectPartnerPay rejects, with reason, orders customers asked the
// actor's partner to pay: each goes back to its customer (agent_pay 3, the
// reason kept for the customer to see), still pending payment. One
// transaction; an order that cannot be rejected is reported in the
// returned ItemErrors (order.ErrNotFound for another partner's order or
// one outside the member's data scope, ErrNotAwaiting for one no longer
// waiting) and the others are rejected. Needs PermOrderPay. Whole-call
// errors: identity.ErrForbidden, CBC.0100 naming order_ids (none, more
// than MaxRejectBatch, a bad id) or reason (empty or longer than
// MaxRejectReason characters). Not idempotent: rejecting again reports
// ErrNotAwaiting.
func (s *Service) RejectPartnerPay(ctx context.Context, actor identity.Actor, orderIDs []string, reason string) ([]ItemError, error) {
	if !canPay(actor) {
		return nil, identity.ErrForbidden
	}
	if len(orderIDs) == 0 || len(orderIDs) > MaxRejectBatch {
		return nil, errParam("order_ids")
	}
	seen := map[string]bool{}
	var list []string
	for _, id := range orderIDs {
		if validOrderID(id) != nil {
			return nil, errParam("order_ids")
		}
		if !seen[id] {
			seen[id] = true
			list = append(list, id)
		}
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > MaxRejectReason {
		return nil, errParam("reason")
	}
	var bad []ItemError
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		bad = bad[:0]
		now := s.Clock.Now().UTC()
		for _, id := range list {
			if err := s.reject(ctx, tx, actor, id, reason, now); err != nil {
				if _, ok := apperr.As(err); ok {
					bad = append(bad, ItemError{ID: id, Err: err})
					continue
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return bad, nil
}

func (s *Service) reject(ctx context.Context, tx *sql.Tx, actor identity.Actor, id, reason string, now time.Time) error {
	ok, err := inScope(ctx, tx, actor, id)
	if err != nil {
		return err
	}
	if !ok {
		return order.ErrNotFound
	}
	res, err := tx.ExecContext(ctx, `UPDATE orders SET agent_pay = 3, agent_reject_reason = $1, agent_decided_at = $2,
		agent_decided_by = $3, updated_at = $2 WHERE id = $4 AND paying_partner_id = $5 AND agent_pay = 1 AND status = 6`,
		reason, now, actor.Name, id, actor.PartnerID)
	if err != nil {
		return fmt.Errorf("reject partner payment: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrNotAwaiting
	}
	return nil
}

// CheckDisassociation implements customer.DisassociationBlocker: orders of
// the customer waiting for the partner's payment (agent_pay 1, pending
// payment, deadline not passed) block ending or switching its association
// with that partner until the partner pays or rejects them or the customer
// cancels them (console.md §4.4). The refusal is ErrBlocksChange.
func (s *Service) CheckDisassociation(ctx context.Context, tx *sql.Tx, customerID, partnerID string, kind customer.ChangeKind) error {
	var q db.Querier = s.DB.SQL
	if tx != nil {
		q = tx
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM orders WHERE customer_id = $1 AND paying_partner_id = $2
		AND agent_pay = 1 AND status = 6 AND pending_payment_end_time > $3`,
		customerID, partnerID, s.Clock.Now().UTC()).Scan(&n); err != nil {
		return fmt.Errorf("partner-pay orders of customer: %w", err)
	}
	if n > 0 {
		return ErrBlocksChange.With("count", n).With("kind", i18n.Key(kind.MessageKey()))
	}
	return nil
}

// PartnerQuote is what the partner's pay page shows: the order, what it
// costs with and without the customer's partner-granted discount, and
// what the partner's account has available (balance + credit line − used
// credit).
type PartnerQuote struct {
	Order     order.Order
	Lines     []order.LineItem
	Discount  *funds.Discount
	Payable   money.Amount // with the discount, when the customer holds one
	Available money.Amount
}

// QuotePartnerPay prices an order waiting for the actor's partner for its
// pay page. Needs PermOrderPay (and PermOrderView to read the order).
// Errors: identity.ErrForbidden, order.ErrNotFound, ErrNotAwaiting.
// Read-only.
func (s *Service) QuotePartnerPay(ctx context.Context, actor identity.Actor, orderID string) (PartnerQuote, error) {
	if !canPay(actor) {
		return PartnerQuote{}, identity.ErrForbidden
	}
	if err := validOrderID(orderID); err != nil {
		return PartnerQuote{}, err
	}
	ok, err := inScope(ctx, s.DB.SQL, actor, orderID)
	if err != nil {
		return PartnerQuote{}, err
	}
	if !ok {
		return PartnerQuote{}, order.ErrNotFound
	}
	list, _, err := s.Orders.PartnerPayOrders(ctx, actor, order.AgentFilter{OrderID: orderID, Limit: 1})
	if err != nil {
		return PartnerQuote{}, err
	}
	if len(list) == 0 {
		return PartnerQuote{}, order.ErrNotFound
	}
	q := PartnerQuote{Order: list[0], Payable: list[0].OfficialAmount}
	if q.Order.AgentPay != AgentPending || q.Order.Status != order.StatusPendingPayment {
		return q, ErrNotAwaiting
	}
	_, q.Lines, _, err = s.Orders.Details(ctx, order.PartnerViewer(actor), orderID, "", 0, order.MaxItems)
	if errors.Is(err, order.ErrNotFound) {
		// Pending, ours, in scope, yet not visible: the customer left.
		return q, ErrNotAssociated
	}
	if err != nil {
		return q, err
	}
	now := s.Clock.Now().UTC()
	d, has, err := s.Funds.CurrentDiscount(ctx, s.DB.SQL, q.Order.CustomerID, now)
	if err != nil {
		return q, err
	}
	if has {
		q.Discount = &d
		ex, _ := compute(input{order: q.Order, lines: q.Lines, discount: &d, now: now,
			req: Request{OrderID: orderID, UseDiscount: true, DiscountIDs: []string{d.ID}}})
		q.Payable = ex.Payable
	}
	var bal, limit, used int64
	err = s.DB.SQL.QueryRowContext(ctx, `SELECT balance, credit_limit, credit_used FROM fund_accounts
		WHERE kind = $1 AND owner_id = $2`, funds.KindPartner, actor.PartnerID).Scan(&bal, &limit, &used)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return q, fmt.Errorf("partner account: %w", err)
	}
	q.Available = money.FromCents(bal + limit - used)
	return q, nil
}
