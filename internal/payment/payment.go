// Package payment pays customers' pending orders (PayOrders, reference
// cbc-api.md §8) with the benefits the rules of console.md §3.7 allow: at
// most one discount (the partner-granted discount of a referral customer),
// at most one voucher, any number of cash coupons within their order-share
// limit, and the rest from the customer's account balance. Stacking order:
// discount, then voucher, then cash coupons; a voucher and the discount
// exclude each other. The payable amount is rounded once, at order level,
// to cents. Explain is the same computation as a dry run that says, for
// every benefit the customer holds, whether it applies and why not.
package payment

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
)

// Limits of one PayOrders call.
const (
	MaxCoupons   = 3
	MaxDiscounts = 1
	// DiscountPartner is discount_type 3, the partner-granted discount.
	DiscountPartner = 3
)

// Errors of payment, with Huawei's codes where Huawei names one.
var (
	// ErrInProgress: another payment of the same order is running.
	ErrInProgress = apperr.New("CBC.99000088", "err.payment_in_progress")
	// ErrAwaitingPartner: the customer asked its partner to pay the
	// order; it pays only after the partner rejects.
	ErrAwaitingPartner = apperr.New("CBC.99005010", "err.payment_awaiting_partner")
	// ErrNotPayable: the order is not pending payment.
	ErrNotPayable = apperr.New("CBC.99005010", "err.payment_not_payable")
	// ErrDeadlinePassed: the order's payment deadline has passed.
	ErrDeadlinePassed = apperr.New("CBC.99005010", "err.payment_deadline_passed")
	// ErrFrozen: a frozen customer cannot pay.
	ErrFrozen = apperr.New("CBC.0150", "err.payment_customer_frozen")
	// ErrInsufficient: the account balance does not cover the amount due.
	ErrInsufficient = funds.ErrInsufficient
	// ErrBenefit: a chosen coupon or discount does not apply; the
	// argument "reason" names why (a payment.reason.* key).
	ErrBenefit = apperr.New("CBC.0150", "err.payment_benefit_refused").WithStatus(http.StatusBadRequest)
)

// Request is a PayOrders body.
type Request struct {
	OrderID     string
	UseCoupon   bool
	UseDiscount bool
	CouponIDs   []string
	DiscountIDs []string
	// UseCards spends the customer's stored-value cards (earliest expiry
	// first) before its account balance. The open API always sets it.
	UseCards bool
}

// States of partner payment (orders.agent_pay).
const (
	AgentNone     = 0 // the customer pays
	AgentPending  = 1 // waiting for the partner (待支付)
	AgentPaid     = 2 // paid by the partner
	AgentRejected = 3 // rejected by the partner, with a reason
)

// Benefit kinds.
const (
	KindDiscount = "discount"
	KindVoucher  = "voucher"
	KindCash     = "cash"
)

// Reasons a benefit does not apply (i18n keys payment.reason.<r>).
const (
	ReasonApplied      = "applied"
	ReasonNotChosen    = "not_chosen" // it would apply, but was not chosen
	ReasonNotEffective = "not_effective"
	ReasonExpired      = "expired"
	ReasonNotUsable    = "not_usable"
	ReasonLocked       = "locked"
	ReasonService      = "service"
	ReasonProduct      = "product"
	ReasonRegion       = "region"
	ReasonOrderType    = "order_type"
	ReasonMinimum      = "minimum"
	ReasonExclusive    = "exclusive_discount"
	ReasonSecondVouch  = "second_voucher"
	ReasonShareCap     = "share_cap"
	ReasonNothingLeft  = "nothing_left"
	ReasonNotHeld      = "not_held"
)

// Benefit is one coupon or discount and what it does to the order.
type Benefit struct {
	ID      string
	Kind    string
	Balance money.Amount // coupon balance; zero for the discount
	Rate    string       // the discount's rate
	Chosen  bool
	Applies bool
	Amount  money.Amount // what it pays
	Reason  string
	// Capped: a cash coupon limited by its order-share cap.
	Capped bool
}

// Explanation is a payment, step by step.
type Explanation struct {
	OrderID   string
	ListPrice money.Amount
	Discount  money.Amount
	Payable   money.Amount // after the discount, rounded once to cents
	Voucher   money.Amount
	Cash      money.Amount
	Cards     money.Amount // from stored-value cards
	Due       money.Amount // from the account balance
	Balance   money.Amount // the customer's account balance
	// CardBalance is what the customer's usable stored-value cards hold.
	CardBalance money.Amount
	Benefits    []Benefit
}

// Deps are what the service works with.
type Deps struct {
	DB      *db.DB
	Clock   clock.Clock
	Orders  *order.Service
	Coupons *coupon.Service
	Funds   *funds.Service
	// Cards are the stored-value cards a payment spends like cash; nil
	// spends none.
	Cards Wallet
}

// Wallet is the stored-value cards (储值卡) domain as a payment sees it.
type Wallet interface {
	// CardBalance is what the customer's usable cards hold at t.
	CardBalance(ctx context.Context, q db.Querier, customerID string, at time.Time) (money.Amount, error)
	// SpendCardsTx takes up to amount from the customer's usable cards,
	// earliest expiry first, inside tx (card ledger), and returns what
	// each card paid; less than amount when the cards hold less.
	SpendCardsTx(ctx context.Context, tx *sql.Tx, customerID, orderID string, amount money.Amount) ([]CardUse, error)
}

// CardUse is what one stored-value card paid.
type CardUse struct {
	CardID string
	Amount money.Amount
}

// PaidHook is told, inside the payment's transaction, that an order was
// paid, with the order and its lines as the payment read them (the refund
// domain opens the order's resources). An error rolls the payment back.
type PaidHook interface {
	OrderPaid(ctx context.Context, tx *sql.Tx, o order.Order, lines []order.LineItem, at time.Time) error
}

// Service pays orders.
type Service struct {
	Deps
	onPaid PaidHook
}

// SetPaidHook installs the hook told of every paid order. Call it once at
// wiring.
func (s *Service) SetPaidHook(h PaidHook) { s.onPaid = h }

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.System()
	}
	return &Service{Deps: d}
}

// OrderCancelled implements order.CancelHook: a cancelled order releases
// every coupon locked to it.
func (s *Service) OrderCancelled(ctx context.Context, tx *sql.Tx, orderID string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM coupons WHERE lock_order_id = $1`, orderID)
	if err != nil {
		return err
	}
	var idsList []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		idsList = append(idsList, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range idsList {
		if err := s.Coupons.Unlock(ctx, tx, id, orderID); err != nil {
			return err
		}
	}
	return nil
}

func errParam(field string) error {
	return apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", field)
}

// Validate checks a request's shape (CBC.0100 naming the field).
func (r Request) Validate() error {
	if r.OrderID == "" || len(r.OrderID) > 64 {
		return errParam("order_id")
	}
	if r.UseCoupon != (len(r.CouponIDs) > 0) || len(r.CouponIDs) > MaxCoupons {
		return errParam("coupon_infos")
	}
	if r.UseDiscount != (len(r.DiscountIDs) > 0) || len(r.DiscountIDs) > MaxDiscounts {
		return errParam("discount_infos")
	}
	seen := map[string]bool{}
	for _, id := range r.CouponIDs {
		if id == "" || len(id) > 64 || seen[id] {
			return errParam("coupon_infos.id")
		}
		seen[id] = true
	}
	for _, id := range r.DiscountIDs {
		if id == "" || len(id) > 64 {
			return errParam("discount_infos.id")
		}
	}
	return nil
}
