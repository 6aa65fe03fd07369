package saml

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	crewjam "github.com/crewjam/saml"

	"partnercenter/internal/identity"
)

// maxACSBody bounds the ACS form; real responses are a few kilobytes.
const maxACSBody = 1 << 20

// maxReplayWindow caps how long an assertion id is remembered, whatever
// NotOnOrAfter an IdP writes: crewjam refuses an assertion issued more than
// MaxIssueDelay ago anyway.
const maxReplayWindow = 24 * time.Hour

// Attribute names the Binder finds in attrs. xUserId is required; name
// (the cloud account name, CreateSubCustomer's domain_name) and mobile
// ("countrycode-number") are optional. Each is taken from the first
// attribute present under any of its names; attrs also holds every
// attribute's first value under its Name and FriendlyName.
const (
	AttrXUserID = "xUserId"
	AttrName    = "name"
	AttrMobile  = "mobile"
)

var attrAliases = map[string][]string{
	AttrXUserID: {"xUserId", "IAM_SAML_Attributes_xUserId"},
	AttrName:    {"name", "domainName", "IAM_SAML_Attributes_name", "IAM_SAML_Attributes_domainName"},
	AttrMobile:  {"mobile", "mobilePhone", "IAM_SAML_Attributes_mobile"},
}

// responseHead is what is read of a response before it is verified: only
// which login it answers, or which IdP claims to send it, to know whose
// metadata verifies it. Nothing else of it is trusted.
type responseHead struct {
	XMLName      xml.Name
	InResponseTo string `xml:"InResponseTo,attr"`
	Issuer       string `xml:"urn:oasis:names:tc:SAML:2.0:assertion Issuer"`
}

// serveACS is POST /authui/saml/acs: it verifies the IdP's response and
// hands the verified customer to the Binder.
func (s *Service) serveACS(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, maxACSBody)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, ErrResponse.Wrap(err))
		return
	}
	if r.PostForm.Get("SAMLart") != "" {
		s.fail(w, r, ErrResponse.Wrap(errors.New("artifact binding not supported")))
		return
	}
	base := s.baseURL(r)
	relay, ok := localTarget(r.PostForm.Get("RelayState"), base)
	if !ok {
		s.fail(w, r, ErrTarget.Wrap(errors.New("RelayState "+r.PostForm.Get("RelayState"))))
		return
	}
	raw, err := base64.StdEncoding.DecodeString(r.PostForm.Get("SAMLResponse"))
	if err != nil || len(raw) == 0 {
		s.fail(w, r, ErrResponse.Wrap(errors.New("SAMLResponse missing or not base64")))
		return
	}
	var head responseHead
	if err := xml.Unmarshal(raw, &head); err != nil || head.XMLName.Local != "Response" ||
		head.XMLName.Space != "urn:oasis:names:tc:SAML:2.0:protocol" {
		s.fail(w, r, ErrResponse.Wrap(errors.New("not a SAML response")))
		return
	}

	now := s.Clock.Now()
	var (
		idp          identity.IdP
		requestID    = head.InResponseTo
		xAccountType string
		isFirstLogin bool
		service      string
	)
	if requestID != "" {
		token := ""
		if c, err := r.Cookie(browserCookie); err == nil {
			token = c.Value
		}
		p, err := s.openRequest(ctx, requestID, token, now)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if idp, err = s.Identity.IdPByPartner(ctx, p.PartnerID); err != nil {
			s.fail(w, r, err)
			return
		}
		xAccountType, isFirstLogin, service = p.XAccountType, p.IsFirstLogin, p.Service
	} else {
		idp, err = s.Identity.IdPByEntityID(ctx, strings.TrimSpace(head.Issuer))
		if err != nil {
			s.fail(w, r, ErrResponse.Wrap(err))
			return
		}
		if !idp.AllowIdPInitiated {
			s.fail(w, r, ErrIdPInitiated.Wrap(errors.New("issuer "+head.Issuer)))
			return
		}
		xAccountType, service = idp.XAccountType, relay
	}

	key, err := s.PlatformKey(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sp, err := serviceProvider(base, key, idp.Metadata, requestID == "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var possible []string
	if requestID != "" {
		possible = []string{requestID}
	}
	assertion, err := sp.ParseXMLResponse(raw, possible, sp.AcsURL)
	if err != nil {
		var invalid *crewjam.InvalidResponseError
		if errors.As(err, &invalid) && invalid.PrivateErr != nil {
			err = invalid.PrivateErr
		}
		s.fail(w, r, ErrResponse.Wrap(err))
		return
	}
	if assertion.ID == "" || len(assertion.ID) > 256 {
		s.fail(w, r, ErrResponse.Wrap(errors.New("assertion without a usable ID")))
		return
	}
	xUserID, attrs := attributes(assertion)
	if xUserID == "" {
		s.fail(w, r, ErrNoXUserID)
		return
	}
	if err := s.completeLogin(ctx, requestID, idp.PartnerID, assertion.ID, replayUntil(assertion, now), now); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Log.Info("saml login", "partner_id", idp.PartnerID, "x_account_type", xAccountType, "idp_initiated", requestID == "")
	s.Binder.SignIn(ctx, w, r, idp.PartnerID, xAccountType, xUserID, attrs, isFirstLogin, service)
}

// attributes collects the assertion's attributes (first value of each) and
// the canonical ones; xUserID is "" when absent or unusable (longer than
// 128 characters or holding control characters).
func attributes(a *crewjam.Assertion) (xUserID string, attrs map[string]string) {
	attrs = map[string]string{}
	for _, st := range a.AttributeStatements {
		for _, at := range st.Attributes {
			if len(at.Values) == 0 {
				continue
			}
			v := strings.TrimSpace(at.Values[0].Value)
			for _, n := range []string{at.Name, at.FriendlyName} {
				if _, seen := attrs[n]; n != "" && !seen {
					attrs[n] = v
				}
			}
		}
	}
	for canonical, names := range attrAliases {
		for _, n := range names {
			if v := attrs[n]; v != "" {
				attrs[canonical] = v
				break
			}
		}
	}
	xUserID = attrs[AttrXUserID]
	if utf8.RuneCountInString(xUserID) > 128 || strings.IndexFunc(xUserID, unicode.IsControl) >= 0 {
		xUserID = ""
	}
	return xUserID, attrs
}

// replayUntil is how long the assertion's id must be remembered: until the
// last NotOnOrAfter it carries plus the clock skew crewjam allows, within
// [now + MaxIssueDelay + MaxClockSkew, now + maxReplayWindow].
func replayUntil(a *crewjam.Assertion, now time.Time) time.Time {
	until := now.Add(crewjam.MaxIssueDelay + crewjam.MaxClockSkew)
	later := func(t time.Time) {
		if t = t.Add(crewjam.MaxClockSkew); t.After(until) {
			until = t
		}
	}
	if a.Conditions != nil {
		later(a.Conditions.NotOnOrAfter)
	}
	if a.Subject != nil {
		for _, sc := range a.Subject.SubjectConfirmations {
			if sc.SubjectConfirmationData != nil {
				later(sc.SubjectConfirmationData.NotOnOrAfter)
			}
		}
	}
	if limit := now.Add(maxReplayWindow); until.After(limit) {
		until = limit
	}
	return until.UTC()
}
