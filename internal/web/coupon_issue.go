package web

import (
	"net/http"
	"slices"
	"strings"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/mask"
)

// couponIssueForm is the issue form's input, kept to refill it.
type couponIssueForm struct {
	FaceValue, MinOrder  string
	ValidFrom, ExpiresAt string
	ServiceTypes         []string
	ProductIDs           []string
	Remark               string
	Customers            []pickedCustomer
	Advanced             bool
}

// pickedCustomer is a customer chosen for the issue, masked.
type pickedCustomer struct {
	ID, Label string
}

// couponIssueData is the issue form (发放代金券 / 发放现金券, console.md §3.4).
type couponIssueData struct {
	Head   couponHead
	Quota  coupon.Quota
	Limits limitView
	// ServiceTypes are the choices of 高级设置: the quota's service types,
	// or the catalogue's when the quota names none; Products likewise (the
	// catalogue's products are its resource types).
	ServiceTypes []option
	Products     []option
	Form         couponIssueForm
	Max          int
	// Result, after a submit: the coupons issued and the customers that
	// failed, translated.
	Result *couponIssueResult
}

type couponIssueResult struct {
	Issued   []coupon.Issued
	Failures []itemFailure
	Balance  string // the quota's balance after the issue
}

// couponIssueForm shows the form for a normal quota of the caller's.
func (s *Server) couponIssueForm(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		q, err := s.ownQuota(r, a, k, r.URL.Query().Get("quota"))
		if err == nil && !q.Issuable() {
			err = coupon.ErrQuotaStatus
		}
		if err != nil {
			s.renderCouponError(w, r, err)
			return
		}
		data := s.couponIssueData(r, a, k, q, couponIssueForm{})
		s.render(w, r, http.StatusOK, "coupon_issue", view{Title: k.Key("issue"), Data: data})
	}
}

// couponIssueData fills the form's choices from the quota.
func (s *Server) couponIssueData(r *http.Request, a identity.Actor, k couponKind, q coupon.Quota, form couponIssueForm) couponIssueData {
	d := couponIssueData{Head: newCouponHead(a, k, "quotas"), Quota: q, Limits: s.limitsView(r, q.Limits), Form: form,
		Max: maxConsoleCustomers}
	if len(q.Limits.ServiceTypes) > 0 {
		d.ServiceTypes = d.Limits.ServiceTypes
	} else {
		names, codes := s.serviceTypeNames(r, langOf(r))
		for _, c := range codes {
			d.ServiceTypes = append(d.ServiceTypes, option{Value: c, Label: names[c]})
		}
	}
	for i := range d.ServiceTypes {
		d.ServiceTypes[i].Checked = slices.Contains(form.ServiceTypes, d.ServiceTypes[i].Value)
	}
	products := s.productNames(r)
	if len(q.Limits.ProductIDs) > 0 {
		for _, p := range q.Limits.ProductIDs {
			label := p
			if o, ok := findOption(products, p); ok {
				label = o.Label
			}
			d.Products = append(d.Products, option{Value: p, Label: label})
		}
	} else {
		d.Products = products
	}
	for i := range d.Products {
		d.Products[i].Checked = slices.Contains(form.ProductIDs, d.Products[i].Value)
	}
	d.Form.Advanced = form.Advanced || len(form.ServiceTypes) > 0 || len(form.ProductIDs) > 0
	return d
}

// couponIssue issues one coupon per chosen customer through
// coupon.Service.Issue (at most ten in the console) and shows which were
// issued and why the others failed.
func (s *Server) couponIssue(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		_ = r.ParseForm()
		q, err := s.ownQuota(r, a, k, r.PostFormValue("quota"))
		if err != nil {
			s.renderCouponError(w, r, err)
			return
		}
		form := couponIssueForm{FaceValue: strings.TrimSpace(r.PostFormValue("face_value")),
			MinOrder:  strings.TrimSpace(r.PostFormValue("min_order")),
			ValidFrom: r.PostFormValue("valid_from"), ExpiresAt: r.PostFormValue("expires_at"),
			ServiceTypes: formIDs(r.PostForm["service_types"]), ProductIDs: formIDs(r.PostForm["product_ids"]),
			Remark:   r.PostFormValue("remark"),
			Advanced: r.PostFormValue("advanced") != ""}
		ids := formIDs(r.PostForm["customer_ids"])
		form.Customers = s.pickedCustomers(r, a, ids)
		req, err := issueRequest(r, q, form, ids)
		var issued []coupon.Issued
		var failed []coupon.ItemError
		if err == nil {
			issued, failed, err = s.Coupons.Issue(r.Context(), a, req)
		}
		if err != nil {
			msg, status := s.errorMessage(r, err)
			data := s.couponIssueData(r, a, k, q, form)
			s.render(w, r, status, "coupon_issue", view{Title: k.Key("issue"), Data: data, Error: msg,
				Fields: fieldMessages(r, err)})
			return
		}
		res := &couponIssueResult{Issued: issued}
		for _, f := range failed {
			msg, _ := s.errorMessage(r, f.Err)
			res.Failures = append(res.Failures, itemFailure{ID: f.ID, Message: msg})
		}
		if after, err := s.Coupons.Quota(r.Context(), a, q.ID); err == nil {
			q = after
		}
		res.Balance = q.Balance.String()
		data := s.couponIssueData(r, a, k, q, form)
		data.Result = res
		s.render(w, r, http.StatusOK, "coupon_issue_result", view{Title: k.Key("issue"), Data: data})
	}
}

