package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
)

// NewCustomer is what CreateSubCustomer takes: the union of the bss (mobile)
// and bssintl (e-mail, domain area) bodies. Nil pointers are absent; where
// the reference distinguishes "" from absent, so does the service.
type NewCustomer struct {
	XAccountID   string
	XAccountType string
	// DomainName absent or "" draws a random 32-character name.
	DomainName *string
	// MobilePhone is a mainland China mobile; "" means none.
	MobilePhone *string
	// Email (bssintl) is verified by code when there is no mobile.
	Email *string
	// VerificationCode is required with a mobile or e-mail; "" is refused.
	VerificationCode *string
	// Password absent makes an account that enters only by the partner's
	// single sign-on; "" is refused.
	Password *string
	// IsCloseMarketMs is "true" or "false" (default).
	IsCloseMarketMs *string
	// CooperationType "1" asks for the referral model; anything else is
	// the reseller model.
	CooperationType *string
	// IndirectPartnerID names the cloud reseller a distributor creates the
	// customer for.
	IndirectPartnerID *string
	// IncludeAssociationResult waits for the association (Config.AssociationWait).
	IncludeAssociationResult *bool
	// DomainArea (bssintl) is an ISO 3166 alpha-2 country code.
	DomainArea *string
}

// registration is a validated NewCustomer.
type registration struct {
	name, mobile, email, code, password, area string
	randomName, closeMarketing, wait          bool
	typ                                       AssociationType
}

// validate applies the field rules; the order of the checks decides which
// error a request with several faults gets, as the cloud's API does.
func (in NewCustomer) validate() (registration, error) {
	var r registration
	switch {
	case in.XAccountID == "" || len(in.XAccountID) > maxXAccountID:
		return r, errParam("xaccount_id")
	case in.XAccountType == "" || len(in.XAccountType) > maxXAccountType:
		return r, errParam("xaccount_type")
	}
	if in.DomainName == nil || *in.DomainName == "" {
		r.name, r.randomName = randomName(), true
	} else if err := CheckDomainName(*in.DomainName); err != nil {
		return r, err
	} else {
		r.name = *in.DomainName
	}
	if in.MobilePhone != nil && *in.MobilePhone != "" {
		national, ok := ParseMobile(*in.MobilePhone)
		if !ok || len(*in.MobilePhone) > maxMobileField {
			return r, ErrMobileFormat
		}
		r.mobile = national
	}
	if in.Email != nil && *in.Email != "" {
		r.email = normEmail(*in.Email)
		if !validEmail(r.email, 256) {
			return r, ErrEmailFormat
		}
	}
	if in.VerificationCode != nil {
		if len(*in.VerificationCode) != codeLength {
			return r, errParam("verification_code")
		}
		r.code = *in.VerificationCode
	}
	if (r.mobile != "" || r.email != "") && r.code == "" {
		return r, errParam("verification_code")
	}
	if in.Password != nil {
		if *in.Password == "" {
			return r, errParam("password")
		}
		if err := checkCustomerPassword(*in.Password, r.name, r.mobile, r.email); err != nil {
			return r, err
		}
		r.password = *in.Password
	}
	if in.IsCloseMarketMs != nil {
		switch *in.IsCloseMarketMs {
		case "", "false":
		case "true":
			r.closeMarketing = true
		default:
			return r, errParam("is_close_market_ms")
		}
	}
	r.typ = Reseller
	if in.CooperationType != nil && *in.CooperationType == "1" {
		r.typ = Referral
	}
	if in.DomainArea != nil && *in.DomainArea != "" {
		if !areaPattern.MatchString(*in.DomainArea) {
			return r, errParam("domain_area")
		}
		r.area = strings.ToUpper(*in.DomainArea)
	}
	r.wait = in.IncludeAssociationResult != nil && *in.IncludeAssociationResult
	return r, nil
}

// checkCustomerPassword is the account password policy: the partners'
// (8–32 characters, two kinds, not the name or its reverse) and neither the
// mobile nor the e-mail inside it.
func checkCustomerPassword(pw, name, mobile, email string) error {
	if identity.CheckPasswordPolicy(pw, name) != nil {
		return ErrPasswordFormat
	}
	lower := strings.ToLower(pw)
	if (mobile != "" && strings.Contains(pw, mobile)) || (email != "" && strings.Contains(lower, email)) {
		return ErrPasswordFormat
	}
	return nil
}

