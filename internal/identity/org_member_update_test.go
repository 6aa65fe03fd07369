package identity_test

import (
	"context"
	"slices"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

func TestUpdateMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("OKPartial", func(t *testing.T) {
			o := mustOrg(t, f)
			m, _, err := o.svc.CreateMember(ctx, o.main, identity.NewMember{AccountName: "qian", DisplayName: "钱",
				Mobile: "13800000000", Email: "qian@example.com", Roles: []string{identity.PresetSA}})
			assertErr(t, err, nil)
			got, err := o.svc.UpdateMember(ctx, o.main, m.ID, identity.MemberUpdate{DisplayName: orgPtr(" 钱多多 ")})
			assertErr(t, err, nil)
			if got.DisplayName != "钱多多" || got.Mobile != "13800000000" || got.Email != "qian@example.com" || got.AccountName != "qian" {
				t.Fatalf("got %+v", got)
			}
			got, err = o.svc.UpdateMember(ctx, o.main, m.ID, identity.MemberUpdate{Email: orgPtr(""),
				Roles: &[]string{identity.PresetFinance, identity.PresetSA}})
			assertErr(t, err, nil)
			if got.Email != "" || got.DisplayName != "钱多多" {
				t.Fatalf("got %+v", got)
			}
			v, _ := o.svc.Member(ctx, o.main, m.ID)
			if !slices.Equal(orgRoleIDs(v), []string{identity.PresetFinance, identity.PresetSA}) {
				t.Fatalf("roles %v", orgRoleIDs(v))
			}
		})

		t.Run("OKSelfContact", func(t *testing.T) {
			o := mustOrg(t, f)
			m, actor := mustOrgMemberActor(t, o, identity.PresetAccountManager)
			_, err := o.svc.UpdateMember(ctx, actor, m.ID, identity.MemberUpdate{Mobile: orgPtr("13900000000")})
			assertErr(t, err, nil)
			_, err = o.svc.UpdateMember(ctx, actor, m.ID, identity.MemberUpdate{Roles: &[]string{identity.PresetAdmin}})
			assertErr(t, err, identity.ErrForbidden)
			// The main account edits its own details, never its roles.
			_, err = o.svc.UpdateMember(ctx, o.main, o.main.ID, identity.MemberUpdate{DisplayName: orgPtr("Boss")})
			assertErr(t, err, nil)
			_, err = o.svc.UpdateMember(ctx, o.main, o.main.ID, identity.MemberUpdate{Roles: &[]string{identity.PresetFinance}})
			assertErr(t, err, identity.ErrMainAccount)
		})

		t.Run("ErrMainAccountByOthers", func(t *testing.T) {
			o := mustOrg(t, f)
			_, admin := mustOrgMemberActor(t, o, identity.PresetAdmin)
			_, err := o.svc.UpdateMember(ctx, admin, o.main.ID, identity.MemberUpdate{Email: orgPtr("mine@example.com")})
			assertErr(t, err, identity.ErrMainAccount)
		})

		t.Run("RoleRules", func(t *testing.T) {
			o := mustOrg(t, f)
			dir, _ := mustOrgMember(t, o, "", identity.PresetDirector)
			custom := mustOrgRole(t, o, "Custom", identity.PermCatalogView)
			m, _ := mustOrgMember(t, o, "", identity.PresetSA)
			tests := []struct {
				name string
				in   identity.MemberUpdate
				want error
			}{
				{"ErrMemberRoleCount/None", identity.MemberUpdate{Roles: &[]string{}}, identity.ErrMemberRoleCount},
				{"ErrMemberRoleCount/Four", identity.MemberUpdate{Roles: &[]string{identity.PresetSA, identity.PresetFinance,
					identity.PresetAccountManager, custom.ID}}, identity.ErrMemberRoleCount},
				{"ErrAdminExclusive", identity.MemberUpdate{Roles: &[]string{identity.PresetSA, identity.PresetAdmin}}, identity.ErrAdminExclusive},
				{"ErrManagerDirectorExclusive", identity.MemberUpdate{Roles: &[]string{identity.PresetDirector, identity.PresetAccountManager}},
					identity.ErrManagerDirectorExclusive},
				{"ErrDirectorNotManager", identity.MemberUpdate{DirectorID: &dir.ID}, identity.ErrDirectorNotManager},
				{"ErrDirectorInvalid/Self", identity.MemberUpdate{Roles: &[]string{identity.PresetAccountManager}, DirectorID: &m.ID},
					identity.ErrDirectorInvalid},
				{"OKThreeRoles", identity.MemberUpdate{Roles: &[]string{identity.PresetSA, identity.PresetFinance, custom.ID}}, nil},
				{"OKManagerWithDirector", identity.MemberUpdate{Roles: &[]string{identity.PresetAccountManager}, DirectorID: &dir.ID}, nil},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := o.svc.UpdateMember(ctx, o.main, m.ID, tt.in)
					assertErr(t, err, tt.want)
				})
			}
			// Leaving the account-manager role drops the director.
			got, err := o.svc.UpdateMember(ctx, o.main, m.ID, identity.MemberUpdate{Roles: &[]string{identity.PresetSA}})
			assertErr(t, err, nil)
			if got.DirectorID != "" {
				t.Fatalf("director kept: %+v", got)
			}
			// Clearing the director explicitly.
			_, err = o.svc.UpdateMember(ctx, o.main, m.ID, identity.MemberUpdate{Roles: &[]string{identity.PresetAccountManager}, DirectorID: &dir.ID})
			assertErr(t, err, nil)
			got, err = o.svc.UpdateMember(ctx, o.main, m.ID, identity.MemberUpdate{DirectorID: orgPtr("")})
			assertErr(t, err, nil)
			if got.DirectorID != "" {
				t.Fatalf("director kept: %+v", got)
			}
		})

		t.Run("ErrMemberExceedsOwn", func(t *testing.T) {
			o := mustOrg(t, f)
			hr := mustOrgRole(t, o, "HR", identity.PermOrgMemberManage, identity.PermCatalogView,
				identity.PermCustomerList, identity.PermCustomerReport, identity.PermOrderView)
			_, actor := mustOrgMemberActor(t, o, hr.ID)
			admin, _ := mustOrgMember(t, o, "", identity.PresetAdmin)
			_, err := o.svc.UpdateMember(ctx, actor, admin.ID, identity.MemberUpdate{DisplayName: orgPtr("x")})
			assertErr(t, err, identity.ErrMemberExceedsOwn)
			assertErr(t, o.svc.SetMemberStatus(ctx, actor, admin.ID, identity.MemberDisabled), identity.ErrMemberExceedsOwn)
			assertErr(t, o.svc.DeleteMember(ctx, actor, admin.ID), identity.ErrMemberExceedsOwn)
			_, err = o.svc.ResetMemberPassword(ctx, actor, admin.ID)
			assertErr(t, err, identity.ErrMemberExceedsOwn)
			am, _ := mustOrgMember(t, o, "", identity.PresetAccountManager)
			_, err = o.svc.UpdateMember(ctx, actor, am.ID, identity.MemberUpdate{Roles: &[]string{identity.PresetAdmin}})
			assertErr(t, err, identity.ErrRoleExceedsOwn)
			_, err = o.svc.UpdateMember(ctx, actor, am.ID, identity.MemberUpdate{DisplayName: orgPtr("ok")})
			assertErr(t, err, nil)
		})
	})
}

