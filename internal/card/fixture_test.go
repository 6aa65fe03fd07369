package card_test

import (
	"context"
	"testing"

	"partnercenter/internal/card"
	"partnercenter/internal/customer"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/testworld"
)

// fixture is the card service in the commerce world of testworld, wired
// into payments as the application wires it, with referral and
// reseller-model customers of its solution provider SP.
type fixture struct {
	*testworld.Commerce
	svc  *card.Service
	spID string
}

func amt(s string) money.Amount { return money.MustParse(s) }

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	c := testworld.NewCommerce(tb, d)
	return &fixture{Commerce: c, svc: c.Cards, spID: c.SP.Partner.ID}
}

// mustReferral inserts a referral customer of the partner that topped up
// balance itself (none when "0").
func (f *fixture) mustReferral(tb testing.TB, balance string) string {
	tb.Helper()
	id := f.AssociatedCustomers(tb, f.spID, 1, customer.Referral)[0]
	if balance != "0" {
		if _, err := f.Funds.TopUpCustomer(context.Background(), id, amt(balance), "test"); err != nil {
			tb.Fatalf("top up: %v", err)
		}
	}
	return id
}

func (f *fixture) mustBuy(tb testing.TB, customerID, face string) card.Card {
	tb.Helper()
	c, err := f.svc.Buy(context.Background(), customerID, amt(face))
	if err != nil {
		tb.Fatalf("buy %s: %v", face, err)
	}
	return c
}

// card reads one card as its owner sees it.
func (f *fixture) card(tb testing.TB, customerID, id string) card.Card {
	tb.Helper()
	list, _, err := f.svc.List(context.Background(), customerID, card.Filter{CardID: id})
	if err != nil || len(list) != 1 {
		tb.Fatalf("card %s: %v %v", id, list, err)
	}
	return list[0]
}

// The shared assertions and database loop of testworld.
var (
	wantErr   = testworld.WantErr
	wantCode  = testworld.WantCode
	wantParam = testworld.WantParam
	each      = testworld.Each
)
