package cbcapi

// cardRoutes is the route table of stored-value cards (reference/cbc-api.md
// §6): ListStoredValueCards, for the customer with its own credentials.
func (a *API) cardRoutes() []Route {
	return []Route{
		{"GET", "/v2/promotions/benefits/stored-value-cards", CustomerCaller, a.listStoredValueCards},
	}
}
