package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/mask"
)

// The customer portal (/customer/) is a face of its own: customers are not
// partner members, so its session holds a customer id under its own key and
// its guard resolves a customerActor instead of an identity.Actor. The
// rules (lockout, frozen accounts) live in the customer service.

// Session keys of the customer portal.
const sessCustomerID = "customer_id"

// customerActor is the signed-in customer, re-read on every request so that
// a frozen account shows as frozen at once.
type customerActor struct {
	ID         string
	DomainName string
	Frozen     bool
}

type customerKey struct{}

func customerFrom(ctx context.Context) (customerActor, bool) {
	c, ok := ctx.Value(customerKey{}).(customerActor)
	return c, ok
}

// guardCustomer is the guard of FaceCustomer routes: a visitor without a
// customer session goes to the portal's sign-in page and comes back
// afterwards.
func (s *Server) guardCustomer(rt route, w http.ResponseWriter, r *http.Request) {
	id := s.Sessions.GetString(r.Context(), sessCustomerID)
	if id != "" {
		c, err := s.Customers.CustomerByID(r.Context(), id)
		switch {
		case err == nil:
			r = r.WithContext(context.WithValue(r.Context(), customerKey{},
				customerActor{ID: c.ID, DomainName: c.DomainName, Frozen: c.Frozen()}))
		case errors.Is(err, customer.ErrCustomerNotFound):
			s.Sessions.Remove(r.Context(), sessCustomerID)
		default:
			s.renderError(w, r, "error", view{Title: "error.title"}, err)
			return
		}
	}
	if _, ok := customerFrom(r.Context()); !ok && rt.Access != Public {
		target := "/customer/signin"
		if r.Method == http.MethodGet {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	rt.Handler(w, r)
}

// startCustomerSession signs c in, renewing the session token so that a
// token planted before cannot be reused.
func (s *Server) startCustomerSession(ctx context.Context, c customer.Customer) error {
	if err := s.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.Sessions.Put(ctx, sessCustomerID, c.ID)
	return nil
}

func (s *Server) customerSignInForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := customerFrom(r.Context()); ok {
		http.Redirect(w, r, "/customer/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "customer_signin", view{Title: "customer.signin.title",
		Data: signInForm{Next: r.URL.Query().Get("next")}})
}

func (s *Server) customerSignIn(w http.ResponseWriter, r *http.Request) {
	form := signInForm{Account: r.PostFormValue("account"), Next: r.PostFormValue("next")}
	c, err := s.Customers.SignInCustomer(r.Context(), form.Account, r.PostFormValue("password"))
	if err == nil {
		err = s.startCustomerSession(r.Context(), c)
	}
	if err != nil {
		s.Log.Info("customer sign-in refused", "account", form.Account, "ip", httpx.ClientIP(r), "err", err)
		s.renderError(w, r, "customer_signin", view{Title: "customer.signin.title", Data: form}, err)
		return
	}
	http.Redirect(w, r, customerPath(form.Next), http.StatusSeeOther)
}

// customerPath is p when it is a portal path, else the portal's home.
func customerPath(p string) string {
	p = localPath(p, "/customer/")
	if len(p) < len("/customer/") || p[:len("/customer/")] != "/customer/" {
		return "/customer/"
	}
	return p
}

func (s *Server) customerSignOut(w http.ResponseWriter, r *http.Request) {
	s.Sessions.Remove(r.Context(), sessCustomerID)
	_ = s.Sessions.RenewToken(r.Context())
	http.Redirect(w, r, "/customer/signin", http.StatusSeeOther)
}

// customerHomeData is the account details on the portal's home page.
type customerHomeData struct {
	DomainName, DomainID, Mobile, Email string
	// RealName is the i18n key of the real-name status.
	RealName  string
	Frozen    bool
	CreatedAt time.Time
}

func (s *Server) customerHome(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	c, err := s.Customers.CustomerByID(r.Context(), me.ID)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	d := customerHomeData{DomainName: c.DomainName, DomainID: c.ID, Email: mask.Email(c.Email),
		RealName: realNameKey(c.VerifiedStatus), Frozen: c.Frozen(), CreatedAt: c.CreatedAt}
	if c.Mobile != "" {
		d.Mobile = mask.Mobile(c.Mobile)
	}
	s.render(w, r, http.StatusOK, "customer_home", view{Title: "customer.home.title", Data: d})
}

// realNameKey names a verified_status (-1 none, 0 reviewing, 1 rejected,
// 2 verified).
func realNameKey(status int) string {
	switch status {
	case 0:
		return "customer.realname.reviewing"
	case 1:
		return "customer.realname.rejected"
	case 2:
		return "customer.realname.verified"
	}
	return "customer.realname.none"
}

// customerPartnerData is 我的合作伙伴.
type customerPartnerData struct {
	Has     bool
	Partner customer.MyPartner
	// Type is the i18n key of the association type.
	Type string
	// Bound is set while the account is bound to a user of a partner
	// platform (single sign-on): Platform is its xaccount_type, XUserID the
	// platform user, masked. CanUnbind is false for an account without a
	// password, which single sign-on is the only way into.
	Bound     bool
	Platform  string
	XUserID   string
	CanUnbind bool
}

func (s *Server) customerPartner(w http.ResponseWriter, r *http.Request) {
	s.renderCustomerPartner(w, r, noticeFrom(r, "unbound", "customer.partner.unbound"), nil)
}

// renderCustomerPartner shows 我的合作伙伴 with a notice, or with err.
func (s *Server) renderCustomerPartner(w http.ResponseWriter, r *http.Request, notice string, pageErr error) {
	me, _ := customerFrom(r.Context())
	mp, ok, err := s.Customers.MyPartner(r.Context(), me.ID)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	c, err := s.Customers.CustomerByID(r.Context(), me.ID)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	d := customerPartnerData{Has: ok, Partner: mp, Type: "customer.partner.type_reseller",
		Bound: c.XAccountID != "", Platform: c.XAccountType, XUserID: mask.AccountName(c.XAccountID), CanUnbind: c.CanUnbindSSO()}
	if mp.Association.Type == customer.Referral {
		d.Type = "customer.partner.type_referral"
	}
	v := view{Title: "customer.partner.title", Data: d, Notice: notice}
	if pageErr != nil {
		s.renderError(w, r, "customer_partner", v, pageErr)
		return
	}
	s.render(w, r, http.StatusOK, "customer_partner", v)
}

// customerUnbind is 解除绑定 on 我的合作伙伴: the customer removes its
// account's binding to its partner platform user, and the partner is told.
func (s *Server) customerUnbind(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	if _, err := s.Customers.UnbindSSO(r.Context(), me.ID); err != nil {
		s.Log.Info("customer unbind refused", "customer", me.ID, "request_id", httpx.RequestID(r.Context()), "err", err)
		s.renderCustomerPartner(w, r, "", err)
		return
	}
	http.Redirect(w, r, "/customer/partner?unbound=1", http.StatusSeeOther)
}
