package web

import (
	"net/http"
	"net/url"

	"partnercenter/internal/identity"
)

// roleListData is 组织 > 组织成员 > 角色管理.
type roleListData struct {
	Roles     []identity.Role
	Custom    int // custom roles defined
	MaxCustom int
}

func (s *Server) orgRoleList(w http.ResponseWriter, r *http.Request) {
	roles, err := s.Identity.ListRoles(r.Context(), mustActor(r))
	data := roleListData{Roles: roles, MaxCustom: identity.MaxCustomRoles}
	for _, role := range roles {
		if !role.Preset {
			data.Custom++
		}
	}
	v := view{Title: "org.roles.title", Data: data, Notice: noticeFrom(r, "deleted", "org.roles.deleted")}
	if err != nil {
		s.renderError(w, r, "org_roles", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "org_roles", v)
}

// roleFormData is the role form: a new or custom role to edit, or a
// preset shown read-only, with the catalogue grouped by menu.
type roleFormData struct {
	Role   identity.Role
	Groups []identity.PermissionGroup
}

func (s *Server) renderRoleForm(w http.ResponseWriter, r *http.Request, status int, role identity.Role, err error, notice string) {
	title := "org.roles.new"
	if role.ID != "" {
		title = "org.roles.edit"
	}
	v := view{Title: title, Notice: notice, Data: roleFormData{Role: role, Groups: identity.PermissionGroups()}}
	if err != nil {
		s.renderError(w, r, "org_role_form", v, err)
		return
	}
	s.render(w, r, status, "org_role_form", v)
}

// roleInput reads the role form.
func roleInput(r *http.Request) identity.NewRole {
	_ = r.ParseForm()
	return identity.NewRole{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"),
		Permissions: r.PostForm["permissions"]}
}

func (s *Server) orgRoleNew(w http.ResponseWriter, r *http.Request) {
	s.renderRoleForm(w, r, http.StatusOK, identity.Role{}, nil, "")
}

func (s *Server) orgRoleCreate(w http.ResponseWriter, r *http.Request) {
	in := roleInput(r)
	role, err := s.Identity.CreateRole(r.Context(), mustActor(r), in)
	if err != nil {
		s.renderRoleForm(w, r, 0, identity.Role{Name: in.Name, Description: in.Description, Permissions: in.Permissions}, err, "")
		return
	}
	http.Redirect(w, r, "/org/roles/"+url.PathEscape(role.ID)+"?saved=1", http.StatusSeeOther)
}

func (s *Server) orgRoleShow(w http.ResponseWriter, r *http.Request) {
	role, err := s.Identity.Role(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	s.renderRoleForm(w, r, http.StatusOK, role, nil, noticeFrom(r, "saved", "org.roles.saved"))
}

func (s *Server) orgRoleUpdate(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	id := r.PathValue("id")
	cur, err := s.Identity.Role(r.Context(), a, id)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	in := roleInput(r)
	if _, err := s.Identity.UpdateRole(r.Context(), a, id, identity.RoleUpdate{Name: &in.Name,
		Description: &in.Description, Permissions: &in.Permissions}); err != nil {
		cur.Name, cur.Description, cur.Permissions = in.Name, in.Description, in.Permissions
		s.renderRoleForm(w, r, 0, cur, err, "")
		return
	}
	http.Redirect(w, r, "/org/roles/"+url.PathEscape(id)+"?saved=1", http.StatusSeeOther)
}

func (s *Server) orgRoleDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	role, err := s.Identity.Role(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	s.render(w, r, http.StatusOK, "org_role_delete", view{Title: "org.roles.delete", Data: role})
}

// orgRoleDelete deletes a custom role; while members hold it the confirm
// page comes back with the reason.
func (s *Server) orgRoleDelete(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	id := r.PathValue("id")
	if err := s.Identity.DeleteRole(r.Context(), a, id); err != nil {
		role, lerr := s.Identity.Role(r.Context(), a, id)
		if lerr != nil {
			s.renderError(w, r, "error", view{Title: "error.title"}, err)
			return
		}
		s.renderError(w, r, "org_role_delete", view{Title: "org.roles.delete", Data: role}, err)
		return
	}
	http.Redirect(w, r, "/org/roles?deleted=1", http.StatusSeeOther)
}
