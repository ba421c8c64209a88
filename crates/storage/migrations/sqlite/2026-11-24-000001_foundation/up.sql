-- 单位 — organisations; `path` is the materialised path (/1/7/) used for role scopes.
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id BIGINT REFERENCES organisations(id),
    path TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    level TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- One row per (organisation, year): the last 索引号 serial handed out. Bumped in the publishing
-- transaction, so serials are unique and gap-free.
CREATE TABLE index_counters (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    year INTEGER NOT NULL,
    last_serial INTEGER NOT NULL,
    PRIMARY KEY (org_id, year)
);
