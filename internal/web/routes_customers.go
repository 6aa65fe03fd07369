package web

// customerRoutes is the route table of 销售 > 客户: 客户管理 (the masked customer list, reveal, details, freeze) and 客户分配 (account managers).
func (s *Server) customerRoutes() []route {
	return nil
}
