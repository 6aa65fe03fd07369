package app_test

// End-to-end single sign-on into the customer portal through a real node:
// the partner platform is a crewjam IdP (or a response signed by xmlsec1),
// the browser a cookie-jar client. The IdP and xmlsec1 helpers are minimal
// copies of internal/saml's test fixture.

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	crewjam "github.com/crewjam/saml"
	"github.com/crewjam/saml/logger"
	dsig "github.com/russellhaering/goxmldsig"

	"partnercenter/internal/app"
	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/saml"
)

// portalSSO is a started node with demo data whose partner sp has a test
// IdP configured, and a customer of sp bound to sp's user "xuser-1".
type portalSSO struct {
	app      *app.App
	sp       identity.Partner
	idp      *portalIdP
	customer customer.Customer
}

func mustPortalSSO(t *testing.T) *portalSSO {
	t.Helper()
	ctx := context.Background()
	cfg := testConfig(t, db.SQLite)
	// The SP's entity id and ACS URL come from the base URL, as with
	// PC_BASE_URL: take a free port first and configure both with it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = ln.Addr().String()
	ln.Close()
	cfg.BaseURL = "http://" + cfg.Addr
	a := mustStart(t, cfg)
	if got := a.URL(); got != cfg.BaseURL {
		t.Fatalf("URL %q, want %q", got, cfg.BaseURL)
	}
	demo, err := a.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var dp app.DemoPartner
	for _, p := range demo.Partners {
		if p.Key == "sp" {
			dp = p
		}
	}
	m, sp, err := a.Identity.SignInMember(ctx, dp.DomainName, "", dp.Admin.Password)
	if err != nil {
		t.Fatal(err)
	}
	main := m.Actor(sp)
	f := &portalSSO{app: a, sp: sp, idp: startPortalIdP(t, a.URL())}
	raw, err := xml.Marshal(f.idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Identity.SetIdPMetadata(ctx, main, raw); err != nil {
		t.Fatalf("upload idp metadata: %v", err)
	}
	name, pw := "sso-portal-cust", "Cust0mer!pw"
	c, err := a.Customers.CreateSubCustomer(ctx, main, customer.NewCustomer{XAccountID: "xuser-1",
		XAccountType: sp.XAccountType, DomainName: &name, Password: &pw})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Customers.AssociateNow(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	f.customer = c
	return f
}

// startLogin opens /authui/saml/login as the partner platform links to it
// and returns the IdP URL the browser is sent to.
func (f *portalSSO) startLogin(t *testing.T, c *http.Client, first bool) *url.URL {
	t.Helper()
	q := url.Values{"xAccountType": {f.sp.XAccountType}, "service": {"/customer/"}}
	if first {
		q.Set("isFirstLogin", "true")
	}
	resp, body := get(t, c, f.app.URL()+saml.LoginPath+"?"+q.Encode())
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("login: status %d, want 302\n%s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(loc.String(), f.idp.SSOURL.String()+"?") {
		t.Fatalf("sent to %s, want the IdP", loc)
	}
	return loc
}

// viaIdP runs a login through the crewjam IdP as user and returns the
// ACS's answer.
func (f *portalSSO) viaIdP(t *testing.T, c *http.Client, user, name string, first bool) *http.Response {
	t.Helper()
	f.idp.set(user, name)
	loc := f.startLogin(t, c, first)
	resp, page := get(t, c, loc.String())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("idp: status %d\n%s", resp.StatusCode, page)
	}
	if !strings.Contains(page, `action="`+f.app.URL()+saml.ACSPath+`"`) {
		t.Fatalf("the IdP does not post to our ACS:\n%s", page)
	}
	return autoPostForm(t, c, page, "SAMLResponse", "RelayState")
}

func mustSeeOther(t *testing.T, resp *http.Response, location string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != location {
		t.Fatalf("%s %s: %d to %q, want 303 to %q", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode,
			resp.Header.Get("Location"), location)
	}
}

// mustPortalHome checks that c is signed in to the portal as domainName.
func (f *portalSSO) mustPortalHome(t *testing.T, c *http.Client, domainName string) {
	t.Helper()
	resp, body := get(t, c, f.app.URL()+"/customer/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, domainName) {
		t.Fatalf("portal home: %d, want 200 showing %q\n%s", resp.StatusCode, domainName, body)
	}
}

func TestSAMLPortalSignIn(t *testing.T) {
	f := mustPortalSSO(t)
	ctx := context.Background()

	t.Run("CrewjamIdP", func(t *testing.T) {
		c := noRedirectClient(t)
		resp := f.viaIdP(t, c, "xuser-1", f.customer.DomainName, false)
		mustSeeOther(t, resp, "/customer/")
		f.mustPortalHome(t, c, f.customer.DomainName)
	})

	t.Run("XMLSec1Signed", func(t *testing.T) {
		xmlsec := xmlsec1Path(t)
		c := noRedirectClient(t)
		loc := f.startLogin(t, c, false)
		req := decodeAuthnRequest(t, loc)
		doc := f.idp.signXML(t, xmlsec, f.app.URL(), req.ID, "xuser-1")
		resp, err := c.PostForm(f.app.URL()+saml.ACSPath, url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString([]byte(doc))}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		mustSeeOther(t, resp, "/customer/")
		f.mustPortalHome(t, c, f.customer.DomainName)
	})

	t.Run("FirstLoginRegisters", func(t *testing.T) {
		const xuser, name, mobile = "xuser-first", "sso-first-cust", "13912340001"
		notices := func() (all, binds int) {
			t.Helper()
			if err := f.app.DB.SQL.QueryRow(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN bind_action = 1 THEN 1 ELSE 0 END), 0)
				FROM binding_notices WHERE xuser_id = $1`, xuser).Scan(&all, &binds); err != nil {
				t.Fatal(err)
			}
			return all, binds
		}
		c := noRedirectClient(t)
		resp := f.viaIdP(t, c, xuser, "", true)
		mustSeeOther(t, resp, "/customer/sso/first")
		resp, page := get(t, c, f.app.URL()+"/customer/sso/first")
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, xuser) {
			t.Fatalf("first login page: %d\n%s", resp.StatusCode, page)
		}
		token := func(page string) string {
			m := csrfInput.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no csrf token in\n%s", page)
			}
			return html.UnescapeString(m[1])
		}
		resp, err := c.PostForm(f.app.URL()+"/customer/sso/code", url.Values{"csrf_token": {token(page)}, "mobile": {mobile}})
		if err != nil {
			t.Fatal(err)
		}
		page = readAll(t, resp)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("send code: %d\n%s", resp.StatusCode, page)
		}
		msgs, err := f.app.Outbox.List(ctx, outbox.Filter{To: "+86" + mobile, Limit: 1})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("outbox: %v %v", msgs, err)
		}
		code := regexp.MustCompile(`\b\d{6}\b`).FindString(msgs[0].Body)
		if code == "" {
			t.Fatalf("no code in %q", msgs[0].Body)
		}
		if all, _ := notices(); all != 0 {
			t.Fatalf("%d notices before binding", all)
		}
		resp, err = c.PostForm(f.app.URL()+"/customer/sso/register", url.Values{"csrf_token": {token(page)},
			"domain_name": {name}, "password": {"Cust0mer!pw"}, "mobile": {mobile}, "code": {code}})
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("register: %d\n%s", resp.StatusCode, body)
		}
		mustSeeOther(t, resp, "/customer/")
		f.mustPortalHome(t, c, name)
		if all, binds := notices(); all != 1 || binds != 1 {
			t.Fatalf("%d notices (%d with bindAction 1), want exactly 1 bind", all, binds)
		}
		// The platform's next login signs the new account in directly.
		c2 := noRedirectClient(t)
		mustSeeOther(t, f.viaIdP(t, c2, xuser, "", false), "/customer/")
		f.mustPortalHome(t, c2, name)
	})
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	portalFormAction = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	portalFormField  = func(name string) *regexp.Regexp { return regexp.MustCompile(`name="` + name + `" value="([^"]*)"`) }
)

// autoPostForm submits a self-submitting form (the IdP's response) as a
// browser would.
func autoPostForm(t *testing.T, c *http.Client, page string, fields ...string) *http.Response {
	t.Helper()
	m := portalFormAction.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form in\n%s", page)
	}
	form := url.Values{}
	for _, name := range fields {
		if v := portalFormField(name).FindStringSubmatch(page); v != nil {
			form.Set(name, html.UnescapeString(v[1]))
		}
	}
	resp, err := c.PostForm(html.UnescapeString(m[1]), form)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if resp.StatusCode >= 400 {
		t.Fatalf("POST %s: %d\n%s", m[1], resp.StatusCode, body)
	}
	return resp
}

