package moneyrun

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/platform/money"
)

// check verifies every invariant on a still world and returns the broken
// ones.
func (r *run) check() []string {
	var problems []string
	p := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	// 1. The ledgers verify.
	cr, err := r.coupons.VerifyLedger(r.ctx)
	if err != nil {
		p("coupon ledger: %v", err)
	}
	for _, x := range cr.Problems {
		p("coupon ledger: %s", x)
	}
	fr, err := r.funds.VerifyLedger(r.ctx)
	if err != nil {
		p("funds ledger: %v", err)
	}
	for _, x := range fr.Problems {
		p("funds ledger: %s", x)
	}
	problems = append(problems, r.checkExtra()...)

	// 2. No balance is negative anywhere.
	for _, q := range []struct{ what, query string }{
		{"fund account", `SELECT COUNT(*) FROM fund_accounts WHERE balance < 0 OR credit_used < 0 OR credit_used > credit_limit`},
		{"coupon", `SELECT COUNT(*) FROM coupons WHERE balance < 0 OR used < 0 OR reclaimed < 0`},
		{"coupon quota", `SELECT COUNT(*) FROM coupon_quotas WHERE balance < 0`},
		{"stored-value card", `SELECT COUNT(*) FROM stored_value_cards WHERE balance < 0`},
		{"order payment", `SELECT COUNT(*) FROM order_payments WHERE amount <= 0 OR refunded < 0 OR refunded > amount`},
	} {
		if n := r.scalarInt(q.query); n > 0 {
			p("%d %s rows with a negative balance or an impossible amount", n, q.what)
		}
	}

	// 3. Every account holds what the run put in and moved.
	r.mu.Lock()
	want := make(map[string]int64, len(r.pos))
	for k, v := range r.pos {
		want[k] = v
	}
	toppedUp := r.toppedUp
	r.mu.Unlock()
	rows, err := r.d.SQL.QueryContext(r.ctx, `SELECT kind, owner_id, balance, credit_used FROM fund_accounts`)
	if err != nil {
		p("read accounts: %v", err)
		return problems
	}
	var total int64
	seen := map[string]bool{}
	for rows.Next() {
		var kind, owner string
		var bal, used int64
		if err := rows.Scan(&kind, &owner, &bal, &used); err != nil {
			p("scan account: %v", err)
			break
		}
		k := kind + ":" + owner
		seen[k] = true
		total += bal - used
		if want[k] != bal-used {
			p("account %s holds %s (balance %s − used credit %s), the run expects %s", k, amount(bal-used),
				amount(bal), amount(used), amount(want[k]))
		}
	}
	rows.Close()
	for k, v := range want {
		if !seen[k] && v != 0 {
			p("account %s does not exist, the run expects %s", k, amount(v))
		}
	}
	// Money conservation: what the accounts hold is what the operator put
	// in, less what accounts paid for orders (and for stored-value cards),
	// plus what refunds gave back to accounts.
	spent := r.scalarInt(`SELECT SUM(amount) FROM order_payments WHERE source IN ('customer', 'partner')`)
	refunded := r.scalarInt(`SELECT SUM(amount) FROM order_refunds WHERE destination IN ('customer', 'partner')`)
	extraIn, extraOut := r.moneyInOut()
	if got, want := total, toppedUp+extraIn-extraOut-spent+refunded; got != want {
		p("accounts hold %s in all; top-ups %s + %s − paid %s − %s + refunded %s = %s", amount(got), amount(toppedUp),
			amount(extraIn), amount(spent), amount(extraOut), amount(refunded), amount(want))
	}

	problems = append(problems, r.checkOrders()...)
	return problems
}

// limitsJSON mirrors the coupon domain's stored limits.
type limitsJSON struct {
	ServiceTypes  []string `json:"service_types,omitempty"`
	ProductIDs    []string `json:"product_ids,omitempty"`
	Regions       []string `json:"regions,omitempty"`
	OrderTypes    []string `json:"order_types,omitempty"`
	MinOrder      int64    `json:"min_order,omitempty"`
	MaxOrderShare int      `json:"max_order_share,omitempty"`
}

