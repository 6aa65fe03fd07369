package app

import (
	"context"
	"fmt"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/money"
)

// demoQuotaPartners hold the demo coupon quotas: a voucher and a cash
// coupon quota each.
var demoQuotaPartners = []string{"sp", "dist"}

// seedDemoQuotas grants the demo quotas to partners that have none yet.
// Idempotent (a partner with any quota is left alone).
func (a *App) seedDemoQuotas(ctx context.Context, op identity.Actor, partnerIDs map[string]string) error {
	now := a.Clock.Now().Truncate(24 * time.Hour)
	for _, key := range demoQuotaPartners {
		_, total, err := a.Coupons.OperatorQuotas(ctx, op, partnerIDs[key], 0, 1)
		if err != nil {
			return fmt.Errorf("demo quotas of %s: %w", key, err)
		}
		if total > 0 {
			continue
		}
		for _, q := range []coupon.NewQuota{
			{Type: coupon.QuotaVoucher, Value: money.MustParse("100000.00"), Remark: "demo",
				Limits: coupon.Limits{OrderTypes: []coupon.OrderType{coupon.OrderNew, coupon.OrderRenew, coupon.OrderChange}}},
			{Type: coupon.QuotaCash, Value: money.MustParse("50000.00"), Remark: "demo",
				Limits: coupon.Limits{MaxOrderShare: 50}},
		} {
			q.PartnerID, q.EffectiveAt, q.ExpiresAt = partnerIDs[key], now.AddDate(0, 0, -1), now.AddDate(1, 0, 0)
			if _, err := a.Coupons.GrantQuota(ctx, op, q); err != nil {
				return fmt.Errorf("demo quota of %s: %w", key, err)
			}
		}
	}
	return nil
}
