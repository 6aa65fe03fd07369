package prospect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/ids"
)

// The generic invitation link (线下拓展 > 通用邀请链接, §1.1): each member
// has one link, shown with its QR code, that carries the member — customers
// associating through it are assigned to that member as their account
// manager (§0.4). Unlike e-mail invitations it is reusable and does not
// expire; making a new one retires the old. Its token is public by design.

// Link is a member's generic invitation link.
type Link struct {
	ID        string
	PartnerID string
	MemberID  string
	Type      customer.AssociationType
	Token     string
	CreatedAt time.Time
}

// GenericLink returns actor's current generic link and whether it has one.
// Needs identity.PermCustomerReport and a partner that may develop
// customers (ErrDistributor, ErrPartnerRestricted). Read-only.
func (s *Service) GenericLink(ctx context.Context, actor identity.Actor) (Link, bool, error) {
	if _, err := s.requireDeveloper(ctx, actor, false); err != nil {
		return Link{}, false, err
	}
	l := Link{PartnerID: actor.PartnerID, MemberID: actor.ID}
	err := s.DB.SQL.QueryRowContext(ctx, `SELECT id, type, token, created_at FROM prospect_links
		WHERE partner_id = $1 AND member_id = $2 AND active`, actor.PartnerID, actor.ID).Scan(&l.ID, &l.Type, &l.Token, &l.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Link{}, false, nil
	}
	if err != nil {
		return Link{}, false, fmt.Errorf("load generic link: %w", err)
	}
	return l, true, nil
}

// NewGenericLink makes a new generic link for actor in association type t,
// retiring its earlier one (whose address then answers "link does not
// exist"). Errors as GenericLink; ErrTypeNotOffered. Not idempotent.
func (s *Service) NewGenericLink(ctx context.Context, actor identity.Actor, t customer.AssociationType) (Link, error) {
	p, err := s.requireDeveloper(ctx, actor, false)
	if err != nil {
		return Link{}, err
	}
	if !slices.Contains(OfferedTypes(p.Type), t) {
		return Link{}, ErrTypeNotOffered
	}
	token, err := newToken()
	if err != nil {
		return Link{}, err
	}
	now := s.Clock.Now()
	l := Link{ID: ids.New(), PartnerID: p.ID, MemberID: actor.ID, Type: t, Token: token, CreatedAt: now}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE prospect_links SET active = FALSE WHERE partner_id = $1 AND member_id = $2 AND active",
			p.ID, actor.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO prospect_links (id, partner_id, member_id, type, token, active, created_at)
			VALUES ($1, $2, $3, $4, $5, TRUE, $6)`, l.ID, l.PartnerID, l.MemberID, l.Type, l.Token, now); err != nil {
			return err
		}
		return audit(ctx, tx, actor, p.ID, "prospect.link", l.ID, fmt.Sprintf("type %d", t), now)
	})
	if err != nil {
		return Link{}, wrap("new generic link", err)
	}
	return l, nil
}
