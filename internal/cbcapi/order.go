package cbcapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// The order calls (reference/cbc-api.md §8). Response shapes are named
// after the SDK's models: CustomerOrderV2/V3, OrderLineItemEntityV2,
// CouponInfoV2, DiscountInfoV3.

const maxOrderLimit = 100

// orderViewer is who the caller reads orders as.
func orderViewer(actor identity.Actor) order.Viewer {
	if actor.Kind == identity.ActorCustomer {
		return order.CustomerViewer(actor.ID)
	}
	return order.PartnerViewer(actor)
}

// amountInfoJSON is AmountInfomationV2: what paid the order besides cash.
// Nothing but cash exists until payment does.
type amountInfoJSON struct {
	Discounts                 []discountItemJSON `json:"discounts"`
	FlexipurchaseCouponAmount money.Amount       `json:"flexipurchase_coupon_amount"`
	CouponAmount              money.Amount       `json:"coupon_amount"`
	StoredCardAmount          money.Amount       `json:"stored_card_amount"`
}

type discountItemJSON struct {
	DiscountType   string       `json:"discount_type"`
	DiscountAmount money.Amount `json:"discount_amount"`
}

func amountInfo(official, after money.Amount) amountInfoJSON {
	out := amountInfoJSON{Discounts: []discountItemJSON{}}
	if off := official.Sub(after); !off.IsZero() {
		// 607: partner-granted discount (合作伙伴授权折扣).
		out.Discounts = append(out.Discounts, discountItemJSON{DiscountType: "607", DiscountAmount: off})
	}
	return out
}

// customerOrderJSON is CustomerOrderV3 (a superset of V2).
type customerOrderJSON struct {
	OrderID               string         `json:"order_id"`
	CustomerID            string         `json:"customer_id"`
	ServiceTypeCode       string         `json:"service_type_code"`
	ServiceTypeName       string         `json:"service_type_name"`
	SourceType            int            `json:"source_type"`
	Status                int            `json:"status"`
	OrderType             int            `json:"order_type"`
	AmountAfterDiscount   money.Amount   `json:"amount_after_discount"`
	OfficialAmount        money.Amount   `json:"official_amount"`
	MeasureID             int            `json:"measure_id"`
	CreateTime            string         `json:"create_time"`
	PaymentTime           string         `json:"payment_time,omitempty"`
	Currency              string         `json:"currency"`
	ContractID            string         `json:"contract_id,omitempty"`
	AmountInfo            amountInfoJSON `json:"amount_info"`
	UserName              string         `json:"user_name"`
	PendingPaymentEndTime string         `json:"pending_payment_end_time,omitempty"`
	SubOrderInfos         []struct{}     `json:"sub_order_infos"`
	// AgentPayInfo is CustomerOrderV2's AgentPayInfoV2: whether the
	// customer asked its partner to pay the order (代支付) and which.
	AgentPayInfo agentPayInfoJSON `json:"agent_pay_info"`
}

// agentPayInfoJSON is AgentPayInfoV2. is_agent_pay is true while the
// order waits for the partner and once the partner paid it; a rejected
// order is the customer's again.
type agentPayInfoJSON struct {
	PayingAgentID string `json:"paying_agent_id,omitempty"`
	IsAgentPay    bool   `json:"is_agent_pay"`
}

func agentPayInfo(o order.Order) agentPayInfoJSON {
	if o.AgentPay != agentPending && o.AgentPay != agentPaid {
		return agentPayInfoJSON{}
	}
	return agentPayInfoJSON{PayingAgentID: o.PayingPartnerID, IsAgentPay: true}
}

