package coupon

import (
	"net/http"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/apperr"
)

// Errors of the coupon domain, with Huawei's codes (reference/cbc-api.md
// §5.2, §5.3, §5.7).
var (
	// ErrNoCustomerPermission: the customer is the partner's but outside
	// the member's data scope.
	ErrNoCustomerPermission = apperr.New("CBC.99000000", "err.coupon_no_customer_permission")
	// ErrQuotaNotFound: no such quota of the caller's, or not in a status
	// the operation accepts.
	ErrQuotaNotFound = apperr.New("CBC.99000012", "err.coupon_quota_not_found")
	// ErrQuotaStatus: the quota exists but its status does not allow issuing.
	ErrQuotaStatus = apperr.New("CBC.99000012", "err.coupon_quota_status")
	// ErrBalance: the quota's balance does not cover the face value.
	ErrBalance = apperr.New("CBC.99000013", "err.coupon_balance")
	// ErrReferralCustomer: coupons go to reseller-model customers only.
	ErrReferralCustomer = apperr.New("CBC.99000014", "err.coupon_referral_customer")
	// ErrQuotaNotIssuable: a distributor's quota cannot be given to
	// resellers in its status.
	ErrQuotaNotIssuable = apperr.New("CBC.99000015", "err.coupon_quota_not_issuable")
	// ErrQuotaNotEffective: now is outside the quota's validity.
	ErrQuotaNotEffective = apperr.New("CBC.99000017", "err.coupon_quota_not_effective")
	// ErrLimitsOutside: the coupon's service types, products or minimum
	// order amount are not within the quota's limits.
	ErrLimitsOutside = apperr.New("CBC.99000023", "err.coupon_limits_outside")
	// ErrNotYourCustomer and ErrNotYourReseller are the customer domain's.
	ErrNotYourCustomer = customer.ErrNotYourCustomer
	ErrNotYourReseller = customer.ErrNotYourReseller
	// ErrReclaimReferral: coupons of referral customers cannot be reclaimed.
	ErrReclaimReferral = apperr.New("CBC.99000045", "err.coupon_reclaim_referral")
	// ErrNotReclaimable: the coupon is expired, used up or already reclaimed.
	ErrNotReclaimable = apperr.New("CBC.99000048", "err.coupon_not_reclaimable")
	// ErrCouponNotFound: no such coupon visible to the caller.
	ErrCouponNotFound = apperr.New("CBC.0101", "err.coupon_not_found").WithStatus(http.StatusNotFound)
	// ErrQuotaPartnerType: quotas go to solution providers and distributors.
	ErrQuotaPartnerType = apperr.New("CBC.0100", "err.coupon_quota_partner_type")
	// ErrNotDistributor: only distributors give quotas to resellers.
	ErrNotDistributor = apperr.New("CBC.0150", "err.coupon_not_distributor")
	// ErrCouponNotUsable: the coupon cannot pay (not usable, expired, or
	// held by another order).
	ErrCouponNotUsable = apperr.New("CBC.0150", "err.coupon_not_usable")
	// ErrCouponBalance: a payment larger than the coupon's balance.
	ErrCouponBalance = apperr.New("CBC.99005003", "err.coupon_insufficient")
)

// errParam is CBC.0100 naming the parameter at fault.
func errParam(name string) error {
	return apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", name)
}
