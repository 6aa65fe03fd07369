package web

// prospectRoutes is the route table of 销售 > 拓新 > 客户拓展: reporting (报备), invitations, the generic link, history; the operator review of pending reports; the customer side of an invitation in the portal.
func (s *Server) prospectRoutes() []route {
	return nil
}
