package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"partnercenter/internal/platform/i18n"
)

func TestOpsRequiresOperator(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	partner := s.browser(t)
	partner.mustSignIn(sp.DomainName, sp.Admin.Password)

	tests := []struct {
		name, path, want string
	}{
		{"Index", "/ops/", "/ops/signin?next=%2Fops%2F"},
		{"Partners", "/ops/partners", "/ops/signin?next=%2Fops%2Fpartners"},
		{"NewPartner", "/ops/partners/new", "/ops/signin?next=%2Fops%2Fpartners%2Fnew"},
		{"ShowPartner", "/ops/partners/" + sp.PartnerID, "/ops/signin?next=%2Fops%2Fpartners%2F" + sp.PartnerID},
		{"Outbox", "/ops/outbox", "/ops/signin?next=%2Fops%2Foutbox"},
	}
	for _, tt := range tests {
		t.Run("PartnerSession/"+tt.name, func(t *testing.T) {
			resp, body := partner.get(tt.path)
			mustRedirect(t, resp, body, tt.want)
		})
	}

	t.Run("PartnerSession/PostIsRedirected", func(t *testing.T) {
		_, page := partner.get("/")
		resp, body := partner.post("/ops/partners/"+sp.PartnerID+"/status",
			url.Values{"csrf_token": {csrf(t, page)}, "status": {"frozen"}})
		mustRedirect(t, resp, body, "/ops/signin")
		p, err := s.app.Identity.PartnerByDomainName(t.Context(), sp.DomainName)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != "normal" {
			t.Fatalf("a partner session changed the status to %s", p.Status)
		}
	})

	t.Run("PartnerCannotSignInAsOperator", func(t *testing.T) {
		b := s.browser(t)
		resp, body := b.submit("/ops/signin", "/ops/signin", url.Values{"username": {sp.DomainName}, "password": {sp.Admin.Password}})
		mustStatus(t, resp, body, http.StatusUnauthorized, tr(i18n.ZH, "err.signin_failed"))
	})

	t.Run("OKOperator", func(t *testing.T) {
		b := s.browser(t)
		b.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)
		resp, body := b.get("/ops/")
		mustRedirect(t, resp, body, "/ops/partners")
		resp, body = b.get("/ops/partners")
		mustStatus(t, resp, body, http.StatusOK, `id="partners"`, sp.DomainName, s.partner(t, "reseller").DomainName)
		resp, body = b.get("/ops/partners?q=demo-dist")
		mustStatus(t, resp, body, http.StatusOK, "demo-dist")
		if strings.Contains(body, ">demo-sp2<") {
			t.Error("the search for demo-dist also lists demo-sp2")
		}
		resp, body = b.get("/ops/partners/" + sp.PartnerID)
		mustStatus(t, resp, body, http.StatusOK, sp.DomainName, sp.DomainID)
		resp, body = b.get("/ops/signin")
		mustRedirect(t, resp, body, "/ops/")
	})

	t.Run("ErrNotFound/UnknownPartner", func(t *testing.T) {
		b := s.browser(t)
		b.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)
		resp, body := b.get("/ops/partners/00000000000000000000000000000000")
		mustStatus(t, resp, body, http.StatusNotFound)
	})
}

var mainPassword = regexp.MustCompile(`id="main-password">([^<]+)<`)

