// Package coupon is the cloud's money in partners' hands: coupon quotas
// (额度) granted by operators to solution providers and distributors (and by
// distributors to their cloud resellers), vouchers (代金券) and cash coupons
// (现金券) issued from them to reseller-model customers, reclaiming, the
// operation records, and an append-only ledger that proves every balance.
// Reference: console.md §3, cbc-api.md §5.
package coupon

import (
	"time"

	"partnercenter/internal/platform/money"
)

// QuotaType is a quota's kind; a coupon's type follows its quota's.
type QuotaType int

const (
	QuotaVoucher QuotaType = 0 // 代金券额度
	QuotaCash    QuotaType = 1 // 现金券额度
)

// QuotaStatus values of reference §3.3.
type QuotaStatus int

const (
	QuotaNormal    QuotaStatus = 0
	QuotaInvalid   QuotaStatus = 3 // expired or invalidated by an operator
	QuotaAdjusting QuotaStatus = 4 // visible, cannot issue
	QuotaFrozen    QuotaStatus = 5
	QuotaReclaimed QuotaStatus = 6 // a reseller's quota taken back by its distributor
)

// CouponType is the partner APIs' coupon type.
type CouponType int

const (
	CouponVoucher CouponType = 1
	CouponCash    CouponType = 4
)

// CouponStatus values of reference §3.3 (1, not activated, is never used:
// issued coupons need no activation).
type CouponStatus int

const (
	CouponUsable    CouponStatus = 2
	CouponUsedUp    CouponStatus = 3
	CouponExpired   CouponStatus = 4
	CouponReclaimed CouponStatus = 5
)

// OrderType is an order kind a quota or coupon may be limited to.
type OrderType string

const (
	OrderNew    OrderType = "new"
	OrderRenew  OrderType = "renew"
	OrderChange OrderType = "change"
)

// Limits are where a quota's coupons, or one coupon, may be used. Empty
// lists mean no restriction. A coupon's limits lie within its quota's.
type Limits struct {
	ServiceTypes []string    // cloud service type codes, e.g. hws.service.type.ec2
	ProductIDs   []string    // product ids
	Regions      []string    // region codes
	OrderTypes   []OrderType // new, renew, change
	// MinOrder is the minimum order amount (最小可用订单额); zero for none.
	MinOrder money.Amount
	// MaxOrderShare is, for cash coupons, the largest share of an order they
	// may pay, in percent (1–100); 0 for no limit.
	MaxOrderShare int
}

// Quota is a coupon quota held by a partner.
type Quota struct {
	ID        string
	PartnerID string
	// ParentQuotaID is the distributor's quota a reseller's quota was
	// carved from; empty for quotas granted by operators.
	ParentQuotaID string
	Type          QuotaType
	Value         money.Amount // granted value
	Balance       money.Amount // what may still be issued
	Currency      string       // CNY
	Status        QuotaStatus
	Limits        Limits
	EffectiveAt   time.Time
	ExpiresAt     time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// The reseller holding the quota, for a distributor's issued quotas.
	PartnerName        string
	PartnerAccountName string
}

// Coupon is a voucher or cash coupon issued to a customer.
type Coupon struct {
	ID         string
	QuotaID    string
	PartnerID  string // the issuing partner
	CustomerID string
	Type       CouponType
	FaceValue  money.Amount
	Balance    money.Amount // face value − used − reclaimed
	Used       money.Amount
	Reclaimed  money.Amount
	Status     CouponStatus
	Limits     Limits
	// Remark is seen only by the issuing partner.
	Remark      string
	EffectiveAt time.Time
	ExpiresAt   time.Time
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	ReclaimedAt *time.Time
	// LockOrderID is the order whose payment holds the coupon; "" when free.
	LockOrderID string
}

// Usage is one use of a coupon paying an order.
type Usage struct {
	CouponID string
	OrderID  string
	Amount   money.Amount
	At       time.Time
}

// OperationType is the coupon operation log's type (reference §3.3).
type OperationType int

const (
	OpIssue            OperationType = 1
	OpManualReclaim    OperationType = 2
	OpUnbindReclaim    OperationType = 3 // disassociation
	OpExpiryReclaim    OperationType = 4
	OpUnsubscribe      OperationType = 5
	OpRefundReversal   OperationType = 6
	OpAssociateReclaim OperationType = 7
	OpSwitchReclaim    OperationType = 8 // association-type switch
	OpQuotaIssue       OperationType = 10
	OpQuotaReclaim     OperationType = 11
)

// Record is one row of the coupon operation log (types 1–8).
type Record struct {
	ID            string
	OperationType OperationType
	QuotaID       string
	QuotaType     QuotaType
	CouponID      string
	CustomerID    string
	Amount        money.Amount
	Operator      string // member account name, or "system"
	At            time.Time
	Succeeded     bool
	Remark        string
}

// QuotaRecord is one row of a distributor's quota log (types 10 and 11).
type QuotaRecord struct {
	ID                  string
	QuotaID             string // the reseller's
	ParentQuotaID       string // the distributor's
	ResellerID          string
	ResellerName        string
	ResellerAccountName string
	OperationType       OperationType
	Amount              money.Amount
	Operator            string
	At                  time.Time
	Succeeded           bool
	Remark              string
}

// ItemError is a per-item failure of a batch call (error_details).
type ItemError struct {
	ID  string // customer, reseller or quota id
	Err error  // an *apperr.Error
}
