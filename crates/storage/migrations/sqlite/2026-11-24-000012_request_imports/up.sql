-- Past requests imported from an earlier system (`gongkai import requests`): the source id makes a
-- re-import update the same case; `record` is the line as imported (to tell a changed line).
CREATE TABLE request_imports (
    request_id BIGINT PRIMARY KEY REFERENCES disclosure_requests(id),
    source_id TEXT NOT NULL UNIQUE,
    carried_over BOOLEAN NOT NULL,
    record TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL
);
