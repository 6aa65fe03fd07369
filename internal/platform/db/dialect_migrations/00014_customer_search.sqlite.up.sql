-- customer_search: a trigram index over account names (lower-cased) and
-- real-name names, so that "contains" searches (ListSubCustomers'
-- account_name and customer filters, the console's name filters) find a
-- rare text among 1,000,000 customers without reading them all. It is an
-- external-content FTS5 table over customers keyed by customers' rowid; the
-- triggers below keep it in step. customers has no INTEGER PRIMARY KEY, so a
-- VACUUM may renumber its rowids: run
-- INSERT INTO customer_search(customer_search) VALUES ('rebuild') after one.
CREATE VIRTUAL TABLE customer_search USING fts5(
    domain_name_key, real_name, content = 'customers', content_rowid = 'rowid', tokenize = 'trigram');
INSERT INTO customer_search (customer_search) VALUES ('rebuild');

CREATE TRIGGER customers_search_insert AFTER INSERT ON customers
BEGIN
    INSERT INTO customer_search (rowid, domain_name_key, real_name) VALUES (NEW.rowid, NEW.domain_name_key, NEW.real_name);
END;

CREATE TRIGGER customers_search_delete AFTER DELETE ON customers
BEGIN
    INSERT INTO customer_search (customer_search, rowid, domain_name_key, real_name)
    VALUES ('delete', OLD.rowid, OLD.domain_name_key, OLD.real_name);
END;

CREATE TRIGGER customers_search_update AFTER UPDATE OF domain_name_key, real_name ON customers
BEGIN
    INSERT INTO customer_search (customer_search, rowid, domain_name_key, real_name)
    VALUES ('delete', OLD.rowid, OLD.domain_name_key, OLD.real_name);
    INSERT INTO customer_search (rowid, domain_name_key, real_name) VALUES (NEW.rowid, NEW.domain_name_key, NEW.real_name);
END;
