package prospect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/identity"
)

const reportColumns = `r.id, r.partner_id, r.reporter_id, r.reporter_name, COALESCE(r.manager_id, ''), r.customer_name,
	r.contact_name, r.mobile_country_code, r.mobile, r.email, r.industry, r.region, r.intended_type, r.remark,
	COALESCE(r.customer_id, ''), r.status, r.review_cause, r.reject_reason, r.reviewed_by, r.reviewed_at,
	r.expires_at, r.created_at, r.updated_at`

// scanReport reads reportColumns; a pending or reported row past its
// expiry reads as expired, whether or not the job has run yet.
func scanReport(row interface{ Scan(...any) error }, now time.Time, extra ...any) (Report, error) {
	var (
		r        Report
		reviewed sql.NullTime
	)
	dest := append([]any{&r.ID, &r.PartnerID, &r.ReporterID, &r.ReporterName, &r.ManagerID, &r.CustomerName,
		&r.ContactName, &r.MobileCountryCode, &r.Mobile, &r.Email, &r.Industry, &r.Region, &r.IntendedType, &r.Remark,
		&r.CustomerID, &r.Status, &r.ReviewCause, &r.RejectReason, &r.ReviewedBy, &reviewed,
		&r.ExpiresAt, &r.CreatedAt, &r.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return Report{}, err
	}
	if reviewed.Valid {
		r.ReviewedAt = reviewed.Time
	}
	if (r.Status == StatusPending || r.Status == StatusReported) && !now.Before(r.ExpiresAt) {
		r.Status = StatusExpired
	}
	return r, nil
}

// statusCond is the SQL condition for reports showing status at the time
// in placeholder $n.
func statusCond(st Status, n int) (string, bool) {
	switch st {
	case StatusPending, StatusReported:
		return fmt.Sprintf("(r.status = '%s' AND r.expires_at > $%d)", st, n), true
	case StatusExpired:
		return fmt.Sprintf("(r.status = 'expired' OR (r.status IN ('pending', 'reported') AND r.expires_at <= $%d))", n), true
	case StatusFailed, StatusAssociated:
		return fmt.Sprintf("(r.status = '%s' AND $%d = $%d)", st, n, n), true
	}
	return "", false
}

// ReportFilter narrows ListReports.
type ReportFilter struct {
	Status *Status
	// Query matches part of the customer name.
	Query  string
	Limit  int // 1..100, default 20
	Offset int
}

// ListReports lists the reports of actor's partner that actor's data scope
// covers (an account manager sees its own), newest first, with the total.
// Needs identity.PermCustomerReport. Read-only.
func (s *Service) ListReports(ctx context.Context, actor identity.Actor, f ReportFilter) ([]Report, int, error) {
	if actor.PartnerID == "" || !actor.Can(identity.PermCustomerReport) {
		return nil, 0, identity.ErrForbidden
	}
	now := s.Clock.Now()
	where := "r.partner_id = $1"
	args := []any{actor.PartnerID}
	if c, a := actor.Scope.SQL("r.manager_id", len(args)+1); c != "" {
		where += " AND " + c
		args = append(args, a...)
	}
	if f.Status != nil {
		if c, ok := statusCond(*f.Status, len(args)+1); ok {
			where += " AND " + c
			args = append(args, now)
		}
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+strings.ToLower(q)+"%")
		where += fmt.Sprintf(" AND LOWER(r.customer_name) LIKE $%d", len(args))
	}
	return s.reports(ctx, now, where, args, f.Limit, f.Offset)
}

