package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnercenter/internal/platform/i18n"
)

func TestSignInRequired(t *testing.T) {
	s := mustSite(t)
	tests := []struct {
		name, path, want string
	}{
		{"Home", "/", "/signin?next=%2F"},
		{"OpsIndex", "/ops/", "/ops/signin?next=%2Fops%2F"},
		{"OpsPartnersWithQuery", "/ops/partners?q=acme", "/ops/signin?next=%2Fops%2Fpartners%3Fq%3Dacme"},
		{"OpsOutbox", "/ops/outbox", "/ops/signin?next=%2Fops%2Foutbox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.browser(t).get(tt.path)
			mustRedirect(t, resp, body, tt.want)
		})
	}

	t.Run("PostWithoutSessionIsRefused", func(t *testing.T) {
		// No session means no CSRF token: the check answers before the guard.
		resp, body := s.browser(t).post("/signout", url.Values{})
		mustStatus(t, resp, body, http.StatusForbidden)
	})
}

func TestSignInPageLanguage(t *testing.T) {
	s := mustSite(t)
	zhTitle, enTitle := tr(i18n.ZH, "signin.title"), tr(i18n.EN, "signin.title")
	if zhTitle == enTitle {
		t.Fatal("the catalogs translate signin.title alike")
	}

	tests := []struct {
		name           string
		acceptLanguage string
		want, notWant  string
		wantLang       string
	}{
		{"ZhByDefault", "", zhTitle, enTitle, `lang="zh-CN"`},
		{"ZhFromHeader", "zh-CN,zh;q=0.9", zhTitle, enTitle, `lang="zh-CN"`},
		{"EnFromHeader", "en-US,en;q=0.9", enTitle, zhTitle, `lang="en-US"`},
		{"ZhForUnsupported", "fr-FR", zhTitle, enTitle, `lang="zh-CN"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.browser(t)
			if tt.acceptLanguage != "" {
				b.header.Set("Accept-Language", tt.acceptLanguage)
			}
			resp, body := b.get("/signin")
			mustStatus(t, resp, body, http.StatusOK, tt.want, tt.wantLang)
			if strings.Contains(body, tt.notWant) {
				t.Errorf("page also shows %q", tt.notWant)
			}
		})
	}

	t.Run("EnFromCookie", func(t *testing.T) {
		b := s.browser(t)
		b.header.Set("Accept-Language", "zh-CN")
		resp, body := b.get("/lang/en-US?next=/signin")
		mustRedirect(t, resp, body, "/signin")
		var lang *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "pc_lang" {
				lang = c
			}
		}
		if lang == nil || lang.Value != "en-US" || lang.Path != "/" || !lang.HttpOnly {
			t.Fatalf("pc_lang cookie %+v, want en-US on / and HttpOnly", lang)
		}
		// The switcher's choice wins over the browser's header.
		resp, body = b.get("/signin")
		mustStatus(t, resp, body, http.StatusOK, enTitle, `lang="en-US"`)

		resp, body = b.get("/lang/zh-CN?next=/signin")
		mustRedirect(t, resp, body, "/signin")
		resp, body = b.get("/signin")
		mustStatus(t, resp, body, http.StatusOK, zhTitle)
	})
}

func TestSwitchLanguageRedirect(t *testing.T) {
	s := mustSite(t)
	tests := []struct {
		name, next, want string
	}{
		{"OKLocalPath", "/signin", "/signin"},
		{"OKLocalPathWithQuery", "/ops/partners?q=a", "/ops/partners?q=a"},
		{"NoNext", "", "/"},
		{"ProtocolRelative", "//evil.example", "/"},
		{"ProtocolRelativeWithPath", "//evil.example/signin", "/"},
		{"AbsoluteURL", "https://evil.example", "/"},
		{"Backslash", `/\evil.example`, "/"},
		{"RelativePath", "signin", "/"},
		{"JavaScript", "javascript:alert(1)", "/"},
		// Browsers drop tabs and newlines inside a URL, so "/<TAB>/evil.example"
		// becomes "//evil.example": another site.
		{"TabBeforeSlash", "/\t/evil.example", "/"},
		{"NewlineBeforeSlash", "/\n/evil.example", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.browser(t).get("/lang/en-US?next=" + url.QueryEscape(tt.next))
			if got := resp.Header.Get("Location"); got != tt.want {
				t.Fatalf("next=%q: Location %q, want %q", tt.next, got, tt.want)
			}
			mustRedirect(t, resp, body, tt.want)
		})
	}

	t.Run("ErrUnknownLanguage", func(t *testing.T) {
		resp, body := s.browser(t).get("/lang/fr-FR?next=/signin")
		mustStatus(t, resp, body, http.StatusNotFound)
		if c := resp.Header.Get("Set-Cookie"); strings.Contains(c, "pc_lang") {
			t.Errorf("an unknown language set %q", c)
		}
	})
}

func TestSignInCSRF(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	creds := func() url.Values {
		return url.Values{"account": {sp.DomainName}, "password": {sp.Admin.Password}}
	}

	t.Run("ErrCSRF/MissingToken", func(t *testing.T) {
		b := s.browser(t)
		b.get("/signin")
		resp, body := b.post("/signin", creds())
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.csrf"))
		mustSignedOut(t, b)
	})

	t.Run("ErrCSRF/WrongToken", func(t *testing.T) {
		b := s.browser(t)
		b.get("/signin")
		form := creds()
		form.Set("csrf_token", "forged-token")
		resp, body := b.post("/signin", form)
		mustStatus(t, resp, body, http.StatusForbidden)
		mustSignedOut(t, b)
	})

	t.Run("ErrCSRF/OtherSessionsToken", func(t *testing.T) {
		// A token scraped by an attacker from their own session does not
		// work in the victim's.
		attacker, victim := s.browser(t), s.browser(t)
		_, page := attacker.get("/signin")
		victim.get("/signin")
		form := creds()
		form.Set("csrf_token", csrf(t, page))
		resp, body := victim.post("/signin", form)
		mustStatus(t, resp, body, http.StatusForbidden)
	})

	t.Run("ErrCSRF/NoSession", func(t *testing.T) {
		b := s.browser(t)
		form := creds()
		form.Set("csrf_token", "")
		resp, body := b.post("/signin", form)
		mustStatus(t, resp, body, http.StatusForbidden)
	})

	t.Run("OKHeaderToken", func(t *testing.T) {
		b := s.browser(t)
		_, page := b.get("/signin")
		b.header.Set("X-CSRF-Token", csrf(t, page))
		resp, body := b.post("/signin", creds())
		mustRedirect(t, resp, body, "/")
	})
}

func TestPartnerSignIn(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")

	t.Run("OK", func(t *testing.T) {
		b := s.browser(t)
		_, page := b.get("/signin")
		before := b.sessionCookie()
		if before == "" {
			t.Fatal("the sign-in page set no session cookie")
		}
		resp, body := b.post("/signin", url.Values{"csrf_token": {csrf(t, page)},
			"account": {sp.DomainName}, "password": {sp.Admin.Password}})
		mustRedirect(t, resp, body, "/")
		after := b.sessionCookie()
		if after == "" || after == before {
			t.Fatalf("session token %q after sign-in, want a new one (was %q)", after, before)
		}

		resp, body = b.get("/")
		p, err := s.app.Identity.PartnerByDomainName(t.Context(), sp.DomainName)
		if err != nil {
			t.Fatal(err)
		}
		mustStatus(t, resp, body, http.StatusOK, p.Name, sp.PartnerID, p.EcoManager.Name, tr(i18n.ZH, "nav.home"))

		// Signed in, the form sends the user home.
		resp, body = b.get("/signin")
		mustRedirect(t, resp, body, "/")
	})

	t.Run("OKMemberNameIsAccountName", func(t *testing.T) {
		b := s.browser(t)
		resp, body := b.submit("/signin", "/signin", url.Values{"account": {sp.DomainName},
			"member": {sp.DomainName}, "password": {sp.Admin.Password}})
		mustRedirect(t, resp, body, "/")
	})

	t.Run("OKBackToNext", func(t *testing.T) {
		b := s.browser(t)
		resp, body := b.get("/")
		mustRedirect(t, resp, body, "/signin?next=%2F")
		_, page := b.get(resp.Header.Get("Location"))
		if !strings.Contains(page, `name="next" value="/"`) {
			t.Fatalf("the sign-in form does not carry next=/")
		}
		resp, body = b.post("/signin", url.Values{"csrf_token": {csrf(t, page)}, "next": {"/"},
			"account": {sp.DomainName}, "password": {sp.Admin.Password}})
		mustRedirect(t, resp, body, "/")
	})

	offsite := []string{"//evil.example", "https://evil.example/", "/\t/evil.example"}
	for _, next := range offsite {
		t.Run("OKOffsiteNextGoesHome/"+url.PathEscape(next), func(t *testing.T) {
			b := s.browser(t)
			resp, body := b.submit("/signin", "/signin", url.Values{"next": {next},
				"account": {sp.DomainName}, "password": {sp.Admin.Password}})
			mustRedirect(t, resp, body, "/")
		})
	}

	langs := []struct {
		name           string
		acceptLanguage string
		lang           i18n.Lang
	}{
		{"Zh", "", i18n.ZH},
		{"En", "en-US", i18n.EN},
	}
	for _, l := range langs {
		t.Run("ErrBadCredentials/"+l.name, func(t *testing.T) {
			b := s.browser(t)
			if l.acceptLanguage != "" {
				b.header.Set("Accept-Language", l.acceptLanguage)
			}
			resp, body := b.submit("/signin", "/signin", url.Values{"account": {sp.DomainName}, "password": {"Wrong-pass1"}})
			mustStatus(t, resp, body, http.StatusUnauthorized, tr(l.lang, "err.signin_failed"),
				`value="`+sp.DomainName+`"`)
			if strings.Contains(body, "Wrong-pass1") {
				t.Error("the page echoes the password")
			}
			mustSignedOut(t, b)
		})
	}

	t.Run("ErrBadCredentials/UnknownAccount", func(t *testing.T) {
		b := s.browser(t)
		resp, body := b.submit("/signin", "/signin", url.Values{"account": {"no-such-partner"}, "password": {sp.Admin.Password}})
		mustStatus(t, resp, body, http.StatusUnauthorized, tr(i18n.ZH, "err.signin_failed"))
	})

	t.Run("OperatorSessionIsNotPartnerSession", func(t *testing.T) {
		b := s.browser(t)
		b.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)
		mustSignedOut(t, b)
	})
}

func TestPartnerSignOut(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")

	t.Run("OK", func(t *testing.T) {
		b := s.browser(t)
		b.mustSignIn(sp.DomainName, sp.Admin.Password)
		signedIn := b.sessionCookie()
		resp, page := b.get("/")
		mustStatus(t, resp, page, http.StatusOK)

		resp, body := b.post("/signout", url.Values{"csrf_token": {csrf(t, page)}})
		mustRedirect(t, resp, body, "/signin")
		mustSignedOut(t, b)

		// The signed-in token no longer opens the console.
		replay := s.browser(t)
		u, _ := url.Parse(s.srv.URL)
		replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: "pc_session", Value: signedIn, Path: "/"}})
		mustSignedOut(t, replay)
	})

	t.Run("ErrCSRF", func(t *testing.T) {
		b := s.browser(t)
		b.mustSignIn(sp.DomainName, sp.Admin.Password)
		resp, body := b.post("/signout", url.Values{"csrf_token": {"forged"}})
		mustStatus(t, resp, body, http.StatusForbidden)
		resp, body = b.get("/")
		mustStatus(t, resp, body, http.StatusOK)
	})
}

// mustSignedOut fails unless the partner console sends b to sign in.
func mustSignedOut(tb testing.TB, b *browser) {
	tb.Helper()
	resp, body := b.get("/")
	mustRedirect(tb, resp, body, "/signin?next=%2F")
}
