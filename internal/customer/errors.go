package customer

import (
	"net/http"

	"partnercenter/internal/platform/apperr"
)

// Errors of the customer domain, with Huawei's codes (reference/cbc-api.md
// §3–§4).
var (
	ErrDomainNameFormat  = apperr.New("CBC.99000031", "err.customer_domain_name_format")
	ErrDomainNameTaken   = apperr.New("CBC.99000038", "err.customer_domain_name_taken")
	ErrPasswordFormat    = apperr.New("CBC.99000036", "err.customer_password_format")
	ErrMobileFormat      = apperr.New("CBC.5017", "err.customer_mobile_format")
	ErrEmailFormat       = apperr.New("CBC.0100", "err.customer_email_format")
	ErrCodeWrong         = apperr.New("CBC.99004010", "err.customer_code_wrong")
	ErrCodeExpired       = apperr.New("CBC.99004008", "err.customer_code_expired")
	ErrCodeAttempts      = apperr.New("CBC.99004009", "err.customer_code_attempts")
	ErrCodeSendLimit     = apperr.New("CBC.99004015", "err.customer_code_send_limit")
	ErrXAccountTaken     = apperr.New("CBC.99000039", "err.customer_xaccount_taken")
	ErrMobileTaken       = apperr.New("CBC.99000029", "err.customer_mobile_taken")
	ErrMobileLimit       = apperr.New("CBC.99000030", "err.customer_mobile_limit")
	ErrProtected         = apperr.New("CBC.99000051", "err.customer_protected")
	ErrNotYourCustomer   = apperr.New("CBC.99000035", "err.customer_not_yours")
	ErrNotYourReseller   = apperr.New("CBC.99000037", "err.customer_not_your_reseller")
	ErrDistributorDirect = apperr.New("CBC.50010059", "err.customer_distributor_direct")
	ErrPartnerRestricted = apperr.New("CBC.50010085", "err.customer_partner_restricted")
	ErrParentRestricted  = apperr.New("CBC.50010086", "err.customer_parent_restricted")
	ErrTestPartner       = apperr.New("CBC.99005035", "err.customer_test_partner")
	// ErrAssociationTimeout: the account exists but its association was not
	// made within the wait; the API still returns the account's id and name.
	ErrAssociationTimeout = apperr.New("CBC.99000050", "err.customer_association_timeout").
				WithStatus(http.StatusInternalServerError)
	ErrNotResellerModel     = apperr.New("CBC.0150", "err.customer_not_reseller_model")
	ErrUnfreezeTypeMismatch = apperr.New("CBC.0150", "err.customer_unfreeze_type_mismatch")
	ErrProtectedKind        = apperr.New("CBC.0100", "err.customer_protected_kind")
)

// errParam is CBC.0100 naming the parameter at fault.
func errParam(name string) error {
	return apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", name)
}
