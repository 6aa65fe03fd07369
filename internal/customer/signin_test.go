package customer_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

const goodPassword = "Secret!2025x"

// mustPasswordCustomer creates an associated customer of t with a password.
func (f *fixture) mustPasswordCustomer(tb testing.TB, t tenant) customer.Customer {
	tb.Helper()
	in := newCustomer(t)
	in.DomainName = ptr(unique("cust"))
	in.Password = ptr(goodPassword)
	return f.mustAssociated(tb, t, in)
}

func TestSignInCustomer(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			c := f.mustPasswordCustomer(t, f.sp)
			got, err := f.svc.SignInCustomer(ctx, "  "+c.DomainName+" ", goodPassword)
			wantErr(t, err, nil)
			if got.ID != c.ID {
				t.Fatalf("got %s, want %s", got.ID, c.ID)
			}
		})
		t.Run("ErrBadCredentials", func(t *testing.T) {
			c := f.mustPasswordCustomer(t, f.sp)
			_, err := f.svc.SignInCustomer(ctx, c.DomainName, "Wrong!2025x")
			wantErr(t, err, identity.ErrBadCredentials)
			_, err = f.svc.SignInCustomer(ctx, unique("nobody"), goodPassword)
			wantErr(t, err, identity.ErrBadCredentials)
			// An account without a password enters only by single sign-on.
			sso := f.mustCreate(t, f.sp.main, newCustomer(f.sp))
			_, err = f.svc.SignInCustomer(ctx, sso.DomainName, "")
			wantErr(t, err, identity.ErrBadCredentials)
		})
		t.Run("ErrAccountLocked", func(t *testing.T) {
			c := f.mustPasswordCustomer(t, f.sp)
			for i := 1; i < identity.MaxFailedSignIns; i++ {
				_, err := f.svc.SignInCustomer(ctx, c.DomainName, "Wrong!2025x")
				wantErr(t, err, identity.ErrBadCredentials)
			}
			_, err := f.svc.SignInCustomer(ctx, c.DomainName, "Wrong!2025x")
			wantErr(t, err, identity.ErrAccountLocked)
			_, err = f.svc.SignInCustomer(ctx, c.DomainName, goodPassword)
			wantErr(t, err, identity.ErrAccountLocked)
			f.clock.Advance(identity.LockoutDuration + time.Second)
			_, err = f.svc.SignInCustomer(ctx, c.DomainName, goodPassword)
			wantErr(t, err, nil)
		})
		t.Run("FrozenSignsIn", func(t *testing.T) {
			c := f.mustPasswordCustomer(t, f.sp)
			f.exec(t, "UPDATE customers SET frozen = 1 WHERE id = $1", c.ID)
			got, err := f.svc.SignInCustomer(ctx, c.DomainName, goodPassword)
			wantErr(t, err, nil)
			if !got.Frozen() {
				t.Fatal("frozen customer signed in as not frozen")
			}
		})
	})
}

func TestMyPartner(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.mustPasswordCustomer(t, f.sp)
		t.Run("MainAccountContact", func(t *testing.T) {
			mp, ok, err := f.svc.MyPartner(ctx, c.ID)
			wantErr(t, err, nil)
			if !ok || mp.Partner.ID != f.sp.p.ID || mp.Association.Type != customer.Reseller || mp.Partner.Contact.Name == "" {
				t.Fatalf("got %+v, %v", mp, ok)
			}
		})
		t.Run("AccessConfigContact", func(t *testing.T) {
			if err := f.ident.SetContacts(ctx, f.sp.main, identity.AccessContact{Name: "Li Lei", Mobile: "13900000000",
				Email: "li@example.com"}); err != nil {
				t.Fatal(err)
			}
			mp, _, err := f.svc.MyPartner(ctx, c.ID)
			wantErr(t, err, nil)
			if got, want := mp.Partner.Contact.Name, "Li Lei"; got != want {
				t.Fatalf("contact %q, want %q", got, want)
			}
		})
		t.Run("None", func(t *testing.T) {
			_, ok, err := f.svc.MyPartner(ctx, f.mustCreate(t, f.sp.main, newCustomer(f.sp)).ID)
			wantErr(t, err, nil)
			if ok {
				t.Fatal("unassociated customer has a partner")
			}
		})
	})
}

// bindRecorder remembers the bindings and unbindings it was told about.
type bindRecorder struct{ calls, unbound []string }

func (h *bindRecorder) BoundTx(_ context.Context, tx *sql.Tx, partnerID string, c customer.Customer) error {
	h.calls = append(h.calls, partnerID+"/"+c.ID+"/"+c.XAccountID)
	return nil
}

func (h *bindRecorder) UnboundTx(_ context.Context, tx *sql.Tx, partnerID string, c customer.Customer) error {
	h.unbound = append(h.unbound, partnerID+"/"+c.ID+"/"+c.XAccountID)
	return nil
}

