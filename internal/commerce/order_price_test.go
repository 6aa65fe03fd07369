package commerce_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"partnercenter/internal/commerce"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

// everything50 is a discount hook taking half off every line.
type everything50 struct{}

func (everything50) InquiryDiscount(_ context.Context, _ string, l commerce.PricedLine) (decimal.Decimal, error) {
	return l.Official.Div(decimal.NewFromInt(2)), nil
}

// TestListPrice: an order's list price is the period rating's official
// price, without a project check and without the inquiry discount.
func TestListPrice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := mustPricedCatalog(t, d)
		c.SetCustomerDiscount(everything50{})
		ps := []commerce.PeriodProduct{period(vm("m", "s2.small.1.linux", "cn-north-1"), commerce.PeriodMonth, 3, 2),
			period(vm("y", "s2.small.1.linux", "cn-north-1"), commerce.PeriodYear, 1, 1)}
		t.Run("OK", func(t *testing.T) {
			r, err := c.ListPrice(ctx, ps)
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "official", r.OfficialAmount, "515.2")
			wantAmount(t, "amount", r.Amount, "515.2")
			wantAmount(t, "line", r.Products[0].Amount, "193.2")
			if r.Products[0].ProductID == "" || !r.DiscountAmount.IsZero() {
				t.Errorf("got %+v", r)
			}
		})
		t.Run("ErrUnknownSpec", func(t *testing.T) {
			_, err := c.ListPrice(ctx, []commerce.PeriodProduct{period(vm("x", "s9.none.linux", "cn-north-1"), commerce.PeriodMonth, 1, 1)})
			wantCode(t, err, "CBC.99006006")
		})
		t.Run("ErrNoProducts", func(t *testing.T) {
			_, err := c.ListPrice(ctx, nil)
			wantCode(t, err, "CBC.0100")
		})
		t.Run("ErrDuplicateID", func(t *testing.T) {
			_, err := c.ListPrice(ctx, []commerce.PeriodProduct{ps[0], ps[0]})
			wantCode(t, err, "CBC.30050012")
		})
	})
}
