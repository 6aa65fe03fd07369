package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// partnerID is the id of the demo partner with key.
func (s *site) partnerID(tb testing.TB, key string) string {
	tb.Helper()
	p, err := s.app.Identity.PartnerByDomainName(context.Background(), s.partner(tb, key).DomainName)
	if err != nil {
		tb.Fatal(err)
	}
	return p.ID
}

// quotaAdmin is a platform admin's actor, for preparing quotas through the
// coupon service.
func (s *site) quotaAdmin(tb testing.TB) identity.Actor {
	tb.Helper()
	op, err := s.app.Identity.CreateOperator(context.Background(), identity.NewOperator{Username: "couponops.admin",
		Password: "Initial-pass1", Roles: []identity.OperatorRole{identity.RolePlatformAdmin}})
	if err != nil {
		tb.Fatal(err)
	}
	return op.Actor()
}

// cstInput formats t as the grant form's datetime-local inputs do.
func cstInput(t time.Time) string {
	return t.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
}

// grantForm is a valid grant of a voucher quota of 1000.00 to partnerID.
func grantForm(partnerID string) url.Values {
	now := time.Now()
	return url.Values{"partner_id": {partnerID}, "quota_type": {"0"}, "quota_value": {"1000.00"},
		"effective_time": {cstInput(now.Add(-time.Hour))}, "expire_time": {cstInput(now.AddDate(1, 0, 0))}}
}

