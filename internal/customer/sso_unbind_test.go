package customer_test

import (
	"context"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/db"
)

func TestUnbindSSO(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		hook := &bindRecorder{}
		f.svc.SetBindHook(hook)

		t.Run("OK", func(t *testing.T) {
			c := f.mustPasswordCustomer(t, f.sp)
			got, err := f.svc.UnbindSSO(ctx, c.ID)
			wantErr(t, err, nil)
			if got.XAccountID != c.XAccountID || got.XAccountType != c.XAccountType {
				t.Fatalf("returned %+v, want the binding that was removed", got)
			}
			if len(hook.unbound) != 1 || hook.unbound[0] != f.sp.p.ID+"/"+c.ID+"/"+c.XAccountID {
				t.Fatalf("hook told %v", hook.unbound)
			}
			now, err := f.svc.CustomerByID(ctx, c.ID)
			wantErr(t, err, nil)
			if now.XAccountID != "" || now.XAccountType != "" {
				t.Fatalf("still bound: %+v", now)
			}
			if _, err := f.svc.CustomerByXAccount(ctx, c.XAccountType, c.XAccountID); err == nil {
				t.Fatal("the platform user still finds the account")
			}
			if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'customer.sso_unbind' AND target = $1 AND partner_id = $2",
				c.ID, f.sp.p.ID); n != 1 {
				t.Fatalf("%d audit rows, want 1", n)
			}
			// The partnership stays.
			if a, ok, err := f.svc.CurrentAssociation(ctx, c.ID); err != nil || !ok || a.PartnerID != f.sp.p.ID {
				t.Fatalf("association %+v %v %v", a, ok, err)
			}
			t.Run("Idempotent", func(t *testing.T) {
				again, err := f.svc.UnbindSSO(ctx, c.ID)
				wantErr(t, err, nil)
				if again.XAccountID != "" || len(hook.unbound) != 1 {
					t.Fatalf("second unbind: %+v, hook calls %d", again, len(hook.unbound))
				}
			})
			t.Run("PlatformUserMayBindAgain", func(t *testing.T) {
				id := customer.SSOIdentity{PartnerID: f.sp.p.ID, XAccountType: c.XAccountType, XAccountID: c.XAccountID}
				_, err := f.svc.BindSSO(ctx, id, c.DomainName, goodPassword)
				wantErr(t, err, nil)
			})
		})
		t.Run("ErrUnbindNoPassword", func(t *testing.T) {
			c := f.mustAssociated(t, f.sp, newCustomer(f.sp))
			n := len(hook.unbound)
			_, err := f.svc.UnbindSSO(ctx, c.ID)
			wantErr(t, err, customer.ErrUnbindNoPassword)
			if got, _ := f.svc.CustomerByID(ctx, c.ID); got.XAccountID != c.XAccountID || len(hook.unbound) != n {
				t.Fatal("a refused unbinding was stored")
			}
		})
		t.Run("ErrCustomerNotFound", func(t *testing.T) {
			_, err := f.svc.UnbindSSO(ctx, "no-such-customer")
			wantErr(t, err, customer.ErrCustomerNotFound)
		})
	})
}
