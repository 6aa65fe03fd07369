package customer_test

import (
	"context"
	"strings"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
)

func (f *fixture) state(tb testing.TB, id string) customer.FreezeState {
	tb.Helper()
	c, err := f.svc.CustomerByID(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return c.FreezeState
}

// failedIDs maps the failed ids to their codes.
func failedIDs(items []customer.ItemError) map[string]string {
	out := map[string]string{}
	for _, it := range items {
		out[it.ID] = it.Err.Code
	}
	return out
}

func TestFreezeCustomers(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		resale := f.mustAssociated(t, f.sp, newCustomer(f.sp))
		resale2 := f.mustAssociated(t, f.sp, newCustomer(f.sp))
		referral := newCustomer(f.sp)
		referral.CooperationType = ptr("1")
		ref := f.mustAssociated(t, f.sp, referral)
		pending := f.mustCreate(t, f.sp.main, newCustomer(f.sp))
		others := f.mustAssociated(t, f.sp2, newCustomer(f.sp2))
		freeze := func(a identity.Actor, req customer.FreezeRequest) []customer.ItemError {
			t.Helper()
			failed, err := f.svc.FreezeCustomers(ctx, a, req)
			if err != nil {
				t.Fatal(err)
			}
			return failed
		}
		unfreeze := func(a identity.Actor, req customer.FreezeRequest) []customer.ItemError {
			t.Helper()
			failed, err := f.svc.UnfreezeCustomers(ctx, a, req)
			if err != nil {
				t.Fatal(err)
			}
			return failed
		}

		t.Run("OK/Account", func(t *testing.T) {
			if failed := freeze(f.sp.main, customer.FreezeRequest{CustomerIDs: []string{resale.ID}, Reason: "Arrears"}); len(failed) != 0 {
				t.Fatalf("failed %v", failed)
			}
			c, _ := f.svc.CustomerByID(ctx, resale.ID)
			if c.FreezeState != customer.FrozenAccount || !c.Frozen() || c.FreezeReason != "Arrears" {
				t.Fatalf("after freezing: %+v", c)
			}
			// Again: idempotent.
			if failed := freeze(f.sp.main, customer.FreezeRequest{CustomerIDs: []string{resale.ID, resale.ID}, Reason: "again"}); len(failed) != 0 {
				t.Fatalf("failed %v", failed)
			}
		})
		t.Run("OK/UpgradeToResources", func(t *testing.T) {
			freeze(f.sp.main, customer.FreezeRequest{CustomerIDs: []string{resale.ID}, Reason: "worse",
				Type: ptr(customer.FreezeTypeAccountAndResource)})
			if got := f.state(t, resale.ID); got != customer.FrozenAccountAndResource {
				t.Fatalf("state %d, want 2", got)
			}
			// A weaker freeze keeps the stronger one.
			freeze(f.sp.main, customer.FreezeRequest{CustomerIDs: []string{resale.ID}, Reason: "x"})
			if got := f.state(t, resale.ID); got != customer.FrozenAccountAndResource {
				t.Fatalf("state %d, want 2", got)
			}
		})
		t.Run("ErrUnfreezeTypeMismatch", func(t *testing.T) {
			failed := unfreeze(f.sp.main, customer.FreezeRequest{CustomerIDs: []string{resale.ID}, Reason: "paid"})
			if got := failedIDs(failed); got[resale.ID] != customer.ErrUnfreezeTypeMismatch.Code || len(got) != 1 {
				t.Fatalf("failed %v", got)
			}
			if got := f.state(t, resale.ID); got != customer.FrozenAccountAndResource {
				t.Fatalf("state %d, want 2", got)
			}
		})
		t.Run("OK/Unfreeze", func(t *testing.T) {
			failed := unfreeze(f.sp.main, customer.FreezeRequest{CustomerIDs: []string{resale.ID, resale2.ID}, Reason: "paid",
				Type: ptr(customer.FreezeTypeAccountAndResource)})
			if len(failed) != 0 {
				t.Fatalf("failed %v", failedIDs(failed))
			}
			c, _ := f.svc.CustomerByID(ctx, resale.ID)
			if c.Frozen() || c.FreezeReason != "" {
				t.Fatalf("after unfreezing: %+v", c)
			}
		})
		t.Run("PartialFailure", func(t *testing.T) {
			unknown := ids.New()
			failed := freeze(f.sp.main, customer.FreezeRequest{CustomerIDs: []string{resale.ID, ref.ID, unknown, others.ID,
				pending.ID, resale2.ID}, Reason: "batch"})
			want := map[string]string{ref.ID: "CBC.0150", unknown: "CBC.99000035", others.ID: "CBC.99000035", pending.ID: "CBC.99000035"}
			got := failedIDs(failed)
			if len(got) != len(want) {
				t.Fatalf("failed %v, want %v", got, want)
			}
			for id, code := range want {
				if got[id] != code {
					t.Errorf("%s: %q, want %q", id, got[id], code)
				}
			}
			if f.state(t, resale.ID) != customer.FrozenAccount || f.state(t, resale2.ID) != customer.FrozenAccount ||
				f.state(t, ref.ID) != customer.NotFrozen || f.state(t, others.ID) != customer.NotFrozen {
				t.Fatal("the batch changed the wrong customers")
			}
		})
		t.Run("CrossTenant", func(t *testing.T) {
			failed := unfreeze(f.sp2.main, customer.FreezeRequest{CustomerIDs: []string{resale.ID}, Reason: "mine now"})
			if failedIDs(failed)[resale.ID] != "CBC.99000035" {
				t.Fatalf("sp2 unfroze sp's customer: %v", failedIDs(failed))
			}
			if f.state(t, resale.ID) != customer.FrozenAccount {
				t.Fatal("sp2 changed sp's customer")
			}
		})

		bad := []struct {
			name  string
			req   customer.FreezeRequest
			field string
		}{
			{"ErrNoIDs", customer.FreezeRequest{Reason: "r"}, "customer_ids"},
			{"ErrTooManyIDs", customer.FreezeRequest{CustomerIDs: make11(), Reason: "r"}, "customer_ids"},
			{"ErrEmptyID", customer.FreezeRequest{CustomerIDs: []string{""}, Reason: "r"}, "customer_ids"},
			{"ErrNoReason", customer.FreezeRequest{CustomerIDs: []string{resale.ID}, Reason: "  "}, "reason"},
			{"ErrReasonTooLong", customer.FreezeRequest{CustomerIDs: []string{resale.ID}, Reason: strings.Repeat("因", 257)}, "reason"},
			{"ErrTypeEmpty", customer.FreezeRequest{CustomerIDs: []string{resale.ID}, Reason: "r", Type: ptr("")}, "freeze_type"},
			{"ErrTypeUnknown", customer.FreezeRequest{CustomerIDs: []string{resale.ID}, Reason: "r", Type: ptr("RESOURCE")}, "freeze_type"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.svc.FreezeCustomers(ctx, f.sp.main, tt.req)
				wantParam(t, err, tt.field)
				_, err = f.svc.UnfreezeCustomers(ctx, f.sp.main, tt.req)
				wantParam(t, err, strings.Replace(tt.field, "freeze_type", "unfreeze_type", 1))
			})
		}
		t.Run("ErrForbidden", func(t *testing.T) {
			a := f.sp.main
			a.Perms = map[string]bool{identity.PermCustomerFreeze: true}
			req := customer.FreezeRequest{CustomerIDs: []string{resale.ID}, Reason: "r"}
			_, err := f.svc.UnfreezeCustomers(ctx, a, req)
			wantErr(t, err, identity.ErrForbidden)
			a.Perms = map[string]bool{identity.PermCustomerUnfreeze: true}
			_, err = f.svc.FreezeCustomers(ctx, a, req)
			wantErr(t, err, identity.ErrForbidden)
			_, err = f.svc.FreezeCustomers(ctx, f.op, req)
			wantErr(t, err, identity.ErrForbidden)
		})
	})
}

