package identity_test

import (
	"context"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

const newPassword = "N3w-Passw0rd"

func TestChangePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		o := mustOrg(t, f)

		t.Run("OK", func(t *testing.T) {
			m, initial := mustOrgMember(t, o, "", identity.PresetSA)
			actor := mustOrgActor(t, o, m.ID)
			_, _, _, err := o.svc.IssueToken(ctx, o.p.DomainName, m.AccountName, initial)
			assertErr(t, err, nil)
			before, err := o.svc.SessionEpoch(ctx, o.p.ID, m.ID)
			assertErr(t, err, nil)
			epoch, err := o.svc.ChangePassword(ctx, actor, initial, newPassword)
			assertErr(t, err, nil)
			if epoch != before+1 {
				t.Fatalf("epoch %d, want %d", epoch, before+1)
			}
			if got, _ := o.svc.SessionEpoch(ctx, o.p.ID, m.ID); got != epoch {
				t.Fatalf("stored epoch %d, returned %d", got, epoch)
			}
			_, _, err = o.svc.SignInMember(ctx, o.p.DomainName, m.AccountName, initial)
			assertErr(t, err, identity.ErrBadCredentials)
			got, _, err := o.svc.SignInMember(ctx, o.p.DomainName, m.AccountName, newPassword)
			assertErr(t, err, nil)
			if got.MustChangePassword || got.SessionEpoch != epoch {
				t.Fatalf("after change: %+v", got)
			}
			if n := orgCount(t, o, "SELECT COUNT(*) FROM api_tokens WHERE member_id = $1", m.ID); n != 0 {
				t.Errorf("%d API tokens survived the change", n)
			}
		})

		t.Run("OKMainAccount", func(t *testing.T) {
			o := mustOrg(t, f)
			_, err := o.svc.ChangePassword(ctx, o.main, o.acct.Password, newPassword)
			assertErr(t, err, nil)
			_, _, err = o.svc.SignInMember(ctx, o.p.DomainName, "", newPassword)
			assertErr(t, err, nil)
		})

		t.Run("Errors", func(t *testing.T) {
			m, initial := mustOrgMember(t, o, "", identity.PresetSA)
			actor := mustOrgActor(t, o, m.ID)
			tests := []struct {
				name     string
				actor    identity.Actor
				old, new string
				want     error
			}{
				{"ErrWeakPassword/Short", actor, initial, "Ab1!", identity.ErrWeakPassword},
				{"ErrWeakPassword/OneKind", actor, initial, "abcdefghij", identity.ErrWeakPassword},
				{"ErrWeakPassword/AccountName", actor, initial, m.AccountName, identity.ErrWeakPassword},
				{"ErrWeakPassword/ReversedAccountName", actor, initial, reverseString(m.AccountName), identity.ErrWeakPassword},
				{"ErrOldPasswordWrong", actor, wrongPassword, newPassword, identity.ErrOldPasswordWrong},
				{"ErrPasswordUnchanged", actor, initial, initial, identity.ErrPasswordUnchanged},
				{"ErrForbidden/Operator", f.admin, testPassword, newPassword, identity.ErrForbidden},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := o.svc.ChangePassword(ctx, tt.actor, tt.old, tt.new)
					assertErr(t, err, tt.want)
				})
			}
		})

		t.Run("ErrAccountLocked", func(t *testing.T) {
			m, initial := mustOrgMember(t, o, "", identity.PresetSA)
			actor := mustOrgActor(t, o, m.ID)
			for range identity.MaxFailedSignIns - 1 {
				_, err := o.svc.ChangePassword(ctx, actor, wrongPassword, newPassword)
				assertErr(t, err, identity.ErrOldPasswordWrong)
			}
			_, err := o.svc.ChangePassword(ctx, actor, wrongPassword, newPassword)
			assertErr(t, err, identity.ErrAccountLocked)
			_, err = o.svc.ChangePassword(ctx, actor, initial, newPassword)
			assertErr(t, err, identity.ErrAccountLocked)
		})
	})
}

func reverseString(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
