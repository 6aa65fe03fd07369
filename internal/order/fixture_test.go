package order_test

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

	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/platform/secretbox"
)

// fixture is the order service on a real database with a stopped clock
// and four partners: two solution providers, a distributor and its cloud
// reseller.
type fixture struct {
	db       *db.DB
	clock    *clock.Mock
	ident    *identity.Service
	coupons  *coupon.Service
	svc      *order.Service
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
	ob := outbox.New(d, queue, f.clock, nil, nil)
	customers := customer.NewService(d, f.clock, f.ident, queue, ob, customer.Config{})
	f.coupons = coupon.NewService(coupon.Deps{DB: d, Clock: f.clock, Identity: f.ident, Customers: customers, Queue: queue})
	cat, err := commerce.NewCatalog(ctx, d)
	if err != nil {
		tb.Fatal(err)
	}
	f.svc = order.NewService(order.Deps{DB: d, Clock: f.clock, Identity: f.ident, Catalog: cat, Coupons: f.coupons}, order.Config{})
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

// mustCustomer inserts a customer currently associated with partnerID
// (none when empty) in the reseller model.
func (f *fixture) mustCustomer(tb testing.TB, partnerID string) string {
	tb.Helper()
	now := f.clock.Now()
	id, name := ids.New(), unique("cust")
	f.exec(tb, `INSERT INTO customers (id, domain_name, domain_name_key, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4)`, id, name, strings.ToLower(name), now)
	if partnerID != "" {
		f.exec(tb, `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at)
			VALUES ($1, $2, $3, 2, $4)`, ids.New(), id, partnerID, now)
	}
	return id
}

func (f *fixture) exec(tb testing.TB, query string, args ...any) {
	tb.Helper()
	if _, err := f.db.SQL.Exec(query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

func vm(spec string, periodType, periodNum, qty int) order.Item {
	return order.Item{ServiceType: "hws.service.type.ec2", ResourceType: "hws.resource.type.vm", Spec: spec,
		Region: "cn-north-1", PeriodType: periodType, PeriodNum: periodNum, Quantity: qty}
}

func disk(spec string, size int64, periodNum int) order.Item {
	return order.Item{ServiceType: "hws.service.type.ebs", ResourceType: "hws.resource.type.volume", Spec: spec,
		Region: "cn-north-4", PeriodType: order.PeriodMonth, PeriodNum: periodNum, Quantity: 1, ResourceSize: size, SizeMeasureID: 17}
}

// mustPlace places an order of items for the customer.
func (f *fixture) mustPlace(tb testing.TB, customerID string, items ...order.Item) order.Order {
	tb.Helper()
	o, err := f.svc.Place(context.Background(), customerID, order.NewOrder{Items: items})
	if err != nil {
		tb.Fatalf("place order: %v", err)
	}
	return o
}

func wantErr(tb testing.TB, err error, want *apperr.Error) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("got error %v, want %s %s", err, want.Code, want.Key)
	}
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code {
		tb.Fatalf("got error %v, want %s", err, code)
	}
}

func each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	dbtest.Each(t, fn, jobs.Migrate)
}
