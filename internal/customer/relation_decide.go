package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/ids"
)

// loadOpenRequest loads a request for a decision: the customer's own
// (customerID given) or the actor's partner's within its data scope.
// A pending request past its time is ErrRequestExpired (and is marked so by
// the caller's next write); any other answered one ErrRequestNotPending.
func (s *Service) loadOpenRequest(ctx context.Context, w *relWhere, who Initiator) (AssociationRequest, error) {
	rs, err := s.queryRequests(ctx, w, s.clock.Now(), 1, 0)
	if err != nil {
		return AssociationRequest{}, err
	}
	if len(rs) == 0 || rs[0].Initiator != who {
		return AssociationRequest{}, ErrRequestNotFound
	}
	switch rs[0].Status {
	case RequestPending:
		return rs[0], nil
	case RequestExpired:
		return AssociationRequest{}, ErrRequestExpired
	}
	return AssociationRequest{}, ErrRequestNotPending
}

// customerRequest loads the customer's own open request of who.
func (s *Service) customerRequest(ctx context.Context, customerID, requestID string, who Initiator) (AssociationRequest, error) {
	if requestID == "" || len(requestID) > maxCustomerID {
		return AssociationRequest{}, ErrRequestNotFound
	}
	return s.loadOpenRequest(ctx, (&relWhere{}).add("r.id = ?", requestID).add("r.customer_id = ?", customerID), who)
}

// partnerRequest loads an open request of who concerning the actor's
// partner, within the actor's data scope.
func (s *Service) partnerRequest(ctx context.Context, actor identity.Actor, requestID string, who Initiator) (AssociationRequest, error) {
	if !actor.Can(identity.PermCustomerRelation) || actor.PartnerID == "" {
		return AssociationRequest{}, identity.ErrForbidden
	}
	if requestID == "" || len(requestID) > maxCustomerID {
		return AssociationRequest{}, ErrRequestNotFound
	}
	return s.loadOpenRequest(ctx, (&relWhere{}).add("r.id = ?", requestID).add("r.partner_id = ?", actor.PartnerID).scope(actor), who)
}

// SendRelationCode sends the signed-in customer a 6-digit code to confirm
// its partner's request requestID: by SMS to its mobile (else by e-mail)
// through the outbox, valid DefaultCodeTTL, under the same per-receiver
// caps as registration codes. Errors: ErrRequestNotFound (also for another
// customer's request); ErrRequestNotPending; ErrRequestExpired;
// ErrRelationNoContact; ErrCodeSendLimit. Not idempotent: every call sends a
// code, replacing the last.
func (s *Service) SendRelationCode(ctx context.Context, customerID, requestID string) error {
	r, err := s.customerRequest(ctx, customerID, requestID, InitiatedByPartner)
	if err != nil {
		return err
	}
	c, err := s.CustomerByID(ctx, customerID)
	if err != nil {
		return err
	}
	return s.sendSceneCode(ctx, c, r.PartnerID, SceneAssociationChange)
}

// ConfirmAssociationRequest is the customer's 立即处理 > 确认 of its partner's
// request, with the code SendRelationCode sent: the change completes in one
// transaction (see the package rules in relation.go). The caller is the
// customer itself. Errors: ErrRequestNotFound; ErrRequestNotPending (also
// when a concurrent confirmation won); ErrRequestExpired; ErrCodeWrong,
// ErrCodeExpired, ErrCodeAttempts (a wrong code costs a try even though
// nothing else happens); ErrAssociationChanged; a DisassociationBlocker's
// refusal; an error of the hooks rolls everything back. Not idempotent:
// the second call finds the request completed.
func (s *Service) ConfirmAssociationRequest(ctx context.Context, customerID, requestID, code string) (AssociationRequest, error) {
	r, err := s.customerRequest(ctx, customerID, requestID, InitiatedByPartner)
	if err != nil {
		return AssociationRequest{}, err
	}
	c, err := s.CustomerByID(ctx, customerID)
	if err != nil {
		return AssociationRequest{}, err
	}
	receiver, _, ok := customerReceiver(c)
	if !ok {
		return AssociationRequest{}, ErrRelationNoContact
	}
	hash, err := s.checkSceneCode(ctx, r.PartnerID, receiver, SceneAssociationChange, strings.TrimSpace(code), r.CreatedAt)
	if err != nil {
		return AssociationRequest{}, err
	}
	now := s.clock.Now()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := consumeSceneCode(ctx, tx, r.PartnerID, receiver, SceneAssociationChange, hash, now); err != nil {
			return err
		}
		return s.complete(ctx, tx, &r, customerActor(c), "", now)
	})
	if err != nil {
		return AssociationRequest{}, relErr("confirm association request", requestID, err)
	}
	return r, nil
}

