package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Texts of the organization pages the tests expect (zh-CN).
const (
	roleCountZH       = "每个人员需分配1至3个角色。"
	adminExclusiveZH  = "系统管理员角色不能与其他角色同时分配。"
	managerDirectorZH = "客户经理与客户经理主管角色不能同时分配给同一人员。"
	forbiddenZH       = "拒绝访问：您没有执行此操作的权限。"
	organizationZH    = "组织"
	homeZH            = "主页"
)

// Role checkbox ids of the member form, one per preset role.
const (
	roleAdmin    = "role-preset-admin"
	roleFinance  = "role-preset-finance"
	roleSA       = "role-preset-sa"
	roleDirector = "role-preset-am_director"
	roleManager  = "role-preset-account_manager"
)

// TestOrgMemberLifecycle: the demo solution provider's main account creates
// an account manager; the role rules refuse bad combinations with a clear
// message; the new member signs in, must change its one-time password, and
// then sees only the menus its role allows; it forgets the password and
// resets it with the code the outbox holds.
func TestOrgMemberLifecycle(t *testing.T) {
	s := startServer(t)
	sp := s.Demo.Partner(t, "sp")
	admin := newBrowser(t, withLanguage("zh-CN"))
	if status := partnerSignIn(t, admin, s, sp.Admin.Username, "", sp.Admin.Password); status != http.StatusOK {
		t.Fatalf("admin sign-in: status %d", status)
	}

	const (
		account = "e2e-am01"
		name    = "客户经理甲"
		email   = "e2e-am01@partner.example.com"
	)

	t.Run("admin_opens_organization_members_from_the_menu", func(t *testing.T) {
		if menu := menuEntries(t, admin); !contains(menu, organizationZH) {
			t.Fatalf("top menu = %q, want an entry %q", menu, organizationZH)
		}
		if _, err := chromedp.RunResponse(admin, chromedp.Click(`nav.menu a[href="/org/members"]`)); err != nil {
			t.Fatalf("click %s: %v", organizationZH, err)
		}
		if loc := location(t, admin, s); loc != "/org/members" {
			t.Errorf("the %s menu leads to %s, want /org/members", organizationZH, loc)
		}
		if got := textOf(t, admin, chromedp.ID("tab-members")); got != "人员管理" {
			t.Errorf("#tab-members = %q, want 人员管理", got)
		}
		if rows := memberRows(t, admin); !contains(rows, sp.DomainName) {
			t.Errorf("#members lists %q, want the main account %s", rows, sp.DomainName)
		}
	})

	for _, tc := range []struct {
		name  string
		roles []string
		want  string
	}{
		{"four_roles_refused", []string{roleAdmin, roleFinance, roleSA, roleDirector}, roleCountZH},
		{"admin_with_another_role_refused", []string{roleAdmin, roleFinance}, adminExclusiveZH},
		{"manager_with_director_refused", []string{roleManager, roleDirector}, managerDirectorZH},
	} {
		t.Run(tc.name, func(t *testing.T) {
			navigate(t, admin, s, "/org/members/new")
			fill(t, admin, [2]string{"account_name", account}, [2]string{"display_name", name}, [2]string{"email", email})
			checkOnly(t, admin, "roles", tc.roles...)
			if status := submit(t, admin, "create"); status != http.StatusBadRequest {
				t.Errorf("create: status %d, want 400", status)
			}
			if got := textOf(t, admin, chromedp.ID("error")); got != tc.want {
				t.Errorf("#error = %q, want %q", got, tc.want)
			}
			if n, _ := chromedp.Run(admin, chromedp.Evaluate[int](`document.querySelectorAll('#member-password').length`)); n != 0 {
				t.Error("a refused member is shown a password")
			}
			if got, _ := chromedp.Run(admin, chromedp.Value(chromedp.ID("account_name"))); got != account {
				t.Errorf("#account_name = %q, want %q kept", got, account)
			}
			for _, id := range tc.roles {
				if !isChecked(t, admin, id) {
					t.Errorf("#%s is no longer ticked", id)
				}
			}
		})
	}

	var password string
	t.Run("account_manager_created_with_one_time_password", func(t *testing.T) {
		navigate(t, admin, s, "/org/members/new")
		fill(t, admin, [2]string{"account_name", account}, [2]string{"display_name", name}, [2]string{"email", email})
		checkOnly(t, admin, "roles", roleManager)
		if status := submit(t, admin, "create"); status != http.StatusCreated {
			t.Errorf("create: status %d, want 201", status)
		}
		password = textOf(t, admin, chromedp.ID("member-password"))
		if password == "" {
			t.Fatal("#member-password is empty")
		}
		navigate(t, admin, s, "/org/members?q="+account)
		if rows := memberRows(t, admin); !contains(rows, account) {
			t.Errorf("#members lists %q, want %s", rows, account)
		}
		screenshot(t, admin, "org-members")
		navigate(t, admin, s, "/org/roles/new")
		textOf(t, admin, chromedp.ID("role-form"))
		screenshot(t, admin, "org-role-form")
	})
	if password == "" {
		t.Fatal("no member was created")
	}

	t.Run("member_changes_password_then_sees_only_its_menus", func(t *testing.T) {
		ctx := newBrowser(t, withLanguage("zh-CN"))
		if status := partnerSignIn(t, ctx, s, sp.DomainName, account, password); status != http.StatusOK {
			t.Errorf("member sign-in: status %d", status)
		}
		if loc := location(t, ctx, s); loc != "/account/password" {
			t.Fatalf("after the first sign-in: at %s, want /account/password", loc)
		}
		textOf(t, ctx, chromedp.ID("must-change"))
		navigate(t, ctx, s, "/")
		if loc := location(t, ctx, s); loc != "/account/password" {
			t.Errorf("GET / before the change: at %s, want /account/password", loc)
		}
		fill(t, ctx, [2]string{"old_password", password}, [2]string{"new_password", "E2e-changed1"},
			[2]string{"confirm_password", "E2e-changed1"})
		if status := submit(t, ctx, "change"); status != http.StatusOK {
			t.Errorf("change password: status %d", status)
		}
		if loc := location(t, ctx, s); loc != "/" {
			t.Fatalf("after the change: at %s, want /", loc)
		}
		menu := menuEntries(t, ctx)
		if !contains(menu, homeZH) || contains(menu, organizationZH) {
			t.Errorf("an account manager's menu = %q, want %s and no %s", menu, homeZH, organizationZH)
		}
		if got := textOf(t, ctx, chromedp.ID("who")); got != name {
			t.Errorf("#who = %q, want the display name %q", got, name)
		}
		resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(s.URL+"/org/members"))
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != http.StatusForbidden {
			t.Errorf("GET /org/members as an account manager: status %d, want 403", resp.Status)
		}
		if got := textOf(t, ctx, chromedp.ID("error")); got != forbiddenZH {
			t.Errorf("#error = %q, want %q", got, forbiddenZH)
		}
		navigate(t, ctx, s, "/account/profile")
		if got := textOf(t, ctx, chromedp.ID("profile-roles")); got != "客户经理" {
			t.Errorf("#profile-roles = %q, want 客户经理", got)
		}
	})

	t.Run("forgotten_password_reset_with_the_mailed_code", func(t *testing.T) {
		ctx := newBrowser(t, withLanguage("zh-CN"))
		navigate(t, ctx, s, "/signin")
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("forgot-link"))); err != nil {
			t.Fatalf("click #forgot-link: %v", err)
		}
		if loc := location(t, ctx, s); loc != "/password/forgot" {
			t.Fatalf("the sign-in page's link leads to %s", loc)
		}
		fill(t, ctx, [2]string{"account", sp.DomainName}, [2]string{"member", account})
		if status := submit(t, ctx, "send"); status != http.StatusOK {
			t.Errorf("send code: status %d", status)
		}
		textOf(t, ctx, chromedp.ID("sent"))
		code := outboxCode(t, s, email)
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("reset-link"))); err != nil {
			t.Fatalf("click #reset-link: %v", err)
		}
		if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("member"))); got != account {
			t.Errorf("the reset form's #member = %q, want %q filled in", got, account)
		}
		fill(t, ctx, [2]string{"code", code}, [2]string{"new_password", "E2e-reset01"}, [2]string{"confirm_password", "E2e-reset01"})
		if status := submit(t, ctx, "reset"); status != http.StatusOK {
			t.Errorf("reset: status %d", status)
		}
		textOf(t, ctx, chromedp.ID("done"))
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("signin-link"))); err != nil {
			t.Fatalf("click #signin-link: %v", err)
		}
		if status := partnerSignIn(t, ctx, s, sp.DomainName, account, "E2e-reset01"); status != http.StatusOK {
			t.Errorf("sign-in with the new password: status %d", status)
		}
		if loc := location(t, ctx, s); loc != "/" {
			t.Errorf("after signing in with the reset password: at %s, want /", loc)
		}
	})
}

