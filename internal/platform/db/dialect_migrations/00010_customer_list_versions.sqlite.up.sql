-- partner_customer_versions: a number per partner that changes whenever
-- anything its customer list can filter on changes — an association begins,
-- ends or changes type; a current customer's name, label, contacts, account
-- manager or freeze; a member's name (the account-manager filter). The list
-- caches its exact counts under this number, so paging and repeated
-- searches over 100,000 customers do not recount them. A change is counted
-- for the partner and for its distributor (who lists its resellers'
-- customers). Triggers keep it, so no write path can forget it.
CREATE TABLE partner_customer_versions (
    partner_id TEXT PRIMARY KEY REFERENCES partners(id),
    version    BIGINT NOT NULL
);

CREATE TRIGGER customer_associations_version_insert AFTER INSERT ON customer_associations
BEGIN
    INSERT INTO partner_customer_versions (partner_id, version)
    SELECT p.id, 1 FROM partners p
    WHERE p.id = NEW.partner_id OR p.id = (SELECT parent_id FROM partners WHERE id = NEW.partner_id)
    ON CONFLICT (partner_id) DO UPDATE SET version = partner_customer_versions.version + 1;
END;

CREATE TRIGGER customer_associations_version_update AFTER UPDATE ON customer_associations
BEGIN
    INSERT INTO partner_customer_versions (partner_id, version)
    SELECT p.id, 1 FROM partners p
    WHERE p.id IN (NEW.partner_id, OLD.partner_id)
       OR p.id IN (SELECT parent_id FROM partners WHERE id IN (NEW.partner_id, OLD.partner_id))
    ON CONFLICT (partner_id) DO UPDATE SET version = partner_customer_versions.version + 1;
END;

CREATE TRIGGER customer_associations_version_delete AFTER DELETE ON customer_associations
BEGIN
    INSERT INTO partner_customer_versions (partner_id, version)
    SELECT p.id, 1 FROM partners p
    WHERE p.id = OLD.partner_id OR p.id = (SELECT parent_id FROM partners WHERE id = OLD.partner_id)
    ON CONFLICT (partner_id) DO UPDATE SET version = partner_customer_versions.version + 1;
END;

CREATE TRIGGER customers_version_update
AFTER UPDATE OF domain_name_key, real_name, label, account_manager_id, frozen, mobile_country_code, mobile, email ON customers
BEGIN
    INSERT INTO partner_customer_versions (partner_id, version)
    SELECT p.id, 1 FROM partners p
    WHERE p.id IN (SELECT a.partner_id FROM customer_associations a WHERE a.customer_id = NEW.id AND a.ended_at IS NULL)
       OR p.id IN (SELECT q.parent_id FROM partners q JOIN customer_associations a ON a.partner_id = q.id
                   WHERE a.customer_id = NEW.id AND a.ended_at IS NULL)
    ON CONFLICT (partner_id) DO UPDATE SET version = partner_customer_versions.version + 1;
END;

CREATE TRIGGER members_version_update AFTER UPDATE OF display_name, account_name ON members
BEGIN
    INSERT INTO partner_customer_versions (partner_id, version)
    SELECT p.id, 1 FROM partners p
    WHERE p.id = NEW.partner_id OR p.id = (SELECT parent_id FROM partners WHERE id = NEW.partner_id)
    ON CONFLICT (partner_id) DO UPDATE SET version = partner_customer_versions.version + 1;
END;

CREATE TRIGGER members_version_delete AFTER DELETE ON members
BEGIN
    INSERT INTO partner_customer_versions (partner_id, version)
    SELECT p.id, 1 FROM partners p
    WHERE p.id = OLD.partner_id OR p.id = (SELECT parent_id FROM partners WHERE id = OLD.partner_id)
    ON CONFLICT (partner_id) DO UPDATE SET version = partner_customer_versions.version + 1;
END;
