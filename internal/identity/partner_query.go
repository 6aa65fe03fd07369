package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"partnercenter/internal/platform/db"
)

const partnerSelect = `SELECT id, type, COALESCE(parent_id, ''), name, domain_id, domain_name, xaccount_type, status,
	contact_mobile, contact_email, eco_manager_name, eco_manager_email, eco_manager_mobile, created_at, updated_at
	FROM partners`

type rowScanner interface{ Scan(dest ...any) error }

func scanPartner(row rowScanner) (Partner, error) {
	var p Partner
	err := row.Scan(&p.ID, &p.Type, &p.ParentID, &p.Name, &p.DomainID, &p.DomainName, &p.XAccountType, &p.Status,
		&p.ContactMobile, &p.ContactEmail, &p.EcoManager.Name, &p.EcoManager.Email, &p.EcoManager.Mobile,
		&p.CreatedAt, &p.UpdatedAt)
	return p, err
}

// Partner returns one partner. Operators may read any partner; a partner's
// own people only their own partner (and a distributor its resellers).
// Returns ErrPartnerNotFound otherwise, never revealing that it exists.
func (s *Service) Partner(ctx context.Context, actor Actor, id string) (Partner, error) {
	p, err := scanPartner(s.db.SQL.QueryRowContext(ctx, partnerSelect+" WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Partner{}, ErrPartnerNotFound
	}
	if err != nil {
		return Partner{}, fmt.Errorf("load partner %s: %w", id, err)
	}
	if actor.IsOperator() || actor.PartnerID == p.ID || (actor.PartnerID != "" && actor.PartnerID == p.ParentID) {
		return p, nil
	}
	return Partner{}, ErrPartnerNotFound
}

// PartnerFilter narrows the operator's partner list. Nil pointers do not
// filter.
type PartnerFilter struct {
	Type   *PartnerType
	Status *PartnerStatus
	Query  string // matches name or account name
	Limit  int
	Offset int
}

// ListPartners lists partners for operators, newest first, with the total.
func (s *Service) ListPartners(ctx context.Context, actor Actor, f PartnerFilter) ([]Partner, int, error) {
	if err := requireOperator(actor); err != nil {
		return nil, 0, err
	}
	where := " WHERE 1=1"
	var args []any
	if f.Type != nil {
		args = append(args, *f.Type)
		where += fmt.Sprintf(" AND type = $%d", len(args))
	}
	if f.Status != nil {
		args = append(args, *f.Status)
		where += fmt.Sprintf(" AND status = $%d", len(args))
	}
	if f.Query != "" {
		args = append(args, db.Contains(f.Query))
		where += fmt.Sprintf(" AND (LOWER(name) LIKE LOWER($%d) ESCAPE '\\' OR LOWER(domain_name) LIKE LOWER($%d) ESCAPE '\\')", len(args), len(args))
	}
	var total int
	if err := s.db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM partners"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count partners: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	args = append(args, f.Limit, max(f.Offset, 0))
	rows, err := s.db.SQL.QueryContext(ctx, partnerSelect+where+
		fmt.Sprintf(" ORDER BY id DESC LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list partners: %w", err)
	}
	defer rows.Close()
	var out []Partner
	for rows.Next() {
		p, err := scanPartner(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list partners: %w", err)
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// Distributors lists every distributor, for choosing a cloud reseller's
// parent. Operators only.
func (s *Service) Distributors(ctx context.Context, actor Actor) ([]Partner, error) {
	t := Distributor
	list, _, err := s.ListPartners(ctx, actor, PartnerFilter{Type: &t, Limit: 100})
	return list, err
}

// PartnerByDomainName finds a partner by its account name. It is for
// sign-in and the open API, which identify a partner before any actor exists.
func (s *Service) PartnerByDomainName(ctx context.Context, name string) (Partner, error) {
	p, err := scanPartner(s.db.SQL.QueryRowContext(ctx, partnerSelect+" WHERE domain_name = $1", name))
	if errors.Is(err, sql.ErrNoRows) {
		return Partner{}, ErrPartnerNotFound
	}
	if err != nil {
		return Partner{}, fmt.Errorf("load partner %s: %w", name, err)
	}
	return p, nil
}

// partnerByID loads a partner without an actor check, for callers that have
// already established who is asking (session and credential restore).
func (s *Service) partnerByID(ctx context.Context, id string) (Partner, error) {
	p, err := scanPartner(s.db.SQL.QueryRowContext(ctx, partnerSelect+" WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Partner{}, ErrPartnerNotFound
	}
	if err != nil {
		return Partner{}, fmt.Errorf("load partner %s: %w", id, err)
	}
	return p, nil
}
