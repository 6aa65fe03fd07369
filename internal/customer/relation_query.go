package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/identity"
)

// relWhere builds the conditions of a request query, numbering "?" in
// order across conditions.
type relWhere struct {
	conds []string
	args  []any
}

func (w *relWhere) add(cond string, vals ...any) *relWhere {
	for _, v := range vals {
		w.args = append(w.args, v)
		cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
	return w
}

// scope restricts the customers (alias c) to the actor's data scope.
func (w *relWhere) scope(actor identity.Actor) *relWhere {
	if cond, args := actor.Scope.SQL("c.account_manager_id", len(w.args)+1); cond != "" {
		w.conds = append(w.conds, cond)
		w.args = append(w.args, args...)
	}
	return w
}

func (w *relWhere) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// requestFrom is the FROM of request queries; requestColumns reads the
// effective status with the current time as placeholder $n.
const requestFrom = ` FROM association_requests r JOIN customers c ON c.id = r.customer_id JOIN partners p ON p.id = r.partner_id`

func requestColumns(nowArg int) string {
	return fmt.Sprintf(`SELECT r.id, r.customer_id, r.partner_id, r.association_id, r.kind, r.from_type, COALESCE(r.to_type, 0),
		r.initiator, r.initiated_by, r.initiated_by_name, r.reason,
		CASE WHEN r.status = 'pending' AND r.expires_at <= $%d THEN 'expired' ELSE r.status END,
		r.decided_by_name, r.decision_reason, r.created_at, r.expires_at, r.decided_at, c.domain_name, p.name`, nowArg)
}

func scanRequest(row interface{ Scan(...any) error }) (AssociationRequest, error) {
	var (
		r       AssociationRequest
		decided sql.NullTime
	)
	err := row.Scan(&r.ID, &r.CustomerID, &r.PartnerID, &r.AssociationID, &r.Kind, &r.FromType, &r.ToType,
		&r.Initiator, &r.InitiatedBy, &r.InitiatedByName, &r.Reason, &r.Status,
		&r.DecidedByName, &r.DecisionReason, &r.CreatedAt, &r.ExpiresAt, &decided, &r.CustomerName, &r.PartnerName)
	if decided.Valid {
		r.DecidedAt = decided.Time
	}
	return r, err
}

// queryRequests runs a request query, newest first.
func (s *Service) queryRequests(ctx context.Context, w *relWhere, now time.Time, limit, offset int) ([]AssociationRequest, error) {
	args := append(append([]any{}, w.args...), now)
	q := requestColumns(len(args)) + requestFrom + w.sql() + " ORDER BY r.created_at DESC, r.id DESC"
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT $%d OFFSET $%d", len(args)+1, len(args)+2)
		args = append(args, limit, max(offset, 0))
	}
	rows, err := s.db.SQL.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list association requests: %w", err)
	}
	defer rows.Close()
	var out []AssociationRequest
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("list association requests: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// statusFilter adds the effective-status condition.
func (w *relWhere) status(st RequestStatus, now time.Time) *relWhere {
	switch st {
	case RequestPending:
		return w.add("r.status = 'pending' AND r.expires_at > ?", now)
	case RequestExpired:
		return w.add("(r.status = 'expired' OR (r.status = 'pending' AND r.expires_at <= ?))", now)
	}
	return w.add("r.status = ?", string(st))
}

// RequestFilter filters ListAssociationRequests. Zero fields match all.
type RequestFilter struct {
	Status    RequestStatus
	Initiator Initiator
	// CustomerID narrows to one customer (exact).
	CustomerID string
	// Limit is 10, 20, 50 or 100 (default 10); Offset skips rows.
	Limit  int
	Offset int
}

// ListAssociationRequests is 关联关系操作记录: the requests concerning the
// caller's partner, newest first, with the total matching. Callers need
// PermCustomerRelation; the partner filter and the data scope (by the
// customer's current account manager) apply in SQL; a disassociation clears
// the account manager, so afterwards only members who see every customer
// list the customer's requests. Errors:
// identity.ErrForbidden; CBC.0100 naming status or initiator. Read-only.
func (s *Service) ListAssociationRequests(ctx context.Context, actor identity.Actor, f RequestFilter) ([]AssociationRequest, int, error) {
	if !actor.Can(identity.PermCustomerRelation) || actor.PartnerID == "" {
		return nil, 0, identity.ErrForbidden
	}
	now := s.clock.Now()
	w := (&relWhere{}).add("r.partner_id = ?", actor.PartnerID)
	if f.Status != "" {
		if !f.Status.Valid() {
			return nil, 0, errParam("status")
		}
		w.status(f.Status, now)
	}
	switch f.Initiator {
	case "":
	case InitiatedByPartner, InitiatedByCustomer:
		w.add("r.initiator = ?", string(f.Initiator))
	default:
		return nil, 0, errParam("initiator")
	}
	if f.CustomerID != "" {
		w.add("r.customer_id = ?", f.CustomerID)
	}
	w.scope(actor)
	var total int
	if err := s.db.SQL.QueryRowContext(ctx, "SELECT COUNT(*)"+requestFrom+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count association requests: %w", err)
	}
	switch f.Limit {
	case 10, 20, 50, 100:
	default:
		f.Limit = 10
	}
	out, err := s.queryRequests(ctx, w, now, f.Limit, f.Offset)
	return out, total, err
}

// AssociationRecord is one association of a customer, with how it began
// and ended.
type AssociationRecord struct {
	Association
	PartnerName string
	// StartedBy is the switch request that started the association; nil
	// for one made by an invitation, the API or a sign-on.
	StartedBy *AssociationRequest
	// EndedBy is the request that ended it; nil while current.
	EndedBy *AssociationRequest
}

// associationRecords lists a customer's associations (of partnerID only,
// when given), newest first, joined with the requests that started and
// ended them.
func (s *Service) associationRecords(ctx context.Context, customerID, partnerID string, now time.Time) ([]AssociationRecord, error) {
	q := `SELECT a.id, a.customer_id, a.partner_id, a.type, a.associated_at, a.ended_at, p.name
		FROM customer_associations a JOIN partners p ON p.id = a.partner_id WHERE a.customer_id = $1`
	args := []any{customerID}
	if partnerID != "" {
		q += " AND a.partner_id = $2"
		args = append(args, partnerID)
	}
	rows, err := s.db.SQL.QueryContext(ctx, q+" ORDER BY a.associated_at DESC, a.id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("list associations of %s: %w", customerID, err)
	}
	var out []AssociationRecord
	for rows.Next() {
		var (
			rec   AssociationRecord
			ended sql.NullTime
		)
		if err := rows.Scan(&rec.ID, &rec.CustomerID, &rec.PartnerID, &rec.Type, &rec.AssociatedAt, &ended, &rec.PartnerName); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list associations of %s: %w", customerID, err)
		}
		if ended.Valid {
			rec.EndedAt = ended.Time
		}
		out = append(out, rec)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	w := (&relWhere{}).add("r.customer_id = ?", customerID).add("r.status = 'completed'")
	if partnerID != "" {
		w.add("r.partner_id = ?", partnerID)
	}
	done, err := s.queryRequests(ctx, w, now, 0, 0)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for j := range done {
			r := &done[j]
			if r.AssociationID == out[i].ID {
				out[i].EndedBy = r
			}
		}
	}
	// A switch's new association is the one it started: read the link.
	links := map[string]string{}
	lrows, err := s.db.SQL.QueryContext(ctx, `SELECT id, new_association_id FROM association_requests
		WHERE customer_id = $1 AND status = 'completed' AND new_association_id IS NOT NULL`, customerID)
	if err != nil {
		return nil, fmt.Errorf("list switches of %s: %w", customerID, err)
	}
	for lrows.Next() {
		var id, assoc string
		if err := lrows.Scan(&id, &assoc); err != nil {
			lrows.Close()
			return nil, err
		}
		links[assoc] = id
	}
	lrows.Close()
	for i := range out {
		if reqID, ok := links[out[i].ID]; ok {
			for j := range done {
				if done[j].ID == reqID {
					out[i].StartedBy = &done[j]
				}
			}
		}
	}
	return out, lrows.Err()
}

