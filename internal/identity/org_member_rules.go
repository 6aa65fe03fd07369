package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
)

// Errors of the member–role rules (console.md §5.1), one per rule so the
// console can say exactly what to fix.
var (
	ErrMemberRoleCount = apperr.New("CBC.0100", "err.member_role_count")
	// ErrMemberRoleUnknown: a role id that is neither a preset nor a custom
	// role of the partner.
	ErrMemberRoleUnknown = apperr.New("CBC.0100", "err.member_role_unknown")
	// ErrAdminExclusive: the admin role combined with another.
	ErrAdminExclusive = apperr.New("CBC.0100", "err.member_role_admin_exclusive")
	// ErrManagerDirectorExclusive: account manager and director together.
	ErrManagerDirectorExclusive = apperr.New("CBC.0100", "err.member_role_manager_director")
	// ErrDirectorNotManager: a director given to a member that is not an
	// account manager.
	ErrDirectorNotManager = apperr.New("CBC.0100", "err.member_director_not_manager")
	// ErrDirectorInvalid: the chosen director is not an active member of the
	// partner holding the director role (or is the member itself).
	ErrDirectorInvalid = apperr.New("CBC.0100", "err.member_director_invalid")
	// ErrDirectorHasManagers: taking the director role away from a member,
	// disabling or deleting it while account managers report to it.
	ErrDirectorHasManagers = apperr.New("PC.0409", "err.director_has_managers")
	// ErrMoveSameDirector: moving account managers to the director they
	// already report to.
	ErrMoveSameDirector = apperr.New("CBC.0100", "err.move_same_director")
)

// checkRoleSet applies the rules on the roles one member holds and returns
// them deduplicated, in the order given: 1 to 3 known roles, the admin role
// alone, never account manager and director together.
func checkRoleSet(roleIDs []string, known map[string]Role) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, id := range roleIDs {
		id = strings.TrimSpace(id)
		if id == "" || seen[id] {
			continue
		}
		if _, ok := known[id]; !ok {
			return nil, ErrMemberRoleUnknown.WithField("roles", ErrMemberRoleUnknown.Key)
		}
		seen[id] = true
		out = append(out, id)
	}
	switch {
	case len(out) < MinMemberRoles || len(out) > MaxMemberRoles:
		return nil, ErrMemberRoleCount.With("min", MinMemberRoles).With("max", MaxMemberRoles).
			WithField("roles", ErrMemberRoleCount.Key)
	case seen[PresetAdmin] && len(out) > 1:
		return nil, ErrAdminExclusive.WithField("roles", ErrAdminExclusive.Key)
	case seen[PresetAccountManager] && seen[PresetDirector]:
		return nil, ErrManagerDirectorExclusive.WithField("roles", ErrManagerDirectorExclusive.Key)
	}
	return out, nil
}

func hasRole(roleIDs []string, id string) bool {
	for _, r := range roleIDs {
		if r == id {
			return true
		}
	}
	return false
}

// checkDirector checks that directorID may lead memberID's account
// managers: an active member of the partner holding the director role, not
// memberID itself.
func checkDirector(ctx context.Context, q db.Querier, partnerID, memberID, directorID string) error {
	if directorID == memberID {
		return ErrDirectorInvalid.WithField("director_id", ErrDirectorInvalid.Key)
	}
	var status string
	err := q.QueryRowContext(ctx, `SELECT m.status FROM members m JOIN member_roles r ON r.member_id = m.id AND r.partner_id = m.partner_id
		WHERE m.id = $1 AND m.partner_id = $2 AND r.role_id = $3`, directorID, partnerID, PresetDirector).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && status != MemberActive) {
		return ErrDirectorInvalid.WithField("director_id", ErrDirectorInvalid.Key)
	}
	if err != nil {
		return fmt.Errorf("check director %s: %w", directorID, err)
	}
	return nil
}

// reportIDs lists the account managers reporting to a director, in id order.
func (s *Service) reportIDs(ctx context.Context, q db.Querier, partnerID, directorID string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT id FROM members WHERE partner_id = $1 AND director_id = $2 ORDER BY id",
		partnerID, directorID)
	if err != nil {
		return nil, fmt.Errorf("list reports of %s: %w", directorID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// refuseIfLeading returns ErrDirectorHasManagers while account managers
// report to memberID.
func (s *Service) refuseIfLeading(ctx context.Context, q db.Querier, partnerID, memberID string) error {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM members WHERE partner_id = $1 AND director_id = $2",
		partnerID, memberID).Scan(&n); err != nil {
		return fmt.Errorf("count reports of %s: %w", memberID, err)
	}
	if n > 0 {
		return ErrDirectorHasManagers.With("count", n)
	}
	return nil
}

// memberRoleIDs returns the roles each of memberIDs holds, in display order
// (presets first). Main accounts hold the admin role without a row.
func (s *Service) memberRoleIDs(ctx context.Context, q db.Querier, partnerID string, memberIDs []string) (map[string][]string, error) {
	out := make(map[string][]string, len(memberIDs))
	if len(memberIDs) == 0 {
		return out, nil
	}
	args := []any{partnerID}
	marks := make([]string, len(memberIDs))
	for i, id := range memberIDs {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	in := strings.Join(marks, ", ")
	rows, err := q.QueryContext(ctx, `SELECT r.member_id, r.role_id FROM member_roles r
		WHERE r.partner_id = $1 AND r.member_id IN (`+in+`)
		UNION ALL SELECT m.id, '`+PresetAdmin+`' FROM members m
		WHERE m.partner_id = $1 AND m.is_main AND m.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load member roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m, r string
		if err := rows.Scan(&m, &r); err != nil {
			return nil, err
		}
		out[m] = append(out[m], r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for m := range out {
		sortRoleIDs(out[m])
	}
	return out, nil
}

// sortRoleIDs orders presets in their fixed order, then custom roles by id
// (creation order).
func sortRoleIDs(ids []string) {
	rank := func(id string) int {
		for i, p := range presetRoles {
			if p.ID == id {
				return i
			}
		}
		return len(presetRoles)
	}
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0; j-- {
			a, b := ids[j-1], ids[j]
			if ra, rb := rank(a), rank(b); ra > rb || (ra == rb && a > b) {
				ids[j-1], ids[j] = b, a
			}
		}
	}
}
