package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
)

// Errors of assigning account managers (客户分配).
var (
	// ErrAssigneeInvalid: the member is unknown, another partner's, or
	// disabled.
	ErrAssigneeInvalid = apperr.New("CBC.0100", "err.customers_assignee_invalid")
	// ErrAssigneeOutOfScope: a director may assign only the account
	// managers of its own team (and itself).
	ErrAssigneeOutOfScope = apperr.New("CBC.0151", "err.customers_assignee_out_of_scope")
)

// AssignAccountManager assigns one account manager — an active member of
// the actor's partner, within the actor's data scope — to customers
// currently associated with the partner and within the actor's scope (a
// director reassigns among its team; the main account and administrators
// assign anyone). The assignment drives the data scope at once. Callers need
// PermCustomerAssign. The batch (1 to MaxListLimit ids) succeeds for the
// customers it can and returns the others as ItemErrors with
// ErrNotYourCustomer. Request errors: CBC.0100 naming customer_ids,
// ErrAssigneeInvalid, ErrAssigneeOutOfScope. Idempotent.
func (s *Service) AssignAccountManager(ctx context.Context, actor identity.Actor, customerIDs []string, memberID string) ([]ItemError, error) {
	if !actor.Can(identity.PermCustomerAssign) || actor.PartnerID == "" {
		return nil, identity.ErrForbidden
	}
	list, err := assignIDs(customerIDs)
	if err != nil {
		return nil, err
	}
	m, err := s.identity.MemberByID(ctx, actor.PartnerID, memberID)
	if errors.Is(err, apperr.NotFound) || (err == nil && m.Status != identity.MemberActive) {
		return nil, ErrAssigneeInvalid
	}
	if err != nil {
		return nil, err
	}
	if !actor.Scope.Allows(m.ID) {
		return nil, ErrAssigneeOutOfScope
	}
	return s.setManager(ctx, actor, list, m.ID)
}

// UnassignAccountManager takes customers back from their account managers
// (收回客户): they become unassigned, visible only to members who see all
// the partner's customers. Same callers, batch rules and errors as
// AssignAccountManager. Idempotent.
func (s *Service) UnassignAccountManager(ctx context.Context, actor identity.Actor, customerIDs []string) ([]ItemError, error) {
	if !actor.Can(identity.PermCustomerAssign) || actor.PartnerID == "" {
		return nil, identity.ErrForbidden
	}
	list, err := assignIDs(customerIDs)
	if err != nil {
		return nil, err
	}
	return s.setManager(ctx, actor, list, "")
}

// AssignCandidates lists the members the actor may assign customers to:
// the partner's active members within its data scope. Callers need
// PermCustomerAssign. Read-only.
func (s *Service) AssignCandidates(ctx context.Context, actor identity.Actor) ([]identity.MemberRef, error) {
	if !actor.Can(identity.PermCustomerAssign) || actor.PartnerID == "" {
		return nil, identity.ErrForbidden
	}
	all, err := s.identity.ActiveMemberRefs(ctx, actor.PartnerID)
	if err != nil {
		return nil, err
	}
	var out []identity.MemberRef
	for _, m := range all {
		if actor.Scope.Allows(m.ID) {
			out = append(out, m)
		}
	}
	return out, nil
}

// MemberDeleting implements identity.MemberDeleteHook: a deleted member's
// customers become unassigned in the deletion's transaction, so none keeps
// pointing at a member that no longer exists.
func (s *Service) MemberDeleting(ctx context.Context, tx *sql.Tx, partnerID, memberID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE customers SET account_manager_id = NULL, updated_at = $1
		WHERE account_manager_id = $2 AND id IN (SELECT customer_id FROM customer_associations WHERE partner_id = $3)`,
		s.clock.Now(), memberID, partnerID)
	if err != nil {
		return fmt.Errorf("unassign customers of member %s: %w", memberID, err)
	}
	return nil
}

func assignIDs(customerIDs []string) ([]string, error) {
	var list []string
	seen := map[string]bool{}
	for _, id := range customerIDs {
		if id == "" || len(id) > maxCustomerID {
			return nil, errParam("customer_ids")
		}
		if !seen[id] {
			seen[id] = true
			list = append(list, id)
		}
	}
	if len(list) == 0 || len(list) > MaxListLimit {
		return nil, errParam("customer_ids")
	}
	return list, nil
}

// setManager sets the account manager of each customer (managerID "" to
// unassign) in one transaction, with an audit row each.
func (s *Service) setManager(ctx context.Context, actor identity.Actor, list []string, managerID string) ([]ItemError, error) {
	var manager any
	action := "customer.unassign"
	if managerID != "" {
		manager, action = managerID, "customer.assign"
	}
	now := s.clock.Now()
	var failed []ItemError
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		failed = failed[:0]
		for _, id := range list {
			query := `UPDATE customers SET account_manager_id = $1, updated_at = $2 WHERE id = $3
				AND EXISTS (SELECT 1 FROM customer_associations a
				WHERE a.customer_id = customers.id AND a.partner_id = $4 AND a.ended_at IS NULL)`
			args := []any{manager, now, id, actor.PartnerID}
			if cond, scopeArgs := actor.Scope.SQL("customers.account_manager_id", len(args)+1); cond != "" {
				query += " AND " + cond
				args = append(args, scopeArgs...)
			}
			res, err := tx.ExecContext(ctx, query, args...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				failed = append(failed, ItemError{ID: id, Err: ErrNotYourCustomer})
				continue
			}
			if err := audit(ctx, tx, actor, actor.PartnerID, action, id, managerID, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set account manager: %w", err)
	}
	return failed, nil
}

// AssignListCustomers lists the actor's partner's own customers for the
// 客户分配 page, with ConsoleCustomers' filters (Unassigned for "only
// unassigned"), masking and data scope. Callers need PermCustomerAssign.
// Read-only.
func (s *Service) AssignListCustomers(ctx context.Context, actor identity.Actor, f ListFilter) ([]ConsoleRow, int, error) {
	if !actor.Can(identity.PermCustomerAssign) {
		return nil, 0, identity.ErrForbidden
	}
	f.AllResellers, f.IndirectPartnerID = false, nil
	list, total, err := s.list(ctx, actor, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]ConsoleRow, len(list))
	for i, l := range list {
		out[i] = consoleRow(l)
	}
	return out, total, nil
}
