package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/money"
)

// fundsPageSize is the customers and records per page.
const fundsPageSize = 20

type fundsOverviewData struct {
	Account     funds.Account
	Customers   []funds.CustomerBalance
	Resellers   []funds.ResellerBalance
	Distributor bool
	CanAllocate bool
	Total       int
	Page        pager
}

// fundsOverview is 资金管理: the partner's balance, credit line and what is
// available, its reseller-model customers' balances and (for a
// distributor) its cloud resellers', with the allocate/reclaim form of
// each for members who may move money.
func (s *Server) fundsOverview(w http.ResponseWriter, r *http.Request) {
	s.fundsOverviewPage(w, r, nil)
}

// fundsOverviewPage shows the overview, with formErr from a refused
// transfer if any.
func (s *Server) fundsOverviewPage(w http.ResponseWriter, r *http.Request, formErr error) {
	ctx, actor := r.Context(), mustActor(r)
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	data := fundsOverviewData{Distributor: actor.PartnerType == identity.Distributor,
		CanAllocate: actor.Can(identity.PermFundsAllocate)}
	v := view{Title: "funds.title", Data: &data}
	if r.URL.Query().Get("done") == "1" {
		v.Notice = view{Lang: langOf(r)}.T("funds.done")
	}
	var err error
	data.Account, err = s.Funds.PartnerAccount(ctx, actor, "")
	if err == nil {
		data.Customers, data.Total, err = s.Funds.CustomerBalances(ctx, actor, offset, fundsPageSize)
	}
	if err == nil && data.Distributor {
		data.Resellers, err = s.Funds.ResellerBalances(ctx, actor)
	}
	data.Page = newPager(r, data.Total, fundsPageSize)
	if err == nil {
		err = formErr
	}
	if err != nil {
		s.renderError(w, r, "funds_overview", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "funds_overview", v)
}

// fundsTransfer allocates to or reclaims from one customer or reseller,
// as the form's direction says; the funds domain checks every rule.
func (s *Server) fundsTransfer(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	actor := mustActor(r)
	amount, err := money.Parse(v("amount"))
	if err != nil {
		err = opsInvalidField("amount")
	}
	if err == nil {
		t := funds.Transfer{TargetID: v("target_id"), Amount: amount, Memo: v("memo")}
		ctx := r.Context()
		switch v("kind") + "/" + v("direction") {
		case "customer/allocate":
			_, err = s.Funds.AllocateToCustomer(ctx, actor, t)
		case "customer/reclaim":
			_, err = s.Funds.ReclaimFromCustomer(ctx, actor, t)
		case "reseller/allocate":
			_, err = s.Funds.AllocateToReseller(ctx, actor, t)
		case "reseller/reclaim":
			_, err = s.Funds.ReclaimFromReseller(ctx, actor, t)
		default:
			err = opsInvalidField("direction")
		}
	}
	if err != nil {
		s.fundsOverviewPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/sales/funds?done=1", http.StatusSeeOther)
}

type fundsRecordForm struct {
	Kind, Target, Type, From, To, TransID string
}

type fundsRecordsData struct {
	Form  fundsRecordForm
	Rows  []funds.Adjustment
	Types []string
	Total int
	Page  pager
}

// fundsRecords is 拨款记录: the partner's allocations and reclaims, newest
// first, filtered by target kind, target id, type, dates (China time) and
// transfer id.
func (s *Server) fundsRecords(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := fundsRecordForm{Kind: q.Get("kind"), Target: strings.TrimSpace(q.Get("target")), Type: q.Get("type"),
		From: q.Get("from"), To: q.Get("to"), TransID: strings.TrimSpace(q.Get("trans_id"))}
	offset, _ := strconv.Atoi(q.Get("offset"))
	f := funds.AdjustFilter{TargetID: form.Target, TransID: form.TransID, Offset: offset, Limit: fundsPageSize}
	if form.Kind == funds.TargetCustomer || form.Kind == funds.TargetReseller {
		f.TargetKind = form.Kind
	}
	switch form.Type {
	case funds.OpTypeAdjust, funds.OpTypeRetrieve, funds.OpTypeUnbind:
		f.OperationType = form.Type
	}
	if t, err := time.ParseInLocation(time.DateOnly, form.From, cst); err == nil {
		f.From = &t
	}
	if t, err := time.ParseInLocation(time.DateOnly, form.To, cst); err == nil {
		end := t.AddDate(0, 0, 1)
		f.To = &end
	}
	data := fundsRecordsData{Form: form, Types: []string{funds.OpTypeAdjust, funds.OpTypeRetrieve, funds.OpTypeUnbind}}
	var err error
	data.Rows, data.Total, err = s.Funds.AdjustRecords(r.Context(), mustActor(r), f)
	data.Page = newPager(r, data.Total, fundsPageSize)
	v := view{Title: "funds.records.title", Data: data}
	if err != nil {
		s.renderError(w, r, "funds_records", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "funds_records", v)
}
