//! Search requests, the query language, and its translation into one tantivy query.
//!
//! Language: words separated by spaces must all occur (AND); `"…"` (or `“…”`, `「…」`) is an
//! exact phrase; `-word` and `-"…"` exclude. A query shaped like a 索引号 or 文号 is looked up
//! exactly (see [`Lookup`]) and also searched as a phrase.
//!
//! Each query word is matched as a substring through n-grams (required) and, when it is an
//! indexed jieba word, scored again through the word fields (optional), so word-aligned matches
//! and title matches rank first while fragments are still found. Queries are segmented once, in
//! precise mode, and compound words never become phrase queries over overlapping pieces.

use serde::{Deserialize, Serialize};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Explanation, Occur, PhraseQuery,
    Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use crate::dict::{self, jieba};
use crate::doc::{normalize_genre, normalize_validity, DocKind};
use crate::error::QueryProblem;
use crate::relevance::Synonyms;
use crate::schema::{index_key, Fields};
use crate::text::{fold, is_han, is_searchable, phrase_terms, units, UnitKind};

/// Queries longer than this are refused; nobody types them, and they cost.
pub const MAX_QUERY_CHARS: usize = 200;
/// Results per page are clamped to this.
pub const MAX_PER_PAGE: u32 = 100;
/// The deepest result reachable by paging; beyond it pages are empty (with a notice).
pub const MAX_RESULT_WINDOW: usize = 10_000;
pub const DEFAULT_PER_PAGE: u32 = 10;

/// Score weights, added to the required n-gram match over title and body (weight 1). Title
/// above body, whole-word matches above substring matches.
const W_TITLE_WORD: f32 = 4.0;
const W_BODY_WORD: f32 = 1.5;
const W_TITLE_NGRAM: f32 = 2.0;
/// Score of a 文号/索引号 prefix match, far above any text score, so such hits rank first.
const W_LOOKUP_PREFIX: f32 = 1000.0;
/// The most query words one synonym term may span.
const MAX_SYNONYM_SPAN: usize = 6;

/// Narrowing by metadata; every set filter must hold. Blank strings count as unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// Site slug.
    pub site: Option<String>,
    /// Organisation code.
    pub org: Option<String>,
    pub column: Option<String>,
    pub subject: Option<String>,
    /// Genre code or label (labels of statutory genres are mapped to codes).
    pub genre: Option<String>,
    pub year: Option<i32>,
    /// Validity code or label.
    pub validity: Option<String>,
    pub kind: Option<DocKind>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        blank(&self.site)
            && blank(&self.org)
            && blank(&self.column)
            && blank(&self.subject)
            && blank(&self.genre)
            && self.year.is_none()
            && blank(&self.validity)
            && self.kind.is_none()
    }

    /// The filter terms, values normalised the way documents are indexed.
    pub(crate) fn terms(&self, f: &Fields) -> Vec<Term> {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let mut out = Vec::new();
        if let Some(v) = text(&self.site) {
            out.push(Term::from_field_text(f.site, &v));
        }
        if let Some(v) = text(&self.org) {
            out.push(Term::from_field_text(f.org, &v));
        }
        if let Some(v) = text(&self.column) {
            out.push(Term::from_field_text(f.column, &v));
        }
        if let Some(v) = text(&self.subject) {
            out.push(Term::from_field_text(f.subject, &v));
        }
        if let Some(v) = text(&self.genre) {
            out.push(Term::from_field_text(f.genre, &normalize_genre(&v)));
        }
        if let Some(y) = self.year {
            out.push(Term::from_field_i64(f.year, i64::from(y)));
        }
        if let Some(v) = text(&self.validity) {
            out.push(Term::from_field_text(f.validity, &normalize_validity(&v)));
        }
        if let Some(k) = self.kind {
            out.push(Term::from_field_text(f.kind, k.as_str()));
        }
        out
    }

    /// The filters as zero-scoring required clauses.
    pub(crate) fn clauses(&self, f: &Fields) -> Vec<(Occur, Box<dyn Query>)> {
        self.terms(f)
            .into_iter()
            .map(|t| {
                let q: Box<dyn Query> = Box::new(ConstScoreQuery::new(
                    Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
                    0.0,
                ));
                (Occur::Must, q)
            })
            .collect()
    }
}

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Relevance,
    /// Newest first; undated documents last.
    Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    pub q: String,
    pub filters: Filters,
    pub sort: Sort,
    /// 1-based; 0 is read as 1.
    pub page: u32,
    /// 0 is read as [`DEFAULT_PER_PAGE`]; clamped to [`MAX_PER_PAGE`].
    pub per_page: u32,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl SearchRequest {
    pub fn new(q: impl Into<String>) -> SearchRequest {
        SearchRequest {
            q: q.into(),
            ..SearchRequest::default()
        }
    }

    pub(crate) fn page(&self) -> usize {
        self.page.max(1) as usize
    }

    pub(crate) fn per_page(&self) -> usize {
        match self.per_page {
            0 => DEFAULT_PER_PAGE as usize,
            n => n.min(MAX_PER_PAGE) as usize,
        }
    }
}

