package web

import (
	"net/http"
	"net/url"
	"strconv"

	"partnercenter/internal/customer"
)

// protectedKinds are the kinds of the protected list, in form order.
var protectedKinds = []customer.ProtectedKind{customer.ProtectedMobile, customer.ProtectedEmail}

type protectedListData struct {
	Entries []customer.Protected
	Total   int
	Query   string
	Kind    string
	Kinds   []customer.ProtectedKind
	Page    pager
	// Form is the add form's input, kept when it is shown again with an
	// error.
	Form struct{ Kind, Value, Note string }
}

// opsProtectedList is 受保护客户名单: the mobiles and e-mails of customers
// the cloud's direct sales follow, which no partner may register. Values
// are shown in full: the operators manage the list.
func (s *Server) opsProtectedList(w http.ResponseWriter, r *http.Request) {
	v := view{}
	switch {
	case r.URL.Query().Get("added") == "1":
		v.Notice = view{Lang: langOf(r)}.T("ops.protected.added")
	case r.URL.Query().Get("removed") == "1":
		v.Notice = view{Lang: langOf(r)}.T("ops.protected.removed")
	}
	s.renderProtected(w, r, http.StatusOK, v, nil)
}

// renderProtected shows the list (filtered and paged by the query) with the
// add form; err, if any, is the add form's.
func (s *Server) renderProtected(w http.ResponseWriter, r *http.Request, status int, v view, err error) {
	q := r.URL.Query()
	f := customer.ProtectedFilter{Query: q.Get("q"), Limit: 20}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	f.Offset = max(f.Offset, 0)
	kind := customer.ProtectedKind(q.Get("kind"))
	if kind == customer.ProtectedMobile || kind == customer.ProtectedEmail {
		f.Kind = &kind
	}
	list, total, lerr := s.Customers.ListProtected(r.Context(), mustActor(r), f)
	data := protectedListData{Entries: list, Total: total, Query: f.Query, Kind: q.Get("kind"), Kinds: protectedKinds,
		Page: newPager(r, total, f.Limit)}
	data.Form.Kind = string(customer.ProtectedMobile)
	if r.Method == http.MethodPost {
		data.Form.Kind, data.Form.Value, data.Form.Note = r.PostFormValue("kind"), r.PostFormValue("value"), r.PostFormValue("note")
	}
	v.Title, v.Data = "ops.protected.title", data
	if lerr != nil {
		err = lerr
	}
	if err != nil {
		s.renderError(w, r, "ops_protected", v, err)
		return
	}
	s.render(w, r, status, "ops_protected", v)
}

func (s *Server) opsProtectedAdd(w http.ResponseWriter, r *http.Request) {
	_, err := s.Customers.AddNewProtected(r.Context(), mustActor(r), customer.ProtectedKind(r.PostFormValue("kind")),
		r.PostFormValue("value"), r.PostFormValue("note"))
	if err != nil {
		s.renderProtected(w, r, 0, view{}, err)
		return
	}
	http.Redirect(w, r, "/ops/protected?added=1", http.StatusSeeOther)
}

// opsProtectedDeleteConfirm asks before taking an entry off the list.
func (s *Server) opsProtectedDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	p, err := s.Customers.ProtectedByID(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	s.render(w, r, http.StatusOK, "ops_protected_delete", view{Title: "ops.protected.remove", Data: p})
}

func (s *Server) opsProtectedDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Customers.RemoveProtected(r.Context(), mustActor(r), r.PathValue("id")); err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	http.Redirect(w, r, "/ops/protected?"+url.Values{"removed": {"1"}}.Encode(), http.StatusSeeOther)
}
