package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/notify"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/mask"
	"partnercenter/internal/platform/outbox"
)

var relMobileSeq atomic.Int64

// mustRelCustomer is a customer of the demo partner key with a password,
// a platform binding and a mobile, for the confirmation codes.
func (s *site) mustRelCustomer(tb testing.TB, key, name string) customer.Customer {
	tb.Helper()
	c := s.mustCustomer(tb, key, name)
	c.MobileCountryCode, c.Mobile = "0086", fmt.Sprintf("137%08d", relMobileSeq.Add(1))
	if _, err := s.app.DB.SQL.Exec("UPDATE customers SET mobile_country_code = $1, mobile = $2 WHERE id = $3",
		c.MobileCountryCode, c.Mobile, c.ID); err != nil {
		tb.Fatal(err)
	}
	return c
}

// unbindNotices counts the unbind binding notices queued for a customer.
func (s *site) unbindNotices(tb testing.TB, customerID string) int {
	tb.Helper()
	var n int
	if err := s.app.DB.SQL.QueryRow("SELECT COUNT(*) FROM binding_notices WHERE domain_id = $1 AND bind_action = $2",
		customerID, int(notify.ActionUnbind)).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func (s *site) associated(tb testing.TB, customerID string) bool {
	tb.Helper()
	_, ok, err := s.app.Customers.CurrentAssociation(context.Background(), customerID)
	if err != nil {
		tb.Fatal(err)
	}
	return ok
}

var requestRow = regexp.MustCompile(`data-request="([0-9a-f]{32})"`)

// TestRelationPartnerPages: 关联关系管理 of one customer shows the masked
// customer and its records and files a request (CSRF-checked); 关联关系操作记录
// lists it; another partner and a member without the permission item see
// neither.
func TestRelationPartnerPages(t *testing.T) {
	s := mustSite(t)
	c := s.mustRelCustomer(t, "sp", "rel-partner-cust")
	sp, sp2 := s.partner(t, "sp"), s.partner(t, "sp2")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	page := "/sales/customers/" + c.ID + "/relations"

	resp, body := admin.get(page)
	mustStatus(t, resp, body, http.StatusOK, mask.AccountName(c.DomainName), `id="relation-request-form"`, `id="relation-records"`,
		tr(i18n.ZH, "relations.type.reseller"), tr(i18n.ZH, "relations.partner.switch_to", "type", tr(i18n.ZH, "relations.type.referral")))
	if strings.Contains(body, c.DomainName) {
		t.Error("the page shows the customer's account name unmasked")
	}

	t.Run("ErrCSRF", func(t *testing.T) {
		resp, body := admin.post(page+"/requests", url.Values{"kind": {"disassociate"}})
		mustStatus(t, resp, body, http.StatusForbidden)
	})
	t.Run("ErrInvalidKind", func(t *testing.T) {
		resp, body := admin.submit(page, page+"/requests", url.Values{"kind": {"nonsense"}})
		mustStatus(t, resp, body, http.StatusBadRequest, `id="error"`)
	})
	t.Run("Request", func(t *testing.T) {
		resp, body := admin.submit(page, page+"/requests", url.Values{"kind": {"disassociate"}, "reason": {"contract ended"}})
		mustRedirect(t, resp, body, page+"?requested=1")
		resp, body = admin.get(page + "?requested=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "relations.partner.requested"), `id="relation-open"`, "contract ended",
			tr(i18n.ZH, "relations.status.pending"))
		if strings.Contains(body, `id="relation-request-form"`) {
			t.Fatal("the form is offered while a request is open")
		}
		// A second request is refused with the reason.
		resp, body = admin.post(page+"/requests", url.Values{"kind": {"switch_type"}, "csrf_token": {csrf(t, body)}})
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.relations_pending"))
	})
	t.Run("Records", func(t *testing.T) {
		resp, body := admin.get("/sales/relations?status=pending&initiator=partner")
		mustStatus(t, resp, body, http.StatusOK, mask.AccountName(c.DomainName), tr(i18n.ZH, "relations.requests.awaiting_customer"))
		if !requestRow.MatchString(body) {
			t.Fatal("the request is not listed")
		}
		resp, body = admin.get("/sales/relations?initiator=customer")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "relations.requests.empty"))
	})
	t.Run("AnotherPartner", func(t *testing.T) {
		other := s.browser(t)
		other.mustSignIn(sp2.DomainName, sp2.Admin.Password)
		resp, body := other.get(page)
		if resp.StatusCode == http.StatusOK || strings.Contains(body, mask.AccountName(c.DomainName)) {
			t.Fatalf("sp2 opens sp's customer: %d", resp.StatusCode)
		}
		resp, body = other.get("/sales/relations")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "relations.requests.empty"))
		if requestRow.MatchString(body) {
			t.Fatal("sp2 sees sp's requests")
		}
		_, form := other.get("/sales/relations")
		resp, body = other.post(page+"/requests", url.Values{"kind": {"disassociate"}, "csrf_token": {csrf(t, form)}})
		if resp.StatusCode == http.StatusSeeOther {
			t.Fatal("sp2 filed a request for sp's customer")
		}
	})
	t.Run("ErrForbidden/AccountManager", func(t *testing.T) {
		_, pw := mustCreateMember(t, admin, url.Values{"account_name": {"relam1"}, "display_name": {"经理"},
			"roles": {identity.PresetAccountManager}})
		am := s.browser(t)
		am.mustMemberSignIn(sp.DomainName, "relam1", pw, "/account/password")
		am.mustChangePassword(pw, "Relam-pass1", "/")
		for _, path := range []string{"/sales/relations", page} {
			resp, body := am.get(path)
			mustStatus(t, resp, body, http.StatusForbidden)
		}
	})
}