/// An exact look-up the query is shaped for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// 索引号, as its match key.
    IndexNumber(String),
    /// 文号, normalised by the domain.
    DocNumber(String),
}

/// A required clause: any one alternative must occur as a substring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Required {
    /// Folded texts: the word itself first, then its synonyms.
    pub alternatives: Vec<String>,
}

/// A query parsed once and used for matching, facets and highlighting.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParsedQuery {
    pub required: Vec<Required>,
    pub excluded: Vec<String>,
    pub lookup: Option<Lookup>,
    pub notice: Option<String>,
    /// Folded strings to mark in titles and snippets.
    pub highlight: Vec<String>,
}

const QUOTES: [char; 7] = ['"', '“', '”', '「', '」', '『', '』'];

fn is_quote(c: char) -> bool {
    QUOTES.contains(&c)
}

struct RawToken {
    negated: bool,
    phrase: bool,
    text: String,
}

/// Splits folded query text into plain words, phrases and exclusions. An unmatched quote is
/// dropped (the caller says so); quotes are paired in order, so `“` and `”` both open and close.
fn lex(folded: &str) -> (Vec<RawToken>, bool) {
    let chars: Vec<char> = folded.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    let mut dropped_quote = false;
    let mut i = 0;
    while i < n {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = false;
        if chars[i] == '-' && i + 1 < n && !chars[i + 1].is_whitespace() {
            negated = true;
            i += 1;
        }
        if is_quote(chars[i]) {
            if let Some(j) = (i + 1..n).find(|&j| is_quote(chars[j])) {
                out.push(RawToken {
                    negated,
                    phrase: true,
                    text: chars[i + 1..j].iter().collect(),
                });
                i = j + 1;
                continue;
            }
            dropped_quote = true;
            i += 1;
        }
        let start = i;
        while i < n && !chars[i].is_whitespace() && !is_quote(chars[i]) {
            i += 1;
        }
        if i > start {
            out.push(RawToken {
                negated,
                phrase: false,
                text: chars[start..i].iter().collect(),
            });
        }
    }
    (out, dropped_quote)
}

/// Query words of one piece (searchable characters only): jieba precise mode on Han runs, each
/// alphanumeric run whole.
fn segment(piece: &str) -> Vec<String> {
    let mut out = Vec::new();
    let us = units(piece);
    let mut i = 0;
    while i < us.len() {
        match us[i].kind {
            UnitKind::Alnum => {
                out.push(piece[us[i].start..us[i].end].to_string());
                i += 1;
            }
            UnitKind::Han => {
                let mut j = i;
                while us[j].bigram_with_next {
                    j += 1;
                }
                let run = &piece[us[i].start..us[j].end];
                out.extend(jieba().cut(run, false).into_iter().map(str::to_string));
                i = j + 1;
            }
        }
    }
    out
}

enum Item {
    Word(String),
    Synonym(Vec<String>),
}

