-- +goose Up
-- Paying and refunding (issue 7 items 3, 4, 7, 8): who pays an order (the
-- customer, or its partner on the customer's request: 代支付), what paid it
-- (one row per source), the discount it used, the resources a paid order
-- opened, the refunds of unsubscribed resources, and stored-value cards
-- (储值卡) with their ledger. Money is BIGINT cents. Portable SQL.

-- agent_pay: 0 the customer pays; 1 waiting for the partner (待支付);
-- 2 paid by the partner; 3 rejected by the partner (the reason in
-- agent_reject_reason; the order returns to the customer, still pending).
-- paying_partner_id is the partner asked to pay.
ALTER TABLE orders ADD COLUMN agent_pay INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN paying_partner_id TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN agent_requested_at TIMESTAMP;
ALTER TABLE orders ADD COLUMN agent_reject_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN agent_decided_at TIMESTAMP;
ALTER TABLE orders ADD COLUMN agent_decided_by TEXT NOT NULL DEFAULT '';
-- base_order_id: an unsubscribe order (order_type 4) names the order whose
-- resources it gave back.
ALTER TABLE orders ADD COLUMN base_order_id TEXT NOT NULL DEFAULT '';
CREATE INDEX orders_agent_pay ON orders(paying_partner_id, agent_pay, created_at) WHERE agent_pay > 0;
CREATE INDEX orders_base ON orders(base_order_id) WHERE base_order_id <> '';

-- order_payments: what paid an order, one row per source: 'voucher' and
-- 'cash' (source_id a coupon id), 'card' (a stored-value card id),
-- 'customer' and 'partner' (an account owner's id). funded_by is, for a
-- 'customer' row paid while the customer was in the reseller model, the
-- partner whose allocations the balance was ('' for the customer's own
-- money): refunds after the association ends go to that partner
-- (console.md §4.6). refunded is how much refunds have given back.
CREATE TABLE order_payments (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders(id),
    source     TEXT NOT NULL,
    source_id  TEXT NOT NULL,
    funded_by  TEXT NOT NULL DEFAULT '',
    amount     BIGINT NOT NULL,
    refunded   BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    CHECK (amount > 0),
    CHECK (refunded >= 0 AND refunded <= amount)
);
CREATE INDEX order_payments_order ON order_payments(order_id);

-- order_discounts: the discount a paid order used (at most one). rate in
-- ten-thousandths; amount is what it took off.
CREATE TABLE order_discounts (
    order_id      TEXT NOT NULL REFERENCES orders(id),
    discount_id   TEXT NOT NULL,
    discount_type INTEGER NOT NULL,
    rate          INTEGER NOT NULL,
    amount        BIGINT NOT NULL,
    PRIMARY KEY (order_id, discount_id)
);

-- customer_resources: what a paid order line opened. status 'active' until
-- it is unsubscribed ('unsubscribed', naming the unsubscribe order).
CREATE TABLE customer_resources (
    id                   TEXT PRIMARY KEY,
    customer_id          TEXT NOT NULL REFERENCES customers(id),
    order_id             TEXT NOT NULL REFERENCES orders(id),
    line_item_id         TEXT NOT NULL REFERENCES order_line_items(id),
    service_type_code    TEXT NOT NULL,
    resource_type_code   TEXT NOT NULL,
    resource_spec_code   TEXT NOT NULL,
    region_code          TEXT NOT NULL,
    quantity             INTEGER NOT NULL,
    resource_size        BIGINT NOT NULL DEFAULT 0,
    status               TEXT NOT NULL,
    effective_at         TIMESTAMP NOT NULL,
    expires_at           TIMESTAMP NOT NULL,
    unsubscribed_at      TIMESTAMP,
    unsubscribe_order_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX customer_resources_customer ON customer_resources(customer_id, status, effective_at);
CREATE INDEX customer_resources_order ON customer_resources(order_id);

-- order_refunds: where the money of an unsubscribe order (order_id) went,
-- one row per payment row refunded: destination 'customer' or 'partner'
-- (an account owner's id), 'card' (a stored-value card), 'cash' (a cash
-- coupon).
CREATE TABLE order_refunds (
    id             TEXT PRIMARY KEY,
    order_id       TEXT NOT NULL REFERENCES orders(id),
    base_order_id  TEXT NOT NULL REFERENCES orders(id),
    customer_id    TEXT NOT NULL,
    payment_id     TEXT NOT NULL REFERENCES order_payments(id),
    destination    TEXT NOT NULL,
    destination_id TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    CHECK (amount > 0)
);
CREATE INDEX order_refunds_order ON order_refunds(order_id);
CREATE INDEX order_refunds_base ON order_refunds(base_order_id);

-- stored_value_cards: status 1 usable, 2 used up. version counts the
-- card's ledger rows.
CREATE TABLE stored_value_cards (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers(id),
    name         TEXT NOT NULL,
    face_value   BIGINT NOT NULL,
    balance      BIGINT NOT NULL,
    status       INTEGER NOT NULL,
    effective_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    CHECK (face_value > 0),
    CHECK (balance >= 0 AND balance <= face_value)
);
CREATE INDEX stored_value_cards_customer ON stored_value_cards(customer_id, status, expires_at);

-- card_ledger: append-only, one row per change of a card: 'purchase'
-- (+face value), 'spend' (−, an order), 'refund' (+, an unsubscribe order).
CREATE TABLE card_ledger (
    id             TEXT PRIMARY KEY,
    card_id        TEXT NOT NULL REFERENCES stored_value_cards(id),
    version        BIGINT NOT NULL,
    operation      TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    balance_before BIGINT NOT NULL,
    balance_after  BIGINT NOT NULL,
    order_id       TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (card_id, version)
);

-- +goose Down
DROP TABLE card_ledger;
DROP TABLE stored_value_cards;
DROP TABLE order_refunds;
DROP TABLE customer_resources;
DROP TABLE order_discounts;
DROP TABLE order_payments;
DROP INDEX orders_base;
DROP INDEX orders_agent_pay;
ALTER TABLE orders DROP COLUMN base_order_id;
ALTER TABLE orders DROP COLUMN agent_decided_by;
ALTER TABLE orders DROP COLUMN agent_decided_at;
ALTER TABLE orders DROP COLUMN agent_reject_reason;
ALTER TABLE orders DROP COLUMN agent_requested_at;
ALTER TABLE orders DROP COLUMN paying_partner_id;
ALTER TABLE orders DROP COLUMN agent_pay;