func TestOpsQuotas(t *testing.T) {
	s := mustSite(t)
	ops := s.browser(t)
	ops.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)
	spID, distID, resellerID := s.partnerID(t, "sp"), s.partnerID(t, "dist"), s.partnerID(t, "reseller")
	admin := identity.Actor{Kind: identity.ActorOperator, OperatorRoles: []identity.OperatorRole{identity.RolePlatformAdmin}}
	// The demo data may hold quotas already: counts are taken against these.
	quotaCount := func(t *testing.T, partnerID string) int {
		t.Helper()
		_, total, err := s.app.Coupons.OperatorQuotas(t.Context(), admin, partnerID, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		return total
	}
	spBefore, distBefore := quotaCount(t, spID), quotaCount(t, distID)

	t.Run("OK/Menu", func(t *testing.T) {
		resp, body := ops.get("/ops/partners")
		mustStatus(t, resp, body, http.StatusOK, `href="/ops/quotas"`, tr(i18n.ZH, "nav.ops.quotas"),
			`href="/ops/ledger"`, tr(i18n.ZH, "nav.ops.ledger"))
	})

	t.Run("OK/Form", func(t *testing.T) {
		resp, body := ops.get("/ops/quotas/new")
		mustStatus(t, resp, body, http.StatusOK, `id="quota-form"`, `value="`+spID+`"`, `value="`+distID+`"`,
			"弹性云服务器", `value="hws.service.type.ec2"`, "云主机", `value="hws.resource.type.vm"`,
			"华北-北京四", tr(i18n.ZH, "couponops.order_type.renew"),
			tr(i18n.ZH, "couponops.quota_type.1"), "CNY")
		// Quotas go to solution providers and distributors only.
		if strings.Contains(body, `value="`+resellerID+`"`) {
			t.Error("the form offers a cloud reseller")
		}
	})

	t.Run("OK/GrantCash", func(t *testing.T) {
		form := grantForm(spID)
		form.Set("quota_type", "1")
		form.Set("quota_value", "1000.5")
		form["cloud_service_types"] = []string{"hws.service.type.ec2", "hws.service.type.ebs"}
		form["product_ids"] = []string{"hws.resource.type.vm"}
		form["regions"] = []string{"cn-north-4"}
		form["order_types"] = []string{"new", "renew"}
		form.Set("min_order_amount", "100")
		form.Set("max_order_share", "50")
		form.Set("remark", "年度框架")
		resp, body := ops.submit("/ops/quotas/new", "/ops/quotas", form)
		mustRedirect(t, resp, body, "/ops/quotas?granted=1&partner_id="+spID)
		resp, body = ops.get("/ops/quotas?granted=1&partner_id=" + spID)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "couponops.quota.granted"), "1000.50 CNY",
			tr(i18n.ZH, "couponops.quota_type.1"), tr(i18n.ZH, "couponops.quota_status.0"),
			"弹性云服务器、云硬盘", "云主机", "华北-北京四",
			tr(i18n.ZH, "couponops.limit.min_order_value", "amount", "100.00"),
			tr(i18n.ZH, "couponops.order_type.new")+"、"+tr(i18n.ZH, "couponops.order_type.renew"), "50%")
		quotas, total, err := s.app.Coupons.OperatorQuotas(t.Context(), admin, spID, 0, 10)
		if err != nil || total != spBefore+1 {
			t.Fatalf("%d quotas, want %d, err %v", total, spBefore+1, err)
		}
		q := quotas[0] // newest first
		if got, want := q.Value.String(), "1000.50"; got != want || q.Type != coupon.QuotaCash || q.Limits.MaxOrderShare != 50 ||
			q.Limits.MinOrder.String() != "100.00" || len(q.Limits.ServiceTypes) != 2 || len(q.Limits.OrderTypes) != 2 ||
			q.Limits.Regions[0] != "cn-north-4" || q.Limits.ProductIDs[0] != "hws.resource.type.vm" {
			t.Errorf("granted %+v", q)
		}
	})

	t.Run("OK/GrantVoucherAndFilter", func(t *testing.T) {
		resp, body := ops.submit("/ops/quotas/new", "/ops/quotas", grantForm(distID))
		mustRedirect(t, resp, body, "/ops/quotas?granted=1&partner_id="+distID)
		resp, body = ops.get("/ops/quotas?partner_id=" + distID)
		mustStatus(t, resp, body, http.StatusOK, "1000.00 CNY", tr(i18n.ZH, "couponops.quota_type.0"),
			tr(i18n.ZH, "page.total", "total", distBefore+1))
		if strings.Contains(body, "1000.50") {
			t.Error("the distributor's filter lists the solution provider's quota")
		}
		resp, body = ops.get("/ops/quotas")
		mustStatus(t, resp, body, http.StatusOK, "1000.00 CNY", "1000.50 CNY")
	})

	// Every error names the field it is about, translated, keeps the input
	// and marks the input.
	errCases := []struct {
		name  string
		edit  func(url.Values)
		field string // message key of the field's label
	}{
		{"ErrValueNotAmount", func(f url.Values) { f.Set("quota_value", "12.345") }, "couponops.quota.value"},
		{"ErrValueZero", func(f url.Values) { f.Set("quota_value", "0") }, "couponops.quota.value"},
		{"ErrNoPartner", func(f url.Values) { f.Set("partner_id", "") }, "couponops.quota.partner"},
		{"ErrUnknownPartner", func(f url.Values) { f.Set("partner_id", strings.Repeat("0", 32)) }, "couponops.quota.partner"},
		{"ErrExpiryBeforeEffective", func(f url.Values) {
			f.Set("expire_time", cstInput(time.Now().Add(-48*time.Hour)))
		}, "couponops.quota.expires_at"},
		{"ErrBadTime", func(f url.Values) { f.Set("effective_time", "tomorrow") }, "couponops.quota.effective_at"},
		{"ErrShareOnVoucher", func(f url.Values) { f.Set("max_order_share", "30") }, "couponops.limit.max_share"},
		{"ErrShareOver100", func(f url.Values) { f.Set("quota_type", "1"); f.Set("max_order_share", "101") }, "couponops.limit.max_share"},
		{"ErrMinOrderNegative", func(f url.Values) { f.Set("min_order_amount", "-1") }, "couponops.limit.min_order"},
		{"ErrOrderType", func(f url.Values) { f["order_types"] = []string{"refund"} }, "couponops.limit.order_types"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			form := grantForm(spID)
			form.Set("remark", "keep-me-"+tc.name)
			tc.edit(form)
			resp, body := ops.submit("/ops/quotas/new", "/ops/quotas", form)
			want := tr(i18n.ZH, "couponops.err.invalid_field", "field", tr(i18n.ZH, tc.field))
			mustStatus(t, resp, body, http.StatusBadRequest, want, "keep-me-"+tc.name, `invalid"`)
		})
	}

	t.Run("ErrPartnerType", func(t *testing.T) {
		// The demo reseller holds the quotas its distributor carved for it.
		_, before, _ := s.app.Coupons.OperatorQuotas(t.Context(), admin, resellerID, 0, 10)
		resp, body := ops.submit("/ops/quotas/new", "/ops/quotas", grantForm(resellerID))
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.coupon_quota_partner_type"))
		if _, total, _ := s.app.Coupons.OperatorQuotas(t.Context(), admin, resellerID, 0, 10); total != before {
			t.Errorf("the reseller holds %d quotas, %d before", total, before)
		}
	})

	t.Run("ErrInEnglish", func(t *testing.T) {
		ops.header = http.Header{"Accept-Language": {"en-US"}}
		defer func() { ops.header = http.Header{} }()
		form := grantForm(spID)
		form.Set("quota_value", "abc")
		resp, body := ops.submit("/ops/quotas/new", "/ops/quotas", form)
		mustStatus(t, resp, body, http.StatusBadRequest,
			tr(i18n.EN, "couponops.err.invalid_field", "field", tr(i18n.EN, "couponops.quota.value")), `value="abc"`)
	})

	t.Run("OK/SetStatus", func(t *testing.T) {
		quotas, total, err := s.app.Coupons.OperatorQuotas(t.Context(), admin, distID, 0, 1)
		if err != nil || total != distBefore+1 || quotas[0].Value.String() != "1000.00" {
			t.Fatalf("%v %d %v", quotas, total, err)
		}
		id := quotas[0].ID
		resp, body := ops.submit("/ops/quotas?partner_id="+distID, "/ops/quotas/"+id+"/status",
			url.Values{"status": {"5"}, "partner_id": {distID}})
		mustRedirect(t, resp, body, "/ops/quotas?changed=1&partner_id="+distID)
		resp, body = ops.get("/ops/quotas?changed=1&partner_id=" + distID)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "couponops.quota.status_changed"),
			`<span class="badge quota-status">`+tr(i18n.ZH, "couponops.quota_status.5"))
		quotas, _, _ = s.app.Coupons.OperatorQuotas(t.Context(), admin, distID, 0, 1)
		if got, want := quotas[0].ID+":"+strconv.Itoa(int(quotas[0].Status)), id+":5"; got != want {
			t.Errorf("quota %s, want %s", got, want)
		}
		if got, want := quotas[0].Status, coupon.QuotaFrozen; got != want {
			t.Errorf("status %d, want %d", got, want)
		}
	})

	t.Run("ErrSetStatusReclaimed", func(t *testing.T) {
		quotas, _, _ := s.app.Coupons.OperatorQuotas(t.Context(), admin, distID, 0, 10)
		resp, body := ops.submit("/ops/quotas", "/ops/quotas/"+quotas[0].ID+"/status", url.Values{"status": {"6"}})
		mustStatus(t, resp, body, http.StatusBadRequest,
			tr(i18n.ZH, "couponops.err.invalid_field", "field", tr(i18n.ZH, "couponops.quota.status")))
		resp, body = ops.submit("/ops/quotas", "/ops/quotas/"+strings.Repeat("f", 32)+"/status", url.Values{"status": {"0"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.coupon_quota_not_found"))
	})

	t.Run("ErrReviewerCannotGrant", func(t *testing.T) {
		rev := reviewerBrowser(t, s)
		resp, body := rev.get("/ops/partners")
		mustStatus(t, resp, body, http.StatusOK, `href="/ops/ledger"`)
		if strings.Contains(body, `href="/ops/quotas"`) {
			t.Error("a reviewer sees the quota menu")
		}
		resp, body = rev.get("/ops/quotas/new")
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.forbidden"))
		resp, body = rev.get("/ops/quotas")
		mustStatus(t, resp, body, http.StatusForbidden)
		resp, body = rev.submit("/ops/partners", "/ops/quotas", grantForm(spID))
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.forbidden"))
		quotas, _, _ := s.app.Coupons.OperatorQuotas(t.Context(), admin, spID, 0, 10)
		resp, body = rev.submit("/ops/partners", "/ops/quotas/"+quotas[0].ID+"/status", url.Values{"status": {"3"}})
		mustStatus(t, resp, body, http.StatusForbidden)
		if again, total, _ := s.app.Coupons.OperatorQuotas(t.Context(), admin, spID, 0, 10); total != spBefore+1 || again[0].Status != coupon.QuotaNormal {
			t.Errorf("a reviewer changed quotas: %d, %+v", total, again)
		}
	})

	t.Run("OK/EcoManagerGrants", func(t *testing.T) {
		if _, err := s.app.Identity.CreateOperator(t.Context(), identity.NewOperator{Username: "eco.quotas",
			Password: "Initial-pass1", Roles: []identity.OperatorRole{identity.RoleEcoManager}}); err != nil {
			t.Fatal(err)
		}
		eco := s.browser(t)
		eco.mustOpsSignIn("eco.quotas", "Initial-pass1")
		resp, body := eco.submit("/ops/account/password", "/ops/account/password", url.Values{"old_password": {"Initial-pass1"},
			"new_password": {"Changed-pass1"}, "confirm_password": {"Changed-pass1"}})
		mustRedirect(t, resp, body, "/ops/")
		before := quotaCount(t, spID)
		form := grantForm(spID)
		form.Set("quota_value", "321.00")
		resp, body = eco.submit("/ops/quotas/new", "/ops/quotas", form)
		mustRedirect(t, resp, body, "/ops/quotas?granted=1&partner_id="+spID)
		if got, want := quotaCount(t, spID), before+1; got != want {
			t.Errorf("%d quotas, want %d", got, want)
		}
		resp, body = eco.get("/ops/quotas?partner_id=" + spID)
		mustStatus(t, resp, body, http.StatusOK, "321.00 CNY", `id="status-form-`)
	})

	t.Run("CSRF", func(t *testing.T) {
		resp, body := ops.post("/ops/quotas", grantForm(spID))
		mustStatus(t, resp, body, http.StatusForbidden)
	})

	t.Run("SignedOut", func(t *testing.T) {
		resp, body := s.browser(t).get("/ops/quotas")
		mustRedirect(t, resp, body, "/ops/signin?next=%2Fops%2Fquotas")
	})
}

func TestOpsLedger(t *testing.T) {
	s := mustSite(t)
	ops := s.browser(t)
	ops.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)
	admin := s.quotaAdmin(t)
	now := time.Now()
	q, err := s.app.Coupons.GrantQuota(t.Context(), admin, coupon.NewQuota{PartnerID: s.partnerID(t, "sp"),
		Type: coupon.QuotaVoucher, Value: money.MustParse("500"), EffectiveAt: now.Add(-time.Hour), ExpiresAt: now.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("OK/Balanced", func(t *testing.T) {
		rep, err := s.app.Coupons.VerifyLedger(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		resp, body := ops.get("/ops/ledger")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "couponops.ledger.title"), `id="ledger-balanced"`,
			tr(i18n.ZH, "couponops.ledger.balanced"))
		for id, n := range map[string]int{"ledger-quotas": rep.Quotas, "ledger-coupons": rep.Coupons, "ledger-entries": rep.Entries} {
			if want := `id="` + id + `">` + strconv.Itoa(n) + `<`; !strings.Contains(body, want) {
				t.Errorf("page lacks %s", want)
			}
		}
		if rep.Quotas < 1 || rep.Entries < 1 {
			t.Errorf("report %+v counts nothing", rep)
		}
	})

	t.Run("OK/ReviewerMayCheck", func(t *testing.T) {
		rev := reviewerBrowser(t, s)
		resp, body := rev.get("/ops/ledger")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "couponops.ledger.balanced"))
	})

	t.Run("OK/Unbalanced", func(t *testing.T) {
		if _, err := s.app.DB.SQL.Exec("UPDATE coupon_quotas SET balance = balance - 100 WHERE id = $1", q.ID); err != nil {
			t.Fatal(err)
		}
		rep, err := s.app.Coupons.VerifyLedger(t.Context())
		if err != nil || len(rep.Problems) == 0 {
			t.Fatalf("a tampered balance verifies: %+v %v", rep, err)
		}
		ops.header = http.Header{"Accept-Language": {"en-US"}}
		defer func() { ops.header = http.Header{} }()
		resp, body := ops.get("/ops/ledger")
		texts := []string{tr(i18n.EN, "couponops.ledger.problems", "count", len(rep.Problems)), `id="ledger-problems"`}
		texts = append(texts, rep.Problems...)
		mustStatus(t, resp, body, http.StatusOK, texts...)
		if strings.Contains(body, `id="ledger-balanced"`) {
			t.Error("an unbalanced ledger shows as balanced")
		}
	})

	t.Run("SignedOut", func(t *testing.T) {
		resp, body := s.browser(t).get("/ops/ledger")
		mustRedirect(t, resp, body, "/ops/signin?next=%2Fops%2Fledger")
	})
}
