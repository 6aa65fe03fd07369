package prospect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"partnercenter/internal/identity"
)

// The cloud's review of reports that need judgement (待审核, §1.2):
// reviewers, ecosystem managers and platform admins approve (→ 已报备, the
// 15 days start again) or reject with a reason (→ 报备失败, the lock is
// freed).

// requireReviewer allows operators holding a reviewing role.
func requireReviewer(a identity.Actor) error {
	if !a.IsOperator() || !(a.HasOperatorRole(identity.RoleReviewer) || a.HasOperatorRole(identity.RoleEcoManager) ||
		a.HasOperatorRole(identity.RolePlatformAdmin)) {
		return identity.ErrForbidden
	}
	return nil
}

// PendingReport is a report waiting for review with its partner's name.
type PendingReport struct {
	Report
	PartnerName string
}

// ListPending lists the reports of every partner waiting for review (and
// not expired), oldest first, with the total. Reviewing operators only.
// Read-only.
func (s *Service) ListPending(ctx context.Context, actor identity.Actor, limit, offset int) ([]PendingReport, int, error) {
	if err := requireReviewer(actor); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	offset = max(offset, 0)
	now := s.Clock.Now()
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM prospect_reports r
		WHERE r.status = 'pending' AND r.expires_at > $1`, now).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count pending reports: %w", err)
	}
	rows, err := s.DB.SQL.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM prospect_reports r
		WHERE r.status = 'pending' AND r.expires_at > $1 ORDER BY r.created_at, r.id LIMIT %d OFFSET %d`,
		reportColumns, limit, offset), now)
	if err != nil {
		return nil, 0, fmt.Errorf("list pending reports: %w", err)
	}
	var out []PendingReport
	for rows.Next() {
		var p PendingReport
		if p.Report, err = scanReport(rows, now); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("list pending reports: %w", err)
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list pending reports: %w", err)
	}
	names := map[string]string{}
	for i := range out {
		id := out[i].PartnerID
		if _, ok := names[id]; !ok {
			if names[id], err = s.partnerName(ctx, actor, id); err != nil {
				return nil, 0, err
			}
		}
		out[i].PartnerName = names[id]
	}
	return out, total, nil
}

// partnerName asks identity for a partner's name (an operator may read
// every partner).
func (s *Service) partnerName(ctx context.Context, actor identity.Actor, id string) (string, error) {
	p, err := s.Identity.Partner(ctx, actor, id)
	if err != nil {
		return "", err
	}
	return p.Name, nil
}

// ReportForReview returns any partner's report with its partner's name.
// Reviewing operators only. Returns ErrReportNotFound. Read-only.
func (s *Service) ReportForReview(ctx context.Context, actor identity.Actor, id string) (PendingReport, error) {
	if err := requireReviewer(actor); err != nil {
		return PendingReport{}, err
	}
	var p PendingReport
	var err error
	p.Report, err = scanReport(s.DB.SQL.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM prospect_reports r WHERE r.id = $1`, id),
		s.Clock.Now())
	if errors.Is(err, sql.ErrNoRows) {
		return PendingReport{}, ErrReportNotFound
	}
	if err != nil {
		return PendingReport{}, fmt.Errorf("load report %s: %w", id, err)
	}
	p.PartnerName, err = s.partnerName(ctx, actor, p.PartnerID)
	return p, err
}

// ApproveReport approves a pending report: it becomes 已报备 and locks the
// prospect for ReportValidity from now. Reviewing operators only. Errors:
// identity.ErrForbidden; ErrNotPending (not pending, expired, unknown).
// Not idempotent: a second approval is ErrNotPending.
func (s *Service) ApproveReport(ctx context.Context, actor identity.Actor, id string) error {
	return s.review(ctx, actor, id, true, "")
}

// RejectReport rejects a pending report with a reason (required, at most
// 256 characters), which the partner sees: it becomes 报备失败 and frees
// the prospect. Reviewing operators only. Errors: identity.ErrForbidden;
// ErrRejectReason; ErrNotPending. Not idempotent.
func (s *Service) RejectReport(ctx context.Context, actor identity.Actor, id, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxRemark {
		if err := requireReviewer(actor); err != nil {
			return err
		}
		return ErrRejectReason
	}
	return s.review(ctx, actor, id, false, reason)
}

func (s *Service) review(ctx context.Context, actor identity.Actor, id string, approve bool, reason string) error {
	if err := requireReviewer(actor); err != nil {
		return err
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var partnerID string
		err := tx.QueryRowContext(ctx, "SELECT partner_id FROM prospect_reports WHERE id = $1", id).Scan(&partnerID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotPending
		}
		if err != nil {
			return err
		}
		// A rejected report's expiry is the review: it locks nothing.
		status, expires := StatusFailed, now
		if approve {
			status, expires = StatusReported, now.Add(ReportValidity)
		}
		res, err := tx.ExecContext(ctx, `UPDATE prospect_reports SET status = $1, reject_reason = $2, reviewed_by = $3,
			reviewed_at = $4, expires_at = $5, updated_at = $4
			WHERE id = $6 AND status = 'pending' AND expires_at > $4`, status, reason, actor.Name, now, expires, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotPending
		}
		return audit(ctx, tx, actor, partnerID, "prospect.review", id, string(status)+" "+reason, now)
	})
	return wrap("review report "+id, err)
}
