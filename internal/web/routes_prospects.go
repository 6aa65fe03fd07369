package web

import "partnercenter/internal/identity"

// prospectRoutes is the route table of 销售 > 拓新 > 客户拓展: reporting (报备), invitations, the generic link, history; the operator review of pending reports; the customer side of an invitation in the portal.
func (s *Server) prospectRoutes() []route {
	report := Item(identity.PermCustomerReport)
	// Reviewing reports: the roles customer development's review allows
	// (prospect.ApproveReport enforces the same).
	reviewer := OperatorAnyRole(identity.RoleReviewer, identity.RoleEcoManager, identity.RolePlatformAdmin)
	return []route{
		// 线上拓展: the reported customers, 报备客户 and 邀请.
		{"GET", "/sales/prospects", FacePartner, report, "nav.sales", s.prospectList, false},
		{"GET", "/sales/prospects/new", FacePartner, report, "", s.prospectNew, false},
		{"POST", "/sales/prospects", FacePartner, report, "", s.prospectCreate, false},
		{"GET", "/sales/prospects/invite", FacePartner, report, "", s.prospectInviteForm, false},
		{"POST", "/sales/prospects/invite/preview", FacePartner, report, "", s.prospectInvitePreview, false},
		{"POST", "/sales/prospects/invite", FacePartner, report, "", s.prospectInviteSend, false},
		// 线下拓展: the member's generic link and its QR code.
		{"GET", "/sales/prospects/offline", FacePartner, report, "", s.prospectOffline, false},
		{"POST", "/sales/prospects/offline/link", FacePartner, report, "", s.prospectLinkNew, false},
		{"GET", "/sales/prospects/offline/qr.png", FacePartner, report, "", s.prospectQR, false},
		// 历史记录: invitations and their outcome.
		{"GET", "/sales/prospects/history", FacePartner, report, "", s.prospectHistory, false},

		// The operator console's review of reports waiting for it.
		{"GET", "/ops/reports", FaceOperator, reviewer, "nav.ops.reports", s.opsReportList, false},
		{"GET", "/ops/reports/{id}", FaceOperator, reviewer, "", s.opsReportShow, false},
		{"POST", "/ops/reports/{id}/approve", FaceOperator, reviewer, "", s.opsReportApprove, false},
		{"POST", "/ops/reports/{id}/reject", FaceOperator, reviewer, "", s.opsReportReject, false},

		// The customer portal's invitation pages: public, the link is the
		// credential.
		{"GET", "/customer/invite/{token}", FaceCustomer, Public, "", s.customerInvite, true},
		{"POST", "/customer/invite/{token}/code", FaceCustomer, Public, "", s.customerInviteCode, true},
		{"POST", "/customer/invite/{token}/signin", FaceCustomer, Public, "", s.customerInviteSignIn, true},
		{"POST", "/customer/invite/{token}/register", FaceCustomer, Public, "", s.customerInviteRegister, true},
	}
}