func decodeAuthnRequest(t *testing.T, loc *url.URL) crewjam.AuthnRequest {
	t.Helper()
	compressed, err := base64.StdEncoding.DecodeString(loc.Query().Get("SAMLRequest"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(compressed)))
	if err != nil {
		t.Fatal(err)
	}
	var req crewjam.AuthnRequest
	if err := xml.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	return req
}

// portalIdP is a crewjam IdP that signs in its configured user at once.
type portalIdP struct {
	*crewjam.IdentityProvider
	key  *rsa.PrivateKey
	cert *x509.Certificate

	mu         sync.Mutex
	user, name string
}

func startPortalIdP(t *testing.T, spURL string) *portalIdP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "idp.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	meta, _ := url.Parse(srv.URL + "/idp/metadata")
	sso, _ := url.Parse(srv.URL + "/idp/sso")
	p := &portalIdP{key: key, cert: cert}
	p.IdentityProvider = &crewjam.IdentityProvider{Key: key, Certificate: cert, Logger: logger.DefaultLogger,
		MetadataURL: *meta, SSOURL: *sso, SignatureMethod: dsig.RSASHA256SignatureMethod,
		ServiceProviderProvider: spMetadata(spURL), SessionProvider: p}
	mux.HandleFunc("/idp/metadata", p.ServeMetadata)
	mux.HandleFunc("/idp/sso", p.ServeSSO)
	return p
}