func (a *API) orderOut(ctx context.Context, l i18n.Lang, o order.Order) customerOrderJSON {
	out := customerOrderJSON{OrderID: o.ID, CustomerID: o.CustomerID, ServiceTypeCode: o.ServiceTypeCode,
		ServiceTypeName: a.Orders.ServiceTypeName(ctx, l, o.ServiceTypeCode), SourceType: o.SourceType, Status: int(o.Status),
		OrderType: int(o.Type), AmountAfterDiscount: o.AmountAfterDiscount, OfficialAmount: o.OfficialAmount,
		MeasureID: measureYuan, CreateTime: apiTime(o.CreatedAt), PaymentTime: apiTimePtr(o.PaymentTime), Currency: o.Currency,
		AmountInfo: amountInfo(o.OfficialAmount, o.AmountAfterDiscount), UserName: o.UserName, SubOrderInfos: []struct{}{},
		AgentPayInfo: agentPayInfo(o)}
	if o.Status == order.StatusPendingPayment {
		out.PendingPaymentEndTime = apiTime(o.PaymentDeadline)
	}
	return out
}

// listCustomerOrders is ListCustomerOrders: GET /v2/orders/customer-orders.
func (a *API) listCustomerOrders(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r.URL)
	f := order.Filter{OrderID: q.str("order_id", maxIDLen), CustomerID: q.str("customer_id", maxIDLen),
		ServiceType: q.str("service_type_code", 64), CreatedFrom: optQueryTime(q, "create_time_begin"),
		CreatedTo: optQueryTime(q, "create_time_end"), PaidFrom: optQueryTime(q, "payment_time_begin"),
		PaidTo:            optQueryTime(q, "payment_time_end"),
		IndirectPartnerID: q.str("indirect_partner_id", maxIndirectIDLen)}
	if s := q.intIn("status", 1, 3, 4, 5, 6, 9); s != nil {
		st := order.Status(*s)
		f.Status = &st
	}
	if t := q.intIn("order_type", 1, 2, 3, 4, 10, 11, 13, 14, 15); t != nil {
		ot := order.Type(*t)
		f.Type = &ot
	}
	switch strings.ToLower(q.str("order_by", 32)) {
	case "", "-createtime":
	case "createtime":
		f.Ascending = true
	default:
		q.fail("order_by")
	}
	method := q.str("method", 32)
	if method != "" && method != "oneself" && method != "sub_customer" {
		q.fail("method")
	}
	limit, offset, err := paging(q.v, maxOrderLimit, maxCouponOffset)
	if err != nil && q.err == nil {
		q.err = err
	}
	f.Offset, f.Limit = offset, limit
	if q.err != nil {
		return q.err
	}
	if overAYear(f.CreatedFrom, f.CreatedTo) {
		return errParam("create_time_end")
	}
	if overAYear(f.PaidFrom, f.PaidTo) {
		return errParam("payment_time_end")
	}
	actor, _ := ActorFrom(r.Context())
	if actor.Kind == identity.ActorCustomer {
		// A customer has no resellers: the parameter is checked and ignored.
		f.IndirectPartnerID = ""
	}
	out := []customerOrderJSON{}
	total := 0
	// sub_customer is orders paid for enterprise sub-accounts, which this
	// system does not have.
	if method != "sub_customer" {
		list, n, err := a.Orders.List(r.Context(), orderViewer(actor), f)
		if err != nil {
			return err
		}
		for _, o := range list {
			out = append(out, a.orderOut(r.Context(), lang(r), o))
		}
		total = n
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount int                 `json:"total_count"`
		OrderInfos []customerOrderJSON `json:"order_infos"`
	}{total, out})
	return nil
}

// optQueryTime reads a time filter of ListCustomerOrders, where an empty
// value, like an absent one, is no filter (as its documentation says).
func optQueryTime(q *query, name string) *time.Time {
	if q.v.Get(name) == "" {
		return nil
	}
	return q.time(name)
}

// overAYear reports whether a begin/end pair spans more than a year, which
// Huawei refuses.
func overAYear(from, to *time.Time) bool {
	return from != nil && to != nil && to.After(from.AddDate(1, 0, 0))
}

