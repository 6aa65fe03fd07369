// Package order holds customers' yearly/monthly orders (reference/cbc-api.md
// §8): a customer places an order in the portal, priced from the
// catalogue at its official price; it waits in status 6 (pending payment)
// until it is paid, cancelled by the customer, or cancelled by the
// deadline job once its payment deadline passes. Partners read their
// customers' orders (a distributor its resellers' customers' orders) over
// the open API and in the console; every query is scoped in SQL.
package order

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
)

// Status of an order (Huawei's codes; only those this system reaches).
type Status int

const (
	StatusCancelled      Status = 4
	StatusCompleted      Status = 5
	StatusPendingPayment Status = 6
)

// Type of an order: only new purchases (1) so far.
type Type int

const TypeNew Type = 1

// SourceCustomer is source_type 1: the customer ordered itself.
const SourceCustomer = 1

// Period types of an order line (commerce's codes).
const (
	PeriodMonth = commerce.PeriodMonth
	PeriodYear  = commerce.PeriodYear
)

// DefaultPaymentWindow is how long a new order waits for payment before
// the deadline job cancels it. Huawei's documentation names the deadline
// (pending_payment_end_time) but not its length; we chose 24 hours, which
// Config.PaymentWindow overrides.
const DefaultPaymentWindow = 24 * time.Hour

// MaxItems is the most products one order holds.
const MaxItems = 10

// Errors of the order domain, with Huawei's codes (§8 and the order APIs'
// error tables).
var (
	// ErrNotFound: no such order visible to the caller (CBC.30000010,
	// "invalid order, possibly not existing").
	ErrNotFound = apperr.New("CBC.30000010", "err.order_not_found")
	// ErrNotCancellable: only pending-payment orders can be cancelled.
	ErrNotCancellable = apperr.New("CBC.99005010", "err.order_not_cancellable")
	// ErrNoCustomer: the customer does not exist.
	ErrNoCustomer = apperr.New("CBC.0151", "err.order_no_customer")
	// ErrFrozen: a frozen customer cannot place orders.
	ErrFrozen = apperr.New("CBC.0150", "err.order_customer_frozen")
	// ErrMixedServices: one order's products must share a service type.
	ErrMixedServices = apperr.New("CBC.0100", "err.order_mixed_services")
)

// Item is one product a customer orders: which spec, where, for how long,
// how many, and the size of a linear spec (GB of disk, Mbit/s).
type Item struct {
	ServiceType   string
	ResourceType  string
	Spec          string
	Region        string
	PeriodType    int // PeriodMonth or PeriodYear
	PeriodNum     int
	Quantity      int // subscription_num
	ResourceSize  int64
	SizeMeasureID int
}

// NewOrder is what the customer asks for.
type NewOrder struct {
	Items []Item
}

// Order is a customer order. Amounts are in yuan with 2 decimals.
type Order struct {
	ID                  string
	CustomerID          string
	CustomerName        string // the customer's account name
	PartnerID           string // the partner when the order was placed
	ServiceTypeCode     string
	SourceType          int
	Status              Status
	Type                Type
	OfficialAmount      money.Amount
	AmountAfterDiscount money.Amount
	Currency            string
	UserName            string
	PaymentDeadline     time.Time
	PaymentTime         *time.Time
	CancelledAt         *time.Time
	CreatedAt           time.Time
	// Partner payment (代支付, orders.agent_pay): AgentPay is 0 (the
	// customer pays), 1 waiting for PayingPartnerID, 2 paid by it, 3
	// rejected by it with AgentRejectReason.
	AgentPay          int
	PayingPartnerID   string
	AgentRejectReason string
	AgentRequestedAt  *time.Time
	AgentDecidedAt    *time.Time
	AgentDecidedBy    string
}

// LineItem is one product of an order at its price.
type LineItem struct {
	ID                  string
	OrderID             string
	ServiceTypeCode     string
	ResourceTypeCode    string
	SpecCode            string
	Region              string
	ProductID           string
	PeriodType          int
	PeriodNum           int
	Quantity            int
	ResourceSize        int64
	SizeMeasureID       int
	OfficialAmount      money.Amount
	AmountAfterDiscount money.Amount
	EffectiveTime       *time.Time
	ExpireTime          *time.Time
}

// Quote is an order's price before it is placed: each line's official
// price and the total.
type Quote struct {
	Lines               []money.Amount
	OfficialAmount      money.Amount
	AmountAfterDiscount money.Amount
}

// Filter selects orders: ListCustomerOrders' query and the consoles'
// filters. Empty fields do not filter; time bounds are exclusive.
type Filter struct {
	OrderID, CustomerID, ServiceType string
	Status                           *Status
	Type                             *Type
	CreatedFrom, CreatedTo           *time.Time
	PaidFrom, PaidTo                 *time.Time
	// IndirectPartnerID: a distributor reading a reseller's customers'
	// orders; ignored for other partners.
	IndirectPartnerID string
	// Ascending orders by creation time oldest first (order_by=createTime).
	Ascending     bool
	Offset, Limit int
}

// Discounter is the hook the payment part fills: the amount off an order
// line's official price for the customer (the partner-granted discount of a
// referral customer). Until it is installed no discount applies and
// amount_after_discount equals official_amount.
type Discounter interface {
	OrderLineDiscount(ctx context.Context, customerID string, line commerce.PricedLine) (decimal.Decimal, error)
}

// Config tunes the service.
type Config struct {
	// PaymentWindow is how long a new order waits for payment;
	// DefaultPaymentWindow when zero.
	PaymentWindow time.Duration
}

// Deps are what the service works with.
type Deps struct {
	DB       *db.DB
	Clock    clock.Clock
	Identity *identity.Service
	Catalog  *commerce.Catalog
	Coupons  *coupon.Service
}

// Service runs customer orders.
type Service struct {
	Deps
	cfg      Config
	discount Discounter
	onCancel CancelHook
}

// NewService returns the service.
func NewService(d Deps, cfg Config) *Service {
	if cfg.PaymentWindow <= 0 {
		cfg.PaymentWindow = DefaultPaymentWindow
	}
	if d.Clock == nil {
		d.Clock = clock.System()
	}
	return &Service{Deps: d, cfg: cfg}
}

// SetDiscounter installs the discount hook. Call it once at wiring.
func (s *Service) SetDiscounter(d Discounter) { s.discount = d }

// ServiceTypeName names a cloud service type in lang from the catalogue;
// the code itself when the catalogue does not know it.
func (s *Service) ServiceTypeName(ctx context.Context, lang i18n.Lang, code string) string {
	list, _, err := s.Catalog.ServiceTypes(ctx, lang, code, 1, 0)
	if err != nil || len(list) == 0 {
		return code
	}
	return list[0].Name
}
