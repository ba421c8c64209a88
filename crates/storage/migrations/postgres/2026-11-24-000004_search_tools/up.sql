-- 同义词 — synonym groups editors maintain (e.g. 低保 ↔ 最低生活保障), one group per row, terms
-- separated by spaces.
CREATE TABLE search_synonyms (
    id BIGSERIAL PRIMARY KEY,
    terms TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- 推荐结果 — results pinned to the top for a query (doc ids such as item:42, space-separated).
CREATE TABLE search_best_bets (
    id BIGSERIAL PRIMARY KEY,
    query TEXT NOT NULL UNIQUE,
    doc_ids TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Search analytics: the query text and its result count only; no address, no cookie, no user.
CREATE TABLE search_queries (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    week TEXT NOT NULL,
    query TEXT NOT NULL,
    results BIGINT NOT NULL,
    clicks INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX search_queries_week ON search_queries (week, query);
