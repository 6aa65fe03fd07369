package web

import "partnercenter/internal/identity"

// customerRoutes is the route table of 销售 > 客户: 客户管理 (the masked customer list, reveal, details, freeze) and 客户分配 (account managers).
func (s *Server) customerRoutes() []route {
	list := Item(identity.PermCustomerList)
	assign := Item(identity.PermCustomerAssign)
	return []route{
		{"GET", "/sales/customers", FacePartner, list, "nav.sales", s.salesCustomerList, false},
		// The eye buttons: the route is the list's; customer.RevealCustomers
		// checks PermCustomerReveal itself and answers a refusal the page
		// can show.
		{"POST", "/sales/customers/reveal", FacePartner, list, "", s.salesCustomerReveal, false},
		{"GET", "/sales/customers/reveals", FacePartner, Item(identity.PermCustomerReveal), "", s.salesCustomerReveals, false},
		{"POST", "/sales/customers/freeze", FacePartner, Item(identity.PermCustomerFreeze), "", s.salesCustomerFreeze, false},
		{"POST", "/sales/customers/unfreeze", FacePartner, Item(identity.PermCustomerUnfreeze), "", s.salesCustomerUnfreeze, false},
		{"GET", "/sales/customers/assign", FacePartner, assign, "nav.sales", s.salesCustomerAssignList, false},
		{"POST", "/sales/customers/assign", FacePartner, assign, "", s.salesCustomerAssign, false},
		{"POST", "/sales/customers/unassign", FacePartner, assign, "", s.salesCustomerUnassign, false},
		{"GET", "/sales/customers/{id}", FacePartner, list, "", s.salesCustomerShow, false},
	}
}
