-- +goose Up
-- api_tokens are the open API's IAM-style tokens (POST /v3/auth/tokens).
-- Only the SHA-256 of a token is stored, so a leaked table grants nothing.
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members(id),
    partner_id TEXT NOT NULL REFERENCES partners(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX api_tokens_member ON api_tokens(member_id, expires_at);

-- +goose Down
DROP TABLE api_tokens;
