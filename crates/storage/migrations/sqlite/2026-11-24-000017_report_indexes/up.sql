-- The annual report (issue 7) reads the catalogue twice per report; without these indexes each read
-- scans every item (a city holds a million; see bench/report in docs/benchmarks.md).
-- Table 二: 规章 and 行政规范性文件 of the scope's organisations.
CREATE INDEX items_genre_org ON items (genre, org_id);
-- The year's proactive items by organisation, genre and channel, answered from the index alone.
-- Not a partial index: queries bind every value as a parameter, and SQLite only uses a partial
-- index whose condition the query states literally.
CREATE INDEX items_report ON items (org_id, published_at, disclosure_mode, genre, channels, index_number);
