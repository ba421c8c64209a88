-- 错敏词 — the wrong/outdated/sensitive word dictionary (issue 9); one term once.
CREATE TABLE health_words (
    id BIGSERIAL PRIMARY KEY,
    term TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    suggestion TEXT,
    created_at TIMESTAMP NOT NULL
);

-- 网站健康问题 — one problem found on one site; found again it is the same row (site, kind,
-- subject); gone at the next check it is resolved; back again it reopens.
CREATE TABLE health_findings (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    subject TEXT NOT NULL,
    title TEXT NOT NULL,
    evidence TEXT NOT NULL,
    url TEXT,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    UNIQUE (site_id, kind, subject)
);
CREATE INDEX health_findings_open ON health_findings (org_id, resolved_at);

-- 每周得分 — the last check of each ISO week per site, with its whole report as JSON.
CREATE TABLE health_scores (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    week TEXT NOT NULL,
    checked_on DATE NOT NULL,
    score INTEGER NOT NULL,
    passed BOOLEAN NOT NULL,
    report TEXT NOT NULL,
    UNIQUE (site_id, week)
);

-- 每日摘要 — the daily digest of new findings for one organisation's admins.
CREATE TABLE health_digests (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    day DATE NOT NULL,
    finding_count INTEGER NOT NULL,
    body TEXT NOT NULL,
    mailed_to TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, day)
);

-- 找错答复 — staff's reply to a 我为政府网站找错 report, shown to the reporter by tracking code.
CREATE TABLE error_report_replies (
    report_id BIGINT PRIMARY KEY REFERENCES site_error_reports(id),
    reply TEXT NOT NULL,
    replied_by TEXT NOT NULL,
    replied_at TIMESTAMP NOT NULL
);

-- 链接检查 — each crawl's totals and the external links it listed (JSON array) without fetching them.
CREATE TABLE health_crawls (
    id BIGSERIAL PRIMARY KEY,
    finished_at TIMESTAMP NOT NULL,
    pages INTEGER NOT NULL,
    broken INTEGER NOT NULL,
    external TEXT NOT NULL
);
