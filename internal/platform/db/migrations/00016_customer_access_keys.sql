-- +goose Up
-- Customers' access keys (费用中心 > 我的凭证 > 访问密钥): AK/SK pairs a
-- customer makes in the portal to call the open API's customer routes
-- (ListSubCustomerCoupons). Secrets are stored sealed with the server key,
-- as members' keys in access_keys are. Portable SQL for SQLite and PostgreSQL.
CREATE TABLE customer_access_keys (
    id           TEXT PRIMARY KEY,
    access_key   TEXT NOT NULL UNIQUE,
    secret_enc   TEXT NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES customers(id),
    description  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'active',
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX customer_access_keys_customer ON customer_access_keys(customer_id);

-- +goose Down
DROP INDEX customer_access_keys_customer;
DROP TABLE customer_access_keys;
