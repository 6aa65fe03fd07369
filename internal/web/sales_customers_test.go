package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnercenter/internal/app"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
)

// demoCustomer returns the demo customer with key.
func (s *site) demoCustomer(tb testing.TB, key string) app.DemoCustomer {
	tb.Helper()
	for _, c := range s.demo.Customers {
		if c.Key == key {
			return c
		}
	}
	tb.Fatalf("no demo customer %q", key)
	return app.DemoCustomer{}
}

// exec changes the database for states no page makes (contacts).
func (s *site) exec(tb testing.TB, query string, args ...any) {
	tb.Helper()
	if _, err := s.app.DB.SQL.Exec(query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

func (s *site) count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := s.app.DB.SQL.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// reveal posts an eye button's request as htmx does, with the token of
// page.
func (b *browser) reveal(page, column string, ids ...string) (*http.Response, string) {
	b.tb.Helper()
	_, body := b.get(page)
	form := url.Values{"csrf_token": {csrf(b.tb, body)}, "column": {column}, "reveal_ids": ids}
	b.header.Set("HX-Request", "true")
	defer b.header.Del("HX-Request")
	return b.post("/sales/customers/reveal", form)
}

func TestSalesCustomerList(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	resale, referral := s.demoCustomer(t, "sp-reseller"), s.demoCustomer(t, "sp-referral")
	s.exec(t, "UPDATE customers SET mobile_country_code = '0086', mobile = '13812345678', email = 'buyer@example.com', real_name = '张三丰', label = 'VIP' WHERE id = $1", resale.DomainID)
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)

	tests := []struct {
		name, path string
		want, not  []string
	}{
		{"All", "/sales/customers", []string{`id="customers"`, resale.DomainID, referral.DomainID, "de****er", "138****5678",
			"b***@example.com", "张**", `id="reveal-mobile"`, `id="reveal-account_manager"`, `id="freeze-` + resale.DomainID + `"`,
			tr(i18n.ZH, "page.total", "total", 2), `id="link-assign"`, `id="link-reveals"`},
			[]string{"13812345678", "buyer@example.com", "张三丰", "demo-sp-resale-customer", `id="tab-resellers"`,
				`id="freeze-` + referral.DomainID + `"`}},
		{"AccountName", "/sales/customers?account=referral", []string{referral.DomainID, tr(i18n.ZH, "page.total", "total", 1)}, []string{resale.DomainID}},
		{"Type", "/sales/customers?type=2", []string{resale.DomainID}, []string{referral.DomainID}},
		{"Name", "/sales/customers?name=三丰", []string{resale.DomainID}, []string{referral.DomainID}},
		{"CustomerID", "/sales/customers?id=" + referral.DomainID, []string{referral.DomainID}, []string{resale.DomainID}},
		{"Mobile", "/sales/customers?mobile=%2B86+13812345678", []string{resale.DomainID}, []string{referral.DomainID}},
		{"Label", "/sales/customers?label=VIP", []string{resale.DomainID}, []string{referral.DomainID}},
		{"NotFrozen", "/sales/customers?frozen=no", []string{referral.DomainID}, nil},
		{"ManagerNone", "/sales/customers?manager=nobody", []string{tr(i18n.ZH, "page.total", "total", 0)}, []string{resale.DomainID}},
		{"DateRange", "/sales/customers?from=2000-01-01&to=2000-01-02", []string{tr(i18n.ZH, "page.total", "total", 0)}, []string{resale.DomainID}},
		{"DateRangeOpen", "/sales/customers?from=2000-01-01", []string{resale.DomainID, referral.DomainID}, nil},
		{"PageSize", "/sales/customers?limit=50&sort=oldest", []string{`<option value="50" selected>`, `<option value="oldest" selected>`}, nil},
		{"Paged", "/sales/customers?limit=10&offset=10", []string{tr(i18n.ZH, "page.total", "total", 2), `id="page-prev"`}, []string{resale.DomainID}},
		{"Show", "/sales/customers/" + resale.DomainID, []string{`id="customer-basic"`, "de****er", "138****5678",
			`href="/sales/customers/` + resale.DomainID + `/relations"`, `id="freeze-form"`, `id="reveal-email"`,
			tr(i18n.ZH, "customers.type.2")}, []string{"13812345678"}},
		{"Assign", "/sales/customers/assign?unassigned=1", []string{`id="assign-form"`, resale.DomainID, referral.DomainID, sp.Admin.Username}, nil},
		{"Reveals", "/sales/customers/reveals", []string{`id="reveals"`, tr(i18n.ZH, "customers.reveals.empty")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := admin.get(tt.path)
			mustStatus(t, resp, body, http.StatusOK, tt.want...)
			for _, text := range tt.not {
				if strings.Contains(body, text) {
					t.Errorf("page shows %q", text)
				}
			}
		})
	}
	t.Run("SortOrder", func(t *testing.T) {
		_, newest := admin.get("/sales/customers")
		_, oldest := admin.get("/sales/customers?sort=oldest")
		// The demo associates the resale customer first.
		if strings.Index(newest, resale.DomainID) < strings.Index(newest, referral.DomainID) ||
			strings.Index(oldest, resale.DomainID) > strings.Index(oldest, referral.DomainID) {
			t.Fatal("sort order not applied")
		}
	})
	t.Run("AnotherPartnersCustomerIsNotFound", func(t *testing.T) {
		other := s.mustCustomer(t, "sp2", "sp2-customer-one")
		resp, body := admin.get("/sales/customers/" + other.ID)
		mustStatus(t, resp, body, http.StatusNotFound, tr(i18n.ZH, "err.not_found"))
		if strings.Contains(body, "sp2-customer-one") {
			t.Fatal("page shows the other partner's customer")
		}
	})
	t.Run("EnglishPage", func(t *testing.T) {
		admin.get("/lang/en-US")
		defer admin.get("/lang/zh-CN")
		resp, body := admin.get("/sales/customers")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.EN, "customers.list.title"), tr(i18n.EN, "customers.col.mobile"))
	})
}

