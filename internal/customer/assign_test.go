package customer_test

import (
	"context"
	"slices"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

func TestAssignAccountManager(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		l := mustListFixture(t, d)
		ctx := context.Background()
		sp := l.sp
		admin := l.fixture.sp.main
		managerOf := func(id string) string {
			t.Helper()
			var m string
			if err := l.db.SQL.QueryRow("SELECT COALESCE(account_manager_id, '') FROM customers WHERE id = $1", id).Scan(&m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		ctxList := func(a identity.Actor) []string {
			t.Helper()
			rows, _, err := l.svc.ConsoleCustomers(ctx, a, customer.ListFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return consoleIDs(rows)
		}

		t.Run("OK/BatchDrivesScope", func(t *testing.T) {
			failed, err := l.svc.AssignAccountManager(ctx, admin, []string{sp[3].ID, sp[4].ID, sp[3].ID}, l.manager.ID)
			if err != nil || len(failed) != 0 {
				t.Fatalf("%v %v", failed, err)
			}
			if got, want := ctxList(l.actorOf(t, l.manager)), []string{sp[4].ID, sp[3].ID, sp[1].ID, sp[0].ID}; !slices.Equal(got, want) {
				t.Fatalf("manager sees %v, want %v", got, want)
			}
			rows, _, err := l.svc.ConsoleCustomers(ctx, admin, customer.ListFilter{AccountManager: ptr(l.manager.AccountName)})
			if err != nil || len(rows) != 4 || !rows[0].Assigned {
				t.Fatalf("list by manager: %v (%v)", consoleIDs(rows), err)
			}
			// Idempotent.
			if failed, err := l.svc.AssignAccountManager(ctx, admin, []string{sp[3].ID}, l.manager.ID); err != nil || len(failed) != 0 {
				t.Fatalf("again: %v %v", failed, err)
			}
		})
		t.Run("OK/Unassign", func(t *testing.T) {
			failed, err := l.svc.UnassignAccountManager(ctx, admin, []string{sp[3].ID, sp[4].ID})
			if err != nil || len(failed) != 0 {
				t.Fatalf("%v %v", failed, err)
			}
			if managerOf(sp[3].ID) != "" || managerOf(sp[4].ID) != "" {
				t.Fatal("still assigned")
			}
			if got, want := ctxList(l.actorOf(t, l.manager)), []string{sp[1].ID, sp[0].ID}; !slices.Equal(got, want) {
				t.Fatalf("manager sees %v, want %v", got, want)
			}
		})
		t.Run("OK/PartialBatch", func(t *testing.T) {
			failed, err := l.svc.AssignAccountManager(ctx, admin, []string{sp[5].ID, l.sp2.ID, l.resold.ID}, l.director.ID)
			if err != nil || len(failed) != 2 || failed[0].ID != l.sp2.ID || failed[1].ID != l.resold.ID {
				t.Fatalf("%+v %v", failed, err)
			}
			for _, f := range failed {
				wantErr(t, f.Err, customer.ErrNotYourCustomer)
			}
			if managerOf(sp[5].ID) != l.director.ID || managerOf(l.sp2.ID) != "" || managerOf(l.resold.ID) != "" {
				t.Fatal("wrong rows changed")
			}
			l.exec(t, "UPDATE customers SET account_manager_id = NULL WHERE id = $1", sp[5].ID)
		})
		t.Run("ErrAssigneeInvalid", func(t *testing.T) {
			// Another partner's member, an unknown id, a disabled member.
			other, err := l.ident.MainMember(ctx, l.fixture.sp2.p.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, err = l.svc.AssignAccountManager(ctx, admin, []string{sp[3].ID}, other.ID)
			wantErr(t, err, customer.ErrAssigneeInvalid)
			_, err = l.svc.AssignAccountManager(ctx, admin, []string{sp[3].ID}, "nobody")
			wantErr(t, err, customer.ErrAssigneeInvalid)
			off, _, err := l.ident.CreateMember(ctx, admin, identity.NewMember{AccountName: unique("off"),
				Roles: []string{identity.PresetAccountManager}})
			if err != nil {
				t.Fatal(err)
			}
			if err := l.ident.SetMemberStatus(ctx, admin, off.ID, identity.MemberDisabled); err != nil {
				t.Fatal(err)
			}
			_, err = l.svc.AssignAccountManager(ctx, admin, []string{sp[3].ID}, off.ID)
			wantErr(t, err, customer.ErrAssigneeInvalid)
			if managerOf(sp[3].ID) != "" {
				t.Fatal("assigned anyway")
			}
		})
		t.Run("CrossTenant", func(t *testing.T) {
			// sp2 cannot assign sp's customers, even to its own member.
			sp2Main, err := l.ident.MainMember(ctx, l.fixture.sp2.p.ID)
			if err != nil {
				t.Fatal(err)
			}
			failed, err := l.svc.AssignAccountManager(ctx, l.fixture.sp2.main, []string{sp[3].ID}, sp2Main.ID)
			if err != nil || len(failed) != 1 {
				t.Fatalf("%v %v", failed, err)
			}
			wantErr(t, failed[0].Err, customer.ErrNotYourCustomer)
			failed, err = l.svc.UnassignAccountManager(ctx, l.fixture.sp2.main, []string{sp[0].ID})
			if err != nil || len(failed) != 1 || managerOf(sp[0].ID) != l.manager.ID {
				t.Fatalf("sp2 unassigned sp's customer: %v %v", failed, err)
			}
		})
		t.Run("DirectorWithinScope", func(t *testing.T) {
			director := l.actorOf(t, l.director)
			director.Perms[identity.PermCustomerAssign] = true
			// Within the team: from the manager to the director and back.
			if failed, err := l.svc.AssignAccountManager(ctx, director, []string{sp[0].ID}, l.director.ID); err != nil || len(failed) != 0 {
				t.Fatalf("%v %v", failed, err)
			}
			if failed, err := l.svc.AssignAccountManager(ctx, director, []string{sp[0].ID}, l.manager.ID); err != nil || len(failed) != 0 {
				t.Fatalf("%v %v", failed, err)
			}
			// Not to a member outside the team.
			outsider, _, err := l.ident.CreateMember(ctx, admin, identity.NewMember{AccountName: unique("outsider"),
				Roles: []string{identity.PresetAccountManager}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = l.svc.AssignAccountManager(ctx, director, []string{sp[0].ID}, outsider.ID)
			wantErr(t, err, customer.ErrAssigneeOutOfScope)
			// Not customers outside the team (unassigned ones included).
			failed, err := l.svc.AssignAccountManager(ctx, director, []string{sp[3].ID}, l.manager.ID)
			if err != nil || len(failed) != 1 || managerOf(sp[3].ID) != "" {
				t.Fatalf("director took an unassigned customer: %v %v", failed, err)
			}
			cands, err := l.svc.AssignCandidates(ctx, director)
			if err != nil || len(cands) != 2 {
				t.Fatalf("director's candidates %v (%v)", cands, err)
			}
			all, err := l.svc.AssignCandidates(ctx, admin)
			if err != nil || len(all) < 4 {
				t.Fatalf("admin's candidates %v (%v)", all, err)
			}
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			_, err := l.svc.AssignAccountManager(ctx, l.actorOf(t, l.manager), []string{sp[0].ID}, l.manager.ID)
			wantErr(t, err, identity.ErrForbidden)
			_, err = l.svc.UnassignAccountManager(ctx, l.actorOf(t, l.manager), []string{sp[0].ID})
			wantErr(t, err, identity.ErrForbidden)
			_, err = l.svc.AssignCandidates(ctx, l.actorOf(t, l.manager))
			wantErr(t, err, identity.ErrForbidden)
			_, err = l.svc.AssignAccountManager(ctx, admin, nil, l.manager.ID)
			wantParam(t, err, "customer_ids")
		})
	})
}

// TestDeleteMemberUnassignsCustomers: deleting an account manager through
// identity (with the hook app wires) leaves its customers unassigned, not
// pointing at a member that no longer exists.
func TestDeleteMemberUnassignsCustomers(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		l := mustListFixture(t, d)
		ctx := context.Background()
		l.ident.SetMemberDeleteHook(l.svc)
		admin := l.fixture.sp.main
		admin.Kind = identity.ActorMember
		if err := l.ident.DeleteMember(ctx, admin, l.manager.ID); err != nil {
			t.Fatal(err)
		}
		if n := l.count(t, "SELECT COUNT(*) FROM customers WHERE account_manager_id = $1", l.manager.ID); n != 0 {
			t.Fatalf("%d customers still assigned to the deleted member", n)
		}
		rows, _, err := l.svc.ConsoleCustomers(ctx, admin, customer.ListFilter{Unassigned: true})
		if err != nil || len(rows) != 5 {
			t.Fatalf("unassigned after delete: %v (%v)", consoleIDs(rows), err)
		}
		// The director's customer is untouched.
		if n := l.count(t, "SELECT COUNT(*) FROM customers WHERE account_manager_id = $1", l.director.ID); n != 1 {
			t.Fatalf("director holds %d customers", n)
		}
	})
}
