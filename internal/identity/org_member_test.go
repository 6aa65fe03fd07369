package identity_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/i18n"
)

func TestListMembers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		o := mustOrg(t, f)
		dir, _, err := o.svc.CreateMember(ctx, o.main, identity.NewMember{AccountName: "wang.director", DisplayName: "王主管",
			Roles: []string{identity.PresetDirector}})
		assertErr(t, err, nil)
		am, _, err := o.svc.CreateMember(ctx, o.main, identity.NewMember{AccountName: "li.am", DisplayName: "李经理",
			Mobile: "+86-13912345678", Email: "li@example.com", Roles: []string{identity.PresetAccountManager}, DirectorID: dir.ID})
		assertErr(t, err, nil)
		fin, _, err := o.svc.CreateMember(ctx, o.main, identity.NewMember{AccountName: "zhao.fin", DisplayName: "Zhao",
			Roles: []string{identity.PresetFinance, identity.PresetSA}})
		assertErr(t, err, nil)
		assertErr(t, o.svc.SetMemberStatus(ctx, o.main, fin.ID, identity.MemberDisabled), nil)
		mainID := o.main.ID

		tests := []struct {
			name      string
			filter    identity.MemberFilter
			want      []string
			wantTotal int
		}{
			{"OKAllMainFirst", identity.MemberFilter{}, []string{mainID, dir.ID, am.ID, fin.ID}, 4},
			{"OKQueryAccountName", identity.MemberFilter{Query: "LI.AM"}, []string{am.ID}, 1},
			{"OKQueryDisplayName", identity.MemberFilter{Query: "主管"}, []string{dir.ID}, 1},
			{"OKQueryLikeWildcardIsLiteral", identity.MemberFilter{Query: "%"}, nil, 0},
			{"OKStatus", identity.MemberFilter{Status: orgPtr(identity.MemberDisabled)}, []string{fin.ID}, 1},
			{"OKRole", identity.MemberFilter{RoleID: identity.PresetSA}, []string{fin.ID}, 1},
			{"OKRoleAdminIncludesMain", identity.MemberFilter{RoleID: identity.PresetAdmin}, []string{mainID}, 1},
			{"OKPage", identity.MemberFilter{Limit: 2, Offset: 1}, []string{dir.ID, am.ID}, 4},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := o.svc.ListMembers(ctx, o.main, tt.filter)
				assertErr(t, err, nil)
				var got []string
				for _, v := range list {
					got = append(got, v.ID)
				}
				if !slices.Equal(got, tt.want) || total != tt.wantTotal {
					t.Fatalf("got %v (total %d), want %v (total %d)", got, total, tt.want, tt.wantTotal)
				}
			})
		}

		t.Run("OKView", func(t *testing.T) {
			list, _, err := o.svc.ListMembers(ctx, o.main, identity.MemberFilter{})
			assertErr(t, err, nil)
			byID := map[string]identity.MemberView{}
			for _, v := range list {
				byID[v.ID] = v
			}
			a := byID[am.ID]
			if a.Mobile != "+86-139****5678" || a.Email != "l***@example.com" {
				t.Errorf("contacts not masked: %q %q", a.Mobile, a.Email)
			}
			if a.DirectorID != dir.ID || a.DirectorName != "王主管" {
				t.Errorf("director %q %q", a.DirectorID, a.DirectorName)
			}
			if got := a.RoleNames(i18n.ZH); !slices.Equal(got, []string{"客户经理"}) {
				t.Errorf("role names %v", got)
			}
			if got := byID[fin.ID].RoleNames(i18n.EN); !slices.Equal(got, []string{"Finance", "SA"}) {
				t.Errorf("role names %v", got)
			}
			if byID[dir.ID].Reports != 1 || !byID[dir.ID].HasRole(identity.PresetDirector) {
				t.Errorf("director view %+v", byID[dir.ID])
			}
			m := byID[mainID]
			if !m.IsMain || !slices.Equal(orgRoleIDs(m), []string{identity.PresetAdmin}) {
				t.Errorf("main view %+v", m)
			}
			if byID[fin.ID].Status != identity.MemberDisabled || !byID[am.ID].MustChangePassword {
				t.Errorf("status or password flag wrong")
			}
		})

		t.Run("OKForViewers", func(t *testing.T) {
			r := mustOrgRole(t, o, "Viewers", identity.PermOrgMemberView)
			_, viewer := mustOrgMemberActor(t, o, r.ID)
			_, _, err := o.svc.ListMembers(ctx, viewer, identity.MemberFilter{})
			assertErr(t, err, nil)
			_, err = o.svc.DirectorOptions(ctx, viewer)
			assertErr(t, err, nil)
		})

		t.Run("ErrForbidden", func(t *testing.T) {
			amActor := mustOrgActor(t, o, am.ID)
			_, _, err := o.svc.ListMembers(ctx, amActor, identity.MemberFilter{})
			assertErr(t, err, identity.ErrForbidden)
			_, err = o.svc.Member(ctx, amActor, dir.ID)
			assertErr(t, err, identity.ErrForbidden)
			_, _, err = o.svc.ListMembers(ctx, f.admin, identity.MemberFilter{})
			assertErr(t, err, identity.ErrForbidden)
		})

		t.Run("OKSelf", func(t *testing.T) {
			amActor := mustOrgActor(t, o, am.ID)
			v, err := o.svc.Member(ctx, amActor, am.ID)
			assertErr(t, err, nil)
			if v.AccountName != "li.am" {
				t.Fatalf("got %+v", v)
			}
			m, err := o.svc.RevealMember(ctx, amActor, am.ID)
			assertErr(t, err, nil)
			if m.Mobile != "+86-13912345678" {
				t.Fatalf("revealed %q", m.Mobile)
			}
		})

		t.Run("OKDirectorOptions", func(t *testing.T) {
			off, _ := mustOrgMember(t, o, "", identity.PresetDirector)
			assertErr(t, o.svc.SetMemberStatus(ctx, o.main, off.ID, identity.MemberDisabled), nil)
			list, err := o.svc.DirectorOptions(ctx, o.main)
			assertErr(t, err, nil)
			if len(list) != 1 || list[0].ID != dir.ID || list[0].DisplayName != "王主管" {
				t.Fatalf("got %+v, want only the active director", list)
			}
			reports, err := o.svc.AccountManagersOf(ctx, o.main, dir.ID)
			assertErr(t, err, nil)
			if len(reports) != 1 || reports[0].ID != am.ID {
				t.Fatalf("reports %+v", reports)
			}
		})

		t.Run("OKRevealAudited", func(t *testing.T) {
			m, err := o.svc.RevealMember(ctx, o.main, am.ID)
			assertErr(t, err, nil)
			if m.Email != "li@example.com" || m.Mobile != "+86-13912345678" || m.DirectorID != dir.ID {
				t.Fatalf("revealed %+v", m)
			}
			if n := orgCount(t, o, "SELECT COUNT(*) FROM audit_log WHERE action = 'member.reveal' AND actor_id = $1 AND target = $2",
				o.main.ID, am.ID); n != 1 {
				t.Fatalf("%d audit rows", n)
			}
			_, err = o.svc.RevealMember(ctx, mustOrgActor(t, o, dir.ID), am.ID)
			assertErr(t, err, identity.ErrForbidden)
		})
	})
}

