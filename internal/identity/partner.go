package identity

import (
	"time"

	"partnercenter/internal/platform/apperr"
)

// PartnerType is what kind of business a partner runs.
type PartnerType string

const (
	SolutionProvider PartnerType = "solution_provider" // 解决方案提供商
	Distributor      PartnerType = "distributor"       // 总经销商 (tier 1)
	CloudReseller    PartnerType = "cloud_reseller"    // 云经销商 (tier 2, under a distributor)
)

// PartnerTypes lists the types in display order.
var PartnerTypes = []PartnerType{SolutionProvider, Distributor, CloudReseller}

// Valid reports whether t is a known type.
func (t PartnerType) Valid() bool {
	return t == SolutionProvider || t == Distributor || t == CloudReseller
}

// PartnerStatus is the cloud side's standing of a partner.
type PartnerStatus string

const (
	PartnerNormal     PartnerStatus = "normal"
	PartnerRestricted PartnerStatus = "restricted" // may sign in, may not create customers or issue benefits
	PartnerFrozen     PartnerStatus = "frozen"     // may not sign in or call the API
)

// PartnerStatuses lists the statuses in display order.
var PartnerStatuses = []PartnerStatus{PartnerNormal, PartnerRestricted, PartnerFrozen}

// Valid reports whether s is a known status.
func (s PartnerStatus) Valid() bool {
	return s == PartnerNormal || s == PartnerRestricted || s == PartnerFrozen
}

// Partner is a partner company.
type Partner struct {
	ID   string
	Type PartnerType
	// ParentID is the distributor of a cloud reseller; empty otherwise.
	ParentID string
	Name     string
	// DomainID and DomainName are the partner's cloud account (domain): the
	// id the open API's X-Domain-Id carries and the account name its main
	// account signs in with.
	DomainID     string
	DomainName   string
	XAccountType string
	Status       PartnerStatus
	// ContactMobile and ContactEmail reach the partner company.
	ContactMobile string
	ContactEmail  string
	EcoManager    EcoManager
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// EcoManager is the cloud's ecosystem manager (生态经理) looking after a
// partner, shown on the partner's home page.
type EcoManager struct {
	Name   string
	Email  string
	Mobile string
}

// Errors of partner management.
var (
	ErrPartnerNotFound     = apperr.New("CBC.5001", "err.partner_not_found").WithStatus(404)
	ErrDomainNameTaken     = apperr.New("CBC.99000038", "err.domain_name_taken")
	ErrDomainNameFormat    = apperr.New("CBC.99000031", "err.domain_name_format")
	ErrXAccountTypeTaken   = apperr.New("CBC.0100", "err.xaccount_type_taken")
	ErrPartnerNameRequired = apperr.New("CBC.0100", "err.partner_name_required")
	ErrPartnerType         = apperr.New("CBC.0100", "err.partner_type")
	ErrResellerParent      = apperr.New("CBC.0100", "err.reseller_parent")
	ErrPartnerStatus       = apperr.New("CBC.0100", "err.partner_status")
	ErrEmailFormat         = apperr.New("CBC.0100", "err.email_format")
	ErrMobileFormat        = apperr.New("CBC.0100", "err.mobile_format")
)
