package web

import (
	"net/http"
	"strconv"
	"strings"

	"partnercenter/internal/coupon"
)

// couponRecordsForm is the operation log's filters, kept to refill them.
type couponRecordsForm struct {
	From, To, Quota, Operator, Type, Customer, Coupon string
}

// couponRecordsData is the operation log (操作记录, console.md §3.6).
type couponRecordsData struct {
	Head  couponHead
	Form  couponRecordsForm
	Rows  []coupon.Record
	Total int
	Page  pager
	Types []coupon.OperationType
}

// recordTypes are the coupon log's operation types (reference §3.3).
var recordTypes = []coupon.OperationType{coupon.OpIssue, coupon.OpManualReclaim, coupon.OpUnbindReclaim,
	coupon.OpExpiryReclaim, coupon.OpUnsubscribe, coupon.OpRefundReversal, coupon.OpAssociateReclaim, coupon.OpSwitchReclaim}

// couponRecords is the operation log of the section's quotas, filtered by
// operation time, quota, operator, operation type, customer and coupon.
func (s *Server) couponRecords(k couponKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := mustActor(r)
		q := r.URL.Query()
		get := func(key string) string { return strings.TrimSpace(q.Get(key)) }
		form := couponRecordsForm{From: get("from"), To: get("to"), Quota: get("quota"), Operator: get("operator"),
			Type: get("type"), Customer: get("customer"), Coupon: get("coupon")}
		qt := k.QuotaType
		f := coupon.RecordFilter{QuotaID: form.Quota, QuotaType: &qt, CustomerID: form.Customer, Operator: form.Operator,
			Offset: pageOffset(r), Limit: couponPageSize}
		if form.Coupon != "" {
			f.CouponIDs = []string{form.Coupon}
		}
		if t, err := strconv.Atoi(form.Type); err == nil {
			f.OperationTypes = []coupon.OperationType{coupon.OperationType(t)}
		}
		f.From, f.To = dateRange(q, "from", "to")
		list, total, err := s.Coupons.Records(r.Context(), a, f)
		data := couponRecordsData{Head: newCouponHead(a, k, "records"), Form: form, Rows: list, Total: total,
			Page: newPager(r, total, couponPageSize), Types: recordTypes}
		v := view{Title: "couponconsole.records.title", Data: data}
		if err != nil {
			s.renderError(w, r, "coupon_records", v, err)
			return
		}
		s.render(w, r, http.StatusOK, "coupon_records", v)
	}
}
