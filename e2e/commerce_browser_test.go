package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestCommerceInBrowser is issue 7's browser test, on the demo data: the
// cloud reseller's reseller-model customer (2000.00 allocated, two
// vouchers, a disk-only voucher and a cash coupon) buys a year of
// s2.small.1.linux in the portal, reads the price explained step by step
// with the reasons the benefits it does not use do not apply, pays with one
// voucher and one cash coupon and sees the order completed. It then places
// a second order and asks its partner to pay it; the reseller's admin finds
// it in 销售 > 客户 > 客户订单 > 待支付, rejects it with a reason, and the
// customer sees that reason on the order.
func TestCommerceInBrowser(t *testing.T) {
	s := startServer(t)
	buyer := s.Demo.Customer(t, "reseller-reseller")
	reseller := s.Demo.Partner(t, "reseller")

	customer := newBrowser(t, withLanguage("zh-CN"))
	navigate(t, customer, s, "/customer/signin")
	fill(t, customer, [2]string{"account", buyer.DomainName}, [2]string{"password", buyer.Password})
	if status := submit(t, customer, "signin"); status != http.StatusOK {
		t.Fatalf("customer sign-in: status %d", status)
	}

	var paidID string
	t.Run("customer_places_an_order", func(t *testing.T) {
		paidID = placeOrderInPortal(t, customer, s, "year", "1", "1")
		waitText(t, customer, "#order-status", "待支付")
		waitText(t, customer, "#order-official", "¥322.00")
	})
	if paidID == "" {
		t.FailNow()
	}

	// The demo coupons' ids, keyed by kind and balance as the pay page
	// shows them ("代金券 ¥50.00").
	var couponOf map[string]string
	t.Run("pay_page_explains_the_price", func(t *testing.T) {
		if status := submit(t, customer, "order-pay-link"); status != http.StatusOK {
			t.Fatalf("open the pay page: status %d", status)
		}
		if loc := location(t, customer, s); loc != "/customer/orders/"+paidID+"/pay" {
			t.Fatalf("the pay link leads to %s", loc)
		}
		// Nothing chosen: the list price is due in full.
		waitText(t, customer, "#pay-list", "¥322.00")
		waitText(t, customer, "#pay-voucher", "−¥0.00")
		waitText(t, customer, "#pay-cash", "−¥0.00")
		waitText(t, customer, "#pay-due", "¥322.00")
		waitText(t, customer, "#pay-balance", "¥2000.00")
		rows := benefitRows(t, customer)
		couponOf = map[string]string{}
		for _, r := range rows {
			couponOf[r.Kind+" "+r.Balance] = r.ID
		}
		want := map[string]string{
			"代金券 ¥50.00":  "可用，未选择",
			"代金券 ¥200.00": "订单金额未达到优惠券的最低使用金额",
			"代金券 ¥20.00":  "订单的云服务类型不在优惠券适用范围内",
			"现金券 ¥30.00":  "可用，未选择",
		}
		mustReasons(t, rows, want)

		// Choose the 50.00 voucher and the 30.00 cash coupon and recompute.
		for _, key := range []string{"代金券 ¥50.00", "现金券 ¥30.00"} {
			if err := chromedp.Do(customer, chromedp.Click(chromedp.CSS(`#benefit-`+couponOf[key]+` input[type=checkbox]`))); err != nil {
				t.Fatalf("choose %s: %v", key, err)
			}
		}
		if status := submit(t, customer, "pay-explain"); status != http.StatusOK {
			t.Fatalf("recompute: status %d", status)
		}
		waitText(t, customer, "#pay-list", "¥322.00")
		waitText(t, customer, "#pay-discount", "−¥0.00")
		waitText(t, customer, "#pay-voucher", "−¥50.00")
		waitText(t, customer, "#pay-cash", "−¥30.00")
		waitText(t, customer, "#pay-due", "¥242.00")
		want["代金券 ¥50.00"], want["现金券 ¥30.00"] = "已使用", "已使用"
		rows = benefitRows(t, customer)
		mustReasons(t, rows, want)
		for _, r := range rows {
			key := r.Kind + " " + r.Balance
			chosen := key == "代金券 ¥50.00" || key == "现金券 ¥30.00"
			if r.Checked != chosen || (chosen && r.Amount != strings.TrimPrefix(key, r.Kind+" ")) {
				t.Errorf("%s: ticked %v, pays %s", key, r.Checked, r.Amount)
			}
		}
		// The step names are on the page as the customer reads them.
		steps := textOf(t, customer, chromedp.ID("pay-steps"))
		for _, step := range []string{"目录价", "代金券", "现金券", "从账户余额支付"} {
			if !strings.Contains(steps, step) {
				t.Errorf("the price explain lacks %q:\n%s", step, steps)
			}
		}
		waitText(t, customer, "#pay-button", "支付 ¥242.00")
	})
	if couponOf["代金券 ¥50.00"] == "" || couponOf["现金券 ¥30.00"] == "" {
		t.FailNow()
	}

	t.Run("customer_pays_with_a_voucher_and_a_cash_coupon", func(t *testing.T) {
		if status := submit(t, customer, "pay-button"); status != http.StatusOK {
			t.Fatalf("pay: status %d (%s)", status, pageText(customer, ".error"))
		}
		waitText(t, customer, "#notice", "订单已支付。")
		waitText(t, customer, "#order-status", "已完成")
		navigate(t, customer, s, "/customer/orders/"+paidID)
		waitText(t, customer, "#order-status", "已完成")
		if n, _ := chromedp.Run(customer, chromedp.Evaluate[int](`document.querySelectorAll('#order-pay-link').length`)); n != 0 {
			t.Error("a completed order still offers 去支付")
		}
		// The voucher and the cash coupon are used up, each by this order.
		for _, key := range []string{"代金券 ¥50.00", "现金券 ¥30.00"} {
			navigate(t, customer, s, "/customer/coupons/"+couponOf[key])
			waitText(t, customer, "#coupon-balance", "¥0.00")
			if usages := textOf(t, customer, chromedp.ID("usages")); !strings.Contains(usages, paidID) {
				t.Errorf("%s: its usage records do not name the order it paid:\n%s", key, usages)
			}
		}
	})

	var askedID string
	const reason = "本月预算已用完，请自行支付"
	t.Run("customer_asks_the_partner_to_pay", func(t *testing.T) {
		askedID = placeOrderInPortal(t, customer, s, "month", "1", "1")
		waitText(t, customer, "#order-official", "¥32.20")
		if status := submit(t, customer, "order-ask-partner-button"); status != http.StatusOK {
			t.Fatalf("ask the partner: status %d", status)
		}
		waitText(t, customer, "#notice", "已请合作伙伴代付该订单，请等待伙伴处理。")
		if got := textOf(t, customer, chromedp.ID("order-awaiting-partner")); !strings.HasPrefix(got, "等待合作伙伴代付") {
			t.Errorf("the order says %q", got)
		}
		if n, _ := chromedp.Run(customer, chromedp.Evaluate[int](`document.querySelectorAll('#order-pay-link').length`)); n != 0 {
			t.Error("an order waiting for the partner still offers 去支付")
		}
	})
	if askedID == "" {
		t.FailNow()
	}

	t.Run("partner_rejects_with_a_reason", func(t *testing.T) {
		partner := newBrowser(t, withLanguage("zh-CN"))
		if status := partnerSignIn(t, partner, s, reseller.Admin.Username, "", reseller.Admin.Password); status != http.StatusOK {
			t.Fatalf("reseller admin sign-in: status %d", status)
		}
		navigate(t, partner, s, "/sales/orders")
		if status := submit(t, partner, "tab-pp-pending"); status != http.StatusOK {
			t.Fatalf("open 待支付: status %d", status)
		}
		waitText(t, partner, "#tab-pp-pending", "待支付")
		waitText(t, partner, "#pp-"+askedID+" .pp-state", "待支付")
		if row := textOf(t, partner, chromedp.ID("pp-"+askedID)); !strings.Contains(row, "¥32.20") || !strings.Contains(row, buyer.DomainID) {
			t.Errorf("the 待支付 row reads %q", row)
		}
		if n, _ := chromedp.Run(partner, chromedp.Evaluate[int](`document.querySelectorAll('#pp-`+paidID+`').length`)); n != 0 {
			t.Error("the order the customer paid itself is in 待支付")
		}
		if status := submit(t, partner, "reject-"+askedID); status != http.StatusOK {
			t.Fatalf("open 驳回: status %d", status)
		}
		waitText(t, partner, "#order-id", askedID)
		fill(t, partner, [2]string{"reject-reason", reason})
		if status := submit(t, partner, "pp-reject-submit"); status != http.StatusOK {
			t.Fatalf("reject: status %d (%s)", status, pageText(partner, ".field-error"))
		}
		waitText(t, partner, "#notice", "已驳回 1 个订单。")
		waitText(t, partner, "#pp-"+askedID+" .pp-state", "已驳回")
		waitText(t, partner, "#pp-"+askedID+" .pp-reason", reason)
	})

	t.Run("customer_sees_the_reason", func(t *testing.T) {
		navigate(t, customer, s, "/customer/orders/"+askedID)
		waitText(t, customer, "#order-reject-reason", reason)
		if got := textOf(t, customer, chromedp.ID("order-partner-rejected")); !strings.HasPrefix(got, "合作伙伴驳回了代付请求。") {
			t.Errorf("the order says %q", got)
		}
		waitText(t, customer, "#order-status", "待支付")
		// The order is the customer's again: it may pay it itself.
		if err := chromedp.Do(customer, chromedp.WaitVisible(chromedp.ID("order-pay-link"))); err != nil {
			t.Errorf("a rejected order offers no 去支付: %v", err)
		}
	})
}

