package customer

import (
	"context"
	"fmt"
	"strings"

	"partnercenter/internal/identity"
)

// Search types of CheckIdentity.
const (
	SearchEmail  = "email"
	SearchMobile = "mobile"
	SearchName   = "name"
)

// IdentityCheck is CheckIdentity's answer.
type IdentityCheck struct {
	// Available is true when the value may be used to register another
	// account ("available"), false when not ("used_by_user").
	Available bool
	// MobileRemaining is how many more accounts the mobile may back; set
	// only for SearchMobile.
	MobileRemaining *int
}

// CheckIdentity tells a partner's registration page whether an account
// name, mobile or e-mail can still be used to register (CheckUserIdentity,
// reference/cbc-api.md §3.1). A name is used when any account — a
// customer's or a partner's — has it, ignoring case. A mobile, given as
// "0086-13800000000" (only China's country code), is used when it already
// backs MaxAccountsPerMobile accounts; MobileRemaining says how many more it
// may back. A mobile or e-mail on the protected list is always used. Callers
// need PermCustomerCreate. Returns CBC.0100 naming search_type or
// search_value for malformed input. Read-only.
func (s *Service) CheckIdentity(ctx context.Context, actor identity.Actor, searchType, value string) (IdentityCheck, error) {
	if !actor.Can(identity.PermCustomerCreate) {
		return IdentityCheck{}, identity.ErrForbidden
	}
	if searchType != SearchName && searchType != SearchMobile && searchType != SearchEmail {
		return IdentityCheck{}, errParam("search_type")
	}
	if value == "" || len(value) > maxSearchValue {
		return IdentityCheck{}, errParam("search_value")
	}
	switch searchType {
	case SearchName:
		if !checkSearchName(value) {
			return IdentityCheck{}, errParam("search_value")
		}
		used, err := s.nameInUse(ctx, value)
		return IdentityCheck{Available: !used}, err
	case SearchMobile:
		if !checkMobilePattern.MatchString(value) || !strings.HasPrefix(value, ChinaCountryCode+"-") {
			return IdentityCheck{}, errParam("search_value")
		}
		national := strings.TrimPrefix(value, ChinaCountryCode+"-")
		n, err := countMobile(ctx, s.db.SQL, national)
		if err != nil {
			return IdentityCheck{}, err
		}
		protected, err := isProtected(ctx, s.db.SQL, national, "")
		if err != nil {
			return IdentityCheck{}, err
		}
		remaining := max(0, s.cfg.MaxAccountsPerMobile-n)
		if protected {
			remaining = 0
		}
		return IdentityCheck{Available: remaining > 0, MobileRemaining: &remaining}, nil
	default: // SearchEmail
		email := normEmail(value)
		if !validEmail(email, maxSearchValue) {
			return IdentityCheck{}, errParam("search_value")
		}
		protected, err := isProtected(ctx, s.db.SQL, "", email)
		if err != nil {
			return IdentityCheck{}, err
		}
		var used bool
		if err := s.db.SQL.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM customers WHERE email = $1)", email).Scan(&used); err != nil {
			return IdentityCheck{}, fmt.Errorf("check e-mail: %w", err)
		}
		return IdentityCheck{Available: !protected && !used}, nil
	}
}

// nameInUse reports whether a customer or a partner has the account name,
// ignoring case.
func (s *Service) nameInUse(ctx context.Context, name string) (bool, error) {
	var used bool
	if err := s.db.SQL.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM customers WHERE domain_name_key = $1)",
		strings.ToLower(name)).Scan(&used); err != nil {
		return false, fmt.Errorf("check account name: %w", err)
	}
	if used {
		return true, nil
	}
	return s.identity.AccountNameInUse(ctx, name)
}
