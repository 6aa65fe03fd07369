package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// couponConsole is a site with quotas granted to the demo partners, and
// the sp admin signed in.
type couponConsole struct {
	s     *site
	admin *browser // sp's main account
	ops   identity.Actor
}

func mustCouponConsole(t *testing.T) *couponConsole {
	t.Helper()
	s := mustSite(t)
	sp := s.partner(t, "sp")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	return &couponConsole{s: s, admin: admin, ops: s.quotaAdmin(t)}
}

// grant gives the demo partner key a quota of value valid from an hour ago
// for a year.
func (c *couponConsole) grant(t *testing.T, key string, typ coupon.QuotaType, value string, limits coupon.Limits) coupon.Quota {
	t.Helper()
	now := time.Now()
	q, err := c.s.app.Coupons.GrantQuota(context.Background(), c.ops, coupon.NewQuota{PartnerID: c.s.partnerID(t, key),
		Type: typ, Value: money.MustParse(value), EffectiveAt: now.Add(-time.Hour), ExpiresAt: now.AddDate(1, 0, 0), Limits: limits})
	if err != nil {
		t.Fatalf("grant quota: %v", err)
	}
	return q
}

// balance is a quota's balance as stored.
func (c *couponConsole) balance(t *testing.T, quotaID string) string {
	t.Helper()
	var cents int64
	if err := c.s.app.DB.SQL.QueryRow("SELECT balance FROM coupon_quotas WHERE id = $1", quotaID).Scan(&cents); err != nil {
		t.Fatal(err)
	}
	return money.FromCents(cents).String()
}

// couponStatus is a coupon's status as stored.
func (c *couponConsole) couponStatus(t *testing.T, id string) int {
	t.Helper()
	return c.s.count(t, "SELECT status FROM coupons WHERE id = $1", id)
}

// mustMember creates a member of sp with roles and signs it in with a
// changed password.
func (c *couponConsole) mustMember(t *testing.T, account string, roles ...string) *browser {
	t.Helper()
	sp := c.s.partner(t, "sp")
	_, pw := mustCreateMember(t, c.admin, url.Values{"account_name": {account}, "roles": roles})
	b := c.s.browser(t)
	b.mustMemberSignIn(sp.DomainName, account, pw, "/account/password")
	b.mustChangePassword(pw, "N3w-pass-word!", "/")
	return b
}

var couponLink = regexp.MustCompile(`class="coupon-link">([0-9a-f]{32})<`)

func TestCouponQuotaPages(t *testing.T) {
	c := mustCouponConsole(t)
	voucher := c.grant(t, "sp", coupon.QuotaVoucher, "1000", coupon.Limits{ServiceTypes: []string{"hws.service.type.ec2"},
		MinOrder: money.MustParse("100")})
	cash := c.grant(t, "sp", coupon.QuotaCash, "500.5", coupon.Limits{MaxOrderShare: 30})
	other := c.grant(t, "sp2", coupon.QuotaVoucher, "777", coupon.Limits{})

	tests := []struct {
		name, path string
		want, not  []string
	}{
		{"Vouchers", "/sales/coupons/vouchers", []string{`id="quotas"`, voucher.ID, "1000.00", tr(i18n.ZH, "couponconsole.quota_status.0"),
			`id="issue-` + voucher.ID + `"`, `id="records-` + voucher.ID + `"`, tr(i18n.ZH, "couponconsole.limits.min_order") + ": 100.00",
			tr(i18n.ZH, "couponconsole.vouchers.quotas"), tr(i18n.ZH, "couponconsole.vouchers.issued"), `id="subnav"`,
			`href="/sales/coupons/cash"`}, []string{cash.ID, other.ID, `id="quota-issue-`, `id="tab-reseller-quotas"`}},
		{"Cash", "/sales/coupons/cash", []string{cash.ID, "500.50", tr(i18n.ZH, "couponconsole.limits.max_share") + ": 30%",
			`id="issue-` + cash.ID + `"`, tr(i18n.ZH, "couponconsole.cash.quotas")}, []string{voucher.ID, other.ID}},
		{"FilterByID", "/sales/coupons/vouchers?id=" + voucher.ID, []string{voucher.ID, tr(i18n.ZH, "page.total", "total", 1)}, nil},
		{"FilterByStatus", "/sales/coupons/vouchers?status=5", []string{tr(i18n.ZH, "couponconsole.quotas.empty")}, []string{voucher.ID}},
		{"OtherPartnersQuotaByID", "/sales/coupons/vouchers?id=" + other.ID, []string{tr(i18n.ZH, "page.total", "total", 0)}, []string{`data-quota="` + other.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := c.admin.get(tt.path)
			mustStatus(t, resp, body, http.StatusOK, tt.want...)
			for _, text := range tt.not {
				if strings.Contains(body, text) {
					t.Errorf("page shows %q", text)
				}
			}
		})
	}
	t.Run("English", func(t *testing.T) {
		c.admin.get("/lang/en-US")
		defer c.admin.get("/lang/zh-CN")
		resp, body := c.admin.get("/sales/coupons/cash")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.EN, "couponconsole.cash.title"), "500.50", tr(i18n.EN, "couponconsole.quota_status.0"))
	})
	t.Run("AccountManagerRefused", func(t *testing.T) {
		// The account manager holds no voucher item: no menu entry, 403.
		am := c.mustMember(t, "am-coupons", identity.PresetAccountManager)
		resp, body := am.get("/sales/coupons/vouchers")
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.forbidden"))
		_, page := am.get("/sales/customers")
		if strings.Contains(page, `href="/sales/coupons/vouchers"`) {
			t.Error("the account manager's menu offers 券管理")
		}
	})
}

