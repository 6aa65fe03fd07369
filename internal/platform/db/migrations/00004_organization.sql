-- +goose Up
-- The organization (组织 > 组织成员): custom roles and their permission
-- items, the roles each member holds, the director an account manager
-- reports to, password-reset codes, and the session epoch that ends a
-- person's other sessions when its password changes. Preset roles live in
-- code (identity/org_role.go) with the same ids for every partner, so
-- member_roles.role_id has no foreign key: it names a preset or a row of
-- roles, and the service checks which.

-- director_id: the account-manager director (客户经理主管) an account
-- manager reports to; NULL for everyone else. No foreign key, so the column
-- can be dropped again on SQLite; the service keeps it consistent.
ALTER TABLE members ADD COLUMN director_id TEXT;
-- session_epoch grows when the password is changed or reset (or the member
-- is disabled); consoles remember it at sign-in and end sessions that carry
-- an older one.
ALTER TABLE members ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
CREATE INDEX members_director ON members(partner_id, director_id);

ALTER TABLE operators ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE operators ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

-- roles are a partner's custom roles (at most 10). name_key is the
-- lower-cased name, unique within the partner.
CREATE TABLE roles (
    id          TEXT PRIMARY KEY,
    partner_id  TEXT NOT NULL REFERENCES partners(id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (partner_id, name_key)
);

CREATE TABLE role_permissions (
    role_id    TEXT NOT NULL REFERENCES roles(id),
    permission TEXT NOT NULL,
    PRIMARY KEY (role_id, permission)
);

CREATE TABLE member_roles (
    partner_id TEXT NOT NULL REFERENCES partners(id),
    member_id  TEXT NOT NULL REFERENCES members(id),
    role_id    TEXT NOT NULL,
    PRIMARY KEY (member_id, role_id)
);
CREATE INDEX member_roles_role ON member_roles(partner_id, role_id);

-- password_resets holds a member's current "forgot password" code, hashed
-- like a password, with its wrong attempts, and a daily window that caps how
-- many codes one member can be sent.
CREATE TABLE password_resets (
    member_id         TEXT PRIMARY KEY REFERENCES members(id),
    partner_id        TEXT NOT NULL REFERENCES partners(id),
    code_hash         TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    created_at        TIMESTAMP NOT NULL,
    expires_at        TIMESTAMP NOT NULL,
    used_at           TIMESTAMP,
    window_started_at TIMESTAMP NOT NULL,
    window_count      INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE password_resets;
DROP TABLE member_roles;
DROP TABLE role_permissions;
DROP TABLE roles;
ALTER TABLE operators DROP COLUMN session_epoch;
ALTER TABLE operators DROP COLUMN must_change_password;
DROP INDEX members_director;
ALTER TABLE members DROP COLUMN session_epoch;
ALTER TABLE members DROP COLUMN director_id;
