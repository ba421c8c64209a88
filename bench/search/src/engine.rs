//! Gongkai's side of the benchmark: building the index from the corpus, running a query in
//! process, and serving the index over HTTP with the real axum application.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use gongkai_search::{SearchConfig, SearchEngine, SearchRequest};

use crate::queries::BenchQuery;

/// Serving configuration: the product's defaults, except that facet counts are not cached, so
/// repeating the query set measures every query in full rather than cache hits.
pub fn serving_config() -> SearchConfig {
    SearchConfig {
        facet_cache_entries: 0,
        ..SearchConfig::default()
    }
}

pub struct IndexBuild {
    pub docs: usize,
    /// Upserts and the commit that makes them searchable.
    pub indexed: Duration,
    /// Until background merges have finished.
    pub merged: Duration,
    pub size_mib: f64,
}

/// (Re)builds the index under `dir` from the first `limit` corpus documents.
pub fn build_index(corpus: &Path, limit: usize, dir: &Path) -> Result<IndexBuild> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let config = SearchConfig {
        writer_threads: 2,
        writer_memory_bytes: 512_000_000,
        verify_checksums_on_open: false,
        ..SearchConfig::default()
    };
    let engine = SearchEngine::open_or_create_with(dir, config)?;
    let started = Instant::now();
    let docs = crate::corpus::read_corpus(corpus, 5_000, limit, |batch| {
        engine.upsert(&batch)?;
        Ok(())
    })?;
    engine.commit()?;
    let indexed = started.elapsed();
    engine.wait_merging_threads()?;
    let merged = started.elapsed();
    Ok(IndexBuild {
        docs,
        indexed,
        merged,
        size_mib: crate::metrics::dir_mib(dir),
    })
}

pub fn open(dir: &Path) -> Result<SearchEngine> {
    SearchEngine::open_or_create_with(dir, serving_config())
        .with_context(|| format!("open index {}", dir.display()))
}

pub fn request(q: &BenchQuery, per_page: usize) -> Result<SearchRequest> {
    let params = q.params(per_page);
    SearchRequest::from_params(params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| anyhow::anyhow!("{}: {}", q.q, e.message_zh()))
}

/// Top `k` ids and the (possibly estimated) total.
pub fn search(engine: &SearchEngine, q: &BenchQuery, k: usize) -> Result<(Vec<String>, u64)> {
    let r = engine.search(&request(q, k)?)?;
    Ok((r.hits.into_iter().map(|h| h.id).collect(), r.total as u64))
}

/// The query string of the JSON API for a query.
pub fn api_path(q: &BenchQuery, per_page: usize) -> String {
    let qs: Vec<String> = q
        .params(per_page)
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencoding::encode(v)))
        .collect();
    format!("/api/v1/search?{}", qs.join("&"))
}

/// Child-process mode: serve the index at `dir` with the real application on a loopback port
/// (an empty SQLite database beside it, since the search API reads only the index); prints
/// `listening <addr>` and serves until killed.
pub fn serve(dir: &Path) -> Result<()> {
    let engine = Arc::new(open(dir)?);
    let db_dir: PathBuf = dir.with_extension("serve-db");
    let _ = std::fs::remove_dir_all(&db_dir);
    let db = gongkai_storage::Database::open_sqlite_in(&db_dir)?;
    let state = gongkai_web::AppState::new(db, Some(engine), gongkai_web::Config::default());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("listening {}", listener.local_addr()?);
        use std::io::Write;
        std::io::stdout().flush()?;
        axum::serve(listener, gongkai_web::router(state)).await?;
        Ok(())
    })
}
