package saml_test

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
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	crewjam "github.com/crewjam/saml"
	"github.com/crewjam/saml/logger"
	dsig "github.com/russellhaering/goxmldsig"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/secretbox"
	"partnercenter/internal/saml"
)

// idpKey signs for every test IdP: RSA keys are slow to make.
var idpKey = func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}()

var seq atomic.Int64

// mustCert returns a self-signed certificate of idpKey valid around now.
func mustCert(tb testing.TB, cn string) *x509.Certificate {
	tb.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(seq.Add(1)), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &idpKey.PublicKey, idpKey)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// binding is one SignIn call the recording Binder saw.
type binding struct {
	PartnerID, XAccountType, XUserID string
	Attrs                            map[string]string
	IsFirstLogin                     bool
	Service                          string
}

// recorder is a Binder that remembers its calls and answers 200 "bound".
type recorder struct {
	mu    sync.Mutex
	calls []binding
}

func (b *recorder) SignIn(_ context.Context, w http.ResponseWriter, _ *http.Request, partnerID, xAccountType, xUserID string,
	attrs map[string]string, isFirstLogin bool, service string) {
	b.mu.Lock()
	b.calls = append(b.calls, binding{partnerID, xAccountType, xUserID, attrs, isFirstLogin, service})
	b.mu.Unlock()
	_, _ = io.WriteString(w, "bound "+xUserID)
}

func (b *recorder) last(tb testing.TB) binding {
	tb.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.calls) == 0 {
		tb.Fatal("the Binder was not called")
	}
	return b.calls[len(b.calls)-1]
}

func (b *recorder) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.calls)
}

// fixture is our SP on a real database behind an httptest server, with a
// partner whose platform is a crewjam IdP on a second server.
type fixture struct {
	db     *db.DB
	ids    *identity.Service
	sp     *saml.Service
	srv    *httptest.Server
	clock  *clock.Mock
	binder *recorder
	box    *secretbox.Box

	op      identity.Actor // a platform admin
	partner identity.Partner
	main    identity.Actor // the partner's main account
	idp     *testIdP
}

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	ctx := context.Background()
	box, err := secretbox.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	// The mock starts at the real time: crewjam checks timestamps against
	// the wall clock, our store against this one.
	f := &fixture{db: d, clock: clock.NewMock(time.Now().Truncate(time.Second)), binder: &recorder{}, box: box}
	f.ids = identity.NewService(d, f.clock, box)
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	tb.Cleanup(f.srv.Close)
	f.sp = saml.New(saml.Deps{DB: d, Box: box, Clock: f.clock, Identity: f.ids, Binder: f.binder}, saml.Config{BaseURL: f.srv.URL})
	for _, rt := range f.sp.Routes() {
		mux.Handle(rt.Method+" "+rt.Pattern, rt.Handler)
	}
	op, err := f.ids.CreateOperator(ctx, identity.NewOperator{Username: fmt.Sprintf("op%d", seq.Add(1)), Password: "Passw0rd!x",
		Roles: []identity.OperatorRole{identity.RolePlatformAdmin}})
	if err != nil {
		tb.Fatal(err)
	}
	f.op = op.Actor()
	f.partner, f.main = mustPartner(tb, f, f.op)
	f.idp = startIdP(tb, f, "/idp")
	f.mustUpload(tb, f.main, f.idp.metadataXML(tb, nil))
	return f
}

// mustPartner creates a partner and returns it with its main account.
func mustPartner(tb testing.TB, f *fixture, op identity.Actor) (identity.Partner, identity.Actor) {
	tb.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("samlp%d", seq.Add(1))
	p, acct, err := f.ids.CreatePartner(ctx, op, identity.NewPartner{Type: identity.SolutionProvider, Name: "SAML " + name, DomainName: name})
	if err != nil {
		tb.Fatal(err)
	}
	m, got, err := f.ids.SignInMember(ctx, p.DomainName, "", acct.Password)
	if err != nil {
		tb.Fatal(err)
	}
	return got, m.Actor(got)
}

func (f *fixture) mustUpload(tb testing.TB, actor identity.Actor, metadata []byte) {
	tb.Helper()
	if _, err := f.ids.SetIdPMetadata(context.Background(), actor, metadata); err != nil {
		tb.Fatalf("upload idp metadata: %v", err)
	}
}

// testIdP is a crewjam IdentityProvider on its own server that vouches for
// user (its xUserId attribute) without asking anything.
type testIdP struct {
	*crewjam.IdentityProvider
	srv  *httptest.Server
	cert *x509.Certificate
	mu   sync.Mutex
	user string
}

func startIdP(tb testing.TB, f *fixture, prefix string) *testIdP {
	tb.Helper()
	t := &testIdP{cert: mustCert(tb, "idp.test"), user: "platform-user-1"}
	mux := http.NewServeMux()
	t.srv = httptest.NewServer(mux)
	tb.Cleanup(t.srv.Close)
	meta, _ := url.Parse(t.srv.URL + prefix + "/metadata")
	sso, _ := url.Parse(t.srv.URL + prefix + "/sso")
	t.IdentityProvider = &crewjam.IdentityProvider{
		Key: idpKey, Certificate: t.cert, Logger: logger.DefaultLogger,
		MetadataURL: *meta, SSOURL: *sso, SignatureMethod: dsig.RSASHA256SignatureMethod,
		ServiceProviderProvider: spFromMetadata{f}, SessionProvider: t,
	}
	mux.HandleFunc(prefix+"/metadata", t.ServeMetadata)
	mux.HandleFunc(prefix+"/sso", t.ServeSSO)
	return t
}