func TestOpsCreatePartner(t *testing.T) {
	s := mustSite(t)
	dist := s.partner(t, "dist")
	ops := s.browser(t)
	ops.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)

	t.Run("OK", func(t *testing.T) {
		resp, body := ops.submit("/ops/partners/new", "/ops/partners", url.Values{
			"type": {"cloud_reseller"}, "parent_id": {dist.PartnerID}, "name": {"新伙伴科技"},
			"domain_name": {"new-partner1"}, "contact_email": {"x@partner.example.com"}})
		mustStatus(t, resp, body, http.StatusCreated, tr(i18n.ZH, "ops.partners.created"), "新伙伴科技", "new-partner1")
		m := mainPassword.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the page shows no one-time password:\n%s", body)
		}
		password := html.UnescapeString(m[1])

		p, err := s.app.Identity.PartnerByDomainName(t.Context(), "new-partner1")
		if err != nil {
			t.Fatal(err)
		}
		if p.Type != "cloud_reseller" || p.ParentID != dist.PartnerID {
			t.Errorf("created %+v, want a cloud reseller under %s", p, dist.PartnerID)
		}
		// The one-time password works, and was shown only on the response.
		partner := s.browser(t)
		partner.mustSignIn("new-partner1", password)
		resp, body = partner.get("/")
		mustStatus(t, resp, body, http.StatusOK, "新伙伴科技", p.ID)
		resp, body = ops.get("/ops/partners/" + p.ID)
		mustStatus(t, resp, body, http.StatusOK, "new-partner1")
		if strings.Contains(body, password) {
			t.Error("the partner page shows the one-time password again")
		}
	})

	t.Run("OKParentIgnoredForSolutionProvider", func(t *testing.T) {
		resp, body := ops.submit("/ops/partners/new", "/ops/partners", url.Values{
			"type": {"solution_provider"}, "parent_id": {dist.PartnerID}, "name": {"SP"}, "domain_name": {"new-sp01"}})
		mustStatus(t, resp, body, http.StatusCreated)
	})

	langs := []struct {
		name           string
		acceptLanguage string
		lang           i18n.Lang
	}{
		{"Zh", "", i18n.ZH},
		{"En", "en-US", i18n.EN},
	}
	for _, l := range langs {
		t.Run("ErrDomainNameTaken/"+l.name, func(t *testing.T) {
			b := s.browser(t)
			if l.acceptLanguage != "" {
				b.header.Set("Accept-Language", l.acceptLanguage)
			}
			b.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)
			resp, body := b.submit("/ops/partners/new", "/ops/partners", url.Values{
				"type": {"solution_provider"}, "name": {"Copycat"}, "domain_name": {"demo-sp"}})
			mustStatus(t, resp, body, http.StatusBadRequest, tr(l.lang, "err.domain_name_taken"),
				`value="Copycat"`, `id="partner-form"`)
			if mainPassword.MatchString(body) {
				t.Error("a refused creation shows a password")
			}
		})
	}

	t.Run("ErrDomainNameFormat", func(t *testing.T) {
		resp, body := ops.submit("/ops/partners/new", "/ops/partners", url.Values{
			"type": {"solution_provider"}, "name": {"Bad"}, "domain_name": {"op_admin"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.domain_name_format"))
	})

	t.Run("ErrCSRF", func(t *testing.T) {
		resp, body := ops.post("/ops/partners", url.Values{"csrf_token": {"forged"},
			"type": {"solution_provider"}, "name": {"Forged"}, "domain_name": {"forged-01"}})
		mustStatus(t, resp, body, http.StatusForbidden)
		if _, err := s.app.Identity.PartnerByDomainName(t.Context(), "forged-01"); err == nil {
			t.Fatal("a forged form created a partner")
		}
	})
}

func TestOpsFreezePartner(t *testing.T) {
	s := mustSite(t)
	sp2 := s.partner(t, "sp2")
	partner := s.browser(t)
	partner.mustSignIn(sp2.DomainName, sp2.Admin.Password)
	resp, body := partner.get("/")
	mustStatus(t, resp, body, http.StatusOK)

	ops := s.browser(t)
	ops.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)
	show := "/ops/partners/" + sp2.PartnerID
	resp, body = ops.submit(show, show+"/status", url.Values{"status": {"frozen"}})
	mustRedirect(t, resp, body, show+"?saved=1")
	resp, body = ops.get(show + "?saved=1")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "ops.partners.saved"), tr(i18n.ZH, "partner.status.frozen"))

	t.Run("SessionThrownOut", func(t *testing.T) {
		resp, body := partner.get("/")
		mustRedirect(t, resp, body, "/signin?next=%2F")
	})

	t.Run("ErrAccountFrozen", func(t *testing.T) {
		resp, body := partner.submit("/signin", "/signin", url.Values{"account": {sp2.DomainName}, "password": {sp2.Admin.Password}})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.partner_frozen"))
		mustSignedOut(t, partner)
	})

	t.Run("ErrPartnerStatus", func(t *testing.T) {
		resp, body := ops.submit(show, show+"/status", url.Values{"status": {"deleted"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.partner_status"))
	})

	t.Run("OKUnfrozen", func(t *testing.T) {
		resp, body := ops.submit(show, show+"/status", url.Values{"status": {"normal"}})
		mustRedirect(t, resp, body, show+"?saved=1")
		partner.mustSignIn(sp2.DomainName, sp2.Admin.Password)
	})

	t.Run("OKEcoManager", func(t *testing.T) {
		resp, body := ops.submit(show, show+"/eco-manager", url.Values{
			"eco_name": {"赵六"}, "eco_email": {"zhao@eco.example.com"}, "eco_mobile": {"13800000009"}})
		mustRedirect(t, resp, body, show+"?saved=1")
		resp, body = partner.get("/")
		mustStatus(t, resp, body, http.StatusOK, "赵六", "zhao@eco.example.com")
	})

	t.Run("OtherPartnerUntouched", func(t *testing.T) {
		sp := s.partner(t, "sp")
		b := s.browser(t)
		b.mustSignIn(sp.DomainName, sp.Admin.Password)
	})
}

func TestOpsOutbox(t *testing.T) {
	s := mustSite(t)
	ops := s.browser(t)
	ops.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)
	for _, path := range []string{"/ops/outbox", "/ops/outbox?to=someone%40example.com"} {
		resp, body := ops.get(path)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "ops.outbox.title"), `id="outbox"`)
	}
}
