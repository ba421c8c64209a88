//! [`SearchEngine`]: the embedded index, its single writer, and query execution.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::collector::{Facets, PageCollector};
use crate::dict;
use crate::doc::{DocKind, SearchDoc};
use crate::error::{Result, SearchError};
use crate::highlight::Highlighter;
use crate::query::{self, Filters, ParsedQuery, SearchRequest, MAX_RESULT_WINDOW};
use crate::relevance::{default_synonyms, BestBets, Synonyms};
use crate::schema::{
    build_schema, from_tantivy, index_settings, to_tantivy, Fields, SCHEMA_VERSION,
};
use crate::text::normalize_key;
use crate::tokenizer::{NgramTokenizer, WordTokenizer, NGRAMS, WORDS};

/// Marker beside tantivy's files recording the schema version the index was built with.
const MARKER: &str = "gongkai-search.json";
/// Most documents one exact 文号/索引号 look-up pins.
const MAX_LOOKUP_PINS: usize = 20;

/// The commit payload tantivy keeps in `meta.json`: the last change-log (outbox) position whose
/// changes the commit holds, so a node knows where to resume after a restart (ADR 3).
#[derive(Debug, Default, Serialize, Deserialize)]
struct CommitPayload {
    outbox_seq: Option<i64>,
}

/// The outbox position of the last commit, and the one the next plain commit records.
#[derive(Debug, Default, Clone, Copy)]
struct SeqState {
    committed: Option<i64>,
    next: Option<i64>,
}

fn read_payload(index: &Index) -> Option<i64> {
    let payload = index.load_metas().ok()?.payload?;
    match serde_json::from_str::<CommitPayload>(&payload) {
        Ok(p) => p.outbox_seq,
        Err(e) => {
            tracing::warn!(%payload, error = %e, "unreadable search index commit payload; treating the outbox position as unknown");
            None
        }
    }
}

/// Tuning knobs; the defaults suit a 2-core server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchConfig {
    pub writer_threads: usize,
    /// Indexing memory shared by the writer threads (at least 15 MB per thread).
    pub writer_memory_bytes: usize,
    /// Queries stop after this many matches (spread over segments by size) and report an
    /// estimated total and facets ("about N"); `None` always counts exactly. Segments hold
    /// documents newest first, so date-sorted pages are still exact; relevance-sorted pages
    /// rank the newest matches.
    pub exact_count_bound: Option<u64>,
    /// Length of body snippets, in characters.
    pub snippet_chars: usize,
    /// Facet counts kept per (query, filters) until the next commit.
    pub facet_cache_entries: usize,
    /// Check every file's checksum on open (reads the whole index once, which also warms the
    /// page cache); a failure recreates the index.
    pub verify_checksums_on_open: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let writer_threads = cores.clamp(1, 4);
        SearchConfig {
            writer_threads,
            writer_memory_bytes: 64_000_000 * writer_threads,
            exact_count_bound: Some(100_000),
            snippet_chars: 120,
            facet_cache_entries: 512,
            verify_checksums_on_open: true,
        }
    }
}

/// How [`SearchEngine::open_or_create`] found the index directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenState {
    /// An existing, healthy index.
    Opened,
    /// There was no index; a new empty one was created.
    Created,
    /// The index was unreadable, corrupt or of another schema version and was recreated empty.
    Recreated { reason: String },
}

impl OpenState {
    /// Whether the caller must re-index all content (from the database).
    pub fn needs_rebuild(&self) -> bool {
        !matches!(self, OpenState::Opened)
    }
}

/// Why a hit is pinned above the ranked results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinReason {
    /// 置顶 — an admin's best bet for this query.
    BestBet,
    /// The query is this document's 文号.
    DocNumber,
    /// The query is this document's 索引号.
    IndexNumber,
}

