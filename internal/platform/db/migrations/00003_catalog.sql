-- +goose Up
-- The product catalogue's codes (reference/cbc-api.md §7): cloud service
-- types (hws.service.type.*) and the resource types under them
-- (hws.resource.type.*). Seeded on start from commerce's embedded data file;
-- names and descriptions are kept in both languages.
CREATE TABLE service_types (
    code         TEXT PRIMARY KEY,
    name_zh      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    abbreviation TEXT NOT NULL DEFAULT '',
    sort         INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE resource_types (
    code              TEXT PRIMARY KEY,
    service_type_code TEXT NOT NULL REFERENCES service_types(code),
    name_zh           TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    desc_zh           TEXT NOT NULL DEFAULT '',
    desc_en           TEXT NOT NULL DEFAULT '',
    sort              INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX resource_types_service ON resource_types(service_type_code, sort);

-- +goose Down
DROP TABLE resource_types;
DROP TABLE service_types;