// issueRequest reads the form into the domain's request; the rules
// (face value, limits within the quota's, validity, customers) are the
// domain's.
func issueRequest(r *http.Request, q coupon.Quota, form couponIssueForm, ids []string) (coupon.IssueRequest, error) {
	req := coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: ids, ServiceTypes: form.ServiceTypes,
		ProductIDs: form.ProductIDs, MaxCustomers: maxConsoleCustomers}
	face, err := formAmount(r, "face_value")
	if err != nil {
		return req, err
	}
	if face == nil {
		return req, formError(r, "face_value")
	}
	req.FaceValue = *face
	if req.MinOrder, err = formAmount(r, "min_order"); err != nil {
		return req, err
	}
	if req.ValidFrom, err = formDateTime(r, "valid_from"); err != nil {
		return req, err
	}
	if req.ExpiresAt, err = formDateTime(r, "expires_at"); err != nil {
		return req, err
	}
	if len(ids) == 0 || len(ids) > maxConsoleCustomers {
		return req, errTooManyCustomers.With("max", maxConsoleCustomers).WithField("customer_ids", "couponconsole.field_invalid")
	}
	if remark := strings.TrimSpace(form.Remark); remark != "" {
		req.Remark = &remark
	}
	return req, nil
}

// errTooManyCustomers: the console issues to one to ten customers.
var errTooManyCustomers = apperr.New(apperr.InvalidParam.Code, "err.couponconsole_customers")

// customerChoice is one customer the picker found, masked.
type customerChoice struct {
	ID, AccountName, Name string
}

// couponCustomerSearch answers the picker's search box (htmx): up to ten
// of the partner's reseller-model customers whose name or account name
// contains q, masked. The customer domain applies the tenant and the
// member's data scope.
func (s *Server) couponCustomerSearch(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		q := strings.Join(strings.Fields(r.URL.Query().Get("q")), "")
		data := struct {
			Kind    couponKind
			Query   string
			Choices []customerChoice
			Error   string
		}{Kind: k, Query: q}
		if q != "" {
			choices, err := s.searchResellerCustomers(r, a, q, "")
			if err != nil {
				data.Error, _ = s.errorMessage(r, err)
			}
			data.Choices = choices
		}
		s.renderFragment(w, r, "coupon_customers", data)
	}
}

// couponCustomerPick answers a picker's 添加 (htmx): the chosen customer
// as a ticked entry of the form's customer list.
func (s *Server) couponCustomerPick(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		picked := s.pickedCustomers(r, a, formIDs([]string{r.URL.Query().Get("id")}))
		s.renderFragment(w, r, "coupon_customer_picked", struct{ Customers []pickedCustomer }{picked})
	}
}

// searchResellerCustomers finds reseller-model customers by name or
// account name (or by id when id is set), masked.
func (s *Server) searchResellerCustomers(r *http.Request, a identity.Actor, q, id string) ([]customerChoice, error) {
	resale := "2" // 代售
	limit := maxConsoleCustomers
	var filters []customer.ListFilter
	if id != "" {
		filters = append(filters, customer.ListFilter{CustomerID: &id, AssociationType: &resale, Limit: &limit})
	} else {
		filters = append(filters, customer.ListFilter{AccountName: &q, AssociationType: &resale, Limit: &limit},
			customer.ListFilter{Customer: &q, AssociationType: &resale, Limit: &limit})
	}
	var out []customerChoice
	for _, f := range filters {
		list, _, err := s.Customers.ListSubCustomers(r.Context(), a, f)
		if err != nil {
			return out, err
		}
		for _, l := range list {
			if len(out) < limit && !slices.ContainsFunc(out, func(c customerChoice) bool { return c.ID == l.Customer.ID }) {
				out = append(out, customerChoice{ID: l.Customer.ID, AccountName: mask.AccountName(l.Customer.DomainName),
					Name: mask.Name(l.Customer.RealName)})
			}
		}
	}
	return out, nil
}

// pickedCustomers labels the chosen customers for the form; ids the member
// may not see are kept by id alone (the issue refuses them).
func (s *Server) pickedCustomers(r *http.Request, a identity.Actor, ids []string) []pickedCustomer {
	var out []pickedCustomer
	for i, id := range ids {
		p := pickedCustomer{ID: id, Label: id}
		// More than the console allows is refused anyway: label no more.
		if i > maxConsoleCustomers {
			out = append(out, p)
			continue
		}
		if found, err := s.searchResellerCustomers(r, a, "", id); err == nil && len(found) == 1 {
			p.Label = found[0].AccountName
			if found[0].Name != "" {
				p.Label += " · " + found[0].Name
			}
		}
		out = append(out, p)
	}
	return out
}
