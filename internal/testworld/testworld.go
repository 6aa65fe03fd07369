// Package testworld builds, for the tests of the domains that work on
// partners' customers (coupons, funds, orders, payments), the world they run
// in on a real database: a stopped clock, the identity, outbox and customer
// services on a job queue, a platform operator and four partners — two
// solution providers, a distributor and its cloud reseller — and customers
// associated with them. It is test support: only _test.go files import it.
package testworld

import (
	"bytes"
	"context"
	"fmt"
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
)

// Start is where the world's clock stands: a whole second, so stored times
// compare exactly on both databases.
var Start = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

// Tenant is a partner and its main account's actor (every permission item,
// every customer in scope), acting as through the open API.
type Tenant struct {
	Partner identity.Partner
	Main    identity.Actor
}

// World is the services and the partners. Register further job workers on
// Workers before starting Queue.
type World struct {
	DB        *db.DB
	Clock     *clock.Mock
	Identity  *identity.Service
	Workers   *river.Workers
	Queue     *jobs.Queue
	Outbox    *outbox.Outbox
	Customers *customer.Service
	Operator  identity.Actor // a platform admin

	SP, SP2, Dist, Reseller Tenant
}

var seq atomic.Int64

// Unique returns prefix and a sequence number padded to 6 digits, long
// enough for the account-name rules.
func Unique(prefix string) string { return fmt.Sprintf("%s%06d", prefix, seq.Add(1)) }

// New builds the world on d.
func New(tb testing.TB, d *db.DB) *World {
	tb.Helper()
	box, err := secretbox.New(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	w := &World{DB: d, Clock: clock.NewMock(Start), Workers: river.NewWorkers()}
	w.Identity = identity.NewService(d, w.Clock, box)
	if w.Queue, err = jobs.New(d, jobs.Config{Workers: w.Workers, PollInterval: 100 * time.Millisecond}); err != nil {
		tb.Fatal(err)
	}
	w.Outbox = outbox.New(d, w.Queue, w.Clock, nil, nil)
	w.Outbox.Register(w.Workers)
	w.Customers = customer.NewService(d, w.Clock, w.Identity, w.Queue, w.Outbox, customer.Config{})
	w.Customers.Register(w.Workers)
	op, err := w.Identity.CreateOperator(context.Background(), identity.NewOperator{Username: Unique("op"),
		Password: "Passw0rd!x", Roles: []identity.OperatorRole{identity.RolePlatformAdmin}})
	if err != nil {
		tb.Fatal(err)
	}
	w.Operator = op.Actor()
	w.SP = w.NewTenant(tb, identity.SolutionProvider, "")
	w.SP2 = w.NewTenant(tb, identity.SolutionProvider, "")
	w.Dist = w.NewTenant(tb, identity.Distributor, "")
	w.Reseller = w.NewTenant(tb, identity.CloudReseller, w.Dist.Partner.ID)
	return w
}

// NewTenant creates a partner of typ (under parent, for a cloud reseller).
func (w *World) NewTenant(tb testing.TB, typ identity.PartnerType, parent string) Tenant {
	tb.Helper()
	ctx := context.Background()
	p, _, err := w.Identity.CreatePartner(ctx, w.Operator, identity.NewPartner{Type: typ, ParentID: parent,
		Name: Unique("Partner"), DomainName: Unique("partner")})
	if err != nil {
		tb.Fatal(err)
	}
	m, err := w.Identity.MainMember(ctx, p.ID)
	if err != nil {
		tb.Fatal(err)
	}
	a := m.Actor(p)
	a.Kind = identity.ActorAPIKey
	return Tenant{Partner: p, Main: a}
}

// AssociatedCustomers inserts n customers (each with an e-mail address)
// currently associated with partnerID in model typ, straight into the customer domain's tables (the
// customer service's own creation is tested in its package), and returns
// their ids.
func (w *World) AssociatedCustomers(tb testing.TB, partnerID string, n int, typ customer.AssociationType) []string {
	tb.Helper()
	now := w.Clock.Now()
	out := make([]string, n)
	for i := range out {
		id, name := ids.New(), Unique("cust")
		w.Exec(tb, `INSERT INTO customers (id, domain_name, domain_name_key, email, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, id, name, strings.ToLower(name), name+"@example.com", now)
		w.Exec(tb, `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at)
			VALUES ($1, $2, $3, $4, $5)`, ids.New(), id, partnerID, int(typ), now)
		out[i] = id
	}
	return out
}

// Exec runs a statement and fails the test on an error.
func (w *World) Exec(tb testing.TB, query string, args ...any) {
	tb.Helper()
	if _, err := w.DB.SQL.Exec(query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

// Count runs a one-integer query and fails the test on an error.
func (w *World) Count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := w.DB.SQL.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}
