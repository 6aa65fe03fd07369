package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
)

var (
	memberPassword = regexp.MustCompile(`id="member-password">([^<]+)<`)
	memberLink     = regexp.MustCompile(`<a href="/org/members/([0-9a-f]{32})">`)
	roleLink       = regexp.MustCompile(`<tr data-role="([0-9a-f]{32})">`)
)

// mustCreateMember creates a member through the form as b and returns its
// id and one-time password. form needs account_name and roles.
func mustCreateMember(tb testing.TB, b *browser, form url.Values) (string, string) {
	tb.Helper()
	resp, body := b.submit("/org/members/new", "/org/members", form)
	mustStatus(tb, resp, body, http.StatusCreated, tr(i18n.ZH, "org.members.created"), form.Get("account_name"))
	pw := memberPassword.FindStringSubmatch(body)
	id := memberLink.FindStringSubmatch(body)
	if pw == nil || id == nil {
		tb.Fatalf("the creation page shows no member link or one-time password:\n%s", body)
	}
	return id[1], html.UnescapeString(pw[1])
}

// mustMemberSignIn signs a member in and checks where it lands.
func (b *browser) mustMemberSignIn(account, member, password, location string) {
	b.tb.Helper()
	resp, body := b.submit("/signin", "/signin", url.Values{"account": {account}, "member": {member}, "password": {password}})
	mustRedirect(b.tb, resp, body, "/")
	if location != "/" {
		resp, body = b.get("/")
		mustRedirect(b.tb, resp, body, location)
	}
}

// mustChangePassword changes the signed-in member's password through the form.
func (b *browser) mustChangePassword(old, new, location string) {
	b.tb.Helper()
	resp, body := b.submit("/account/password", "/account/password",
		url.Values{"old_password": {old}, "new_password": {new}, "confirm_password": {new}})
	mustRedirect(b.tb, resp, body, location)
}

func TestOrgPagesRender(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	id, _ := mustCreateMember(t, admin, url.Values{"account_name": {"director1"}, "display_name": {"主管甲"},
		"mobile": {"13812345678"}, "email": {"director1@partner.example.com"}, "roles": {identity.PresetDirector}})
	mustCreateMember(t, admin, url.Values{"account_name": {"manager1"}, "roles": {identity.PresetAccountManager},
		"director_id": {id}})

	tests := []struct {
		name, path string
		want       []string
	}{
		{"Members", "/org/members", []string{`id="members"`, "director1", "manager1", "主管甲", "138****5678",
			tr(i18n.ZH, "org.tabs.members"), tr(i18n.ZH, "org.tabs.roles"), `id="new-member"`, "客户经理主管"}},
		{"MembersSearch", "/org/members?q=manager", []string{"manager1", tr(i18n.ZH, "page.total", "total", 1)}},
		{"NewMember", "/org/members/new", []string{`id="member-form"`, `id="role-preset-account_manager"`,
			`id="director_id"`, "主管甲 (director1)"}},
		{"Member", "/org/members/" + id, []string{"director1", "138****5678", tr(i18n.ZH, "org.members.reports", "count", 1),
			"manager1", `id="move-form"`, `id="reset-password"`, `id="delete-member"`}},
		{"EditMember", "/org/members/" + id + "/edit", []string{`value="13812345678"`, `value="director1@partner.example.com"`,
			`id="role-preset-am_director" checked`}},
		{"DeleteMember", "/org/members/" + id + "/delete", []string{`id="confirm-delete"`}},
		{"Roles", "/org/roles", []string{`id="roles"`, "系统管理员", "客户经理", `id="new-role"`,
			tr(i18n.ZH, "org.roles.custom_count", "count", 0, "max", identity.MaxCustomRoles)}},
		{"NewRole", "/org/roles/new", []string{`id="role-form"`, `id="perm-` + identity.PermOrgMemberView + `"`,
			tr(i18n.ZH, "perm.group.sales"), tr(i18n.ZH, "perm.group.organization")}},
		{"PresetRole", "/org/roles/" + identity.PresetAccountManager, []string{tr(i18n.ZH, "org.roles.preset_readonly"), "disabled"}},
		{"Profile", "/account/profile", []string{`id="profile"`, sp.DomainName, tr(i18n.ZH, "member.main_account")}},
		{"Password", "/account/password", []string{`id="password-form"`, `name="csrf_token"`}},
		{"Keys", "/account/keys", []string{`id="keys"`, sp.AccessKey}},
	}
	for _, tt := range tests {
		t.Run("OK/"+tt.name, func(t *testing.T) {
			resp, body := admin.get(tt.path)
			mustStatus(t, resp, body, http.StatusOK, tt.want...)
		})
	}

	t.Run("OK/MenuAndUserMenu", func(t *testing.T) {
		resp, body := admin.get("/")
		mustStatus(t, resp, body, http.StatusOK, `href="/org/members"`, tr(i18n.ZH, "nav.organization"),
			`id="menu-profile"`, `id="menu-keys"`)
	})

	t.Run("OK/English", func(t *testing.T) {
		en := s.browser(t)
		en.header.Set("Accept-Language", "en-US")
		en.mustSignIn(sp.DomainName, sp.Admin.Password)
		resp, body := en.get("/org/roles/new")
		mustStatus(t, resp, body, http.StatusOK, "Manage organization members", tr(i18n.EN, "perm.group.sales"))
	})
}

