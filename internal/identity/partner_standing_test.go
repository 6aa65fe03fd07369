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

func TestPartnerStanding(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		dist, _ := mustPartner(t, f, identity.NewPartner{Type: identity.Distributor})
		res, _ := mustPartner(t, f, identity.NewPartner{Type: identity.CloudReseller, ParentID: dist.ID})
		sp, spAcct := mustPartner(t, f, identity.NewPartner{})

		t.Run("OK", func(t *testing.T) {
			assertErr(t, f.svc.SetPartnerStatus(ctx, f.admin, dist.ID, identity.PartnerRestricted), nil)
			got, err := f.svc.PartnerStanding(ctx, res.ID)
			want := identity.PartnerStanding{ID: res.ID, Type: identity.CloudReseller, Status: identity.PartnerNormal,
				XAccountType: res.XAccountType, ParentID: dist.ID, ParentStatus: identity.PartnerRestricted}
			if err != nil || got != want {
				t.Fatalf("got %+v (%v), want %+v", got, err, want)
			}
			got, err = f.svc.PartnerStanding(ctx, sp.ID)
			if err != nil || got.ParentID != "" || got.ParentStatus != "" || got.IsTest || got.Type != identity.SolutionProvider {
				t.Fatalf("sp: %+v (%v)", got, err)
			}
		})
		t.Run("ErrPartnerNotFound", func(t *testing.T) {
			_, err := f.svc.PartnerStanding(ctx, ids.New())
			assertErr(t, err, identity.ErrPartnerNotFound)
		})
		t.Run("SetPartnerTest", func(t *testing.T) {
			assertErr(t, f.svc.SetPartnerTest(ctx, f.admin, sp.ID, true), nil)
			assertErr(t, f.svc.SetPartnerTest(ctx, f.admin, sp.ID, true), nil)
			if got, _ := f.svc.PartnerStanding(ctx, sp.ID); !got.IsTest {
				t.Fatal("not marked as a test account")
			}
			eco := mustOperator(t, f, uniqueName("eco"), identity.RoleEcoManager)
			assertErr(t, f.svc.SetPartnerTest(ctx, eco, sp.ID, false), nil)
			if got, _ := f.svc.PartnerStanding(ctx, sp.ID); got.IsTest {
				t.Fatal("still a test account")
			}
			reviewer := mustOperator(t, f, uniqueName("rev"), identity.RoleReviewer)
			assertErr(t, f.svc.SetPartnerTest(ctx, reviewer, sp.ID, true), identity.ErrForbidden)
			assertErr(t, f.svc.SetPartnerTest(ctx, mustMainActor(t, f, sp, spAcct), sp.ID, true), identity.ErrForbidden)
			assertErr(t, f.svc.SetPartnerTest(ctx, f.admin, ids.New(), true), identity.ErrPartnerNotFound)
		})
		t.Run("AccountNameInUse", func(t *testing.T) {
			for name, want := range map[string]bool{sp.DomainName: true, strings.ToUpper(sp.DomainName): true, "nobody-here": false} {
				got, err := f.svc.AccountNameInUse(ctx, name)
				if err != nil || got != want {
					t.Errorf("%s: %v (%v), want %v", name, got, err, want)
				}
			}
		})
		t.Run("MemberAccountNames", func(t *testing.T) {
			main, err := f.svc.MainMember(ctx, sp.ID)
			if err != nil {
				t.Fatal(err)
			}
			other, err := f.svc.MainMember(ctx, dist.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.svc.MemberAccountNames(ctx, sp.ID, []string{main.ID, other.ID, "nope"})
			if err != nil || len(got) != 1 || got[main.ID] != sp.DomainName {
				t.Fatalf("got %v (%v): only sp's own member", got, err)
			}
			if got, err := f.svc.MemberAccountNames(ctx, sp.ID, nil); err != nil || len(got) != 0 {
				t.Fatalf("no ids: %v %v", got, err)
			}
		})
	})
}
