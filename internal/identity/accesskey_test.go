package identity_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

func TestCreateAccessKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("OK", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			member := mustMainActor(t, f, p, acct)
			var made []identity.AccessKey
			for i := range identity.MaxAccessKeys {
				k, secret, err := f.svc.CreateAccessKey(ctx, member, "sales platform")
				if err != nil {
					t.Fatalf("key %d: %v", i+1, err)
				}
				if len(k.AccessKey) != 20 || len(secret) != 40 {
					t.Errorf("key %q (%d chars), secret of %d chars; want 20 and 40", k.AccessKey, len(k.AccessKey), len(secret))
				}
				if k.PartnerID != p.ID || k.MemberID != member.ID || k.Status != "active" {
					t.Errorf("key %+v does not belong to the member", k)
				}
				got, err := f.svc.AccessKeySecret(ctx, p.ID, member.ID, k.AccessKey)
				if err != nil {
					t.Fatal(err)
				}
				if got != secret {
					t.Errorf("AccessKeySecret %q, want %q", got, secret)
				}
				made = append(made, k)
			}
			if made[0].AccessKey == made[1].AccessKey {
				t.Errorf("two keys share the access key %q", made[0].AccessKey)
			}
			list, err := f.svc.AccessKeysOf(ctx, p.ID, member.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 2 || list[0].AccessKey != made[0].AccessKey || list[1].AccessKey != made[1].AccessKey {
				t.Errorf("AccessKeysOf %+v, want the two keys oldest first", list)
			}
			if n := countRows(t, f, "SELECT COUNT(*) FROM audit_log WHERE partner_id = $1 AND action = 'access_key.create'", p.ID); n != 2 {
				t.Errorf("%d audit rows, want 2", n)
			}
		})

		t.Run("ErrTooManyAccessKeys", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			member := mustMainActor(t, f, p, acct)
			for range identity.MaxAccessKeys {
				if _, _, err := f.svc.CreateAccessKey(ctx, member, ""); err != nil {
					t.Fatal(err)
				}
			}
			_, secret, err := f.svc.CreateAccessKey(ctx, member, "")
			assertErr(t, err, identity.ErrTooManyAccessKeys)
			if secret != "" {
				t.Errorf("a refused key came with a secret")
			}
			if n := countRows(t, f, "SELECT COUNT(*) FROM access_keys WHERE partner_id = $1", p.ID); n != identity.MaxAccessKeys {
				t.Errorf("%d keys stored, want %d", n, identity.MaxAccessKeys)
			}
		})

		t.Run("ErrTooManyAccessKeys/Concurrent", func(t *testing.T) {
			// Several rounds of simultaneous creations for fresh members: the
			// limit must hold however the transactions interleave.
			const rounds, n = 5, 12
			for round := range rounds {
				p, acct := mustPartner(t, f, identity.NewPartner{})
				member := mustMainActor(t, f, p, acct)
				var wg sync.WaitGroup
				start := make(chan struct{})
				errs := make([]error, n)
				for i := range n {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						_, _, errs[i] = f.svc.CreateAccessKey(ctx, member, "")
					}()
				}
				close(start)
				wg.Wait()
				for _, err := range errs {
					if err != nil && !errors.Is(err, identity.ErrTooManyAccessKeys) {
						t.Errorf("round %d: concurrent create: %v", round, err)
					}
				}
				if got, want := countRows(t, f, "SELECT COUNT(*) FROM access_keys WHERE member_id = $1", member.ID), identity.MaxAccessKeys; got != want {
					t.Fatalf("round %d: %d keys stored after %d concurrent creations, want %d", round, got, n, want)
				}
			}
		})

		t.Run("ErrTooManyAccessKeys/PerMember", func(t *testing.T) {
			// Another partner's keys do not count against this member.
			p, acct := mustPartner(t, f, identity.NewPartner{})
			q, qAcct := mustPartner(t, f, identity.NewPartner{})
			for range identity.MaxAccessKeys {
				if _, _, err := f.svc.CreateAccessKey(ctx, mustMainActor(t, f, p, acct), ""); err != nil {
					t.Fatal(err)
				}
			}
			_, _, err := f.svc.CreateAccessKey(ctx, mustMainActor(t, f, q, qAcct), "")
			assertErr(t, err, nil)
		})

		t.Run("ErrForbidden/Operator", func(t *testing.T) {
			_, _, err := f.svc.CreateAccessKey(ctx, f.admin, "")
			assertErr(t, err, identity.ErrForbidden)
		})

		t.Run("OKSecretSealed", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			k, secret, err := f.svc.CreateAccessKey(ctx, mustMainActor(t, f, p, acct), "")
			if err != nil {
				t.Fatal(err)
			}
			var sealed string
			if err := d.SQL.QueryRowContext(ctx, "SELECT secret_enc FROM access_keys WHERE access_key = $1", k.AccessKey).Scan(&sealed); err != nil {
				t.Fatal(err)
			}
			if sealed == "" || strings.Contains(sealed, secret) {
				t.Fatalf("secret_enc %q holds the clear secret %q", sealed, secret)
			}
		})
	})
}

func TestAccessKeySecretScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		a, aAcct := mustPartner(t, f, identity.NewPartner{})
		b, bAcct := mustPartner(t, f, identity.NewPartner{})
		memberA := mustMainActor(t, f, a, aAcct)
		memberB := mustMainActor(t, f, b, bAcct)
		k, secret, err := f.svc.CreateAccessKey(ctx, memberA, "")
		if err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name                     string
			partnerID, memberID, key string
			want                     error
		}{
			{"OK", a.ID, memberA.ID, k.AccessKey, nil},
			{"ErrNotFound/OtherPartner", b.ID, memberA.ID, k.AccessKey, apperr.NotFound},
			{"ErrNotFound/OtherPartnersMember", b.ID, memberB.ID, k.AccessKey, apperr.NotFound},
			{"ErrNotFound/OtherMemberOfPartner", a.ID, memberB.ID, k.AccessKey, apperr.NotFound},
			{"ErrNotFound/UnknownKey", a.ID, memberA.ID, "NOSUCHKEY0000000000", apperr.NotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := f.svc.AccessKeySecret(ctx, tt.partnerID, tt.memberID, tt.key)
				assertErr(t, err, tt.want)
				if tt.want == nil && got != secret {
					t.Errorf("secret %q, want %q", got, secret)
				}
				if tt.want != nil && got != "" {
					t.Errorf("a refused read returned secret %q", got)
				}
			})
		}

		t.Run("OKListIsScoped", func(t *testing.T) {
			list, err := f.svc.AccessKeysOf(ctx, b.ID, memberA.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 0 {
				t.Fatalf("partner B lists %d of A's keys", len(list))
			}
		})
	})
}
