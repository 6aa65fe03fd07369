package order

import (
	"context"
	"strings"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

// Partner-pay orders (代支付, console.md §4.4): the orders customers asked
// their partner to pay, as the partner sees them in 销售 > 客户 > 客户订单
// (待支付 / 已支付 / 已驳回 / 已取消) and in ListPartnerPayOrders. They are
// the partner's by orders.paying_partner_id, whether or not the customer is
// still associated: a paid one stays the partner's (its refunds go back to
// the partner).

// Tabs of the partner's view, the state machine of console.md §4.4.
const (
	AgentTabPending   = "pending"   // 待支付: waiting for the partner, order pending payment
	AgentTabPaid      = "paid"      // 已支付: the partner paid it
	AgentTabRejected  = "rejected"  // 已驳回: the partner rejected it (the customer may still pay or cancel it)
	AgentTabCancelled = "cancelled" // 已取消: cancelled (by the customer or the deadline job) while waiting
)

// AgentTabs are the tabs in display order.
var AgentTabs = []string{AgentTabPending, AgentTabPaid, AgentTabRejected, AgentTabCancelled}

// AgentFilter selects partner-pay orders: ListPartnerPayOrders' query and
// the console's tabs. Empty fields do not filter.
type AgentFilter struct {
	OrderID, CustomerID string
	Status              *Status
	// Tab is one of AgentTabs, or "" for all of them.
	Tab string
	// IndirectPartnerID: a distributor reading the orders its cloud
	// reseller was asked to pay; ignored for other partners.
	IndirectPartnerID string
	Offset, Limit     int
}

// agentTabCond is the SQL condition of a tab ("" for all).
func agentTabCond(tab string) (string, bool) {
	switch tab {
	case "":
		return "", true
	case AgentTabPending:
		return "o.agent_pay = 1 AND o.status = 6", true
	case AgentTabPaid:
		return "o.agent_pay = 2", true
	case AgentTabRejected:
		return "o.agent_pay = 3", true
	case AgentTabCancelled:
		return "o.agent_pay = 1 AND o.status = 4", true
	}
	return "", false
}

// PartnerPayOrders lists the orders customers asked actor's partner to pay
// (a distributor naming f.IndirectPartnerID: its cloud reseller's), within
// the member's data scope, most recently requested first, with the number
// matching. Needs PermOrderView. Errors: identity.ErrForbidden,
// customer.ErrNotYourReseller, CBC.0100 naming "tab" or
// "indirect_partner_id". Read-only.
func (s *Service) PartnerPayOrders(ctx context.Context, a identity.Actor, f AgentFilter) ([]Order, int, error) {
	if a.PartnerID == "" || !a.Can(identity.PermOrderView) {
		return nil, 0, identity.ErrForbidden
	}
	tabCond, ok := agentTabCond(f.Tab)
	if !ok {
		return nil, 0, errParam("tab")
	}
	partnerID, indirect, err := s.ownerFor(ctx, a, f.IndirectPartnerID)
	if err != nil {
		return nil, 0, err
	}
	w := &db.Where{}
	w.Add("o.paying_partner_id = ?", partnerID)
	w.Scope("o.agent_pay > 0", nil) // a literal, so the partial index applies
	if !indirect {
		cond, args := a.Scope.SQL("c.account_manager_id", len(w.Args())+1)
		w.Scope(cond, args)
	}
	if tabCond != "" {
		w.Scope(tabCond, nil)
	}
	if f.OrderID != "" {
		w.Add("LOWER(o.id) = ?", strings.ToLower(f.OrderID))
	}
	if f.CustomerID != "" {
		w.Add("o.customer_id = ?", f.CustomerID)
	}
	if f.Status != nil {
		w.Add("o.status = ?", int(*f.Status))
	}
	return s.page(ctx, w, " ORDER BY o.agent_requested_at DESC, o.id DESC", f.Offset, f.Limit)
}

// AgentTab is the tab of the partner's view an order asked of a partner is
// in ("" for an order no partner was asked to pay).
func AgentTab(o Order) string {
	switch {
	case o.AgentPay == 2:
		return AgentTabPaid
	case o.AgentPay == 3:
		return AgentTabRejected
	case o.AgentPay == 1 && o.Status == StatusCancelled:
		return AgentTabCancelled
	case o.AgentPay == 1:
		return AgentTabPending
	}
	return ""
}
