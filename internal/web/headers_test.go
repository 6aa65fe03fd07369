package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnercenter/internal/platform/ids"
)

// TestSecurityHeaders checks that every kind of response — pages, redirects,
// refusals, errors and static files — carries a request id and the
// security headers.
func TestSecurityHeaders(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	signedIn := s.browser(t)
	signedIn.mustSignIn(sp.DomainName, sp.Admin.Password)

	tests := []struct {
		name       string
		b          *browser
		method     string
		path       string
		form       url.Values
		wantStatus int
	}{
		{"SignInPage", s.browser(t), "GET", "/signin", nil, http.StatusOK},
		{"OpsSignInPage", s.browser(t), "GET", "/ops/signin", nil, http.StatusOK},
		{"Home", signedIn, "GET", "/", nil, http.StatusOK},
		{"RedirectToSignIn", s.browser(t), "GET", "/", nil, http.StatusSeeOther},
		{"LanguageSwitch", s.browser(t), "GET", "/lang/en-US?next=/signin", nil, http.StatusSeeOther},
		{"CSRFRefusal", s.browser(t), "POST", "/signin", url.Values{}, http.StatusForbidden},
		{"BadCredentials", s.browser(t), "POST", "/signin", nil, http.StatusUnauthorized},
		{"NotFound", s.browser(t), "GET", "/no/such/page", nil, http.StatusNotFound},
		{"MethodNotAllowed", s.browser(t), "DELETE", "/signin", nil, http.StatusMethodNotAllowed},
		{"Static", s.browser(t), "GET", "/static/app.css", nil, http.StatusOK},
		{"Healthz", s.browser(t), "GET", "/healthz", nil, http.StatusOK},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp *http.Response
			var body string
			if tt.name == "BadCredentials" {
				resp, body = tt.b.submit("/signin", "/signin", url.Values{"account": {sp.DomainName}, "password": {"Wrong-pass1"}})
			} else {
				resp, body = tt.b.do(tt.method, tt.path, tt.form)
			}
			mustStatus(t, resp, body, tt.wantStatus)
			h := resp.Header
			id := h.Get("X-Request-Id")
			if !ids.Valid(id) {
				t.Errorf("X-Request-Id %q, want 32 hex", id)
			}
			if seen[id] {
				t.Errorf("X-Request-Id %q repeated", id)
			}
			seen[id] = true
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"frame-ancestors 'none'", "default-src 'self'", "script-src 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			if got, want := h.Get("X-Content-Type-Options"), "nosniff"; got != want {
				t.Errorf("X-Content-Type-Options %q, want %q", got, want)
			}
			if got := h.Get("Referrer-Policy"); got == "" || got == "unsafe-url" || got == "no-referrer-when-downgrade" {
				t.Errorf("Referrer-Policy %q, want one that keeps paths private", got)
			}
		})
	}

	t.Run("ClientRequestIdIgnored", func(t *testing.T) {
		b := s.browser(t)
		b.header.Set("X-Request-Id", "client-chosen")
		resp, _ := b.get("/signin")
		if got := resp.Header.Get("X-Request-Id"); got == "client-chosen" || !ids.Valid(got) {
			t.Errorf("X-Request-Id %q, want a fresh server id", got)
		}
	})

	t.Run("PagesAreNotCached", func(t *testing.T) {
		resp, _ := signedIn.get("/")
		if got, want := resp.Header.Get("Cache-Control"), "no-store"; got != want {
			t.Errorf("Cache-Control %q, want %q", got, want)
		}
	})

	t.Run("SessionCookieFlags", func(t *testing.T) {
		resp, _ := s.browser(t).get("/signin")
		var session *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "pc_session" {
				session = c
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
			t.Errorf("session cookie %+v, want HttpOnly and SameSite=Lax", session)
		}
	})
}
