package payment

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/money"
)

// Sources of an order's payment (order_payments.source): the benefit
// kinds KindVoucher and KindCash, a stored-value card, and the paying
// account's kind (funds.KindCustomer, funds.KindPartner).
const (
	SourceVoucher  = KindVoucher
	SourceCash     = KindCash
	SourceCard     = "card"
	SourceCustomer = funds.KindCustomer
	SourcePartner  = funds.KindPartner
)

// recorder writes what paid one order, inside the payment's transaction:
// the rows refunds read to send money back where it came from.
type recorder struct {
	tx      *sql.Tx
	orderID string
	now     time.Time
}

// source records that id (a coupon, card or account owner) of kind paid
// amount; fundedBy names the partner whose allocations a reseller-model
// customer's balance was.
func (r recorder) source(ctx context.Context, kind, id, fundedBy string, amount money.Amount) error {
	_, err := r.tx.ExecContext(ctx, `INSERT INTO order_payments (id, order_id, source, source_id, funded_by, amount, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, ids.New(), r.orderID, kind, id, fundedBy, amount.Cents(), r.now)
	if err != nil {
		return fmt.Errorf("record payment source: %w", err)
	}
	return nil
}

// discount records the discount the order used and what it took off.
func (r recorder) discount(ctx context.Context, d funds.Discount, off money.Amount) error {
	rate := d.Rate.Mul(decimal.NewFromInt(10000)).IntPart()
	_, err := r.tx.ExecContext(ctx, `INSERT INTO order_discounts (order_id, discount_id, discount_type, rate, amount)
		VALUES ($1, $2, $3, $4, $5)`, r.orderID, d.ID, DiscountPartner, rate, off.Cents())
	if err != nil {
		return fmt.Errorf("record discount: %w", err)
	}
	return nil
}

// lines spreads the order's payable amount over its lines in proportion
// to their official prices, each rounded to cents and the last taking
// the remainder, so that the lines always sum to the order.
func (r recorder) lines(ctx context.Context, lines []order.LineItem, payable money.Amount) error {
	var official int64
	for _, l := range lines {
		official += l.OfficialAmount.Cents()
	}
	left := payable.Cents()
	for i, l := range lines {
		share := left
		if i < len(lines)-1 && official > 0 {
			share = decimal.NewFromInt(l.OfficialAmount.Cents()).Mul(decimal.NewFromInt(payable.Cents())).
				Div(decimal.NewFromInt(official)).Round(0).IntPart()
			share = min(share, left)
		}
		left -= share
		if _, err := r.tx.ExecContext(ctx, `UPDATE order_line_items SET amount_after_discount = $1 WHERE id = $2`,
			share, l.ID); err != nil {
			return fmt.Errorf("price order line: %w", err)
		}
	}
	return nil
}
