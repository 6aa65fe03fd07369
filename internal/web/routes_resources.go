package web

// resourceRoutes is the route table of the customer portal's 我的资源: the
// customer's yearly/monthly resources, unsubscribing one after seeing what
// comes back and where it goes, and the refund details of an unsubscribe
// order.
func (s *Server) resourceRoutes() []route {
	return []route{
		{"GET", "/customer/resources", FaceCustomer, CustomerSignedIn, "", s.customerResources, false},
		{"GET", "/customer/resources/{id}/unsubscribe", FaceCustomer, CustomerSignedIn, "", s.customerUnsubscribeShow, false},
		{"POST", "/customer/resources/{id}/unsubscribe", FaceCustomer, CustomerSignedIn, "", s.customerUnsubscribe, false},
		{"GET", "/customer/refunds/{order}", FaceCustomer, CustomerSignedIn, "", s.customerRefund, false},
	}
}
