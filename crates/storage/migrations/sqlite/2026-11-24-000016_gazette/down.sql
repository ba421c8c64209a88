DROP TABLE gazette_entries;
DROP TABLE gazette_issues;
