package coupon

import (
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/money"
)

// Deps are what the service works with.
type Deps struct {
	DB        *db.DB
	Clock     clock.Clock
	Identity  *identity.Service
	Customers *customer.Service
	Queue     *jobs.Queue
}

// Service runs quotas, coupons and their ledger.
type Service struct {
	Deps
}

// NewService returns the service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// ---- Operators (operator console) ----

// NewQuota is an operator's grant of a quota to a solution provider or a
// distributor.
type NewQuota struct {
	PartnerID   string
	Type        QuotaType
	Value       money.Amount
	EffectiveAt time.Time
	ExpiresAt   time.Time
	Limits      Limits
	Remark      string
}

// ---- Partners: quotas ----

// QuotaFilter is ListQuotaCoupons' body (cbc-api.md §5.1) and the console's
// quota tab. Nil or empty fields do not filter.
type QuotaFilter struct {
	IDs                        []string
	Statuses                   []QuotaStatus
	Type                       *QuotaType
	CreatedFrom, CreatedTo     *time.Time
	EffectiveFrom, EffectiveTo *time.Time
	ExpiresFrom, ExpiresTo     *time.Time
	IndirectPartnerID          string // a distributor reading a reseller's quotas
	Offset, Limit              int
}

// ---- Partners: issuing ----

// IssueRequest is CreatePartnerCoupons' body (cbc-api.md §5.2) and the
// console's issue form (console.md §3.4).
type IssueRequest struct {
	QuotaID     string
	CustomerIDs []string
	FaceValue   money.Amount
	// ValidFrom and ExpiresAt default to the quota's.
	ValidFrom, ExpiresAt *time.Time
	// ServiceTypes and ProductIDs narrow the quota's limits.
	ServiceTypes []string
	ProductIDs   []string
	// MinOrder, from the console form, may raise the quota's minimum.
	MinOrder          *money.Amount
	Remark            *string
	IndirectPartnerID string
	// MaxCustomers is the caller's cap: 10 in the console, 100 on the API.
	MaxCustomers int
}

// Issued is one coupon a request issued.
type Issued struct {
	CustomerID string
	CouponID   string
}

// ---- Partners: issued coupons ----

// CouponFilter is ListIssuedPartnerCoupons' query (cbc-api.md §5.4) and
// the console's issued tab.
type CouponFilter struct {
	CouponID, CustomerID, OrderID string
	Type                          *CouponType
	Status                        *CouponStatus
	QuotaID                       string
	CreatedFrom, CreatedTo        *time.Time
	EffectiveFrom, EffectiveTo    *time.Time
	ExpiresFrom, ExpiresTo        *time.Time
	IndirectPartnerID             string
	Offset, Limit                 int
}

// RecordFilter is ListPartnerCouponsRecord's query and the console's
// operation log filters (console.md §3.6).
type RecordFilter struct {
	OperationTypes    []OperationType
	QuotaID           string
	QuotaType         *QuotaType
	CouponIDs         []string
	CustomerID        string
	From, To          *time.Time
	Succeeded         *bool
	Operator          string
	IndirectPartnerID string
	Offset, Limit     int
}

// ---- Distributors and their cloud resellers ----

// QuotaIssued is one reseller quota a distributor created.
type QuotaIssued struct {
	ResellerID string
	QuotaID    string
}

// ReclaimedQuota is a reseller quota taken back and the balance returned.
type ReclaimedQuota struct {
	QuotaID string
	Balance money.Amount
}

// IssuedQuotaFilter is ListIssuedCouponQuotas' query.
type IssuedQuotaFilter struct {
	QuotaID, IndirectPartnerID string
	// ParentQuotaID nil does not filter; a pointer to "" does.
	ParentQuotaID *string
	Offset, Limit int
}

// QuotaRecordFilter is ListCouponQuotasRecords' query.
type QuotaRecordFilter struct {
	IndirectPartnerID, QuotaID string
	ParentQuotaID              *string
	OperationType              *OperationType
	From, To                   *time.Time
	Offset, Limit              int
}

// ---- Customers ----

// CustomerCouponFilter is ListSubCustomerCoupons' query with a customer's
// credentials, and the portal's filters.
type CustomerCouponFilter struct {
	CouponID string
	// OrderID keeps the coupons that paid, or are held by, the order.
	OrderID string
	// ActiveFrom and ActiveTo bound the activation time, exclusively: an
	// issued coupon is active from its issue.
	ActiveFrom, ActiveTo *time.Time
	Type                 *CouponType
	Status               *CouponStatus
	Offset               int
	Limit                int
}

// ---- Hooks and the ledger ----

// LedgerReport is the outcome of a ledger check.
type LedgerReport struct {
	Quotas, Coupons, Entries int
	// Problems names every broken invariant; empty when the books balance.
	Problems []string
}
