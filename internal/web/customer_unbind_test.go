package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnercenter/internal/platform/mask"
)

// TestCustomerUnbind: 我的合作伙伴 shows the account's platform binding and
// unbinds it (POST with the CSRF token), which queues one unbind notice
// (bindAction 0) for the partner.
func TestCustomerUnbind(t *testing.T) {
	s := mustSite(t)
	ctx := context.Background()
	c := s.mustCustomer(t, "sp", "unbind-cust")
	sp := s.partner(t, "sp")
	notices := func(action int) int {
		t.Helper()
		var n int
		if err := s.app.DB.SQL.QueryRow("SELECT COUNT(*) FROM binding_notices WHERE domain_id = $1 AND bind_action = $2",
			c.ID, action).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	binds := notices(1)

	b := s.browser(t)
	b.mustCustomerSignIn(c.DomainName, customerPassword)
	resp, page := b.get("/customer/partner")
	mustStatus(t, resp, page, http.StatusOK, `id="platform-binding"`, sp.XAccountType, mask.AccountName(c.XAccountID),
		tr("zh-CN", "customer.partner.unbind"))
	if strings.Contains(page, c.XAccountID) {
		t.Error("the page shows the platform user unmasked")
	}

	// Without the token nothing happens.
	resp, body := b.post("/customer/partner/unbind", url.Values{})
	mustStatus(t, resp, body, http.StatusForbidden)
	if notices(0) != 0 {
		t.Fatal("a forged unbind was notified")
	}
	// A visitor without a customer session is sent to sign in.
	anon := s.browser(t)
	_, signin := anon.get("/customer/signin")
	resp, body = anon.post("/customer/partner/unbind", url.Values{"csrf_token": {csrf(t, signin)}})
	mustRedirect(t, resp, body, "/customer/signin")

	resp, body = b.post("/customer/partner/unbind", url.Values{"csrf_token": {csrf(t, page)}})
	mustRedirect(t, resp, body, "/customer/partner?unbound=1")
	if got := notices(0); got != 1 {
		t.Fatalf("%d unbind notices, want 1", got)
	}
	if got := notices(1); got != binds {
		t.Fatalf("bind notices %d, want %d", got, binds)
	}
	var xuser string
	if err := s.app.DB.SQL.QueryRow("SELECT xuser_id FROM binding_notices WHERE domain_id = $1 AND bind_action = 0", c.ID).Scan(&xuser); err != nil || xuser != c.XAccountID {
		t.Fatalf("notice xUserId %q (%v), want %q", xuser, err, c.XAccountID)
	}
	if _, err := s.app.Customers.CustomerByXAccount(ctx, c.XAccountType, c.XAccountID); err == nil {
		t.Fatal("still bound")
	}
	resp, page = b.get("/customer/partner?unbound=1")
	mustStatus(t, resp, page, http.StatusOK, tr("zh-CN", "customer.partner.unbound"), `id="partner-name"`)
	if strings.Contains(page, `id="platform-binding"`) || strings.Contains(page, `id="unbind-form"`) {
		t.Fatal("the page still shows the binding")
	}
	// Submitting again (a second tab) changes nothing and tells nobody.
	resp, body = b.post("/customer/partner/unbind", url.Values{"csrf_token": {csrf(t, page)}})
	mustRedirect(t, resp, body, "/customer/partner?unbound=1")
	if got := notices(0); got != 1 {
		t.Fatalf("%d unbind notices after a repeat, want 1", got)
	}
}
