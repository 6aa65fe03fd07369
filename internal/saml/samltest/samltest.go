// Package samltest helps tests drive SAML single sign-on against a real
// identity provider: a crewjam IdP on an httptest server, a browser's
// handling of self-submitting forms and HTTP-Redirect requests, and
// responses signed by xmlsec1.
//
// It is for tests only.
package samltest

import (
	"bytes"
	"compress/flate"
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
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/template"
	"time"

	crewjam "github.com/crewjam/saml"
	"github.com/crewjam/saml/logger"
	dsig "github.com/russellhaering/goxmldsig"
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

// Attr is a basic-format string attribute the IdP sends.
type Attr struct{ Name, Value string }

// IdP is a crewjam IdentityProvider on its own server that vouches for
// its user (the xUserId attribute) without asking anything.
type IdP struct {
	*crewjam.IdentityProvider
	Server *httptest.Server
	Cert   *x509.Certificate

	mu    sync.Mutex
	user  string
	attrs []Attr
}

// NewIdP starts an IdP serving prefix+"/metadata" and prefix+"/sso" that
// learns service providers from sp. It signs no one in until SetUser.
func NewIdP(tb testing.TB, prefix string, sp crewjam.ServiceProviderProvider) *IdP {
	tb.Helper()
	p := &IdP{Cert: mustCert(tb, "idp.test")}
	mux := http.NewServeMux()
	p.Server = httptest.NewServer(mux)
	tb.Cleanup(p.Server.Close)
	meta, _ := url.Parse(p.Server.URL + prefix + "/metadata")
	sso, _ := url.Parse(p.Server.URL + prefix + "/sso")
	p.IdentityProvider = &crewjam.IdentityProvider{
		Key: idpKey, Certificate: p.Cert, Logger: logger.DefaultLogger,
		MetadataURL: *meta, SSOURL: *sso, SignatureMethod: dsig.RSASHA256SignatureMethod,
		ServiceProviderProvider: sp, SessionProvider: p,
	}
	mux.HandleFunc(prefix+"/metadata", p.ServeMetadata)
	mux.HandleFunc(prefix+"/sso", p.ServeSSO)
	return p
}

// SetUser makes the IdP sign in user: its xUserId attribute, then attrs.
func (p *IdP) SetUser(user string, attrs ...Attr) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user, p.attrs = user, attrs
}

// GetSession implements crewjam.SessionProvider: it signs the configured
// user in at once.
func (p *IdP) GetSession(_ http.ResponseWriter, _ *http.Request, _ *crewjam.IdpAuthnRequest) *crewjam.Session {
	p.mu.Lock()
	defer p.mu.Unlock()
	attr := func(name, v string) crewjam.Attribute {
		return crewjam.Attribute{Name: name, NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
			Values: []crewjam.AttributeValue{{Type: "xs:string", Value: v}}}
	}
	attrs := []crewjam.Attribute{attr("xUserId", p.user)}
	for _, a := range p.attrs {
		attrs = append(attrs, attr(a.Name, a.Value))
	}
	return &crewjam.Session{ID: fmt.Sprint(seq.Add(1)), CreateTime: time.Now(), ExpireTime: time.Now().Add(time.Hour),
		Index: "1", NameID: "transient-" + p.user, CustomAttributes: attrs}
}

// MetadataXML is the IdP's metadata, edited by edit when set.
func (p *IdP) MetadataXML(tb testing.TB, edit func(*crewjam.EntityDescriptor)) []byte {
	tb.Helper()
	ed := p.Metadata()
	if edit != nil {
		edit(ed)
	}
	raw, err := xml.Marshal(ed)
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

// KeyFiles writes the IdP's key and certificate as PEM for xmlsec1 to a
// new temporary directory.
func (p *IdP) KeyFiles(tb testing.TB) (keyPath, certPath string) {
	tb.Helper()
	dir := tb.TempDir()
	keyPath, certPath = filepath.Join(dir, "idp-key.pem"), filepath.Join(dir, "idp-cert.pem")
	der, err := x509.MarshalPKCS8PrivateKey(idpKey)
	if err != nil {
		tb.Fatal(err)
	}
	mustWrite(tb, keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	mustWrite(tb, certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.Cert.Raw}))
	return keyPath, certPath
}

// ServiceProviderFromMetadata is a crewjam.ServiceProviderProvider that
// fetches the SP's metadata from this URL, as a real IdP would load it.
type ServiceProviderFromMetadata string

// GetServiceProvider implements crewjam.ServiceProviderProvider.
func (u ServiceProviderFromMetadata) GetServiceProvider(_ *http.Request, id string) (*crewjam.EntityDescriptor, error) {
	resp, err := http.Get(string(u))
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

var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	formField  = func(name string) *regexp.Regexp {
		return regexp.MustCompile(`name="` + name + `" value="([^"]*)"`)
	}
)

