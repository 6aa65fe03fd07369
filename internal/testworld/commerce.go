package testworld

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/card"
	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/refund"
)

// Commerce is the world with the money domains wired as internal/app
// wires them: coupons, orders priced from the catalogue, funds,
// stored-value cards, payments (spending the cards; the cancel hook of
// orders) and refunds (the paid hook of payments). The packages of those
// domains import it from their external tests only (package x_test):
// testworld imports them all.
type Commerce struct {
	*World
	Catalog  *commerce.Catalog
	Coupons  *coupon.Service
	Orders   *order.Service
	Funds    *funds.Service
	Cards    *card.Service
	Payments *payment.Service
	Refunds  *refund.Service
}

// NewCommerce builds the world on d and the money domains on it.
func NewCommerce(tb testing.TB, d *db.DB) *Commerce {
	tb.Helper()
	w := New(tb, d)
	c := &Commerce{World: w}
	var err error
	if c.Catalog, err = commerce.NewCatalog(context.Background(), d); err != nil {
		tb.Fatal(err)
	}
	c.Coupons = coupon.NewService(coupon.Deps{DB: d, Clock: w.Clock, Identity: w.Identity, Customers: w.Customers, Queue: w.Queue})
	c.Orders = order.NewService(order.Deps{DB: d, Clock: w.Clock, Identity: w.Identity, Catalog: c.Catalog, Coupons: c.Coupons}, order.Config{})
	c.Funds = funds.NewService(funds.Deps{DB: d, Clock: w.Clock, Identity: w.Identity, Outbox: w.Outbox})
	c.Cards = card.NewService(card.Deps{DB: d, Clock: w.Clock, Funds: c.Funds})
	c.Payments = payment.NewService(payment.Deps{DB: d, Clock: w.Clock, Orders: c.Orders, Coupons: c.Coupons, Funds: c.Funds,
		Cards: c.Cards})
	c.Orders.SetCancelHook(c.Payments)
	// A paid order opens its resources; unsubscribing them refunds.
	c.Refunds = refund.NewService(refund.Deps{DB: d, Clock: w.Clock, Orders: c.Orders, Coupons: c.Coupons, Funds: c.Funds,
		Cards: c.Cards})
	c.Payments.SetPaidHook(c.Refunds)
	return c
}

// WireDisassociation installs, as the application does, the coupon and
// funds hooks on ending an association (the partner's coupons and the
// customer account's balance reclaimed in the same transaction) and
// payments as a blocker (orders awaiting the partner's payment).
func (c *Commerce) WireDisassociation() {
	c.Customers.SetDisassociationHook(DisassociationHooks{c.Coupons, c.Funds})
	c.Customers.AddDisassociationBlocker(c.Payments)
}

// DisassociationHooks calls every domain's disassociation hook in order,
// as the application does.
type DisassociationHooks []customer.DisassociationHook

// OnDisassociated implements customer.DisassociationHook.
func (h DisassociationHooks) OnDisassociated(ctx context.Context, tx *sql.Tx, customerID, partnerID, reason string) error {
	for _, x := range h {
		if err := x.OnDisassociated(ctx, tx, customerID, partnerID, reason); err != nil {
			return err
		}
	}
	return nil
}

// TopUp has the operator put amount into each partner's account.
func (c *Commerce) TopUp(tb testing.TB, amount string, partnerIDs ...string) {
	tb.Helper()
	for _, p := range partnerIDs {
		if _, err := c.Funds.TopUp(context.Background(), c.Operator, p, money.MustParse(amount), "test"); err != nil {
			tb.Fatal(err)
		}
	}
}

// MustCustomer inserts a reseller-model customer of SP with balance
// allocated to its account by SP (none when "0"); SP needs the money.
func (c *Commerce) MustCustomer(tb testing.TB, balance string) string {
	tb.Helper()
	id := c.AssociatedCustomers(tb, c.SP.Partner.ID, 1, customer.Reseller)[0]
	if balance != "0" {
		if _, err := c.Funds.AllocateToCustomer(context.Background(), c.SP.Main, funds.Transfer{TargetID: id,
			Amount: money.MustParse(balance)}); err != nil {
			tb.Fatalf("allocate: %v", err)
		}
	}
	return id
}

