package cbcapi

// cardRoutes: scaffold, filled in by helper C.
func (a *API) cardRoutes() []Route {
	return nil
}
