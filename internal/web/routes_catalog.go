package web

// catalogRoutes is the route table of the operator console's catalogue
// and price pages.
func (s *Server) catalogRoutes() []route {
	return nil
}
