package commerce

import (
	"context"
)

// ListPrice prices yearly/monthly products at their official (list) price
// for an order a customer places itself: the same rules, validation and
// errors as RateOnPeriod, but without RateOnPeriod's project check (the
// caller is the customer, not a partner) and without the inquiry discount
// hook — an order applies its discount itself at payment. Each product's
// Amount equals its OfficialAmount. Read-only.
func (c *Catalog) ListPrice(ctx context.Context, products []PeriodProduct) (Rating, error) {
	if len(products) == 0 || len(products) > MaxInquiryProducts {
		return Rating{}, errParam("product_infos")
	}
	seen := make(map[string]bool, len(products))
	for _, p := range products {
		if err := checkRef(p.ProductRef, "product_infos", seen); err != nil {
			return Rating{}, err
		}
	}
	c.refreshSoon(ctx)
	s := c.prices.Load()
	out := Rating{MeasureID: MeasureYuan, Currency: Currency}
	for _, p := range products {
		official, pid, err := s.periodPrice(p, "product_infos")
		if err != nil {
			return Rating{}, err
		}
		out.add(ProductRating{ID: p.ID, ProductID: pid, Amount: official, OfficialAmount: official, MeasureID: MeasureYuan})
	}
	if out.Amount.GreaterThan(maxAmount) {
		return Rating{}, ErrAmountTooLarge
	}
	return out, nil
}