// DeclineAssociationRequest is the customer's 拒绝 of its partner's request;
// nothing changes but the request. The caller is the customer itself.
// Errors: ErrRequestNotFound; ErrRequestNotPending; ErrRequestExpired. Not
// idempotent: the second call finds the request answered.
func (s *Service) DeclineAssociationRequest(ctx context.Context, customerID, requestID string) error {
	r, err := s.customerRequest(ctx, customerID, requestID, InitiatedByPartner)
	if err != nil {
		return err
	}
	c, err := s.CustomerByID(ctx, customerID)
	if err != nil {
		return err
	}
	return s.answer(ctx, r, customerActor(c), RequestDeclined, "")
}

// ApproveAssociationRequest is the partner's 同意 of a customer's
// disassociation request: the disassociation completes in one transaction.
// Callers need PermCustomerRelation; the partner filter and the data scope
// apply. Errors: identity.ErrForbidden; ErrRequestNotFound (also another
// partner's or out-of-scope request); ErrRequestNotPending; ErrRequestExpired;
// ErrAssociationChanged; a DisassociationBlocker's refusal; a hook's error
// rolls everything back. Not idempotent.
func (s *Service) ApproveAssociationRequest(ctx context.Context, actor identity.Actor, requestID string) (AssociationRequest, error) {
	r, err := s.partnerRequest(ctx, actor, requestID, InitiatedByCustomer)
	if err != nil {
		return AssociationRequest{}, err
	}
	now := s.clock.Now()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error { return s.complete(ctx, tx, &r, actor, "", now) })
	if err != nil {
		return AssociationRequest{}, relErr("approve association request", requestID, err)
	}
	return r, nil
}

// RejectAssociationRequest is the partner's 驳回 of a customer's
// disassociation request, with a mandatory reason (at most 256
// characters) the customer sees. Callers need PermCustomerRelation; the
// partner filter and the data scope apply. Errors: identity.ErrForbidden;
// ErrRejectReasonRequired; CBC.0100 naming reason; ErrRequestNotFound;
// ErrRequestNotPending; ErrRequestExpired. Not idempotent.
func (s *Service) RejectAssociationRequest(ctx context.Context, actor identity.Actor, requestID, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		if !actor.Can(identity.PermCustomerRelation) {
			return identity.ErrForbidden
		}
		return ErrRejectReasonRequired
	}
	if len([]rune(reason)) > maxReason {
		return errParam("reason")
	}
	r, err := s.partnerRequest(ctx, actor, requestID, InitiatedByCustomer)
	if err != nil {
		return err
	}
	return s.answer(ctx, r, actor, RequestRejected, reason)
}

