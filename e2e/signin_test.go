package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Texts the tests expect, per language.
const (
	titleZH = "登录伙伴中心"
	titleEN = "Sign in to Partner Center"

	badCredentialsZH = "账号名或密码错误。"
	badCredentialsEN = "The account name or password is incorrect."

	csrfZH = "表单已过期或并非来自本站"
	csrfEN = "The form has expired or did not come from this site."
)

// TestSignInPageLanguage: the partner sign-in page speaks the browser's
// language, and the switcher changes it for this and later pages.
func TestSignInPageLanguage(t *testing.T) {
	s := startServer(t)

	for _, tc := range []struct {
		name, acceptLanguage, want string
	}{
		{"english_for_en-US", "en-US,en;q=0.9", titleEN},
		{"chinese_for_zh-CN", "zh-CN,zh;q=0.9", titleZH},
		{"chinese_for_an_unsupported_language", "fr-FR,fr;q=0.9", titleZH},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := newBrowser(t, withLanguage(tc.acceptLanguage))
			navigate(t, ctx, s, "/signin")
			if got := textOf(t, ctx, chromedp.CSS("h1")); got != tc.want {
				t.Errorf("h1 = %q, want %q", got, tc.want)
			}
		})
	}

	for _, tc := range []struct {
		name, acceptLanguage, before, after, afterOps string
	}{
		{"switcher_to_chinese_is_remembered", "en-US", titleEN, titleZH, "运营人员登录"},
		{"switcher_to_english_is_remembered", "zh-CN", titleZH, titleEN, "Operator sign-in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := newBrowser(t, withLanguage(tc.acceptLanguage))
			navigate(t, ctx, s, "/signin")
			waitText(t, ctx, "h1", tc.before)

			// The switcher sets the cookie and comes back to this page.
			if status := submit(t, ctx, "lang-switch"); status != http.StatusOK {
				t.Errorf("switching language: status %d", status)
			}
			if loc := location(t, ctx, s); loc != "/signin" {
				t.Errorf("after switching: at %s, want /signin", loc)
			}
			waitText(t, ctx, "h1", tc.after)

			// The next load of this page, and other pages, keep the choice
			// although Accept-Language still asks for the other language.
			navigate(t, ctx, s, "/signin")
			waitText(t, ctx, "h1", tc.after)
			navigate(t, ctx, s, "/ops/signin")
			waitText(t, ctx, "h1", tc.afterOps)

			// Switching back works too.
			navigate(t, ctx, s, "/signin")
			submit(t, ctx, "lang-switch")
			waitText(t, ctx, "h1", tc.before)
		})
	}
}

// TestPartnerSignIn: the demo solution provider's main account signs in
// and lands on its home page, on SQLite and (with TEST_DATABASE_URL) on
// PostgreSQL.
func TestPartnerSignIn(t *testing.T) {
	for _, db := range []struct {
		name string
		opts []ServerOption
	}{
		{"sqlite", nil},
		{"postgresql", []ServerOption{withPostgres()}},
	} {
		t.Run(db.name, func(t *testing.T) {
			s := startServer(t, db.opts...)
			sp := s.Demo.Partner(t, "sp")
			listed := opsListedName(t, s, sp.DomainName)

			for _, tc := range []struct {
				name, acceptLanguage, home string
			}{
				{"chinese_main_account_lands_on_home", "zh-CN", "主页"},
				{"english_main_account_lands_on_home", "en-US", "Home"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					ctx := newBrowser(t, withLanguage(tc.acceptLanguage))
					if status := partnerSignIn(t, ctx, s, sp.Admin.Username, "", sp.Admin.Password); status != http.StatusOK {
						t.Errorf("sign-in: status %d", status)
					}
					if loc := location(t, ctx, s); loc != "/" {
						t.Fatalf("after sign-in: at %s, want /", loc)
					}
					if got := textOf(t, ctx, chromedp.ID("partner-id")); got != sp.PartnerID {
						t.Errorf("#partner-id = %q, want the demo partner_id %q", got, sp.PartnerID)
					}
					name := textOf(t, ctx, chromedp.ID("partner-name"))
					if name == "" {
						t.Errorf("#partner-name is empty")
					}
					if name != listed {
						t.Errorf("#partner-name = %q, but /ops/partners lists %s as %q", name, sp.DomainName, listed)
					}
					menu := menuEntries(t, ctx)
					if !contains(menu, tc.home) {
						t.Errorf("top menu = %q, want an entry %q", menu, tc.home)
					}
				})
			}
		})
	}
}

