package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"partnercenter/internal/identity"
)

// SignInCustomer checks a customer portal sign-in by account name (compared
// without regard to case) and password, under the members' lockout rule:
// identity.MaxFailedSignIns wrong passwords in a row lock the account for
// identity.LockoutDuration. It returns identity.ErrBadCredentials for an
// unknown name, an account without a password (it enters only through its
// partner's single sign-on) or a wrong password — never saying which — and
// identity.ErrAccountLocked (with "minutes") while locked.
//
// A frozen customer signs in: the portal shows that the account is frozen
// and refuses what it may not do (Customer.Frozen). Anyone may call it; it
// is the portal's front door. Not idempotent: failures count.
func (s *Service) SignInCustomer(ctx context.Context, domainName, password string) (Customer, error) {
	c, err := s.checkCustomerPassword(ctx, domainName, password)
	if err != nil {
		return Customer{}, err
	}
	return c, nil
}

// checkCustomerPassword is SignInCustomer's rule, shared with binding an
// existing account at a first single sign-on.
func (s *Service) checkCustomerPassword(ctx context.Context, domainName, password string) (Customer, error) {
	var (
		failed      int
		lockedUntil sql.NullTime
	)
	key := strings.ToLower(strings.TrimSpace(domainName))
	c, err := scanCustomer(s.db.SQL.QueryRowContext(ctx, "SELECT "+customerColumns+
		", c.failed_logins, c.locked_until FROM customers c WHERE c.domain_name_key = $1", key), &failed, &lockedUntil)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !c.HasPassword) {
		identity.CheckPassword(dummyPasswordHash(), password)
		return Customer{}, identity.ErrBadCredentials
	}
	if err != nil {
		return Customer{}, fmt.Errorf("customer sign-in: %w", err)
	}
	now := s.clock.Now()
	if lockedUntil.Valid && now.Before(lockedUntil.Time) {
		return Customer{}, identity.ErrAccountLocked.With("minutes", minutesLeft(now, lockedUntil.Time))
	}
	if !c.CheckPassword(password) {
		var n int
		err := s.db.InTx(ctx, func(tx *sql.Tx) error {
			// Counted in SQL so concurrent wrong attempts cannot undercount.
			if err := tx.QueryRowContext(ctx, "UPDATE customers SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
				c.ID).Scan(&n); err != nil {
				return err
			}
			if n >= identity.MaxFailedSignIns {
				_, err := tx.ExecContext(ctx, "UPDATE customers SET failed_logins = 0, locked_until = $1 WHERE id = $2",
					now.Add(identity.LockoutDuration), c.ID)
				return err
			}
			return nil
		})
		if err != nil {
			return Customer{}, fmt.Errorf("count failed customer sign-in: %w", err)
		}
		if n >= identity.MaxFailedSignIns {
			return Customer{}, identity.ErrAccountLocked.With("minutes", int(identity.LockoutDuration.Minutes()))
		}
		return Customer{}, identity.ErrBadCredentials
	}
	if failed > 0 || lockedUntil.Valid {
		if _, err := s.db.SQL.ExecContext(ctx, "UPDATE customers SET failed_logins = 0, locked_until = NULL WHERE id = $1", c.ID); err != nil {
			return Customer{}, fmt.Errorf("reset failed customer sign-ins: %w", err)
		}
	}
	return c, nil
}

// minutesLeft rounds the remaining lock time up, so "1 minute" is shown
// until the lock actually ends.
func minutesLeft(now, until time.Time) int {
	return int((until.Sub(now) + time.Minute - 1) / time.Minute)
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// dummyPasswordHash is checked against when there is no password to
// check, so that an unknown name answers as slowly as a wrong password.
func dummyPasswordHash() string {
	dummyOnce.Do(func() { dummyHash = identity.HashPassword("not-a-password-0") })
	return dummyHash
}