func TestCouponIssue(t *testing.T) {
	c := mustCouponConsole(t)
	resale, referral := c.s.demoCustomer(t, "sp-reseller"), c.s.demoCustomer(t, "sp-referral")
	second := c.s.mustCustomer(t, "sp", "coupon-second")
	q := c.grant(t, "sp", coupon.QuotaVoucher, "1000", coupon.Limits{ServiceTypes: []string{"hws.service.type.ec2", "hws.service.type.ebs"}})
	open := c.grant(t, "sp", coupon.QuotaVoucher, "300", coupon.Limits{})
	cash := c.grant(t, "sp", coupon.QuotaCash, "300", coupon.Limits{})
	other := c.grant(t, "sp2", coupon.QuotaVoucher, "300", coupon.Limits{})
	form := "/sales/coupons/vouchers/issue?quota=" + q.ID

	t.Run("Form", func(t *testing.T) {
		resp, body := c.admin.get(form)
		mustStatus(t, resp, body, http.StatusOK, `id="issue-form"`, `id="quota-limits"`, `id="advanced"`, "1000.00",
			`value="hws.service.type.ec2"`, `value="hws.service.type.ebs"`, `id="customer-search"`,
			tr(i18n.ZH, "couponconsole.issue.customer_limits_text", "max", 10))
		if strings.Contains(body, `value="hws.service.type.vpc"`) {
			t.Error("the form offers a service type outside the quota's")
		}
		// A quota without limits offers the catalogue's service types.
		resp, body = c.admin.get("/sales/coupons/vouchers/issue?quota=" + open.ID)
		mustStatus(t, resp, body, http.StatusOK, `value="hws.service.type.ec2"`, `value="hws.service.type.vpc"`, `name="product_ids"`)
	})
	t.Run("CustomerSearch", func(t *testing.T) {
		resp, body := c.admin.get("/sales/coupons/vouchers/customers?q=demo-sp")
		mustStatus(t, resp, body, http.StatusOK, `id="customer-choices"`, `id="pick-`+resale.DomainID+`"`, "de****er")
		if strings.Contains(body, referral.DomainID) || strings.Contains(body, "<html") || strings.Contains(body, "demo-sp-resale-customer") {
			t.Error("the search lists a referral customer, the layout or an unmasked name")
		}
		resp, body = c.admin.get("/sales/coupons/vouchers/customers?q=nobody-here")
		mustStatus(t, resp, body, http.StatusOK, `id="customer-none"`)
		resp, body = c.admin.get("/sales/coupons/vouchers/customers/pick?id=" + resale.DomainID)
		mustStatus(t, resp, body, http.StatusOK, `name="customer_ids" value="`+resale.DomainID+`" checked`, "de****er")
	})
	t.Run("PartialSuccess", func(t *testing.T) {
		resp, body := c.admin.submit(form, "/sales/coupons/vouchers/issue", url.Values{"quota": {q.ID}, "face_value": {"50.5"},
			"min_order": {"200"}, "service_types": {"hws.service.type.ec2"}, "remark": {"spring promotion"},
			"customer_ids": {resale.DomainID, second.ID, referral.DomainID}})
		mustStatus(t, resp, body, http.StatusOK, `id="issued-coupons"`, `id="failures"`, referral.DomainID,
			tr(i18n.ZH, "err.coupon_referral_customer"), tr(i18n.ZH, "couponconsole.issue.summary", "done", 2, "failed", 1),
			`id="balance-after">899.00<`)
		if got := c.balance(t, q.ID); got != "899.00" {
			t.Fatalf("balance %s, want 899.00", got)
		}
		ids := couponLink.FindAllStringSubmatch(body, -1)
		if len(ids) != 2 {
			t.Fatalf("%d coupon links, want 2", len(ids))
		}
		var face, remark, limits string
		if err := c.s.app.DB.SQL.QueryRow("SELECT face_value, remark, limits FROM coupons WHERE id = $1", ids[0][1]).Scan(&face, &remark, &limits); err != nil {
			t.Fatal(err)
		}
		if face != "5050" || remark != "spring promotion" || !strings.Contains(limits, "hws.service.type.ec2") ||
			strings.Contains(limits, "hws.service.type.ebs") || !strings.Contains(limits, `"min_order":20000`) {
			t.Errorf("coupon stored as face %s remark %q limits %s", face, remark, limits)
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		before := c.balance(t, q.ID)
		tests := []struct {
			name   string
			form   url.Values
			status int
			want   string
		}{
			{"BadFaceValue", url.Values{"face_value": {"1.234"}, "customer_ids": {resale.DomainID}}, http.StatusBadRequest,
				tr(i18n.ZH, "err.couponconsole_form", "field", tr(i18n.ZH, "couponconsole.field.face_value"))},
			{"NoCustomers", url.Values{"face_value": {"10"}}, http.StatusBadRequest, tr(i18n.ZH, "err.couponconsole_customers", "max", 10)},
			{"ElevenCustomers", url.Values{"face_value": {"10"}, "customer_ids": {"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11"}},
				http.StatusBadRequest, tr(i18n.ZH, "err.couponconsole_customers", "max", 10)},
			{"ServiceTypeOutsideQuota", url.Values{"face_value": {"10"}, "customer_ids": {resale.DomainID}, "service_types": {"hws.service.type.vpc"}},
				http.StatusBadRequest, tr(i18n.ZH, "err.coupon_limits_outside")},
			{"BadValidity", url.Values{"face_value": {"10"}, "customer_ids": {resale.DomainID}, "expires_at": {"someday"}},
				http.StatusBadRequest, tr(i18n.ZH, "err.couponconsole_form", "field", tr(i18n.ZH, "couponconsole.field.expires_at"))},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.form.Set("quota", q.ID)
				resp, body := c.admin.submit(form, "/sales/coupons/vouchers/issue", tt.form)
				mustStatus(t, resp, body, tt.status, `id="issue-form"`, tt.want)
			})
		}
		if got := c.balance(t, q.ID); got != before {
			t.Fatalf("refused issues changed the balance %s → %s", before, got)
		}
	})
	t.Run("OverBalance", func(t *testing.T) {
		resp, body := c.admin.submit("/sales/coupons/vouchers/issue?quota="+open.ID, "/sales/coupons/vouchers/issue",
			url.Values{"quota": {open.ID}, "face_value": {"200"}, "customer_ids": {resale.DomainID, second.ID}})
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "err.coupon_balance"), `id="balance-after">100.00<`)
	})
	t.Run("OtherPartnersQuotaNotFound", func(t *testing.T) {
		resp, body := c.admin.get("/sales/coupons/vouchers/issue?quota=" + other.ID)
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = c.admin.submit(form, "/sales/coupons/vouchers/issue", url.Values{"quota": {other.ID}, "face_value": {"10"},
			"customer_ids": {resale.DomainID}})
		mustStatus(t, resp, body, http.StatusNotFound)
		if got := c.balance(t, other.ID); got != "300.00" {
			t.Fatalf("another partner's quota changed to %s", got)
		}
		// A cash quota is not a voucher quota.
		resp, body = c.admin.get("/sales/coupons/vouchers/issue?quota=" + cash.ID)
		mustStatus(t, resp, body, http.StatusNotFound)
	})
	t.Run("CashCoupon", func(t *testing.T) {
		resp, body := c.admin.submit("/sales/coupons/cash/issue?quota="+cash.ID, "/sales/coupons/cash/issue",
			url.Values{"quota": {cash.ID}, "face_value": {"30"}, "customer_ids": {resale.DomainID}})
		mustStatus(t, resp, body, http.StatusOK, `id="issued-coupons"`, `id="balance-after">270.00<`)
	})
	t.Run("NoPermissionRefused", func(t *testing.T) {
		// Finance sees quotas but may not issue.
		fin := c.mustMember(t, "finance-coupons", identity.PresetFinance)
		resp, body := fin.get("/sales/coupons/vouchers")
		mustStatus(t, resp, body, http.StatusOK, q.ID)
		if strings.Contains(body, `id="issue-`+q.ID+`"`) {
			t.Error("finance is offered 发放代金券")
		}
		resp, body = fin.get(form)
		mustStatus(t, resp, body, http.StatusForbidden)
		_, page := fin.get("/sales/coupons/vouchers")
		resp, body = fin.post("/sales/coupons/vouchers/issue", url.Values{"csrf_token": {csrf(t, page)}, "quota": {q.ID},
			"face_value": {"10"}, "customer_ids": {resale.DomainID}})
		mustStatus(t, resp, body, http.StatusForbidden)
		resp, body = fin.get("/sales/coupons/vouchers/customers?q=demo")
		mustStatus(t, resp, body, http.StatusForbidden)
	})
}