// TestDirectorRemoval covers the rule that a director keeps its role, stays
// enabled and exists while account managers report to it, until they are
// moved with MoveAccountManagers.
func TestDirectorRemoval(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		o := mustOrg(t, f)
		dir, _ := mustOrgMember(t, o, "", identity.PresetDirector)
		other, _ := mustOrgMember(t, o, "", identity.PresetDirector)
		am1, _ := mustOrgMember(t, o, dir.ID, identity.PresetAccountManager)
		am2, _ := mustOrgMember(t, o, dir.ID, identity.PresetAccountManager)

		t.Run("ErrDirectorHasManagers", func(t *testing.T) {
			_, err := o.svc.UpdateMember(ctx, o.main, dir.ID, identity.MemberUpdate{Roles: &[]string{identity.PresetSA}})
			assertErr(t, err, identity.ErrDirectorHasManagers)
			if e, _ := apperr.As(err); e.Args["count"] != 2 {
				t.Errorf("args %v", e.Args)
			}
			assertErr(t, o.svc.SetMemberStatus(ctx, o.main, dir.ID, identity.MemberDisabled), identity.ErrDirectorHasManagers)
			assertErr(t, o.svc.DeleteMember(ctx, o.main, dir.ID), identity.ErrDirectorHasManagers)
		})

		t.Run("OKKeepingTheRole", func(t *testing.T) {
			_, err := o.svc.UpdateMember(ctx, o.main, dir.ID, identity.MemberUpdate{Roles: &[]string{identity.PresetDirector, identity.PresetSA}})
			assertErr(t, err, nil)
		})

		t.Run("MoveErrors", func(t *testing.T) {
			tests := []struct {
				name     string
				from, to string
				want     error
			}{
				{"ErrMoveSameDirector", dir.ID, dir.ID, identity.ErrMoveSameDirector},
				{"ErrDirectorInvalid/NotDirector", dir.ID, am1.ID, identity.ErrDirectorInvalid},
				{"ErrDirectorInvalid/Unknown", dir.ID, "nobody", identity.ErrDirectorInvalid},
				{"ErrNotFound", "nobody", other.ID, apperr.NotFound},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := o.svc.MoveAccountManagers(ctx, o.main, tt.from, tt.to)
					assertErr(t, err, tt.want)
				})
			}
			_, sa := mustOrgMemberActor(t, o, identity.PresetSA)
			_, err := o.svc.MoveAccountManagers(ctx, sa, dir.ID, other.ID)
			assertErr(t, err, identity.ErrForbidden)
		})

		t.Run("OKAfterMove", func(t *testing.T) {
			n, err := o.svc.MoveAccountManagers(ctx, o.main, dir.ID, other.ID)
			assertErr(t, err, nil)
			if n != 2 {
				t.Fatalf("moved %d, want 2", n)
			}
			for _, id := range []string{am1.ID, am2.ID} {
				m, _ := o.svc.MemberByID(ctx, o.p.ID, id)
				if m.DirectorID != other.ID {
					t.Fatalf("%s reports to %q", id, m.DirectorID)
				}
			}
			n, err = o.svc.MoveAccountManagers(ctx, o.main, dir.ID, other.ID)
			assertErr(t, err, nil)
			if n != 0 {
				t.Fatalf("second move moved %d", n)
			}
			_, err = o.svc.UpdateMember(ctx, o.main, dir.ID, identity.MemberUpdate{Roles: &[]string{identity.PresetSA}})
			assertErr(t, err, nil)
		})

		t.Run("OKDetachThenDelete", func(t *testing.T) {
			n, err := o.svc.MoveAccountManagers(ctx, o.main, other.ID, "")
			assertErr(t, err, nil)
			if n != 2 {
				t.Fatalf("detached %d, want 2", n)
			}
			assertErr(t, o.svc.DeleteMember(ctx, o.main, other.ID), nil)
		})
	})
}

