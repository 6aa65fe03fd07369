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
