package web

// resourceRoutes: scaffold, filled in by helper B.
func (s *Server) resourceRoutes() []route {
	return nil
}