func TestSetMemberStatus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		o := mustOrg(t, f)

		t.Run("OKDisableEndsSessionsAndKeys", func(t *testing.T) {
			m, pw := mustOrgMember(t, o, "", identity.PresetSA)
			actor := mustOrgActor(t, o, m.ID)
			k, _ := mustAccessKey(t, f, actor)
			if _, _, err := o.svc.AccessKeyActor(ctx, k.AccessKey); err != nil {
				t.Fatal(err)
			}
			before, _ := o.svc.SessionEpoch(ctx, o.p.ID, m.ID)
			assertErr(t, o.svc.SetMemberStatus(ctx, o.main, m.ID, identity.MemberDisabled), nil)
			assertErr(t, o.svc.SetMemberStatus(ctx, o.main, m.ID, identity.MemberDisabled), nil) // idempotent
			after, _ := o.svc.SessionEpoch(ctx, o.p.ID, m.ID)
			if after != before+1 {
				t.Errorf("epoch %d → %d, want one step", before, after)
			}
			_, _, err := o.svc.SignInMember(ctx, o.p.DomainName, m.AccountName, pw)
			assertErr(t, err, identity.ErrAccountDisable)
			_, _, err = o.svc.AccessKeyActor(ctx, k.AccessKey)
			assertErr(t, err, identity.ErrAPICredentials)
			_, _, err = o.svc.MemberAccess(ctx, o.p.ID, m.ID)
			assertErr(t, err, identity.ErrAccountDisable)

			assertErr(t, o.svc.SetMemberStatus(ctx, o.main, m.ID, identity.MemberActive), nil)
			_, _, err = o.svc.SignInMember(ctx, o.p.DomainName, m.AccountName, pw)
			assertErr(t, err, nil)
		})

		t.Run("Errors", func(t *testing.T) {
			m, _ := mustOrgMember(t, o, "", identity.PresetSA)
			admin, adminActor := mustOrgMemberActor(t, o, identity.PresetAdmin)
			tests := []struct {
				name   string
				actor  identity.Actor
				id     string
				status string
				want   error
			}{
				{"ErrMemberStatus", o.main, m.ID, "frozen", identity.ErrMemberStatus},
				{"ErrMainAccount", adminActor, o.main.ID, identity.MemberDisabled, identity.ErrMainAccount},
				{"ErrMainAccount/ByItself", o.main, o.main.ID, identity.MemberDisabled, identity.ErrMainAccount},
				{"ErrMemberSelf", adminActor, admin.ID, identity.MemberDisabled, identity.ErrMemberSelf},
				{"ErrForbidden", mustOrgActor(t, o, m.ID), admin.ID, identity.MemberDisabled, identity.ErrForbidden},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					assertErr(t, o.svc.SetMemberStatus(ctx, tt.actor, tt.id, tt.status), tt.want)
				})
			}
		})
	})
}

func TestDeleteMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		o := mustOrg(t, f)

		t.Run("OKWithKeysAndTokens", func(t *testing.T) {
			m, pw := mustOrgMember(t, o, "", identity.PresetFinance)
			k, _ := mustAccessKey(t, f, mustOrgActor(t, o, m.ID))
			_, _, _, err := o.svc.IssueToken(ctx, o.p.DomainName, m.AccountName, pw)
			assertErr(t, err, nil)
			assertErr(t, o.svc.DeleteMember(ctx, o.main, m.ID), nil)
			for _, q := range []string{
				"SELECT COUNT(*) FROM members WHERE id = $1",
				"SELECT COUNT(*) FROM access_keys WHERE member_id = $1",
				"SELECT COUNT(*) FROM api_tokens WHERE member_id = $1",
				"SELECT COUNT(*) FROM member_roles WHERE member_id = $1",
			} {
				if n := orgCount(t, o, q, m.ID); n != 0 {
					t.Errorf("%s: %d rows left", q, n)
				}
			}
			_, _, err = o.svc.AccessKeyActor(ctx, k.AccessKey)
			assertErr(t, err, identity.ErrAPICredentials)
			assertErr(t, o.svc.DeleteMember(ctx, o.main, m.ID), apperr.NotFound)
			// The name is free again.
			_, _, err = o.svc.CreateMember(ctx, o.main, identity.NewMember{AccountName: m.AccountName, Roles: []string{identity.PresetSA}})
			assertErr(t, err, nil)
		})

		t.Run("Errors", func(t *testing.T) {
			admin, adminActor := mustOrgMemberActor(t, o, identity.PresetAdmin)
			assertErr(t, o.svc.DeleteMember(ctx, adminActor, o.main.ID), identity.ErrMainAccount)
			assertErr(t, o.svc.DeleteMember(ctx, o.main, o.main.ID), identity.ErrMainAccount)
			assertErr(t, o.svc.DeleteMember(ctx, adminActor, admin.ID), identity.ErrMemberSelf)
		})
	})
}

func TestResetMemberPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		o := mustOrg(t, f)

		t.Run("OK", func(t *testing.T) {
			m, old := mustOrgMember(t, o, "", identity.PresetSA)
			for range identity.MaxFailedSignIns {
				_, _, _ = o.svc.SignInMember(ctx, o.p.DomainName, m.AccountName, wrongPassword)
			}
			_, _, err := o.svc.SignInMember(ctx, o.p.DomainName, m.AccountName, old)
			assertErr(t, err, identity.ErrAccountLocked)
			pw, err := o.svc.ResetMemberPassword(ctx, o.main, m.ID)
			assertErr(t, err, nil)
			got, _, err := o.svc.SignInMember(ctx, o.p.DomainName, m.AccountName, pw)
			assertErr(t, err, nil)
			if !got.MustChangePassword || got.SessionEpoch != m.SessionEpoch+1 {
				t.Fatalf("got %+v", got)
			}
		})

		t.Run("Errors", func(t *testing.T) {
			admin, adminActor := mustOrgMemberActor(t, o, identity.PresetAdmin)
			_, err := o.svc.ResetMemberPassword(ctx, adminActor, o.main.ID)
			assertErr(t, err, identity.ErrMainAccount)
			_, err = o.svc.ResetMemberPassword(ctx, adminActor, admin.ID)
			assertErr(t, err, identity.ErrMemberSelf)
		})
	})
}
