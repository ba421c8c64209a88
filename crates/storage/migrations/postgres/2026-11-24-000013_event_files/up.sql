-- Files of a press conference or an interview (新闻发布会/在线访谈附件): uploaded by staff, contents
-- kept once per checksum in `blobs` like item attachments and request files.
CREATE TABLE interview_files (
    id BIGSERIAL PRIMARY KEY,
    interview_id BIGINT NOT NULL REFERENCES interviews(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX interview_files_interview ON interview_files (interview_id, id);
