package cbcapi

// resourceRoutes: scaffold, filled in by helper B.
func (a *API) resourceRoutes() []Route {
	return nil
}
