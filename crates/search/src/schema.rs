//! Index fields and the mapping between [`SearchDoc`] and tantivy documents.

use chrono::{DateTime as ChronoDateTime, NaiveDateTime};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::{DateTime, IndexSettings, IndexSortByField, Order, TantivyDocument};

use crate::doc::{normalize_genre, normalize_validity, DocKind, SearchDoc};
use crate::tokenizer::{NGRAMS, WORDS};

/// Bumped whenever fields or tokenisation change; an index of another version is recreated and
/// reported as needing a rebuild.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// Separates the code and name of an organisation in its facet value.
pub(crate) const ORG_SEP: char = '\u{1F}';

/// Field names of the fast (columnar) fields the collector reads.
pub(crate) mod col {
    pub const KIND: &str = "kind";
    pub const SITE: &str = "site";
    pub const ORG_FACET: &str = "org_facet";
    pub const COLUMN: &str = "column";
    pub const SUBJECT: &str = "subject";
    pub const GENRE: &str = "genre";
    pub const VALIDITY: &str = "validity";
    pub const YEAR: &str = "year";
    pub const PUBLISHED: &str = "published";
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub kind: Field,
    /// Title as jieba words (scored, title boost).
    pub title: Field,
    /// Title as n-grams with positions: scores title substring matches.
    pub title_ng: Field,
    pub body: Field,
    /// Title and body as n-grams with positions (two values, so no bigram spans them): the one
    /// field every substring match is required on. One field rather than title-or-body keeps
    /// each query word a single phrase scorer instead of a union, which seeks cheaply.
    pub text_ng: Field,
    pub url: Field,
    pub published: Field,
    pub site: Field,
    pub org: Field,
    pub org_facet: Field,
    pub org_name: Field,
    pub column: Field,
    pub subject: Field,
    pub genre: Field,
    pub validity: Field,
    pub year: Field,
    /// 索引号 as published (stored).
    pub index_no: Field,
    /// 索引号 match key (indexed): widths folded, spaces dropped, upper case.
    pub index_key: Field,
    /// 文号 as published (stored).
    pub doc_number: Field,
    /// 文号 match keys (indexed), one per number in the field, from the domain's normaliser.
    pub doc_number_key: Field,
}

fn raw(indexed: bool, fast: bool, stored: bool) -> TextOptions {
    let mut o = TextOptions::default();
    if indexed {
        o = o.set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_fieldnorms(false)
                .set_index_option(IndexRecordOption::Basic),
        );
    }
    if fast {
        o = o.set_fast("raw");
    }
    if stored {
        o = o.set_stored();
    }
    o
}

fn analysed(tokenizer: &str, record: IndexRecordOption, stored: bool) -> TextOptions {
    let o = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    );
    if stored {
        o.set_stored()
    } else {
        o
    }
}

/// Documents are stored newest first (undated last) in every segment, so a scan that stops
/// early has seen the newest matches, and date-sorted pages need only the first matches of each
/// segment.
pub(crate) fn index_settings() -> IndexSettings {
    IndexSettings {
        sort_by_field: Some(IndexSortByField {
            field: col::PUBLISHED.to_string(),
            order: Order::Desc,
        }),
        ..IndexSettings::default()
    }
}

pub(crate) fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Word fields need no positions: phrases are matched on n-grams.
    let words = IndexRecordOption::WithFreqs;
    let grams = IndexRecordOption::WithFreqsAndPositions;
    let fields = Fields {
        id: b.add_text_field("id", raw(true, false, true)),
        kind: b.add_text_field(col::KIND, raw(true, true, true)),
        title: b.add_text_field("title", analysed(WORDS, words, true)),
        title_ng: b.add_text_field("title_ng", analysed(NGRAMS, grams, false)),
        body: b.add_text_field("body", analysed(WORDS, words, true)),
        text_ng: b.add_text_field("text_ng", analysed(NGRAMS, grams, false)),
        url: b.add_text_field("url", raw(false, false, true)),
        published: b.add_date_field(
            col::PUBLISHED,
            DateOptions::default()
                .set_fast()
                .set_stored()
                .set_precision(DateTimePrecision::Seconds),
        ),
        site: b.add_text_field(col::SITE, raw(true, true, true)),
        org: b.add_text_field("org", raw(true, false, true)),
        org_facet: b.add_text_field(col::ORG_FACET, raw(false, true, false)),
        org_name: b.add_text_field("org_name", raw(false, false, true)),
        column: b.add_text_field(col::COLUMN, raw(true, true, true)),
        subject: b.add_text_field(col::SUBJECT, raw(true, true, true)),
        genre: b.add_text_field(col::GENRE, raw(true, true, true)),
        validity: b.add_text_field(col::VALIDITY, raw(true, true, true)),
        year: b.add_i64_field(
            col::YEAR,
            NumericOptions::default()
                .set_indexed()
                .set_fast()
                .set_stored(),
        ),
        index_no: b.add_text_field("index_no", raw(false, false, true)),
        index_key: b.add_text_field("index_key", raw(true, false, false)),
        doc_number: b.add_text_field("doc_number", raw(false, false, true)),
        doc_number_key: b.add_text_field("doc_number_key", raw(true, false, false)),
    };
    (b.build(), fields)
}

