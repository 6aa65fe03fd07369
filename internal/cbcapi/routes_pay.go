package cbcapi

// payRoutes is the route table of paying orders (reference/cbc-api.md §8):
// PayOrders on both the old and the newest path, and our price explain.
// Only the order's customer pays, with its own credentials.
func (a *API) payRoutes() []Route {
	return []Route{
		{"POST", "/v2/orders/customer-orders/pay", CustomerCaller, a.payOrders},
		{"POST", "/v3/orders/customer-orders/pay", CustomerCaller, a.payOrders},
		{"POST", "/v2/orders/customer-orders/price-explain", CustomerCaller, a.priceExplain},
	}
}
