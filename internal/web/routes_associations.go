package web

import "partnercenter/internal/identity"

// associationRoutes is the route table of 关联关系管理: partner-initiated disassociation and association-type switch, customer-initiated requests, the association records, on both the partner console and the customer portal.
func (s *Server) associationRoutes() []route {
	rel := Item(identity.PermCustomerRelation)
	return []route{
		// 客户管理 > 关联关系管理 of one customer (relation_customer.go).
		{"GET", "/sales/customers/{id}/relations", FacePartner, rel, "", s.relationCustomer, false},
		{"POST", "/sales/customers/{id}/relations/requests", FacePartner, rel, "", s.relationCustomerRequest, false},
		// 关联关系操作记录: every request of the partner (relation_requests.go).
		{"GET", "/sales/relations", FacePartner, rel, "nav.sales", s.relationRequests, false},
		{"POST", "/sales/relations/{id}/approve", FacePartner, rel, "", s.relationApprove, false},
		{"POST", "/sales/relations/{id}/reject", FacePartner, rel, "", s.relationReject, false},

		// The customer portal's side (customer_relations.go): 我的合作伙伴 >
		// 关联关系, the partner's requests to confirm (立即处理) and the
		// customer's own disassociation request.
		{"GET", "/customer/partner/relations", FaceCustomer, CustomerSignedIn, "", s.customerRelations, true},
		{"GET", "/customer/partner/relations/pending", FaceCustomer, CustomerSignedIn, "", s.customerRelationsPending, true},
		{"POST", "/customer/partner/relations/request", FaceCustomer, CustomerSignedIn, "", s.customerRelationFile, true},
		{"POST", "/customer/partner/relations/{id}/code", FaceCustomer, CustomerSignedIn, "", s.customerRelationCode, true},
		{"POST", "/customer/partner/relations/{id}/confirm", FaceCustomer, CustomerSignedIn, "", s.customerRelationConfirm, true},
		{"POST", "/customer/partner/relations/{id}/decline", FaceCustomer, CustomerSignedIn, "", s.customerRelationDecline, true},
	}
}
