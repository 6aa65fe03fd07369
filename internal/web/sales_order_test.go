package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnercenter/internal/platform/i18n"
)

func TestSalesOrders(t *testing.T) {
	s := mustSite(t)
	mine := s.mustCustomer(t, "sp", "sales-order-cust")
	theirs := s.mustCustomer(t, "sp2", "sales-order-theirs")
	cb := s.browser(t)
	cb.mustCustomerSignIn(mine.DomainName, customerPassword)
	id := mustPlaceOrder(t, cb, url.Values{"region": {"cn-north-1"}, "service": {"hws.service.type.ec2"},
		"spec": {"hws.resource.type.vm|s2.small.1.linux"}, "period": {"year"}, "num": {"1"}, "qty": {"1"}})
	ob := s.browser(t)
	ob.mustCustomerSignIn(theirs.DomainName, customerPassword)
	otherID := mustPlaceOrder(t, ob, url.Values{"region": {"cn-north-1"}, "service": {"hws.service.type.ec2"},
		"spec": {"hws.resource.type.vm|s2.small.1.linux"}, "period": {"month"}, "num": {"1"}, "qty": {"1"}})

	sp := s.partner(t, "sp")
	b := s.browser(t)
	b.mustSignIn(sp.DomainName, sp.Admin.Password)

	t.Run("OK/List", func(t *testing.T) {
		resp, body := b.get("/sales/orders")
		mustStatus(t, resp, body, http.StatusOK, `id="order-`+id+`"`, "¥322.00", mine.ID, `href="/sales/orders"`)
		if strings.Contains(body, otherID) {
			t.Error("another partner's customer's order listed")
		}
		if strings.Contains(body, mine.DomainName) {
			t.Error("customer account name not masked")
		}
	})
	t.Run("OK/Filters", func(t *testing.T) {
		resp, body := b.get("/sales/orders?status=6&type=1&customer=" + mine.ID)
		mustStatus(t, resp, body, http.StatusOK, `id="order-`+id+`"`)
		resp, body = b.get("/sales/orders?status=4")
		mustStatus(t, resp, body, http.StatusOK, `id="orders-empty"`)
		resp, body = b.get("/sales/orders?created_from=2000-01-01&created_to=2000-01-02")
		mustStatus(t, resp, body, http.StatusOK, `id="orders-empty"`)
	})
	t.Run("OK/Detail", func(t *testing.T) {
		resp, body := b.get("/sales/orders/" + id)
		mustStatus(t, resp, body, http.StatusOK, `id="order-official">¥322.00`, "s2.small.1.linux", tr(i18n.ZH, "orders.status.6"),
			`id="order-lines"`, `class="order-line"`)
		if strings.Contains(body, `id="order-cancel"`) {
			t.Error("partner offered to cancel the customer's order")
		}
	})
	t.Run("ErrCrossTenant", func(t *testing.T) {
		resp, body := b.get("/sales/orders/" + otherID)
		mustStatus(t, resp, body, http.StatusNotFound, tr(i18n.ZH, "err.order_not_found"))
	})
	t.Run("ErrCustomerSessionRefused", func(t *testing.T) {
		resp, _ := cb.get("/sales/orders")
		if resp.StatusCode == http.StatusOK {
			t.Fatal("a customer session opened the partner console")
		}
	})
}
