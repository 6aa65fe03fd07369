-- +goose Up
-- Customer development (客户拓展, console.md §1.1–§1.4): reports (报备) that
-- lock a prospect against other partners for 15 days, invitations to
-- associate, and the members' generic invitation links. Portable SQL.

-- prospect_reports: one report of a prospect by a partner. status is
-- pending (待审核), reported (已报备), failed (报备失败), expired (已失效) or
-- associated (已关联); pending and reported rows whose expires_at is still
-- ahead hold the lock on the prospect's customer_id, mobile and e-mail.
-- customer_id is the existing account the report names (NULL for a prospect
-- without one). manager_id is the account manager the report belongs to
-- (the data scope); NULL when reported by someone seeing all customers.
-- review_cause says why it waits for review (registered_7d, spending).
CREATE TABLE prospect_reports (
    id                  TEXT PRIMARY KEY,
    partner_id          TEXT NOT NULL REFERENCES partners(id),
    reporter_id         TEXT NOT NULL,
    reporter_name       TEXT NOT NULL DEFAULT '',
    manager_id          TEXT,
    customer_name       TEXT NOT NULL,
    contact_name        TEXT NOT NULL DEFAULT '',
    mobile_country_code TEXT NOT NULL DEFAULT '',
    mobile              TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    industry            TEXT NOT NULL DEFAULT '',
    region              TEXT NOT NULL DEFAULT '',
    intended_type       INTEGER NOT NULL,
    remark              TEXT NOT NULL DEFAULT '',
    customer_id         TEXT,
    status              TEXT NOT NULL,
    review_cause        TEXT NOT NULL DEFAULT '',
    reject_reason       TEXT NOT NULL DEFAULT '',
    reviewed_by         TEXT NOT NULL DEFAULT '',
    reviewed_at         TIMESTAMP,
    expires_at          TIMESTAMP NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX prospect_reports_partner ON prospect_reports(partner_id, status, created_at);
CREATE INDEX prospect_reports_active ON prospect_reports(status, expires_at);
CREATE INDEX prospect_reports_mobile ON prospect_reports(mobile_country_code, mobile) WHERE mobile <> '';
CREATE INDEX prospect_reports_email ON prospect_reports(email) WHERE email <> '';
CREATE INDEX prospect_reports_customer ON prospect_reports(customer_id) WHERE customer_id IS NOT NULL;

-- prospect_invitations: an e-mail invitation of one report (kind 'email',
-- single use, valid 7 days, only the SHA-256 of its token stored), or one
-- customer's attempt through a generic link (kind 'link'). status is sent,
-- associated or failed; failure is the cause's message key. manager_id is
-- the member the associated customer is assigned to; customer_id and
-- account_name the account that accepted (or failed to).
CREATE TABLE prospect_invitations (
    id          TEXT PRIMARY KEY,
    partner_id  TEXT NOT NULL REFERENCES partners(id),
    kind        TEXT NOT NULL,
    report_id   TEXT REFERENCES prospect_reports(id),
    link_id     TEXT,
    inviter_id  TEXT NOT NULL,
    manager_id  TEXT,
    type        INTEGER NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    token_hash  TEXT UNIQUE,
    status      TEXT NOT NULL,
    failure     TEXT NOT NULL DEFAULT '',
    customer_id TEXT,
    account_name TEXT NOT NULL DEFAULT '',
    expires_at  TIMESTAMP,
    used_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX prospect_invitations_partner ON prospect_invitations(partner_id, created_at);
CREATE INDEX prospect_invitations_report ON prospect_invitations(report_id);

-- prospect_links: a member's generic invitation link (线下拓展). The token
-- is public by design (printed as a QR code), so it is stored as is; making
-- a new one retires the old.
CREATE TABLE prospect_links (
    id         TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners(id),
    member_id  TEXT NOT NULL,
    type       INTEGER NOT NULL,
    token      TEXT NOT NULL UNIQUE,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX prospect_links_member ON prospect_links(partner_id, member_id, active);

-- prospect_locks serializes reports on one partner (the 100 cap) and on one
-- contact or account (the lock against other partners): upserting a row
-- locks it until commit on PostgreSQL; SQLite has one writer anyway.
CREATE TABLE prospect_locks (
    key        TEXT PRIMARY KEY,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE prospect_locks;
DROP INDEX prospect_links_member;
DROP TABLE prospect_links;
DROP INDEX prospect_invitations_report;
DROP INDEX prospect_invitations_partner;
DROP TABLE prospect_invitations;
DROP INDEX prospect_reports_customer;
DROP INDEX prospect_reports_email;
DROP INDEX prospect_reports_mobile;
DROP INDEX prospect_reports_active;
DROP INDEX prospect_reports_partner;
DROP TABLE prospect_reports;
