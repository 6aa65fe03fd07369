package web

import (
	"net/http"
	"strconv"
	"strings"

	"partnercenter/internal/order"
	"partnercenter/internal/platform/mask"
)

// The partner console's 销售 > 客户 > 客户订单: the orders of the partner's
// current customers (within the member's data scope), with the filters of
// ListCustomerOrders, and one order's details. Another partner's
// customer's order is not found.

// salesOrderForm is the list's filters, kept to refill them.
type salesOrderForm struct {
	Customer, Status, Type string
	CreatedFrom, CreatedTo string
}

type salesOrderRow struct {
	orderRow
	MaskedCustomer string
}

type salesOrdersData struct {
	Form     salesOrderForm
	Rows     []salesOrderRow
	Total    int
	Page     pager
	Statuses []int
}

// salesOrders lists the partner's customers' orders, newest first.
func (s *Server) salesOrders(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	q := r.URL.Query()
	get := func(key string) string { return strings.TrimSpace(q.Get(key)) }
	form := salesOrderForm{Customer: get("customer"), Status: get("status"), Type: get("type"),
		CreatedFrom: get("created_from"), CreatedTo: get("created_to")}
	f := order.Filter{CustomerID: form.Customer, Offset: pageOffset(r), Limit: orderPageSize}
	if st, err := strconv.Atoi(form.Status); err == nil {
		status := order.Status(st)
		f.Status = &status
	}
	if t, err := strconv.Atoi(form.Type); err == nil {
		typ := order.Type(t)
		f.Type = &typ
	}
	f.CreatedFrom, f.CreatedTo = dateRange(q, "created_from", "created_to")
	list, total, err := s.Orders.List(r.Context(), order.PartnerViewer(a), f)
	rows := s.orderRows(r, list)
	d := salesOrdersData{Form: form, Total: total, Page: newPager(r, total, orderPageSize), Statuses: []int{6, 5, 4}}
	for _, o := range rows {
		d.Rows = append(d.Rows, salesOrderRow{orderRow: o, MaskedCustomer: mask.AccountName(o.CustomerName)})
	}
	v := view{Title: "orders.sales.title", Data: d}
	if err != nil {
		s.renderError(w, r, "sales_orders", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "sales_orders", v)
}

// salesOrderShow is one of the partner's customers' orders with its line
// items.
func (s *Server) salesOrderShow(w http.ResponseWriter, r *http.Request) {
	o, lines, _, err := s.Orders.Details(r.Context(), order.PartnerViewer(mustActor(r)), r.PathValue("id"), "", 0, order.MaxItems)
	if err != nil {
		s.renderOrderError(w, r, err)
		return
	}
	rows := s.orderRows(r, []order.Order{o})
	d := orderShowData{Order: rows[0], Lines: s.orderLines(langOf(r), r, lines), Back: "/sales/orders", CustomerID: o.CustomerID}
	d.Order.CustomerName = mask.AccountName(o.CustomerName)
	d.Order.UserName = mask.AccountName(o.UserName)
	s.render(w, r, http.StatusOK, "sales_order_show", view{Title: "orders.detail.title", Data: d})
}
