package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"partnercenter/internal/commerce"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/i18n"
)

// The customer portal's 费用中心 > 我的订单: the signed-in customer places
// yearly/monthly orders (priced from the catalogue before it confirms),
// lists them, reads one with its line items and cancels a pending one.
// Another customer's order is not found.

// orderStatusTabs are the list's tabs by ?status= value ("" is all).
var orderStatusTabs = []string{"", "6", "5", "4"}

// orderLine is a line item with its service named.
type orderLine struct {
	order.LineItem
	ServiceName string
}

// orderRow is an order with its service named.
type orderRow struct {
	order.Order
	ServiceName string
	Pending     bool
}

func (s *Server) orderRows(r *http.Request, list []order.Order) []orderRow {
	out := make([]orderRow, len(list))
	for i, o := range list {
		out[i] = orderRow{Order: o, ServiceName: s.Orders.ServiceTypeName(r.Context(), langOf(r), o.ServiceTypeCode),
			Pending: o.Status == order.StatusPendingPayment}
	}
	return out
}

type customerOrdersData struct {
	Tab   string
	Tabs  []string
	Rows  []orderRow
	Total int
	Page  pager
}

const orderPageSize = 20

// customerOrders lists the customer's orders, newest first, by status tab.
func (s *Server) customerOrders(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	tab := r.URL.Query().Get("status")
	f := order.Filter{Offset: pageOffset(r), Limit: orderPageSize}
	if st, err := strconv.Atoi(tab); err == nil && (st == 4 || st == 5 || st == 6) {
		status := order.Status(st)
		f.Status = &status
	} else {
		tab = ""
	}
	list, total, err := s.Orders.List(r.Context(), order.CustomerViewer(me.ID), f)
	v := view{Title: "orders.customer.title", Data: customerOrdersData{Tab: tab, Tabs: orderStatusTabs,
		Rows: s.orderRows(r, list), Total: total, Page: newPager(r, total, orderPageSize)}}
	if err != nil {
		s.renderError(w, r, "customer_orders", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "customer_orders", v)
}

// orderForm is the order form's input, kept to refill it.
type orderForm struct {
	Region, Service, Spec string // Spec is "resource type|spec code"
	Period                string // "month" or "year"
	Num, Qty, Size        string
}

func orderFormFrom(v url.Values) orderForm {
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := orderForm{Region: get("region"), Service: get("service"), Spec: get("spec"), Period: get("period"),
		Num: get("num"), Qty: get("qty"), Size: get("size")}
	if f.Period != "year" {
		f.Period = "month"
	}
	if f.Num == "" {
		f.Num = "1"
	}
	if f.Qty == "" {
		f.Qty = "1"
	}
	return f
}

// Values is the form as query parameters, for the confirm form.
func (f orderForm) Values() url.Values {
	return url.Values{"region": {f.Region}, "service": {f.Service}, "spec": {f.Spec}, "period": {f.Period},
		"num": {f.Num}, "qty": {f.Qty}, "size": {f.Size}}
}

// specOption is a spec offered in the form with its list prices.
type specOption struct {
	Value   string
	Label   string
	Linear  bool
	Monthly string
	Yearly  string
}

// item turns the form into an order item; ok is false while the form is
// incomplete (no spec picked yet). Bad numbers become CBC.0100 naming the
// field.
func (f orderForm) item(specs []commerce.SpecPrices) (order.Item, bool, error) {
	rt, code, found := strings.Cut(f.Spec, "|")
	if f.Region == "" || f.Service == "" || !found {
		return order.Item{}, false, nil
	}
	it := order.Item{ServiceType: f.Service, ResourceType: rt, Spec: code, Region: f.Region, PeriodType: order.PeriodMonth}
	if f.Period == "year" {
		it.PeriodType = order.PeriodYear
	}
	var err error
	if it.PeriodNum, err = strconv.Atoi(f.Num); err != nil {
		return it, true, formParam("num")
	}
	if it.Quantity, err = strconv.Atoi(f.Qty); err != nil {
		return it, true, formParam("qty")
	}
	for _, sp := range specs {
		if sp.ResourceTypeCode == rt && sp.Code == code && sp.Billing == commerce.BillLinear {
			if it.ResourceSize, err = strconv.ParseInt(f.Size, 10, 64); err != nil {
				return it, true, formParam("size")
			}
			it.SizeMeasureID = sp.SizeMeasureID
		}
	}
	return it, true, nil
}

func formParam(field string) error {
	return apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", field).WithField(field, "err.invalid_param")
}

type customerOrderNewData struct {
	Form     orderForm
	Regions  []commerce.Region
	Services []commerce.ServiceType
	Specs    []specOption
	Quote    *order.Quote
	Confirm  url.Values
}

// orderFormData loads the form's choices: regions, service types, and the
// chosen service's specs sold by the month or year in the chosen region.
func (s *Server) orderFormData(r *http.Request, f orderForm) (customerOrderNewData, []commerce.SpecPrices) {
	ctx, lang := r.Context(), langOf(r)
	d := customerOrderNewData{Form: f, Regions: s.Catalog.Regions(ctx, lang)}
	d.Services, _, _ = s.Catalog.ServiceTypes(ctx, lang, "", 0, 0)
	if d.Form.Region == "" && len(d.Regions) > 0 {
		d.Form.Region = d.Regions[0].Code
	}
	if d.Form.Service == "" && len(d.Services) > 0 {
		d.Form.Service = d.Services[0].Code
	}
	specs, _ := s.Catalog.Specs(ctx, lang, commerce.SpecFilter{Region: d.Form.Region, ServiceType: d.Form.Service})
	var sold []commerce.SpecPrices
	for _, sp := range specs {
		if sp.Monthly == nil && sp.Yearly == nil {
			continue
		}
		sold = append(sold, sp)
		o := specOption{Value: sp.ResourceTypeCode + "|" + sp.Code, Label: sp.Name + " (" + sp.Code + ")",
			Linear: sp.Billing == commerce.BillLinear}
		if sp.Monthly != nil {
			o.Monthly = priceText(*sp.Monthly)
		}
		if sp.Yearly != nil {
			o.Yearly = priceText(*sp.Yearly)
		}
		d.Specs = append(d.Specs, o)
	}
	return d, sold
}

// customerOrderNew is the order form. Once a spec is picked, "price" shows
// the order's price from the catalogue and a confirm button that places it.
func (s *Server) customerOrderNew(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	f := orderFormFrom(r.URL.Query())
	d, specs := s.orderFormData(r, f)
	v := view{Title: "orders.new.title", Data: &d}
	if r.URL.Query().Get("quote") != "" {
		it, ok, err := d.Form.item(specs)
		if err == nil && !ok {
			err = formParam("spec")
		}
		if err == nil {
			var q order.Quote
			if q, err = s.Orders.Quote(r.Context(), me.ID, order.NewOrder{Items: []order.Item{it}}); err == nil {
				d.Quote, d.Confirm = &q, d.Form.Values()
			}
		}
		if err != nil {
			s.renderError(w, r, "customer_order_new", v, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "customer_order_new", v)
}

// customerOrderPlace places the confirmed order and shows it.
func (s *Server) customerOrderPlace(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	f := orderFormFrom(r.PostForm)
	d, specs := s.orderFormData(r, f)
	v := view{Title: "orders.new.title", Data: &d}
	it, ok, err := d.Form.item(specs)
	if err == nil && !ok {
		err = formParam("spec")
	}
	var o order.Order
	if err == nil {
		o, err = s.Orders.Place(r.Context(), me.ID, order.NewOrder{Items: []order.Item{it}})
	}
	if err != nil {
		s.renderError(w, r, "customer_order_new", v, err)
		return
	}
	http.Redirect(w, r, "/customer/orders/"+o.ID+"?placed=1", http.StatusSeeOther)
}

type orderShowData struct {
	Order      orderRow
	Lines      []orderLine
	Back       string
	CanCancel  bool
	CustomerID string
	// Partner payment (代支付), on the customer's page: CanPay is false
	// while the order waits for the partner; CanAskPartner offers "ask my
	// partner to pay" on a pending order not already waiting.
	CanPay          bool
	CanAskPartner   bool
	AwaitingPartner bool
}

func (s *Server) orderLines(lang i18n.Lang, r *http.Request, lines []order.LineItem) []orderLine {
	out := make([]orderLine, len(lines))
	for i, l := range lines {
		out[i] = orderLine{LineItem: l, ServiceName: s.Orders.ServiceTypeName(r.Context(), lang, l.ServiceTypeCode)}
	}
	return out
}

// customerOrderShow is one of the customer's orders with its line items.
func (s *Server) customerOrderShow(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	s.showCustomerOrder(w, r, me.ID, nil)
}

func (s *Server) showCustomerOrder(w http.ResponseWriter, r *http.Request, customerID string, actionErr error) {
	o, lines, _, err := s.Orders.Details(r.Context(), order.CustomerViewer(customerID), r.PathValue("id"), "", 0, order.MaxItems)
	if err != nil {
		s.renderOrderError(w, r, err)
		return
	}
	rows := s.orderRows(r, []order.Order{o})
	waiting := rows[0].Pending && o.AgentPay == payment.AgentPending
	canAsk := rows[0].Pending && !waiting
	if canAsk {
		partnerID, err := s.Payments.PartnerToAsk(r.Context(), customerID)
		canAsk = err == nil && partnerID != ""
	}
	v := view{Title: "orders.detail.title", Data: orderShowData{Order: rows[0], Lines: s.orderLines(langOf(r), r, lines),
		Back: "/customer/orders", CanCancel: rows[0].Pending, CanPay: rows[0].Pending && !waiting,
		CanAskPartner: canAsk, AwaitingPartner: waiting}}
	switch {
	case actionErr != nil:
		s.renderError(w, r, "customer_order_show", v, actionErr)
		return
	case r.URL.Query().Get("placed") != "":
		v.Notice = i18n.T(langOf(r), "orders.notice.placed", nil)
	case r.URL.Query().Get("cancelled") != "":
		v.Notice = i18n.T(langOf(r), "orders.notice.cancelled", nil)
	case r.URL.Query().Get("asked") != "":
		v.Notice = i18n.T(langOf(r), "partnerpay.notice.asked", nil)
	}
	s.render(w, r, http.StatusOK, "customer_order_show", v)
}

// customerOrderCancel cancels a pending order of the customer's.
func (s *Server) customerOrderCancel(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	id := r.PathValue("id")
	if err := s.Orders.Cancel(r.Context(), me.ID, id); err != nil {
		s.showCustomerOrder(w, r, me.ID, err)
		return
	}
	http.Redirect(w, r, "/customer/orders/"+id+"?cancelled=1", http.StatusSeeOther)
}

// renderOrderError answers an order the caller may not see with 404.
func (s *Server) renderOrderError(w http.ResponseWriter, r *http.Request, err error) {
	name := "customer_order_error"
	if faceOf(r) == FacePartner {
		name = "sales_order_error"
	}
	v := view{Title: "orders.detail.title"}
	if errors.Is(err, order.ErrNotFound) {
		v.Error = i18n.T(langOf(r), "err.order_not_found", nil)
		s.render(w, r, http.StatusNotFound, name, v)
		return
	}
	s.renderError(w, r, name, v, err)
}
