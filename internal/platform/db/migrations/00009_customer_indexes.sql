-- +goose Up
-- ListSubCustomers at scale (100,000 customers a partner): the partner's
-- current associations in list order — association time, then customer id,
-- both descending — with the type, so that a page is the first entries of
-- one index range read backwards, and a count without conditions on the
-- customers (none, type, association time) is an index-only scan.
-- It replaces customer_associations_partner, a prefix of it.
CREATE INDEX customer_associations_page ON customer_associations(partner_id, associated_at, customer_id, type)
    WHERE ended_at IS NULL;
DROP INDEX customer_associations_partner;

-- +goose Down
CREATE INDEX customer_associations_partner ON customer_associations(partner_id, associated_at) WHERE ended_at IS NULL;
DROP INDEX customer_associations_page;
