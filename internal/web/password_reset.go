package web

import (
	"net/http"
	"net/url"
	"strings"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/httpx"
)

// errAccountRequired: the forgot-password form without a partner account.
var errAccountRequired = apperr.New("CBC.0100", "err.account_required").WithField("account", "err.account_required")

// resetForm is what the forgot-password pages keep between requests (never
// a password or a code).
type resetForm struct {
	Account string
	Member  string
	// Sent is set once a code was asked for; Done once the password was
	// reset.
	Sent bool
	Done bool
}

// ResetURL is the reset page for the same account and member.
func (f resetForm) ResetURL() string {
	return "/password/reset?" + url.Values{"account": {f.Account}, "member": {f.Member}}.Encode()
}

func (s *Server) passwordForgotForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "password_forgot", view{Title: "password.forgot.title",
		Data: resetForm{Account: q.Get("account"), Member: q.Get("member")}})
}

// passwordForgot asks identity to send a code. The answer is the same
// whether or not the account exists, has an e-mail, or was sent a code a
// moment ago, so the page tells nobody who exists.
func (s *Server) passwordForgot(w http.ResponseWriter, r *http.Request) {
	f := resetForm{Account: strings.TrimSpace(r.PostFormValue("account")), Member: strings.TrimSpace(r.PostFormValue("member"))}
	v := view{Title: "password.forgot.title", Data: f}
	if f.Account == "" {
		s.renderError(w, r, "password_forgot", v, errAccountRequired)
		return
	}
	if err := s.Identity.RequestPasswordReset(r.Context(), f.Account, f.Member); err != nil {
		s.renderError(w, r, "password_forgot", v, err)
		return
	}
	s.Log.Info("password reset asked", "account", f.Account, "member", f.Member, "ip", httpx.ClientIP(r))
	f.Sent = true
	v.Data = f
	s.render(w, r, http.StatusOK, "password_forgot", v)
}

func (s *Server) passwordResetForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "password_reset", view{Title: "password.reset.title",
		Data: resetForm{Account: q.Get("account"), Member: q.Get("member")}})
}

// passwordReset sets the new password with the code from the e-mail.
func (s *Server) passwordReset(w http.ResponseWriter, r *http.Request) {
	f := resetForm{Account: strings.TrimSpace(r.PostFormValue("account")), Member: strings.TrimSpace(r.PostFormValue("member"))}
	v := view{Title: "password.reset.title", Data: f}
	pw, err := newPasswordInput(r)
	if err == nil {
		err = s.Identity.ResetPassword(r.Context(), f.Account, f.Member, r.PostFormValue("code"), pw)
	}
	if err != nil {
		s.Log.Info("password reset refused", "account", f.Account, "member", f.Member, "ip", httpx.ClientIP(r), "err", err)
		s.renderError(w, r, "password_reset", v, err)
		return
	}
	f.Done = true
	v.Data = f
	s.render(w, r, http.StatusOK, "password_reset", v)
}
