package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
)

// TestCouponIssueAndReclaimInBrowser is issue 6's browser test: the demo
// solution provider's admin issues a voucher with a minimum order amount
// and narrowed cloud service types to two reseller-model customers on
// 销售 > 客户 > 券管理, sees the quota balance drop, the customer sees the
// voucher in the portal's 优惠券, the admin reclaims it, and the customer
// no longer sees it.
func TestCouponIssueAndReclaimInBrowser(t *testing.T) {
	s := startServer(t)
	sp := s.Demo.Partner(t, "sp")
	resale := s.Demo.Customer(t, "sp-reseller")

	// The operator grants sp a voucher quota of 888.88 limited to three
	// cloud service types, on the operator console.
	cst := time.FixedZone("CST", 8*3600)
	now := time.Now()
	ops := opsConsoleSignIn(t, s)
	status, body, loc := ops.post(t, "/ops/quotas/new", "/ops/quotas", url.Values{"partner_id": {sp.PartnerID},
		"quota_type": {"0"}, "quota_value": {"888.88"},
		"effective_time":      {now.Add(-time.Hour).In(cst).Format("2006-01-02T15:04")},
		"expire_time":         {now.AddDate(0, 6, 0).In(cst).Format("2006-01-02T15:04")},
		"cloud_service_types": {"hws.service.type.ec2", "hws.service.type.ebs", "hws.service.type.vpc"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/ops/quotas?") {
		t.Fatalf("grant quota: status %d to %q\n%s", status, loc, body)
	}

	// A second reseller-model customer of sp, registered through the API.
	c, _ := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	second := "e2e-coupon-" + time.Now().Format("150405")
	resp, err := c.CreateSubCustomer(&model.CreateSubCustomerRequest{Body: &model.CreateCustomerV2Req{
		XaccountId: newPlatformUser(), XaccountType: sp.XAccountType, DomainName: &second, IncludeAssociationResult: boolPtr(true)}})
	if err != nil || resp.DomainId == nil {
		t.Fatalf("CreateSubCustomer: %v %v", resp, err)
	}
	secondID := *resp.DomainId

	admin := newBrowser(t, withLanguage("zh-CN"))
	if status := partnerSignIn(t, admin, s, sp.Admin.Username, "", sp.Admin.Password); status != http.StatusOK {
		t.Fatalf("sp admin sign-in: status %d", status)
	}
	navigate(t, admin, s, "/sales/coupons/vouchers")
	quotaID, err := chromedp.Run(admin, chromedp.Evaluate[string](`(() => {
		const row = [...document.querySelectorAll('#quotas tr[data-quota]')]
			.find(r => r.querySelector('#balance-' + r.dataset.quota).innerText.trim() === '888.88');
		return row ? row.dataset.quota : '';
	})()`))
	if err != nil || quotaID == "" {
		t.Fatalf("the granted quota is not on 代金券额度 (%v)", err)
	}

	var couponID string
	t.Run("admin_issues_to_two_customers", func(t *testing.T) {
		if status := submit(t, admin, "issue-"+quotaID); status != http.StatusOK {
			t.Fatalf("open 发放代金券: status %d", status)
		}
		waitText(t, admin, "#issue-quota-id", quotaID)
		fill(t, admin, [2]string{"face_value", "50.00"}, [2]string{"min_order", "300"}, [2]string{"remark", "e2e spring promotion"})
		// 展开 shows the quota's limits; 显示高级设置 narrows them.
		if err := chromedp.Do(admin, chromedp.Click(chromedp.CSS("#quota-limits summary"))); err != nil {
			t.Fatal(err)
		}
		if got := textOf(t, admin, chromedp.CSS("#quota-limits ul.limits")); !strings.Contains(got, "弹性云服务器") {
			t.Errorf("the quota's limits read %q", got)
		}
		if err := chromedp.Do(admin, chromedp.Click(chromedp.ID("advanced-toggle"))); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"st-hws-service-type-ec2", "st-hws-service-type-ebs"} {
			if err := chromedp.Do(admin, chromedp.Click(chromedp.ID(id))); err != nil {
				t.Fatalf("tick %s: %v", id, err)
			}
		}
		if n, _ := chromedp.Run(admin, chromedp.Evaluate[int](`document.querySelectorAll('#service-types input').length`)); n != 3 {
			t.Errorf("高级设置 offers %d service types, want the quota's 3", n)
		}
		// Pick both customers by searching their account names.
		for _, pick := range []struct{ query, id string }{{resale.DomainName, resale.DomainID}, {second, secondID}} {
			fill(t, admin, [2]string{"customer-search", pick.query})
			// htmx binds swapped-in buttons when the swap settles: wait
			// for the result and the settling before clicking 添加.
			settled := `(() => !!document.getElementById(` + jsString("pick-"+pick.id) + `) &&
				!document.querySelector('#customer-results .htmx-added, #customer-search.htmx-request'))()`
			if _, err := chromedp.Run(admin, chromedp.Poll[bool](settled, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
				t.Fatalf("search %s: %v", pick.query, err)
			}
			if err := chromedp.Do(admin, chromedp.Click(chromedp.ID("pick-"+pick.id))); err != nil {
				t.Fatalf("pick %s: %v", pick.query, err)
			}
			if err := chromedp.Do(admin, chromedp.WaitVisible(chromedp.ID("picked-"+pick.id))); err != nil {
				t.Fatalf("picked %s: %v", pick.query, err)
			}
		}
		if status := submit(t, admin, "issue-submit"); status != http.StatusOK {
			t.Fatalf("issue: status %d (%s)", status, pageText(admin, "#error"))
		}
		waitText(t, admin, "#issue-summary", "成功发放 2 张，失败 0 个客户。")
		waitText(t, admin, "#balance-after", "788.88")
		couponID = textOf(t, admin, chromedp.CSS(`#issued-coupons tr[data-customer="`+resale.DomainID+`"] a.coupon-link`))
		if len(couponID) != 32 {
			t.Fatalf("coupon id %q", couponID)
		}
	})
	if couponID == "" {
		t.FailNow()
	}

	t.Run("quota_balance_dropped", func(t *testing.T) {
		navigate(t, admin, s, "/sales/coupons/vouchers")
		waitText(t, admin, "#balance-"+quotaID, "788.88")
	})

	customer := newBrowser(t, withLanguage("zh-CN"))
	customerSignIn := func(t *testing.T) {
		t.Helper()
		navigate(t, customer, s, "/customer/signin")
		fill(t, customer, [2]string{"account", resale.DomainName}, [2]string{"password", resale.Password})
		if status := submit(t, customer, "signin"); status != http.StatusOK {
			t.Fatalf("customer sign-in: status %d", status)
		}
	}
	t.Run("customer_sees_the_voucher", func(t *testing.T) {
		customerSignIn(t)
		navigate(t, customer, s, "/customer/coupons")
		if err := chromedp.Do(customer, chromedp.WaitVisible(chromedp.ID("coupon-"+couponID))); err != nil {
			t.Fatalf("the voucher is not in the portal: %v", err)
		}
		navigate(t, customer, s, "/customer/coupons/"+couponID)
		waitText(t, customer, "#coupon-face", "¥50.00")
		limits := textOf(t, customer, chromedp.ID("coupon-limits"))
		for _, want := range []string{"弹性云服务器", "云硬盘", "300.00"} {
			if !strings.Contains(limits, want) {
				t.Errorf("the voucher's limits %q lack %q", limits, want)
			}
		}
		if strings.Contains(limits, "虚拟私有云") {
			t.Errorf("the voucher's limits %q keep a service type the admin narrowed away", limits)
		}
		if strings.Contains(textOf(t, customer, chromedp.CSS("main")), "e2e spring promotion") {
			t.Error("the customer sees the partner's remark")
		}
	})

	t.Run("admin_reclaims_it", func(t *testing.T) {
		navigate(t, admin, s, "/sales/coupons/vouchers/issued/"+couponID)
		waitText(t, admin, "#coupon-remark", "e2e spring promotion")
		if status := submit(t, admin, "reclaim-one"); status != http.StatusOK {
			t.Fatalf("open 回收: status %d", status)
		}
		waitText(t, admin, "#reclaim-summary", "将回收 1 张券的全部余额，共 50.00 元。确认回收？")
		if status := submit(t, admin, "reclaim-submit"); status != http.StatusOK {
			t.Fatalf("reclaim: status %d", status)
		}
		waitText(t, admin, "#reclaim-summary", "已回收 1 张券，实际回收 50.00 元。")
		navigate(t, admin, s, "/sales/coupons/vouchers")
		waitText(t, admin, "#balance-"+quotaID, "838.88")
		navigate(t, admin, s, "/sales/coupons/vouchers/issued?id="+couponID)
		waitText(t, admin, "#status-"+couponID, "已回收")
	})

	t.Run("customer_no_longer_sees_it", func(t *testing.T) {
		navigate(t, customer, s, "/customer/coupons")
		if err := chromedp.Do(customer, chromedp.WaitVisible(chromedp.ID("coupon-tabs"))); err != nil {
			t.Fatal(err)
		}
		if n, _ := chromedp.Run(customer, chromedp.Evaluate[int](`document.querySelectorAll('#coupon-`+couponID+`').length`)); n != 0 {
			t.Fatal("the reclaimed voucher is still in the portal")
		}
		status, err := chromedp.RunResponse(customer, chromedp.Navigate(s.URL+"/customer/coupons/"+couponID))
		if err != nil {
			t.Fatal(err)
		}
		if status.Status != http.StatusNotFound {
			t.Errorf("the reclaimed voucher's page: status %d, want 404", status.Status)
		}
	})
}

// pageText is the text of the element css, or "" when there is none.
func pageText(ctx context.Context, css string) string {
	got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const e = document.querySelector(`+jsString(css)+`); return e ? e.innerText : ""; })()`))
	return got
}
