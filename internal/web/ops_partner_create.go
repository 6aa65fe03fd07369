package web

import (
	"net/http"

	"partnercenter/internal/identity"
)

type partnerFormData struct {
	Form         identity.NewPartner
	Types        []identity.PartnerType
	Distributors []identity.Partner
	Created      *identity.Partner
	MainAccount  identity.MainAccount
}

func (s *Server) partnerForm(r *http.Request, in identity.NewPartner) partnerFormData {
	dists, err := s.Identity.Distributors(r.Context(), mustActor(r))
	if err != nil {
		s.Log.Error("list distributors", "err", err)
	}
	return partnerFormData{Form: in, Types: identity.PartnerTypes, Distributors: dists}
}

func (s *Server) opsPartnerNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "ops_partner_new", view{Title: "ops.partners.new",
		Data: s.partnerForm(r, identity.NewPartner{Type: identity.SolutionProvider})})
}

// opsPartnerCreate creates a partner and shows its main account's one-time
// password on the response itself (never in a redirect or the session).
func (s *Server) opsPartnerCreate(w http.ResponseWriter, r *http.Request) {
	in := identity.NewPartner{
		Type: identity.PartnerType(r.PostFormValue("type")), ParentID: r.PostFormValue("parent_id"),
		Name: r.PostFormValue("name"), DomainName: r.PostFormValue("domain_name"),
		XAccountType:  r.PostFormValue("xaccount_type"),
		ContactMobile: r.PostFormValue("contact_mobile"), ContactEmail: r.PostFormValue("contact_email"),
		EcoManager: identity.EcoManager{Name: r.PostFormValue("eco_name"), Email: r.PostFormValue("eco_email"),
			Mobile: r.PostFormValue("eco_mobile")},
	}
	if in.Type != identity.CloudReseller {
		in.ParentID = ""
	}
	p, acct, err := s.Identity.CreatePartner(r.Context(), mustActor(r), in)
	data := s.partnerForm(r, in)
	if err != nil {
		s.renderError(w, r, "ops_partner_new", view{Title: "ops.partners.new", Data: data}, err)
		return
	}
	data.Created, data.MainAccount = &p, acct
	s.render(w, r, http.StatusCreated, "ops_partner_new", view{Title: "ops.partners.new", Data: data})
}
