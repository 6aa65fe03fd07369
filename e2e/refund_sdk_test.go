package e2e

import (
	"net/http"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
)

// The resource calls' contract with huaweicloud-sdk-go-v3 v0.1.207
// (reference/cbc-api.md §11, Orders & subscriptions) against the real
// binary: a demo reseller-model customer pays an order from the balance its
// partner allocated, lists the resource it opened
// (ListPayPerUseCustomerResources, on the SDK's misspelt path; its partner
// lists it naming the customer),
// unsubscribes it (CancelResourcesSubscription) and reads where the money
// went (ShowRefundOrderDetails); its partner reads the refund naming the
// customer; another partner cannot.

func TestResourceSDK(t *testing.T) {
	s := startServer(t, withEnv("PC_API_RATE_LIMIT", "0"))
	sp, sp2 := s.Demo.Partner(t, "sp"), s.Demo.Partner(t, "sp2")
	cust := s.Demo.Customer(t, "sp-reseller")
	portal, ak, sk := customerPortalKey(t, s, cust.DomainName, cust.Password)
	paid := portalOrder(t, portal, "1", "1") // 32.20
	own, w := newBSS(t, s, ak, sk, cust.DomainID)
	spc, spw := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	sp2c, sp2w := newBSS(t, s, sp2.AccessKey, sp2.SecretKey, sp2.DomainID)
	if _, err := spc.UpdateCustomerAccountAmount(&model.UpdateCustomerAccountAmountRequest{Body: &model.AdjustAccountReq{
		CustomerId: cust.DomainID, Amount: dec("100")}}); err != nil {
		t.Fatalf("allocate: %v", err)
	}
	if _, err := own.PayOrders(payReq(paid, "NO")); err != nil {
		t.Fatalf("pay: %v", err)
	}
	var resourceID string

	t.Run("OK/ListsOwnResources", func(t *testing.T) {
		resp, err := own.ListPayPerUseCustomerResources(&model.ListPayPerUseCustomerResourcesRequest{
			Body: &model.QueryResourcesReq{OrderId: &paid, StatusList: &[]int32{2}, Limit: new(int32(10))}})
		if err != nil {
			t.Fatalf("ListPayPerUseCustomerResources: %v", err)
		}
		list := deref(resp.Data)
		if deref(resp.TotalCount) != 1 || len(list) != 1 {
			t.Fatalf("got %s", resp.String())
		}
		r := list[0]
		resourceID = deref(r.ResourceId)
		if resourceID == "" || deref(r.Status) != 2 || deref(r.ResourceSpecCode) != "s2.small.1.linux" ||
			deref(r.RegionCode) != "cn-north-1" || deref(r.IsMainResource) != 1 || deref(r.ExpireTime) == "" {
			t.Fatalf("resource %s", r.String())
		}
	})
	t.Run("OK/PartnerListsItsCustomers", func(t *testing.T) {
		resp, err := spc.ListPayPerUseCustomerResources(&model.ListPayPerUseCustomerResourcesRequest{
			Body: &model.QueryResourcesReq{CustomerId: &cust.DomainID, OrderId: &paid}})
		if err != nil || deref(resp.TotalCount) != 1 || deref(deref(resp.Data)[0].ResourceId) != resourceID {
			t.Fatalf("partner's ListPayPerUseCustomerResources: %v %v", resp, err)
		}
		resp, err = sp2c.ListPayPerUseCustomerResources(&model.ListPayPerUseCustomerResourcesRequest{
			Body: &model.QueryResourcesReq{CustomerId: &cust.DomainID}})
		if err != nil || deref(resp.TotalCount) != 0 {
			t.Fatalf("another partner's ListPayPerUseCustomerResources: %v %v", resp, err)
		}
	})
	t.Run("ErrPartnerWithoutCustomerID", func(t *testing.T) {
		_, err := spc.ListPayPerUseCustomerResources(&model.ListPayPerUseCustomerResourcesRequest{Body: &model.QueryResourcesReq{}})
		apiError(t, spw, err, http.StatusBadRequest, "CBC.0100")
	})
	t.Run("ErrPartnerCannotUnsubscribe", func(t *testing.T) {
		_, err := spc.CancelResourcesSubscription(&model.CancelResourcesSubscriptionRequest{Body: &model.UnsubscribeResourcesReq{
			ResourceIds: []string{resourceID}, UnsubscribeType: 1}})
		apiError(t, spw, err, http.StatusForbidden, "CBC.0151")
	})
	t.Run("ErrUnsubscribeType", func(t *testing.T) {
		_, err := own.CancelResourcesSubscription(&model.CancelResourcesSubscriptionRequest{Body: &model.UnsubscribeResourcesReq{
			ResourceIds: []string{resourceID}, UnsubscribeType: 3}})
		apiError(t, w, err, http.StatusBadRequest, "CBC.0100")
	})
	t.Run("ErrNoResourceIDs", func(t *testing.T) {
		_, err := own.CancelResourcesSubscription(&model.CancelResourcesSubscriptionRequest{Body: &model.UnsubscribeResourcesReq{
			ResourceIds: []string{}, UnsubscribeType: 1}})
		apiError(t, w, err, http.StatusBadRequest, "CBC.0100")
	})
	var unsubOrder string
	t.Run("OK/Unsubscribes", func(t *testing.T) {
		resp, err := own.CancelResourcesSubscription(&model.CancelResourcesSubscriptionRequest{Body: &model.UnsubscribeResourcesReq{
			ResourceIds: []string{resourceID, "0123456789abcdef0123456789abcdef"}, UnsubscribeType: 1,
			UnsubscribeReasonType: new(int32(5)), UnsubscribeReason: new("e2e")}})
		if err != nil || resp.HttpStatusCode != http.StatusOK {
			t.Fatalf("CancelResourcesSubscription: %v %v", resp, err)
		}
		ids, fails := deref(resp.OrderIds), deref(resp.FailResourceInfos)
		if len(ids) != 1 || len(fails) != 1 || deref(fails[0].ErrorCode) != "CBC.99003012" ||
			deref(fails[0].ResourceId) != "0123456789abcdef0123456789abcdef" || deref(fails[0].ErrorMsg) == "" {
			t.Fatalf("got %s", resp.String())
		}
		unsubOrder = ids[0]
	})
	t.Run("OK/AgainRefusedPerResource", func(t *testing.T) {
		resp, err := own.CancelResourcesSubscription(&model.CancelResourcesSubscriptionRequest{Body: &model.UnsubscribeResourcesReq{
			ResourceIds: []string{resourceID}, UnsubscribeType: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if fails := deref(resp.FailResourceInfos); len(deref(resp.OrderIds)) != 0 || len(fails) != 1 ||
			deref(fails[0].ErrorCode) != "CBC.30000067" {
			t.Fatalf("got %s", resp.String())
		}
	})
	t.Run("OK/CustomerReadsRefund", func(t *testing.T) {
		resp, err := own.ShowRefundOrderDetails(&model.ShowRefundOrderDetailsRequest{OrderId: unsubOrder})
		if err != nil {
			t.Fatalf("ShowRefundOrderDetails: %v", err)
		}
		infos := deref(resp.RefundInfos)
		if deref(resp.TotalCount) != 1 || len(infos) != 1 {
			t.Fatalf("got %s", resp.String())
		}
		i := infos[0]
		// Unsubscribed seconds after paying: all but at most a cent back.
		if i.Amount == nil || !i.Amount.IsNegative() || i.Amount.LessThan(*dec("-32.20")) ||
			i.Amount.GreaterThan(*dec("-32.19")) || deref(i.BaseOrderId) != paid || i.CustomerId != cust.DomainID ||
			i.ServiceTypeCode != "hws.service.type.ec2" || i.ResourceTypeCode != "hws.resource.type.vm" ||
			i.RegionCode != "cn-north-1" || i.MeasureId != "1" {
			t.Fatalf("refund info %s", i.String())
		}
		// The unsubscribe order is listed with the customer's orders.
		four := int32(4)
		total, list := listOrders(t, own, model.ListCustomerOrdersRequest{OrderType: new("4")})
		if total != 1 || deref(list[0].OrderId) != unsubOrder || deref(list[0].OrderType) != four {
			t.Fatalf("unsubscribe orders %d %+v", total, list)
		}
	})
	t.Run("OK/PartnerReadsRefund", func(t *testing.T) {
		resp, err := spc.ShowRefundOrderDetails(&model.ShowRefundOrderDetailsRequest{OrderId: unsubOrder, CustomerId: &cust.DomainID})
		if err != nil || deref(resp.TotalCount) != 1 {
			t.Fatalf("ShowRefundOrderDetails: %v %v", resp, err)
		}
	})
	t.Run("ErrPartnerWithoutCustomer", func(t *testing.T) {
		_, err := spc.ShowRefundOrderDetails(&model.ShowRefundOrderDetailsRequest{OrderId: unsubOrder})
		apiError(t, spw, err, http.StatusBadRequest, "CBC.0100")
	})
	t.Run("ErrAnotherPartner", func(t *testing.T) {
		_, err := sp2c.ShowRefundOrderDetails(&model.ShowRefundOrderDetailsRequest{OrderId: unsubOrder, CustomerId: &cust.DomainID})
		apiError(t, sp2w, err, http.StatusBadRequest, "CBC.30000010")
	})
}
