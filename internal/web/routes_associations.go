package web

// associationRoutes is the route table of 关联关系管理: partner-initiated disassociation and association-type switch, customer-initiated requests, the association records, on both the partner console and the customer portal.
func (s *Server) associationRoutes() []route {
	return nil
}