// TestSignInWrongPassword: a wrong password, or an unknown account, gets
// one clear error and the sign-in page again.
func TestSignInWrongPassword(t *testing.T) {
	s := startServer(t)
	sp2 := s.Demo.Partner(t, "sp2")

	for _, tc := range []struct {
		name, acceptLanguage, account, password, title, want string
	}{
		{"chinese_wrong_password_shows_error", "zh-CN", sp2.Admin.Username, "Wrong-pass1!", titleZH, badCredentialsZH},
		{"english_wrong_password_shows_error", "en-US", sp2.Admin.Username, "Wrong-pass2!", titleEN, badCredentialsEN},
		{"unknown_account_shows_the_same_error", "zh-CN", "no-such-partner", sp2.Admin.Password, titleZH, badCredentialsZH},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := newBrowser(t, withLanguage(tc.acceptLanguage))
			status := partnerSignIn(t, ctx, s, tc.account, "", tc.password)
			if status < 400 {
				t.Errorf("refused sign-in answered %d, want a 4xx status", status)
			}
			if got := textOf(t, ctx, chromedp.ID("error")); got != tc.want {
				t.Errorf("#error = %q, want %q", got, tc.want)
			}
			if loc := location(t, ctx, s); loc != "/signin" {
				t.Errorf("after a refused sign-in: at %s, want /signin", loc)
			}
			if got := textOf(t, ctx, chromedp.CSS("h1")); got != tc.title {
				t.Errorf("h1 = %q, want the sign-in title %q", got, tc.title)
			}
			if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("account"))); got != tc.account {
				t.Errorf("#account = %q, want the typed account %q kept", got, tc.account)
			}
			if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("password"))); got != "" {
				t.Errorf("#password is refilled with %q, want it empty", got)
			}
			// Still signed out.
			navigate(t, ctx, s, "/")
			if loc := location(t, ctx, s); !strings.HasPrefix(loc, "/signin") {
				t.Errorf("GET / after a refused sign-in: at %s, want /signin", loc)
			}
		})
	}
}

// TestSignInRequiresCSRFToken: a sign-in form without the session's token
// is refused with 403 and signs nobody in.
func TestSignInRequiresCSRFToken(t *testing.T) {
	s := startServer(t)
	sp := s.Demo.Partner(t, "sp")

	for _, tc := range []struct {
		name, acceptLanguage, want string
	}{
		{"chinese_form_without_token_is_refused", "zh-CN", csrfZH},
		{"english_form_without_token_is_refused", "en-US", csrfEN},
	} {
		t.Run("browser/"+tc.name, func(t *testing.T) {
			ctx := newBrowser(t, withLanguage(tc.acceptLanguage))
			navigate(t, ctx, s, "/signin")
			fill(t, ctx, [2]string{"account", sp.Admin.Username}, [2]string{"password", sp.Admin.Password})
			left, err := chromedp.Run(ctx, chromedp.Evaluate[int](
				`document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove()),
				 document.querySelectorAll('input[name=csrf_token]').length`))
			if err != nil || left != 0 {
				t.Fatalf("removing the token field: %d left, %v", left, err)
			}
			if status := submit(t, ctx, "signin"); status != http.StatusForbidden {
				t.Errorf("form without token: status %d, want 403", status)
			}
			body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(body, tc.want) {
				t.Errorf("refusal page = %q, want it to contain %q", body, tc.want)
			}
			navigate(t, ctx, s, "/")
			if loc := location(t, ctx, s); !strings.HasPrefix(loc, "/signin") {
				t.Errorf("GET / after the refused form: at %s, want /signin (signed out)", loc)
			}
		})
	}

	// The same with a plain HTTP client that keeps cookies like a browser.
	otherToken := func(t *testing.T) string {
		_, tok := httpSignInPage(t, s)
		return tok
	}
	for _, tc := range []struct {
		name       string
		token      func(t *testing.T, own string) string // the csrf_token to post; "" leaves it out
		wantStatus int
	}{
		{"no_token_refused", func(*testing.T, string) string { return "" }, http.StatusForbidden},
		{"wrong_token_refused", func(*testing.T, string) string { return "not-the-token" }, http.StatusForbidden},
		{"token_of_another_session_refused", func(t *testing.T, _ string) string { return otherToken(t) }, http.StatusForbidden},
		{"own_token_accepted", func(_ *testing.T, own string) string { return own }, http.StatusSeeOther},
	} {
		t.Run("http/"+tc.name, func(t *testing.T) {
			client, own := httpSignInPage(t, s)
			form := url.Values{"account": {sp.Admin.Username}, "member": {""}, "password": {sp.Admin.Password}}
			if tok := tc.token(t, own); tok != "" {
				form.Set("csrf_token", tok)
			}
			status, body, _ := httpDo(t, client, s, "POST", "/signin", form)
			if status != tc.wantStatus {
				t.Fatalf("POST /signin: status %d, want %d\n%s", status, tc.wantStatus, body)
			}
			wantHome := http.StatusOK
			if status == http.StatusForbidden {
				if !strings.Contains(body, csrfZH) {
					t.Errorf("403 body = %q, want it to contain %q", body, csrfZH)
				}
				wantHome = http.StatusSeeOther
			}
			homeStatus, _, loc := httpDo(t, client, s, "GET", "/", nil)
			if homeStatus != wantHome {
				t.Errorf("GET / afterwards: status %d, want %d", homeStatus, wantHome)
			}
			if wantHome == http.StatusSeeOther && !strings.HasPrefix(loc, "/signin") {
				t.Errorf("GET / afterwards: redirect to %q, want /signin", loc)
			}
		})
	}
}

