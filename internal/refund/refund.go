// Package refund holds what paid orders open and give back: every line of
// a paid order opens a customer resource (payment.PaidHook); a customer
// unsubscribes resources (CancelResourcesSubscription), which writes an
// unsubscribe order (order_type 4) and refunds the unused share of what
// paid them along the routing matrix of console.md §4.6 — money paid by
// the partner (代支付) back to the partner's account, a reseller-model
// customer's balance back to the customer while associated and to the
// partner after, stored-value cards and cash coupons back to themselves;
// vouchers are never refunded.
package refund

import (
	"partnercenter/internal/card"
	"partnercenter/internal/coupon"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
)

// Deps are what the service works with.
type Deps struct {
	DB      *db.DB
	Clock   clock.Clock
	Orders  *order.Service
	Coupons *coupon.Service
	Funds   *funds.Service
	Cards   *card.Service
}

// Service opens resources and refunds unsubscribed ones.
type Service struct{ Deps }

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.System()
	}
	return &Service{Deps: d}
}
