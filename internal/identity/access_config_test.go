package identity_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/xml"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/crewjam/saml"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

// testIdPKey is shared by the metadata fixtures: generating RSA keys is slow.
var testIdPKey = func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}()

// mustIdPCert returns a self-signed certificate valid from notBefore to
// notAfter.
func mustIdPCert(tb testing.TB, cn string, notBefore, notAfter time.Time) *x509.Certificate {
	tb.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: notBefore, NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &testIdPKey.PublicKey, testIdPKey)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// mustIdPEntity returns crewjam's IdP metadata for entityID with a
// certificate valid around now; edit may change it before it is marshalled.
func mustIdPEntity(tb testing.TB, entityID string, now time.Time, edit func(*saml.EntityDescriptor)) []byte {
	tb.Helper()
	meta, _ := url.Parse(entityID)
	sso, _ := url.Parse(entityID + "/sso")
	idp := saml.IdentityProvider{Key: testIdPKey, Certificate: mustIdPCert(tb, "idp.example.com", now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0)),
		MetadataURL: *meta, SSOURL: *sso}
	ed := idp.Metadata()
	if edit != nil {
		edit(ed)
	}
	raw, err := xml.Marshal(ed)
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

func TestParseIdPMetadata(t *testing.T) {
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	valid := mustIdPEntity(t, "https://idp.example.com/metadata", now, nil)
	spOnly := []byte(`<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example.com">
		<SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
		<AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example.com/acs" index="1"/>
		</SPSSODescriptor></EntityDescriptor>`)
	tests := []struct {
		name string
		raw  []byte
		want error
	}{
		{"OK", valid, nil},
		{"OKInEntitiesDescriptor", []byte(`<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata">` +
			string(spOnly) + string(valid) + `</EntitiesDescriptor>`), nil},
		{"ErrNotXML", []byte("this is not xml"), identity.ErrIdPMetadataXML},
		{"ErrEmpty", []byte("  \n"), identity.ErrIdPMetadataXML},
		{"ErrNotMetadata", []byte(`<?xml version="1.0"?><html><body>hi</body></html>`), identity.ErrIdPMetadataXML},
		{"ErrNoEntityID", mustIdPEntity(t, "https://idp.example.com/metadata", now, func(ed *saml.EntityDescriptor) { ed.EntityID = "" }),
			identity.ErrIdPMetadataXML},
		{"ErrNoIDPSSODescriptor", spOnly, identity.ErrIdPMetadataNoIdP},
		{"ErrNoSSOEndpoint", mustIdPEntity(t, "https://idp.example.com/metadata", now, func(ed *saml.EntityDescriptor) {
			ed.IDPSSODescriptors[0].SingleSignOnServices = []saml.Endpoint{{Binding: saml.SOAPBinding, Location: "https://idp.example.com/soap"}}
		}), identity.ErrIdPMetadataNoSSO},
		{"ErrRelativeSSOEndpoint", mustIdPEntity(t, "https://idp.example.com/metadata", now, func(ed *saml.EntityDescriptor) {
			ed.IDPSSODescriptors[0].SingleSignOnServices = []saml.Endpoint{{Binding: saml.HTTPRedirectBinding, Location: "/sso"}}
		}), identity.ErrIdPMetadataXML}, // crewjam's parser refuses it
		{"ErrNoSigningCert", mustIdPEntity(t, "https://idp.example.com/metadata", now, func(ed *saml.EntityDescriptor) {
			ed.IDPSSODescriptors[0].KeyDescriptors = ed.IDPSSODescriptors[0].KeyDescriptors[1:] // encryption only
		}), identity.ErrIdPMetadataNoCert},
		{"ErrBrokenCert", mustIdPEntity(t, "https://idp.example.com/metadata", now, func(ed *saml.EntityDescriptor) {
			ed.IDPSSODescriptors[0].KeyDescriptors[0].KeyInfo.X509Data.X509Certificates[0].Data = "bm90IGEgY2VydA=="
		}), identity.ErrIdPMetadataNoCert},
		{"ErrCertExpired", mustIdPEntity(t, "https://idp.example.com/metadata", now, func(ed *saml.EntityDescriptor) {
			old := mustIdPCert(t, "old", now.AddDate(-3, 0, 0), now.AddDate(0, 0, -1))
			ed.IDPSSODescriptors[0].KeyDescriptors[0].KeyInfo.X509Data.X509Certificates[0].Data = b64(old.Raw)
		}), identity.ErrIdPMetadataCertExpired},
		{"ErrTooLarge", append(bytes.Repeat([]byte(" "), identity.MaxIdPMetadataSize), valid...), identity.ErrIdPMetadataTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ed, sum, err := identity.ParseIdPMetadata(tt.raw, now)
			assertErr(t, err, tt.want)
			if tt.want != nil {
				return
			}
			if got, want := sum.EntityID, "https://idp.example.com/metadata"; got != want || ed.EntityID != want {
				t.Errorf("entity id %q (%q), want %q", got, ed.EntityID, want)
			}
			if got, want := sum.SSOURL, "https://idp.example.com/metadata/sso"; got != want {
				t.Errorf("sso url %q, want %q", got, want)
			}
			if got, want := sum.SSOBinding, saml.HTTPRedirectBinding; got != want {
				t.Errorf("binding %q, want %q", got, want)
			}
			if got, want := sum.CertSubject, "CN=idp.example.com"; got != want {
				t.Errorf("subject %q, want %q", got, want)
			}
			if !sum.CertNotAfter.Equal(now.AddDate(5, 0, 0)) {
				t.Errorf("not after %v", sum.CertNotAfter)
			}
		})
	}
}

