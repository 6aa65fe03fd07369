package web

import (
	"net/http"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/mask"
)

// relationCustomerData is 关联关系管理 of one customer on the partner
// console.
type relationCustomerData struct {
	CustomerID   string
	CustomerName string // masked
	Associated   bool
	TypeKey      string
	SwitchToKey  string
	AssociatedAt time.Time
	Records      []relRecordRow
	Requests     []relRequestRow
	Open         *relRequestRow
	// NextAllowed is when the partner may next initiate a change (zero:
	// now); CanRequest says whether the request forms are shown.
	NextAllowed time.Time
	CanRequest  bool
	// Kind and Reason are the form's input after a refusal.
	Kind   string
	Reason string
}

func (s *Server) relationCustomer(w http.ResponseWriter, r *http.Request) {
	s.renderRelationCustomer(w, r, noticeFrom(r, "requested", "relations.partner.requested"), nil, "", "")
}

// renderRelationCustomer shows the page with a notice, or with err and the
// form's input.
func (s *Server) renderRelationCustomer(w http.ResponseWriter, r *http.Request, notice string, pageErr error, kind, reason string) {
	rel, err := s.Customers.CustomerRelations(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	d := relationCustomerData{CustomerID: rel.CustomerID, CustomerName: mask.AccountName(rel.CustomerName),
		Associated: rel.Associated, Records: relRecordRows(rel.Records, true), Requests: relRequestRows(rel.Requests, true),
		NextAllowed: rel.NextAllowed, Kind: kind, Reason: reason}
	if rel.Associated {
		d.TypeKey, d.AssociatedAt = relTypeKey(rel.Current.Type), rel.Current.AssociatedAt
		d.SwitchToKey = relTypeKey(customer.Reseller)
		if rel.Current.Type == customer.Reseller {
			d.SwitchToKey = relTypeKey(customer.Referral)
		}
	}
	if rel.Open != nil {
		row := relRequestRowOf(*rel.Open, true)
		d.Open = &row
	}
	d.CanRequest = rel.Associated && rel.Open == nil && rel.NextAllowed.IsZero()
	v := view{Title: "relations.partner.title", Data: d, Notice: notice}
	if pageErr != nil {
		s.renderError(w, r, "relation_customer", v, pageErr)
		return
	}
	s.render(w, r, http.StatusOK, "relation_customer", v)
}

// relationCustomerRequest files 解除关联 or 变更关联类型 for the customer.
func (s *Server) relationCustomerRequest(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	kind, reason := r.PostFormValue("kind"), r.PostFormValue("reason")
	_, err := s.Customers.RequestAssociationChange(r.Context(), mustActor(r), customer.ChangeRequest{CustomerID: id,
		Kind: customer.ChangeKind(kind), Reason: reason})
	if err != nil {
		s.Log.Info("association change refused", "customer", id, "request_id", httpx.RequestID(r.Context()), "err", err)
		s.renderRelationCustomer(w, r, "", err, kind, reason)
		return
	}
	http.Redirect(w, r, "/sales/customers/"+id+"/relations?requested=1", http.StatusSeeOther)
}
