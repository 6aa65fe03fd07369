package identity

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
)

// NewMember is what creating an organization member takes.
type NewMember struct {
	// AccountName is the sign-in name (see CheckUserName); it cannot be
	// changed later.
	AccountName string
	// DisplayName defaults to AccountName; at most 64 characters.
	DisplayName string
	Mobile      string
	// Email is optional, unique within the partner; members can sign in
	// with it and receive password-reset codes at it.
	Email string
	// Roles are role ids: presets (PresetAdmin, ...) or custom roles of the
	// partner; 1 to 3 of them.
	Roles []string
	// DirectorID is the director an account manager reports to; optional,
	// and only for account managers.
	DirectorID string
}

// Errors of member management.
var (
	// ErrUserNameFormat: a member or operator name breaking CheckUserName.
	ErrUserNameFormat  = apperr.New("CBC.0100", "err.user_name_format")
	ErrMemberNameTaken = apperr.New("PC.0409", "err.member_name_taken")
	// ErrMemberNameIsDomain: a member named like the partner's account.
	ErrMemberNameIsDomain = apperr.New("CBC.0100", "err.member_name_is_domain")
	ErrDisplayName        = apperr.New("CBC.0100", "err.display_name")
	ErrMemberEmailTaken   = apperr.New("PC.0409", "err.member_email_taken")
	ErrMemberStatus       = apperr.New("CBC.0100", "err.member_status")
	// ErrMainAccount: disabling, deleting or re-roling the main account, or
	// another member touching it.
	ErrMainAccount = apperr.New("PC.0403", "err.member_main_account")
	// ErrMemberSelf: disabling, deleting or resetting the password of
	// oneself through member management.
	ErrMemberSelf = apperr.New("PC.0403", "err.member_self")
	// ErrMemberExceedsOwn: changing a member that holds permission items the
	// acting member lacks.
	ErrMemberExceedsOwn = apperr.New("PC.0403", "err.member_exceeds_own")
)

const maxDisplayName = 64

