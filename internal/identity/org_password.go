package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/outbox"
)

// Errors of password changes.
var (
	// ErrOldPasswordWrong: the current password given to ChangePassword or
	// ChangeOperatorPassword is wrong (wrong attempts count toward the
	// sign-in lockout).
	ErrOldPasswordWrong = apperr.New("CBC.0100", "err.old_password_wrong")
	// ErrPasswordUnchanged: the new password equals the current one.
	ErrPasswordUnchanged = apperr.New("CBC.0100", "err.password_unchanged")
)

// SetOutbox gives the service the outbox that carries password-reset codes.
// Call it once at wiring time, before serving; without it
// RequestPasswordReset fails.
func (s *Service) SetOutbox(o *outbox.Outbox) { s.outbox = o }

// ChangePassword changes the acting member's own password (个人资料 > 修改
// 密码), the main account's included. The new password must meet
// CheckPasswordPolicy for the member's account name and differ from the old
// one. It clears must_change_password, lifts a lockout, ends the member's
// API tokens, and returns the new session epoch: the caller stores it in the
// current session so that session goes on while every other one ends.
// Returns ErrForbidden for non-members, ErrWeakPassword, ErrOldPasswordWrong
// (counted like a failed sign-in), ErrAccountLocked, ErrPasswordUnchanged.
// Not idempotent.
func (s *Service) ChangePassword(ctx context.Context, actor Actor, oldPassword, newPassword string) (int, error) {
	if actor.Kind != ActorMember || actor.PartnerID == "" {
		return 0, ErrForbidden
	}
	m, err := s.MemberByID(ctx, actor.PartnerID, actor.ID)
	if err != nil {
		return 0, err
	}
	if err := CheckPasswordPolicy(newPassword, m.AccountName); err != nil {
		return 0, err
	}
	if _, err := s.checkCredentials(ctx, credentialTable{"members", "id = $1 AND partner_id = $2"},
		oldPassword, m.ID, m.PartnerID); err != nil {
		if errors.Is(err, ErrBadCredentials) {
			return 0, ErrOldPasswordWrong.WithField("old_password", ErrOldPasswordWrong.Key)
		}
		return 0, err
	}
	if newPassword == oldPassword {
		return 0, ErrPasswordUnchanged.WithField("new_password", ErrPasswordUnchanged.Key)
	}
	hash := HashPassword(newPassword)
	var epoch int
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if epoch, err = setMemberPasswordTx(ctx, tx, m.PartnerID, m.ID, hash, false); err != nil {
			return err
		}
		return audit(ctx, tx, actor, m.PartnerID, "member.password_change", m.ID, "", s.clock.Now())
	})
	if err != nil {
		return 0, fmt.Errorf("change password of %s: %w", m.ID, err)
	}
	s.forgetAPICredentials(m.PartnerID)
	return epoch, nil
}

// setMemberPasswordTx stores a new password hash, lifts any lockout, sets
// must_change_password as told, ends the member's other sessions (the epoch
// grows) and its API tokens, and returns the new epoch.
func setMemberPasswordTx(ctx context.Context, tx *sql.Tx, partnerID, memberID, hash string, mustChange bool) (int, error) {
	var epoch int
	err := tx.QueryRowContext(ctx, `UPDATE members SET password_hash = $1, must_change_password = $2,
		session_epoch = session_epoch + 1, failed_logins = 0, locked_until = NULL
		WHERE id = $3 AND partner_id = $4 RETURNING session_epoch`, hash, mustChange, memberID, partnerID).Scan(&epoch)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.NotFound
	}
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM api_tokens WHERE member_id = $1 AND partner_id = $2", memberID, partnerID); err != nil {
		return 0, err
	}
	return epoch, nil
}

// SessionEpoch returns a member's session epoch. A console records it at
// sign-in (Member.SessionEpoch) and, on each request, ends a session whose
// recorded epoch is older: the password was changed or reset, or the member
// disabled, since. Returns apperr.NotFound for a member not of partnerID.
// Read-only.
func (s *Service) SessionEpoch(ctx context.Context, partnerID, memberID string) (int, error) {
	var epoch int
	err := s.db.SQL.QueryRowContext(ctx, "SELECT session_epoch FROM members WHERE id = $1 AND partner_id = $2",
		memberID, partnerID).Scan(&epoch)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.NotFound
	}
	if err != nil {
		return 0, fmt.Errorf("load session epoch of %s: %w", memberID, err)
	}
	return epoch, nil
}
