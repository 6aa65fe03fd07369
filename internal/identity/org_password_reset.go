package identity

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/outbox"
)

// "Forgot password" rules: a 6-digit code sent by e-mail, valid
// ResetCodeTTL, good for MaxResetAttempts tries (the right one included).
// A member is sent at most one code per ResetResendInterval and
// MaxResetCodesPerDay a day, so the form cannot flood a mailbox nor buy
// unlimited guesses with fresh codes.
const (
	ResetCodeTTL        = 10 * time.Minute
	MaxResetAttempts    = 5
	ResetResendInterval = time.Minute
	MaxResetCodesPerDay = 10
	resetWindow         = 24 * time.Hour
)

// Errors of the password reset.
var (
	ErrResetCodeInvalid  = apperr.New("CBC.0100", "err.reset_code_invalid")
	ErrResetCodeExpired  = apperr.New("CBC.0100", "err.reset_code_expired")
	ErrResetCodeUsed     = apperr.New("CBC.0100", "err.reset_code_used")
	ErrResetCodeAttempts = apperr.New("CBC.0100", "err.reset_code_attempts")
)

// errNoOutbox is a wiring mistake, not a user's.
var errNoOutbox = errors.New("identity: no outbox configured (SetOutbox)")

// resetMember finds the member a reset form names, as sign-in does: the
// partner's account name and the member's account name or e-mail (empty
// for the main account). ok is false when there is no such member.
func (s *Service) resetMember(ctx context.Context, domainName, memberName string) (Member, Partner, bool, error) {
	domainName = strings.TrimSpace(domainName)
	memberName = strings.TrimSpace(memberName)
	if memberName == "" {
		memberName = domainName
	}
	p, err := s.PartnerByDomainName(ctx, domainName)
	if errors.Is(err, ErrPartnerNotFound) {
		return Member{}, Partner{}, false, nil
	}
	if err != nil {
		return Member{}, Partner{}, false, err
	}
	m, err := scanMember(s.db.SQL.QueryRowContext(ctx, memberSelect+
		" WHERE partner_id = $1 AND (account_name = $2 OR (email = $2 AND email <> ''))", p.ID, memberName))
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, Partner{}, false, nil
	}
	if err != nil {
		return Member{}, Partner{}, false, fmt.Errorf("load member: %w", err)
	}
	return m, p, true, nil
}

