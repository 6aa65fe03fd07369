-- +goose Up
-- Association changes (console.md §1.7): requests to end a customer's
-- association with its partner (disassociate) or to switch its type
-- (referral ↔ reseller). Portable SQL for SQLite and PostgreSQL.
--
-- association_requests: one row per request. association_id is the current
-- association the request would end. kind: disassociate | switch_type;
-- to_type is the new type of a switch (NULL for a disassociation).
-- initiator: partner (a member; the customer confirms it with an SMS code)
-- or customer (the partner approves or rejects it). initiated_by is the
-- member's or the customer's id, initiated_by_name its name at the time.
-- status: pending, completed, declined (by the customer), rejected (by the
-- partner, with decision_reason), expired (7 days without an answer; a
-- pending row past expires_at counts as expired before it is marked).
-- new_association_id is the association a completed switch started.
CREATE TABLE association_requests (
    id                 TEXT PRIMARY KEY,
    customer_id        TEXT NOT NULL REFERENCES customers(id),
    partner_id         TEXT NOT NULL REFERENCES partners(id),
    association_id     TEXT NOT NULL REFERENCES customer_associations(id),
    kind               TEXT NOT NULL,
    from_type          INTEGER NOT NULL,
    to_type            INTEGER,
    initiator          TEXT NOT NULL,
    initiated_by       TEXT NOT NULL,
    initiated_by_name  TEXT NOT NULL,
    reason             TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,
    decided_by         TEXT NOT NULL DEFAULT '',
    decided_by_name    TEXT NOT NULL DEFAULT '',
    decision_reason    TEXT NOT NULL DEFAULT '',
    new_association_id TEXT,
    created_at         TIMESTAMP NOT NULL,
    expires_at         TIMESTAMP NOT NULL,
    decided_at         TIMESTAMP
);
-- A customer has at most one open request at a time, whoever made it: two
-- requests racing each other cannot both be filed.
CREATE UNIQUE INDEX association_requests_open ON association_requests(customer_id) WHERE status = 'pending';
-- 关联关系操作记录: a partner's requests, newest first.
CREATE INDEX association_requests_partner ON association_requests(partner_id, created_at);
-- The once-per-3-months rule and a customer's own records.
CREATE INDEX association_requests_customer ON association_requests(customer_id, initiator, created_at);
-- A customer's association records, on both sides.
CREATE INDEX customer_associations_customer ON customer_associations(customer_id, associated_at);

-- +goose Down
DROP INDEX customer_associations_customer;
DROP INDEX association_requests_customer;
DROP INDEX association_requests_partner;
DROP INDEX association_requests_open;
DROP TABLE association_requests;
