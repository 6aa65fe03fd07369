package saml

import (
	"context"
	"net/http"

	"partnercenter/internal/platform/i18n"
)

// Binder signs in the customer a partner platform vouched for. The ACS
// calls it once per verified, fresh assertion, inside the console session
// middleware (so it may use the session), and leaves the response to it.
//
// partnerID and xAccountType name the partner whose IdP signed the
// assertion; xUserID is the platform's user id (the xaccount_id of
// CreateSubCustomer); attrs holds every attribute, with the canonical
// AttrName and AttrMobile when sent; isFirstLogin is what the platform
// passed to /authui/saml/login (false for IdP-initiated logins); service is
// a path on this site to continue to, or "" for the Binder's default.
type Binder interface {
	SignIn(ctx context.Context, w http.ResponseWriter, r *http.Request, partnerID, xAccountType, xUserID string,
		attrs map[string]string, isFirstLogin bool, service string)
}

// UnboundBinder is the Binder until the customer portal provides one: it
// states that the platform's identity was verified but that no customer
// account is bound to it here, and signs nobody in.
type UnboundBinder struct{}

// SignIn renders the page.
func (UnboundBinder) SignIn(_ context.Context, w http.ResponseWriter, r *http.Request, _, xAccountType, xUserID string,
	_ map[string]string, _ bool, _ string) {
	lang := langOf(r)
	t := func(key string) string { return i18n.T(lang, key, nil) }
	renderPage(w, http.StatusOK, "page.html", pageData{Lang: lang, Title: t("saml.unbound.title"),
		Paragraphs: []string{t("saml.unbound.verified"), t("saml.unbound.no_account")},
		Facts: []fact{{Label: t("saml.unbound.platform"), Value: xAccountType},
			{Label: t("saml.unbound.user"), Value: xUserID}}})
}
