package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/platform/apperr"
)

// Lockout rule: five wrong passwords in a row lock the account for 15
// minutes, whichever face the attempts came through.
const (
	MaxFailedSignIns = 5
	LockoutDuration  = 15 * time.Minute
)

// Sign-in errors. ErrBadCredentials never says whether the account exists.
var (
	ErrBadCredentials = apperr.New("PC.0401", "err.signin_failed").WithStatus(401)
	ErrAccountLocked  = apperr.New("PC.0423", "err.account_locked").WithStatus(423)
	ErrAccountFrozen  = apperr.New("PC.0403", "err.partner_frozen").WithStatus(403)
	ErrAccountDisable = apperr.New("PC.0403", "err.account_disabled").WithStatus(403)
	ErrSessionEnded   = apperr.New("PC.0401", "err.session_expired").WithStatus(401)
)

// credentialTable describes where a kind of account keeps its password and
// lockout counters, so operators and members share one sign-in rule.
type credentialTable struct {
	table string
	where string // selects one row; its arguments follow
}

// SignInMember checks a partner console sign-in: the partner's account name,
// a member name (empty, or the account name itself, for the main account)
// and the password. On success it returns the member and its partner.
func (s *Service) SignInMember(ctx context.Context, domainName, memberName, password string) (Member, Partner, error) {
	domainName = strings.TrimSpace(domainName)
	memberName = strings.TrimSpace(memberName)
	if memberName == "" {
		memberName = domainName
	}
	p, err := s.PartnerByDomainName(ctx, domainName)
	if errors.Is(err, ErrPartnerNotFound) {
		CheckPassword(dummyHash, password)
		return Member{}, Partner{}, ErrBadCredentials
	}
	if err != nil {
		return Member{}, Partner{}, err
	}
	id, err := s.checkCredentials(ctx, credentialTable{"members",
		"partner_id = $1 AND (account_name = $2 OR (email = $2 AND email <> ''))"}, password, p.ID, memberName)
	if err != nil {
		return Member{}, Partner{}, err
	}
	if p.Status == PartnerFrozen {
		return Member{}, Partner{}, ErrAccountFrozen
	}
	m, err := scanMember(s.db.SQL.QueryRowContext(ctx, memberSelect+" WHERE id = $1 AND partner_id = $2", id, p.ID))
	if err != nil {
		return Member{}, Partner{}, fmt.Errorf("load member: %w", err)
	}
	return m, p, nil
}

// SignInOperator checks an operator console sign-in.
func (s *Service) SignInOperator(ctx context.Context, username, password string) (Operator, error) {
	id, err := s.checkCredentials(ctx, credentialTable{"operators", "username = $1"}, password, strings.TrimSpace(username))
	if err != nil {
		return Operator{}, err
	}
	return s.OperatorByID(ctx, id)
}

// checkCredentials verifies password against the one row t selects,
// counting failures and locking the row after MaxFailedSignIns. It returns
// the row's id.
func (s *Service) checkCredentials(ctx context.Context, t credentialTable, password string, args ...any) (string, error) {
	var (
		id, hash, status string
		failed           int
		lockedUntil      sql.NullTime
	)
	err := s.db.SQL.QueryRowContext(ctx, "SELECT id, password_hash, status, failed_logins, locked_until FROM "+
		t.table+" WHERE "+t.where, args...).Scan(&id, &hash, &status, &failed, &lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		CheckPassword(dummyHash, password)
		return "", ErrBadCredentials
	}
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	now := s.clock.Now()
	if lockedUntil.Valid && now.Before(lockedUntil.Time) {
		return "", ErrAccountLocked.With("minutes", minutesLeft(now, lockedUntil.Time))
	}
	if !CheckPassword(hash, password) {
		// Count in SQL so concurrent wrong attempts cannot undercount.
		var n int
		err := s.db.InTx(ctx, func(tx *sql.Tx) error {
			if err := tx.QueryRowContext(ctx, "UPDATE "+t.table+
				" SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins", id).Scan(&n); err != nil {
				return err
			}
			if n >= MaxFailedSignIns {
				_, err := tx.ExecContext(ctx, "UPDATE "+t.table+" SET failed_logins = 0, locked_until = $1 WHERE id = $2",
					now.Add(LockoutDuration), id)
				return err
			}
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("count failed sign-in: %w", err)
		}
		if n >= MaxFailedSignIns {
			return "", ErrAccountLocked.With("minutes", int(LockoutDuration.Minutes()))
		}
		return "", ErrBadCredentials
	}
	if status != "active" {
		return "", ErrAccountDisable
	}
	if failed > 0 || lockedUntil.Valid {
		if _, err := s.db.SQL.ExecContext(ctx, "UPDATE "+t.table+
			" SET failed_logins = 0, locked_until = NULL WHERE id = $1", id); err != nil {
			return "", fmt.Errorf("reset failed sign-ins: %w", err)
		}
	}
	return id, nil
}

// minutesLeft rounds the remaining lock time up, so "1 minute" is shown
// until the lock actually ends.
func minutesLeft(now, until time.Time) int {
	return int((until.Sub(now) + time.Minute - 1) / time.Minute)
}

// MemberByID returns a member of a partner; used to restore a session.
func (s *Service) MemberByID(ctx context.Context, partnerID, id string) (Member, error) {
	m, err := scanMember(s.db.SQL.QueryRowContext(ctx, memberSelect+" WHERE id = $1 AND partner_id = $2", id, partnerID))
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, apperr.NotFound
	}
	if err != nil {
		return Member{}, fmt.Errorf("load member %s: %w", id, err)
	}
	return m, nil
}
