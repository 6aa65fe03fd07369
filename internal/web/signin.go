package web

import (
	"net/http"

	"partnercenter/internal/platform/httpx"
)

type signInForm struct {
	Account string
	Member  string
	Next    string
}

func (s *Server) partnerSignInForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := actorFrom(r.Context()); ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "signin", view{Title: "signin.title",
		Data: signInForm{Next: r.URL.Query().Get("next")}})
}

// partnerSignIn signs in a partner's main account or member. The session
// token is renewed at sign-in so a token planted before cannot be reused.
func (s *Server) partnerSignIn(w http.ResponseWriter, r *http.Request) {
	form := signInForm{Account: r.PostFormValue("account"), Member: r.PostFormValue("member"), Next: r.PostFormValue("next")}
	m, p, err := s.Identity.SignInMember(r.Context(), form.Account, form.Member, r.PostFormValue("password"))
	if err != nil {
		s.Log.Info("partner sign-in refused", "account", form.Account, "member", form.Member,
			"ip", httpx.ClientIP(r), "err", err)
		s.renderError(w, r, "signin", view{Title: "signin.title", Data: form}, err)
		return
	}
	if err := s.Sessions.RenewToken(r.Context()); err != nil {
		s.renderError(w, r, "signin", view{Title: "signin.title", Data: form}, err)
		return
	}
	s.Sessions.Put(r.Context(), sessMemberID, m.ID)
	s.Sessions.Put(r.Context(), sessPartnerID, p.ID)
	s.Sessions.Put(r.Context(), sessEpoch, m.SessionEpoch)
	http.Redirect(w, r, localPath(form.Next, "/"), http.StatusSeeOther)
}

func (s *Server) partnerSignOut(w http.ResponseWriter, r *http.Request) {
	s.Sessions.Remove(r.Context(), sessMemberID)
	s.Sessions.Remove(r.Context(), sessPartnerID)
	_ = s.Sessions.RenewToken(r.Context())
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

func (s *Server) opsSignInForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := actorFrom(r.Context()); ok {
		http.Redirect(w, r, "/ops/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "ops_signin", view{Title: "signin.ops_title",
		Data: signInForm{Next: r.URL.Query().Get("next")}})
}

func (s *Server) opsSignIn(w http.ResponseWriter, r *http.Request) {
	form := signInForm{Account: r.PostFormValue("username"), Next: r.PostFormValue("next")}
	op, err := s.Identity.SignInOperator(r.Context(), form.Account, r.PostFormValue("password"))
	if err != nil {
		s.Log.Info("operator sign-in refused", "username", form.Account, "ip", httpx.ClientIP(r), "err", err)
		s.renderError(w, r, "ops_signin", view{Title: "signin.ops_title", Data: form}, err)
		return
	}
	if err := s.Sessions.RenewToken(r.Context()); err != nil {
		s.renderError(w, r, "ops_signin", view{Title: "signin.ops_title", Data: form}, err)
		return
	}
	s.Sessions.Put(r.Context(), sessOperatorID, op.ID)
	s.Sessions.Put(r.Context(), sessOpEpoch, op.SessionEpoch)
	http.Redirect(w, r, localPath(form.Next, "/ops/"), http.StatusSeeOther)
}

func (s *Server) opsSignOut(w http.ResponseWriter, r *http.Request) {
	s.Sessions.Remove(r.Context(), sessOperatorID)
	_ = s.Sessions.RenewToken(r.Context())
	http.Redirect(w, r, "/ops/signin", http.StatusSeeOther)
}
