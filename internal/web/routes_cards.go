package web

// cardRoutes: scaffold, filled in by helper C.
func (s *Server) cardRoutes() []route {
	return nil
}
