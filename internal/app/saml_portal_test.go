package app_test

// End-to-end single sign-on into the customer portal through a real node:
// the partner platform is a crewjam IdP (or a response signed by xmlsec1),
// the browser a cookie-jar client. The IdP and xmlsec1 helpers are
// internal/saml/samltest's.

import (
	"context"
	"encoding/base64"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"partnercenter/internal/app"
	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/saml"
	"partnercenter/internal/saml/samltest"
)

// portalSSO is a started node with demo data whose partner sp has a test
// IdP configured, and a customer of sp bound to sp's user "xuser-1".
type portalSSO struct {
	app      *app.App
	sp       identity.Partner
	idp      *samltest.IdP
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
	f := &portalSSO{app: a, sp: sp,
		idp: samltest.NewIdP(t, "/idp", samltest.ServiceProviderFromMetadata(a.URL()+saml.MetadataPath))}
	if _, err := a.Identity.SetIdPMetadata(ctx, main, f.idp.MetadataXML(t, nil)); err != nil {
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

// viaIdP runs a login through the crewjam IdP as user (with the account
// name when set) and returns the ACS's answer.
func (f *portalSSO) viaIdP(t *testing.T, c *http.Client, user, name string, first bool) *http.Response {
	t.Helper()
	var attrs []samltest.Attr
	if name != "" {
		attrs = append(attrs, samltest.Attr{Name: "name", Value: name})
	}
	f.idp.SetUser(user, attrs...)
	loc := f.startLogin(t, c, first)
	resp, page := get(t, c, loc.String())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("idp: status %d\n%s", resp.StatusCode, page)
	}
	if !strings.Contains(page, `action="`+f.app.URL()+saml.ACSPath+`"`) {
		t.Fatalf("the IdP does not post to our ACS:\n%s", page)
	}
	resp, body := samltest.AutoPost(t, c, page, "SAMLResponse", "RelayState")
	if resp.StatusCode >= 400 {
		t.Fatalf("POST %s: %d\n%s", resp.Request.URL, resp.StatusCode, body)
	}
	return resp
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
		samltest.XMLSec1(t)
		c := noRedirectClient(t)
		loc := f.startLogin(t, c, false)
		req := samltest.DecodeRedirectRequest(t, loc)
		doc := samltest.SignResponse(t, f.idp, samltest.NewResponse(f.idp, f.app.URL()+saml.ACSPath, f.app.URL()+saml.MetadataPath,
			req.ID, "xuser-1"))
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
