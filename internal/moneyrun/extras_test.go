package moneyrun

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// checkExtra checks the books of stored-value cards, refunds and partner
// payment.
func (r *run) checkExtra() []string {
	var problems []string
	p := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	rep, err := r.cards.VerifyLedger(r.ctx)
	if err != nil {
		p("card ledger: %v", err)
	}
	for _, x := range rep.Problems {
		p("card ledger: %s", x)
	}
	// Cards hold what was bought, less what they paid, plus what refunds
	// gave back to them.
	r.mu.Lock()
	bought := r.cardsBought
	r.mu.Unlock()
	held := r.scalarInt(`SELECT SUM(balance) FROM stored_value_cards`)
	faces := r.scalarInt(`SELECT SUM(face_value) FROM stored_value_cards`)
	paid := r.scalarInt(`SELECT SUM(amount) FROM order_payments WHERE source = 'card'`)
	back := r.scalarInt(`SELECT SUM(amount) FROM order_refunds WHERE destination = 'card'`)
	if faces != bought {
		p("cards' face values sum to %s, customers paid %s for cards", amount(faces), amount(bought))
	}
	if held != bought-paid+back {
		p("cards hold %s; bought %s − paid %s + refunded %s = %s", amount(held), amount(bought), amount(paid), amount(back),
			amount(bought-paid+back))
	}
	for _, q := range []struct{ what, query string }{
		// Partner payment: an order waiting for its partner is never paid
		// by the customer; one the partner paid is paid by the partner only.
		{"orders paid while waiting for the partner", `SELECT COUNT(*) FROM orders WHERE agent_pay = 1 AND status = 5`},
		{"partner-paid orders not completed", `SELECT COUNT(*) FROM orders WHERE agent_pay = 2 AND status <> 5`},
		{"partner-paid orders paid by the customer's coupons, cards or account", `SELECT COUNT(*) FROM orders o
			JOIN order_payments p ON p.order_id = o.id WHERE o.agent_pay = 2 AND p.source <> 'partner'`},
		{"orders waiting for a partner they are not associated with", `SELECT COUNT(*) FROM orders o WHERE o.agent_pay = 1
			AND o.status = 6 AND o.pending_payment_end_time > $1 AND NOT EXISTS (SELECT 1 FROM customer_associations a
			WHERE a.customer_id = o.customer_id AND a.partner_id = o.paying_partner_id AND a.ended_at IS NULL)`},
		{"rejected partner payments without a reason", `SELECT COUNT(*) FROM orders WHERE agent_pay = 3 AND agent_reject_reason = ''`},
		// Coupons: a usable coupon is held by a customer in its issuing
		// partner's reseller model (ending the association reclaims them).
		{"usable coupons held by a customer no longer in the issuer's reseller model", `SELECT COUNT(*) FROM coupons k
			WHERE k.status = 2 AND NOT EXISTS (SELECT 1 FROM customer_associations a WHERE a.customer_id = k.customer_id
			AND a.partner_id = k.partner_id AND a.type = 2 AND a.ended_at IS NULL)`},
		// Refunds: never from a voucher, never more than the unsubscribe
		// order says, always of a completed new order of the customer.
		{"refunds of voucher payments", `SELECT COUNT(*) FROM order_refunds f JOIN order_payments p ON p.id = f.payment_id
			WHERE p.source = 'voucher'`},
		{"refunds whose payment is not of their base order", `SELECT COUNT(*) FROM order_refunds f
			JOIN order_payments p ON p.id = f.payment_id WHERE p.order_id <> f.base_order_id`},
		{"unsubscribe orders whose refunds do not sum to their amount", `SELECT COUNT(*) FROM orders o WHERE o.order_type = 4
			AND o.official_amount <> COALESCE((SELECT SUM(amount) FROM order_refunds f WHERE f.order_id = o.id), 0)`},
		{"unsubscribe orders of an order that is not a paid order of the customer", `SELECT COUNT(*) FROM orders u
			LEFT JOIN orders b ON b.id = u.base_order_id WHERE u.order_type = 4
			AND (b.id IS NULL OR b.customer_id <> u.customer_id OR b.status <> 5 OR b.order_type <> 1)`},
		{"resources of orders not paid", `SELECT COUNT(*) FROM customer_resources r JOIN orders o ON o.id = r.order_id
			WHERE o.status <> 5`},
		{"paid order lines without exactly one resource", `SELECT COUNT(*) FROM order_line_items l JOIN orders o ON o.id = l.order_id
			WHERE o.status = 5 AND o.order_type = 1 AND (SELECT COUNT(*) FROM customer_resources r WHERE r.line_item_id = l.id) <> 1`},
		{"unsubscribed resources without their unsubscribe order", `SELECT COUNT(*) FROM customer_resources r
			WHERE r.status = 'unsubscribed' AND NOT EXISTS (SELECT 1 FROM orders u WHERE u.id = r.unsubscribe_order_id
			AND u.order_type = 4 AND u.base_order_id = r.order_id)`},
	} {
		var args []any
		if strings.Contains(q.query, "$1") {
			args = append(args, r.now())
		}
		if n := r.scalarInt(q.query, args...); n > 0 {
			p("%d %s", n, q.what)
		}
	}
	for _, id := range r.strings1(`SELECT k.id FROM coupons k WHERE k.status = 2 AND NOT EXISTS (SELECT 1 FROM customer_associations a
		WHERE a.customer_id = k.customer_id AND a.partner_id = k.partner_id AND a.type = 2 AND a.ended_at IS NULL) ORDER BY k.id LIMIT 5`) {
		var who string
		_ = r.d.SQL.QueryRowContext(r.ctx, `SELECT 'customer ' || customer_id || ' of partner ' || partner_id FROM coupons WHERE id = $1`,
			id).Scan(&who)
		p("usable coupon %s (%s), whose customer is not in that partner's reseller model; its ledger: %s", id, who,
			strings.Join(r.strings1(`SELECT operation || ' ' || CAST(amount AS TEXT) || ' ' || counterpart_id FROM coupon_ledger
				WHERE account_id = $1 ORDER BY version`, id), ", "))
	}
	problems = append(problems, r.checkRefundShares()...)
	return problems
}

