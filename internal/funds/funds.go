// Package funds holds partner and customer accounts, the allocation of
// money from a partner to its reseller-model customers and from a
// distributor to its cloud resellers, the operator's top-ups and credit
// lines, the append-only funds ledger that proves every balance, and the
// discounts partners grant their referral customers (伙伴授予折扣).
package funds

import (
	"net/http"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/platform/outbox"
)

// Deps are what the service works with.
type Deps struct {
	DB       *db.DB
	Clock    clock.Clock
	Identity *identity.Service
	// Outbox carries the e-mail telling a customer about a discount; nil
	// sends none.
	Outbox *outbox.Outbox
}

// Service runs accounts, allocations, the funds ledger and discounts.
type Service struct {
	Deps
}

// NewService returns the service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// Errors of the funds domain, with Huawei's codes (reference/cbc-api.md
// §1.3, §6).
var (
	// ErrInsufficient: the amount is more than the account has available.
	ErrInsufficient = apperr.New("CBC.99005003", "err.funds_insufficient")
	// ErrNoAccount: the customer or reseller has no account to reclaim from.
	ErrNoAccount = apperr.New("CBC.99000047", "err.funds_no_account")
	// ErrNotYourCustomer and ErrNotYourReseller are the customer domain's.
	ErrNotYourCustomer = customer.ErrNotYourCustomer
	ErrNotYourReseller = customer.ErrNotYourReseller
	// ErrNotResellerModel: money goes to reseller-model customers only.
	ErrNotResellerModel = apperr.New("CBC.0150", "err.funds_not_reseller_model")
	// ErrNoCustomerPermission: the customer is the partner's but outside
	// the member's data scope.
	ErrNoCustomerPermission = apperr.New("CBC.99000000", "err.funds_no_customer_permission")
	// ErrNotDistributor: only distributors move money to cloud resellers.
	ErrNotDistributor = apperr.New("CBC.0150", "err.funds_not_distributor")
	// ErrPartnerNotFound: an operator named no such partner.
	ErrPartnerNotFound = apperr.New("CBC.0101", "err.funds_partner_not_found").WithStatus(http.StatusNotFound)
	// ErrCreditBelowUsed: a credit line below the credit already used.
	ErrCreditBelowUsed = apperr.New("CBC.0100", "err.funds_credit_below_used")
	// ErrNotReferral: discounts go to referral customers only.
	ErrNotReferral = apperr.New("CBC.0150", "err.funds_discount_not_referral")
	// ErrDiscountRate: the rate is outside 0.8–1 or has more than 4 decimals.
	ErrDiscountRate = apperr.New("CBC.0100", "err.funds_discount_rate")
	// ErrDiscountValidity: the expiry is not after the effective time and now.
	ErrDiscountValidity = apperr.New("CBC.0100", "err.funds_discount_validity")
)

// errParam is CBC.0100 naming the parameter at fault.
func errParam(name string) error {
	return apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", name)
}

// Account kinds.
const (
	KindPartner  = "partner"
	KindCustomer = "customer"
)

// Adjust record operation types (AdjustRecordV3.operation_type).
const (
	OpTypeAdjust   = "SOURCE_OPERATION_BEADJUST"
	OpTypeRetrieve = "SOURCE_OPERATION_BERETRIEVE"
	OpTypeUnbind   = "SOURCE_OPERATION_BEUNBIND"
)

// Adjust record targets.
const (
	TargetCustomer = "customer"
	TargetReseller = "reseller"
)

// Account is one partner's or customer's account.
type Account struct {
	ID          string
	Kind        string
	OwnerID     string
	PartnerID   string
	Balance     money.Amount
	CreditLimit money.Amount
	CreditUsed  money.Amount
	UpdatedAt   time.Time
}

// Available is balance + credit line − used credit.
func (a Account) Available() money.Amount { return a.Balance.Add(a.CreditLimit).Sub(a.CreditUsed) }

// Adjustment is one allocation or reclaim in the partner's records.
type Adjustment struct {
	TransID       string
	PartnerID     string
	TargetKind    string
	TargetID      string
	TargetName    string
	OperationType string
	Amount        money.Amount
	Memo          string
	Actor         string
	CreatedAt     time.Time
}

// AdjustFilter is ListPartnerAdjustRecords' query and the console's
// record filters. Empty fields do not filter.
type AdjustFilter struct {
	TargetKind        string
	TargetID          string
	OperationType     string
	From, To          *time.Time
	TransID           string
	IndirectPartnerID string
	Offset, Limit     int
}

// LedgerEntry is one row of the funds ledger as the consoles show it.
type LedgerEntry struct {
	ID            string
	AccountID     string
	Version       int64
	Operation     string
	Amount        money.Amount
	BalanceBefore money.Amount
	BalanceAfter  money.Amount
	CreditBefore  money.Amount
	CreditAfter   money.Amount
	TransferID    string
	Actor         string
	Reason        string
	RequestID     string
	CreatedAt     time.Time
}

// LedgerReport is the outcome of a ledger check.
type LedgerReport struct {
	Accounts, Entries int
	// Problems names every broken invariant; empty when the books balance.
	Problems []string
}

// page normalizes paging: limit 10 by default, at most 1000.
func page(offset, limit int) (int, int) {
	if limit <= 0 {
		limit = 10
	}
	return max(offset, 0), min(limit, 1000)
}

// operatorName is what the ledger names as the actor of a change.
func operatorName(a identity.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	if a.ID != "" {
		return a.ID
	}
	return "system"
}

// checkAmount accepts amounts > 0 with at most 2 decimals (money.Amount
// guarantees the decimals).
func checkAmount(a money.Amount) (int64, error) {
	if a.Cmp(money.Amount{}) <= 0 {
		return 0, errParam("amount")
	}
	return a.Cents(), nil
}
