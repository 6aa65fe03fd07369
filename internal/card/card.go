// Package card holds stored-value cards (储值卡, console.md §4.5): a
// customer that is not in the reseller model buys a card with a face value
// from its account balance, with no coupons or discounts; the card is
// valid 36 months from purchase and pays orders like cash (payment.Wallet)
// until it is used up. Every change of a card is a card_ledger row,
// verified by `partnercenter ledger verify`.
package card

import (
	"partnercenter/internal/funds"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
)

// Deps are what the service works with.
type Deps struct {
	DB    *db.DB
	Clock clock.Clock
	Funds *funds.Service
}

// Service sells and spends stored-value cards.
type Service struct{ Deps }

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.System()
	}
	return &Service{Deps: d}
}
