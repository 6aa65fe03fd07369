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
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/outbox"
)

// ChangeRequest is a partner's request to change a customer's association.
type ChangeRequest struct {
	CustomerID string
	Kind       ChangeKind
	// Reason is optional, at most 256 characters.
	Reason string
}

// RequestAssociationChange files a partner's request to disassociate a
// customer or to switch its association type (referral ↔ reseller), to be
// confirmed by the customer in the portal within RequestTTL. The customer
// must be currently associated with the caller's partner and in the actor's
// data scope. The customer is told by SMS (or e-mail) through the outbox.
// Callers need PermCustomerRelation. Errors: identity.ErrForbidden;
// CBC.0100 naming kind or reason; ErrNotYourCustomer; ErrRelationPartnerFrozen;
// ErrRelationPending while the customer has an open request;
// ErrRelationTooSoon within RelationWindow of the partner's last standing
// request about the customer; a DisassociationBlocker's refusal. Not
// idempotent, but a second call while the first is open is refused.
func (s *Service) RequestAssociationChange(ctx context.Context, actor identity.Actor, in ChangeRequest) (AssociationRequest, error) {
	if !actor.Can(identity.PermCustomerRelation) || actor.PartnerID == "" {
		return AssociationRequest{}, identity.ErrForbidden
	}
	if !in.Kind.Valid() {
		return AssociationRequest{}, errParam("kind")
	}
	reason := strings.TrimSpace(in.Reason)
	if len([]rune(reason)) > maxReason {
		return AssociationRequest{}, errParam("reason")
	}
	if in.CustomerID == "" || len(in.CustomerID) > maxCustomerID {
		return AssociationRequest{}, ErrNotYourCustomer
	}
	standing, err := s.identity.PartnerStanding(ctx, actor.PartnerID)
	if err != nil {
		return AssociationRequest{}, err
	}
	if standing.Status == identity.PartnerFrozen {
		return AssociationRequest{}, ErrRelationPartnerFrozen
	}
	partnerName := actor.PartnerID
	if p, err := s.identity.PartnerForCustomer(ctx, actor.PartnerID); err == nil {
		partnerName = p.Name
	}
	now := s.clock.Now()
	req := AssociationRequest{ID: ids.New(), CustomerID: in.CustomerID, PartnerID: actor.PartnerID, Kind: in.Kind,
		Initiator: InitiatedByPartner, InitiatedBy: actor.ID, InitiatedByName: actor.Name, Reason: reason,
		Status: RequestPending, CreatedAt: now, ExpiresAt: now.Add(RequestTTL)}
	var c Customer
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		w := (&relWhere{}).add("c.id = ?", in.CustomerID).scope(actor)
		var err error
		c, err = s.oneCustomer(ctx, tx, strings.TrimPrefix(w.sql(), " WHERE "), w.args...)
		if errors.Is(err, ErrCustomerNotFound) {
			return ErrNotYourCustomer
		}
		if err != nil {
			return err
		}
		a, err := scanAssociation(tx.QueryRowContext(ctx, associationSelect+" WHERE customer_id = $1 AND partner_id = $2 AND ended_at IS NULL",
			in.CustomerID, actor.PartnerID))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotYourCustomer
		}
		if err != nil {
			return err
		}
		req.AssociationID, req.FromType, req.CustomerName = a.ID, a.Type, c.DomainName
		if in.Kind == ChangeSwitchType {
			req.ToType = Referral
			if a.Type == Referral {
				req.ToType = Reseller
			}
		}
		if err := s.openGate(ctx, tx, in.CustomerID, actor.PartnerID, InitiatedByPartner, now); err != nil {
			return err
		}
		if err := s.checkBlockers(ctx, tx, in.CustomerID, actor.PartnerID, in.Kind); err != nil {
			return err
		}
		if err := insertRequest(ctx, tx, req); err != nil {
			return err
		}
		if msg, ok := requestNotice(c, req, partnerName); ok {
			if _, err := s.outbox.EnqueueTx(ctx, tx, msg); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, actor.PartnerID, "customer.relation_request", in.CustomerID, string(in.Kind), now)
	})
	if err != nil {
		return AssociationRequest{}, relErr("request association change", in.CustomerID, err)
	}
	return req, nil
}

