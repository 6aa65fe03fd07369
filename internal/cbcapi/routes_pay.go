package cbcapi

import "partnercenter/internal/identity"

// payRoutes is the route table of paying orders (reference/cbc-api.md §8):
// PayOrders on both the old and the newest path, and our price explain.
// The order's customer pays with its own credentials; a partner holding
// the pay item pays the orders its customers asked it to pay (代支付).
func (a *API) payRoutes() []Route {
	pay := AnyOf(CustomerCaller, identity.PermOrderPay)
	return []Route{
		{"POST", "/v2/orders/customer-orders/pay", pay, a.payOrders},
		{"POST", "/v3/orders/customer-orders/pay", pay, a.payOrders},
		{"POST", "/v2/orders/customer-orders/price-explain", CustomerCaller, a.priceExplain},
	}
}
