package cbcapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"partnercenter/internal/cbcapi"
	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/ids"
)

// orderFixture is the API with the order domain wired in, a partner with
// two customers (each with its own access key) and a second partner with
// one.
type orderFixture struct {
	*fixture
	orders          *order.Service
	sp, sp2         tenant
	cust, cust2     string
	custKey, cust2K testSigner
	theirs          string
}

func mustOrderFixture(tb testing.TB, d *db.DB) *orderFixture {
	tb.Helper()
	ctx := context.Background()
	f := mustFixture(tb, d, noLimit)
	cat, err := commerce.NewCatalog(ctx, d)
	if err != nil {
		tb.Fatal(err)
	}
	coupons := coupon.NewService(coupon.Deps{DB: d, Clock: f.clock, Identity: f.ident, Customers: f.customers, Queue: f.queue})
	orders := order.NewService(order.Deps{DB: d, Clock: f.clock, Identity: f.ident, Catalog: cat, Coupons: coupons}, order.Config{})
	api := cbcapi.New(cbcapi.Deps{Identity: f.ident, Catalog: cat, Customers: f.customers, Coupons: coupons, Orders: orders,
		Clock: f.clock, Log: slog.New(slog.DiscardHandler)}, noLimit)
	f.handler = httpx.WithRequestID(api.Mount(http.NewServeMux()))
	o := &orderFixture{fixture: f, orders: orders, sp: f.mustTenant(tb), sp2: f.mustTenant(tb)}
	o.cust, o.custKey = o.mustCustomer(tb, o.sp)
	o.cust2, o.cust2K = o.mustCustomer(tb, o.sp)
	o.theirs, _ = o.mustCustomer(tb, o.sp2)
	return o
}

// mustCustomer inserts a customer associated with t and gives it a key.
func (o *orderFixture) mustCustomer(tb testing.TB, t tenant) (string, testSigner) {
	tb.Helper()
	id := ids.New()
	name := "cust" + itoa(int(seq.Add(1)))
	now := o.clock.Now()
	if _, err := o.db.SQL.Exec(`INSERT INTO customers (id, domain_name, domain_name_key, created_at, updated_at)
		VALUES ($1, $2, $2, $3, $3)`, id, name, now); err != nil {
		tb.Fatal(err)
	}
	if _, err := o.db.SQL.Exec(`INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at)
		VALUES ($1, $2, $3, 2, $4)`, ids.New(), id, t.partner.ID, now); err != nil {
		tb.Fatal(err)
	}
	k, secret, err := o.ident.CreateCustomerAccessKey(context.Background(), id, "")
	if err != nil {
		tb.Fatal(err)
	}
	return id, testSigner{ak: k.AccessKey, sk: secret}
}

