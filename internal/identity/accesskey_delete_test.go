package identity_test

import (
	"context"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

func TestDeleteAccessKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		p, acct := mustPartner(t, f, identity.NewPartner{})
		main := mustMainActor(t, f, p, acct)
		m1 := mustRawMember(t, f, p, "member-1", "active")
		m2 := mustRawMember(t, f, p, "member-2", "active")
		other, otherAcct := mustPartner(t, f, identity.NewPartner{})
		otherMain := mustMainActor(t, f, other, otherAcct)

		t.Run("OK/OwnKeyStopsAtOnce", func(t *testing.T) {
			k, _ := mustAccessKey(t, f, m1)
			if _, _, err := f.svc.AccessKeyActor(ctx, k.AccessKey); err != nil { // now cached
				t.Fatal(err)
			}
			assertErr(t, f.svc.DeleteAccessKey(ctx, m1, k.AccessKey), nil)
			// The clock has not moved: only the dropped cache entry stops it.
			_, _, err := f.svc.AccessKeyActor(ctx, k.AccessKey)
			assertErr(t, err, identity.ErrAPICredentials)
			keys, err := f.svc.AccessKeysOf(ctx, p.ID, m1.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != 0 {
				t.Errorf("keys left %+v, want none", keys)
			}
			if n := countRows(t, f, "SELECT COUNT(*) FROM audit_log WHERE partner_id = $1 AND action = 'access_key.delete' AND target = $2",
				p.ID, k.AccessKey); n != 1 {
				t.Errorf("%d audit rows, want 1", n)
			}
		})

		t.Run("ErrNotFound/Again", func(t *testing.T) {
			k, _ := mustAccessKey(t, f, m1)
			assertErr(t, f.svc.DeleteAccessKey(ctx, m1, k.AccessKey), nil)
			assertErr(t, f.svc.DeleteAccessKey(ctx, m1, k.AccessKey), apperr.NotFound)
		})

		t.Run("OK/MainAccountOnAMembersKey", func(t *testing.T) {
			k, _ := mustAccessKey(t, f, m2)
			assertErr(t, f.svc.DeleteAccessKey(ctx, main, k.AccessKey), nil)
		})

		mainKey, _ := mustAccessKey(t, f, main)
		m2Key, _ := mustAccessKey(t, f, m2)
		tests := []struct {
			name  string
			actor identity.Actor
			key   string
			want  error
		}{
			{"ErrNotFound/AnotherMembersKey", m1, m2Key.AccessKey, apperr.NotFound},
			{"ErrNotFound/MainAccountsKeyByMember", m1, mainKey.AccessKey, apperr.NotFound},
			{"ErrNotFound/AnotherPartnersKey", otherMain, mainKey.AccessKey, apperr.NotFound},
			{"ErrNotFound/UnknownKey", main, "NOSUCHKEY00000000000", apperr.NotFound},
			{"ErrForbidden/Operator", f.admin, mainKey.AccessKey, identity.ErrForbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				assertErr(t, f.svc.DeleteAccessKey(ctx, tt.actor, tt.key), tt.want)
			})
		}
		t.Run("RefusedKeysRemain", func(t *testing.T) {
			if n := countRows(t, f, "SELECT COUNT(*) FROM access_keys WHERE access_key IN ($1, $2)", mainKey.AccessKey, m2Key.AccessKey); n != 2 {
				t.Errorf("%d of the keys others tried to delete remain, want 2", n)
			}
		})
	})
}