// RequestDisassociationByCustomer files the signed-in customer's request to
// end its association with its partner, for the partner to approve or
// reject within RequestTTL. The caller is the customer itself (the portal
// passes the session's customer id). Errors: CBC.0100 naming reason;
// ErrRelationNotAssociated; ErrRelationPending; ErrRelationTooSoon within
// RelationWindow of the customer's last standing request; a
// DisassociationBlocker's refusal. Not idempotent, but a second call while
// the first is open is refused.
func (s *Service) RequestDisassociationByCustomer(ctx context.Context, customerID, reason string) (AssociationRequest, error) {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > maxReason {
		return AssociationRequest{}, errParam("reason")
	}
	c, err := s.CustomerByID(ctx, customerID)
	if err != nil {
		return AssociationRequest{}, err
	}
	now := s.clock.Now()
	req := AssociationRequest{ID: ids.New(), CustomerID: c.ID, Kind: ChangeDisassociate, Initiator: InitiatedByCustomer,
		InitiatedBy: c.ID, InitiatedByName: c.DomainName, Reason: reason, Status: RequestPending, CreatedAt: now,
		ExpiresAt: now.Add(RequestTTL), CustomerName: c.DomainName}
	actor := customerActor(c)
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		a, err := scanAssociation(tx.QueryRowContext(ctx, associationSelect+" WHERE customer_id = $1 AND ended_at IS NULL", c.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrRelationNotAssociated
		}
		if err != nil {
			return err
		}
		req.PartnerID, req.AssociationID, req.FromType = a.PartnerID, a.ID, a.Type
		if err := s.openGate(ctx, tx, c.ID, "", InitiatedByCustomer, now); err != nil {
			return err
		}
		if err := s.checkBlockers(ctx, tx, c.ID, a.PartnerID, ChangeDisassociate); err != nil {
			return err
		}
		if err := insertRequest(ctx, tx, req); err != nil {
			return err
		}
		return audit(ctx, tx, actor, a.PartnerID, "customer.relation_request", c.ID, string(ChangeDisassociate), now)
	})
	if err != nil {
		return AssociationRequest{}, relErr("file disassociation request", c.ID, err)
	}
	return req, nil
}

// openGate marks the customer's stale open request expired, then refuses
// while another is open, or within RelationWindow of the last standing
// request of initiator (by partnerID only, when given).
func (s *Service) openGate(ctx context.Context, tx *sql.Tx, customerID, partnerID string, who Initiator, now time.Time) error {
	if err := expireStale(ctx, tx, customerID, now); err != nil {
		return err
	}
	var open int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM association_requests WHERE customer_id = $1 AND status = 'pending'",
		customerID).Scan(&open); err != nil {
		return err
	}
	if open > 0 {
		return ErrRelationPending
	}
	last, err := s.lastStandingRequest(ctx, tx, customerID, partnerID, who, now)
	if err != nil {
		return err
	}
	if next := windowEnd(last); now.Before(next) {
		return ErrRelationTooSoon.With("next", next.In(chinaTime).Format("2006-01-02"))
	}
	return nil
}

// chinaTime is where the dates in messages are read.
var chinaTime = time.FixedZone("CST", 8*3600)

// expireStale marks the customer's open request expired once past its
// time, so that a new one can be filed.
func expireStale(ctx context.Context, tx *sql.Tx, customerID string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE association_requests SET status = 'expired', decided_at = expires_at
		WHERE customer_id = $1 AND status = 'pending' AND expires_at <= $2`, customerID, now)
	return err
}

func insertRequest(ctx context.Context, tx *sql.Tx, r AssociationRequest) error {
	var toType any
	if r.ToType != 0 {
		toType = int(r.ToType)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO association_requests (id, customer_id, partner_id, association_id, kind,
		from_type, to_type, initiator, initiated_by, initiated_by_name, reason, status, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12, $13)`,
		r.ID, r.CustomerID, r.PartnerID, r.AssociationID, string(r.Kind), int(r.FromType), toType, string(r.Initiator),
		r.InitiatedBy, r.InitiatedByName, r.Reason, r.CreatedAt, r.ExpiresAt)
	if db.IsUniqueViolation(err) {
		return ErrRelationPending
	}
	return err
}

// customerActor names the customer in audit rows.
func customerActor(c Customer) identity.Actor {
	return identity.Actor{Kind: identity.ActorKind("customer"), ID: c.ID, Name: c.DomainName}
}

// relErr keeps application errors as they are and wraps the rest.
func relErr(op, id string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := apperr.As(err); ok {
		return err
	}
	return fmt.Errorf("%s %s: %w", op, id, err)
}

// customerReceiver is where the customer's codes and notices go: its
// mobile ("+8613800000000") by SMS, else its e-mail.
func customerReceiver(c Customer) (string, outbox.Channel, bool) {
	switch {
	case c.Mobile != "":
		cc := strings.TrimLeft(c.MobileCountryCode, "+0")
		if cc == "" {
			cc = "86"
		}
		return "+" + cc + c.Mobile, outbox.SMS, true
	case c.Email != "":
		return normEmail(c.Email), outbox.Email, true
	}
	return "", "", false
}

// requestNotice tells the customer that its partner (named partnerName)
// asks for a change and where to answer it; false when the customer has no
// contact.
func requestNotice(c Customer, r AssociationRequest, partnerName string) (outbox.Message, bool) {
	to, channel, ok := customerReceiver(c)
	if !ok {
		return outbox.Message{}, false
	}
	lang := i18n.ZH
	if channel == outbox.Email && c.DomainArea != "" && c.DomainArea != "CN" {
		lang = i18n.EN
	}
	args := map[string]any{"partner": partnerName, "change": i18n.T(lang, r.Kind.MessageKey(), nil),
		"days": int(RequestTTL.Hours() / 24)}
	body := i18n.T(lang, "relations.notice.body", args)
	if channel == outbox.SMS {
		return outbox.Message{Channel: outbox.SMS, To: to, Body: body}, true
	}
	return outbox.Message{Channel: outbox.Email, To: to, Subject: i18n.T(lang, "relations.notice.subject", args), Body: body}, true
}
