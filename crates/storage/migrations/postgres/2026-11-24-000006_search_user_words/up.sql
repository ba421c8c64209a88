-- 用户词典 — words editors add to the segmentation dictionary (e.g. a local programme's name), so
-- queries and newly indexed text keep them whole. Applied on every node through the outbox.
CREATE TABLE search_user_words (
    id BIGSERIAL PRIMARY KEY,
    word TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