// TestOperatorCreatesPartner: the operator creates a solution provider,
// whose main account then signs in with the one-time password.
func TestOperatorCreatesPartner(t *testing.T) {
	s := startServer(t)
	ops := newBrowser(t, withLanguage("zh-CN"))
	operatorSignIn(t, ops, s)

	const name, domain = "端到端测试伙伴有限公司", "e2e-partner01"
	var password string
	t.Run("solution_provider_created_with_one_time_password", func(t *testing.T) {
		navigate(t, ops, s, "/ops/partners/new")
		fill(t, ops, [2]string{"type", "solution_provider"}, [2]string{"name", name}, [2]string{"domain_name", domain})
		if status := submit(t, ops, "create"); status != http.StatusCreated {
			t.Errorf("create: status %d, want 201", status)
		}
		password = textOf(t, ops, chromedp.ID("main-password"))
		if password == "" {
			t.Fatal("#main-password is empty")
		}
		if got := textOf(t, ops, chromedp.ID("main-username")); got != domain {
			t.Errorf("#main-username = %q, want %q", got, domain)
		}
		// It is listed at once.
		navigate(t, ops, s, "/ops/partners?q="+domain)
		if got := listedName(t, ops, domain); got != name {
			t.Errorf("/ops/partners lists %s as %q, want %q", domain, got, name)
		}
	})

	t.Run("new_main_account_signs_in", func(t *testing.T) {
		if password == "" {
			t.Skip("no partner was created")
		}
		ctx := newBrowser(t, withLanguage("zh-CN")) // another browser: no operator session
		if status := partnerSignIn(t, ctx, s, domain, "", password); status != http.StatusOK {
			t.Errorf("sign-in: status %d", status)
		}
		if loc := location(t, ctx, s); loc != "/" {
			t.Fatalf("after sign-in: at %s, want /", loc)
		}
		if got := textOf(t, ctx, chromedp.ID("partner-name")); got != name {
			t.Errorf("#partner-name = %q, want %q", got, name)
		}
		if got := textOf(t, ctx, chromedp.ID("partner-type")); got != "解决方案提供商" {
			t.Errorf("#partner-type = %q, want 解决方案提供商", got)
		}
	})

	t.Run("cloud_reseller_without_distributor_refused", func(t *testing.T) {
		const resellerDomain = "e2e-reseller01"
		navigate(t, ops, s, "/ops/partners/new")
		fill(t, ops, [2]string{"type", "cloud_reseller"}, [2]string{"parent_id", ""},
			[2]string{"name", "无总经销商的云经销商"}, [2]string{"domain_name", resellerDomain})
		if status := submit(t, ops, "create"); status < 400 {
			t.Errorf("create: status %d, want a 4xx status", status)
		}
		if got, want := textOf(t, ops, chromedp.ID("error")), "云经销商必须指定所属总经销商，其他类型不能指定。"; got != want {
			t.Errorf("#error = %q, want %q", got, want)
		}
		if n, _ := chromedp.Run(ops, chromedp.Evaluate[int](`document.querySelectorAll('#main-password').length`)); n != 0 {
			t.Errorf("a one-time password is shown for a refused partner")
		}
		// The form keeps what was typed.
		if got, _ := chromedp.Run(ops, chromedp.Value(chromedp.ID("domain_name"))); got != resellerDomain {
			t.Errorf("#domain_name = %q, want %q kept", got, resellerDomain)
		}
		navigate(t, ops, s, "/ops/partners?q="+resellerDomain)
		if got := listedName(t, ops, resellerDomain); got != "" {
			t.Errorf("the refused reseller is listed as %q", got)
		}
	})
}