// orderLineJSON is OrderLineItemEntityV2.
type orderLineJSON struct {
	OrderLineItemID     string         `json:"order_line_item_id"`
	ServiceTypeCode     string         `json:"service_type_code"`
	ServiceTypeName     string         `json:"service_type_name"`
	ProductID           string         `json:"product_id"`
	ProductSpecDesc     string         `json:"product_spec_desc"`
	PeriodType          int            `json:"period_type"`
	PeriodNum           int            `json:"period_num"`
	EffectiveTime       string         `json:"effective_time,omitempty"`
	ExpireTime          string         `json:"expire_time,omitempty"`
	SubscriptionNum     int            `json:"subscription_num"`
	AmountAfterDiscount money.Amount   `json:"amount_after_discount"`
	OfficialAmount      money.Amount   `json:"official_amount"`
	AmountInfo          amountInfoJSON `json:"amount_info"`
	Currency            string         `json:"currency"`
	CategoryCode        string         `json:"category_code"`
	ProductOwnerService string         `json:"product_owner_service"`
	CommercialResource  string         `json:"commercial_resource"`
	OrderID             string         `json:"order_id"`
}

// specDesc describes a line's product: spec, size of a linear spec, region.
func specDesc(l order.LineItem) string {
	s := l.SpecCode
	if l.ResourceSize > 0 {
		s += " " + strconv.FormatInt(l.ResourceSize, 10)
	}
	return s + " | " + l.Region
}

// showCustomerOrderDetails is ShowCustomerOrderDetails:
// GET /v2/orders/customer-orders/details/{order_id}.
func (a *API) showCustomerOrderDetails(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("order_id")
	if id == "" || len(id) > maxIDLen {
		return errParam("order_id")
	}
	q := newQuery(r.URL)
	indirect := q.str("indirect_partner_id", maxIndirectIDLen)
	limit, offset, err := paging(q.v, maxOrderLimit, maxCouponOffset)
	if err != nil {
		return err
	}
	if q.err != nil {
		return q.err
	}
	actor, _ := ActorFrom(r.Context())
	if actor.Kind == identity.ActorCustomer {
		indirect = ""
	}
	o, lines, total, err := a.Orders.Details(r.Context(), orderViewer(actor), id, indirect, offset, limit)
	if err != nil {
		return err
	}
	l := lang(r)
	name := a.Orders.ServiceTypeName(r.Context(), l, o.ServiceTypeCode)
	items := make([]orderLineJSON, len(lines))
	for i, li := range lines {
		items[i] = orderLineJSON{OrderLineItemID: li.ID, ServiceTypeCode: li.ServiceTypeCode, ServiceTypeName: name,
			ProductID: li.ProductID, ProductSpecDesc: specDesc(li), PeriodType: li.PeriodType, PeriodNum: li.PeriodNum,
			EffectiveTime: apiTimePtr(li.EffectiveTime), ExpireTime: apiTimePtr(li.ExpireTime), SubscriptionNum: li.Quantity,
			AmountAfterDiscount: li.AmountAfterDiscount, OfficialAmount: li.OfficialAmount,
			AmountInfo: amountInfo(li.OfficialAmount, li.AmountAfterDiscount), Currency: o.Currency,
			CategoryCode: li.ResourceTypeCode, ProductOwnerService: li.ServiceTypeCode, CommercialResource: li.ResourceTypeCode,
			OrderID: o.ID}
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount     int               `json:"total_count"`
		OrderInfo      customerOrderJSON `json:"order_info"`
		OrderLineItems []orderLineJSON   `json:"order_line_items"`
	}{total, a.orderOut(r.Context(), l, o), items})
	return nil
}

