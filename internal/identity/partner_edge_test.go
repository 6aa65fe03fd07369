package identity_test

import (
	"context"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

func TestCreatePartnerXAccountTypeTaken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		mustPartner(t, f, identity.NewPartner{Type: identity.SolutionProvider, Name: "A", DomainName: "alpha-one", XAccountType: "SHARED_IDP"})
		_, _, err := f.svc.CreatePartner(context.Background(), f.admin, identity.NewPartner{
			Type: identity.SolutionProvider, Name: "B", DomainName: "beta-two", XAccountType: "SHARED_IDP"})
		assertErr(t, err, identity.ErrXAccountTypeTaken)
	})
}

// TestListPartnersQueryIsLiteral checks that LIKE wildcards typed by a user
// match themselves only.
func TestListPartnersQueryIsLiteral(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		mustPartner(t, f, identity.NewPartner{Type: identity.SolutionProvider, Name: "Under", DomainName: "demo_sp"})
		mustPartner(t, f, identity.NewPartner{Type: identity.SolutionProvider, Name: "Dash", DomainName: "demo-sp"})
		for query, want := range map[string]int{"demo_sp": 1, "demo-sp": 1, "demo": 2, "%": 0} {
			_, total, err := f.svc.ListPartners(context.Background(), f.admin, identity.PartnerFilter{Query: query})
			if err != nil {
				t.Fatal(err)
			}
			if total != want {
				t.Errorf("query %q matched %d, want %d", query, total, want)
			}
		}
	})
}
