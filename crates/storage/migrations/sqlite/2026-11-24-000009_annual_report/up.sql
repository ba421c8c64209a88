-- 年度报告 — figures of table 二 that come from other systems (行政许可, 行政处罚, 行政强制 decisions,
-- 行政事业性收费 amounts), entered per organisation and year, each with where it came from.
CREATE TABLE report_entered_figures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    year INTEGER NOT NULL,
    row_key TEXT NOT NULL,
    column_key TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL,
    entered_by BIGINT,
    entered_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, year, row_key, column_key)
);

-- The drafts of annual reports: one per scope and year, with the text staff write for sections
-- 一, 五 and 六 (JSON), its workflow status and, once published, the catalogue item showing it.
CREATE TABLE annual_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    year INTEGER NOT NULL,
    status TEXT NOT NULL,
    sections TEXT NOT NULL DEFAULT '{}',
    item_id BIGINT REFERENCES items(id),
    updated_by BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (scope, year)
);
