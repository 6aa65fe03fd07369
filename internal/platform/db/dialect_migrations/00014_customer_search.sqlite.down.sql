DROP TRIGGER customers_search_update;
DROP TRIGGER customers_search_delete;
DROP TRIGGER customers_search_insert;
DROP TABLE customer_search;
