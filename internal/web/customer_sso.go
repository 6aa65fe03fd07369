package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/saml"
)

// Session keys of a first single sign-on in progress: the platform user the
// IdP vouched for, kept server-side (never in a form) until the user has
// created or bound an account, and where to go afterwards.
const (
	sessSSOPartner = "sso_partner_id"
	sessSSOType    = "sso_xaccount_type"
	sessSSOUser    = "sso_xuser_id"
	sessSSOService = "sso_service"
)

// CustomerBinder is the saml.Binder of the customer portal: it signs the
// platform user's bound account in, or leads a first login to creating or
// binding one.
type CustomerBinder struct{ s *Server }

// CustomerBinder returns the portal's saml.Binder. The ACS must run inside
// the same session manager as the portal.
func (s *Server) CustomerBinder() *CustomerBinder { return &CustomerBinder{s: s} }

var _ saml.Binder = (*CustomerBinder)(nil)

// SignIn implements saml.Binder. A bound account is signed in when the
// optional name and mobile attributes match it; an unbound user at a first
// login is sent to /customer/sso/first; otherwise a page says that no
// account is bound.
func (b *CustomerBinder) SignIn(ctx context.Context, w http.ResponseWriter, r *http.Request, partnerID, xAccountType,
	xUserID string, attrs map[string]string, isFirstLogin bool, service string) {
	s := b.s
	r = r.WithContext(ctx)
	c, err := s.Customers.CustomerByXAccount(ctx, xAccountType, xUserID)
	switch {
	case err == nil:
		if !c.MatchesSSOAttributes(attrs[saml.AttrName], attrs[saml.AttrMobile]) {
			s.Log.Info("sso refused: attributes do not match the bound account", "customer", c.ID,
				"xaccount_type", xAccountType, "request_id", httpx.RequestID(ctx))
			s.render(w, r, http.StatusForbidden, "customer_sso_message", view{Face: FaceCustomer, Title: "customer.sso.mismatch_title",
				Data: "customer.sso.mismatch"})
			return
		}
		if err := s.startCustomerSession(ctx, c); err != nil {
			s.renderError(w, r, "error", view{Title: "error.title"}, err)
			return
		}
		http.Redirect(w, r, customerService(service), http.StatusSeeOther)
	case errors.Is(err, customer.ErrCustomerNotFound) && isFirstLogin:
		if err := s.Sessions.RenewToken(ctx); err != nil {
			s.renderError(w, r, "error", view{Title: "error.title"}, err)
			return
		}
		s.Sessions.Remove(ctx, sessCustomerID)
		s.Sessions.Put(ctx, sessSSOPartner, partnerID)
		s.Sessions.Put(ctx, sessSSOType, xAccountType)
		s.Sessions.Put(ctx, sessSSOUser, xUserID)
		s.Sessions.Put(ctx, sessSSOService, service)
		http.Redirect(w, r, "/customer/sso/first", http.StatusSeeOther)
	case errors.Is(err, customer.ErrCustomerNotFound):
		s.render(w, r, http.StatusOK, "customer_sso_message", view{Face: FaceCustomer, Title: "customer.sso.unbound_title",
			Data: "customer.sso.unbound"})
	default:
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
	}
}

// customerService is where a single sign-on continues: saml has already
// checked that service is a path on this site.
func customerService(service string) string { return localPath(service, "/customer/") }

// pendingSSO is the first login in progress in this session, if any.
func (s *Server) pendingSSO(ctx context.Context) (customer.SSOIdentity, bool) {
	id := customer.SSOIdentity{PartnerID: s.Sessions.GetString(ctx, sessSSOPartner),
		XAccountType: s.Sessions.GetString(ctx, sessSSOType), XAccountID: s.Sessions.GetString(ctx, sessSSOUser)}
	return id, id.PartnerID != "" && id.XAccountType != "" && id.XAccountID != ""
}

// ssoFirstForm is the page's input, re-shown after an error.
type ssoFirstForm struct {
	XUserID    string
	NewName    string
	Mobile     string
	BindName   string
	ActiveForm string // "register" or "bind"
}

