package cbcapi

// ratingRoutes is the route table of the product catalogue's resources,
// usage types, measure units and conversions, and price inquiry
// (reference/cbc-api.md §7).
func (a *API) ratingRoutes() []Route {
	return nil
}
