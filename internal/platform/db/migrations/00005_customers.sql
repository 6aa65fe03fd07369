-- +goose Up
-- Customers (子客户) and their associations with partners, the verification
-- codes of customer registration, the cloud's protected contacts, and the
-- test-account flag of partners. Portable SQL for SQLite and PostgreSQL.

-- is_test marks a partner's test account: it may not create customers
-- (CBC.99005035). Operators set it.
ALTER TABLE partners ADD COLUMN is_test BOOLEAN NOT NULL DEFAULT FALSE;

-- customers are cloud accounts (domains) of end customers. id is the domain
-- id. domain_name_key is the lower-cased account name, unique: account names
-- are case-insensitive. mobile is the national number and
-- mobile_country_code its prefix ('0086'); both empty without a mobile.
-- password_hash is NULL for accounts that enter only through their
-- partner's single sign-on. (xaccount_type, xaccount_id) binds the account to
-- a user of a partner's sales platform. pending_partner_id and pending_type
-- are the association the creating call asked for until the association job
-- has made it. account_manager_id is the partner member the customer is
-- assigned to (the data scope of account managers); NULL when unassigned.
-- frozen: 0 no, 1 account, 2 account and resources.
CREATE TABLE customers (
    id                  TEXT PRIMARY KEY,
    domain_name         TEXT NOT NULL,
    domain_name_key     TEXT NOT NULL UNIQUE,
    mobile_country_code TEXT NOT NULL DEFAULT '',
    mobile              TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    password_hash       TEXT,
    xaccount_type       TEXT,
    xaccount_id         TEXT,
    customer_type       INTEGER NOT NULL DEFAULT -1,
    real_name           TEXT NOT NULL DEFAULT '',
    verified_status     INTEGER NOT NULL DEFAULT -1,
    label               TEXT NOT NULL DEFAULT '',
    customer_level      TEXT NOT NULL DEFAULT 'V0',
    domain_area         TEXT NOT NULL DEFAULT '',
    close_marketing     BOOLEAN NOT NULL DEFAULT FALSE,
    creator_partner_id  TEXT REFERENCES partners(id),
    pending_partner_id  TEXT REFERENCES partners(id),
    pending_type        INTEGER,
    account_manager_id  TEXT,
    frozen              INTEGER NOT NULL DEFAULT 0,
    freeze_reason       TEXT NOT NULL DEFAULT '',
    frozen_at           TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX customers_xaccount ON customers(xaccount_type, xaccount_id) WHERE xaccount_id IS NOT NULL;
CREATE INDEX customers_mobile ON customers(mobile_country_code, mobile) WHERE mobile <> '';
CREATE INDEX customers_email ON customers(email) WHERE email <> '';
CREATE INDEX customers_pending ON customers(pending_partner_id) WHERE pending_partner_id IS NOT NULL;

-- customer_associations: a customer with a partner, type 1 referral (顾问销售)
-- or 2 reseller (代售). ended_at IS NULL marks the current one, of which a
-- customer has at most one.
CREATE TABLE customer_associations (
    id            TEXT PRIMARY KEY,
    customer_id   TEXT NOT NULL REFERENCES customers(id),
    partner_id    TEXT NOT NULL REFERENCES partners(id),
    type          INTEGER NOT NULL,
    associated_at TIMESTAMP NOT NULL,
    ended_at      TIMESTAMP
);
CREATE UNIQUE INDEX customer_associations_current ON customer_associations(customer_id) WHERE ended_at IS NULL;
CREATE INDEX customer_associations_partner ON customer_associations(partner_id, associated_at) WHERE ended_at IS NULL;

-- verification_codes: a partner's current code for one receiver
-- ('+8613800000000' or a lower-cased e-mail) and scene, hashed like a
-- password. failed_attempts above 3 kills the code.
CREATE TABLE verification_codes (
    partner_id      TEXT NOT NULL REFERENCES partners(id),
    receiver        TEXT NOT NULL,
    scene           INTEGER NOT NULL,
    code_hash       TEXT NOT NULL,
    customer_id     TEXT NOT NULL DEFAULT '',
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    used_at         TIMESTAMP,
    PRIMARY KEY (partner_id, receiver, scene)
);

-- verification_sends logs every code sent to a receiver, whoever asked, for
-- the per-receiver hourly and daily caps; rows older than a day are purged
-- as new ones are written.
CREATE TABLE verification_sends (
    id         TEXT PRIMARY KEY,
    receiver   TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    sent_at    TIMESTAMP NOT NULL
);
CREATE INDEX verification_sends_receiver ON verification_sends(receiver, sent_at);

-- contact_locks has one row per mobile or e-mail that a use case must
-- serialize on (code sends against their caps, account creation against the
-- per-mobile cap): upserting the row locks it until commit on PostgreSQL;
-- SQLite has a single writer anyway.
CREATE TABLE contact_locks (
    contact    TEXT PRIMARY KEY,
    updated_at TIMESTAMP NOT NULL
);

-- protected_contacts are mobiles and e-mails of customers the cloud's
-- direct sales follow (报备): no partner may create an account with them.
CREATE TABLE protected_contacts (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    value      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (kind, value)
);

-- +goose Down
DROP TABLE protected_contacts;
DROP TABLE contact_locks;
DROP INDEX verification_sends_receiver;
DROP TABLE verification_sends;
DROP TABLE verification_codes;
DROP INDEX customer_associations_partner;
DROP INDEX customer_associations_current;
DROP TABLE customer_associations;
DROP INDEX customers_pending;
DROP INDEX customers_email;
DROP INDEX customers_mobile;
DROP INDEX customers_xaccount;
DROP TABLE customers;
ALTER TABLE partners DROP COLUMN is_test;
