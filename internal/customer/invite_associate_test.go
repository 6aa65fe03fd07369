package customer_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

// inviteCode sends an invitation registration code for t to mobile and
// returns it, read from the outbox.
func (f *fixture) inviteCode(tb testing.TB, t tenant, mobile string) string {
	tb.Helper()
	if err := f.svc.SendInvitationCode(context.Background(), t.p.ID, mobile); err != nil {
		tb.Fatal(err)
	}
	return f.lastCode(tb, "+86"+mobile)
}

func TestRegisterByInvitation(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		hook := &recordingHook{}
		f.svc.SetAssociationHook(hook)
		terms := customer.InvitationTerms{PartnerID: f.sp.p.ID, Type: customer.Reseller, AccountManagerID: f.sp.main.ID}

		t.Run("OK", func(t *testing.T) {
			mobile := newMobile()
			var checked, done bool
			in := terms
			in.Check = func(ctx context.Context, tx *sql.Tx, c customer.Customer) error { checked = true; return nil }
			in.Done = func(ctx context.Context, tx *sql.Tx, c customer.Customer, a customer.Association) error {
				done = a.PartnerID == f.sp.p.ID && a.Type == customer.Reseller
				return nil
			}
			c, err := f.svc.RegisterByInvitation(ctx, customer.InviteAccount{DomainName: unique("invited"), Password: "Str0ng-pass",
				Mobile: mobile, Code: f.inviteCode(t, f.sp, mobile)}, in)
			if err != nil {
				t.Fatal(err)
			}
			if !checked || !done || hook.count() != 1 {
				t.Fatalf("check %v, done %v, hook calls %d", checked, done, hook.count())
			}
			got, _ := f.svc.CustomerByID(ctx, c.ID)
			if got.FreezeState != customer.FrozenAccount || got.AccountManagerID != f.sp.main.ID || !got.HasPassword {
				t.Fatalf("customer %+v", got)
			}
			// Frozen on association, unfrozen by the partner with the API's rules.
			if failed, err := f.svc.UnfreezeCustomers(ctx, f.sp.main, customer.FreezeRequest{CustomerIDs: []string{c.ID},
				Reason: "budget set"}); err != nil || len(failed) != 0 {
				t.Fatalf("unfreeze: %v %v", failed, err)
			}
		})
		t.Run("CheckRefusalRollsBack", func(t *testing.T) {
			mobile := newMobile()
			name := unique("refused")
			refusal := errors.New("not eligible")
			in := terms
			in.Check = func(context.Context, *sql.Tx, customer.Customer) error { return refusal }
			_, err := f.svc.RegisterByInvitation(ctx, customer.InviteAccount{DomainName: name, Password: "Str0ng-pass",
				Mobile: mobile, Code: f.inviteCode(t, f.sp, mobile)}, in)
			if !errors.Is(err, refusal) {
				t.Fatalf("got %v", err)
			}
			if n := f.count(t, "SELECT COUNT(*) FROM customers WHERE domain_name_key = $1", strings.ToLower(name)); n != 0 {
				t.Fatal("the refused account was created")
			}
		})
		t.Run("ErrProtected", func(t *testing.T) {
			mobile := newMobile()
			if _, err := f.svc.AddProtected(ctx, f.op, customer.ProtectedMobile, mobile, ""); err != nil {
				t.Fatal(err)
			}
			_, err := f.svc.RegisterByInvitation(ctx, customer.InviteAccount{DomainName: unique("prot"), Password: "Str0ng-pass",
				Mobile: mobile, Code: "123456"}, terms)
			wantErr(t, err, customer.ErrProtected)
		})
		t.Run("ErrCodeWrong", func(t *testing.T) {
			mobile := newMobile()
			f.inviteCode(t, f.sp, mobile)
			_, err := f.svc.RegisterByInvitation(ctx, customer.InviteAccount{DomainName: unique("code"), Password: "Str0ng-pass",
				Mobile: mobile, Code: "000000"}, terms)
			if !errors.Is(err, customer.ErrCodeWrong) && !errors.Is(err, customer.ErrCodeAttempts) {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("ErrDistributorDirect", func(t *testing.T) {
			mobile := newMobile()
			in := terms
			in.PartnerID = f.dist.p.ID
			_, err := f.svc.RegisterByInvitation(ctx, customer.InviteAccount{DomainName: unique("dist"), Password: "Str0ng-pass",
				Mobile: mobile, Code: "123456"}, in)
			wantErr(t, err, customer.ErrDistributorDirect)
		})
		t.Run("SignInRefusesAssociated", func(t *testing.T) {
			pw := "Str0ng-pass"
			c := f.mustAssociated(t, f.sp2, customer.NewCustomer{XAccountID: unique("u"), XAccountType: f.sp2.p.XAccountType,
				DomainName: ptr(unique("taken")), Password: &pw})
			_, err := f.svc.AcceptInvitationSignIn(ctx, c.DomainName, pw, terms)
			wantErr(t, err, customer.ErrInviteAssociated)
			_, err = f.svc.AcceptInvitationSignIn(ctx, c.DomainName, "Wrong-pass1", terms)
			wantErr(t, err, identity.ErrBadCredentials)
		})
		t.Run("ErrPartnerRestricted", func(t *testing.T) {
			pw := "Str0ng-pass"
			c := f.mustAssociated(t, f.sp, customer.NewCustomer{XAccountID: unique("u"), XAccountType: f.sp.p.XAccountType,
				DomainName: ptr(unique("any")), Password: &pw})
			if err := f.ident.SetPartnerStatus(ctx, f.op, f.sp2.p.ID, identity.PartnerRestricted); err != nil {
				t.Fatal(err)
			}
			in := terms
			in.PartnerID = f.sp2.p.ID
			_, err := f.svc.AcceptInvitationSignIn(ctx, c.DomainName, pw, in)
			wantErr(t, err, customer.ErrPartnerRestricted)
		})
	})
}
