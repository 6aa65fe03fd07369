package cbcapi

import "partnercenter/internal/identity"

// ratingRoutes is the route table of the product catalogue's resources,
// usage types, measure units and conversions, and price inquiry
// (reference/cbc-api.md §7). Price inquiry is answered for the caller's own
// domain id or one of its customers (commerce.Catalog checks project_id).
func (a *API) ratingRoutes() []Route {
	return []Route{
		{"GET", "/v2/products/service-resources", identity.PermCatalogView, a.listServiceResources},
		{"GET", "/v2/products/usage-types", identity.PermCatalogView, a.listUsageTypes},
		{"GET", "/v2/bases/measurements", identity.PermCatalogView, a.listMeasureUnits},
		{"GET", "/v2/bases/conversions", identity.PermCatalogView, a.listConversions},
		{"POST", "/v2/bills/ratings/on-demand-resources", identity.PermCatalogView, a.listOnDemandResourceRatings},
		{"POST", "/v2/bills/ratings/period-resources/subscribe-rate", identity.PermCatalogView, a.listRateOnPeriodDetail},
		{"POST", "/v2/bills/ratings/period-resources/renew-rate", identity.PermCatalogView, a.listRenewRateOnPeriod},
	}
}
