package web

import (
	"net/http"
	"strconv"

	"partnercenter/internal/identity"
)

func (s *Server) opsIndex(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/ops/partners", http.StatusSeeOther)
}

type partnerListData struct {
	Partners []identity.Partner
	Total    int
	Query    string
	Type     string
	Status   string
	Types    []identity.PartnerType
	Statuses []identity.PartnerStatus
	Page     pager
}

// pager is the state of a paged list.
type pager struct {
	Offset, Limit, Total int
	PrevURL, NextURL     string
}

func newPager(r *http.Request, total, limit int) pager {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	p := pager{Offset: max(offset, 0), Limit: limit, Total: total}
	link := func(off int) string {
		q := r.URL.Query()
		q.Set("offset", strconv.Itoa(off))
		return r.URL.Path + "?" + q.Encode()
	}
	if p.Offset > 0 {
		p.PrevURL = link(max(p.Offset-limit, 0))
	}
	if p.Offset+limit < total {
		p.NextURL = link(p.Offset + limit)
	}
	return p
}

func (s *Server) opsPartnerList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := identity.PartnerFilter{Query: q.Get("q"), Limit: 20}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	if t := identity.PartnerType(q.Get("type")); t.Valid() {
		f.Type = &t
	}
	if st := identity.PartnerStatus(q.Get("status")); st.Valid() {
		f.Status = &st
	}
	list, total, err := s.Identity.ListPartners(r.Context(), mustActor(r), f)
	data := partnerListData{Partners: list, Total: total, Query: f.Query, Type: q.Get("type"), Status: q.Get("status"),
		Types: identity.PartnerTypes, Statuses: identity.PartnerStatuses, Page: newPager(r, total, f.Limit)}
	if err != nil {
		s.renderError(w, r, "ops_partners", view{Title: "ops.partners.title", Data: data}, err)
		return
	}
	s.render(w, r, http.StatusOK, "ops_partners", view{Title: "ops.partners.title", Data: data})
}
