package web

import (
	"net/http"

	"partnercenter/internal/customer"
)

// itemFailure is one customer a batch could not change, translated.
type itemFailure struct {
	ID      string
	Message string
}

// customerResultData is the page a batch change lands on when some
// customers failed, or the whole request was refused.
type customerResultData struct {
	Done     int
	Failures []itemFailure
	Back     string
}

func (s *Server) salesCustomerFreeze(w http.ResponseWriter, r *http.Request) {
	s.setCustomersFrozen(w, r, true)
}

func (s *Server) salesCustomerUnfreeze(w http.ResponseWriter, r *http.Request) {
	s.setCustomersFrozen(w, r, false)
}

// setCustomersFrozen freezes or unfreezes the ticked customers (ids), or
// the one of a row's button (one), with the form's reason and type, through
// customer.FreezeCustomers' rules.
func (s *Server) setCustomersFrozen(w http.ResponseWriter, r *http.Request, freeze bool) {
	a := mustActor(r)
	_ = r.ParseForm()
	ids := r.PostForm["ids"]
	if one := r.PostFormValue("one"); one != "" {
		ids = []string{one}
	}
	req := customer.FreezeRequest{Reason: r.PostFormValue("reason")}
	if t := r.PostFormValue("freeze_type"); t != "" {
		req.Type = &t
	}
	call, done := s.Customers.UnfreezeCustomers, "unfreeze"
	if freeze {
		call, done = s.Customers.FreezeCustomers, "freeze"
	}
	back := backTo(r)
	if len(ids) == 0 {
		ids = []string{""} // refused by the domain as customer_ids
	}
	var failed []customer.ItemError
	for start := 0; start < len(ids); start += customer.MaxFreezeBatch {
		end := min(start+customer.MaxFreezeBatch, len(ids))
		req.CustomerIDs = ids[start:end]
		f, err := call(r.Context(), a, req)
		if err != nil {
			s.renderError(w, r, "sales_customer_result", view{Title: "customers.result.title",
				Data: customerResultData{Back: back}}, err)
			return
		}
		failed = append(failed, f...)
	}
	s.finishBatch(w, r, back, done, len(ids), failed)
}

// finishBatch redirects to back with a notice when every customer
// changed, else shows which failed and why.
func (s *Server) finishBatch(w http.ResponseWriter, r *http.Request, back, done string, asked int, failed []customer.ItemError) {
	if len(failed) == 0 {
		http.Redirect(w, r, withDone(back, done, asked), http.StatusSeeOther)
		return
	}
	data := customerResultData{Done: asked - len(failed), Back: back}
	for _, f := range failed {
		msg, _ := s.errorMessage(r, f.Err)
		data.Failures = append(data.Failures, itemFailure{ID: f.ID, Message: msg})
	}
	s.render(w, r, http.StatusOK, "sales_customer_result", view{Title: "customers.result.title", Data: data})
}