// TestRelationCustomerConfirms: the customer sees the partner's request on
// 我的合作伙伴, gets an SMS code from the outbox, is refused a wrong code,
// and confirms with the right one; the association ends and one unbind
// notice is queued for the partner.
func TestRelationCustomerConfirms(t *testing.T) {
	s := mustSite(t)
	ctx := context.Background()
	c := s.mustRelCustomer(t, "sp", "rel-confirm-cust")
	sp := s.partner(t, "sp")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	page := "/sales/customers/" + c.ID + "/relations"
	resp, body := admin.submit(page, page+"/requests", url.Values{"kind": {"disassociate"}})
	mustRedirect(t, resp, body, page+"?requested=1")
	msgs, err := s.app.Outbox.List(ctx, outbox.Filter{To: "+86" + c.Mobile, Limit: 1})
	if err != nil || len(msgs) != 1 {
		t.Fatalf("no notice to the customer: %v %v", msgs, err)
	}

	b := s.browser(t)
	b.mustCustomerSignIn(c.DomainName, customerPassword)
	resp, body = b.get("/customer/partner")
	mustStatus(t, resp, body, http.StatusOK, `hx-get="/customer/partner/relations/pending"`, `href="/customer/partner/relations"`)
	resp, body = b.get("/customer/partner/relations/pending")
	mustStatus(t, resp, body, http.StatusOK, `id="relation-pending"`, tr(i18n.ZH, "relations.portal.handle"))
	if strings.Contains(body, "<html") {
		t.Fatal("the fragment carries the layout")
	}
	m := requestRow.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no pending request in the fragment:\n%s", body)
	}
	id := m[1]
	relPage := "/customer/partner/relations"
	resp, body = b.get(relPage)
	mustStatus(t, resp, body, http.StatusOK, `id="request-`+id+`"`, `id="confirm-`+id+`"`, `id="decline-`+id+`"`)

	resp, body = b.submit(relPage, relPage+"/"+id+"/code", url.Values{})
	mustRedirect(t, resp, body, relPage+"?sent="+id)
	msgs, err = s.app.Outbox.List(ctx, outbox.Filter{To: "+86" + c.Mobile, Limit: 1})
	if err != nil || len(msgs) != 1 {
		t.Fatalf("no code: %v %v", msgs, err)
	}
	code := regexp.MustCompile(`\b\d{6}\b`).FindString(msgs[0].Body)
	if code == "" {
		t.Fatalf("no code in %q", msgs[0].Body)
	}

	t.Run("ErrCodeWrong", func(t *testing.T) {
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		resp, body := b.submit(relPage, relPage+"/"+id+"/confirm", url.Values{"code": {wrong}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.customer_code_wrong"))
		if !s.associated(t, c.ID) || s.unbindNotices(t, c.ID) != 0 {
			t.Fatal("a wrong code disassociated the customer")
		}
	})
	t.Run("AnotherCustomerCannot", func(t *testing.T) {
		other := s.mustRelCustomer(t, "sp", "rel-other-cust")
		ob := s.browser(t)
		ob.mustCustomerSignIn(other.DomainName, customerPassword)
		resp, body := ob.submit(relPage, relPage+"/"+id+"/confirm", url.Values{"code": {code}})
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = ob.submit(relPage, relPage+"/"+id+"/decline", url.Values{})
		mustStatus(t, resp, body, http.StatusNotFound)
	})
	t.Run("Confirm", func(t *testing.T) {
		resp, body := b.submit(relPage, relPage+"/"+id+"/confirm", url.Values{"code": {code}})
		mustRedirect(t, resp, body, relPage+"?confirmed=1")
		if s.associated(t, c.ID) {
			t.Fatal("still associated")
		}
		if n := s.unbindNotices(t, c.ID); n != 1 {
			t.Fatalf("%d unbind notices, want 1", n)
		}
		var xuser string
		if err := s.app.DB.SQL.QueryRow("SELECT xuser_id FROM binding_notices WHERE domain_id = $1 AND bind_action = $2",
			c.ID, int(notify.ActionUnbind)).Scan(&xuser); err != nil || xuser != c.XAccountID {
			t.Fatalf("notice xUserId %q (%v), want %q", xuser, err, c.XAccountID)
		}
		resp, body = b.get(relPage + "?confirmed=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "relations.portal.confirmed"), tr(i18n.ZH, "relations.status.completed"),
			tr(i18n.ZH, "relations.kind.disassociate"))
		// The partner keeps the history.
		resp, body = admin.get(page)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "relations.partner.not_associated"), tr(i18n.ZH, "relations.status.completed"))
	})
}

