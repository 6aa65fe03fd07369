package identity

import (
	"context"
	"fmt"
	"strings"
)

// ScopeKind says how far a member's view of customers reaches.
type ScopeKind string

// Data scopes (console.md §0.4).
const (
	// ScopeNone sees no customer: the zero value, so an actor built
	// without MemberAccess fails closed.
	ScopeNone ScopeKind = ""
	// ScopeAll sees every customer of the partner.
	ScopeAll ScopeKind = "all"
	// ScopeOwn sees the customers assigned to the member itself: an
	// account manager holding no other role.
	ScopeOwn ScopeKind = "own"
	// ScopeTeam sees the customers of the account managers reporting to
	// the member, and its own: a director holding no other role.
	ScopeTeam ScopeKind = "team"
)

// Scope is which customers an actor sees, by the account manager a
// customer is assigned to. Every service listing or changing customers (and
// the rows hanging off them: opportunities, orders, coupons issued) applies
// it with SQL, next to the partner filter, so every face gets the same rows.
type Scope struct {
	Kind ScopeKind
	// ManagerIDs are the member ids whose customers are visible under
	// ScopeOwn and ScopeTeam: the member itself first, then the account
	// managers reporting to it, in id order. Empty for the other kinds.
	ManagerIDs []string
}

// AllScope is the scope of the main account, administrators and every
// member whose roles carry no account-manager restriction.
func AllScope() Scope { return Scope{Kind: ScopeAll} }

// All reports whether the scope is unrestricted.
func (s Scope) All() bool { return s.Kind == ScopeAll }

// Allows reports whether a customer assigned to managerID (empty for an
// unassigned customer) is visible, for checks on one row already loaded.
func (s Scope) Allows(managerID string) bool {
	if s.Kind == ScopeAll {
		return true
	}
	if managerID == "" || (s.Kind != ScopeOwn && s.Kind != ScopeTeam) {
		return false
	}
	for _, id := range s.ManagerIDs {
		if id == managerID {
			return true
		}
	}
	return false
}

// SQL returns a condition restricting column (the customer's account-manager
// member id, a constant in the caller's query, never user input) to the
// scope, numbering its placeholders from nextArg, and the arguments to
// append. It returns "" for ScopeAll, so callers write
//
//	if c, a := actor.Scope.SQL("c.manager_id", len(args)+1); c != "" {
//		where += " AND " + c
//		args = append(args, a...)
//	}
//
// A member seeing one manager's customers gets "column = $n", a director
// "column IN ($n, ...)"; customers with no manager are outside both. The
// zero Scope gives "1 = 0", which matches nothing.
func (s Scope) SQL(column string, nextArg int) (string, []any) {
	switch {
	case s.Kind == ScopeAll:
		return "", nil
	case (s.Kind != ScopeOwn && s.Kind != ScopeTeam) || len(s.ManagerIDs) == 0:
		return "1 = 0", nil
	case len(s.ManagerIDs) == 1:
		return fmt.Sprintf("%s = $%d", column, nextArg), []any{s.ManagerIDs[0]}
	}
	marks := make([]string, len(s.ManagerIDs))
	args := make([]any, len(s.ManagerIDs))
	for i, id := range s.ManagerIDs {
		marks[i] = fmt.Sprintf("$%d", nextArg+i)
		args[i] = id
	}
	return column + " IN (" + strings.Join(marks, ", ") + ")", args
}

// scopeFor derives the data scope from a member's roles: an account manager
// alone sees its own customers, a director alone its team's; any other
// combination — including an account manager with any other role — sees
// all. A member without roles sees nothing.
func scopeFor(memberID string, roleIDs []string, reports []string) Scope {
	switch {
	case len(roleIDs) == 0:
		return Scope{}
	case len(roleIDs) == 1 && roleIDs[0] == PresetAccountManager:
		return Scope{Kind: ScopeOwn, ManagerIDs: []string{memberID}}
	case len(roleIDs) == 1 && roleIDs[0] == PresetDirector:
		return Scope{Kind: ScopeTeam, ManagerIDs: append([]string{memberID}, reports...)}
	}
	return AllScope()
}

// MemberAccess returns what a member of a partner may do and see: the union
// of its roles' permission items (every item for the main account) and its
// data scope. The consoles and the open API call it when they build a
// member's Actor, on every request or session restore, so role changes take
// effect at once. Returns apperr.NotFound for a member not of partnerID and
// ErrAccountDisable for a disabled member. Read-only.
func (s *Service) MemberAccess(ctx context.Context, partnerID, memberID string) (map[string]bool, Scope, error) {
	m, err := s.MemberByID(ctx, partnerID, memberID)
	if err != nil {
		return nil, Scope{}, err
	}
	return s.accessOf(ctx, m)
}

// accessOf computes an already loaded member's permission items and scope.
func (s *Service) accessOf(ctx context.Context, m Member) (map[string]bool, Scope, error) {
	if m.Status != MemberActive {
		return nil, Scope{}, ErrAccountDisable
	}
	if m.IsMain {
		return allPermissions(), AllScope(), nil
	}
	roles, err := s.partnerRoles(ctx, s.db.SQL, m.PartnerID)
	if err != nil {
		return nil, Scope{}, err
	}
	held, err := s.memberRoleIDs(ctx, s.db.SQL, m.PartnerID, []string{m.ID})
	if err != nil {
		return nil, Scope{}, err
	}
	roleIDs := held[m.ID]
	perms := permsOf(roleIDs, roles)
	var reports []string
	if len(roleIDs) == 1 && roleIDs[0] == PresetDirector {
		if reports, err = s.reportIDs(ctx, s.db.SQL, m.PartnerID, m.ID); err != nil {
			return nil, Scope{}, err
		}
	}
	return perms, scopeFor(m.ID, roleIDs, reports), nil
}
