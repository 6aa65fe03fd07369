package web_test

// These tests drive the consoles over HTTP through the whole handler that
// app.New builds (sessions in the database, CSRF, security headers). They run
// on SQLite only: app.Config has no PostgreSQL search path, so a node cannot
// be given a schema of its own, and the rules the pages rely on are tested on
// both databases in internal/identity.

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"partnercenter/internal/app"
	"partnercenter/internal/platform/i18n"
)

// site is a node on a fresh SQLite database with the demo data, served by
// an httptest server.
type site struct {
	app  *app.App
	srv  *httptest.Server
	demo app.Demo
}

func mustSite(tb testing.TB) *site {
	tb.Helper()
	ctx := context.Background()
	cfg := app.Defaults()
	cfg.DataDir = tb.TempDir()
	a, err := app.New(ctx, cfg, app.WithLogOutput(io.Discard))
	if err != nil {
		tb.Fatalf("new app: %v", err)
	}
	tb.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	demo, err := a.SeedDemo(ctx)
	if err != nil {
		tb.Fatalf("seed demo: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	tb.Cleanup(srv.Close)
	return &site{app: a, srv: srv, demo: demo}
}

// partner returns the demo partner with key ("sp", "sp2", "dist", "reseller").
func (s *site) partner(tb testing.TB, key string) app.DemoPartner {
	tb.Helper()
	for _, p := range s.demo.Partners {
		if p.Key == key {
			return p
		}
	}
	tb.Fatalf("no demo partner %q", key)
	return app.DemoPartner{}
}

// browser is a client with its own cookie jar that does not follow
// redirects, so tests see every 303.
type browser struct {
	tb     testing.TB
	site   *site
	c      *http.Client
	header http.Header // sent with every request
}

func (s *site) browser(tb testing.TB) *browser {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &browser{tb: tb, site: s, header: http.Header{}, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends a request and returns the response with its body read.
func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.site.srv.URL+path, body)
	if err != nil {
		b.tb.Fatal(err)
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.tb.Fatal(err)
	}
	return resp, string(raw)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.tb.Helper()
	return b.do(http.MethodGet, path, nil)
}

// post sends form as is (add csrf_token yourself, or use submit).
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.tb.Helper()
	return b.do(http.MethodPost, path, form)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf scrapes the anti-forgery token from a page.
func csrf(tb testing.TB, page string) string {
	tb.Helper()
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("page has no csrf_token input:\n%s", page)
	}
	return html.UnescapeString(m[1])
}

// submit loads formPage, then posts form to action with the page's token.
func (b *browser) submit(formPage, action string, form url.Values) (*http.Response, string) {
	b.tb.Helper()
	_, page := b.get(formPage)
	form.Set("csrf_token", csrf(b.tb, page))
	return b.post(action, form)
}

// sessionCookie is the browser's current console session token.
func (b *browser) sessionCookie() string {
	u, _ := url.Parse(b.site.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "pc_session" {
			return c.Value
		}
	}
	return ""
}

// mustSignIn signs a partner account in through the form.
func (b *browser) mustSignIn(account, password string) {
	b.tb.Helper()
	resp, body := b.submit("/signin", "/signin", url.Values{"account": {account}, "password": {password}})
	mustRedirect(b.tb, resp, body, "/")
}

// mustOpsSignIn signs an operator in through the form.
func (b *browser) mustOpsSignIn(username, password string) {
	b.tb.Helper()
	resp, body := b.submit("/ops/signin", "/ops/signin", url.Values{"username": {username}, "password": {password}})
	mustRedirect(b.tb, resp, body, "/ops/")
}

// mustRedirect fails unless resp is a 303 to location.
func mustRedirect(tb testing.TB, resp *http.Response, body, location string) {
	tb.Helper()
	if got, want := resp.StatusCode, http.StatusSeeOther; got != want {
		tb.Fatalf("%s %s: status %d, want %d\n%s", resp.Request.Method, resp.Request.URL.Path, got, want, body)
	}
	if got, want := resp.Header.Get("Location"), location; got != want {
		tb.Fatalf("%s %s: Location %q, want %q", resp.Request.Method, resp.Request.URL.Path, got, want)
	}
}

// mustStatus fails unless resp has status and its (unescaped) body
// contains every one of texts.
func mustStatus(tb testing.TB, resp *http.Response, body string, status int, texts ...string) {
	tb.Helper()
	if got, want := resp.StatusCode, status; got != want {
		tb.Fatalf("%s %s: status %d, want %d\n%s", resp.Request.Method, resp.Request.URL.Path, got, want, body)
	}
	plain := html.UnescapeString(body)
	for _, text := range texts {
		if !strings.Contains(plain, text) {
			tb.Errorf("%s %s: body lacks %q", resp.Request.Method, resp.Request.URL.Path, text)
		}
	}
}

// tr translates key with name, value argument pairs, as the pages do.
func tr(lang i18n.Lang, key string, args ...any) string {
	m := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		m[args[i].(string)] = args[i+1]
	}
	return i18n.T(lang, key, m)
}
