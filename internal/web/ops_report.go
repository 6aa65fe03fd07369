package web

import (
	"net/http"
	"strconv"

	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/prospect"
)

// 报备审核: the reports that need the cloud's judgement (an account
// registered more than 7 days ago, or with spending), which a reviewer
// approves or rejects with a reason. Operators see contacts in full: they
// must judge who the prospect is.

type opsReportListData struct {
	Reports []prospect.PendingReport
	Total   int
	Page    pager
}

func (s *Server) opsReportList(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	list, total, err := s.Prospects.ListPending(r.Context(), mustActor(r), 20, offset)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	v := view{Title: "ops.reports.title", Data: opsReportListData{Reports: list, Total: total, Page: newPager(r, total, 20)}}
	switch r.URL.Query().Get("done") {
	case "approved":
		v.Notice = i18n.T(langOf(r), "ops.reports.approved", nil)
	case "rejected":
		v.Notice = i18n.T(langOf(r), "ops.reports.rejected", nil)
	}
	s.render(w, r, http.StatusOK, "ops_reports", v)
}

type opsReportShowData struct {
	prospect.PendingReport
	TypeKey string
	Reason  string
}

func (s *Server) renderOpsReport(w http.ResponseWriter, r *http.Request, err error) {
	rep, lerr := s.Prospects.ReportForReview(r.Context(), mustActor(r), r.PathValue("id"))
	if lerr != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, lerr)
		return
	}
	v := view{Title: "ops.reports.review", Data: opsReportShowData{PendingReport: rep, TypeKey: prospect.TypeKey(rep.IntendedType),
		Reason: r.PostFormValue("reason")}}
	if err != nil {
		s.renderError(w, r, "ops_report_show", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "ops_report_show", v)
}

func (s *Server) opsReportShow(w http.ResponseWriter, r *http.Request) { s.renderOpsReport(w, r, nil) }

func (s *Server) opsReportApprove(w http.ResponseWriter, r *http.Request) {
	if err := s.Prospects.ApproveReport(r.Context(), mustActor(r), r.PathValue("id")); err != nil {
		s.renderOpsReport(w, r, err)
		return
	}
	http.Redirect(w, r, "/ops/reports?done=approved", http.StatusSeeOther)
}

func (s *Server) opsReportReject(w http.ResponseWriter, r *http.Request) {
	if err := s.Prospects.RejectReport(r.Context(), mustActor(r), r.PathValue("id"), r.PostFormValue("reason")); err != nil {
		s.renderOpsReport(w, r, err)
		return
	}
	http.Redirect(w, r, "/ops/reports?done=rejected", http.StatusSeeOther)
}