// GetSession signs the configured user in at once.
func (t *testIdP) GetSession(_ http.ResponseWriter, _ *http.Request, _ *crewjam.IdpAuthnRequest) *crewjam.Session {
	t.mu.Lock()
	defer t.mu.Unlock()
	attr := func(name, v string) crewjam.Attribute {
		return crewjam.Attribute{Name: name, NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
			Values: []crewjam.AttributeValue{{Type: "xs:string", Value: v}}}
	}
	return &crewjam.Session{ID: fmt.Sprint(seq.Add(1)), CreateTime: time.Now(), ExpireTime: time.Now().Add(time.Hour),
		Index: "1", NameID: "transient-" + t.user,
		CustomAttributes: []crewjam.Attribute{attr("xUserId", t.user), attr("name", "cust_"+t.user), attr("mobile", "86-13800000000")}}
}

func (t *testIdP) setUser(u string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.user = u
}

// metadataXML is the IdP's metadata, edited by edit when set.
func (t *testIdP) metadataXML(tb testing.TB, edit func(*crewjam.EntityDescriptor)) []byte {
	tb.Helper()
	ed := t.Metadata()
	if edit != nil {
		edit(ed)
	}
	raw, err := xml.Marshal(ed)
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

// certPEM writes the IdP's key and certificate for xmlsec1.
func (t *testIdP) keyFiles(tb testing.TB) (keyPath, certPath string) {
	tb.Helper()
	dir := tb.TempDir()
	keyPath, certPath = filepath.Join(dir, "idp-key.pem"), filepath.Join(dir, "idp-cert.pem")
	der, err := x509.MarshalPKCS8PrivateKey(idpKey)
	if err != nil {
		tb.Fatal(err)
	}
	mustWrite(tb, keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	mustWrite(tb, certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: t.cert.Raw}))
	return keyPath, certPath
}

// spFromMetadata gives the IdP our SP metadata, fetched from our endpoint as
// a real IdP would load it.
type spFromMetadata struct{ f *fixture }

func (p spFromMetadata) GetServiceProvider(_ *http.Request, id string) (*crewjam.EntityDescriptor, error) {
	resp, err := http.Get(p.f.srv.URL + saml.MetadataPath)
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

// newClient is a browser: a cookie jar, redirects not followed.
func newClient(tb testing.TB) *http.Client {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func do(tb testing.TB, c *http.Client, req *http.Request) (*http.Response, string) {
	tb.Helper()
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, string(b)
}

func get(tb testing.TB, c *http.Client, u string) (*http.Response, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return do(tb, c, req)
}

func post(tb testing.TB, c *http.Client, u string, form url.Values) (*http.Response, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewBufferString(form.Encode()))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(tb, c, req)
}

// startLogin opens /authui/saml/login with query and returns the
// AuthnRequest sent to the IdP and where the browser was sent.
func (f *fixture) startLogin(tb testing.TB, c *http.Client, query url.Values) (crewjam.AuthnRequest, *url.URL) {
	tb.Helper()
	resp, body := get(tb, c, f.srv.URL+saml.LoginPath+"?"+query.Encode())
	if resp.StatusCode != http.StatusFound {
		tb.Fatalf("login: status %d, want 302\n%s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		tb.Fatal(err)
	}
	return decodeRedirectRequest(tb, loc), loc
}

// loginQuery is the query a partner platform sends.
func (f *fixture) loginQuery(service string) url.Values {
	q := url.Values{"xAccountType": {f.partner.XAccountType}, "isFirstLogin": {"true"}}
	if service != "" {
		q.Set("service", service)
	}
	return q
}

func decodeRedirectRequest(tb testing.TB, loc *url.URL) crewjam.AuthnRequest {
	tb.Helper()
	compressed, err := base64.StdEncoding.DecodeString(loc.Query().Get("SAMLRequest"))
	if err != nil {
		tb.Fatalf("SAMLRequest: %v", err)
	}
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(compressed)))
	if err != nil {
		tb.Fatalf("inflate SAMLRequest: %v", err)
	}
	var req crewjam.AuthnRequest
	if err := xml.Unmarshal(raw, &req); err != nil {
		tb.Fatalf("AuthnRequest: %v\n%s", err, raw)
	}
	return req
}

var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	formField  = func(name string) *regexp.Regexp {
		return regexp.MustCompile(`name="` + name + `" value="([^"]*)"`)
	}
)

// autoPost reads a self-submitting form (the IdP's response, or our
// HTTP-POST AuthnRequest) and submits it with c, as a browser would.
func autoPost(tb testing.TB, c *http.Client, page string, fields ...string) (*http.Response, string) {
	tb.Helper()
	m := formAction.FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("no form in\n%s", page)
	}
	form := url.Values{}
	for _, name := range fields {
		if v := formField(name).FindStringSubmatch(page); v != nil {
			form.Set(name, html.UnescapeString(v[1]))
		}
	}
	return post(tb, c, html.UnescapeString(m[1]), form)
}

// xmlsec1 returns the xmlsec1 binary; without it the test is skipped, or
// fails under CI=true.
func xmlsec1(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("xmlsec1")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("xmlsec1 is not installed; CI must test SAML against it")
		}
		tb.Skip("xmlsec1 not installed")
	}
	return p
}

func runXMLSec(tb testing.TB, args ...string) (string, error) {
	tb.Helper()
	out, err := exec.Command(xmlsec1(tb), args...).CombinedOutput()
	return string(out), err
}

func mustWrite(tb testing.TB, path string, b []byte) {
	tb.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}
