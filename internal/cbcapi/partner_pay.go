package cbcapi

import (
	"net/http"

	"partnercenter/internal/order"
	"partnercenter/internal/payment"
)

// Partner payment (代支付, reference/cbc-api.md §6): ListPartnerPayOrders.

const (
	agentPending = payment.AgentPending
	agentPaid    = payment.AgentPaid
)

// partnerPayOrderJSON is CustomerOrderEntity as ListPartnerPayOrders
// answers it: the order (CustomerOrderV2/V3 fields with agent_pay_info),
// and ours: where the partner's decision stands (the console's tab:
// pending, paid, rejected, cancelled) and a rejection's reason.
type partnerPayOrderJSON struct {
	customerOrderJSON
	AgentPayStatus    string `json:"agent_pay_status"`
	AgentRejectReason string `json:"agent_reject_reason,omitempty"`
	AgentRequestTime  string `json:"agent_request_time,omitempty"`
	AgentDecisionTime string `json:"agent_decision_time,omitempty"`
}

// listPartnerPayOrders is ListPartnerPayOrders:
// GET /v2/orders/customer-orders/partner-pay-orders?order_id&customer_id&limit&offset&status&indirect_partner_id
// → {count, order_infos}. status is the order status (6 pending payment,
// 5 completed, 4 cancelled).
func (a *API) listPartnerPayOrders(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r.URL)
	f := order.AgentFilter{OrderID: q.str("order_id", maxIDLen), CustomerID: q.str("customer_id", maxIDLen),
		IndirectPartnerID: q.str("indirect_partner_id", maxIndirectIDLen)}
	if s := q.intIn("status", 1, 2, 3, 4, 5, 6, 9); s != nil {
		st := order.Status(*s)
		f.Status = &st
	}
	limit, offset, err := paging(q.v, maxOrderLimit, maxCouponOffset)
	if err != nil && q.err == nil {
		q.err = err
	}
	if q.err != nil {
		return q.err
	}
	f.Offset, f.Limit = offset, limit
	actor, _ := ActorFrom(r.Context())
	list, total, err := a.Orders.PartnerPayOrders(r.Context(), actor, f)
	if err != nil {
		return err
	}
	out := make([]partnerPayOrderJSON, len(list))
	for i, o := range list {
		out[i] = partnerPayOrderJSON{customerOrderJSON: a.orderOut(r.Context(), lang(r), o), AgentPayStatus: order.AgentTab(o),
			AgentRejectReason: o.AgentRejectReason, AgentRequestTime: apiTimePtr(o.AgentRequestedAt),
			AgentDecisionTime: apiTimePtr(o.AgentDecidedAt)}
	}
	writeJSON(w, http.StatusOK, struct {
		Count      int                   `json:"count"`
		OrderInfos []partnerPayOrderJSON `json:"order_infos"`
	}{total, out})
	return nil
}
