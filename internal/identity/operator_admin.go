package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/mask"
)

// Operator statuses.
const (
	OperatorActive   = "active"
	OperatorDisabled = "disabled"
)

// AllOperatorRoles lists the operator roles in display order, for forms.
var AllOperatorRoles = []OperatorRole{RolePlatformAdmin, RoleEcoManager, RoleReviewer}

// Valid reports whether r is a known operator role.
func (r OperatorRole) Valid() bool {
	for _, k := range AllOperatorRoles {
		if r == k {
			return true
		}
	}
	return false
}

// Errors of operator administration.
var (
	ErrOperatorRoles  = apperr.New("CBC.0100", "err.operator_roles")
	ErrOperatorStatus = apperr.New("CBC.0100", "err.operator_status")
	// ErrOperatorSelfDisable: an operator disabling itself.
	ErrOperatorSelfDisable = apperr.New("PC.0403", "err.operator_self_disable")
	// ErrOperatorSelfAdmin: an operator taking its own platform_admin role
	// away, which could leave nobody to administer operators.
	ErrOperatorSelfAdmin = apperr.New("PC.0403", "err.operator_self_admin")
)

// OperatorView is an operator as the operator list shows it: e-mail and
// mobile masked.
type OperatorView struct {
	ID                 string
	Username           string
	DisplayName        string
	Roles              []OperatorRole
	Email              string // masked
	Mobile             string // masked
	Status             string
	MustChangePassword bool
	CreatedAt          time.Time
}

// OperatorFilter narrows ListOperators. Empty and nil fields do not filter.
type OperatorFilter struct {
	// Query matches the user name or display name, case-insensitively.
	Query  string
	Role   *OperatorRole
	Status *string
	// Limit defaults to 20 (at most 100).
	Limit  int
	Offset int
}