// Coupon is a coupon for IssueCoupon.
type Coupon struct {
	Type   coupon.QuotaType
	Face   string
	Limits coupon.Limits
	// ExpiresAt, when not zero, is the coupon's own expiry; otherwise it
	// runs to its quota's, a year from now.
	ExpiresAt time.Time
}

// IssueCoupon has SP issue one coupon to the customer from a new quota
// the operator grants (10000.00, effective since a day ago, for a year)
// and returns its id.
func (c *Commerce) IssueCoupon(tb testing.TB, customerID string, in Coupon) string {
	tb.Helper()
	ctx := context.Background()
	now := c.Clock.Now()
	q, err := c.Coupons.GrantQuota(ctx, c.Operator, coupon.NewQuota{PartnerID: c.SP.Partner.ID, Type: in.Type,
		Value: money.MustParse("10000"), EffectiveAt: now.Add(-24 * time.Hour), ExpiresAt: now.AddDate(1, 0, 0),
		Limits: in.Limits})
	if err != nil {
		tb.Fatalf("grant quota: %v", err)
	}
	req := coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: []string{customerID}, FaceValue: money.MustParse(in.Face)}
	if !in.ExpiresAt.IsZero() {
		req.ExpiresAt = &in.ExpiresAt
	}
	got, bad, err := c.Coupons.Issue(ctx, c.SP.Main, req)
	if err != nil || len(bad) > 0 || len(got) != 1 {
		tb.Fatalf("issue: %v %v", err, bad)
	}
	list, _, err := c.Coupons.CustomerCoupons(ctx, customerID, coupon.CustomerCouponFilter{Limit: 100})
	if err != nil {
		tb.Fatal(err)
	}
	for _, k := range list {
		if k.QuotaID == q.ID {
			return k.ID
		}
	}
	tb.Fatal("issued coupon not found")
	return ""
}

// MustCoupon is IssueCoupon of a coupon of typ and face with limits,
// running to its quota's expiry.
func (c *Commerce) MustCoupon(tb testing.TB, customerID string, typ coupon.QuotaType, face string, limits coupon.Limits) string {
	tb.Helper()
	return c.IssueCoupon(tb, customerID, Coupon{Type: typ, Face: face, Limits: limits})
}

// VM is qty one-year s2.small.1.linux in cn-north-1: 322.00 each.
func VM(qty int) order.Item {
	return order.Item{ServiceType: "hws.service.type.ec2", ResourceType: "hws.resource.type.vm", Spec: "s2.small.1.linux",
		Region: "cn-north-1", PeriodType: order.PeriodYear, PeriodNum: 1, Quantity: qty}
}

// MustOrder places the customer's order of items; with none, of VM(1),
// and then fails unless it costs 322.00.
func (c *Commerce) MustOrder(tb testing.TB, customerID string, items ...order.Item) order.Order {
	tb.Helper()
	one := len(items) == 0
	if one {
		items = []order.Item{VM(1)}
	}
	o, err := c.Orders.Place(context.Background(), customerID, order.NewOrder{Items: items})
	if err != nil {
		tb.Fatalf("place: %v", err)
	}
	if one && o.OfficialAmount.String() != "322.00" {
		tb.Fatalf("order amount %s, want 322.00", o.OfficialAmount)
	}
	return o
}

// Balance is the customer's account balance (0.00 without an account).
func (c *Commerce) Balance(tb testing.TB, customerID string) string {
	tb.Helper()
	b, err := c.Funds.CustomerBalance(context.Background(), customerID)
	if err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// Status is the order's status.
func (c *Commerce) Status(tb testing.TB, orderID string) int {
	tb.Helper()
	return c.Count(tb, "SELECT status FROM orders WHERE id = $1", orderID)
}

// MustVerify fails the test when the coupon, funds or card ledger does
// not balance.
func (c *Commerce) MustVerify(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	cr, err := c.Coupons.VerifyLedger(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	fr, err := c.Funds.VerifyLedger(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	kr, err := c.Cards.VerifyLedger(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if p := append(append(cr.Problems, fr.Problems...), kr.Problems...); len(p) > 0 {
		tb.Fatalf("ledger problems:\n%s", strings.Join(p, "\n"))
	}
}