func TestSalesCustomerReveal(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	resale, referral := s.demoCustomer(t, "sp-reseller"), s.demoCustomer(t, "sp-referral")
	s.exec(t, "UPDATE customers SET mobile_country_code = '0086', mobile = '13812345678' WHERE id = $1", resale.DomainID)
	other := s.mustCustomer(t, "sp2", "sp2-customer-two")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	reveals := func() int { return s.count(t, "SELECT COUNT(*) FROM customer_reveals") }

	t.Run("OK", func(t *testing.T) {
		resp, body := admin.reveal("/sales/customers", "mobile", resale.DomainID, referral.DomainID)
		mustStatus(t, resp, body, http.StatusOK, `id="cell-mobile-`+resale.DomainID+`"`, `hx-swap-oob="true"`, "+86 13812345678",
			`id="cell-mobile-`+referral.DomainID+`"`)
		if got := reveals(); got != 1 {
			t.Fatalf("%d audit rows, want 1", got)
		}
		var ids, column, ip string
		if err := s.app.DB.SQL.QueryRow("SELECT customer_ids, column_name, client_ip FROM customer_reveals").Scan(&ids, &column, &ip); err != nil {
			t.Fatal(err)
		}
		if ids != resale.DomainID+","+referral.DomainID || column != "mobile" || ip == "" {
			t.Fatalf("audit row %q %q %q", ids, column, ip)
		}
		resp, body = admin.reveal("/sales/customers/"+resale.DomainID, "account_name", resale.DomainID)
		mustStatus(t, resp, body, http.StatusOK, "demo-sp-resale-customer")
		resp, body = admin.get("/sales/customers/reveals")
		mustStatus(t, resp, body, http.StatusOK, sp.Admin.Username, tr(i18n.ZH, "customers.col.mobile"),
			tr(i18n.ZH, "customers.reveals.count", "count", 2))
	})
	t.Run("CrossTenantRefused", func(t *testing.T) {
		before := reveals()
		resp, body := admin.reveal("/sales/customers", "account_name", resale.DomainID, other.ID)
		mustStatus(t, resp, body, http.StatusOK, `id="reveal-status"`, tr(i18n.ZH, "err.customer_not_yours"))
		if strings.Contains(body, "sp2-customer-two") || strings.Contains(body, "demo-sp-resale-customer") || reveals() != before {
			t.Fatal("refused reveal leaked values or was audited")
		}
		// Without htmx the refusal is an error page with its status.
		_, page := admin.get("/sales/customers")
		resp, body = admin.post("/sales/customers/reveal", url.Values{"csrf_token": {csrf(t, page)}, "column": {"name"},
			"reveal_ids": {other.ID}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.customer_not_yours"))
	})
	t.Run("NoPermissionRefused", func(t *testing.T) {
		// An account manager holds no reveal item: no eye buttons, and a
		// forged request is refused.
		amID, pw := mustCreateMember(t, admin, url.Values{"account_name": {"am-reveal"}, "roles": {identity.PresetAccountManager}})
		s.exec(t, "UPDATE customers SET account_manager_id = $1 WHERE id = $2", amID, resale.DomainID)
		am := s.browser(t)
		am.mustMemberSignIn(sp.DomainName, "am-reveal", pw, "/account/password")
		am.mustChangePassword(pw, "N3w-pass-word!", "/")
		resp, body := am.get("/sales/customers")
		mustStatus(t, resp, body, http.StatusOK, resale.DomainID, "138****5678")
		for _, text := range []string{`class="link eye"`, referral.DomainID, `id="link-reveals"`} {
			if strings.Contains(body, text) {
				t.Errorf("account manager's page shows %q", text)
			}
		}
		before := reveals()
		resp, body = am.reveal("/sales/customers", "mobile", resale.DomainID)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "err.customers_reveal_forbidden"))
		if strings.Contains(body, "13812345678") || reveals() != before {
			t.Fatal("refused reveal leaked values or was audited")
		}
		resp, body = am.get("/sales/customers/reveals")
		mustStatus(t, resp, body, http.StatusForbidden)
		// Its scope: the referral customer is not its.
		resp, body = am.get("/sales/customers/" + referral.DomainID)
		mustStatus(t, resp, body, http.StatusNotFound)
	})
}

