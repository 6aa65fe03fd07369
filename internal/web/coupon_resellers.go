package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"partnercenter/internal/coupon"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/money"
)

// couponQuotaIssueData is a distributor's 发放额度: a source quota, the
// amount and the cloud resellers to give it to, and after a submit the
// quotas created and the resellers that failed.
type couponQuotaIssueData struct {
	Head      couponHead
	Sources   []coupon.Quota // the distributor's normal quotas of the type
	Source    string
	Amount    string
	Resellers []option
	Issued    []couponQuotaIssued
	Failures  []itemFailure
	Done      bool
}

// couponQuotaIssued is one reseller quota created.
type couponQuotaIssued struct {
	Reseller, QuotaID string
}

// errNotDistributorPage: the distributor pages are for distributors.
var errNotDistributorPage = coupon.ErrNotDistributor

// couponQuotaIssueForm shows 发放额度 from one of the distributor's
// normal quotas (the row's, preselected).
func (s *Server) couponQuotaIssueForm(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		// ?reseller= preselects a reseller (the 云经销商 row's 发放代金券额度).
		data, err := s.couponQuotaIssueData(r, a, k, r.URL.Query().Get("quota"), formIDs(r.URL.Query()["reseller"]))
		if err != nil {
			s.renderCouponError(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, "coupon_quota_issue", view{Title: "couponconsole.quota_issue.title", Data: data})
	}
}

func (s *Server) couponQuotaIssueData(r *http.Request, a identity.Actor, k couponKind, source string, picked []string) (couponQuotaIssueData, error) {
	data := couponQuotaIssueData{Head: newCouponHead(a, k, "quotas"), Source: source}
	if a.PartnerType != identity.Distributor {
		return data, errNotDistributorPage
	}
	t := k.QuotaType
	sources, _, err := s.Coupons.ListQuotas(r.Context(), a, coupon.QuotaFilter{Type: &t,
		Statuses: []coupon.QuotaStatus{coupon.QuotaNormal}, Limit: 100})
	if err != nil {
		return data, err
	}
	data.Sources = sources
	if source != "" && !slices.ContainsFunc(sources, func(q coupon.Quota) bool { return q.ID == source }) {
		return data, coupon.ErrQuotaNotFound
	}
	resellers, err := s.Identity.ResellersOf(r.Context(), a.PartnerID)
	if err != nil {
		return data, err
	}
	for _, p := range resellers {
		data.Resellers = append(data.Resellers, option{Value: p.ID, Label: p.Name + " (" + p.DomainName + ")",
			Checked: slices.Contains(picked, p.ID)})
	}
	return data, nil
}

// couponQuotaIssue gives each chosen reseller a child quota of the amount
// through coupon.Service.IssueQuotaToResellers.
func (s *Server) couponQuotaIssue(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		_ = r.ParseForm()
		picked := formIDs(r.PostForm["resellers"])
		data, err := s.couponQuotaIssueData(r, a, k, r.PostFormValue("quota"), picked)
		if err != nil && !couponNotFound(err) {
			s.renderCouponError(w, r, err)
			return
		}
		data.Amount = strings.TrimSpace(r.PostFormValue("amount"))
		var issued []coupon.QuotaIssued
		var failed []coupon.ItemError
		if err == nil {
			var amount *money.Amount
			if amount, err = formAmount(r, "amount"); err == nil && amount == nil {
				err = formError(r, "amount")
			}
			if err == nil {
				issued, failed, err = s.Coupons.IssueQuotaToResellers(r.Context(), a, data.Source, picked, *amount)
			}
		}
		if err != nil {
			msg, status := s.errorMessage(r, err)
			s.render(w, r, status, "coupon_quota_issue", view{Title: "couponconsole.quota_issue.title", Data: data,
				Error: msg, Fields: fieldMessages(r, err)})
			return
		}
		names := map[string]string{}
		for _, o := range data.Resellers {
			names[o.Value] = o.Label
		}
		data.Done = true
		for _, q := range issued {
			data.Issued = append(data.Issued, couponQuotaIssued{Reseller: names[q.ResellerID], QuotaID: q.QuotaID})
		}
		for _, f := range failed {
			msg, _ := s.errorMessage(r, f.Err)
			label := names[f.ID]
			if label == "" {
				label = f.ID
			}
			data.Failures = append(data.Failures, itemFailure{ID: label, Message: msg})
		}
		s.render(w, r, http.StatusOK, "coupon_quota_issue", view{Title: "couponconsole.quota_issue.title", Data: data})
	}
}

