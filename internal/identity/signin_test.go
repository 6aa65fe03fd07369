package identity_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

const wrongPassword = "Wrong-pass1"

func TestSignInMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("OK", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			for _, member := range []string{"", p.DomainName, "  " + p.DomainName + " "} {
				m, got, err := f.svc.SignInMember(ctx, " "+p.DomainName, member, acct.Password)
				if err != nil {
					t.Fatalf("member name %q: %v", member, err)
				}
				if !m.IsMain || m.AccountName != p.DomainName || got.ID != p.ID {
					t.Errorf("member name %q: signed in as %+v of %s", member, m, got.ID)
				}
			}
		})

		t.Run("OKRestrictedPartner", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			mustSetStatus(t, f, p.ID, identity.PartnerRestricted)
			_, _, err := f.svc.SignInMember(ctx, p.DomainName, "", acct.Password)
			assertErr(t, err, nil)
		})

		t.Run("ErrBadCredentials", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			tests := []struct {
				name                     string
				domain, member, password string
			}{
				{"WrongPassword", p.DomainName, "", wrongPassword},
				{"EmptyPassword", p.DomainName, "", ""},
				{"PasswordOfOtherCase", p.DomainName, "", swapCase(acct.Password)},
				{"UnknownPartner", "nobody-here", "", acct.Password},
				{"UnknownMember", p.DomainName, "someone", acct.Password},
				{"EmptyAccount", "", "", acct.Password},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, _, err := f.svc.SignInMember(ctx, tt.domain, tt.member, tt.password)
					assertErr(t, err, identity.ErrBadCredentials)
					if e, ok := apperr.As(err); !ok || e.Status() != 401 {
						t.Errorf("error %v, want a 401 apperr", err)
					}
				})
			}
		})

		t.Run("ErrBadCredentials/SameForUnknownPartnerAndMember", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			_, _, errPartner := f.svc.SignInMember(ctx, "nobody-here", "", acct.Password)
			_, _, errMember := f.svc.SignInMember(ctx, p.DomainName, "someone", acct.Password)
			if errPartner == nil || errMember == nil || errPartner.Error() != errMember.Error() {
				t.Fatalf("unknown partner gives %v, unknown member %v: want the same error", errPartner, errMember)
			}
		})

		t.Run("ErrAccountLocked", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			signIn := func(pw string) error {
				_, _, err := f.svc.SignInMember(ctx, p.DomainName, "", pw)
				return err
			}
			for i := 1; i < identity.MaxFailedSignIns; i++ {
				assertErr(t, signIn(wrongPassword), identity.ErrBadCredentials)
			}
			err := signIn(wrongPassword)
			assertErr(t, err, identity.ErrAccountLocked)
			assertLockMinutes(t, err, 15)
			assertErr(t, signIn(acct.Password), identity.ErrAccountLocked)

			f.clock.Advance(14 * time.Minute)
			err = signIn(acct.Password)
			assertErr(t, err, identity.ErrAccountLocked)
			assertLockMinutes(t, err, 1)

			f.clock.Advance(time.Minute - time.Second)
			assertErr(t, signIn(acct.Password), identity.ErrAccountLocked)

			f.clock.Advance(time.Second)
			assertErr(t, signIn(acct.Password), nil)
			failed, locked := mustFailures(t, f, "members", "partner_id = $1", p.ID)
			if failed != 0 || locked {
				t.Fatalf("after sign-in: %d failures, locked %v; want 0, false", failed, locked)
			}
			// The counter starts again from zero.
			for i := 1; i < identity.MaxFailedSignIns; i++ {
				assertErr(t, signIn(wrongPassword), identity.ErrBadCredentials)
			}
			assertErr(t, signIn(acct.Password), nil)
		})

		t.Run("ErrAccountLocked/OnlyThatAccount", func(t *testing.T) {
			p, _ := mustPartner(t, f, identity.NewPartner{})
			q, qAcct := mustPartner(t, f, identity.NewPartner{})
			for range identity.MaxFailedSignIns {
				_, _, _ = f.svc.SignInMember(ctx, p.DomainName, "", wrongPassword)
			}
			_, _, err := f.svc.SignInMember(ctx, q.DomainName, "", qAcct.Password)
			assertErr(t, err, nil)
		})

		t.Run("OKSuccessResetsFailures", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			signIn := func(pw string) error {
				_, _, err := f.svc.SignInMember(ctx, p.DomainName, "", pw)
				return err
			}
			for i := 1; i < identity.MaxFailedSignIns; i++ {
				assertErr(t, signIn(wrongPassword), identity.ErrBadCredentials)
			}
			assertErr(t, signIn(acct.Password), nil)
			for i := 1; i < identity.MaxFailedSignIns; i++ {
				assertErr(t, signIn(wrongPassword), identity.ErrBadCredentials)
			}
			assertErr(t, signIn(acct.Password), nil)
		})

		t.Run("ErrAccountLocked/Concurrent", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			const n = 10
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, _, errs[i] = f.svc.SignInMember(ctx, p.DomainName, "", wrongPassword)
				}()
			}
			close(start)
			wg.Wait()
			locked := 0
			for _, err := range errs {
				switch {
				case errors.Is(err, identity.ErrAccountLocked):
					locked++
				case !errors.Is(err, identity.ErrBadCredentials):
					t.Errorf("concurrent wrong password: %v", err)
				}
			}
			if locked == 0 {
				t.Errorf("no attempt of %d was told the account is locked", n)
			}
			_, _, err := f.svc.SignInMember(ctx, p.DomainName, "", acct.Password)
			assertErr(t, err, identity.ErrAccountLocked)
		})

		t.Run("ErrAccountFrozen", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			mustSetStatus(t, f, p.ID, identity.PartnerFrozen)
			_, _, err := f.svc.SignInMember(ctx, p.DomainName, "", acct.Password)
			assertErr(t, err, identity.ErrAccountFrozen)
			// A wrong password still says only that the credentials are wrong.
			_, _, err = f.svc.SignInMember(ctx, p.DomainName, "", wrongPassword)
			assertErr(t, err, identity.ErrBadCredentials)

			mustSetStatus(t, f, p.ID, identity.PartnerNormal)
			_, _, err = f.svc.SignInMember(ctx, p.DomainName, "", acct.Password)
			assertErr(t, err, nil)
		})

		t.Run("ErrAccountDisable", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			if _, err := d.SQL.ExecContext(ctx, "UPDATE members SET status = 'disabled' WHERE partner_id = $1", p.ID); err != nil {
				t.Fatal(err)
			}
			_, _, err := f.svc.SignInMember(ctx, p.DomainName, "", acct.Password)
			assertErr(t, err, identity.ErrAccountDisable)
		})
	})
}