func b64(der []byte) string { return base64.StdEncoding.EncodeToString(der) }

// assertField fails unless err is an application error naming field.
func assertField(tb testing.TB, err error, field string) {
	tb.Helper()
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) != 1 || e.Fields[0].Field != field {
		tb.Fatalf("error %v does not name field %s", err, field)
	}
}

func TestAccessConfig(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		a, b := mustOrg(t, f), mustOrg(t, f)
		_, finance := mustOrgMemberActor(t, a, identity.PresetFinance)
		_, admin := mustOrgMemberActor(t, a, identity.PresetAdmin)
		metaA := mustIdPEntity(t, "https://idp-a.example.com/metadata", f.clock.Now(), nil)

		t.Run("OKEmpty", func(t *testing.T) {
			c, err := f.svc.AccessConfig(ctx, a.main)
			assertErr(t, err, nil)
			if c.XAccountType != a.p.XAccountType || c.XAccountType == "" || c.IdP != nil || c.NotifyURL != "" || !c.UpdatedAt.IsZero() {
				t.Fatalf("empty config %+v", c)
			}
		})

		t.Run("ErrForbidden", func(t *testing.T) {
			for _, actor := range []identity.Actor{f.admin, finance} {
				_, err := f.svc.AccessConfig(ctx, actor)
				assertErr(t, err, identity.ErrForbidden)
				_, err = f.svc.SetIdPMetadata(ctx, actor, metaA)
				assertErr(t, err, identity.ErrForbidden)
				assertErr(t, f.svc.SetNotifyURL(ctx, actor, "https://a.example.com/n"), identity.ErrForbidden)
				assertErr(t, f.svc.SetContacts(ctx, actor, identity.AccessContact{Name: "x", Mobile: "13800000000", Email: "x@example.com"}), identity.ErrForbidden)
				assertErr(t, f.svc.SetAllowIdPInitiated(ctx, actor, true), identity.ErrForbidden)
			}
		})

		t.Run("OKSetAll", func(t *testing.T) {
			sum, err := f.svc.SetIdPMetadata(ctx, admin, metaA)
			assertErr(t, err, nil)
			if sum.EntityID != "https://idp-a.example.com/metadata" || !sum.UploadedAt.Equal(f.clock.Now()) {
				t.Fatalf("summary %+v", sum)
			}
			// The same file again is fine (idempotent).
			_, err = f.svc.SetIdPMetadata(ctx, a.main, metaA)
			assertErr(t, err, nil)
			assertErr(t, f.svc.SetNotifyURL(ctx, a.main, " https://notify.a.example.com/bind?x=1 "), nil)
			assertErr(t, f.svc.SetContacts(ctx, a.main, identity.AccessContact{Name: " 张三 ", Mobile: "+86-13800000000", Email: "ops@a.example.com"}), nil)
			assertErr(t, f.svc.SetAllowIdPInitiated(ctx, a.main, true), nil)
			c, err := f.svc.AccessConfig(ctx, a.main)
			assertErr(t, err, nil)
			if c.IdP == nil || c.IdP.EntityID != sum.EntityID || c.IdP.SSOURL != sum.SSOURL || c.IdP.CertSubject != "CN=idp.example.com" ||
				!c.IdP.CertNotAfter.Equal(sum.CertNotAfter) || !c.IdP.UploadedAt.Equal(f.clock.Now()) {
				t.Errorf("idp %+v, want %+v", c.IdP, sum)
			}
			if got, want := c.NotifyURL, "https://notify.a.example.com/bind?x=1"; got != want {
				t.Errorf("notify url %q, want %q", got, want)
			}
			if got, want := c.Contact, (identity.AccessContact{Name: "张三", Mobile: "+86-13800000000", Email: "ops@a.example.com"}); got != want {
				t.Errorf("contact %+v, want %+v", got, want)
			}
			if !c.AllowIdPInitiated || !c.UpdatedAt.Equal(f.clock.Now()) {
				t.Errorf("allow %v, updated %v", c.AllowIdPInitiated, c.UpdatedAt)
			}
			var audits int
			if err := d.SQL.QueryRow("SELECT COUNT(*) FROM audit_log WHERE partner_id = $1 AND action LIKE 'access_config.%'", a.p.ID).Scan(&audits); err != nil {
				t.Fatal(err)
			}
			if audits != 5 {
				t.Errorf("%d audit rows, want 5", audits)
			}
		})

		t.Run("CrossTenant", func(t *testing.T) {
			c, err := f.svc.AccessConfig(ctx, b.main)
			assertErr(t, err, nil)
			if c.IdP != nil || c.NotifyURL != "" || c.Contact != (identity.AccessContact{}) || c.XAccountType != b.p.XAccountType {
				t.Fatalf("partner b sees %+v", c)
			}
			// b writes only its own row.
			assertErr(t, f.svc.SetNotifyURL(ctx, b.main, "https://b.example.com/n"), nil)
			c, _ = f.svc.AccessConfig(ctx, a.main)
			if c.NotifyURL != "https://notify.a.example.com/bind?x=1" {
				t.Fatalf("b changed a's url to %q", c.NotifyURL)
			}
		})

		t.Run("ErrIdPEntityTaken", func(t *testing.T) {
			_, err := f.svc.SetIdPMetadata(ctx, b.main, metaA)
			assertErr(t, err, identity.ErrIdPEntityTaken)
		})

		t.Run("ErrInvalidMetadata", func(t *testing.T) {
			_, err := f.svc.SetIdPMetadata(ctx, a.main, []byte("<not-metadata/>"))
			assertErr(t, err, identity.ErrIdPMetadataXML)
			c, _ := f.svc.AccessConfig(ctx, a.main)
			if c.IdP == nil || c.IdP.EntityID != "https://idp-a.example.com/metadata" {
				t.Fatalf("a refused upload replaced the metadata: %+v", c.IdP)
			}
		})

		t.Run("ErrContacts", func(t *testing.T) {
			tests := []struct {
				name  string
				in    identity.AccessContact
				want  error
				field string
			}{
				{"ErrNameRequired", identity.AccessContact{Mobile: "13800000000", Email: "a@b.cn"}, identity.ErrContactName, "contact_name"},
				{"ErrNameTooLong", identity.AccessContact{Name: strings.Repeat("名", 65), Mobile: "13800000000", Email: "a@b.cn"}, identity.ErrContactName, "contact_name"},
				{"ErrMobile", identity.AccessContact{Name: "n", Mobile: "12ab", Email: "a@b.cn"}, identity.ErrMobileFormat, "contact_mobile"},
				{"ErrEmail", identity.AccessContact{Name: "n", Mobile: "13800000000", Email: "nope"}, identity.ErrEmailFormat, "contact_email"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					err := f.svc.SetContacts(ctx, a.main, tt.in)
					assertErr(t, err, tt.want)
					assertField(t, err, tt.field)
				})
			}
		})

		t.Run("Lookup", func(t *testing.T) {
			ed, partnerID, err := f.svc.IdPFor(ctx, a.p.XAccountType)
			assertErr(t, err, nil)
			if partnerID != a.p.ID || ed.EntityID != "https://idp-a.example.com/metadata" || len(ed.IDPSSODescriptors) != 1 {
				t.Fatalf("IdPFor: %s %v", partnerID, ed)
			}
			_, _, err = f.svc.IdPFor(ctx, "NO_SUCH_TYPE")
			assertErr(t, err, identity.ErrPartnerNotFound)
			_, _, err = f.svc.IdPFor(ctx, b.p.XAccountType)
			assertErr(t, err, identity.ErrAccessNotConfigured)
			idp, err := f.svc.IdPByEntityID(ctx, "https://idp-a.example.com/metadata")
			assertErr(t, err, nil)
			if idp.PartnerID != a.p.ID || idp.XAccountType != a.p.XAccountType || !idp.AllowIdPInitiated {
				t.Fatalf("IdPByEntityID: %+v", idp)
			}
			_, err = f.svc.IdPByEntityID(ctx, "https://unknown.example.com")
			assertErr(t, err, identity.ErrAccessNotConfigured)
			if _, err := f.svc.IdPByPartner(ctx, b.p.ID); err == nil {
				t.Fatal("IdPByPartner: b has no IdP")
			}
			u, err := f.svc.NotifyTarget(ctx, b.p.ID)
			assertErr(t, err, nil)
			if u != "https://b.example.com/n" {
				t.Fatalf("NotifyTarget %q", u)
			}
			_, err = f.svc.NotifyTarget(ctx, mustOrg(t, f).p.ID)
			assertErr(t, err, identity.ErrAccessNotConfigured)
			assertErr(t, f.svc.SetNotifyURL(ctx, b.main, ""), nil)
			_, err = f.svc.NotifyTarget(ctx, b.p.ID)
			assertErr(t, err, identity.ErrAccessNotConfigured)
		})
	})
}

