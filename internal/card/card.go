// Package card holds stored-value cards (储值卡, console.md §4.5): a
// customer that is not in the reseller model buys a card with a face value
// from its account balance, with no coupons or discounts; the card is
// valid 36 months from purchase and pays orders like cash (payment.Wallet)
// until it is used up. Every change of a card is a card_ledger row,
// verified by `partnercenter ledger verify`.
//
// Rules, with the inferred parts marked:
//   - Face values are fixed denominations (FaceValues). Huawei's purchase
//     page has the buyer pick a face value; its documented example card is
//     "华为云储值卡10000元" with face_value "10000.00". The list of
//     denominations is inferred.
//   - Reseller-model customers cannot buy (their money is their partner's
//     allocations); a frozen customer cannot buy.
//   - A card pays only while it is effective and not expired; spending
//     takes the earliest expiry first.
//   - Status: the stored status is 1 usable or 2 used up (balance 0). The
//     open API knows only these two, so a card past its expiry is shown as
//     2 (it can no longer pay) with the balance it had left (inferred: the
//     reference does not say how Huawei lists expired cards); Card.Expired
//     tells the consoles to say why.
//   - A refund of what a card paid goes back to that card (RefundTx), which
//     becomes usable again if it was used up — also after expiry, when it
//     can no longer be spent (inferred).
package card

import (
	"time"

	"partnercenter/internal/funds"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
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

// ValidityMonths is how long a card is valid from its purchase.
const ValidityMonths = 36

// FaceValues are the denominations a customer may buy, in yuan.
var FaceValues = []money.Amount{
	money.MustParse("100"), money.MustParse("500"), money.MustParse("1000"),
	money.MustParse("5000"), money.MustParse("10000"), money.MustParse("50000"),
}

// Card statuses (UserStoredValueCard.status).
const (
	StatusUsable  = 1
	StatusUsedUp  = 2
	statusAnyCard = 0 // List: every card
)

// Ledger operations (card_ledger.operation).
const (
	OpPurchase = "purchase" // +face value, the first row of a card
	OpSpend    = "spend"    // −, an order paid
	OpRefund   = "refund"   // +, an unsubscribe order gave it back
)

// Card is one stored-value card as its owner sees it.
type Card struct {
	ID          string
	CustomerID  string
	Name        string
	FaceValue   money.Amount
	Balance     money.Amount
	Status      int // 1 usable, 2 used up or expired (see the package doc)
	Expired     bool
	EffectiveAt time.Time
	ExpiresAt   time.Time
	CreatedAt   time.Time
}

// LedgerReport is the outcome of a card ledger check.
type LedgerReport struct {
	Cards, Entries int
	// Problems names every broken invariant; empty when the books balance.
	Problems []string
}

// Errors of stored-value cards, with Huawei-style codes.
var (
	// ErrResellerModel: a reseller-model customer cannot buy a card
	// (Huawei answers its reseller customers' account calls with
	// CBC.99000084, "not supported for resale customers").
	ErrResellerModel = apperr.New("CBC.99000084", "err.cards_reseller_model")
	// ErrFrozen: a frozen customer cannot buy.
	ErrFrozen = apperr.New("CBC.0150", "err.cards_customer_frozen")
	// ErrFaceValue: not one of FaceValues.
	ErrFaceValue = apperr.New("CBC.0100", "err.cards_face_value").With("field", "face_value")
	// ErrCustomerNotFound: no such customer.
	ErrCustomerNotFound = apperr.New("CBC.0101", "err.cards_customer_not_found")
	// ErrCardNotFound: no such card of the customer's.
	ErrCardNotFound = apperr.New("CBC.0101", "err.cards_not_found")
	// ErrInsufficient: the account balance does not cover the face value.
	ErrInsufficient = funds.ErrInsufficient
	// ErrRefundTooLarge: a refund would lift the card above its face value.
	ErrRefundTooLarge = apperr.New("CBC.0100", "err.cards_refund_too_large").With("field", "amount")
	// errAmount: an amount not > 0.
	errAmount = apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", "amount")
	// ErrConflict: the card changed under a concurrent write; try again.
	ErrConflict = apperr.Conflict
)

// errParam is CBC.0100 naming the parameter at fault.
func errParam(name string) error {
	return apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", name)
}

// ValidFace reports whether face is one of FaceValues.
func ValidFace(face money.Amount) bool {
	for _, f := range FaceValues {
		if f.Equal(face) {
			return true
		}
	}
	return false
}

// Name is a card's name for its face value, as Huawei names them
// ("华为云储值卡10000元").
func Name(face money.Amount) string {
	return "华为云储值卡" + face.Decimal().String() + "元"
}
