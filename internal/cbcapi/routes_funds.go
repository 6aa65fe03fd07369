package cbcapi

// fundsRoutes is the route table of partner and customer accounts, fund
// allocation and reclaim, and partner-granted discounts.
func (a *API) fundsRoutes() []Route {
	return nil
}
