package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/mask"
)

// Member statuses.
const (
	MemberActive   = "active"
	MemberDisabled = "disabled"
)

// MemberStatuses lists the statuses in display order.
var MemberStatuses = []string{MemberActive, MemberDisabled}

// MemberView is a member as the organization pages show it: mobile and
// e-mail masked (RevealMember returns them in full), roles and director
// named.
type MemberView struct {
	ID          string
	AccountName string
	DisplayName string
	// Mobile and Email are masked (mask.Mobile, mask.Email).
	Mobile             string
	Email              string
	IsMain             bool
	Status             string
	MustChangePassword bool
	// Roles are the roles held, presets first; the main account holds the
	// admin role.
	Roles []RoleRef
	// DirectorID and DirectorName name the director an account manager
	// reports to (the director's display name); empty otherwise.
	DirectorID   string
	DirectorName string
	// Reports is how many account managers report to this member.
	Reports   int
	CreatedAt time.Time
}

// RoleNames lists the member's role names in lang.
func (v MemberView) RoleNames(lang i18n.Lang) []string {
	out := make([]string, len(v.Roles))
	for i, r := range v.Roles {
		out[i] = r.Label(lang)
	}
	return out
}

// HasRole reports whether the member holds role id.
func (v MemberView) HasRole(id string) bool {
	for _, r := range v.Roles {
		if r.ID == id {
			return true
		}
	}
	return false
}

// MemberRef names a member in pickers (directors, account managers).
type MemberRef struct {
	ID          string
	AccountName string
	DisplayName string
}

// MemberFilter narrows ListMembers. Empty and nil fields do not filter.
type MemberFilter struct {
	// Query matches the account name or display name, case-insensitively.
	Query string
	// Status is MemberActive or MemberDisabled.
	Status *string
	// RoleID keeps members holding that role.
	RoleID string
	// Limit defaults to 20 (at most 100); Offset to 0.
	Limit  int
	Offset int
}

const memberViewSelect = `SELECT m.id, m.account_name, m.display_name, m.mobile, m.email, m.is_main, m.status,
	m.must_change_password, COALESCE(m.director_id, ''), COALESCE(d.display_name, ''),
	(SELECT COUNT(*) FROM members r WHERE r.partner_id = m.partner_id AND r.director_id = m.id), m.created_at
	FROM members m LEFT JOIN members d ON d.id = m.director_id AND d.partner_id = m.partner_id`

// ListMembers lists the people of the actor's partner — the main account
// first, then members oldest first — with the total matching the filter.
// The main account and members holding PermOrgMemberView or
// PermOrgMemberManage may call it. Read-only.
func (s *Service) ListMembers(ctx context.Context, actor Actor, f MemberFilter) ([]MemberView, int, error) {
	if err := requireOrg(actor, PermOrgMemberView, PermOrgMemberManage); err != nil {
		return nil, 0, err
	}
	w := db.NewWhere("m.partner_id = ?", actor.PartnerID)
	if f.Query != "" {
		w.Contains(f.Query, "m.account_name", "m.display_name")
	}
	if f.Status != nil {
		w.Add("m.status = ?", *f.Status)
	}
	if f.RoleID != "" {
		cond := "EXISTS (SELECT 1 FROM member_roles x WHERE x.partner_id = m.partner_id AND x.member_id = m.id AND x.role_id = ?)"
		if f.RoleID == PresetAdmin {
			cond = "(" + cond + " OR m.is_main)"
		}
		w.Add(cond, f.RoleID)
	}
	var total int
	if err := s.db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM members m"+w.SQL(), w.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count members: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	page, args := w.Page(f.Limit, f.Offset)
	list, err := s.memberViews(ctx, actor.PartnerID, memberViewSelect+w.SQL()+" ORDER BY m.is_main DESC, m.id"+page, args...)
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// Member returns one member of the actor's partner as the member pages show
// it. Callers of ListMembers may read any member; every member may read
// itself. Returns apperr.NotFound for a member of another partner.
func (s *Service) Member(ctx context.Context, actor Actor, id string) (MemberView, error) {
	if actor.Kind != ActorMember || actor.ID != id {
		if err := requireOrg(actor, PermOrgMemberView, PermOrgMemberManage); err != nil {
			return MemberView{}, err
		}
	}
	list, err := s.memberViews(ctx, actor.PartnerID, memberViewSelect+" WHERE m.id = $1 AND m.partner_id = $2", id, actor.PartnerID)
	if err != nil {
		return MemberView{}, err
	}
	if len(list) == 0 {
		return MemberView{}, apperr.NotFound
	}
	return list[0], nil
}

// RevealMember returns a member with its mobile and e-mail in full, for the
// edit form and the eye button, and records the reveal in the audit log.
// The main account, members holding PermOrgMemberManage, and the member
// itself may call it; apperr.NotFound for a member of another partner.
func (s *Service) RevealMember(ctx context.Context, actor Actor, id string) (Member, error) {
	if actor.Kind != ActorMember || actor.ID != id {
		if err := requireOrg(actor, PermOrgMemberManage); err != nil {
			return Member{}, err
		}
	}
	var m Member
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if m, err = memberIn(ctx, tx, actor.PartnerID, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, actor.PartnerID, "member.reveal", id, "mobile,email", s.clock.Now())
	})
	if err != nil {
		return Member{}, fmt.Errorf("reveal member %s: %w", id, err)
	}
	return m, nil
}

