-- +goose Up
-- Account-binding notifications (通知账号绑定结果, cbc-api.md §4.3): one row
-- per notice the platform owes a partner's notification URL, kept as the
-- delivery log the partner reads under 支持 > 能力开放. The delivery job keeps
-- status, attempts, last_error, next_attempt_at and delivered_at current.
-- Retries stop at window_ends_at (24 hours after the notice, or after a
-- resend). Portable SQL.
--
-- status: pending (queued, not tried), retrying (failed, will retry),
-- delivered (2xx), failed (window over or refused URL), skipped (no URL).
CREATE TABLE binding_notices (
    id              TEXT PRIMARY KEY,
    partner_id      TEXT NOT NULL REFERENCES partners(id),
    domain_id       TEXT NOT NULL,
    domain_name     TEXT NOT NULL,
    xuser_id        TEXT NOT NULL,
    bind_action     INTEGER NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at TIMESTAMP,
    delivered_at    TIMESTAMP,
    window_ends_at  TIMESTAMP NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX binding_notices_partner ON binding_notices(partner_id, created_at);

-- +goose Down
DROP TABLE binding_notices;
