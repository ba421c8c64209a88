//! The fixed benchmark query set (point 9) and the judged known-item set (point 10), both built
//! deterministically from the corpus.

use std::collections::HashMap;

use gongkai_search::SearchDoc;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QueryKind {
    /// One to four words from a title.
    Words,
    /// A 2-4 character substring of a body (rarely on word boundaries).
    Fragment,
    /// A quoted 4-8 character phrase from a body.
    Phrase,
    /// A 文号, in a messy spelling.
    DocNumber,
    /// Words with a year or organisation filter.
    Filtered,
    /// Judged set: a title's key words → that law.
    TitleKeyWords,
    /// Judged set: a law's short title → the law.
    ShortTitle,
}

impl QueryKind {
    pub fn label(self) -> &'static str {
        match self {
            QueryKind::Words => "words (1-4)",
            QueryKind::Fragment => "fragment (2-4 chars)",
            QueryKind::Phrase => "phrase",
            QueryKind::DocNumber => "文号 look-up",
            QueryKind::Filtered => "filtered",
            QueryKind::TitleKeyWords => "title key words → law",
            QueryKind::ShortTitle => "short title → law",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BenchQuery {
    pub kind: QueryKind,
    pub q: String,
    pub year: Option<i32>,
    pub org: Option<String>,
}

impl BenchQuery {
    fn plain(kind: QueryKind, q: impl Into<String>) -> BenchQuery {
        BenchQuery {
            kind,
            q: q.into(),
            year: None,
            org: None,
        }
    }

    /// URL query parameters for Gongkai (the same for the engine and the HTTP API).
    pub fn params(&self, per_page: usize) -> Vec<(String, String)> {
        let mut p = vec![
            ("q".to_string(), self.q.clone()),
            ("per_page".to_string(), per_page.to_string()),
        ];
        if let Some(y) = self.year {
            p.push(("year".into(), y.to_string()));
        }
        if let Some(o) = &self.org {
            p.push(("org".into(), o.clone()));
        }
        p
    }
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// A Han-only substring of `len` characters of `text` starting near a random place.
fn han_substring(text: &str, len: usize, rng: &mut ChaCha8Rng) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < len {
        return None;
    }
    for _ in 0..20 {
        let at = rng.gen_range(0..=chars.len() - len);
        let s = &chars[at..at + len];
        if s.iter().all(|c| is_han(*c)) {
            return Some(s.iter().collect());
        }
    }
    None
}

/// Words of a text with at least two characters, as the engine's dictionary cuts them.
fn title_words(title: &str) -> Vec<String> {
    gongkai_search::dict::segment(title)
        .into_iter()
        .filter(|w| w.chars().count() >= 2)
        .collect()
}

/// The same 文号 spelled as people type it: other brackets, stray spaces, half-width digits kept.
pub fn messy_doc_number(raw: &str, variant: usize) -> String {
    match variant % 4 {
        0 => raw.to_string(),
        1 => raw
            .replace(['〔', '［', '【'], "[")
            .replace(['〕', '］', '】'], "]"),
        2 => raw
            .replace(['〔', '［', '【', '['], "（")
            .replace(['〕', '］', '】', ']'], "）"),
        _ => {
            let mut s = raw
                .replace(['〔', '［', '【'], "(")
                .replace(['〕', '］', '】'], ")");
            if let Some(p) = s.find(')') {
                s.insert(p + 1, ' ');
            }
            s
        }
    }
}

/// The fixed set for latency: 120 word queries, 60 fragments, 50 phrases, 50 文号, 40 filtered
/// (320), from `sample` (documents of the first 100,000, so the set is the same at every size).
pub fn bench_queries(sample: &[SearchDoc], seed: u64) -> Vec<BenchQuery> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x51);
    let mut out = vec![];
    let pick = |rng: &mut ChaCha8Rng| &sample[rng.gen_range(0..sample.len())];
    let words_of = |d: &SearchDoc, rng: &mut ChaCha8Rng| -> Option<String> {
        let w = title_words(&d.title);
        if w.is_empty() {
            return None;
        }
        let k = rng.gen_range(1..=4usize).min(w.len());
        let at = rng.gen_range(0..=w.len() - k);
        Some(w[at..at + k].join(" "))
    };
    while out
        .iter()
        .filter(|q: &&BenchQuery| q.kind == QueryKind::Words)
        .count()
        < 120
    {
        let d = pick(&mut rng);
        if let Some(q) = words_of(d, &mut rng) {
            out.push(BenchQuery::plain(QueryKind::Words, q));
        }
    }
    let mut n = 0;
    while n < 60 {
        let d = pick(&mut rng);
        let len = rng.gen_range(2..=4);
        if let Some(s) = han_substring(&d.body, len, &mut rng) {
            out.push(BenchQuery::plain(QueryKind::Fragment, s));
            n += 1;
        }
    }
    n = 0;
    while n < 50 {
        let d = pick(&mut rng);
        let len = rng.gen_range(4..=8);
        if let Some(s) = han_substring(&d.body, len, &mut rng) {
            out.push(BenchQuery::plain(QueryKind::Phrase, format!("\"{s}\"")));
            n += 1;
        }
    }
    let numbered: Vec<&SearchDoc> = sample.iter().filter(|d| d.doc_number.is_some()).collect();
    for i in 0..50 {
        let d = numbered[rng.gen_range(0..numbered.len())];
        out.push(BenchQuery::plain(
            QueryKind::DocNumber,
            messy_doc_number(d.doc_number.as_deref().unwrap(), i),
        ));
    }
    n = 0;
    while n < 40 {
        let d = pick(&mut rng);
        let Some(q) = words_of(d, &mut rng) else {
            continue;
        };
        let mut bq = BenchQuery::plain(QueryKind::Filtered, q);
        if n % 2 == 0 {
            bq.year = d.published.map(|p| chrono::Datelike::year(&p.date()));
            if bq.year.is_none() {
                continue;
            }
        } else {
            bq.org = d.org_code.clone();
        }
        out.push(bq);
        n += 1;
    }
    out
}