/// One result, with everything a result list shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: String,
    pub kind: DocKind,
    pub title: String,
    pub url: String,
    pub published: Option<NaiveDateTime>,
    pub site_slugs: Vec<String>,
    pub org_code: Option<String>,
    pub org_name: Option<String>,
    pub columns: Vec<String>,
    pub subject: Option<String>,
    pub genre: Option<String>,
    pub year: Option<i32>,
    pub validity: Option<String>,
    pub index_no: Option<String>,
    pub doc_number: Option<String>,
    /// The title, HTML-escaped, matches in `<mark>`.
    pub title_html: String,
    /// A body excerpt around the best matches, HTML-escaped, matches in `<mark>`.
    pub snippet_html: String,
    /// Relevance score (0 for pinned hits and date sort).
    pub score: f32,
    pub pinned: Option<PinReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Matching documents, pinned ones included; an estimate unless `total_is_exact`.
    pub total: u64,
    pub total_is_exact: bool,
    pub page: u32,
    pub per_page: u32,
    pub facets: Facets,
    /// Something the user should know about how the query was read (bilingual).
    pub notice: Option<String>,
    pub took_micros: u64,
}

impl SearchResults {
    /// `123` or `约 120,000` for result headers.
    pub fn total_label_zh(&self) -> String {
        if self.total_is_exact {
            self.total.to_string()
        } else {
            format!("约 {}", self.total)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FacetKey {
    generation: u64,
    q: String,
    filters: Filters,
}

/// The embedded full-text index. `Send + Sync`: share it in an `Arc`; searches run in parallel,
/// writes go through one writer behind a mutex. Changes become visible on [`commit`](Self::commit).
pub struct SearchEngine {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    config: SearchConfig,
    state: OpenState,
    synonyms: RwLock<Arc<Synonyms>>,
    best_bets: RwLock<Arc<BestBets>>,
    facet_cache: Mutex<HashMap<FacetKey, Arc<Facets>>>,
    /// Bumped by every commit and relevance change; cached facets of older generations are dead.
    generation: AtomicU64,
    /// Outbox position recorded with commits (see [`SearchEngine::commit_through`]).
    seq: Mutex<SeqState>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SearchError + '_ {
    move |source| SearchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Files tantivy (or this crate) writes into an index directory: `meta.json`, `.managed.json`,
/// lock and temp files, the marker, and segment files named `<32 hex digits>.<ext>`.
fn is_index_file(name: &str) -> bool {
    let segment_file = name.len() > 33
        && name.as_bytes()[32] == b'.'
        && name[..32].bytes().all(|b| b.is_ascii_hexdigit());
    matches!(name, "meta.json" | ".managed.json" | MARKER)
        || name.starts_with(".tantivy-")
        || name.starts_with(".tmp")
        || segment_file
}

/// Deletes an index's files so a new one can be created; refuses when anything else is there.
fn wipe(dir: &Path) -> Result<()> {
    let mut doomed = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().map_err(io_err(dir))?.is_file();
        if !is_file || !is_index_file(&name) {
            return Err(SearchError::ForeignFiles {
                dir: dir.to_path_buf(),
                file: name,
            });
        }
        doomed.push(entry.path());
    }
    for p in doomed {
        fs::remove_file(&p).map_err(io_err(&p))?;
    }
    Ok(())
}

fn register_tokenizers(index: &Index) {
    index.tokenizers().register(WORDS, WordTokenizer::default());
    index
        .tokenizers()
        .register(NGRAMS, NgramTokenizer::default());
}

#[derive(Serialize, Deserialize)]
struct Marker {
    schema_version: u32,
}

fn write_marker(dir: &Path) -> Result<()> {
    let path = dir.join(MARKER);
    let body = serde_json::to_string(&Marker {
        schema_version: SCHEMA_VERSION,
    })
    .unwrap_or_else(|_| format!("{{\"schema_version\":{SCHEMA_VERSION}}}"));
    fs::write(&path, body).map_err(io_err(&path))
}

/// Opens an existing index, or says why it cannot be used.
fn try_open(dir: &Path, schema: &Schema, verify: bool) -> std::result::Result<Index, String> {
    let marker =
        fs::read_to_string(dir.join(MARKER)).map_err(|e| format!("no readable {MARKER}: {e}"))?;
    let marker: Marker = serde_json::from_str(&marker).map_err(|e| format!("bad {MARKER}: {e}"))?;
    if marker.schema_version != SCHEMA_VERSION {
        return Err(format!(
            "index schema version {} differs from {SCHEMA_VERSION}",
            marker.schema_version
        ));
    }
    let index = Index::open_in_dir(dir).map_err(|e| format!("cannot open: {e}"))?;
    if index.schema() != *schema {
        return Err("index schema differs from this version's".to_string());
    }
    if index.settings().sort_by_field != index_settings().sort_by_field {
        return Err("index sort order differs from this version's".to_string());
    }
    if verify {
        let bad = index
            .validate_checksum()
            .map_err(|e| format!("checksum check failed: {e}"))?;
        if !bad.is_empty() {
            let mut names: Vec<String> = bad.iter().map(|p| p.display().to_string()).collect();
            names.sort();
            return Err(format!("corrupt files: {}", names.join(", ")));
        }
    }
    register_tokenizers(&index);
    // Opening a reader opens every segment, which fails on missing or truncated files.
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e: tantivy::TantivyError| format!("cannot read segments: {e}"))?;
    drop(reader);
    Ok(index)
}

impl SearchEngine {
    /// Opens the index in `dir`, creating it when missing and recreating it (empty) when it is
    /// corrupt or of another schema version; [`open_state`](Self::open_state) tells which, and
    /// whether the caller must re-index. Errors when the writer lock is held by another
    /// process, or when `dir` holds files that are not an index.
    pub fn open_or_create(dir: &Path) -> Result<SearchEngine> {
        Self::open_or_create_with(dir, SearchConfig::default())
    }

    pub fn open_or_create_with(dir: &Path, config: SearchConfig) -> Result<SearchEngine> {
        dict::warm_up();
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let (schema, fields) = build_schema();
        let (index, state) = if !dir.join("meta.json").exists() {
            wipe(dir)?;
            let index = Index::builder()
                .schema(schema)
                .settings(index_settings())
                .create_in_dir(dir)?;
            write_marker(dir)?;
            (index, OpenState::Created)
        } else {
            match try_open(dir, &schema, config.verify_checksums_on_open) {
                Ok(index) => (index, OpenState::Opened),
                Err(reason) => {
                    tracing::warn!(dir = %dir.display(), %reason, "search index unusable; recreating it empty");
                    wipe(dir)?;
                    let index = Index::builder()
                        .schema(schema)
                        .settings(index_settings())
                        .create_in_dir(dir)?;
                    write_marker(dir)?;
                    (index, OpenState::Recreated { reason })
                }
            }
        };
        Self::assemble(index, fields, config, state)
    }

    /// An index in memory, for tests and tools.
    pub fn open_in_ram() -> Result<SearchEngine> {
        let config = SearchConfig {
            writer_threads: 1,
            writer_memory_bytes: 30_000_000,
            verify_checksums_on_open: false,
            ..SearchConfig::default()
        };
        Self::open_in_ram_with(config)
    }

    pub fn open_in_ram_with(config: SearchConfig) -> Result<SearchEngine> {
        dict::warm_up();
        let (schema, fields) = build_schema();
        let index = Index::builder()
            .schema(schema)
            .settings(index_settings())
            .create_in_ram()?;
        Self::assemble(index, fields, config, OpenState::Created)
    }

    fn assemble(
        index: Index,
        fields: Fields,
        config: SearchConfig,
        state: OpenState,
    ) -> Result<SearchEngine> {
        register_tokenizers(&index);
        let threads = config.writer_threads.max(1);
        let memory = config.writer_memory_bytes.max(15_000_000 * threads);
        let writer = index.writer_with_num_threads(threads, memory)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let committed = read_payload(&index);
        Ok(SearchEngine {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            config,
            state,
            synonyms: RwLock::new(Arc::new(Synonyms::new(default_synonyms()))),
            best_bets: RwLock::new(Arc::new(BestBets::default())),
            facet_cache: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
            seq: Mutex::new(SeqState {
                committed,
                next: committed,
            }),
        })
    }

    pub fn open_state(&self) -> &OpenState {
        &self.state
    }

    pub fn config(&self) -> &SearchConfig {
        &self.config
    }

    fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        // tantivy leaves the writer consistent between calls, so a panic elsewhere while the
        // lock was held does not make it unusable.
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.facet_cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Adds or replaces documents by id. Invisible to searches until [`commit`](Self::commit).
    /// The batch is validated first, so an invalid document stages nothing.
    pub fn upsert(&self, docs: &[SearchDoc]) -> Result<()> {
        for d in docs {
            d.validate()?;
        }
        let writer = self.writer();
        for d in docs {
            writer.delete_term(Term::from_field_text(self.fields.id, &d.id));
            writer.add_document(to_tantivy(&self.fields, d))?;
        }
        Ok(())
    }

    /// Deletes documents by id (unknown ids are ignored). Visible after [`commit`](Self::commit).
    pub fn delete<S: AsRef<str>>(&self, ids: &[S]) -> Result<()> {
        let writer = self.writer();
        for id in ids {
            writer.delete_term(Term::from_field_text(self.fields.id, id.as_ref()));
        }
        Ok(())
    }

    /// Stages deletion of every document. Until [`commit`](Self::commit) searches still see the
    /// old content, so `clear` + `upsert` of everything + `commit_through` swaps the index
    /// atomically. The recorded outbox position is forgotten at the next commit unless that
    /// commit is a [`commit_through`](Self::commit_through).
    pub fn clear(&self) -> Result<()> {
        let writer = self.writer();
        writer.delete_all_documents()?;
        self.seq.lock().unwrap_or_else(|e| e.into_inner()).next = None;
        Ok(())
    }

    /// Makes staged changes durable and visible to the next search. The outbox position
    /// recorded by the last [`commit_through`](Self::commit_through) is kept (unless
    /// [`clear`](Self::clear) was called since).
    pub fn commit(&self) -> Result<()> {
        self.commit_with(None)
    }

    /// Commits like [`commit`](Self::commit) and records, in the same commit, that the index
    /// holds every change of the database's change log (outbox) up to and including `seq`.
    /// After a restart [`applied_seq`](Self::applied_seq) returns it, so the indexer resumes
    /// from `seq + 1`. Replays are harmless when changes are applied by re-reading documents.
    pub fn commit_through(&self, seq: i64) -> Result<()> {
        self.commit_with(Some(seq))
    }

    fn commit_with(&self, seq: Option<i64>) -> Result<()> {
        {
            let mut writer = self.writer();
            // Taken after the writer, as in `clear`, so the two locks are always ordered.
            let mut state = self.seq.lock().unwrap_or_else(|e| e.into_inner());
            if seq.is_some() {
                state.next = seq;
            }
            // Serialising an integer cannot fail; an empty payload would read back as unknown,
            // which only costs a rebuild.
            let payload = serde_json::to_string(&CommitPayload {
                outbox_seq: state.next,
            })
            .unwrap_or_default();
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()?;
            state.committed = state.next;
        }
        self.reader.reload()?;
        self.invalidate();
        Ok(())
    }

    /// The outbox position recorded by the last durable commit, read back from the index on
    /// open. `None` for a new or recreated index, after [`clear`](Self::clear) + commit, or
    /// when no position was ever recorded: the caller must then rebuild from the database.
    pub fn applied_seq(&self) -> Option<i64> {
        self.seq.lock().unwrap_or_else(|e| e.into_inner()).committed
    }

    /// Documents visible to searches.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Adds words to the shared segmentation dictionary (see [`crate::dict`]); returns how many
    /// were new. Queries use them at once; existing documents keep their old word tokens until
    /// [`retokenize_all`](Self::retokenize_all) or a rebuild from the database. Substring
    /// matching does not depend on the dictionary, so nothing becomes unfindable meanwhile.
    pub fn add_user_words<S: AsRef<str>>(&self, words: &[S]) -> usize {
        let added = dict::add_user_words(words);
        if added > 0 {
            self.invalidate();
        }
        added
    }

    /// Makes the editors' user dictionary exactly `words` (see [`dict::set_user_words`]): queries
    /// use the change at once; documents indexed before keep their word tokens until
    /// [`retokenize_all`](Self::retokenize_all). Cached facet counts are dropped when it changes.
    pub fn set_user_words<S: AsRef<str>>(&self, words: &[S]) -> dict::UserWordsChange {
        let change = dict::set_user_words(words);
        if !change.is_empty() {
            self.invalidate();
        }
        change
    }

    /// The words a query must match, as the query language reads it (each group: the word, then
    /// its synonyms), for editors checking segmentation. Bad input is a [`SearchError::Query`].
    pub fn query_words(&self, q: &str) -> Result<Vec<Vec<String>>> {
        let synonyms = self
            .synonyms
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let parsed = query::parse(q, &synonyms)?;
        Ok(parsed
            .required
            .into_iter()
            .map(|r| r.alternatives)
            .collect())
    }

    /// Re-indexes every visible document from its stored fields (so that dictionary changes
    /// reach old documents) and commits; returns how many were re-indexed.
    pub fn retokenize_all(&self) -> Result<u64> {
        let searcher = self.reader.searcher();
        let mut batch = Vec::with_capacity(1_000);
        let mut n = 0u64;
        for (seg_ord, seg) in searcher.segment_readers().iter().enumerate() {
            for doc_id in 0..seg.max_doc() {
                if seg.alive_bitset().is_some_and(|a| a.is_deleted(doc_id)) {
                    continue;
                }
                let stored: TantivyDocument =
                    searcher.doc(DocAddress::new(seg_ord as u32, doc_id))?;
                if let Some(d) = from_tantivy(&self.fields, &stored) {
                    batch.push(d);
                }
                if batch.len() >= 1_000 {
                    n += batch.len() as u64;
                    self.upsert(&batch)?;
                    batch.clear();
                }
            }
        }
        n += batch.len() as u64;
        self.upsert(&batch)?;
        self.commit()?;
        Ok(n)
    }

    /// Replaces the synonym groups (expanded at query time; no re-indexing needed).
    pub fn set_synonyms(&self, groups: Vec<Vec<String>>) {
        *self.synonyms.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Synonyms::new(groups));
        self.invalidate();
    }

    /// The synonym groups in effect (normalised and merged).
    pub fn synonyms(&self) -> Vec<Vec<String>> {
        self.synonyms
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .groups()
            .to_vec()
    }

    /// Replaces the best bets: query → ids of documents pinned first, in order.
    pub fn set_best_bets(&self, bets: HashMap<String, Vec<String>>) {
        *self.best_bets.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(BestBets::new(bets));
        self.invalidate();
    }

    /// The best bets in effect, queries normalised.
    pub fn best_bets(&self) -> HashMap<String, Vec<String>> {
        self.best_bets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .to_map()
    }

    /// Runs a query. Bad input is a [`SearchError::Query`]; a page past the end is empty.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let synonyms = self
            .synonyms
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let parsed = query::parse(&req.q, &synonyms)?;
        let searcher = self.reader.searcher();
        let (page, per_page) = (req.page(), req.per_page());
        let offset = (page - 1).saturating_mul(per_page);
        let window_end = offset.saturating_add(per_page);
        let mut notice = parsed.notice.clone();

        let pins = self.pins(&searcher, &req.q, &parsed, &req.filters)?;

        let text = query::text_query(&self.fields, &parsed);
        let matcher: Box<dyn Query> = match &parsed.lookup {
            Some(l) => Box::new(BooleanQuery::union(vec![
                text,
                query::lookup_prefix_query(&self.fields, l),
            ])),
            None => text,
        };
        let mut clauses = vec![(Occur::Must, matcher)];
        clauses.extend(req.filters.clauses(&self.fields));
        let main = BooleanQuery::new(clauses);

        let beyond_window = window_end > MAX_RESULT_WINDOW;
        if beyond_window {
            notice = Some(format!(
                "只能翻阅前 {MAX_RESULT_WINDOW} 条结果，请增加检索词或筛选条件 / Only the first {MAX_RESULT_WINDOW} results can be paged through; narrow the search"
            ));
        }
        let n_pins = pins.len();
        let regular_from = offset.saturating_sub(n_pins);
        let regular_to = window_end.saturating_sub(n_pins);

        let key = FacetKey {
            generation: self.generation.load(Ordering::SeqCst),
            q: normalize_key(&req.q),
            filters: req.filters.clone(),
        };
        let cached = self
            .facet_cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        let total_max_doc = searcher
            .segment_readers()
            .iter()
            .map(|s| u64::from(s.max_doc()))
            .sum();
        let collector = PageCollector {
            k: if beyond_window { 0 } else { regular_to },
            sort: req.sort,
            facets: cached.is_none(),
            bound: self.config.exact_count_bound,
            total_max_doc,
            pinned: pins.iter().map(|(a, _)| *a).collect(),
        };
        let fruit = searcher.search(&main, &collector)?;

        let facets = match (cached, fruit.facets.as_ref()) {
            (Some(f), _) => f,
            (None, counts) => {
                let f = Arc::new(
                    counts
                        .map(|c| Facets::from_counts(c, fruit.exact))
                        .unwrap_or_default(),
                );
                let mut cache = self.facet_cache.lock().unwrap_or_else(|e| e.into_inner());
                if cache.len() >= self.config.facet_cache_entries {
                    cache.clear();
                }
                if self.config.facet_cache_entries > 0 {
                    cache.insert(key, f.clone());
                }
                f
            }
        };

        let unmatched_pins = (n_pins as u64).saturating_sub(fruit.pinned_seen);
        let total = if fruit.exact {
            fruit.counted
        } else {
            fruit.estimate.round() as u64
        } + unmatched_pins;

        let mut hits = Vec::new();
        if !beyond_window {
            let highlighter = Highlighter::new(&parsed.highlight);
            for (addr, reason) in pins.iter().skip(offset).take(per_page) {
                hits.push(self.hit(&searcher, *addr, 0.0, Some(*reason), &highlighter)?);
            }
            let room = per_page - hits.len();
            for e in fruit.top.iter().skip(regular_from).take(room) {
                hits.push(self.hit(&searcher, e.addr, e.score, None, &highlighter)?);
            }
        }
        Ok(SearchResults {
            hits,
            total,
            total_is_exact: fruit.exact,
            page: page as u32,
            per_page: per_page as u32,
            facets: (*facets).clone(),
            notice,
            took_micros: started.elapsed().as_micros() as u64,
        })
    }

