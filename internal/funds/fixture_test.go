package funds_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/platform/secretbox"
)

// fixture is the funds service on a real database with a stopped clock,
// an operator and four partners: two solution providers, a distributor and
// its cloud reseller.
type fixture struct {
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

var seq atomic.Int64

func unique(prefix string) string { return fmt.Sprintf("%s%06d", prefix, seq.Add(1)) }

var t0 = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	ctx := context.Background()
	box, err := secretbox.New(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{db: d, clock: clock.NewMock(t0)}
	f.ident = identity.NewService(d, f.clock, box)
	workers := river.NewWorkers()
	queue, err := jobs.New(d, jobs.Config{Workers: workers, PollInterval: 100 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	f.outbox = outbox.New(d, queue, f.clock, nil, nil)
	f.outbox.Register(workers)
	f.svc = funds.NewService(funds.Deps{DB: d, Clock: f.clock, Identity: f.ident, Outbox: f.outbox})
	op, err := f.ident.CreateOperator(ctx, identity.NewOperator{Username: unique("op"), Password: "Passw0rd!x",
		Roles: []identity.OperatorRole{identity.RolePlatformAdmin}})
	if err != nil {
		tb.Fatal(err)
	}
	f.op = op.Actor()
	f.sp = f.mustTenant(tb, identity.SolutionProvider, "")
	f.sp2 = f.mustTenant(tb, identity.SolutionProvider, "")
	f.dist = f.mustTenant(tb, identity.Distributor, "")
	f.reseller = f.mustTenant(tb, identity.CloudReseller, f.dist.p.ID)
	return f
}

func (f *fixture) mustTenant(tb testing.TB, typ identity.PartnerType, parent string) tenant {
	tb.Helper()
	ctx := context.Background()
	p, _, err := f.ident.CreatePartner(ctx, f.op, identity.NewPartner{Type: typ, ParentID: parent, Name: unique("Partner"),
		DomainName: unique("partner")})
	if err != nil {
		tb.Fatal(err)
	}
	m, err := f.ident.MainMember(ctx, p.ID)
	if err != nil {
		tb.Fatal(err)
	}
	a := m.Actor(p)
	a.Kind = identity.ActorAPIKey
	return tenant{p: p, main: a}
}

func amt(s string) money.Amount { return money.MustParse(s) }

// mustCustomers inserts n customers currently associated with partnerID in
// the given model, with an e-mail address each.
func (f *fixture) mustCustomers(tb testing.TB, partnerID string, n int, typ customer.AssociationType) []string {
	tb.Helper()
	now := f.clock.Now()
	out := make([]string, n)
	for i := range out {
		id, name := ids.New(), unique("cust")
		f.exec(tb, `INSERT INTO customers (id, domain_name, domain_name_key, email, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, id, name, strings.ToLower(name), name+"@example.com", now)
		f.exec(tb, `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at)
			VALUES ($1, $2, $3, $4, $5)`, ids.New(), id, partnerID, int(typ), now)
		out[i] = id
	}
	return out
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

func wantErr(tb testing.TB, err error, want *apperr.Error) {
	tb.Helper()
	if want == nil {
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if !errors.Is(err, want) {
		tb.Fatalf("got error %v, want %s %s", err, want.Code, want.Key)
	}
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code {
		tb.Fatalf("got error %v, want code %s", err, code)
	}
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

// each runs fn on SQLite and PostgreSQL with the job tables migrated (the
// outbox enqueues delivery jobs).
func each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	dbtest.Each(t, fn, jobs.Migrate)
}
