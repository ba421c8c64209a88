//! One pass over the matches collects the page's top entries, the total and the facet counts.
//!
//! Huge result sets stop after a bound of matches (spread over segments by size) and
//! extrapolate the total and facets ("about N"): scoring and faceting every match is what made
//! the slowest queries slow. Segments hold documents newest first (see
//! `schema::index_settings`), so the matches seen are the newest ones: a date-sorted page is
//! exact, and a relevance-sorted page ranks the newest `bound` matches, a bias citizens looking
//! for current policy are well served by.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, StrColumn};
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

use crate::doc::{genre_label, validity_label, DocKind};
use crate::query::Sort;
use crate::schema::{col, ORG_SEP};

/// The metadata facets counted for every query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacetField {
    Site,
    Org,
    Column,
    Subject,
    Genre,
    Year,
    Validity,
    Kind,
}

impl FacetField {
    pub const ALL: [FacetField; 8] = [
        FacetField::Site,
        FacetField::Org,
        FacetField::Column,
        FacetField::Subject,
        FacetField::Genre,
        FacetField::Year,
        FacetField::Validity,
        FacetField::Kind,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FacetField::Site => "site",
            FacetField::Org => "org",
            FacetField::Column => "column",
            FacetField::Subject => "subject",
            FacetField::Genre => "genre",
            FacetField::Year => "year",
            FacetField::Validity => "validity",
            FacetField::Kind => "kind",
        }
    }

    /// The string-valued facets and the fast field each is read from.
    const STR_COLUMNS: [(FacetField, &'static str); 7] = [
        (FacetField::Site, col::SITE),
        (FacetField::Org, col::ORG_FACET),
        (FacetField::Column, col::COLUMN),
        (FacetField::Subject, col::SUBJECT),
        (FacetField::Genre, col::GENRE),
        (FacetField::Validity, col::VALIDITY),
        (FacetField::Kind, col::KIND),
    ];
}

/// One value of a facet: the filter value to send back, what to show, how many matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// Facet counts of the current query and filters. Values are capped at
/// [`Facets::MAX_VALUES`] per facet, most frequent first (years newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub site: Vec<FacetCount>,
    pub org: Vec<FacetCount>,
    pub column: Vec<FacetCount>,
    pub subject: Vec<FacetCount>,
    pub genre: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
    pub validity: Vec<FacetCount>,
    pub kind: Vec<FacetCount>,
    /// False when counted over part of a huge result set and extrapolated.
    pub exact: bool,
}

impl Facets {
    pub const MAX_VALUES: usize = 50;

    pub fn get(&self, field: FacetField) -> &[FacetCount] {
        match field {
            FacetField::Site => &self.site,
            FacetField::Org => &self.org,
            FacetField::Column => &self.column,
            FacetField::Subject => &self.subject,
            FacetField::Genre => &self.genre,
            FacetField::Year => &self.year,
            FacetField::Validity => &self.validity,
            FacetField::Kind => &self.kind,
        }
    }

    fn slot(&mut self, field: FacetField) -> &mut Vec<FacetCount> {
        match field {
            FacetField::Site => &mut self.site,
            FacetField::Org => &mut self.org,
            FacetField::Column => &mut self.column,
            FacetField::Subject => &mut self.subject,
            FacetField::Genre => &mut self.genre,
            FacetField::Year => &mut self.year,
            FacetField::Validity => &mut self.validity,
            FacetField::Kind => &mut self.kind,
        }
    }

    pub(crate) fn from_counts(counts: &FacetCounts, exact: bool) -> Facets {
        let mut out = Facets {
            exact,
            ..Facets::default()
        };
        for (field, values) in &counts.by_field {
            let mut list: Vec<FacetCount> = values
                .iter()
                .map(|(v, &n)| facet_count(*field, v, n.round() as u64))
                .filter(|c| c.count > 0)
                .collect();
            if *field == FacetField::Year {
                list.sort_by(|a, b| b.value.cmp(&a.value));
            } else {
                list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            }
            list.truncate(Facets::MAX_VALUES);
            *out.slot(*field) = list;
        }
        out
    }
}

fn facet_count(field: FacetField, raw: &str, count: u64) -> FacetCount {
    let (value, label) = match field {
        FacetField::Org => match raw.split_once(ORG_SEP) {
            Some((code, name)) if !name.is_empty() => (code.to_string(), name.to_string()),
            Some((code, _)) => (code.to_string(), code.to_string()),
            None => (raw.to_string(), raw.to_string()),
        },
        FacetField::Genre => (raw.to_string(), genre_label(raw)),
        FacetField::Validity => (raw.to_string(), validity_label(raw)),
        FacetField::Kind => (
            raw.to_string(),
            raw.parse::<DocKind>()
                .map(|k| k.label_zh().to_string())
                .unwrap_or_else(|_| raw.to_string()),
        ),
        _ => (raw.to_string(), raw.to_string()),
    };
    FacetCount {
        value,
        label,
        count,
    }
}

