package prospect

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/outbox"
)

// Invitations by e-mail (§1.3): the partner selects 已报备 reports, chooses
// the association type, previews the e-mail and sends it; a report without
// an e-mail is given one in the same step. Each link is single-use, valid
// InvitationValidity, and only the SHA-256 of its random token is stored;
// sending a new invitation for a report retires the report's earlier links.

// MaxInviteBatch is how many reports one invitation request may name.
const MaxInviteBatch = 50

// InviteRequest is the invitation dialog.
type InviteRequest struct {
	ReportIDs []string
	Type      customer.AssociationType
	// Emails gives addresses, by report id, to reports that have none.
	Emails map[string]string
	// Lang is the e-mail's language.
	Lang i18n.Lang
	// LinkBase is the site's address for the links when Deps.BaseURL is
	// not configured (the console passes the request's origin).
	LinkBase string
}

// InviteItem is one report of a request, as the preview shows it.
type InviteItem struct {
	ReportID     string
	CustomerName string
	Email        string
	// EmailAdded marks an address given in the request.
	EmailAdded bool
}

// Preview is the invitation e-mail as it will go out (with a placeholder
// where each recipient's link goes) and its recipients.
type Preview struct {
	Items   []InviteItem
	Subject string
	Body    string
}

// PreviewInvitations checks an invitation request as InviteReports would
// and returns the e-mail it would send, sending nothing. Errors as
// InviteReports. Read-only.
func (s *Service) PreviewInvitations(ctx context.Context, actor identity.Actor, in InviteRequest) (Preview, error) {
	p, items, err := s.prepareInvites(ctx, actor, in)
	if err != nil {
		return Preview{}, err
	}
	subject, body := inviteMail(in.Lang, p.Name, items[0].CustomerName, in.Type, "https://…/customer/invite/…")
	return Preview{Items: items, Subject: subject, Body: body}, nil
}

// prepareInvites loads and checks the request's reports.
func (s *Service) prepareInvites(ctx context.Context, actor identity.Actor, in InviteRequest) (identity.Partner, []InviteItem, error) {
	p, err := s.requireDeveloper(ctx, actor, false)
	if err != nil {
		return identity.Partner{}, nil, err
	}
	var reportIDs []string
	for _, id := range in.ReportIDs {
		if id != "" && !slices.Contains(reportIDs, id) {
			reportIDs = append(reportIDs, id)
		}
	}
	switch {
	case len(reportIDs) == 0:
		return identity.Partner{}, nil, ErrInviteNone
	case len(reportIDs) > MaxInviteBatch:
		return identity.Partner{}, nil, ErrInviteTooMany.With("max", MaxInviteBatch)
	case !in.Type.Valid():
		return identity.Partner{}, nil, fieldErr("type", "err.prospect_type_invalid")
	case !slices.Contains(OfferedTypes(p.Type), in.Type):
		return identity.Partner{}, nil, ErrTypeNotOffered
	}
	items := make([]InviteItem, 0, len(reportIDs))
	for _, id := range reportIDs {
		r, err := s.scopedReport(ctx, s.DB.SQL, actor, id)
		if err != nil {
			return identity.Partner{}, nil, err
		}
		if r.Status != StatusReported {
			return identity.Partner{}, nil, ErrNotReported.With("name", r.CustomerName)
		}
		it := InviteItem{ReportID: r.ID, CustomerName: r.CustomerName, Email: r.Email}
		if it.Email == "" {
			it.Email = strings.ToLower(strings.TrimSpace(in.Emails[r.ID]))
			it.EmailAdded = true
			switch {
			case it.Email == "":
				return identity.Partner{}, nil, ErrInviteEmailMissing.With("name", r.CustomerName).
					WithField("email_"+r.ID, "err.prospect_invite_email_missing")
			case !validEmail(it.Email):
				return identity.Partner{}, nil, fieldErr("email_"+r.ID, "err.prospect_email_format")
			}
		}
		items = append(items, it)
	}
	return p, items, nil
}

