package web

import (
	"html/template"
	"net/http"
	"strconv"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/httpx"
)

// revealCells are the cells an eye button swaps in: one per customer, by
// id, out of band, and the status line.
var revealCells = template.Must(template.New("cells").Parse(
	`{{range .Cells}}<span id="cell-{{$.Column}}-{{.ID}}" class="revealed" hx-swap-oob="true">{{if .Value}}{{.Value}}{{else}}-{{end}}</span>
{{end}}<p id="reveal-status" class="muted small" role="status" hx-swap-oob="true">{{.Status}}</p>
`))

var revealRefusal = template.Must(template.New("refusal").Parse(
	`<p id="reveal-status" class="error" role="alert" hx-swap-oob="true">{{.}}</p>
`))

type revealCell struct{ ID, Value string }

// salesCustomerReveal answers an eye button: the plain values of one
// column for the customers on screen, as cells htmx swaps in. The domain
// checks the permission item, the tenant and the scope and writes the
// audit row. htmx swaps only successful answers, so a refusal asked by
// htmx comes back as a 200 carrying the translated message (and no
// values); asked otherwise it is the error page with its status.
func (s *Server) salesCustomerReveal(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	_ = r.ParseForm()
	column := r.PostFormValue("column")
	ids := r.PostForm["reveal_ids"]
	values, err := s.Customers.RevealCustomers(r.Context(), a, customer.RevealRequest{Column: column, CustomerIDs: ids,
		ClientIP: httpx.ClientIP(r), UserAgent: r.UserAgent()})
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		if r.Header.Get("HX-Request") != "true" {
			s.renderError(w, r, "error", view{Title: "error.title"}, err)
			return
		}
		msg, _ := s.errorMessage(r, err)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = revealRefusal.Execute(w, msg)
		return
	}
	data := struct {
		Column, Status string
		Cells          []revealCell
	}{Column: column}
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			data.Cells = append(data.Cells, revealCell{ID: id, Value: values[id]})
		}
	}
	lang := view{Lang: langOf(r)}
	data.Status = lang.T("customers.reveal.done", "column", lang.T("customers.col."+column), "count", len(data.Cells))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = revealCells.Execute(w, data)
}

// revealListData is the reveal audit.
type revealListData struct {
	Reveals []customer.Reveal
	Total   int
	Page    pager
}

// salesCustomerReveals lists the reveal audit: who revealed which column
// of which customers, when and from where.
func (s *Server) salesCustomerReveals(w http.ResponseWriter, r *http.Request) {
	f := customer.RevealFilter{Limit: 20}
	f.Offset, _ = strconv.Atoi(r.URL.Query().Get("offset"))
	list, total, err := s.Customers.ListReveals(r.Context(), mustActor(r), f)
	v := view{Title: "customers.reveals.title", Data: revealListData{Reveals: list, Total: total, Page: newPager(r, total, f.Limit)}}
	if err != nil {
		s.renderError(w, r, "sales_customer_reveals", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "sales_customer_reveals", v)
}