func TestSalesCustomerFreeze(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	resale, referral := s.demoCustomer(t, "sp-reseller"), s.demoCustomer(t, "sp-referral")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	frozen := func(id string) int {
		return s.count(t, "SELECT frozen FROM customers WHERE id = $1", id)
	}
	resp, body := admin.submit("/sales/customers", "/sales/customers/freeze", url.Values{"one": {resale.DomainID},
		"reason": {"overdue"}, "freeze_type": {"ACCOUNT"}, "back": {"/sales/customers?type=2"}})
	mustRedirect(t, resp, body, "/sales/customers?count=1&done=freeze&type=2")
	if frozen(resale.DomainID) != 1 {
		t.Fatal("not frozen")
	}
	resp, body = admin.get("/sales/customers?count=1&done=freeze&type=2")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "customers.frozen", "count", 1), `id="unfreeze-`+resale.DomainID+`"`)
	resp, body = admin.get("/sales/customers?frozen=yes")
	mustStatus(t, resp, body, http.StatusOK, resale.DomainID, tr(i18n.ZH, "page.total", "total", 1))

	// A batch with a referral customer: the reseller one changes, the
	// other is listed with its reason.
	resp, body = admin.submit("/sales/customers", "/sales/customers/unfreeze", url.Values{"ids": {resale.DomainID, referral.DomainID},
		"reason": {"paid"}, "freeze_type": {"ACCOUNT"}})
	mustStatus(t, resp, body, http.StatusOK, `id="failures"`, referral.DomainID, tr(i18n.ZH, "err.customer_not_reseller_model"),
		tr(i18n.ZH, "customers.result.summary", "done", 1, "failed", 1))
	if frozen(resale.DomainID) != 0 {
		t.Fatal("not unfrozen")
	}
	// No reason: refused whole, translated.
	resp, body = admin.submit("/sales/customers", "/sales/customers/freeze", url.Values{"one": {resale.DomainID}})
	mustStatus(t, resp, body, http.StatusBadRequest, `id="result-back"`)
	if frozen(resale.DomainID) != 0 {
		t.Fatal("frozen without a reason")
	}
	// From the detail page, back to it.
	resp, body = admin.submit("/sales/customers/"+resale.DomainID, "/sales/customers/freeze", url.Values{"one": {resale.DomainID},
		"reason": {"risk"}, "freeze_type": {"ACCOUNT_AND_RESOURCE"}, "back": {"/sales/customers/" + resale.DomainID}})
	mustRedirect(t, resp, body, "/sales/customers/"+resale.DomainID+"?count=1&done=freeze")
	if frozen(resale.DomainID) != 2 {
		t.Fatal("not frozen with resources")
	}
	// Another partner's customer cannot be frozen.
	other := s.mustCustomer(t, "sp2", "sp2-customer-three")
	resp, body = admin.submit("/sales/customers", "/sales/customers/freeze", url.Values{"one": {other.ID}, "reason": {"x"}})
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "err.customer_not_yours"))
	if frozen(other.ID) != 0 {
		t.Fatal("froze another partner's customer")
	}
	// An open redirect is not possible through back.
	resp, body = admin.submit("/sales/customers", "/sales/customers/unfreeze", url.Values{"one": {resale.DomainID},
		"reason": {"ok"}, "freeze_type": {"ACCOUNT_AND_RESOURCE"}, "back": {"//evil.example.com/sales/customers"}})
	mustRedirect(t, resp, body, "/sales/customers?count=1&done=unfreeze")
}

