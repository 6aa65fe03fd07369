package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"partnercenter/internal/platform/i18n"
)

var boughtCard = regexp.MustCompile(`^/customer/cards\?bought=([0-9a-f]{32})$`)

// TestCustomerCardsAndTopUp: a referral customer tops up its balance,
// buys a stored-value card with it, and pays an order with the card on the
// pay page; a reseller-model customer is refused both, with the reasons
// translated, and sees none of the other's cards.
func TestCustomerCardsAndTopUp(t *testing.T) {
	s := mustSite(t)
	me := s.mustCustomer(t, "sp", "card-cust")
	other := s.mustCustomer(t, "sp", "card-resale") // reseller model
	if _, err := s.app.DB.SQL.Exec("UPDATE customer_associations SET type = 1 WHERE customer_id = $1", me.ID); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustCustomerSignIn(me.DomainName, customerPassword)
	var cardID string

	t.Run("OK/EmptyPage", func(t *testing.T) {
		resp, body := b.get("/customer/cards")
		mustStatus(t, resp, body, http.StatusOK, `id="menu-cards"`, `id="menu-topup"`, `id="card-buy-form"`,
			`id="cards-empty"`, `id="cards-account-balance">¥0.00`, `<option value="10000.00"`)
		if strings.Contains(body, `id="cards-refusal"`) {
			t.Error("a referral customer is told it may not buy")
		}
	})
	t.Run("ErrTopUpAmount", func(t *testing.T) {
		resp, body := b.get("/customer/topup")
		mustStatus(t, resp, body, http.StatusOK, `id="topup-form"`, `id="topup-balance">¥0.00`)
		for _, amount := range []string{"abc", "0", "1.234"} {
			resp, body = b.post("/customer/topup", url.Values{"csrf_token": {csrf(t, body)}, "amount": {amount}})
			mustStatus(t, resp, body, http.StatusBadRequest, `id="error"`, `id="topup-balance">¥0.00`)
		}
	})
	t.Run("OK/TopUp", func(t *testing.T) {
		resp, body := b.get("/customer/topup")
		resp, body = b.post("/customer/topup", url.Values{"csrf_token": {csrf(t, body)}, "amount": {"1200"}})
		mustRedirect(t, resp, body, "/customer/topup?done=1")
		resp, body = b.get("/customer/topup?done=1")
		mustStatus(t, resp, body, http.StatusOK, `id="topup-balance">¥1200.00`, tr(i18n.ZH, "cards.topup.done"))
	})
	t.Run("ErrFaceValue", func(t *testing.T) {
		resp, body := b.get("/customer/cards")
		resp, body = b.post("/customer/cards", url.Values{"csrf_token": {csrf(t, body)}, "face_value": {"123"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.cards_face_value"), `id="cards-empty"`)
	})
	t.Run("ErrInsufficient", func(t *testing.T) {
		resp, body := b.get("/customer/cards")
		resp, body = b.post("/customer/cards", url.Values{"csrf_token": {csrf(t, body)}, "face_value": {"5000.00"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.funds_insufficient"),
			`<option value="5000.00" selected`, `id="cards-account-balance">¥1200.00`)
	})
	t.Run("OK/Buy", func(t *testing.T) {
		resp, body := b.get("/customer/cards")
		resp, body = b.post("/customer/cards", url.Values{"csrf_token": {csrf(t, body)}, "face_value": {"1000.00"}})
		m := boughtCard.FindStringSubmatch(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || m == nil {
			t.Fatalf("buy: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		cardID = m[1]
		resp, body = b.get("/customer/cards?bought=" + cardID)
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "cards.notice.bought"), `id="card-`+cardID+`" data-status="1"`,
			"华为云储值卡1000元", `id="cards-account-balance">¥200.00`, `id="cards-usable-balance">¥1000.00`)
		resp, body = b.get("/customer/cards?status=2")
		mustStatus(t, resp, body, http.StatusOK, `id="cards-empty"`)
	})
	order := mustPlaceOrder(t, b, vmForm) // 193.20
	payPage := "/customer/orders/" + order + "/pay"
	t.Run("OK/PayPageUsesCardsByDefault", func(t *testing.T) {
		resp, body := b.get(payPage)
		mustStatus(t, resp, body, http.StatusOK, `id="pay-use-cards" checked`, `id="pay-cards">−¥193.20`,
			`id="pay-due"><strong>¥0.00`, `id="pay-card-balance">¥1000.00`, `name="cards" value="1"`)
		resp, body = b.get(payPage + "?cards_set=1")
		mustStatus(t, resp, body, http.StatusOK, `id="pay-cards">−¥0.00`, `id="pay-due"><strong>¥193.20`)
		if strings.Contains(body, `id="pay-use-cards" checked`) {
			t.Error("cards box ticked after it was cleared")
		}
	})
	t.Run("OK/PaysWithCard", func(t *testing.T) {
		resp, body := b.get(payPage)
		resp, body = b.post(payPage, url.Values{"csrf_token": {csrf(t, body)}, "cards_set": {"1"}, "cards": {"1"}})
		mustRedirect(t, resp, body, payPage+"?paid=1")
		resp, body = b.get("/customer/cards")
		mustStatus(t, resp, body, http.StatusOK, `id="cards-usable-balance">¥806.80`, `id="cards-account-balance">¥200.00`)
	})
	t.Run("OK/CardRecords", func(t *testing.T) {
		resp, body := b.get("/customer/cards/" + cardID)
		mustStatus(t, resp, body, http.StatusOK, `id="card-balance">¥806.80`, `id="record-2" data-op="spend"`,
			`href="/customer/orders/`+order+`"`, `id="record-1" data-op="purchase"`, tr(i18n.ZH, "cards.op.spend"))
		ob := s.browser(t)
		ob.mustCustomerSignIn(other.DomainName, customerPassword)
		resp, body = ob.get("/customer/cards/" + cardID)
		mustStatus(t, resp, body, http.StatusNotFound)
		if strings.Contains(body, "806.80") {
			t.Error("another customer's card is shown")
		}
	})
	t.Run("OK/PayPageWithoutCards", func(t *testing.T) {
		ob := s.browser(t)
		ob.mustCustomerSignIn(other.DomainName, customerPassword)
		id := mustPlaceOrder(t, ob, vmForm)
		resp, body := ob.get("/customer/orders/" + id + "/pay")
		mustStatus(t, resp, body, http.StatusOK, `id="pay-no-cards"`, `id="pay-cards">−¥0.00`)
	})
	t.Run("ErrResellerModel", func(t *testing.T) {
		ob := s.browser(t)
		ob.mustCustomerSignIn(other.DomainName, customerPassword)
		resp, body := ob.get("/customer/cards")
		mustStatus(t, resp, body, http.StatusOK, `id="cards-refusal"`, tr(i18n.ZH, "err.cards_reseller_model"), `id="cards-empty"`)
		if strings.Contains(body, cardID) {
			t.Error("another customer's card is shown")
		}
		resp, body = ob.post("/customer/cards", url.Values{"csrf_token": {csrf(t, body)}, "face_value": {"100.00"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.cards_reseller_model"))
		resp, body = ob.get("/customer/topup")
		mustStatus(t, resp, body, http.StatusOK, `id="topup-refusal"`)
		resp, body = ob.post("/customer/topup", url.Values{"csrf_token": {csrf(t, body)}, "amount": {"10"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.cards_topup_reseller_model"))
	})
	t.Run("OK/English", func(t *testing.T) {
		b.header = http.Header{"Accept-Language": {"en-US"}}
		defer func() { b.header = nil }()
		resp, body := b.get("/customer/cards")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.EN, "cards.title"), tr(i18n.EN, "cards.buy.action"), tr(i18n.EN, "cards.status.1"))
		resp, body = b.get(payPage)
		mustStatus(t, resp, body, http.StatusOK)
		resp, body = b.post("/customer/cards", url.Values{"csrf_token": {csrf(t, body)}, "face_value": {"7"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.EN, "err.cards_face_value"))
	})
	t.Run("ErrSignedOut", func(t *testing.T) {
		resp, body := s.browser(t).get("/customer/cards")
		mustRedirect(t, resp, body, "/customer/signin?next=%2Fcustomer%2Fcards")
	})
	t.Run("LedgersClean", func(t *testing.T) {
		for _, verify := range []func() ([]string, error){
			func() ([]string, error) {
				r, err := s.app.Cards.VerifyLedger(context.Background())
				return r.Problems, err
			},
			func() ([]string, error) {
				r, err := s.app.Funds.VerifyLedger(context.Background())
				return r.Problems, err
			},
		} {
			if p, err := verify(); err != nil || len(p) > 0 {
				t.Fatal(err, p)
			}
		}
	})
}