// FormField is the value of the form field name in page.
func FormField(tb testing.TB, page, name string) string {
	tb.Helper()
	m := formField(name).FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("no %s in\n%s", name, page)
	}
	return html.UnescapeString(m[1])
}

// AutoPost reads a self-submitting form (an IdP's response, or an SP's
// HTTP-POST AuthnRequest) and submits its fields with c, as a browser
// would. It returns the response and its body.
func AutoPost(tb testing.TB, c *http.Client, page string, fields ...string) (*http.Response, string) {
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
	target := html.UnescapeString(m[1])
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatalf("POST %s: %v", target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, string(b)
}

// DecodeRedirectRequest is the AuthnRequest in loc, an HTTP-Redirect
// binding URL.
func DecodeRedirectRequest(tb testing.TB, loc *url.URL) crewjam.AuthnRequest {
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

// XMLSec1 returns the xmlsec1 binary; without it the test is skipped, or
// fails under CI=true.
func XMLSec1(tb testing.TB) string {
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

// RunXMLSec1 runs xmlsec1 (see XMLSec1) with args and returns its output.
func RunXMLSec1(tb testing.TB, args ...string) (string, error) {
	tb.Helper()
	out, err := exec.Command(XMLSec1(tb), args...).CombinedOutput()
	return string(out), err
}

// Response is what a response built by SignResponse or UnsignedResponse
// says.
type Response struct {
	ID, InResponseTo, Destination, Recipient, Audience, Issuer, XUserID string
	IssueInstant, NotBefore, NotOnOrAfter                               string
}

// NewResponse is a valid response of idp to requestID ("" for an
// IdP-initiated one) for an SP with this ACS URL and entity id, issued now.
func NewResponse(idp *IdP, acsURL, audience, requestID, xUserID string) Response {
	now := time.Now().UTC()
	ts := func(t time.Time) string { return t.Format("2006-01-02T15:04:05Z") }
	return Response{ID: fmt.Sprintf("%d%d", now.UnixNano(), seq.Add(1)), InResponseTo: requestID,
		Destination: acsURL, Recipient: acsURL, Audience: audience,
		Issuer: idp.MetadataURL.String(), XUserID: xUserID,
		IssueInstant: ts(now), NotBefore: ts(now.Add(-time.Minute)), NotOnOrAfter: ts(now.Add(5 * time.Minute))}
}

var responseTemplate = template.Must(template.New("response").Parse(`<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r{{.ID}}" Version="2.0" IssueInstant="{{.IssueInstant}}" Destination="{{.Destination}}"{{with .InResponseTo}} InResponseTo="{{.}}"{{end}}>
<saml:Issuer>{{.Issuer}}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
<saml:Assertion ID="_a{{.ID}}" Version="2.0" IssueInstant="{{.IssueInstant}}">
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
<saml:SubjectConfirmationData{{with .InResponseTo}} InResponseTo="{{.}}"{{end}} NotOnOrAfter="{{.NotOnOrAfter}}" Recipient="{{.Recipient}}"/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="{{.NotBefore}}" NotOnOrAfter="{{.NotOnOrAfter}}">
<saml:AudienceRestriction><saml:Audience>{{.Audience}}</saml:Audience></saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="{{.IssueInstant}}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>
<saml:AttributeStatement>
<saml:Attribute Name="IAM_SAML_Attributes_xUserId"><saml:AttributeValue>{{.XUserID}}</saml:AttributeValue></saml:Attribute>
</saml:AttributeStatement>
</saml:Assertion>
</samlp:Response>
`))

// render is r as a document with an empty signature template.
func render(tb testing.TB, r Response) string {
	tb.Helper()
	var b strings.Builder
	if err := responseTemplate.Execute(&b, r); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// UnsignedResponse is r as a document without any signature.
func UnsignedResponse(tb testing.TB, r Response) string {
	tb.Helper()
	doc := render(tb, r)
	start, end := strings.Index(doc, "<ds:Signature"), strings.Index(doc, "</ds:Signature>")
	return doc[:start] + doc[end+len("</ds:Signature>"):]
}

// SignResponse is r as a document whose assertion xmlsec1 signed with
// idp's key. Without xmlsec1 the test is skipped (see XMLSec1).
func SignResponse(tb testing.TB, idp *IdP, r Response) string {
	tb.Helper()
	doc := render(tb, r)
	keyPath, certPath := idp.KeyFiles(tb)
	dir := filepath.Dir(keyPath)
	in, out := filepath.Join(dir, "template.xml"), filepath.Join(dir, "signed.xml")
	mustWrite(tb, in, []byte(doc))
	if msg, err := RunXMLSec1(tb, "--sign", "--privkey-pem", keyPath+","+certPath,
		"--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", "--output", out, in); err != nil {
		tb.Fatalf("xmlsec1 --sign: %v\n%s", err, msg)
	}
	signed, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return string(signed)
}

func mustWrite(tb testing.TB, path string, b []byte) {
	tb.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}
