package web

// couponRoutes is the route table of 销售 > 客户 > 券管理 in the partner console: quotas, issuing, issued coupons, reclaiming, the operation log, and a distributor's reseller quotas.
func (s *Server) couponRoutes() []route {
	return nil
}
