package web

import (
	"net/http"

	"partnercenter/internal/identity"
)

// profileData is 伙伴信息 > 基本信息 > 个人资料.
type profileData struct {
	Member  identity.MemberView
	Partner identity.Partner
}

// accountProfile shows the signed-in person: who it is, in which partner,
// its roles (contacts masked, as everywhere).
func (s *Server) accountProfile(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	v := view{Title: "account.profile.title", Notice: noticeFrom(r, "changed", "account.password.changed")}
	m, err := s.Identity.Member(r.Context(), a, a.ID)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	p, err := s.Identity.Partner(r.Context(), a, a.PartnerID)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	v.Data = profileData{Member: m, Partner: p}
	s.render(w, r, http.StatusOK, "account_profile", v)
}
