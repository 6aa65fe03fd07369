package identity_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/ids"
)

// mustRawMember inserts a member of p that is not the main account, with
// status and password testPassword, straight into the table: organization
// management, which will create members properly, comes later. It returns
// the member's console actor (holding no permission items).
func mustRawMember(tb testing.TB, f fixture, p identity.Partner, name, status string) identity.Actor {
	tb.Helper()
	id := ids.New()
	_, err := f.db.SQL.ExecContext(context.Background(), `INSERT INTO members (id, partner_id, account_name, display_name,
		password_hash, is_main, status, created_at) VALUES ($1, $2, $3, $3, $4, FALSE, $5, $6)`,
		id, p.ID, name, identity.HashPassword(testPassword), status, f.clock.Now())
	if err != nil {
		tb.Fatalf("insert member %s: %v", name, err)
	}
	return identity.Actor{Kind: identity.ActorMember, ID: id, Name: name, PartnerID: p.ID, PartnerType: p.Type, DomainID: p.DomainID}
}

// mustAccessKey creates a key for actor and returns it with its secret.
func mustAccessKey(tb testing.TB, f fixture, actor identity.Actor) (identity.AccessKey, string) {
	tb.Helper()
	k, secret, err := f.svc.CreateAccessKey(context.Background(), actor, "")
	if err != nil {
		tb.Fatalf("create access key: %v", err)
	}
	return k, secret
}

func TestAccessKeyActor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("OK/MainAccount", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			main := mustMainActor(t, f, p, acct)
			k, secret := mustAccessKey(t, f, main)
			a, gotSecret, err := f.svc.AccessKeyActor(ctx, k.AccessKey)
			if err != nil {
				t.Fatal(err)
			}
			if gotSecret != secret {
				t.Errorf("secret %q, want %q", gotSecret, secret)
			}
			if a.Kind != identity.ActorAPIKey || a.ID != main.ID || a.PartnerID != p.ID || a.DomainID != p.DomainID ||
				!a.IsMain || a.Name != p.DomainName {
				t.Errorf("actor %+v, want the main account acting through the API", a)
			}
			for _, perm := range identity.Permissions {
				if !a.Can(perm.Code) {
					t.Errorf("main account lacks %s", perm.Code)
				}
			}
		})

		t.Run("OK/MemberWithoutItems", func(t *testing.T) {
			p, _ := mustPartner(t, f, identity.NewPartner{})
			m := mustRawMember(t, f, p, "member-a", "active")
			k, _ := mustAccessKey(t, f, m)
			a, _, err := f.svc.AccessKeyActor(ctx, k.AccessKey)
			if err != nil {
				t.Fatal(err)
			}
			if a.ID != m.ID || a.IsMain || a.Can(identity.PermCatalogView) {
				t.Errorf("actor %+v, want the member without permission items", a)
			}
		})

		refused := []struct {
			name  string
			setup func(t *testing.T) string // returns the access key to try
		}{
			{"ErrAPICredentials/UnknownKey", func(t *testing.T) string { return "NOSUCHKEY00000000000" }},
			{"ErrAPICredentials/DisabledKey", func(t *testing.T) string {
				p, acct := mustPartner(t, f, identity.NewPartner{})
				main := mustMainActor(t, f, p, acct)
				k, _ := mustAccessKey(t, f, main)
				if _, _, err := f.svc.AccessKeyActor(ctx, k.AccessKey); err != nil { // now cached
					t.Fatal(err)
				}
				if err := f.svc.SetAccessKeyStatus(ctx, main, k.AccessKey, identity.AccessKeyInactive); err != nil {
					t.Fatal(err)
				}
				return k.AccessKey
			}},
			{"ErrAPICredentials/DisabledMember", func(t *testing.T) string {
				p, _ := mustPartner(t, f, identity.NewPartner{})
				m := mustRawMember(t, f, p, "member-b", "active")
				k, _ := mustAccessKey(t, f, m)
				if _, err := f.db.SQL.Exec("UPDATE members SET status = 'disabled' WHERE id = $1", m.ID); err != nil {
					t.Fatal(err)
				}
				return k.AccessKey
			}},
			{"ErrAPICredentials/FrozenPartner", func(t *testing.T) string {
				p, acct := mustPartner(t, f, identity.NewPartner{})
				k, _ := mustAccessKey(t, f, mustMainActor(t, f, p, acct))
				if _, _, err := f.svc.AccessKeyActor(ctx, k.AccessKey); err != nil { // now cached
					t.Fatal(err)
				}
				mustSetStatus(t, f, p.ID, identity.PartnerFrozen)
				return k.AccessKey
			}},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				ak := tt.setup(t)
				a, secret, err := f.svc.AccessKeyActor(ctx, ak)
				assertErr(t, err, identity.ErrAPICredentials)
				if e, _ := apperr.As(err); e == nil || e.Status() != 401 {
					t.Errorf("error %v, want a 401", err)
				}
				if secret != "" || a.ID != "" {
					t.Errorf("a refused key came with actor %+v and a secret", a)
				}
			})
		}

		t.Run("CachedForAFewSeconds", func(t *testing.T) {
			// Another node disabling the key writes only the database: this
			// node keeps accepting the key until its cache entry expires.
			p, acct := mustPartner(t, f, identity.NewPartner{})
			k, _ := mustAccessKey(t, f, mustMainActor(t, f, p, acct))
			if _, _, err := f.svc.AccessKeyActor(ctx, k.AccessKey); err != nil {
				t.Fatal(err)
			}
			if _, err := f.db.SQL.Exec("UPDATE access_keys SET status = 'inactive' WHERE access_key = $1", k.AccessKey); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(4 * time.Second)
			if _, _, err := f.svc.AccessKeyActor(ctx, k.AccessKey); err != nil {
				t.Fatalf("within the cache time: %v", err)
			}
			f.clock.Advance(time.Second)
			_, _, err := f.svc.AccessKeyActor(ctx, k.AccessKey)
			assertErr(t, err, identity.ErrAPICredentials)
		})
	})
}

