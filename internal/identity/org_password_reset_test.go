package identity_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/outbox"
)

// mustResetOrg is an organization whose service sends mail through a real
// outbox (its queue not started: tests read the outbox table).
func mustResetOrg(tb testing.TB, d *db.DB) org {
	tb.Helper()
	f := mustFixture(tb, d)
	workers := river.NewWorkers()
	q, err := jobs.New(d, jobs.Config{Workers: workers})
	if err != nil {
		tb.Fatal(err)
	}
	o := outbox.New(d, q, f.clock, nil, nil)
	o.Register(workers)
	f.svc.SetOutbox(o)
	return mustOrg(tb, f)
}

// mustResetMember creates a member with an e-mail address.
func mustResetMember(tb testing.TB, o org) (identity.Member, string) {
	tb.Helper()
	name := uniqueName("reset")
	m, pw, err := o.svc.CreateMember(context.Background(), o.main, identity.NewMember{AccountName: name,
		Email: name + "@example.com", Roles: []string{identity.PresetSA}})
	if err != nil {
		tb.Fatal(err)
	}
	return m, pw
}

var codePattern = regexp.MustCompile(`\b(\d{6})\b`)

// mails returns the messages sent to address, newest first.
func mails(tb testing.TB, o org, address string) []outbox.Message {
	tb.Helper()
	list, err := outbox.List(context.Background(), o.db.SQL, outbox.Filter{To: address})
	if err != nil {
		tb.Fatal(err)
	}
	return list
}

// mustResetCode requests a code for m and reads it from the outbox.
func mustResetCode(tb testing.TB, o org, m identity.Member) string {
	tb.Helper()
	before := len(mails(tb, o, m.Email))
	if err := o.svc.RequestPasswordReset(context.Background(), o.p.DomainName, m.AccountName); err != nil {
		tb.Fatal(err)
	}
	list := mails(tb, o, m.Email)
	if len(list) != before+1 {
		tb.Fatalf("%d mails to %s, want %d", len(list), m.Email, before+1)
	}
	code := codePattern.FindStringSubmatch(list[0].Body)
	if code == nil {
		tb.Fatalf("no code in %q", list[0].Body)
	}
	return code[1]
}

// otherCode returns a 6-digit code different from code.
func otherCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