// CustomerRelations is what 关联关系管理 shows a partner for one customer.
type CustomerRelations struct {
	CustomerID   string
	CustomerName string
	// Current is the customer's current association with the caller's
	// partner; Associated is false when it has none (it ended).
	Current    Association
	Associated bool
	// Records are the customer's associations with the caller's partner.
	Records []AssociationRecord
	// Requests are the requests between the customer and the caller's
	// partner, newest first; Open is the open one, if any.
	Requests []AssociationRequest
	Open     *AssociationRequest
	// NextAllowed is when the partner may next initiate a change; zero
	// when it may now.
	NextAllowed time.Time
}

// CustomerRelations returns 关联关系管理 of one customer for the caller's
// partner: a customer that is or was associated with the partner and is in
// the actor's data scope (after a disassociation, which clears the account
// manager, only members who see every customer). Nothing of other partners
// is shown. Callers need
// PermCustomerRelation. Errors: identity.ErrForbidden; ErrNotYourCustomer.
// Read-only.
func (s *Service) CustomerRelations(ctx context.Context, actor identity.Actor, customerID string) (CustomerRelations, error) {
	if !actor.Can(identity.PermCustomerRelation) || actor.PartnerID == "" {
		return CustomerRelations{}, identity.ErrForbidden
	}
	if customerID == "" || len(customerID) > maxCustomerID {
		return CustomerRelations{}, ErrNotYourCustomer
	}
	now := s.clock.Now()
	w := (&relWhere{}).add("c.id = ?", customerID).
		add("EXISTS (SELECT 1 FROM customer_associations a WHERE a.customer_id = c.id AND a.partner_id = ?)", actor.PartnerID).
		scope(actor)
	out := CustomerRelations{}
	err := s.db.SQL.QueryRowContext(ctx, "SELECT c.id, c.domain_name FROM customers c"+w.sql(), w.args...).
		Scan(&out.CustomerID, &out.CustomerName)
	if errors.Is(err, sql.ErrNoRows) {
		return CustomerRelations{}, ErrNotYourCustomer
	}
	if err != nil {
		return CustomerRelations{}, fmt.Errorf("load customer %s: %w", customerID, err)
	}
	if out.Records, err = s.associationRecords(ctx, customerID, actor.PartnerID, now); err != nil {
		return CustomerRelations{}, err
	}
	for _, r := range out.Records {
		if r.Current() {
			out.Current, out.Associated = r.Association, true
		}
	}
	rw := (&relWhere{}).add("r.customer_id = ?", customerID).add("r.partner_id = ?", actor.PartnerID)
	if out.Requests, err = s.queryRequests(ctx, rw, now, 0, 0); err != nil {
		return CustomerRelations{}, err
	}
	for i := range out.Requests {
		if out.Requests[i].Pending() {
			out.Open = &out.Requests[i]
		}
	}
	last, err := s.lastStandingRequest(ctx, s.db.SQL, customerID, actor.PartnerID, InitiatedByPartner, now)
	if err != nil {
		return CustomerRelations{}, err
	}
	if next := windowEnd(last); now.Before(next) {
		out.NextAllowed = next
	}
	return out, nil
}

