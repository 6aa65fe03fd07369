package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/outbox"
)

// signedIn returns a browser with the demo partner key's admin signed in.
func (s *site) signedIn(t *testing.T, key string) *browser {
	t.Helper()
	p := s.partner(t, key)
	b := s.browser(t)
	b.mustSignIn(p.DomainName, p.Admin.Password)
	return b
}

// member creates a member of the demo partner key with roles, signed in
// with a changed password.
func (s *site) member(t *testing.T, admin *browser, key, account string, roles ...string) *browser {
	t.Helper()
	_, pw := mustCreateMember(t, admin, url.Values{"account_name": {account}, "roles": roles})
	b := s.browser(t)
	b.mustMemberSignIn(s.partner(t, key).DomainName, account, pw, "/account/password")
	b.mustChangePassword(pw, "N3w-pass-word!", "/")
	return b
}

func TestFundsPages(t *testing.T) {
	s := mustSite(t)
	sp := s.signedIn(t, "sp")
	cust := s.demoCustomer(t, "sp-reseller")
	transfer := func(b *browser, kind, target, direction, amount string) (*http.Response, string) {
		return b.submit("/sales/funds", "/sales/funds/transfer", url.Values{"kind": {kind}, "target_id": {target},
			"direction": {direction}, "amount": {amount}, "memo": {"web test"}})
	}

	t.Run("Overview", func(t *testing.T) {
		resp, body := sp.get("/sales/funds")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "funds.title"), `id="funds-balance">100000.00<`,
			`data-customer="`+cust.DomainID+`"`, `href="/sales/funds"`, `href="/sales/customers/discounts"`)
		if strings.Contains(body, `id="funds-resellers"`) {
			t.Error("a solution provider sees the resellers section")
		}
	})
	t.Run("Allocate", func(t *testing.T) {
		resp, body := transfer(sp, "customer", cust.DomainID, "allocate", "100.50")
		mustRedirect(t, resp, body, "/sales/funds?done=1")
		resp, body = sp.get("/sales/funds?done=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "funds.done"), "99899.50", ">100.50<")
	})
	t.Run("Reclaim", func(t *testing.T) {
		resp, body := transfer(sp, "customer", cust.DomainID, "reclaim", "0.50")
		mustRedirect(t, resp, body, "/sales/funds?done=1")
	})
	t.Run("ErrInsufficient", func(t *testing.T) {
		resp, body := transfer(sp, "customer", cust.DomainID, "reclaim", "100.01")
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.funds_insufficient"))
	})
	t.Run("ErrAmount", func(t *testing.T) {
		resp, body := transfer(sp, "customer", cust.DomainID, "allocate", "1.001")
		mustStatus(t, resp, body, http.StatusBadRequest)
	})
	t.Run("ErrReferral", func(t *testing.T) {
		resp, body := transfer(sp, "customer", s.demoCustomer(t, "sp-referral").DomainID, "allocate", "1")
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.funds_not_reseller_model"))
	})
	t.Run("CrossTenant", func(t *testing.T) {
		sp2 := s.signedIn(t, "sp2")
		resp, body := transfer(sp2, "customer", cust.DomainID, "reclaim", "1")
		mustStatus(t, resp, body, http.StatusBadRequest)
		resp, body = sp2.get("/sales/funds/records")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "funds.records.empty"))
	})
	t.Run("Records", func(t *testing.T) {
		resp, body := sp.get("/sales/funds/records")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "funds.op.SOURCE_OPERATION_BEADJUST"),
			tr(i18n.ZH, "funds.op.SOURCE_OPERATION_BERETRIEVE"), "100.50", "web test", tr(i18n.ZH, "page.total", "total", 2))
		resp, body = sp.get("/sales/funds/records?type=SOURCE_OPERATION_BERETRIEVE&kind=customer")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "page.total", "total", 1))
		resp, body = sp.get("/sales/funds/records?target=nobody")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "funds.records.empty"))
	})
	t.Run("Ledger", func(t *testing.T) {
		resp, body := sp.get("/sales/funds/ledger")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "funds.ledger.title"), tr(i18n.ZH, "funds.ledger_op.topup"),
			tr(i18n.ZH, "funds.ledger_op.allocate"), "-100.50", "99899.50", tr(i18n.ZH, "page.total", "total", 3))
	})
	t.Run("Distributor", func(t *testing.T) {
		dist := s.signedIn(t, "dist")
		reseller := s.partnerID(t, "reseller")
		resp, body := dist.get("/sales/funds")
		mustStatus(t, resp, body, http.StatusOK, `id="funds-resellers"`, `data-reseller="`+reseller+`"`, `id="funds-credit-limit">50000.00<`)
		resp, body = transfer(dist, "reseller", reseller, "allocate", "2000")
		mustRedirect(t, resp, body, "/sales/funds?done=1")
		resp, body = transfer(dist, "reseller", reseller, "reclaim", "2000.01")
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.funds_insufficient"))
	})
	t.Run("Access", func(t *testing.T) {
		finance := s.member(t, sp, "sp", "fin-funds", identity.PresetFinance)
		resp, body := finance.get("/sales/funds")
		mustStatus(t, resp, body, http.StatusOK, `name="direction" value="allocate"`)
		am := s.member(t, sp, "sp", "am-funds", identity.PresetAccountManager)
		resp, body = am.get("/sales/funds")
		mustStatus(t, resp, body, http.StatusForbidden)
		resp, body = am.get("/sales/customers/discounts")
		mustStatus(t, resp, body, http.StatusForbidden)
	})
	rep, err := s.app.Funds.VerifyLedger(t.Context())
	if err != nil || len(rep.Problems) > 0 {
		t.Fatalf("ledger: %v %v", err, rep.Problems)
	}
}