func TestPasswordReset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o := mustResetOrg(t, d)

		t.Run("OK", func(t *testing.T) {
			m, initial := mustResetMember(t, o)
			// Lock the member out first: a reset lifts the lockout.
			for range identity.MaxFailedSignIns {
				_, _, _ = o.svc.SignInMember(ctx, o.p.DomainName, m.AccountName, wrongPassword)
			}
			code := mustResetCode(t, o, m)
			msg := mails(t, o, m.Email)[0]
			for _, want := range []string{"验证码", "verification code", "10", m.AccountName, o.p.DomainName} {
				if !strings.Contains(msg.Subject+msg.Body, want) {
					t.Errorf("mail lacks %q: %s\n%s", want, msg.Subject, msg.Body)
				}
			}
			if !strings.Contains(msg.Subject, "密码") || !strings.Contains(msg.Subject, "password") {
				t.Errorf("subject %q is not in both languages", msg.Subject)
			}
			if n := orgCount(t, o, "SELECT COUNT(*) FROM password_resets WHERE code_hash = $1", code); n != 0 {
				t.Fatal("code stored in clear")
			}
			assertErr(t, o.svc.ResetPassword(ctx, o.p.DomainName, m.AccountName, code, newPassword), nil)
			got, _, err := o.svc.SignInMember(ctx, o.p.DomainName, m.AccountName, newPassword)
			assertErr(t, err, nil)
			if got.MustChangePassword || got.SessionEpoch != m.SessionEpoch+1 {
				t.Fatalf("after reset: %+v", got)
			}
			_, _, err = o.svc.SignInMember(ctx, o.p.DomainName, m.AccountName, initial)
			assertErr(t, err, identity.ErrBadCredentials)
			// The code works once.
			err = o.svc.ResetPassword(ctx, o.p.DomainName, m.AccountName, code, "An0ther-pass")
			assertErr(t, err, identity.ErrResetCodeUsed)
		})

		t.Run("OKByEmail", func(t *testing.T) {
			m, _ := mustResetMember(t, o)
			assertErr(t, o.svc.RequestPasswordReset(ctx, o.p.DomainName, m.Email), nil)
			code := codePattern.FindStringSubmatch(mails(t, o, m.Email)[0].Body)[1]
			assertErr(t, o.svc.ResetPassword(ctx, o.p.DomainName, m.Email, code, newPassword), nil)
		})

		t.Run("OKSilentWithoutSending", func(t *testing.T) {
			noMail, _ := mustOrgMember(t, o, "", identity.PresetSA)
			off, _ := mustResetMember(t, o)
			assertErr(t, o.svc.SetMemberStatus(ctx, o.main, off.ID, identity.MemberDisabled), nil)
			before := orgCount(t, o, "SELECT COUNT(*) FROM outbox")
			for name, in := range map[string][2]string{
				"UnknownPartner": {"no-such-partner", "someone"},
				"UnknownMember":  {o.p.DomainName, "someone"},
				"NoEmail":        {o.p.DomainName, noMail.AccountName},
				"Disabled":       {o.p.DomainName, off.AccountName},
			} {
				t.Run(name, func(t *testing.T) {
					assertErr(t, o.svc.RequestPasswordReset(ctx, in[0], in[1]), nil)
				})
			}
			if after := orgCount(t, o, "SELECT COUNT(*) FROM outbox"); after != before {
				t.Fatalf("%d messages sent", after-before)
			}
		})

		t.Run("ErrResetCodeAttempts/SixthRefusedEvenIfRight", func(t *testing.T) {
			m, _ := mustResetMember(t, o)
			code := mustResetCode(t, o, m)
			for range identity.MaxResetAttempts {
				err := o.svc.ResetPassword(ctx, o.p.DomainName, m.AccountName, otherCode(code), newPassword)
				assertErr(t, err, identity.ErrResetCodeInvalid)
			}
			err := o.svc.ResetPassword(ctx, o.p.DomainName, m.AccountName, code, newPassword)
			assertErr(t, err, identity.ErrResetCodeAttempts)
		})

		t.Run("OKRightCodeOnLastAttempt", func(t *testing.T) {
			m, _ := mustResetMember(t, o)
			code := mustResetCode(t, o, m)
			for range identity.MaxResetAttempts - 1 {
				assertErr(t, o.svc.ResetPassword(ctx, o.p.DomainName, m.AccountName, otherCode(code), newPassword), identity.ErrResetCodeInvalid)
			}
			assertErr(t, o.svc.ResetPassword(ctx, o.p.DomainName, m.AccountName, code, newPassword), nil)
		})

		t.Run("ErrResetCodeExpired", func(t *testing.T) {
			m, _ := mustResetMember(t, o)
			code := mustResetCode(t, o, m)
			o.clock.Advance(identity.ResetCodeTTL)
			err := o.svc.ResetPassword(ctx, o.p.DomainName, m.AccountName, code, newPassword)
			assertErr(t, err, identity.ErrResetCodeExpired)
		})

		t.Run("ErrResetCodeInvalid/NoCodeOrMember", func(t *testing.T) {
			m, _ := mustResetMember(t, o)
			assertErr(t, o.svc.ResetPassword(ctx, o.p.DomainName, m.AccountName, "123456", newPassword), identity.ErrResetCodeInvalid)
			assertErr(t, o.svc.ResetPassword(ctx, o.p.DomainName, "nobody", "123456", newPassword), identity.ErrResetCodeInvalid)
			assertErr(t, o.svc.ResetPassword(ctx, "no-such-partner", "nobody", "123456", newPassword), identity.ErrResetCodeInvalid)
		})

		t.Run("ErrWeakPasswordKeepsCode", func(t *testing.T) {
			m, _ := mustResetMember(t, o)
			code := mustResetCode(t, o, m)
			assertErr(t, o.svc.ResetPassword(ctx, o.p.DomainName, m.AccountName, code, m.AccountName), identity.ErrWeakPassword)
			assertErr(t, o.svc.ResetPassword(ctx, o.p.DomainName, m.AccountName, code, newPassword), nil)
		})

		t.Run("ResendRules", func(t *testing.T) {
			m, _ := mustResetMember(t, o)
			first := mustResetCode(t, o, m)
			// Within a minute no second mail goes out; the first code stays good.
			assertErr(t, o.svc.RequestPasswordReset(ctx, o.p.DomainName, m.AccountName), nil)
			if n := len(mails(t, o, m.Email)); n != 1 {
				t.Fatalf("%d mails within the resend interval", n)
			}
			o.clock.Advance(identity.ResetResendInterval)
			second := mustResetCode(t, o, m)
			// A new code replaces the old one.
			if first != second {
				assertErr(t, o.svc.ResetPassword(ctx, o.p.DomainName, m.AccountName, first, newPassword), identity.ErrResetCodeInvalid)
			}
			// At most MaxResetCodesPerDay a day.
			for range identity.MaxResetCodesPerDay - 2 {
				o.clock.Advance(identity.ResetResendInterval)
				mustResetCode(t, o, m)
			}
			o.clock.Advance(identity.ResetResendInterval)
			assertErr(t, o.svc.RequestPasswordReset(ctx, o.p.DomainName, m.AccountName), nil)
			if n := len(mails(t, o, m.Email)); n != identity.MaxResetCodesPerDay {
				t.Fatalf("%d mails, want the daily cap %d", n, identity.MaxResetCodesPerDay)
			}
			o.clock.Advance(24 * time.Hour)
			mustResetCode(t, o, m)
		})

	}, jobs.Migrate)
}

func TestRequestPasswordResetWithoutOutbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		p, _ := mustPartner(t, f, identity.NewPartner{})
		if err := f.svc.RequestPasswordReset(context.Background(), p.DomainName, ""); err == nil {
			t.Fatal("no error without an outbox")
		}
	})
}

func TestSessionEpoch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o := mustResetOrg(t, d)
		m, initial := mustResetMember(t, o)
		epoch := func(t *testing.T) int {
			t.Helper()
			n, err := o.svc.SessionEpoch(ctx, o.p.ID, m.ID)
			assertErr(t, err, nil)
			return n
		}
		steps := []struct {
			name string
			do   func(t *testing.T) error
		}{
			{"ChangePassword", func(t *testing.T) error {
				_, err := o.svc.ChangePassword(ctx, mustOrgActor(t, o, m.ID), initial, newPassword)
				return err
			}},
			{"ResetPassword", func(t *testing.T) error {
				return o.svc.ResetPassword(ctx, o.p.DomainName, m.AccountName, mustResetCode(t, o, m), "Reset-Passw0rd")
			}},
			{"ResetMemberPassword", func(t *testing.T) error {
				_, err := o.svc.ResetMemberPassword(ctx, o.main, m.ID)
				return err
			}},
			{"Disable", func(t *testing.T) error { return o.svc.SetMemberStatus(ctx, o.main, m.ID, identity.MemberDisabled) }},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				before := epoch(t)
				assertErr(t, s.do(t), nil)
				if got := epoch(t); got != before+1 {
					t.Fatalf("epoch %d → %d, want one step", before, got)
				}
			})
		}
		t.Run("UnchangedByEdits", func(t *testing.T) {
			before := epoch(t)
			_, err := o.svc.UpdateMember(ctx, o.main, m.ID, identity.MemberUpdate{DisplayName: orgPtr("x")})
			assertErr(t, err, nil)
			if got := epoch(t); got != before {
				t.Fatalf("epoch moved to %d", got)
			}
		})
	}, jobs.Migrate)
}
