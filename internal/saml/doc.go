// Package saml is Partner Center's SAML 2.0 service provider in Web UI mode
// (reference/cbc-api.md §4.3–4.4, console.md §9): a partner's sales platform
// is the identity provider, we are the SP that Huawei's IAM plays.
//
// It owns the platform's SP key pair (one RSA-2048 key and a self-signed
// 10-year certificate, created once in the database and shared by every
// node), serves the SP metadata, starts logins and finishes them at the ACS,
// and signs the account-binding notices partners receive.
//
// Routes (mounted by app, no sign-in needed):
//
//	GET  /authui/saml/metadata.xml[?unsigned=true]
//	GET  /authui/saml/login?xAccountType=&isFirstLogin=&service=
//	POST /authui/saml/acs
//
// Decisions:
//
//   - Logins use the IdP's HTTP-Redirect endpoint with a signed query
//     (SAMLRequest, SigAlg, Signature), as crewjam does and Huawei documents;
//     an IdP offering only HTTP-POST gets a signed AuthnRequest in an
//     auto-submitted form.
//   - Each AuthnRequest is remembered in the database for 10 minutes with
//     the partner, xAccountType, isFirstLogin and service, and bound to the
//     browser that started it by a cookie (its SHA-256 is stored), so any
//     node can finish the flow and a captured response cannot be replayed
//     into somebody else's browser. The ACS consumes the row.
//   - service is accepted only as a path on this site (or an absolute URL on
//     this site's own origin, reduced to its path); anything else is a 400.
//     RelayState is held to the same rule. No RelayState is sent to the IdP:
//     the stored service is what the Binder receives.
//   - IdP-initiated responses (no InResponseTo) are refused unless the
//     partner turned them on in 接入配置; then the partner is found by the
//     response's Issuer, RelayState (a local path) is the service and
//     isFirstLogin is false. They cannot be tied to a browser, which is why
//     they are off by default.
//   - Verification is crewjam's ServiceProvider.ParseXMLResponse with the
//     partner's stored IdP metadata: signature (response or assertion),
//     issuer, destination/recipient, audience, validity window and
//     InResponseTo. Artifact responses are refused (no outbound calls).
//     Every accepted assertion id is remembered until its NotOnOrAfter (plus
//     clock skew), so it is accepted once.
//   - The user is identified by the xUserId attribute (or
//     IAM_SAML_Attributes_xUserId); never by NameID.
//   - Entity ID and ACS URL come from the configured base URL, else from the
//     request's scheme and Host: configure PC_BASE_URL in production.
package saml
