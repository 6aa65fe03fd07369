package saml_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	crewjam "github.com/crewjam/saml"

	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/saml"
	"partnercenter/internal/saml/samltest"
)

// mustStatus fails unless resp has status.
func mustStatus(tb testing.TB, resp *http.Response, body string, status int) {
	tb.Helper()
	if resp.StatusCode != status {
		tb.Fatalf("%s %s: status %d, want %d\n%s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
	}
}

// idpResponse runs the IdP part of a login started at loc and returns the
// IdP's self-submitting response page.
func idpResponse(tb testing.TB, c *http.Client, loc *url.URL) string {
	tb.Helper()
	resp, page := get(tb, c, loc.String())
	mustStatus(tb, resp, page, http.StatusOK)
	return page
}

func TestLoginEndToEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		key, err := f.sp.PlatformKey(context.Background())
		if err != nil {
			t.Fatal(err)
		}

		t.Run("OKCrewjamIdP", func(t *testing.T) {
			c := newClient(t)
			req, loc := f.startLogin(t, c, f.loginQuery("/customer/home?tab=1"))
			if got, want := req.Destination, f.idp.SSOURL.String(); got != want {
				t.Errorf("destination %q, want %q", got, want)
			}
			if got, want := req.Issuer.Value, f.srv.URL+saml.MetadataPath; got != want {
				t.Errorf("issuer %q, want %q", got, want)
			}
			if got, want := req.AssertionConsumerServiceURL, f.srv.URL+saml.ACSPath; got != want {
				t.Errorf("ACS %q, want %q", got, want)
			}
			// HTTP-Redirect with a signed query: SAMLRequest&SigAlg, signed
			// with the platform key.
			raw := loc.RawQuery
			i := strings.Index(raw, "&Signature=")
			if i < 0 || loc.Query().Get("SigAlg") != saml.SigAlgRSASHA256 || loc.Query().Has("RelayState") {
				t.Fatalf("query %s", raw)
			}
			sig, err := base64.StdEncoding.DecodeString(loc.Query().Get("Signature"))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(raw[:i]))
			if err := rsa.VerifyPKCS1v15(key.Certificate.PublicKey.(*rsa.PublicKey), crypto.SHA256, sum[:], sig); err != nil {
				t.Fatalf("redirect signature: %v", err)
			}

			page := idpResponse(t, c, loc)
			if raw, _ := base64.StdEncoding.DecodeString(samltest.FormField(t, page, "SAMLResponse")); !strings.Contains(string(raw), "EncryptedAssertion") {
				t.Error("the IdP did not encrypt the assertion to our metadata's certificate")
			}
			resp, body := samltest.AutoPost(t, c, page, "SAMLResponse", "RelayState")
			mustStatus(t, resp, body, http.StatusOK)
			b := f.binder.last(t)
			want := binding{PartnerID: f.partner.ID, XAccountType: f.partner.XAccountType, XUserID: "platform-user-1",
				IsFirstLogin: true, Service: "/customer/home?tab=1"}
			if b.PartnerID != want.PartnerID || b.XAccountType != want.XAccountType || b.XUserID != want.XUserID ||
				b.IsFirstLogin != want.IsFirstLogin || b.Service != want.Service {
				t.Errorf("binder got %+v, want %+v", b, want)
			}
			if b.Attrs[saml.AttrName] != "cust_platform-user-1" || b.Attrs[saml.AttrMobile] != "86-13800000000" {
				t.Errorf("attrs %v", b.Attrs)
			}

			t.Run("ErrReplayed", func(t *testing.T) {
				n := f.binder.count()
				resp, body := samltest.AutoPost(t, c, page, "SAMLResponse", "RelayState")
				mustStatus(t, resp, body, http.StatusForbidden)
				if f.binder.count() != n {
					t.Fatal("a replayed response reached the Binder")
				}
			})
		})

		t.Run("ErrOtherBrowser", func(t *testing.T) {
			a, b := newClient(t), newClient(t)
			_, loc := f.startLogin(t, a, f.loginQuery(""))
			page := idpResponse(t, a, loc)
			n := f.binder.count()
			resp, body := samltest.AutoPost(t, b, page, "SAMLResponse")
			mustStatus(t, resp, body, http.StatusForbidden)
			if f.binder.count() != n {
				t.Fatal("another browser's response reached the Binder")
			}
			// The browser that started it may still finish it.
			resp, body = samltest.AutoPost(t, a, page, "SAMLResponse")
			mustStatus(t, resp, body, http.StatusOK)
			if got := f.binder.last(t); got.Service != "" || !got.IsFirstLogin {
				t.Errorf("binder got %+v", got)
			}
		})

		t.Run("ErrRequestExpired", func(t *testing.T) {
			c := newClient(t)
			_, loc := f.startLogin(t, c, f.loginQuery(""))
			page := idpResponse(t, c, loc)
			f.clock.Advance(saml.RequestTTL + time.Second)
			defer f.clock.Advance(-saml.RequestTTL - time.Second)
			resp, body := samltest.AutoPost(t, c, page, "SAMLResponse")
			mustStatus(t, resp, body, http.StatusForbidden)
		})

		t.Run("ErrOffSiteRelayState", func(t *testing.T) {
			c := newClient(t)
			_, loc := f.startLogin(t, c, f.loginQuery(""))
			page := idpResponse(t, c, loc)
			resp, body := post(t, c, f.srv.URL+saml.ACSPath, url.Values{
				"SAMLResponse": {samltest.FormField(t, page, "SAMLResponse")}, "RelayState": {"https://evil.example.com/"}})
			mustStatus(t, resp, body, http.StatusBadRequest)
		})

		t.Run("OKPOSTBinding", func(t *testing.T) {
			// A partner whose IdP offers only HTTP-POST gets a signed
			// AuthnRequest in a self-submitting form.
			p2, main2 := mustPartner(t, f, f.op)
			idp2 := startIdP(t, f, "/post")
			setUser(idp2, "post-user")
			f.mustUpload(t, main2, idp2.MetadataXML(t, func(ed *crewjam.EntityDescriptor) {
				d := &ed.IDPSSODescriptors[0]
				d.SingleSignOnServices = []crewjam.Endpoint{{Binding: crewjam.HTTPPostBinding, Location: idp2.SSOURL.String()}}
			}))
			c := newClient(t)
			resp, page := get(t, c, f.srv.URL+saml.LoginPath+"?xAccountType="+url.QueryEscape(p2.XAccountType))
			mustStatus(t, resp, page, http.StatusOK)
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "form-action "+idp2.Server.URL) || !strings.Contains(csp, "script-src 'nonce-") {
				t.Errorf("policy %q", csp)
			}
			resp, page = samltest.AutoPost(t, c, page, "SAMLRequest")
			mustStatus(t, resp, page, http.StatusOK)
			resp, body := samltest.AutoPost(t, c, page, "SAMLResponse", "RelayState")
			mustStatus(t, resp, body, http.StatusOK)
			if b := f.binder.last(t); b.PartnerID != p2.ID || b.XUserID != "post-user" || b.IsFirstLogin {
				t.Errorf("binder got %+v", b)
			}
		})
	})
}

