package identity_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

func TestScopeSQL(t *testing.T) {
	tests := []struct {
		name       string
		scope      identity.Scope
		wantClause string
		wantArgs   []any
	}{
		{"All", identity.AllScope(), "", nil},
		{"None", identity.Scope{}, "1 = 0", nil},
		{"OwnWithoutIDs", identity.Scope{Kind: identity.ScopeOwn}, "1 = 0", nil},
		{"Own", identity.Scope{Kind: identity.ScopeOwn, ManagerIDs: []string{"a"}}, "c.manager_id = $3", []any{"a"}},
		{"Team", identity.Scope{Kind: identity.ScopeTeam, ManagerIDs: []string{"a", "b", "c"}},
			"c.manager_id IN ($3, $4, $5)", []any{"a", "b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clause, args := tt.scope.SQL("c.manager_id", 3)
			if clause != tt.wantClause || !reflect.DeepEqual(args, tt.wantArgs) {
				t.Fatalf("got %q %v, want %q %v", clause, args, tt.wantClause, tt.wantArgs)
			}
		})
	}
}

func TestScopeAllows(t *testing.T) {
	team := identity.Scope{Kind: identity.ScopeTeam, ManagerIDs: []string{"d", "a"}}
	tests := []struct {
		name    string
		scope   identity.Scope
		manager string
		want    bool
	}{
		{"AllUnassigned", identity.AllScope(), "", true},
		{"AllAny", identity.AllScope(), "x", true},
		{"TeamMember", team, "a", true},
		{"TeamOutsider", team, "x", false},
		{"TeamUnassigned", team, "", false},
		{"None", identity.Scope{}, "a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.scope.Allows(tt.manager); got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestMemberAccessScope proves the data scope in SQL on a stand-in for the
// customer table: what the customer list will run, with a partner filter
// and the actor's scope.
func TestMemberAccessScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		o := mustOrg(t, f)
		other := mustOrg(t, f)
		if _, err := d.SQL.ExecContext(ctx, "CREATE TABLE scope_fixture (id TEXT PRIMARY KEY, partner_id TEXT NOT NULL, manager_id TEXT)"); err != nil {
			t.Fatal(err)
		}
		dir, _ := mustOrgMember(t, o, "", identity.PresetDirector)
		otherDir, _ := mustOrgMember(t, o, "", identity.PresetDirector)
		am1, _ := mustOrgMember(t, o, dir.ID, identity.PresetAccountManager)
		am2, _ := mustOrgMember(t, o, dir.ID, identity.PresetAccountManager)
		am3, _ := mustOrgMember(t, o, otherDir.ID, identity.PresetAccountManager)
		amFin, _ := mustOrgMember(t, o, dir.ID, identity.PresetAccountManager, identity.PresetFinance)
		admin, _ := mustOrgMember(t, o, "", identity.PresetAdmin)
		fin, _ := mustOrgMember(t, o, "", identity.PresetFinance)
		dirSA, _ := mustOrgMember(t, o, "", identity.PresetDirector, identity.PresetSA)
		custom := mustOrgRole(t, o, "Viewer", identity.PermCustomerList)
		viewer, _ := mustOrgMember(t, o, "", custom.ID)
		otherAM, _ := mustOrgMember(t, other, "", identity.PresetAccountManager)

		customers := map[string]string{ // customer id → manager id ("" unassigned)
			"c-am1": am1.ID, "c-am1b": am1.ID, "c-am2": am2.ID, "c-am3": am3.ID, "c-amfin": amFin.ID,
			"c-dir": dir.ID, "c-none": "",
		}
		for id, mgr := range customers {
			var m any = mgr
			if mgr == "" {
				m = nil
			}
			if _, err := d.SQL.ExecContext(ctx, "INSERT INTO scope_fixture (id, partner_id, manager_id) VALUES ($1, $2, $3)", id, o.p.ID, m); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.SQL.ExecContext(ctx, "INSERT INTO scope_fixture (id, partner_id, manager_id) VALUES ('c-other', $1, $2)",
			other.p.ID, otherAM.ID); err != nil {
			t.Fatal(err)
		}
		all := []string{"c-am1", "c-am1b", "c-am2", "c-am3", "c-amfin", "c-dir", "c-none"}

		query := func(a identity.Actor) []string {
			t.Helper()
			where, args := " WHERE partner_id = $1", []any{a.PartnerID}
			if c, extra := a.Scope.SQL("manager_id", len(args)+1); c != "" {
				where += " AND " + c
				args = append(args, extra...)
			}
			rows, err := d.SQL.QueryContext(ctx, "SELECT id FROM scope_fixture"+where+" ORDER BY id", args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				out = append(out, id)
			}
			return out
		}

		tests := []struct {
			name      string
			actor     identity.Actor
			wantKind  identity.ScopeKind
			want      []string
			can, cant []string
		}{
			{"AccountManagerSeesOwn", mustOrgActor(t, o, am1.ID), identity.ScopeOwn, []string{"c-am1", "c-am1b"},
				[]string{identity.PermCustomerList, identity.PermCustomerReport}, []string{identity.PermVoucherIssue, identity.PermCustomerAssign}},
			{"DirectorSeesTeamAndOwn", mustOrgActor(t, o, dir.ID), identity.ScopeTeam, []string{"c-am1", "c-am1b", "c-am2", "c-amfin", "c-dir"},
				[]string{identity.PermCustomerAssign, identity.PermCustomerReveal}, []string{identity.PermVoucherIssue}},
			{"DirectorWithoutTeamSeesOwn", mustOrgActor(t, o, otherDir.ID), identity.ScopeTeam, []string{"c-am3"}, nil, nil},
			{"AccountManagerPlusFinanceSeesAll", mustOrgActor(t, o, amFin.ID), identity.ScopeAll, all,
				[]string{identity.PermCustomerList, identity.PermCouponQuotaView}, []string{identity.PermVoucherIssue}},
			{"DirectorPlusSASeesAll", mustOrgActor(t, o, dirSA.ID), identity.ScopeAll, all, nil, nil},
			{"AdminSeesAll", mustOrgActor(t, o, admin.ID), identity.ScopeAll, all,
				[]string{identity.PermVoucherIssue, identity.PermOrgRoleManage}, nil},
			{"FinanceSeesAll", mustOrgActor(t, o, fin.ID), identity.ScopeAll, all, nil, []string{identity.PermCustomerList}},
			{"CustomRoleSeesAll", mustOrgActor(t, o, viewer.ID), identity.ScopeAll, all, []string{identity.PermCustomerList}, nil},
			{"MainSeesAll", o.main, identity.ScopeAll, all, nil, nil},
			{"ActorWithoutAccessSeesNothing", identity.Actor{Kind: identity.ActorMember, PartnerID: o.p.ID}, identity.ScopeNone, nil, nil, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if tt.actor.Scope.Kind != tt.wantKind {
					t.Errorf("scope %+v, want %s", tt.actor.Scope, tt.wantKind)
				}
				if got := query(tt.actor); !slices.Equal(got, tt.want) {
					t.Fatalf("sees %v, want %v", got, tt.want)
				}
				for _, p := range tt.can {
					if !tt.actor.Can(p) {
						t.Errorf("lacks %s", p)
					}
				}
				for _, p := range tt.cant {
					if tt.actor.Can(p) {
						t.Errorf("holds %s", p)
					}
				}
			})
		}

		t.Run("MainHoldsEverything", func(t *testing.T) {
			perms, scope, err := o.svc.MemberAccess(ctx, o.p.ID, o.main.ID)
			assertErr(t, err, nil)
			if len(perms) != len(identity.Permissions) || !scope.All() {
				t.Fatalf("main: %d items, scope %+v", len(perms), scope)
			}
		})

		t.Run("TeamFollowsMoves", func(t *testing.T) {
			_, err := o.svc.MoveAccountManagers(ctx, o.main, otherDir.ID, dir.ID)
			assertErr(t, err, nil)
			got := query(mustOrgActor(t, o, dir.ID))
			if want := []string{"c-am1", "c-am1b", "c-am2", "c-am3", "c-amfin", "c-dir"}; !slices.Equal(got, want) {
				t.Fatalf("sees %v, want %v", got, want)
			}
		})

		t.Run("UnionOfCustomRoles", func(t *testing.T) {
			r1 := mustOrgRole(t, o, "R1", identity.PermCatalogView)
			r2 := mustOrgRole(t, o, "R2", identity.PermCouponReclaim)
			m, _ := mustOrgMember(t, o, "", r1.ID, r2.ID)
			perms, _, err := o.svc.MemberAccess(ctx, o.p.ID, m.ID)
			assertErr(t, err, nil)
			if got := fmt.Sprint(len(perms), perms[identity.PermCatalogView], perms[identity.PermCouponReclaim]); got != "2 true true" {
				t.Fatalf("perms %v", perms)
			}
		})
	})
}
