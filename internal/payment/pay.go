package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// Explain prices a pending order of the customer's without paying it:
// each step, and for every benefit the customer holds whether it applies
// and why not. Chosen benefits that do not apply are reported, not
// refused. Errors: CBC.0100 naming the field, order.ErrNotFound. Read-only.
func (s *Service) Explain(ctx context.Context, customerID string, req Request) (Explanation, error) {
	if err := req.Validate(); err != nil {
		return Explanation{}, err
	}
	o, lines, _, err := s.Orders.Details(ctx, order.CustomerViewer(customerID), req.OrderID, "", 0, order.MaxItems)
	if err != nil {
		return Explanation{}, err
	}
	held, _, err := s.Coupons.CustomerCoupons(ctx, customerID, coupon.CustomerCouponFilter{Limit: 100})
	if err != nil {
		return Explanation{}, err
	}
	in := input{order: o, lines: lines, req: req, now: s.Clock.Now().UTC()}
	in.coupons = orderCoupons(held, req.CouponIDs)
	if err := s.checkHeld(in); err != nil {
		return Explanation{}, err
	}
	d, ok, err := s.Funds.CurrentDiscount(ctx, s.DB.SQL, customerID, in.now)
	if err != nil {
		return Explanation{}, err
	}
	if ok {
		in.discount = &d
	}
	if err := checkDiscount(in); err != nil {
		return Explanation{}, err
	}
	ex, _ := compute(in)
	if s.Cards != nil {
		if ex.CardBalance, err = s.Cards.CardBalance(ctx, s.DB.SQL, customerID, in.now); err != nil {
			return Explanation{}, err
		}
		if req.UseCards {
			ex.Cards = minAmount(ex.CardBalance, ex.Due)
			ex.Due = ex.Due.Sub(ex.Cards)
		}
	}
	bal, err := s.balance(ctx, customerID)
	ex.Balance = bal
	return ex, err
}

func (s *Service) balance(ctx context.Context, customerID string) (money.Amount, error) {
	var b money.Amount
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		b, err = s.Funds.CustomerBalanceTx(ctx, tx, customerID)
		return err
	})
	return b, err
}

