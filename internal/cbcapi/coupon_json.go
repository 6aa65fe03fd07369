package cbcapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// The coupon calls' response shapes, named after the SDK's models
// (services/bss/v2/model). Amounts are JSON numbers with two decimals,
// which both the SDK's decimal.Decimal and float64 fields read.

// measureYuan is measure_id 1: amounts in yuan.
const measureYuan = 1

// Limit keys of limit_infos and use_limits. Huawei names cloud service
// types, regions and products this way; the order-related keys are ours.
const (
	limitServiceType   = "cloudServiceType"
	limitProduct       = "productId" // one value: comma-separated ids
	limitRegion        = "regionCode"
	limitOrderType     = "orderType" // 1 new, 2 renew, 3 change (as orders' order_type)
	limitMinOrder      = "minConsumeAmount"
	limitMaxOrderShare = "maxOrderShare" // percent of an order a cash coupon may pay
)

var orderTypeCodes = map[coupon.OrderType]string{coupon.OrderNew: "1", coupon.OrderRenew: "2", coupon.OrderChange: "3"}

func apiTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(customer.APITime)
}

func apiTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return apiTime(*t)
}

type limitValueJSON struct {
	Value1 string `json:"value1"`
	Value2 string `json:"value2,omitempty"`
}

type quotaLimitJSON struct {
	LimitKey    string           `json:"limit_key"`
	LimitValues []limitValueJSON `json:"limit_values"`
}

// limitPairs flattens limits into (key, value) pairs in a stable order.
func limitPairs(l coupon.Limits) [][2]string {
	var out [][2]string
	for _, s := range l.ServiceTypes {
		out = append(out, [2]string{limitServiceType, s})
	}
	if len(l.ProductIDs) > 0 {
		out = append(out, [2]string{limitProduct, strings.Join(l.ProductIDs, ",")})
	}
	for _, r := range l.Regions {
		out = append(out, [2]string{limitRegion, r})
	}
	for _, t := range l.OrderTypes {
		code, ok := orderTypeCodes[t]
		if !ok {
			code = string(t)
		}
		out = append(out, [2]string{limitOrderType, code})
	}
	if !l.MinOrder.IsZero() {
		out = append(out, [2]string{limitMinOrder, l.MinOrder.String()})
	}
	if l.MaxOrderShare > 0 {
		out = append(out, [2]string{limitMaxOrderShare, strconv.Itoa(l.MaxOrderShare)})
	}
	return out
}

// quotaLimits is a quota's limit_infos: one entry per key.
func quotaLimits(l coupon.Limits) []quotaLimitJSON {
	out := []quotaLimitJSON{}
	for _, p := range limitPairs(l) {
		if n := len(out); n > 0 && out[n-1].LimitKey == p[0] {
			out[n-1].LimitValues = append(out[n-1].LimitValues, limitValueJSON{Value1: p[1]})
			continue
		}
		out = append(out, quotaLimitJSON{LimitKey: p[0], LimitValues: []limitValueJSON{{Value1: p[1]}}})
	}
	return out
}

type useLimitJSON struct {
	ID        string `json:"use_limiti_info_id"` // sic, as the SDK spells it
	LimitKey  string `json:"limit_key"`
	Value1    string `json:"value1"`
	ValueUnit string `json:"value_unit,omitempty"`
	LimitType string `json:"limit_type,omitempty"`
}

// useLimits is a coupon's use_limits: one entry per value.
func useLimits(couponID string, l coupon.Limits) []useLimitJSON {
	out := []useLimitJSON{}
	for i, p := range limitPairs(l) {
		u := useLimitJSON{ID: couponID + "-" + strconv.Itoa(i+1), LimitKey: p[0], Value1: p[1]}
		if p[0] == limitMinOrder {
			u.ValueUnit = "1" // yuan
		}
		out = append(out, u)
	}
	return out
}

// quotaJSON is CouponQuotaV2, and with the reseller fields IssuedCouponQuota.
type quotaJSON struct {
	QuotaID        string           `json:"quota_id"`
	QuotaType      int              `json:"quota_type"`
	CreateTime     string           `json:"create_time"`
	LastUpdateTime string           `json:"last_update_time"`
	QuotaValue     money.Amount     `json:"quota_value"`
	QuotaStatus    int              `json:"quota_status"`
	Balance        money.Amount     `json:"balance"`
	MeasureID      int              `json:"measure_id"`
	Currency       string           `json:"currency"`
	EffectiveTime  string           `json:"effective_time"`
	ExpireTime     string           `json:"expire_time"`
	LimitInfos     []quotaLimitJSON `json:"limit_infos"`
	// IssuedCouponQuota only.
	IndirectPartnerID          string `json:"indirect_partner_id,omitempty"`
	IndirectPartnerAccountName string `json:"indirect_partner_account_name,omitempty"`
	IndirectPartnerName        string `json:"indirect_partner_name,omitempty"`
	ParentQuotaID              string `json:"parent_quota_id,omitempty"`
}

func quotaOut(q coupon.Quota) quotaJSON {
	cur := q.Currency
	if cur == "" {
		cur = "CNY"
	}
	return quotaJSON{
		QuotaID: q.ID, QuotaType: int(q.Type), CreateTime: apiTime(q.CreatedAt), LastUpdateTime: apiTime(q.UpdatedAt),
		QuotaValue: q.Value, QuotaStatus: int(q.Status), Balance: q.Balance, MeasureID: measureYuan, Currency: cur,
		EffectiveTime: apiTime(q.EffectiveAt), ExpireTime: apiTime(q.ExpiresAt), LimitInfos: quotaLimits(q.Limits),
	}
}

