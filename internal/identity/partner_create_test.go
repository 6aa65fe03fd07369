package identity_test

import (
	"context"
	"strings"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/ids"
)

func TestCreatePartner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		dist, _ := mustPartner(t, f, identity.NewPartner{Type: identity.Distributor})
		sp, _ := mustPartner(t, f, identity.NewPartner{Type: identity.SolutionProvider})

		okTests := []struct {
			name   string
			typ    identity.PartnerType
			parent string
		}{
			{"OKSolutionProvider", identity.SolutionProvider, ""},
			{"OKDistributor", identity.Distributor, ""},
			{"OKCloudReseller", identity.CloudReseller, dist.ID},
		}
		for _, tt := range okTests {
			t.Run(tt.name, func(t *testing.T) {
				domain := uniqueName("acme")
				p, acct, err := f.svc.CreatePartner(ctx, f.admin, identity.NewPartner{
					Type: tt.typ, ParentID: tt.parent, Name: "  华云 " + domain + "  ", DomainName: " " + domain + " ",
					ContactEmail: domain + "@example.com", ContactMobile: "+86-13800000000",
				})
				if err != nil {
					t.Fatal(err)
				}
				if got, want := p.Type, tt.typ; got != want {
					t.Errorf("type %q, want %q", got, want)
				}
				if got, want := p.ParentID, tt.parent; got != want {
					t.Errorf("parent %q, want %q", got, want)
				}
				if got, want := p.Name, "华云 "+domain; got != want {
					t.Errorf("name %q, want %q (trimmed)", got, want)
				}
				if got, want := p.DomainName, domain; got != want {
					t.Errorf("domain name %q, want %q (trimmed)", got, want)
				}
				if got, want := p.Status, identity.PartnerNormal; got != want {
					t.Errorf("status %q, want %q", got, want)
				}
				if got, want := p.XAccountType, strings.ToUpper(domain)+"_IDP"; got != want {
					t.Errorf("xaccount type %q, want %q", got, want)
				}
				if !ids.Valid(p.ID) || !ids.Valid(p.DomainID) || p.ID == p.DomainID {
					t.Errorf("ids %q, %q: want two distinct 32-hex ids", p.ID, p.DomainID)
				}
				if got, want := acct.Username, domain; got != want {
					t.Errorf("main account %q, want %q", got, want)
				}
				if err := identity.CheckPasswordPolicy(acct.Password, acct.Username); err != nil {
					t.Errorf("one-time password %q breaks the policy: %v", acct.Password, err)
				}

				m, got, err := f.svc.SignInMember(ctx, domain, "", acct.Password)
				if err != nil {
					t.Fatalf("main account cannot sign in: %v", err)
				}
				if !m.IsMain || m.PartnerID != p.ID || got.ID != p.ID {
					t.Errorf("signed in as %+v of %s, want the main account of %s", m, got.ID, p.ID)
				}
				stored, err := f.svc.Partner(ctx, f.admin, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := stored.ParentID, tt.parent; got != want {
					t.Errorf("stored parent %q, want %q", got, want)
				}
				if !stored.CreatedAt.Equal(f.clock.Now()) {
					t.Errorf("created at %s, want the clock's %s", stored.CreatedAt, f.clock.Now())
				}
			})
		}

		t.Run("OKGivenPassword", func(t *testing.T) {
			domain := uniqueName("given")
			_, acct, err := f.svc.CreatePartner(ctx, f.admin, identity.NewPartner{
				Type: identity.SolutionProvider, Name: "Given", DomainName: domain, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := acct.Password, testPassword; got != want {
				t.Errorf("password %q, want %q", got, want)
			}
		})

		t.Run("OKEcoManagerRole", func(t *testing.T) {
			eco := mustOperator(t, f, "eco", identity.RoleEcoManager)
			_, _, err := f.svc.CreatePartner(ctx, eco, identity.NewPartner{
				Type: identity.SolutionProvider, Name: "By eco", DomainName: uniqueName("byeco")})
			assertErr(t, err, nil)
		})

		t.Run("OKNameOf64Runes", func(t *testing.T) {
			_, _, err := f.svc.CreatePartner(ctx, f.admin, identity.NewPartner{
				Type: identity.SolutionProvider, Name: strings.Repeat("伙", 64), DomainName: uniqueName("long")})
			assertErr(t, err, nil)
		})

		errTests := []struct {
			name string
			in   identity.NewPartner
			want error
		}{
			{"ErrPartnerNameRequired/Empty", identity.NewPartner{Type: identity.SolutionProvider, Name: ""}, identity.ErrPartnerNameRequired},
			{"ErrPartnerNameRequired/Blank", identity.NewPartner{Type: identity.SolutionProvider, Name: "   "}, identity.ErrPartnerNameRequired},
			{"ErrPartnerNameRequired/65Runes", identity.NewPartner{Type: identity.SolutionProvider, Name: strings.Repeat("伙", 65)}, identity.ErrPartnerNameRequired},
			{"ErrPartnerType/Empty", identity.NewPartner{Type: "", Name: "X"}, identity.ErrPartnerType},
			{"ErrPartnerType/Unknown", identity.NewPartner{Type: "isv", Name: "X"}, identity.ErrPartnerType},
			{"ErrResellerParent/ResellerWithoutParent", identity.NewPartner{Type: identity.CloudReseller, Name: "X"}, identity.ErrResellerParent},
			{"ErrResellerParent/ParentIsSolutionProvider", identity.NewPartner{Type: identity.CloudReseller, ParentID: sp.ID, Name: "X"}, identity.ErrResellerParent},
			{"ErrResellerParent/ParentMissing", identity.NewPartner{Type: identity.CloudReseller, ParentID: ids.New(), Name: "X"}, identity.ErrResellerParent},
			{"ErrResellerParent/SolutionProviderWithParent", identity.NewPartner{Type: identity.SolutionProvider, ParentID: dist.ID, Name: "X"}, identity.ErrResellerParent},
			{"ErrResellerParent/DistributorWithParent", identity.NewPartner{Type: identity.Distributor, ParentID: dist.ID, Name: "X"}, identity.ErrResellerParent},
			{"ErrEmailFormat/Contact", identity.NewPartner{Type: identity.SolutionProvider, Name: "X", ContactEmail: "not-an-email"}, identity.ErrEmailFormat},
			{"ErrEmailFormat/EcoManager", identity.NewPartner{Type: identity.SolutionProvider, Name: "X", EcoManager: identity.EcoManager{Email: "a@b"}}, identity.ErrEmailFormat},
			{"ErrMobileFormat/Contact", identity.NewPartner{Type: identity.SolutionProvider, Name: "X", ContactMobile: "138-abc"}, identity.ErrMobileFormat},
			{"ErrMobileFormat/EcoManager", identity.NewPartner{Type: identity.SolutionProvider, Name: "X", EcoManager: identity.EcoManager{Mobile: "12345"}}, identity.ErrMobileFormat},
			{"ErrWeakPassword", identity.NewPartner{Type: identity.SolutionProvider, Name: "X", Password: "password"}, identity.ErrWeakPassword},
		}
		for _, tt := range errTests {
			t.Run(tt.name, func(t *testing.T) {
				tt.in.DomainName = uniqueName("bad")
				_, _, err := f.svc.CreatePartner(ctx, f.admin, tt.in)
				assertErr(t, err, tt.want)
				mustNoPartner(t, f, tt.in.DomainName)
			})
		}

		t.Run("ErrResellerParent/ParentIsReseller", func(t *testing.T) {
			reseller, _ := mustPartner(t, f, identity.NewPartner{Type: identity.CloudReseller, ParentID: dist.ID})
			_, _, err := f.svc.CreatePartner(ctx, f.admin, identity.NewPartner{
				Type: identity.CloudReseller, ParentID: reseller.ID, Name: "X", DomainName: uniqueName("tier3")})
			assertErr(t, err, identity.ErrResellerParent)
		})

		domainOK := []string{"abcde", "a" + strings.Repeat("b", 31), "Acme-Cloud_01", "z-_-_"}
		for _, name := range domainOK {
			t.Run("OKDomainName/"+name, func(t *testing.T) {
				_, _, err := f.svc.CreatePartner(ctx, f.admin, identity.NewPartner{
					Type: identity.SolutionProvider, Name: "X", DomainName: name})
				assertErr(t, err, nil)
			})
		}

		domainBad := []struct{ name, domain string }{
			{"TooShort", "abcd"},
			{"TooLong", "a" + strings.Repeat("b", 32)},
			{"StartsWithDigit", "1abcde"},
			{"StartsWithUnderscore", "_abcde"},
			{"ReservedOpPrefix", "op_admin"},
			{"ReservedOpPrefixUpper", "OP_admin"},
			{"ReservedShadowPrefix", "shadow_x"},
			{"Space", "acme corp"},
			{"Dot", "acme.corp"},
			{"NonASCII", "acme云"},
			{"Empty", ""},
		}
		for _, tt := range domainBad {
			t.Run("ErrDomainNameFormat/"+tt.name, func(t *testing.T) {
				_, _, err := f.svc.CreatePartner(ctx, f.admin, identity.NewPartner{
					Type: identity.SolutionProvider, Name: "X", DomainName: tt.domain})
				assertErr(t, err, identity.ErrDomainNameFormat)
			})
		}

		t.Run("ErrDomainNameTaken", func(t *testing.T) {
			first, _ := mustPartner(t, f, identity.NewPartner{})
			_, _, err := f.svc.CreatePartner(ctx, f.admin, identity.NewPartner{
				Type: identity.Distributor, Name: "Another company", DomainName: first.DomainName})
			assertErr(t, err, identity.ErrDomainNameTaken)
			if got, want := countRows(t, f, "SELECT COUNT(*) FROM partners WHERE domain_name = $1", first.DomainName), 1; got != want {
				t.Errorf("%d partners named %s, want %d", got, first.DomainName, want)
			}
		})

		forbidden := []struct {
			name  string
			actor func(t *testing.T) identity.Actor
		}{
			{"ErrForbidden/Reviewer", func(t *testing.T) identity.Actor {
				return mustOperator(t, f, "reviewer", identity.RoleReviewer)
			}},
			{"ErrForbidden/OperatorWithoutRoles", func(t *testing.T) identity.Actor {
				return mustOperator(t, f, "noroles")
			}},
			{"ErrForbidden/Member", func(t *testing.T) identity.Actor {
				p, acct := mustPartner(t, f, identity.NewPartner{Type: identity.Distributor})
				return mustMainActor(t, f, p, acct)
			}},
		}
		for _, tt := range forbidden {
			t.Run(tt.name, func(t *testing.T) {
				domain := uniqueName("forbidden")
				_, _, err := f.svc.CreatePartner(ctx, tt.actor(t), identity.NewPartner{
					Type: identity.SolutionProvider, Name: "X", DomainName: domain})
				assertErr(t, err, identity.ErrForbidden)
				mustNoPartner(t, f, domain)
			})
		}

		t.Run("OKWritesAudit", func(t *testing.T) {
			p, _ := mustPartner(t, f, identity.NewPartner{Type: identity.Distributor})
			var actorType, actorID, action, target, detail string
			err := d.SQL.QueryRowContext(ctx, `SELECT actor_type, actor_id, action, target, detail
				FROM audit_log WHERE partner_id = $1`, p.ID).Scan(&actorType, &actorID, &action, &target, &detail)
			if err != nil {
				t.Fatalf("audit row: %v", err)
			}
			got := []string{actorType, actorID, action, target, detail}
			want := []string{"operator", f.admin.ID, "partner.create", p.ID, "distributor " + p.DomainName}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("audit row %q, want %q", got, want)
			}
		})
	})
}

// mustNoPartner fails if a partner with domain name exists, proving a refused
// creation left nothing behind.
func mustNoPartner(tb testing.TB, f fixture, domainName string) {
	tb.Helper()
	if n := countRows(tb, f, "SELECT COUNT(*) FROM partners WHERE domain_name = $1", domainName); n != 0 {
		tb.Fatalf("%d partners named %q exist, want none", n, domainName)
	}
	if n := countRows(tb, f, "SELECT COUNT(*) FROM members WHERE account_name = $1", domainName); n != 0 {
		tb.Fatalf("%d members named %q exist, want none", n, domainName)
	}
}

func countRows(tb testing.TB, f fixture, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := f.db.SQL.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}
