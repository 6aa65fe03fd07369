package web

// payRoutes is the route table of paying orders in the customer portal:
// the pay page on a pending order (choose coupons and the discount, see
// the price explained step by step) and the payment itself.
func (s *Server) payRoutes() []route {
	return []route{
		{"GET", "/customer/orders/{id}/pay", FaceCustomer, CustomerSignedIn, "", s.customerPayShow, false},
		{"POST", "/customer/orders/{id}/pay", FaceCustomer, CustomerSignedIn, "", s.customerPay, false},
	}
}
