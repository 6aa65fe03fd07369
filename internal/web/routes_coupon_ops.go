package web

// couponOpsRoutes is the route table of coupons outside the partner console: the operator console's quota grants and ledger check, and the customer portal's coupons and access keys.
func (s *Server) couponOpsRoutes() []route {
	return nil
}
