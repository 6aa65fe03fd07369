package web

import (
	"net/http"
	"net/url"
	"strconv"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/httpx"
)

// relationRequestsData is 关联关系操作记录: every association change request
// concerning the partner, filtered by status and direction.
type relationRequestsData struct {
	Requests   []relRequestRow
	Total      int
	Page       pager
	Status     string
	Initiator  string
	Statuses   []relOption
	Initiators []relOption
	// RejectID and RejectReason are the reject form's input after a
	// refusal.
	RejectID     string
	RejectReason string
	// Back is this list's path and query, where answers return.
	Back string
}

// relOption is one choice of a filter.
type relOption struct{ Value, Key string }

func (s *Server) relationRequests(w http.ResponseWriter, r *http.Request) {
	notice := noticeFrom(r, "approved", "relations.requests.approved")
	if notice == "" {
		notice = noticeFrom(r, "rejected", "relations.requests.rejected")
	}
	s.renderRelationRequests(w, r, notice, nil, "", "")
}

func (s *Server) renderRelationRequests(w http.ResponseWriter, r *http.Request, notice string, pageErr error, rejectID, rejectReason string) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		// A refused answer shows the list it came from.
		if back, err := url.Parse(localPath(r.PostFormValue("back"), "/sales/relations")); err == nil {
			q = back.Query()
		}
	}
	f := customer.RequestFilter{Limit: 20}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	if st := customer.RequestStatus(q.Get("status")); st.Valid() {
		f.Status = st
	}
	switch in := customer.Initiator(q.Get("initiator")); in {
	case customer.InitiatedByPartner, customer.InitiatedByCustomer:
		f.Initiator = in
	}
	d := relationRequestsData{Status: string(f.Status), Initiator: string(f.Initiator), RejectID: rejectID, RejectReason: rejectReason,
		Initiators: []relOption{{string(customer.InitiatedByPartner), "relations.initiator.partner"},
			{string(customer.InitiatedByCustomer), "relations.initiator.customer"}}}
	for _, st := range customer.RequestStatuses {
		d.Statuses = append(d.Statuses, relOption{string(st), "relations.status." + string(st)})
	}
	listURL := &url.URL{Path: "/sales/relations", RawQuery: q.Encode()}
	d.Back = listURL.String()
	pageReq := r.Clone(r.Context())
	pageReq.URL = listURL
	list, total, err := s.Customers.ListAssociationRequests(r.Context(), mustActor(r), f)
	d.Requests, d.Total, d.Page = relRequestRows(list, true), total, newPager(pageReq, total, f.Limit)
	if err != nil && pageErr == nil {
		pageErr = err
	}
	v := view{Title: "relations.requests.title", Data: d, Notice: notice}
	if pageErr != nil {
		s.renderError(w, r, "relation_requests", v, pageErr)
		return
	}
	s.render(w, r, http.StatusOK, "relation_requests", v)
}

// relBack is where an answer returns: the list page it was given on.
func relBack(r *http.Request, mark string) string {
	back, err := url.Parse(localPath(r.PostFormValue("back"), "/sales/relations"))
	if err != nil || back.Path != "/sales/relations" {
		back = &url.URL{Path: "/sales/relations"}
	}
	q := back.Query()
	q.Del("approved")
	q.Del("rejected")
	q.Set(mark, "1")
	back.RawQuery = q.Encode()
	return back.String()
}

// relationApprove is 同意 of a customer's disassociation request.
func (s *Server) relationApprove(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Customers.ApproveAssociationRequest(r.Context(), mustActor(r), r.PathValue("id")); err != nil {
		s.Log.Info("association request approval refused", "request", r.PathValue("id"), "request_id", httpx.RequestID(r.Context()), "err", err)
		s.renderRelationRequests(w, r, "", err, "", "")
		return
	}
	http.Redirect(w, r, relBack(r, "approved"), http.StatusSeeOther)
}

// relationReject is 驳回 of a customer's disassociation request; the reason
// is required.
func (s *Server) relationReject(w http.ResponseWriter, r *http.Request) {
	id, reason := r.PathValue("id"), r.PostFormValue("reason")
	if err := s.Customers.RejectAssociationRequest(r.Context(), mustActor(r), id, reason); err != nil {
		s.renderRelationRequests(w, r, "", err, id, reason)
		return
	}
	http.Redirect(w, r, relBack(r, "rejected"), http.StatusSeeOther)
}
