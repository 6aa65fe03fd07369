package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
)

var protectedRow = regexp.MustCompile(`<tr data-id="([0-9a-f]+)"><td>[^<]*</td><td class="protected-value">([^<]*)</td>`)

// protectedIDs returns the ids of the rows of a protected list page by value.
func protectedIDs(body string) map[string]string {
	out := map[string]string{}
	for _, m := range protectedRow.FindAllStringSubmatch(body, -1) {
		out[html.UnescapeString(m[2])] = m[1]
	}
	return out
}

// reviewerBrowser signs in a new operator holding only the reviewer role,
// past its forced password change.
func reviewerBrowser(t *testing.T, s *site) *browser {
	t.Helper()
	if _, err := s.app.Identity.CreateOperator(t.Context(), identity.NewOperator{Username: "rev.protected",
		Password: "Initial-pass1", Roles: []identity.OperatorRole{identity.RoleReviewer}}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustOpsSignIn("rev.protected", "Initial-pass1")
	resp, body := b.submit("/ops/account/password", "/ops/account/password", url.Values{"old_password": {"Initial-pass1"},
		"new_password": {"Changed-pass1"}, "confirm_password": {"Changed-pass1"}})
	mustRedirect(t, resp, body, "/ops/")
	return b
}

func TestOpsProtected(t *testing.T) {
	s := mustSite(t)
	ops := s.browser(t)
	ops.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)

	t.Run("OK/Empty", func(t *testing.T) {
		resp, body := ops.get("/ops/protected")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "ops.protected.title"), `id="protected"`,
			tr(i18n.ZH, "ops.protected.empty"), `id="protected-form"`, `href="/ops/protected"`)
	})

	t.Run("OK/Add", func(t *testing.T) {
		resp, body := ops.submit("/ops/protected", "/ops/protected", url.Values{"kind": {"mobile"},
			"value": {"0086-13700000001"}, "note": {"直销报备"}})
		mustRedirect(t, resp, body, "/ops/protected?added=1")
		resp, body = ops.submit("/ops/protected", "/ops/protected", url.Values{"kind": {"email"},
			"value": {" Boss@Direct.example.com "}})
		mustRedirect(t, resp, body, "/ops/protected?added=1")
		resp, body = ops.get("/ops/protected?added=1")
		// Operators manage the list: values are shown in full.
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "ops.protected.added"), "+8613700000001", "直销报备",
			"boss@direct.example.com", tr(i18n.ZH, "ops.protected.kind.mobile"), tr(i18n.ZH, "ops.protected.kind.email"))
		if ids := protectedIDs(body); len(ids) != 2 {
			t.Fatalf("%d rows listed, want 2: %v", len(ids), ids)
		}
		// The list is the one CreateSubCustomer checks.
		list, total, err := s.app.Customers.ListProtected(t.Context(), identity.Actor{Kind: identity.ActorOperator},
			customer.ProtectedFilter{})
		if err != nil || total != 2 || list[0].CreatedBy == "" {
			t.Fatalf("%+v %d %v", list, total, err)
		}
	})

	t.Run("OK/FilterAndSearch", func(t *testing.T) {
		resp, body := ops.get("/ops/protected?kind=email")
		mustStatus(t, resp, body, http.StatusOK, "boss@direct.example.com")
		if strings.Contains(body, "+8613700000001") {
			t.Error("the e-mail filter lists a mobile")
		}
		resp, body = ops.get("/ops/protected?q=13700000001")
		mustStatus(t, resp, body, http.StatusOK, "+8613700000001")
		if strings.Contains(body, "boss@direct.example.com") {
			t.Error("the search for a mobile lists an e-mail")
		}
	})

	t.Run("OK/Paging", func(t *testing.T) {
		for i := range 21 {
			resp, body := ops.submit("/ops/protected", "/ops/protected", url.Values{"kind": {"email"},
				"value": {"page" + string(rune('a'+i)) + "@paging.example.com"}})
			mustRedirect(t, resp, body, "/ops/protected?added=1")
		}
		resp, body := ops.get("/ops/protected?q=paging")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "page.total", "total", 21), tr(i18n.ZH, "page.next"))
		if n := len(protectedIDs(body)); n != 20 {
			t.Fatalf("first page lists %d rows, want 20", n)
		}
		resp, body = ops.get("/ops/protected?q=paging&offset=20")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "page.prev"))
		if n := len(protectedIDs(body)); n != 1 {
			t.Fatalf("second page lists %d rows, want 1", n)
		}
	})

	t.Run("ErrProtectedListed", func(t *testing.T) {
		resp, body := ops.submit("/ops/protected", "/ops/protected", url.Values{"kind": {"mobile"},
			"value": {"13700000001"}, "note": {"again"}})
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.customer_protected_listed", "value", "+8613700000001"))
		if !strings.Contains(body, `value="again"`) {
			t.Error("the add form lost its input")
		}
		ops.header = http.Header{"Accept-Language": {"en-US"}}
		defer func() { ops.header = http.Header{} }()
		resp, body = ops.submit("/ops/protected", "/ops/protected", url.Values{"kind": {"email"},
			"value": {"BOSS@direct.example.com"}})
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.EN, "err.customer_protected_listed", "value", "boss@direct.example.com"))
	})

	t.Run("ErrBadInput", func(t *testing.T) {
		resp, body := ops.submit("/ops/protected", "/ops/protected", url.Values{"kind": {"mobile"}, "value": {"12345"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.customer_mobile_format"))
		resp, body = ops.submit("/ops/protected", "/ops/protected", url.Values{"kind": {"fax"}, "value": {"1"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.customer_protected_kind"))
	})

	t.Run("ErrCSRF", func(t *testing.T) {
		resp, body := ops.post("/ops/protected", url.Values{"kind": {"mobile"}, "value": {"13700000009"}})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.csrf"))
		_, page := ops.get("/ops/protected?q=13700000001")
		id := protectedIDs(page)["+8613700000001"]
		resp, body = ops.post("/ops/protected/"+id+"/delete", url.Values{"csrf_token": {"forged"}})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.csrf"))
		_, page = ops.get("/ops/protected?q=137")
		if _, ok := protectedIDs(page)["+8613700000009"]; ok {
			t.Error("a forged form added an entry")
		}
		if _, ok := protectedIDs(page)["+8613700000001"]; !ok {
			t.Error("a forged form removed an entry")
		}
	})

	t.Run("ReviewerReadsOnly", func(t *testing.T) {
		rev := reviewerBrowser(t, s)
		resp, body := rev.get("/ops/protected?q=13700000001")
		mustStatus(t, resp, body, http.StatusOK, "+8613700000001", `href="/ops/protected"`)
		if strings.Contains(body, `id="protected-form"`) || strings.Contains(body, `id="remove-`) {
			t.Error("a reviewer is offered to change the list")
		}
		resp, body = rev.submit("/ops/protected", "/ops/protected", url.Values{"kind": {"mobile"}, "value": {"13700000008"}})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.forbidden"))
		_, page := ops.get("/ops/protected?q=13700000001")
		id := protectedIDs(page)["+8613700000001"]
		resp, body = rev.get("/ops/protected/" + id + "/delete")
		mustStatus(t, resp, body, http.StatusForbidden)
		resp, body = rev.submit("/ops/protected", "/ops/protected/"+id+"/delete", url.Values{})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.forbidden"))
	})

	t.Run("PartnerSession", func(t *testing.T) {
		sp := s.partner(t, "sp")
		partner := s.browser(t)
		partner.mustSignIn(sp.DomainName, sp.Admin.Password)
		resp, body := partner.get("/ops/protected")
		mustRedirect(t, resp, body, "/ops/signin?next=%2Fops%2Fprotected")
		_, page := partner.get("/")
		resp, body = partner.post("/ops/protected", url.Values{"csrf_token": {csrf(t, page)}, "kind": {"mobile"},
			"value": {"13700000007"}})
		mustRedirect(t, resp, body, "/ops/signin")
		if _, total, _ := s.app.Customers.ListProtected(t.Context(), identity.Actor{Kind: identity.ActorOperator},
			customer.ProtectedFilter{Query: "13700000007"}); total != 0 {
			t.Error("a partner session added an entry")
		}
	})

	t.Run("OK/Remove", func(t *testing.T) {
		_, page := ops.get("/ops/protected?q=13700000001")
		id := protectedIDs(page)["+8613700000001"]
		if id == "" || !strings.Contains(page, `href="/ops/protected/`+id+`/delete"`) {
			t.Fatalf("no remove link for the mobile:\n%s", page)
		}
		confirm := "/ops/protected/" + id + "/delete"
		resp, body := ops.get(confirm)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "ops.protected.remove_confirm", "value", "+8613700000001"),
			`action="`+confirm+`"`)
		resp, body = ops.submit(confirm, confirm, url.Values{})
		mustRedirect(t, resp, body, "/ops/protected?removed=1")
		resp, body = ops.get("/ops/protected?removed=1&q=direct")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "ops.protected.removed"), "boss@direct.example.com")
		resp, body = ops.get("/ops/protected?q=13700000001")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "ops.protected.empty"))
		resp, body = ops.get(confirm)
		mustStatus(t, resp, body, http.StatusNotFound)
	})
}

