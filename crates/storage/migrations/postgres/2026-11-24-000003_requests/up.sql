-- 依申请公开 — on-application disclosure requests. The ID number and phone are stored encrypted
-- (AES-256-GCM, `crypto.rs`) beside a masked form for lists; `state` and `plan` are the domain's
-- RequestState and DeadlinePlan as JSON (the facts), `due_on` is derived from them and kept for sorting.
CREATE TABLE disclosure_requests (
    id BIGSERIAL PRIMARY KEY,
    tracking_code TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    applicant_type TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    id_type TEXT NOT NULL,
    id_number_enc TEXT NOT NULL,
    id_number_masked TEXT NOT NULL,
    phone_enc TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    email TEXT,
    address TEXT NOT NULL,
    description TEXT NOT NULL,
    preferred_form TEXT NOT NULL,
    delivery TEXT NOT NULL,
    channel TEXT NOT NULL,
    arrived_on DATE NOT NULL,
    received_on DATE NOT NULL,
    stage TEXT NOT NULL,
    state TEXT NOT NULL,
    plan TEXT NOT NULL,
    due_on DATE,
    deadline_note TEXT,
    handler TEXT,
    outcome TEXT,
    reply_text TEXT,
    answered_on DATE,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX disclosure_requests_org ON disclosure_requests (org_id, stage, due_on);

-- Every step of a request's handling, in order: the case history.
CREATE TABLE request_events (
    id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES disclosure_requests(id),
    kind TEXT NOT NULL,
    on_date DATE NOT NULL,
    detail TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_id BIGINT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX request_events_request ON request_events (request_id, id);

-- 行政复议 and 行政诉讼 about a request, with the outcome columns of table 四.
CREATE TABLE request_appeals (
    id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES disclosure_requests(id),
    kind TEXT NOT NULL,
    filed_on DATE NOT NULL,
    body TEXT NOT NULL,
    outcome TEXT NOT NULL,
    decided_on DATE,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX request_appeals_request ON request_appeals (request_id);