func TestDiscountPages(t *testing.T) {
	s := mustSite(t)
	sp := s.signedIn(t, "sp")
	ref := s.demoCustomer(t, "sp-referral")
	set := func(form url.Values) (*http.Response, string) {
		form.Set("customer_id", ref.DomainID)
		return sp.submit("/sales/customers/discounts", "/sales/customers/discounts", form)
	}
	t.Run("DemoDiscount", func(t *testing.T) {
		resp, body := sp.get("/sales/customers/discounts")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "funds.discount.title"), `data-customer="`+ref.DomainID+`"`, ">0.9<")
		if strings.Contains(body, s.demoCustomer(t, "sp-reseller").DomainID) {
			t.Error("a reseller-model customer is listed")
		}
	})
	t.Run("Set", func(t *testing.T) {
		s.exec(t, "UPDATE customers SET email = $1 WHERE id = $2", "referral@example.com", ref.DomainID)
		resp, body := set(url.Values{"rate": {"0.85"}, "effective_time": {"2025-01-01T00:00"}, "expire_time": {"2099-01-01T00:00"}})
		mustRedirect(t, resp, body, "/sales/customers/discounts?done=1")
		resp, body = sp.get("/sales/customers/discounts?done=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "funds.discount.done"), ">0.85<")
		msgs, err := s.app.Outbox.List(t.Context(), outbox.Filter{To: "referral@example.com"})
		if err != nil || len(msgs) == 0 || !strings.Contains(msgs[0].Body, "0.85") {
			t.Fatalf("no discount mail: %v %+v", err, msgs)
		}
	})
	t.Run("ErrRate", func(t *testing.T) {
		resp, body := set(url.Values{"rate": {"0.5"}, "effective_time": {"2025-01-01T00:00"}, "expire_time": {"2099-01-01T00:00"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.funds_discount_rate"))
	})
	t.Run("ErrValidity", func(t *testing.T) {
		resp, body := set(url.Values{"rate": {"0.9"}, "effective_time": {"2025-01-01T00:00"}, "expire_time": {"2024-01-01T00:00"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.funds_discount_validity"))
	})
	t.Run("Remove", func(t *testing.T) {
		resp, body := set(url.Values{"rate": {"1"}})
		mustRedirect(t, resp, body, "/sales/customers/discounts?done=1")
		resp, body = sp.get("/sales/customers/discounts")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "funds.discount.none"))
	})
	t.Run("CrossTenant", func(t *testing.T) {
		sp2 := s.signedIn(t, "sp2")
		resp, body := sp2.submit("/sales/customers/discounts", "/sales/customers/discounts",
			url.Values{"customer_id": {ref.DomainID}, "rate": {"0.9"}, "effective_time": {"2025-01-01T00:00"}, "expire_time": {"2099-01-01T00:00"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.customer_not_yours"))
	})
}

func TestOpsFundsPages(t *testing.T) {
	s := mustSite(t)
	ops := s.browser(t)
	ops.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)
	sp := s.partnerID(t, "sp")
	page := "/ops/funds?partner_id=" + sp
	t.Run("Show", func(t *testing.T) {
		resp, body := ops.get(page)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "funds.ops.title"), `id="funds-balance">100000.00<`,
			tr(i18n.ZH, "funds.ledger_op.topup"))
	})
	t.Run("TopUp", func(t *testing.T) {
		resp, body := ops.submit(page, "/ops/funds/"+sp+"/topup", url.Values{"amount": {"0.01"}, "reason": {"offline payment"}})
		mustRedirect(t, resp, body, "/ops/funds?"+url.Values{"done": {"1"}, "partner_id": {sp}}.Encode())
		resp, body = ops.get(page)
		mustStatus(t, resp, body, http.StatusOK, "100000.01", "offline payment")
	})
	t.Run("Credit", func(t *testing.T) {
		resp, body := ops.submit(page, "/ops/funds/"+sp+"/credit", url.Values{"amount": {"300"}})
		mustRedirect(t, resp, body, "/ops/funds?"+url.Values{"done": {"1"}, "partner_id": {sp}}.Encode())
		resp, body = ops.get(page)
		mustStatus(t, resp, body, http.StatusOK, `id="funds-available">100300.01<`)
	})
	t.Run("ErrAmount", func(t *testing.T) {
		resp, body := ops.submit(page, "/ops/funds/"+sp+"/topup", url.Values{"amount": {"-1"}})
		mustStatus(t, resp, body, http.StatusBadRequest)
	})
	t.Run("LedgerCheck", func(t *testing.T) {
		resp, body := ops.get("/ops/funds/ledger")
		mustStatus(t, resp, body, http.StatusOK, `id="ledger-balanced"`, tr(i18n.ZH, "funds.verify.title"))
		s.exec(t, "UPDATE fund_accounts SET balance = balance + 1 WHERE owner_id = $1", sp)
		resp, body = ops.get("/ops/funds/ledger")
		mustStatus(t, resp, body, http.StatusOK, `id="ledger-unbalanced"`, tr(i18n.ZH, "funds.verify.problems", "count", 1))
	})
	t.Run("PartnerRefused", func(t *testing.T) {
		resp, _ := s.signedIn(t, "sp").get("/ops/funds")
		if resp.StatusCode == http.StatusOK {
			t.Fatal("a partner reaches the operator's funds page")
		}
	})
}

// TestFundsRuntimeKeys checks the message keys the funds pages build at run
// time.
func TestFundsRuntimeKeys(t *testing.T) {
	keys := []string{"funds.target." + funds.TargetCustomer, "funds.target." + funds.TargetReseller}
	for _, op := range []string{funds.OpTypeAdjust, funds.OpTypeRetrieve, funds.OpTypeUnbind} {
		keys = append(keys, "funds.op."+op)
	}
	for _, op := range []string{funds.OpTopUp, funds.OpCreditLine, funds.OpAllocate, funds.OpReclaim, funds.OpDebit, funds.OpRefund} {
		keys = append(keys, "funds.ledger_op."+op)
	}
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("missing message key %s", k)
		}
	}
}
