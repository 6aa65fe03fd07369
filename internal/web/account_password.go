package web

import (
	"net/http"

	"partnercenter/internal/platform/apperr"
)

// errPasswordMismatch: the new password and its confirmation differ.
var errPasswordMismatch = apperr.New("CBC.0100", "err.password_mismatch").WithField("confirm_password", "err.password_mismatch")

// newPasswordInput reads the new password and its confirmation.
func newPasswordInput(r *http.Request) (string, error) {
	pw := r.PostFormValue("new_password")
	if pw != r.PostFormValue("confirm_password") {
		return "", errPasswordMismatch
	}
	return pw, nil
}

func (s *Server) accountPasswordForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account_password", view{Title: "account.password.title"})
}

// accountPasswordChange changes the member's own password. The new session
// epoch goes into this session, so it stays while every other session of
// the member ends; the token is renewed as at sign-in.
func (s *Server) accountPasswordChange(w http.ResponseWriter, r *http.Request) {
	v := view{Title: "account.password.title"}
	pw, err := newPasswordInput(r)
	if err != nil {
		s.renderError(w, r, "account_password", v, err)
		return
	}
	si, _ := sessionFrom(r.Context())
	epoch, err := s.Identity.ChangePassword(r.Context(), mustActor(r), r.PostFormValue("old_password"), pw)
	if err != nil {
		s.renderError(w, r, "account_password", v, err)
		return
	}
	if err := s.Sessions.RenewToken(r.Context()); err != nil {
		s.renderError(w, r, "account_password", v, err)
		return
	}
	s.Sessions.Put(r.Context(), sessEpoch, epoch)
	if si.mustChange {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/account/profile?changed=1", http.StatusSeeOther)
}

func (s *Server) opsPasswordForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account_password", view{Title: "account.password.title"})
}

// opsPasswordChange is accountPasswordChange for operators.
func (s *Server) opsPasswordChange(w http.ResponseWriter, r *http.Request) {
	v := view{Title: "account.password.title"}
	pw, err := newPasswordInput(r)
	if err != nil {
		s.renderError(w, r, "account_password", v, err)
		return
	}
	epoch, err := s.Identity.ChangeOperatorPassword(r.Context(), mustActor(r), r.PostFormValue("old_password"), pw)
	if err != nil {
		s.renderError(w, r, "account_password", v, err)
		return
	}
	if err := s.Sessions.RenewToken(r.Context()); err != nil {
		s.renderError(w, r, "account_password", v, err)
		return
	}
	s.Sessions.Put(r.Context(), sessOpEpoch, epoch)
	http.Redirect(w, r, "/ops/", http.StatusSeeOther)
}
