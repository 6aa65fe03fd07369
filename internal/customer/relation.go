package customer

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"partnercenter/internal/platform/apperr"
)

// Association changes (console.md §1.7, 关联关系管理): a partner asks to end
// a customer's association (disassociate) or to switch its type (referral ↔
// reseller), and the customer confirms in the portal with an SMS code; or
// the customer asks to be disassociated and the partner approves or
// rejects. A completed change, in one transaction: the current association
// ends; a switch starts the other type at once (a switch to the reseller
// model starts frozen, as a reseller-model association does); a
// disassociation ends the binding to the partner's platform and queues the
// unbind notice through the BindHook, as UnbindSSO does, and clears what
// belonged to the partnership (account manager, the partner's freeze); the
// DisassociationHook (coupon reclaim) runs for both kinds.
//
// Rules, with the inferred parts marked:
//   - A partner may initiate at most one change per customer in
//     RelationWindow (3 months) and a customer may file at most one
//     disassociation request in RelationWindow. The window counts from the
//     last request that still stands — completed or still pending; requests
//     declined, rejected or expired did not change anything and do not count
//     (inferred: the reference does not say which requests count).
//   - A request left unanswered expires RequestTTL (7 days) after it was
//     made (inferred). Expiry is lazy: queries treat a pending request past
//     expires_at as expired, and the next write on the customer's requests
//     marks it so.
//   - A customer has at most one open request at a time (a unique index).
//   - DisassociationBlockers (e.g. orders awaiting partner payment, from the
//     commerce domain) are asked when a request is made and again when it
//     completes; the first refusal wins.

// RelationWindow is the once-per-period limit of association changes.
const RelationWindow = 3 // months

// RequestTTL is how long a request waits for its answer.
const RequestTTL = 7 * 24 * time.Hour

// SceneAssociationChange is the verification-code scene of a customer
// confirming a partner's request (a scene of ours; the API's are 18 and 29).
const SceneAssociationChange = 90

// ChangeKind is what a request changes.
type ChangeKind string

const (
	ChangeDisassociate ChangeKind = "disassociate" // 解除关联
	ChangeSwitchType   ChangeKind = "switch_type"  // 变更关联类型
)

// Valid reports whether k is a known kind.
func (k ChangeKind) Valid() bool { return k == ChangeDisassociate || k == ChangeSwitchType }

// MessageKey is the i18n key naming the kind.
func (k ChangeKind) MessageKey() string { return "relations.kind." + string(k) }

// Initiator says who made a request.
type Initiator string

const (
	InitiatedByPartner  Initiator = "partner"
	InitiatedByCustomer Initiator = "customer"
)

// RequestStatus is where a request stands.
type RequestStatus string

const (
	RequestPending   RequestStatus = "pending"   // 待处理
	RequestCompleted RequestStatus = "completed" // 已完成
	RequestDeclined  RequestStatus = "declined"  // the customer declined the partner's request
	RequestRejected  RequestStatus = "rejected"  // the partner rejected the customer's request
	RequestExpired   RequestStatus = "expired"   // unanswered for RequestTTL
)

// RequestStatuses are the statuses in display order.
var RequestStatuses = []RequestStatus{RequestPending, RequestCompleted, RequestDeclined, RequestRejected, RequestExpired}

// Valid reports whether st is a known status.
func (st RequestStatus) Valid() bool {
	for _, v := range RequestStatuses {
		if v == st {
			return true
		}
	}
	return false
}

// AssociationRequest is one request to change an association.
type AssociationRequest struct {
	ID            string
	CustomerID    string
	PartnerID     string
	AssociationID string
	Kind          ChangeKind
	FromType      AssociationType
	// ToType is the new type of a switch; 0 for a disassociation.
	ToType          AssociationType
	Initiator       Initiator
	InitiatedBy     string
	InitiatedByName string
	Reason          string
	// Status is the effective status: a pending request past ExpiresAt is
	// RequestExpired.
	Status         RequestStatus
	DecidedByName  string
	DecisionReason string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	DecidedAt      time.Time
	// CustomerName (the account name) and PartnerName are for display;
	// partner-facing pages mask CustomerName.
	CustomerName string
	PartnerName  string
}

