-- +goose Up
-- The customer portal (/customer/): customers sign in with their account
-- name and password under the members' lockout rule (five wrong passwords
-- lock the account for 15 minutes). Portable SQL.
ALTER TABLE customers ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN locked_until TIMESTAMP;

-- +goose Down
ALTER TABLE customers DROP COLUMN locked_until;
ALTER TABLE customers DROP COLUMN failed_logins;
