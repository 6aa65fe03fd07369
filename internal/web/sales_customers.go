package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
)

// Page sizes of the customer lists (console.md §1.5).
var customerPageSizes = []int{10, 20, 50, 100}

// customerListForm is the customer list's query string, kept to refill the
// filters.
type customerListForm struct {
	Tab, Reseller                  string
	Type, From, To                 string
	Name, AccountName, CustomerID  string
	Manager, Mobile, Label, Frozen string
	Sort                           string
	Unassigned                     bool
	Limit                          int
}

// customerListData is 销售 > 客户 > 客户管理.
type customerListData struct {
	Form      customerListForm
	Rows      []customer.ConsoleRow
	Total     int
	Page      pager
	Sizes     []int
	Resellers []identity.PartnerRef
	// ResellerNames names the reseller of each row on the resellers' tab.
	ResellerNames map[string]string
	// Distributor shows the 我的客户 / 云经销商的客户 tabs; Basic is the
	// resellers' tab, which shows basic information only.
	Distributor bool
	Basic       bool
	// CanReveal shows the eye buttons; CanFreeze and CanUnfreeze the
	// freeze actions.
	CanReveal, CanFreeze, CanUnfreeze bool
	Columns                           []string
	IDs                               []string
	// SortURL is this page sorted the other way, from the first page.
	SortURL string
}

// parseCustomerListForm reads the filters of the list pages into the
// domain's filter; bad dates are left out (the date inputs send none).
func parseCustomerListForm(r *http.Request) (customerListForm, customer.ListFilter) {
	q := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	form := customerListForm{Tab: get("tab"), Reseller: get("reseller"), Type: get("type"), From: get("from"), To: get("to"),
		Name: get("name"), AccountName: get("account"), CustomerID: get("id"), Manager: get("manager"), Mobile: get("mobile"),
		Label: get("label"), Frozen: get("frozen"), Sort: get("sort"), Unassigned: q.Get("unassigned") != ""}
	form.Limit, _ = strconv.Atoi(q.Get("limit"))
	if !slices.Contains(customerPageSizes, form.Limit) {
		form.Limit = customerPageSizes[0]
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	offset = max(offset, 0)
	f := customer.ListFilter{Limit: &form.Limit, Offset: &offset, OldestFirst: form.Sort == "oldest", Unassigned: form.Unassigned}
	opt := func(v string) *string {
		if v == "" {
			return nil
		}
		return &v
	}
	f.AssociationType, f.Customer, f.AccountName = opt(form.Type), opt(form.Name), opt(form.AccountName)
	f.CustomerID, f.AccountManager, f.Mobile, f.Label = opt(form.CustomerID), opt(form.Manager), opt(form.Mobile), opt(form.Label)
	// The console works in China Standard Time: a date range is whole
	// local days.
	if d, err := time.ParseInLocation("2006-01-02", form.From, cst); err == nil {
		f.AssociatedFrom = &d
	}
	if d, err := time.ParseInLocation("2006-01-02", form.To, cst); err == nil {
		end := d.AddDate(0, 0, 1)
		f.AssociatedBefore = &end
	}
	switch form.Frozen {
	case "yes":
		f.Frozen = ptrTo(true)
	case "no":
		f.Frozen = ptrTo(false)
	}
	if form.Tab == "resellers" {
		f.AllResellers = true
		f.IndirectPartnerID = opt(form.Reseller)
	}
	return form, f
}

func ptrTo[T any](v T) *T { return &v }

// salesCustomerList is the customer list: filters, paging, sort, masked
// personal data with eye buttons, freeze actions; distributors get a
// second tab with their resellers' customers.
func (s *Server) salesCustomerList(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	form, f := parseCustomerListForm(r)
	data := customerListData{Form: form, Sizes: customerPageSizes, Distributor: a.PartnerType == identity.Distributor,
		CanFreeze: a.Can(identity.PermCustomerFreeze), CanUnfreeze: a.Can(identity.PermCustomerUnfreeze),
		Columns: customer.RevealColumns}
	data.Basic = data.Distributor && form.Tab == "resellers"
	if !data.Basic {
		f.AllResellers, f.IndirectPartnerID = false, nil
		data.Form.Tab = ""
	}
	data.CanReveal = a.Can(identity.PermCustomerReveal) && !data.Basic
	v := view{Title: "customers.list.title", Notice: customerNotice(r)}
	var err error
	if data.Basic {
		data.Resellers, err = s.Customers.ConsoleResellers(r.Context(), a)
		data.ResellerNames = map[string]string{}
		for _, p := range data.Resellers {
			data.ResellerNames[p.ID] = p.Name
		}
	}
	if err == nil {
		data.Rows, data.Total, err = s.Customers.ConsoleCustomers(r.Context(), a, f)
	}
	for _, row := range data.Rows {
		data.IDs = append(data.IDs, row.ID)
	}
	data.Page = newPager(r, data.Total, form.Limit)
	data.SortURL = sortURL(r)
	v.Data = data
	if err != nil {
		s.renderError(w, r, "sales_customers", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "sales_customers", v)
}

// sortURL is the list sorted by association time the other way, from its
// first page.
func sortURL(r *http.Request) string {
	q := r.URL.Query()
	if q.Get("sort") == "oldest" {
		q.Del("sort")
	} else {
		q.Set("sort", "oldest")
	}
	q.Del("offset")
	q.Del("done")
	q.Del("count")
	return r.URL.Path + "?" + q.Encode()
}

// customerNotice translates the mark a change leaves on the page it
// redirects to.
func customerNotice(r *http.Request) string {
	lang := view{Lang: langOf(r)}
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("count"))
	switch q.Get("done") {
	case "freeze":
		return lang.T("customers.frozen", "count", n)
	case "unfreeze":
		return lang.T("customers.unfrozen", "count", n)
	case "assign":
		return lang.T("customers.assign.assigned", "count", n)
	case "unassign":
		return lang.T("customers.assign.unassigned", "count", n)
	}
	return ""
}

// customerShowData is a customer's page.
type customerShowData struct {
	Customer                          customer.ConsoleDetail
	CanReveal, CanFreeze, CanUnfreeze bool
	Back                              string
}

// salesCustomerShow is one customer's page: masked personal data with eye
// buttons, association, account manager, freeze state and actions. Another
// partner's customer is "not found".
func (s *Server) salesCustomerShow(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	c, err := s.Customers.ConsoleCustomer(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	data := customerShowData{Customer: c, CanReveal: a.Can(identity.PermCustomerReveal),
		CanFreeze: a.Can(identity.PermCustomerFreeze), CanUnfreeze: a.Can(identity.PermCustomerUnfreeze),
		Back: "/sales/customers/" + url.PathEscape(c.ID)}
	s.render(w, r, http.StatusOK, "sales_customer_show", view{Title: "customers.show.title", Notice: customerNotice(r), Data: data})
}

// backTo returns the page a form came from, if it is one of the customer
// pages, else the list: a redirect never leaves them.
func backTo(r *http.Request) string {
	back := r.PostFormValue("back")
	if !strings.HasPrefix(back, "/sales/customers") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\r\n") {
		return "/sales/customers"
	}
	return back
}

// withDone adds the done mark and count to a back URL, dropping an older
// one.
func withDone(back, done string, count int) string {
	u, err := url.Parse(back)
	if err != nil {
		return "/sales/customers"
	}
	q := u.Query()
	q.Set("done", done)
	q.Set("count", strconv.Itoa(count))
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