func TestCouponIssuedAndReclaim(t *testing.T) {
	c := mustCouponConsole(t)
	ctx := context.Background()
	resale := c.s.demoCustomer(t, "sp-reseller")
	second := c.s.mustCustomer(t, "sp", "coupon-reclaim")
	q := c.grant(t, "sp", coupon.QuotaVoucher, "1000", coupon.Limits{})
	other := c.grant(t, "sp2", coupon.QuotaVoucher, "1000", coupon.Limits{})
	sp := c.s.partnerActor(t, "sp")
	used := c.s.mustIssueCoupon(t, sp, q.ID, "100", resale.DomainID)
	plain := c.s.mustIssueCoupon(t, sp, q.ID, "40", second.ID)
	third := c.s.mustIssueCoupon(t, sp, q.ID, "60", second.ID)
	othersCust := c.s.mustCustomer(t, "sp2", "sp2-coupon-cust")
	othersCoupon := c.s.mustIssueCoupon(t, c.s.partnerActor(t, "sp2"), other.ID, "10", othersCust.ID)
	if err := c.s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		return c.s.app.Coupons.Spend(ctx, tx, used, "order-42", money.MustParse("25.5"))
	}); err != nil {
		t.Fatal(err)
	}

	t.Run("List", func(t *testing.T) {
		tests := []struct {
			name, path string
			want, not  []string
		}{
			{"All", "/sales/coupons/vouchers/issued", []string{`id="coupons"`, used, plain, third, "74.50", `id="select-` + plain + `"`,
				`id="reclaim-` + plain + `"`, `id="batch-reclaim"`}, []string{othersCoupon}},
			{"ByCoupon", "/sales/coupons/vouchers/issued?id=" + plain, []string{plain, tr(i18n.ZH, "page.total", "total", 1)}, []string{used}},
			{"ByCustomer", "/sales/coupons/vouchers/issued?customer=" + second.ID, []string{plain, third}, []string{used}},
			{"ByStatus", "/sales/coupons/vouchers/issued?status=5", []string{tr(i18n.ZH, "couponconsole.issued.empty")}, []string{used}},
			{"ByCreated", "/sales/coupons/vouchers/issued?created_from=2000-01-01&created_to=2000-01-02", []string{tr(i18n.ZH, "page.total", "total", 0)}, []string{used}},
			{"ByExpiry", "/sales/coupons/vouchers/issued?expires_from=2000-01-01", []string{used, plain}, nil},
			{"Paged", "/sales/coupons/vouchers/issued?offset=20", []string{tr(i18n.ZH, "page.total", "total", 3), `id="page-prev"`}, []string{used}},
			{"CashTabEmpty", "/sales/coupons/cash/issued", []string{tr(i18n.ZH, "couponconsole.issued.empty")}, []string{used}},
			{"OtherPartnersCouponByID", "/sales/coupons/vouchers/issued?id=" + othersCoupon, []string{tr(i18n.ZH, "page.total", "total", 0)}, []string{`data-coupon="` + othersCoupon}},
			{"Details", "/sales/coupons/vouchers/issued/" + used, []string{`id="coupon-detail"`, `id="coupon-balance">74.50<`,
				`id="coupon-used">25.50<`, "order-42", `id="usages"`, "partner-only-remark", `id="reclaim-one"`}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := c.admin.get(tt.path)
				mustStatus(t, resp, body, http.StatusOK, tt.want...)
				for _, text := range tt.not {
					if strings.Contains(body, text) {
						t.Errorf("page shows %q", text)
					}
				}
			})
		}
	})
	t.Run("English", func(t *testing.T) {
		c.admin.get("/lang/en-US")
		defer c.admin.get("/lang/zh-CN")
		resp, body := c.admin.get("/sales/coupons/vouchers/issued")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.EN, "couponconsole.vouchers.issued"), tr(i18n.EN, "couponconsole.coupon_status.2"))
		resp, body = c.admin.get("/sales/coupons/vouchers/issued/" + used)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.EN, "couponconsole.usage.title"), "order-42")
		resp, body = c.admin.get("/sales/coupons/vouchers/records")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.EN, "couponconsole.op.1"))
	})
	t.Run("OtherPartnersCouponNotFound", func(t *testing.T) {
		resp, body := c.admin.get("/sales/coupons/vouchers/issued/" + othersCoupon)
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = c.admin.get("/sales/coupons/vouchers/reclaim?ids=" + othersCoupon)
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = c.admin.submit("/sales/coupons/vouchers/issued", "/sales/coupons/vouchers/reclaim", url.Values{"ids": {othersCoupon}})
		mustStatus(t, resp, body, http.StatusOK, `id="failures"`, tr(i18n.ZH, "err.coupon_not_found"))
		if c.couponStatus(t, othersCoupon) != int(coupon.CouponUsable) {
			t.Fatal("reclaimed another partner's coupon")
		}
		// A voucher is not on the cash pages.
		resp, body = c.admin.get("/sales/coupons/cash/issued/" + used)
		mustStatus(t, resp, body, http.StatusNotFound)
	})
	t.Run("NoPermissionRefused", func(t *testing.T) {
		fin := c.mustMember(t, "finance-reclaim", identity.PresetFinance)
		resp, body := fin.get("/sales/coupons/vouchers/issued")
		mustStatus(t, resp, body, http.StatusOK, used)
		if strings.Contains(body, `id="batch-reclaim"`) || strings.Contains(body, `id="reclaim-`+used+`"`) {
			t.Error("finance is offered 回收")
		}
		resp, body = fin.get("/sales/coupons/vouchers/reclaim?ids=" + used)
		mustStatus(t, resp, body, http.StatusForbidden)
		_, page := fin.get("/sales/coupons/vouchers/issued")
		resp, body = fin.post("/sales/coupons/vouchers/reclaim", url.Values{"csrf_token": {csrf(t, page)}, "ids": {used}})
		mustStatus(t, resp, body, http.StatusForbidden)
		am := c.mustMember(t, "am-issued", identity.PresetAccountManager)
		resp, body = am.get("/sales/coupons/vouchers/issued")
		mustStatus(t, resp, body, http.StatusForbidden)
	})
	t.Run("ReclaimOne", func(t *testing.T) {
		resp, body := c.admin.get("/sales/coupons/vouchers/reclaim?ids=" + used)
		mustStatus(t, resp, body, http.StatusOK, `id="reclaim-confirm"`, tr(i18n.ZH, "couponconsole.reclaim.confirm", "count", 1, "amount", "74.50"))
		if c.couponStatus(t, used) != int(coupon.CouponUsable) {
			t.Fatal("the confirmation reclaimed")
		}
		resp, body = c.admin.submit("/sales/coupons/vouchers/reclaim?ids="+used, "/sales/coupons/vouchers/reclaim", url.Values{"ids": {used}})
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "couponconsole.reclaim.done", "count", 1, "amount", "74.50"))
		if got := c.couponStatus(t, used); got != int(coupon.CouponReclaimed) {
			t.Fatalf("status %d, want reclaimed", got)
		}
		// 1000 − 200 issued + 74.50 back.
		if got := c.balance(t, q.ID); got != "874.50" {
			t.Fatalf("quota balance %s, want 874.50", got)
		}
		resp, body = c.admin.get("/sales/coupons/vouchers/issued?status=5")
		mustStatus(t, resp, body, http.StatusOK, used, tr(i18n.ZH, "couponconsole.coupon_status.5"))
		if strings.Contains(body, `id="select-`+used+`"`) {
			t.Error("a reclaimed coupon can be ticked")
		}
	})
	t.Run("ReclaimBatch", func(t *testing.T) {
		resp, body := c.admin.get("/sales/coupons/vouchers/reclaim?ids=" + plain + "&ids=" + third + "&ids=" + used)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "couponconsole.reclaim.confirm", "count", 2, "amount", "100.00"),
			`id="failures"`, tr(i18n.ZH, "err.coupon_not_reclaimable"))
		resp, body = c.admin.submit("/sales/coupons/vouchers/issued", "/sales/coupons/vouchers/reclaim",
			url.Values{"ids": {plain, third, used}})
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "couponconsole.reclaim.done", "count", 2, "amount", "100.00"),
			`id="failures"`, used, tr(i18n.ZH, "err.coupon_not_reclaimable"))
		if got := c.balance(t, q.ID); got != "974.50" {
			t.Fatalf("quota balance %s, want 974.50", got)
		}
		resp, body = c.admin.submit("/sales/coupons/vouchers/issued", "/sales/coupons/vouchers/reclaim", url.Values{})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.couponconsole_none_selected"))
	})
	t.Run("Records", func(t *testing.T) {
		tests := []struct {
			name, path string
			want, not  []string
		}{
			{"All", "/sales/coupons/vouchers/records", []string{`id="records"`, tr(i18n.ZH, "couponconsole.op.1"),
				tr(i18n.ZH, "couponconsole.op.2"), "74.50", c.s.partner(t, "sp").Admin.Username, tr(i18n.ZH, "couponconsole.result.ok")}, []string{othersCoupon}},
			{"ByType", "/sales/coupons/vouchers/records?type=2", []string{used, plain, third, tr(i18n.ZH, "page.total", "total", 3)}, nil},
			{"ByQuota", "/sales/coupons/vouchers/records?quota=" + other.ID, []string{tr(i18n.ZH, "page.total", "total", 0)}, nil},
			{"ByCustomer", "/sales/coupons/vouchers/records?customer=" + resale.DomainID + "&type=1", []string{used, tr(i18n.ZH, "page.total", "total", 1)}, []string{plain}},
			{"ByCoupon", "/sales/coupons/vouchers/records?coupon=" + plain, []string{plain, tr(i18n.ZH, "page.total", "total", 2)}, []string{third}},
			{"ByOperator", "/sales/coupons/vouchers/records?operator=nobody", []string{tr(i18n.ZH, "page.total", "total", 0)}, nil},
			{"ByTime", "/sales/coupons/vouchers/records?from=2000-01-01&to=2000-01-02", []string{tr(i18n.ZH, "couponconsole.records.empty")}, nil},
			{"CashLogEmpty", "/sales/coupons/cash/records", []string{tr(i18n.ZH, "couponconsole.records.empty")}, []string{used}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := c.admin.get(tt.path)
				mustStatus(t, resp, body, http.StatusOK, tt.want...)
				for _, text := range tt.not {
					if strings.Contains(body, text) {
						t.Errorf("page shows %q", text)
					}
				}
			})
		}
	})
}

