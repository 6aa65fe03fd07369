package web

import "partnercenter/internal/identity"

// orderRoutes is the route table of customer orders: the customer portal's
// 费用中心 > 我的订单 (place, list, details, cancel) and the partner
// console's 销售 > 客户 > 客户订单 (its customers' orders).
func (s *Server) orderRoutes() []route {
	view := Item(identity.PermOrderView)
	return []route{
		{"GET", "/customer/orders", FaceCustomer, CustomerSignedIn, "", s.customerOrders, false},
		{"GET", "/customer/orders/new", FaceCustomer, CustomerSignedIn, "", s.customerOrderNew, false},
		{"POST", "/customer/orders", FaceCustomer, CustomerSignedIn, "", s.customerOrderPlace, false},
		{"GET", "/customer/orders/{id}", FaceCustomer, CustomerSignedIn, "", s.customerOrderShow, false},
		{"POST", "/customer/orders/{id}/cancel", FaceCustomer, CustomerSignedIn, "", s.customerOrderCancel, false},

		// Members who may see orders but not the customer list reach 销售
		// through here, as with funds.
		{"GET", "/sales/orders", FacePartner, view, "nav.sales", s.salesOrders, false},
		{"GET", "/sales/orders/{id}", FacePartner, view, "", s.salesOrderShow, false},
	}
}