/// A known-item query with graded judgements: 2 = the document looked for (every version of a
/// law, every document with that 文号), 1 = an article of that law.
#[derive(Debug, Clone)]
pub struct Judged {
    pub query: BenchQuery,
    pub grades: HashMap<String, u32>,
}

/// Words too common in law titles to identify one.
const GENERIC: &[&str] = &[
    "中华人民共和国",
    "条例",
    "办法",
    "规定",
    "实施",
    "细则",
    "关于",
    "若干",
    "决定",
    "管理",
    "暂行",
    "试行",
    "实施办法",
    "实施细则",
    "解释",
    "问题",
    "修正",
    "修订",
    "规则",
    "意见",
    "法律",
    "适用",
];

/// The judged set (point 10): 100 title key-word queries, 60 short titles and 60 文号 (220),
/// over the whole-law documents (`laws`: id, title, short title) and all documents' titles and
/// 文号 (`docs`: id, title, 文号).
pub fn judged_set(
    laws: &[(String, String, Option<String>)],
    docs: &[(String, String, Option<String>)],
    seed: u64,
) -> Vec<Judged> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x10);
    // Whole documents and articles by law title.
    let mut whole: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, title, _) in laws {
        whole.entry(title.as_str()).or_default().push(id.as_str());
    }
    let mut articles: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, title, _) in docs {
        if let Some((law, _)) = title.rsplit_once(" 第") {
            if whole.contains_key(law) {
                articles.entry(law).or_default().push(id.as_str());
            }
        }
    }
    let grades_for = |title: &str| -> HashMap<String, u32> {
        let mut g: HashMap<String, u32> = HashMap::new();
        for id in articles.get(title).into_iter().flatten() {
            g.insert(id.to_string(), 1);
        }
        for id in whole.get(title).into_iter().flatten() {
            g.insert(id.to_string(), 2);
        }
        g
    };
    let mut titles: Vec<&str> = whole.keys().copied().collect();
    titles.sort_unstable();
    titles.shuffle(&mut rng);
    // Key words must identify the law: no other law title contains them all.
    let all_titles: Vec<&str> = titles.clone();
    let mut out = vec![];
    for t in &titles {
        if out.len() >= 100 {
            break;
        }
        let mut words: Vec<String> = title_words(t)
            .into_iter()
            .filter(|w| !GENERIC.contains(&w.as_str()))
            .collect();
        if words.len() < 2 {
            continue;
        }
        // The two longest words, in title order.
        let mut by_len: Vec<(usize, usize)> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.chars().count(), i))
            .collect();
        by_len.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut keep: Vec<usize> = by_len.iter().take(2).map(|x| x.1).collect();
        keep.sort_unstable();
        words = keep.into_iter().map(|i| words[i].clone()).collect();
        let unique = all_titles
            .iter()
            .filter(|o| words.iter().all(|w| o.contains(w.as_str())))
            .count()
            == 1;
        if unique {
            out.push(Judged {
                query: BenchQuery::plain(QueryKind::TitleKeyWords, words.join(" ")),
                grades: grades_for(t),
            });
        }
    }
    let mut shorts: Vec<(&str, &str)> = laws
        .iter()
        .filter_map(|(_, title, short)| {
            let s = short.as_deref()?.trim();
            (s != title && s.chars().count() >= 3).then_some((title.as_str(), s))
        })
        .collect();
    shorts.sort_unstable();
    shorts.dedup();
    shorts.shuffle(&mut rng);
    let mut n = 0;
    for (title, short) in shorts {
        if n >= 60 {
            break;
        }
        // A short title several laws share (示范市 versions of one model law) is not a known item.
        let owners = all_titles.iter().filter(|o| o.contains(short)).count();
        if owners != 1 {
            continue;
        }
        out.push(Judged {
            query: BenchQuery::plain(QueryKind::ShortTitle, short),
            grades: grades_for(title),
        });
        n += 1;
    }
    let mut by_number: HashMap<String, Vec<&str>> = HashMap::new();
    for (id, _, num) in docs {
        if let Some(key) = num
            .as_deref()
            .and_then(gongkai_domain::doc_number::normalize)
        {
            by_number.entry(key).or_default().push(id.as_str());
        }
    }
    let mut numbered: Vec<(&str, &str)> = docs
        .iter()
        .filter_map(|(id, _, n)| Some((id.as_str(), n.as_deref()?)))
        .collect();
    numbered.shuffle(&mut rng);
    for (i, (_, raw)) in numbered.into_iter().take(60).enumerate() {
        let key = gongkai_domain::doc_number::normalize(raw).unwrap_or_default();
        let grades = by_number[&key]
            .iter()
            .map(|id| (id.to_string(), 2))
            .collect();
        out.push(Judged {
            query: BenchQuery::plain(QueryKind::DocNumber, messy_doc_number(raw, i)),
            grades,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messy_doc_numbers_normalise_to_the_same_key() {
        let raw = "国办发〔2023〕12号";
        let key = gongkai_domain::doc_number::normalize(raw).unwrap();
        for v in 0..4 {
            let m = messy_doc_number(raw, v);
            assert_eq!(
                gongkai_domain::doc_number::normalize(&m).as_deref(),
                Some(key.as_str()),
                "{m}"
            );
        }
        assert_ne!(messy_doc_number(raw, 1), raw);
    }

    fn doc(i: usize, title: &str, body: &str, num: Option<&str>) -> SearchDoc {
        let mut d = SearchDoc::new(gongkai_search::DocKind::Item, i, title, body);
        d.doc_number = num.map(String::from);
        d.org_code = Some("ORG1".into());
        d.published = chrono::NaiveDate::from_ymd_opt(2020, 5, 14)
            .unwrap()
            .and_hms_opt(9, 0, 0);
        d
    }

    #[test]
    fn the_bench_set_is_fixed_and_has_every_kind() {
        let sample: Vec<SearchDoc> = (0..50)
            .map(|i| {
                doc(
                    i,
                    "上海市口岸服务条例",
                    "为了规范口岸开放提高口岸通关效率保障口岸安全畅通",
                    (i % 4 == 1).then_some("沪府发〔2020〕3号"),
                )
            })
            .collect();
        let a = bench_queries(&sample, 1);
        assert_eq!(a, bench_queries(&sample, 1));
        assert_eq!(a.len(), 320);
        for (kind, n) in [
            (QueryKind::Words, 120),
            (QueryKind::Fragment, 60),
            (QueryKind::Phrase, 50),
            (QueryKind::DocNumber, 50),
            (QueryKind::Filtered, 40),
        ] {
            assert_eq!(a.iter().filter(|q| q.kind == kind).count(), n, "{kind:?}");
        }
        assert!(a
            .iter()
            .filter(|q| q.kind == QueryKind::Phrase)
            .all(|q| q.q.starts_with('"') && q.q.chars().count() >= 6));
        assert!(a
            .iter()
            .filter(|q| q.kind == QueryKind::Filtered)
            .all(|q| q.year.is_some() != q.org.is_some()));
    }

    #[test]
    fn judgements_grade_the_law_above_its_articles() {
        let laws = vec![
            (
                "item:0".to_string(),
                "上海市口岸服务条例".to_string(),
                Some("口岸服务条例".to_string()),
            ),
            ("item:1".to_string(), "北京市公园绿地条例".to_string(), None),
        ];
        let docs = vec![
            laws[0].clone(),
            laws[1].clone(),
            (
                "item:2".to_string(),
                "上海市口岸服务条例 第一条".to_string(),
                Some("沪府发〔2020〕3号".to_string()),
            ),
            (
                "item:3".to_string(),
                "北京市公园绿地条例 第二条".to_string(),
                None,
            ),
        ];
        let j = judged_set(&laws, &docs, 3);
        let short = j
            .iter()
            .find(|j| j.query.kind == QueryKind::ShortTitle)
            .unwrap();
        assert_eq!(short.query.q, "口岸服务条例");
        assert_eq!(short.grades["item:0"], 2);
        assert_eq!(short.grades["item:2"], 1);
        assert!(!short.grades.contains_key("item:1"));
        let num = j
            .iter()
            .find(|j| j.query.kind == QueryKind::DocNumber)
            .unwrap();
        assert_eq!(num.grades.len(), 1);
        assert_eq!(num.grades["item:2"], 2);
        assert!(j
            .iter()
            .filter(|j| j.query.kind == QueryKind::TitleKeyWords)
            .all(|j| j.grades.values().any(|g| *g == 2)));
    }
}
