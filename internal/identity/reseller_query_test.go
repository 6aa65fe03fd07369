package identity_test

import (
	"context"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

// TestResellers: a distributor lists its own cloud resellers and no one
// else's; other partner types and members without the item are refused.
func TestResellers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		dist, distAcct := mustPartner(t, f, identity.NewPartner{Type: identity.Distributor})
		other, _ := mustPartner(t, f, identity.NewPartner{Type: identity.Distributor})
		r1, _ := mustPartner(t, f, identity.NewPartner{Type: identity.CloudReseller, ParentID: dist.ID, Name: "B reseller"})
		r2, _ := mustPartner(t, f, identity.NewPartner{Type: identity.CloudReseller, ParentID: dist.ID, Name: "A reseller"})
		mustPartner(t, f, identity.NewPartner{Type: identity.CloudReseller, ParentID: other.ID})
		sp, spAcct := mustPartner(t, f, identity.NewPartner{})

		main := mustMainActor(t, f, dist, distAcct)
		got, err := f.svc.Resellers(ctx, main)
		if err != nil || len(got) != 2 || got[0].ID != r2.ID || got[1].ID != r1.ID {
			t.Fatalf("resellers = %+v, %v; want A then B of this distributor", got, err)
		}

		assertErr(t, func() error { _, err := f.svc.Resellers(ctx, mustMainActor(t, f, sp, spAcct)); return err }(), identity.ErrForbidden)
		o := org{fixture: f, p: dist, acct: distAcct, main: main}
		_, finance := mustOrgMemberActor(t, o, identity.PresetFinance)
		assertErr(t, func() error { _, err := f.svc.Resellers(ctx, finance); return err }(), identity.ErrForbidden)
		assertErr(t, func() error { _, err := f.svc.Resellers(ctx, f.admin); return err }(), identity.ErrForbidden)
	})
}
