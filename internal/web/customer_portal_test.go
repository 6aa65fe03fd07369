package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"partnercenter/internal/customer"
)

const customerPassword = "Cust0mer!pw"

// mustCustomer creates a customer of the demo partner key with a password
// and associates it at once.
func (s *site) mustCustomer(tb testing.TB, key, name string) customer.Customer {
	tb.Helper()
	ctx := context.Background()
	dp := s.partner(tb, key)
	p, err := s.app.Identity.PartnerByDomainName(ctx, dp.DomainName)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := s.app.Identity.MainMember(ctx, p.ID)
	if err != nil {
		tb.Fatal(err)
	}
	pw := customerPassword
	c, err := s.app.Customers.CreateSubCustomer(ctx, m.Actor(p), customer.NewCustomer{XAccountID: "x-" + name,
		XAccountType: p.XAccountType, DomainName: &name, Password: &pw})
	if err != nil {
		tb.Fatalf("create customer: %v", err)
	}
	if _, err := s.app.Customers.AssociateNow(ctx, c.ID); err != nil {
		tb.Fatal(err)
	}
	return c
}

func (b *browser) mustCustomerSignIn(account, password string) {
	b.tb.Helper()
	resp, body := b.submit("/customer/signin", "/customer/signin", url.Values{"account": {account}, "password": {password}})
	mustRedirect(b.tb, resp, body, "/customer/")
}

func TestCustomerPortal(t *testing.T) {
	s := mustSite(t)
	c := s.mustCustomer(t, "sp", "portal-cust")
	sp := s.partner(t, "sp")

	t.Run("RedirectsToSignIn", func(t *testing.T) {
		b := s.browser(t)
		resp, body := b.get("/customer/partner")
		mustRedirect(t, resp, body, "/customer/signin?next=%2Fcustomer%2Fpartner")
	})
	t.Run("PartnerSessionIsNotACustomerSession", func(t *testing.T) {
		b := s.browser(t)
		b.mustSignIn(sp.Admin.Username, sp.Admin.Password)
		resp, body := b.get("/customer/")
		mustRedirect(t, resp, body, "/customer/signin?next=%2Fcustomer%2F")
	})
	t.Run("WrongPassword", func(t *testing.T) {
		b := s.browser(t)
		resp, body := b.submit("/customer/signin", "/customer/signin", url.Values{"account": {c.DomainName}, "password": {"Wrong!pw12"}})
		mustStatus(t, resp, body, http.StatusUnauthorized, tr("zh-CN", "err.signin_failed"))
	})
	t.Run("CSRF", func(t *testing.T) {
		b := s.browser(t)
		b.get("/customer/signin")
		resp, body := b.post("/customer/signin", url.Values{"account": {c.DomainName}, "password": {customerPassword}})
		mustStatus(t, resp, body, http.StatusForbidden)
		b.mustCustomerSignIn(c.DomainName, customerPassword)
		resp, body = b.post("/customer/signout", url.Values{})
		mustStatus(t, resp, body, http.StatusForbidden)
	})
	t.Run("HomePartnerSignOut", func(t *testing.T) {
		b := s.browser(t)
		before := b.sessionCookie()
		b.mustCustomerSignIn(c.DomainName, customerPassword)
		if b.sessionCookie() == before {
			t.Error("session token not renewed at sign-in")
		}
		resp, body := b.get("/customer/")
		mustStatus(t, resp, body, http.StatusOK, c.DomainName, c.ID, tr("zh-CN", "customer.realname.none"))
		resp, body = b.get("/customer/partner")
		mustStatus(t, resp, body, http.StatusOK, tr("zh-CN", "customer.partner.type_reseller"), `id="contact-name"`)
		p, _ := s.app.Identity.PartnerByDomainName(context.Background(), sp.DomainName)
		mustStatus(t, resp, body, http.StatusOK, p.Name)
		resp, body = b.submit("/customer/", "/customer/signout", url.Values{})
		mustRedirect(t, resp, body, "/customer/signin")
		resp, body = b.get("/customer/")
		mustRedirect(t, resp, body, "/customer/signin?next=%2Fcustomer%2F")
	})
	t.Run("Frozen", func(t *testing.T) {
		f := s.mustCustomer(t, "sp", "frozen-cust")
		if _, err := s.app.DB.SQL.Exec("UPDATE customers SET frozen = 1 WHERE id = $1", f.ID); err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.mustCustomerSignIn(f.DomainName, customerPassword)
		resp, body := b.get("/customer/")
		mustStatus(t, resp, body, http.StatusOK, tr("zh-CN", "customer.home.frozen"))
	})
	t.Run("NextStaysInPortal", func(t *testing.T) {
		b := s.browser(t)
		resp, body := b.submit("/customer/signin", "/customer/signin", url.Values{"account": {c.DomainName},
			"password": {customerPassword}, "next": {"/org/members"}})
		mustRedirect(t, resp, body, "/customer/")
	})
}