func (s *Server) renderSSOFirst(w http.ResponseWriter, r *http.Request, status int, form ssoFirstForm, notice string, err error) {
	v := view{Title: "customer.sso.first_title", Data: form, Notice: notice}
	if err != nil {
		s.renderError(w, r, "customer_sso_first", v, err)
		return
	}
	s.render(w, r, status, "customer_sso_first", v)
}

// withPending runs fn for the first login in progress, or shows that there
// is none (it expired, or the page was opened directly).
func (s *Server) withPending(w http.ResponseWriter, r *http.Request, fn func(id customer.SSOIdentity)) {
	id, ok := s.pendingSSO(r.Context())
	if !ok {
		s.render(w, r, http.StatusBadRequest, "customer_sso_message", view{Title: "customer.sso.none_title",
			Data: "customer.sso.none"})
		return
	}
	fn(id)
}

func (s *Server) customerSSOFirst(w http.ResponseWriter, r *http.Request) {
	s.withPending(w, r, func(id customer.SSOIdentity) {
		s.renderSSOFirst(w, r, http.StatusOK, ssoFirstForm{XUserID: id.XAccountID, ActiveForm: "register"}, "", nil)
	})
}

func (s *Server) customerSSOCode(w http.ResponseWriter, r *http.Request) {
	s.withPending(w, r, func(id customer.SSOIdentity) {
		form := ssoFirstForm{XUserID: id.XAccountID, NewName: r.PostFormValue("domain_name"),
			Mobile: strings.TrimSpace(r.PostFormValue("mobile")), ActiveForm: "register"}
		if err := s.Customers.SendSSOCode(r.Context(), id, form.Mobile); err != nil {
			s.renderSSOFirst(w, r, 0, form, "", err)
			return
		}
		s.renderSSOFirst(w, r, http.StatusOK, form, i18n.T(langOf(r), "customer.sso.code_sent", nil), nil)
	})
}

func (s *Server) customerSSORegister(w http.ResponseWriter, r *http.Request) {
	s.withPending(w, r, func(id customer.SSOIdentity) {
		form := ssoFirstForm{XUserID: id.XAccountID, NewName: strings.TrimSpace(r.PostFormValue("domain_name")),
			Mobile: strings.TrimSpace(r.PostFormValue("mobile")), ActiveForm: "register"}
		c, err := s.Customers.RegisterSSO(r.Context(), id, customer.SSOAccount{DomainName: form.NewName,
			Password: r.PostFormValue("password"), Mobile: form.Mobile, Code: strings.TrimSpace(r.PostFormValue("code"))})
		s.finishSSO(w, r, form, c, err)
	})
}

func (s *Server) customerSSOBind(w http.ResponseWriter, r *http.Request) {
	s.withPending(w, r, func(id customer.SSOIdentity) {
		form := ssoFirstForm{XUserID: id.XAccountID, BindName: strings.TrimSpace(r.PostFormValue("account")), ActiveForm: "bind"}
		c, err := s.Customers.BindSSO(r.Context(), id, form.BindName, r.PostFormValue("password"))
		s.finishSSO(w, r, form, c, err)
	})
}

// finishSSO ends a first login: on success the pending identity is
// dropped, the account signed in and the user sent on.
func (s *Server) finishSSO(w http.ResponseWriter, r *http.Request, form ssoFirstForm, c customer.Customer, err error) {
	if err != nil {
		s.Log.Info("sso first login refused", "xuser", form.XUserID, "ip", httpx.ClientIP(r), "err", err)
		s.renderSSOFirst(w, r, 0, form, "", err)
		return
	}
	ctx := r.Context()
	service := s.Sessions.GetString(ctx, sessSSOService)
	for _, k := range []string{sessSSOPartner, sessSSOType, sessSSOUser, sessSSOService} {
		s.Sessions.Remove(ctx, k)
	}
	if err := s.startCustomerSession(ctx, c); err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	http.Redirect(w, r, customerService(service), http.StatusSeeOther)
}
