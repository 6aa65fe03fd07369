package web

import "partnercenter/internal/identity"

// resellerRoutes is the route table of 销售 > 云经销商 (distributors).
func (s *Server) resellerRoutes() []route {
	return []route{
		{"GET", "/sales/resellers", FacePartner, Item(identity.PermResellerView), "", s.salesResellers, false},
	}
}
