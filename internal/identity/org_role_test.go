package identity_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/i18n"
)

func TestPresetRoles(t *testing.T) {
	got := identity.PresetRoles()
	want := []struct {
		id, zh, en string
		has, lacks []string
	}{
		{identity.PresetAdmin, "系统管理员", "Administrator",
			[]string{identity.PermVoucherIssue, identity.PermOrgRoleManage, identity.PermCustomerList}, nil},
		{identity.PresetFinance, "财务", "Finance",
			[]string{identity.PermCouponQuotaView, identity.PermCouponIssuedView, identity.PermCatalogView,
				identity.PermFundsView, identity.PermFundsAllocate},
			[]string{identity.PermCustomerList, identity.PermVoucherIssue, identity.PermDiscountManage}},
		{identity.PresetSA, "SA专人", "SA",
			[]string{identity.PermCatalogView, identity.PermCustomerList},
			[]string{identity.PermCustomerReveal, identity.PermCouponQuotaView}},
		{identity.PresetDirector, "客户经理主管", "Account manager director",
			[]string{identity.PermCustomerList, identity.PermCustomerReveal, identity.PermCustomerAssign,
				identity.PermCustomerReport, identity.PermCouponQuotaView, identity.PermCouponIssuedView, identity.PermCatalogView},
			[]string{identity.PermVoucherIssue, identity.PermOrgMemberManage}},
		{identity.PresetAccountManager, "客户经理", "Account manager",
			[]string{identity.PermCustomerList, identity.PermCustomerReport, identity.PermCatalogView, identity.PermOrderView},
			[]string{identity.PermVoucherIssue, identity.PermCashCouponIssue, identity.PermCouponReclaim,
				identity.PermCouponQuotaView, identity.PermCustomerAssign}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d presets, want %d", len(got), len(want))
	}
	for i, w := range want {
		r := got[i]
		if r.ID != w.id || r.Label(i18n.ZH) != w.zh || r.Label(i18n.EN) != w.en || !r.Preset {
			t.Errorf("preset %d: got %s %q %q preset=%v, want %s %q %q", i, r.ID, r.Label(i18n.ZH), r.Label(i18n.EN), r.Preset, w.id, w.zh, w.en)
		}
		for _, p := range w.has {
			if !slices.Contains(r.Permissions, p) {
				t.Errorf("%s lacks %s", r.ID, p)
			}
		}
		for _, p := range w.lacks {
			if slices.Contains(r.Permissions, p) {
				t.Errorf("%s holds %s", r.ID, p)
			}
		}
	}
	if n := len(got[0].Permissions); n != len(identity.Permissions) {
		t.Errorf("admin holds %d items, want all %d", n, len(identity.Permissions))
	}
	// PresetRoles hands out copies.
	got[0].Permissions[0] = "changed"
	if identity.PresetRoles()[0].Permissions[0] == "changed" {
		t.Error("PresetRoles shares its slices")
	}
}

func TestPermissionGroups(t *testing.T) {
	n := 0
	var menus []string
	for _, g := range identity.PermissionGroups() {
		menus = append(menus, g.Menu)
		n += len(g.Permissions)
	}
	if n != len(identity.Permissions) || !slices.Equal(menus, []string{"sales", "organization", "support"}) {
		t.Fatalf("got menus %v with %d items", menus, n)
	}
}

func TestCreateRole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("OK", func(t *testing.T) {
			o := mustOrg(t, f)
			r, err := o.svc.CreateRole(ctx, o.main, identity.NewRole{Name: "  CEO ", Description: "总经理",
				Permissions: []string{identity.PermCatalogView, identity.PermCustomerList, identity.PermCatalogView}})
			assertErr(t, err, nil)
			got, want := r.Permissions, []string{identity.PermCustomerList, identity.PermCatalogView}
			if r.Name != "CEO" || r.Preset || !slices.Equal(got, want) {
				t.Fatalf("got %+v, want CEO with %v", r, want)
			}
			read, err := o.svc.Role(ctx, o.main, r.ID)
			assertErr(t, err, nil)
			if read.Name != "CEO" || read.Description != "总经理" || !slices.Equal(read.Permissions, want) || read.MemberCount != 0 {
				t.Fatalf("read back %+v", read)
			}
		})

		t.Run("OKByRoleManager", func(t *testing.T) {
			o := mustOrg(t, f)
			mgr := mustOrgRole(t, o, "Role managers", identity.PermOrgRoleManage, identity.PermCatalogView)
			_, actor := mustOrgMemberActor(t, o, mgr.ID)
			_, err := o.svc.CreateRole(ctx, actor, identity.NewRole{Name: "Catalogue", Permissions: []string{identity.PermCatalogView}})
			assertErr(t, err, nil)
		})

		t.Run("ErrInput", func(t *testing.T) {
			o := mustOrg(t, f)
			mustOrgRole(t, o, "Sales", identity.PermCustomerList)
			long := string(make([]rune, 65))
			tests := []struct {
				name string
				in   identity.NewRole
				want error
			}{
				{"ErrRoleName/Empty", identity.NewRole{Name: "  ", Permissions: []string{identity.PermCatalogView}}, identity.ErrRoleName},
				{"ErrRoleName/TooLong", identity.NewRole{Name: long, Permissions: []string{identity.PermCatalogView}}, identity.ErrRoleName},
				{"ErrRoleNameTaken/SameCase", identity.NewRole{Name: "Sales", Permissions: []string{identity.PermCatalogView}}, identity.ErrRoleNameTaken},
				{"ErrRoleNameTaken/OtherCase", identity.NewRole{Name: "sALES", Permissions: []string{identity.PermCatalogView}}, identity.ErrRoleNameTaken},
				{"ErrRoleNameTaken/PresetZH", identity.NewRole{Name: "财务", Permissions: []string{identity.PermCatalogView}}, identity.ErrRoleNameTaken},
				{"ErrRoleNameTaken/PresetEN", identity.NewRole{Name: "administrator", Permissions: []string{identity.PermCatalogView}}, identity.ErrRoleNameTaken},
				{"ErrRoleDescription", identity.NewRole{Name: "X", Description: string(make([]rune, 256)), Permissions: []string{identity.PermCatalogView}}, identity.ErrRoleDescription},
				{"ErrRolePermissionsNeeded", identity.NewRole{Name: "X"}, identity.ErrRolePermissionsNeeded},
				{"ErrRolePermissionUnknown", identity.NewRole{Name: "X", Permissions: []string{"BPC_ITEM_NOPE"}}, identity.ErrRolePermissionUnknown},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := o.svc.CreateRole(ctx, o.main, tt.in)
					assertErr(t, err, tt.want)
				})
			}
		})

		t.Run("ErrForbidden", func(t *testing.T) {
			o := mustOrg(t, f)
			_, finance := mustOrgMemberActor(t, o, identity.PresetFinance)
			viewer := mustOrgRole(t, o, "Viewers", identity.PermOrgMemberView, identity.PermOrgMemberManage)
			_, memberMgr := mustOrgMemberActor(t, o, viewer.ID)
			for name, a := range map[string]identity.Actor{"Finance": finance, "MemberManager": memberMgr, "Operator": f.admin} {
				t.Run(name, func(t *testing.T) {
					_, err := o.svc.CreateRole(ctx, a, identity.NewRole{Name: "X", Permissions: []string{identity.PermCatalogView}})
					assertErr(t, err, identity.ErrForbidden)
				})
			}
		})

		t.Run("ErrRoleExceedsOwn", func(t *testing.T) {
			o := mustOrg(t, f)
			mgr := mustOrgRole(t, o, "Role managers", identity.PermOrgRoleManage)
			_, actor := mustOrgMemberActor(t, o, mgr.ID)
			_, err := o.svc.CreateRole(ctx, actor, identity.NewRole{Name: "Issuers", Permissions: []string{identity.PermVoucherIssue}})
			assertErr(t, err, identity.ErrRoleExceedsOwn)
		})

		t.Run("ErrRoleLimit", func(t *testing.T) {
			o := mustOrg(t, f)
			for i := range identity.MaxCustomRoles {
				mustOrgRole(t, o, fmt.Sprintf("Role %d", i), identity.PermCatalogView)
			}
			_, err := o.svc.CreateRole(ctx, o.main, identity.NewRole{Name: "One too many", Permissions: []string{identity.PermCatalogView}})
			assertErr(t, err, identity.ErrRoleLimit)
			if e, _ := apperr.As(err); e.Args["max"] != identity.MaxCustomRoles {
				t.Errorf("args %v", e.Args)
			}
			// The limit is per partner.
			other := mustOrg(t, f)
			mustOrgRole(t, other, "Role 0", identity.PermCatalogView)
		})

		t.Run("ErrRoleLimit/Concurrent", func(t *testing.T) {
			o := mustOrg(t, f)
			for i := range identity.MaxCustomRoles - 2 {
				mustOrgRole(t, o, fmt.Sprintf("Role %d", i), identity.PermCatalogView)
			}
			const n = 6
			errs := make(chan error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := o.svc.CreateRole(ctx, o.main, identity.NewRole{Name: fmt.Sprintf("Racer %d", i),
						Permissions: []string{identity.PermCatalogView}})
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			ok := 0
			for err := range errs {
				switch {
				case err == nil:
					ok++
				case !errors.Is(err, identity.ErrRoleLimit):
					t.Errorf("unexpected error %v", err)
				}
			}
			if got := orgCount(t, o, "SELECT COUNT(*) FROM roles WHERE partner_id = $1", o.p.ID); ok != 2 || got != identity.MaxCustomRoles {
				t.Fatalf("%d creations succeeded, %d roles stored; want 2 and %d", ok, got, identity.MaxCustomRoles)
			}
		})
	})
}