// checkOnly ticks exactly the checkboxes ids among the inputs named name.
func checkOnly(t *testing.T, ctx context.Context, name string, ids ...string) {
	t.Helper()
	js := fmt.Sprintf(`(() => {
		const want = new Set(%s);
		let n = 0;
		document.querySelectorAll('input[type=checkbox][name=' + %s + ']').forEach(e => {
			const on = want.has(e.id);
			if (e.checked !== on) { e.click(); }
			if (on) { n++; }
		});
		return n;
	})()`, jsArray(ids), jsString(name))
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
	if err != nil {
		t.Fatalf("tick %v: %v", ids, err)
	}
	if n != len(ids) {
		t.Fatalf("ticked %d of %v: some checkbox is missing", n, ids)
	}
}

func isChecked(t *testing.T, ctx context.Context, id string) bool {
	t.Helper()
	on, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(
		`(() => { const e = document.getElementById(%s); return !!e && e.checked; })()`, jsString(id))))
	if err != nil {
		t.Fatalf("read #%s: %v", id, err)
	}
	return on
}

func jsArray(list []string) string {
	b, err := json.Marshal(list)
	if err != nil {
		panic(err)
	}
	if list == nil {
		return "[]"
	}
	return string(b)
}

// memberRows returns the user names #members lists.
func memberRows(t *testing.T, ctx context.Context) []string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("members"))); err != nil {
		t.Fatalf("wait for #members: %v", err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('#members tbody tr[data-account]')].map(r => r.dataset.account)`))
	if err != nil {
		t.Fatalf("read #members: %v", err)
	}
	return rows
}

var mailedCode = regexp.MustCompile(`验证码为：(\d{6})`)

// outboxCode reads the newest password-reset code sent to address with the
// program's own outbox command, as an operator without SMTP would.
func outboxCode(t *testing.T, s *Server, address string) string {
	t.Helper()
	cmd := exec.Command(binPath, "outbox", "--data", s.DataDir, "--json", "--to", address)
	cmd.Env = s.env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("partnercenter outbox: %v\n%s", err, stderr.String())
	}
	var msgs []struct {
		Channel string `json:"channel"`
		To      string `json:"to"`
		Body    string `json:"body"`
	}
	if err := json.Unmarshal(out, &msgs); err != nil {
		t.Fatalf("decode outbox JSON: %v\n%s", err, out)
	}
	for _, m := range msgs { // newest first
		if m.Channel == "email" && m.To == address {
			if c := mailedCode.FindStringSubmatch(m.Body); c != nil {
				return c[1]
			}
		}
	}
	t.Fatalf("no reset code mailed to %s in the outbox:\n%s", address, out)
	return ""
}

// screenshot saves a full-page PNG of the tab as NAME.png in
// $E2E_SCREENSHOTS, when that is set, for looking at the pages.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("E2E_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	t.Logf("screenshot: %s", path)
}