// DirectorOptions lists the active members holding the director role, for
// the "director" field of the member form and MoveAccountManagers. Same
// callers as ListMembers.
func (s *Service) DirectorOptions(ctx context.Context, actor Actor) ([]MemberRef, error) {
	if err := requireOrg(actor, PermOrgMemberView, PermOrgMemberManage); err != nil {
		return nil, err
	}
	return s.memberRefs(ctx, `SELECT m.id, m.account_name, m.display_name FROM members m
		JOIN member_roles r ON r.member_id = m.id AND r.partner_id = m.partner_id
		WHERE m.partner_id = $1 AND r.role_id = $2 AND m.status = $3 ORDER BY m.id`,
		actor.PartnerID, PresetDirector, MemberActive)
}

// AccountManagersOf lists the account managers reporting to a director of
// the actor's partner (none for an unknown id). Same callers as ListMembers.
func (s *Service) AccountManagersOf(ctx context.Context, actor Actor, directorID string) ([]MemberRef, error) {
	if err := requireOrg(actor, PermOrgMemberView, PermOrgMemberManage); err != nil {
		return nil, err
	}
	return s.memberRefs(ctx, `SELECT id, account_name, display_name FROM members
		WHERE partner_id = $1 AND director_id = $2 ORDER BY id`, actor.PartnerID, directorID)
}

func (s *Service) memberRefs(ctx context.Context, query string, args ...any) ([]MemberRef, error) {
	rows, err := s.db.SQL.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	var out []MemberRef
	for rows.Next() {
		var r MemberRef
		if err := rows.Scan(&r.ID, &r.AccountName, &r.DisplayName); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// memberViews runs a memberViewSelect query of one partner and fills in the
// roles.
func (s *Service) memberViews(ctx context.Context, partnerID, query string, args ...any) ([]MemberView, error) {
	rows, err := s.db.SQL.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	var out []MemberView
	var idList []string
	for rows.Next() {
		var v MemberView
		if err := rows.Scan(&v.ID, &v.AccountName, &v.DisplayName, &v.Mobile, &v.Email, &v.IsMain, &v.Status,
			&v.MustChangePassword, &v.DirectorID, &v.DirectorName, &v.Reports, &v.CreatedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list members: %w", err)
		}
		v.Mobile, v.Email = mask.Mobile(v.Mobile), mask.Email(v.Email)
		out = append(out, v)
		idList = append(idList, v.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	roles, err := s.partnerRoles(ctx, s.db.SQL, partnerID)
	if err != nil {
		return nil, err
	}
	held, err := s.memberRoleIDs(ctx, s.db.SQL, partnerID, idList)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for _, id := range held[out[i].ID] {
			out[i].Roles = append(out[i].Roles, roles[id].Ref())
		}
	}
	return out, nil
}

// memberIn loads one member of a partner inside tx.
func memberIn(ctx context.Context, q db.Querier, partnerID, id string) (Member, error) {
	m, err := scanMember(q.QueryRowContext(ctx, memberSelect+" WHERE id = $1 AND partner_id = $2", id, partnerID))
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, apperr.NotFound
	}
	if err != nil {
		return Member{}, fmt.Errorf("load member %s: %w", id, err)
	}
	return m, nil
}