func TestUpdateRole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("OKPartial", func(t *testing.T) {
			o := mustOrg(t, f)
			r := mustOrgRole(t, o, "Sales", identity.PermCustomerList)
			m, _ := mustOrgMember(t, o, "", r.ID)
			if mustOrgActor(t, o, m.ID).Can(identity.PermCatalogView) {
				t.Fatal("member holds an item before the role has it")
			}
			f.clock.Advance(1e9)
			got, err := o.svc.UpdateRole(ctx, o.main, r.ID, identity.RoleUpdate{
				Permissions: &[]string{identity.PermCatalogView, identity.PermCustomerList}})
			assertErr(t, err, nil)
			if got.Name != "Sales" || len(got.Permissions) != 2 || !got.UpdatedAt.After(r.CreatedAt) {
				t.Fatalf("got %+v", got)
			}
			// Members get the new items on their next request.
			if !mustOrgActor(t, o, m.ID).Can(identity.PermCatalogView) {
				t.Fatal("member did not get the role's new item")
			}
			got, err = o.svc.UpdateRole(ctx, o.main, r.ID, identity.RoleUpdate{Name: orgPtr("Sales team"), Description: orgPtr("d")})
			assertErr(t, err, nil)
			if got.Name != "Sales team" || got.Description != "d" || len(got.Permissions) != 2 {
				t.Fatalf("got %+v", got)
			}
		})

		t.Run("OKSameName", func(t *testing.T) {
			o := mustOrg(t, f)
			r := mustOrgRole(t, o, "Sales", identity.PermCustomerList)
			_, err := o.svc.UpdateRole(ctx, o.main, r.ID, identity.RoleUpdate{Name: orgPtr("SALES")})
			assertErr(t, err, nil)
		})

		t.Run("Errors", func(t *testing.T) {
			o := mustOrg(t, f)
			r := mustOrgRole(t, o, "Sales", identity.PermCustomerList)
			mustOrgRole(t, o, "Support", identity.PermCustomerList)
			limited := mustOrgRole(t, o, "Role managers", identity.PermOrgRoleManage, identity.PermCustomerList)
			_, mgr := mustOrgMemberActor(t, o, limited.ID)
			issuers := mustOrgRole(t, o, "Issuers", identity.PermVoucherIssue)
			tests := []struct {
				name  string
				actor identity.Actor
				id    string
				in    identity.RoleUpdate
				want  error
			}{
				{"ErrRolePreset", o.main, identity.PresetFinance, identity.RoleUpdate{Name: orgPtr("x")}, identity.ErrRolePreset},
				{"ErrRoleNameTaken", o.main, r.ID, identity.RoleUpdate{Name: orgPtr("support")}, identity.ErrRoleNameTaken},
				{"ErrRolePermissionsNeeded", o.main, r.ID, identity.RoleUpdate{Permissions: &[]string{}}, identity.ErrRolePermissionsNeeded},
				{"ErrRolePermissionUnknown", o.main, r.ID, identity.RoleUpdate{Permissions: &[]string{"nope"}}, identity.ErrRolePermissionUnknown},
				{"ErrNotFound", o.main, "00000000000000000000000000000000", identity.RoleUpdate{Name: orgPtr("x")}, apperr.NotFound},
				{"ErrRoleExceedsOwn/Adding", mgr, r.ID, identity.RoleUpdate{Permissions: &[]string{identity.PermVoucherIssue}}, identity.ErrRoleExceedsOwn},
				{"ErrRoleExceedsOwn/Existing", mgr, issuers.ID, identity.RoleUpdate{Name: orgPtr("y")}, identity.ErrRoleExceedsOwn},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := o.svc.UpdateRole(ctx, tt.actor, tt.id, tt.in)
					assertErr(t, err, tt.want)
				})
			}
		})
	})
}