func TestOpsPartnerTestAccount(t *testing.T) {
	s := mustSite(t)
	sp2 := s.partner(t, "sp2")
	ops := s.browser(t)
	ops.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)
	show := "/ops/partners/" + sp2.PartnerID
	isTest := func(t *testing.T) bool {
		t.Helper()
		st, err := s.app.Identity.PartnerStanding(t.Context(), sp2.PartnerID)
		if err != nil {
			t.Fatal(err)
		}
		return st.IsTest
	}

	resp, body := ops.get(show)
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "partner.test_account"), tr(i18n.ZH, "ops.partners.mark_test"),
		`<span id="test-account">`+tr(i18n.ZH, "partner.test_account.no")+`</span>`)

	t.Run("OK/Mark", func(t *testing.T) {
		resp, body := ops.submit(show, show+"/test", url.Values{"is_test": {"true"}})
		mustRedirect(t, resp, body, show+"?saved=1")
		resp, body = ops.get(show + "?saved=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "ops.partners.saved"),
			`<span id="test-account">`+tr(i18n.ZH, "partner.test_account.yes")+`</span>`, tr(i18n.ZH, "ops.partners.unmark_test"),
			`name="is_test" value="false"`)
		if !isTest(t) {
			t.Fatal("the partner is not a test account")
		}
	})

	t.Run("ErrCSRF", func(t *testing.T) {
		resp, body := ops.post(show+"/test", url.Values{"is_test": {"false"}})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.csrf"))
		if !isTest(t) {
			t.Fatal("a forged form changed the mark")
		}
	})

	t.Run("ErrForbidden/Reviewer", func(t *testing.T) {
		rev := reviewerBrowser(t, s)
		resp, body := rev.get(show)
		mustStatus(t, resp, body, http.StatusOK, `<span id="test-account">`+tr(i18n.ZH, "partner.test_account.yes")+`</span>`)
		if strings.Contains(body, `id="test-form"`) {
			t.Error("a reviewer is offered the test-account toggle")
		}
		resp, body = rev.submit(show, show+"/test", url.Values{"is_test": {"false"}})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.forbidden"))
		if !isTest(t) {
			t.Fatal("a reviewer changed the mark")
		}
	})

	t.Run("PartnerSession", func(t *testing.T) {
		partner := s.browser(t)
		partner.mustSignIn(sp2.DomainName, sp2.Admin.Password)
		_, page := partner.get("/")
		resp, body := partner.post(show+"/test", url.Values{"csrf_token": {csrf(t, page)}, "is_test": {"false"}})
		mustRedirect(t, resp, body, "/ops/signin")
		if !isTest(t) {
			t.Fatal("a partner session changed the mark")
		}
	})

	t.Run("OK/Unmark", func(t *testing.T) {
		resp, body := ops.submit(show, show+"/test", url.Values{"is_test": {"false"}})
		mustRedirect(t, resp, body, show+"?saved=1")
		if isTest(t) {
			t.Fatal("the partner is still a test account")
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		unknown := "/ops/partners/00000000000000000000000000000000"
		resp, body := ops.submit(show, unknown+"/test", url.Values{"is_test": {"true"}})
		mustStatus(t, resp, body, http.StatusNotFound)
	})
}