// TestRelationCustomerFiles: the customer files a disassociation request;
// the partner must give a reason to reject it, the customer sees the
// reason; a second request is approved and the customer is disassociated.
func TestRelationCustomerFiles(t *testing.T) {
	s := mustSite(t)
	c := s.mustRelCustomer(t, "sp", "rel-files-cust")
	sp := s.partner(t, "sp")
	b := s.browser(t)
	b.mustCustomerSignIn(c.DomainName, customerPassword)
	relPage := "/customer/partner/relations"
	file := func() {
		t.Helper()
		resp, body := b.submit(relPage, relPage+"/request", url.Values{"reason": {"we moved"}})
		mustRedirect(t, resp, body, relPage+"?filed=1")
		resp, body = b.get(relPage + "?filed=1")
		mustStatus(t, resp, body, http.StatusOK, `id="relation-filed"`, tr(i18n.ZH, "relations.portal.filed"))
	}
	file()

	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	list := "/sales/relations?status=pending&initiator=customer"
	resp, body := admin.get(list)
	mustStatus(t, resp, body, http.StatusOK, "we moved", tr(i18n.ZH, "relations.requests.approve"))
	m := requestRow.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the customer's request is not listed:\n%s", body)
	}
	id := m[1]
	t.Run("ErrRejectReasonRequired", func(t *testing.T) {
		resp, body := admin.submit(list, "/sales/relations/"+id+"/reject", url.Values{"reason": {" "}, "back": {list}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.relations_reason_required"))
	})
	t.Run("Reject", func(t *testing.T) {
		resp, body := admin.submit(list, "/sales/relations/"+id+"/reject", url.Values{"reason": {"open invoices"}, "back": {list}})
		mustRedirect(t, resp, body, "/sales/relations?initiator=customer&rejected=1&status=pending")
		resp, body = b.get(relPage)
		mustStatus(t, resp, body, http.StatusOK, "open invoices", tr(i18n.ZH, "relations.status.rejected"))
		if !s.associated(t, c.ID) {
			t.Fatal("a rejection disassociated the customer")
		}
	})
	t.Run("Approve", func(t *testing.T) {
		file()
		_, body := admin.get(list)
		m := requestRow.FindStringSubmatch(body)
		if m == nil || m[1] == id {
			t.Fatalf("the second request is not listed:\n%s", body)
		}
		resp, body := admin.post("/sales/relations/"+m[1]+"/approve", url.Values{"csrf_token": {csrf(t, body)}, "back": {list}})
		mustRedirect(t, resp, body, "/sales/relations?approved=1&initiator=customer&status=pending")
		if s.associated(t, c.ID) {
			t.Fatal("still associated")
		}
		if n := s.unbindNotices(t, c.ID); n != 1 {
			t.Fatalf("%d unbind notices, want 1", n)
		}
		// Approving again is refused.
		_, listPage := admin.get("/sales/relations")
		resp, body = admin.post("/sales/relations/"+m[1]+"/approve", url.Values{"csrf_token": {csrf(t, listPage)}})
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.relations_request_not_pending"))
		resp, body = b.get(relPage)
		mustStatus(t, resp, body, http.StatusOK, `id="no-partner"`, tr(i18n.ZH, "relations.status.completed"))
	})
}
