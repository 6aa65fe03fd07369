package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"partnercenter/internal/order"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/refund"
)

// The customer portal's 我的资源: the signed-in customer's yearly/monthly
// resources (what its paid orders opened), with an unsubscribe action that
// first shows what would come back and where it would go (the refund
// routing of console.md §4.6), then unsubscribes on confirmation and shows
// the unsubscribe order's refund details. Another customer's resource or
// refund is not found.

// resourceTabs are the list's tabs by ?status= value ("" is all).
var resourceTabs = []string{"", "2", "5", "3"}

const resourcePageSize = 20

// resourceRow is a resource as the list shows it.
type resourceRow struct {
	refund.Resource
	ServiceName    string
	APIStatus      int
	Unsubscribable bool
}

type customerResourcesData struct {
	Tab   string
	Tabs  []string
	Rows  []resourceRow
	Total int
	Page  pager
}

func (s *Server) resourceRow(r *http.Request, res refund.Resource, now time.Time) resourceRow {
	return resourceRow{Resource: res, ServiceName: s.Orders.ServiceTypeName(r.Context(), langOf(r), res.ServiceTypeCode),
		APIStatus: res.APIStatus(now), Unsubscribable: res.Unsubscribable(now)}
}

// customerResources lists the customer's resources, newest first, by
// status tab.
func (s *Server) customerResources(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	tab := r.URL.Query().Get("status")
	f := refund.Filter{Offset: pageOffset(r), Limit: resourcePageSize}
	if st, err := strconv.Atoi(tab); err == nil && (st == refund.APIStatusInUse || st == refund.APIStatusExpired ||
		st == refund.APIStatusClosed) {
		f.Statuses = []int{st}
	} else {
		tab = ""
	}
	list, total, err := s.Refunds.Resources(r.Context(), me.ID, f)
	now := s.Refunds.Clock.Now().UTC()
	rows := make([]resourceRow, len(list))
	for i, res := range list {
		rows[i] = s.resourceRow(r, res, now)
	}
	v := view{Title: "refunds.resources.title", Data: customerResourcesData{Tab: tab, Tabs: resourceTabs, Rows: rows,
		Total: total, Page: newPager(r, total, resourcePageSize)}}
	if err != nil {
		s.renderError(w, r, "customer_resources", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "customer_resources", v)
}

type customerUnsubscribeData struct {
	Resource    resourceRow
	Preview     refund.Preview
	RefundRows  []refund.Refund
	Reason      string
	Type        string
	ReasonTypes []string
}

// reasonTypes are unsubscribe_reason_type's values (refunds.reason.<n>).
var reasonTypes = []string{"1", "2", "3", "4", "5"}

// customerUnsubscribeShow is the confirmation page: the resource, what
// unsubscribing it now gives back and where it goes, and what is kept.
func (s *Server) customerUnsubscribeShow(w http.ResponseWriter, r *http.Request) {
	s.showUnsubscribe(w, r, nil)
}

func (s *Server) showUnsubscribe(w http.ResponseWriter, r *http.Request, actionErr error) {
	me, _ := customerFrom(r.Context())
	id := r.PathValue("id")
	list, _, err := s.Refunds.Resources(r.Context(), me.ID, refund.Filter{IDs: []string{id}, Limit: 1})
	if err != nil {
		s.renderError(w, r, "customer_resource_error", view{Title: "refunds.unsubscribe.title"}, err)
		return
	}
	if len(list) == 0 {
		s.renderResourceError(w, r, refund.ErrResourceNotFound)
		return
	}
	now := s.Refunds.Clock.Now().UTC()
	data := customerUnsubscribeData{Resource: s.resourceRow(r, list[0], now), Reason: r.PostFormValue("reason"),
		Type: r.PostFormValue("reason_type"), ReasonTypes: reasonTypes}
	if data.Resource.Unsubscribable {
		if data.Preview, err = s.Refunds.Preview(r.Context(), me.ID, []string{id}); err != nil && actionErr == nil {
			actionErr = err
		}
		data.RefundRows = data.Preview.Refunds
	}
	v := view{Title: "refunds.unsubscribe.title", Data: data}
	if actionErr != nil {
		s.renderError(w, r, "customer_resource_unsubscribe", v, actionErr)
		return
	}
	s.render(w, r, http.StatusOK, "customer_resource_unsubscribe", v)
}

// customerUnsubscribe unsubscribes one of the customer's resources and
// shows the unsubscribe order's refund details.
func (s *Server) customerUnsubscribe(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	id := r.PathValue("id")
	req := refund.Request{ResourceIDs: []string{id}, Type: refund.UnsubscribeResource, Reason: r.PostFormValue("reason")}
	if t := r.PostFormValue("reason_type"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil {
			s.showUnsubscribe(w, r, formParam("reason_type"))
			return
		}
		req.ReasonType = n
	}
	res, err := s.Refunds.Unsubscribe(r.Context(), me.ID, req)
	if err == nil && len(res.Failures) > 0 {
		err = res.Failures[0].Err
	}
	if err != nil {
		if errors.Is(err, refund.ErrResourceNotFound) {
			s.renderResourceError(w, r, err)
			return
		}
		s.showUnsubscribe(w, r, err)
		return
	}
	http.Redirect(w, r, "/customer/refunds/"+res.OrderIDs[0]+"?done=1", http.StatusSeeOther)
}

type customerRefundData struct {
	Details     refund.Details
	RefundRows  []refund.Refund
	ServiceName string
}

// customerRefund shows an unsubscribe order's refund details: what each
// resource gave back and where the money went.
func (s *Server) customerRefund(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	d, err := s.Refunds.RefundDetails(r.Context(), order.CustomerViewer(me.ID), r.PathValue("order"), "", "")
	if err == nil && d.Order.Type != order.TypeUnsubscribe {
		err = order.ErrNotFound
	}
	if err != nil {
		if errors.Is(err, order.ErrNotFound) {
			s.renderResourceError(w, r, err)
			return
		}
		s.renderError(w, r, "customer_resource_error", view{Title: "refunds.refund.title"}, err)
		return
	}
	v := view{Title: "refunds.refund.title", Data: customerRefundData{Details: d, RefundRows: d.Refunds,
		ServiceName: s.Orders.ServiceTypeName(r.Context(), langOf(r), d.Order.ServiceTypeCode)}}
	if r.URL.Query().Get("done") != "" {
		v.Notice = i18n.T(langOf(r), "refunds.notice.done", nil)
	}
	s.render(w, r, http.StatusOK, "customer_refund", v)
}

// renderResourceError answers a resource or refund the customer may not
// see with 404.
func (s *Server) renderResourceError(w http.ResponseWriter, r *http.Request, err error) {
	v := view{Title: "refunds.resources.title"}
	e := apperr.From(err)
	v.Error = i18n.T(langOf(r), e.Key, e.Args)
	s.render(w, r, http.StatusNotFound, "customer_resource_error", v)
}
