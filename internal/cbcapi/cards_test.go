package cbcapi_test

import (
	"context"
	"net/http"
	"testing"

	"partnercenter/internal/card"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/money"
)

// cardFixture is the money fixture with the partner's two customers
// referral customers.
type cardFixture struct {
	*moneyFixture
}

func mustCardFixture(tb testing.TB, d *db.DB) *cardFixture {
	tb.Helper()
	c := &cardFixture{mustMoneyFixture(tb, d)}
	if _, err := d.SQL.Exec("UPDATE customer_associations SET type = 1 WHERE customer_id IN ($1, $2)", c.cust, c.cust2); err != nil {
		tb.Fatal(err)
	}
	return c
}

func (c *cardFixture) mustBuy(tb testing.TB, customerID, topUp, face string) card.Card {
	tb.Helper()
	ctx := context.Background()
	if _, err := c.funds.TopUpCustomer(ctx, customerID, money.MustParse(topUp), "test"); err != nil {
		tb.Fatal(err)
	}
	got, err := c.cards.Buy(ctx, customerID, money.MustParse(face))
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

func TestListStoredValueCardsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := mustCardFixture(t, d)
		first := c.mustBuy(t, c.cust, "100", "100")
		c.clock.Advance(60e9)
		second := c.mustBuy(t, c.cust, "500", "500")
		theirs := c.mustBuy(t, c.cust2, "100", "100")
		if _, err := d.SQL.Exec("UPDATE stored_value_cards SET balance = 0, status = 2 WHERE id = $1", first.ID); err != nil {
			t.Fatal(err)
		}
		const path = "/v2/promotions/benefits/stored-value-cards"
		cust, cust2, sp := &c.custKey, &c.cust2K, &c.sp.key
		for _, tc := range []struct {
			name, target string
			signer       *testSigner
			domainID     string
			want         check
		}{
			{"OK/Usable", path + "?status=1", cust, c.cust, check{status: 200, json: map[string]any{
				"total_count": 1, "stored_value_cards.0.card_id": second.ID, "stored_value_cards.0.card_name": "华为云储值卡500元",
				"stored_value_cards.0.status": 1, "stored_value_cards.0.face_value": "500.00", "stored_value_cards.0.balance": "500.00",
				"stored_value_cards.0.effective_time": "2025-03-01T08:01:00Z", "stored_value_cards.0.expire_time": "2028-03-01T08:01:00Z",
				"stored_value_cards.1": absent}}},
			{"OK/UsedUp", path + "?status=2", cust, c.cust, check{status: 200, json: map[string]any{
				"total_count": 1, "stored_value_cards.0.card_id": first.ID, "stored_value_cards.0.status": 2,
				"stored_value_cards.0.balance": "0.00"}}},
			{"OK/ByCardID", path + "?status=1&card_id=" + second.ID + "&offset=0&limit=100", cust, c.cust, check{status: 200, json: map[string]any{
				"total_count": 1, "stored_value_cards.0.card_id": second.ID}}},
			{"OK/Paged", path + "?status=1&offset=1", cust, c.cust, check{status: 200, json: map[string]any{
				"total_count": 1, "stored_value_cards.0": absent}}},
			{"OK/OthersCardNotFound", path + "?status=1&card_id=" + theirs.ID, cust, c.cust, check{status: 200, json: map[string]any{
				"total_count": 0}}},
			{"OK/OtherSeesOwn", path + "?status=1", cust2, c.cust2, check{status: 200, json: map[string]any{
				"total_count": 1, "stored_value_cards.0.card_id": theirs.ID}}},
			{"ErrStatusMissing", path, cust, c.cust, check{status: 400, code: "CBC.0100", msg: "status"}},
			{"ErrStatus", path + "?status=3", cust, c.cust, check{status: 400, code: "CBC.0100", msg: "status"}},
			{"ErrLimit", path + "?status=1&limit=101", cust, c.cust, check{status: 400, code: "CBC.0100", msg: "limit"}},
			{"ErrLimitZero", path + "?status=1&limit=0", cust, c.cust, check{status: 400, code: "CBC.0100", msg: "limit"}},
			{"ErrOffset", path + "?status=1&offset=-1", cust, c.cust, check{status: 400, code: "CBC.0100", msg: "offset"}},
			{"ErrPartnerKey", path + "?status=1", sp, c.sp.partner.DomainID, check{status: 403, code: "CBC.0151"}},
			{"ErrUnsigned", path + "?status=1", nil, "", check{status: 401, code: "APIGW.0301"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := c.do(t, request{target: tc.target, signer: tc.signer, domainID: tc.domainID})
				assertResponse(t, w, tc.want)
			})
		}
	})
}

// PayOrders with the customer's key spends its stored-value cards before
// its balance.
func TestPayOrdersWithCardAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := mustCardFixture(t, d)
		ctx := context.Background()
		crd := c.mustBuy(t, c.cust, "100", "100")
		if _, err := c.funds.TopUpCustomer(ctx, c.cust, money.MustParse("150"), "test"); err != nil {
			t.Fatal(err)
		}
		big := c.mustPlace(t, c.cust, vmMonths(6, 1)) // 193.20
		body := `{"order_id":"` + big.ID + `","use_coupon":"NO","use_discount":"NO"}`
		w := c.do(t, request{method: "POST", target: "/v2/orders/customer-orders/price-explain", body: body, signer: &c.custKey, domainID: c.cust})
		assertResponse(t, w, check{status: 200, json: map[string]any{"stored_value_card_balance": 100, "stored_value_card_amount": 100,
			"amount_due": 93.2, "account_balance": 150}})
		w = c.do(t, request{method: "POST", target: "/v3/orders/customer-orders/pay", body: body, signer: &c.custKey, domainID: c.cust})
		if w.Code != http.StatusNoContent {
			t.Fatalf("pay: %d %s", w.Code, w.Body.String())
		}
		w = c.do(t, request{target: "/v2/promotions/benefits/stored-value-cards?status=2", signer: &c.custKey, domainID: c.cust})
		assertResponse(t, w, check{status: 200, json: map[string]any{"total_count": 1, "stored_value_cards.0.card_id": crd.ID,
			"stored_value_cards.0.balance": "0.00", "stored_value_cards.0.status": 2}})
		if b, err := c.funds.CustomerBalance(ctx, c.cust); err != nil || b.String() != "56.80" {
			t.Fatalf("balance %s %v, want 56.80", b, err)
		}
		var n int
		if err := d.SQL.QueryRow("SELECT COUNT(*) FROM order_payments WHERE order_id = $1 AND source = 'card' AND amount = 10000", big.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d card payment rows, %v", n, err)
		}
		for _, rep := range []func() ([]string, error){
			func() ([]string, error) { r, err := c.cards.VerifyLedger(ctx); return r.Problems, err },
			func() ([]string, error) { r, err := c.funds.VerifyLedger(ctx); return r.Problems, err },
		} {
			if p, err := rep(); err != nil || len(p) > 0 {
				t.Fatal(err, p)
			}
		}
	})
}
