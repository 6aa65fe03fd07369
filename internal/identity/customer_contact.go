package identity

import (
	"context"
	"fmt"
)

// PartnerForCustomers is what a partner's customer sees of it under 我的合作伙伴:
// its name and the contact who answers its customers.
type PartnerForCustomers struct {
	ID   string
	Name string
	// Contact is the access configuration's contact when one is set, else
	// the partner's main account (console.md §5.1: "if none, the admin
	// account is shown").
	Contact AccessContact
}

// PartnerForCustomer returns what a customer may see of partnerID. It takes
// no actor: the caller (the customer domain) has already established that
// the customer is associated with the partner. Returns ErrPartnerNotFound.
// Read-only.
func (s *Service) PartnerForCustomer(ctx context.Context, partnerID string) (PartnerForCustomers, error) {
	p, err := s.partnerByID(ctx, partnerID)
	if err != nil {
		return PartnerForCustomers{}, err
	}
	out := PartnerForCustomers{ID: p.ID, Name: p.Name}
	cfg, err := loadAccessConfig(ctx, s.db.SQL, partnerID)
	if err != nil {
		return PartnerForCustomers{}, err
	}
	if cfg.Contact.Name != "" {
		out.Contact = cfg.Contact
		return out, nil
	}
	m, err := s.MainMember(ctx, partnerID)
	if err != nil {
		return PartnerForCustomers{}, fmt.Errorf("contact of partner %s: %w", partnerID, err)
	}
	name := m.DisplayName
	if name == "" {
		name = m.AccountName
	}
	out.Contact = AccessContact{Name: name, Mobile: m.Mobile, Email: m.Email}
	return out, nil
}
