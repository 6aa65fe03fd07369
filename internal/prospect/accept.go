package prospect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/ids"
)

// The customer side of an invitation (§1.4), on the customer portal: the
// visitor opens the link, accepts the association notice (reseller model)
// and the data sharing, and signs in or registers; the customer domain
// makes the association in one transaction with the checks below and the
// record of the outcome. A refusal for one of §1.3's causes is recorded on
// the invitation for 历史记录.

// Offer is what the invitation page shows.
type Offer struct {
	Kind        string
	PartnerName string
	Type        customer.AssociationType
	// CustomerName is the reported name of an e-mail invitation.
	CustomerName string
	// ExpiresAt is zero for a generic link.
	ExpiresAt time.Time
}

// Consent is what the visitor ticked.
type Consent struct {
	// Notice is 《客户关联华为云合作伙伴须知》, required in the reseller model.
	Notice bool
	// DataSharing lets the cloud share the account's name, mobile, e-mail,
	// country, id and status with the partner; always required.
	DataSharing bool
}

// invite is a resolved token.
type invite struct {
	kind      string
	id        string // the invitation's (e-mail) or the link's id
	partnerID string
	reportID  string
	inviterID string
	managerID string
	typ       customer.AssociationType
	expiresAt time.Time
	used      bool
}

// maxToken bounds the tokens looked up.
const maxToken = 128

// resolve finds the invitation of token.
func (s *Service) resolve(ctx context.Context, token string) (invite, error) {
	if token == "" || len(token) > maxToken {
		return invite{}, ErrInviteUnknown
	}
	inv := invite{kind: KindEmail}
	var (
		manager, report sql.NullString
		expires, used   sql.NullTime
	)
	err := s.DB.SQL.QueryRowContext(ctx, `SELECT id, partner_id, COALESCE(report_id, ''), inviter_id, manager_id, type,
		expires_at, used_at FROM prospect_invitations WHERE token_hash = $1 AND kind = 'email'`, tokenHash(token)).
		Scan(&inv.id, &inv.partnerID, &report, &inv.inviterID, &manager, &inv.typ, &expires, &used)
	switch {
	case err == nil:
		inv.reportID, inv.managerID, inv.expiresAt, inv.used = report.String, manager.String, expires.Time, used.Valid
		return inv, nil
	case !errors.Is(err, sql.ErrNoRows):
		return invite{}, fmt.Errorf("load invitation: %w", err)
	}
	inv = invite{kind: KindLink}
	err = s.DB.SQL.QueryRowContext(ctx, `SELECT id, partner_id, member_id, type FROM prospect_links WHERE token = $1 AND active`,
		token).Scan(&inv.id, &inv.partnerID, &inv.inviterID, &inv.typ)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return invite{}, ErrInviteUnknown
	case err != nil:
		return invite{}, fmt.Errorf("load generic link: %w", err)
	}
	inv.managerID = inv.inviterID
	return inv, nil
}

// usable refuses used and expired e-mail invitations.
func (inv invite) usable(now time.Time) error {
	switch {
	case inv.kind != KindEmail:
		return nil
	case inv.used:
		return ErrInviteUsed
	case !now.Before(inv.expiresAt):
		return ErrInviteExpired
	}
	return nil
}

// OpenInvitation returns what the invitation page shows for token. Anyone
// holding the link may call it. Errors: ErrInviteUnknown, ErrInviteUsed,
// ErrInviteExpired. Read-only.
func (s *Service) OpenInvitation(ctx context.Context, token string) (Offer, error) {
	inv, err := s.resolve(ctx, token)
	if err != nil {
		return Offer{}, err
	}
	if err := inv.usable(s.Clock.Now()); err != nil {
		return Offer{}, err
	}
	p, err := s.Identity.PartnerForCustomer(ctx, inv.partnerID)
	if err != nil {
		return Offer{}, err
	}
	o := Offer{Kind: inv.kind, PartnerName: p.Name, Type: inv.typ, ExpiresAt: inv.expiresAt}
	if inv.reportID != "" {
		if err := s.DB.SQL.QueryRowContext(ctx, "SELECT customer_name FROM prospect_reports WHERE id = $1", inv.reportID).
			Scan(&o.CustomerName); err != nil {
			return Offer{}, fmt.Errorf("load report of invitation: %w", err)
		}
	}
	return o, nil
}