func (o *orderFixture) mustPlace(tb testing.TB, customerID string, items ...order.Item) order.Order {
	tb.Helper()
	got, err := o.orders.Place(context.Background(), customerID, order.NewOrder{Items: items})
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

func vmMonths(n, qty int) order.Item {
	return order.Item{ServiceType: "hws.service.type.ec2", ResourceType: "hws.resource.type.vm", Spec: "s2.small.1.linux",
		Region: "cn-north-1", PeriodType: order.PeriodMonth, PeriodNum: n, Quantity: qty}
}

func TestOrderAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		o := mustOrderFixture(t, d)
		mine := o.mustPlace(t, o.cust, vmMonths(3, 2))
		o.clock.Advance(60e9)
		mine2 := o.mustPlace(t, o.cust, vmMonths(1, 1))
		sibling := o.mustPlace(t, o.cust2, vmMonths(1, 1))
		theirs := o.mustPlace(t, o.theirs, vmMonths(1, 1))
		sp, cust := &o.sp.key, &o.custKey
		spDomain := o.sp.partner.DomainID
		_, plainKey := o.mustPlainMember(t, o.sp, "plain"+itoa(int(seq.Add(1))))

		tests := []struct {
			name     string
			method   string
			target   string
			body     string
			signer   *testSigner
			domainID string
			want     check
		}{
			{"OK/CustomerListsOwn", "GET", "/v2/orders/customer-orders", "", cust, o.cust,
				check{status: 200, json: map[string]any{"total_count": 2, "order_infos.0.order_id": mine2.ID,
					"order_infos.1.order_id": mine.ID, "order_infos.1.official_amount": 193.2,
					"order_infos.1.amount_after_discount": 193.2, "order_infos.1.status": 6, "order_infos.1.order_type": 1,
					"order_infos.1.source_type": 1, "order_infos.1.measure_id": 1, "order_infos.1.currency": "CNY",
					"order_infos.1.service_type_name": "弹性云服务器", "order_infos.1.create_time": "2025-03-01T08:00:00Z",
					"order_infos.1.pending_payment_end_time": "2025-03-02T08:00:00Z"}}},
			{"OK/CustomerOrderBy", "GET", "/v2/orders/customer-orders?order_by=createTime&limit=1", "", cust, o.cust,
				check{status: 200, json: map[string]any{"total_count": 2, "order_infos.0.order_id": mine.ID, "order_infos.1": absent}}},
			{"OK/CustomerSubCustomerMethod", "GET", "/v2/orders/customer-orders?method=sub_customer", "", cust, o.cust,
				check{status: 200, json: map[string]any{"total_count": 0}}},
			{"OK/PartnerListsCustomers", "GET", "/v2/orders/customer-orders", "", sp, spDomain,
				check{status: 200, json: map[string]any{"total_count": 3}}},
			{"OK/PartnerFilters", "GET", "/v2/orders/customer-orders?customer_id=" + o.cust2 + "&status=6&order_type=1&service_type_code=HWS.SERVICE.TYPE.EC2",
				"", sp, spDomain, check{status: 200, json: map[string]any{"total_count": 1, "order_infos.0.order_id": sibling.ID}}},
			{"OK/PartnerByOrderID", "GET", "/v2/orders/customer-orders?order_id=" + strings.ToUpper(mine.ID), "", sp, spDomain,
				check{status: 200, json: map[string]any{"total_count": 1}}},
			{"OK/PartnerCreatedRange", "GET", "/v2/orders/customer-orders?create_time_begin=2025-03-01T08:00:30Z&create_time_end=2025-03-02T00:00:00Z",
				"", sp, spDomain, check{status: 200, json: map[string]any{"total_count": 2}}},
			{"OK/PartnerPaidRangeNone", "GET", "/v2/orders/customer-orders?payment_time_begin=2025-01-01T00:00:00Z", "", sp, spDomain,
				check{status: 200, json: map[string]any{"total_count": 0}}},
			{"OK/CrossTenantListEmpty", "GET", "/v2/orders/customer-orders?customer_id=" + o.theirs, "", sp, spDomain,
				check{status: 200, json: map[string]any{"total_count": 0}}},
			{"ErrBadStatus", "GET", "/v2/orders/customer-orders?status=7", "", sp, spDomain, check{status: 400, code: "CBC.0100"}},
			{"ErrBadOrderBy", "GET", "/v2/orders/customer-orders?order_by=amount", "", sp, spDomain, check{status: 400, code: "CBC.0100"}},
			{"ErrBadMethod", "GET", "/v2/orders/customer-orders?method=all", "", cust, o.cust, check{status: 400, code: "CBC.0100"}},
			{"OK/EmptyTimeIsNoFilter", "GET", "/v2/orders/customer-orders?create_time_begin=&payment_time_end=", "", sp, spDomain,
				check{status: 200, json: map[string]any{"total_count": 3}}},
			{"ErrBadTime", "GET", "/v2/orders/customer-orders?create_time_begin=yesterday", "", sp, spDomain, check{status: 400, code: "CBC.0100"}},
			{"ErrRangeOverAYear", "GET", "/v2/orders/customer-orders?create_time_begin=2023-01-01T00:00:00Z&create_time_end=2025-01-01T00:00:00Z",
				"", sp, spDomain, check{status: 400, code: "CBC.0100"}},
			{"ErrLimit", "GET", "/v2/orders/customer-orders?limit=101", "", sp, spDomain, check{status: 400, code: "CBC.0100"}},
			{"ErrMemberWithoutItem", "GET", "/v2/orders/customer-orders", "", &plainKey, spDomain, check{status: 403, code: "CBC.0151"}},

			{"OK/CustomerDetails", "GET", "/v2/orders/customer-orders/details/" + mine.ID, "", cust, o.cust,
				check{status: 200, json: map[string]any{"total_count": 1, "order_info.order_id": mine.ID,
					"order_info.official_amount": 193.2, "order_info.pending_payment_end_time": "2025-03-02T08:00:00Z",
					"order_line_items.0.order_id": mine.ID, "order_line_items.0.period_type": 2, "order_line_items.0.period_num": 3,
					"order_line_items.0.subscription_num": 2, "order_line_items.0.official_amount": 193.2,
					"order_line_items.0.service_type_code": "hws.service.type.ec2",
					"order_line_items.0.product_spec_desc": "s2.small.1.linux | cn-north-1"}}},
			{"OK/DetailsInEnglish", "GET", "/v2/orders/customer-orders/details/" + mine.ID, "", sp, spDomain,
				check{status: 200, json: map[string]any{"order_info.service_type_name": "Elastic Cloud Server"}}},
			{"ErrDetailsOfSibling", "GET", "/v2/orders/customer-orders/details/" + sibling.ID, "", cust, o.cust,
				check{status: 400, code: "CBC.30000010"}},
			{"ErrDetailsCrossTenant", "GET", "/v2/orders/customer-orders/details/" + theirs.ID, "", sp, spDomain,
				check{status: 400, code: "CBC.30000010"}},

			{"OK/CouponsEmpty", "GET", "/v2/orders/customer-orders/order-coupons?order_id=" + mine.ID, "", cust, o.cust,
				check{status: 200, json: map[string]any{"count": 0, "user_coupons": []any{}}}},
			{"OK/PartnerCoupons", "GET", "/v2/orders/customer-orders/order-coupons?order_id=" + mine.ID, "", sp, spDomain,
				check{status: 200, json: map[string]any{"count": 0}}},
			{"ErrCouponsNoOrderID", "GET", "/v2/orders/customer-orders/order-coupons", "", cust, o.cust, check{status: 400, code: "CBC.0100"}},
			{"ErrCouponsCrossTenant", "GET", "/v2/orders/customer-orders/order-coupons?order_id=" + theirs.ID, "", sp, spDomain,
				check{status: 400, code: "CBC.30000010"}},
			{"OK/DiscountsEmpty", "GET", "/v2/orders/customer-orders/order-discounts?order_id=" + mine.ID, "", cust, o.cust,
				check{status: 200, json: map[string]any{"discounts": []any{}}}},
			{"ErrDiscountsOfSibling", "GET", "/v2/orders/customer-orders/order-discounts?order_id=" + sibling.ID, "", cust, o.cust,
				check{status: 400, code: "CBC.30000010"}},

			{"ErrPartnerCancels", "PUT", "/v2/orders/customer-orders/cancel", `{"order_id":"` + mine.ID + `"}`, sp, spDomain,
				check{status: 403, code: "CBC.0151"}},
			{"ErrCancelNoOrderID", "PUT", "/v2/orders/customer-orders/cancel", `{}`, cust, o.cust, check{status: 400, code: "CBC.0100"}},
			{"ErrCancelSibling", "PUT", "/v2/orders/customer-orders/cancel", `{"order_id":"` + sibling.ID + `"}`, cust, o.cust,
				check{status: 400, code: "CBC.30000010"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				req := request{method: tt.method, target: tt.target, body: tt.body, signer: tt.signer, domainID: tt.domainID}
				if strings.HasPrefix(tt.name, "OK/DetailsInEnglish") {
					req.headers = map[string]string{"X-Language": "en_US"}
				}
				assertResponse(t, o.do(t, req), tt.want)
			})
		}

		t.Run("OK/Cancel", func(t *testing.T) {
			w := o.do(t, request{method: "PUT", target: "/v2/orders/customer-orders/cancel", body: `{"order_id":"` + mine.ID + `"}`,
				signer: cust, domainID: o.cust})
			if w.Code != http.StatusNoContent {
				t.Fatalf("status %d: %s", w.Code, w.Body.String())
			}
			assertResponse(t, o.do(t, request{target: "/v2/orders/customer-orders?status=4", signer: sp, domainID: spDomain}),
				check{status: 200, json: map[string]any{"total_count": 1, "order_infos.0.order_id": mine.ID,
					"order_infos.0.pending_payment_end_time": absent}})
			t.Run("ErrAgain", func(t *testing.T) {
				assertResponse(t, o.do(t, request{method: "PUT", target: "/v2/orders/customer-orders/cancel",
					body: `{"order_id":"` + mine.ID + `"}`, signer: cust, domainID: o.cust}), check{status: 400, code: "CBC.99005010"})
			})
		})
	})
}
