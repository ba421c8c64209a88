DROP INDEX disclosure_requests_applicant;
ALTER TABLE disclosure_requests DROP COLUMN published_item_id;
ALTER TABLE disclosure_requests DROP COLUMN fee_note;
ALTER TABLE disclosure_requests DROP COLUMN fee_fen;
ALTER TABLE disclosure_requests DROP COLUMN publish_consent;
ALTER TABLE disclosure_requests DROP COLUMN applicant_key;
DROP TABLE request_files;
DROP TABLE platform_settings;
DROP TABLE calendar_notices;
