package cbcapi

import "partnercenter/internal/identity"

// resourceRoutes is the route table of customers' yearly/monthly resources
// and their unsubscription (reference/cbc-api.md §11, Orders &
// subscriptions): listing resources (on the SDK's misspelt path
// "suscriptions" and the correct one) and an unsubscribe order's refund
// details serve the customer and the partner over its customers (naming
// the customer), like the order calls; unsubscribing is the customer's
// own call, as Huawei documents.
func (a *API) resourceRoutes() []Route {
	view := AnyOf(CustomerCaller, identity.PermOrderView)
	return []Route{
		{"POST", "/v2/orders/suscriptions/resources/query", view, a.listPayPerUseCustomerResources},
		{"POST", "/v2/orders/subscriptions/resources/query", view, a.listPayPerUseCustomerResources},
		{"POST", "/v2/orders/subscriptions/resources/unsubscribe", CustomerCaller, a.cancelResourcesSubscription},
		{"GET", "/v2/orders/customer-orders/refund-orders", view, a.showRefundOrderDetails},
	}
}
