package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	bss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
)

// The order APIs' contract with huaweicloud-sdk-go-v3 v0.1.207
// (reference/cbc-api.md §8) through services/bss/v2 against the real
// binary: a demo customer places yearly/monthly orders in the portal, then
// reads them with its own access key (list, details, the order's coupons
// and discounts) and cancels one; its partner lists and reads them; another
// partner cannot; a distributor reads its reseller's customer's order with
// indirect_partner_id.

var placedOrderLoc = regexp.MustCompile(`^/customer/orders/([0-9a-f]{32})\?placed=1$`)

// portalOrder places an order of qty s2.small.1.linux in cn-north-1 for
// months through the customer portal's confirm form.
func portalOrder(t *testing.T, portal *console, months, qty string) string {
	t.Helper()
	form := url.Values{"region": {"cn-north-1"}, "service": {"hws.service.type.ec2"},
		"spec": {"hws.resource.type.vm|s2.small.1.linux"}, "period": {"month"}, "num": {months}, "qty": {qty}}
	q := url.Values{"quote": {"1"}}
	for k, v := range form {
		q[k] = v
	}
	status, body, loc := portal.post(t, "/customer/orders/new?"+q.Encode(), "/customer/orders", form)
	m := placedOrderLoc.FindStringSubmatch(loc)
	if status != http.StatusSeeOther || m == nil {
		t.Fatalf("place order: status %d to %q\n%s", status, loc, body)
	}
	return m[1]
}

func listOrders(t *testing.T, c *bss.BssClient, req model.ListCustomerOrdersRequest) (int32, []model.CustomerOrderV2) {
	t.Helper()
	resp, err := c.ListCustomerOrders(&req)
	if err != nil {
		t.Fatalf("ListCustomerOrders: %v", err)
	}
	return deref(resp.TotalCount), deref(resp.OrderInfos)
}

