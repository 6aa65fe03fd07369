package moneyrun

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/platform/db"
	"partnercenter/internal/testworld"
)

// TestChecksCatch proves the run's checks can fail: after a short
// sequential run whose books are clean, it breaks one money rule at a time
// behind the services' backs and wants check to name it, then repairs it.
func TestChecksCatch(t *testing.T) {
	testworld.Each(t, func(t *testing.T, d *db.DB) {
		const seed = 7
		r := newRun(t, d, seed)
		rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
		r.setup(rng)
		// The checks are under test here, not the services: the
		// association changes, whose known failures the other tests
		// report, are left out so that the books start clean.
		var table []op
		for _, o := range append(ops(), moreOps()...) {
			if !strings.Contains(o.name, "associate") {
				table = append(table, o)
			}
		}
		for range 1200 {
			r.step(rng, table, true)
		}
		r.mustHold(t, "before breaking anything", 1200)

		one := func(what, query string) string {
			t.Helper()
			ids := r.strings1(query)
			if len(ids) == 0 {
				t.Fatalf("the run left no %s to break", what)
			}
			return ids[0]
		}
		paid := one("customer-paid order", `SELECT o.id FROM orders o JOIN order_payments p ON p.order_id = o.id
			WHERE o.status = 5 AND o.order_type = 1 AND p.source = 'customer' ORDER BY o.id`)
		byVoucher := one("voucher-paid order", `SELECT o.id FROM orders o JOIN order_payments p ON p.order_id = o.id
			WHERE o.status = 5 AND p.source = 'voucher' ORDER BY o.id`)
		aCoupon := one("coupon", `SELECT id FROM coupons WHERE lock_order_id = '' ORDER BY id`)
		anAccount := one("customer account", `SELECT id FROM fund_accounts WHERE kind = 'customer' AND balance > 0 ORDER BY id`)
		aCard := one("stored-value card", `SELECT id FROM stored_value_cards WHERE balance > 0 ORDER BY id`)
		aRefund := one("refund", `SELECT id FROM order_refunds ORDER BY id`)
		aPayment := one("customer payment", `SELECT id FROM order_payments WHERE order_id = '`+paid+`' AND source = 'customer'`)

		for _, c := range []struct {
			name, want     string
			break_, repair []string
		}{
			{"paid and cancelled", "in status 4 has",
				[]string{`UPDATE orders SET status = 4, cancelled_at = payment_time WHERE id = '` + paid + `'`},
				[]string{`UPDATE orders SET status = 5, cancelled_at = NULL WHERE id = '` + paid + `'`}},
			{"paid after its deadline", "deadline",
				[]string{`UPDATE orders SET payment_time = pending_payment_end_time WHERE id = '` + paid + `'`},
				nil},
			{"coupon locked to a finished order", "which is not pending",
				[]string{`UPDATE coupons SET lock_order_id = '` + paid + `' WHERE id = '` + aCoupon + `'`},
				[]string{`UPDATE coupons SET lock_order_id = '' WHERE id = '` + aCoupon + `'`}},
			{"money out of nowhere", "the run expects",
				[]string{`UPDATE fund_accounts SET balance = balance + 1 WHERE id = '` + anAccount + `'`},
				[]string{`UPDATE fund_accounts SET balance = balance - 1 WHERE id = '` + anAccount + `'`}},
			{"payments short of the order", "payments sum to",
				[]string{`UPDATE order_payments SET amount = amount + 1 WHERE id = '` + aPayment + `'`},
				[]string{`UPDATE order_payments SET amount = amount - 1 WHERE id = '` + aPayment + `'`}},
			{"voucher with a discount", "used a voucher and a discount",
				[]string{`INSERT INTO order_discounts (order_id, discount_id, discount_type, rate, amount)
					VALUES ('` + byVoucher + `', 'x', 3, 9000, 0)`},
				[]string{`DELETE FROM order_discounts WHERE order_id = '` + byVoucher + `' AND discount_id = 'x'`}},
			{"refund above the unused share", "its unused share is",
				[]string{`UPDATE order_refunds SET amount = amount + 100000000 WHERE id = '` + aRefund + `'`},
				[]string{`UPDATE order_refunds SET amount = amount - 100000000 WHERE id = '` + aRefund + `'`}},
			{"card money out of nowhere", "card ledger",
				[]string{`UPDATE stored_value_cards SET balance = balance - 1 WHERE id = '` + aCard + `'`},
				[]string{`UPDATE stored_value_cards SET balance = balance + 1 WHERE id = '` + aCard + `'`}},
		} {
			var before time.Time
			if c.repair == nil {
				// Remember the payment time to put back.
				if err := d.SQL.QueryRow(`SELECT payment_time FROM orders WHERE id = $1`, paid).Scan(&before); err != nil {
					t.Fatal(err)
				}
			}
			for _, q := range c.break_ {
				r.w.Exec(t, q)
			}
			problems := r.check()
			if !strings.Contains(strings.Join(problems, "\n"), c.want) {
				t.Errorf("%s: check did not say %q; it said:\n%s", c.name, c.want, strings.Join(problems, "\n"))
			}
			if c.repair == nil {
				r.w.Exec(t, `UPDATE orders SET payment_time = $1 WHERE id = $2`, before, paid)
			}
			for _, q := range c.repair {
				r.w.Exec(t, q)
			}
			if p := r.check(); len(p) > 0 {
				t.Fatalf("%s: still broken after the repair:\n%s", c.name, strings.Join(p, "\n"))
			}
		}
		// The model catches a payment that took one cent less than it said.
		r.mu.Lock()
		r.pos[partnerKey(r.partners[0].tenant.Partner.ID)]++
		r.mu.Unlock()
		if p := strings.Join(r.check(), "\n"); !strings.Contains(p, "the run expects") {
			t.Errorf("a cent missing from the books went unnoticed:\n%s", p)
		}
	})
}