var placedPath = regexp.MustCompile(`^/customer/orders/([0-9a-f]{32})\?placed=1$`)

// placeOrderInPortal orders s2.small.1.linux in cn-north-1 on the portal's
// 购买包年/包月资源 form, as a customer does: it picks the region and the
// service and presses 查询价格, which reloads the form with that region's
// specs of that service (no spec is picked yet, so the page asks for one),
// then picks the spec, the period, how many periods and how many servers,
// presses 查询价格 again, confirms, and returns the new order's id from the
// page it lands on.
//
// The region and service selects also carry an inline onchange that would
// reload the form at once, but the consoles' Content-Security-Policy
// (script-src 'self') does not run inline handlers, so the customer's
// browser never does; the test sets them without firing change, so it
// does not depend on that either way.
func placeOrderInPortal(t *testing.T, ctx context.Context, s *Server, period, num, qty string) string {
	t.Helper()
	navigate(t, ctx, s, "/customer/orders")
	if status := submit(t, ctx, "order-new"); status != http.StatusOK {
		t.Fatalf("open 购买: status %d", status)
	}
	pick(t, ctx, "order-region", "cn-north-1")
	pick(t, ctx, "order-service", "hws.service.type.ec2")
	if status := submit(t, ctx, "order-quote"); status != http.StatusOK && status != http.StatusBadRequest {
		t.Fatalf("reload the specs: status %d", status)
	}
	fill(t, ctx, [2]string{"order-spec", "hws.resource.type.vm|s2.small.1.linux"}, [2]string{"order-period", period},
		[2]string{"order-num", num}, [2]string{"order-qty", qty})
	if status := submit(t, ctx, "order-quote"); status != http.StatusOK {
		t.Fatalf("ask the price: status %d (%s)", status, pageText(ctx, ".error"))
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("quote-official"))); err != nil {
		t.Fatalf("no price: %v", err)
	}
	if status := submit(t, ctx, "order-place"); status != http.StatusOK {
		t.Fatalf("place: status %d", status)
	}
	m := placedPath.FindStringSubmatch(location(t, ctx, s))
	if m == nil {
		t.Fatalf("placing the order led to %s", location(t, ctx, s))
	}
	waitText(t, ctx, "#order-id", m[1])
	return m[1]
}

