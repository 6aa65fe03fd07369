-- partner_customer_versions: see the SQLite file of this version for why.
-- Rows are bumped in partner id order so two transactions touching a
-- reseller and its distributor take the row locks in the same order.
CREATE TABLE partner_customer_versions (
    partner_id TEXT PRIMARY KEY REFERENCES partners(id),
    version    BIGINT NOT NULL
);

CREATE FUNCTION bump_customer_list_version(pids TEXT[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partner_customer_versions (partner_id, version)
    SELECT p.id, 1 FROM partners p
    WHERE p.id = ANY (pids) OR p.id IN (SELECT parent_id FROM partners WHERE id = ANY (pids))
    ORDER BY p.id
    ON CONFLICT (partner_id) DO UPDATE SET version = partner_customer_versions.version + 1;
$$;

CREATE FUNCTION customer_associations_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_customer_list_version(ARRAY[NEW.partner_id]);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM bump_customer_list_version(ARRAY[NEW.partner_id, OLD.partner_id]);
    ELSE
        PERFORM bump_customer_list_version(ARRAY[OLD.partner_id]);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER customer_associations_version AFTER INSERT OR UPDATE OR DELETE ON customer_associations
    FOR EACH ROW EXECUTE FUNCTION customer_associations_version();

CREATE FUNCTION customers_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_customer_list_version(ARRAY(
        SELECT a.partner_id FROM customer_associations a WHERE a.customer_id = NEW.id AND a.ended_at IS NULL));
    RETURN NULL;
END $$;

CREATE TRIGGER customers_version
AFTER UPDATE OF domain_name_key, real_name, label, account_manager_id, frozen, mobile_country_code, mobile, email ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_version();

CREATE FUNCTION members_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM bump_customer_list_version(ARRAY[OLD.partner_id]);
    ELSE
        PERFORM bump_customer_list_version(ARRAY[NEW.partner_id]);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER members_version AFTER UPDATE OF display_name, account_name OR DELETE ON members
    FOR EACH ROW EXECUTE FUNCTION members_version();
