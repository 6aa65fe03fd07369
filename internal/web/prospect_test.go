package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/mask"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/prospect"
)

// mustPartnerless inserts a customer account without a partner, registered
// age ago, as the cloud's own sign-up would have made it.
func (s *site) mustPartnerless(tb testing.TB, name, mobile string, age time.Duration) {
	tb.Helper()
	at := time.Now().UTC().Add(-age)
	if _, err := s.app.DB.SQL.Exec(`INSERT INTO customers (id, domain_name, domain_name_key, mobile_country_code, mobile,
		password_hash, created_at, updated_at) VALUES ($1, $2, $3, '0086', $4, $5, $6, $6)`,
		ids.New(), name, strings.ToLower(name), mobile, identity.HashPassword(customerPassword), at); err != nil {
		tb.Fatal(err)
	}
}

// mainActor is the demo partner's main account as an actor.
func (s *site) mainActor(tb testing.TB, key string) identity.Actor {
	tb.Helper()
	ctx := context.Background()
	p, err := s.app.Identity.PartnerByDomainName(ctx, s.partner(tb, key).DomainName)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := s.app.Identity.MainMember(ctx, p.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return m.Actor(p)
}

func TestProspectReportForm(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	b := s.browser(t)
	b.mustSignIn(sp.Admin.Username, sp.Admin.Password)

	resp, body := b.get("/sales/prospects")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "prospect.title"), tr(i18n.ZH, "prospect.tabs.offline"), `href="/sales/prospects/new"`)

	mobile := "13700001111"
	form := url.Values{"customer_name": {"华为测试客户有限公司"}, "contact_name": {"李四"}, "country_code": {"+86"},
		"mobile": {mobile}, "email": {"lisi@example.com"}, "intended_type": {"2"}, "industry": {"制造"}, "region": {"华东"}}
	resp, body = b.submit("/sales/prospects/new", "/sales/prospects", form)
	mustRedirect(t, resp, body, "/sales/prospects?reported=reported")

	resp, body = b.get("/sales/prospects")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "prospect.status.reported"), mask.Mobile("+86 "+mobile))
	if strings.Contains(body, mobile) || strings.Contains(body, "lisi@example.com") {
		t.Error("the list shows personal data unmasked")
	}

	t.Run("ErrAlreadyReported", func(t *testing.T) {
		resp, body := b.submit("/sales/prospects/new", "/sales/prospects", form)
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.prospect_already_reported"))
	})
	t.Run("ErrReportedByOther", func(t *testing.T) {
		sp2 := s.partner(t, "sp2")
		other := s.browser(t)
		other.mustSignIn(sp2.Admin.Username, sp2.Admin.Password)
		resp, body := other.submit("/sales/prospects/new", "/sales/prospects", form)
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.prospect_reported_by_other"))
		// And it does not see the first partner's report.
		resp, body = other.get("/sales/prospects")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "prospect.empty"))
	})
	t.Run("Chooser", func(t *testing.T) {
		shared := "13700002222"
		s.mustPartnerless(t, "chooser-one", shared, time.Hour)
		s.mustPartnerless(t, "chooser-two", shared, time.Hour)
		f := url.Values{"customer_name": {"Chooser Ltd"}, "mobile": {shared}, "intended_type": {"2"}}
		resp, body := b.submit("/sales/prospects/new", "/sales/prospects", f)
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.prospect_choose_account"),
			mask.AccountName("chooser-one"), mask.AccountName("chooser-two"))
		if strings.Contains(body, "chooser-one") {
			t.Error("the chooser shows an account name unmasked")
		}
		m := regexp.MustCompile(`name="account_id" value="([0-9a-f]{32})"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no account to choose:\n%s", body)
		}
		f.Set("account_id", m[1])
		f.Set("csrf_token", csrf(t, body))
		resp, body = b.post("/sales/prospects", f)
		mustRedirect(t, resp, body, "/sales/prospects?reported=reported")
	})
	t.Run("RevealIsAudited", func(t *testing.T) {
		resp, body := b.get("/sales/prospects?reveal=mobile")
		mustStatus(t, resp, body, http.StatusOK, "+86 "+mobile)
		var n int
		if err := s.app.DB.SQL.QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'prospect.reveal' AND target = 'mobile'").Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d reveal audit rows (%v), want 1", n, err)
		}
	})
	t.Run("CapDisablesButton", func(t *testing.T) {
		ctx := context.Background()
		a := s.mainActor(t, "sp")
		for i := 0; ; i++ {
			_, _, err := s.app.Prospects.Report(ctx, a, prospect.NewReport{CustomerName: "Cap",
				Email: fmt.Sprintf("cap%03d@example.com", i), IntendedType: customer.Reseller})
			if err != nil {
				break
			}
		}
		resp, body := b.get("/sales/prospects")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "err.prospect_cap", "max", prospect.MaxActiveReports))
		if !strings.Contains(body, `disabled id="new-report"`) {
			t.Error("the report button is not disabled at the cap")
		}
	})
}

var linkIn = regexp.MustCompile(`/customer/invite/[A-Za-z0-9_-]+`)

func TestProspectInviteFlow(t *testing.T) {
	s := mustSite(t)
	ctx := context.Background()
	sp := s.partner(t, "sp")
	b := s.browser(t)
	b.mustSignIn(sp.Admin.Username, sp.Admin.Password)
	rep, _, err := s.app.Prospects.Report(ctx, s.mainActor(t, "sp"), prospect.NewReport{CustomerName: "Invitee Co",
		Mobile: "13700003333", IntendedType: customer.Reseller})
	if err != nil {
		t.Fatal(err)
	}
	// Another partner cannot open the dialog for it.
	sp2 := s.partner(t, "sp2")
	other := s.browser(t)
	other.mustSignIn(sp2.Admin.Username, sp2.Admin.Password)
	resp, body := other.get("/sales/prospects/invite?id=" + rep.ID)
	mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.prospect_invite_none"))

	resp, page := b.get("/sales/prospects/invite?id=" + rep.ID)
	mustStatus(t, resp, page, http.StatusOK, `name="email_`+rep.ID+`"`)
	email := "invitee@example.com"
	form := url.Values{"csrf_token": {csrf(t, page)}, "id": {rep.ID}, "type": {"2"}}
	resp, body = b.post("/sales/prospects/invite", form)
	mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.prospect_invite_email_missing", "name", "Invitee Co"))
	form.Set("email_"+rep.ID, email)
	resp, body = b.post("/sales/prospects/invite/preview", form)
	mustStatus(t, resp, body, http.StatusOK, `id="preview-subject"`, s.partnerName(t, "sp"))
	resp, body = b.post("/sales/prospects/invite", form)
	mustRedirect(t, resp, body, "/sales/prospects/history?sent=1")
	resp, body = b.get("/sales/prospects/history")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "prospect.invitation.sent"))

	msgs, err := s.app.Outbox.List(ctx, outbox.Filter{To: email, Limit: 1})
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox: %v %v", msgs, err)
	}
	link := linkIn.FindString(msgs[0].Body)
	if link == "" {
		t.Fatalf("no link in %q", msgs[0].Body)
	}

	c := s.browser(t)
	resp, page = c.get(link)
	mustStatus(t, resp, page, http.StatusOK, s.partnerName(t, "sp"), tr(i18n.ZH, "prospect.accept.notice_title"))
	mobile := "13700004444"
	resp, page = c.post(link+"/code", url.Values{"csrf_token": {csrf(t, page)}, "mobile": {mobile}})
	mustStatus(t, resp, page, http.StatusOK, tr(i18n.ZH, "prospect.accept.code_sent"))
	sms, err := s.app.Outbox.List(ctx, outbox.Filter{To: "+86" + mobile, Limit: 1})
	if err != nil || len(sms) != 1 {
		t.Fatalf("sms: %v %v", sms, err)
	}
	code := regexp.MustCompile(`\b\d{6}\b`).FindString(sms[0].Body)
	reg := url.Values{"csrf_token": {csrf(t, page)}, "domain_name": {"invited-cust"}, "password": {customerPassword},
		"mobile": {mobile}, "code": {code}, "data_sharing": {"1"}}
	resp, body = c.post(link+"/register", reg)
	mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.prospect_invite_consent"))
	reg.Set("notice", "1")
	resp, body = c.post(link+"/register", reg)
	mustRedirect(t, resp, body, "/customer/partner?associated=1")
	resp, body = c.get("/customer/partner")
	mustStatus(t, resp, body, http.StatusOK, s.partnerName(t, "sp"))
	got, err := s.app.Customers.CustomerByDomainName(ctx, "invited-cust")
	if err != nil || !got.Frozen() {
		t.Fatalf("invited customer %+v (%v), want frozen", got, err)
	}

	// The link is spent.
	resp, body = s.browser(t).get(link)
	mustStatus(t, resp, body, http.StatusGone, tr(i18n.ZH, "err.prospect_invite_used"))
	resp, body = b.get("/sales/prospects/history")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "prospect.invitation.associated"))
	resp, body = s.browser(t).get("/customer/invite/unknown-token")
	mustStatus(t, resp, body, http.StatusNotFound, tr(i18n.ZH, "err.prospect_invite_unknown"))
}

// partnerName is the demo partner's company name.
func (s *site) partnerName(tb testing.TB, key string) string {
	tb.Helper()
	p, err := s.app.Identity.PartnerByDomainName(context.Background(), s.partner(tb, key).DomainName)
	if err != nil {
		tb.Fatal(err)
	}
	return p.Name
}

func TestProspectGenericLinkQR(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	b := s.browser(t)
	b.mustSignIn(sp.Admin.Username, sp.Admin.Password)
	resp, body := b.get("/sales/prospects/offline")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "prospect.offline.none"))
	resp, body = b.get("/sales/prospects/offline/qr.png")
	mustStatus(t, resp, body, http.StatusNotFound)
	resp, body = b.submit("/sales/prospects/offline", "/sales/prospects/offline/link", url.Values{"type": {"2"}})
	mustRedirect(t, resp, body, "/sales/prospects/offline?created=1")
	resp, body = b.get("/sales/prospects/offline")
	mustStatus(t, resp, body, http.StatusOK, `src="/sales/prospects/offline/qr.png"`)
	link := linkIn.FindString(body)
	if link == "" {
		t.Fatalf("no link on the page:\n%s", body)
	}
	resp, body = b.get("/sales/prospects/offline/qr.png")
	if got := resp.Header.Get("Content-Type"); got != "image/png" {
		t.Fatalf("content type %q", got)
	}
	img, err := png.Decode(bytes.NewReader([]byte(body)))
	if err != nil || img.Bounds().Dx() < 100 {
		t.Fatalf("not a QR image: %v", err)
	}

	// A customer through the link gets the member as account manager.
	c := s.browser(t)
	resp, page := c.get(link)
	mustStatus(t, resp, page, http.StatusOK, s.partnerName(t, "sp"))
	s.mustPartnerless(t, "link-customer", "13700005555", time.Hour)
	resp, body = c.post(link+"/signin", url.Values{"csrf_token": {csrf(t, page)}, "account": {"link-customer"},
		"password": {customerPassword}, "notice": {"1"}, "data_sharing": {"1"}})
	mustRedirect(t, resp, body, "/customer/partner?associated=1")
	got, err := s.app.Customers.CustomerByDomainName(context.Background(), "link-customer")
	if err != nil || got.AccountManagerID != s.mainActor(t, "sp").ID {
		t.Fatalf("customer %+v (%v), want managed by the main account", got, err)
	}
}

func TestOpsReportReview(t *testing.T) {
	s := mustSite(t)
	ctx := context.Background()
	s.mustPartnerless(t, "old-account", "13700006666", 30*24*time.Hour)
	rep, _, err := s.app.Prospects.Report(ctx, s.mainActor(t, "sp"), prospect.NewReport{CustomerName: "Old Account Co",
		Mobile: "13700006666", IntendedType: customer.Reseller})
	if err != nil || rep.Status != prospect.StatusPending {
		t.Fatalf("report %+v (%v), want pending", rep, err)
	}
	b := s.browser(t)
	b.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)
	resp, body := b.get("/ops/reports")
	mustStatus(t, resp, body, http.StatusOK, "Old Account Co", tr(i18n.ZH, "prospect.cause.registered_7d"))
	resp, page := b.get("/ops/reports/" + rep.ID)
	mustStatus(t, resp, page, http.StatusOK, "13700006666")
	resp, body = b.post("/ops/reports/"+rep.ID+"/reject", url.Values{"csrf_token": {csrf(t, page)}, "reason": {" "}})
	mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.prospect_reject_reason"))
	resp, body = b.post("/ops/reports/"+rep.ID+"/approve", url.Values{"csrf_token": {csrf(t, page)}})
	mustRedirect(t, resp, body, "/ops/reports?done=approved")
	var status string
	if err := s.app.DB.SQL.QueryRow("SELECT status FROM prospect_reports WHERE id = $1", rep.ID).Scan(&status); err != nil || status != "reported" {
		t.Fatalf("status %q (%v), want reported", status, err)
	}
	// Partners cannot reach the review.
	sp := s.partner(t, "sp")
	p := s.browser(t)
	p.mustSignIn(sp.Admin.Username, sp.Admin.Password)
	resp, body = p.get("/ops/reports")
	if resp.StatusCode == http.StatusOK {
		t.Fatal("a partner opened the review list")
	}
}