// userNamePattern is IAM's user-name rule as we apply it: 1 to 32
// characters of ASCII letters, digits, '-', '_' and '.', starting with a
// letter. No '@', so a name never looks like the e-mail members may also
// sign in with, and no spaces, so it survives copying from a mail.
var userNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]{0,31}$`)

// CheckUserName applies the rule for organization member and operator
// names: 1 to 32 characters of letters, digits, '-', '_' and '.', starting
// with a letter. Returns ErrUserNameFormat.
func CheckUserName(name string) error {
	if !userNamePattern.MatchString(name) {
		return ErrUserNameFormat
	}
	return nil
}

// checkContact validates a display name, mobile and e-mail (already
// trimmed).
func checkContact(displayName, mobile, email string) error {
	switch {
	case displayName == "" || len([]rune(displayName)) > maxDisplayName:
		return ErrDisplayName.WithField("display_name", ErrDisplayName.Key)
	case mobile != "" && !mobilePattern.MatchString(mobile):
		return ErrMobileFormat.WithField("mobile", ErrMobileFormat.Key)
	case email != "" && (!emailPattern.MatchString(email) || len(email) > 254):
		return ErrEmailFormat.WithField("email", ErrEmailFormat.Key)
	}
	return nil
}

// checkEmailFree refuses an e-mail another person of the partner (the main
// account included) uses, since sign-in accepts it in place of the name.
func checkEmailFree(ctx context.Context, q db.Querier, partnerID, email, exceptID string) error {
	if email == "" {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM members WHERE partner_id = $1 AND LOWER(email) = LOWER($2) AND id <> $3",
		partnerID, email, exceptID).Scan(&n); err != nil {
		return fmt.Errorf("check e-mail: %w", err)
	}
	if n > 0 {
		return ErrMemberEmailTaken.WithField("email", ErrMemberEmailTaken.Key)
	}
	return nil
}

// CreateMember adds an organization member to the actor's partner and
// returns it with its initial password, which is random, shown once, and
// must be changed at first sign-in. The main account and members holding
// PermOrgMemberManage may call it; a member may only grant roles whose items
// it holds itself (ErrRoleExceedsOwn). Returns ErrUserNameFormat,
// ErrMemberNameIsDomain, ErrMemberNameTaken (names are unique within the
// partner, case-insensitively), ErrDisplayName, ErrMobileFormat,
// ErrEmailFormat, ErrMemberEmailTaken, the role-rule errors
// (ErrMemberRoleCount, ErrMemberRoleUnknown, ErrAdminExclusive,
// ErrManagerDirectorExclusive) and ErrDirectorNotManager /
// ErrDirectorInvalid. Not idempotent: the second call with a name fails.
func (s *Service) CreateMember(ctx context.Context, actor Actor, in NewMember) (Member, string, error) {
	if err := requireOrg(actor, PermOrgMemberManage); err != nil {
		return Member{}, "", err
	}
	in.AccountName = strings.TrimSpace(in.AccountName)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	in.Mobile = strings.TrimSpace(in.Mobile)
	in.Email = strings.TrimSpace(in.Email)
	in.DirectorID = strings.TrimSpace(in.DirectorID)
	if err := CheckUserName(in.AccountName); err != nil {
		return Member{}, "", ErrUserNameFormat.WithField("account_name", ErrUserNameFormat.Key)
	}
	if in.DisplayName == "" {
		in.DisplayName = in.AccountName
	}
	if err := checkContact(in.DisplayName, in.Mobile, in.Email); err != nil {
		return Member{}, "", err
	}
	password := NewPassword()
	hash := HashPassword(password)
	now := s.clock.Now()
	m := Member{
		ID: ids.New(), PartnerID: actor.PartnerID, AccountName: in.AccountName, DisplayName: in.DisplayName,
		Email: in.Email, Mobile: in.Mobile, MustChangePassword: true, Status: MemberActive, CreatedAt: now,
		DirectorID: in.DirectorID,
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockPartner(ctx, tx, actor.PartnerID); err != nil {
			return err
		}
		var domain string
		if err := tx.QueryRowContext(ctx, "SELECT domain_name FROM partners WHERE id = $1", actor.PartnerID).Scan(&domain); err != nil {
			return err
		}
		if strings.EqualFold(domain, m.AccountName) {
			return ErrMemberNameIsDomain.WithField("account_name", ErrMemberNameIsDomain.Key)
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM members WHERE partner_id = $1 AND LOWER(account_name) = LOWER($2)",
			actor.PartnerID, m.AccountName).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrMemberNameTaken.WithField("account_name", ErrMemberNameTaken.Key)
		}
		if err := checkEmailFree(ctx, tx, actor.PartnerID, m.Email, ""); err != nil {
			return err
		}
		roles, err := s.partnerRoles(ctx, tx, actor.PartnerID)
		if err != nil {
			return err
		}
		roleIDs, err := checkRoleSet(in.Roles, roles)
		if err != nil {
			return err
		}
		if !covers(actor, permsOf(roleIDs, roles)) {
			return ErrRoleExceedsOwn
		}
		if m.DirectorID != "" {
			if !hasRole(roleIDs, PresetAccountManager) {
				return ErrDirectorNotManager.WithField("director_id", ErrDirectorNotManager.Key)
			}
			if err := checkDirector(ctx, tx, actor.PartnerID, m.ID, m.DirectorID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO members (id, partner_id, account_name, display_name, email, mobile,
			password_hash, is_main, must_change_password, status, created_at, director_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, TRUE, $8, $9, $10)`,
			m.ID, m.PartnerID, m.AccountName, m.DisplayName, m.Email, m.Mobile, hash, m.Status, now,
			nullIfEmpty(m.DirectorID)); err != nil {
			return err
		}
		if err := insertMemberRoles(ctx, tx, actor.PartnerID, m.ID, roleIDs); err != nil {
			return err
		}
		return audit(ctx, tx, actor, actor.PartnerID, "member.create", m.ID, m.AccountName+" "+strings.Join(roleIDs, ","), now)
	})
	if db.IsUniqueViolation(err) {
		return Member{}, "", ErrMemberNameTaken
	}
	if err != nil {
		return Member{}, "", fmt.Errorf("create member %s: %w", in.AccountName, err)
	}
	return m, password, nil
}

func insertMemberRoles(ctx context.Context, tx *sql.Tx, partnerID, memberID string, roleIDs []string) error {
	for _, r := range roleIDs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO member_roles (partner_id, member_id, role_id) VALUES ($1, $2, $3)",
			partnerID, memberID, r); err != nil {
			return err
		}
	}
	return nil
}
