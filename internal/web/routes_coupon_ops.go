package web

import "partnercenter/internal/identity"

// couponOpsRoutes is the route table of coupons outside the partner console: the operator console's quota grants and ledger check, and the customer portal's coupons and access keys.
func (s *Server) couponOpsRoutes() []route {
	// Quotas are granted, listed and changed by platform admins and
	// ecosystem managers only (as coupon.GrantQuota, SetQuotaStatus and
	// OperatorQuotas enforce); any operator may run the ledger check.
	curator := OperatorAnyRole(identity.RolePlatformAdmin, identity.RoleEcoManager)
	return []route{
		{"GET", "/ops/quotas", FaceOperator, curator, "nav.ops.quotas", s.opsQuotaList, false},
		{"GET", "/ops/quotas/new", FaceOperator, curator, "", s.opsQuotaNew, false},
		{"POST", "/ops/quotas", FaceOperator, curator, "", s.opsQuotaGrant, false},
		{"POST", "/ops/quotas/{id}/status", FaceOperator, curator, "", s.opsQuotaSetStatus, false},
		{"GET", "/ops/ledger", FaceOperator, OperatorSignedIn, "nav.ops.ledger", s.opsLedger, false},

		// 费用中心 > 优惠折扣: the customer's vouchers and cash coupons.
		{"GET", "/customer/coupons", FaceCustomer, CustomerSignedIn, "", s.customerCoupons, true},
		{"GET", "/customer/coupons/{id}", FaceCustomer, CustomerSignedIn, "", s.customerCouponShow, true},
	}
}
