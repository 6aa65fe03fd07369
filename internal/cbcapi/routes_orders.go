package cbcapi

import "partnercenter/internal/identity"

// orderRoutes is the route table of customer orders (reference/cbc-api.md
// §8). Listing, details and an order's coupons and discounts serve the
// customer with its own key and the partner over its customers (a
// distributor over its resellers' customers with indirect_partner_id);
// cancelling is the customer's alone, as Huawei documents.
func (a *API) orderRoutes() []Route {
	view := AnyOf(CustomerCaller, identity.PermOrderView)
	return []Route{
		{"GET", "/v2/orders/customer-orders", view, a.listCustomerOrders},
		{"GET", "/v2/orders/customer-orders/details/{order_id}", view, a.showCustomerOrderDetails},
		{"PUT", "/v2/orders/customer-orders/cancel", CustomerCaller, a.cancelCustomerOrder},
		{"GET", "/v2/orders/customer-orders/order-coupons", view, a.listOrderCouponsByOrderID},
		{"GET", "/v2/orders/customer-orders/order-discounts", view, a.listOrderDiscounts},
	}
}
