package e2e

import (
	"net/http"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
)

// PayOrders' contract with huaweicloud-sdk-go-v3 v0.1.207 (reference/
// cbc-api.md §8, the SDK's path /v3/orders/customer-orders/pay) against the
// real binary: a demo reseller-model customer gets 100.00 from its partner,
// places two orders in the portal and pays them with its own access key.

func payReq(orderID, useCoupon string, coupons ...string) *model.PayOrdersRequest {
	body := &model.PayCustomerOrderV3Req{OrderId: orderID, UseCoupon: useCoupon, UseDiscount: "NO"}
	if len(coupons) > 0 {
		infos := make([]model.CouponSimpleInfoOrderPayV3, len(coupons))
		for i, id := range coupons {
			infos[i] = model.CouponSimpleInfoOrderPayV3{Id: id, Type: 1}
		}
		body.CouponInfos = &infos
	}
	return &model.PayOrdersRequest{Body: body}
}

func TestPayOrdersSDK(t *testing.T) {
	s := startServer(t, withEnv("PC_API_RATE_LIMIT", "0"))
	sp := s.Demo.Partner(t, "sp")
	cust := s.Demo.Customer(t, "sp-reseller")
	portal, ak, sk := customerPortalKey(t, s, cust.DomainName, cust.Password)
	small := portalOrder(t, portal, "1", "1") // 32.20
	big := portalOrder(t, portal, "3", "2")   // 193.20
	own, w := newBSS(t, s, ak, sk, cust.DomainID)
	spc, spw := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	if _, err := spc.UpdateCustomerAccountAmount(&model.UpdateCustomerAccountAmountRequest{Body: &model.AdjustAccountReq{
		CustomerId: cust.DomainID, Amount: dec("100")}}); err != nil {
		t.Fatalf("allocate: %v", err)
	}

	t.Run("ErrPartnerPaysUnaskedOrder", func(t *testing.T) {
		// A partner pays only the orders its customers asked it to pay.
		_, err := spc.PayOrders(payReq(small, "NO"))
		apiError(t, spw, err, http.StatusBadRequest, "CBC.30000010")
	})
	t.Run("ErrCouponInfosRequired", func(t *testing.T) {
		_, err := own.PayOrders(payReq(small, "YES"))
		se := apiError(t, w, err, http.StatusBadRequest, "CBC.0100")
		if se.ErrorMessage == "" {
			t.Error("no error message")
		}
	})
	t.Run("ErrBadUseCoupon", func(t *testing.T) {
		_, err := own.PayOrders(payReq(small, "maybe"))
		apiError(t, w, err, http.StatusBadRequest, "CBC.0100")
	})
	t.Run("ErrUnknownCoupon", func(t *testing.T) {
		_, err := own.PayOrders(payReq(small, "YES", "0123456789abcdef0123456789abcdef"))
		apiError(t, w, err, http.StatusNotFound, "CBC.0101")
	})
	t.Run("ErrUnknownOrder", func(t *testing.T) {
		_, err := own.PayOrders(payReq("0123456789abcdef0123456789abcdef", "NO"))
		apiError(t, w, err, http.StatusBadRequest, "CBC.30000010")
	})
	t.Run("ErrInsufficientBalance", func(t *testing.T) {
		_, err := own.PayOrders(payReq(big, "NO"))
		apiError(t, w, err, http.StatusBadRequest, "CBC.99005003")
	})
	t.Run("OK/PaysFromBalance", func(t *testing.T) {
		resp, err := own.PayOrders(payReq(small, "NO"))
		if err != nil || resp.HttpStatusCode != http.StatusNoContent {
			t.Fatalf("PayOrders: %v %v", resp, err)
		}
		d, err := own.ShowCustomerOrderDetails(&model.ShowCustomerOrderDetailsRequest{OrderId: small})
		if err != nil || deref(d.OrderInfo.Status) != 5 || deref(d.OrderInfo.PaymentTime) == "" {
			t.Fatalf("order after payment: %v %v", d, err)
		}
	})
	t.Run("ErrPaidTwice", func(t *testing.T) {
		_, err := own.PayOrders(payReq(small, "NO"))
		apiError(t, w, err, http.StatusBadRequest, "CBC.99005010")
	})
}