func make11() []string {
	out := make([]string, 11)
	for i := range out {
		out[i] = ids.New()
	}
	return out
}

func TestFreezeResellerCustomersAndScope(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		in := newCustomer(f.dist)
		in.IndirectPartnerID = ptr(f.reseller.p.ID)
		resold := f.mustCreate(t, f.dist.main, in)
		if _, err := f.svc.AssociateNow(ctx, resold.ID); err != nil {
			t.Fatal(err)
		}
		req := customer.FreezeRequest{CustomerIDs: []string{resold.ID}, Reason: "budget"}

		t.Run("DistributorWithoutIndirect", func(t *testing.T) {
			failed, err := f.svc.FreezeCustomers(ctx, f.dist.main, req)
			if err != nil || failedIDs(failed)[resold.ID] != "CBC.99000035" {
				t.Fatalf("%v %v", failedIDs(failed), err)
			}
		})
		t.Run("DistributorWithIndirect", func(t *testing.T) {
			r := req
			r.IndirectPartnerID = ptr(f.reseller.p.ID)
			failed, err := f.svc.FreezeCustomers(ctx, f.dist.main, r)
			if err != nil || len(failed) != 0 || f.state(t, resold.ID) != customer.FrozenAccount {
				t.Fatalf("%v %v", failedIDs(failed), err)
			}
			r.IndirectPartnerID = ptr(f.sp.p.ID)
			_, err = f.svc.UnfreezeCustomers(ctx, f.dist.main, r)
			wantErr(t, err, customer.ErrNotYourReseller)
		})
		t.Run("TheResellerItself", func(t *testing.T) {
			failed, err := f.svc.UnfreezeCustomers(ctx, f.reseller.main, req)
			if err != nil || len(failed) != 0 || f.state(t, resold.ID) != customer.NotFrozen {
				t.Fatalf("%v %v", failedIDs(failed), err)
			}
		})
		t.Run("AccountManagerScope", func(t *testing.T) {
			mine := f.mustAssociated(t, f.sp, newCustomer(f.sp))
			theirs := f.mustAssociated(t, f.sp, newCustomer(f.sp))
			m, _, err := f.ident.CreateMember(ctx, f.sp.main, identity.NewMember{AccountName: unique("am"),
				Roles: []string{identity.PresetAccountManager}})
			if err != nil {
				t.Fatal(err)
			}
			f.exec(t, "UPDATE customers SET account_manager_id = $1 WHERE id = $2", m.ID, mine.ID)
			a := m.Actor(f.sp.p)
			if a.Perms, a.Scope, err = f.ident.MemberAccess(ctx, f.sp.p.ID, m.ID); err != nil {
				t.Fatal(err)
			}
			a.Perms = map[string]bool{identity.PermCustomerFreeze: true}
			failed, err := f.svc.FreezeCustomers(ctx, a, customer.FreezeRequest{CustomerIDs: []string{mine.ID, theirs.ID}, Reason: "r"})
			if err != nil {
				t.Fatal(err)
			}
			if got := failedIDs(failed); len(got) != 1 || got[theirs.ID] != "CBC.99000035" {
				t.Fatalf("failed %v", got)
			}
			if f.state(t, mine.ID) != customer.FrozenAccount || f.state(t, theirs.ID) != customer.NotFrozen {
				t.Fatal("the scope was not applied")
			}
		})
	})
}
