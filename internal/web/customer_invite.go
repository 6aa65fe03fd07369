package web

import (
	"net/http"
	"strings"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/prospect"
)

// The customer portal's invitation pages (/customer/invite/{token}): the
// partner and the association type, the association notice (reseller
// model) and the data-sharing consent, then signing in to an existing
// account or registering a new one. The rules live in prospect and
// customer; on success the customer is signed in and lands on 我的合作伙伴.

// inviteForm is the page's input, re-shown after an error.
type inviteForm struct {
	Token       string
	Offer       prospect.Offer
	TypeKey     string
	Reseller    bool
	Notice      bool
	DataSharing bool
	NewName     string
	Mobile      string
	BindName    string
	ActiveForm  string // "register" or "signin"
}

func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, status int, form inviteForm, notice string, err error) {
	offer, oerr := s.Prospects.OpenInvitation(r.Context(), form.Token)
	if oerr != nil {
		// The link itself is unusable: say why, without the forms.
		msg, st := s.errorMessage(r, oerr)
		s.render(w, r, st, "customer_invite_message", view{Face: FaceCustomer, Title: "prospect.accept.title", Error: msg})
		return
	}
	form.Offer, form.TypeKey, form.Reseller = offer, prospect.TypeKey(offer.Type), offer.Type == customer.Reseller
	v := view{Face: FaceCustomer, Title: "prospect.accept.title", Data: form, Notice: notice}
	if err != nil {
		s.renderError(w, r, "customer_invite", v, err)
		return
	}
	s.render(w, r, status, "customer_invite", v)
}

// postedInvite reads the forms' shared fields.
func postedInvite(r *http.Request, active string) inviteForm {
	return inviteForm{Token: r.PathValue("token"), Notice: r.PostFormValue("notice") == "1",
		DataSharing: r.PostFormValue("data_sharing") == "1", NewName: strings.TrimSpace(r.PostFormValue("domain_name")),
		Mobile: strings.TrimSpace(r.PostFormValue("mobile")), BindName: strings.TrimSpace(r.PostFormValue("account")),
		ActiveForm: active}
}

func (s *Server) customerInvite(w http.ResponseWriter, r *http.Request) {
	s.renderInvite(w, r, http.StatusOK, inviteForm{Token: r.PathValue("token"), ActiveForm: "register"}, "", nil)
}

func (s *Server) customerInviteCode(w http.ResponseWriter, r *http.Request) {
	form := postedInvite(r, "register")
	if err := s.Prospects.SendAcceptCode(r.Context(), form.Token, form.Mobile); err != nil {
		s.renderInvite(w, r, 0, form, "", err)
		return
	}
	s.renderInvite(w, r, http.StatusOK, form, i18n.T(langOf(r), "prospect.accept.code_sent", nil), nil)
}

func (s *Server) customerInviteSignIn(w http.ResponseWriter, r *http.Request) {
	form := postedInvite(r, "signin")
	c, err := s.Prospects.AcceptBySignIn(r.Context(), form.Token, prospect.Consent{Notice: form.Notice, DataSharing: form.DataSharing},
		form.BindName, r.PostFormValue("password"))
	s.finishInvite(w, r, form, c, err)
}

func (s *Server) customerInviteRegister(w http.ResponseWriter, r *http.Request) {
	form := postedInvite(r, "register")
	c, err := s.Prospects.AcceptByRegistration(r.Context(), form.Token, prospect.Consent{Notice: form.Notice, DataSharing: form.DataSharing},
		customer.InviteAccount{DomainName: form.NewName, Password: r.PostFormValue("password"), Mobile: form.Mobile,
			Code: strings.TrimSpace(r.PostFormValue("code"))})
	s.finishInvite(w, r, form, c, err)
}

// finishInvite signs the associated customer in and shows its partner.
func (s *Server) finishInvite(w http.ResponseWriter, r *http.Request, form inviteForm, c customer.Customer, err error) {
	if err != nil {
		s.Log.Info("invitation refused", "ip", httpx.ClientIP(r), "err", err)
		s.renderInvite(w, r, 0, form, "", err)
		return
	}
	if err := s.startCustomerSession(r.Context(), c); err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	http.Redirect(w, r, "/customer/partner?associated=1", http.StatusSeeOther)
}
