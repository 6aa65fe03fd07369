package coupon

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/money"
)

// errNotBuilt marks the service surface agreed before its bodies were
// written; nothing may ship with it.
var errNotBuilt = errors.New("coupon: not built yet")

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

// Register adds the domain's job workers (coupon expiry).
func (s *Service) Register(workers *river.Workers) {}

// PeriodicJobs are the domain's scheduled jobs, declared before the queue
// is built; Register adds their workers.
func PeriodicJobs() []*river.PeriodicJob { return nil }

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

// GrantQuota grants a quota (platform admins and ecosystem managers).
func (s *Service) GrantQuota(ctx context.Context, op identity.Actor, in NewQuota) (Quota, error) {
	return Quota{}, errNotBuilt
}

// SetQuotaStatus changes a granted quota's status (0, 3, 4, 5) as an operator.
func (s *Service) SetQuotaStatus(ctx context.Context, op identity.Actor, quotaID string, status QuotaStatus) error {
	return errNotBuilt
}

// OperatorQuotas lists every quota for operators, optionally of one partner.
func (s *Service) OperatorQuotas(ctx context.Context, op identity.Actor, partnerID string, offset, limit int) ([]Quota, int, error) {
	return nil, 0, errNotBuilt
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

// ListQuotas lists the caller's quotas (or a reseller's, for its distributor).
func (s *Service) ListQuotas(ctx context.Context, actor identity.Actor, f QuotaFilter) ([]Quota, int, error) {
	return nil, 0, errNotBuilt
}

// Quota returns one of the caller's quotas.
func (s *Service) Quota(ctx context.Context, actor identity.Actor, id string) (Quota, error) {
	return Quota{}, errNotBuilt
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

// Issue issues one coupon per customer from a quota, debiting the quota by
// the face value for each coupon atomically with it; per-customer failures
// come back as ItemErrors (partial success), request-level ones as error.
func (s *Service) Issue(ctx context.Context, actor identity.Actor, in IssueRequest) ([]Issued, []ItemError, error) {
	return nil, nil, errNotBuilt
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

// ListIssued lists coupons the caller issued.
func (s *Service) ListIssued(ctx context.Context, actor identity.Actor, f CouponFilter) ([]Coupon, int, error) {
	return nil, 0, errNotBuilt
}

// IssuedCoupon returns one coupon the caller issued with its usage records.
func (s *Service) IssuedCoupon(ctx context.Context, actor identity.Actor, id string) (Coupon, []Usage, error) {
	return Coupon{}, nil, errNotBuilt
}

// Reclaim takes a usable coupon's whole balance back to its quota
// (operation type 2) and returns the amount reclaimed.
func (s *Service) Reclaim(ctx context.Context, actor identity.Actor, couponID, indirectPartnerID string) (money.Amount, error) {
	return money.Amount{}, errNotBuilt
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

// Records lists the caller's coupon operation log.
func (s *Service) Records(ctx context.Context, actor identity.Actor, f RecordFilter) ([]Record, int, error) {
	return nil, 0, errNotBuilt
}

// ---- Distributors and their cloud resellers ----

// QuotaIssued is one reseller quota a distributor created.
type QuotaIssued struct {
	ResellerID string
	QuotaID    string
}

// IssueQuotaToResellers carves a child quota of amount for each reseller
// out of the distributor's quota (operation type 10).
func (s *Service) IssueQuotaToResellers(ctx context.Context, actor identity.Actor, quotaID string, resellerIDs []string, amount money.Amount) ([]QuotaIssued, []ItemError, error) {
	return nil, nil, errNotBuilt
}

// ReclaimedQuota is a reseller quota taken back and the balance returned.
type ReclaimedQuota struct {
	QuotaID string
	Balance money.Amount
}

// ReclaimResellerQuotas takes resellers' whole remaining quotas back to the
// distributor's parent quotas (operation type 11).
func (s *Service) ReclaimResellerQuotas(ctx context.Context, actor identity.Actor, quotaIDs []string, remark string) ([]ReclaimedQuota, []ItemError, error) {
	return nil, nil, errNotBuilt
}

// IssuedQuotaFilter is ListIssuedCouponQuotas' query.
type IssuedQuotaFilter struct {
	QuotaID, IndirectPartnerID string
	// ParentQuotaID nil does not filter; a pointer to "" does.
	ParentQuotaID *string
	Offset, Limit int
}

// ListIssuedQuotas lists the quotas a distributor gave its resellers.
func (s *Service) ListIssuedQuotas(ctx context.Context, actor identity.Actor, f IssuedQuotaFilter) ([]Quota, int, error) {
	return nil, 0, errNotBuilt
}

// QuotaRecordFilter is ListCouponQuotasRecords' query.
type QuotaRecordFilter struct {
	IndirectPartnerID, QuotaID string
	ParentQuotaID              *string
	OperationType              *OperationType
	From, To                   *time.Time
	Offset, Limit              int
}

// QuotaRecords lists a distributor's quota log.
func (s *Service) QuotaRecords(ctx context.Context, actor identity.Actor, f QuotaRecordFilter) ([]QuotaRecord, int, error) {
	return nil, 0, errNotBuilt
}

// ---- Customers ----

// CustomerCouponFilter is ListSubCustomerCoupons' query with a customer's
// credentials, and the portal's filters.
type CustomerCouponFilter struct {
	CouponID string
	Type     *CouponType
	Status   *CouponStatus
	Offset   int
	Limit    int
}

// CustomerCoupons lists a customer's coupons; reclaimed ones are not shown.
func (s *Service) CustomerCoupons(ctx context.Context, customerID string, f CustomerCouponFilter) ([]Coupon, int, error) {
	return nil, 0, errNotBuilt
}

// CustomerCoupon returns one of a customer's coupons with its usage records.
func (s *Service) CustomerCoupon(ctx context.Context, customerID, couponID string) (Coupon, []Usage, error) {
	return Coupon{}, nil, errNotBuilt
}

// ---- Hooks and the ledger ----

// OnDisassociated reclaims the customer's coupons from the partner when the
// association ends or changes type (customer.DisassociationHook).
func (s *Service) OnDisassociated(ctx context.Context, tx *sql.Tx, customerID, partnerID, reason string) error {
	return errNotBuilt
}

// LedgerReport is the outcome of a ledger check.
type LedgerReport struct {
	Quotas, Coupons, Entries int
	// Problems names every broken invariant; empty when the books balance.
	Problems []string
}

// VerifyLedger checks the invariants at this moment: each quota's value =
// balance + face values issued (and child quotas carved) − amounts
// returned; each coupon's face value = balance + used + reclaimed; no
// balance below zero; each balance equals its last ledger row's.
func (s *Service) VerifyLedger(ctx context.Context) (LedgerReport, error) {
	return LedgerReport{}, errNotBuilt
}
