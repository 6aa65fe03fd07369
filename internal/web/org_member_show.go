package web

import (
	"net/http"
	"net/url"
	"strconv"

	"partnercenter/internal/identity"
)

// memberShowData is a member's detail page.
type memberShowData struct {
	Member identity.MemberView
	// Managers are the account managers reporting to the member (a
	// director), and Directors the other directors they may move to.
	Managers  []identity.MemberRef
	Directors []identity.MemberRef
	// Password is set on the response to a password reset only.
	Password string
}

// showMember renders a member's detail page with status and v (its
// notice or error), and password when one was just reset. An unknown member
// is the error page.
func (s *Server) showMember(w http.ResponseWriter, r *http.Request, status int, v view, password string) {
	a := mustActor(r)
	id := r.PathValue("id")
	m, err := s.Identity.Member(r.Context(), a, id)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	data := memberShowData{Member: m, Password: password}
	if m.HasRole(identity.PresetDirector) || m.Reports > 0 {
		if data.Managers, err = s.Identity.AccountManagersOf(r.Context(), a, id); err != nil {
			s.Log.Error("list account managers", "err", err)
		}
		dirs, err := s.Identity.DirectorOptions(r.Context(), a)
		if err != nil {
			s.Log.Error("list directors", "err", err)
		}
		for _, d := range dirs {
			if d.ID != id {
				data.Directors = append(data.Directors, d)
			}
		}
	}
	v.Title, v.Data = "org.members.detail", data
	s.render(w, r, status, "org_member_show", v)
}

func (s *Server) orgMemberShow(w http.ResponseWriter, r *http.Request) {
	v := view{}
	switch q := r.URL.Query(); {
	case q.Get("saved") != "":
		v.Notice = view{Lang: langOf(r)}.T("org.members.saved")
	case q.Get("moved") != "":
		n, _ := strconv.Atoi(q.Get("moved"))
		v.Notice = view{Lang: langOf(r)}.T("org.members.moved", "count", n)
	}
	s.showMember(w, r, http.StatusOK, v, "")
}

// afterMemberChange redirects back to the member on success, with a mark
// for the notice, or shows the member with the error.
func (s *Server) afterMemberChange(w http.ResponseWriter, r *http.Request, err error, mark url.Values) {
	if err != nil {
		msg, status := s.errorMessage(r, err)
		s.showMember(w, r, status, view{Error: msg}, "")
		return
	}
	http.Redirect(w, r, "/org/members/"+url.PathEscape(r.PathValue("id"))+"?"+mark.Encode(), http.StatusSeeOther)
}

// orgMemberEdit is the edit form, filled with the member's contacts in full
// (RevealMember, which records the reveal in the audit log).
func (s *Server) orgMemberEdit(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	id := r.PathValue("id")
	mv, err := s.Identity.Member(r.Context(), a, id)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	m, err := s.Identity.RevealMember(r.Context(), a, id)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	in := identity.NewMember{AccountName: m.AccountName, DisplayName: m.DisplayName, Mobile: m.Mobile, Email: m.Email,
		DirectorID: m.DirectorID}
	for _, role := range mv.Roles {
		in.Roles = append(in.Roles, role.ID)
	}
	data, ferr := s.memberForm(r, in)
	data.Member = &mv
	v := view{Title: "org.members.edit", Data: data}
	if ferr != nil {
		s.renderError(w, r, "org_member_edit", v, ferr)
		return
	}
	s.render(w, r, http.StatusOK, "org_member_edit", v)
}

// orgMemberUpdate saves the edit form. The main account's roles never
// change, so its form carries none and none are sent.
func (s *Server) orgMemberUpdate(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	id := r.PathValue("id")
	mv, err := s.Identity.Member(r.Context(), a, id)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	in := memberInput(r)
	in.AccountName = mv.AccountName
	upd := identity.MemberUpdate{DisplayName: &in.DisplayName, Mobile: &in.Mobile, Email: &in.Email}
	if !mv.IsMain {
		upd.Roles, upd.DirectorID = &in.Roles, &in.DirectorID
	}
	if _, err := s.Identity.UpdateMember(r.Context(), a, id, upd); err != nil {
		data, ferr := s.memberForm(r, in)
		if ferr != nil {
			s.Log.Error("load member form", "err", ferr)
		}
		data.Member = &mv
		s.renderError(w, r, "org_member_edit", view{Title: "org.members.edit", Data: data}, err)
		return
	}
	http.Redirect(w, r, "/org/members/"+url.PathEscape(id)+"?saved=1", http.StatusSeeOther)
}

func (s *Server) orgMemberSetStatus(w http.ResponseWriter, r *http.Request) {
	err := s.Identity.SetMemberStatus(r.Context(), mustActor(r), r.PathValue("id"), r.PostFormValue("status"))
	s.afterMemberChange(w, r, err, url.Values{"saved": {"1"}})
}

func (s *Server) orgMemberMove(w http.ResponseWriter, r *http.Request) {
	n, err := s.Identity.MoveAccountManagers(r.Context(), mustActor(r), r.PathValue("id"), r.PostFormValue("to_director_id"))
	s.afterMemberChange(w, r, err, url.Values{"moved": {strconv.Itoa(n)}})
}

// orgMemberResetPassword gives the member a new one-time password and
// shows it on this response only.
func (s *Server) orgMemberResetPassword(w http.ResponseWriter, r *http.Request) {
	password, err := s.Identity.ResetMemberPassword(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		msg, status := s.errorMessage(r, err)
		s.showMember(w, r, status, view{Error: msg}, "")
		return
	}
	s.showMember(w, r, http.StatusOK, view{Notice: view{Lang: langOf(r)}.T("org.members.password_reset_done")}, password)
}

// orgMemberDeleteConfirm asks before deleting, on a page of its own.
func (s *Server) orgMemberDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	m, err := s.Identity.Member(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	s.render(w, r, http.StatusOK, "org_member_delete", view{Title: "org.members.delete", Data: m})
}

func (s *Server) orgMemberDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Identity.DeleteMember(r.Context(), mustActor(r), r.PathValue("id")); err != nil {
		msg, status := s.errorMessage(r, err)
		s.showMember(w, r, status, view{Error: msg}, "")
		return
	}
	http.Redirect(w, r, "/org/members?deleted=1", http.StatusSeeOther)
}
