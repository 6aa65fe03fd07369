package web

import (
	"bytes"
	"net/http"
	"time"

	"partnercenter/internal/platform/httpx"
)

// customerRelationsData is 我的合作伙伴 > 关联关系 on the customer portal: the
// partner's requests awaiting the customer (立即处理: confirm with an SMS
// code, or decline), the customer's own disassociation request, and the
// association records.
type customerRelationsData struct {
	Associated   bool
	PartnerName  string
	TypeKey      string
	AssociatedAt time.Time
	Awaiting     []relRequestRow
	Filed        *relRequestRow
	Requests     []relRequestRow
	Records      []relRecordRow
	// CanFile says whether the request form is shown; NextAllowed is when
	// the customer may next file (zero: now).
	CanFile     bool
	NextAllowed time.Time
	// SentTo is the request a code was just sent for.
	SentTo string
	Reason string
}

func (s *Server) customerRelationsData(r *http.Request) (customerRelationsData, error) {
	me, _ := customerFrom(r.Context())
	mine, err := s.Customers.MyRelations(r.Context(), me.ID)
	if err != nil {
		return customerRelationsData{}, err
	}
	d := customerRelationsData{Associated: mine.Associated, Awaiting: relRequestRows(mine.Awaiting, false),
		Requests: relRequestRows(mine.Requests, false), Records: relRecordRows(mine.Records, false), NextAllowed: mine.NextAllowed,
		SentTo: r.URL.Query().Get("sent")}
	for _, rec := range mine.Records {
		if rec.Current() {
			d.PartnerName, d.TypeKey, d.AssociatedAt = rec.PartnerName, relTypeKey(rec.Type), rec.AssociatedAt
		}
	}
	if mine.Filed != nil {
		row := relRequestRowOf(*mine.Filed, false)
		d.Filed = &row
	}
	d.CanFile = mine.Associated && mine.Filed == nil && len(mine.Awaiting) == 0 && mine.NextAllowed.IsZero()
	return d, nil
}

func (s *Server) customerRelations(w http.ResponseWriter, r *http.Request) {
	notice := ""
	for _, n := range []struct{ param, key string }{{"sent", "relations.portal.code_sent"}, {"confirmed", "relations.portal.confirmed"},
		{"declined", "relations.portal.declined"}, {"filed", "relations.portal.filed"}} {
		if notice == "" {
			notice = noticeFrom(r, n.param, n.key)
		}
	}
	s.renderCustomerRelations(w, r, notice, nil, "")
}

func (s *Server) renderCustomerRelations(w http.ResponseWriter, r *http.Request, notice string, pageErr error, reason string) {
	d, err := s.customerRelationsData(r)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	d.Reason = reason
	v := view{Title: "relations.portal.title", Data: d, Notice: notice}
	if pageErr != nil {
		s.renderError(w, r, "customer_relations", v, pageErr)
		return
	}
	s.render(w, r, http.StatusOK, "customer_relations", v)
}

// customerRelationsPending is the part of 我的合作伙伴 that lists the
// partner's requests awaiting the customer; the page loads it with htmx.
// It answers the fragment alone (no layout).
func (s *Server) customerRelationsPending(w http.ResponseWriter, r *http.Request) {
	d, err := s.customerRelationsData(r)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	t, ok := s.pages.byName["customer_relations_pending"]
	if !ok {
		panic("web: no page customer_relations_pending")
	}
	v := view{Lang: langOf(r), Face: FaceCustomer, Path: r.URL.Path, Here: r.URL.RequestURI(), CSRF: s.csrfToken(r), Data: d}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "content", v); err != nil {
		s.Log.Error("render", "page", "customer_relations_pending", "err", err, "request_id", httpx.RequestID(r.Context()))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}

// customerRelationCode sends the code that confirms a partner's request.
func (s *Server) customerRelationCode(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	id := r.PathValue("id")
	if err := s.Customers.SendRelationCode(r.Context(), me.ID, id); err != nil {
		s.renderCustomerRelations(w, r, "", err, "")
		return
	}
	http.Redirect(w, r, "/customer/partner/relations?sent="+id, http.StatusSeeOther)
}

// customerRelationConfirm is 确认 of a partner's request with the code.
func (s *Server) customerRelationConfirm(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	if _, err := s.Customers.ConfirmAssociationRequest(r.Context(), me.ID, r.PathValue("id"), r.PostFormValue("code")); err != nil {
		s.Log.Info("association change confirmation refused", "customer", me.ID, "request_id", httpx.RequestID(r.Context()), "err", err)
		s.renderCustomerRelations(w, r, "", err, "")
		return
	}
	http.Redirect(w, r, "/customer/partner/relations?confirmed=1", http.StatusSeeOther)
}

// customerRelationDecline is 拒绝 of a partner's request.
func (s *Server) customerRelationDecline(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	if err := s.Customers.DeclineAssociationRequest(r.Context(), me.ID, r.PathValue("id")); err != nil {
		s.renderCustomerRelations(w, r, "", err, "")
		return
	}
	http.Redirect(w, r, "/customer/partner/relations?declined=1", http.StatusSeeOther)
}

// customerRelationFile files the customer's own disassociation request.
func (s *Server) customerRelationFile(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	reason := r.PostFormValue("reason")
	if _, err := s.Customers.RequestDisassociationByCustomer(r.Context(), me.ID, reason); err != nil {
		s.Log.Info("disassociation request refused", "customer", me.ID, "request_id", httpx.RequestID(r.Context()), "err", err)
		s.renderCustomerRelations(w, r, "", err, reason)
		return
	}
	http.Redirect(w, r, "/customer/partner/relations?filed=1", http.StatusSeeOther)
}