func TestLoginParams(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		unconfigured, _ := mustPartner(t, f, f.op)
		unconfiguredType := unconfigured.XAccountType
		xat := f.partner.XAccountType
		tests := []struct {
			name   string
			query  url.Values
			status int
		}{
			{"ErrNoXAccountType", url.Values{"service": {"/x"}}, http.StatusBadRequest},
			{"ErrIsFirstLogin", url.Values{"xAccountType": {xat}, "isFirstLogin": {"yes"}}, http.StatusBadRequest},
			{"ErrServiceOtherSite", url.Values{"xAccountType": {xat}, "service": {"https://evil.example.com/x"}}, http.StatusBadRequest},
			{"ErrServiceSchemeRelative", url.Values{"xAccountType": {xat}, "service": {"//evil.example.com/x"}}, http.StatusBadRequest},
			{"ErrServiceBackslash", url.Values{"xAccountType": {xat}, "service": {`/\evil.example.com`}}, http.StatusBadRequest},
			{"ErrServiceJavascript", url.Values{"xAccountType": {xat}, "service": {"javascript:alert(1)"}}, http.StatusBadRequest},
			{"ErrServiceRelative", url.Values{"xAccountType": {xat}, "service": {"customer"}}, http.StatusBadRequest},
			{"ErrUnknownPlatform", url.Values{"xAccountType": {"NO_SUCH_IDP"}}, http.StatusNotFound},
			{"ErrNotConfigured", url.Values{"xAccountType": {unconfiguredType}}, http.StatusNotFound},
		}
		count := func() int {
			var n int
			if err := d.SQL.QueryRow("SELECT COUNT(*) FROM saml_requests").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := count()
				resp, body := get(t, newClient(t), f.srv.URL+saml.LoginPath+"?"+tt.query.Encode())
				mustStatus(t, resp, body, tt.status)
				if !strings.Contains(body, `id="title"`) {
					t.Errorf("no error page:\n%s", body)
				}
				if count() != before {
					t.Error("a refused login was remembered")
				}
			})
		}

		t.Run("OKOwnOriginService", func(t *testing.T) {
			req, _ := f.startLogin(t, newClient(t), f.loginQuery(f.srv.URL+"/customer/orders?id=1"))
			var service string
			var first bool
			if err := d.SQL.QueryRow("SELECT service, is_first_login FROM saml_requests WHERE id = $1", req.ID).Scan(&service, &first); err != nil {
				t.Fatal(err)
			}
			if service != "/customer/orders?id=1" || !first {
				t.Fatalf("stored service %q, first %v", service, first)
			}
		})

		t.Run("OKTranslated", func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, f.srv.URL+saml.LoginPath+"?xAccountType=NO_SUCH_IDP", nil)
			req.Header.Set("Accept-Language", "en-US,en;q=0.9")
			resp, body := do(t, newClient(t), req)
			mustStatus(t, resp, body, http.StatusNotFound)
			if !strings.Contains(body, "No partner has the platform ID NO_SUCH_IDP.") || !strings.Contains(body, "Sign-in failed") {
				t.Errorf("page not in English:\n%s", body)
			}
		})
	})
}