func TestCouponResellerQuotas(t *testing.T) {
	c := mustCouponConsole(t)
	dist, rs := c.s.partner(t, "dist"), c.s.partner(t, "reseller")
	src := c.grant(t, "dist", coupon.QuotaVoucher, "1000", coupon.Limits{})
	spQuota := c.grant(t, "sp", coupon.QuotaVoucher, "1000", coupon.Limits{})
	resellerID := c.s.partnerID(t, "reseller")
	d := c.s.browser(t)
	d.mustSignIn(dist.DomainName, dist.Admin.Password)

	resp, body := d.get("/sales/coupons/vouchers")
	mustStatus(t, resp, body, http.StatusOK, `id="quota-issue-`+src.ID+`"`, `id="tab-reseller-quotas"`, `id="link-quota-records"`)
	resp, body = d.get("/sales/coupons/vouchers/quota-issue?quota=" + src.ID)
	mustStatus(t, resp, body, http.StatusOK, `id="quota-issue-form"`, `id="reseller-`+resellerID+`"`, rs.DomainName)
	if strings.Contains(body, `id="reseller-`+resellerID+`" checked`) {
		t.Error("a reseller is preselected")
	}
	// From a 云经销商 row: the reseller comes preselected.
	resp, body = d.get("/sales/coupons/vouchers/quota-issue?quota=" + src.ID + "&reseller=" + resellerID)
	mustStatus(t, resp, body, http.StatusOK, `id="reseller-`+resellerID+`" checked`)

	t.Run("Refusals", func(t *testing.T) {
		resp, body := d.submit("/sales/coupons/vouchers/quota-issue?quota="+src.ID, "/sales/coupons/vouchers/quota-issue",
			url.Values{"quota": {src.ID}, "amount": {"1.005"}, "resellers": {resellerID}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.couponconsole_form", "field", tr(i18n.ZH, "couponconsole.field.amount")))
		resp, body = d.submit("/sales/coupons/vouchers/quota-issue?quota="+src.ID, "/sales/coupons/vouchers/quota-issue",
			url.Values{"quota": {src.ID}, "amount": {"5000"}, "resellers": {resellerID}})
		if resp.StatusCode == http.StatusOK && !strings.Contains(body, `id="failures"`) {
			t.Fatalf("an amount above the balance was given:\n%s", body)
		}
		mustStatus(t, resp, body, resp.StatusCode, tr(i18n.ZH, "err.coupon_balance"))
		if got := c.balance(t, src.ID); got != "1000.00" {
			t.Fatalf("balance %s after refusals", got)
		}
		// Another partner's quota is not a source.
		resp, body = d.get("/sales/coupons/vouchers/quota-issue?quota=" + spQuota.ID)
		mustStatus(t, resp, body, http.StatusNotFound)
		// A solution provider has no resellers' pages.
		resp, body = c.admin.get("/sales/coupons/vouchers/reseller-quotas")
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.coupon_not_distributor"))
		resp, body = c.admin.get("/sales/coupons/vouchers/quota-issue?quota=" + spQuota.ID)
		mustStatus(t, resp, body, http.StatusForbidden)
	})

	resp, body = d.submit("/sales/coupons/vouchers/quota-issue?quota="+src.ID, "/sales/coupons/vouchers/quota-issue",
		url.Values{"quota": {src.ID}, "amount": {"120.25"}, "resellers": {resellerID}})
	mustStatus(t, resp, body, http.StatusOK, `id="quota-issued"`, tr(i18n.ZH, "couponconsole.quota_issue.summary", "done", 1, "failed", 0))
	if got := c.balance(t, src.ID); got != "879.75" {
		t.Fatalf("source balance %s, want 879.75", got)
	}
	var child string
	if err := c.s.app.DB.SQL.QueryRow("SELECT id FROM coupon_quotas WHERE parent_quota_id = $1", src.ID).Scan(&child); err != nil {
		t.Fatal(err)
	}
	resp, body = d.get("/sales/coupons/vouchers/reseller-quotas")
	mustStatus(t, resp, body, http.StatusOK, `id="reseller-quotas"`, child, "120.25", `id="select-`+child+`"`, rs.DomainName)
	resp, body = d.get("/sales/coupons/cash/reseller-quotas")
	mustStatus(t, resp, body, http.StatusOK, `id="reseller-quotas"`)
	if strings.Contains(body, child) {
		t.Error("a voucher quota is on the cash coupons' tab")
	}

	// The reseller sees the quota as its own and may issue from it.
	r := c.s.browser(t)
	r.mustSignIn(rs.DomainName, rs.Admin.Password)
	resp, body = r.get("/sales/coupons/vouchers")
	mustStatus(t, resp, body, http.StatusOK, child, "120.25", `id="issue-`+child+`"`, src.ID)
	// Another distributor's reseller quota cannot be reclaimed by sp.
	resp, body = c.admin.get("/sales/coupons/vouchers/reseller-quotas/reclaim?ids=" + child)
	mustStatus(t, resp, body, http.StatusNotFound)

	resp, body = d.get("/sales/coupons/vouchers/reseller-quotas/reclaim?ids=" + child)
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "couponconsole.quota_reclaim.confirm", "count", 1, "amount", "120.25"))
	resp, body = d.submit("/sales/coupons/vouchers/reseller-quotas", "/sales/coupons/vouchers/reseller-quotas/reclaim",
		url.Values{"ids": {child}, "remark": {"season over"}})
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "couponconsole.quota_reclaim.done", "count", 1, "amount", "120.25"))
	if got := c.balance(t, src.ID); got != "1000.00" {
		t.Fatalf("source balance %s after the reclaim, want 1000.00", got)
	}
	resp, body = d.get("/sales/coupons/vouchers/reseller-quotas")
	mustStatus(t, resp, body, http.StatusOK, child, tr(i18n.ZH, "couponconsole.quota_status.6"))
	// Reclaimed twice: refused, translated.
	resp, body = d.submit("/sales/coupons/vouchers/reseller-quotas", "/sales/coupons/vouchers/reseller-quotas/reclaim",
		url.Values{"ids": {child}})
	if resp.StatusCode == http.StatusOK && !strings.Contains(body, `id="failures"`) {
		t.Fatalf("a reclaimed quota was reclaimed again:\n%s", body)
	}

	tests := []struct {
		name, path string
		want, not  []string
	}{
		{"All", "/sales/coupons/vouchers/quota-records", []string{`id="quota-records"`, tr(i18n.ZH, "couponconsole.op.10"),
			tr(i18n.ZH, "couponconsole.op.11"), "120.25", "season over", rs.DomainName}, nil},
		{"ByType", "/sales/coupons/vouchers/quota-records?type=11", []string{tr(i18n.ZH, "couponconsole.op.11")}, []string{"<td>" + tr(i18n.ZH, "couponconsole.op.10") + "</td>"}},
		{"ByReseller", "/sales/coupons/vouchers/quota-records?reseller=" + resellerID, []string{child}, nil},
		{"ByTime", "/sales/coupons/vouchers/quota-records?from=2000-01-01&to=2000-01-02", []string{tr(i18n.ZH, "couponconsole.records.empty")}, []string{child}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := d.get(tt.path)
			mustStatus(t, resp, body, http.StatusOK, tt.want...)
			for _, text := range tt.not {
				if strings.Contains(body, text) {
					t.Errorf("page shows %q", text)
				}
			}
		})
	}
	t.Run("NotForSolutionProviders", func(t *testing.T) {
		resp, body := c.admin.get("/sales/coupons/vouchers/quota-records")
		mustStatus(t, resp, body, http.StatusForbidden)
	})
}

