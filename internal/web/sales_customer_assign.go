package web

import (
	"net/http"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
)

// customerAssignData is 客户分配.
type customerAssignData struct {
	Form       customerListForm
	Rows       []customer.ConsoleRow
	Total      int
	Page       pager
	Sizes      []int
	Candidates []identity.MemberRef
}

// salesCustomerAssignList lists the customers to assign, with the "only
// unassigned" filter, and the members they may be assigned to.
func (s *Server) salesCustomerAssignList(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	form, f := parseCustomerListForm(r)
	form.Tab = ""
	data := customerAssignData{Form: form, Sizes: customerPageSizes}
	v := view{Title: "customers.assign.title", Notice: customerNotice(r)}
	var err error
	data.Rows, data.Total, err = s.Customers.AssignListCustomers(r.Context(), a, f)
	if err == nil {
		data.Candidates, err = s.Customers.AssignCandidates(r.Context(), a)
	}
	data.Page = newPager(r, data.Total, form.Limit)
	v.Data = data
	if err != nil {
		s.renderError(w, r, "sales_customer_assign", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "sales_customer_assign", v)
}

// salesCustomerAssign assigns the chosen member to the ticked customers.
func (s *Server) salesCustomerAssign(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	ids := r.PostForm["ids"]
	failed, err := s.Customers.AssignAccountManager(r.Context(), mustActor(r), ids, r.PostFormValue("member"))
	s.finishAssign(w, r, "assign", len(ids), failed, err)
}

// salesCustomerUnassign takes the ticked customers back (收回客户).
func (s *Server) salesCustomerUnassign(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	ids := r.PostForm["ids"]
	failed, err := s.Customers.UnassignAccountManager(r.Context(), mustActor(r), ids)
	s.finishAssign(w, r, "unassign", len(ids), failed, err)
}

func (s *Server) finishAssign(w http.ResponseWriter, r *http.Request, done string, asked int, failed []customer.ItemError, err error) {
	back := backTo(r)
	if err != nil {
		s.renderError(w, r, "sales_customer_result", view{Title: "customers.result.title",
			Data: customerResultData{Back: back}}, err)
		return
	}
	s.finishBatch(w, r, back, done, asked, failed)
}
