package cbcapi

import "partnercenter/internal/identity"

// partnerPayRoutes is the route table of partner payment (代支付,
// reference/cbc-api.md §6): ListPartnerPayOrders, the orders customers
// asked the calling partner to pay (a distributor: its reseller's, with
// indirect_partner_id). Partners pay them through PayOrders (payRoutes);
// rejecting is console-only, as at Huawei.
func (a *API) partnerPayRoutes() []Route {
	return []Route{
		{"GET", "/v2/orders/customer-orders/partner-pay-orders", identity.PermOrderView, a.listPartnerPayOrders},
	}
}