// reports runs a listing query with the total.
func (s *Service) reports(ctx context.Context, now time.Time, where string, args []any, limit, offset int) ([]Report, int, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	offset = max(offset, 0)
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM prospect_reports r WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count reports: %w", err)
	}
	rows, err := s.DB.SQL.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM prospect_reports r WHERE %s ORDER BY r.created_at DESC, r.id DESC LIMIT %d OFFSET %d",
		reportColumns, where, limit, offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list reports: %w", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows, now)
		if err != nil {
			return nil, 0, fmt.Errorf("list reports: %w", err)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// ReportByID returns one report of actor's partner within actor's data
// scope. Returns ErrReportNotFound otherwise (also for another partner's).
// Read-only.
func (s *Service) ReportByID(ctx context.Context, actor identity.Actor, id string) (Report, error) {
	if actor.PartnerID == "" || !actor.Can(identity.PermCustomerReport) {
		return Report{}, identity.ErrForbidden
	}
	return s.scopedReport(ctx, s.DB.SQL, actor, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Service) scopedReport(ctx context.Context, q querier, actor identity.Actor, id string) (Report, error) {
	where := "r.id = $1 AND r.partner_id = $2"
	args := []any{id, actor.PartnerID}
	if c, a := actor.Scope.SQL("r.manager_id", len(args)+1); c != "" {
		where += " AND " + c
		args = append(args, a...)
	}
	r, err := scanReport(q.QueryRowContext(ctx, "SELECT "+reportColumns+" FROM prospect_reports r WHERE "+where, args...), s.Clock.Now())
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, ErrReportNotFound
	}
	if err != nil {
		return Report{}, fmt.Errorf("load report %s: %w", id, err)
	}
	return r, nil
}

// Capacity is how many reports the partner holds in 待审核 + 已报备 against
// the cap, for the report button.
type Capacity struct {
	Active int
	Max    int
}

// Full reports whether no further report is possible.
func (c Capacity) Full() bool { return c.Active >= c.Max }

// Capacity counts actor's partner's active reports (all of them, whoever
// filed them: the cap is the partner's). Needs identity.PermCustomerReport.
// Read-only.
func (s *Service) Capacity(ctx context.Context, actor identity.Actor) (Capacity, error) {
	if actor.PartnerID == "" || !actor.Can(identity.PermCustomerReport) {
		return Capacity{}, identity.ErrForbidden
	}
	c := Capacity{Max: MaxActiveReports}
	if err := s.DB.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM prospect_reports
		WHERE partner_id = $1 AND status IN ('pending', 'reported') AND expires_at > $2`,
		actor.PartnerID, s.Clock.Now()).Scan(&c.Active); err != nil {
		return Capacity{}, fmt.Errorf("count active reports: %w", err)
	}
	return c, nil
}

// Readiness says whether actor's partner may report at all, and if not
// why (the error the report would get), so the page can disable the button
// with the reason.
func (s *Service) Readiness(ctx context.Context, actor identity.Actor) (Capacity, error) {
	if _, err := s.requireDeveloper(ctx, actor, true); err != nil {
		return Capacity{}, err
	}
	c, err := s.Capacity(ctx, actor)
	if err != nil {
		return Capacity{}, err
	}
	if c.Full() {
		return c, ErrCap.With("max", MaxActiveReports)
	}
	return c, nil
}

// Columns of the report list that RevealReports may show in full.
const (
	RevealContact = "contact" // the contact's name
	RevealMobile  = "mobile"
	RevealEmail   = "email"
	RevealName    = "customer" // the customer (company) name
)

// RevealReports returns the full values of one masked column for the
// listed reports of actor's partner within actor's scope, by report id, and
// writes one audit row naming the reports and the column (§0.3). Needs
// identity.PermCustomerReport and identity.PermCustomerReveal. Ids that are
// not actor's are left out. Not read-only: it writes the audit trail.
func (s *Service) RevealReports(ctx context.Context, actor identity.Actor, ids []string, column, from string) (map[string]string, error) {
	if actor.PartnerID == "" || !actor.Can(identity.PermCustomerReport) || !actor.Can(identity.PermCustomerReveal) {
		return nil, identity.ErrForbidden
	}
	pick := map[string]func(Report) string{
		RevealContact: func(r Report) string { return r.ContactName },
		RevealMobile:  func(r Report) string { return joinMobile(r.MobileCountryCode, r.Mobile) },
		RevealEmail:   func(r Report) string { return r.Email },
		RevealName:    func(r Report) string { return r.CustomerName },
	}[column]
	if pick == nil || len(ids) == 0 || len(ids) > 100 {
		return nil, fieldErr("column", "err.prospect_reveal_column")
	}
	out := map[string]string{}
	var shown []string
	for _, id := range ids {
		r, err := s.scopedReport(ctx, s.DB.SQL, actor, id)
		if errors.Is(err, ErrReportNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = pick(r)
		shown = append(shown, id)
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		return audit(ctx, tx, actor, actor.PartnerID, "prospect.reveal", column,
			fmt.Sprintf("reports %s from %s", strings.Join(shown, ","), from), now)
	})
	if err != nil {
		return nil, wrap("reveal reports", err)
	}
	return out, nil
}

// joinMobile shows a mobile with its country code: "+86 13800000000".
func joinMobile(cc, national string) string {
	if national == "" {
		return ""
	}
	return "+" + strings.TrimPrefix(cc, "00") + " " + national
}

// MobileDisplay is the report's mobile with its country code.
func (r Report) MobileDisplay() string { return joinMobile(r.MobileCountryCode, r.Mobile) }
