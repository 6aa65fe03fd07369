package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/notify"
	"partnercenter/internal/platform/i18n"
)

func TestSupportNotifications(t *testing.T) {
	s := mustSite(t)
	ctx := context.Background()
	sp, sp2 := s.partner(t, "sp"), s.partner(t, "sp2")
	// The node's queue is not started, so the notice stays as the test
	// leaves it; mark it delivered so it may be resent.
	if err := s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		return s.app.Notify.EnqueueTx(ctx, tx, notify.Notice{PartnerID: sp.PartnerID, DomainID: "0123456789abcdef0123456789abcdef",
			DomainName: "bound-customer", XUserID: "platform-user-1", Action: notify.ActionBind})
	}); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := s.app.DB.SQL.QueryRow("UPDATE binding_notices SET status = 'delivered', attempts = 1 WHERE partner_id = $1 AND xuser_id = $2 RETURNING id",
		sp.PartnerID, "platform-user-1").Scan(&id); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustSignIn(sp.DomainName, sp.Admin.Password)

	t.Run("OKPage", func(t *testing.T) {
		resp, body := b.get("/support/notifications")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "notify.title"), "bound-customer", "platform-user-1",
			tr(i18n.ZH, "notify.action.bind"), tr(i18n.ZH, "notify.status.delivered"), `href="/support/access"`,
			`action="/support/notifications/`+id+`/resend"`)
		_, access := b.get("/support/access")
		if !strings.Contains(access, `href="/support/notifications"`) {
			t.Error("the access configuration page does not link the log")
		}
	})

	t.Run("ErrCSRF", func(t *testing.T) {
		resp, body := b.post("/support/notifications/"+id+"/resend", url.Values{})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.csrf"))
	})

	t.Run("OKResend", func(t *testing.T) {
		before := deliveryJobs(t, s)
		resp, body := b.submit("/support/notifications", "/support/notifications/"+id+"/resend", url.Values{})
		mustRedirect(t, resp, body, "/support/notifications?resent=1")
		resp, body = b.get("/support/notifications?resent=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "notify.resent"), tr(i18n.ZH, "notify.status.pending"))
		if got, want := deliveryJobs(t, s), before+1; got != want {
			t.Fatalf("%d delivery jobs, want %d", got, want)
		}
		// Still in flight: a second resend is refused.
		resp, body = b.submit("/support/notifications", "/support/notifications/"+id+"/resend", url.Values{})
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.notice_in_flight"))
	})

	t.Run("ErrOtherPartner", func(t *testing.T) {
		ob := s.browser(t)
		ob.mustSignIn(sp2.DomainName, sp2.Admin.Password)
		resp, body := ob.get("/support/notifications")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "notify.empty"))
		if strings.Contains(body, "platform-user-1") {
			t.Fatal("another partner sees the notice")
		}
		resp, body = ob.submit("/support/notifications", "/support/notifications/"+id+"/resend", url.Values{})
		mustStatus(t, resp, body, http.StatusNotFound, tr(i18n.ZH, "err.notice_not_found"))
	})

	t.Run("ErrForbiddenWithoutItem", func(t *testing.T) {
		main := signInActor(t, s, sp.DomainName, "", sp.Admin.Password)
		_, pw, err := s.app.Identity.CreateMember(ctx, main, identity.NewMember{AccountName: "finance8", Roles: []string{identity.PresetFinance}})
		if err != nil {
			t.Fatal(err)
		}
		member := signInActor(t, s, sp.DomainName, "finance8", pw)
		if _, err := s.app.Identity.ChangePassword(ctx, member, pw, "Finance#2025y"); err != nil {
			t.Fatal(err)
		}
		fb := s.browser(t)
		resp, body := fb.submit("/signin", "/signin", url.Values{"account": {sp.DomainName}, "member": {"finance8"}, "password": {"Finance#2025y"}})
		mustRedirect(t, resp, body, "/")
		resp, body = fb.get("/support/notifications")
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.forbidden"))
		resp, body = fb.submit("/", "/support/notifications/"+id+"/resend", url.Values{})
		mustStatus(t, resp, body, http.StatusForbidden)
	})
}

// deliveryJobs counts the node's notification jobs.
func deliveryJobs(tb testing.TB, s *site) int {
	tb.Helper()
	var n int
	if err := s.app.DB.SQL.QueryRow("SELECT COUNT(*) FROM river_job WHERE kind = 'notify.deliver'").Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestNotificationKeys: the log names statuses and actions by keys built at
// run time, which the usage scan cannot see.
func TestNotificationKeys(t *testing.T) {
	keys := []string{notify.ActionBind.Key(), notify.ActionUnbind.Key()}
	for _, st := range notify.Statuses {
		keys = append(keys, st.Key())
	}
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("message key %q missing from a catalog", k)
		}
	}
}
