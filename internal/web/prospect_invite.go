package web

import (
	"net/http"
	"strconv"
	"strings"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/mask"
	"partnercenter/internal/prospect"
)

// 线上拓展 > 邀请: the invitation dialog for one or many 已报备 reports —
// the association type, an e-mail for reports without one, the preview of
// the e-mail, and sending.

// inviteItemView is one selected report in the dialog.
type inviteItemView struct {
	ID       string
	Name     string // masked
	Email    string // masked; empty when the report has none
	Added    string // the address typed for a report without one
	Problem  string
	Reported bool
}

type inviteFormData struct {
	Items   []inviteItemView
	Types   []typeOption
	Type    int
	Preview *prospect.Preview
}

// inviteData loads the selected reports for the dialog, keeping what the
// form posted.
func (s *Server) inviteData(r *http.Request, ids []string) inviteFormData {
	actor := mustActor(r)
	data := inviteFormData{Types: typeOptions(actor)}
	data.Type, _ = strconv.Atoi(r.FormValue("type"))
	if data.Type == 0 && len(data.Types) > 0 {
		data.Type = data.Types[len(data.Types)-1].Value
	}
	for _, id := range ids {
		rep, err := s.Prospects.ReportByID(r.Context(), actor, id)
		if err != nil {
			continue
		}
		if data.Type == 0 {
			data.Type = int(rep.IntendedType)
		}
		it := inviteItemView{ID: rep.ID, Name: mask.Name(rep.CustomerName), Email: mask.Email(rep.Email),
			Added: strings.TrimSpace(r.FormValue("email_" + rep.ID)), Reported: rep.Status == prospect.StatusReported}
		if !it.Reported {
			it.Problem = i18n.T(langOf(r), "err.prospect_not_reported", map[string]any{"name": it.Name})
		}
		data.Items = append(data.Items, it)
	}
	return data
}

// inviteRequest reads the dialog's form.
func inviteRequest(r *http.Request) prospect.InviteRequest {
	typ, _ := strconv.Atoi(r.PostFormValue("type"))
	in := prospect.InviteRequest{ReportIDs: r.PostForm["id"], Type: customer.AssociationType(typ),
		Emails: map[string]string{}, Lang: langOf(r), LinkBase: requestOrigin(r)}
	for _, id := range in.ReportIDs {
		if e := r.PostFormValue("email_" + id); e != "" {
			in.Emails[id] = e
		}
	}
	return in
}

// requestOrigin is the site's address as the browser reached it, for links
// when no base URL is configured.
func requestOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) prospectInviteForm(w http.ResponseWriter, r *http.Request) {
	data := s.inviteData(r, r.URL.Query()["id"])
	v := view{Title: "prospect.invite.title", Data: data}
	if len(data.Items) == 0 {
		s.renderError(w, r, "prospect_invite", v, prospect.ErrInviteNone)
		return
	}
	s.render(w, r, http.StatusOK, "prospect_invite", v)
}

func (s *Server) prospectInvitePreview(w http.ResponseWriter, r *http.Request) {
	in := inviteRequest(r)
	data := s.inviteData(r, in.ReportIDs)
	p, err := s.Prospects.PreviewInvitations(r.Context(), mustActor(r), in)
	v := view{Title: "prospect.invite.title", Data: &data}
	if err != nil {
		s.renderError(w, r, "prospect_invite", v, err)
		return
	}
	data.Preview = &p
	s.render(w, r, http.StatusOK, "prospect_invite", v)
}

func (s *Server) prospectInviteSend(w http.ResponseWriter, r *http.Request) {
	in := inviteRequest(r)
	sent, err := s.Prospects.InviteReports(r.Context(), mustActor(r), in)
	if err != nil {
		s.renderError(w, r, "prospect_invite", view{Title: "prospect.invite.title", Data: s.inviteData(r, in.ReportIDs)}, err)
		return
	}
	http.Redirect(w, r, "/sales/prospects/history?sent="+strconv.Itoa(len(sent)), http.StatusSeeOther)
}
