-- Trigram indexes for "contains" searches over account names and real-name
-- names (see the SQLite file of this version). pg_trgm is a trusted
-- extension: the database owner may create it. It lives in public and its
-- operator class is named with the schema, so the indexes build whatever
-- the search_path.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX customers_name_trgm ON customers USING gin (domain_name_key public.gin_trgm_ops);
CREATE INDEX customers_real_name_trgm ON customers USING gin (LOWER(real_name) public.gin_trgm_ops);
