package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"partnercenter/internal/order"
	"partnercenter/internal/platform/i18n"
)

var placedOrder = regexp.MustCompile(`^/customer/orders/([0-9a-f]{32})\?placed=1$`)

// mustPlaceOrder places an order through the portal's confirm form and
// returns its id.
func mustPlaceOrder(tb testing.TB, b *browser, form url.Values) string {
	tb.Helper()
	q := url.Values{}
	for k, v := range form {
		q[k] = v
	}
	q.Set("quote", "1")
	resp, body := b.get("/customer/orders/new?" + q.Encode())
	mustStatus(tb, resp, body, http.StatusOK)
	form.Set("csrf_token", csrf(tb, body))
	resp, body = b.post("/customer/orders", form)
	if resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("place: status %d\n%s", resp.StatusCode, body)
	}
	m := placedOrder.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		tb.Fatalf("place: redirected to %q", resp.Header.Get("Location"))
	}
	return m[1]
}

var vmForm = url.Values{"region": {"cn-north-1"}, "service": {"hws.service.type.ec2"},
	"spec": {"hws.resource.type.vm|s2.small.1.linux"}, "period": {"month"}, "num": {"3"}, "qty": {"2"}}

func TestCustomerOrders(t *testing.T) {
	s := mustSite(t)
	me := s.mustCustomer(t, "sp", "order-cust")
	other := s.mustCustomer(t, "sp", "order-other")
	b := s.browser(t)
	b.mustCustomerSignIn(me.DomainName, customerPassword)

	t.Run("RedirectsToSignIn", func(t *testing.T) {
		resp, body := s.browser(t).get("/customer/orders")
		mustRedirect(t, resp, body, "/customer/signin?next=%2Fcustomer%2Forders")
	})
	t.Run("OK/FormListsSpecsWithPrices", func(t *testing.T) {
		resp, body := b.get("/customer/orders/new?region=cn-north-1&service=hws.service.type.ec2")
		mustStatus(t, resp, body, http.StatusOK, `value="hws.resource.type.vm|s2.small.1.linux"`, "¥32.20", `id="menu-orders"`)
		if strings.Contains(body, `id="order-confirm"`) {
			t.Error("confirm form shown before a price was asked")
		}
	})
	t.Run("OK/QuoteShowsPrice", func(t *testing.T) {
		q := url.Values{}
		for k, v := range vmForm {
			q[k] = v
		}
		q.Set("quote", "1")
		resp, body := b.get("/customer/orders/new?" + q.Encode())
		mustStatus(t, resp, body, http.StatusOK, `id="quote-official">¥193.20`, `id="order-confirm"`)
	})
	t.Run("ErrQuoteUnknownSpec", func(t *testing.T) {
		resp, body := b.get("/customer/orders/new?quote=1&region=cn-north-1&service=hws.service.type.ec2&spec=hws.resource.type.vm%7Cnope&num=1&qty=1")
		mustStatus(t, resp, body, http.StatusBadRequest)
		if strings.Contains(body, `id="order-confirm"`) {
			t.Error("confirm form shown for an unknown spec")
		}
	})
	t.Run("ErrQuoteBadQuantity", func(t *testing.T) {
		resp, body := b.get("/customer/orders/new?quote=1&region=cn-north-1&service=hws.service.type.ec2&spec=hws.resource.type.vm%7Cs2.small.1.linux&num=1&qty=x")
		mustStatus(t, resp, body, http.StatusBadRequest)
	})

	id := mustPlaceOrder(t, b, url.Values{"region": {"cn-north-1"}, "service": {"hws.service.type.ec2"},
		"spec": {"hws.resource.type.vm|s2.small.1.linux"}, "period": {"month"}, "num": {"3"}, "qty": {"2"}})

	t.Run("OK/Placed", func(t *testing.T) {
		resp, body := b.get("/customer/orders/" + id + "?placed=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "orders.notice.placed"), `id="order-official">¥193.20`,
			tr(i18n.ZH, "orders.status.6"), "s2.small.1.linux", `id="order-cancel"`, `id="order-deadline"`,
			`class="num line-amount">¥193.20`)
	})
	t.Run("OK/List", func(t *testing.T) {
		resp, body := b.get("/customer/orders?status=6")
		mustStatus(t, resp, body, http.StatusOK, `id="order-`+id+`"`, "¥193.20")
		resp, body = b.get("/customer/orders?status=4")
		mustStatus(t, resp, body, http.StatusOK, `id="orders-empty"`)
	})
	t.Run("OK/English", func(t *testing.T) {
		en := s.browser(t)
		en.header = http.Header{"Accept-Language": {"en-US"}}
		en.mustCustomerSignIn(me.DomainName, customerPassword)
		resp, body := en.get("/customer/orders/" + id)
		mustStatus(t, resp, body, http.StatusOK, "Pending payment", "Elastic Cloud Server")
	})
	t.Run("ErrOtherCustomersOrder", func(t *testing.T) {
		ob := s.browser(t)
		ob.mustCustomerSignIn(other.DomainName, customerPassword)
		resp, body := ob.get("/customer/orders/" + id)
		mustStatus(t, resp, body, http.StatusNotFound, tr(i18n.ZH, "err.order_not_found"))
		_, list := ob.get("/customer/orders")
		form := url.Values{"csrf_token": {csrf(t, list)}}
		resp, body = ob.post("/customer/orders/"+id+"/cancel", form)
		mustStatus(t, resp, body, http.StatusNotFound)
		got, err := s.app.Orders.Get(t.Context(), order.CustomerViewer(me.ID), id, "")
		if err != nil || got.Status != order.StatusPendingPayment {
			t.Fatalf("order %+v %v", got, err)
		}
	})
	t.Run("ErrCancelWithoutCSRF", func(t *testing.T) {
		resp, _ := b.post("/customer/orders/"+id+"/cancel", url.Values{})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("OK/Cancel", func(t *testing.T) {
		resp, body := b.submit("/customer/orders/"+id, "/customer/orders/"+id+"/cancel", url.Values{})
		mustRedirect(t, resp, body, "/customer/orders/"+id+"?cancelled=1")
		resp, body = b.get("/customer/orders/" + id + "?cancelled=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "orders.notice.cancelled"), tr(i18n.ZH, "orders.status.4"))
		if strings.Contains(body, `id="order-cancel"`) {
			t.Error("cancel button on a cancelled order")
		}
		t.Run("ErrAgain", func(t *testing.T) {
			_, list := b.get("/customer/orders")
			resp, body := b.post("/customer/orders/"+id+"/cancel", url.Values{"csrf_token": {csrf(t, list)}})
			mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.order_not_cancellable"))
		})
	})
	t.Run("OK/LinearSpec", func(t *testing.T) {
		did := mustPlaceOrder(t, b, url.Values{"region": {"cn-north-4"}, "service": {"hws.service.type.ebs"},
			"spec": {"hws.resource.type.volume|GPSSD"}, "period": {"year"}, "num": {"1"}, "qty": {"1"}, "size": {"40"}})
		resp, body := b.get("/customer/orders/" + did)
		mustStatus(t, resp, body, http.StatusOK, "GPSSD", "× 40")
	})
}