type orderRow struct {
	id, customer                  string
	status, typ                   int
	official, after               int64
	deadline, paidAt, cancelledAt sql.NullTime
	agentPay                      int
	payingPartner                 string
}

type lineRow struct {
	service, product, region string
	official, after          int64
}

type paymentRow struct {
	id, source, sourceID string
	amount, refunded     int64
}

type couponRow struct {
	id, customer, lockOrder string
	typ                     int
	used                    int64
	limits                  limitsJSON
	from, until             time.Time
}

// checkOrders checks every order against the payment rules.
func (r *run) checkOrders() []string {
	var problems []string
	p := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	q := func(query string, scan func(*sql.Rows) error) {
		rows, err := r.d.SQL.QueryContext(r.ctx, query)
		if err != nil {
			p("%s: %v", query, err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				p("scan: %v", err)
				return
			}
		}
		if err := rows.Err(); err != nil {
			p("rows: %v", err)
		}
	}
	orders := map[string]*orderRow{}
	q(`SELECT id, customer_id, status, order_type, official_amount, amount_after_discount, pending_payment_end_time,
		payment_time, cancelled_at, agent_pay, paying_partner_id FROM orders`, func(rows *sql.Rows) error {
		o := &orderRow{}
		err := rows.Scan(&o.id, &o.customer, &o.status, &o.typ, &o.official, &o.after, &o.deadline, &o.paidAt, &o.cancelledAt,
			&o.agentPay, &o.payingPartner)
		orders[o.id] = o
		return err
	})
	lines := map[string][]lineRow{}
	q(`SELECT order_id, service_type_code, product_id, region_code, official_amount, amount_after_discount
		FROM order_line_items ORDER BY order_id, seq`, func(rows *sql.Rows) error {
		var id string
		var l lineRow
		err := rows.Scan(&id, &l.service, &l.product, &l.region, &l.official, &l.after)
		lines[id] = append(lines[id], l)
		return err
	})
	pays := map[string][]paymentRow{}
	q(`SELECT order_id, id, source, source_id, amount, refunded FROM order_payments`, func(rows *sql.Rows) error {
		var id string
		var x paymentRow
		err := rows.Scan(&id, &x.id, &x.source, &x.sourceID, &x.amount, &x.refunded)
		pays[id] = append(pays[id], x)
		return err
	})
	type discountRow struct {
		id           string
		rate, amount int64
	}
	discounts := map[string][]discountRow{}
	q(`SELECT order_id, discount_id, rate, amount FROM order_discounts`, func(rows *sql.Rows) error {
		var id string
		var x discountRow
		err := rows.Scan(&id, &x.id, &x.rate, &x.amount)
		discounts[id] = append(discounts[id], x)
		return err
	})
	type grant struct {
		customer, partner string
		rate              int64
		from, until       time.Time
		ended             sql.NullTime
	}
	grants := map[string]grant{}
	q(`SELECT id, customer_id, partner_id, rate, effective_at, expires_at, ended_at FROM partner_discounts`, func(rows *sql.Rows) error {
		var id string
		var g grant
		err := rows.Scan(&id, &g.customer, &g.partner, &g.rate, &g.from, &g.until, &g.ended)
		grants[id] = g
		return err
	})
	usages := map[string]int64{} // order|coupon → amount
	q(`SELECT order_id, coupon_id, amount FROM coupon_usages`, func(rows *sql.Rows) error {
		var o, c string
		var a int64
		err := rows.Scan(&o, &c, &a)
		usages[o+"|"+c] += a
		return err
	})
	coupons := map[string]*couponRow{}
	q(`SELECT id, customer_id, lock_order_id, type, used, limits, effective_at, expires_at FROM coupons`, func(rows *sql.Rows) error {
		c := &couponRow{}
		var limits string
		if err := rows.Scan(&c.id, &c.customer, &c.lockOrder, &c.typ, &c.used, &limits, &c.from, &c.until); err != nil {
			return err
		}
		coupons[c.id] = c
		return json.Unmarshal([]byte(limits), &c.limits)
	})
	refundsByPayment := map[string]int64{}
	q(`SELECT payment_id, amount FROM order_refunds`, func(rows *sql.Rows) error {
		var id string
		var a int64
		err := rows.Scan(&id, &a)
		refundsByPayment[id] += a
		return err
	})

	couponPaid := map[string]int64{}
	ids := make([]string, 0, len(orders))
	for id := range orders {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		o := orders[id]
		ps, ds := pays[id], discounts[id]
		var paidSum, lineSum int64
		for _, x := range ps {
			paidSum += x.amount
			if refundsByPayment[x.id] != x.refunded {
				p("order %s: payment %s says %s refunded, its refunds sum to %s", id, x.id, amount(x.refunded), amount(refundsByPayment[x.id]))
			}
		}
		for _, l := range lines[id] {
			lineSum += l.after
		}
		if o.typ != 1 {
			continue // unsubscribe orders are the refund checks'
		}
		switch o.status {
		case 6, 4:
			if len(ps) > 0 || len(ds) > 0 || o.paidAt.Valid {
				p("order %s in status %d has %d payment rows, %d discounts, payment time %v", id, o.status, len(ps), len(ds), o.paidAt.Valid)
			}
			if o.status == 4 && !o.cancelledAt.Valid {
				p("order %s cancelled without a cancel time", id)
			}
			if o.status == 6 && o.cancelledAt.Valid {
				p("order %s pending with a cancel time", id)
			}
			continue
		case 5:
		default:
			p("order %s in status %d", id, o.status)
			continue
		}
		// A completed order: paid once, in time, in full.
		if o.cancelledAt.Valid {
			p("order %s both paid and cancelled", id)
		}
		if !o.paidAt.Valid || !o.deadline.Valid || !o.paidAt.Time.Before(o.deadline.Time) {
			p("order %s paid at %v, deadline %v", id, o.paidAt.Time, o.deadline.Time)
		}
		if paidSum != o.after {
			p("order %s: payments sum to %s, amount after discount is %s", id, amount(paidSum), amount(o.after))
		}
		if lineSum != o.after {
			p("order %s: lines sum to %s after discount, order says %s", id, amount(lineSum), amount(o.after))
		}
		rate := int64(10000)
		switch len(ds) {
		case 0:
			if o.after != o.official {
				p("order %s: no discount, yet %s after discount of %s", id, amount(o.after), amount(o.official))
			}
		case 1:
			d := ds[0]
			rate = d.rate
			want := money.Round2(money.FromCents(o.official).Mul(decimal.New(d.rate, -4))).Cents()
			if o.after != want || d.amount != o.official-o.after {
				p("order %s: discount rate %d of %s gives %s, order says %s (off %s)", id, d.rate, amount(o.official),
					amount(want), amount(o.after), amount(d.amount))
			}
			g, ok := grants[d.id]
			switch {
			case !ok:
				p("order %s: discount %s does not exist", id, d.id)
			case g.customer != o.customer || g.rate != d.rate:
				p("order %s: discount %s is customer %s's at rate %d", id, d.id, g.customer, g.rate)
			// The clock stands still between operations: a discount ended
			// at the very instant of the payment may have ended after it.
			case o.paidAt.Time.Before(g.from) || !o.paidAt.Time.Before(g.until) || (g.ended.Valid && g.ended.Time.Before(o.paidAt.Time)):
				p("order %s paid at %v with discount %s valid %v–%v ended %v", id, o.paidAt.Time, d.id, g.from, g.until, g.ended)
			}
		default:
			p("order %s used %d discounts", id, len(ds))
		}
		vouchers := 0
		var cashSoFar int64
		for _, x := range ps {
			switch x.source {
			case "voucher", "cash":
				c, ok := coupons[x.sourceID]
				if !ok {
					p("order %s paid by unknown coupon %s", id, x.sourceID)
					continue
				}
				couponPaid[c.id] += x.amount
				if usages[id+"|"+c.id] != x.amount {
					p("order %s: coupon %s paid %s, its usage records say %s", id, c.id, amount(x.amount), amount(usages[id+"|"+c.id]))
				}
				if c.customer != o.customer {
					p("order %s of customer %s paid by customer %s's coupon %s", id, o.customer, c.customer, c.id)
				}
				if (x.source == "voucher") != (c.typ == 1) {
					p("order %s: coupon %s of type %d recorded as %s", id, c.id, c.typ, x.source)
				}
				if o.paidAt.Time.Before(c.from) || !o.paidAt.Time.Before(c.until) {
					p("order %s paid at %v by coupon %s valid %v–%v", id, o.paidAt.Time, c.id, c.from, c.until)
				}
				eligible, why := eligibleAmount(c.limits, lines[id])
				if why != "" {
					p("order %s paid %s by coupon %s outside its limits (%s): %+v", id, amount(x.amount), c.id, why, c.limits)
				}
				if x.source == "voucher" {
					vouchers++
					if x.amount > eligible {
						p("order %s: voucher %s paid %s above the eligible %s", id, c.id, amount(x.amount), amount(eligible))
					}
					continue
				}
				base := money.Round2(money.FromCents(eligible).Mul(decimal.New(rate, -4))).Cents()
				if x.amount > base {
					p("order %s: cash coupon %s paid %s above the eligible %s", id, c.id, amount(x.amount), amount(base))
				}
				cashSoFar += x.amount
				if s := c.limits.MaxOrderShare; s > 0 && cashSoFar > o.after*int64(s)/100 {
					p("order %s: cash coupons paid %s, coupon %s allows %d%% of %s", id, amount(cashSoFar), c.id, s, amount(o.after))
				}
			case "customer":
				if x.sourceID != o.customer || o.agentPay == 2 {
					p("order %s (agent pay %d) paid from customer account %s", id, o.agentPay, x.sourceID)
				}
			case "partner":
				if o.agentPay != 2 || x.sourceID != o.payingPartner {
					p("order %s (agent pay %d, partner %s) paid from partner account %s", id, o.agentPay, o.payingPartner, x.sourceID)
				}
			case "card":
			default:
				p("order %s paid from unknown source %s", id, x.source)
			}
		}
		if vouchers > 1 {
			p("order %s paid with %d vouchers", id, vouchers)
		}
		if vouchers > 0 && len(ds) > 0 {
			p("order %s used a voucher and a discount", id)
		}
	}
	// Coupons: what each paid is its used amount (less what refunds gave
	// back to cash coupons), and none is locked to a finished order.
	cashBack := map[string]int64{}
	q(`SELECT destination_id, amount FROM order_refunds WHERE destination = 'cash'`, func(rows *sql.Rows) error {
		var id string
		var a int64
		err := rows.Scan(&id, &a)
		cashBack[id] += a
		return err
	})
	cids := make([]string, 0, len(coupons))
	for id := range coupons {
		cids = append(cids, id)
	}
	sort.Strings(cids)
	for _, id := range cids {
		c := coupons[id]
		if c.used != couponPaid[id]-cashBack[id] {
			p("coupon %s: used %s, orders' payments by it %s, refunded to it %s", id, amount(c.used), amount(couponPaid[id]),
				amount(cashBack[id]))
		}
		if c.lockOrder != "" {
			if o, ok := orders[c.lockOrder]; !ok || o.status != 6 {
				p("coupon %s locked to order %s, which is not pending", id, c.lockOrder)
			}
		}
	}
	return problems
}

// eligibleAmount is, as the rules of console.md §3.7 say, the official
// amount of the order lines within a coupon's limits, or why none is.
func eligibleAmount(l limitsJSON, lines []lineRow) (int64, string) {
	if len(l.OrderTypes) > 0 && !slices.Contains(l.OrderTypes, "new") {
		return 0, "order type"
	}
	var sum int64
	for _, x := range lines {
		if (len(l.ServiceTypes) == 0 || slices.Contains(l.ServiceTypes, x.service)) &&
			(len(l.ProductIDs) == 0 || slices.Contains(l.ProductIDs, x.product)) &&
			(len(l.Regions) == 0 || slices.Contains(l.Regions, x.region)) {
			sum += x.official
		}
	}
	switch {
	case sum == 0:
		return 0, "no line within"
	case l.MinOrder > 0 && sum < l.MinOrder:
		return sum, "below the minimum " + amount(l.MinOrder).String()
	}
	return sum, ""
}