/// Turns one piece into required clauses: synonym terms (which may span several jieba words)
/// expand to their groups; a lone Han character is glued to its neighbouring word so that
/// `依申请` stays the substring 依申请 instead of "依" anywhere AND "申请" anywhere.
fn piece_clauses(piece: &str, synonyms: &Synonyms) -> Vec<Required> {
    let words = segment(piece);
    let mut items: Vec<Item> = Vec::with_capacity(words.len());
    let mut i = 0;
    'outer: while i < words.len() {
        if synonyms.max_chars() > 0 {
            let max_j = (i + MAX_SYNONYM_SPAN).min(words.len());
            for j in (i + 1..=max_j).rev() {
                let joined: String = words[i..j].concat();
                if joined.chars().count() > synonyms.max_chars() {
                    continue;
                }
                if let Some(group) = synonyms.expand(&joined) {
                    items.push(Item::Synonym(group));
                    i = j;
                    continue 'outer;
                }
            }
        }
        items.push(Item::Word(words[i].clone()));
        i += 1;
    }

    let lone_han = |w: &str| {
        let mut cs = w.chars();
        matches!((cs.next(), cs.next()), (Some(c), None) if is_han(c))
    };
    let mut out: Vec<Required> = Vec::new();
    let mut last_is_word = false;
    let mut pending = String::new();
    for item in items {
        match item {
            Item::Word(w) if lone_han(&w) && last_is_word => {
                if let Some(last) = out.last_mut() {
                    last.alternatives[0].push_str(&w);
                }
            }
            Item::Word(w) if lone_han(&w) => pending.push_str(&w),
            Item::Word(w) => {
                let text = std::mem::take(&mut pending) + &w;
                out.push(Required {
                    alternatives: vec![text],
                });
                last_is_word = true;
            }
            Item::Synonym(group) => {
                if !pending.is_empty() {
                    out.push(Required {
                        alternatives: vec![std::mem::take(&mut pending)],
                    });
                }
                out.push(Required {
                    alternatives: group,
                });
                last_is_word = false;
            }
        }
    }
    if !pending.is_empty() {
        out.push(Required {
            alternatives: vec![pending],
        });
    }
    out
}

/// Pieces of text between separators, for highlighting what a phrase matched.
fn searchable_pieces(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_searchable(c))
        .filter(|p| !p.is_empty())
}

pub(crate) fn parse(q: &str, synonyms: &Synonyms) -> Result<ParsedQuery, QueryProblem> {
    let trimmed = q.trim();
    if trimmed.is_empty() {
        return Err(QueryProblem::Empty);
    }
    let chars = trimmed.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(QueryProblem::TooLong {
            chars,
            max: MAX_QUERY_CHARS,
        });
    }
    let folded = fold(trimmed);
    let mut p = ParsedQuery::default();

    // A number is looked up exactly and also searched as one phrase, so documents citing it are
    // found whatever brackets they use.
    let lookup = if gongkai_domain::index_number::looks_like_index_number(trimmed) {
        Some(Lookup::IndexNumber(index_key(trimmed)))
    } else if gongkai_domain::doc_number::looks_like_doc_number(trimmed) {
        gongkai_domain::doc_number::normalize(trimmed).map(Lookup::DocNumber)
    } else {
        None
    };
    if let Some(lookup) = lookup {
        if !phrase_terms(&folded).is_empty() {
            p.required.push(Required {
                alternatives: vec![folded.clone()],
            });
            p.highlight.push(folded.trim().to_string());
            p.highlight
                .extend(searchable_pieces(&folded).map(str::to_string));
            p.lookup = Some(lookup);
            return Ok(p);
        }
    }

    let (tokens, dropped_quote) = lex(&folded);
    for t in tokens {
        if t.negated {
            if !phrase_terms(&t.text).is_empty() {
                p.excluded.push(t.text);
            }
        } else if t.phrase {
            if !phrase_terms(&t.text).is_empty() {
                p.highlight.push(t.text.trim().to_string());
                p.highlight
                    .extend(searchable_pieces(&t.text).map(str::to_string));
                p.required.push(Required {
                    alternatives: vec![t.text],
                });
            }
        } else {
            for piece in searchable_pieces(&t.text) {
                for r in piece_clauses(piece, synonyms) {
                    p.highlight.extend(r.alternatives.iter().cloned());
                    p.required.push(r);
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    p.required.retain(|r| seen.insert(r.alternatives.clone()));
    p.excluded.sort();
    p.excluded.dedup();
    p.highlight.retain(|h| !h.is_empty());
    p.highlight.sort();
    p.highlight.dedup();

    if p.required.is_empty() {
        return Err(if p.excluded.is_empty() {
            QueryProblem::NoSearchableText
        } else {
            QueryProblem::OnlyExclusions
        });
    }
    if dropped_quote {
        p.notice = Some("已忽略未配对的引号 / An unmatched quotation mark was ignored".to_string());
    }
    Ok(p)
}

fn term_or_phrase(field: Field, terms: &[(usize, String)]) -> Box<dyn Query> {
    if let [(_, only)] = terms {
        Box::new(TermQuery::new(
            Term::from_field_text(field, only),
            IndexRecordOption::WithFreqs,
        ))
    } else {
        Box::new(SafePhrase(PhraseQuery::new_with_offset(
            terms
                .iter()
                .map(|(pos, t)| (*pos, Term::from_field_text(field, t)))
                .collect(),
        )))
    }
}

/// A phrase query whose scorer answers `seek_danger` with `DocSet`'s default.
///
/// tantivy 0.27's `PhraseScorer::seek_danger` debug-asserts `target >= doc()`, but exclusions
/// (`Exclude::new`) and intersections call it first with a target below the scorer's initial
/// document, so any debug build panics on `-"…"` or on several phrase clauses. The default
/// implementation handles that case (it reports the current document as the lower bound), and
/// release results are the same either way.
#[derive(Clone, Debug)]
struct SafePhrase(PhraseQuery);

struct SafePhraseWeight(Box<dyn Weight>);

struct SafePhraseScorer(Box<dyn Scorer>);

impl Query for SafePhrase {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(SafePhraseWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor)
    }
}

impl Weight for SafePhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(SafePhraseScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

impl DocSet for SafePhraseScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.0.doc() {
            return self.0.doc();
        }
        self.0.seek(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for SafePhraseScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

/// Substring match of folded text in title or body, through n-grams; `None` when the text has
/// nothing searchable.
fn ngram_match(f: &Fields, text: &str) -> Option<Box<dyn Query>> {
    let terms = phrase_terms(text);
    (!terms.is_empty()).then(|| term_or_phrase(f.text_ng, &terms))
}

/// Optional clauses scoring a required text: a dictionary word as a title word and a body
/// word; anything else (a fragment, a phrase) as a title substring. Only documents already
/// matching the required clauses are scored by them.
///
/// Words are not also scored as title substrings: optional clauses are evaluated in windows
/// over every required match, and a title phrase for a common compound (人民政府) doubled the
/// cost of the slowest queries while the title word already ranks those titles first.
fn boosters(f: &Fields, text: &str, out: &mut Vec<(Occur, Box<dyn Query>)>) {
    let terms = phrase_terms(text);
    if terms.is_empty() {
        return;
    }
    let single_term = terms.len() == 1;
    // A single n-gram term is cheap, so short texts get both kinds of boost.
    if single_term || !dict::has_word(text) {
        out.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                term_or_phrase(f.title_ng, &terms),
                W_TITLE_NGRAM,
            )),
        ));
    }
    if text.chars().all(is_searchable) && (single_term || dict::has_word(text)) {
        out.push((Occur::Should, word_boost(f.title, text, W_TITLE_WORD)));
        out.push((Occur::Should, word_boost(f.body, text, W_BODY_WORD)));
    }
}

