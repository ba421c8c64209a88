//! 全文检索 — Chinese full-text search over public content: an embedded tantivy index with
//! jieba words beside character n-grams, metadata filters and facets, exact 文号/索引号
//! look-up, synonyms and best bets. See `README.md` beside this crate for the design.
//!
//! ```no_run
//! use gongkai_search::{DocKind, SearchDoc, SearchEngine, SearchRequest};
//! # fn main() -> Result<(), gongkai_search::SearchError> {
//! let engine = SearchEngine::open_or_create(std::path::Path::new("data/search"))?;
//! if engine.open_state().needs_rebuild() || engine.applied_seq().is_none() {
//!     // re-index everything from the database, then commit_through(the outbox's max seq)
//! }
//! engine.upsert(&[SearchDoc::new(DocKind::Item, 42, "关于最低生活保障标准的通知", "……")])?;
//! engine.commit_through(1)?; // the outbox row the change came from
//! let req = SearchRequest::from_params([("q", "低保 标准"), ("sort", "date")])?; // 422 on Err
//! let results = engine.search(&req)?;
//! println!("{} {}", results.total_label_zh(), results.hits.len());
//! # Ok(()) }
//! ```

mod collector;
pub mod dict;
mod doc;
mod engine;
pub mod error;
mod highlight;
pub mod params;
mod query;
mod relevance;
mod schema;
mod text;
mod tokenizer;

pub use collector::{FacetCount, FacetField, Facets};
pub use doc::{DocKind, SearchDoc};
pub use engine::{Hit, OpenState, PinReason, SearchConfig, SearchEngine, SearchResults};
pub use error::{QueryProblem, SearchError};
pub use params::{InvalidParam, ParamError, PARAM_NAMES};
pub use query::{
    Filters, SearchRequest, Sort, DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS,
    MAX_RESULT_WINDOW,
};
pub use relevance::{default_synonyms, BUILTIN_SYNONYMS};
