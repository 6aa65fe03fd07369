-- +goose Up
-- The customer's why of an unsubscription (CancelResourcesSubscription's
-- unsubscribe_reason_type 1–5 and unsubscribe_reason), kept on the
-- unsubscribe order it wrote (order_type 4).
ALTER TABLE orders ADD COLUMN unsubscribe_reason_type INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN unsubscribe_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE orders DROP COLUMN unsubscribe_reason;
ALTER TABLE orders DROP COLUMN unsubscribe_reason_type;