// CreateSubCustomer creates a customer account for a user of the caller's
// sales platform and asks the association job to associate it with the
// caller — or, for a distributor naming one of its cloud resellers, with the
// reseller — in the reseller model unless CooperationType is "1"
// (reference/cbc-api.md §3.3). The account exists when it returns; the
// association follows within moments. With IncludeAssociationResult it waits
// up to Config.AssociationWait for it and returns ErrAssociationTimeout, with
// the account, if it did not come.
//
// Callers need PermCustomerCreate. Errors, in the order they are checked:
// CBC.0100 (xaccount_id, xaccount_type, verification_code, password,
// is_close_market_ms, domain_area, indirect_partner_id), ErrDomainNameFormat,
// ErrMobileFormat, ErrEmailFormat, ErrPasswordFormat; ErrTestPartner,
// ErrNotYourReseller, ErrDistributorDirect, ErrPartnerRestricted,
// ErrParentRestricted, CBC.0100 for an xaccount_type that is not the
// caller's; ErrXAccountTaken, ErrDomainNameTaken, ErrProtected,
// ErrMobileTaken (the mobile backs one of the partner's customers),
// ErrMobileLimit (it backs MaxAccountsPerMobile accounts); then the code:
// ErrCodeWrong, ErrCodeExpired, ErrCodeAttempts.
//
// Safe to retry: the xaccount binding is unique, so a repeated call — even
// a concurrent one — creates no second account and gets ErrXAccountTaken.
func (s *Service) CreateSubCustomer(ctx context.Context, actor identity.Actor, in NewCustomer) (Customer, error) {
	if !actor.Can(identity.PermCustomerCreate) || actor.PartnerID == "" {
		return Customer{}, identity.ErrForbidden
	}
	r, err := in.validate()
	if err != nil {
		return Customer{}, err
	}
	indirectID := ""
	if in.IndirectPartnerID != nil {
		indirectID = *in.IndirectPartnerID
	}
	o, err := s.creationOwner(ctx, actor, indirectID, in.XAccountType)
	if err != nil {
		return Customer{}, err
	}
	c, err := s.register(ctx, actor, o, in, r)
	if err != nil && !errors.Is(err, ErrXAccountTaken) && !errors.Is(err, ErrAssociationTimeout) {
		// A concurrent retry of this very call may have won while this one
		// ran: then its code is used, its mobile taken, its name or binding
		// a unique violation — whichever it met, the caller must read a
		// duplicate, as a retry after the fact does.
		if bound, berr := s.bound(ctx, in.XAccountType, in.XAccountID); berr == nil && bound {
			return Customer{}, ErrXAccountTaken
		}
	}
	return c, err
}

// bound reports whether a platform user already has an account.
func (s *Service) bound(ctx context.Context, xaccountType, xaccountID string) (bool, error) {
	var taken bool
	if err := s.db.SQL.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM customers WHERE xaccount_type = $1 AND xaccount_id = $2)",
		xaccountType, xaccountID).Scan(&taken); err != nil {
		return false, fmt.Errorf("check xaccount: %w", err)
	}
	return taken, nil
}

