package prospect

import (
	"net/http"

	"partnercenter/internal/platform/apperr"
)

// Errors of customer development. Refusals of a report or an invitation
// each carry their own message, as the console shows the reason (§1.2:
// "the system returns the failure reason").
var (
	ErrNoPartnerContact   = apperr.New("PC.0409", "err.prospect_no_partner_contact").WithStatus(http.StatusConflict)
	ErrPartnerRestricted  = apperr.New("CBC.50010085", "err.prospect_partner_restricted")
	ErrDistributor        = apperr.New("CBC.50010059", "err.prospect_distributor")
	ErrTypeNotOffered     = apperr.New("CBC.0100", "err.prospect_type_not_offered")
	ErrAlreadyAssociated  = apperr.New("PC.0409", "err.prospect_already_associated").WithStatus(http.StatusConflict)
	ErrReportedByOther    = apperr.New("PC.0409", "err.prospect_reported_by_other").WithStatus(http.StatusConflict)
	ErrProtected          = apperr.New("CBC.99000051", "err.prospect_protected")
	ErrAlreadyReported    = apperr.New("PC.0409", "err.prospect_already_reported").WithStatus(http.StatusConflict)
	ErrChooseAccount      = apperr.New("CBC.0100", "err.prospect_choose_account")
	ErrBadChoice          = apperr.New("CBC.0100", "err.prospect_bad_choice")
	ErrCap                = apperr.New("PC.0409", "err.prospect_cap").WithStatus(http.StatusConflict)
	ErrReportNotFound     = apperr.New("CBC.0101", "err.prospect_report_not_found")
	ErrNotPending         = apperr.New("PC.0409", "err.prospect_not_pending").WithStatus(http.StatusConflict)
	ErrRejectReason       = apperr.New("CBC.0100", "err.prospect_reject_reason")
	ErrNotReported        = apperr.New("PC.0409", "err.prospect_not_reported").WithStatus(http.StatusConflict)
	ErrInviteEmailMissing = apperr.New("CBC.0100", "err.prospect_invite_email_missing")
	ErrInviteNone         = apperr.New("CBC.0100", "err.prospect_invite_none")
	ErrInviteTooMany      = apperr.New("CBC.0100", "err.prospect_invite_too_many")

	// Causes of a failed association (§1.3), recorded on the invitation
	// and shown in 历史记录.
	ErrInviteUnknown         = apperr.New("CBC.0101", "err.prospect_invite_unknown")
	ErrInviteExpired         = apperr.New("PC.0410", "err.prospect_invite_expired").WithStatus(http.StatusGone)
	ErrInviteUsed            = apperr.New("PC.0410", "err.prospect_invite_used").WithStatus(http.StatusGone)
	ErrInviteReportedByOther = apperr.New("PC.0409", "err.prospect_invite_reported_by_other").WithStatus(http.StatusConflict)
	ErrInviteNeedsReport     = apperr.New("PC.0409", "err.prospect_invite_needs_report").WithStatus(http.StatusConflict)
	ErrInviteReportEnded     = apperr.New("PC.0409", "err.prospect_invite_report_ended").WithStatus(http.StatusConflict)
	ErrInviteOtherAccount    = apperr.New("PC.0409", "err.prospect_invite_other_account").WithStatus(http.StatusConflict)
	ErrInviteConsent         = apperr.New("CBC.0100", "err.prospect_invite_consent")
)

// fieldErr is CBC.0100 with key, marking form field name.
func fieldErr(name, key string) error {
	return apperr.New("CBC.0100", key).WithField(name, key)
}
