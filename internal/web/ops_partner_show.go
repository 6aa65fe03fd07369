package web

import (
	"net/http"

	"partnercenter/internal/identity"
)

type partnerShowData struct {
	Partner  identity.Partner
	Parent   *identity.Partner
	Statuses []identity.PartnerStatus
	// IsTest marks a test account, which may not create customers.
	IsTest bool
}

func (s *Server) showPartner(w http.ResponseWriter, r *http.Request, status int, v view) {
	a := mustActor(r)
	p, err := s.Identity.Partner(r.Context(), a, r.PathValue("id"))
	if err != nil {
		msg, st := s.errorMessage(r, err)
		http.Error(w, msg, st)
		return
	}
	data := partnerShowData{Partner: p, Statuses: identity.PartnerStatuses}
	// The operator may see the partner (checked above); its standing adds
	// the test-account mark.
	standing, err := s.Identity.PartnerStanding(r.Context(), p.ID)
	if err != nil {
		msg, st := s.errorMessage(r, err)
		http.Error(w, msg, st)
		return
	}
	data.IsTest = standing.IsTest
	if p.ParentID != "" {
		if parent, err := s.Identity.Partner(r.Context(), a, p.ParentID); err == nil {
			data.Parent = &parent
		}
	}
	v.Title, v.Data = "ops.partners.title", data
	s.render(w, r, status, "ops_partner_show", v)
}

func (s *Server) opsPartnerShow(w http.ResponseWriter, r *http.Request) {
	v := view{}
	if r.URL.Query().Get("saved") == "1" {
		v.Notice = view{Lang: langOf(r)}.T("ops.partners.saved")
	}
	s.showPartner(w, r, http.StatusOK, v)
}

func (s *Server) opsPartnerSetStatus(w http.ResponseWriter, r *http.Request) {
	err := s.Identity.SetPartnerStatus(r.Context(), mustActor(r), r.PathValue("id"),
		identity.PartnerStatus(r.PostFormValue("status")))
	s.afterPartnerUpdate(w, r, err)
}

func (s *Server) opsPartnerSetEcoManager(w http.ResponseWriter, r *http.Request) {
	err := s.Identity.SetEcoManager(r.Context(), mustActor(r), r.PathValue("id"), identity.EcoManager{
		Name: r.PostFormValue("eco_name"), Email: r.PostFormValue("eco_email"), Mobile: r.PostFormValue("eco_mobile")})
	s.afterPartnerUpdate(w, r, err)
}

// opsPartnerSetTest marks a partner as a test account or not (测试账号).
func (s *Server) opsPartnerSetTest(w http.ResponseWriter, r *http.Request) {
	err := s.Identity.SetPartnerTest(r.Context(), mustActor(r), r.PathValue("id"), r.PostFormValue("is_test") == "true")
	s.afterPartnerUpdate(w, r, err)
}

// afterPartnerUpdate redirects back on success (so a reload does not post
// again) or shows the partner with the error.
func (s *Server) afterPartnerUpdate(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		msg, status := s.errorMessage(r, err)
		s.showPartner(w, r, status, view{Error: msg})
		return
	}
	http.Redirect(w, r, "/ops/partners/"+r.PathValue("id")+"?saved=1", http.StatusSeeOther)
}