// SendAcceptCode sends the registration SMS code for a new account to
// mobile, for a usable invitation. Errors: OpenInvitation's;
// customer.SendInvitationCode's. Not idempotent.
func (s *Service) SendAcceptCode(ctx context.Context, token, mobile string) error {
	inv, err := s.resolve(ctx, token)
	if err != nil {
		return err
	}
	if err := inv.usable(s.Clock.Now()); err != nil {
		return err
	}
	return s.Customers.SendInvitationCode(ctx, inv.partnerID, mobile)
}

// AcceptBySignIn associates an existing account, proven by its name and
// password, through the invitation of token. Errors: ErrInviteUnknown,
// ErrInviteUsed, ErrInviteExpired, ErrInviteConsent; the sign-in's;
// customer.ErrInviteAssociated; customer.ErrPartnerRestricted,
// customer.ErrParentRestricted; ErrInviteReportEnded (the report is no
// longer 已报备); ErrInviteOtherAccount (the report names another account);
// ErrInviteReportedByOther; ErrInviteNeedsReport (an account registered
// more than ReviewAge ago, or with spending, that this partner has not
// reported). Not idempotent: an e-mail link works once.
func (s *Service) AcceptBySignIn(ctx context.Context, token string, c Consent, domainName, password string) (customer.Customer, error) {
	return s.accept(ctx, token, c, func(t customer.InvitationTerms) (customer.Customer, error) {
		return s.Customers.AcceptInvitationSignIn(ctx, domainName, password, t)
	})
}

// AcceptByRegistration registers a new account (customer.RegisterByInvitation's
// rules, with the SMS code SendAcceptCode sent) and associates it through
// the invitation of token. Errors as AcceptBySignIn and
// RegisterByInvitation. Not idempotent.
func (s *Service) AcceptByRegistration(ctx context.Context, token string, c Consent, in customer.InviteAccount) (customer.Customer, error) {
	return s.accept(ctx, token, c, func(t customer.InvitationTerms) (customer.Customer, error) {
		return s.Customers.RegisterByInvitation(ctx, in, t)
	})
}

func (s *Service) accept(ctx context.Context, token string, consent Consent,
	do func(customer.InvitationTerms) (customer.Customer, error)) (customer.Customer, error) {
	inv, err := s.resolve(ctx, token)
	if err != nil {
		return customer.Customer{}, err
	}
	if err := inv.usable(s.Clock.Now()); err != nil {
		s.recordFailure(ctx, inv, customer.Customer{}, err)
		return customer.Customer{}, err
	}
	if !consent.DataSharing || (inv.typ == customer.Reseller && !consent.Notice) {
		return customer.Customer{}, ErrInviteConsent
	}
	var seen customer.Customer
	terms := customer.InvitationTerms{PartnerID: inv.partnerID, Type: inv.typ, AccountManagerID: inv.managerID,
		Check: func(ctx context.Context, tx *sql.Tx, c customer.Customer) error {
			seen = c
			return s.eligible(ctx, tx, inv, c)
		},
		Done: func(ctx context.Context, tx *sql.Tx, c customer.Customer, _ customer.Association) error {
			return s.recordAssociated(ctx, tx, inv, c)
		}}
	c, err := do(terms)
	if err != nil {
		s.recordFailure(ctx, inv, seen, err)
		return customer.Customer{}, err
	}
	return c, nil
}

