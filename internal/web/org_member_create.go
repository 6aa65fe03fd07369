package web

import (
	"net/http"

	"partnercenter/internal/identity"
)

// memberFormData is the member form, for creating and for editing.
type memberFormData struct {
	Form      identity.NewMember
	Roles     []identity.Role
	Directors []identity.MemberRef
	// Member is the member being edited (nil when creating).
	Member *identity.MemberView
	// Created and Password are set on the response to a creation only:
	// the initial password is shown there once and kept nowhere else.
	Created  *identity.Member
	Password string
}

// memberForm loads the roles and directors the form offers. A failure is
// returned so the page can show it; the form still renders with what loaded.
func (s *Server) memberForm(r *http.Request, in identity.NewMember) (memberFormData, error) {
	a := mustActor(r)
	data := memberFormData{Form: in}
	var err error
	if data.Roles, err = s.Identity.ListRoles(r.Context(), a); err != nil {
		return data, err
	}
	data.Directors, err = s.Identity.DirectorOptions(r.Context(), a)
	return data, err
}

// memberInput reads the member form.
func memberInput(r *http.Request) identity.NewMember {
	_ = r.ParseForm()
	return identity.NewMember{
		AccountName: r.PostFormValue("account_name"), DisplayName: r.PostFormValue("display_name"),
		Mobile: r.PostFormValue("mobile"), Email: r.PostFormValue("email"),
		Roles: r.PostForm["roles"], DirectorID: r.PostFormValue("director_id"),
	}
}

func (s *Server) orgMemberNew(w http.ResponseWriter, r *http.Request) {
	v := view{Title: "org.members.new"}
	data, err := s.memberForm(r, identity.NewMember{})
	v.Data = data
	if err != nil {
		s.renderError(w, r, "org_member_new", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "org_member_new", v)
}

// orgMemberCreate creates a member and shows its initial password on this
// response only (never in a redirect or the session).
func (s *Server) orgMemberCreate(w http.ResponseWriter, r *http.Request) {
	in := memberInput(r)
	m, password, err := s.Identity.CreateMember(r.Context(), mustActor(r), in)
	data, ferr := s.memberForm(r, in)
	v := view{Title: "org.members.new"}
	if err != nil {
		v.Data = data
		s.renderError(w, r, "org_member_new", v, err)
		return
	}
	if ferr != nil {
		s.Log.Error("load member form", "err", ferr)
	}
	data.Created, data.Password = &m, password
	v.Data = data
	s.render(w, r, http.StatusCreated, "org_member_new", v)
}