/// Raw facet counts by value; fractional once extrapolated.
#[derive(Debug, Clone, Default)]
pub(crate) struct FacetCounts {
    by_field: HashMap<FacetField, HashMap<String, f64>>,
}

impl FacetCounts {
    fn merge(&mut self, other: FacetCounts) {
        for (f, values) in other.by_field {
            let slot = self.by_field.entry(f).or_default();
            for (v, n) in values {
                *slot.entry(v).or_default() += n;
            }
        }
    }
}

/// A ranked match. Greater is better: by the primary key (0, or the date for date sort), then
/// score, then the earlier document, so equal scores have a stable order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub primary: i64,
    pub score: Score,
    pub addr: DocAddress,
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    fn cmp(&self, o: &Self) -> Ordering {
        self.primary
            .cmp(&o.primary)
            .then(self.score.total_cmp(&o.score))
            .then(o.addr.cmp(&self.addr))
    }
}

pub(crate) struct PageCollector {
    /// How many ranked entries to keep (offset + page size).
    pub k: usize,
    pub sort: Sort,
    pub facets: bool,
    /// Matches after which a query stops and extrapolates.
    pub bound: Option<u64>,
    pub total_max_doc: u64,
    /// Pinned documents: counted, but kept out of the ranked entries.
    pub pinned: HashSet<DocAddress>,
}

pub(crate) struct PageFruit {
    /// Best first.
    pub top: Vec<Entry>,
    /// Matches visited.
    pub counted: u64,
    /// Estimated matches (equals `counted` when exact).
    pub estimate: f64,
    pub exact: bool,
    pub pinned_seen: u64,
    pub facets: Option<FacetCounts>,
}

pub(crate) struct PageSegmentCollector {
    segment: SegmentOrdinal,
    sort: Sort,
    k: usize,
    heap: BinaryHeap<Reverse<Entry>>,
    count: u64,
    pinned: Vec<DocId>,
    pinned_seen: u64,
    date: Option<Column<tantivy::DateTime>>,
    /// Matched documents whose facets are counted at harvest, column by column, which is
    /// several times faster than reading every column per document.
    facet_docs: Option<Vec<DocId>>,
    str_cols: Vec<(FacetField, StrColumn)>,
    year_col: Option<Column<i64>>,
    /// Set when stopped early: (last visited doc, segment max doc).
    stopped: Option<(DocId, DocId)>,
}

impl Collector for PageCollector {
    type Fruit = PageFruit;
    type Child = PageSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<PageSegmentCollector> {
        let ff = reader.fast_fields();
        let date = match self.sort {
            Sort::Date => ff.column_opt::<tantivy::DateTime>(col::PUBLISHED)?,
            Sort::Relevance => None,
        };
        let mut str_cols = Vec::new();
        let mut year_col = None;
        if self.facets {
            for (field, name) in FacetField::STR_COLUMNS {
                if let Some(c) = ff.str(name)? {
                    str_cols.push((field, c));
                }
            }
            year_col = ff.column_opt::<i64>(col::YEAR)?;
        }
        let pinned = self
            .pinned
            .iter()
            .filter(|a| a.segment_ord == segment)
            .map(|a| a.doc_id)
            .collect();
        Ok(PageSegmentCollector {
            segment,
            sort: self.sort,
            k: self.k,
            heap: BinaryHeap::with_capacity(self.k.min(1024) + 1),
            count: 0,
            pinned,
            pinned_seen: 0,
            date,
            facet_docs: self.facets.then(Vec::new),
            str_cols,
            year_col,
            stopped: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<PageFruit>) -> tantivy::Result<PageFruit> {
        let mut out = PageFruit {
            top: Vec::new(),
            counted: 0,
            estimate: 0.0,
            exact: true,
            pinned_seen: 0,
            facets: self.facets.then(FacetCounts::default),
        };
        for f in fruits {
            out.top.extend(f.top);
            out.counted += f.counted;
            out.estimate += f.estimate;
            out.exact &= f.exact;
            out.pinned_seen += f.pinned_seen;
            if let (Some(acc), Some(fc)) = (out.facets.as_mut(), f.facets) {
                acc.merge(fc);
            }
        }
        out.top.sort_by(|a, b| b.cmp(a));
        out.top.truncate(self.k);
        Ok(out)
    }

    /// The default loop cannot stop early; this one stops a segment once it has seen its share
    /// of the bound (never fewer than the page needs, so date-sorted pages stay exact).
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<PageFruit> {
        let mut c = self.for_segment(segment, reader)?;
        let max_doc = reader.max_doc();
        let budget = match self.bound {
            Some(bound) if self.total_max_doc > 0 => {
                let share = bound.saturating_mul(u64::from(max_doc)) / self.total_max_doc;
                let floor = (self.k + self.pinned.len()) as u64;
                Some(share.max(bound.min(1_000)).max(floor))
            }
            _ => None,
        };
        let scoring = self.requires_scoring();
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                let score = if scoring { scorer.score() } else { 0.0 };
                c.collect(doc, score);
                if budget.is_some_and(|b| c.count >= b) {
                    if scorer.advance() != TERMINATED {
                        c.stopped = Some((doc, max_doc));
                    }
                    break;
                }
            }
            doc = scorer.advance();
        }
        Ok(c.harvest())
    }
}

