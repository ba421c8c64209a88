-- 更新类别: what the website check expects of a column (dynamic two weeks, notices/policy six
-- months, none for archives); 'auto' keeps judging by the column's name.
ALTER TABLE site_columns ADD COLUMN update_category TEXT NOT NULL DEFAULT 'auto';
-- Where a staff member gets mail (the daily health digest); optional.
ALTER TABLE users ADD COLUMN email TEXT;