func TestCouponRoutesRefuseWithoutPermission(t *testing.T) {
	c := mustCouponConsole(t)
	q := c.grant(t, "sp", coupon.QuotaVoucher, "100", coupon.Limits{})
	id := c.s.mustIssueCoupon(t, c.s.partnerActor(t, "sp"), q.ID, "10", c.s.demoCustomer(t, "sp-reseller").DomainID)
	// Finance views quotas and issued coupons but neither issues nor
	// reclaims; the account manager has no voucher management at all.
	fin := c.mustMember(t, "finance-routes", identity.PresetFinance)
	am := c.mustMember(t, "am-routes", identity.PresetAccountManager)
	_, page := fin.get("/sales/coupons/vouchers")
	token := csrf(t, page)
	_, amPage := am.get("/sales/customers")
	amToken := csrf(t, amPage)
	for _, kind := range []string{"vouchers", "cash"} {
		p := "/sales/coupons/" + kind
		for _, rt := range []struct {
			method, path string
			finance      bool // finance may
		}{
			{"GET", p, true},
			{"GET", p + "/issued", true},
			{"GET", p + "/records", true},
			{"GET", p + "/issue?quota=" + q.ID, false},
			{"POST", p + "/issue", false},
			{"GET", p + "/customers?q=demo", false},
			{"GET", p + "/customers/pick?id=x", false},
			{"GET", p + "/reclaim?ids=" + id, false},
			{"POST", p + "/reclaim", false},
			{"GET", p + "/quota-issue", false},
			{"POST", p + "/quota-issue", false},
			{"GET", p + "/reseller-quotas/reclaim?ids=x", false},
			{"POST", p + "/reseller-quotas/reclaim", false},
		} {
			t.Run(rt.method+" "+rt.path, func(t *testing.T) {
				form := url.Values{"csrf_token": {token}, "quota": {q.ID}, "ids": {id}, "face_value": {"1"},
					"customer_ids": {c.s.demoCustomer(t, "sp-reseller").DomainID}}
				var resp *http.Response
				var body string
				if rt.method == "GET" {
					resp, body = fin.get(rt.path)
				} else {
					resp, body = fin.post(rt.path, form)
				}
				if got := resp.StatusCode == http.StatusForbidden; got == rt.finance {
					t.Fatalf("finance: status %d\n%s", resp.StatusCode, body)
				}
				if rt.method == "GET" {
					resp, body = am.get(rt.path)
				} else {
					form.Set("csrf_token", amToken)
					resp, body = am.post(rt.path, form)
				}
				mustStatus(t, resp, body, http.StatusForbidden)
			})
		}
	}
	if got := c.balance(t, q.ID); got != "90.00" {
		t.Fatalf("refused requests changed the balance to %s", got)
	}
	if c.couponStatus(t, id) != int(coupon.CouponUsable) {
		t.Fatal("a refused request reclaimed the coupon")
	}
}
