package web

// cardRoutes is the route table of the customer's own money in the portal
// (费用中心): stored-value cards (储值卡: list, buy, a card's usage records) and top-up (充值, a
// simulated online payment into the account balance).
func (s *Server) cardRoutes() []route {
	return []route{
		{"GET", "/customer/cards", FaceCustomer, CustomerSignedIn, "", s.customerCards, false},
		{"POST", "/customer/cards", FaceCustomer, CustomerSignedIn, "", s.customerCardBuy, false},
		{"GET", "/customer/cards/{id}", FaceCustomer, CustomerSignedIn, "", s.customerCardShow, false},
		{"GET", "/customer/topup", FaceCustomer, CustomerSignedIn, "", s.customerTopUpForm, false},
		{"POST", "/customer/topup", FaceCustomer, CustomerSignedIn, "", s.customerTopUp, false},
	}
}
