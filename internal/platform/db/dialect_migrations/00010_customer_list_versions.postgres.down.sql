DROP TRIGGER members_version ON members;
DROP FUNCTION members_version();
DROP TRIGGER customers_version ON customers;
DROP FUNCTION customers_version();
DROP TRIGGER customer_associations_version ON customer_associations;
DROP FUNCTION customer_associations_version();
DROP FUNCTION bump_customer_list_version(TEXT[]);
DROP TABLE partner_customer_versions;