// couponResellerQuotasData is 已发放代金券额度: the quotas the distributor
// gave its resellers.
type couponResellerQuotasData struct {
	Head       couponHead
	Rows       []coupon.Quota
	Total      int
	Page       pager
	Quota      string // the filters
	Reseller   string
	Parent     string
	Resellers  []identity.PartnerRef
	CanReclaim bool
}

// couponResellerQuotas lists the reseller quotas of the section's type,
// filtered by quota, reseller and source quota; normal ones can be ticked
// for a reclaim.
func (s *Server) couponResellerQuotas(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		q := r.URL.Query()
		data := couponResellerQuotasData{Head: newCouponHead(a, k, "reseller-quotas"), Quota: strings.TrimSpace(q.Get("quota")),
			Reseller: q.Get("reseller"), Parent: strings.TrimSpace(q.Get("parent")),
			CanReclaim: s.may(a, "POST", k.Prefix()+"/reseller-quotas/reclaim")}
		v := view{Title: k.Key("reseller_quotas")}
		err := error(nil)
		if a.PartnerType != identity.Distributor {
			err = errNotDistributorPage
		}
		if err == nil {
			data.Resellers, err = s.Identity.ResellersOf(r.Context(), a.PartnerID)
		}
		var all []coupon.Quota
		if err == nil {
			all, err = s.resellerQuotasOfType(r, a, k, data)
		}
		offset := pageOffset(r)
		data.Total = len(all)
		if offset < len(all) {
			data.Rows = all[offset:min(offset+couponPageSize, len(all))]
		}
		data.Page = newPager(r, data.Total, couponPageSize)
		v.Data = data
		if err != nil {
			s.renderError(w, r, "coupon_reseller_quotas", v, err)
			return
		}
		s.render(w, r, http.StatusOK, "coupon_reseller_quotas", v)
	}
}

// resellerQuotasOfType reads every reseller quota matching the filters and
// keeps the section's type (ListIssuedCouponQuotas has no type filter; a
// distributor's resellers' quotas are few).
func (s *Server) resellerQuotasOfType(r *http.Request, a identity.Actor, k couponKind, d couponResellerQuotasData) ([]coupon.Quota, error) {
	f := coupon.IssuedQuotaFilter{QuotaID: d.Quota, IndirectPartnerID: d.Reseller, Limit: 100}
	if d.Parent != "" {
		f.ParentQuotaID = &d.Parent
	}
	var out []coupon.Quota
	for {
		list, total, err := s.Coupons.ListIssuedQuotas(r.Context(), a, f)
		if err != nil {
			return nil, err
		}
		for _, q := range list {
			if q.Type == k.QuotaType {
				out = append(out, q)
			}
		}
		f.Offset += len(list)
		if len(list) == 0 || f.Offset >= total {
			return out, nil
		}
	}
}

// couponQuotaReclaimRow is a reseller quota on the reclaim confirmation, or
// its result.
type couponQuotaReclaimRow struct {
	ID, Reseller string
	Amount       money.Amount
	Message      string
}

// couponQuotaReclaimData is the reseller-quota reclaim confirmation and its
// result.
type couponQuotaReclaimData struct {
	Head     couponHead
	Rows     []couponQuotaReclaimRow
	Failures []couponQuotaReclaimRow
	Total    money.Amount
	Done     bool
}

