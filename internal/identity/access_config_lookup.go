package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/crewjam/saml"
)

// IdP is a partner platform's identity provider as the SAML service
// provider needs it during a login.
type IdP struct {
	PartnerID    string
	XAccountType string
	// Metadata is the accepted IdP metadata, parsed again from the stored
	// file, so what signs a response is exactly what was uploaded.
	Metadata          *saml.EntityDescriptor
	AllowIdPInitiated bool
}

// IdPFor finds the IdP of the partner whose platform id is xAccountType,
// for /authui/saml/login, which runs before anyone is signed in (no actor).
// Errors: ErrPartnerNotFound for an unknown xAccountType;
// ErrAccessNotConfigured when the partner has uploaded no IdP metadata.
func (s *Service) IdPFor(ctx context.Context, xAccountType string) (*saml.EntityDescriptor, string, error) {
	idp, err := s.idpWhere(ctx, "p.xaccount_type = $1", xAccountType, ErrPartnerNotFound)
	if err != nil {
		return nil, "", err
	}
	return idp.Metadata, idp.PartnerID, nil
}

// IdPByPartner is IdPFor by partner id, for the ACS finishing a login that
// IdPFor started. Same errors.
func (s *Service) IdPByPartner(ctx context.Context, partnerID string) (IdP, error) {
	return s.idpWhere(ctx, "p.id = $1", partnerID, ErrPartnerNotFound)
}

// IdPByEntityID finds the IdP whose metadata has entityID, for an
// IdP-initiated response, which names only its issuer. Same errors.
func (s *Service) IdPByEntityID(ctx context.Context, entityID string) (IdP, error) {
	if entityID == "" {
		return IdP{}, ErrAccessNotConfigured
	}
	return s.idpWhere(ctx, "c.idp_entity_id = $1", entityID, ErrAccessNotConfigured)
}

// idpWhere loads the one IdP matching where; notFound is the error when no
// row matches.
func (s *Service) idpWhere(ctx context.Context, where string, arg any, notFound error) (IdP, error) {
	var (
		idp      IdP
		metadata sql.NullString
		allow    sql.NullBool
	)
	err := s.db.SQL.QueryRowContext(ctx, `SELECT p.id, p.xaccount_type, c.idp_metadata, c.allow_idp_initiated
		FROM partners p LEFT JOIN partner_access_config c ON c.partner_id = p.id WHERE `+where, arg).
		Scan(&idp.PartnerID, &idp.XAccountType, &metadata, &allow)
	if errors.Is(err, sql.ErrNoRows) {
		return IdP{}, notFound
	}
	if err != nil {
		return IdP{}, fmt.Errorf("find idp: %w", err)
	}
	if metadata.String == "" {
		return IdP{}, ErrAccessNotConfigured
	}
	ed, err := firstIdPEntity([]byte(metadata.String))
	if err != nil {
		return IdP{}, fmt.Errorf("stored idp metadata of %s: %w", idp.PartnerID, err)
	}
	idp.Metadata, idp.AllowIdPInitiated = ed, allow.Bool
	return idp, nil
}

// NotifyTarget returns where partnerID's account-binding notifications go,
// for the delivery job (no actor: the job acts for the platform). Errors:
// ErrAccessNotConfigured when no notification URL is set. The URL was
// checked when it was saved; the caller must still refuse to connect to a
// private address the host name may resolve to.
func (s *Service) NotifyTarget(ctx context.Context, partnerID string) (string, error) {
	var u string
	err := s.db.SQL.QueryRowContext(ctx, "SELECT notify_url FROM partner_access_config WHERE partner_id = $1", partnerID).Scan(&u)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && u == "") {
		return "", ErrAccessNotConfigured
	}
	if err != nil {
		return "", fmt.Errorf("notify target of %s: %w", partnerID, err)
	}
	return u, nil
}