// checkRefundShares: what an unsubscription gives back from one payment
// row is at most that row's part of the unused time of the resources given
// back — remaining / total time × the line's share of the order — so no
// refund returns more than the unused share (console.md §4.6).
func (r *run) checkRefundShares() []string {
	var problems []string
	type res struct {
		left, total      time.Duration
		lineAfter, after int64
	}
	byOrder := map[string][]res{}
	rows, err := r.d.SQL.QueryContext(r.ctx, `SELECT x.unsubscribe_order_id, x.effective_at, x.expires_at, x.unsubscribed_at,
		l.amount_after_discount, o.amount_after_discount FROM customer_resources x
		JOIN order_line_items l ON l.id = x.line_item_id JOIN orders o ON o.id = x.order_id WHERE x.status = 'unsubscribed'`)
	if err != nil {
		return []string{fmt.Sprintf("read unsubscribed resources: %v", err)}
	}
	for rows.Next() {
		var uid string
		var from, until time.Time
		var at sql.NullTime
		var x res
		if err := rows.Scan(&uid, &from, &until, &at, &x.lineAfter, &x.after); err != nil {
			rows.Close()
			return []string{fmt.Sprintf("scan resource: %v", err)}
		}
		x.total, x.left = until.Sub(from), max(0, until.Sub(at.Time))
		byOrder[uid] = append(byOrder[uid], x)
	}
	rows.Close()
	rows, err = r.d.SQL.QueryContext(r.ctx, `SELECT f.order_id, f.amount, p.amount FROM order_refunds f
		JOIN order_payments p ON p.id = f.payment_id ORDER BY f.order_id, f.id`)
	if err != nil {
		return []string{fmt.Sprintf("read refunds: %v", err)}
	}
	defer rows.Close()
	for rows.Next() {
		var uid string
		var got, row int64
		if err := rows.Scan(&uid, &got, &row); err != nil {
			return []string{fmt.Sprintf("scan refund: %v", err)}
		}
		var most decimal.Decimal
		for _, x := range byOrder[uid] {
			if x.total <= 0 || x.after <= 0 {
				continue
			}
			most = most.Add(decimal.NewFromInt(int64(x.left / time.Second)).Mul(decimal.NewFromInt(x.lineAfter)).
				Mul(decimal.NewFromInt(row)).Div(decimal.NewFromInt(int64(x.total / time.Second)).Mul(decimal.NewFromInt(x.after))))
		}
		if decimal.NewFromInt(got).GreaterThan(most.Ceil()) {
			problems = append(problems, fmt.Sprintf("unsubscribe order %s refunds %s of a %s payment, its unused share is %s",
				uid, amount(got), amount(row), amount(most.Ceil().IntPart())))
		}
	}
	return problems
}

// moneyInOut is what reached fund accounts from outside the operator's
// top-ups (customers' own top-ups) and what left them other than for
// orders (stored-value cards bought), in cents.
func (r *run) moneyInOut() (in, out int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.customerTopUps, r.cardsBought
}
