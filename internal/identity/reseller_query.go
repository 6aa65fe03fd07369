package identity

import (
	"context"
	"fmt"
)

// Resellers lists the caller's cloud resellers (云经销商管理), by name. Only
// a distributor's people holding PermResellerView may; anyone else gets
// ErrForbidden. Read-only.
func (s *Service) Resellers(ctx context.Context, actor Actor) ([]Partner, error) {
	if !actor.Can(PermResellerView) || actor.PartnerType != Distributor || actor.PartnerID == "" {
		return nil, ErrForbidden
	}
	return s.resellersOf(ctx, actor.PartnerID)
}

// resellersOf lists distributorID's cloud resellers by name.
func (s *Service) resellersOf(ctx context.Context, distributorID string) ([]Partner, error) {
	rows, err := s.db.SQL.QueryContext(ctx, partnerSelect+" WHERE parent_id = $1 AND type = $2 ORDER BY name, id",
		distributorID, CloudReseller)
	if err != nil {
		return nil, fmt.Errorf("list resellers: %w", err)
	}
	defer rows.Close()
	var out []Partner
	for rows.Next() {
		p, err := scanPartner(rows)
		if err != nil {
			return nil, fmt.Errorf("list resellers: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
