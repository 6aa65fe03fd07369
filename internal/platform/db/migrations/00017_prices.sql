-- +goose Up
-- The priced catalogue (reference/cbc-api.md §7): regions, measure units and
-- their conversions, usage types (计费因子), resource specs per resource type,
-- and their list prices per region. Seeded on start from commerce's embedded
-- price data; operators edit specs and prices in the operator console.
-- Prices are exact: integer micro-yuan (1 yuan = 1,000,000), so that hourly
-- and per-GB prices with four or more decimals compare and sum exactly on
-- both databases.
CREATE TABLE regions (
    code    TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE measure_units (
    id           INTEGER PRIMARY KEY,
    name_zh      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    abbreviation TEXT NOT NULL,
    measure_type INTEGER NOT NULL
);

-- One ref unit is ratio of the measure unit: 1 hour = 60 minutes.
CREATE TABLE measure_conversions (
    measure_id     INTEGER NOT NULL REFERENCES measure_units(id),
    ref_measure_id INTEGER NOT NULL REFERENCES measure_units(id),
    ratio          BIGINT NOT NULL,
    measure_type   INTEGER NOT NULL,
    PRIMARY KEY (measure_id, ref_measure_id)
);

CREATE TABLE usage_types (
    code               TEXT NOT NULL,
    resource_type_code TEXT NOT NULL REFERENCES resource_types(code),
    name_zh            TEXT NOT NULL,
    name_en            TEXT NOT NULL,
    sort               INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (resource_type_code, code)
);

-- billing: 'unit' (one instance), 'linear' (per size unit: GB, Mbit/s),
-- 'usage' (per usage unit only, e.g. traffic per GB; on-demand only).
CREATE TABLE resource_specs (
    resource_type_code TEXT NOT NULL REFERENCES resource_types(code),
    code               TEXT NOT NULL,
    name_zh            TEXT NOT NULL,
    name_en            TEXT NOT NULL,
    billing            TEXT NOT NULL,
    size_measure_id    INTEGER NOT NULL DEFAULT 0,
    usage_factor       TEXT NOT NULL,
    usage_measure_id   INTEGER NOT NULL,
    sort               INTEGER NOT NULL DEFAULT 0,
    created_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (resource_type_code, code)
);

-- mode: 'on_demand' (per usage measure unit, e.g. per hour), 'month', 'year'.
-- For linear specs the price is per size unit.
CREATE TABLE spec_prices (
    region_code        TEXT NOT NULL REFERENCES regions(code),
    resource_type_code TEXT NOT NULL,
    spec_code          TEXT NOT NULL,
    mode               TEXT NOT NULL,
    price_micros       BIGINT NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    updated_by         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (region_code, resource_type_code, spec_code, mode),
    FOREIGN KEY (resource_type_code, spec_code) REFERENCES resource_specs(resource_type_code, code)
);
CREATE INDEX spec_prices_spec ON spec_prices(resource_type_code, spec_code);

-- The price table's version: every edit bumps it, and every node reloads its
-- in-memory snapshot when it sees a newer one.
CREATE TABLE price_versions (
    id      INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO price_versions (id, version) VALUES (1, 1);

-- +goose Down
DROP TABLE price_versions;
DROP TABLE spec_prices;
DROP TABLE resource_specs;
DROP TABLE usage_types;
DROP TABLE measure_conversions;
DROP TABLE measure_units;
DROP TABLE regions;
