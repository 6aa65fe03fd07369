package web

import "partnercenter/internal/identity"

// partnerPayRoutes is the route table of partner payment (代支付): in the
// partner console, the tabs of 销售 > 客户 > 客户订单 listing the orders
// customers asked the partner to pay (members who see orders), paying one
// and rejecting one or a batch with a reason (members holding the pay
// item); in the customer portal, asking the partner to pay an order.
func (s *Server) partnerPayRoutes() []route {
	view := Item(identity.PermOrderView)
	pay := Item(identity.PermOrderPay)
	return []route{
		{"GET", "/sales/orders/partner-pay", FacePartner, view, "", s.partnerPayOrders, false},
		{"GET", "/sales/orders/partner-pay/{id}/pay", FacePartner, pay, "", s.partnerPayShow, false},
		{"POST", "/sales/orders/partner-pay/{id}/pay", FacePartner, pay, "", s.partnerPay, false},
		{"GET", "/sales/orders/partner-pay/{id}/reject", FacePartner, pay, "", s.partnerPayRejectShow, false},
		{"POST", "/sales/orders/partner-pay/reject", FacePartner, pay, "", s.partnerPayReject, false},
		{"POST", "/customer/orders/{id}/partner-pay", FaceCustomer, CustomerSignedIn, "", s.customerOrderAskPartner, false},
	}
}
