-- 领导信箱 — the leader mailbox. The writer's name, phone and e-mail are stored encrypted
-- (AES-256-GCM, `crypto.rs`, one JSON blob) beside masked forms for lists.
CREATE TABLE mailbox_settings (
    site_id BIGINT PRIMARY KEY REFERENCES sites(id),
    reply_days INTEGER NOT NULL,
    reminder_days INTEGER NOT NULL,
    watch_words TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The configurable category tree (one row per node path `l1/l2/l3`, in display order).
CREATE TABLE mailbox_categories (
    id BIGSERIAL PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL
);

-- 转办规则: letters of a category (or below it) go to an organisation.
CREATE TABLE mailbox_routes (
    id BIGSERIAL PRIMARY KEY,
    category TEXT NOT NULL UNIQUE,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    created_at TIMESTAMP NOT NULL
);

-- Leaders the public can write to.
CREATE TABLE mailbox_leaders (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    position INTEGER NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (name, title)
);

CREATE TABLE letters (
    id BIGSERIAL PRIMARY KEY,
    tracking_code TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    site_id BIGINT REFERENCES sites(id),
    leader_id BIGINT REFERENCES mailbox_leaders(id),
    addressed_org_id BIGINT NOT NULL REFERENCES organisations(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    category TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    writer_enc TEXT NOT NULL,
    writer_masked TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    publish_consent BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    received_on DATE NOT NULL,
    due_on DATE,
    deadline_note TEXT,
    reminded_on DATE,
    escalated_on DATE,
    escalations INTEGER NOT NULL DEFAULT 0,
    reply TEXT,
    replied_at TIMESTAMP,
    replied_on DATE,
    reply_working_days INTEGER,
    published_at TIMESTAMP,
    watch_hits TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    external_id TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (source, external_id)
);
CREATE INDEX letters_org ON letters (org_id, status, due_on);
CREATE INDEX letters_published ON letters (published_at);

CREATE TABLE letter_events (
    id BIGSERIAL PRIMARY KEY,
    letter_id BIGINT NOT NULL REFERENCES letters(id),
    kind TEXT NOT NULL,
    org_id BIGINT,
    detail TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_id BIGINT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX letter_events_letter ON letter_events (letter_id, id);

-- Watch-word alerts for the admins of the letter's organisation, until one of them has seen it.
CREATE TABLE letter_alerts (
    id BIGSERIAL PRIMARY KEY,
    letter_id BIGINT NOT NULL REFERENCES letters(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    words TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    seen_by TEXT,
    seen_at TIMESTAMP
);
CREATE INDEX letter_alerts_open ON letter_alerts (seen_at, org_id);

CREATE TABLE letter_ratings (
    letter_id BIGINT PRIMARY KEY REFERENCES letters(id),
    rating TEXT NOT NULL,
    comment TEXT NOT NULL,
    rated_at TIMESTAMP NOT NULL
);

-- What the public sees of a published letter: subject, letter and reply with personal data removed.
CREATE TABLE letter_publications (
    letter_id BIGINT PRIMARY KEY REFERENCES letters(id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    reply TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL
);
