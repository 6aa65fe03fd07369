package prospect_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/platform/secretbox"
	"partnercenter/internal/prospect"
	"partnercenter/internal/testworld"
)

// fixture is customer development on a real database with a stopped clock,
// an operator reviewer and four partners: two solution providers, a
// distributor and its cloud reseller. The queue is built but not started:
// nothing here needs a worker.
type fixture struct {
	db       *db.DB
	clock    *clock.Mock
	ident    *identity.Service
	cust     *customer.Service
	svc      *prospect.Service
	outbox   *outbox.Outbox
	spending *fakeSpending
	op       identity.Actor
	sp, sp2  tenant
	dist     tenant
	reseller tenant
}

type tenant struct {
	p    identity.Partner
	main identity.Actor
}

// fakeSpending reports spending for the accounts it lists.
type fakeSpending struct{ spent map[string]bool }

func (f *fakeSpending) HasCashSpending(_ context.Context, _ db.Querier, id string) (bool, error) {
	return f.spent[id], nil
}

var seq atomic.Int64

func unique(prefix string) string { return fmt.Sprintf("%s%06d", prefix, seq.Add(1)) }

var mobileSeq atomic.Int64

func newMobile() string { return fmt.Sprintf("137%08d", mobileSeq.Add(1)) }

// The shared assertions and database loop of testworld.
var (
	wantErr = testworld.WantErr
	each    = testworld.Each
)

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	ctx := context.Background()
	box, err := secretbox.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{db: d, clock: clock.NewMock(time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)), spending: &fakeSpending{spent: map[string]bool{}}}
	f.ident = identity.NewService(d, f.clock, box)
	workers := river.NewWorkers()
	queue, err := jobs.New(d, jobs.Config{Workers: workers, PollInterval: 100 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	f.outbox = outbox.New(d, queue, f.clock, nil, nil)
	f.outbox.Register(workers)
	f.cust = customer.NewService(d, f.clock, f.ident, queue, f.outbox, customer.Config{})
	f.cust.Register(workers)
	f.svc = prospect.NewService(prospect.Deps{DB: d, Clock: f.clock, Identity: f.ident, Customers: f.cust, Queue: queue,
		Outbox: f.outbox, BaseURL: "https://pc.example.com"})
	f.svc.SetSpendingChecker(f.spending)
	f.svc.Register(workers)
	op, err := f.ident.CreateOperator(ctx, identity.NewOperator{Username: unique("op"), Password: "Passw0rd!x",
		Roles: []identity.OperatorRole{identity.RoleReviewer}})
	if err != nil {
		tb.Fatal(err)
	}
	f.op = op.Actor()
	f.sp = f.mustTenant(tb, identity.SolutionProvider, "", true)
	f.sp2 = f.mustTenant(tb, identity.SolutionProvider, "", true)
	f.dist = f.mustTenant(tb, identity.Distributor, "", true)
	f.reseller = f.mustTenant(tb, identity.CloudReseller, f.dist.p.ID, true)
	return f
}

// mustTenant creates a partner; withContact gives it a contact e-mail.
func (f *fixture) mustTenant(tb testing.TB, typ identity.PartnerType, parent string, withContact bool) tenant {
	tb.Helper()
	ctx := context.Background()
	admin, err := f.ident.CreateOperator(ctx, identity.NewOperator{Username: unique("adm"), Password: "Passw0rd!x",
		Roles: []identity.OperatorRole{identity.RolePlatformAdmin}})
	if err != nil {
		tb.Fatal(err)
	}
	in := identity.NewPartner{Type: typ, ParentID: parent, Name: unique("Partner "), DomainName: unique("partner")}
	if withContact {
		in.ContactEmail = unique("contact") + "@partner.example.com"
	}
	p, _, err := f.ident.CreatePartner(ctx, admin.Actor(), in)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := f.ident.MainMember(ctx, p.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return tenant{p: p, main: m.Actor(p)}
}

// mustMember creates a member of t with roles and returns its console
// actor (permission items and data scope as the console builds them).
func (f *fixture) mustMember(tb testing.TB, t tenant, roles ...string) identity.Actor {
	tb.Helper()
	ctx := context.Background()
	m, _, err := f.ident.CreateMember(ctx, t.main, identity.NewMember{AccountName: unique("member"), Roles: roles})
	if err != nil {
		tb.Fatal(err)
	}
	a, _, err := f.ident.ConsoleActor(ctx, t.p.ID, m.ID, m.SessionEpoch)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// account is a customer account without a partner, made in SQL: no
// service makes a partnerless account (they come from the cloud's own
// sign-up, which is not part of this product).
type account struct {
	ID, Name, Mobile, Email, Password string
}

func (f *fixture) mustAccount(tb testing.TB, mobile, email string, age time.Duration) account {
	tb.Helper()
	a := account{ID: ids.New(), Name: unique("acct"), Mobile: mobile, Email: email, Password: "Secr3t-pass"}
	cc := ""
	if mobile != "" {
		cc = customer.ChinaCountryCode
	}
	at := f.clock.Now().Add(-age)
	f.exec(tb, `INSERT INTO customers (id, domain_name, domain_name_key, mobile_country_code, mobile, email, password_hash,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
		a.ID, a.Name, strings.ToLower(a.Name), cc, mobile, email, identity.HashPassword(a.Password), at)
	return a
}

// mustAssociate associates an account with t in SQL.
func (f *fixture) mustAssociate(tb testing.TB, a account, t tenant) {
	tb.Helper()
	f.exec(tb, `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at) VALUES ($1, $2, $3, 2, $4)`,
		ids.New(), a.ID, t.p.ID, f.clock.Now())
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

// newReport is a valid report of a prospect with a fresh mobile.
func newReport() prospect.NewReport {
	return prospect.NewReport{CustomerName: unique("Acme "), ContactName: "张三", Mobile: newMobile(),
		IntendedType: customer.Reseller, Industry: "制造", Region: "华东"}
}

func (f *fixture) mustReport(tb testing.TB, actor identity.Actor, in prospect.NewReport) prospect.Report {
	tb.Helper()
	r, _, err := f.svc.Report(context.Background(), actor, in)
	if err != nil {
		tb.Fatalf("report %s: %v", in.CustomerName, err)
	}
	return r
}

var (
	linkPattern = regexp.MustCompile(`/customer/invite/([A-Za-z0-9_-]+)`)
	sixDigits   = regexp.MustCompile(`\b\d{6}\b`)
)

// lastMessage returns the newest outbox message to receiver.
func (f *fixture) lastMessage(tb testing.TB, receiver string) outbox.Message {
	tb.Helper()
	msgs, err := f.outbox.List(context.Background(), outbox.Filter{To: receiver, Limit: 1})
	if err != nil || len(msgs) == 0 {
		tb.Fatalf("no message to %s (%v)", receiver, err)
	}
	return msgs[0]
}

// inviteToken invites report r of t's main account to email and returns
// the token of the link the e-mail carries.
func (f *fixture) inviteToken(tb testing.TB, actor identity.Actor, r prospect.Report, email string, typ customer.AssociationType) string {
	tb.Helper()
	in := prospect.InviteRequest{ReportIDs: []string{r.ID}, Type: typ, Emails: map[string]string{}}
	if email != "" {
		in.Emails[r.ID] = email
	}
	if _, err := f.svc.InviteReports(context.Background(), actor, in); err != nil {
		tb.Fatalf("invite: %v", err)
	}
	to := r.Email
	if to == "" {
		to = email
	}
	m := linkPattern.FindStringSubmatch(f.lastMessage(tb, to).Body)
	if m == nil {
		tb.Fatalf("no link in the invitation to %s", to)
	}
	return m[1]
}

// register accepts token by registering a new account with a fresh mobile.
func (f *fixture) register(tb testing.TB, token string, consent prospect.Consent) (customer.Customer, error) {
	tb.Helper()
	ctx := context.Background()
	mobile := newMobile()
	if err := f.svc.SendAcceptCode(ctx, token, mobile); err != nil {
		tb.Fatalf("send code: %v", err)
	}
	code := sixDigits.FindString(f.lastMessage(tb, "+86"+mobile).Body)
	return f.svc.AcceptByRegistration(ctx, token, consent, customer.InviteAccount{DomainName: unique("newcust"),
		Password: "Str0ng-pass", Mobile: mobile, Code: code})
}

var allConsent = prospect.Consent{Notice: true, DataSharing: true}

// reportStatus reads a report's stored status.
func (f *fixture) reportStatus(tb testing.TB, id string) string {
	tb.Helper()
	var s string
	if err := f.db.SQL.QueryRow("SELECT status FROM prospect_reports WHERE id = $1", id).Scan(&s); err != nil {
		tb.Fatal(err)
	}
	return s
}

var _ = sql.ErrNoRows