// RequestPasswordReset sends a member a 6-digit code by e-mail through the
// outbox (the "forgot password" page; no actor). The code is valid for
// ResetCodeTTL and replaces any earlier one; only its hash is stored. To
// reveal nothing about who exists it returns nil, sending nothing, for an
// unknown partner or member, a member without e-mail, a disabled member, a
// frozen partner, and when the member was sent a code less than
// ResetResendInterval ago or MaxResetCodesPerDay today. It errors only when
// the service is miswired or the database fails.
func (s *Service) RequestPasswordReset(ctx context.Context, domainName, memberName string) error {
	if s.outbox == nil {
		return errNoOutbox
	}
	m, p, ok, err := s.resetMember(ctx, domainName, memberName)
	if err != nil || !ok || m.Email == "" || m.Status != MemberActive || p.Status == PartnerFrozen {
		return err
	}
	code, err := resetCode()
	if err != nil {
		return err
	}
	hash := HashPassword(code)
	now := s.clock.Now()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		// Lock the member so two requests cannot both pass the limits.
		if _, err := tx.ExecContext(ctx, "UPDATE members SET id = id WHERE id = $1", m.ID); err != nil {
			return err
		}
		var (
			created, windowStart time.Time
			count                int
		)
		err := tx.QueryRowContext(ctx, "SELECT created_at, window_started_at, window_count FROM password_resets WHERE member_id = $1",
			m.ID).Scan(&created, &windowStart, &count)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			windowStart, count = now, 0
		case err != nil:
			return err
		case now.Sub(created) >= 0 && now.Sub(created) < ResetResendInterval:
			return errSkip
		case now.Sub(windowStart) >= resetWindow || now.Before(windowStart):
			windowStart, count = now, 0
		}
		if count >= MaxResetCodesPerDay {
			return errSkip
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO password_resets
			(member_id, partner_id, code_hash, attempts, created_at, expires_at, used_at, window_started_at, window_count)
			VALUES ($1, $2, $3, 0, $4, $5, NULL, $6, $7)
			ON CONFLICT (member_id) DO UPDATE SET code_hash = excluded.code_hash, attempts = 0,
				created_at = excluded.created_at, expires_at = excluded.expires_at, used_at = NULL,
				window_started_at = excluded.window_started_at, window_count = excluded.window_count`,
			m.ID, p.ID, hash, now, now.Add(ResetCodeTTL), windowStart, count+1); err != nil {
			return err
		}
		if _, err := s.outbox.EnqueueTx(ctx, tx, resetMail(m, p, code)); err != nil {
			return err
		}
		self := Actor{Kind: ActorMember, ID: m.ID, Name: m.AccountName, PartnerID: p.ID}
		return audit(ctx, tx, self, p.ID, "member.password_reset_request", m.ID, "", now)
	})
	if errors.Is(err, errSkip) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("request password reset for %s: %w", m.ID, err)
	}
	return nil
}

// errSkip rolls a transaction back without failing the use case.
var errSkip = errors.New("skip")

// resetCode returns 6 random digits.
func resetCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("reset code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// resetMail is the code's e-mail, in Chinese and English: the person asking
// is not signed in, so nothing says which language they read.
func resetMail(m Member, p Partner, code string) outbox.Message {
	args := map[string]any{"code": code, "minutes": int(ResetCodeTTL.Minutes()),
		"account": p.DomainName, "member": m.AccountName}
	return outbox.Message{
		Channel: outbox.Email,
		To:      m.Email,
		Subject: i18n.T(i18n.ZH, "mail.password_reset.subject", args) + " / " + i18n.T(i18n.EN, "mail.password_reset.subject", args),
		Body:    i18n.T(i18n.ZH, "mail.password_reset.body", args) + "\n\n----\n\n" + i18n.T(i18n.EN, "mail.password_reset.body", args),
	}
}

// ResetPassword sets a new password with a code from RequestPasswordReset
// (no actor). The new password must meet CheckPasswordPolicy. On success the
// code is used up, the sign-in lockout lifted, must_change_password
// cleared, and every session and API token of the member ended. Returns
// ErrWeakPassword, ErrResetCodeInvalid (wrong code, or no such member or
// code — never saying which), ErrResetCodeExpired, ErrResetCodeUsed,
// ErrResetCodeAttempts (MaxResetAttempts tries made: even the right code is
// refused, ask for a new one). Every try counts, even concurrent ones. Not
// idempotent.
func (s *Service) ResetPassword(ctx context.Context, domainName, memberName, code, newPassword string) error {
	m, p, ok, err := s.resetMember(ctx, domainName, memberName)
	if err != nil {
		return err
	}
	if !ok {
		CheckPassword(dummyHash, code)
		return ErrResetCodeInvalid
	}
	if err := CheckPasswordPolicy(newPassword, m.AccountName); err != nil {
		return err
	}
	now := s.clock.Now()
	// Take one attempt first, in its own committed transaction, so a
	// wrong code always costs one and concurrent tries cannot exceed the
	// limit.
	var hash string
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `UPDATE password_resets SET attempts = attempts + 1
			WHERE member_id = $1 AND partner_id = $2 AND used_at IS NULL AND expires_at > $3 AND attempts < $4
			RETURNING code_hash`, m.ID, p.ID, now, MaxResetAttempts).Scan(&hash)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return s.whyNoResetAttempt(ctx, m, p, now)
	}
	if err != nil {
		return fmt.Errorf("reset password of %s: %w", m.ID, err)
	}
	if !CheckPassword(hash, strings.TrimSpace(code)) {
		return ErrResetCodeInvalid
	}
	newHash := HashPassword(newPassword)
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE password_resets SET used_at = $1 WHERE member_id = $2 AND partner_id = $3 AND used_at IS NULL AND code_hash = $4",
			now, m.ID, p.ID, hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrResetCodeUsed // a concurrent reset used it first
		}
		if _, err := setMemberPasswordTx(ctx, tx, p.ID, m.ID, newHash, false); err != nil {
			return err
		}
		self := Actor{Kind: ActorMember, ID: m.ID, Name: m.AccountName, PartnerID: p.ID}
		return audit(ctx, tx, self, p.ID, "member.password_reset", m.ID, "", now)
	})
	if err != nil {
		return fmt.Errorf("reset password of %s: %w", m.ID, err)
	}
	s.forgetAPICredentials(p.ID)
	return nil
}

// whyNoResetAttempt says why no attempt could be taken on a member's code.
func (s *Service) whyNoResetAttempt(ctx context.Context, m Member, p Partner, now time.Time) error {
	var (
		attempts  int
		expiresAt time.Time
		usedAt    sql.NullTime
	)
	err := s.db.SQL.QueryRowContext(ctx, "SELECT attempts, expires_at, used_at FROM password_resets WHERE member_id = $1 AND partner_id = $2",
		m.ID, p.ID).Scan(&attempts, &expiresAt, &usedAt)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrResetCodeInvalid
	case err != nil:
		return fmt.Errorf("load reset code of %s: %w", m.ID, err)
	case usedAt.Valid:
		return ErrResetCodeUsed
	case attempts >= MaxResetAttempts:
		return ErrResetCodeAttempts.With("max", MaxResetAttempts)
	case !now.Before(expiresAt):
		return ErrResetCodeExpired
	}
	return ErrResetCodeInvalid
}
