package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/platform/apperr"
)

// AccessConfig is a partner's 接入配置 (支持 > 能力开放, console.md §9.1):
// what Huawei Cloud needs to accept its sales platform as a SAML identity
// provider in Web UI mode and to tell it about account bindings.
type AccessConfig struct {
	PartnerID string
	// XAccountType is the platform id the cloud assigned to the partner; its
	// sales platform sends it to /authui/saml/login.
	XAccountType string
	// IdP summarises the uploaded IdP metadata; nil until one is accepted.
	IdP *IdPSummary
	// AllowIdPInitiated lets the partner's IdP post unsolicited responses
	// (no AuthnRequest of ours before them). Off by default: an unsolicited
	// response cannot be tied to the browser that receives it.
	AllowIdPInitiated bool
	// NotifyURL receives the account-binding notifications (cbc-api.md
	// §4.3); empty until set.
	NotifyURL string
	Contact   AccessContact
	// UpdatedAt is zero while nothing has been saved.
	UpdatedAt time.Time
}

// IdPSummary is what the console shows of an accepted IdP metadata file.
type IdPSummary struct {
	EntityID string
	// SSOURL is the single sign-on endpoint logins are sent to, with its
	// binding (HTTP-Redirect preferred over HTTP-POST).
	SSOURL     string
	SSOBinding string
	// CertSubject and CertNotAfter describe the signing certificate that
	// stays valid longest.
	CertSubject  string
	CertNotAfter time.Time
	UploadedAt   time.Time
}

// AccessContact is the person at the partner who answers for the
// integration.
type AccessContact struct {
	Name   string
	Mobile string
	Email  string
}

// Errors of the access configuration.
var (
	ErrIdPMetadataTooLarge    = apperr.New("CBC.0100", "err.idp_metadata_too_large")
	ErrIdPMetadataXML         = apperr.New("CBC.0100", "err.idp_metadata_xml")
	ErrIdPMetadataNoIdP       = apperr.New("CBC.0100", "err.idp_metadata_no_idp")
	ErrIdPMetadataNoSSO       = apperr.New("CBC.0100", "err.idp_metadata_no_sso")
	ErrIdPMetadataNoCert      = apperr.New("CBC.0100", "err.idp_metadata_no_cert")
	ErrIdPMetadataCertExpired = apperr.New("CBC.0100", "err.idp_metadata_cert_expired")
	ErrIdPEntityTaken         = apperr.New("PC.0409", "err.idp_entity_taken")
	ErrNotifyURL              = apperr.New("CBC.0100", "err.notify_url")
	ErrContactName            = apperr.New("CBC.0100", "err.contact_name")
	// ErrAccessNotConfigured is returned to the SAML flow and the notice
	// delivery when the partner has not configured what they need.
	ErrAccessNotConfigured = apperr.New("CBC.0101", "err.access_not_configured").WithStatus(404)
)

// requireAccessConfig allows the partner's own people holding the access
// configuration item. Operators hold no partner items and are refused.
func requireAccessConfig(a Actor) error {
	if a.PartnerID == "" || !a.Can(PermAccessConfig) {
		return ErrForbidden
	}
	return nil
}

const accessConfigSelect = `SELECT partner_id, idp_metadata, COALESCE(idp_entity_id, ''), idp_sso_url, idp_sso_binding,
	idp_cert_subject, idp_cert_not_after, idp_uploaded_at, allow_idp_initiated, notify_url,
	contact_name, contact_mobile, contact_email, updated_at
	FROM partner_access_config`

// accessConfigRow is a stored row, with the metadata itself.
type accessConfigRow struct {
	AccessConfig
	metadata string
}

func scanAccessConfig(row rowScanner) (accessConfigRow, error) {
	var (
		r                   accessConfigRow
		s                   IdPSummary
		notAfter, uploaded  sql.NullTime
		entityID, ssoURL    string
		ssoBinding, subject string
	)
	err := row.Scan(&r.PartnerID, &r.metadata, &entityID, &ssoURL, &ssoBinding, &subject, &notAfter, &uploaded,
		&r.AllowIdPInitiated, &r.NotifyURL, &r.Contact.Name, &r.Contact.Mobile, &r.Contact.Email, &r.UpdatedAt)
	if err != nil {
		return r, err
	}
	if entityID != "" {
		s = IdPSummary{EntityID: entityID, SSOURL: ssoURL, SSOBinding: ssoBinding, CertSubject: subject,
			CertNotAfter: notAfter.Time.UTC(), UploadedAt: uploaded.Time.UTC()}
		r.IdP = &s
	}
	r.UpdatedAt = r.UpdatedAt.UTC()
	return r, nil
}

// loadAccessConfig reads partnerID's row; a partner without one gets an
// empty row (sql.ErrNoRows is not an error here).
func loadAccessConfig(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, partnerID string) (accessConfigRow, error) {
	r, err := scanAccessConfig(q.QueryRowContext(ctx, accessConfigSelect+" WHERE partner_id = $1", partnerID))
	if errors.Is(err, sql.ErrNoRows) {
		return accessConfigRow{AccessConfig: AccessConfig{PartnerID: partnerID}}, nil
	}
	if err != nil {
		return accessConfigRow{}, fmt.Errorf("load access config of %s: %w", partnerID, err)
	}
	return r, nil
}

// AccessConfig returns the actor's partner's access configuration, with the
// xAccountType the cloud assigned. The partner's own people holding
// PermAccessConfig only (ErrForbidden otherwise). A partner that has saved
// nothing yet gets an empty configuration, not an error.
func (s *Service) AccessConfig(ctx context.Context, actor Actor) (AccessConfig, error) {
	if err := requireAccessConfig(actor); err != nil {
		return AccessConfig{}, err
	}
	p, err := s.partnerByID(ctx, actor.PartnerID)
	if err != nil {
		return AccessConfig{}, err
	}
	r, err := loadAccessConfig(ctx, s.db.SQL, actor.PartnerID)
	if err != nil {
		return AccessConfig{}, err
	}
	r.XAccountType = p.XAccountType
	return r.AccessConfig, nil
}
