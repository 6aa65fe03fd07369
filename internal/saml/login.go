package saml

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/beevik/etree"
	crewjam "github.com/crewjam/saml"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
)

// browserCookie binds a login to the browser that started it. It is sent
// only to the SP's paths; on https it is SameSite=None, because the IdP's
// form posts to the ACS from another site.
const browserCookie = "pc_saml_browser"

// loginParams are the query of /authui/saml/login.
type loginParams struct {
	XAccountType string
	IsFirstLogin bool
	Service      string
}

func parseLogin(r *http.Request, base string) (loginParams, error) {
	q := r.URL.Query()
	p := loginParams{XAccountType: strings.TrimSpace(q.Get("xAccountType"))}
	if p.XAccountType == "" || len(p.XAccountType) > 64 {
		return p, ErrParam.With("field", "xAccountType")
	}
	switch strings.ToLower(q.Get("isFirstLogin")) {
	case "", "false":
	case "true":
		p.IsFirstLogin = true
	default:
		return p, ErrParam.With("field", "isFirstLogin")
	}
	svc, ok := localTarget(q.Get("service"), base)
	if !ok {
		return p, ErrTarget.Wrap(errors.New("service " + q.Get("service")))
	}
	p.Service = svc
	return p, nil
}

// serveLogin is GET /authui/saml/login: it finds the partner's IdP by
// xAccountType, remembers the login, and sends the browser to the IdP with
// a signed AuthnRequest (HTTP-Redirect with a signed query, or an
// auto-submitted HTTP-POST form when the IdP offers only that).
func (s *Service) serveLogin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	base := s.baseURL(r)
	p, err := parseLogin(r, base)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	idp, partnerID, err := s.Identity.IdPFor(ctx, p.XAccountType)
	if errors.Is(err, identity.ErrPartnerNotFound) {
		err = ErrUnknownPlatform.With("x_account_type", p.XAccountType)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key, err := s.PlatformKey(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sp, err := serviceProvider(base, key, idp, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	binding := crewjam.HTTPRedirectBinding
	location := sp.GetSSOBindingLocation(binding)
	if location == "" {
		binding = crewjam.HTTPPostBinding
		location = sp.GetSSOBindingLocation(binding)
	}
	req, err := sp.MakeAuthenticationRequest(location, binding, crewjam.HTTPPostBinding)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	token := s.browserToken(w, r, base)
	now := s.Clock.Now()
	err = s.saveRequest(ctx, pendingRequest{ID: req.ID, PartnerID: partnerID, XAccountType: p.XAccountType,
		IsFirstLogin: p.IsFirstLogin, Service: p.Service, BrowserHash: hashBrowser(token), ExpiresAt: now.Add(RequestTTL)}, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if binding == crewjam.HTTPRedirectBinding {
		u, err := req.Redirect("", sp)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, u.String(), http.StatusFound)
		return
	}
	s.postRequest(w, r, req)
}

// browserToken returns the browser's login cookie, setting a fresh one
// when it has none; it lives as long as a login may take.
func (s *Service) browserToken(w http.ResponseWriter, r *http.Request, base string) string {
	if c, err := r.Cookie(browserCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	c := &http.Cookie{Name: browserCookie, Value: token, Path: "/authui/saml/", MaxAge: int(RequestTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if strings.HasPrefix(base, "https://") {
		c.Secure, c.SameSite = true, http.SameSiteNoneMode
	}
	http.SetCookie(w, c)
	return token
}

// postData is post.html's.
type postData struct {
	Lang                     i18n.Lang
	Title, Message, Continue string
	URL, SAMLRequest, Nonce  string
}

// postRequest sends a signed AuthnRequest by the HTTP-POST binding: a form
// that submits itself, allowed by a policy that admits exactly this script
// and this form target.
func (s *Service) postRequest(w http.ResponseWriter, r *http.Request, req *crewjam.AuthnRequest) {
	doc := etree.NewDocument()
	doc.SetRoot(req.Element())
	raw, err := doc.WriteToBytes()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dest, err := url.Parse(req.Destination)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	nonce := base64.StdEncoding.EncodeToString(b)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'nonce-"+nonce+"'; "+
		"form-action "+dest.Scheme+"://"+dest.Host+"; base-uri 'none'; frame-ancestors 'none'")
	lang := langOf(r)
	renderPage(w, http.StatusOK, "post.html", postData{Lang: lang, Title: i18n.T(lang, "saml.login.title", nil),
		Message: i18n.T(lang, "saml.login.post", nil), Continue: i18n.T(lang, "saml.login.continue", nil),
		URL: req.Destination, SAMLRequest: base64.StdEncoding.EncodeToString(raw), Nonce: nonce})
}
