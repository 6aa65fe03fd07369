-- +goose Up
-- SAML single sign-on in Web UI mode (cbc-api.md §4.3–4.4, console.md §9):
-- the platform's one SP key pair, each partner's access configuration
-- (支持 > 能力开放 > 接入配置), the AuthnRequests in flight and the assertion
-- ids already used. Every node reads the same rows, so a login started on one
-- node finishes on any other. Portable SQL.

-- saml_sp_keys holds the platform's SP key pair under id 'platform', created
-- by whichever node needs it first. The private key (PKCS #8 PEM) is sealed
-- with the server key; the certificate is public.
CREATE TABLE saml_sp_keys (
    id              TEXT PRIMARY KEY,
    private_key_enc TEXT NOT NULL,
    certificate_pem TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);

-- partner_access_config is one partner's 接入配置. idp_entity_id is NULL
-- until IdP metadata is uploaded and unique otherwise, so an IdP-initiated
-- response names exactly one partner. The summary columns are what the
-- console shows, taken from the metadata when it was accepted.
CREATE TABLE partner_access_config (
    partner_id          TEXT PRIMARY KEY REFERENCES partners(id),
    idp_metadata        TEXT NOT NULL DEFAULT '',
    idp_entity_id       TEXT UNIQUE,
    idp_sso_url         TEXT NOT NULL DEFAULT '',
    idp_sso_binding     TEXT NOT NULL DEFAULT '',
    idp_cert_subject    TEXT NOT NULL DEFAULT '',
    idp_cert_not_after  TIMESTAMP,
    idp_uploaded_at     TIMESTAMP,
    allow_idp_initiated BOOLEAN NOT NULL DEFAULT FALSE,
    notify_url          TEXT NOT NULL DEFAULT '',
    contact_name        TEXT NOT NULL DEFAULT '',
    contact_mobile      TEXT NOT NULL DEFAULT '',
    contact_email       TEXT NOT NULL DEFAULT '',
    updated_at          TIMESTAMP NOT NULL
);

-- saml_requests are AuthnRequests sent to a partner's IdP and not yet
-- answered; the ACS consumes the row. browser_hash binds the request to the
-- browser that started it (SHA-256 of a cookie), so a response cannot be
-- replayed into somebody else's browser.
CREATE TABLE saml_requests (
    id             TEXT PRIMARY KEY,
    partner_id     TEXT NOT NULL REFERENCES partners(id),
    xaccount_type  TEXT NOT NULL,
    is_first_login BOOLEAN NOT NULL DEFAULT FALSE,
    service        TEXT NOT NULL DEFAULT '',
    browser_hash   TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL
);
CREATE INDEX saml_requests_expires ON saml_requests(expires_at);

-- saml_assertions remembers every accepted assertion id until its validity
-- ends, so the same assertion is never accepted twice.
CREATE TABLE saml_assertions (
    partner_id   TEXT NOT NULL,
    assertion_id TEXT NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (partner_id, assertion_id)
);
CREATE INDEX saml_assertions_expires ON saml_assertions(expires_at);

-- +goose Down
DROP TABLE saml_assertions;
DROP TABLE saml_requests;
DROP TABLE partner_access_config;
DROP TABLE saml_sp_keys;
