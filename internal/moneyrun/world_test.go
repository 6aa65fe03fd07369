package moneyrun

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/card"
	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/refund"
	"partnercenter/internal/testworld"
)

// partner is one of the run's four partners and how the run acts for it.
type partner struct {
	name   string
	tenant testworld.Tenant
	// quotas are the partner's coupon quotas the run knows of (granted by
	// the operator, or carved for the reseller by its distributor).
	quotas []string
}

// cust is one customer as the run believes it stands.
type cust struct {
	id string
	// partner is the index of the partner it is associated with, -1 when
	// it is not associated.
	partner int
	typ     customer.AssociationType
	// frozen: its partner froze it (reseller model only).
	frozen bool
}

// run is the world, the services and the run's model of where the money
// should be.
type run struct {
	t    *testing.T
	ctx  context.Context
	w    *testworld.World
	d    *db.DB
	seed uint64

	coupons *coupon.Service
	funds   *funds.Service
	orders  *order.Service
	pay     *payment.Service
	cards   *card.Service
	refunds *refund.Service

	partners []*partner // SP, SP2, Dist, Reseller
	dist     int        // index of the distributor
	reseller int        // index of its cloud reseller

	mu    sync.Mutex // guards everything below
	custs []*cust
	// pos is, per fund account ("partner:<id>" or "customer:<id>"), what
	// the run expects its balance − used credit to be.
	pos map[string]int64
	// toppedUp is every yuan (cents) the operator put into partner
	// accounts.
	toppedUp int64
	// customerTopUps is what customers put into their own accounts, and
	// cardsBought what they paid for stored-value cards (cents).
	customerTopUps, cardsBought int64
	// trace is the last operations, for the failure report.
	trace []string
	// counts of operations by name and outcome, for the summary.
	counts map[string]int
	// failures are the unexpected outcomes found by the workers.
	failures []string
	// concurrent is set while several goroutines run operations: the
	// differential checks that need a still world are skipped.
	concurrent bool
	// checking is the time spent in checks.
	checking time.Duration
}

var traceLen = 60

func newRun(t *testing.T, d *db.DB, seed uint64) *run {
	t.Helper()
	ctx := context.Background()
	// The services as the application wires them, the disassociation
	// hooks and blocker included.
	c := testworld.NewCommerce(t, d)
	c.WireDisassociation()
	w := c.World
	r := &run{t: t, ctx: ctx, w: w, d: d, seed: seed, pos: map[string]int64{}, counts: map[string]int{},
		coupons: c.Coupons, funds: c.Funds, orders: c.Orders, pay: c.Payments, cards: c.Cards, refunds: c.Refunds}
	r.partners = []*partner{{name: "SP", tenant: w.SP}, {name: "SP2", tenant: w.SP2}, {name: "Dist", tenant: w.Dist},
		{name: "Reseller", tenant: w.Reseller}}
	r.dist, r.reseller = 2, 3
	// Customers: reseller-model ones (money and coupons) and referral ones
	// (discounts) of every partner, the reseller's included.
	for i, n := range []struct{ resale, referral int }{{9, 4}, {5, 3}, {5, 2}, {6, 2}} {
		for _, id := range w.AssociatedCustomers(t, r.partners[i].tenant.Partner.ID, n.resale, customer.Reseller) {
			r.custs = append(r.custs, &cust{id: id, partner: i, typ: customer.Reseller})
		}
		for _, id := range w.AssociatedCustomers(t, r.partners[i].tenant.Partner.ID, n.referral, customer.Referral) {
			r.custs = append(r.custs, &cust{id: id, partner: i, typ: customer.Referral})
		}
	}
	return r
}

// ---- the model ----

func partnerKey(id string) string  { return funds.KindPartner + ":" + id }
func customerKey(id string) string { return funds.KindCustomer + ":" + id }

// move changes the expected positions of fund accounts, under the lock.
func (r *run) move(deltas map[string]int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, v := range deltas {
		r.pos[k] += v
	}
}

// snapshot returns a copy of a customer's model, under the lock.
func (r *run) cust(i int) cust {
	r.mu.Lock()
	defer r.mu.Unlock()
	return *r.custs[i]
}

