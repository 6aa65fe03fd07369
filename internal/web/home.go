package web

import "net/http"

// partnerHome is 主页: who the partner is and who looks after it.
func (s *Server) partnerHome(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	p, err := s.Identity.Partner(r.Context(), a, a.PartnerID)
	if err != nil {
		s.renderError(w, r, "home", view{Title: "home.title"}, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", view{Title: "home.title", Data: p})
}
