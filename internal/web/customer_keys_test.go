package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
)

var newKey = regexp.MustCompile(`<code id="new-ak">([A-Z0-9]{20})</code>.*?<code id="new-sk">([A-Za-z0-9]{40})</code>`)

func TestCustomerKeys(t *testing.T) {
	s := mustSite(t)
	ctx := context.Background()
	c := s.mustCustomer(t, "sp", "keys-cust")
	other := s.mustCustomer(t, "sp", "keys-other")

	t.Run("RedirectsToSignIn", func(t *testing.T) {
		resp, body := s.browser(t).get("/customer/keys")
		mustRedirect(t, resp, body, "/customer/signin?next=%2Fcustomer%2Fkeys")
	})

	b := s.browser(t)
	b.mustCustomerSignIn(c.DomainName, customerPassword)
	var ak string
	t.Run("OK/Create", func(t *testing.T) {
		resp, body := b.get("/customer/keys")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "couponapi.keys.title"), c.ID)
		resp, body = b.submit("/customer/keys", "/customer/keys", url.Values{"description": {"my platform"}})
		mustStatus(t, resp, body, http.StatusCreated, "my platform")
		m := newKey.FindStringSubmatch(regexp.MustCompile(`\s+`).ReplaceAllString(body, " "))
		if m == nil {
			t.Fatalf("the creation shows no key pair:\n%s", body)
		}
		ak = m[1]
		a, secret, err := s.app.Identity.CustomerAccessKeyActor(ctx, ak)
		if err != nil || secret != m[2] || a.Kind != identity.ActorCustomer || a.ID != c.ID {
			t.Fatalf("key %s resolves to %+v, %v", ak, a, err)
		}
		// The secret is shown once only.
		if _, body := b.get("/customer/keys"); regexp.MustCompile(m[2]).MatchString(body) {
			t.Error("the list shows the secret again")
		}
	})
	t.Run("OK/DisableAndEnable", func(t *testing.T) {
		resp, body := b.submit("/customer/keys", "/customer/keys/"+ak+"/status", url.Values{"status": {"inactive"}})
		mustRedirect(t, resp, body, "/customer/keys?saved=1")
		if _, _, err := s.app.Identity.CustomerAccessKeyActor(ctx, ak); err == nil {
			t.Fatal("a disabled key still resolves")
		}
		resp, body = b.submit("/customer/keys", "/customer/keys/"+ak+"/status", url.Values{"status": {"active"}})
		mustRedirect(t, resp, body, "/customer/keys?saved=1")
		if _, _, err := s.app.Identity.CustomerAccessKeyActor(ctx, ak); err != nil {
			t.Fatalf("enabled again: %v", err)
		}
	})
	t.Run("ErrOtherCustomersKey", func(t *testing.T) {
		ob := s.browser(t)
		ob.mustCustomerSignIn(other.DomainName, customerPassword)
		resp, body := ob.get("/customer/keys/" + ak + "/delete")
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = ob.submit("/customer/keys", "/customer/keys/"+ak+"/status", url.Values{"status": {"inactive"}})
		mustStatus(t, resp, body, http.StatusNotFound)
		if _, _, err := s.app.Identity.CustomerAccessKeyActor(ctx, ak); err != nil {
			t.Fatalf("another customer disabled the key: %v", err)
		}
	})
	t.Run("ErrTooMany", func(t *testing.T) {
		resp, body := b.submit("/customer/keys", "/customer/keys", url.Values{})
		mustStatus(t, resp, body, http.StatusCreated)
		resp, body = b.submit("/customer/keys", "/customer/keys", url.Values{"description": {"third"}})
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.too_many_access_keys"))
	})
	t.Run("OK/Delete", func(t *testing.T) {
		resp, body := b.get("/customer/keys/" + ak + "/delete")
		mustStatus(t, resp, body, http.StatusOK, ak)
		resp, body = b.submit("/customer/keys/"+ak+"/delete", "/customer/keys/"+ak+"/delete", url.Values{})
		mustRedirect(t, resp, body, "/customer/keys?deleted=1")
		if _, _, err := s.app.Identity.CustomerAccessKeyActor(ctx, ak); err == nil {
			t.Fatal("a deleted key still resolves")
		}
	})
}
