package web

import "partnercenter/internal/identity"

// catalogRoutes is the route table of the operator console's catalogue
// and price pages. Any operator may look; platform admins and ecosystem
// managers edit prices and add specs (as commerce.Catalog enforces).
func (s *Server) catalogRoutes() []route {
	curator := OperatorAnyRole(identity.RolePlatformAdmin, identity.RoleEcoManager)
	return []route{
		{"GET", "/ops/catalog", FaceOperator, OperatorSignedIn, "rating.nav.catalog", s.opsPriceList, false},
		{"GET", "/ops/catalog/regions", FaceOperator, OperatorSignedIn, "", s.opsPriceReference, false},
		{"GET", "/ops/catalog/price", FaceOperator, curator, "", s.opsPriceEdit, false},
		{"POST", "/ops/catalog/price", FaceOperator, curator, "", s.opsPriceSave, false},
		{"GET", "/ops/catalog/specs/new", FaceOperator, curator, "", s.opsSpecNew, false},
		{"POST", "/ops/catalog/specs", FaceOperator, curator, "", s.opsSpecCreate, false},
	}
}
