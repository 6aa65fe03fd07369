package order_test

import (
	"context"
	"strings"
	"testing"

	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/testworld"
)

// fixture is the order service on a real database with a stopped clock
// and four partners: two solution providers, a distributor and its cloud
// reseller.
type fixture struct {
	w        *testworld.World
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

func unique(prefix string) string { return testworld.Unique(prefix) }

var t0 = testworld.Start

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	w := testworld.New(tb, d)
	f := &fixture{w: w, db: d, clock: w.Clock, ident: w.Identity, op: w.Operator,
		sp: tenantOf(w.SP), sp2: tenantOf(w.SP2), dist: tenantOf(w.Dist), reseller: tenantOf(w.Reseller)}
	f.coupons = coupon.NewService(coupon.Deps{DB: d, Clock: f.clock, Identity: f.ident, Customers: w.Customers, Queue: w.Queue})
	cat, err := commerce.NewCatalog(context.Background(), d)
	if err != nil {
		tb.Fatal(err)
	}
	f.svc = order.NewService(order.Deps{DB: d, Clock: f.clock, Identity: f.ident, Catalog: cat, Coupons: f.coupons}, order.Config{})
	f.svc.Register(w.Workers)
	return f
}

func tenantOf(t testworld.Tenant) tenant { return tenant{p: t.Partner, main: t.Main} }

func (f *fixture) mustTenant(tb testing.TB, typ identity.PartnerType, parent string) tenant {
	tb.Helper()
	return tenantOf(f.w.NewTenant(tb, typ, parent))
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

// The shared assertions and database loop of testworld.
var (
	wantErr  = testworld.WantErr
	wantCode = testworld.WantCode
	each     = testworld.Each
)