// couponQuotaReclaimConfirm asks to confirm taking back the ticked
// reseller quotas' whole balances.
func (s *Server) couponQuotaReclaimConfirm(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		data := couponQuotaReclaimData{Head: newCouponHead(a, k, "reseller-quotas")}
		notFound := 0
		for _, id := range formIDs(r.URL.Query()["ids"]) {
			q, err := s.Coupons.ResellerQuotaReclaimPreview(r.Context(), a, id, k.QuotaType)
			if err != nil {
				if couponNotFound(err) {
					notFound++
				}
				msg, _ := s.errorMessage(r, err)
				data.Failures = append(data.Failures, couponQuotaReclaimRow{ID: id, Message: msg})
				continue
			}
			data.Rows = append(data.Rows, couponQuotaReclaimRow{ID: q.ID, Reseller: q.PartnerName, Amount: q.Balance})
			data.Total = data.Total.Add(q.Balance)
		}
		status := http.StatusOK
		if len(data.Rows) == 0 && notFound > 0 && notFound == len(data.Failures) {
			status = http.StatusNotFound
		}
		s.render(w, r, status, "coupon_quota_reclaim", view{Title: "couponconsole.quota_reclaim.title", Data: data})
	}
}

// couponQuotaReclaim takes the confirmed reseller quotas back through
// coupon.Service.ReclaimResellerQuotas and shows the balances returned.
func (s *Server) couponQuotaReclaim(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		_ = r.ParseForm()
		ids := formIDs(r.PostForm["ids"])
		data := couponQuotaReclaimData{Head: newCouponHead(a, k, "reseller-quotas"), Done: true}
		v := view{Title: "couponconsole.quota_reclaim.title", Data: data}
		if len(ids) == 0 {
			s.renderError(w, r, "coupon_quota_reclaim", v, apperr.New(apperr.InvalidParam.Code, "err.couponconsole_none_selected"))
			return
		}
		done, failed, err := s.Coupons.ReclaimResellerQuotas(r.Context(), a, ids, strings.TrimSpace(r.PostFormValue("remark")))
		if err != nil {
			s.renderError(w, r, "coupon_quota_reclaim", v, err)
			return
		}
		for _, q := range done {
			data.Rows = append(data.Rows, couponQuotaReclaimRow{ID: q.QuotaID, Amount: q.Balance})
			data.Total = data.Total.Add(q.Balance)
		}
		for _, f := range failed {
			msg, _ := s.errorMessage(r, f.Err)
			data.Failures = append(data.Failures, couponQuotaReclaimRow{ID: f.ID, Message: msg})
		}
		v.Data = data
		s.render(w, r, http.StatusOK, "coupon_quota_reclaim", v)
	}
}

// couponQuotaRecordsData is a distributor's quota log (types 10 and 11).
type couponQuotaRecordsData struct {
	Head                                    couponHead
	Rows                                    []coupon.QuotaRecord
	Total                                   int
	Page                                    pager
	From, To, Quota, Parent, Reseller, Type string
	Resellers                               []identity.PartnerRef
}

// couponQuotaRecords is the log of quotas given to and taken back from
// the distributor's resellers.
func (s *Server) couponQuotaRecords(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		q := r.URL.Query()
		data := couponQuotaRecordsData{Head: newCouponHead(a, k, "quota-records"), From: q.Get("from"), To: q.Get("to"),
			Quota: strings.TrimSpace(q.Get("quota")), Parent: strings.TrimSpace(q.Get("parent")), Reseller: q.Get("reseller"),
			Type: q.Get("type")}
		f := coupon.QuotaRecordFilter{QuotaID: data.Quota, IndirectPartnerID: data.Reseller, Offset: pageOffset(r),
			Limit: couponPageSize}
		if data.Parent != "" {
			f.ParentQuotaID = &data.Parent
		}
		if t, err := strconv.Atoi(data.Type); err == nil {
			op := coupon.OperationType(t)
			f.OperationType = &op
		}
		f.From, f.To = dateRange(q, "from", "to")
		var err error
		if a.PartnerType != identity.Distributor {
			err = errNotDistributorPage
		}
		if err == nil {
			data.Resellers, err = s.Identity.ResellersOf(r.Context(), a.PartnerID)
		}
		if err == nil {
			data.Rows, data.Total, err = s.Coupons.QuotaRecords(r.Context(), a, f)
		}
		data.Page = newPager(r, data.Total, couponPageSize)
		v := view{Title: "couponconsole.quota_records.title", Data: data}
		if err != nil {
			s.renderError(w, r, "coupon_quota_records", v, err)
			return
		}
		s.render(w, r, http.StatusOK, "coupon_quota_records", v)
	}
}
