-- The annual report (issue 7): table 二 reads 规章 and 行政规范性文件 of the scope's organisations;
-- without this index each report scans every item (a city holds a million; see bench/report).
CREATE INDEX items_genre_org ON items (genre, org_id);
