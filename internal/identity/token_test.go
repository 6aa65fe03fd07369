package identity_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

func TestIssueToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		p, acct := mustPartner(t, f, identity.NewPartner{})
		m := mustRawMember(t, f, p, "sales-api", "active")

		t.Run("OK/MainAccount", func(t *testing.T) {
			token, expires, a, err := f.svc.IssueToken(ctx, p.DomainName, p.DomainName, acct.Password)
			if err != nil {
				t.Fatal(err)
			}
			if len(token) < 64 {
				t.Errorf("token of %d characters, want at least 64", len(token))
			}
			if want := f.clock.Now().Add(24 * time.Hour); !expires.Equal(want) {
				t.Errorf("expires %v, want %v", expires, want)
			}
			if a.Kind != identity.ActorAPIKey || !a.IsMain || a.PartnerID != p.ID || a.DomainID != p.DomainID {
				t.Errorf("actor %+v, want the main account through the API", a)
			}
			got, err := f.svc.TokenActor(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != a.ID || !got.Can(identity.PermCatalogView) {
				t.Errorf("TokenActor %+v, want %+v", got, a)
			}
			sum := sha256.Sum256([]byte(token))
			if n := countRows(t, f, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1 AND member_id = $2",
				hex.EncodeToString(sum[:]), a.ID); n != 1 {
				t.Errorf("%d rows hold the token's hash, want 1", n)
			}
			if n := countRows(t, f, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1", token); n != 0 {
				t.Error("the clear token is stored")
			}
		})

		t.Run("OK/Member", func(t *testing.T) {
			token, _, a, err := f.svc.IssueToken(ctx, p.DomainName, "sales-api", testPassword)
			if err != nil {
				t.Fatal(err)
			}
			if a.ID != m.ID || a.IsMain || a.Can(identity.PermCatalogView) {
				t.Errorf("actor %+v, want the member without items", a)
			}
			if _, err := f.svc.TokenActor(ctx, token); err != nil {
				t.Fatal(err)
			}
		})

		tests := []struct {
			name                   string
			domain, user, password string
			want                   error
		}{
			{"ErrBadCredentials/Password", p.DomainName, p.DomainName, "Wrong-pass1", identity.ErrBadCredentials},
			{"ErrBadCredentials/UnknownUser", p.DomainName, "nobody", testPassword, identity.ErrBadCredentials},
			{"ErrBadCredentials/UnknownDomain", "nosuchdomain", "nosuchdomain", testPassword, identity.ErrBadCredentials},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				token, _, _, err := f.svc.IssueToken(ctx, tt.domain, tt.user, tt.password)
				assertErr(t, err, tt.want)
				if token != "" {
					t.Error("a refused sign-in issued a token")
				}
			})
		}

		t.Run("ErrAccountLocked/SharedWithTheConsole", func(t *testing.T) {
			q, qAcct := mustPartner(t, f, identity.NewPartner{})
			for range identity.MaxFailedSignIns - 1 {
				_, _, _, err := f.svc.IssueToken(ctx, q.DomainName, "", "Wrong-pass1")
				assertErr(t, err, identity.ErrBadCredentials)
			}
			_, _, _, err := f.svc.IssueToken(ctx, q.DomainName, "", "Wrong-pass1")
			assertErr(t, err, identity.ErrAccountLocked)
			// The console's sign-in is locked too, even with the right password.
			_, _, err = f.svc.SignInMember(ctx, q.DomainName, "", qAcct.Password)
			assertErr(t, err, identity.ErrAccountLocked)
		})
	})
}

func TestTokenActor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("ErrAPICredentials/Expired", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			token, _, _, err := f.svc.IssueToken(ctx, p.DomainName, "", acct.Password)
			if err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(24*time.Hour - time.Second)
			if _, err := f.svc.TokenActor(ctx, token); err != nil {
				t.Fatalf("a second before expiry: %v", err)
			}
			f.clock.Advance(time.Second)
			_, err = f.svc.TokenActor(ctx, token)
			assertErr(t, err, identity.ErrAPICredentials)
		})

		t.Run("ErrAPICredentials/Unknown", func(t *testing.T) {
			_, err := f.svc.TokenActor(ctx, "not-a-token")
			assertErr(t, err, identity.ErrAPICredentials)
		})

		t.Run("ErrAPICredentials/FrozenPartner", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			token, _, _, err := f.svc.IssueToken(ctx, p.DomainName, "", acct.Password)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.TokenActor(ctx, token); err != nil { // now cached
				t.Fatal(err)
			}
			mustSetStatus(t, f, p.ID, identity.PartnerFrozen)
			_, err = f.svc.TokenActor(ctx, token)
			assertErr(t, err, identity.ErrAPICredentials)
		})

		t.Run("ExpiredTokensArePurged", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{})
			for range 3 {
				if _, _, _, err := f.svc.IssueToken(ctx, p.DomainName, "", acct.Password); err != nil {
					t.Fatal(err)
				}
			}
			f.clock.Advance(25 * time.Hour)
			if _, _, _, err := f.svc.IssueToken(ctx, p.DomainName, "", acct.Password); err != nil {
				t.Fatal(err)
			}
			if n := countRows(t, f, "SELECT COUNT(*) FROM api_tokens WHERE partner_id = $1", p.ID); n != 1 {
				t.Errorf("%d tokens kept, want only the live one", n)
			}
		})
	})
}