func TestNoteAccessKeyUsed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		p, acct := mustPartner(t, f, identity.NewPartner{})
		k, _ := mustAccessKey(t, f, mustMainActor(t, f, p, acct))
		lastUsed := func() time.Time {
			t.Helper()
			var at sql.NullTime
			if err := d.SQL.QueryRow("SELECT last_used_at FROM access_keys WHERE access_key = $1", k.AccessKey).Scan(&at); err != nil {
				t.Fatal(err)
			}
			return at.Time.UTC()
		}
		first := f.clock.Now()
		steps := []struct {
			advance time.Duration
			want    time.Time
		}{
			{0, first},                                      // first use is written
			{30 * time.Second, first},                       // not again within a minute
			{29 * time.Second, first},                       // 59 s
			{time.Second, first.Add(time.Minute)},           // a minute later it is
			{10 * time.Second, first.Add(time.Minute)},      // and then not again
			{2 * time.Minute, first.Add(190 * time.Second)}, // after a pause at once
		}
		for i, s := range steps {
			f.clock.Advance(s.advance)
			f.svc.NoteAccessKeyUsed(ctx, k.AccessKey)
			if got := lastUsed(); !got.Equal(s.want) {
				t.Errorf("step %d: last_used_at %v, want %v", i, got, s.want)
			}
		}
	})
}

func TestSetAccessKeyStatus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		p, acct := mustPartner(t, f, identity.NewPartner{})
		main := mustMainActor(t, f, p, acct)
		m1 := mustRawMember(t, f, p, "member-1", "active")
		m2 := mustRawMember(t, f, p, "member-2", "active")
		other, otherAcct := mustPartner(t, f, identity.NewPartner{})
		otherMain := mustMainActor(t, f, other, otherAcct)
		mainKey, _ := mustAccessKey(t, f, main)
		m1Key, _ := mustAccessKey(t, f, m1)

		tests := []struct {
			name   string
			actor  identity.Actor
			key    string
			status string
			want   error
		}{
			{"OK/OwnKey", m1, m1Key.AccessKey, identity.AccessKeyInactive, nil},
			{"OK/Idempotent", m1, m1Key.AccessKey, identity.AccessKeyInactive, nil},
			{"OK/MainAccountOnAMembersKey", main, m1Key.AccessKey, identity.AccessKeyActive, nil},
			{"OK/MainAccountOwnKey", main, mainKey.AccessKey, identity.AccessKeyInactive, nil},
			{"ErrNotFound/AnotherMembersKey", m2, m1Key.AccessKey, identity.AccessKeyInactive, apperr.NotFound},
			{"ErrNotFound/AnotherPartnersKey", otherMain, mainKey.AccessKey, identity.AccessKeyActive, apperr.NotFound},
			{"ErrNotFound/UnknownKey", main, "NOSUCHKEY00000000000", identity.AccessKeyActive, apperr.NotFound},
			{"ErrForbidden/Operator", f.admin, mainKey.AccessKey, identity.AccessKeyActive, identity.ErrForbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				assertErr(t, f.svc.SetAccessKeyStatus(ctx, tt.actor, tt.key, tt.status), tt.want)
			})
		}

		t.Run("ErrInvalidParam/Status", func(t *testing.T) {
			err := f.svc.SetAccessKeyStatus(ctx, main, mainKey.AccessKey, "deleted")
			if e, ok := apperr.As(err); !ok || e.Code != "CBC.0100" || e.Args["field"] != "status" {
				t.Fatalf("error %v, want CBC.0100 on status", err)
			}
		})

		t.Run("StoredAndAudited", func(t *testing.T) {
			keys, err := f.svc.AccessKeysOf(ctx, p.ID, m1.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != 1 || keys[0].Status != identity.AccessKeyActive {
				t.Errorf("member's keys %+v, want one active key", keys)
			}
			if n := countRows(t, f, "SELECT COUNT(*) FROM audit_log WHERE partner_id = $1 AND action = 'access_key.status'", p.ID); n != 4 {
				t.Errorf("%d audit rows, want 4", n)
			}
			if n := countRows(t, f, "SELECT COUNT(*) FROM access_keys WHERE partner_id = $1 AND status = 'active'", other.ID); n != 0 {
				t.Errorf("another partner's keys changed")
			}
		})
	})
}
