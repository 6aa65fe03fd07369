package web

// fundsRoutes is the route table of accounts and funds (the operator's
// top-ups and credit lines, the partner's allocations to customers and
// resellers, balances and records) and of partner-granted discounts.
func (s *Server) fundsRoutes() []route {
	return nil
}