func TestSalesCustomerAssign(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	resale, referral := s.demoCustomer(t, "sp-reseller"), s.demoCustomer(t, "sp-referral")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	amID, pw := mustCreateMember(t, admin, url.Values{"account_name": {"am-assign"}, "roles": {identity.PresetAccountManager}})

	resp, body := admin.submit("/sales/customers/assign", "/sales/customers/assign", url.Values{"ids": {resale.DomainID},
		"member": {amID}, "back": {"/sales/customers/assign?unassigned=1"}})
	mustRedirect(t, resp, body, "/sales/customers/assign?count=1&done=assign&unassigned=1")
	resp, body = admin.get("/sales/customers/assign?unassigned=1&done=assign&count=1")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "customers.assign.assigned", "count", 1), referral.DomainID)
	if strings.Contains(body, `data-customer="`+resale.DomainID+`"`) {
		t.Fatal("the assigned customer is still listed as unassigned")
	}
	resp, body = admin.get("/sales/customers?manager=am-assign")
	mustStatus(t, resp, body, http.StatusOK, resale.DomainID, "am****gn", tr(i18n.ZH, "page.total", "total", 1))

	// The assignment drives the account manager's scope.
	am := s.browser(t)
	am.mustMemberSignIn(sp.DomainName, "am-assign", pw, "/account/password")
	am.mustChangePassword(pw, "N3w-pass-word!", "/")
	resp, body = am.get("/sales/customers")
	mustStatus(t, resp, body, http.StatusOK, resale.DomainID, tr(i18n.ZH, "page.total", "total", 1))
	resp, body = am.get("/sales/customers/assign")
	mustStatus(t, resp, body, http.StatusForbidden)

	// Another partner's member is refused, translated.
	sp2 := s.partner(t, "sp2")
	p2, err := s.app.Identity.PartnerByDomainName(context.Background(), sp2.DomainName)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := s.app.Identity.MainMember(context.Background(), p2.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp, body = admin.submit("/sales/customers/assign", "/sales/customers/assign", url.Values{"ids": {referral.DomainID}, "member": {m2.ID}})
	mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.customers_assignee_invalid"))
	// Another partner's customer is listed as failed.
	other := s.mustCustomer(t, "sp2", "sp2-customer-four")
	resp, body = admin.submit("/sales/customers/assign", "/sales/customers/assign", url.Values{"ids": {other.ID}, "member": {amID}})
	mustStatus(t, resp, body, http.StatusOK, other.ID, tr(i18n.ZH, "err.customer_not_yours"))

	// Take back.
	resp, body = admin.submit("/sales/customers/assign", "/sales/customers/unassign", url.Values{"ids": {resale.DomainID}})
	mustRedirect(t, resp, body, "/sales/customers?count=1&done=unassign")
	resp, body = am.get("/sales/customers")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "page.total", "total", 0))

	// Deleting an account manager leaves its customers unassigned (the
	// member-delete hook app wires).
	resp, body = admin.submit("/sales/customers/assign", "/sales/customers/assign", url.Values{"ids": {resale.DomainID}, "member": {amID}})
	mustRedirect(t, resp, body, "/sales/customers?count=1&done=assign")
	resp, body = admin.submit("/org/members/"+amID+"/delete", "/org/members/"+amID+"/delete", url.Values{})
	mustRedirect(t, resp, body, "/org/members?deleted=1")
	if n := s.count(t, "SELECT COUNT(*) FROM customers WHERE account_manager_id = $1", amID); n != 0 {
		t.Fatalf("%d customers still assigned to the deleted member", n)
	}
}

func TestSalesCustomerResellersTab(t *testing.T) {
	s := mustSite(t)
	dist := s.partner(t, "dist")
	resold := s.demoCustomer(t, "reseller-reseller")
	b := s.browser(t)
	b.mustSignIn(dist.DomainName, dist.Admin.Password)
	resp, body := b.get("/sales/customers")
	mustStatus(t, resp, body, http.StatusOK, `id="tab-own"`, `id="tab-resellers"`, tr(i18n.ZH, "page.total", "total", 0))
	resp, body = b.get("/sales/customers?tab=resellers")
	mustStatus(t, resp, body, http.StatusOK, resold.DomainID, "de****er", tr(i18n.ZH, "customers.resellers_hint"),
		`id="filter-reseller"`, tr(i18n.ZH, "page.total", "total", 1))
	for _, text := range []string{`class="link eye"`, `href="/sales/customers/` + resold.DomainID + `"`, "demo-reseller-customer", `id="filter-manager"`} {
		if strings.Contains(body, text) {
			t.Errorf("resellers' tab shows %q", text)
		}
	}
	// Revealing a reseller's customer is refused.
	resp, body = b.reveal("/sales/customers?tab=resellers", "account_name", resold.DomainID)
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "err.customer_not_yours"))
	if strings.Contains(body, "demo-reseller-customer") {
		t.Fatal("revealed a reseller's customer")
	}
	// A solution provider has no second tab.
	sp := s.partner(t, "sp")
	b2 := s.browser(t)
	b2.mustSignIn(sp.DomainName, sp.Admin.Password)
	resp, body = b2.get("/sales/customers?tab=resellers")
	mustStatus(t, resp, body, http.StatusOK, s.demoCustomer(t, "sp-reseller").DomainID)
	if strings.Contains(body, `id="tab-resellers"`) {
		t.Fatal("sp has a resellers' tab")
	}
}