// cancelCustomerOrder is CancelCustomerOrder: PUT
// /v2/orders/customer-orders/cancel with {order_id}; 204 on success.
func (a *API) cancelCustomerOrder(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		OrderID *string `json:"order_id"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.OrderID == nil || *body.OrderID == "" || len(*body.OrderID) > maxIDLen {
		return errParam("order_id")
	}
	actor, _ := ActorFrom(r.Context())
	if err := a.Orders.Cancel(r.Context(), actor.ID, *body.OrderID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// orderCouponJSON is CouponInfoV2.
type orderCouponJSON struct {
	CouponID      string         `json:"coupon_id"`
	CouponCode    string         `json:"coupon_code"`
	Status        int            `json:"status"`
	CouponType    int            `json:"coupon_type"`
	MeasureID     int            `json:"measure_id"`
	FaceValue     money.Amount   `json:"face_value"`
	EffectiveTime string         `json:"effective_time"`
	ExpireTime    string         `json:"expire_time"`
	UseLimits     []useLimitJSON `json:"use_limits"`
	ActiveTime    string         `json:"active_time"`
	LastUsedTime  string         `json:"last_used_time,omitempty"`
	CreateTime    string         `json:"create_time"`
	CouponVersion int            `json:"coupon_version"`
	Balance       money.Amount   `json:"balance"`
	UsedByOrderID string         `json:"used_by_order_id,omitempty"`
	CouponGroup   int            `json:"coupon_group"`
}

// couponInfoStatus maps a coupon to CouponInfoV2's status, which knows
// only 1 (not activated) and 2 (to be used): ours are active from issue.
const couponInfoToUse = 2

func orderCouponOut(c coupon.Coupon) orderCouponJSON {
	return orderCouponJSON{CouponID: c.ID, CouponCode: c.ID, Status: couponInfoToUse, CouponType: int(c.Type),
		MeasureID: measureYuan, FaceValue: c.FaceValue, EffectiveTime: apiTime(c.EffectiveAt), ExpireTime: apiTime(c.ExpiresAt),
		UseLimits: useLimits(c.ID, c.Limits), ActiveTime: apiTime(c.CreatedAt), LastUsedTime: apiTimePtr(c.LastUsedAt),
		CreateTime: apiTime(c.CreatedAt), CouponVersion: 2, Balance: c.Balance, UsedByOrderID: c.LockOrderID}
}

// orderIDParam reads the required order_id query parameter.
func orderIDParam(r *http.Request) (string, error) {
	id := r.URL.Query().Get("order_id")
	if id == "" || len(id) > maxIDLen {
		return "", errParam("order_id")
	}
	return id, nil
}

// listOrderCouponsByOrderID is ListOrderCouponsByOrderId:
// GET /v2/orders/customer-orders/order-coupons?order_id.
func (a *API) listOrderCouponsByOrderID(w http.ResponseWriter, r *http.Request) error {
	id, err := orderIDParam(r)
	if err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	list, err := a.Orders.OrderCoupons(r.Context(), orderViewer(actor), id)
	if err != nil {
		return err
	}
	out := make([]orderCouponJSON, len(list))
	for i, c := range list {
		out[i] = orderCouponOut(c)
	}
	writeJSON(w, http.StatusOK, struct {
		Count                int               `json:"count"`
		UserCoupons          []orderCouponJSON `json:"user_coupons"`
		CouponMaxUseQuantity []struct{}        `json:"coupon_max_use_quantity"`
	}{len(out), out, []struct{}{}})
	return nil
}

// orderDiscountJSON is DiscountInfoV3.
type orderDiscountJSON struct {
	DiscountID    string         `json:"discount_id"`
	DiscountValue string         `json:"discount_value"`
	DiscountType  int            `json:"discount_type"`
	Orders        []orderRefJSON `json:"orders"`
}

type orderRefJSON struct {
	OrderID        string     `json:"order_id"`
	OrderLineItems []struct{} `json:"order_line_items"`
}

// listOrderDiscounts is ListOrderDiscounts:
// GET /v2/orders/customer-orders/order-discounts?order_id.
func (a *API) listOrderDiscounts(w http.ResponseWriter, r *http.Request) error {
	id, err := orderIDParam(r)
	if err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	list, err := a.Orders.OrderDiscounts(r.Context(), orderViewer(actor), id)
	if err != nil {
		return err
	}
	out := make([]orderDiscountJSON, len(list))
	for i, d := range list {
		out[i] = orderDiscountJSON{DiscountID: d.ID, DiscountValue: d.Value, DiscountType: d.Type,
			Orders: []orderRefJSON{{OrderID: id, OrderLineItems: []struct{}{}}}}
	}
	writeJSON(w, http.StatusOK, struct {
		Discounts []orderDiscountJSON `json:"discounts"`
	}{out})
	return nil
}
