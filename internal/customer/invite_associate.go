package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
)

// The customer side of an invitation (console.md §1.4): the customer opens
// a partner's invitation, then signs in to an existing account or registers
// a new one (mobile + SMS code + password), and the account is associated
// with the partner at once, in one transaction that also applies the
// inviting domain's eligibility rules (InvitationTerms.Check) and records
// the outcome where that domain keeps it (InvitationTerms.Done). In the
// reseller model the account starts frozen (FrozenAccount) until the partner
// sets a budget and unfreezes it (§1.3, §4.3); the AssociationHook is called
// as the association job calls it, so a bound account's partner is told.

// Errors of association by invitation.
var (
	// ErrInviteAssociated: the account already has a partner (this one
	// included) or is being associated with one.
	ErrInviteAssociated = apperr.New("PC.0409", "err.prospect_invite_associated").WithStatus(409)
)

// InviteFreezeReason is the freeze reason of a reseller-model customer
// frozen on association.
const InviteFreezeReason = "代售关联默认冻结 / frozen on reseller association"

// InvitationTerms are what an accepted invitation asks of the customer
// domain.
type InvitationTerms struct {
	PartnerID string
	Type      AssociationType
	// AccountManagerID is the partner member the customer is assigned to;
	// empty leaves it unassigned (an assignment made by an earlier partner
	// never carries over).
	AccountManagerID string
	// Check applies the inviting domain's rules to the account in the
	// association's transaction, after the account's row is locked; an
	// error refuses the association.
	Check func(ctx context.Context, tx *sql.Tx, c Customer) error
	// Done records the association in the same transaction.
	Done func(ctx context.Context, tx *sql.Tx, c Customer, a Association) error
}

// InviteAccount is the registration form of an invitation.
type InviteAccount struct {
	DomainName string
	Password   string
	Mobile     string
	Code       string
}

// inviteActor acts for a visitor accepting partnerID's invitation: the
// partner's invitation stands for the partner's consent, so the visitor may
// do what the partner's CreateSubCustomer could.
func inviteActor(partnerID string) identity.Actor {
	return identity.Actor{Kind: "invite", ID: partnerID, Name: "invitation", PartnerID: partnerID,
		Perms: map[string]bool{identity.PermCustomerCreate: true}}
}

// SendInvitationCode sends the registration code for a new account to a
// mainland mobile through the outbox, as the partner's SendVerificationCode
// would; the code is the partner's, so RegisterByInvitation for the same
// partner checks it. Errors as SendVerificationCode. Not idempotent.
func (s *Service) SendInvitationCode(ctx context.Context, partnerID, mobile string) error {
	return s.SendVerificationCode(ctx, inviteActor(partnerID), CodeRequest{ReceiverType: ReceiverSMS, MobilePhone: mobile})
}

// AcceptInvitationSignIn proves an existing account by its name and
// password under SignInCustomer's rules (lockout included) and associates
// it as t says. Errors: SignInCustomer's; identity.ErrPartnerNotFound,
// ErrPartnerRestricted, ErrParentRestricted for a partner that may not
// associate customers; ErrInviteAssociated; whatever t.Check returns. Not
// idempotent: a second call finds the account associated.
func (s *Service) AcceptInvitationSignIn(ctx context.Context, domainName, password string, t InvitationTerms) (Customer, error) {
	c, err := s.checkCustomerPassword(ctx, domainName, password)
	if err != nil {
		return Customer{}, err
	}
	if err := s.inviterStanding(ctx, t.PartnerID); err != nil {
		return Customer{}, err
	}
	now := s.clock.Now()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		// The no-op update locks the account's row, so a concurrent
		// association waits and then finds this one.
		if _, err := tx.ExecContext(ctx, "UPDATE customers SET updated_at = updated_at WHERE id = $1", c.ID); err != nil {
			return err
		}
		var pending sql.NullString
		if err := tx.QueryRowContext(ctx, "SELECT pending_partner_id FROM customers WHERE id = $1", c.ID).Scan(&pending); err != nil {
			return err
		}
		_, err := scanAssociation(tx.QueryRowContext(ctx, associationSelect+" WHERE customer_id = $1 AND ended_at IS NULL", c.ID))
		switch {
		case err == nil || pending.Valid:
			return ErrInviteAssociated
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var aerr error
		c, aerr = s.associateInvited(ctx, tx, c, t, now)
		return aerr
	})
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return Customer{}, err
		}
		return Customer{}, fmt.Errorf("associate invited customer %s: %w", c.ID, err)
	}
	return c, nil
}