// newXMLResponse is a valid response of f's IdP to requestID ("" for an
// IdP-initiated one), issued now.
func (f *fixture) newXMLResponse(requestID, xUserID string) samltest.Response {
	return samltest.NewResponse(f.idp, f.srv.URL+saml.ACSPath, f.srv.URL+saml.MetadataPath, requestID, xUserID)
}

// signXML renders r and, when sign is set, signs its assertion with
// xmlsec1 and the IdP's key; it returns the document.
func (f *fixture) signXML(tb testing.TB, r samltest.Response, sign bool) string {
	tb.Helper()
	if !sign {
		return samltest.UnsignedResponse(tb, r)
	}
	return samltest.SignResponse(tb, f.idp, r)
}

func (f *fixture) postResponse(tb testing.TB, c *http.Client, doc, relayState string) (*http.Response, string) {
	tb.Helper()
	form := url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString([]byte(doc))}}
	if relayState != "" {
		form.Set("RelayState", relayState)
	}
	return post(tb, c, f.srv.URL+saml.ACSPath, form)
}

func TestXMLSec1Responses(t *testing.T) {
	samltest.XMLSec1(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		hour := time.Hour
		tests := []struct {
			name   string
			edit   func(r *samltest.Response)
			sign   bool
			after  func(doc string) string // changes the signed document
			status int
		}{
			{"OKSignedByXMLSec1", nil, true, nil, http.StatusOK},
			{"ErrAltered", nil, true, func(doc string) string { return strings.Replace(doc, "xmlsec-user", "other-user", 1) }, http.StatusForbidden},
			{"ErrUnsigned", nil, false, nil, http.StatusForbidden},
			{"ErrExpired", func(r *samltest.Response) {
				old := time.Now().UTC().Add(-hour)
				r.IssueInstant, r.NotBefore = old.Format(time.RFC3339), old.Add(-time.Minute).Format(time.RFC3339)
				r.NotOnOrAfter = old.Add(5 * time.Minute).Format(time.RFC3339)
			}, true, nil, http.StatusForbidden},
			{"ErrWrongAudience", func(r *samltest.Response) { r.Audience = "https://other-sp.example.com/metadata.xml" }, true, nil, http.StatusForbidden},
			{"ErrWrongDestination", func(r *samltest.Response) {
				r.Destination, r.Recipient = "https://other-sp.example.com/acs", "https://other-sp.example.com/acs"
			}, true, nil, http.StatusForbidden},
			{"ErrWrongInResponseTo", func(r *samltest.Response) { r.InResponseTo = "id-not-ours" }, true, nil, http.StatusForbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := newClient(t)
				req, _ := f.startLogin(t, c, f.loginQuery("/customer/"))
				r := f.newXMLResponse(req.ID, "xmlsec-user")
				if tt.edit != nil {
					tt.edit(&r)
				}
				doc := f.signXML(t, r, tt.sign)
				if tt.after != nil {
					doc = tt.after(doc)
				}
				n := f.binder.count()
				resp, body := f.postResponse(t, c, doc, "")
				mustStatus(t, resp, body, tt.status)
				if tt.status != http.StatusOK {
					if f.binder.count() != n {
						t.Fatal("a refused response reached the Binder")
					}
					return
				}
				b := f.binder.last(t)
				if b.XUserID != "xmlsec-user" || b.PartnerID != f.partner.ID || b.Service != "/customer/" {
					t.Errorf("binder got %+v", b)
				}
				resp, body = f.postResponse(t, c, doc, "")
				mustStatus(t, resp, body, http.StatusForbidden)
			})
		}

		t.Run("ErrOtherPartnersIdP", func(t *testing.T) {
			// A login started for partner 2 is not finished by partner 1's
			// IdP, though both are configured.
			p2, main2 := mustPartner(t, f, f.op)
			idp2 := startIdP(t, f, "/two")
			f.mustUpload(t, main2, idp2.MetadataXML(t, nil))
			c := newClient(t)
			req, _ := f.startLogin(t, c, url.Values{"xAccountType": {p2.XAccountType}})
			n := f.binder.count()
			resp, body := f.postResponse(t, c, f.signXML(t, f.newXMLResponse(req.ID, "intruder"), true), "")
			mustStatus(t, resp, body, http.StatusForbidden)
			if f.binder.count() != n {
				t.Fatal("partner 1's IdP signed a customer in to partner 2")
			}
		})
	})
}

