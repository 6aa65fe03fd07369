package order

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"partnercenter/internal/commerce"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/money"
)

func errParam(field string) error {
	return apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", field)
}

// products turns the items into a price inquiry's products.
func products(in NewOrder) ([]commerce.PeriodProduct, error) {
	if len(in.Items) == 0 || len(in.Items) > MaxItems {
		return nil, errParam("items")
	}
	out := make([]commerce.PeriodProduct, len(in.Items))
	for i, it := range in.Items {
		if it.ServiceType != in.Items[0].ServiceType {
			return nil, ErrMixedServices
		}
		if it.PeriodType != PeriodMonth && it.PeriodType != PeriodYear {
			return nil, errParam("period_type")
		}
		out[i] = commerce.PeriodProduct{ProductRef: commerce.ProductRef{ID: strconv.Itoa(i + 1), ServiceType: it.ServiceType,
			ResourceType: it.ResourceType, Spec: it.Spec, Region: it.Region, ResourceSize: it.ResourceSize,
			SizeMeasureID: it.SizeMeasureID}, PeriodType: it.PeriodType, PeriodNum: it.PeriodNum, SubscriptionNum: it.Quantity}
	}
	return out, nil
}

// priced is a quote with each line's product id and exact amounts.
type priced struct {
	Quote
	productIDs []string
	discounts  []money.Amount
}

// price prices the items at their official prices and applies the
// discount hook. Each line is rounded to cents once; the order's amounts
// are the sums of its lines, so lines and order always agree.
func (s *Service) price(ctx context.Context, customerID string, in NewOrder) (priced, error) {
	ps, err := products(in)
	if err != nil {
		return priced{}, err
	}
	r, err := s.Catalog.ListPrice(ctx, ps)
	if err != nil {
		return priced{}, err
	}
	var out priced
	for i, pr := range r.Products {
		official := money.Round2(pr.OfficialAmount)
		off := money.Amount{}
		if s.discount != nil {
			d, err := s.discount.OrderLineDiscount(ctx, customerID, commerce.PricedLine{ProductRef: ps[i].ProductRef,
				ProductID: pr.ProductID, Official: pr.OfficialAmount})
			if err != nil {
				return priced{}, fmt.Errorf("order discount: %w", err)
			}
			if d.IsPositive() {
				off = money.Round2(decimal.Min(d, pr.OfficialAmount))
			}
		}
		out.Lines = append(out.Lines, official)
		out.discounts = append(out.discounts, off)
		out.productIDs = append(out.productIDs, pr.ProductID)
		out.OfficialAmount = out.OfficialAmount.Add(official)
		out.AmountAfterDiscount = out.AmountAfterDiscount.Add(official.Sub(off))
	}
	return out, nil
}

// Quote prices what the customer would order, without placing it: the
// portal shows it before the customer confirms. Errors are commerce's
// price-inquiry errors (CBC.0100 naming the field, ErrProductNotFound,
// ErrAmountTooLarge) and ErrMixedServices. Read-only.
func (s *Service) Quote(ctx context.Context, customerID string, in NewOrder) (Quote, error) {
	p, err := s.price(ctx, customerID, in)
	return p.Quote, err
}

// Place creates a new yearly/monthly order for the customer (who has
// authenticated itself): order type 1, source type 1, status 6 pending
// payment with a payment deadline PaymentWindow from now, priced from the
// catalogue now, with one line item per product. Errors: those of Quote,
// ErrNoCustomer, ErrFrozen. Not idempotent: each call places an order.
func (s *Service) Place(ctx context.Context, customerID string, in NewOrder) (Order, error) {
	var name string
	var frozen int
	err := s.DB.SQL.QueryRowContext(ctx, `SELECT domain_name, frozen FROM customers WHERE id = $1`, customerID).Scan(&name, &frozen)
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, ErrNoCustomer
	}
	if err != nil {
		return Order{}, fmt.Errorf("load customer %s: %w", customerID, err)
	}
	if frozen != 0 {
		return Order{}, ErrFrozen
	}
	p, err := s.price(ctx, customerID, in)
	if err != nil {
		return Order{}, err
	}
	now := s.Clock.Now().UTC()
	o := Order{ID: ids.New(), CustomerID: customerID, CustomerName: name, ServiceTypeCode: in.Items[0].ServiceType,
		SourceType: SourceCustomer, Status: StatusPendingPayment, Type: TypeNew, OfficialAmount: p.OfficialAmount,
		AmountAfterDiscount: p.AmountAfterDiscount, Currency: commerce.Currency, UserName: name,
		PaymentDeadline: now.Add(s.cfg.PaymentWindow), CreatedAt: now}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		// The partner of the moment, for the record; visibility follows
		// the current association, not this column.
		err := tx.QueryRowContext(ctx, `SELECT partner_id FROM customer_associations WHERE customer_id = $1 AND ended_at IS NULL`,
			customerID).Scan(&o.PartnerID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO orders (id, customer_id, partner_id, service_type_code, source_type,
			status, order_type, official_amount, amount_after_discount, currency, user_name, pending_payment_end_time,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
			o.ID, o.CustomerID, o.PartnerID, o.ServiceTypeCode, o.SourceType, int(o.Status), int(o.Type),
			o.OfficialAmount.Cents(), o.AmountAfterDiscount.Cents(), o.Currency, o.UserName, o.PaymentDeadline, now); err != nil {
			return fmt.Errorf("insert order: %w", err)
		}
		for i, it := range in.Items {
			size, unit := it.ResourceSize, it.SizeMeasureID
			if _, err := tx.ExecContext(ctx, `INSERT INTO order_line_items (id, order_id, seq, service_type_code,
				resource_type_code, resource_spec_code, region_code, product_id, period_type, period_num, subscription_num,
				resource_size, size_measure_id, official_amount, amount_after_discount)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
				ids.New(), o.ID, i+1, it.ServiceType, it.ResourceType, it.Spec, it.Region, p.productIDs[i], it.PeriodType,
				it.PeriodNum, it.Quantity, size, unit, p.Lines[i].Cents(), p.Lines[i].Sub(p.discounts[i]).Cents()); err != nil {
				return fmt.Errorf("insert order line: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return Order{}, fmt.Errorf("place order: %w", err)
	}
	return o, nil
}
