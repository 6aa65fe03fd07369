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
	w := &db.Where{}
	if f.Type != nil {
		w.Add("type = ?", *f.Type)
	}
	if f.Status != nil {
		w.Add("status = ?", *f.Status)
	}
	if f.Query != "" {
		w.Contains(f.Query, "name", "domain_name")
	}
	var total int
	if err := s.db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM partners"+w.SQL(), w.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count partners: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	page, args := w.Page(f.Limit, f.Offset)
	rows, err := s.db.SQL.QueryContext(ctx, partnerSelect+w.SQL()+" ORDER BY id DESC"+page, args...)
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