// RegisterByInvitation creates an account (name, password, mainland mobile
// proven by the code SendInvitationCode sent) and associates it as t says,
// in one transaction. The rules are CreateSubCustomer's for the inviting
// partner: name and password policy, the mobile's limits, the protected
// list, the partner's standing. Errors: CBC.0100 naming domain_name,
// mobile_phone, password or verification_code; ErrDomainNameFormat,
// ErrMobileFormat, ErrPasswordFormat, ErrTestPartner, ErrDistributorDirect,
// ErrPartnerRestricted, ErrParentRestricted, ErrDomainNameTaken,
// ErrProtected, ErrMobileTaken, ErrMobileLimit, ErrCodeWrong,
// ErrCodeExpired, ErrCodeAttempts; whatever t.Check returns. Not
// idempotent: a repeat finds the name taken.
func (s *Service) RegisterByInvitation(ctx context.Context, in InviteAccount, t InvitationTerms) (Customer, error) {
	name := strings.TrimSpace(in.DomainName)
	switch {
	case name == "":
		return Customer{}, errParam("domain_name")
	case strings.TrimSpace(in.Mobile) == "":
		return Customer{}, errParam("mobile_phone")
	case in.Password == "":
		return Customer{}, errParam("password")
	}
	if err := CheckDomainName(name); err != nil {
		return Customer{}, err
	}
	national, ok := ParseMobile(in.Mobile)
	if !ok || len(in.Mobile) > maxMobileField {
		return Customer{}, ErrMobileFormat
	}
	code := strings.TrimSpace(in.Code)
	if len(code) != codeLength {
		return Customer{}, errParam("verification_code")
	}
	if err := checkCustomerPassword(in.Password, name, national, ""); err != nil {
		return Customer{}, err
	}
	st, err := s.identity.PartnerStanding(ctx, t.PartnerID)
	if err != nil {
		return Customer{}, err
	}
	o, err := s.creationOwner(ctx, inviteActor(t.PartnerID), "", st.XAccountType)
	if err != nil {
		return Customer{}, err
	}
	r := registration{name: name, mobile: national, code: code, password: in.Password, typ: t.Type}
	if err := s.precheck(ctx, o, "", "", r); err != nil {
		return Customer{}, err
	}
	receiver := smsReceiver(national)
	codeHash, err := s.checkCode(ctx, o.caller.ID, receiver, code)
	if err != nil {
		return Customer{}, err
	}
	now := s.clock.Now()
	c := Customer{ID: ids.New(), DomainName: name, MobileCountryCode: ChinaCountryCode, Mobile: national,
		HasPassword: true, Type: -1, VerifiedStatus: -1, Level: "V0", CreatorPartnerID: o.caller.ID,
		CreatedAt: now, UpdatedAt: now, passwordHash: identity.HashPassword(in.Password)}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockContact(ctx, tx, "mobile:"+receiver, now); err != nil {
			return err
		}
		if err := s.checkMobile(ctx, tx, o.partner.ID, national); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO customers (id, domain_name, domain_name_key, mobile_country_code,
			mobile, password_hash, creator_partner_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
			c.ID, c.DomainName, strings.ToLower(c.DomainName), c.MobileCountryCode, c.Mobile, c.passwordHash,
			c.CreatorPartnerID, now); err != nil {
			return err
		}
		if err := consumeCode(ctx, tx, o.caller.ID, receiver, codeHash, now); err != nil {
			return err
		}
		var aerr error
		c, aerr = s.associateInvited(ctx, tx, c, t, now)
		return aerr
	})
	switch {
	case err == nil:
		return c, nil
	case db.IsUniqueViolation(err):
		return Customer{}, ErrDomainNameTaken
	}
	if _, ok := apperr.As(err); ok {
		return Customer{}, err
	}
	return Customer{}, fmt.Errorf("register invited customer %s: %w", name, err)
}

// inviterStanding refuses partners that may not associate customers now.
func (s *Service) inviterStanding(ctx context.Context, partnerID string) error {
	st, err := s.identity.PartnerStanding(ctx, partnerID)
	if err != nil {
		return err
	}
	switch {
	case st.Status != identity.PartnerNormal:
		return ErrPartnerRestricted
	case st.Type == identity.CloudReseller && st.ParentStatus != identity.PartnerNormal:
		return ErrParentRestricted
	}
	return nil
}

// associateInvited makes the association of an accepted invitation in tx:
// the inviting domain's check, the association, the account manager, the
// reseller model's freeze, the hook, the inviting domain's record, the
// audit row. c's row is locked (or new) and has no partner.
func (s *Service) associateInvited(ctx context.Context, tx *sql.Tx, c Customer, t InvitationTerms, now time.Time) (Customer, error) {
	if !t.Type.Valid() {
		return Customer{}, errParam("type")
	}
	if t.Check != nil {
		if err := t.Check(ctx, tx, c); err != nil {
			return Customer{}, err
		}
	}
	a := Association{ID: ids.New(), CustomerID: c.ID, PartnerID: t.PartnerID, Type: t.Type, AssociatedAt: now}
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at)
		VALUES ($1, $2, $3, $4, $5)`, a.ID, a.CustomerID, a.PartnerID, a.Type, a.AssociatedAt); err != nil {
		if db.IsUniqueViolation(err) {
			return Customer{}, ErrInviteAssociated
		}
		return Customer{}, err
	}
	c.AccountManagerID = t.AccountManagerID
	if t.Type == Reseller && c.FreezeState == NotFrozen {
		c.FreezeState, c.FreezeReason = FrozenAccount, InviteFreezeReason
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET frozen = $1, freeze_reason = $2, frozen_at = $3 WHERE id = $4`,
			c.FreezeState, c.FreezeReason, now, c.ID); err != nil {
			return Customer{}, err
		}
	}
	c.UpdatedAt = now
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET account_manager_id = $1, updated_at = $2 WHERE id = $3`,
		nullable(c.AccountManagerID), now, c.ID); err != nil {
		return Customer{}, err
	}
	if s.hook != nil {
		if err := s.hook.Associated(ctx, tx, c, a); err != nil {
			return Customer{}, fmt.Errorf("association hook: %w", err)
		}
	}
	if t.Done != nil {
		if err := t.Done(ctx, tx, c, a); err != nil {
			return Customer{}, err
		}
	}
	return c, audit(ctx, tx, inviteActor(t.PartnerID), t.PartnerID, "customer.invite_associate", c.ID,
		fmt.Sprintf("%s type %d manager %s", c.DomainName, t.Type, c.AccountManagerID), now)
}
