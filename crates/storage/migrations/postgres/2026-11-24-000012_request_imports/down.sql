DROP TABLE request_imports;