    /// Pinned documents, in order: best bets for the query, then exact 文号/索引号 matches; all
    /// subject to the filters.
    fn pins(
        &self,
        searcher: &Searcher,
        q: &str,
        parsed: &ParsedQuery,
        filters: &Filters,
    ) -> Result<Vec<(DocAddress, PinReason)>> {
        let mut out: Vec<(DocAddress, PinReason)> = Vec::new();
        let mut seen = HashSet::new();
        let filtered = |term: Term| -> BooleanQuery {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            )];
            clauses.extend(filters.clauses(&self.fields));
            BooleanQuery::new(clauses)
        };
        let bets = self
            .best_bets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        for id in bets.for_query(q) {
            let found = searcher.search(
                &filtered(Term::from_field_text(self.fields.id, id)),
                &DocSetCollector,
            )?;
            if let Some(addr) = found.into_iter().min() {
                if seen.insert(addr) {
                    out.push((addr, PinReason::BestBet));
                }
            }
        }
        if let Some(lookup) = &parsed.lookup {
            let reason = match lookup {
                query::Lookup::DocNumber(_) => PinReason::DocNumber,
                query::Lookup::IndexNumber(_) => PinReason::IndexNumber,
            };
            let found = searcher.search(
                &filtered(query::lookup_exact_term(&self.fields, lookup)),
                &DocSetCollector,
            )?;
            let mut found: Vec<DocAddress> = found.into_iter().collect();
            found.sort();
            for addr in found.into_iter().take(MAX_LOOKUP_PINS) {
                if seen.insert(addr) {
                    out.push((addr, reason));
                }
            }
        }
        Ok(out)
    }

    fn hit(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        score: f32,
        pinned: Option<PinReason>,
        hl: &Highlighter,
    ) -> Result<Hit> {
        let stored: TantivyDocument = searcher.doc(addr)?;
        let d = from_tantivy(&self.fields, &stored).ok_or_else(|| SearchError::InvalidDoc {
            id: format!("{addr:?}"),
            reason: "stored document lacks id or kind".to_string(),
        })?;
        Ok(Hit {
            title_html: hl.title_html(&d.title),
            snippet_html: hl.snippet_html(&d.body, self.config.snippet_chars),
            id: d.id,
            kind: d.kind,
            title: d.title,
            url: d.url,
            published: d.published,
            site_slugs: d.site_slugs,
            org_code: d.org_code,
            org_name: d.org_name,
            columns: d.columns,
            subject: d.subject,
            genre: d.genre,
            year: d.year,
            validity: d.validity,
            index_no: d.index_no,
            doc_number: d.doc_number,
            score,
            pinned,
        })
    }

    /// Segments of the visible index; many small segments after bulk loads merge in the
    /// background.
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Waits for background merges to finish (before shutdown or a benchmark); the engine
    /// cannot be used afterwards.
    pub fn wait_merging_threads(self) -> Result<()> {
        let _ = &self.index;
        let writer = self.writer.into_inner().unwrap_or_else(|e| e.into_inner());
        writer.wait_merging_threads()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
