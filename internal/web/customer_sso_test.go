package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"

	"partnercenter/internal/platform/outbox"
)

// binderCall is one verified assertion handed to the portal's binder.
type binderCall struct {
	partnerID, xAccountType, xUserID string
	attrs                            map[string]string
	first                            bool
	service                          string
}

// acs serves the app's saml.Binder inside the app's session manager, as the
// ACS does after verifying an assertion; the IdP itself is exercised in
// internal/saml. The browser's cookie jar sends the session cookie to it
// (cookies ignore the port).
func (s *site) acs(tb testing.TB, call *binderCall) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(s.app.Sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.app.SAML.Binder.SignIn(r.Context(), w, r, call.partnerID, call.xAccountType, call.xUserID, call.attrs,
			call.first, call.service)
	})))
	tb.Cleanup(srv.Close)
	return srv
}

func (b *browser) hit(srv *httptest.Server) (*http.Response, string) {
	b.tb.Helper()
	resp, err := b.c.Get(srv.URL + "/authui/saml/acs")
	if err != nil {
		b.tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.tb.Fatal(err)
	}
	return resp, string(raw)
}

var codeIn = regexp.MustCompile(`\b\d{6}\b`)

func TestCustomerBinder(t *testing.T) {
	s := mustSite(t)
	ctx := context.Background()
	c := s.mustCustomer(t, "sp", "bound-cust")
	dp := s.partner(t, "sp")
	p, err := s.app.Identity.PartnerByDomainName(ctx, dp.DomainName)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Bound", func(t *testing.T) {
		b := s.browser(t)
		call := &binderCall{partnerID: p.ID, xAccountType: p.XAccountType, xUserID: c.XAccountID,
			attrs: map[string]string{"name": c.DomainName}, service: "/customer/partner"}
		resp, body := b.hit(s.acs(t, call))
		mustRedirect(t, resp, body, "/customer/partner")
		resp, body = b.get("/customer/partner")
		mustStatus(t, resp, body, http.StatusOK, p.Name)
	})
	t.Run("AttributesMismatch", func(t *testing.T) {
		b := s.browser(t)
		call := &binderCall{partnerID: p.ID, xAccountType: p.XAccountType, xUserID: c.XAccountID,
			attrs: map[string]string{"name": "someone-else"}}
		resp, body := b.hit(s.acs(t, call))
		mustStatus(t, resp, body, http.StatusForbidden, tr("zh-CN", "customer.sso.mismatch"))
		resp, body = b.get("/customer/")
		mustRedirect(t, resp, body, "/customer/signin?next=%2Fcustomer%2F")
	})
	t.Run("UnboundNotFirstLogin", func(t *testing.T) {
		b := s.browser(t)
		resp, body := b.hit(s.acs(t, &binderCall{partnerID: p.ID, xAccountType: p.XAccountType, xUserID: "nobody"}))
		mustStatus(t, resp, body, http.StatusOK, tr("zh-CN", "customer.sso.unbound"))
	})
	t.Run("NoPendingLogin", func(t *testing.T) {
		b := s.browser(t)
		resp, body := b.get("/customer/sso/first")
		mustStatus(t, resp, body, http.StatusBadRequest, tr("zh-CN", "customer.sso.none"))
	})
	t.Run("FirstLoginCreatesAccount", func(t *testing.T) {
		b := s.browser(t)
		call := &binderCall{partnerID: p.ID, xAccountType: p.XAccountType, xUserID: "first-user", first: true,
			service: "/customer/partner"}
		resp, body := b.hit(s.acs(t, call))
		mustRedirect(t, resp, body, "/customer/sso/first")
		resp, page := b.get("/customer/sso/first")
		mustStatus(t, resp, page, http.StatusOK, "first-user")
		mobile := "13912345678"
		resp, page = b.post("/customer/sso/code", url.Values{"csrf_token": {csrf(t, page)}, "mobile": {mobile}})
		mustStatus(t, resp, page, http.StatusOK, tr("zh-CN", "customer.sso.code_sent"))
		msgs, err := s.app.Outbox.List(ctx, outbox.Filter{To: "+86" + mobile, Limit: 1})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("outbox: %v %v", msgs, err)
		}
		code := codeIn.FindString(msgs[0].Body)
		// Without the token the form is refused.
		resp, body = b.post("/customer/sso/register", url.Values{"domain_name": {"first-cust"},
			"password": {customerPassword}, "mobile": {mobile}, "code": {code}})
		mustStatus(t, resp, body, http.StatusForbidden)
		resp, body = b.post("/customer/sso/register", url.Values{"csrf_token": {csrf(t, page)}, "domain_name": {"first-cust"},
			"password": {customerPassword}, "mobile": {mobile}, "code": {code}})
		mustRedirect(t, resp, body, "/customer/partner")
		got, err := s.app.Customers.CustomerByXAccount(ctx, p.XAccountType, "first-user")
		if err != nil || got.DomainName != "first-cust" {
			t.Fatalf("bound account %+v %v", got, err)
		}
		var n int
		if err := s.app.DB.SQL.QueryRow("SELECT COUNT(*) FROM binding_notices WHERE domain_id = $1", got.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("%d notices, want 1", n)
		}
		resp, body = b.get("/customer/")
		mustStatus(t, resp, body, http.StatusOK, "first-cust")
		// The pending identity is gone: the page cannot be used again.
		resp, body = b.get("/customer/sso/first")
		mustStatus(t, resp, body, http.StatusBadRequest)
		// The next login of the same user signs the new account in.
		b2 := s.browser(t)
		call.first = false
		resp, body = b2.hit(s.acs(t, call))
		mustRedirect(t, resp, body, "/customer/partner")
	})
}
