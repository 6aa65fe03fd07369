package payment_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/testworld"
)

// fixture is the payment service in the commerce world of testworld, its
// solution provider SP holding 100000.00.
type fixture struct {
	*testworld.Commerce
	svc  *payment.Service
	sp   identity.Actor
	spID string
}

func unique(prefix string) string { return testworld.Unique(prefix) }

var t0 = testworld.Start

func amt(s string) money.Amount { return money.MustParse(s) }

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	c := testworld.NewCommerce(tb, d)
	c.TopUp(tb, "100000", c.SP.Partner.ID)
	return &fixture{Commerce: c, svc: c.Payments, sp: c.SP.Main, spID: c.SP.Partner.ID}
}

// mustReferralDiscount turns the customer into a referral customer with a
// partner-granted discount of rate.
func (f *fixture) mustReferralDiscount(tb testing.TB, customerID, rate string) string {
	tb.Helper()
	f.Exec(tb, `UPDATE customer_associations SET type = 1 WHERE customer_id = $1`, customerID)
	until := f.Clock.Now().AddDate(0, 6, 0)
	bad, err := f.Funds.SetDiscounts(context.Background(), f.sp, "", []funds.DiscountInput{{CustomerID: customerID,
		Rate: decimal.RequireFromString(rate), ExpiresAt: &until}})
	if err != nil || len(bad) > 0 {
		tb.Fatalf("set discount: %v %v", err, bad)
	}
	d, ok, err := f.Funds.CurrentDiscount(context.Background(), f.DB.SQL, customerID, f.Clock.Now())
	if err != nil || !ok {
		tb.Fatalf("current discount: %v %v", ok, err)
	}
	return d.ID
}

// The shared assertions and database loop of testworld.
var (
	wantErr = testworld.WantErr
	each    = testworld.Each
)