func TestSSOBinding(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		hook := &bindRecorder{}
		f.svc.SetBindHook(hook)
		idOf := func(tn tenant) customer.SSOIdentity {
			return customer.SSOIdentity{PartnerID: tn.p.ID, XAccountType: tn.p.XAccountType, XAccountID: unique("xu")}
		}
		// unbound makes an account without a platform binding, as accounts
		// registered on the cloud itself are.
		unbound := func(t *testing.T, tn *tenant) customer.Customer {
			c := f.mustPasswordCustomer(t, f.sp)
			f.exec(t, "UPDATE customers SET xaccount_type = NULL, xaccount_id = NULL WHERE id = $1", c.ID)
			if tn == nil {
				f.exec(t, "DELETE FROM customer_associations WHERE customer_id = $1", c.ID)
			} else if tn.p.ID != f.sp.p.ID {
				f.exec(t, "UPDATE customer_associations SET partner_id = $1 WHERE customer_id = $2", tn.p.ID, c.ID)
			}
			return c
		}

		t.Run("NewAccount", func(t *testing.T) {
			id := idOf(f.sp)
			mobile := newMobile()
			if err := f.svc.SendSSOCode(ctx, id, mobile); err != nil {
				t.Fatal(err)
			}
			code := f.lastCode(t, "+86"+mobile)
			n := len(hook.calls)
			c, err := f.svc.RegisterSSO(ctx, id, customer.SSOAccount{DomainName: unique("sso"), Password: goodPassword,
				Mobile: mobile, Code: code})
			wantErr(t, err, nil)
			if got, want := len(hook.calls), n+1; got != want {
				t.Fatalf("hook calls %d, want %d", got, want)
			}
			bound, err := f.svc.CustomerByXAccount(ctx, id.XAccountType, id.XAccountID)
			wantErr(t, err, nil)
			if bound.ID != c.ID {
				t.Fatalf("bound %s, want %s", bound.ID, c.ID)
			}
			a, ok, err := f.svc.CurrentAssociation(ctx, c.ID)
			if err != nil || !ok || a.PartnerID != f.sp.p.ID {
				t.Fatalf("association %+v %v %v", a, ok, err)
			}
			if _, err := f.svc.SignInCustomer(ctx, c.DomainName, goodPassword); err != nil {
				t.Fatal(err)
			}
			t.Run("ErrXAccountTaken", func(t *testing.T) {
				_, err := f.svc.RegisterSSO(ctx, id, customer.SSOAccount{DomainName: unique("sso"), Password: goodPassword,
					Mobile: newMobile(), Code: "123456"})
				wantErr(t, err, customer.ErrXAccountTaken)
				_, err = f.svc.BindSSO(ctx, id, unbound(t, &f.sp).DomainName, goodPassword)
				wantErr(t, err, customer.ErrXAccountTaken)
			})
		})
		t.Run("NewAccountWrongCode", func(t *testing.T) {
			_, err := f.svc.RegisterSSO(ctx, idOf(f.sp), customer.SSOAccount{DomainName: unique("sso"),
				Password: goodPassword, Mobile: newMobile(), Code: "000000"})
			wantErr(t, err, customer.ErrCodeWrong)
		})
		t.Run("ExistingAccountOfThisPartner", func(t *testing.T) {
			c := unbound(t, &f.sp)
			id := idOf(f.sp)
			n := len(hook.calls)
			got, err := f.svc.BindSSO(ctx, id, c.DomainName, goodPassword)
			wantErr(t, err, nil)
			if got.ID != c.ID || got.XAccountID != id.XAccountID || len(hook.calls) != n+1 {
				t.Fatalf("got %+v, hook calls %d", got, len(hook.calls)-n)
			}
			// Repeating it changes nothing and tells nobody again.
			_, err = f.svc.BindSSO(ctx, id, c.DomainName, goodPassword)
			wantErr(t, err, nil)
			if len(hook.calls) != n+1 {
				t.Fatal("a repeated binding called the hook")
			}
		})
		t.Run("ExistingUnassociatedAccount", func(t *testing.T) {
			c := unbound(t, nil)
			_, err := f.svc.BindSSO(ctx, idOf(f.sp2), c.DomainName, goodPassword)
			wantErr(t, err, nil)
			a, ok, err := f.svc.CurrentAssociation(ctx, c.ID)
			if err != nil || !ok || a.PartnerID != f.sp2.p.ID || a.Type != customer.Reseller {
				t.Fatalf("association %+v %v %v", a, ok, err)
			}
		})
		t.Run("ErrAssociatedElsewhere", func(t *testing.T) {
			c := unbound(t, &f.sp2)
			n := len(hook.calls)
			_, err := f.svc.BindSSO(ctx, idOf(f.sp), c.DomainName, goodPassword)
			wantErr(t, err, customer.ErrAssociatedElsewhere)
			if got, _ := f.svc.CustomerByID(ctx, c.ID); got.XAccountID != "" || len(hook.calls) != n {
				t.Fatal("a refused binding was stored")
			}
		})
		t.Run("ErrAlreadyBound", func(t *testing.T) {
			c := f.mustPasswordCustomer(t, f.sp)
			_, err := f.svc.BindSSO(ctx, idOf(f.sp), c.DomainName, goodPassword)
			wantErr(t, err, customer.ErrAlreadyBound)
		})
		t.Run("ErrBadCredentials", func(t *testing.T) {
			c := unbound(t, &f.sp)
			_, err := f.svc.BindSSO(ctx, idOf(f.sp), c.DomainName, "Wrong!2025x")
			wantErr(t, err, identity.ErrBadCredentials)
		})
	})
}
