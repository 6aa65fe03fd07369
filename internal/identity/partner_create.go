package identity

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
)

// NewPartner is what creating a partner takes.
type NewPartner struct {
	Type PartnerType
	// ParentID is required for a cloud reseller: its distributor.
	ParentID   string
	Name       string
	DomainName string
	// XAccountType is the platform id the partner's sales platform sends
	// with customers it creates; derived from DomainName when empty.
	XAccountType  string
	ContactMobile string
	ContactEmail  string
	EcoManager    EcoManager
	// Password for the main account; a random one is generated when empty.
	Password string
}

// MainAccount is the credential of a new partner's main account. The
// password is shown once and never stored in clear.
type MainAccount struct {
	Username string
	Password string
}

var (
	domainNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{4,31}$`)
	emailPattern      = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	mobilePattern     = regexp.MustCompile(`^(\+?\d{1,4}-)?\d{6,15}$`)
)

// CheckDomainName applies the cloud's account-name rule: 5 to 32 characters
// of letters, digits, '-' and '_', starting with a letter, not reserved.
func CheckDomainName(name string) error {
	lower := strings.ToLower(name)
	if !domainNamePattern.MatchString(name) || strings.HasPrefix(lower, "op_") || strings.HasPrefix(lower, "shadow_") {
		return ErrDomainNameFormat
	}
	return nil
}

// CreatePartner registers a partner company and its main account, which
// holds the admin role. Only platform admins and ecosystem managers may call
// it. It returns ErrDomainNameTaken when the account name is in use,
// ErrResellerParent when a cloud reseller's distributor is missing or not a
// distributor. Not idempotent: a second call with the same domain name fails.
func (s *Service) CreatePartner(ctx context.Context, actor Actor, in NewPartner) (Partner, MainAccount, error) {
	if err := requireOperator(actor, RolePlatformAdmin, RoleEcoManager); err != nil {
		return Partner{}, MainAccount{}, err
	}
	in.Name = strings.TrimSpace(in.Name)
	in.DomainName = strings.TrimSpace(in.DomainName)
	switch {
	case in.Name == "" || len([]rune(in.Name)) > 64:
		return Partner{}, MainAccount{}, ErrPartnerNameRequired
	case !in.Type.Valid():
		return Partner{}, MainAccount{}, ErrPartnerType
	case in.Type == CloudReseller && in.ParentID == "", in.Type != CloudReseller && in.ParentID != "":
		return Partner{}, MainAccount{}, ErrResellerParent
	case in.ContactEmail != "" && !emailPattern.MatchString(in.ContactEmail),
		in.EcoManager.Email != "" && !emailPattern.MatchString(in.EcoManager.Email):
		return Partner{}, MainAccount{}, ErrEmailFormat
	case in.ContactMobile != "" && !mobilePattern.MatchString(in.ContactMobile),
		in.EcoManager.Mobile != "" && !mobilePattern.MatchString(in.EcoManager.Mobile):
		return Partner{}, MainAccount{}, ErrMobileFormat
	}
	if err := CheckDomainName(in.DomainName); err != nil {
		return Partner{}, MainAccount{}, err
	}
	password := in.Password
	if password == "" {
		password = NewPassword()
	} else if err := CheckPasswordPolicy(password, in.DomainName); err != nil {
		return Partner{}, MainAccount{}, err
	}
	now := s.clock.Now()
	p := Partner{
		ID: ids.New(), Type: in.Type, ParentID: in.ParentID, Name: in.Name,
		DomainID: ids.New(), DomainName: in.DomainName, XAccountType: in.XAccountType,
		Status: PartnerNormal, ContactMobile: in.ContactMobile, ContactEmail: in.ContactEmail,
		EcoManager: in.EcoManager, CreatedAt: now, UpdatedAt: now,
	}
	if p.XAccountType == "" {
		p.XAccountType = strings.ToUpper(p.DomainName) + "_IDP"
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if p.Type == CloudReseller {
			var parentType PartnerType
			err := tx.QueryRowContext(ctx, "SELECT type FROM partners WHERE id = $1", p.ParentID).Scan(&parentType)
			if err != nil || parentType != Distributor {
				return ErrResellerParent
			}
		}
		var nameTaken, typeTaken bool
		if err := tx.QueryRowContext(ctx, `SELECT
			EXISTS (SELECT 1 FROM partners WHERE domain_name = $1),
			EXISTS (SELECT 1 FROM partners WHERE xaccount_type = $2)`, p.DomainName, p.XAccountType).Scan(&nameTaken, &typeTaken); err != nil {
			return err
		}
		if nameTaken {
			return ErrDomainNameTaken
		}
		if typeTaken {
			return ErrXAccountTypeTaken
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO partners (id, type, parent_id, name, domain_id, domain_name,
			xaccount_type, status, contact_mobile, contact_email, eco_manager_name, eco_manager_email,
			eco_manager_mobile, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			p.ID, p.Type, nullIfEmpty(p.ParentID), p.Name, p.DomainID, p.DomainName, p.XAccountType, p.Status,
			p.ContactMobile, p.ContactEmail, p.EcoManager.Name, p.EcoManager.Email, p.EcoManager.Mobile,
			p.CreatedAt, p.UpdatedAt); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO members (id, partner_id, account_name, display_name,
			email, mobile, password_hash, is_main, must_change_password, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, FALSE, 'active', $8)`,
			ids.New(), p.ID, p.DomainName, p.Name, p.ContactEmail, p.ContactMobile, HashPassword(password), now); err != nil {
			return err
		}
		return audit(ctx, tx, actor, p.ID, "partner.create", p.ID, string(p.Type)+" "+p.DomainName, now)
	})
	if db.IsUniqueViolation(err) {
		return Partner{}, MainAccount{}, ErrDomainNameTaken // lost a race with the same name
	}
	if err != nil {
		return Partner{}, MainAccount{}, fmt.Errorf("create partner %s: %w", in.DomainName, err)
	}
	return p, MainAccount{Username: p.DomainName, Password: password}, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
