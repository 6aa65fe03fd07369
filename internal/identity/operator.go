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
)

// OperatorRole is a role on the cloud side.
type OperatorRole string

const (
	RolePlatformAdmin OperatorRole = "platform_admin"
	RoleEcoManager    OperatorRole = "eco_manager"
	RoleReviewer      OperatorRole = "reviewer"
)

// Operator is a cloud-side user of the operator console.
type Operator struct {
	ID          string
	Username    string
	DisplayName string
	Roles       []OperatorRole
	Email       string
	Mobile      string
	Status      string
	CreatedAt   time.Time
	// MustChangePassword is set for operators created with a one-time
	// password (CreateOperatorBy, ResetOperatorPassword).
	MustChangePassword bool
	// SessionEpoch grows when the password changes or the operator is
	// disabled (see OperatorSessionEpoch).
	SessionEpoch int
}

// NewOperator is what creating an operator takes.
type NewOperator struct {
	Username    string
	DisplayName string
	Password    string
	Roles       []OperatorRole
	Email       string
}

// ErrUsernameTaken is returned when an operator name is in use.
var ErrUsernameTaken = apperr.New("PC.0409", "err.username_taken")

// CreateOperator adds an operator. It is the bootstrap path (demo data, first
// administrator) and so takes no actor; consoles reach it through callers that
// have checked the caller is a platform admin.
func (s *Service) CreateOperator(ctx context.Context, in NewOperator) (Operator, error) {
	if strings.TrimSpace(in.Username) == "" {
		return Operator{}, apperr.InvalidParam.With("field", "username")
	}
	if err := CheckPasswordPolicy(in.Password, in.Username); err != nil {
		return Operator{}, err
	}
	op := Operator{
		ID: ids.New(), Username: strings.TrimSpace(in.Username), DisplayName: in.DisplayName,
		Roles: in.Roles, Email: in.Email, Status: "active", CreatedAt: s.clock.Now(),
	}
	if op.DisplayName == "" {
		op.DisplayName = op.Username
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO operators
			(id, username, display_name, password_hash, roles, email, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			op.ID, op.Username, op.DisplayName, HashPassword(in.Password), joinRoles(op.Roles), op.Email, op.Status, op.CreatedAt)
		return err
	})
	if db.IsUniqueViolation(err) {
		return Operator{}, ErrUsernameTaken
	}
	if err != nil {
		return Operator{}, fmt.Errorf("create operator %s: %w", op.Username, err)
	}
	return op, nil
}

// OperatorByUsername returns an operator, or ErrNotFound.
func (s *Service) OperatorByUsername(ctx context.Context, username string) (Operator, error) {
	return s.scanOperator(s.db.SQL.QueryRowContext(ctx, operatorSelect+" WHERE username = $1", username))
}

// OperatorByID returns an operator, or ErrNotFound.
func (s *Service) OperatorByID(ctx context.Context, id string) (Operator, error) {
	return s.scanOperator(s.db.SQL.QueryRowContext(ctx, operatorSelect+" WHERE id = $1", id))
}

const operatorSelect = `SELECT id, username, display_name, roles, email, mobile, status, created_at,
	must_change_password, session_epoch FROM operators`

func (s *Service) scanOperator(row *sql.Row) (Operator, error) {
	var op Operator
	var roles string
	err := row.Scan(&op.ID, &op.Username, &op.DisplayName, &roles, &op.Email, &op.Mobile, &op.Status, &op.CreatedAt,
		&op.MustChangePassword, &op.SessionEpoch)
	if errors.Is(err, sql.ErrNoRows) {
		return Operator{}, apperr.NotFound
	}
	if err != nil {
		return Operator{}, fmt.Errorf("load operator: %w", err)
	}
	op.Roles = splitRoles(roles)
	return op, nil
}

// OperatorActor returns the actor for a signed-in operator.
func (op Operator) Actor() Actor {
	return Actor{Kind: ActorOperator, ID: op.ID, Name: op.Username, OperatorRoles: op.Roles, Scope: AllScope()}
}

func joinRoles(roles []OperatorRole) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func splitRoles(s string) []OperatorRole {
	var out []OperatorRole
	for _, r := range strings.Split(s, ",") {
		if r != "" {
			out = append(out, OperatorRole(r))
		}
	}
	return out
}