// MyRelations is what the customer portal shows a customer about its
// associations.
type MyRelations struct {
	// Current is the customer's current association, if Associated.
	Current    Association
	Associated bool
	// Records are all the customer's associations, with every partner.
	Records []AssociationRecord
	// Requests are all the customer's requests, newest first; Awaiting
	// are the partners' requests waiting for the customer's answer, and
	// Filed the customer's own open request, if any.
	Requests []AssociationRequest
	Awaiting []AssociationRequest
	Filed    *AssociationRequest
	// NextAllowed is when the customer may next file a request; zero when
	// it may now.
	NextAllowed time.Time
}

// MyRelations returns the signed-in customer's association records and
// requests. The caller is the customer itself (the portal passes the
// session's customer id). Read-only.
func (s *Service) MyRelations(ctx context.Context, customerID string) (MyRelations, error) {
	now := s.clock.Now()
	var out MyRelations
	var err error
	if out.Records, err = s.associationRecords(ctx, customerID, "", now); err != nil {
		return MyRelations{}, err
	}
	for _, r := range out.Records {
		if r.Current() {
			out.Current, out.Associated = r.Association, true
		}
	}
	if out.Requests, err = s.queryRequests(ctx, (&relWhere{}).add("r.customer_id = ?", customerID), now, 0, 0); err != nil {
		return MyRelations{}, err
	}
	for i, r := range out.Requests {
		switch {
		case !r.Pending():
		case r.Initiator == InitiatedByPartner:
			out.Awaiting = append(out.Awaiting, r)
		default:
			out.Filed = &out.Requests[i]
		}
	}
	last, err := s.lastStandingRequest(ctx, s.db.SQL, customerID, "", InitiatedByCustomer, now)
	if err != nil {
		return MyRelations{}, err
	}
	if next := windowEnd(last); now.Before(next) {
		out.NextAllowed = next
	}
	return out, nil
}

// lastStandingRequest returns when the last request of initiator that
// still stands (completed, or pending and not expired) was made about the
// customer — by partnerID only, when given — or the zero time.
func (s *Service) lastStandingRequest(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, customerID, partnerID string, who Initiator, now time.Time) (time.Time, error) {
	query := `SELECT created_at FROM association_requests WHERE customer_id = $1 AND initiator = $2
		AND (status = 'completed' OR (status = 'pending' AND expires_at > $3))`
	args := []any{customerID, string(who), now}
	if partnerID != "" {
		query += " AND partner_id = $4"
		args = append(args, partnerID)
	}
	var last time.Time
	err := q.QueryRowContext(ctx, query+" ORDER BY created_at DESC LIMIT 1", args...).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("last association request of %s: %w", customerID, err)
	}
	return last, nil
}

// windowEnd is when the next request is allowed after one made at last.
func windowEnd(last time.Time) time.Time {
	if last.IsZero() {
		return time.Time{}
	}
	return last.AddDate(0, RelationWindow, 0)
}
