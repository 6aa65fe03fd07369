package identity

import "partnercenter/internal/platform/apperr"

// ActorKind says which face an actor came through.
type ActorKind string

const (
	ActorOperator ActorKind = "operator" // the cloud side, in the operator console
	ActorMember   ActorKind = "member"   // a partner's main account or member, in the console
	ActorAPIKey   ActorKind = "apikey"   // a partner member acting through the open API
)

// Actor is who performs a use case. Services take it as their first
// argument after the context and enforce permissions and tenant scope from
// it, so every face gets the same rules.
type Actor struct {
	Kind ActorKind
	// ID is the operator's or member's id.
	ID string
	// Name is the sign-in name shown in logs and audit rows.
	Name string
	// PartnerID is the partner the actor works for; empty for operators.
	PartnerID   string
	PartnerType PartnerType
	// DomainID is the partner's cloud account id, which an API caller's
	// X-Domain-Id must match.
	DomainID string
	// IsMain marks the partner's main account (全部权限).
	IsMain bool
	// Perms are the permission items the actor's roles grant (all of them
	// for the main account).
	Perms map[string]bool
	// Scope says which customers the actor sees (console.md §0.4); services
	// apply it in SQL with Scope.SQL. The zero Scope sees nothing.
	Scope Scope
	// OperatorRoles are an operator's roles.
	OperatorRoles []OperatorRole
}

// IsOperator reports whether the actor is on the cloud side.
func (a Actor) IsOperator() bool { return a.Kind == ActorOperator }

// Can reports whether the actor holds permission item code. Operators act
// on the cloud side and hold no partner permission items.
func (a Actor) Can(code string) bool { return a.Perms[code] }

// HasOperatorRole reports whether an operator holds role.
func (a Actor) HasOperatorRole(role OperatorRole) bool {
	for _, r := range a.OperatorRoles {
		if r == role {
			return true
		}
	}
	return false
}

// ErrForbidden is returned when an actor may not perform a use case.
var ErrForbidden = apperr.Forbidden

// requireOperator allows operators holding one of roles (any operator when
// roles is empty).
func requireOperator(a Actor, roles ...OperatorRole) error {
	if !a.IsOperator() {
		return ErrForbidden
	}
	if len(roles) == 0 {
		return nil
	}
	for _, r := range roles {
		if a.HasOperatorRole(r) {
			return nil
		}
	}
	return ErrForbidden
}