func TestDeleteRole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("ErrRoleInUseThenOK", func(t *testing.T) {
			o := mustOrg(t, f)
			r := mustOrgRole(t, o, "Sales", identity.PermCustomerList)
			m, _ := mustOrgMember(t, o, "", r.ID, identity.PresetSA)
			err := o.svc.DeleteRole(ctx, o.main, r.ID)
			assertErr(t, err, identity.ErrRoleInUse)
			if e, _ := apperr.As(err); e.Args["count"] != 1 {
				t.Errorf("args %v", e.Args)
			}
			_, err = o.svc.UpdateMember(ctx, o.main, m.ID, identity.MemberUpdate{Roles: &[]string{identity.PresetSA}})
			assertErr(t, err, nil)
			assertErr(t, o.svc.DeleteRole(ctx, o.main, r.ID), nil)
			assertErr(t, o.svc.DeleteRole(ctx, o.main, r.ID), apperr.NotFound)
			if n := orgCount(t, o, "SELECT COUNT(*) FROM role_permissions WHERE role_id = $1", r.ID); n != 0 {
				t.Errorf("%d permission rows left", n)
			}
			// The freed slot and name can be used again.
			mustOrgRole(t, o, "Sales", identity.PermCustomerList)
		})

		t.Run("ErrRolePreset", func(t *testing.T) {
			o := mustOrg(t, f)
			assertErr(t, o.svc.DeleteRole(ctx, o.main, identity.PresetAccountManager), identity.ErrRolePreset)
		})

		t.Run("ErrForbidden", func(t *testing.T) {
			o := mustOrg(t, f)
			r := mustOrgRole(t, o, "Sales", identity.PermCustomerList)
			_, sa := mustOrgMemberActor(t, o, identity.PresetSA)
			assertErr(t, o.svc.DeleteRole(ctx, sa, r.ID), identity.ErrForbidden)
		})
	})
}

func TestListRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		o := mustOrg(t, f)
		second := mustOrgRole(t, o, "B second", identity.PermCatalogView)
		third := mustOrgRole(t, o, "A third", identity.PermCatalogView)
		mustOrgMember(t, o, "", identity.PresetAdmin)
		mustOrgMember(t, o, "", identity.PresetFinance, second.ID)
		mustOrgMember(t, o, "", identity.PresetFinance)

		t.Run("OK", func(t *testing.T) {
			list, err := o.svc.ListRoles(ctx, o.main)
			assertErr(t, err, nil)
			var got []string
			counts := map[string]int{}
			for _, r := range list {
				got = append(got, r.ID)
				counts[r.ID] = r.MemberCount
			}
			want := []string{identity.PresetAdmin, identity.PresetFinance, identity.PresetSA, identity.PresetDirector,
				identity.PresetAccountManager, second.ID, third.ID}
			if !slices.Equal(got, want) {
				t.Fatalf("got order %v, want %v", got, want)
			}
			wantCounts := map[string]int{identity.PresetAdmin: 2, identity.PresetFinance: 2, second.ID: 1, third.ID: 0}
			for id, n := range wantCounts {
				if counts[id] != n {
					t.Errorf("role %s: got %d members, want %d", id, counts[id], n)
				}
			}
		})

		t.Run("OKForMemberManagers", func(t *testing.T) {
			r := mustOrgRole(t, o, "Viewers", identity.PermOrgMemberView)
			_, viewer := mustOrgMemberActor(t, o, r.ID)
			_, err := o.svc.ListRoles(ctx, viewer)
			assertErr(t, err, nil)
		})

		t.Run("ErrForbidden", func(t *testing.T) {
			_, am := mustOrgMemberActor(t, o, identity.PresetAccountManager)
			_, err := o.svc.ListRoles(ctx, am)
			assertErr(t, err, identity.ErrForbidden)
			_, err = o.svc.ListRoles(ctx, f.admin)
			assertErr(t, err, identity.ErrForbidden)
		})
	})
}
