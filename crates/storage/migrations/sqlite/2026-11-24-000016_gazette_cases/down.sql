DROP TABLE media_accounts;
DROP TABLE service_cases;
DROP TABLE gazette_entries;
DROP TABLE gazette_issues;
