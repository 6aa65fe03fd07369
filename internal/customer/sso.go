package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
)

// A platform user's first single sign-on (console.md §9.1, cbc-api.md §4.4:
// isFirstLogin=true) ends on a page where the user creates a new account or
// binds an existing one. Both bind the account to the user
// (xaccount_type, xaccount_id) and tell the partner in the same transaction
// through the BindHook.
//
// Which existing accounts may be bound (console.md §1.4 and §1.7): an
// account already associated with this partner; or an account with no
// association and none pending, which is then associated with this partner
// in the reseller model (CreateSubCustomer's default) — the customer side of
// association of §1.4, "logs into an existing account and associates". An
// account associated with (or being associated with) another partner is
// refused with ErrAssociatedElsewhere: a customer has at most one partner,
// and changing it is the disassociation of §1.7, not a sign-in. An account
// already bound to a platform user is refused with ErrAlreadyBound.

// Errors of binding at single sign-on.
var (
	ErrAssociatedElsewhere = apperr.New("PC.0409", "err.customer_associated_elsewhere").WithStatus(http.StatusConflict)
	ErrAlreadyBound        = apperr.New("PC.0409", "err.customer_already_bound").WithStatus(http.StatusConflict)
	// ErrUnbindNoPassword refuses to unbind an account that has no password:
	// single sign-on is its only way in.
	ErrUnbindNoPassword = apperr.New("PC.0409", "err.customer_unbind_no_password").WithStatus(http.StatusConflict)
)

// SSOIdentity is a platform user a partner's IdP vouched for.
type SSOIdentity struct {
	PartnerID    string
	XAccountType string
	XAccountID   string
}

// BindHook is told about every binding made at single sign-on, and every
// unbinding the customer makes on the portal, inside its transaction, so
// that the binding notification to the partner commits or rolls back with
// it. app wires the notifier in; nil calls nothing.
type BindHook interface {
	BoundTx(ctx context.Context, tx *sql.Tx, partnerID string, c Customer) error
	// UnboundTx is told about an unbinding; c still carries the binding
	// (XAccountType, XAccountID) that was removed.
	UnboundTx(ctx context.Context, tx *sql.Tx, partnerID string, c Customer) error
}

// SetBindHook installs the hook. Set it before serving.
func (s *Service) SetBindHook(h BindHook) { s.bindHook = h }

// ssoActor acts for a platform user at first sign-on: the partner's sales
// platform vouched for the user, so the user may do what the platform's
// CreateSubCustomer could.
func ssoActor(id SSOIdentity) identity.Actor {
	return identity.Actor{Kind: "sso", ID: id.XAccountID, Name: id.XAccountType + ":" + id.XAccountID,
		PartnerID: id.PartnerID, Perms: map[string]bool{identity.PermCustomerCreate: true}}
}

// SendSSOCode sends the registration code for a new account to mobile (a
// mainland number), as the partner's SendVerificationCode would, through the
// outbox. Errors as SendVerificationCode. Not idempotent.
func (s *Service) SendSSOCode(ctx context.Context, id SSOIdentity, mobile string) error {
	return s.SendVerificationCode(ctx, ssoActor(id), CodeRequest{ReceiverType: ReceiverSMS, MobilePhone: mobile})
}

// SSOAccount is the new-account form of a first sign-on.
type SSOAccount struct {
	DomainName string
	Password   string
	Mobile     string
	Code       string
}

