-- +goose Up
-- The foundation: server settings, sign-in identities, sessions, the message
-- outbox and the audit log. Portable SQL: it runs unchanged on SQLite and
-- PostgreSQL (TEXT ids, BIGINT counters, TIMESTAMP in UTC, BOOLEAN flags).

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE operators (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    mobile        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'active',
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE partners (
    id                 TEXT PRIMARY KEY,
    type               TEXT NOT NULL,
    parent_id          TEXT REFERENCES partners(id),
    name               TEXT NOT NULL,
    domain_id          TEXT NOT NULL UNIQUE,
    domain_name        TEXT NOT NULL UNIQUE,
    xaccount_type      TEXT NOT NULL UNIQUE,
    status             TEXT NOT NULL DEFAULT 'normal',
    contact_mobile     TEXT NOT NULL DEFAULT '',
    contact_email      TEXT NOT NULL DEFAULT '',
    eco_manager_name   TEXT NOT NULL DEFAULT '',
    eco_manager_email  TEXT NOT NULL DEFAULT '',
    eco_manager_mobile TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX partners_parent ON partners(parent_id);

-- members are the people who sign in to a partner's console: the main
-- account (is_main) and, later, organization members.
CREATE TABLE members (
    id                   TEXT PRIMARY KEY,
    partner_id           TEXT NOT NULL REFERENCES partners(id),
    account_name         TEXT NOT NULL,
    display_name         TEXT NOT NULL,
    email                TEXT NOT NULL DEFAULT '',
    mobile               TEXT NOT NULL DEFAULT '',
    password_hash        TEXT NOT NULL,
    is_main              BOOLEAN NOT NULL DEFAULT FALSE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    status               TEXT NOT NULL DEFAULT 'active',
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         TIMESTAMP,
    created_at           TIMESTAMP NOT NULL,
    UNIQUE (partner_id, account_name)
);

CREATE TABLE access_keys (
    id           TEXT PRIMARY KEY,
    access_key   TEXT NOT NULL UNIQUE,
    secret_enc   TEXT NOT NULL,
    partner_id   TEXT NOT NULL REFERENCES partners(id),
    member_id    TEXT NOT NULL REFERENCES members(id),
    description  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'active',
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX access_keys_member ON access_keys(partner_id, member_id);

-- sessions backs scs: every node reads the same sessions.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BYTEA NOT NULL,
    expiry TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expiry);

-- outbox holds every e-mail and SMS, written in the business transaction
-- and delivered by a job after commit.
CREATE TABLE outbox (
    id         TEXT PRIMARY KEY,
    channel    TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    html_body  TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'pending',
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP
);
CREATE INDEX outbox_recipient ON outbox(recipient, created_at);
CREATE INDEX outbox_created ON outbox(created_at);

CREATE TABLE audit_log (
    id         TEXT PRIMARY KEY,
    actor_type TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    partner_id TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    target     TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    ip         TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_partner ON audit_log(partner_id, created_at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE outbox;
DROP TABLE sessions;
DROP TABLE access_keys;
DROP TABLE members;
DROP TABLE partners;
DROP TABLE operators;
DROP TABLE settings;