fn word_boost(field: Field, word: &str, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        )),
        boost,
    ))
}

/// The text part of the query: every required clause as an n-gram substring match, plus the
/// same words as optional word-field clauses for ranking.
pub(crate) fn text_query(f: &Fields, p: &ParsedQuery) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for r in &p.required {
        let mut alts: Vec<Box<dyn Query>> = r
            .alternatives
            .iter()
            .filter_map(|a| ngram_match(f, a))
            .collect();
        let required: Box<dyn Query> = match alts.len() {
            0 => continue,
            1 => alts.remove(0),
            _ => Box::new(BooleanQuery::union(alts)),
        };
        clauses.push((Occur::Must, required));
        for a in &r.alternatives {
            boosters(f, a, &mut clauses);
        }
    }
    for e in &p.excluded {
        if let Some(q) = ngram_match(f, e) {
            clauses.push((Occur::MustNot, q));
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Prefix matches of a look-up key (`国办发〔2023〕` finds `国办发〔2023〕12号`), scored far above
/// text matches.
pub(crate) fn lookup_prefix_query(f: &Fields, lookup: &Lookup) -> Box<dyn Query> {
    use std::ops::Bound;
    let (field, key) = match lookup {
        Lookup::IndexNumber(k) => (f.index_key, k),
        Lookup::DocNumber(k) => (f.doc_number_key, k),
    };
    let upper = format!("{key}\u{10FFFF}");
    Box::new(ConstScoreQuery::new(
        Box::new(tantivy::query::InvertedIndexRangeQuery::new(
            Bound::Included(Term::from_field_text(field, key)),
            Bound::Excluded(Term::from_field_text(field, &upper)),
        )),
        W_LOOKUP_PREFIX,
    ))
}

/// Exact matches of a look-up key.
pub(crate) fn lookup_exact_term(f: &Fields, lookup: &Lookup) -> Term {
    match lookup {
        Lookup::IndexNumber(k) => Term::from_field_text(f.index_key, k),
        Lookup::DocNumber(k) => Term::from_field_text(f.doc_number_key, k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syn() -> Synonyms {
        Synonyms::new(vec![vec!["低保".into(), "最低生活保障".into()]])
    }

    fn alts(p: &ParsedQuery) -> Vec<Vec<String>> {
        p.required.iter().map(|r| r.alternatives.clone()).collect()
    }

    #[test]
    fn words_are_and_ed_and_lone_characters_glued() {
        let p = parse("依申请 政府信息公开", &Synonyms::default()).unwrap();
        assert_eq!(
            alts(&p),
            vec![vec!["依申请".to_string()], vec!["政府信息公开".to_string()]]
        );
    }

    #[test]
    fn phrases_and_exclusions() {
        let p = parse("“行政复议” 决定 -撤销 -\"不予 受理\"", &Synonyms::default()).unwrap();
        assert_eq!(
            alts(&p),
            vec![vec!["行政复议".to_string()], vec!["决定".to_string()]]
        );
        assert_eq!(
            p.excluded,
            vec!["不予 受理".to_string(), "撤销".to_string()]
        );
        assert!(p.notice.is_none());
    }

    #[test]
    fn synonyms_expand_whole_words_only() {
        let p = parse("低保 申请", &syn()).unwrap();
        assert_eq!(
            alts(&p)[0],
            vec!["低保".to_string(), "最低生活保障".to_string()]
        );
        // 低保户 is its own word: no expansion inside it.
        let p = parse("低保户", &syn()).unwrap();
        assert_eq!(alts(&p), vec![vec!["低保户".to_string()]]);
    }

    #[test]
    fn unmatched_quote_is_dropped_with_a_notice() {
        let p = parse("\"政务公开 指南", &Synonyms::default()).unwrap();
        assert_eq!(
            alts(&p),
            vec![vec!["政务公开".to_string()], vec!["指南".to_string()]]
        );
        assert!(p.notice.unwrap().contains("unmatched"));
    }

    #[test]
    fn bad_queries_are_refused() {
        let s = Synonyms::default();
        assert_eq!(parse("   ", &s).unwrap_err(), QueryProblem::Empty);
        assert_eq!(
            parse("，。！？……", &s).unwrap_err(),
            QueryProblem::NoSearchableText
        );
        assert_eq!(
            parse("\"\"", &s).unwrap_err(),
            QueryProblem::NoSearchableText
        );
        assert_eq!(
            parse("-公开", &s).unwrap_err(),
            QueryProblem::OnlyExclusions
        );
        let long = "公".repeat(MAX_QUERY_CHARS + 1);
        assert!(matches!(
            parse(&long, &s).unwrap_err(),
            QueryProblem::TooLong { .. }
        ));
        assert!(parse(&"公".repeat(MAX_QUERY_CHARS), &s).is_ok());
    }

    #[test]
    fn numbers_become_look_ups() {
        let s = Synonyms::default();
        let p = parse("国办发〔2023〕12号", &s).unwrap();
        assert!(
            matches!(p.lookup, Some(Lookup::DocNumber(_))),
            "{:?}",
            p.lookup
        );
        let p = parse("000014349/2019-01280", &s).unwrap();
        assert_eq!(
            p.lookup,
            Some(Lookup::IndexNumber("000014349/2019-01280".into()))
        );
        assert!(parse("政务公开", &s).unwrap().lookup.is_none());
    }

    #[test]
    fn punctuation_splits_words_and_widths_fold() {
        let p = parse("公开，ＡＢＣ", &Synonyms::default()).unwrap();
        assert_eq!(
            alts(&p),
            vec![vec!["公开".to_string()], vec!["abc".to_string()]]
        );
    }

    #[test]
    fn request_paging_is_clamped() {
        let mut r = SearchRequest::new("x");
        r.page = 0;
        r.per_page = 0;
        assert_eq!((r.page(), r.per_page()), (1, DEFAULT_PER_PAGE as usize));
        r.per_page = 10_000;
        assert_eq!(r.per_page(), MAX_PER_PAGE as usize);
    }
}
