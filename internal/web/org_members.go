package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"partnercenter/internal/identity"
)

// memberListData is 组织 > 组织成员 > 人员管理.
type memberListData struct {
	Members  []identity.MemberView
	Total    int
	Query    string
	Status   string
	Role     string
	Roles    []identity.Role
	Statuses []string
	Page     pager
}

// orgMemberList lists the partner's people with search, filters and
// paging; mobiles and e-mails come masked from identity.
func (s *Server) orgMemberList(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	q := r.URL.Query()
	f := identity.MemberFilter{Query: strings.TrimSpace(q.Get("q")), RoleID: q.Get("role"), Limit: 20}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	if st := q.Get("status"); slices.Contains(identity.MemberStatuses, st) {
		f.Status = &st
	}
	data := memberListData{Query: f.Query, Status: q.Get("status"), Role: f.RoleID, Statuses: identity.MemberStatuses}
	v := view{Title: "org.members.title", Notice: noticeFrom(r, "deleted", "org.members.deleted")}
	list, total, err := s.Identity.ListMembers(r.Context(), a, f)
	if err == nil {
		data.Roles, err = s.Identity.ListRoles(r.Context(), a)
	}
	data.Members, data.Total, data.Page = list, total, newPager(r, total, f.Limit)
	v.Data = data
	if err != nil {
		s.renderError(w, r, "org_members", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "org_members", v)
}

// noticeFrom translates key when the query parameter param is set, the
// mark a redirect after a change leaves for the page it lands on.
func noticeFrom(r *http.Request, param, key string) string {
	if r.URL.Query().Get(param) == "" {
		return ""
	}
	return view{Lang: langOf(r)}.T(key)
}