func issuedQuotaOut(q coupon.Quota) quotaJSON {
	out := quotaOut(q)
	out.IndirectPartnerID, out.IndirectPartnerAccountName, out.IndirectPartnerName = q.PartnerID, q.PartnerAccountName, q.PartnerName
	out.ParentQuotaID = q.ParentQuotaID
	return out
}

// partnerCouponJSON is IQueryUserPartnerCouponsResultV2.
type partnerCouponJSON struct {
	CouponID      string         `json:"coupon_id"`
	Status        int            `json:"status"`
	CustomerID    string         `json:"customer_id"`
	CouponType    int            `json:"coupon_type"`
	MeasureID     int            `json:"measure_id"`
	FaceValue     money.Amount   `json:"face_value"`
	EffectiveTime string         `json:"effective_time"`
	ExpireTime    string         `json:"expire_time"`
	OrderID       string         `json:"order_id,omitempty"`
	MediaType     int            `json:"media_type"`
	FetchMethod   int            `json:"fetch_method"`
	UseLimits     []useLimitJSON `json:"use_limits"`
	ActiveTime    string         `json:"active_time"`
	LastUsedTime  string         `json:"last_used_time,omitempty"`
	CreateTime    string         `json:"create_time"`
	Balance       money.Amount   `json:"balance"`
	LockOrderID   string         `json:"lock_order_id,omitempty"`
	IsFrozen      string         `json:"is_frozen"`
	// Not in the SDK model: the quota the coupon came from and the
	// partner's own remark, which only the issuing partner sees.
	QuotaID string `json:"quota_id"`
	Memo    string `json:"memo,omitempty"`
}

// Coupons are issued online (fetch_method 3) and electronic (media_type 1),
// and need no activation: they are active from their creation.
const (
	mediaElectronic = 1
	fetchIssued     = 3
)

func partnerCouponOut(c coupon.Coupon) partnerCouponJSON {
	return partnerCouponJSON{
		CouponID: c.ID, Status: int(c.Status), CustomerID: c.CustomerID, CouponType: int(c.Type), MeasureID: measureYuan,
		FaceValue: c.FaceValue, EffectiveTime: apiTime(c.EffectiveAt), ExpireTime: apiTime(c.ExpiresAt),
		MediaType: mediaElectronic, FetchMethod: fetchIssued, UseLimits: useLimits(c.ID, c.Limits),
		ActiveTime: apiTime(c.CreatedAt), LastUsedTime: apiTimePtr(c.LastUsedAt), CreateTime: apiTime(c.CreatedAt),
		Balance: c.Balance, LockOrderID: c.LockOrderID, IsFrozen: "0", QuotaID: c.QuotaID, Memo: c.Remark,
	}
}

// customerCouponJSON is IQueryUserCouponsResultV2, a customer's own view:
// no partner remark.
type customerCouponJSON struct {
	CouponID    string         `json:"coupon_id"`
	Status      int            `json:"status"`
	CustomerID  string         `json:"customer_id"`
	CouponType  int            `json:"coupon_type"`
	MeasureID   int            `json:"measure_id"`
	FaceValue   money.Amount   `json:"face_value"`
	ValidTime   string         `json:"valid_time"`
	ExpireTime  string         `json:"expire_time"`
	MediaType   int            `json:"media_type"`
	FetchMethod int            `json:"fetch_method"`
	UseLimits   []useLimitJSON `json:"use_limits"`
	ActiveTime  string         `json:"active_time"`
	CreateTime  string         `json:"create_time"`
	Balance     money.Amount   `json:"balance"`
	LockOrderID string         `json:"lock_order_id,omitempty"`
	IsFrozen    string         `json:"is_frozen"`
	Currency    string         `json:"currency"`
}

func customerCouponOut(c coupon.Coupon) customerCouponJSON {
	return customerCouponJSON{
		CouponID: c.ID, Status: int(c.Status), CustomerID: c.CustomerID, CouponType: int(c.Type), MeasureID: measureYuan,
		FaceValue: c.FaceValue, ValidTime: apiTime(c.EffectiveAt), ExpireTime: apiTime(c.ExpiresAt),
		MediaType: mediaElectronic, FetchMethod: fetchIssued, UseLimits: useLimits(c.ID, c.Limits),
		ActiveTime: apiTime(c.CreatedAt), CreateTime: apiTime(c.CreatedAt), Balance: c.Balance,
		LockOrderID: c.LockOrderID, IsFrozen: "0", Currency: "CNY",
	}
}

// errorDetails renders per-item failures as error_details; nil when none.
func errorDetails(r *http.Request, failed []coupon.ItemError) []errorDetailJSON {
	if len(failed) == 0 {
		return nil
	}
	l := lang(r)
	out := make([]errorDetailJSON, len(failed))
	for i, f := range failed {
		e := apperr.From(f.Err)
		out[i] = errorDetailJSON{ErrorCode: e.Code, ErrorMsg: i18n.T(l, e.Key, e.Args), ID: f.ID}
	}
	return out
}

// result is a record's result: "0" succeeded, "-1" failed.
func result(ok bool) string {
	if ok {
		return "0"
	}
	return "-1"
}
