package identity_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

func TestCheckUserName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"a", true},
		{"Zhang.San-01_x", true},
		{strings.Repeat("a", 32), true},
		{"", false},
		{strings.Repeat("a", 33), false},
		{"1abc", false},
		{"_abc", false},
		{"zhang san", false},
		{"zhang@example.com", false},
		{"张三", false},
	}
	for _, tt := range tests {
		err := identity.CheckUserName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("CheckUserName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestCreateMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("OK", func(t *testing.T) {
			o := mustOrg(t, f)
			m, pw, err := o.svc.CreateMember(ctx, o.main, identity.NewMember{AccountName: " zhang.san ", DisplayName: "张三",
				Mobile: "13812345678", Email: "zhangsan@example.com", Roles: []string{identity.PresetFinance, identity.PresetSA}})
			assertErr(t, err, nil)
			if m.AccountName != "zhang.san" || !m.MustChangePassword || m.Status != identity.MemberActive || m.IsMain || m.PartnerID != o.p.ID {
				t.Fatalf("got %+v", m)
			}
			if err := identity.CheckPasswordPolicy(pw, m.AccountName); err != nil {
				t.Fatalf("initial password %q breaks the policy: %v", pw, err)
			}
			// The initial password signs in, by name or e-mail, and must be changed.
			for _, name := range []string{"zhang.san", "zhangsan@example.com"} {
				got, _, err := o.svc.SignInMember(ctx, o.p.DomainName, name, pw)
				assertErr(t, err, nil)
				if got.ID != m.ID || !got.MustChangePassword {
					t.Fatalf("signed in as %+v", got)
				}
			}
			v, err := o.svc.Member(ctx, o.main, m.ID)
			assertErr(t, err, nil)
			if got, want := orgRoleIDs(v), []string{identity.PresetFinance, identity.PresetSA}; !slices.Equal(got, want) {
				t.Errorf("roles %v, want %v", got, want)
			}
			if v.Mobile != "138****5678" || v.Email != "z***@example.com" || v.DisplayName != "张三" {
				t.Errorf("view %+v", v)
			}
			if n := orgCount(t, o, "SELECT COUNT(*) FROM audit_log WHERE action = 'member.create' AND target = $1", m.ID); n != 1 {
				t.Errorf("%d audit rows", n)
			}
		})

		t.Run("OKDisplayNameDefaultsToAccountName", func(t *testing.T) {
			o := mustOrg(t, f)
			m, _, err := o.svc.CreateMember(ctx, o.main, identity.NewMember{AccountName: "lisi", Roles: []string{identity.PresetSA}})
			assertErr(t, err, nil)
			if m.DisplayName != "lisi" {
				t.Fatalf("display name %q", m.DisplayName)
			}
		})

		t.Run("OKWithDirector", func(t *testing.T) {
			o := mustOrg(t, f)
			dir, _ := mustOrgMember(t, o, "", identity.PresetDirector)
			m, _, err := o.svc.CreateMember(ctx, o.main, identity.NewMember{AccountName: "am1",
				Roles: []string{identity.PresetAccountManager}, DirectorID: dir.ID})
			assertErr(t, err, nil)
			v, err := o.svc.Member(ctx, o.main, m.ID)
			assertErr(t, err, nil)
			if v.DirectorID != dir.ID || v.DirectorName != dir.DisplayName {
				t.Fatalf("view %+v, want director %s", v, dir.ID)
			}
		})

		t.Run("OKByMemberManager", func(t *testing.T) {
			o := mustOrg(t, f)
			mgr := mustOrgRole(t, o, "HR", identity.PermOrgMemberManage, identity.PermCustomerList,
				identity.PermCustomerReport, identity.PermCatalogView, identity.PermOrderView)
			_, actor := mustOrgMemberActor(t, o, mgr.ID)
			_, _, err := o.svc.CreateMember(ctx, actor, identity.NewMember{AccountName: "am", Roles: []string{identity.PresetAccountManager}})
			assertErr(t, err, nil)
		})

		t.Run("Errors", func(t *testing.T) {
			o := mustOrg(t, f)
			_, _, err := o.svc.CreateMember(ctx, o.main, identity.NewMember{AccountName: "Taken", Email: "taken@example.com",
				Roles: []string{identity.PresetSA}})
			assertErr(t, err, nil)
			am, _ := mustOrgMember(t, o, "", identity.PresetAccountManager)
			dir, _ := mustOrgMember(t, o, "", identity.PresetDirector)
			offDir, _ := mustOrgMember(t, o, "", identity.PresetDirector)
			assertErr(t, o.svc.SetMemberStatus(ctx, o.main, offDir.ID, identity.MemberDisabled), nil)
			custom := mustOrgRole(t, o, "Custom", identity.PermCatalogView)
			sa := []string{identity.PresetSA}
			amRole := []string{identity.PresetAccountManager}
			tests := []struct {
				name string
				in   identity.NewMember
				want error
			}{
				{"ErrUserNameFormat/Empty", identity.NewMember{AccountName: " ", Roles: sa}, identity.ErrUserNameFormat},
				{"ErrUserNameFormat/Digit", identity.NewMember{AccountName: "9lives", Roles: sa}, identity.ErrUserNameFormat},
				{"ErrUserNameFormat/TooLong", identity.NewMember{AccountName: "a" + strings.Repeat("b", 32), Roles: sa}, identity.ErrUserNameFormat},
				{"ErrUserNameFormat/At", identity.NewMember{AccountName: "a@b.c", Roles: sa}, identity.ErrUserNameFormat},
				{"ErrMemberNameTaken/SameCase", identity.NewMember{AccountName: "Taken", Roles: sa}, identity.ErrMemberNameTaken},
				{"ErrMemberNameTaken/OtherCase", identity.NewMember{AccountName: "tAKEN", Roles: sa}, identity.ErrMemberNameTaken},
				{"ErrMemberNameIsDomain", identity.NewMember{AccountName: strings.ToUpper(o.p.DomainName), Roles: sa}, identity.ErrMemberNameIsDomain},
				{"ErrDisplayName", identity.NewMember{AccountName: "x1", DisplayName: strings.Repeat("名", 65), Roles: sa}, identity.ErrDisplayName},
				{"ErrEmailFormat", identity.NewMember{AccountName: "x1", Email: "not-mail", Roles: sa}, identity.ErrEmailFormat},
				{"ErrMobileFormat", identity.NewMember{AccountName: "x1", Mobile: "12", Roles: sa}, identity.ErrMobileFormat},
				{"ErrMemberEmailTaken/Member", identity.NewMember{AccountName: "x1", Email: "TAKEN@example.com", Roles: sa}, identity.ErrMemberEmailTaken},
				{"ErrMemberRoleCount/None", identity.NewMember{AccountName: "x1"}, identity.ErrMemberRoleCount},
				{"ErrMemberRoleCount/Four", identity.NewMember{AccountName: "x1", Roles: []string{identity.PresetFinance,
					identity.PresetSA, identity.PresetDirector, custom.ID}}, identity.ErrMemberRoleCount},
				{"ErrMemberRoleUnknown", identity.NewMember{AccountName: "x1", Roles: []string{"preset.ceo"}}, identity.ErrMemberRoleUnknown},
				{"ErrAdminExclusive", identity.NewMember{AccountName: "x1", Roles: []string{identity.PresetAdmin, identity.PresetFinance}}, identity.ErrAdminExclusive},
				{"ErrManagerDirectorExclusive", identity.NewMember{AccountName: "x1",
					Roles: []string{identity.PresetAccountManager, identity.PresetDirector}}, identity.ErrManagerDirectorExclusive},
				{"ErrDirectorNotManager", identity.NewMember{AccountName: "x1", Roles: sa, DirectorID: dir.ID}, identity.ErrDirectorNotManager},
				{"ErrDirectorInvalid/NotDirector", identity.NewMember{AccountName: "x1", Roles: amRole, DirectorID: am.ID}, identity.ErrDirectorInvalid},
				{"ErrDirectorInvalid/Disabled", identity.NewMember{AccountName: "x1", Roles: amRole, DirectorID: offDir.ID}, identity.ErrDirectorInvalid},
				{"ErrDirectorInvalid/Unknown", identity.NewMember{AccountName: "x1", Roles: amRole, DirectorID: "nobody"}, identity.ErrDirectorInvalid},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, _, err := o.svc.CreateMember(ctx, o.main, tt.in)
					assertErr(t, err, tt.want)
				})
			}
			// The main account's e-mail is taken too.
			mainMail := mustOrg(t, f)
			_, err = f.db.SQL.ExecContext(ctx, "UPDATE members SET email = 'boss@example.com' WHERE partner_id = $1", mainMail.p.ID)
			assertErr(t, err, nil)
			_, _, err = o.svc.CreateMember(ctx, mainMail.main, identity.NewMember{AccountName: "x1", Email: "boss@example.com", Roles: sa})
			assertErr(t, err, identity.ErrMemberEmailTaken)
		})

		t.Run("ErrFieldNamed", func(t *testing.T) {
			o := mustOrg(t, f)
			_, _, err := o.svc.CreateMember(ctx, o.main, identity.NewMember{AccountName: "1x", Roles: []string{identity.PresetSA}})
			e, ok := apperr.As(err)
			if !ok || len(e.Fields) != 1 || e.Fields[0].Field != "account_name" {
				t.Fatalf("got %v, want a field error on account_name", err)
			}
		})

		t.Run("OKRoleDuplicatesCollapse", func(t *testing.T) {
			o := mustOrg(t, f)
			m, _, err := o.svc.CreateMember(ctx, o.main, identity.NewMember{AccountName: "dup",
				Roles: []string{identity.PresetSA, identity.PresetSA, identity.PresetFinance, identity.PresetSA}})
			assertErr(t, err, nil)
			v, _ := o.svc.Member(ctx, o.main, m.ID)
			if len(v.Roles) != 2 {
				t.Fatalf("roles %v", orgRoleIDs(v))
			}
		})

		t.Run("ErrForbidden", func(t *testing.T) {
			o := mustOrg(t, f)
			viewer := mustOrgRole(t, o, "Viewers", identity.PermOrgMemberView)
			_, viewerActor := mustOrgMemberActor(t, o, viewer.ID)
			_, finance := mustOrgMemberActor(t, o, identity.PresetFinance)
			for name, a := range map[string]identity.Actor{"Viewer": viewerActor, "Finance": finance, "Operator": f.admin, "Nobody": {}} {
				t.Run(name, func(t *testing.T) {
					_, _, err := o.svc.CreateMember(ctx, a, identity.NewMember{AccountName: "x1", Roles: []string{identity.PresetSA}})
					assertErr(t, err, identity.ErrForbidden)
				})
			}
		})

		t.Run("ErrRoleExceedsOwn", func(t *testing.T) {
			o := mustOrg(t, f)
			hr := mustOrgRole(t, o, "HR", identity.PermOrgMemberManage, identity.PermCatalogView)
			_, actor := mustOrgMemberActor(t, o, hr.ID)
			for _, role := range []string{identity.PresetAdmin, identity.PresetFinance} {
				_, _, err := o.svc.CreateMember(ctx, actor, identity.NewMember{AccountName: "x1", Roles: []string{role}})
				assertErr(t, err, identity.ErrRoleExceedsOwn)
			}
			// An administrator holds every item and grants anything.
			_, admin := mustOrgMemberActor(t, o, identity.PresetAdmin)
			_, _, err := o.svc.CreateMember(ctx, admin, identity.NewMember{AccountName: "x2", Roles: []string{identity.PresetAdmin}})
			assertErr(t, err, nil)
		})
	})
}