func (r *run) nCusts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.custs)
}

// note appends to the trace and counts the outcome.
func (r *run) note(op string, err error, format string, args ...any) {
	outcome := "ok"
	if err != nil {
		outcome = errName(err)
	}
	line := fmt.Sprintf("%s %s → %s", op, fmt.Sprintf(format, args...), outcome)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts[op+" "+outcome]++
	r.trace = append(r.trace, line)
	if len(r.trace) > traceLen {
		r.trace = r.trace[len(r.trace)-traceLen:]
	}
}

// fail records an unexpected outcome; the run stops at the next batch.
func (r *run) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, msg)
}

func (r *run) failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.failures) > 0
}

// errName is an error's code and key, or its text when it is not an
// application error.
func errName(err error) string {
	if e, ok := apperr.As(err); ok {
		if f, ok := e.Args["field"]; ok {
			return fmt.Sprintf("%s/%s(%v)", e.Code, e.Key, f)
		}
		if reason, ok := e.Args["reason"]; ok {
			return fmt.Sprintf("%s/%s(%v)", e.Code, e.Key, reason)
		}
		return e.Code + "/" + e.Key
	}
	return "INTERNAL: " + err.Error()
}

// expect fails the run unless err is nil or one of the allowed
// application errors: anything else (an internal error, a database error,
// an application error the operation should not give) is a bug.
func (r *run) expect(op string, err error, allowed ...error) bool {
	if err == nil {
		return true
	}
	if _, ok := apperr.As(err); ok {
		for _, a := range allowed {
			if errors.Is(err, a) {
				return false
			}
		}
	}
	r.fail("%s: unexpected error %s", op, errName(err))
	return false
}

// isParam reports whether err is CBC.0100 naming field.
func isParam(err error, field string) bool {
	e, ok := apperr.As(err)
	return ok && e.Code == apperr.InvalidParam.Code && e.Args["field"] == field
}

// ---- random values ----

// cents returns a random amount in [lo, hi] yuan with random cents.
func cents(rng *rand.Rand, lo, hi int64) int64 {
	return lo*100 + rng.Int64N((hi-lo)*100+1)
}

func amount(c int64) money.Amount { return money.FromCents(c) }

func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// chance is true with probability p.
func chance(rng *rand.Rand, p float64) bool { return rng.Float64() < p }

// actorFor is who acts for partner i on its customers: its main account,
// or for the reseller sometimes its distributor naming it as the indirect
// partner.
func (r *run) actorFor(rng *rand.Rand, i int) (identity.Actor, string) {
	if i == r.reseller && chance(rng, 0.5) {
		return r.partners[r.dist].tenant.Main, r.partners[r.reseller].tenant.Partner.ID
	}
	return r.partners[i].tenant.Main, ""
}

// customerOf picks a customer currently associated with partner i in
// model typ (0: any type); ok false when there is none.
func (r *run) customerOf(rng *rand.Rand, i int, typ customer.AssociationType) (cust, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var list []cust
	for _, c := range r.custs {
		if c.partner == i && (typ == 0 || c.typ == typ) {
			list = append(list, *c)
		}
	}
	if len(list) == 0 {
		return cust{}, false
	}
	return pick(rng, list), true
}

func (r *run) anyCustomer(rng *rand.Rand) cust {
	r.mu.Lock()
	defer r.mu.Unlock()
	return *pick(rng, r.custs)
}

func (r *run) now() time.Time { return r.w.Clock.Now() }

// scalarInt runs a one-number query.
func (r *run) scalarInt(query string, args ...any) int64 {
	var n sql.NullInt64
	if err := r.d.SQL.QueryRowContext(r.ctx, query, args...).Scan(&n); err != nil {
		r.fail("query %s: %v", strings.Join(strings.Fields(query), " "), err)
	}
	return n.Int64
}

// strings1 runs a one-column query.
func (r *run) strings1(query string, args ...any) []string {
	rows, err := r.d.SQL.QueryContext(r.ctx, query, args...)
	if err != nil {
		r.fail("query %s: %v", query, err)
		return nil
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			r.fail("scan: %v", err)
			return nil
		}
		out = append(out, s)
	}
	return out
}
