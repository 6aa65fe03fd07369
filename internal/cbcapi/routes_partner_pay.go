package cbcapi

// partnerPayRoutes: scaffold, filled in by helper A.
func (a *API) partnerPayRoutes() []Route {
	return nil
}