/// The look-up key of an index number: widths folded, whitespace dropped, letters upper case
/// (the check character of a unified social credit code is a capital).
pub(crate) fn index_key(s: &str) -> String {
    s.chars()
        .map(crate::text::fold_char)
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Every key a 文号 field is found by: each number on its own and the field as a whole.
pub(crate) fn doc_number_keys(raw: &str) -> Vec<String> {
    let mut keys = gongkai_domain::doc_number::normalize_all(raw);
    if let Some(whole) = gongkai_domain::doc_number::normalize(raw) {
        keys.push(whole);
    }
    keys.retain(|k| !k.is_empty());
    keys.sort();
    keys.dedup();
    keys
}

fn to_date(t: NaiveDateTime) -> DateTime {
    DateTime::from_timestamp_secs(t.and_utc().timestamp())
}

pub(crate) fn from_date(t: DateTime) -> Option<NaiveDateTime> {
    ChronoDateTime::from_timestamp(t.into_timestamp_secs(), 0).map(|d| d.naive_utc())
}

fn non_blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub(crate) fn to_tantivy(f: &Fields, d: &SearchDoc) -> TantivyDocument {
    let mut t = TantivyDocument::new();
    t.add_text(f.id, &d.id);
    t.add_text(f.kind, d.kind.as_str());
    t.add_text(f.title, &d.title);
    t.add_text(f.title_ng, &d.title);
    t.add_text(f.body, &d.body);
    t.add_text(f.text_ng, &d.title);
    t.add_text(f.text_ng, &d.body);
    t.add_text(f.url, &d.url);
    if let Some(p) = d.published {
        t.add_date(f.published, to_date(p));
    }
    for s in d
        .site_slugs
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        t.add_text(f.site, s);
    }
    let org_code = non_blank(&d.org_code);
    let org_name = non_blank(&d.org_name);
    if let Some(code) = org_code {
        t.add_text(f.org, code);
        t.add_text(
            f.org_facet,
            format!("{code}{ORG_SEP}{}", org_name.unwrap_or("")),
        );
    }
    if let Some(name) = org_name {
        t.add_text(f.org_name, name);
    }
    for c in d.columns.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        t.add_text(f.column, c);
    }
    if let Some(s) = non_blank(&d.subject) {
        t.add_text(f.subject, s);
    }
    if let Some(g) = non_blank(&d.genre) {
        t.add_text(f.genre, normalize_genre(g));
    }
    if let Some(v) = non_blank(&d.validity) {
        t.add_text(f.validity, normalize_validity(v));
    }
    if let Some(y) = d.effective_year() {
        t.add_i64(f.year, i64::from(y));
    }
    if let Some(n) = non_blank(&d.index_no) {
        t.add_text(f.index_no, n);
        t.add_text(f.index_key, index_key(n));
    }
    if let Some(n) = non_blank(&d.doc_number) {
        t.add_text(f.doc_number, n);
        for k in doc_number_keys(n) {
            t.add_text(f.doc_number_key, k);
        }
    }
    t
}

fn first_str(t: &TantivyDocument, field: Field) -> Option<String> {
    t.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

fn all_str(t: &TantivyDocument, field: Field) -> Vec<String> {
    t.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// Rebuilds the document from stored fields. `year` comes back as the indexed (effective) year
/// and genre/validity as their normalised codes; re-indexing the result yields the same terms.
pub(crate) fn from_tantivy(f: &Fields, t: &TantivyDocument) -> Option<SearchDoc> {
    let id = first_str(t, f.id)?;
    let kind: DocKind = first_str(t, f.kind)?.parse().ok()?;
    Some(SearchDoc {
        id,
        kind,
        title: first_str(t, f.title).unwrap_or_default(),
        body: first_str(t, f.body).unwrap_or_default(),
        url: first_str(t, f.url).unwrap_or_default(),
        published: t
            .get_first(f.published)
            .and_then(|v| v.as_datetime())
            .and_then(from_date),
        site_slugs: all_str(t, f.site),
        org_code: first_str(t, f.org),
        org_name: first_str(t, f.org_name),
        columns: all_str(t, f.column),
        subject: first_str(t, f.subject),
        genre: first_str(t, f.genre),
        year: t
            .get_first(f.year)
            .and_then(|v| v.as_i64())
            .and_then(|y| i32::try_from(y).ok()),
        validity: first_str(t, f.validity),
        index_no: first_str(t, f.index_no),
        doc_number: first_str(t, f.doc_number),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_fields_round_trip() {
        let (_, f) = build_schema();
        let mut d = SearchDoc::new(DocKind::Item, 42, "关于印发办法的通知", "正文");
        d.url = "/s/city/items/42".into();
        d.published =
            chrono::NaiveDate::from_ymd_opt(2023, 5, 6).and_then(|d| d.and_hms_opt(9, 30, 0));
        d.site_slugs = vec!["city".into(), "county".into()];
        d.org_code = Some("000014349".into());
        d.org_name = Some("市人民政府办公室".into());
        d.columns = vec!["policy".into()];
        d.subject = Some("社会保障".into());
        d.genre = Some("normative_document".into());
        d.year = Some(2023);
        d.validity = Some("valid".into());
        d.index_no = Some("000014349/2023-00012".into());
        d.doc_number = Some("市政办发〔2023〕5号".into());
        let back = from_tantivy(&f, &to_tantivy(&f, &d)).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn doc_number_keys_meet_across_spellings() {
        let a = doc_number_keys("国办发〔2023〕12号");
        let b = doc_number_keys("国办发[2023]12号");
        let c = doc_number_keys("国办发（２０２３）１２号");
        assert!(!a.is_empty());
        assert_eq!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn index_keys_ignore_width_case_and_spaces() {
        assert_eq!(
            index_key(" ０００014349/2019-01280 "),
            "000014349/2019-01280"
        );
        assert_eq!(
            index_key("11330000002482061r-2023-000123"),
            "11330000002482061R-2023-000123"
        );
    }
}