// TestOrganizationCrossTenant proves partner A's administrators can neither
// see nor change partner B's members, roles or access keys.
func TestOrganizationCrossTenant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		a, b := mustOrg(t, f), mustOrg(t, f)
		_, adminA := mustOrgMemberActor(t, a, identity.PresetAdmin)
		dirB, _ := mustOrgMember(t, b, "", identity.PresetDirector)
		amB, _ := mustOrgMember(t, b, dirB.ID, identity.PresetAccountManager)
		roleB := mustOrgRole(t, b, "B only", identity.PermCatalogView)
		keyB, _ := mustAccessKey(t, f, mustOrgActor(t, b, amB.ID))

		for name, actor := range map[string]identity.Actor{"Main": a.main, "Admin": adminA} {
			t.Run(name, func(t *testing.T) {
				list, total, err := a.svc.ListMembers(ctx, actor, identity.MemberFilter{})
				assertErr(t, err, nil)
				for _, v := range list {
					if v.ID == amB.ID || v.ID == dirB.ID || v.ID == b.main.ID {
						t.Fatalf("A lists B's member %s", v.AccountName)
					}
				}
				if total != 2 {
					t.Errorf("total %d, want A's own 2", total)
				}
				roles, err := a.svc.ListRoles(ctx, actor)
				assertErr(t, err, nil)
				for _, r := range roles {
					if r.ID == roleB.ID {
						t.Fatal("A lists B's role")
					}
					if r.ID == identity.PresetDirector && r.MemberCount != 0 {
						t.Errorf("A's director count %d includes B's", r.MemberCount)
					}
				}

				notFound := map[string]error{}
				_, notFound["Member"] = a.svc.Member(ctx, actor, amB.ID)
				_, notFound["RevealMember"] = a.svc.RevealMember(ctx, actor, amB.ID)
				_, notFound["UpdateMember"] = a.svc.UpdateMember(ctx, actor, amB.ID, identity.MemberUpdate{DisplayName: orgPtr("hacked")})
				notFound["SetMemberStatus"] = a.svc.SetMemberStatus(ctx, actor, amB.ID, identity.MemberDisabled)
				notFound["DeleteMember"] = a.svc.DeleteMember(ctx, actor, amB.ID)
				_, notFound["ResetMemberPassword"] = a.svc.ResetMemberPassword(ctx, actor, amB.ID)
				_, notFound["MoveAccountManagers"] = a.svc.MoveAccountManagers(ctx, actor, dirB.ID, "")
				_, notFound["UpdateRole"] = a.svc.UpdateRole(ctx, actor, roleB.ID, identity.RoleUpdate{Name: orgPtr("hacked")})
				notFound["DeleteRole"] = a.svc.DeleteRole(ctx, actor, roleB.ID)
				_, notFound["Role"] = a.svc.Role(ctx, actor, roleB.ID)
				notFound["SetAccessKeyStatus"] = a.svc.SetAccessKeyStatus(ctx, actor, keyB.AccessKey, identity.AccessKeyInactive)
				for op, err := range notFound {
					if !errors.Is(err, apperr.NotFound) {
						t.Errorf("%s on B's row: got %v, want not found", op, err)
					}
				}

				_, _, err = a.svc.CreateMember(ctx, actor, identity.NewMember{AccountName: "x1", Roles: []string{roleB.ID}})
				assertErr(t, err, identity.ErrMemberRoleUnknown)
				_, _, err = a.svc.CreateMember(ctx, actor, identity.NewMember{AccountName: "x1",
					Roles: []string{identity.PresetAccountManager}, DirectorID: dirB.ID})
				assertErr(t, err, identity.ErrDirectorInvalid)
				reports, err := a.svc.AccountManagersOf(ctx, actor, dirB.ID)
				assertErr(t, err, nil)
				if len(reports) != 0 {
					t.Errorf("A sees B's reports %v", reports)
				}
				_, _, err = a.svc.MemberAccess(ctx, a.p.ID, amB.ID)
				assertErr(t, err, apperr.NotFound)
				_, err = a.svc.SessionEpoch(ctx, a.p.ID, amB.ID)
				assertErr(t, err, apperr.NotFound)
			})
		}

		// B's rows are untouched.
		m, err := b.svc.MemberByID(ctx, b.p.ID, amB.ID)
		assertErr(t, err, nil)
		if m.DisplayName == "hacked" || m.Status != identity.MemberActive || m.DirectorID != dirB.ID {
			t.Fatalf("B's member changed: %+v", m)
		}
		keys, err := b.svc.AccessKeysOf(ctx, b.p.ID, amB.ID)
		assertErr(t, err, nil)
		if len(keys) != 1 || keys[0].Status != identity.AccessKeyActive {
			t.Fatalf("B's keys changed: %+v", keys)
		}
		r, err := b.svc.Role(ctx, b.main, roleB.ID)
		assertErr(t, err, nil)
		if r.Name != "B only" {
			t.Fatalf("B's role changed: %+v", r)
		}
	})
}
