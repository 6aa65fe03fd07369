package web

// partnerPayRoutes: scaffold, filled in by helper A.
func (s *Server) partnerPayRoutes() []route {
	return nil
}