// InviteReports sends an invitation e-mail (through the outbox) to each of
// the named 已报备 reports of actor's partner within actor's scope,
// recording each invitation, in one transaction: all are sent or none.
// Errors: identity.ErrForbidden; ErrDistributor; ErrPartnerRestricted;
// ErrInviteNone; ErrInviteTooMany; CBC.0100 for the type; ErrTypeNotOffered;
// ErrReportNotFound; ErrNotReported; ErrInviteEmailMissing and the e-mail's
// format for a report without an address; ErrReportedByOther when an added
// address is locked by another partner's report. Not idempotent: each call
// sends new links and retires the earlier ones.
func (s *Service) InviteReports(ctx context.Context, actor identity.Actor, in InviteRequest) ([]Invitation, error) {
	p, items, err := s.prepareInvites(ctx, actor, in)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	var out []Invitation
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		for _, it := range items {
			r, err := s.scopedReport(ctx, tx, actor, it.ReportID)
			if err != nil {
				return err
			}
			if r.Status != StatusReported {
				return ErrNotReported.With("name", r.CustomerName)
			}
			if it.EmailAdded {
				if err := lock(ctx, tx, now, "email:"+it.Email); err != nil {
					return err
				}
				holders, err := lockHolders(ctx, tx, now, "", "", "", it.Email)
				if err != nil {
					return err
				}
				for _, h := range holders {
					if h != p.ID {
						return ErrReportedByOther
					}
				}
				if _, err := tx.ExecContext(ctx, "UPDATE prospect_reports SET email = $1, updated_at = $2 WHERE id = $3 AND partner_id = $4",
					it.Email, now, r.ID, p.ID); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE prospect_invitations SET expires_at = $1, updated_at = $1
				WHERE report_id = $2 AND partner_id = $3 AND used_at IS NULL AND expires_at > $1`, now, r.ID, p.ID); err != nil {
				return err
			}
			token, err := newToken()
			if err != nil {
				return err
			}
			manager := r.ManagerID
			if manager == "" {
				manager = ownerManager(actor)
			}
			inv := Invitation{ID: ids.New(), Kind: KindEmail, ReportID: r.ID, CustomerName: r.CustomerName, Email: it.Email,
				InviterID: actor.ID, ManagerID: manager, Type: in.Type, Status: InvitationSent,
				ExpiresAt: now.Add(InvitationValidity), CreatedAt: now}
			if _, err := tx.ExecContext(ctx, `INSERT INTO prospect_invitations (id, partner_id, kind, report_id, inviter_id,
				manager_id, type, email, token_hash, status, expires_at, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
				inv.ID, p.ID, inv.Kind, inv.ReportID, inv.InviterID, nullable(inv.ManagerID), inv.Type, inv.Email,
				tokenHash(token), inv.Status, inv.ExpiresAt, now); err != nil {
				return err
			}
			subject, body := inviteMail(in.Lang, p.Name, r.CustomerName, in.Type, s.InviteURL(token, in.LinkBase))
			if _, err := s.Outbox.EnqueueTx(ctx, tx, outbox.Message{Channel: outbox.Email, To: it.Email,
				Subject: subject, Body: body}); err != nil {
				return err
			}
			if err := audit(ctx, tx, actor, p.ID, "prospect.invite", r.ID, fmt.Sprintf("invitation %s type %d", inv.ID, in.Type), now); err != nil {
				return err
			}
			out = append(out, inv)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("invite reports", err)
	}
	return out, nil
}

// InviteURL is the customer portal's address of an invitation token.
func (s *Service) InviteURL(token, fallbackBase string) string {
	base := s.BaseURL
	if base == "" {
		base = fallbackBase
	}
	return strings.TrimRight(base, "/") + "/customer/invite/" + token
}

// inviteMail is the invitation e-mail in lang.
func inviteMail(lang i18n.Lang, partner, customerName string, t customer.AssociationType, link string) (string, string) {
	args := map[string]any{"partner": partner, "customer": customerName, "type": i18n.T(lang, TypeKey(t), nil),
		"link": link, "days": int(InvitationValidity.Hours() / 24)}
	body := i18n.T(lang, "prospect.mail.body", args)
	if t == customer.Reseller {
		body += "\n\n" + i18n.T(lang, "prospect.mail.reseller_note", nil)
	}
	return i18n.T(lang, "prospect.mail.subject", args), body
}

// TypeKey is the message key naming an association type.
func TypeKey(t customer.AssociationType) string {
	if t == customer.Referral {
		return "prospect.type.referral"
	}
	return "prospect.type.reseller"
}

// newToken returns 32 random bytes, URL-safe.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("invitation token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// tokenHash is what is stored of an e-mail invitation's token.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Kinds of invitation.
const (
	KindEmail = "email" // an e-mail invitation of one report
	KindLink  = "link"  // an association through a generic link
)

// InvitationStatus is where an invitation stands in 历史记录.
type InvitationStatus string

const (
	InvitationSent       InvitationStatus = "sent"
	InvitationAssociated InvitationStatus = "associated" // 关联成功
	InvitationFailed     InvitationStatus = "failed"     // 关联失败, Failure says why
	InvitationExpired    InvitationStatus = "expired"
)

// Invitation is one row of 历史记录.
type Invitation struct {
	ID           string
	Kind         string
	ReportID     string
	CustomerName string
	Email        string
	InviterID    string
	ManagerID    string
	Type         customer.AssociationType
	Status       InvitationStatus
	// Failure is the message key of the last failure's cause.
	Failure     string
	CustomerID  string
	AccountName string
	ExpiresAt   time.Time
	UsedAt      time.Time
	CreatedAt   time.Time
}

// ListInvitations lists actor's partner's invitations within actor's data
// scope, newest first, with the total: e-mail invitations with their state,
// and associations (or failed attempts) through generic links. Needs
// identity.PermCustomerReport. Read-only.
func (s *Service) ListInvitations(ctx context.Context, actor identity.Actor, limit, offset int) ([]Invitation, int, error) {
	if actor.PartnerID == "" || !actor.Can(identity.PermCustomerReport) {
		return nil, 0, identity.ErrForbidden
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	offset = max(offset, 0)
	now := s.Clock.Now()
	where := "i.partner_id = $1"
	args := []any{actor.PartnerID}
	if c, a := actor.Scope.SQL("i.manager_id", 2); c != "" {
		where += " AND " + c
		args = append(args, a...)
	}
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM prospect_invitations i WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count invitations: %w", err)
	}
	rows, err := s.DB.SQL.QueryContext(ctx, fmt.Sprintf(`SELECT i.id, i.kind, COALESCE(i.report_id, ''),
		COALESCE(r.customer_name, ''), i.email, i.inviter_id, COALESCE(i.manager_id, ''), i.type, i.status, i.failure,
		COALESCE(i.customer_id, ''), i.account_name, i.expires_at, i.used_at, i.created_at
		FROM prospect_invitations i LEFT JOIN prospect_reports r ON r.id = i.report_id
		WHERE %s ORDER BY i.created_at DESC, i.id DESC LIMIT %d OFFSET %d`, where, limit, offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list invitations: %w", err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var (
			inv           Invitation
			expires, used sql.NullTime
		)
		if err := rows.Scan(&inv.ID, &inv.Kind, &inv.ReportID, &inv.CustomerName, &inv.Email, &inv.InviterID, &inv.ManagerID,
			&inv.Type, &inv.Status, &inv.Failure, &inv.CustomerID, &inv.AccountName, &expires, &used, &inv.CreatedAt); err != nil {
			return nil, 0, fmt.Errorf("list invitations: %w", err)
		}
		inv.ExpiresAt, inv.UsedAt = expires.Time, used.Time
		if (inv.Status == InvitationSent || inv.Status == InvitationFailed) && expires.Valid && !now.Before(inv.ExpiresAt) {
			inv.Status = InvitationExpired
		}
		out = append(out, inv)
	}
	return out, total, rows.Err()
}
