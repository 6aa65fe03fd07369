DROP INDEX customers_real_name_trgm;
DROP INDEX customers_name_trgm;
