package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"partnercenter/internal/identity"
)

var operatorStatuses = []string{identity.OperatorActive, identity.OperatorDisabled}

type operatorListData struct {
	Operators []identity.OperatorView
	Total     int
	Query     string
	Role      string
	Status    string
	Roles     []identity.OperatorRole
	Statuses  []string
	Page      pager
}

// opsOperatorList lists the cloud side's operators (platform admins only).
func (s *Server) opsOperatorList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := identity.OperatorFilter{Query: strings.TrimSpace(q.Get("q")), Limit: 20}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	if role := identity.OperatorRole(q.Get("role")); role.Valid() {
		f.Role = &role
	}
	if st := q.Get("status"); slices.Contains(operatorStatuses, st) {
		f.Status = &st
	}
	list, total, err := s.Identity.ListOperators(r.Context(), mustActor(r), f)
	v := view{Title: "ops.operators.title", Data: operatorListData{Operators: list, Total: total, Query: f.Query,
		Role: q.Get("role"), Status: q.Get("status"), Roles: identity.AllOperatorRoles, Statuses: operatorStatuses,
		Page: newPager(r, total, f.Limit)}}
	if err != nil {
		s.renderError(w, r, "ops_operators", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "ops_operators", v)
}

// operatorFormData is the new-operator form and, on the response to a
// creation only, the one-time password.
type operatorFormData struct {
	Form     identity.NewOperator
	Roles    []identity.OperatorRole
	Created  *identity.Operator
	Password string
}

// RoleChecked reports whether the form ticks role.
func (d operatorFormData) RoleChecked(role identity.OperatorRole) bool {
	return slices.Contains(d.Form.Roles, role)
}

func operatorRolesInput(r *http.Request) []identity.OperatorRole {
	_ = r.ParseForm()
	var out []identity.OperatorRole
	for _, v := range r.PostForm["roles"] {
		out = append(out, identity.OperatorRole(v))
	}
	return out
}

func (s *Server) opsOperatorNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "ops_operator_new", view{Title: "ops.operators.new",
		Data: operatorFormData{Roles: identity.AllOperatorRoles}})
}

func (s *Server) opsOperatorCreate(w http.ResponseWriter, r *http.Request) {
	in := identity.NewOperator{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Email: r.PostFormValue("email"), Roles: operatorRolesInput(r)}
	op, password, err := s.Identity.CreateOperatorBy(r.Context(), mustActor(r), in)
	data := operatorFormData{Form: in, Roles: identity.AllOperatorRoles}
	if err != nil {
		s.renderError(w, r, "ops_operator_new", view{Title: "ops.operators.new", Data: data}, err)
		return
	}
	data.Created, data.Password = &op, password
	s.render(w, r, http.StatusCreated, "ops_operator_new", view{Title: "ops.operators.new", Data: data})
}

// operatorShowData is one operator's page.
type operatorShowData struct {
	Operator identity.OperatorView
	Roles    []identity.OperatorRole
	Self     bool
	// Password is set on the response to a password reset only.
	Password string
}

// HasRole reports whether the operator holds role.
func (d operatorShowData) HasRole(role identity.OperatorRole) bool {
	return slices.Contains(d.Operator.Roles, role)
}

func (s *Server) showOperator(w http.ResponseWriter, r *http.Request, status int, v view, password string) {
	a := mustActor(r)
	op, err := s.Identity.Operator(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	v.Title = "ops.operators.title"
	v.Data = operatorShowData{Operator: op, Roles: identity.AllOperatorRoles, Self: op.ID == a.ID, Password: password}
	s.render(w, r, status, "ops_operator_show", v)
}

func (s *Server) opsOperatorShow(w http.ResponseWriter, r *http.Request) {
	s.showOperator(w, r, http.StatusOK, view{Notice: noticeFrom(r, "saved", "ops.operators.saved")}, "")
}

// afterOperatorChange redirects back on success or shows the operator with
// the error.
func (s *Server) afterOperatorChange(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		msg, status := s.errorMessage(r, err)
		s.showOperator(w, r, status, view{Error: msg}, "")
		return
	}
	http.Redirect(w, r, "/ops/operators/"+url.PathEscape(r.PathValue("id"))+"?saved=1", http.StatusSeeOther)
}

func (s *Server) opsOperatorSetStatus(w http.ResponseWriter, r *http.Request) {
	s.afterOperatorChange(w, r, s.Identity.SetOperatorStatus(r.Context(), mustActor(r), r.PathValue("id"), r.PostFormValue("status")))
}

func (s *Server) opsOperatorSetRoles(w http.ResponseWriter, r *http.Request) {
	s.afterOperatorChange(w, r, s.Identity.SetOperatorRoles(r.Context(), mustActor(r), r.PathValue("id"), operatorRolesInput(r)))
}

// opsOperatorResetPassword shows the new one-time password on this
// response only.
func (s *Server) opsOperatorResetPassword(w http.ResponseWriter, r *http.Request) {
	password, err := s.Identity.ResetOperatorPassword(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		s.afterOperatorChange(w, r, err)
		return
	}
	s.showOperator(w, r, http.StatusOK, view{Notice: view{Lang: langOf(r)}.T("ops.operators.password_reset_done")}, password)
}