// Pending reports whether the request still waits for its answer.
func (r AssociationRequest) Pending() bool { return r.Status == RequestPending }

// DisassociationBlocker is asked whether a customer's association with a
// partner may end (kind says whether for a disassociation or a type
// switch). The commerce domain fills it in: orders awaiting the partner's
// payment block (console.md §1.7: cancel or pay them first). It runs when a
// request is made and again in the completing transaction (tx). A refusal
// is an *apperr.Error whose message says why; it is shown to the user as
// is. Any other error is an internal failure.
type DisassociationBlocker interface {
	CheckDisassociation(ctx context.Context, tx *sql.Tx, customerID, partnerID string, kind ChangeKind) error
}

// DisassociationHook is told, inside the completing transaction, that a
// customer's association with a partner ended: reason is the ChangeKind
// ("disassociate" or "switch_type"). The coupon domain fills it in and
// reclaims the partner-issued coupons (console.md §1.7). An error rolls the
// whole change back.
type DisassociationHook interface {
	OnDisassociated(ctx context.Context, tx *sql.Tx, customerID, partnerID string, reason string) error
}

// relationHooks are the other domains' parts in association changes.
type relationHooks struct {
	hook     DisassociationHook
	blockers []DisassociationBlocker
}

// SetDisassociationHook installs the hook called when an association ends
// by a change; nil (the default) calls nothing. Set it before serving.
func (s *Service) SetDisassociationHook(h DisassociationHook) { s.rel.hook = h }

// AddDisassociationBlocker adds a blocker; none by default, which blocks
// nothing. Add them before serving.
func (s *Service) AddDisassociationBlocker(b DisassociationBlocker) {
	s.rel.blockers = append(s.rel.blockers, b)
}

// checkBlockers asks every blocker; the first refusal wins.
func (s *Service) checkBlockers(ctx context.Context, tx *sql.Tx, customerID, partnerID string, kind ChangeKind) error {
	for _, b := range s.rel.blockers {
		if err := b.CheckDisassociation(ctx, tx, customerID, partnerID, kind); err != nil {
			return err
		}
	}
	return nil
}

// Errors of association changes.
var (
	// ErrRelationTooSoon: the once-per-RelationWindow limit; "next" is
	// the first day a new request is allowed (yyyy-mm-dd).
	ErrRelationTooSoon = apperr.New("PC.0429", "err.relations_too_soon").WithStatus(http.StatusConflict)
	// ErrRelationPending: the customer already has an open request.
	ErrRelationPending = apperr.New("PC.0409", "err.relations_pending").WithStatus(http.StatusConflict)
	// ErrRelationNotAssociated: the customer has no current association
	// (to request a change of, or to file against).
	ErrRelationNotAssociated = apperr.New("PC.0409", "err.relations_not_associated").WithStatus(http.StatusConflict)
	// ErrRequestNotFound: no such request visible to the caller.
	ErrRequestNotFound = apperr.New("PC.0404", "err.relations_request_not_found").WithStatus(http.StatusNotFound)
	// ErrRequestNotPending: the request was answered (or expired) already.
	ErrRequestNotPending = apperr.New("PC.0409", "err.relations_request_not_pending").WithStatus(http.StatusConflict)
	// ErrRequestExpired: the request was left unanswered for RequestTTL.
	ErrRequestExpired = apperr.New("PC.0409", "err.relations_request_expired").WithStatus(http.StatusConflict)
	// ErrAssociationChanged: the association the request named has ended
	// since it was made.
	ErrAssociationChanged = apperr.New("PC.0409", "err.relations_association_changed").WithStatus(http.StatusConflict)
	// ErrRelationPartnerFrozen: a frozen partner may not disassociate
	// (console.md §1.7).
	ErrRelationPartnerFrozen = apperr.New("PC.0403", "err.relations_partner_frozen").WithStatus(http.StatusForbidden)
	// ErrRelationNoContact: the customer has neither a mobile nor an e-mail
	// to send the confirmation code to.
	ErrRelationNoContact = apperr.New("PC.0409", "err.relations_no_contact").WithStatus(http.StatusConflict)
	// ErrRejectReasonRequired: a rejection must say why.
	ErrRejectReasonRequired = apperr.New("CBC.0100", "err.relations_reason_required").WithField("reason", "err.relations_reason_required")
)
