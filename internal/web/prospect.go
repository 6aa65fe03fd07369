package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/mask"
	"partnercenter/internal/prospect"
)

// 销售 > 拓新 > 客户拓展 > 线上拓展: the reported customers, masked by default
// (console.md §0.3) with an eye per column for members allowed to see
// personal data, and the report form with its account chooser.

// typeOption is an association type in a select.
type typeOption struct {
	Value int
	Key   string
}

// typeOptions are the types actor's partner offers.
func typeOptions(a identity.Actor) []typeOption {
	var out []typeOption
	for _, t := range prospect.OfferedTypes(a.PartnerType) {
		out = append(out, typeOption{Value: int(t), Key: prospect.TypeKey(t)})
	}
	return out
}

// prospectRow is one report as the list shows it.
type prospectRow struct {
	ID           string
	CustomerName string
	Contact      string
	Mobile       string
	Email        string
	TypeKey      string
	Status       prospect.Status
	ReviewCause  string
	RejectReason string
	ExpiresAt    time.Time
	CreatedAt    time.Time
}

type prospectListData struct {
	Rows     []prospectRow
	Total    int
	Query    string
	Status   string
	Statuses []prospect.Status
	Page     pager
	Capacity prospect.Capacity
	// Blocked is why the report button is disabled; empty when enabled.
	Blocked   string
	CanReveal bool
	Revealed  string
	// RevealURL is this page with one column shown in full, by column.
	RevealURL map[string]string
}

// revealColumns are the list's masked columns.
var revealColumns = []string{prospect.RevealName, prospect.RevealContact, prospect.RevealMobile, prospect.RevealEmail}

func (s *Server) prospectList(w http.ResponseWriter, r *http.Request) {
	actor := mustActor(r)
	q := r.URL.Query()
	f := prospect.ReportFilter{Query: q.Get("q"), Limit: 20}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	for _, st := range prospect.Statuses {
		if q.Get("status") == string(st) {
			f.Status = &st
		}
	}
	list, total, err := s.Prospects.ListReports(r.Context(), actor, f)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	data := prospectListData{Total: total, Query: f.Query, Status: q.Get("status"), Statuses: prospect.Statuses,
		Page: newPager(r, total, f.Limit), CanReveal: actor.Can(identity.PermCustomerReveal), RevealURL: map[string]string{}}
	for _, col := range revealColumns {
		u := r.URL.Query()
		u.Set("reveal", col)
		data.RevealURL[col] = r.URL.Path + "?" + u.Encode()
	}
	data.Capacity, err = s.Prospects.Readiness(r.Context(), actor)
	if err != nil {
		if _, ok := apperr.As(err); !ok {
			s.renderError(w, r, "error", view{Title: "error.title"}, err)
			return
		}
		data.Blocked, _ = s.errorMessage(r, err)
	}
	revealed := map[string]string{}
	if col := q.Get("reveal"); col != "" && len(list) > 0 {
		ids := make([]string, len(list))
		for i, rep := range list {
			ids[i] = rep.ID
		}
		revealed, err = s.Prospects.RevealReports(r.Context(), actor, ids, col, httpx.ClientIP(r))
		if err != nil {
			s.renderError(w, r, "error", view{Title: "error.title"}, err)
			return
		}
		data.Revealed = col
	}
	for _, rep := range list {
		row := prospectRow{ID: rep.ID, CustomerName: mask.Name(rep.CustomerName), Contact: mask.Name(rep.ContactName),
			Mobile: mask.Mobile(rep.MobileDisplay()), Email: mask.Email(rep.Email), TypeKey: prospect.TypeKey(rep.IntendedType),
			Status: rep.Status, ReviewCause: rep.ReviewCause, RejectReason: rep.RejectReason, ExpiresAt: rep.ExpiresAt,
			CreatedAt: rep.CreatedAt}
		if v, ok := revealed[rep.ID]; ok {
			switch data.Revealed {
			case prospect.RevealName:
				row.CustomerName = v
			case prospect.RevealContact:
				row.Contact = v
			case prospect.RevealMobile:
				row.Mobile = v
			case prospect.RevealEmail:
				row.Email = v
			}
		}
		data.Rows = append(data.Rows, row)
	}
	v := view{Title: "prospect.title", Data: data}
	switch q.Get("reported") {
	case string(prospect.StatusPending):
		v.Notice = i18n.T(langOf(r), "prospect.notice.pending", nil)
	case string(prospect.StatusReported):
		v.Notice = i18n.T(langOf(r), "prospect.notice.reported", nil)
	}
	s.render(w, r, http.StatusOK, "prospect_reported", v)
}

// prospectForm is the report form's input.
type prospectForm struct {
	CustomerName string
	ContactName  string
	CountryCode  string
	Mobile       string
	Email        string
	Industry     string
	Region       string
	IntendedType int
	Remark       string
	AccountID    string
}

type prospectFormData struct {
	Form       prospectForm
	Types      []typeOption
	Candidates []prospect.Candidate
	Blocked    string
}

func (s *Server) prospectNew(w http.ResponseWriter, r *http.Request) {
	actor := mustActor(r)
	data := prospectFormData{Form: prospectForm{CountryCode: "+86"}, Types: typeOptions(actor)}
	if len(data.Types) > 0 {
		data.Form.IntendedType = data.Types[len(data.Types)-1].Value
	}
	if _, err := s.Prospects.Readiness(r.Context(), actor); err != nil {
		if _, ok := apperr.As(err); !ok {
			s.renderError(w, r, "error", view{Title: "error.title"}, err)
			return
		}
		data.Blocked, _ = s.errorMessage(r, err)
	}
	s.render(w, r, http.StatusOK, "prospect_report_new", view{Title: "prospect.report.title", Data: data})
}

func (s *Server) prospectCreate(w http.ResponseWriter, r *http.Request) {
	actor := mustActor(r)
	typ, _ := strconv.Atoi(r.PostFormValue("intended_type"))
	form := prospectForm{CustomerName: r.PostFormValue("customer_name"), ContactName: r.PostFormValue("contact_name"),
		CountryCode: r.PostFormValue("country_code"), Mobile: strings.TrimSpace(r.PostFormValue("mobile")),
		Email: r.PostFormValue("email"), Industry: r.PostFormValue("industry"), Region: r.PostFormValue("region"),
		IntendedType: typ, Remark: r.PostFormValue("remark"), AccountID: r.PostFormValue("account_id")}
	rep, cands, err := s.Prospects.Report(r.Context(), actor, prospect.NewReport{CustomerName: form.CustomerName,
		ContactName: form.ContactName, CountryCode: form.CountryCode, Mobile: form.Mobile, Email: form.Email,
		Industry: form.Industry, Region: form.Region, IntendedType: customer.AssociationType(typ), Remark: form.Remark,
		AccountID: form.AccountID})
	if err != nil {
		data := prospectFormData{Form: form, Types: typeOptions(actor), Candidates: cands}
		if errors.Is(err, identity.ErrForbidden) {
			s.renderError(w, r, "error", view{Title: "error.title"}, err)
			return
		}
		s.renderError(w, r, "prospect_report_new", view{Title: "prospect.report.title", Data: data}, err)
		return
	}
	http.Redirect(w, r, "/sales/prospects?reported="+string(rep.Status), http.StatusSeeOther)
}
