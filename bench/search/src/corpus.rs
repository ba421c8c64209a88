//! The deterministic benchmark corpus (issue 4, point 8): the shared laws split into whole
//! documents and articles (条), real 文号, organisations and dates from the shared policy records
//! attached, multiplied with a fixed seed.
//!
//! Documents come in a fixed order that does not depend on the size asked for, so the corpus of
//! 100,000 is the first 100,000 documents of the corpus of 1,000,000 (queries and judgements built
//! from the smaller one hold for the larger):
//! 1. every law as one whole document, in file order;
//! 2. every article of every law, shuffled with the seed;
//! 3. variants: an article with one sentence swapped for a sentence of another article of the same
//!    category, titled with a real policy title (the calibration's multiplication).
//!
//! Every fourth document carries one of the real 文号 (each used once, first spelling of each
//! normalised number); policy-titled variants take their policy's organisation and date.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{NaiveDate, NaiveDateTime};
use gongkai_search::{DocKind, SearchDoc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

pub const DEFAULT_SEED: u64 = 20_261_124;

/// One law of `laws/lawrefbook_laws.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct Law {
    pub title: String,
    #[serde(default)]
    pub short_title: Option<String>,
    #[serde(default)]
    pub collection: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub version_date: Option<String>,
    #[serde(default)]
    pub body: String,
}

/// One record of `policies/ptc_gov_doc_metadata.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct Policy {
    pub government: String,
    pub title: Option<String>,
    pub publish_date: Option<String>,
    pub doc_number: Option<String>,
}

/// Where the shared data is: `GONGKAI_SHARED`, else `../shared` beside the repository.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("GONGKAI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>> {
    let f = std::fs::File::open(path).with_context(|| format!("open {}", path.display()))?;
    let mut out = vec![];
    for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line)
                .with_context(|| format!("{} line {}", path.display(), n + 1))?,
        );
    }
    Ok(out)
}

pub fn load_laws(shared: &Path) -> Result<Vec<Law>> {
    read_jsonl(&shared.join("data/laws/lawrefbook_laws.jsonl"))
}

pub fn load_policies(shared: &Path) -> Result<Vec<Policy>> {
    read_jsonl(&shared.join("data/policies/ptc_gov_doc_metadata.jsonl"))
}