func TestOrgForbidden(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	_, pw := mustCreateMember(t, admin, url.Values{"account_name": {"am1"}, "roles": {identity.PresetAccountManager}})
	am := s.browser(t)
	am.mustMemberSignIn(sp.DomainName, "am1", pw, "/account/password")
	am.mustChangePassword(pw, "Changed-pass1", "/")

	resp, body := am.get("/")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "nav.home"), `id="menu-profile"`)
	if strings.Contains(body, `href="/org/`) {
		t.Error("an account manager sees the organization menu")
	}
	for _, path := range []string{"/org/members", "/org/members/new", "/org/roles", "/org/roles/new"} {
		t.Run("ErrForbidden"+path, func(t *testing.T) {
			resp, body := am.get(path)
			mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.forbidden"))
		})
	}
	t.Run("ErrForbidden/Post", func(t *testing.T) {
		_, page := am.get("/")
		resp, body := am.post("/org/members", url.Values{"csrf_token": {csrf(t, page)}, "account_name": {"sneaky"},
			"roles": {identity.PresetAdmin}})
		mustStatus(t, resp, body, http.StatusForbidden)
		resp, body = admin.get("/org/members?q=sneaky")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "org.members.empty"))
	})
	t.Run("OK/OwnPages", func(t *testing.T) {
		for _, path := range []string{"/account/profile", "/account/keys", "/account/password"} {
			resp, body := am.get(path)
			mustStatus(t, resp, body, http.StatusOK)
		}
	})

	t.Run("OK/RoleManagerOnlyGetsRolesTab", func(t *testing.T) {
		resp, body := admin.submit("/org/roles/new", "/org/roles", url.Values{"name": {"角色管理员"},
			"permissions": {identity.PermOrgRoleManage}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create role: %d\n%s", resp.StatusCode, body)
		}
		roleID := strings.TrimPrefix(strings.TrimSuffix(resp.Header.Get("Location"), "?saved=1"), "/org/roles/")
		_, pw := mustCreateMember(t, admin, url.Values{"account_name": {"roler"}, "roles": {roleID}})
		b := s.browser(t)
		b.mustMemberSignIn(sp.DomainName, "roler", pw, "/account/password")
		b.mustChangePassword(pw, "Changed-pass1", "/")
		resp, body = b.get("/")
		mustStatus(t, resp, body, http.StatusOK, `href="/org/roles"`)
		resp, body = b.get("/org/roles")
		mustStatus(t, resp, body, http.StatusOK, `id="tab-roles"`)
		if strings.Contains(body, `id="tab-members"`) {
			t.Error("a member without member view sees the people tab")
		}
	})
}

