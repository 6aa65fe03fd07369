package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"io"
	"math/big"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/crewjam/saml"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
)

// mustIdPMetadata returns a partner platform's IdP metadata for entityID.
func mustIdPMetadata(tb testing.TB, entityID string) []byte {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "idp.partner.example"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(2, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	meta, _ := url.Parse(entityID)
	sso, _ := url.Parse(entityID + "/sso")
	raw, err := xml.Marshal((&saml.IdentityProvider{Key: key, Certificate: cert, MetadataURL: *meta, SSOURL: *sso}).Metadata())
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

// upload posts a multipart form to path: csrf_token (when not empty) and
// the file as "metadata" (when name is not empty).
func (b *browser) upload(path, csrfToken, name string, content []byte) (*http.Response, string) {
	b.tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrfToken != "" {
		_ = mw.WriteField("csrf_token", csrfToken)
	}
	if name != "" {
		fw, err := mw.CreateFormFile("metadata", name)
		if err != nil {
			b.tb.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.site.srv.URL+path, &body)
	if err != nil {
		b.tb.Fatal(err)
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func TestSupportAccess(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	b := s.browser(t)
	b.mustSignIn(sp.DomainName, sp.Admin.Password)
	token := func() string {
		_, page := b.get("/support/access")
		return csrf(t, page)
	}

	t.Run("OKPage", func(t *testing.T) {
		resp, body := b.get("/support/access")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "access.title"), sp.XAccountType,
			`href="/authui/saml/metadata.xml"`, `href="/authui/saml/metadata.xml?unsigned=true"`,
			`enctype="multipart/form-data"`, tr(i18n.ZH, "access.idp.none"), `href="/support/access"`)
		// The SP metadata it links to is served, unauthenticated.
		resp, err := http.Get(s.srv.URL + "/authui/saml/metadata.xml")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/samlmetadata+xml" {
			t.Fatalf("metadata: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})

	t.Run("ErrCSRF", func(t *testing.T) {
		resp, body := b.upload("/support/access/idp-metadata", "", "idp.xml", mustIdPMetadata(t, "https://csrf.example.com/idp"))
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.csrf"))
		resp, body = b.post("/support/access/notify-url", url.Values{"notify_url": {"https://x.example.com/n"}})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.csrf"))
		cfg := accessConfig(t, s, sp.DomainName, sp.Admin.Password)
		if cfg.IdP != nil || cfg.NotifyURL != "" {
			t.Fatalf("a forged request changed the configuration: %+v", cfg)
		}
	})

	t.Run("ErrUploadTranslated", func(t *testing.T) {
		tests := []struct {
			name, file string
			content    []byte
			key        string
		}{
			{"NotXML", "idp.xml", []byte("this is not xml"), "err.idp_metadata_xml"},
			{"NoIDPSSODescriptor", "sp.xml", []byte(`<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example.com"/>`),
				"err.idp_metadata_no_idp"},
			{"TooLarge", "big.xml", bytes.Repeat([]byte(" "), identity.MaxIdPMetadataSize+1), "err.idp_metadata_too_large"},
			{"NoFile", "", nil, "err.idp_metadata_file"},
		}
		for _, tt := range tests {
			for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
				t.Run(tt.name+"/"+string(lang), func(t *testing.T) {
					b.header.Set("Accept-Language", string(lang))
					defer b.header.Del("Accept-Language")
					resp, body := b.upload("/support/access/idp-metadata", token(), tt.file, tt.content)
					mustStatus(t, resp, body, http.StatusBadRequest, tr(lang, tt.key), `<label class="invalid">`)
				})
			}
		}
	})

	t.Run("OKUpload", func(t *testing.T) {
		resp, body := b.upload("/support/access/idp-metadata", token(), "idp.xml", mustIdPMetadata(t, "https://idp.demo-sp.example.com/saml"))
		mustRedirect(t, resp, body, "/support/access?uploaded=1")
		resp, body = b.get("/support/access?uploaded=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "access.idp.saved"), "https://idp.demo-sp.example.com/saml",
			"https://idp.demo-sp.example.com/saml/sso", "CN=idp.partner.example", `id="idp-cert-not-after"`)
	})

	t.Run("NotifyURL", func(t *testing.T) {
		resp, body := b.submit("/support/access", "/support/access/notify-url", url.Values{"notify_url": {"http://partner.example.com/notify"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.notify_url"), `value="http://partner.example.com/notify"`)
		resp, body = b.submit("/support/access", "/support/access/notify-url", url.Values{"notify_url": {"https://partner.example.com/notify"}})
		mustRedirect(t, resp, body, "/support/access?saved=1")
		resp, body = b.get("/support/access?saved=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "access.saved"), `value="https://partner.example.com/notify"`)
	})

	t.Run("Contacts", func(t *testing.T) {
		form := url.Values{"contact_name": {"王五"}, "contact_mobile": {"13800000000"}, "contact_email": {"not-an-email"}}
		resp, body := b.submit("/support/access", "/support/access/contacts", form)
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.email_format"), `value="王五"`, `value="not-an-email"`)
		form.Set("contact_email", "wangwu@partner.example.com")
		resp, body = b.submit("/support/access", "/support/access/contacts", form)
		mustRedirect(t, resp, body, "/support/access?saved=1")
		cfg := accessConfig(t, s, sp.DomainName, sp.Admin.Password)
		if cfg.Contact.Email != "wangwu@partner.example.com" || cfg.NotifyURL != "https://partner.example.com/notify" {
			t.Fatalf("saved %+v", cfg)
		}
	})

	t.Run("IdPInitiated", func(t *testing.T) {
		resp, body := b.submit("/support/access", "/support/access/idp-initiated", url.Values{"allow": {"on"}})
		mustRedirect(t, resp, body, "/support/access?saved=1")
		if !accessConfig(t, s, sp.DomainName, sp.Admin.Password).AllowIdPInitiated {
			t.Fatal("not turned on")
		}
		resp, body = b.submit("/support/access", "/support/access/idp-initiated", url.Values{})
		mustRedirect(t, resp, body, "/support/access?saved=1")
		if accessConfig(t, s, sp.DomainName, sp.Admin.Password).AllowIdPInitiated {
			t.Fatal("not turned off")
		}
	})

	t.Run("ErrForbiddenWithoutItem", func(t *testing.T) {
		ctx := context.Background()
		main := signInActor(t, s, sp.DomainName, "", sp.Admin.Password)
		_, pw, err := s.app.Identity.CreateMember(ctx, main, identity.NewMember{AccountName: "finance7", Roles: []string{identity.PresetFinance}})
		if err != nil {
			t.Fatal(err)
		}
		member := signInActor(t, s, sp.DomainName, "finance7", pw)
		if _, err := s.app.Identity.ChangePassword(ctx, member, pw, "Finance#2025x"); err != nil {
			t.Fatal(err)
		}
		fb := s.browser(t)
		resp, body := fb.submit("/signin", "/signin", url.Values{"account": {sp.DomainName}, "member": {"finance7"}, "password": {"Finance#2025x"}})
		mustRedirect(t, resp, body, "/")
		resp, body = fb.get("/support/access")
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.forbidden"))
		resp, body = fb.submit("/", "/support/access/notify-url", url.Values{"notify_url": {"https://evil.example.com/n"}})
		mustStatus(t, resp, body, http.StatusForbidden)
		if _, body := fb.get("/"); strings.Contains(body, `href="/support/access"`) {
			t.Error("a member without the item sees the support menu")
		}
	})
}

// signInActor signs a partner's main account (member "") or member in
// through the service and returns its actor.
func signInActor(tb testing.TB, s *site, domain, member, password string) identity.Actor {
	tb.Helper()
	m, p, err := s.app.Identity.SignInMember(context.Background(), domain, member, password)
	if err != nil {
		tb.Fatalf("sign in %s/%s: %v", domain, member, err)
	}
	a := m.Actor(p)
	if !a.IsMain {
		if a.Perms, a.Scope, err = s.app.Identity.MemberAccess(context.Background(), p.ID, m.ID); err != nil {
			tb.Fatal(err)
		}
	}
	return a
}

func accessConfig(tb testing.TB, s *site, domain, password string) identity.AccessConfig {
	tb.Helper()
	cfg, err := s.app.Identity.AccessConfig(context.Background(), signInActor(tb, s, domain, "", password))
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}
