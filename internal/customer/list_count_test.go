package customer_test

import (
	"context"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

// TestListCountFollowsEveryChange: the list's count is cached under the
// partner's customer-list version, so every change the count depends on —
// made through any path, even plain SQL — must show in the next count.
func TestListCountFollowsEveryChange(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		total := func(actor identity.Actor, fl customer.ListFilter) int {
			t.Helper()
			_, n, err := f.svc.ListSubCustomers(ctx, actor, fl)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		vip := customer.ListFilter{Label: ptr("vip")}
		named := customer.ListFilter{AccountName: ptr("cnt-")}
		a := f.mustAssociated(t, f.sp, newCustomer(f.sp))
		b := f.mustAssociated(t, f.sp, newCustomer(f.sp))
		if got := total(f.sp.main, customer.ListFilter{}); got != 2 {
			t.Fatalf("all: got %d, want 2", got)
		}
		if got := total(f.sp.main, vip); got != 0 {
			t.Fatalf("vip: got %d, want 0", got)
		}

		// A customer column the list filters on.
		f.exec(t, "UPDATE customers SET label = 'vip' WHERE id = $1", a.ID)
		if got := total(f.sp.main, vip); got != 1 {
			t.Fatalf("vip after labelling: got %d, want 1", got)
		}
		f.exec(t, "UPDATE customers SET domain_name_key = 'cnt-renamed' WHERE id = $1", b.ID)
		if got := total(f.sp.main, named); got != 1 {
			t.Fatalf("renamed: got %d, want 1", got)
		}

		// A new association, and the end of one.
		f.mustAssociated(t, f.sp, newCustomer(f.sp))
		if got := total(f.sp.main, customer.ListFilter{}); got != 3 {
			t.Fatalf("after a new association: got %d, want 3", got)
		}
		f.exec(t, "UPDATE customer_associations SET ended_at = $1 WHERE customer_id = $2", f.clock.Now(), a.ID)
		if got := total(f.sp.main, customer.ListFilter{}); got != 2 {
			t.Fatalf("after an association ended: got %d, want 2", got)
		}
		if got := total(f.sp.main, vip); got != 0 {
			t.Fatalf("vip after its association ended: got %d, want 0", got)
		}

		// Another partner's change leaves sp's count alone and is seen by its own.
		f.mustAssociated(t, f.sp2, newCustomer(f.sp2))
		if got := total(f.sp.main, customer.ListFilter{}); got != 2 {
			t.Fatalf("sp after sp2's association: got %d, want 2", got)
		}
		if got := total(f.sp2.main, customer.ListFilter{}); got != 1 {
			t.Fatalf("sp2: got %d, want 1", got)
		}

		// A reseller's new customer changes what its distributor lists.
		indirect := customer.ListFilter{IndirectPartnerID: ptr(f.reseller.p.ID)}
		if got := total(f.dist.main, indirect); got != 0 {
			t.Fatalf("reseller's customers: got %d, want 0", got)
		}
		in := newCustomer(f.dist)
		in.IndirectPartnerID = ptr(f.reseller.p.ID)
		c := f.mustCreate(t, f.dist.main, in)
		if _, err := f.svc.AssociateNow(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if got := total(f.dist.main, indirect); got != 1 {
			t.Fatalf("reseller's customers after one was associated: got %d, want 1", got)
		}

		// The data scope is part of what is counted: assigning a customer to
		// an account manager shows in the manager's count.
		m, _, err := f.ident.CreateMember(ctx, f.sp.main, identity.NewMember{AccountName: unique("am"), DisplayName: "AM",
			Email: unique("am") + "@example.com", Roles: []string{identity.PresetAccountManager}})
		if err != nil {
			t.Fatal(err)
		}
		manager, _, err := f.ident.ConsoleActor(ctx, f.sp.p.ID, m.ID, m.SessionEpoch)
		if err != nil {
			t.Fatal(err)
		}
		if got := total(manager, customer.ListFilter{}); got != 0 {
			t.Fatalf("manager before assignment: got %d, want 0", got)
		}
		f.exec(t, "UPDATE customers SET account_manager_id = $1 WHERE id = $2", m.ID, b.ID)
		if got := total(manager, customer.ListFilter{}); got != 1 {
			t.Fatalf("manager after assignment: got %d, want 1", got)
		}
	})
}