func TestCheckNotifyURL(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		loopback bool
		want     string
		err      error
	}{
		{"OKHTTPS", "https://partner.example.com/notify", false, "https://partner.example.com/notify", nil},
		{"OKUpperScheme", "HTTPS://partner.example.com/n?a=1", false, "https://partner.example.com/n?a=1", nil},
		{"OKEmptyClears", "  ", false, "", nil},
		{"OKLoopbackHTTPWhenAllowed", "http://127.0.0.1:8081/n", true, "http://127.0.0.1:8081/n", nil},
		{"OKLocalhostWhenAllowed", "http://localhost:9/n", true, "http://localhost:9/n", nil},
		{"ErrHTTP", "http://partner.example.com/notify", false, "", identity.ErrNotifyURL},
		{"ErrHTTPNotLoopbackEvenWhenAllowed", "http://partner.example.com/notify", true, "", identity.ErrNotifyURL},
		{"ErrLoopbackHTTP", "http://127.0.0.1:8081/n", false, "", identity.ErrNotifyURL},
		{"ErrLoopbackHTTPS", "https://localhost/n", false, "", identity.ErrNotifyURL},
		{"ErrPrivateAddress", "https://10.1.2.3/n", true, "", identity.ErrNotifyURL},
		{"ErrIPv6Loopback", "https://[::1]/n", false, "", identity.ErrNotifyURL},
		{"ErrFTP", "ftp://partner.example.com/n", false, "", identity.ErrNotifyURL},
		{"ErrRelative", "/notify", false, "", identity.ErrNotifyURL},
		{"ErrCredentials", "https://user:pw@partner.example.com/n", false, "", identity.ErrNotifyURL},
		{"ErrFragment", "https://partner.example.com/n#x", false, "", identity.ErrNotifyURL},
		{"ErrSpace", "https://partner.example.com/a b", false, "", identity.ErrNotifyURL},
		{"ErrTooLong", "https://partner.example.com/" + strings.Repeat("a", 512), false, "", identity.ErrNotifyURL},
		{"ErrGarbage", "https://%zz", false, "", identity.ErrNotifyURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := identity.CheckNotifyURL(tt.in, tt.loopback)
			assertErr(t, err, tt.err)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
