-- +goose Up
-- Accounts and funds (issue 7 item 5) and partner-granted discounts (item 6).
-- Money is BIGINT cents. Portable SQL for SQLite and PostgreSQL.

-- fund_accounts: one per partner (kind 'partner', owner_id = partner id;
-- a cloud reseller's account is its partner account) and one per
-- reseller-model customer (kind 'customer', owner_id = customer id).
-- partner_id is the partner the account belongs under: the partner itself,
-- or the customer's allocating partner. Available = balance + credit_limit
-- − credit_used. version counts the account's ledger rows.
CREATE TABLE fund_accounts (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    owner_id     TEXT NOT NULL,
    partner_id   TEXT NOT NULL REFERENCES partners(id),
    balance      BIGINT NOT NULL DEFAULT 0,
    credit_limit BIGINT NOT NULL DEFAULT 0,
    credit_used  BIGINT NOT NULL DEFAULT 0,
    version      BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (kind, owner_id),
    CHECK (balance >= 0),
    CHECK (credit_used >= 0),
    CHECK (credit_used <= credit_limit)
);
CREATE INDEX fund_accounts_partner ON fund_accounts(partner_id, kind);

-- fund_ledger: append-only, one row per change of an account. amount is
-- the signed change of the account's position (balance − credit_used);
-- both parts are recorded before and after. transfer_id groups the legs of
-- one allocation or reclaim (they sum to zero).
CREATE TABLE fund_ledger (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES fund_accounts(id),
    version        BIGINT NOT NULL,
    operation      TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    balance_before BIGINT NOT NULL,
    balance_after  BIGINT NOT NULL,
    credit_before  BIGINT NOT NULL,
    credit_after   BIGINT NOT NULL,
    credit_limit   BIGINT NOT NULL,
    transfer_id    TEXT NOT NULL DEFAULT '',
    actor          TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    request_id     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (account_id, version)
);
CREATE INDEX fund_ledger_transfer ON fund_ledger(transfer_id) WHERE transfer_id <> '';

-- fund_adjustments: the partner's adjust records (ListPartnerAdjustRecords
-- and the console's records): id is the transfer id; target_kind
-- 'customer' or 'reseller'; operation_type SOURCE_OPERATION_BEADJUST,
-- SOURCE_OPERATION_BERETRIEVE or SOURCE_OPERATION_BEUNBIND.
CREATE TABLE fund_adjustments (
    id             TEXT PRIMARY KEY,
    partner_id     TEXT NOT NULL REFERENCES partners(id),
    target_kind    TEXT NOT NULL,
    target_id      TEXT NOT NULL,
    target_name    TEXT NOT NULL DEFAULT '',
    operation_type TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    memo           TEXT NOT NULL DEFAULT '',
    actor          TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX fund_adjustments_partner ON fund_adjustments(partner_id, created_at);

-- partner_discounts: discounts a partner grants its referral customers.
-- rate is in ten-thousandths (8000 = 0.8). At most one current row
-- (ended_at IS NULL) per customer; setting a new one ends the old one.
CREATE TABLE partner_discounts (
    id           TEXT PRIMARY KEY,
    partner_id   TEXT NOT NULL REFERENCES partners(id),
    customer_id  TEXT NOT NULL REFERENCES customers(id),
    rate         INTEGER NOT NULL,
    effective_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    granted_by   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    ended_at     TIMESTAMP,
    CHECK (rate >= 8000 AND rate < 10000)
);
CREATE UNIQUE INDEX partner_discounts_current ON partner_discounts(customer_id) WHERE ended_at IS NULL;
CREATE INDEX partner_discounts_partner ON partner_discounts(partner_id, created_at);

-- +goose Down
DROP TABLE partner_discounts;
DROP TABLE fund_adjustments;
DROP TABLE fund_ledger;
DROP TABLE fund_accounts;