// register is CreateSubCustomer once the request and the partner are
// valid: the database rules, the code, the account, the association job.
func (s *Service) register(ctx context.Context, actor identity.Actor, o owner, in NewCustomer, r registration) (Customer, error) {
	if err := s.precheck(ctx, o, in.XAccountType, in.XAccountID, r); err != nil {
		return Customer{}, err
	}
	receiver := ""
	switch {
	case r.mobile != "":
		receiver = smsReceiver(r.mobile)
	case r.email != "":
		receiver = r.email
	}
	var codeHash string
	if receiver != "" {
		var err error
		if codeHash, err = s.checkCode(ctx, o.caller.ID, receiver, r.code); err != nil {
			return Customer{}, err
		}
	}
	now := s.clock.Now()
	c := Customer{
		ID: ids.New(), DomainName: r.name, Mobile: r.mobile, Email: r.email, HasPassword: r.password != "",
		XAccountType: in.XAccountType, XAccountID: in.XAccountID, Type: -1, VerifiedStatus: -1, Level: "V0",
		DomainArea: r.area, CloseMarketing: r.closeMarketing, CreatorPartnerID: o.caller.ID, CreatedAt: now, UpdatedAt: now,
	}
	if r.mobile != "" {
		c.MobileCountryCode = ChinaCountryCode
	}
	if r.password != "" {
		c.passwordHash = identity.HashPassword(r.password)
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if r.mobile != "" {
			// Under the mobile's lock, the per-partner and per-mobile rules
			// hold against concurrent creations.
			if err := lockContact(ctx, tx, "mobile:"+receiver, now); err != nil {
				return err
			}
			if err := s.checkMobile(ctx, tx, o.partner.ID, r.mobile); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO customers (id, domain_name, domain_name_key, mobile_country_code,
			mobile, email, password_hash, xaccount_type, xaccount_id, domain_area, close_marketing, creator_partner_id,
			pending_partner_id, pending_type, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)`,
			c.ID, c.DomainName, strings.ToLower(c.DomainName), c.MobileCountryCode, c.Mobile, c.Email,
			nullable(c.passwordHash), c.XAccountType, c.XAccountID, c.DomainArea, c.CloseMarketing, c.CreatorPartnerID,
			o.partner.ID, r.typ, now); err != nil {
			return err
		}
		if receiver != "" {
			if err := consumeCode(ctx, tx, o.caller.ID, receiver, codeHash, now); err != nil {
				return err
			}
		}
		if err := s.queue.InsertTx(ctx, tx, AssociateArgs{CustomerID: c.ID, PartnerID: o.partner.ID, Type: r.typ}, nil); err != nil {
			return err
		}
		return audit(ctx, tx, actor, o.caller.ID, "customer.create", c.ID,
			fmt.Sprintf("%s for %s, type %d", c.DomainName, o.partner.ID, r.typ), now)
	})
	switch {
	case err == nil:
	case db.IsUniqueViolation(err):
		return Customer{}, ErrDomainNameTaken // lost a race (or ErrXAccountTaken: see CreateSubCustomer)
	default:
		if _, ok := apperr.As(err); ok {
			return Customer{}, err
		}
		return Customer{}, fmt.Errorf("create customer %s: %w", c.DomainName, err)
	}
	if r.wait {
		if _, ok, err := s.waitAssociated(ctx, c.ID); err != nil {
			return c, err
		} else if !ok {
			return c, ErrAssociationTimeout
		}
	}
	return c, nil
}

// creationOwner resolves and checks the partner a new customer will be
// associated with.
func (s *Service) creationOwner(ctx context.Context, actor identity.Actor, indirectID, xaccountType string) (owner, error) {
	caller, err := s.identity.PartnerStanding(ctx, actor.PartnerID)
	if err != nil {
		return owner{}, err
	}
	if caller.IsTest {
		return owner{}, ErrTestPartner
	}
	o, err := s.ownerFor(ctx, actor, indirectID)
	if err != nil {
		return owner{}, err
	}
	switch {
	case o.caller.Type == identity.Distributor && !o.indirect:
		return owner{}, ErrDistributorDirect
	case o.partner.Status != identity.PartnerNormal:
		return owner{}, ErrPartnerRestricted
	case o.partner.Type == identity.CloudReseller && o.partner.ParentStatus != identity.PartnerNormal:
		return owner{}, ErrParentRestricted
	case xaccountType != o.caller.XAccountType && xaccountType != o.partner.XAccountType:
		return owner{}, errParam("xaccount_type")
	}
	return o, nil
}

// precheck applies the rules that need the database, before a code is
// spent on a request that would fail anyway. The transaction re-checks what
// a concurrent call could change.
func (s *Service) precheck(ctx context.Context, o owner, xaccountType, xaccountID string, r registration) error {
	// One statement reads both, so that a concurrent retry of the same
	// call, committed in between, cannot make its name look taken first.
	var bound, named bool
	if err := s.db.SQL.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM customers WHERE xaccount_type = $1 AND xaccount_id = $2),
		EXISTS (SELECT 1 FROM customers WHERE domain_name_key = $3)`,
		xaccountType, xaccountID, strings.ToLower(r.name)).Scan(&bound, &named); err != nil {
		return fmt.Errorf("check xaccount and name: %w", err)
	}
	switch {
	case bound:
		return ErrXAccountTaken
	case named:
		return ErrDomainNameTaken
	}
	partnerName, err := s.identity.AccountNameInUse(ctx, r.name)
	if err != nil {
		return err
	}
	if partnerName {
		return ErrDomainNameTaken
	}
	protected, err := isProtected(ctx, s.db.SQL, r.mobile, r.email)
	if err != nil {
		return err
	}
	if protected {
		return ErrProtected
	}
	if r.mobile != "" {
		return s.checkMobile(ctx, s.db.SQL, o.partner.ID, r.mobile)
	}
	return nil
}

// checkMobile returns ErrMobileTaken when the mobile backs one of partnerID's
// customers (associated or being associated), ErrMobileLimit when it backs
// MaxAccountsPerMobile accounts.
func (s *Service) checkMobile(ctx context.Context, q db.Querier, partnerID, national string) error {
	var mine bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM customers c
		WHERE c.mobile_country_code = $1 AND c.mobile = $2 AND (c.pending_partner_id = $3 OR EXISTS (
			SELECT 1 FROM customer_associations a WHERE a.customer_id = c.id AND a.partner_id = $3 AND a.ended_at IS NULL)))`,
		ChinaCountryCode, national, partnerID).Scan(&mine); err != nil {
		return fmt.Errorf("check mobile: %w", err)
	}
	if mine {
		return ErrMobileTaken
	}
	n, err := countMobile(ctx, q, national)
	if err != nil {
		return err
	}
	if n >= s.cfg.MaxAccountsPerMobile {
		return ErrMobileLimit.With("max", s.cfg.MaxAccountsPerMobile)
	}
	return nil
}

// countMobile counts the accounts a mainland mobile backs.
func countMobile(ctx context.Context, q db.Querier, national string) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM customers WHERE mobile_country_code = $1 AND mobile = $2",
		ChinaCountryCode, national).Scan(&n); err != nil {
		return 0, fmt.Errorf("count mobile: %w", err)
	}
	return n, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
