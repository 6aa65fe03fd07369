package web

// customerKeyRoutes are the customer portal's access keys (我的凭证 >
// 访问密钥), with which a customer calls the open API's customer routes
// (ListSubCustomerCoupons) itself.
func (s *Server) customerKeyRoutes() []route {
	return []route{
		{"GET", "/customer/keys", FaceCustomer, CustomerSignedIn, "", s.customerKeys, false},
		{"POST", "/customer/keys", FaceCustomer, CustomerSignedIn, "", s.customerKeyCreate, false},
		{"POST", "/customer/keys/{ak}/status", FaceCustomer, CustomerSignedIn, "", s.customerKeySetStatus, false},
		{"GET", "/customer/keys/{ak}/delete", FaceCustomer, CustomerSignedIn, "", s.customerKeyDeleteConfirm, false},
		{"POST", "/customer/keys/{ak}/delete", FaceCustomer, CustomerSignedIn, "", s.customerKeyDelete, false},
	}
}