// answer closes an open request without a change.
func (s *Service) answer(ctx context.Context, r AssociationRequest, by identity.Actor, status RequestStatus, reason string) error {
	now := s.clock.Now()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE association_requests SET status = $1, decided_by = $2, decided_by_name = $3,
			decision_reason = $4, decided_at = $5 WHERE id = $6 AND status = 'pending' AND expires_at > $5`,
			string(status), by.ID, by.Name, reason, now, r.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrRequestNotPending
		}
		return audit(ctx, tx, by, r.PartnerID, "customer.relation_"+string(status), r.CustomerID, reason, now)
	})
	return relErr("answer association request", r.ID, err)
}

// complete carries out an open request in tx (see relation.go): the
// conditional updates make a concurrent second completion find nothing to
// do (ErrRequestNotPending), and the unique index on current associations
// stops a second one starting.
func (s *Service) complete(ctx context.Context, tx *sql.Tx, r *AssociationRequest, by identity.Actor, reason string, now time.Time) error {
	var newID any
	if r.Kind == ChangeSwitchType {
		newID = ids.New()
	}
	res, err := tx.ExecContext(ctx, `UPDATE association_requests SET status = 'completed', decided_by = $1, decided_by_name = $2,
		decision_reason = $3, decided_at = $4, new_association_id = $5 WHERE id = $6 AND status = 'pending' AND expires_at > $4`,
		by.ID, by.Name, reason, now, newID, r.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrRequestNotPending
	}
	// End the association before asking the blockers: the update waits
	// for every transaction holding it (HoldAssociation), so the blockers
	// and the hooks below see what those did, and those that come later
	// see it ended.
	res, err = tx.ExecContext(ctx, `UPDATE customer_associations SET ended_at = $1
		WHERE id = $2 AND customer_id = $3 AND partner_id = $4 AND ended_at IS NULL`, now, r.AssociationID, r.CustomerID, r.PartnerID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrAssociationChanged
	}
	if err := s.checkBlockers(ctx, tx, r.CustomerID, r.PartnerID, r.Kind); err != nil {
		return err
	}
	c, err := s.oneCustomer(ctx, tx, "c.id = $1", r.CustomerID)
	if err != nil {
		return err
	}
	switch r.Kind {
	case ChangeSwitchType:
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at)
			VALUES ($1, $2, $3, $4, $5)`, newID, r.CustomerID, r.PartnerID, int(r.ToType), now); err != nil {
			return err
		}
		// A reseller-model association starts frozen until the partner
		// unfreezes the customer (console.md §4.3); the partner may freeze
		// only reseller-model customers, so a switch to referral lifts its
		// freeze.
		if r.ToType == Reseller {
			if c.FreezeState == NotFrozen {
				if _, err := tx.ExecContext(ctx, `UPDATE customers SET frozen = $1, freeze_reason = $2, frozen_at = $3, updated_at = $3
					WHERE id = $4`, FrozenAccount, resellerSwitchReason, now, c.ID); err != nil {
					return err
				}
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE customers SET frozen = 0, freeze_reason = '', frozen_at = NULL, updated_at = $1
			WHERE id = $2`, now, c.ID); err != nil {
			return err
		}
	case ChangeDisassociate:
		if err := s.endPartnership(ctx, tx, c, r.PartnerID, now); err != nil {
			return err
		}
	}
	if s.rel.hook != nil {
		if err := s.rel.hook.OnDisassociated(ctx, tx, r.CustomerID, r.PartnerID, string(r.Kind)); err != nil {
			return fmt.Errorf("disassociation hook: %w", err)
		}
	}
	detail := string(r.Kind)
	if r.Kind == ChangeSwitchType {
		detail = fmt.Sprintf("%s %d→%d", r.Kind, r.FromType, r.ToType)
	}
	r.Status, r.DecidedByName, r.DecidedAt = RequestCompleted, by.Name, now
	return audit(ctx, tx, by, r.PartnerID, "customer.relation_completed", r.CustomerID, detail, now)
}

// resellerSwitchReason is the freeze reason of a switch to the reseller
// model.
const resellerSwitchReason = "association switched to reseller model"

// endPartnership clears what belonged to the ended partnership: the
// account manager (a member of the partner), the partner's freeze, and the
// binding to the partner's platform, whose end the partner is told of
// through the BindHook's UnboundTx as UnbindSSO does. A binding to another
// platform (or none) is left alone and nobody is told.
func (s *Service) endPartnership(ctx context.Context, tx *sql.Tx, c Customer, partnerID string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET account_manager_id = NULL, frozen = 0, freeze_reason = '',
		frozen_at = NULL, updated_at = $1 WHERE id = $2`, now, c.ID); err != nil {
		return err
	}
	if c.XAccountID == "" {
		return nil
	}
	var platform string
	err := tx.QueryRowContext(ctx, "SELECT xaccount_type FROM partners WHERE id = $1", partnerID).Scan(&platform)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case platform != c.XAccountType:
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET xaccount_type = NULL, xaccount_id = NULL, updated_at = $1
		WHERE id = $2`, now, c.ID); err != nil {
		return err
	}
	if s.bindHook != nil {
		if err := s.bindHook.UnboundTx(ctx, tx, partnerID, c); err != nil {
			return fmt.Errorf("bind hook: %w", err)
		}
	}
	return nil
}