impl SegmentCollector for PageSegmentCollector {
    type Fruit = PageFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count += 1;
        if let Some(docs) = self.facet_docs.as_mut() {
            docs.push(doc);
        }
        if !self.pinned.is_empty() && self.pinned.contains(&doc) {
            self.pinned_seen += 1;
            return;
        }
        if self.k == 0 {
            return;
        }
        let primary = match self.sort {
            Sort::Relevance => 0,
            Sort::Date => self
                .date
                .as_ref()
                .and_then(|c| c.first(doc))
                .map(|d| d.into_timestamp_secs())
                .unwrap_or(i64::MIN),
        };
        let entry = Entry {
            primary,
            score,
            addr: DocAddress::new(self.segment, doc),
        };
        if self.heap.len() < self.k {
            self.heap.push(Reverse(entry));
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if entry > worst.0 {
                *worst = Reverse(entry);
            }
        }
    }

    fn harvest(self) -> PageFruit {
        let scale = match self.stopped {
            Some((last, max_doc)) => f64::from(max_doc) / (f64::from(last) + 1.0),
            None => 1.0,
        };
        let facets = self.facet_docs.as_ref().map(|docs| {
            let mut fc = FacetCounts::default();
            let mut buf = String::new();
            let mut firsts: Vec<Option<u64>> = vec![None; 1024];
            for (field, column) in &self.str_cols {
                let mut counts = vec![0u32; column.num_terms()];
                let ords = column.ords();
                if ords.get_cardinality() == Cardinality::Multivalued {
                    for &d in docs {
                        for ord in column.term_ords(d) {
                            if let Some(c) = counts.get_mut(ord as usize) {
                                *c += 1;
                            }
                        }
                    }
                } else {
                    for chunk in docs.chunks(firsts.len()) {
                        let out = &mut firsts[..chunk.len()];
                        out.fill(None);
                        ords.first_vals(chunk, out);
                        for ord in out.iter().flatten() {
                            if let Some(c) = counts.get_mut(*ord as usize) {
                                *c += 1;
                            }
                        }
                    }
                }
                let slot = fc.by_field.entry(*field).or_default();
                for (ord, &n) in counts.iter().enumerate() {
                    if n == 0 {
                        continue;
                    }
                    buf.clear();
                    if column.ord_to_str(ord as u64, &mut buf).unwrap_or(false) {
                        *slot.entry(buf.clone()).or_default() += f64::from(n) * scale;
                    }
                }
            }
            let slot = fc.by_field.entry(FacetField::Year).or_default();
            if let Some(col) = &self.year_col {
                let mut years: HashMap<i64, u32> = HashMap::new();
                let mut vals: Vec<Option<i64>> = vec![None; 1024];
                for chunk in docs.chunks(vals.len()) {
                    let out = &mut vals[..chunk.len()];
                    out.fill(None);
                    col.first_vals(chunk, out);
                    for y in out.iter().flatten() {
                        *years.entry(*y).or_default() += 1;
                    }
                }
                for (y, n) in years {
                    *slot.entry(y.to_string()).or_default() += f64::from(n) * scale;
                }
            }
            fc
        });
        PageFruit {
            top: self.heap.into_iter().map(|Reverse(e)| e).collect(),
            counted: self.count,
            estimate: self.count as f64 * scale,
            exact: self.stopped.is_none(),
            pinned_seen: self.pinned_seen,
            facets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(primary: i64, score: f32, doc: u32) -> Entry {
        Entry {
            primary,
            score,
            addr: DocAddress::new(0, doc),
        }
    }

    #[test]
    fn entries_order_by_primary_then_score_then_earlier_doc() {
        let mut v = [e(0, 1.0, 5), e(0, 2.0, 9), e(0, 1.0, 3), e(5, 0.1, 1)];
        v.sort_by(|a, b| b.cmp(a));
        let docs: Vec<u32> = v.iter().map(|x| x.addr.doc_id).collect();
        assert_eq!(docs, vec![1, 9, 3, 5]);
    }

    #[test]
    fn facet_labels_come_from_the_vocabularies() {
        assert_eq!(
            facet_count(FacetField::Org, "000014349\u{1F}市政府办公室", 3).label,
            "市政府办公室"
        );
        assert_eq!(
            facet_count(FacetField::Org, "000014349\u{1F}", 3).label,
            "000014349"
        );
        assert_eq!(facet_count(FacetField::Kind, "letter", 1).label, "信件");
        assert_eq!(
            facet_count(FacetField::Genre, "regulation", 1).label,
            "规章"
        );
    }
}
