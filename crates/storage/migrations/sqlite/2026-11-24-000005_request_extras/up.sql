-- Holiday notices loaded after release (a new year's 国务院办公厅 notice, or a correction), kept as
-- the file an admin loaded: the effective calendar is the built-in years with these applied in
-- order, so every node derives the same calendar and the source stays inspectable.
CREATE TABLE calendar_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    format TEXT NOT NULL,
    body TEXT NOT NULL,
    years TEXT NOT NULL,
    loaded_by TEXT NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

-- Platform-wide settings an admin edits (e.g. the information-processing fee tiers), by key.
CREATE TABLE platform_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Files of a request: scans of a paper request (staff entry), the generated reply notice (告知书)
-- and the released information (公开的政府信息). Contents live in blobs, by checksum.
CREATE TABLE request_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id BIGINT NOT NULL REFERENCES disclosure_requests(id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX request_files_request ON request_files (request_id, id);

-- applicant_key: keyed hash of the applicant's ID number, so duplicates can be found without
-- decrypting; publish_consent: the applicant agrees the reply may be published (依申请转主动);
-- fee_fen: the information-processing fee charged (Art. 42), in fen, null when none.
ALTER TABLE disclosure_requests ADD COLUMN applicant_key TEXT;
ALTER TABLE disclosure_requests ADD COLUMN publish_consent BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE disclosure_requests ADD COLUMN fee_fen BIGINT;
ALTER TABLE disclosure_requests ADD COLUMN fee_note TEXT;
ALTER TABLE disclosure_requests ADD COLUMN published_item_id BIGINT REFERENCES items(id);
CREATE INDEX disclosure_requests_applicant ON disclosure_requests (applicant_key, received_on);
