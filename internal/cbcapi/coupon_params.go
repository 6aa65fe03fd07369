package cbcapi

import (
	"net/url"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"partnercenter/internal/customer"
)

// Parameter checks of the coupon and quota calls (reference/cbc-api.md §1.7,
// §5): lengths, list sizes, enumerations and times, each failing with
// CBC.0100 naming the parameter. Business rules stay in the coupon domain.

// Length and size limits of the coupon calls.
const (
	maxIDLen          = 64  // quota, coupon, customer and reseller ids
	maxIndirectIDLen  = 64  // indirect_partner_id (ReclaimPartnerCoupons: 100)
	maxTimeLen        = 20  // yyyy-MM-ddTHH:mm:ssZ
	maxMemoLen        = 256 // memo, remark
	maxCouponLimit    = 100 // page size of every coupon list
	maxCouponOffset   = 40_000_000
	maxQuotaIDs       = 50  // ListQuotaCoupons quota_ids
	maxQuotaStatuses  = 5   // ListQuotaCoupons quota_status_list
	maxIssueCustomers = 100 // CreatePartnerCoupons customer_ids
	maxNarrowing      = 10  // cloud_service_types, product_ids
	maxBatchIDs       = 100 // indirect_partner_ids, quota_ids of ReclaimCouponQuotas, coupon_ids
	maxOperationTypes = 10  // operation_types
)

// checkLen fails when s is longer than max characters.
func checkLen(name, s string, max int) error {
	if utf8.RuneCountInString(s) > max {
		return errParam(name)
	}
	return nil
}

// optString checks an optional body string: absent or "" is no filter.
func optString(name string, p *string, max int) (string, error) {
	if p == nil {
		return "", nil
	}
	return *p, checkLen(name, *p, max)
}

// optTime parses an optional body time where "" is not allowed.
func optTime(name string, p *string) (*time.Time, error) {
	if p == nil {
		return nil, nil
	}
	return parseAPITime(name, *p)
}

func parseAPITime(name, s string) (*time.Time, error) {
	if s == "" || len(s) > maxTimeLen {
		return nil, errParam(name)
	}
	t, err := time.Parse(customer.APITime, s)
	if err != nil {
		return nil, errParam(name)
	}
	return &t, nil
}

// idList checks a list of ids: at most max entries, none empty or longer
// than maxIDLen. required lists must not be empty.
func idList(name string, ids []string, max int, required bool) error {
	if len(ids) > max || (required && len(ids) == 0) {
		return errParam(name)
	}
	for _, id := range ids {
		if id == "" || utf8.RuneCountInString(id) > maxIDLen {
			return errParam(name)
		}
	}
	return nil
}

// couponPaging reads an optional body offset and limit.
func couponPaging(offset, limit *int) (int, int, error) {
	o, l := 0, defaultLimit
	if offset != nil {
		if *offset < 0 || *offset > maxCouponOffset {
			return 0, 0, errParam("offset")
		}
		o = *offset
	}
	if limit != nil {
		if *limit < 1 || *limit > maxCouponLimit {
			return 0, 0, errParam("limit")
		}
		l = *limit
	}
	return o, l, nil
}

// query reads the parameters of a GET call.
type query struct {
	v   url.Values
	err error
}

func newQuery(u *url.URL) *query { return &query{v: u.Query()} }

func (q *query) fail(name string) {
	if q.err == nil {
		q.err = errParam(name)
	}
}

// str reads an optional string; absent or "" is no filter.
func (q *query) str(name string, max int) string {
	s := q.v.Get(name)
	if utf8.RuneCountInString(s) > max {
		q.fail(name)
	}
	return s
}

// strPtr reads a string where present-but-empty differs from absent.
func (q *query) strPtr(name string, max int) *string {
	if !q.v.Has(name) {
		return nil
	}
	s := q.str(name, max)
	return &s
}

// time reads an optional time; absent is no filter, "" is refused.
func (q *query) time(name string) *time.Time {
	if !q.v.Has(name) {
		return nil
	}
	t, err := parseAPITime(name, q.v.Get(name))
	if err != nil {
		q.fail(name)
	}
	return t
}

// intIn reads an optional integer that must be one of allowed.
func (q *query) intIn(name string, allowed ...int) *int {
	s := q.v.Get(name)
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || !slices.Contains(allowed, n) {
		q.fail(name)
		return nil
	}
	return &n
}

// list reads a repeated key (operation_types=1&operation_types=2); a single
// comma-separated value is accepted too.
func (q *query) list(name string, max, maxLen int) []string {
	var out []string
	for _, v := range q.v[name] {
		for _, s := range splitComma(v) {
			if s == "" || utf8.RuneCountInString(s) > maxLen {
				q.fail(name)
			}
			out = append(out, s)
		}
	}
	if len(out) > max {
		q.fail(name)
	}
	return out
}

// paging reads offset and limit of a coupon list.
func (q *query) paging() (offset, limit int) {
	limit, offset, err := paging(q.v, maxCouponLimit, maxCouponOffset)
	if err != nil && q.err == nil {
		q.err = err
	}
	return offset, limit
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
