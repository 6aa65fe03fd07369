package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"partnercenter/internal/platform/i18n"
)

var (
	opPassword = regexp.MustCompile(`id="op-password">([^<]+)<`)
	opLink     = regexp.MustCompile(`<a href="/ops/operators/([0-9a-f]{32})">`)
)

func TestOpsOperators(t *testing.T) {
	s := mustSite(t)
	ops := s.browser(t)
	ops.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)

	t.Run("OK/List", func(t *testing.T) {
		resp, body := ops.get("/ops/operators")
		mustStatus(t, resp, body, http.StatusOK, `id="operators"`, s.demo.Operator.Username,
			tr(i18n.ZH, "operator.role.platform_admin"), `href="/ops/operators"`, tr(i18n.ZH, "nav.ops.operators"))
	})

	t.Run("ErrOperatorRoles/KeepsInput", func(t *testing.T) {
		resp, body := ops.submit("/ops/operators/new", "/ops/operators", url.Values{"username": {"pdm.wang"},
			"display_name": {"王生态"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.operator_roles"), `value="pdm.wang"`, `value="王生态"`)
		if opPassword.MatchString(body) {
			t.Error("a refused creation shows a password")
		}
	})

	var id, password string
	t.Run("OK/Create", func(t *testing.T) {
		resp, body := ops.submit("/ops/operators/new", "/ops/operators", url.Values{"username": {"pdm.wang"},
			"display_name": {"王生态"}, "email": {"wang@cloud.example.com"}, "roles": {"eco_manager"}})
		mustStatus(t, resp, body, http.StatusCreated, tr(i18n.ZH, "ops.operators.created"), "pdm.wang")
		m, l := opPassword.FindStringSubmatch(body), opLink.FindStringSubmatch(body)
		if m == nil || l == nil {
			t.Fatalf("no one-time password or link:\n%s", body)
		}
		password, id = html.UnescapeString(m[1]), l[1]
		resp, body = ops.get("/ops/operators/" + id)
		mustStatus(t, resp, body, http.StatusOK, "王生态", tr(i18n.ZH, "operator.role.eco_manager"), "w***@cloud.example.com")
		if strings.Contains(body, password) {
			t.Error("the operator page shows the one-time password again")
		}
	})

	t.Run("OK/ForcedChange", func(t *testing.T) {
		b := s.browser(t)
		b.mustOpsSignIn("pdm.wang", password)
		resp, body := b.get("/ops/partners")
		mustRedirect(t, resp, body, "/ops/account/password")
		// An eco manager has no operator administration.
		resp, body = b.submit("/ops/account/password", "/ops/account/password", url.Values{"old_password": {password},
			"new_password": {"Changed-pass1"}, "confirm_password": {"Changed-pass1"}})
		mustRedirect(t, resp, body, "/ops/")
		resp, body = b.get("/ops/partners")
		mustStatus(t, resp, body, http.StatusOK)
		if strings.Contains(body, `href="/ops/operators"`) {
			t.Error("an eco manager sees the operators menu")
		}
		resp, body = b.get("/ops/operators")
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.forbidden"))
	})

	t.Run("OK/SetRoles", func(t *testing.T) {
		resp, body := ops.submit("/ops/operators/"+id, "/ops/operators/"+id+"/roles", url.Values{"roles": {"reviewer", "eco_manager"}})
		mustRedirect(t, resp, body, "/ops/operators/"+id+"?saved=1")
		resp, body = ops.get("/ops/operators/" + id)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "operator.role.reviewer"))
	})

	t.Run("ErrOperatorSelfAdmin", func(t *testing.T) {
		op, err := s.app.Identity.OperatorByUsername(t.Context(), s.demo.Operator.Username)
		if err != nil {
			t.Fatal(err)
		}
		resp, body := ops.submit("/ops/operators/"+op.ID, "/ops/operators/"+op.ID+"/roles", url.Values{"roles": {"reviewer"}})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.operator_self_admin"))
	})

	t.Run("OK/DisableEnable", func(t *testing.T) {
		resp, body := ops.submit("/ops/operators/"+id, "/ops/operators/"+id+"/status", url.Values{"status": {"disabled"}})
		mustRedirect(t, resp, body, "/ops/operators/"+id+"?saved=1")
		resp, body = ops.get("/ops/operators/" + id)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "member.status.disabled"), `id="enable"`)
		resp, body = ops.submit("/ops/operators/"+id, "/ops/operators/"+id+"/status", url.Values{"status": {"active"}})
		mustRedirect(t, resp, body, "/ops/operators/"+id+"?saved=1")
	})

	t.Run("OK/ResetPassword", func(t *testing.T) {
		resp, body := ops.submit("/ops/operators/"+id, "/ops/operators/"+id+"/password", url.Values{})
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "ops.operators.password_reset_done"))
		m := opPassword.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no one-time password:\n%s", body)
		}
		b := s.browser(t)
		b.mustOpsSignIn("pdm.wang", html.UnescapeString(m[1]))
		resp, body = b.get("/ops/")
		mustRedirect(t, resp, body, "/ops/account/password")
	})

	t.Run("ErrCSRF", func(t *testing.T) {
		resp, body := ops.post("/ops/operators", url.Values{"csrf_token": {"forged"}, "username": {"forged1"}, "roles": {"reviewer"}})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.csrf"))
	})

	t.Run("PartnerSessionIsRedirected", func(t *testing.T) {
		sp := s.partner(t, "sp")
		b := s.browser(t)
		b.mustSignIn(sp.DomainName, sp.Admin.Password)
		resp, body := b.get("/ops/operators")
		mustRedirect(t, resp, body, "/ops/signin?next=%2Fops%2Foperators")
	})
}

// TestOpsPasswordChange: the operator's session that changes the password
// goes on; its other sessions end.
func TestOpsPasswordChange(t *testing.T) {
	s := mustSite(t)
	one, two := s.browser(t), s.browser(t)
	one.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)
	two.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)

	resp, body := one.submit("/ops/account/password", "/ops/account/password", url.Values{"old_password": {"Wrong-pass1"},
		"new_password": {"Changed-pass1"}, "confirm_password": {"Changed-pass1"}})
	mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.old_password_wrong"))

	resp, body = one.submit("/ops/account/password", "/ops/account/password", url.Values{"old_password": {s.demo.Operator.Password},
		"new_password": {"Changed-pass1"}, "confirm_password": {"Changed-pass1"}})
	mustRedirect(t, resp, body, "/ops/")
	resp, body = one.get("/ops/partners")
	mustStatus(t, resp, body, http.StatusOK)
	resp, body = two.get("/ops/partners")
	mustRedirect(t, resp, body, "/ops/signin?next=%2Fops%2Fpartners")
	s.browser(t).mustOpsSignIn(s.demo.Operator.Username, "Changed-pass1")
}
