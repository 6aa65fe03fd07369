package web

import "partnercenter/internal/identity"

// fundsRoutes is the route table of accounts and funds (the operator's
// top-ups and credit lines, the partner's allocations to customers and
// resellers, balances and records) and of partner-granted discounts.
func (s *Server) fundsRoutes() []route {
	view := Item(identity.PermFundsView)
	allocate := Item(identity.PermFundsAllocate)
	discount := Item(identity.PermDiscountManage)
	// Top-ups and credit lines are platform admins' and ecosystem
	// managers' (as funds.TopUp and SetCreditLine enforce).
	curator := OperatorAnyRole(identity.RolePlatformAdmin, identity.RoleEcoManager)
	return []route{
		// 销售 > 账务 > 资金管理; members who may see funds but not the customer
		// list reach 销售 through here.
		{"GET", "/sales/funds", FacePartner, view, "nav.sales", s.fundsOverview, false},
		{"POST", "/sales/funds/transfer", FacePartner, allocate, "", s.fundsTransfer, false},
		{"GET", "/sales/funds/records", FacePartner, view, "", s.fundsRecords, false},
		{"GET", "/sales/funds/ledger", FacePartner, view, "", s.fundsLedger, false},
		// 销售 > 客户 > 折扣.
		{"GET", "/sales/customers/discounts", FacePartner, discount, "nav.sales", s.discountList, false},
		{"POST", "/sales/customers/discounts", FacePartner, discount, "", s.discountSet, false},

		{"GET", "/ops/funds", FaceOperator, curator, "funds.nav.ops", s.opsFunds, false},
		{"POST", "/ops/funds/{id}/topup", FaceOperator, curator, "", s.opsFundsTopUp, false},
		{"POST", "/ops/funds/{id}/credit", FaceOperator, curator, "", s.opsFundsCredit, false},
		// Any operator may run the funds ledger check, as the coupon one.
		{"GET", "/ops/funds/ledger", FaceOperator, OperatorSignedIn, "", s.opsFundsLedger, false},
	}
}