// orderCoupons puts the chosen coupons first, in request order, then the
// others; used-up coupons are left out unless chosen.
func orderCoupons(held []coupon.Coupon, chosenIDs []string) []coupon.Coupon {
	var out []coupon.Coupon
	for _, id := range chosenIDs {
		for _, c := range held {
			if c.ID == id {
				out = append(out, c)
			}
		}
	}
	for _, c := range held {
		if !contains(chosenIDs, c.ID) && c.Status != coupon.CouponUsedUp {
			out = append(out, c)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkHeld: every chosen coupon must be the customer's.
func (s *Service) checkHeld(in input) error {
	for _, id := range in.req.CouponIDs {
		found := false
		for _, c := range in.coupons {
			found = found || c.ID == id
		}
		if !found {
			return coupon.ErrCouponNotFound
		}
	}
	return nil
}

// checkDiscount: a chosen discount must be the customer's current one.
func checkDiscount(in input) error {
	for _, id := range in.req.DiscountIDs {
		if in.discount == nil || in.discount.ID != id {
			return errRefused(id, ReasonNotHeld)
		}
	}
	return nil
}

// Pay pays one of the customer's pending orders in one transaction: the
// order is claimed (still pending, before its deadline, not waiting for
// the partner; ErrInProgress while another payment of it runs), then
// settled (see settle). Errors: CBC.0100 naming the field,
// order.ErrNotFound, ErrFrozen, ErrNotPayable, ErrDeadlinePassed,
// ErrAwaitingPartner, ErrInProgress, coupon.ErrCouponNotFound, ErrBenefit
// (with the reason), ErrInsufficient (CBC.99005003). Not idempotent: a
// second call finds the order completed (ErrNotPayable).
func (s *Service) Pay(ctx context.Context, customerID string, req Request) (Explanation, error) {
	if err := req.Validate(); err != nil {
		return Explanation{}, err
	}
	var ex Explanation
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.Clock.Now().UTC()
		c, err := s.claim(ctx, tx, req.OrderID, "o.customer_id = $2", customerID, now)
		if err != nil {
			return err
		}
		if c.agentPay == AgentPending {
			return ErrAwaitingPartner
		}
		ex, err = s.settle(ctx, tx, req, c, payer{kind: funds.KindCustomer, id: customerID}, now)
		return err
	})
	if err != nil {
		return Explanation{}, err
	}
	return ex, nil
}

// claimed is an order claimed for payment.
type claimed struct {
	order    order.Order
	agentPay int
	payingID string
	// resellerOf is the partner whose reseller-model customer the orderer
	// is now ("" when none): the balance it pays with is that partner's
	// allocations.
	resellerOf string
}

// claim locks a pending order for payment inside tx (PostgreSQL: NOWAIT,
// ErrInProgress when another payment holds it) and checks it may be paid
// now: scope is the SQL condition naming who may pay it ($2 is scopeArg).
// Errors: order.ErrNotFound, ErrInProgress, ErrNotPayable,
// ErrDeadlinePassed, ErrFrozen.
func (s *Service) claim(ctx context.Context, tx *sql.Tx, orderID, scope, scopeArg string, now time.Time) (claimed, error) {
	var c claimed
	var status, typ, frozen int
	var official int64
	var deadline sql.NullTime
	var resellerOf sql.NullString
	lock := ""
	if s.DB.Dialect == db.Postgres {
		lock = " FOR UPDATE OF o NOWAIT"
	}
	err := tx.QueryRowContext(ctx, `SELECT o.id, o.customer_id, o.status, o.order_type, o.official_amount, o.user_name,
		o.pending_payment_end_time, o.agent_pay, o.paying_partner_id, c.frozen, a.partner_id
		FROM orders o JOIN customers c ON c.id = o.customer_id
		LEFT JOIN customer_associations a ON a.customer_id = o.customer_id AND a.ended_at IS NULL AND a.type = 2
		WHERE o.id = $1 AND `+scope+lock, orderID, scopeArg).Scan(&c.order.ID, &c.order.CustomerID, &status, &typ, &official,
		&c.order.UserName, &deadline, &c.agentPay, &c.payingID, &frozen, &resellerOf)
	if errors.Is(err, sql.ErrNoRows) {
		return c, order.ErrNotFound
	}
	if err != nil {
		if strings.Contains(err.Error(), "55P03") || strings.Contains(err.Error(), "could not obtain lock") {
			return c, ErrInProgress
		}
		return c, fmt.Errorf("claim order: %w", err)
	}
	c.order.Status, c.order.Type, c.order.OfficialAmount = order.Status(status), order.Type(typ), money.FromCents(official)
	c.resellerOf = resellerOf.String
	switch {
	case order.Status(status) != order.StatusPendingPayment:
		return c, ErrNotPayable
	case deadline.Valid && !now.Before(deadline.Time.UTC()):
		return c, ErrDeadlinePassed
	case frozen != 0:
		return c, ErrFrozen
	}
	return c, nil
}

// payer is whose account pays what the benefits leave: the customer's,
// or the partner's (代支付).
type payer struct {
	kind string // funds.KindCustomer or funds.KindPartner
	id   string
	name string // who pays, for the ledger; the order's user when empty
}

// settle pays a claimed order inside tx: the chosen voucher and cash
// coupons are locked to it and spent (coupon ledger), the discount
// applied and recorded, stored-value cards spent when chosen, the rest
// debited from the payer's account (funds ledger), every source recorded
// in order_payments, the lines' discounted amounts set, the order
// completed (status 5, payment_time) and the paid hook told. Coupons are
// the customer's: only a customer payer may choose them.
func (s *Service) settle(ctx context.Context, tx *sql.Tx, req Request, c claimed, p payer, now time.Time) (Explanation, error) {
	in := input{req: req, now: now, order: c.order}
	var err error
	if in.lines, err = order.Lines(ctx, tx, req.OrderID); err != nil {
		return Explanation{}, err
	}
	customerID := in.order.CustomerID
	if p.kind != funds.KindCustomer && (len(req.CouponIDs) > 0 || req.UseCards) {
		return Explanation{}, errParam("coupon_infos")
	}
	// Lock the chosen coupons to the order, then read them as locked.
	for _, id := range req.CouponIDs {
		c, err := s.loadCoupon(ctx, tx, id, customerID)
		if err != nil {
			return Explanation{}, err
		}
		if r := usable(in, c); r != "" {
			return Explanation{}, errRefused(id, r)
		}
		if err := s.Coupons.Lock(ctx, tx, id, req.OrderID); err != nil {
			if errors.Is(err, coupon.ErrCouponNotUsable) {
				return Explanation{}, errRefused(id, ReasonLocked)
			}
			return Explanation{}, err
		}
		if c, err = s.loadCoupon(ctx, tx, id, customerID); err != nil {
			return Explanation{}, err
		}
		in.coupons = append(in.coupons, c)
	}
	if req.UseDiscount {
		d, ok, err := s.Funds.CurrentDiscount(ctx, tx, customerID, now)
		if err != nil {
			return Explanation{}, err
		}
		if ok {
			in.discount = &d
		}
		if err := checkDiscount(in); err != nil {
			return Explanation{}, err
		}
	}
	ex, refused := compute(in)
	if refused != nil {
		return Explanation{}, errRefused(refused.ID, refused.Reason)
	}
	rec := recorder{tx: tx, orderID: req.OrderID, now: now}
	for _, b := range ex.Benefits {
		if !b.Applies {
			continue
		}
		if b.Kind == KindDiscount {
			if err := rec.discount(ctx, *in.discount, b.Amount); err != nil {
				return Explanation{}, err
			}
			continue
		}
		if err := s.Coupons.Spend(ctx, tx, b.ID, req.OrderID, b.Amount); err != nil {
			return Explanation{}, err
		}
		if err := rec.source(ctx, b.Kind, b.ID, "", b.Amount); err != nil {
			return Explanation{}, err
		}
	}
	if req.UseCards && s.Cards != nil && ex.Due.Cmp(money.Amount{}) > 0 {
		uses, err := s.Cards.SpendCardsTx(ctx, tx, customerID, req.OrderID, ex.Due)
		if err != nil {
			return Explanation{}, err
		}
		for _, u := range uses {
			ex.Cards, ex.Due = ex.Cards.Add(u.Amount), ex.Due.Sub(u.Amount)
			if err := rec.source(ctx, SourceCard, u.CardID, "", u.Amount); err != nil {
				return Explanation{}, err
			}
		}
	}
	if ex.Due.Cmp(money.Amount{}) > 0 {
		actor := in.order.UserName
		if p.name != "" {
			actor = p.name
		}
		if err := s.Funds.DebitTx(ctx, tx, funds.Movement{Kind: p.kind, OwnerID: p.id, Amount: ex.Due,
			Actor: actor, Reason: "order " + req.OrderID}); err != nil {
			return Explanation{}, err
		}
		fundedBy := ""
		if p.kind == funds.KindCustomer {
			fundedBy = c.resellerOf
		}
		if err := rec.source(ctx, p.kind, p.id, fundedBy, ex.Due); err != nil {
			return Explanation{}, err
		}
	}
	if err := rec.lines(ctx, in.lines, ex.Payable); err != nil {
		return Explanation{}, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE orders SET status = 5, payment_time = $1, updated_at = $1,
		amount_after_discount = $2 WHERE id = $3 AND status = 6 AND pending_payment_end_time > $1`,
		now, ex.Payable.Cents(), req.OrderID)
	if err != nil {
		return Explanation{}, fmt.Errorf("complete order: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Explanation{}, ErrNotPayable
	}
	if s.onPaid != nil {
		if err := s.onPaid.OrderPaid(ctx, tx, in.order, in.lines, now); err != nil {
			return Explanation{}, err
		}
	}
	return ex, nil
}

// loadCoupon reads one of the customer's coupons inside tx.
func (s *Service) loadCoupon(ctx context.Context, tx *sql.Tx, id, customerID string) (coupon.Coupon, error) {
	return s.Coupons.CustomerCouponTx(ctx, tx, customerID, id)
}

// errRefused is ErrBenefit for benefit id, with the reason's code and its
// message key for the faces to translate.
func errRefused(id, reason string) *apperr.Error {
	return ErrBenefit.With("id", id).With("reason", reason).With("why", i18n.Key(ReasonKey(reason)))
}
