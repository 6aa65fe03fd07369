package app

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/money"
)

// demoTopUps are the demo partner accounts' opening top-ups; the
// distributor also has a credit line.
var demoTopUps = []struct{ key, amount, credit string }{
	{"sp", "100000.00", "0"},
	{"dist", "200000.00", "50000.00"},
}

// seedDemoFunds tops up the demo partner accounts and grants the referral
// customer sp-referral a 0.9 discount for a year. Idempotent: an account
// with any money or a customer with a current discount is left alone.
func (a *App) seedDemoFunds(ctx context.Context, op identity.Actor, partnerIDs map[string]string, customers []DemoCustomer) error {
	for _, t := range demoTopUps {
		acc, err := a.Funds.AccountOf(ctx, op, partnerIDs[t.key])
		if err != nil {
			return fmt.Errorf("demo account of %s: %w", t.key, err)
		}
		if acc.ID != "" {
			continue
		}
		if _, err := a.Funds.TopUp(ctx, op, partnerIDs[t.key], money.MustParse(t.amount), "demo"); err != nil {
			return fmt.Errorf("demo top-up of %s: %w", t.key, err)
		}
		if t.credit != "0" {
			if _, err := a.Funds.SetCreditLine(ctx, op, partnerIDs[t.key], money.MustParse(t.credit), "demo"); err != nil {
				return fmt.Errorf("demo credit line of %s: %w", t.key, err)
			}
		}
	}
	for _, c := range customers {
		if c.Key != "sp-referral" {
			continue
		}
		p, err := a.Identity.Partner(ctx, op, partnerIDs[c.Partner])
		if err != nil {
			return err
		}
		m, err := a.Identity.MainMember(ctx, p.ID)
		if err != nil {
			return err
		}
		actor := m.Actor(p)
		if _, ok, err := a.Funds.CustomerDiscount(ctx, actor, c.DomainID, ""); err != nil || ok {
			return err
		}
		now := a.Clock.Now()
		expires := now.AddDate(1, 0, 0)
		bad, err := a.Funds.SetDiscounts(ctx, actor, "", []funds.DiscountInput{{CustomerID: c.DomainID,
			Rate: decimal.RequireFromString("0.9"), EffectiveAt: &now, ExpiresAt: &expires}})
		if err == nil && len(bad) > 0 {
			err = bad[0].Err
		}
		if err != nil {
			return fmt.Errorf("demo discount: %w", err)
		}
	}
	return nil
}
