package funds_test

import (
	"context"
	"strings"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/testworld"
)

// fixture is the funds service on a real database with a stopped clock,
// an operator and four partners: two solution providers, a distributor and
// its cloud reseller.
type fixture struct {
	w        *testworld.World
	db       *db.DB
	clock    *clock.Mock
	ident    *identity.Service
	outbox   *outbox.Outbox
	svc      *funds.Service
	op       identity.Actor
	sp, sp2  tenant
	dist     tenant
	reseller tenant
}

type tenant struct {
	p    identity.Partner
	main identity.Actor
}

func unique(prefix string) string { return testworld.Unique(prefix) }

var t0 = testworld.Start

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	w := testworld.New(tb, d)
	f := &fixture{w: w, db: d, clock: w.Clock, ident: w.Identity, outbox: w.Outbox, op: w.Operator,
		sp: tenantOf(w.SP), sp2: tenantOf(w.SP2), dist: tenantOf(w.Dist), reseller: tenantOf(w.Reseller)}
	f.svc = funds.NewService(funds.Deps{DB: d, Clock: f.clock, Identity: f.ident, Outbox: f.outbox})
	return f
}

func tenantOf(t testworld.Tenant) tenant { return tenant{p: t.Partner, main: t.Main} }

func (f *fixture) mustTenant(tb testing.TB, typ identity.PartnerType, parent string) tenant {
	tb.Helper()
	return tenantOf(f.w.NewTenant(tb, typ, parent))
}

func amt(s string) money.Amount { return money.MustParse(s) }

// mustCustomers inserts n customers currently associated with partnerID in
// the given model, with an e-mail address each
// (testworld.World.AssociatedCustomers).
func (f *fixture) mustCustomers(tb testing.TB, partnerID string, n int, typ customer.AssociationType) []string {
	tb.Helper()
	return f.w.AssociatedCustomers(tb, partnerID, n, typ)
}

// mustTopUp tops up t's account as the operator.
func (f *fixture) mustTopUp(tb testing.TB, t tenant, amount string) {
	tb.Helper()
	if _, err := f.svc.TopUp(context.Background(), f.op, t.p.ID, amt(amount), "test"); err != nil {
		tb.Fatalf("top up: %v", err)
	}
}

func (f *fixture) partnerBalance(tb testing.TB, t tenant) funds.Account {
	tb.Helper()
	a, err := f.svc.PartnerAccount(context.Background(), t.main, "")
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func (f *fixture) customerBalance(tb testing.TB, customerID string) string {
	tb.Helper()
	var c int64
	err := f.db.SQL.QueryRow("SELECT balance FROM fund_accounts WHERE kind = 'customer' AND owner_id = $1", customerID).Scan(&c)
	if err != nil {
		tb.Fatal(err)
	}
	return money.FromCents(c).String()
}

func (f *fixture) exec(tb testing.TB, query string, args ...any) {
	tb.Helper()
	if _, err := f.db.SQL.Exec(query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

func (f *fixture) count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := f.db.SQL.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// mustVerify fails the test when the ledger does not balance.
func (f *fixture) mustVerify(tb testing.TB) funds.LedgerReport {
	tb.Helper()
	rep, err := f.svc.VerifyLedger(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if len(rep.Problems) > 0 {
		tb.Fatalf("ledger problems:\n%s", strings.Join(rep.Problems, "\n"))
	}
	return rep
}

// without returns a copy of a with the permission items removed.
func without(a identity.Actor, perms ...string) identity.Actor {
	m := make(map[string]bool, len(a.Perms))
	for k, v := range a.Perms {
		m[k] = v
	}
	for _, p := range perms {
		delete(m, p)
	}
	a.Perms = m
	return a
}

// The shared assertions and database loop of testworld.
var (
	wantErr  = testworld.WantErr
	wantCode = testworld.WantCode
	each     = testworld.Each
)
