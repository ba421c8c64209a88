ALTER TABLE users DROP COLUMN email;
ALTER TABLE site_columns DROP COLUMN update_category;