// pick chooses value in the select with id without firing its change
// event, and fails when the select has no such option.
func pick(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID(id))); err != nil {
		t.Fatalf("select #%s: %v", id, err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => { const e = document.getElementById(%s);
		e.value = %s; return e.value; })()`, jsString(id), jsString(value))))
	if err != nil || got != value {
		t.Fatalf("#%s holds %q (%v), want %q", id, got, err, value)
	}
}

// benefitRow is one row of the pay page's 您的优惠券和折扣 table, as shown.
type benefitRow struct {
	ID, Kind, Balance, Amount, Reason string
	Checked                           bool
}

func benefitRows(t *testing.T, ctx context.Context) []benefitRow {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("pay-benefits"))); err != nil {
		t.Fatalf("no benefits table: %v", err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]benefitRow](`[...document.querySelectorAll('#pay-benefits tbody tr')].map(r => ({
		ID: r.id.replace(/^benefit-/, ''),
		Kind: r.cells[1].innerText.trim(),
		Balance: r.cells[3].innerText.trim(),
		Amount: r.cells[4].innerText.trim(),
		Reason: r.cells[5].innerText.trim(),
		Checked: !!r.querySelector('input:checked'),
	}))`))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// mustReasons checks the reason shown for each coupon, keyed by kind and
// balance as the page shows them ("代金券 ¥50.00").
func mustReasons(t *testing.T, rows []benefitRow, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, r := range rows {
		got[r.Kind+" "+r.Balance] = r.Reason
	}
	if len(rows) != len(want) {
		t.Errorf("%d benefits on the pay page, want %d: %+v", len(rows), len(want), rows)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: the page says %q, want %q", k, got[k], w)
		}
	}
}