func TestIdPInitiated(t *testing.T) {
	samltest.XMLSec1(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		c := newClient(t)
		doc := f.signXML(t, f.newXMLResponse("", "unsolicited-user"), true)

		t.Run("ErrNotAllowed", func(t *testing.T) {
			resp, body := f.postResponse(t, c, doc, "/customer/coupons")
			mustStatus(t, resp, body, http.StatusForbidden)
		})
		if err := f.ids.SetAllowIdPInitiated(ctx, f.main, true); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrOffSiteRelayState", func(t *testing.T) {
			for _, relay := range []string{"https://evil.example.com/", "//evil.example.com", `/\evil.example.com`, "evil"} {
				resp, body := f.postResponse(t, c, doc, relay)
				mustStatus(t, resp, body, http.StatusBadRequest)
			}
		})
		t.Run("OK", func(t *testing.T) {
			resp, body := f.postResponse(t, newClient(t), doc, "/customer/coupons")
			mustStatus(t, resp, body, http.StatusOK)
			b := f.binder.last(t)
			if b.XUserID != "unsolicited-user" || b.Service != "/customer/coupons" || b.IsFirstLogin || b.XAccountType != f.partner.XAccountType {
				t.Errorf("binder got %+v", b)
			}
		})
		t.Run("ErrReplayed", func(t *testing.T) {
			resp, body := f.postResponse(t, newClient(t), doc, "/customer/coupons")
			mustStatus(t, resp, body, http.StatusForbidden)
		})
		t.Run("OKCrewjamIdPInitiated", func(t *testing.T) {
			setUser(f.idp, "crewjam-unsolicited")
			defer setUser(f.idp, "platform-user-1")
			rec := httptest.NewRecorder()
			f.idp.ServeIDPInitiated(rec, httptest.NewRequest(http.MethodGet, f.idp.SSOURL.String(), nil), f.srv.URL+saml.MetadataPath, "/customer/")
			resp, body := samltest.AutoPost(t, newClient(t), rec.Body.String(), "SAMLResponse", "RelayState")
			mustStatus(t, resp, body, http.StatusOK)
			if b := f.binder.last(t); b.XUserID != "crewjam-unsolicited" || b.Service != "/customer/" {
				t.Errorf("binder got %+v", b)
			}
		})
	})
}
