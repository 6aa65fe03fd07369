package app_test

import (
	"context"
	"reflect"
	"testing"

	"partnercenter/internal/app"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/ids"
)

func TestSeedDemo(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			cfg := testConfig(t, dialect)
			a := mustStart(t, cfg)
			ctx := context.Background()
			first, err := a.SeedDemo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			second, err := a.SeedDemo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(first, second) {
				t.Fatalf("seeding twice differs:\n%+v\n%+v", first, second)
			}
			keys := map[string]app.DemoPartner{}
			for _, p := range first.Partners {
				keys[p.Key] = p
				if !ids.Valid(p.PartnerID) || !ids.Valid(p.DomainID) {
					t.Errorf("%s: ids %q %q are not 32 hex", p.Key, p.PartnerID, p.DomainID)
				}
				if p.Admin.Username != p.DomainName || p.AccessKey == "" || p.SecretKey == "" || p.XAccountType == "" {
					t.Errorf("%s: incomplete %+v", p.Key, p)
				}
				if _, _, err := a.Identity.SignInMember(ctx, p.DomainName, "", p.Admin.Password); err != nil {
					t.Errorf("%s: admin cannot sign in: %v", p.Key, err)
				}
			}
			wantTypes := map[string]identity.PartnerType{"sp": identity.SolutionProvider, "sp2": identity.SolutionProvider,
				"dist": identity.Distributor, "reseller": identity.CloudReseller}
			for key, typ := range wantTypes {
				if got := keys[key].Type; got != string(typ) {
					t.Errorf("%s: type %q, want %q", key, got, typ)
				}
			}
			if keys["reseller"].Parent != "dist" {
				t.Errorf("reseller parent %q, want dist", keys["reseller"].Parent)
			}
			wantCustomers := map[string][2]string{"sp-reseller": {"sp", "reseller"}, "sp-referral": {"sp", "referral"},
				"reseller-reseller": {"reseller", "reseller"}}
			if len(first.Customers) != len(wantCustomers) {
				t.Fatalf("%d demo customers, want %d", len(first.Customers), len(wantCustomers))
			}
			for _, dc := range first.Customers {
				want, ok := wantCustomers[dc.Key]
				if !ok || dc.Partner != want[0] || dc.AssociationType != want[1] || !ids.Valid(dc.DomainID) || dc.Password == "" {
					t.Errorf("demo customer %+v", dc)
					continue
				}
				c, err := a.Customers.CustomerByDomainName(ctx, dc.DomainName)
				if err != nil || c.ID != dc.DomainID || !c.CheckPassword(dc.Password) {
					t.Errorf("%s: stored %+v (%v); the password must work", dc.Key, c, err)
				}
				assoc, ok, err := a.Customers.CurrentAssociation(ctx, dc.DomainID)
				if err != nil || !ok || assoc.PartnerID != keys[dc.Partner].PartnerID {
					t.Errorf("%s: association %+v %v %v, want current with %s", dc.Key, assoc, ok, err, dc.Partner)
				}
			}
			if _, err := a.Identity.SignInOperator(ctx, first.Operator.Username, first.Operator.Password); err != nil {
				t.Errorf("operator cannot sign in: %v", err)
			}
			// A second process on the same data gives the same credentials.
			a.Shutdown(ctx)
			b := mustStart(t, cfg)
			third, err := b.SeedDemo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(first, third) {
				t.Fatalf("a restarted node seeds differently:\n%+v\n%+v", first, third)
			}
		})
	}
}
