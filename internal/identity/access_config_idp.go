package identity

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/crewjam/saml"
	xrv "github.com/mattermost/xml-roundtrip-validator"
)

// MaxIdPMetadataSize is the largest IdP metadata file accepted (console.md
// §9.1: ≤ 2 MB).
const MaxIdPMetadataSize = 2 << 20

// ParseIdPMetadata reads a partner platform's SAML 2.0 IdP metadata (an
// EntityDescriptor, or an EntitiesDescriptor holding one) with crewjam's
// types and checks that a login can work with it: an IDPSSODescriptor with
// a single sign-on endpoint in the HTTP-Redirect or HTTP-POST binding, and
// signing certificates that all parse and of which one is valid at now.
// validUntil in the metadata is not enforced: the partner replaces the file
// when its keys change. It returns the IdP's entity and the summary the
// console shows.
func ParseIdPMetadata(raw []byte, now time.Time) (*saml.EntityDescriptor, IdPSummary, error) {
	if len(raw) > MaxIdPMetadataSize {
		return nil, IdPSummary{}, ErrIdPMetadataTooLarge
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, IdPSummary{}, ErrIdPMetadataXML
	}
	// encoding/xml does not round-trip every document faithfully; crewjam
	// refuses the same inputs before it trusts what it parsed.
	if err := xrv.Validate(bytes.NewReader(raw)); err != nil {
		return nil, IdPSummary{}, ErrIdPMetadataXML.Wrap(err)
	}
	ed, err := firstIdPEntity(raw)
	if err != nil {
		return nil, IdPSummary{}, err
	}
	sum := IdPSummary{EntityID: strings.TrimSpace(ed.EntityID)}
	if sum.EntityID == "" || len(sum.EntityID) > 1024 {
		return nil, IdPSummary{}, ErrIdPMetadataXML.Wrap(errors.New("entityID missing or too long"))
	}
	ed.EntityID = sum.EntityID
	sum.SSOURL, sum.SSOBinding = ssoEndpoint(ed)
	if sum.SSOURL == "" {
		return nil, IdPSummary{}, ErrIdPMetadataNoSSO
	}
	certs, err := signingCerts(ed)
	if err != nil {
		return nil, IdPSummary{}, err
	}
	var best *x509.Certificate
	for _, c := range certs {
		if !now.Before(c.NotBefore) && now.Before(c.NotAfter) && (best == nil || c.NotAfter.After(best.NotAfter)) {
			best = c
		}
	}
	if best == nil {
		return nil, IdPSummary{}, ErrIdPMetadataCertExpired
	}
	sum.CertSubject = best.Subject.String()
	sum.CertNotAfter = best.NotAfter.UTC()
	return ed, sum, nil
}

// firstIdPEntity finds the first EntityDescriptor with an IDPSSODescriptor.
func firstIdPEntity(raw []byte) (*saml.EntityDescriptor, error) {
	var ed saml.EntityDescriptor
	errOne := xml.Unmarshal(raw, &ed)
	if errOne == nil {
		if len(ed.IDPSSODescriptors) == 0 {
			return nil, ErrIdPMetadataNoIdP
		}
		return &ed, nil
	}
	var eds saml.EntitiesDescriptor
	if err := xml.Unmarshal(raw, &eds); err != nil {
		return nil, ErrIdPMetadataXML.Wrap(errOne)
	}
	if found := findIdPEntity(&eds); found != nil {
		return found, nil
	}
	return nil, ErrIdPMetadataNoIdP
}

func findIdPEntity(eds *saml.EntitiesDescriptor) *saml.EntityDescriptor {
	for i := range eds.EntityDescriptors {
		if len(eds.EntityDescriptors[i].IDPSSODescriptors) > 0 {
			return &eds.EntityDescriptors[i]
		}
	}
	for i := range eds.EntitiesDescriptors {
		if found := findIdPEntity(&eds.EntitiesDescriptors[i]); found != nil {
			return found
		}
	}
	return nil
}

// ssoEndpoint picks the endpoint logins go to: HTTP-Redirect if offered
// (what Huawei's IAM uses, cbc-api.md §4.4), else HTTP-POST. Only absolute
// http(s) URLs count.
func ssoEndpoint(ed *saml.EntityDescriptor) (location, binding string) {
	for _, want := range []string{saml.HTTPRedirectBinding, saml.HTTPPostBinding} {
		for _, d := range ed.IDPSSODescriptors {
			for _, ep := range d.SingleSignOnServices {
				if ep.Binding == want && webURL(ep.Location) {
					return ep.Location, ep.Binding
				}
			}
		}
	}
	return "", ""
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// signingCerts parses every certificate the IdP signs with (use="signing"
// or no use), as crewjam will when it verifies a response: one that does
// not parse would fail every login, so it fails the upload instead.
func signingCerts(ed *saml.EntityDescriptor) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, d := range ed.IDPSSODescriptors {
		for _, kd := range d.KeyDescriptors {
			if kd.Use != "" && kd.Use != "signing" {
				continue
			}
			for _, c := range kd.KeyInfo.X509Data.X509Certificates {
				der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(c.Data), ""))
				if err != nil {
					return nil, ErrIdPMetadataNoCert.Wrap(err)
				}
				cert, err := x509.ParseCertificate(der)
				if err != nil {
					return nil, ErrIdPMetadataNoCert.Wrap(err)
				}
				out = append(out, cert)
			}
		}
	}
	if len(out) == 0 {
		return nil, ErrIdPMetadataNoCert
	}
	return out, nil
}