// RegisterSSO creates an account for a platform user at first sign-on,
// bound to the user and associated with the partner in the reseller model
// at once, and calls the BindHook — all in one transaction. The rules are
// CreateSubCustomer's (name, password policy, mobile limits, protected
// contacts, the partner's standing, the SMS code sent by SendSSOCode), except
// that the name, the password and the mobile are required. Errors as
// CreateSubCustomer; ErrXAccountTaken when the user is bound already. Safe to
// retry: the binding is unique.
func (s *Service) RegisterSSO(ctx context.Context, id SSOIdentity, in SSOAccount) (Customer, error) {
	switch {
	case strings.TrimSpace(in.DomainName) == "":
		return Customer{}, errParam("domain_name")
	case in.Mobile == "":
		return Customer{}, errParam("mobile_phone")
	case in.Password == "":
		return Customer{}, errParam("password")
	}
	name := strings.TrimSpace(in.DomainName)
	r, err := NewCustomer{XAccountID: id.XAccountID, XAccountType: id.XAccountType, DomainName: &name,
		MobilePhone: &in.Mobile, VerificationCode: &in.Code, Password: &in.Password}.validate()
	if err != nil {
		return Customer{}, err
	}
	actor := ssoActor(id)
	o, err := s.creationOwner(ctx, actor, "", id.XAccountType)
	if err != nil {
		return Customer{}, err
	}
	if err := s.precheck(ctx, o, id.XAccountType, id.XAccountID, r); err != nil {
		return Customer{}, err
	}
	receiver := smsReceiver(r.mobile)
	codeHash, err := s.checkCode(ctx, o.caller.ID, receiver, r.code)
	if err != nil {
		return Customer{}, err
	}
	now := s.clock.Now()
	c := Customer{ID: ids.New(), DomainName: r.name, MobileCountryCode: ChinaCountryCode, Mobile: r.mobile,
		HasPassword: true, XAccountType: id.XAccountType, XAccountID: id.XAccountID, Type: -1, VerifiedStatus: -1,
		Level: "V0", CreatorPartnerID: o.caller.ID, CreatedAt: now, UpdatedAt: now,
		passwordHash: identity.HashPassword(r.password)}
	a := Association{ID: ids.New(), CustomerID: c.ID, PartnerID: o.partner.ID, Type: Reseller, AssociatedAt: now}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockContact(ctx, tx, "mobile:"+receiver, now); err != nil {
			return err
		}
		if err := s.checkMobile(ctx, tx, o.partner.ID, r.mobile); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO customers (id, domain_name, domain_name_key, mobile_country_code,
			mobile, password_hash, xaccount_type, xaccount_id, creator_partner_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
			c.ID, c.DomainName, strings.ToLower(c.DomainName), c.MobileCountryCode, c.Mobile, c.passwordHash,
			c.XAccountType, c.XAccountID, c.CreatorPartnerID, now); err != nil {
			return err
		}
		if err := consumeCode(ctx, tx, o.caller.ID, receiver, codeHash, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at)
			VALUES ($1, $2, $3, $4, $5)`, a.ID, a.CustomerID, a.PartnerID, a.Type, a.AssociatedAt); err != nil {
			return err
		}
		if err := s.notifyBound(ctx, tx, o.partner.ID, c); err != nil {
			return err
		}
		return audit(ctx, tx, actor, o.partner.ID, "customer.sso_register", c.ID, c.DomainName, now)
	})
	switch {
	case err == nil:
		return c, nil
	case db.IsUniqueViolation(err):
		if b, berr := s.bound(ctx, id.XAccountType, id.XAccountID); berr == nil && b {
			return Customer{}, ErrXAccountTaken
		}
		return Customer{}, ErrDomainNameTaken
	}
	if _, ok := apperr.As(err); ok {
		return Customer{}, err
	}
	return Customer{}, fmt.Errorf("register sso customer %s: %w", c.DomainName, err)
}

// BindSSO binds an existing account, proven by its name and password under
// SignInCustomer's rules (lockout included), to a platform user at first
// sign-on, associating it with the partner when it has no partner yet (see
// the rules above), and calls the BindHook in the same transaction.
// Errors: SignInCustomer's; ErrXAccountTaken when the user is bound already;
// ErrAlreadyBound when the account is bound to a platform user;
// ErrAssociatedElsewhere. Idempotent for the same user and account.
func (s *Service) BindSSO(ctx context.Context, id SSOIdentity, domainName, password string) (Customer, error) {
	c, err := s.checkCustomerPassword(ctx, domainName, password)
	if err != nil {
		return Customer{}, err
	}
	if c.XAccountType == id.XAccountType && c.XAccountID == id.XAccountID {
		return c, nil
	}
	if _, err := s.identity.PartnerStanding(ctx, id.PartnerID); err != nil {
		return Customer{}, err
	}
	now := s.clock.Now()
	actor := ssoActor(id)
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		// The conditional update locks the row and re-checks that no
		// binding came in between.
		res, err := tx.ExecContext(ctx, `UPDATE customers SET xaccount_type = $1, xaccount_id = $2, updated_at = $3
			WHERE id = $4 AND xaccount_id IS NULL`, id.XAccountType, id.XAccountID, now, c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrAlreadyBound
		}
		var pending sql.NullString
		if err := tx.QueryRowContext(ctx, "SELECT pending_partner_id FROM customers WHERE id = $1", c.ID).Scan(&pending); err != nil {
			return err
		}
		current, err := scanAssociation(tx.QueryRowContext(ctx, associationSelect+" WHERE customer_id = $1 AND ended_at IS NULL", c.ID))
		switch {
		case err == nil && current.PartnerID != id.PartnerID:
			return ErrAssociatedElsewhere
		case err == nil:
		case !errors.Is(err, sql.ErrNoRows):
			return err
		case pending.Valid && pending.String != id.PartnerID:
			return ErrAssociatedElsewhere
		case pending.Valid:
			// Its creation by this partner is being associated by the job.
		default:
			if _, err := tx.ExecContext(ctx, `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at)
				VALUES ($1, $2, $3, $4, $5)`, ids.New(), c.ID, id.PartnerID, Reseller, now); err != nil {
				return err
			}
		}
		c.XAccountType, c.XAccountID, c.UpdatedAt = id.XAccountType, id.XAccountID, now
		if err := s.notifyBound(ctx, tx, id.PartnerID, c); err != nil {
			return err
		}
		return audit(ctx, tx, actor, id.PartnerID, "customer.sso_bind", c.ID, c.DomainName, now)
	})
	switch {
	case err == nil:
		return c, nil
	case db.IsUniqueViolation(err):
		return Customer{}, ErrXAccountTaken
	}
	if _, ok := apperr.As(err); ok {
		return Customer{}, err
	}
	return Customer{}, fmt.Errorf("bind customer %s: %w", c.ID, err)
}

// UnbindSSO removes the customer's binding to its partner platform user
// (the customer itself, on the portal's 我的合作伙伴 page), writes an audit
// row and calls the BindHook's UnboundTx for the partner whose platform the
// binding named, all in one transaction. The association with the partner is
// kept: unbinding ends single sign-on, not the partnership. It returns the
// account as it was, binding included. Errors: ErrCustomerNotFound;
// ErrUnbindNoPassword for an account without a password. Idempotent: an
// account with no binding (or one unbound concurrently) is returned as is and
// nobody is told.
func (s *Service) UnbindSSO(ctx context.Context, customerID string) (Customer, error) {
	c, err := s.CustomerByID(ctx, customerID)
	if err != nil {
		return Customer{}, err
	}
	if c.XAccountID == "" {
		return c, nil
	}
	if !c.CanUnbindSSO() {
		return Customer{}, ErrUnbindNoPassword
	}
	now := s.clock.Now()
	actor := identity.Actor{Kind: identity.ActorKind("customer"), ID: c.ID, Name: c.DomainName}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		// The conditional update locks the row and re-checks the binding.
		res, err := tx.ExecContext(ctx, `UPDATE customers SET xaccount_type = NULL, xaccount_id = NULL, updated_at = $1
			WHERE id = $2 AND xaccount_type = $3 AND xaccount_id = $4`, now, c.ID, c.XAccountType, c.XAccountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		var partnerID string
		err = tx.QueryRowContext(ctx, "SELECT id FROM partners WHERE xaccount_type = $1", c.XAccountType).Scan(&partnerID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// No partner has this platform any more: nobody to tell.
		case err != nil:
			return err
		default:
			if s.bindHook != nil {
				if err := s.bindHook.UnboundTx(ctx, tx, partnerID, c); err != nil {
					return fmt.Errorf("bind hook: %w", err)
				}
			}
		}
		return audit(ctx, tx, actor, partnerID, "customer.sso_unbind", c.ID, c.XAccountType+":"+c.XAccountID, now)
	})
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return Customer{}, err
		}
		return Customer{}, fmt.Errorf("unbind customer %s: %w", c.ID, err)
	}
	return c, nil
}

// notifyBound calls the BindHook, if any.
func (s *Service) notifyBound(ctx context.Context, tx *sql.Tx, partnerID string, c Customer) error {
	if s.bindHook == nil {
		return nil
	}
	if err := s.bindHook.BoundTx(ctx, tx, partnerID, c); err != nil {
		return fmt.Errorf("bind hook: %w", err)
	}
	return nil
}

// MatchesSSOAttributes reports whether the optional name and mobile a
// partner's IdP sent with a sign-in, when sent, name this account
// (cbc-api.md §4.4: they must equal CreateSubCustomer's domain_name and
// mobile_phone). The mobile may carry a country code as "86-138...".
func (c Customer) MatchesSSOAttributes(name, mobile string) bool {
	if name = strings.TrimSpace(name); name != "" && !strings.EqualFold(name, c.DomainName) {
		return false
	}
	if mobile = strings.TrimSpace(mobile); mobile == "" {
		return true
	}
	cc, national, ok := strings.Cut(mobile, "-")
	if !ok {
		cc, national = "", mobile
	}
	if national != c.Mobile {
		return false
	}
	trim := func(s string) string { return strings.TrimLeft(s, "+0") }
	return cc == "" || trim(cc) == trim(c.MobileCountryCode)
}
