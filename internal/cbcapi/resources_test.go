package cbcapi_test

import (
	"context"
	"testing"

	"partnercenter/internal/funds"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/refund"
)

// resourceFixture is the money fixture with 1000.00 allocated to each of
// the partner's two customers.
type resourceFixture struct {
	*moneyFixture
}

func mustResourceFixture(tb testing.TB, d *db.DB) *resourceFixture {
	tb.Helper()
	ctx := context.Background()
	f := &resourceFixture{mustMoneyFixture(tb, d)}
	if _, err := f.funds.TopUp(ctx, f.admin, f.sp.partner.ID, money.MustParse("10000"), "test"); err != nil {
		tb.Fatal(err)
	}
	for _, c := range []string{f.cust, f.cust2} {
		if _, err := f.funds.AllocateToCustomer(ctx, f.sp.main, funds.Transfer{TargetID: c, Amount: money.MustParse("1000")}); err != nil {
			tb.Fatal(err)
		}
	}
	return f
}

// mustResource places and pays a one-month order (32.20) of the customer's
// and returns the resource it opened.
func (f *resourceFixture) mustResource(tb testing.TB, customerID string) refund.Resource {
	tb.Helper()
	ctx := context.Background()
	o := f.mustPlace(tb, customerID, vmMonths(1, 1))
	if _, err := f.pay.Pay(ctx, customerID, payment.Request{OrderID: o.ID}); err != nil {
		tb.Fatal(err)
	}
	list, n, err := f.refunds.Resources(ctx, customerID, refund.Filter{OrderID: o.ID})
	if err != nil || n != 1 {
		tb.Fatal(n, err)
	}
	return list[0]
}

func TestResourceAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustResourceFixture(t, d)
		mine := f.mustResource(t, f.cust)
		keep := f.mustResource(t, f.cust)
		sibling := f.mustResource(t, f.cust2)
		sp, cust, cust2 := &f.sp.key, &f.custKey, &f.cust2K
		spDomain := f.sp.partner.DomainID
		const (
			query = "/v2/orders/suscriptions/resources/query"
			unsub = "/v2/orders/subscriptions/resources/unsubscribe"
		)
		unsubBody := func(ids string) string { return `{"resource_ids":[` + ids + `],"unsubscribe_type":1}` }
		q := func(id string) string { return `"` + id + `"` }

		for _, tc := range []struct {
			name, method, target, body string
			signer                     *testSigner
			domainID                   string
			want                       check
		}{
			{"OK/ListOwn", "POST", query, `{}`, cust, f.cust, check{status: 200, json: map[string]any{
				"total_count": float64(2), "data.1.resource_id": mine.ID, "data.1.status": float64(2),
				"data.1.resource_spec_code": "s2.small.1.linux", "data.1.region_code": "cn-north-1",
				"data.1.is_main_resource": float64(1), "data.1.effective_time": "2025-03-01T08:00:00Z",
				"data.1.expire_time": "2025-04-01T08:00:00Z", "data.2": absent}}},
			{"OK/ListByIDOnTheCorrectPath", "POST", "/v2/orders/subscriptions/resources/query",
				`{"resource_ids":[` + q(keep.ID) + `,` + q(sibling.ID) + `],"status_list":[2,5],"limit":5}`, cust, f.cust,
				check{status: 200, json: map[string]any{"total_count": float64(1), "data.0.resource_id": keep.ID}}},
			{"OK/ListPaged", "POST", query, `{"offset":1,"limit":1}`, cust, f.cust, check{status: 200, json: map[string]any{
				"total_count": float64(2), "data.0.resource_id": mine.ID, "data.1": absent}}},
			{"ErrListStatus", "POST", query, `{"status_list":[7]}`, cust, f.cust, check{status: 400, code: "CBC.0100", msg: "status_list"}},
			{"ErrListLimit", "POST", query, `{"limit":0}`, cust, f.cust, check{status: 400, code: "CBC.0100", msg: "limit"}},
			{"ErrListEmptyServiceType", "POST", query, `{"service_type_code":""}`, cust, f.cust, check{status: 400, code: "CBC.0100", msg: "service_type_code"}},
			{"OK/PartnerListsItsCustomers", "POST", query, `{"customer_id":"` + f.cust + `"}`, sp, spDomain, check{status: 200,
				json: map[string]any{"total_count": float64(2), "data.0.resource_id": keep.ID}}},
			{"ErrPartnerWithoutCustomerID", "POST", query, `{}`, sp, spDomain, check{status: 400, code: "CBC.0100", msg: "customer_id"}},
			{"OK/AnotherPartnerSeesNone", "POST", query, `{"customer_id":"` + f.cust + `"}`, &f.sp2.key, f.sp2.partner.DomainID,
				check{status: 200, json: map[string]any{"total_count": float64(0), "data.0": absent}}},

			{"ErrUnsubscribePartner", "POST", unsub, unsubBody(q(mine.ID)), sp, spDomain, check{status: 403, code: "CBC.0151"}},
			{"ErrNoResourceIDs", "POST", unsub, `{"unsubscribe_type":1}`, cust, f.cust, check{status: 400, code: "CBC.0100", msg: "resource_ids"}},
			{"ErrEmptyResourceIDs", "POST", unsub, unsubBody(""), cust, f.cust, check{status: 400, code: "CBC.0100", msg: "resource_ids"}},
			{"ErrNoType", "POST", unsub, `{"resource_ids":["a"]}`, cust, f.cust, check{status: 400, code: "CBC.0100", msg: "unsubscribe_type"}},
			{"ErrType", "POST", unsub, `{"resource_ids":["a"],"unsubscribe_type":3}`, cust, f.cust, check{status: 400, code: "CBC.0100", msg: "unsubscribe_type"}},
			{"ErrTypeString", "POST", unsub, `{"resource_ids":["a"],"unsubscribe_type":"1"}`, cust, f.cust, check{status: 400, code: "CBC.0100", msg: "unsubscribe_type"}},
			{"ErrReasonType", "POST", unsub, `{"resource_ids":["a"],"unsubscribe_type":1,"unsubscribe_reason_type":9}`, cust, f.cust, check{status: 400, code: "CBC.0100", msg: "unsubscribe_reason_type"}},
			{"OK/RenewalsOnlyRefusedPerResource", "POST", unsub, `{"resource_ids":[` + q(mine.ID) + `],"unsubscribe_type":2}`, cust, f.cust,
				check{status: 200, json: map[string]any{"order_ids.0": absent, "fail_resource_infos.0.error_code": "CBC.99003128",
					"fail_resource_infos.0.resource_id": mine.ID}}},
			{"OK/AnotherCustomersResourceRefused", "POST", unsub, unsubBody(q(sibling.ID)), cust, f.cust,
				check{status: 200, json: map[string]any{"order_ids.0": absent, "fail_resource_infos.0.error_code": "CBC.99003012",
					"fail_resource_infos.0.resource_id": sibling.ID}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := f.do(t, request{method: tc.method, target: tc.target, body: tc.body, signer: tc.signer, domainID: tc.domainID})
				assertResponse(t, w, tc.want)
			})
		}

		// Unsubscribe mine (with an unknown id beside it): one order, one failure.
		w := f.do(t, request{method: "POST", target: unsub, signer: cust, domainID: f.cust,
			body:    `{"resource_ids":[` + q(mine.ID) + `,"nope"],"unsubscribe_type":1,"unsubscribe_reason_type":5,"unsubscribe_reason":"test"}`,
			headers: map[string]string{"X-Language": "en_US"}})
		assertResponse(t, w, check{status: 200, json: map[string]any{"fail_resource_infos.0.resource_id": "nope",
			"fail_resource_infos.0.error_code": "CBC.99003012", "order_ids.1": absent}})
		body := decode(t, w)
		uid, _ := body["order_ids"].([]any)[0].(string)
		if msg, _ := body["fail_resource_infos"].([]any)[0].(map[string]any)["error_msg"].(string); msg == "" || msg[0] == 'e' {
			t.Fatalf("untranslated failure message %q", msg)
		}
		// Again: already unsubscribed.
		w = f.do(t, request{method: "POST", target: unsub, body: unsubBody(q(mine.ID)), signer: cust, domainID: f.cust})
		assertResponse(t, w, check{status: 200, json: map[string]any{"order_ids.0": absent,
			"fail_resource_infos.0.error_code": "CBC.30000067"}})

		const details = "/v2/orders/customer-orders/refund-orders"
		for _, tc := range []struct {
			name, target string
			signer       *testSigner
			domainID     string
			want         check
		}{
			{"OK/Customer", details + "?order_id=" + uid, cust, f.cust, check{status: 200, json: map[string]any{
				"total_count": float64(1), "refund_infos.0.amount": -32.2, "refund_infos.0.measure_id": "1",
				"refund_infos.0.customer_id": f.cust, "refund_infos.0.base_order_id": mine.OrderID,
				"refund_infos.0.service_type_code": "hws.service.type.ec2", "refund_infos.0.resource_type_code": "hws.resource.type.vm",
				"refund_infos.0.region_code": "cn-north-1"}}},
			{"OK/Partner", details + "?order_id=" + uid + "&customer_id=" + f.cust, sp, spDomain, check{status: 200, json: map[string]any{
				"total_count": float64(1), "refund_infos.0.amount": -32.2}}},
			{"OK/PurchaseOrderHasNone", details + "?order_id=" + mine.OrderID, cust, f.cust, check{status: 200, json: map[string]any{
				"total_count": float64(0)}}},
			{"ErrNoOrderID", details, cust, f.cust, check{status: 400, code: "CBC.0100", msg: "order_id"}},
			{"ErrPartnerWithoutCustomer", details + "?order_id=" + uid, sp, spDomain, check{status: 400, code: "CBC.0100", msg: "customer_id"}},
			{"ErrAnotherPartner", details + "?order_id=" + uid + "&customer_id=" + f.cust, &f.sp2.key, f.sp2.partner.DomainID,
				check{status: 400, code: "CBC.30000010"}},
			{"ErrAnotherCustomer", details + "?order_id=" + uid, cust2, f.cust2, check{status: 400, code: "CBC.30000010"}},
			{"ErrPartnerNamesWrongCustomer", details + "?order_id=" + uid + "&customer_id=" + f.cust2, sp, spDomain,
				check{status: 400, code: "CBC.30000010"}},
		} {
			t.Run("ShowRefundOrderDetails/"+tc.name, func(t *testing.T) {
				w := f.do(t, request{method: "GET", target: tc.target, signer: tc.signer, domainID: tc.domainID})
				assertResponse(t, w, tc.want)
			})
		}
		// The refund went to the customer's account: 1000 − 2 × 32.20 + 32.20.
		var bal int64
		if err := d.SQL.QueryRow("SELECT balance FROM fund_accounts WHERE kind = 'customer' AND owner_id = $1", f.cust).Scan(&bal); err != nil || bal != 96780 {
			t.Fatalf("customer balance %d %v, want 96780", bal, err)
		}
	})
}