func TestSignInOperator(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("OK", func(t *testing.T) {
			want := mustOperator(t, f, "ops-ok", identity.RoleEcoManager)
			op, err := f.svc.SignInOperator(ctx, " ops-ok ", testPassword)
			if err != nil {
				t.Fatal(err)
			}
			if op.ID != want.ID || len(op.Roles) != 1 || op.Roles[0] != identity.RoleEcoManager {
				t.Errorf("signed in as %+v, want %+v", op, want)
			}
			if got := op.Actor(); !got.IsOperator() || !got.HasOperatorRole(identity.RoleEcoManager) {
				t.Errorf("actor %+v is not an eco manager operator", got)
			}
		})

		t.Run("ErrBadCredentials", func(t *testing.T) {
			mustOperator(t, f, "ops-bad")
			for _, tt := range []struct{ name, user, pw string }{
				{"WrongPassword", "ops-bad", wrongPassword},
				{"UnknownOperator", "nobody", testPassword},
			} {
				t.Run(tt.name, func(t *testing.T) {
					_, err := f.svc.SignInOperator(ctx, tt.user, tt.pw)
					assertErr(t, err, identity.ErrBadCredentials)
				})
			}
		})

		t.Run("ErrAccountLocked", func(t *testing.T) {
			mustOperator(t, f, "ops-lock")
			for i := 1; i < identity.MaxFailedSignIns; i++ {
				_, err := f.svc.SignInOperator(ctx, "ops-lock", wrongPassword)
				assertErr(t, err, identity.ErrBadCredentials)
			}
			_, err := f.svc.SignInOperator(ctx, "ops-lock", wrongPassword)
			assertErr(t, err, identity.ErrAccountLocked)
			_, err = f.svc.SignInOperator(ctx, "ops-lock", testPassword)
			assertErr(t, err, identity.ErrAccountLocked)
			f.clock.Advance(identity.LockoutDuration)
			_, err = f.svc.SignInOperator(ctx, "ops-lock", testPassword)
			assertErr(t, err, nil)
			failed, locked := mustFailures(t, f, "operators", "username = $1", "ops-lock")
			if failed != 0 || locked {
				t.Fatalf("after sign-in: %d failures, locked %v; want 0, false", failed, locked)
			}
		})
	})
}

// mustFailures reads the failure counter and whether a lock time is set on
// the one row of table that where selects.
func mustFailures(tb testing.TB, f fixture, table, where string, args ...any) (int, bool) {
	tb.Helper()
	var (
		failed int
		until  sql.NullTime
	)
	err := f.db.SQL.QueryRowContext(context.Background(),
		"SELECT failed_logins, locked_until FROM "+table+" WHERE "+where, args...).Scan(&failed, &until)
	if err != nil {
		tb.Fatalf("read failures: %v", err)
	}
	return failed, until.Valid
}

func mustSetStatus(tb testing.TB, f fixture, partnerID string, status identity.PartnerStatus) {
	tb.Helper()
	if err := f.svc.SetPartnerStatus(context.Background(), f.admin, partnerID, status); err != nil {
		tb.Fatalf("set status %s: %v", status, err)
	}
}

// assertLockMinutes checks the minutes a locked-account error tells the user
// to wait.
func assertLockMinutes(tb testing.TB, err error, want int) {
	tb.Helper()
	e, ok := apperr.As(err)
	if !ok {
		tb.Fatalf("error %v is not an apperr", err)
	}
	if got := e.Args["minutes"]; got != want {
		tb.Fatalf("minutes %v, want %d", got, want)
	}
}

func swapCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = c - 32
		case 'A' <= c && c <= 'Z':
			b[i] = c + 32
		}
	}
	return string(b)
}
