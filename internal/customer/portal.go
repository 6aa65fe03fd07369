package customer

import (
	"context"

	"partnercenter/internal/identity"
)

// MyPartner is what the customer portal's 我的合作伙伴 shows: the partner the
// customer is associated with, how, since when, and whom to contact.
type MyPartner struct {
	Association Association
	Partner     identity.PartnerForCustomers
}

// MyPartner returns the signed-in customer's current partner and whether
// it has one. The caller is the customer itself (the portal passes the
// session's customer id); nothing of other partners is read. Read-only.
func (s *Service) MyPartner(ctx context.Context, customerID string) (MyPartner, bool, error) {
	a, ok, err := s.CurrentAssociation(ctx, customerID)
	if err != nil || !ok {
		return MyPartner{}, false, err
	}
	p, err := s.identity.PartnerForCustomer(ctx, a.PartnerID)
	if err != nil {
		return MyPartner{}, false, err
	}
	return MyPartner{Association: a, Partner: p}, true, nil
}
