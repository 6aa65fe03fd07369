package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// PartnerStanding is what another domain checks before it acts for a
// partner: its type, its standing and its distributor's, and whether it is
// a test account. It carries no personal data.
type PartnerStanding struct {
	ID           string
	Type         PartnerType
	Status       PartnerStatus
	IsTest       bool
	XAccountType string
	// ParentID and ParentStatus are a cloud reseller's distributor and its
	// standing; empty for other partners.
	ParentID     string
	ParentStatus PartnerStatus
}

// PartnerStanding returns a partner's standing without an actor check: the
// caller (a domain service) has already established who is asking and uses
// it only to apply its own rules. Returns ErrPartnerNotFound. Read-only.
func (s *Service) PartnerStanding(ctx context.Context, partnerID string) (PartnerStanding, error) {
	var st PartnerStanding
	var parentStatus sql.NullString
	err := s.db.SQL.QueryRowContext(ctx, `SELECT p.id, p.type, p.status, p.is_test, p.xaccount_type,
		COALESCE(p.parent_id, ''), d.status
		FROM partners p LEFT JOIN partners d ON d.id = p.parent_id
		WHERE p.id = $1`, partnerID).
		Scan(&st.ID, &st.Type, &st.Status, &st.IsTest, &st.XAccountType, &st.ParentID, &parentStatus)
	if errors.Is(err, sql.ErrNoRows) {
		return PartnerStanding{}, ErrPartnerNotFound
	}
	if err != nil {
		return PartnerStanding{}, fmt.Errorf("load standing of partner %s: %w", partnerID, err)
	}
	st.ParentStatus = PartnerStatus(parentStatus.String)
	return st, nil
}

// SetPartnerTest marks a partner as a test account (or not); test accounts
// may not create customers. Platform admins and ecosystem managers only.
// Returns ErrPartnerNotFound. Idempotent.
func (s *Service) SetPartnerTest(ctx context.Context, actor Actor, partnerID string, isTest bool) error {
	if err := requireOperator(actor, RolePlatformAdmin, RoleEcoManager); err != nil {
		return err
	}
	return s.updatePartner(ctx, actor, partnerID, "partner.test_account", fmt.Sprint(isTest),
		"UPDATE partners SET is_test = $1, updated_at = $2 WHERE id = $3", isTest)
}

// AccountNameInUse reports whether a partner's account uses name, compared
// without regard to case, so that customer accounts never take a partner's
// account name. Read-only; it reveals nothing but the fact, as the cloud's
// own registration check does.
func (s *Service) AccountNameInUse(ctx context.Context, name string) (bool, error) {
	var used bool
	err := s.db.SQL.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM partners WHERE LOWER(domain_name) = $1)",
		strings.ToLower(name)).Scan(&used)
	if err != nil {
		return false, fmt.Errorf("check account name: %w", err)
	}
	return used, nil
}

// MemberAccountNames returns the account names of the given members of one
// partner, by id; ids of other partners' members are left out. For lists
// that show who a row is assigned to. Read-only.
func (s *Service) MemberAccountNames(ctx context.Context, partnerID string, memberIDs []string) (map[string]string, error) {
	out := make(map[string]string, len(memberIDs))
	if len(memberIDs) == 0 {
		return out, nil
	}
	args := []any{partnerID}
	marks := make([]string, len(memberIDs))
	for i, id := range memberIDs {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := s.db.SQL.QueryContext(ctx, "SELECT id, account_name FROM members WHERE partner_id = $1 AND id IN ("+
		strings.Join(marks, ", ")+")", args...)
	if err != nil {
		return nil, fmt.Errorf("load member names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}
