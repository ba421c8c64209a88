-- 征集调查 — online surveys. Questions are kept as JSON (gongkai_domain::survey::Question) in the
-- survey row: they are always read whole and, once a response exists, never change.
CREATE TABLE surveys (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    title TEXT NOT NULL,
    intro TEXT NOT NULL,
    questions TEXT NOT NULL,
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    live_results BOOLEAN NOT NULL DEFAULT FALSE,
    one_per_person BOOLEAN NOT NULL DEFAULT TRUE,
    requires_sign_in BOOLEAN NOT NULL DEFAULT FALSE,
    identified BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX surveys_org ON surveys (org_id, status);

-- One row per response. person_key is the hashed respondent key (session token or signed-in
-- user) for one-per-person surveys, NULL otherwise; the unique index is what refuses a second
-- response even when two arrive at once. address_hash is a salted hash of the client address,
-- never the address. name and phone (identified surveys) are encrypted (crypto::DataKey).
CREATE TABLE survey_responses (
    id BIGSERIAL PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    person_key TEXT,
    address_hash TEXT NOT NULL,
    name_enc TEXT,
    phone_enc TEXT,
    answers TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX survey_responses_person ON survey_responses (survey_id, person_key);
CREATE INDEX survey_responses_address ON survey_responses (survey_id, address_hash);

-- 政策解读 — how an interpretation item is presented (text, graphic, video) and, for video, the
-- link to it. The item itself is an ordinary catalogue item of genre 'interpretation'; its
-- policies are item_relations rows of kind 'interpretation'.
CREATE TABLE interpretation_forms (
    item_id BIGINT PRIMARY KEY REFERENCES items (id),
    form TEXT NOT NULL,
    video_url TEXT
);

-- 在线访谈 and 新闻发布会 (kind 'interview' / 'press_conference'). starts_at and ends_at are China
-- Standard Time as staff typed them; people is one guest or speaker per line; media is JSON
-- (gongkai_domain::interview::MediaLink); transcript_html is sanitised before it is stored.
CREATE TABLE interviews (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    title TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    people TEXT NOT NULL,
    summary TEXT NOT NULL,
    transcript_html TEXT NOT NULL,
    media TEXT NOT NULL,
    accepts_questions BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX interviews_kind ON interviews (kind, status, starts_at);

-- 网民提问 — questions from the public to an interview, moderated by staff.
CREATE TABLE interview_questions (
    id BIGSERIAL PRIMARY KEY,
    interview_id BIGINT NOT NULL REFERENCES interviews (id),
    nickname TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    answer TEXT,
    address_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    moderated_at TIMESTAMP
);
CREATE INDEX interview_questions_interview ON interview_questions (interview_id, status);

-- 公开征求意见 — a draft split into sections (JSON, gongkai_domain::consultation::Section), open for
-- comments from opens_at to closes_at (China time); report is the owner's summary of how comments
-- were used, public once report_published_at is set.
CREATE TABLE consultations (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    title TEXT NOT NULL,
    intro TEXT NOT NULL,
    draft TEXT NOT NULL,
    sections TEXT NOT NULL,
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    published_at TIMESTAMP,
    report TEXT NOT NULL,
    report_published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A comment anchored to section (0-based index into sections). contact_enc is encrypted.
CREATE TABLE consultation_comments (
    id BIGSERIAL PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    section INTEGER NOT NULL,
    nickname TEXT NOT NULL,
    body TEXT NOT NULL,
    contact_enc TEXT,
    adoption TEXT NOT NULL,
    reason TEXT NOT NULL,
    address_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE INDEX consultation_comments_consultation ON consultation_comments (consultation_id, section);