// eligible applies §1.4's rules that are customer development's, in the
// association's transaction: the report of an e-mail invitation must still
// be 已报备 and name this account (if it names one); no other partner may
// hold a report of the account; an account older than ReviewAge or with
// spending must be reported (已报备) by this partner.
func (s *Service) eligible(ctx context.Context, tx *sql.Tx, inv invite, c customer.Customer) error {
	now := s.Clock.Now()
	if err := lock(ctx, tx, now, prospectKeys(c.ID, c.MobileCountryCode, c.Mobile, c.Email)...); err != nil {
		return err
	}
	if inv.kind == KindEmail {
		var (
			status   Status
			expires  time.Time
			reported sql.NullString
		)
		if err := tx.QueryRowContext(ctx, "SELECT status, expires_at, customer_id FROM prospect_reports WHERE id = $1 AND partner_id = $2",
			inv.reportID, inv.partnerID).Scan(&status, &expires, &reported); err != nil {
			return err
		}
		if status != StatusReported || !now.Before(expires) {
			return ErrInviteReportEnded
		}
		if reported.Valid && reported.String != c.ID {
			return ErrInviteOtherAccount
		}
	}
	holders, err := lockHolders(ctx, tx, now, c.ID, c.MobileCountryCode, c.Mobile, c.Email)
	if err != nil {
		return err
	}
	for _, h := range holders {
		if h != inv.partnerID {
			return ErrInviteReportedByOther
		}
	}
	old := now.Sub(c.CreatedAt) > ReviewAge
	if !old {
		spent, err := s.Spending.HasCashSpending(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		old = spent
	}
	if !old {
		return nil
	}
	var covered bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM prospect_reports
		WHERE partner_id = $1 AND status = 'reported' AND expires_at > $2
		AND (customer_id = $3 OR (customer_id IS NULL AND ((mobile <> '' AND mobile_country_code = $4 AND mobile = $5)
			OR (email <> '' AND email = $6)))))`,
		inv.partnerID, now, c.ID, c.MobileCountryCode, c.Mobile, c.Email).Scan(&covered); err != nil {
		return err
	}
	if !covered {
		return ErrInviteNeedsReport
	}
	return nil
}

// recordAssociated records a successful association: the e-mail
// invitation is used (once: a concurrent use fails with ErrInviteUsed), a
// generic link gets a history row, and this partner's active reports of
// the account become 已关联.
func (s *Service) recordAssociated(ctx context.Context, tx *sql.Tx, inv invite, c customer.Customer) error {
	now := s.Clock.Now()
	if inv.kind == KindEmail {
		res, err := tx.ExecContext(ctx, `UPDATE prospect_invitations SET status = 'associated', failure = '', used_at = $1,
			customer_id = $2, account_name = $3, updated_at = $1 WHERE id = $4 AND used_at IS NULL`, now, c.ID, c.DomainName, inv.id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrInviteUsed
		}
		if _, err := tx.ExecContext(ctx, `UPDATE prospect_reports SET status = 'associated', customer_id = $1, updated_at = $2
			WHERE id = $3`, c.ID, now, inv.reportID); err != nil {
			return err
		}
	} else if err := insertLinkAttempt(ctx, tx, inv, c, InvitationAssociated, "", now); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE prospect_reports SET status = 'associated', customer_id = $1, updated_at = $2
		WHERE partner_id = $3 AND status IN ('pending', 'reported') AND expires_at > $2
		AND (customer_id = $1 OR (customer_id IS NULL AND ((mobile <> '' AND mobile_country_code = $4 AND mobile = $5)
			OR (email <> '' AND email = $6))))`, c.ID, now, inv.partnerID, c.MobileCountryCode, c.Mobile, c.Email)
	return err
}

func insertLinkAttempt(ctx context.Context, tx *sql.Tx, inv invite, c customer.Customer, st InvitationStatus, failure string, now time.Time) error {
	var used any
	if st == InvitationAssociated {
		used = now
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO prospect_invitations (id, partner_id, kind, link_id, inviter_id, manager_id,
		type, status, failure, customer_id, account_name, used_at, created_at, updated_at)
		VALUES ($1, $2, 'link', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
		ids.New(), inv.partnerID, inv.id, inv.inviterID, nullable(inv.managerID), inv.typ, st, failure,
		nullable(c.ID), c.DomainName, used, now)
	return err
}

// recordedCauses are the failures 历史记录 shows (§1.3); others (a wrong
// password, a bad code) are the visitor's typing, not the invitation's fate.
var recordedCauses = []*apperr.Error{ErrInviteUsed, ErrInviteExpired, ErrInviteReportedByOther, ErrInviteNeedsReport,
	ErrInviteReportEnded, ErrInviteOtherAccount, customer.ErrInviteAssociated, customer.ErrPartnerRestricted,
	customer.ErrParentRestricted}

// recordFailure notes why an association failed on the invitation, in a
// transaction of its own (the association's rolled back). Best effort: an
// error is only logged by the caller's request log, never shown.
func (s *Service) recordFailure(ctx context.Context, inv invite, c customer.Customer, cause error) {
	var key string
	for _, e := range recordedCauses {
		if errors.Is(cause, e) {
			key = e.Key
			break
		}
	}
	if key == "" {
		return
	}
	now := s.Clock.Now()
	_ = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if inv.kind == KindLink {
			return insertLinkAttempt(ctx, tx, inv, c, InvitationFailed, key, now)
		}
		_, err := tx.ExecContext(ctx, `UPDATE prospect_invitations SET status = 'failed', failure = $1,
			customer_id = COALESCE($2, customer_id), account_name = CASE WHEN $3 = '' THEN account_name ELSE $3 END, updated_at = $4
			WHERE id = $5 AND used_at IS NULL`, key, nullable(c.ID), c.DomainName, now, inv.id)
		return err
	})
}
