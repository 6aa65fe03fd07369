package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestProspectToRevealedCustomer is customer development end to end in a
// real browser: the admin reports a prospect that has no e-mail, adds the
// e-mail while inviting it, and the prospect opens the link from the outbox,
// registers with the SMS code from the outbox and accepts; the new customer
// is in the admin's list with its personal data masked, the admin reveals
// the mobile column (and the reveal is audited), and an account manager
// holding the customer but not the permission cannot reveal it.
func TestProspectToRevealedCustomer(t *testing.T) {
	s := startServer(t)
	sp := s.Demo.Partner(t, "sp")
	admin := newBrowser(t, withLanguage("zh-CN"))
	if status := partnerSignIn(t, admin, s, sp.Admin.Username, "", sp.Admin.Password); status != http.StatusOK {
		t.Fatalf("admin sign-in: status %d", status)
	}
	stamp := time.Now().Format("150405")
	mobile := newCustomerMobile()
	email := "prospect-" + stamp + "@customer.example.com"
	company := "星河科技" + stamp
	account := "e2e-new-" + stamp

	var reportID string
	t.Run("admin_reports_a_prospect_without_email", func(t *testing.T) {
		navigate(t, admin, s, "/sales/prospects/new")
		fill(t, admin, [2]string{"customer_name", company}, [2]string{"contact_name", "张经理"},
			[2]string{"country_code", "0086"}, [2]string{"mobile", mobile}, [2]string{"industry", "制造"},
			[2]string{"region", "北京"}, [2]string{"intended_type", "2"})
		if status := submit(t, admin, "submit-report"); status != http.StatusOK {
			t.Fatalf("report: status %d (%s)", status, pageError(t, admin))
		}
		if loc := location(t, admin, s); !strings.HasPrefix(loc, "/sales/prospects?") && loc != "/sales/prospects" {
			t.Fatalf("after reporting: at %s, want /sales/prospects", loc)
		}
		rows, err := chromedp.Run(admin, chromedp.Evaluate[[]struct{ ID, Status string }](`[...document.querySelectorAll('#reports tbody tr[data-id]')]
			.map(r => ({ID: r.dataset.id, Status: r.dataset.status}))`))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Status == "reported" {
				reportID = r.ID
			}
		}
		if len(rows) != 1 || reportID == "" {
			t.Fatalf("reported customers %+v, want one 已报备", rows)
		}
		if got := textOf(t, admin, chromedp.CSS(`#reports tbody tr .col-mobile`)); strings.Contains(got, mobile) || !strings.Contains(got, "*") {
			t.Errorf("the reported mobile shows as %q, want it masked", got)
		}
	})
	if reportID == "" {
		t.FailNow()
	}

	t.Run("admin_adds_the_email_while_inviting", func(t *testing.T) {
		if err := chromedp.Do(admin, chromedp.Click(chromedp.ID("pick-"+reportID))); err != nil {
			t.Fatal(err)
		}
		if status := submit(t, admin, "invite"); status != http.StatusOK {
			t.Fatalf("open the invitation: status %d", status)
		}
		fill(t, admin, [2]string{"email-" + reportID, email}, [2]string{"type", "2"})
		if status := submit(t, admin, "preview-button"); status != http.StatusOK {
			t.Fatalf("preview: status %d (%s)", status, pageError(t, admin))
		}
		if body := textOf(t, admin, chromedp.ID("preview-body")); !strings.Contains(body, "/customer/invite/") {
			t.Errorf("the preview shows no invitation link: %q", body)
		}
		if status := submit(t, admin, "send"); status != http.StatusOK {
			t.Fatalf("send: status %d (%s)", status, pageError(t, admin))
		}
	})

	link := outboxLink(t, s, email)
	customer := newBrowser(t, withLanguage("zh-CN"))
	t.Run("prospect_registers_through_the_link_and_accepts", func(t *testing.T) {
		navigate(t, customer, s, link)
		if got := textOf(t, customer, chromedp.ID("offer-type")); got == "" {
			t.Fatal("the invitation shows no association type")
		}
		fill(t, customer, [2]string{"new-name", account}, [2]string{"new-password", "Cust0mer-pass"}, [2]string{"mobile", mobile})
		if status := submit(t, customer, "send-code"); status != http.StatusOK {
			t.Fatalf("send code: status %d (%s)", status, pageError(t, customer))
		}
		code := outboxVerificationCode(t, s, "+86"+mobile)
		fill(t, customer, [2]string{"new-name", account}, [2]string{"new-password", "Cust0mer-pass"},
			[2]string{"mobile", mobile}, [2]string{"code", code})
		if _, err := chromedp.Run(customer, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('#invite-register-form input[type=checkbox]')
			.forEach(e => e.checked = true)`)); err != nil {
			t.Fatal(err)
		}
		if status := submit(t, customer, "register"); status != http.StatusOK {
			t.Fatalf("register: status %d (%s)", status, pageError(t, customer))
		}
		if loc := location(t, customer, s); !strings.HasPrefix(loc, "/customer/partner") {
			t.Fatalf("after accepting: at %s, want /customer/partner", loc)
		}
		if got := textOf(t, customer, chromedp.ID("partner-name")); got == "" {
			t.Error("我的合作伙伴 names no partner")
		}
	})

	var customerID string
	t.Run("customer_listed_masked_and_admin_reveals_the_mobile", func(t *testing.T) {
		navigate(t, admin, s, "/sales/customers?account="+url.QueryEscape(account))
		id, err := chromedp.Run(admin, chromedp.Evaluate[string](`[...document.querySelectorAll('table tbody tr[data-customer]')]
			.map(r => r.dataset.customer)[0] || ""`))
		if err != nil {
			t.Fatal(err)
		}
		customerID = id
		if customerID == "" {
			t.Fatalf("the list has no customer %s", account)
		}
		cell := chromedp.ID("cell-mobile-" + customerID)
		masked := textOf(t, admin, cell)
		if strings.Contains(masked, mobile) || !strings.Contains(masked, "*") {
			t.Fatalf("mobile cell = %q, want it masked", masked)
		}
		if got := textOf(t, admin, chromedp.ID("cell-account_name-"+customerID)); got == account {
			t.Errorf("account name cell = %q, want it masked", got)
		}
		if err := chromedp.Do(admin, chromedp.Click(chromedp.ID("reveal-mobile"))); err != nil {
			t.Fatal(err)
		}
		waitText(t, admin, "#cell-mobile-"+customerID, "+86 "+mobile)

		navigate(t, admin, s, "/sales/customers/reveals")
		page := textOf(t, admin, chromedp.CSS("main"))
		if !strings.Contains(page, sp.Admin.Username) {
			t.Errorf("the reveal audit does not name %s: %q", sp.Admin.Username, page)
		}
	})
	if customerID == "" {
		t.FailNow()
	}

	t.Run("account_manager_without_the_permission_cannot_reveal", func(t *testing.T) {
		managerAccount := "e2e-am-" + stamp
		navigate(t, admin, s, "/org/members/new")
		fill(t, admin, [2]string{"account_name", managerAccount}, [2]string{"display_name", "客户经理" + stamp},
			[2]string{"email", managerAccount + "@partner.example.com"})
		checkOnly(t, admin, "roles", roleManager)
		if status := submit(t, admin, "create"); status != http.StatusCreated {
			t.Fatalf("create the account manager: status %d", status)
		}
		password := textOf(t, admin, chromedp.ID("member-password"))

		// The admin assigns the new customer to the manager.
		navigate(t, admin, s, "/sales/customers/assign?id="+customerID)
		picked, err := chromedp.Run(admin, chromedp.Evaluate[bool](`(() => {
			const sel = document.getElementById('assign-member');
			const opt = [...sel.options].find(o => o.text.includes(`+jsString(managerAccount)+`));
			if (!opt) return false;
			sel.value = opt.value;
			document.querySelectorAll('#assign-form input[name=ids]').forEach(e => e.checked = true);
			return true;
		})()`))
		if err != nil || !picked {
			t.Fatalf("choose the manager: %v (found %v)", err, picked)
		}
		if status := submit(t, admin, "assign-submit"); status != http.StatusOK {
			t.Fatalf("assign: status %d (%s)", status, pageError(t, admin))
		}

		manager := newBrowser(t, withLanguage("zh-CN"))
		if status := partnerSignIn(t, manager, s, sp.DomainName, managerAccount, password); status != http.StatusOK {
			t.Fatalf("manager sign-in: status %d", status)
		}
		fill(t, manager, [2]string{"old_password", password}, [2]string{"new_password", "E2e-manager1"},
			[2]string{"confirm_password", "E2e-manager1"})
		if status := submit(t, manager, "change"); status != http.StatusOK {
			t.Fatalf("change password: status %d", status)
		}
		navigate(t, manager, s, "/sales/customers")
		masked := textOf(t, manager, chromedp.ID("cell-mobile-"+customerID))
		if strings.Contains(masked, mobile) {
			t.Fatalf("the manager sees the mobile %q", masked)
		}
		eyes, err := chromedp.Run(manager, chromedp.Evaluate[int](`document.querySelectorAll('button.eye').length`))
		if err != nil {
			t.Fatal(err)
		}
		if eyes != 0 {
			t.Errorf("the manager is shown %d eye buttons", eyes)
		}
		// Asking the server anyway is refused and reveals nothing.
		answer, err := chromedp.Run(manager, chromedp.Evaluate[string](`(async () => {
			const token = document.querySelector('input[name=csrf_token]').value;
			const body = new URLSearchParams({csrf_token: token, column: 'mobile', reveal_ids: `+jsString(customerID)+`});
			const r = await fetch('/sales/customers/reveal', {method: 'POST', body, headers: {'HX-Request': 'true'}});
			return r.status + ' ' + await r.text();
		})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(answer, mobile) || !strings.Contains(answer, "error") {
			t.Errorf("the manager's reveal answered %q, want a refusal without the mobile", answer)
		}
	})
}

var invitationLink = regexp.MustCompile(`https?://[^\s"<>]+/customer/invite/[A-Za-z0-9_-]+`)

// outboxLink returns the path of the invitation link in the newest message
// to address.
func outboxLink(t *testing.T, s *Server, address string) string {
	t.Helper()
	cmd := exec.Command(binPath, "outbox", "--data", s.DataDir, "--json", "--to", address)
	cmd.Env = s.env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("partnercenter outbox: %v", err)
	}
	var msgs []struct {
		Body string `json:"body"`
	}
	if err := json.Unmarshal(out, &msgs); err != nil || len(msgs) == 0 {
		t.Fatalf("no message to %s (%v): %s", address, err, out)
	}
	raw := invitationLink.FindString(msgs[0].Body)
	if raw == "" {
		t.Fatalf("no invitation link in the message to %s: %q", address, msgs[0].Body)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// pageError is the page's #error text, if any, for failure messages.
func pageError(t *testing.T, ctx context.Context) string {
	t.Helper()
	msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById('error') || {}).textContent || ''`))
	return strings.TrimSpace(msg)
}