func TestOrgCreateMember(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)

	refused := []struct {
		name  string
		roles []string
		key   string
		args  []any
	}{
		{"ErrMemberRoleCount/Four", []string{identity.PresetFinance, identity.PresetSA, identity.PresetDirector, identity.PresetAdmin},
			"err.member_role_count", []any{"min", 1, "max", 3}},
		{"ErrMemberRoleCount/None", nil, "err.member_role_count", []any{"min", 1, "max", 3}},
		{"ErrAdminExclusive", []string{identity.PresetAdmin, identity.PresetFinance}, "err.member_role_admin_exclusive", nil},
		{"ErrManagerDirectorExclusive", []string{identity.PresetAccountManager, identity.PresetDirector}, "err.member_role_manager_director", nil},
	}
	for _, tt := range refused {
		for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
			t.Run(tt.name+"/"+string(lang), func(t *testing.T) {
				b := admin
				if lang == i18n.EN {
					b = s.browser(t)
					b.header.Set("Accept-Language", "en-US")
					b.mustSignIn(sp.DomainName, sp.Admin.Password)
				}
				resp, body := b.submit("/org/members/new", "/org/members", url.Values{"account_name": {"refused1"},
					"display_name": {"被拒绝"}, "email": {"refused1@partner.example.com"}, "roles": tt.roles})
				mustStatus(t, resp, body, http.StatusBadRequest, tr(lang, tt.key, tt.args...),
					`value="refused1"`, `value="被拒绝"`, `value="refused1@partner.example.com"`)
				for _, r := range tt.roles {
					if !strings.Contains(body, `value="`+r+`" id="role-`+strings.ReplaceAll(r, ".", "-")+`" checked`) {
						t.Errorf("role %s is not ticked again", r)
					}
				}
				if memberPassword.MatchString(body) {
					t.Error("a refused creation shows a password")
				}
			})
		}
	}
	t.Run("ErrUserNameFormat", func(t *testing.T) {
		resp, body := admin.submit("/org/members/new", "/org/members", url.Values{"account_name": {"9bad name"},
			"roles": {identity.PresetFinance}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.user_name_format"), `class="invalid"`)
	})

	t.Run("OK", func(t *testing.T) {
		id, pw := mustCreateMember(t, admin, url.Values{"account_name": {"finance1"}, "display_name": {"财务乙"},
			"roles": {identity.PresetFinance}})
		// The one-time password is on the creation response only.
		for _, path := range []string{"/org/members", "/org/members/" + id, "/org/members/" + id + "/edit"} {
			resp, body := admin.get(path)
			mustStatus(t, resp, body, http.StatusOK, "finance1")
			if strings.Contains(body, pw) {
				t.Errorf("%s shows the one-time password again", path)
			}
		}
		b := s.browser(t)
		b.mustMemberSignIn(sp.DomainName, "finance1", pw, "/account/password")
	})

	t.Run("ErrMemberNameTaken", func(t *testing.T) {
		resp, body := admin.submit("/org/members/new", "/org/members", url.Values{"account_name": {"finance1"},
			"roles": {identity.PresetFinance}})
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.member_name_taken"))
	})

	t.Run("ErrCSRF", func(t *testing.T) {
		resp, body := admin.post("/org/members", url.Values{"csrf_token": {"forged"}, "account_name": {"forged1"},
			"roles": {identity.PresetFinance}})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.csrf"))
		resp, body = admin.get("/org/members?q=forged1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "org.members.empty"))
	})
}

func TestOrgManageMember(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	dirA, _ := mustCreateMember(t, admin, url.Values{"account_name": {"dira"}, "roles": {identity.PresetDirector}})
	dirB, _ := mustCreateMember(t, admin, url.Values{"account_name": {"dirb"}, "roles": {identity.PresetDirector}})
	am, amPassword := mustCreateMember(t, admin, url.Values{"account_name": {"am1"}, "roles": {identity.PresetAccountManager},
		"director_id": {dirA}})

	t.Run("OK/Edit", func(t *testing.T) {
		resp, body := admin.submit("/org/members/"+am+"/edit", "/org/members/"+am, url.Values{"display_name": {"客户经理丙"},
			"mobile": {"13900001111"}, "email": {"am1@partner.example.com"},
			"roles": {identity.PresetAccountManager, identity.PresetSA}, "director_id": {dirB}})
		mustRedirect(t, resp, body, "/org/members/"+am+"?saved=1")
		resp, body = admin.get("/org/members/" + am + "?saved=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "org.members.saved"), "客户经理丙", "139****1111", "SA专人")
	})

	t.Run("ErrEdit/KeepsInput", func(t *testing.T) {
		resp, body := admin.submit("/org/members/"+am+"/edit", "/org/members/"+am, url.Values{"display_name": {"新名字"},
			"mobile": {"12"}, "roles": {identity.PresetAccountManager}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.mobile_format"), `value="新名字"`, `value="12"`)
	})

	t.Run("ErrDirectorHasManagers", func(t *testing.T) {
		resp, body := admin.submit("/org/members/"+dirB, "/org/members/"+dirB+"/delete", url.Values{})
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.director_has_managers", "count", 1))
	})

	t.Run("OK/MoveManagers", func(t *testing.T) {
		resp, body := admin.submit("/org/members/"+dirB, "/org/members/"+dirB+"/move", url.Values{"to_director_id": {dirA}})
		mustRedirect(t, resp, body, "/org/members/"+dirB+"?moved=1")
		resp, body = admin.get("/org/members/" + am)
		mustStatus(t, resp, body, http.StatusOK, "dira")
	})

	t.Run("OK/DisableEnable", func(t *testing.T) {
		b := s.browser(t)
		b.mustMemberSignIn(sp.DomainName, "am1", amPassword, "/account/password")
		resp, body := admin.submit("/org/members/"+am, "/org/members/"+am+"/status", url.Values{"status": {"disabled"}})
		mustRedirect(t, resp, body, "/org/members/"+am+"?saved=1")
		resp, body = admin.get("/org/members/" + am)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "member.status.disabled"), `id="enable"`)
		resp, body = b.get("/account/password")
		mustRedirect(t, resp, body, "/signin?next=%2Faccount%2Fpassword")
		resp, body = admin.submit("/org/members/"+am, "/org/members/"+am+"/status", url.Values{"status": {"active"}})
		mustRedirect(t, resp, body, "/org/members/"+am+"?saved=1")
	})

	t.Run("OK/ResetPassword", func(t *testing.T) {
		resp, body := admin.submit("/org/members/"+am, "/org/members/"+am+"/password", url.Values{})
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "org.members.password_reset_done"))
		m := memberPassword.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no one-time password shown:\n%s", body)
		}
		pw := html.UnescapeString(m[1])
		resp, body = admin.get("/org/members/" + am)
		if strings.Contains(body, pw) {
			t.Error("the member page shows the reset password again")
		}
		b := s.browser(t)
		b.mustMemberSignIn(sp.DomainName, "am1", pw, "/account/password")
	})

	t.Run("ErrMemberSelf", func(t *testing.T) {
		main, err := s.app.Identity.MainMember(t.Context(), sp.PartnerID)
		if err != nil {
			t.Fatal(err)
		}
		resp, body := admin.submit("/org/members/"+main.ID, "/org/members/"+main.ID+"/delete", url.Values{})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.member_main_account"))
	})

	t.Run("OK/Delete", func(t *testing.T) {
		resp, body := admin.submit("/org/members/"+am+"/delete", "/org/members/"+am+"/delete", url.Values{})
		mustRedirect(t, resp, body, "/org/members?deleted=1")
		resp, body = admin.get("/org/members?deleted=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "org.members.deleted"))
		if strings.Contains(body, ">am1<") {
			t.Error("the deleted member is still listed")
		}
		resp, body = admin.get("/org/members/" + am)
		mustStatus(t, resp, body, http.StatusNotFound)
	})

	t.Run("ErrNotFound/OtherPartnersMember", func(t *testing.T) {
		other := s.browser(t)
		sp2 := s.partner(t, "sp2")
		other.mustSignIn(sp2.DomainName, sp2.Admin.Password)
		resp, body := other.get("/org/members/" + dirA)
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = other.get("/org/members/" + dirA + "/edit")
		mustStatus(t, resp, body, http.StatusNotFound)
	})
}

func TestOrgRoles(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)

	t.Run("ErrRolePermissionsNeeded/KeepsInput", func(t *testing.T) {
		resp, body := admin.submit("/org/roles/new", "/org/roles", url.Values{"name": {"CEO"}, "description": {"总经理"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.role_permissions_required"), `value="CEO"`, "总经理")
	})
	t.Run("ErrRoleNameTaken/Preset", func(t *testing.T) {
		resp, body := admin.submit("/org/roles/new", "/org/roles", url.Values{"name": {"财务"},
			"permissions": {identity.PermCatalogView}})
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.role_name_taken"),
			`value="`+identity.PermCatalogView+`" id="perm-`+identity.PermCatalogView+`" checked`)
	})

	var roleID string
	t.Run("OK/Create", func(t *testing.T) {
		resp, body := admin.submit("/org/roles/new", "/org/roles", url.Values{"name": {"CEO"}, "description": {"总经理"},
			"permissions": {identity.PermOrgMemberView, identity.PermCustomerList}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d\n%s", resp.StatusCode, body)
		}
		resp, body = admin.get(resp.Header.Get("Location"))
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "org.roles.saved"), `value="CEO"`,
			`id="perm-`+identity.PermOrgMemberView+`" checked`)
		resp, body = admin.get("/org/roles")
		mustStatus(t, resp, body, http.StatusOK, "CEO", tr(i18n.ZH, "org.roles.permission_count", "count", 2))
		m := roleLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no custom role row:\n%s", body)
		}
		roleID = m[1]
	})

	t.Run("OK/Update", func(t *testing.T) {
		resp, body := admin.submit("/org/roles/"+roleID, "/org/roles/"+roleID, url.Values{"name": {"CEO2"},
			"permissions": {identity.PermOrgMemberView}})
		mustRedirect(t, resp, body, "/org/roles/"+roleID+"?saved=1")
	})

	t.Run("ErrRoleInUse", func(t *testing.T) {
		id, _ := mustCreateMember(t, admin, url.Values{"account_name": {"ceo1"}, "roles": {roleID}})
		resp, body := admin.submit("/org/roles/"+roleID+"/delete", "/org/roles/"+roleID+"/delete", url.Values{})
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.role_in_use", "count", 1), `id="confirm-delete"`)
		resp, body = admin.submit("/org/members/"+id+"/delete", "/org/members/"+id+"/delete", url.Values{})
		mustRedirect(t, resp, body, "/org/members?deleted=1")
	})

	t.Run("ErrRolePreset", func(t *testing.T) {
		resp, body := admin.submit("/org/roles", "/org/roles/"+identity.PresetFinance+"/delete", url.Values{})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.role_preset"))
	})

	t.Run("OK/Delete", func(t *testing.T) {
		resp, body := admin.submit("/org/roles/"+roleID+"/delete", "/org/roles/"+roleID+"/delete", url.Values{})
		mustRedirect(t, resp, body, "/org/roles?deleted=1")
		resp, body = admin.get("/org/roles?deleted=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "org.roles.deleted"))
		if strings.Contains(body, "CEO2") {
			t.Error("the deleted role is still listed")
		}
	})
}
