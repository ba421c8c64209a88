-- 公共资源交易 — a trading project (项目编号 unique) whose announcements read as one history.
CREATE TABLE trading_projects (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    purchaser TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One announcement of a project. Amounts in 分 so sums are exact; amount_fen is the winning
-- price when there is one, else the budget (what the lists filter on). published_year is the
-- counting year of the annual report.
CREATE TABLE trading_announcements (
    id BIGSERIAL PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES trading_projects(id),
    source_id TEXT UNIQUE,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    purchaser TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    budget_fen BIGINT,
    winner TEXT,
    winning_price_fen BIGINT,
    amount_fen BIGINT,
    published_at TIMESTAMP NOT NULL,
    published_year INTEGER NOT NULL,
    deadline_at TIMESTAMP,
    opening_at TIMESTAMP,
    body_html TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX trading_announcements_project ON trading_announcements (project_id);
CREATE INDEX trading_announcements_published ON trading_announcements (published_at);
CREATE INDEX trading_announcements_kind ON trading_announcements (category, kind, published_year);
CREATE INDEX trading_announcements_org ON trading_announcements (org_id);
