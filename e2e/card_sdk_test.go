package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	bss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
	"github.com/shopspring/decimal"
)

// ListStoredValueCards' contract with huaweicloud-sdk-go-v3 v0.1.207
// (reference/cbc-api.md §6, GET /v2/promotions/benefits/stored-value-cards)
// against the real binary, and PayOrders spending stored-value cards: the
// demo referral customer tops up in the portal, pays an order bigger than
// its cards hold with its own access key (the cards first, the rest from
// the balance), then buys a card in the portal and finds it through the
// SDK.

var boughtCardLoc = regexp.MustCompile(`^/customer/cards\?bought=([0-9a-f]{32})$`)

func listCards(t *testing.T, c *bss.BssClient, req model.ListStoredValueCardsRequest) (int32, []model.UserStoredValueCard) {
	t.Helper()
	resp, err := c.ListStoredValueCards(&req)
	if err != nil {
		t.Fatalf("ListStoredValueCards: %v", err)
	}
	return deref(resp.TotalCount), deref(resp.StoredValueCards)
}

// cardSum adds the balances of the customer's cards of status.
func cardSum(t *testing.T, c *bss.BssClient, status int32) decimal.Decimal {
	t.Helper()
	_, cards := listCards(t, c, model.ListStoredValueCardsRequest{Status: status, Limit: i32(100)})
	sum := decimal.Zero
	for _, card := range cards {
		sum = sum.Add(decimal.RequireFromString(deref(card.Balance)))
	}
	return sum
}

func TestStoredValueCardsSDK(t *testing.T) {
	s := startServer(t, withEnv("PC_API_RATE_LIMIT", "0"))
	sp := s.Demo.Partner(t, "sp")
	cust := s.Demo.Customer(t, "sp-referral")
	portal, ak, sk := customerPortalKey(t, s, cust.DomainName, cust.Password)
	own, w := newBSS(t, s, ak, sk, cust.DomainID)
	spc, spw := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)

	t.Run("ErrPartnerKey", func(t *testing.T) {
		_, err := spc.ListStoredValueCards(&model.ListStoredValueCardsRequest{Status: 1})
		apiError(t, spw, err, http.StatusForbidden, "CBC.0151")
	})
	t.Run("ErrStatus", func(t *testing.T) {
		_, err := own.ListStoredValueCards(&model.ListStoredValueCardsRequest{}) // the SDK sends status=0
		apiError(t, w, err, http.StatusBadRequest, "CBC.0100")
	})
	t.Run("ErrLimit", func(t *testing.T) {
		_, err := own.ListStoredValueCards(&model.ListStoredValueCardsRequest{Status: 1, Limit: i32(101)})
		apiError(t, w, err, http.StatusBadRequest, "CBC.0100")
	})

	status, body, loc := portal.post(t, "/customer/topup", "/customer/topup", url.Values{"amount": {"1000"}})
	if status != http.StatusSeeOther || loc != "/customer/topup?done=1" {
		t.Fatalf("top up: %d to %q\n%s", status, loc, body)
	}

	t.Run("OK/PayOrdersPartlyByCards", func(t *testing.T) {
		held := cardSum(t, own, 1)
		if !held.IsPositive() {
			t.Fatalf("the demo referral customer holds no usable card (%s)", held)
		}
		// Six months of s2.small.1.linux cost 193.20 a unit: enough units
		// to cost more than the cards hold.
		unit := decimal.RequireFromString("193.20")
		qty := held.Div(unit).Floor().IntPart() + 1
		order := portalOrder(t, portal, "6", strconv.FormatInt(qty, 10))
		usedBefore := cardSum(t, own, 2)
		resp, err := own.PayOrders(payReq(order, "NO"))
		if err != nil || resp.HttpStatusCode != http.StatusNoContent {
			t.Fatalf("PayOrders: %v %v", resp, err)
		}
		if got := cardSum(t, own, 1); !got.IsZero() {
			t.Errorf("usable cards still hold %s", got)
		}
		if n, _ := listCards(t, own, model.ListStoredValueCardsRequest{Status: 1}); n != 0 {
			t.Errorf("%d usable cards after paying, want 0", n)
		}
		if got := cardSum(t, own, 2); !got.Equal(usedBefore) {
			t.Errorf("used-up cards hold %s, want %s", got, usedBefore)
		}
		d, err := own.ShowCustomerOrderDetails(&model.ShowCustomerOrderDetailsRequest{OrderId: order})
		if err != nil || deref(d.OrderInfo.Status) != 5 {
			t.Fatalf("order after payment: %v %v", d, err)
		}
	})

	t.Run("OK/BoughtCardListed", func(t *testing.T) {
		status, body, loc := portal.post(t, "/customer/cards", "/customer/cards", url.Values{"face_value": {"100.00"}})
		m := boughtCardLoc.FindStringSubmatch(loc)
		if status != http.StatusSeeOther || m == nil {
			t.Fatalf("buy card: %d to %q\n%s", status, loc, body)
		}
		n, cards := listCards(t, own, model.ListStoredValueCardsRequest{Status: 1, CardId: str(m[1]), Offset: i32(0), Limit: i32(10)})
		if n != 1 || len(cards) != 1 {
			t.Fatalf("%d cards listed: %+v", n, cards)
		}
		c := cards[0]
		eff, err := time.Parse("2006-01-02T15:04:05Z", deref(c.EffectiveTime))
		if err != nil {
			t.Fatalf("effective_time %q: %v", deref(c.EffectiveTime), err)
		}
		if deref(c.CardId) != m[1] || deref(c.CardName) != "华为云储值卡100元" || deref(c.Status) != 1 ||
			deref(c.FaceValue) != "100.00" || deref(c.Balance) != "100.00" ||
			deref(c.ExpireTime) != eff.AddDate(0, 36, 0).Format("2006-01-02T15:04:05Z") {
			t.Fatalf("card %+v", c)
		}
		if n, _ := listCards(t, own, model.ListStoredValueCardsRequest{Status: 2, CardId: str(m[1])}); n != 0 {
			t.Errorf("a usable card listed as used up")
		}
	})
	t.Run("OK/PartnerCardsInvisible", func(t *testing.T) {
		// Another customer with its own key sees none of these cards.
		other := s.Demo.Customer(t, "sp-reseller")
		_, oak, osk := customerPortalKey(t, s, other.DomainName, other.Password)
		oc, _ := newBSS(t, s, oak, osk, other.DomainID)
		if n, _ := listCards(t, oc, model.ListStoredValueCardsRequest{Status: 1}); n != 0 {
			t.Errorf("a reseller-model customer lists %d cards", n)
		}
	})
}
