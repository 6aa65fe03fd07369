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
)

// Freeze types of FreezeCustomers and UnfreezeCustomers.
const (
	FreezeTypeAccount            = "ACCOUNT"
	FreezeTypeAccountAndResource = "ACCOUNT_AND_RESOURCE"
)

// FreezeRequest is the body of freezing or unfreezing customers
// (reference/cbc-api.md §4.2).
type FreezeRequest struct {
	// CustomerIDs are 1 to 10 customer ids; repeats count once.
	CustomerIDs []string
	// Reason is required, at most 256 characters.
	Reason string
	// IndirectPartnerID names a distributor's cloud reseller whose
	// customers these are.
	IndirectPartnerID *string
	// Type is FreezeTypeAccount (absent) or FreezeTypeAccountAndResource;
	// an unfreeze must name the type the customer was frozen with.
	Type *string
}

// ItemError is why one customer of a batch failed; the others succeeded.
type ItemError struct {
	ID  string
	Err *apperr.Error
}

// FreezeCustomers freezes reseller-model customers of the caller (or of a
// distributor's cloud reseller): a frozen customer may not buy, renew or
// change anything, and with FreezeTypeAccountAndResource its resources stop
// too. Callers need PermCustomerFreeze; the data scope applies. The batch
// succeeds for the customers it can and returns the others as ItemErrors:
// ErrNotYourCustomer (unknown, another partner's, or outside the scope),
// ErrNotResellerModel. Request errors: CBC.0100 naming customer_ids, reason
// or freeze_type; ErrNotYourReseller. Idempotent: freezing a frozen customer
// again keeps the stronger freeze and succeeds.
func (s *Service) FreezeCustomers(ctx context.Context, actor identity.Actor, in FreezeRequest) ([]ItemError, error) {
	if !actor.Can(identity.PermCustomerFreeze) {
		return nil, identity.ErrForbidden
	}
	return s.setFrozen(ctx, actor, in, true)
}

// UnfreezeCustomers lifts the freeze of reseller-model customers of the
// caller (or of a distributor's cloud reseller). The type must be the one
// the customer was frozen with, else the customer fails with
// ErrUnfreezeTypeMismatch. Callers need PermCustomerUnfreeze; the data scope
// applies; otherwise as FreezeCustomers. Idempotent: unfreezing a customer
// that is not frozen succeeds.
func (s *Service) UnfreezeCustomers(ctx context.Context, actor identity.Actor, in FreezeRequest) ([]ItemError, error) {
	if !actor.Can(identity.PermCustomerUnfreeze) {
		return nil, identity.ErrForbidden
	}
	return s.setFrozen(ctx, actor, in, false)
}

func (s *Service) setFrozen(ctx context.Context, actor identity.Actor, in FreezeRequest, freeze bool) ([]ItemError, error) {
	typeField := "unfreeze_type"
	if freeze {
		typeField = "freeze_type"
	}
	if len(in.CustomerIDs) == 0 || len(in.CustomerIDs) > maxFreezeIDs {
		return nil, errParam("customer_ids")
	}
	var ids []string
	seen := map[string]bool{}
	for _, id := range in.CustomerIDs {
		if id == "" || len(id) > maxCustomerID {
			return nil, errParam("customer_ids")
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	reason := strings.TrimSpace(in.Reason)
	if reason == "" || len([]rune(reason)) > maxReason {
		return nil, errParam("reason")
	}
	state := FrozenAccount
	if in.Type != nil {
		switch *in.Type {
		case FreezeTypeAccount:
		case FreezeTypeAccountAndResource:
			state = FrozenAccountAndResource
		default:
			return nil, errParam(typeField)
		}
	}
	indirectID := ""
	if in.IndirectPartnerID != nil {
		indirectID = *in.IndirectPartnerID
	}
	o, err := s.ownerFor(ctx, actor, indirectID)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var failed []ItemError
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		failed = failed[:0]
		for _, id := range ids {
			current, err := s.lockOwnCustomer(ctx, tx, actor, o.partner.ID, id)
			if err != nil {
				if e, ok := apperr.As(err); ok {
					failed = append(failed, ItemError{ID: id, Err: e})
					continue
				}
				return err
			}
			next := current
			switch {
			case freeze && current < state:
				next = state
			case !freeze && current == NotFrozen:
			case !freeze && current != state:
				failed = append(failed, ItemError{ID: id, Err: ErrUnfreezeTypeMismatch})
				continue
			case !freeze:
				next = NotFrozen
			}
			if next != current {
				if _, err := tx.ExecContext(ctx, `UPDATE customers SET frozen = $1, freeze_reason = $2, frozen_at = $3, updated_at = $4
					WHERE id = $5`, next, reasonIf(next != NotFrozen, reason), frozenAt(next, now), now, id); err != nil {
					return err
				}
			}
			action := "customer.unfreeze"
			if freeze {
				action = "customer.freeze"
			}
			if err := audit(ctx, tx, actor, o.partner.ID, action, id, fmt.Sprintf("%d→%d %s", current, next, reason), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set frozen: %w", err)
	}
	return failed, nil
}

// lockOwnCustomer locks a customer currently associated with partnerID and
// within the actor's scope and returns its freeze state; ErrNotYourCustomer
// when there is none, ErrNotResellerModel for a referral customer.
func (s *Service) lockOwnCustomer(ctx context.Context, tx *sql.Tx, actor identity.Actor, partnerID, id string) (FreezeState, error) {
	query := `UPDATE customers SET frozen = frozen WHERE id = $1 AND EXISTS (SELECT 1 FROM customer_associations a
		WHERE a.customer_id = customers.id AND a.partner_id = $2 AND a.ended_at IS NULL)`
	args := []any{id, partnerID}
	if cond, scopeArgs := actor.Scope.SQL("customers.account_manager_id", 3); cond != "" {
		query += " AND " + cond
		args = append(args, scopeArgs...)
	}
	var state FreezeState
	var typ AssociationType
	err := tx.QueryRowContext(ctx, query+` RETURNING frozen, (SELECT a.type FROM customer_associations a
		WHERE a.customer_id = customers.id AND a.ended_at IS NULL)`, args...).Scan(&state, &typ)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, ErrNotYourCustomer
	case err != nil:
		return 0, err
	case typ != Reseller:
		return 0, ErrNotResellerModel
	}
	return state, nil
}

func reasonIf(keep bool, reason string) string {
	if keep {
		return reason
	}
	return ""
}

func frozenAt(state FreezeState, now time.Time) any {
	if state == NotFrozen {
		return nil
	}
	return now
}