/// A law's text without markdown headings' `#` marks.
pub fn plain_body(body: &str) -> String {
    body.split("\n\n")
        .map(|p| p.trim().trim_start_matches('#').trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Articles of a law body: a paragraph opening with 第…条 and the paragraphs that continue it,
/// as (heading such as `第十二条`, text). Chapter headings are not part of any article.
pub fn split_articles(body: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![];
    let mut current: Option<(String, String)> = None;
    for para in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        if para.starts_with('#') {
            out.extend(current.take());
            continue;
        }
        if let Some(head) = article_heading(para) {
            out.extend(current.replace((head, para.to_string())));
        } else if let Some((_, text)) = current.as_mut() {
            text.push('\n');
            text.push_str(para);
        }
    }
    out.extend(current);
    out
}

fn article_heading(para: &str) -> Option<String> {
    let mut chars = para.chars();
    if chars.next() != Some('第') {
        return None;
    }
    let mut head = String::from("第");
    for c in chars.take(8) {
        head.push(c);
        if c == '条' {
            return Some(head);
        }
        if !"零〇一二三四五六七八九十百千0123456789".contains(c) {
            return None;
        }
    }
    None
}

fn parse_date(s: Option<&str>) -> Option<NaiveDateTime> {
    let s = s?.trim();
    let d = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    d.and_hms_opt(9, 0, 0)
}

/// A stable organisation code for a name (codes are opaque filter values).
fn org_code(name: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("ORG{:08X}", h)
}

/// Sub-site slugs documents are spread over (by organisation), beside the portal.
const SITES: [&str; 6] = ["fgw", "jyj", "mzj", "rsj", "zjj", "wjw"];

struct Article {
    law: usize,
    heading: String,
    text: String,
}

/// Generates documents in the fixed order described in the module documentation.
pub struct Generator {
    laws: Vec<Law>,
    articles: Vec<Article>,
    /// Articles by category, for sentence swaps.
    by_category: HashMap<String, Vec<usize>>,
    titled_policies: Vec<Policy>,
    /// One raw spelling per distinct normalised 文号, in a seeded order.
    doc_numbers: Vec<String>,
    seed: u64,
}

impl Generator {
    pub fn new(laws: Vec<Law>, policies: Vec<Policy>, seed: u64) -> Generator {
        let mut articles = vec![];
        for (i, law) in laws.iter().enumerate() {
            for (heading, text) in split_articles(&law.body) {
                articles.push(Article {
                    law: i,
                    heading,
                    text,
                });
            }
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        articles.shuffle(&mut rng);
        let mut by_category: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, a) in articles.iter().enumerate() {
            by_category
                .entry(laws[a.law].category.clone())
                .or_default()
                .push(i);
        }
        let mut seen = HashSet::new();
        let mut doc_numbers: Vec<String> = policies
            .iter()
            .filter_map(|p| p.doc_number.as_deref())
            .filter(|d| gongkai_domain::doc_number::normalize(d).is_some_and(|n| seen.insert(n)))
            .map(|d| d.trim().to_string())
            .collect();
        doc_numbers.shuffle(&mut rng);
        let titled_policies: Vec<Policy> = policies
            .into_iter()
            .filter(|p| p.title.as_deref().is_some_and(|t| t.chars().count() >= 6))
            .collect();
        Generator {
            laws,
            articles,
            by_category,
            titled_policies,
            doc_numbers,
            seed,
        }
    }

    pub fn laws(&self) -> &[Law] {
        &self.laws
    }

    /// Whole laws plus articles: documents before the first multiplied variant.
    pub fn base_len(&self) -> usize {
        self.laws.len() + self.articles.len()
    }

    /// Document number `i` (0-based); the same `i` always gives the same document.
    pub fn doc(&self, i: usize) -> SearchDoc {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ (i as u64).wrapping_mul(0x9E37_79B9));
        let (title, body, org_name, published, genre) = if i < self.laws.len() {
            let law = &self.laws[i];
            (
                law.title.clone(),
                plain_body(&law.body),
                law.collection.clone(),
                parse_date(law.version_date.as_deref()),
                law.category.clone(),
            )
        } else if i < self.base_len() {
            let a = &self.articles[i - self.laws.len()];
            let law = &self.laws[a.law];
            (
                format!("{} {}", law.title, a.heading),
                a.text.clone(),
                law.collection.clone(),
                parse_date(law.version_date.as_deref()),
                law.category.clone(),
            )
        } else {
            let a = &self.articles[rng.gen_range(0..self.articles.len())];
            let law = &self.laws[a.law];
            let peers = &self.by_category[&law.category];
            let b = &self.articles[peers[rng.gen_range(0..peers.len())]];
            let mut sentences: Vec<&str> = a.text.split_inclusive('。').collect();
            let other: Vec<&str> = b.text.split_inclusive('。').collect();
            if !sentences.is_empty() && !other.is_empty() {
                let at = rng.gen_range(0..sentences.len());
                sentences[at] = other[rng.gen_range(0..other.len())];
            }
            let p = &self.titled_policies[rng.gen_range(0..self.titled_policies.len())];
            let title = p.title.clone().unwrap_or_default();
            (
                title.clone(),
                format!("{}\n{}", sentences.concat(), title),
                p.government.clone(),
                parse_date(p.publish_date.as_deref()),
                "policy".to_string(),
            )
        };
        let mut d = SearchDoc::new(DocKind::Item, i, title, body);
        d.url = format!("/items/{i}");
        d.published = published;
        let code = org_code(&org_name);
        let site = SITES[(code.as_bytes()[10] as usize) % SITES.len()];
        d.site_slugs = vec!["portal".into(), site.into()];
        d.org_code = Some(code);
        d.org_name = Some(org_name);
        d.genre = Some(genre);
        d.validity = Some("valid".into());
        if i % 4 == 1 {
            d.doc_number = self.doc_numbers.get(i / 4).cloned();
        }
        d
    }
}

/// The corpus file for `n` documents under `dir` (generated once; kept out of git).
pub fn corpus_path(dir: &Path, n: usize, seed: u64) -> PathBuf {
    dir.join(format!("corpus-{n}-seed{seed}.jsonl"))
}

