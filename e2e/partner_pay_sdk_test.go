package e2e

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
)

// Partner pays (代支付, reference/console.md §4.4) through
// huaweicloud-sdk-go-v3 v0.1.207 against the real binary: a demo customer
// asks its partner to pay an order in the portal; the order's
// agent_pay_info says so (CustomerOrderV2); the customer cannot pay it
// itself; another partner cannot pay it; its partner pays it with PayOrders
// and its own key, once.
func TestPartnerPaySDK(t *testing.T) {
	s := startServer(t, withEnv("PC_API_RATE_LIMIT", "0"))
	sp, sp2 := s.Demo.Partner(t, "sp"), s.Demo.Partner(t, "sp2")
	cust := s.Demo.Customer(t, "sp-reseller")
	portal, ak, sk := customerPortalKey(t, s, cust.DomainName, cust.Password)
	asked := portalOrder(t, portal, "1", "1") // 32.20
	page := "/customer/orders/" + asked
	if status, body, loc := portal.post(t, page, page+"/partner-pay", url.Values{}); status != http.StatusSeeOther || loc != page+"?asked=1" {
		t.Fatalf("ask the partner: status %d to %q\n%s", status, loc, body)
	}
	own, w := newBSS(t, s, ak, sk, cust.DomainID)
	spc, _ := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	sp2c, sp2w := newBSS(t, s, sp2.AccessKey, sp2.SecretKey, sp2.DomainID)

	t.Run("OK/AgentPayInfo", func(t *testing.T) {
		n, list := listOrders(t, own, model.ListCustomerOrdersRequest{OrderId: &asked})
		if n != 1 || list[0].AgentPayInfo == nil || !deref(list[0].AgentPayInfo.IsAgentPay) ||
			deref(list[0].AgentPayInfo.PayingAgentId) != sp.PartnerID {
			t.Fatalf("agent_pay_info: %d %+v", n, list)
		}
	})
	t.Run("ErrCustomerPaysWhileWaiting", func(t *testing.T) {
		_, err := own.PayOrders(payReq(asked, "NO"))
		apiError(t, w, err, http.StatusBadRequest, "CBC.99005010")
	})
	t.Run("ErrOtherPartnerPays", func(t *testing.T) {
		_, err := sp2c.PayOrders(payReq(asked, "NO"))
		apiError(t, sp2w, err, http.StatusBadRequest, "CBC.30000010")
	})
	t.Run("OK/PartnerPays", func(t *testing.T) {
		resp, err := spc.PayOrders(payReq(asked, "NO"))
		if err != nil || resp.HttpStatusCode != http.StatusNoContent {
			t.Fatalf("PayOrders: %v %v", resp, err)
		}
		d, err := own.ShowCustomerOrderDetails(&model.ShowCustomerOrderDetailsRequest{OrderId: asked})
		if err != nil || deref(d.OrderInfo.Status) != 5 || deref(d.OrderInfo.PaymentTime) == "" {
			t.Fatalf("order after the partner paid: %v %v", d, err)
		}
	})
	t.Run("ErrPaidTwice", func(t *testing.T) {
		_, err := spc.PayOrders(payReq(asked, "NO"))
		if err == nil {
			t.Fatal("paid twice")
		}
	})
}