func (p *portalIdP) set(user, name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user, p.name = user, name
}

// GetSession implements crewjam.SessionProvider: xUserId, and the account
// name when set.
func (p *portalIdP) GetSession(_ http.ResponseWriter, _ *http.Request, _ *crewjam.IdpAuthnRequest) *crewjam.Session {
	p.mu.Lock()
	defer p.mu.Unlock()
	attr := func(name, v string) crewjam.Attribute {
		return crewjam.Attribute{Name: name, NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
			Values: []crewjam.AttributeValue{{Type: "xs:string", Value: v}}}
	}
	attrs := []crewjam.Attribute{attr("xUserId", p.user)}
	if p.name != "" {
		attrs = append(attrs, attr("name", p.name))
	}
	return &crewjam.Session{ID: fmt.Sprint(time.Now().UnixNano()), CreateTime: time.Now(), ExpireTime: time.Now().Add(time.Hour),
		Index: "1", NameID: "transient-" + p.user, CustomAttributes: attrs}
}

// spMetadata gives the IdP our SP metadata, fetched from the node.
type spMetadata string

func (u spMetadata) GetServiceProvider(_ *http.Request, id string) (*crewjam.EntityDescriptor, error) {
	resp, err := http.Get(string(u) + saml.MetadataPath)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var ed crewjam.EntityDescriptor
	if err := xml.NewDecoder(resp.Body).Decode(&ed); err != nil {
		return nil, err
	}
	if ed.EntityID != id {
		return nil, os.ErrNotExist
	}
	return &ed, nil
}

// xmlsec1Path returns the xmlsec1 binary; without it the test is skipped,
// or fails under CI=true.
func xmlsec1Path(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmlsec1")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmlsec1 is not installed; CI must test SAML against it")
		}
		t.Skip("xmlsec1 not installed")
	}
	return p
}

var portalResponse = template.Must(template.New("response").Parse(`<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r{{.ID}}" Version="2.0" IssueInstant="{{.Now}}" Destination="{{.ACS}}" InResponseTo="{{.InResponseTo}}">
<saml:Issuer>{{.Issuer}}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
<saml:Assertion ID="_a{{.ID}}" Version="2.0" IssueInstant="{{.Now}}">
<saml:Issuer>{{.Issuer}}</saml:Issuer>
<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
<ds:SignedInfo>
<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<ds:Reference URI="#_a{{.ID}}">
<ds:Transforms>
<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
</ds:Transforms>
<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
<ds:DigestValue></ds:DigestValue>
</ds:Reference>
</ds:SignedInfo>
<ds:SignatureValue></ds:SignatureValue>
<ds:KeyInfo><ds:X509Data></ds:X509Data></ds:KeyInfo>
</ds:Signature>
<saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">t-{{.ID}}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData InResponseTo="{{.InResponseTo}}" NotOnOrAfter="{{.NotOnOrAfter}}" Recipient="{{.ACS}}"/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="{{.NotBefore}}" NotOnOrAfter="{{.NotOnOrAfter}}">
<saml:AudienceRestriction><saml:Audience>{{.Audience}}</saml:Audience></saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="{{.Now}}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>
<saml:AttributeStatement>
<saml:Attribute Name="IAM_SAML_Attributes_xUserId"><saml:AttributeValue>{{.XUserID}}</saml:AttributeValue></saml:Attribute>
</saml:AttributeStatement>
</saml:Assertion>
</samlp:Response>
`))

// signXML is the IdP's response to requestID for xUserID, its assertion
// signed by xmlsec1 with the IdP's key.
func (p *portalIdP) signXML(t *testing.T, xmlsec, spURL, requestID, xUserID string) string {
	t.Helper()
	now := time.Now().UTC()
	ts := func(t time.Time) string { return t.Format("2006-01-02T15:04:05Z") }
	var b strings.Builder
	if err := portalResponse.Execute(&b, map[string]string{"ID": fmt.Sprint(now.UnixNano()), "InResponseTo": requestID,
		"ACS": spURL + saml.ACSPath, "Audience": spURL + saml.MetadataPath, "Issuer": p.MetadataURL.String(),
		"XUserID": xUserID, "Now": ts(now), "NotBefore": ts(now.Add(-time.Minute)), "NotOnOrAfter": ts(now.Add(5 * time.Minute))}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyPath, certPath := filepath.Join(dir, "idp-key.pem"), filepath.Join(dir, "idp-cert.pem")
	in, out := filepath.Join(dir, "template.xml"), filepath.Join(dir, "signed.xml")
	der, err := x509.MarshalPKCS8PrivateKey(p.key)
	if err != nil {
		t.Fatal(err)
	}
	for path, content := range map[string][]byte{
		keyPath:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		certPath: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.cert.Raw}),
		in:       []byte(b.String()),
	} {
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if msg, err := exec.Command(xmlsec, "--sign", "--privkey-pem", keyPath+","+certPath,
		"--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", "--output", out, in).CombinedOutput(); err != nil {
		t.Fatalf("xmlsec1 --sign: %v\n%s", err, msg)
	}
	signed, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(signed)
}