/// Writes the corpus of `n` documents as JSON lines unless the file exists; returns its path.
pub fn ensure_corpus(dir: &Path, shared: &Path, n: usize, seed: u64) -> Result<PathBuf> {
    let path = corpus_path(dir, n, seed);
    if path.exists() {
        return Ok(path);
    }
    std::fs::create_dir_all(dir)?;
    eprintln!("generating {n} documents into {}", path.display());
    let gen = Generator::new(load_laws(shared)?, load_policies(shared)?, seed);
    let tmp = path.with_extension("partial");
    let mut w = BufWriter::new(std::fs::File::create(&tmp)?);
    for i in 0..n {
        serde_json::to_writer(&mut w, &gen.doc(i))?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    drop(w);
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// Reads corpus documents in batches, calling `f` with each batch; stops after `limit`.
pub fn read_corpus(
    path: &Path,
    batch: usize,
    limit: usize,
    mut f: impl FnMut(Vec<SearchDoc>) -> Result<()>,
) -> Result<usize> {
    let file = std::fs::File::open(path)?;
    let mut buf = Vec::with_capacity(batch);
    let mut n = 0;
    for line in std::io::BufReader::new(file).lines() {
        if n >= limit {
            break;
        }
        buf.push(serde_json::from_str::<SearchDoc>(&line?)?);
        n += 1;
        if buf.len() == batch {
            f(std::mem::take(&mut buf))?;
        }
    }
    if !buf.is_empty() {
        f(buf)?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn law(title: &str, category: &str, body: &str) -> Law {
        Law {
            title: title.into(),
            short_title: None,
            collection: "测试法规".into(),
            category: category.into(),
            version_date: Some("2020-05-14".into()),
            body: body.into(),
        }
    }

    fn policies() -> Vec<Policy> {
        (0..20)
            .map(|i| Policy {
                government: format!("示范省{}", i % 3),
                title: Some(format!("关于做好第{i}批政务公开工作的通知")),
                publish_date: Some("2023-06-14".into()),
                doc_number: Some(format!("示政发〔2023〕{}号", i % 10 + 1)),
            })
            .collect()
    }

    const BODY: &str = "## 第一章  总则\n\n第一条 为了规范口岸开放，制定本条例。\n\n第二条 本条例所称的口岸，是指港口。另有规定的除外。\n\n（一）港口；\n\n（二）机场。\n\n## 第二章 附则\n\n第三条 本条例自公布之日起施行。";

    #[test]
    fn articles_keep_their_continuation_paragraphs_and_skip_chapter_headings() {
        let a = split_articles(BODY);
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].0, "第一条");
        assert_eq!(
            a[1].1,
            "第二条 本条例所称的口岸，是指港口。另有规定的除外。\n（一）港口；\n（二）机场。"
        );
        assert_eq!(a[2].0, "第三条");
        assert_eq!(
            article_heading("第一百二十条 内容").as_deref(),
            Some("第一百二十条")
        );
        assert_eq!(article_heading("第一章 总则"), None);
    }

    #[test]
    fn generation_is_deterministic_and_prefix_stable() {
        let laws = vec![
            law("上海口岸服务条例", "地方性法规", BODY),
            law("示范市公园条例", "地方性法规", BODY),
        ];
        let g1 = Generator::new(laws.clone(), policies(), 7);
        let g2 = Generator::new(laws.clone(), policies(), 7);
        assert_eq!(g1.base_len(), 2 + 6);
        for i in 0..40 {
            assert_eq!(g1.doc(i), g2.doc(i), "doc {i}");
        }
        // Whole laws first, then articles titled by their law, then policy-titled variants.
        assert_eq!(g1.doc(0).title, "上海口岸服务条例");
        assert!(g1.doc(0).body.contains("第三条") && !g1.doc(0).body.contains('#'));
        assert!(g1.doc(3).title.contains(" 第"));
        let v = g1.doc(20);
        assert!(v.title.starts_with("关于做好第"), "{}", v.title);
        assert!(v.org_name.as_deref().unwrap().starts_with("示范省"));
        // 文号: every fourth document, each distinct number once.
        let numbers: Vec<String> = (0..40).filter_map(|i| g1.doc(i).doc_number).collect();
        assert_eq!(numbers.len(), 10);
        let distinct: HashSet<_> = numbers.iter().collect();
        assert_eq!(distinct.len(), 10);
        assert!(g1.doc(2).doc_number.is_none());
        // Another seed, another order.
        let g3 = Generator::new(laws, policies(), 8);
        assert!((0..40).any(|i| g3.doc(i) != g1.doc(i)));
    }
}
