//! The baselines: SQLite FTS5 with the trigram tokenizer (terms under three characters, which
//! trigrams cannot match, fall back to LIKE, as the calibration did), and a plain
//! `LIKE '%…%'` scan, what many government CMSs still do. Both answer top 10 plus the total count.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use rusqlite::{params_from_iter, types::Value, Connection};

use crate::queries::BenchQuery;

/// Which baseline answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Fts5Trigram,
    LikeScan,
}

pub struct Baseline {
    conn: Connection,
}

/// Build times: loading the rows, then building the FTS5 index over them.
pub struct BuildTimes {
    pub load: Duration,
    pub fts: Duration,
    pub table_mib: f64,
    pub total_mib: f64,
}

fn numeric_id(id: &str) -> i64 {
    id.rsplit(':')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The query's search terms: whitespace-separated words, or the inside of one quoted phrase.
pub fn terms(q: &str) -> Vec<String> {
    let t = q.trim();
    let quoted = t.len() > 1 && t.starts_with('"') && t.ends_with('"');
    if quoted {
        return vec![t[1..t.len() - 1].to_string()];
    }
    t.split_whitespace()
        .map(|w| w.trim_matches('"').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

impl Baseline {
    /// Opens an existing baseline database.
    pub fn open(path: &Path) -> Result<Baseline> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "cache_size", -262_144)?; // 256 MiB, like the engine's page cache
        conn.pragma_update(None, "mmap_size", 1_073_741_824i64)?;
        Ok(Baseline { conn })
    }

    /// Builds the baseline database from the corpus (replacing any file there).
    pub fn build(path: &Path, corpus: &Path, limit: usize) -> Result<(Baseline, BuildTimes)> {
        let _ = std::fs::remove_file(path);
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "OFF")?;
        conn.pragma_update(None, "synchronous", "OFF")?;
        conn.execute_batch(
            "CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,
                 doc_number TEXT, org TEXT, year INTEGER, published TEXT);
             CREATE INDEX docs_published ON docs (published);",
        )?;
        let started = Instant::now();
        crate::corpus::read_corpus(corpus, 10_000, limit, |batch| {
            let tx = conn.unchecked_transaction()?;
            {
                let mut ins = tx.prepare_cached(
                    "INSERT INTO docs (id, title, body, doc_number, org, year, published)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                for d in batch {
                    let year = d.published.map(|p| chrono::Datelike::year(&p.date()));
                    ins.execute(rusqlite::params![
                        numeric_id(&d.id),
                        d.title,
                        d.body,
                        d.doc_number,
                        d.org_code,
                        year,
                        d.published.map(|p| p.to_string()),
                    ])?;
                }
            }
            tx.commit()?;
            Ok(())
        })?;
        let load = started.elapsed();
        let table_mib = crate::metrics::dir_mib(path);
        let started = Instant::now();
        conn.execute_batch(
            "CREATE VIRTUAL TABLE fts USING fts5(title, body, doc_number, tokenize = 'trigram',
                 content = 'docs', content_rowid = 'id');
             INSERT INTO fts (fts) VALUES ('rebuild');",
        )?;
        let fts = started.elapsed();
        drop(conn);
        let total_mib = crate::metrics::dir_mib(path);
        Ok((
            Baseline::open(path)?,
            BuildTimes {
                load,
                fts,
                table_mib,
                total_mib,
            },
        ))
    }

    pub fn doc_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM docs", [], |r| r.get(0))?)
    }

    /// Top `k` ids (`item:N`) and the total number of matches.
    pub fn search(&self, mode: Mode, q: &BenchQuery, k: usize) -> Result<(Vec<String>, u64)> {
        let terms = terms(&q.q);
        let mut where_sql: Vec<String> = vec![];
        let mut args: Vec<Value> = vec![];
        let mut fts_terms = vec![];
        for t in &terms {
            if mode == Mode::Fts5Trigram && t.chars().count() >= 3 {
                fts_terms.push(format!("\"{}\"", t.replace('"', "\"\"")));
            } else {
                args.push(Value::Text(format!("%{t}%")));
                let n = args.len();
                where_sql.push(format!(
                    "(d.title LIKE ?{n} OR d.body LIKE ?{n} OR d.doc_number LIKE ?{n})"
                ));
            }
        }
        if let Some(y) = q.year {
            args.push(Value::Integer(i64::from(y)));
            where_sql.push(format!("d.year = ?{}", args.len()));
        }
        if let Some(o) = &q.org {
            args.push(Value::Text(o.clone()));
            where_sql.push(format!("d.org = ?{}", args.len()));
        }
        let (from, order) = if fts_terms.is_empty() {
            ("docs d".to_string(), "d.published DESC".to_string())
        } else {
            args.push(Value::Text(fts_terms.join(" AND ")));
            where_sql.push(format!("fts MATCH ?{}", args.len()));
            (
                "fts JOIN docs d ON d.id = fts.rowid".to_string(),
                "bm25(fts, 4.0, 1.0, 2.0)".to_string(),
            )
        };
        let where_sql = if where_sql.is_empty() {
            "1".to_string()
        } else {
            where_sql.join(" AND ")
        };
        let mut top = self.conn.prepare_cached(&format!(
            "SELECT d.id FROM {from} WHERE {where_sql} ORDER BY {order} LIMIT {k}"
        ))?;
        let ids: Vec<String> = top
            .query_map(params_from_iter(args.iter()), |r| r.get::<_, i64>(0))?
            .map(|r| r.map(|id| format!("item:{id}")))
            .collect::<std::result::Result<_, _>>()?;
        let mut count = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM {from} WHERE {where_sql}"))?;
        let total: i64 = count.query_row(params_from_iter(args.iter()), |r| r.get(0))?;
        Ok((ids, total as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queries::{BenchQuery, QueryKind};
    use gongkai_search::{DocKind, SearchDoc};
    use std::io::Write;

    #[test]
    fn terms_split_words_and_keep_phrases_whole() {
        assert_eq!(terms("口岸 服务"), ["口岸", "服务"]);
        assert_eq!(terms("\"口岸 服务\""), ["口岸 服务"]);
        assert!(terms("  ").is_empty());
    }

    #[test]
    fn both_baselines_find_substrings_and_apply_filters() {
        let dir = std::env::temp_dir().join(format!("gk-bench-sqlite-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let corpus = dir.join("c.jsonl");
        let mut f = std::fs::File::create(&corpus).unwrap();
        for (i, (t, b, y)) in [
            ("上海口岸服务条例", "为了规范口岸开放，提高通关效率", 2020),
            ("示范市公园条例", "公园是公益性城市基础设施", 2021),
            ("口岸管理办法", "口岸开放", 2021),
        ]
        .iter()
        .enumerate()
        {
            let mut d = SearchDoc::new(DocKind::Item, i, *t, *b);
            d.published = chrono::NaiveDate::from_ymd_opt(*y, 1, 1 + i as u32)
                .unwrap()
                .and_hms_opt(0, 0, 0);
            serde_json::to_writer(&mut f, &d).unwrap();
            f.write_all(b"\n").unwrap();
        }
        drop(f);
        let (b, _) = Baseline::build(&dir.join("b.db"), &corpus, 10).unwrap();
        assert_eq!(b.doc_count().unwrap(), 3);
        let q = |s: &str| BenchQuery {
            kind: QueryKind::Words,
            q: s.into(),
            year: None,
            org: None,
        };
        for mode in [Mode::Fts5Trigram, Mode::LikeScan] {
            let (ids, n) = b.search(mode, &q("口岸开放"), 10).unwrap();
            assert_eq!(n, 2, "{mode:?}");
            assert_eq!(ids.len(), 2);
            // Two characters: below the trigram width, answered by LIKE in both.
            assert_eq!(b.search(mode, &q("口岸"), 10).unwrap().1, 2);
            let mut filtered = q("口岸开放");
            filtered.year = Some(2021);
            assert_eq!(b.search(mode, &filtered, 10).unwrap().0, ["item:2"]);
        }
        // FTS5 ranks the title match first.
        let (ids, _) = b.search(Mode::Fts5Trigram, &q("口岸服务"), 10).unwrap();
        assert_eq!(ids, ["item:0"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
