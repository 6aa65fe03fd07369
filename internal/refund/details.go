package refund

import (
	"context"
	"fmt"

	"partnercenter/internal/order"
	"partnercenter/internal/platform/money"
)

// RefundInfo is what one unsubscribed resource of an unsubscribe order
// gave back (OrderRefundInfoV2): the unsubscribe order's line.
type RefundInfo struct {
	ID               string
	CustomerID       string
	ServiceTypeCode  string
	ResourceTypeCode string
	Region           string
	BaseOrderID      string
	Amount           money.Amount // given back (the API shows it negative)
}

// Details is an unsubscribe order's refund details: per resource, and
// where the money went.
type Details struct {
	Order   order.Order
	Infos   []RefundInfo
	Refunds []Refund
	// ReasonType (1–5, 0 none) and Reason are the customer's why.
	ReasonType int
	Reason     string
}

// RefundDetails reads the refund details of an unsubscribe order v may see
// (ShowRefundOrderDetails): the customer its own; a partner its current
// customers' (within the member's data scope), naming the customer in
// customerID as Huawei requires, a distributor its resellers' customers'
// with indirectID — the order domain's visibility. An order of another
// type has no refund details (empty). Errors: order.ErrNotFound (also for
// a customerID that is not the order's), ErrNoCustomer, identity.ErrForbidden,
// customer.ErrNotYourReseller. Read-only.
func (s *Service) RefundDetails(ctx context.Context, v order.Viewer, orderID, customerID, indirectID string) (Details, error) {
	if v.CustomerID == "" && customerID == "" {
		return Details{}, ErrNoCustomer
	}
	if v.CustomerID != "" {
		indirectID = ""
	}
	o, err := s.Orders.Get(ctx, v, orderID, indirectID)
	if err != nil {
		return Details{}, err
	}
	if customerID != "" && customerID != o.CustomerID {
		return Details{}, order.ErrNotFound
	}
	d := Details{Order: o, Infos: []RefundInfo{}, Refunds: []Refund{}}
	if o.Type != order.TypeUnsubscribe {
		return d, nil
	}
	var base string
	if err := s.DB.SQL.QueryRowContext(ctx, `SELECT base_order_id, unsubscribe_reason_type, unsubscribe_reason
		FROM orders WHERE id = $1`, o.ID).Scan(&base, &d.ReasonType, &d.Reason); err != nil {
		return Details{}, fmt.Errorf("load base order: %w", err)
	}
	lines, err := order.Lines(ctx, s.DB.SQL, o.ID)
	if err != nil {
		return Details{}, err
	}
	for _, l := range lines {
		d.Infos = append(d.Infos, RefundInfo{ID: l.ID, CustomerID: o.CustomerID, BaseOrderID: base,
			ServiceTypeCode: l.ServiceTypeCode, ResourceTypeCode: l.ResourceTypeCode, Region: l.Region,
			Amount: l.AmountAfterDiscount})
	}
	rrows, err := s.DB.SQL.QueryContext(ctx, `SELECT r.base_order_id, r.payment_id, p.source, p.source_id, r.destination,
		r.destination_id, r.amount FROM order_refunds r JOIN order_payments p ON p.id = r.payment_id
		WHERE r.order_id = $1 ORDER BY r.created_at, r.id`, o.ID)
	if err != nil {
		return Details{}, fmt.Errorf("refunds: %w", err)
	}
	defer rrows.Close()
	for rrows.Next() {
		var rf Refund
		var c int64
		if err := rrows.Scan(&rf.BaseOrderID, &rf.PaymentID, &rf.Source, &rf.SourceID, &rf.Destination,
			&rf.DestinationID, &c); err != nil {
			return Details{}, err
		}
		rf.Amount = money.FromCents(c)
		d.Refunds = append(d.Refunds, rf)
	}
	return d, rrows.Err()
}
