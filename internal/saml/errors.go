package saml

import "partnercenter/internal/platform/apperr"

// Errors the SP answers with. Refusals of a response all read the same to
// the browser; the log says why.
var (
	// ErrParam names a bad login parameter (argument "field").
	ErrParam = apperr.New("CBC.0100", "err.invalid_param_named")
	// ErrTarget is a service or RelayState that is not a page of ours.
	ErrTarget = apperr.New("CBC.0100", "err.saml_target")
	// ErrUnknownPlatform is an xAccountType no partner has.
	ErrUnknownPlatform = apperr.New("CBC.0101", "err.saml_unknown_platform").WithStatus(404)
	// ErrResponse is a SAMLResponse that does not verify.
	ErrResponse = apperr.New("PC.0403", "err.saml_response_invalid")
	// ErrRequestUnknown is a response to no login of this browser's that is
	// still open (unknown, expired, already answered, or another browser's).
	ErrRequestUnknown = apperr.New("PC.0403", "err.saml_request_unknown")
	// ErrReplayed is an assertion that was accepted before.
	ErrReplayed = apperr.New("PC.0403", "err.saml_replayed")
	// ErrIdPInitiated is an unsolicited response from an IdP whose partner
	// does not allow them.
	ErrIdPInitiated = apperr.New("PC.0403", "err.saml_idp_initiated")
	// ErrNoXUserID is a verified assertion without the xUserId attribute.
	ErrNoXUserID = apperr.New("PC.0403", "err.saml_no_xuserid")
)