// TestSignOut: signing out ends the session of either console.
func TestSignOut(t *testing.T) {
	s := startServer(t)
	sp := s.Demo.Partner(t, "sp")

	for _, tc := range []struct {
		name     string
		signIn   func(t *testing.T, ctx context.Context)
		home     string // a page that needs the session
		signInAt string
	}{
		{"partner_returns_to_signin", func(t *testing.T, ctx context.Context) {
			partnerSignIn(t, ctx, s, sp.Admin.Username, "", sp.Admin.Password)
		}, "/", "/signin"},
		{"operator_returns_to_signin", func(t *testing.T, ctx context.Context) {
			operatorSignIn(t, ctx, s)
		}, "/ops/", "/ops/signin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := newBrowser(t, withLanguage("zh-CN"))
			tc.signIn(t, ctx)
			navigate(t, ctx, s, tc.home)
			if loc := location(t, ctx, s); strings.HasPrefix(loc, tc.signInAt) {
				t.Fatalf("signed in, %s still leads to %s", tc.home, loc)
			}
			if status := submit(t, ctx, "signout"); status != http.StatusOK {
				t.Errorf("sign-out: status %d", status)
			}
			if loc := location(t, ctx, s); loc != tc.signInAt {
				t.Errorf("after sign-out: at %s, want %s", loc, tc.signInAt)
			}
			navigate(t, ctx, s, tc.home)
			want := tc.signInAt + "?next=" + url.QueryEscape(tc.home)
			if loc := location(t, ctx, s); loc != want {
				t.Errorf("GET %s after sign-out: at %s, want %s", tc.home, loc, want)
			}
		})
	}
}

// ---- helpers of these tests ----

// opsListedName signs the operator in with a browser of its own and
// returns the name /ops/partners lists for the account name domain.
func opsListedName(t *testing.T, s *Server, domain string) string {
	t.Helper()
	ctx := newBrowser(t, withLanguage("zh-CN"))
	operatorSignIn(t, ctx, s)
	navigate(t, ctx, s, "/ops/partners?q="+url.QueryEscape(domain))
	name := listedName(t, ctx, domain)
	if name == "" {
		t.Fatalf("/ops/partners does not list %s", domain)
	}
	return name
}

// listedName returns the name in the row of #partners whose account name is
// domain, or "" when there is none.
func listedName(t *testing.T, ctx context.Context, domain string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("partners"))); err != nil {
		t.Fatalf("wait for #partners: %v", err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](
		`[...document.querySelectorAll('#partners tbody tr')].map(r => [...r.cells].map(c => c.innerText.trim()))`))
	if err != nil {
		t.Fatalf("read #partners: %v", err)
	}
	for _, r := range rows {
		if len(r) > 1 && r[1] == domain {
			return r[0]
		}
	}
	return ""
}

// menuEntries returns the texts of the top menu.
func menuEntries(t *testing.T, ctx context.Context) []string {
	t.Helper()
	entries, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('nav.menu a')].map(a => a.innerText.trim())`))
	if err != nil {
		t.Fatalf("read the menu: %v", err)
	}
	return entries
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// httpSignInPage opens /signin with a fresh cookie jar and returns the
// client and the page's csrf token.
func httpSignInPage(t *testing.T, s *Server) (*http.Client, string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, CheckRedirect: noRedirect}
	status, body, _ := httpDo(t, client, s, "GET", "/signin", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /signin: status %d", status)
	}
	tok, err := csrfTokenIn(body)
	if err != nil || tok == "" {
		t.Fatalf("GET /signin: %v", err)
	}
	return client, tok
}

// httpDo sends a request in Chinese (form-encoded when form is not nil) and
// returns the status, body and Location header.
func httpDo(t *testing.T, client *http.Client, s *Server, method, path string, form url.Values) (int, string, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Language", "zh-CN")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}
