package identity

import (
	"context"
	"fmt"
	"time"
)

// Member is a person who signs in to a partner's console: the main account
// (IsMain) or an organization member.
type Member struct {
	ID                 string
	PartnerID          string
	AccountName        string
	DisplayName        string
	Email              string
	Mobile             string
	IsMain             bool
	MustChangePassword bool
	Status             string
	CreatedAt          time.Time
	// DirectorID is the director an account manager reports to; empty
	// otherwise.
	DirectorID string
	// SessionEpoch grows when the password is changed or reset, or the
	// member is disabled: a console session that recorded an older epoch at
	// sign-in has ended (see SessionEpoch).
	SessionEpoch int
}

// Actor returns the actor for a member acting in the console, given its
// partner.
func (m Member) Actor(p Partner) Actor {
	a := Actor{Kind: ActorMember, ID: m.ID, Name: m.AccountName, PartnerID: p.ID, PartnerType: p.Type,
		DomainID: p.DomainID, IsMain: m.IsMain}
	if m.IsMain {
		a.Perms = allPermissions()
		a.Scope = AllScope()
	}
	return a
}

const memberSelect = `SELECT id, partner_id, account_name, display_name, email, mobile, is_main,
	must_change_password, status, created_at, COALESCE(director_id, ''), session_epoch FROM members`

func scanMember(row rowScanner) (Member, error) {
	var m Member
	err := row.Scan(&m.ID, &m.PartnerID, &m.AccountName, &m.DisplayName, &m.Email, &m.Mobile, &m.IsMain,
		&m.MustChangePassword, &m.Status, &m.CreatedAt, &m.DirectorID, &m.SessionEpoch)
	return m, err
}

// MainMember returns a partner's main account.
func (s *Service) MainMember(ctx context.Context, partnerID string) (Member, error) {
	m, err := scanMember(s.db.SQL.QueryRowContext(ctx, memberSelect+" WHERE partner_id = $1 AND is_main", partnerID))
	if err != nil {
		return Member{}, fmt.Errorf("load main account of %s: %w", partnerID, err)
	}
	return m, nil
}
