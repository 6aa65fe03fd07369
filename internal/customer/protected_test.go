package customer_test

import (
	"context"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
)

func TestProtectedContacts(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		eco, err := f.ident.CreateOperator(ctx, identity.NewOperator{Username: unique("eco"), Password: "Passw0rd!x",
			Roles: []identity.OperatorRole{identity.RoleEcoManager}})
		if err != nil {
			t.Fatal(err)
		}
		reviewer, err := f.ident.CreateOperator(ctx, identity.NewOperator{Username: unique("rev"), Password: "Passw0rd!x",
			Roles: []identity.OperatorRole{identity.RoleReviewer}})
		if err != nil {
			t.Fatal(err)
		}

		t.Run("OK/AddNormalizes", func(t *testing.T) {
			p, err := f.svc.AddProtected(ctx, f.op, customer.ProtectedMobile, "0086-13700000001", "direct sales")
			if err != nil || p.Value != "+8613700000001" || p.Note != "direct sales" || p.CreatedBy != f.op.Name {
				t.Fatalf("%+v %v", p, err)
			}
			again, err := f.svc.AddProtected(ctx, eco.Actor(), customer.ProtectedMobile, "13700000001", "other note")
			if err != nil || again.ID != p.ID || again.Note != "direct sales" {
				t.Fatalf("adding again: %+v %v, want the existing entry", again, err)
			}
			e, err := f.svc.AddProtected(ctx, eco.Actor(), customer.ProtectedEmail, " Big@Corp.example.com ", "")
			if err != nil || e.Value != "big@corp.example.com" {
				t.Fatalf("%+v %v", e, err)
			}
		})
		t.Run("ErrProtectedListed/AddNew", func(t *testing.T) {
			first, _, err := f.svc.ListProtected(ctx, f.op, customer.ProtectedFilter{Query: "13700000001"})
			if err != nil || len(first) != 1 {
				t.Fatalf("%+v %v", first, err)
			}
			again, err := f.svc.AddNewProtected(ctx, eco.Actor(), customer.ProtectedMobile, "13700000001", "other note")
			wantErr(t, err, customer.ErrProtectedListed)
			if again.ID != first[0].ID || again.Note != "direct sales" {
				t.Fatalf("%+v, want the existing entry unchanged", again)
			}
			got, err := f.svc.ProtectedByID(ctx, reviewer.Actor(), first[0].ID)
			if err != nil || got.Value != "+8613700000001" {
				t.Fatalf("ProtectedByID: %+v %v", got, err)
			}
			_, err = f.svc.ProtectedByID(ctx, f.op, "nope")
			wantErr(t, err, apperr.NotFound)
			_, err = f.svc.ProtectedByID(ctx, f.sp.main, first[0].ID)
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("ErrBadInput", func(t *testing.T) {
			_, err := f.svc.AddProtected(ctx, f.op, customer.ProtectedKind("fax"), "1", "")
			wantErr(t, err, customer.ErrProtectedKind)
			_, err = f.svc.AddProtected(ctx, f.op, customer.ProtectedMobile, "12345", "")
			wantErr(t, err, customer.ErrMobileFormat)
			_, err = f.svc.AddProtected(ctx, f.op, customer.ProtectedEmail, "nobody", "")
			wantErr(t, err, customer.ErrEmailFormat)
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			_, err := f.svc.AddProtected(ctx, reviewer.Actor(), customer.ProtectedMobile, "13700000002", "")
			wantErr(t, err, identity.ErrForbidden)
			_, err = f.svc.AddProtected(ctx, f.sp.main, customer.ProtectedMobile, "13700000002", "")
			wantErr(t, err, identity.ErrForbidden)
			wantErr(t, f.svc.RemoveProtected(ctx, reviewer.Actor(), "x"), identity.ErrForbidden)
			_, _, err = f.svc.ListProtected(ctx, f.sp.main, customer.ProtectedFilter{})
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("OK/List", func(t *testing.T) {
			list, total, err := f.svc.ListProtected(ctx, reviewer.Actor(), customer.ProtectedFilter{})
			if err != nil || total != 2 || len(list) != 2 || list[0].Kind != customer.ProtectedEmail {
				t.Fatalf("%+v %d %v", list, total, err)
			}
			kind := customer.ProtectedMobile
			list, total, err = f.svc.ListProtected(ctx, f.op, customer.ProtectedFilter{Kind: &kind})
			if err != nil || total != 1 || list[0].Value != "+8613700000001" {
				t.Fatalf("%+v %d %v", list, total, err)
			}
			list, total, err = f.svc.ListProtected(ctx, f.op, customer.ProtectedFilter{Query: "CORP"})
			if err != nil || total != 1 || list[0].Kind != customer.ProtectedEmail {
				t.Fatalf("%+v %d %v", list, total, err)
			}
		})
		t.Run("OK/Remove", func(t *testing.T) {
			list, _, _ := f.svc.ListProtected(ctx, f.op, customer.ProtectedFilter{})
			for _, p := range list {
				if err := f.svc.RemoveProtected(ctx, f.op, p.ID); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.svc.RemoveProtected(ctx, f.op, list[0].ID); err != nil {
				t.Fatalf("removing twice: %v", err)
			}
			if _, total, _ := f.svc.ListProtected(ctx, f.op, customer.ProtectedFilter{}); total != 0 {
				t.Fatalf("%d left", total)
			}
			// Off the list, the mobile may be used again.
			mobile := "13700000001"
			in := newCustomer(f.sp)
			in.MobilePhone, in.VerificationCode = ptr(mobile), ptr(f.mustSendCode(t, f.sp.main, mobile))
			f.mustCreate(t, f.sp.main, in)
		})
	})
}
