-- 社会公益事业 — the public-welfare area of a catalogue item (one of eight), a catalogue
-- dimension like genre; NULL when the item belongs to none.
ALTER TABLE items ADD COLUMN welfare_area TEXT;
CREATE INDEX items_welfare_area ON items (welfare_area, published_at);

-- 重大项目 — a major project whose information (eight kinds) is published as catalogue items.
CREATE TABLE major_projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    summary TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A catalogue item filed under one kind of a project's information. An item may serve several
-- kinds (批准结果 and 征收土地 in one notice), so the kind is part of the key.
CREATE TABLE major_project_items (
    project_id BIGINT NOT NULL REFERENCES major_projects(id),
    item_id BIGINT NOT NULL REFERENCES items(id),
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (project_id, item_id, kind)
);
CREATE INDEX major_project_items_item ON major_project_items (item_id);

-- 办事指南 — a service guide with the elements the national checks require. published_year is
-- the counting year (the year it was first put online).
CREATE TABLE service_guides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    theme TEXT NOT NULL,
    basis TEXT NOT NULL,
    conditions TEXT NOT NULL,
    materials TEXT NOT NULL,
    procedure_text TEXT NOT NULL,
    time_limit TEXT NOT NULL,
    fee TEXT NOT NULL,
    place_hours TEXT NOT NULL,
    phone TEXT NOT NULL,
    online_url TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_year INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX service_guides_org ON service_guides (org_id);
CREATE INDEX service_guides_year ON service_guides (published_year);