func TestOrderSDK(t *testing.T) {
	s := startServer(t, withEnv("PC_API_RATE_LIMIT", "0"))
	sp, sp2, dist, reseller := s.Demo.Partner(t, "sp"), s.Demo.Partner(t, "sp2"), s.Demo.Partner(t, "dist"), s.Demo.Partner(t, "reseller")
	cust := s.Demo.Customer(t, "sp-reseller")
	resCust := s.Demo.Customer(t, "reseller-reseller")

	portal, ak, sk := customerPortalKey(t, s, cust.DomainName, cust.Password)
	first := portalOrder(t, portal, "3", "2")
	second := portalOrder(t, portal, "1", "1")
	resPortal, _, _ := customerPortalKey(t, s, resCust.DomainName, resCust.Password)
	resOrder := portalOrder(t, resPortal, "1", "1")

	own, _ := newBSS(t, s, ak, sk, cust.DomainID)
	spc, _ := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	sp2c, _ := newBSS(t, s, sp2.AccessKey, sp2.SecretKey, sp2.DomainID)
	distc, _ := newBSS(t, s, dist.AccessKey, dist.SecretKey, dist.DomainID)

	t.Run("OK/CustomerLists", func(t *testing.T) {
		oneself := model.GetListCustomerOrdersRequestMethodEnum().ONESELF
		total, list := listOrders(t, own, model.ListCustomerOrdersRequest{Method: &oneself, OrderBy: new("createTime")})
		if total != 2 || len(list) != 2 || deref(list[0].OrderId) != first || deref(list[1].OrderId) != second {
			t.Fatalf("got %d %+v", total, list)
		}
		o := list[0]
		if deref(o.OfficialAmount) != 193.2 || deref(o.AmountAfterDiscount) != 193.2 || deref(o.Status) != 6 ||
			deref(o.OrderType) != 1 || deref(o.ServiceTypeCode) != "hws.service.type.ec2" || deref(o.CustomerId) != cust.DomainID {
			t.Errorf("order %s", o.String())
		}
	})
	t.Run("OK/CustomerDetails", func(t *testing.T) {
		resp, err := own.ShowCustomerOrderDetails(&model.ShowCustomerOrderDetailsRequest{OrderId: first, XLanguage: new("en_US")})
		if err != nil {
			t.Fatal(err)
		}
		info, lines := resp.OrderInfo, deref(resp.OrderLineItems)
		if deref(resp.TotalCount) != 1 || info == nil || deref(info.OrderId) != first || deref(info.PendingPaymentEndTime) == "" ||
			deref(info.ServiceTypeName) != "Elastic Cloud Server" || len(lines) != 1 {
			t.Fatalf("details %s", resp.String())
		}
		if l := lines[0]; deref(l.PeriodType) != 2 || deref(l.PeriodNum) != 3 || deref(l.SubscriptionNum) != 2 ||
			deref(l.OfficialAmount) != 193.2 || deref(l.OrderId) != first {
			t.Errorf("line %s", l.String())
		}
	})
	t.Run("OK/CouponsAndDiscountsEmpty", func(t *testing.T) {
		cs, err := own.ListOrderCouponsByOrderId(&model.ListOrderCouponsByOrderIdRequest{OrderId: first})
		if err != nil || deref(cs.Count) != 0 || len(deref(cs.UserCoupons)) != 0 {
			t.Fatalf("coupons %v %v", cs, err)
		}
		ds, err := spc.ListOrderDiscounts(&model.ListOrderDiscountsRequest{OrderId: first})
		if err != nil || ds.Discounts == nil || len(*ds.Discounts) != 0 {
			t.Fatalf("discounts %v %v", ds, err)
		}
	})
	t.Run("OK/PartnerLists", func(t *testing.T) {
		total, list := listOrders(t, spc, model.ListCustomerOrdersRequest{CustomerId: new(cust.DomainID), Status: new(int32(6)),
			OrderType: new("1")})
		if total != 2 || len(list) != 2 {
			t.Fatalf("got %d %d", total, len(list))
		}
		resp, err := spc.ShowCustomerOrderDetails(&model.ShowCustomerOrderDetailsRequest{OrderId: second})
		if err != nil || deref(resp.OrderInfo.OrderId) != second {
			t.Fatalf("details %v %v", resp, err)
		}
	})
	t.Run("ErrCrossTenant", func(t *testing.T) {
		total, _ := listOrders(t, sp2c, model.ListCustomerOrdersRequest{CustomerId: new(cust.DomainID)})
		if total != 0 {
			t.Errorf("sp2 sees %d of sp's customer's orders", total)
		}
		_, err := sp2c.ShowCustomerOrderDetails(&model.ShowCustomerOrderDetailsRequest{OrderId: first})
		wantServiceError(t, err, 400, "CBC.30000010")
		_, err = sp2c.ListOrderCouponsByOrderId(&model.ListOrderCouponsByOrderIdRequest{OrderId: first})
		wantServiceError(t, err, 400, "CBC.30000010")
	})
	t.Run("OK/DistributorReadsResellersCustomer", func(t *testing.T) {
		total, list := listOrders(t, distc, model.ListCustomerOrdersRequest{IndirectPartnerId: new(reseller.PartnerID)})
		if total != 1 || deref(list[0].OrderId) != resOrder {
			t.Fatalf("got %d %+v", total, list)
		}
		if _, err := distc.ShowCustomerOrderDetails(&model.ShowCustomerOrderDetailsRequest{OrderId: resOrder,
			IndirectPartnerId: new(reseller.PartnerID)}); err != nil {
			t.Fatal(err)
		}
		_, err := distc.ListCustomerOrders(&model.ListCustomerOrdersRequest{IndirectPartnerId: new(sp.PartnerID)})
		wantServiceError(t, err, 400, "CBC.99000037")
	})
	t.Run("ErrPartnerCancels", func(t *testing.T) {
		_, err := spc.CancelCustomerOrder(&model.CancelCustomerOrderRequest{Body: &model.CancelCustomerOrderReq{OrderId: second}})
		wantServiceError(t, err, 403, "CBC.0151")
	})
	t.Run("OK/CustomerCancels", func(t *testing.T) {
		if _, err := own.CancelCustomerOrder(&model.CancelCustomerOrderRequest{Body: &model.CancelCustomerOrderReq{OrderId: second}}); err != nil {
			t.Fatal(err)
		}
		total, list := listOrders(t, own, model.ListCustomerOrdersRequest{Status: new(int32(4))})
		if total != 1 || deref(list[0].OrderId) != second {
			t.Fatalf("cancelled: %d %+v", total, list)
		}
		_, err := own.CancelCustomerOrder(&model.CancelCustomerOrderRequest{Body: &model.CancelCustomerOrderReq{OrderId: second}})
		wantServiceError(t, err, 400, "CBC.99005010")
	})
}
