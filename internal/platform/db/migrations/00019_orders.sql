-- +goose Up
-- Customer orders (reference/cbc-api.md §8): yearly/monthly orders a
-- customer places in the portal, priced from the catalogue at creation,
-- and their line items. Money is BIGINT cents. Portable SQL for SQLite
-- and PostgreSQL.

-- orders: status 4 cancelled, 5 completed, 6 pending payment; order_type
-- 1 new; source_type 1 customer. partner_id is the customer's partner when
-- the order was placed (informational: visibility follows the current
-- association). pending_payment_end_time is the payment deadline after
-- which the cancellation job cancels a pending order.
CREATE TABLE orders (
    id                       TEXT PRIMARY KEY,
    customer_id              TEXT NOT NULL REFERENCES customers(id),
    partner_id               TEXT NOT NULL DEFAULT '',
    service_type_code        TEXT NOT NULL,
    source_type              INTEGER NOT NULL,
    status                   INTEGER NOT NULL,
    order_type               INTEGER NOT NULL,
    official_amount          BIGINT NOT NULL,
    amount_after_discount    BIGINT NOT NULL,
    currency                 TEXT NOT NULL DEFAULT 'CNY',
    user_name                TEXT NOT NULL DEFAULT '',
    pending_payment_end_time TIMESTAMP,
    payment_time             TIMESTAMP,
    cancelled_at             TIMESTAMP,
    created_at               TIMESTAMP NOT NULL,
    updated_at               TIMESTAMP NOT NULL,
    CHECK (official_amount >= 0),
    CHECK (amount_after_discount >= 0)
);
CREATE INDEX orders_customer ON orders(customer_id, created_at);
CREATE INDEX orders_pending ON orders(status, pending_payment_end_time);

-- order_line_items: one product of an order. period_type 2 month, 3 year;
-- resource_size and size_measure_id only for linear specs (0 otherwise).
CREATE TABLE order_line_items (
    id                    TEXT PRIMARY KEY,
    order_id              TEXT NOT NULL REFERENCES orders(id),
    seq                   INTEGER NOT NULL,
    service_type_code     TEXT NOT NULL,
    resource_type_code    TEXT NOT NULL,
    resource_spec_code    TEXT NOT NULL,
    region_code           TEXT NOT NULL,
    product_id            TEXT NOT NULL,
    period_type           INTEGER NOT NULL,
    period_num            INTEGER NOT NULL,
    subscription_num      INTEGER NOT NULL,
    resource_size         BIGINT NOT NULL DEFAULT 0,
    size_measure_id       INTEGER NOT NULL DEFAULT 0,
    official_amount       BIGINT NOT NULL,
    amount_after_discount BIGINT NOT NULL,
    effective_time        TIMESTAMP,
    expire_time           TIMESTAMP
);
CREATE INDEX order_line_items_order ON order_line_items(order_id, seq);

-- +goose Down
DROP TABLE order_line_items;
DROP TABLE orders;
