-- +goose Up
-- The partner console's customer management (客户管理, 客户分配).

-- customer_reveals is the audit of every reveal of a masked column of the
-- customer list or a customer's page: who (member and its account name at
-- the time), which column, which customers (customer_ids, comma-separated,
-- customer_count of them), when, and from where (client IP, user agent).
-- Only reveals that returned plain values are written.
CREATE TABLE customer_reveals (
    id             TEXT PRIMARY KEY,
    partner_id     TEXT NOT NULL REFERENCES partners(id),
    member_id      TEXT NOT NULL,
    member_name    TEXT NOT NULL,
    column_name    TEXT NOT NULL,
    customer_ids   TEXT NOT NULL,
    customer_count INTEGER NOT NULL,
    client_ip      TEXT NOT NULL DEFAULT '',
    user_agent     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX customer_reveals_partner ON customer_reveals(partner_id, created_at);
CREATE INDEX customer_reveals_member ON customer_reveals(partner_id, member_id, created_at);

-- The account-manager scope and the account-manager filter (and the exact
-- mobile filter, through customers_mobile) select the customers first, then
-- their current associations: both indexes cover what that path reads, so
-- an account manager's page sorts ids found in indexes alone.
CREATE INDEX customers_account_manager ON customers(account_manager_id, id) WHERE account_manager_id IS NOT NULL;
CREATE INDEX customer_associations_owner ON customer_associations(customer_id, partner_id, associated_at)
    WHERE ended_at IS NULL;

-- +goose Down
DROP INDEX customer_associations_owner;
DROP INDEX customers_account_manager;
DROP INDEX customer_reveals_member;
DROP INDEX customer_reveals_partner;
DROP TABLE customer_reveals;
