package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
)

// ErrCustomerNotFound is returned by the lookups for an unknown account.
var ErrCustomerNotFound = apperr.NotFound

const customerColumns = `c.id, c.domain_name, c.mobile_country_code, c.mobile, c.email, COALESCE(c.password_hash, ''),
	COALESCE(c.xaccount_type, ''), COALESCE(c.xaccount_id, ''), c.customer_type, c.real_name, c.verified_status,
	c.label, c.customer_level, c.domain_area, c.close_marketing, COALESCE(c.account_manager_id, ''), c.frozen,
	c.freeze_reason, COALESCE(c.creator_partner_id, ''), c.created_at, c.updated_at`

const customerSelect = "SELECT " + customerColumns + " FROM customers c"

// scanCustomer reads customerColumns, then extra destinations.
func scanCustomer(row interface{ Scan(...any) error }, extra ...any) (Customer, error) {
	var c Customer
	dest := append([]any{&c.ID, &c.DomainName, &c.MobileCountryCode, &c.Mobile, &c.Email, &c.passwordHash,
		&c.XAccountType, &c.XAccountID, &c.Type, &c.RealName, &c.VerifiedStatus,
		&c.Label, &c.Level, &c.DomainArea, &c.CloseMarketing, &c.AccountManagerID, &c.FreezeState,
		&c.FreezeReason, &c.CreatorPartnerID, &c.CreatedAt, &c.UpdatedAt}, extra...)
	err := row.Scan(dest...)
	c.HasPassword = c.passwordHash != ""
	return c, err
}

func (s *Service) oneCustomer(ctx context.Context, q db.Querier, where string, args ...any) (Customer, error) {
	c, err := scanCustomer(q.QueryRowContext(ctx, customerSelect+" WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Customer{}, ErrCustomerNotFound
	}
	if err != nil {
		return Customer{}, fmt.Errorf("load customer: %w", err)
	}
	return c, nil
}

// CustomerByID returns a customer account by domain id, for faces that
// identify a customer before any actor exists (the customer portal's
// sign-in, SAML). It applies no tenant scope: partner-facing callers use
// ListSubCustomers. Returns ErrCustomerNotFound. Read-only.
func (s *Service) CustomerByID(ctx context.Context, id string) (Customer, error) {
	return s.oneCustomer(ctx, s.db.SQL, "c.id = $1", id)
}

// CustomerByDomainName returns a customer account by account name, compared
// without regard to case. Like CustomerByID it is for sign-in. Returns
// ErrCustomerNotFound. Read-only.
func (s *Service) CustomerByDomainName(ctx context.Context, name string) (Customer, error) {
	return s.oneCustomer(ctx, s.db.SQL, "c.domain_name_key = $1", strings.ToLower(strings.TrimSpace(name)))
}

// CustomerByXAccount returns the account bound to a user of a partner's sales
// platform, for single sign-on (the SAML assertion names xaccount_type and
// the user id). Returns ErrCustomerNotFound. Read-only.
func (s *Service) CustomerByXAccount(ctx context.Context, xaccountType, xaccountID string) (Customer, error) {
	return s.oneCustomer(ctx, s.db.SQL, "c.xaccount_type = $1 AND c.xaccount_id = $2", xaccountType, xaccountID)
}

const associationSelect = "SELECT id, customer_id, partner_id, type, associated_at, ended_at FROM customer_associations"

func scanAssociation(row interface{ Scan(...any) error }) (Association, error) {
	var a Association
	var ended sql.NullTime
	err := row.Scan(&a.ID, &a.CustomerID, &a.PartnerID, &a.Type, &a.AssociatedAt, &ended)
	if ended.Valid {
		a.EndedAt = ended.Time
	}
	return a, err
}

// CurrentAssociation returns a customer's current association and whether it
// has one. Read-only.
func (s *Service) CurrentAssociation(ctx context.Context, customerID string) (Association, bool, error) {
	a, err := scanAssociation(s.db.SQL.QueryRowContext(ctx, associationSelect+" WHERE customer_id = $1 AND ended_at IS NULL", customerID))
	if errors.Is(err, sql.ErrNoRows) {
		return Association{}, false, nil
	}
	if err != nil {
		return Association{}, false, fmt.Errorf("load association of %s: %w", customerID, err)
	}
	return a, true, nil
}
