-- 政府公报 — gazette issues, numbered within a year. status is draft or published; a published
-- issue's contents no longer change.
CREATE TABLE gazette_issues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    issued_on DATE NOT NULL,
    status TEXT NOT NULL,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (year, number)
);

-- The table of contents of an issue: catalogue items in print order (position from 1).
CREATE TABLE gazette_entries (
    issue_id BIGINT NOT NULL REFERENCES gazette_issues(id),
    item_id BIGINT NOT NULL REFERENCES items(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (issue_id, item_id)
);
CREATE INDEX gazette_entries_item ON gazette_entries (item_id);

-- 办件查询 — case statuses reported by the approval systems: only what the public may see (no
-- applicant data).
CREATE TABLE service_cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_number TEXT NOT NULL UNIQUE,
    service_name TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    status TEXT NOT NULL,
    received_on DATE NOT NULL,
    due_on DATE,
    completed_on DATE,
    updated_at TIMESTAMP NOT NULL
);

-- 两微一端 — new-media accounts; one per organisation and platform (the national rule).
CREATE TABLE media_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    platform TEXT NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    last_updated_on DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, platform)
);