// checkOperatorRoles deduplicates roles and refuses none or unknown ones.
func checkOperatorRoles(roles []OperatorRole) ([]OperatorRole, error) {
	var out []OperatorRole
	for _, k := range AllOperatorRoles { // display order
		for _, r := range roles {
			if !r.Valid() {
				return nil, ErrOperatorRoles.WithField("roles", ErrOperatorRoles.Key)
			}
			if r == k {
				out = append(out, k)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, ErrOperatorRoles.WithField("roles", ErrOperatorRoles.Key)
	}
	return out, nil
}

// ListOperators lists operators oldest first with the total. Platform
// admins only. Read-only.
func (s *Service) ListOperators(ctx context.Context, actor Actor, f OperatorFilter) ([]OperatorView, int, error) {
	if err := requireOperator(actor, RolePlatformAdmin); err != nil {
		return nil, 0, err
	}
	w := &db.Where{}
	if f.Query != "" {
		w.Contains(f.Query, "username", "display_name")
	}
	if f.Role != nil {
		w.Add("(',' || roles || ',') LIKE ?", "%,"+string(*f.Role)+",%")
	}
	if f.Status != nil {
		w.Add("status = ?", *f.Status)
	}
	var total int
	if err := s.db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM operators"+w.SQL(), w.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count operators: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	page, args := w.Page(f.Limit, f.Offset)
	rows, err := s.db.SQL.QueryContext(ctx, operatorSelect+w.SQL()+" ORDER BY id"+page, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list operators: %w", err)
	}
	defer rows.Close()
	var out []OperatorView
	for rows.Next() {
		var op Operator
		var roles string
		if err := rows.Scan(&op.ID, &op.Username, &op.DisplayName, &roles, &op.Email, &op.Mobile, &op.Status, &op.CreatedAt,
			&op.MustChangePassword, &op.SessionEpoch); err != nil {
			return nil, 0, fmt.Errorf("list operators: %w", err)
		}
		out = append(out, OperatorView{ID: op.ID, Username: op.Username, DisplayName: op.DisplayName,
			Roles: splitRoles(roles), Email: mask.Email(op.Email), Mobile: mask.Mobile(op.Mobile), Status: op.Status,
			MustChangePassword: op.MustChangePassword, CreatedAt: op.CreatedAt})
	}
	return out, total, rows.Err()
}

// CreateOperatorBy adds an operator on a platform admin's behalf and
// returns it with a random one-time password, shown once, to be changed at
// first sign-in (in.Password is ignored). Returns ErrForbidden for other
// actors, ErrUserNameFormat, ErrDisplayName, ErrEmailFormat, ErrOperatorRoles
// (none or unknown), ErrUsernameTaken. Not idempotent.
func (s *Service) CreateOperatorBy(ctx context.Context, actor Actor, in NewOperator) (Operator, string, error) {
	if err := requireOperator(actor, RolePlatformAdmin); err != nil {
		return Operator{}, "", err
	}
	in.Username = strings.TrimSpace(in.Username)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	in.Email = strings.TrimSpace(in.Email)
	if err := CheckUserName(in.Username); err != nil {
		return Operator{}, "", ErrUserNameFormat.WithField("username", ErrUserNameFormat.Key)
	}
	if in.DisplayName == "" {
		in.DisplayName = in.Username
	}
	if err := checkContact(in.DisplayName, "", in.Email); err != nil {
		return Operator{}, "", err
	}
	roles, err := checkOperatorRoles(in.Roles)
	if err != nil {
		return Operator{}, "", err
	}
	password := NewPassword()
	op := Operator{ID: ids.New(), Username: in.Username, DisplayName: in.DisplayName, Roles: roles, Email: in.Email,
		Status: OperatorActive, CreatedAt: s.clock.Now(), MustChangePassword: true}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO operators
			(id, username, display_name, password_hash, roles, email, status, created_at, must_change_password)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE)`,
			op.ID, op.Username, op.DisplayName, HashPassword(password), joinRoles(roles), op.Email, op.Status, op.CreatedAt); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "", "operator.create", op.ID, op.Username+" "+joinRoles(roles), op.CreatedAt)
	})
	if db.IsUniqueViolation(err) {
		return Operator{}, "", ErrUsernameTaken.WithField("username", ErrUsernameTaken.Key)
	}
	if err != nil {
		return Operator{}, "", fmt.Errorf("create operator %s: %w", in.Username, err)
	}
	return op, password, nil
}

// SetOperatorStatus enables (OperatorActive) or disables (OperatorDisabled)
// an operator. Platform admins only; nobody disables itself
// (ErrOperatorSelfDisable). Disabling ends the operator's sessions.
// Returns ErrOperatorStatus, apperr.NotFound. Idempotent.
func (s *Service) SetOperatorStatus(ctx context.Context, actor Actor, id, status string) error {
	if err := requireOperator(actor, RolePlatformAdmin); err != nil {
		return err
	}
	if status != OperatorActive && status != OperatorDisabled {
		return ErrOperatorStatus
	}
	if status == OperatorDisabled && id == actor.ID {
		return ErrOperatorSelfDisable
	}
	q := "UPDATE operators SET status = $1 WHERE id = $2 AND status <> $1"
	if status == OperatorDisabled {
		q = "UPDATE operators SET status = $1, session_epoch = session_epoch + 1 WHERE id = $2 AND status <> $1"
	}
	return s.updateOperator(ctx, actor, id, "operator.status", status, q, status)
}

// SetOperatorRoles replaces an operator's roles. Platform admins only; an
// operator cannot take its own platform_admin role away
// (ErrOperatorSelfAdmin). Returns ErrOperatorRoles, apperr.NotFound.
// Idempotent. The operator's next request sees the new roles.
func (s *Service) SetOperatorRoles(ctx context.Context, actor Actor, id string, roles []OperatorRole) error {
	if err := requireOperator(actor, RolePlatformAdmin); err != nil {
		return err
	}
	roles, err := checkOperatorRoles(roles)
	if err != nil {
		return err
	}
	if id == actor.ID {
		keeps := false
		for _, r := range roles {
			keeps = keeps || r == RolePlatformAdmin
		}
		if !keeps {
			return ErrOperatorSelfAdmin
		}
	}
	return s.updateOperator(ctx, actor, id, "operator.roles", joinRoles(roles),
		"UPDATE operators SET roles = $1 WHERE id = $2", joinRoles(roles))
}

// ResetOperatorPassword gives another operator a random one-time password,
// returned once and to be changed at next sign-in; it lifts a lockout and
// ends that operator's sessions. Platform admins only; for oneself use
// ChangeOperatorPassword (ErrForbidden). Not idempotent.
func (s *Service) ResetOperatorPassword(ctx context.Context, actor Actor, id string) (string, error) {
	if err := requireOperator(actor, RolePlatformAdmin); err != nil {
		return "", err
	}
	if id == actor.ID {
		return "", ErrForbidden
	}
	password := NewPassword()
	err := s.updateOperator(ctx, actor, id, "operator.password_reset", "", `UPDATE operators SET password_hash = $1,
		must_change_password = TRUE, session_epoch = session_epoch + 1, failed_logins = 0, locked_until = NULL
		WHERE id = $2`, HashPassword(password))
	if err != nil {
		return "", err
	}
	return password, nil
}

// updateOperator runs one UPDATE of operator id (arg is $1, id $2) and its
// audit row. An UPDATE matching no row is a no-op when the operator exists
// (an idempotent repeat) and apperr.NotFound otherwise.
func (s *Service) updateOperator(ctx context.Context, actor Actor, id, action, detail, query string, arg any) error {
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var exists int
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM operators WHERE id = $1", id).Scan(&exists)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, query, arg, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit(ctx, tx, actor, "", action, id, detail, s.clock.Now())
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, id, err)
	}
	return nil
}

// ChangeOperatorPassword changes the acting operator's own password and
// returns the new session epoch (keep it in the current session; other
// sessions end). Policy and errors as ChangePassword: ErrWeakPassword,
// ErrOldPasswordWrong (counted toward the lockout), ErrAccountLocked,
// ErrPasswordUnchanged; ErrForbidden for non-operators. Clears
// must_change_password. Not idempotent.
func (s *Service) ChangeOperatorPassword(ctx context.Context, actor Actor, oldPassword, newPassword string) (int, error) {
	if !actor.IsOperator() {
		return 0, ErrForbidden
	}
	op, err := s.OperatorByID(ctx, actor.ID)
	if err != nil {
		return 0, err
	}
	if err := CheckPasswordPolicy(newPassword, op.Username); err != nil {
		return 0, err
	}
	if _, err := s.checkCredentials(ctx, credentialTable{"operators", "id = $1"}, oldPassword, op.ID); err != nil {
		if errors.Is(err, ErrBadCredentials) {
			return 0, ErrOldPasswordWrong.WithField("old_password", ErrOldPasswordWrong.Key)
		}
		return 0, err
	}
	if newPassword == oldPassword {
		return 0, ErrPasswordUnchanged.WithField("new_password", ErrPasswordUnchanged.Key)
	}
	hash := HashPassword(newPassword)
	var epoch int
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `UPDATE operators SET password_hash = $1, must_change_password = FALSE,
			session_epoch = session_epoch + 1, failed_logins = 0, locked_until = NULL WHERE id = $2 RETURNING session_epoch`,
			hash, op.ID).Scan(&epoch); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "", "operator.password_change", op.ID, "", s.clock.Now())
	})
	if err != nil {
		return 0, fmt.Errorf("change password of operator %s: %w", op.ID, err)
	}
	return epoch, nil
}

// OperatorSessionEpoch returns an operator's session epoch, which the
// operator console compares with the one recorded at sign-in
// (Operator.SessionEpoch). apperr.NotFound for an unknown id. Read-only.
func (s *Service) OperatorSessionEpoch(ctx context.Context, id string) (int, error) {
	var epoch int
	err := s.db.SQL.QueryRowContext(ctx, "SELECT session_epoch FROM operators WHERE id = $1", id).Scan(&epoch)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.NotFound
	}
	if err != nil {
		return 0, fmt.Errorf("load session epoch of operator %s: %w", id, err)
	}
	return epoch, nil
}
