package customer

import (
	"context"
	"time"

	"partnercenter/internal/identity"
)

// ConsoleDetail is one customer's page in the partner console: the list's
// masked row and what only the page shows.
type ConsoleDetail struct {
	ConsoleRow
	Level          string
	DomainArea     string
	XAccountType   string
	CloseMarketing bool
	CreatedAt      time.Time
	AssociationID  string
}

// ConsoleCustomer returns one customer currently associated with the
// actor's partner and within its data scope, personal data masked. Callers
// need PermCustomerList. Returns ErrCustomerNotFound for an unknown id, a
// customer of another partner or one outside the scope alike, so the page
// reveals nothing about other partners' customers. Read-only.
func (s *Service) ConsoleCustomer(ctx context.Context, actor identity.Actor, id string) (ConsoleDetail, error) {
	if !actor.Can(identity.PermCustomerList) {
		return ConsoleDetail{}, identity.ErrForbidden
	}
	if id == "" || len(id) > maxCustomerID {
		return ConsoleDetail{}, ErrCustomerNotFound
	}
	list, _, err := s.list(ctx, actor, ListFilter{CustomerID: &id})
	if err != nil {
		return ConsoleDetail{}, err
	}
	if len(list) != 1 {
		return ConsoleDetail{}, ErrCustomerNotFound
	}
	l := list[0]
	return ConsoleDetail{ConsoleRow: consoleRow(l), Level: l.Customer.Level, DomainArea: l.Customer.DomainArea,
		XAccountType: l.Customer.XAccountType, CloseMarketing: l.Customer.CloseMarketing,
		CreatedAt: l.Customer.CreatedAt, AssociationID: l.Association.ID}, nil
}
