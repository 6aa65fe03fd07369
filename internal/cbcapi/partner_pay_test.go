package cbcapi_test

import (
	"context"
	"net/http"
	"testing"

	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

// TestPartnerPayAPI: ListPartnerPayOrders (not in the SDK v0.1.207, so
// called with signed raw HTTP) and PayOrders with partner credentials.
func TestPartnerPayAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		p := mustPayFixture(t, d)
		ctx := context.Background()
		asked := p.mustPlace(t, p.cust, vmMonths(6, 1)) // 193.20, more than the customer's 100.00
		other := p.mustPlace(t, p.cust2, vmMonths(1, 1))
		if err := p.pay.RequestPartnerPay(ctx, p.cust, asked.ID); err != nil {
			t.Fatal(err)
		}
		_, plainKey := p.mustPlainMember(t, p.sp, "plain-payer")
		sp, sp2, cust := &p.sp.key, &p.sp2.key, &p.custKey
		const list = "/v2/orders/customer-orders/partner-pay-orders"
		payBody := func(id string) string {
			return `{"order_id":"` + id + `","use_coupon":"NO","use_discount":"NO"}`
		}
		for _, tc := range []struct {
			name, method, target, body string
			signer                     *testSigner
			domainID                   string
			want                       check
		}{
			{"OK/List", "GET", list, "", sp, p.sp.partner.DomainID, check{status: 200, json: map[string]any{
				"count": 1, "order_infos.0.order_id": asked.ID, "order_infos.0.customer_id": p.cust,
				"order_infos.0.status": 6, "order_infos.0.amount_after_discount": 193.2,
				"order_infos.0.agent_pay_info.is_agent_pay": true, "order_infos.0.agent_pay_info.paying_agent_id": p.sp.partner.ID,
				"order_infos.0.agent_pay_status": "pending", "order_infos.1": absent}}},
			{"OK/ListFiltered", "GET", list + "?order_id=" + asked.ID + "&customer_id=" + p.cust + "&status=6&limit=1&offset=0", "", sp, p.sp.partner.DomainID,
				check{status: 200, json: map[string]any{"count": 1, "order_infos.0.order_id": asked.ID}}},
			{"OK/ListOtherStatus", "GET", list + "?status=5", "", sp, p.sp.partner.DomainID, check{status: 200, json: map[string]any{"count": 0}}},
			{"OK/ListOtherPartner", "GET", list, "", sp2, p.sp2.partner.DomainID, check{status: 200, json: map[string]any{"count": 0, "order_infos.0": absent}}},
			{"ErrListBadStatus", "GET", list + "?status=x", "", sp, p.sp.partner.DomainID, check{status: 400, code: "CBC.0100", msg: "status"}},
			{"ErrListBadLimit", "GET", list + "?limit=101", "", sp, p.sp.partner.DomainID, check{status: 400, code: "CBC.0100", msg: "limit"}},
			{"ErrListByCustomer", "GET", list, "", cust, p.cust, check{status: 403, code: "CBC.0151"}},
			{"OK/IndirectIgnoredForSolutionProvider", "GET", list + "?indirect_partner_id=" + p.sp2.partner.ID, "", sp, p.sp.partner.DomainID,
				check{status: 200, json: map[string]any{"count": 1}}}, // not a distributor: ignored
			{"ErrPayWithoutItem", "POST", "/v3/orders/customer-orders/pay", payBody(asked.ID), &plainKey, p.sp.partner.DomainID, check{status: 403, code: "CBC.0151"}},
			{"ErrPayOtherPartner", "POST", "/v3/orders/customer-orders/pay", payBody(asked.ID), sp2, p.sp2.partner.DomainID, check{status: 400, code: "CBC.30000010"}},
			{"ErrPayUnasked", "POST", "/v3/orders/customer-orders/pay", payBody(other.ID), sp, p.sp.partner.DomainID, check{status: 400, code: "CBC.30000010"}},
			{"ErrPayWithCoupons", "POST", "/v3/orders/customer-orders/pay",
				`{"order_id":"` + asked.ID + `","use_coupon":"YES","use_discount":"NO","coupon_infos":[{"id":"` + p.voucher + `","type":1}]}`,
				sp, p.sp.partner.DomainID, check{status: 400, code: "CBC.0100", msg: "coupon_infos"}},
			{"ErrCustomerPaysWhileWaiting", "POST", "/v3/orders/customer-orders/pay", payBody(asked.ID), cust, p.cust, check{status: 400, code: "CBC.99005010"}},
			{"OK/CustomerSeesAgentPay", "GET", "/v2/orders/customer-orders?order_id=" + asked.ID, "", cust, p.cust, check{status: 200, json: map[string]any{
				"order_infos.0.agent_pay_info.is_agent_pay": true, "order_infos.0.agent_pay_info.paying_agent_id": p.sp.partner.ID}}},
			{"ErrDetailsOfSiblingsOrder", "GET", "/v2/orders/customer-orders/details/" + other.ID, "", cust, p.cust, check{status: 400, code: "CBC.30000010"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := p.do(t, request{method: tc.method, target: tc.target, body: tc.body, signer: tc.signer, domainID: tc.domainID})
				assertResponse(t, w, tc.want)
			})
		}
		t.Run("OK/PartnerPays", func(t *testing.T) {
			w := p.do(t, request{method: "POST", target: "/v2/orders/customer-orders/pay", body: payBody(asked.ID), signer: sp, domainID: p.sp.partner.DomainID})
			if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
				t.Fatalf("pay: %d %s", w.Code, w.Body.String())
			}
			got, err := p.orders.Get(ctx, order.CustomerViewer(p.cust), asked.ID, "")
			if err != nil || got.Status != order.StatusCompleted || got.AgentPay != payment.AgentPaid {
				t.Fatalf("order after partner payment: %+v %v", got, err)
			}
			acct, err := p.funds.PartnerAccount(ctx, p.sp.main, "")
			if err != nil || acct.Balance.String() != "706.80" { // 1000 − 100 allocated − 193.20
				t.Fatalf("partner account %+v %v", acct, err)
			}
			w = p.do(t, request{target: list + "?status=5", signer: sp, domainID: p.sp.partner.DomainID})
			assertResponse(t, w, check{status: 200, json: map[string]any{"count": 1, "order_infos.0.agent_pay_status": "paid",
				"order_infos.0.agent_pay_info.is_agent_pay": true}})
			w = p.do(t, request{method: "POST", target: "/v3/orders/customer-orders/pay", body: payBody(asked.ID), signer: sp, domainID: p.sp.partner.DomainID})
			assertResponse(t, w, check{status: 400, code: "CBC.99005010"})
			if rep, err := p.funds.VerifyLedger(ctx); err != nil || len(rep.Problems) > 0 {
				t.Fatal(err, rep.Problems)
			}
		})
	})
}
