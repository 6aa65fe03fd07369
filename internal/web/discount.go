package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/funds"
)

// discountFormTime is the discount form's datetime-local format, in China
// time like every time the console shows.
const discountFormTime = "2006-01-02T15:04"

type discountListData struct {
	Name     string
	Rows     []funds.DiscountRow
	Total    int
	Page     pager
	Defaults struct{ EffectiveAt, ExpiresAt string }
}

// discountList is 销售 > 客户 > 折扣: the partner's referral customers in the
// member's scope with their current discount and a form to grant, change
// or remove it.
func (s *Server) discountList(w http.ResponseWriter, r *http.Request) { s.discountPage(w, r, nil) }

func (s *Server) discountPage(w http.ResponseWriter, r *http.Request, formErr error) {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	data := discountListData{Name: strings.TrimSpace(q.Get("name"))}
	now := time.Now().In(cst)
	data.Defaults.EffectiveAt = now.Format(discountFormTime)
	data.Defaults.ExpiresAt = now.AddDate(1, 0, 0).Format(discountFormTime)
	var err error
	data.Rows, data.Total, err = s.Funds.DiscountRows(r.Context(), mustActor(r), data.Name, offset, fundsPageSize)
	data.Page = newPager(r, data.Total, fundsPageSize)
	v := view{Title: "funds.discount.title", Data: data}
	if q.Get("done") == "1" {
		v.Notice = view{Lang: langOf(r)}.T("funds.discount.done")
	}
	if err == nil {
		err = formErr
	}
	if err != nil {
		s.renderError(w, r, "discount_list", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "discount_list", v)
}

// discountSet grants, changes or (rate 1, the remove button) removes one
// customer's discount; the funds domain checks the rules.
func (s *Server) discountSet(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	in := funds.DiscountInput{CustomerID: v("customer_id")}
	var err error
	in.Rate, err = decimal.NewFromString(v("rate"))
	if err != nil {
		err = funds.ErrDiscountRate
	}
	if err == nil && in.Rate.LessThan(decimal.NewFromInt(1)) {
		eff, e1 := time.ParseInLocation(discountFormTime, v("effective_time"), cst)
		exp, e2 := time.ParseInLocation(discountFormTime, v("expire_time"), cst)
		if e1 != nil || e2 != nil {
			err = funds.ErrDiscountValidity
		} else {
			in.EffectiveAt, in.ExpiresAt = &eff, &exp
		}
	}
	if err == nil {
		var bad []funds.ItemError
		bad, err = s.Funds.SetDiscounts(r.Context(), mustActor(r), "", []funds.DiscountInput{in})
		if err == nil && len(bad) > 0 {
			err = bad[0].Err
		}
	}
	if err != nil {
		s.discountPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/sales/customers/discounts?done=1", http.StatusSeeOther)
}
