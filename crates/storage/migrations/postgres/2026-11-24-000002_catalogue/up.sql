-- 主题分类 — the configurable subject-category tree of the catalogue.
CREATE TABLE subjects (
    id BIGSERIAL PRIMARY KEY,
    parent_id BIGINT REFERENCES subjects(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);

-- 站点 — the portal and every department's or county's sub-site (集约化).
CREATE TABLE sites (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    is_portal BOOLEAN NOT NULL DEFAULT FALSE,
    host TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- 栏目 — a site's column tree. update_days is the update requirement that monitoring checks.
CREATE TABLE site_columns (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    parent_id BIGINT REFERENCES site_columns(id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    module TEXT,
    update_days INTEGER,
    link_url TEXT,
    body_html TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, slug)
);

-- 政府信息 — catalogue items. index_number is set once, at first publication, and never changes.
CREATE TABLE items (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    index_number TEXT UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body_html TEXT NOT NULL DEFAULT '',
    made_on DATE,
    published_at TIMESTAMP,
    published_year INTEGER,
    doc_number TEXT,
    doc_number_key TEXT,
    subject_id BIGINT REFERENCES subjects(id),
    genre TEXT NOT NULL,
    keywords TEXT NOT NULL DEFAULT '',
    validity TEXT NOT NULL,
    valid_from DATE,
    invalid_from DATE,
    disclosure_mode TEXT NOT NULL,
    channels TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    scheduled_at TIMESTAMP,
    status_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT,
    updated_by BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX items_status_published ON items (status, published_at);
CREATE INDEX items_org ON items (org_id, status);
CREATE INDEX items_site ON items (site_id, status, published_at);
CREATE INDEX items_doc_number_key ON items (doc_number_key);
CREATE INDEX items_year ON items (published_year);

CREATE TABLE item_columns (
    item_id BIGINT NOT NULL REFERENCES items(id),
    column_id BIGINT NOT NULL REFERENCES site_columns(id),
    PRIMARY KEY (item_id, column_id)
);
CREATE INDEX item_columns_column ON item_columns (column_id);

-- Related items and policy interpretations (kind = 'related' | 'interpretation').
CREATE TABLE item_relations (
    item_id BIGINT NOT NULL REFERENCES items(id),
    related_id BIGINT NOT NULL REFERENCES items(id),
    kind TEXT NOT NULL,
    PRIMARY KEY (item_id, related_id, kind)
);

-- Every published state of an item: a snapshot (JSON) per version, with the editor's change note.
CREATE TABLE item_versions (
    id BIGSERIAL PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES items(id),
    version INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    change_note TEXT NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (item_id, version)
);

-- Attachment contents live in the database (deduplicated by checksum) so every app node sees them
-- and a database backup holds everything.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size_bytes BIGINT NOT NULL,
    content BYTEA NOT NULL
);

CREATE TABLE attachments (
    id BIGSERIAL PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES items(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    position INTEGER NOT NULL DEFAULT 0,
    text_content TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_item ON attachments (item_id);

-- 用户 — staff. Failed sign-ins lock the account for a while (ADR 0004).
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- A role held over an organisation and its children.
CREATE TABLE grants (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    UNIQUE (user_id, role, org_id)
);

-- Sessions in the database so several app nodes share them; only the token's hash is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API tokens for the JSON API's writes; only the hash is stored.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

-- 审计日志 — append-only: triggers refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    org_id BIGINT,
    summary TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT,
    ip TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- Ordered change log for search sync (ADR 0003): each app node replays it from its own cursor.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    op TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);

-- 我为政府网站找错 — error reports from the public about a site.
CREATE TABLE site_error_reports (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    tracking_code TEXT NOT NULL UNIQUE,
    page_url TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    contact TEXT,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- One row that every SQLite write transaction updates first, so the transaction holds the write
-- lock from its start (a read-then-write transaction in WAL mode fails instead of waiting when
-- another writer commits in between). PostgreSQL does not need it: row locks serialise there.
CREATE TABLE write_lock (
    id INTEGER PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO write_lock (id, n) VALUES (1, 0);
