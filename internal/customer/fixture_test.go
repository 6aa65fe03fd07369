package customer_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/platform/secretbox"
	"partnercenter/internal/testworld"
)

// fixture is the customer service on a real database with a stopped clock
// and four partners: two solution providers, a distributor and its cloud
// reseller. The job queue is built but works jobs only after startQueue.
type fixture struct {
	db       *db.DB
	clock    *clock.Mock
	ident    *identity.Service
	svc      *customer.Service
	queue    *jobs.Queue
	outbox   *outbox.Outbox
	op       identity.Actor
	sp, sp2  tenant
	dist     tenant
	reseller tenant
}

// tenant is a partner and its main account's actor (every permission item,
// every customer in scope).
type tenant struct {
	p    identity.Partner
	main identity.Actor
}

var seq atomic.Int64

// unique returns prefix and a sequence number padded to 6 digits, so even
// short prefixes make names long enough for the account-name rule.
func unique(prefix string) string { return fmt.Sprintf("%s%06d", prefix, seq.Add(1)) }

// option changes the fixture's customer.Config.
type option func(*customer.Config)

func withMaxPerMobile(n int) option { return func(c *customer.Config) { c.MaxAccountsPerMobile = n } }

func withWait(d time.Duration) option { return func(c *customer.Config) { c.AssociationWait = d } }

func mustFixture(tb testing.TB, d *db.DB, opts ...option) *fixture {
	tb.Helper()
	ctx := context.Background()
	box, err := secretbox.New(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{db: d, clock: clock.NewMock(time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC))}
	f.ident = identity.NewService(d, f.clock, box)
	workers := river.NewWorkers()
	if f.queue, err = jobs.New(d, jobs.Config{Workers: workers, PollInterval: 100 * time.Millisecond}); err != nil {
		tb.Fatal(err)
	}
	f.outbox = outbox.New(d, f.queue, f.clock, nil, nil)
	f.outbox.Register(workers)
	var cfg customer.Config
	for _, o := range opts {
		o(&cfg)
	}
	f.svc = customer.NewService(d, f.clock, f.ident, f.queue, f.outbox, cfg)
	f.svc.Register(workers)
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

// startQueue works jobs until the test ends.
func (f *fixture) startQueue(tb testing.TB) {
	tb.Helper()
	if err := f.queue.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = f.queue.Stop(context.Background()) })
}

func (f *fixture) mustTenant(tb testing.TB, typ identity.PartnerType, parent string) tenant {
	tb.Helper()
	ctx := context.Background()
	p, _, err := f.ident.CreatePartner(ctx, f.op, identity.NewPartner{Type: typ, ParentID: parent, Name: "Partner",
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

func ptr[T any](v T) *T { return &v }

// newCustomer is a valid request of t without mobile or password.
func newCustomer(t tenant) customer.NewCustomer {
	return customer.NewCustomer{XAccountID: unique("user"), XAccountType: t.p.XAccountType}
}

// mustCreate creates a customer and fails the test on an error.
func (f *fixture) mustCreate(tb testing.TB, actor identity.Actor, in customer.NewCustomer) customer.Customer {
	tb.Helper()
	c, err := f.svc.CreateSubCustomer(context.Background(), actor, in)
	if err != nil {
		tb.Fatalf("create customer: %v", err)
	}
	return c
}

// mustAssociated creates a customer of t and associates it at once.
func (f *fixture) mustAssociated(tb testing.TB, t tenant, in customer.NewCustomer) customer.Customer {
	tb.Helper()
	c := f.mustCreate(tb, t.main, in)
	if _, err := f.svc.AssociateNow(context.Background(), c.ID); err != nil {
		tb.Fatalf("associate %s: %v", c.ID, err)
	}
	return c
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// mustSendCode sends a registration code to mobile as actor and returns it,
// read from the outbox.
func (f *fixture) mustSendCode(tb testing.TB, actor identity.Actor, mobile string) string {
	tb.Helper()
	if err := f.svc.SendVerificationCode(context.Background(), actor, customer.CodeRequest{
		ReceiverType: customer.ReceiverSMS, MobilePhone: mobile}); err != nil {
		tb.Fatalf("send code to %s: %v", mobile, err)
	}
	national, _ := customer.ParseMobile(mobile)
	return f.lastCode(tb, "+86"+national)
}

// lastCode returns the code in the newest message to receiver.
func (f *fixture) lastCode(tb testing.TB, receiver string) string {
	tb.Helper()
	msgs, err := f.outbox.List(context.Background(), outbox.Filter{To: receiver, Limit: 1})
	if err != nil || len(msgs) == 0 {
		tb.Fatalf("no message to %s (%v)", receiver, err)
	}
	code := sixDigits.FindString(msgs[0].Body)
	if code == "" {
		tb.Fatalf("no code in %q", msgs[0].Body)
	}
	return code
}

// count runs a COUNT query.
func (f *fixture) count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := f.db.SQL.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// exec runs a statement for states no service method makes yet (labels,
// real names, account managers).
func (f *fixture) exec(tb testing.TB, query string, args ...any) {
	tb.Helper()
	if _, err := f.db.SQL.Exec(query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

// mobiles hands out distinct mainland numbers.
var mobileSeq atomic.Int64

func newMobile() string { return fmt.Sprintf("139%08d", mobileSeq.Add(1)) }

// The shared assertions and database loop of testworld.
var (
	wantErr   = testworld.WantErr
	wantParam = testworld.WantParam
	each      = testworld.Each
)
