package customer

import (
	"context"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/ids"
)

// Columns of the customer list that come masked and may be revealed (the
// eye buttons of console.md §0.3).
const (
	RevealName           = "name"
	RevealAccountName    = "account_name"
	RevealMobile         = "mobile"
	RevealEmail          = "email"
	RevealAccountManager = "account_manager"
)

// RevealColumns lists the revealable columns in display order.
var RevealColumns = []string{RevealName, RevealAccountName, RevealMobile, RevealEmail, RevealAccountManager}

// Bounds of the reveal audit.
const (
	maxRevealAgent = 512
	maxRevealIP    = 64
)

// ErrRevealForbidden: the actor lacks PermCustomerReveal.
var ErrRevealForbidden = apperr.New("CBC.0151", "err.customers_reveal_forbidden")

// RevealRequest asks for the plain values of one column for the customers
// on screen.
type RevealRequest struct {
	Column string
	// CustomerIDs are 1 to MaxListLimit customer ids; repeats count once.
	CustomerIDs []string
	// ClientIP and UserAgent say where the request came from, for the
	// audit.
	ClientIP  string
	UserAgent string
}

// RevealCustomers returns the plain values of one masked column for
// customers currently associated with the actor's partner and within its
// data scope, by customer id (an empty value where the customer has none),
// and writes one audit row (customer_reveals) naming the member, the
// column, the customers, the time and the client. Callers need
// PermCustomerReveal (else ErrRevealForbidden). The request is refused
// whole, revealing and auditing nothing, when any id is not such a
// customer (ErrNotYourCustomer): another partner's, a distributor's
// reseller's (basic information only) or outside the scope. Returns
// CBC.0100 naming column or customer_ids. Not idempotent: every call is
// audited.
func (s *Service) RevealCustomers(ctx context.Context, actor identity.Actor, in RevealRequest) (map[string]string, error) {
	if !actor.Can(identity.PermCustomerReveal) || actor.PartnerID == "" {
		return nil, ErrRevealForbidden
	}
	if !validColumn(in.Column) {
		return nil, errParam("column")
	}
	var list []string
	seen := map[string]bool{}
	for _, id := range in.CustomerIDs {
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
	args := []any{actor.PartnerID}
	marks := make([]string, len(list))
	for i, id := range list {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	query := `SELECT c.id, c.real_name, c.domain_name, c.mobile_country_code, c.mobile, c.email,
		COALESCE(c.account_manager_id, '')
		FROM customer_associations a JOIN customers c ON c.id = a.customer_id
		WHERE a.partner_id = $1 AND a.ended_at IS NULL AND c.id IN (` + strings.Join(marks, ", ") + ")"
	if cond, scopeArgs := actor.Scope.SQL("c.account_manager_id", len(args)+1); cond != "" {
		query += " AND " + cond
		args = append(args, scopeArgs...)
	}
	rows, err := s.db.SQL.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reveal customers: %w", err)
	}
	out := make(map[string]string, len(list))
	managerOf := map[string]string{}
	var managers []string
	for rows.Next() {
		var id, realName, domainName, cc, mobile, email, manager string
		if err := rows.Scan(&id, &realName, &domainName, &cc, &mobile, &email, &manager); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reveal customers: %w", err)
		}
		switch in.Column {
		case RevealName:
			out[id] = realName
		case RevealAccountName:
			out[id] = domainName
		case RevealMobile:
			out[id] = displayMobile(cc, mobile)
		case RevealEmail:
			out[id] = email
		case RevealAccountManager:
			out[id] = ""
			if manager != "" {
				managerOf[id] = manager
				managers = append(managers, manager)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reveal customers: %w", err)
	}
	if len(out) != len(list) {
		return nil, ErrNotYourCustomer
	}
	if len(managers) > 0 {
		names, err := s.identity.MemberAccountNames(ctx, actor.PartnerID, managers)
		if err != nil {
			return nil, err
		}
		for id, m := range managerOf {
			out[id] = names[m]
		}
	}
	// The values leave only once the audit row is written.
	if _, err := s.db.SQL.ExecContext(ctx, `INSERT INTO customer_reveals (id, partner_id, member_id, member_name,
		column_name, customer_ids, customer_count, client_ip, user_agent, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, ids.New(), actor.PartnerID, actor.ID, actor.Name,
		in.Column, strings.Join(list, ","), len(list), truncate(in.ClientIP, maxRevealIP),
		truncate(in.UserAgent, maxRevealAgent), s.clock.Now()); err != nil {
		return nil, fmt.Errorf("audit reveal: %w", err)
	}
	return out, nil
}

func validColumn(c string) bool {
	for _, k := range RevealColumns {
		if c == k {
			return true
		}
	}
	return false
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Reveal is one audited reveal.
type Reveal struct {
	ID          string
	MemberID    string
	MemberName  string
	Column      string
	CustomerIDs []string
	ClientIP    string
	UserAgent   string
	At          time.Time
}

// RevealFilter pages the reveal audit; Limit defaults to 20 (at most 100).
type RevealFilter struct {
	Limit  int
	Offset int
}

// ListReveals lists the reveal audit of the actor's partner, newest first,
// with the total. Callers need PermCustomerReveal; members whose data scope
// is restricted (account managers, directors) see their own reveals only,
// everyone else the whole partner's. Read-only.
func (s *Service) ListReveals(ctx context.Context, actor identity.Actor, f RevealFilter) ([]Reveal, int, error) {
	if !actor.Can(identity.PermCustomerReveal) || actor.PartnerID == "" {
		return nil, 0, ErrRevealForbidden
	}
	if f.Limit <= 0 || f.Limit > MaxListLimit {
		f.Limit = 20
	}
	where := " WHERE partner_id = $1"
	args := []any{actor.PartnerID}
	if !actor.Scope.All() {
		where += " AND member_id = $2"
		args = append(args, actor.ID)
	}
	var total int
	if err := s.db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM customer_reveals"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count reveals: %w", err)
	}
	args = append(args, f.Limit, max(f.Offset, 0))
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT id, member_id, member_name, column_name, customer_ids, client_ip,
		user_agent, created_at FROM customer_reveals`+where+
		fmt.Sprintf(" ORDER BY created_at DESC, id DESC LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list reveals: %w", err)
	}
	defer rows.Close()
	out := []Reveal{}
	for rows.Next() {
		var r Reveal
		var idList string
		if err := rows.Scan(&r.ID, &r.MemberID, &r.MemberName, &r.Column, &idList, &r.ClientIP, &r.UserAgent, &r.At); err != nil {
			return nil, 0, fmt.Errorf("list reveals: %w", err)
		}
		r.CustomerIDs = strings.Split(idList, ",")
		out = append(out, r)
	}
	return out, total, rows.Err()
}
