-- +goose Up
-- Coupons (console.md §3, cbc-api.md §5): quotas granted to partners,
-- vouchers and cash coupons issued from them, their usage, the operation
-- logs, and the append-only ledger proving every balance. Money is BIGINT
-- cents. Portable SQL for SQLite and PostgreSQL.

-- coupon_quotas: type 0 voucher / 1 cash; status 0 normal, 3 invalid,
-- 4 adjusting, 5 frozen, 6 reclaimed. parent_quota_id links a cloud
-- reseller's quota to the distributor's quota it was carved from.
-- limits is the JSON of the usage limits. version counts the ledger rows
-- written for the quota: the ledger's per-account sequence.
CREATE TABLE coupon_quotas (
    id              TEXT PRIMARY KEY,
    partner_id      TEXT NOT NULL REFERENCES partners(id),
    parent_quota_id TEXT REFERENCES coupon_quotas(id),
    type            INTEGER NOT NULL,
    value           BIGINT NOT NULL,
    balance         BIGINT NOT NULL,
    currency        TEXT NOT NULL DEFAULT 'CNY',
    status          INTEGER NOT NULL DEFAULT 0,
    limits          TEXT NOT NULL DEFAULT '{}',
    remark          TEXT NOT NULL DEFAULT '',
    granted_by      TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 0,
    effective_at    TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CHECK (balance >= 0)
);
CREATE INDEX coupon_quotas_partner ON coupon_quotas(partner_id, created_at);
CREATE INDEX coupon_quotas_parent ON coupon_quotas(parent_quota_id) WHERE parent_quota_id IS NOT NULL;
CREATE INDEX coupon_quotas_expiry ON coupon_quotas(status, expires_at);

-- coupons: type 1 voucher / 4 cash; status 2 usable, 3 used up, 4 expired,
-- 5 reclaimed. partner_id is the issuing partner (the quota's holder).
-- face_value = balance + used + reclaimed at every moment. lock_order_id is
-- the order whose payment holds the coupon ('' when free).
CREATE TABLE coupons (
    id            TEXT PRIMARY KEY,
    quota_id      TEXT NOT NULL REFERENCES coupon_quotas(id),
    partner_id    TEXT NOT NULL REFERENCES partners(id),
    customer_id   TEXT NOT NULL REFERENCES customers(id),
    type          INTEGER NOT NULL,
    face_value    BIGINT NOT NULL,
    balance       BIGINT NOT NULL,
    used          BIGINT NOT NULL DEFAULT 0,
    reclaimed     BIGINT NOT NULL DEFAULT 0,
    status        INTEGER NOT NULL,
    limits        TEXT NOT NULL DEFAULT '{}',
    remark        TEXT NOT NULL DEFAULT '',
    lock_order_id TEXT NOT NULL DEFAULT '',
    version       BIGINT NOT NULL DEFAULT 0,
    effective_at  TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP,
    reclaimed_at  TIMESTAMP,
    CHECK (balance >= 0)
);
CREATE INDEX coupons_partner ON coupons(partner_id, created_at);
CREATE INDEX coupons_customer ON coupons(customer_id, partner_id);
CREATE INDEX coupons_quota ON coupons(quota_id);
CREATE INDEX coupons_expiry ON coupons(status, expires_at);

-- coupon_usages: each payment a coupon made.
CREATE TABLE coupon_usages (
    id        TEXT PRIMARY KEY,
    coupon_id TEXT NOT NULL REFERENCES coupons(id),
    order_id  TEXT NOT NULL,
    amount    BIGINT NOT NULL,
    used_at   TIMESTAMP NOT NULL
);
CREATE INDEX coupon_usages_coupon ON coupon_usages(coupon_id, used_at);
CREATE INDEX coupon_usages_order ON coupon_usages(order_id);

-- coupon_records: the partner's operation log, types 1–8. partner_id is
-- the quota holder's.
CREATE TABLE coupon_records (
    id             TEXT PRIMARY KEY,
    partner_id     TEXT NOT NULL REFERENCES partners(id),
    operation_type INTEGER NOT NULL,
    quota_id       TEXT NOT NULL,
    quota_type     INTEGER NOT NULL,
    coupon_id      TEXT NOT NULL DEFAULT '',
    customer_id    TEXT NOT NULL DEFAULT '',
    amount         BIGINT NOT NULL,
    operator       TEXT NOT NULL,
    succeeded      BOOLEAN NOT NULL,
    remark         TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX coupon_records_partner ON coupon_records(partner_id, created_at);

-- quota_records: a distributor's log of quotas given to (10) and taken
-- back from (11) its cloud resellers.
CREATE TABLE quota_records (
    id              TEXT PRIMARY KEY,
    partner_id      TEXT NOT NULL REFERENCES partners(id),
    quota_id        TEXT NOT NULL,
    parent_quota_id TEXT NOT NULL,
    reseller_id     TEXT NOT NULL,
    operation_type  INTEGER NOT NULL,
    amount          BIGINT NOT NULL,
    operator        TEXT NOT NULL,
    succeeded       BOOLEAN NOT NULL,
    remark          TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX quota_records_partner ON quota_records(partner_id, created_at);

-- coupon_ledger: append-only; one row per change of a quota's or a
-- coupon's balance. account_kind 'quota' or 'coupon'; version is the
-- account's sequence (1, 2, ...), so two rows can never claim the same
-- step; amount is signed (credit > 0). counterpart_id is the other account
-- of a transfer ('' for none, 'cloud' where money leaves the books).
CREATE TABLE coupon_ledger (
    id             TEXT PRIMARY KEY,
    account_kind   TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    version        BIGINT NOT NULL,
    operation      TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    balance_before BIGINT NOT NULL,
    balance_after  BIGINT NOT NULL,
    counterpart_id TEXT NOT NULL DEFAULT '',
    actor          TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    request_id     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (account_id, version)
);

-- +goose Down
DROP TABLE coupon_ledger;
DROP INDEX quota_records_partner;
DROP TABLE quota_records;
DROP INDEX coupon_records_partner;
DROP TABLE coupon_records;
DROP INDEX coupon_usages_order;
DROP INDEX coupon_usages_coupon;
DROP TABLE coupon_usages;
DROP INDEX coupons_expiry;
DROP INDEX coupons_quota;
DROP INDEX coupons_customer;
DROP INDEX coupons_partner;
DROP TABLE coupons;
DROP INDEX coupon_quotas_expiry;
DROP INDEX coupon_quotas_parent;
DROP INDEX coupon_quotas_partner;
DROP TABLE coupon_quotas;
