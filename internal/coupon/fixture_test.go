package coupon_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/testworld"
)

// fixture is the coupon service on a real database with a stopped clock,
// an operator and four partners: two solution providers, a distributor and
// its cloud reseller.
type fixture struct {
	w         *testworld.World
	db        *db.DB
	clock     *clock.Mock
	ident     *identity.Service
	customers *customer.Service
	svc       *coupon.Service
	op        identity.Actor
	sp, sp2   tenant
	dist      tenant
	reseller  tenant
}

type tenant struct {
	p    identity.Partner
	main identity.Actor
}

func unique(prefix string) string { return testworld.Unique(prefix) }

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	w := testworld.New(tb, d)
	f := &fixture{w: w, db: d, clock: w.Clock, ident: w.Identity, customers: w.Customers, op: w.Operator,
		sp: tenantOf(w.SP), sp2: tenantOf(w.SP2), dist: tenantOf(w.Dist), reseller: tenantOf(w.Reseller)}
	f.svc = coupon.NewService(coupon.Deps{DB: d, Clock: f.clock, Identity: f.ident, Customers: f.customers, Queue: w.Queue})
	f.svc.Register(w.Workers)
	f.customers.SetDisassociationHook(f.svc)
	return f
}

func tenantOf(t testworld.Tenant) tenant { return tenant{p: t.Partner, main: t.Main} }

func (f *fixture) mustTenant(tb testing.TB, typ identity.PartnerType, parent string) tenant {
	tb.Helper()
	return tenantOf(f.w.NewTenant(tb, typ, parent))
}

func ptr[T any](v T) *T { return &v }

func amt(s string) money.Amount { return money.MustParse(s) }

// mustQuota grants t a quota of value valid from a day before the clock
// to a year after.
func (f *fixture) mustQuota(tb testing.TB, t tenant, typ coupon.QuotaType, value string, limits coupon.Limits) coupon.Quota {
	tb.Helper()
	now := f.clock.Now()
	q, err := f.svc.GrantQuota(context.Background(), f.op, coupon.NewQuota{PartnerID: t.p.ID, Type: typ, Value: amt(value),
		EffectiveAt: now.Add(-24 * time.Hour), ExpiresAt: now.AddDate(1, 0, 0), Limits: limits})
	if err != nil {
		tb.Fatalf("grant quota: %v", err)
	}
	return q
}

// mustCustomers inserts n customers currently associated with partnerID in
// the given model (testworld.World.AssociatedCustomers).
func (f *fixture) mustCustomers(tb testing.TB, partnerID string, n int, typ customer.AssociationType) []string {
	tb.Helper()
	return f.w.AssociatedCustomers(tb, partnerID, n, typ)
}

// mustAssociated creates a reseller-model customer of t through the
// customer service and associates it at once.
func (f *fixture) mustAssociated(tb testing.TB, t tenant) customer.Customer {
	tb.Helper()
	ctx := context.Background()
	c, err := f.customers.CreateSubCustomer(ctx, t.main, customer.NewCustomer{XAccountID: unique("user"),
		XAccountType: t.p.XAccountType})
	if err != nil {
		tb.Fatalf("create customer: %v", err)
	}
	if _, err := f.customers.AssociateNow(ctx, c.ID); err != nil {
		tb.Fatalf("associate: %v", err)
	}
	return c
}

// mustIssue issues face from q to customers as actor, expecting no error
// at all.
func (f *fixture) mustIssue(tb testing.TB, actor identity.Actor, q coupon.Quota, face string, customers ...string) []coupon.Issued {
	tb.Helper()
	got, bad, err := f.svc.Issue(context.Background(), actor, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: customers,
		FaceValue: amt(face)})
	if err != nil || len(bad) > 0 {
		tb.Fatalf("issue: %v %v", err, bad)
	}
	return got
}

func (f *fixture) balance(tb testing.TB, quotaID string) money.Amount {
	tb.Helper()
	var c int64
	if err := f.db.SQL.QueryRow("SELECT balance FROM coupon_quotas WHERE id = $1", quotaID).Scan(&c); err != nil {
		tb.Fatal(err)
	}
	return money.FromCents(c)
}

func (f *fixture) count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := f.db.SQL.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func (f *fixture) exec(tb testing.TB, query string, args ...any) {
	tb.Helper()
	if _, err := f.db.SQL.Exec(query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

// mustVerify fails the test when the ledger does not balance.
func (f *fixture) mustVerify(tb testing.TB) coupon.LedgerReport {
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

// wantItems checks per-item errors by id and code.
func wantItems(tb testing.TB, got []coupon.ItemError, want map[string]string) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("got %d item errors %v, want %d", len(got), got, len(want))
	}
	for _, ie := range got {
		e, _ := apperr.As(ie.Err)
		if e == nil || want[ie.ID] != e.Code {
			tb.Errorf("item %s: got %v, want %s", ie.ID, ie.Err, want[ie.ID])
		}
	}
}

// The shared assertions and database loop of testworld.
var (
	wantErr   = testworld.WantErr
	wantParam = testworld.WantParam
	each      = testworld.Each
)
