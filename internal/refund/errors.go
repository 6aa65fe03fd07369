package refund

import (
	"partnercenter/internal/platform/apperr"
)

// Limits of one CancelResourcesSubscription call (api_order_00019).
const (
	// MaxResources is the most resource ids one call takes.
	MaxResources = 10
	// MaxReason is the longest unsubscribe_reason we keep.
	MaxReason = 400
)

// Unsubscribe types (unsubscribe_type): 1 gives back the resource and its
// renewed periods; 2 only the renewed periods, keeping the resource.
const (
	UnsubscribeResource = 1
	UnsubscribeRenewals = 2
)

// Errors of the refund domain, with Huawei's codes from the error table of
// CancelResourcesSubscription (api_order_00019). Per-resource problems are
// answered in fail_resource_infos, not as a whole failure.
var (
	// ErrResourceNotFound: no such resource of the caller's
	// (CBC.99003012, "资源ID不存在").
	ErrResourceNotFound = apperr.New("CBC.99003012", "err.refunds_resource_not_found")
	// ErrResourceGone: the resource is already unsubscribed
	// (CBC.30000067, "资源已被删除…不支持退订").
	ErrResourceGone = apperr.New("CBC.30000067", "err.refunds_resource_unsubscribed")
	// ErrResourceExpired: the resource's period has ended; nothing is
	// left to give back.
	ErrResourceExpired = apperr.New("CBC.30000067", "err.refunds_resource_expired")
	// ErrNoRenewals: unsubscribe_type 2 on a resource without renewed
	// periods (CBC.99003128) — this system has no renewals yet.
	ErrNoRenewals = apperr.New("CBC.99003128", "err.refunds_no_renewals")
	// ErrFrozen: a frozen customer cannot unsubscribe (CBC.99003656).
	ErrFrozen = apperr.New("CBC.99003656", "err.refunds_customer_frozen")
	// ErrNoCustomer: a refund detail query by a partner names no customer.
	ErrNoCustomer = apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", "customer_id")
)

func errParam(field string) error {
	return apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", field)
}
