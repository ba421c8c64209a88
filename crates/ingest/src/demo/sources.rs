//! Real documents for the demo city, read from `shared/data/`: national and local laws and
//! regulations with their full text (`laws/lawrefbook_laws.jsonl`), and policy documents of the
//! State Council and provincial governments with their real, messy 文号
//! (`policies/ptc_gov_doc_metadata.jsonl`, and `ptc_sample50_with_body.jsonl` with bodies).
//!
//! Selection is deterministic: records are ordered by a hash of their stable id and the first ones
//! that qualify are taken, so the same files always give the same city.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use gongkai_domain::catalogue::{Genre, Validity};
use gongkai_domain::doc_number::DocNumber;
use once_cell::sync::Lazy;
use regex::Regex;
use serde::Deserialize;

use crate::error::{IngestError, Result};

/// Where a document came from; decides which site and column it lands in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A law, regulation or judicial interpretation; `national` for the 国家 collection.
    Law { national: bool },
    /// A policy document; `office` when its 文号 is a general office's (…办发, …办函).
    Policy { office: bool },
}

/// A document ready to be placed in the city.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Stable hash of the source record's id: drives every deterministic choice about it.
    pub key: u64,
    pub title: String,
    pub doc_number: Option<String>,
    pub made_on: NaiveDate,
    /// When the source says it was published (the law's version date for laws).
    pub published_on: NaiveDate,
    pub body_html: String,
    pub genre: Genre,
    pub validity: Validity,
    pub valid_from: Option<NaiveDate>,
    pub invalid_from: Option<NaiveDate>,
    pub origin: Origin,
}

/// FNV-1a: tiny, stable across Rust versions and platforms (unlike `DefaultHasher`), which the
/// determinism of the demo depends on.
pub fn stable_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // Mix the high bits down, so `h % small` uses all of them.
    h ^ (h >> 29) ^ (h >> 47)
}

static CN_DATE: Lazy<Regex> = Lazy::new(|| Regex::new(r"(\d{4})年(\d{1,2})月(\d{1,2})日").unwrap());
static ORDER_NUMBER: Lazy<Regex> = Lazy::new(|| Regex::new(r"\p{Han}{2,24}?令第[0-9]+号").unwrap());

fn cn_date(caps: &regex::Captures) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        caps[1].parse().ok()?,
        caps[2].parse().ok()?,
        caps[3].parse().ok()?,
    )
}

fn iso_date(s: Option<&str>) -> Option<NaiveDate> {
    let s = s?.trim();
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// LawRefBook bodies are Markdown: `#` headings for parts and chapters, one paragraph per
/// article. Only that subset is converted; anything else is kept as escaped text.
fn markdown_to_html(md: &str) -> String {
    let mut out = String::with_capacity(md.len() + md.len() / 4);
    for line in md.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("<!--") {
            continue;
        }
        let hashes = line.chars().take_while(|c| *c == '#').count();
        let text = escape(
            line.trim_start_matches('#')
                .trim()
                .replace("**", "")
                .as_str(),
        );
        if text.is_empty() {
            continue;
        }
        match hashes {
            0 => out.push_str(&format!("<p>{text}</p>\n")),
            1 | 2 => out.push_str(&format!("<h2>{text}</h2>\n")),
            _ => out.push_str(&format!("<h3>{text}</h3>\n")),
        }
    }
    out
}

#[derive(Deserialize)]
struct LawMeta {
    id: String,
    category: String,
    collection: String,
    title: String,
    version_date: Option<String>,
    #[serde(default)]
    issue_info: Vec<String>,
    #[serde(default)]
    body_chars: u64,
}

#[derive(Deserialize)]
struct LawBody {
    body: Option<String>,
}

/// Bodies longer than this are left out of the demo: the longest codes run to 100,000 characters
/// and would make the demo database large for little gain.
const MAX_LAW_CHARS: u64 = 30_000;

/// The date a law version carries: its version date, else the last date of its issue notes.
fn law_date(m: &LawMeta) -> Option<NaiveDate> {
    iso_date(m.version_date.as_deref()).or_else(|| {
        m.issue_info
            .iter()
            .rev()
            .find_map(|i| CN_DATE.captures(i).and_then(|c| cn_date(&c)))
    })
}

/// Reads `n` laws (fewer if the file has fewer that qualify). Cases (案例) are left out: they are
/// court examples, not documents a government publishes.
pub fn read_laws(path: &Path, n: usize) -> Result<Vec<Doc>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let lines = read_lines(path)?;
    let mut metas: Vec<(usize, LawMeta, NaiveDate)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let m: LawMeta = serde_json::from_str(line).map_err(|e| IngestError::Data {
            path: path.into(),
            line: i + 1,
            message: e.to_string(),
        })?;
        if let Some(d) = law_date(&m) {
            metas.push((i, m, d));
        }
    }
    // Several versions of one law: each is 失效 from the date the next one was made.
    let mut versions: BTreeMap<&str, BTreeSet<NaiveDate>> = BTreeMap::new();
    for (_, m, d) in &metas {
        versions.entry(m.title.as_str()).or_default().insert(*d);
    }
    let mut eligible: Vec<&(usize, LawMeta, NaiveDate)> = metas
        .iter()
        .filter(|(_, m, _)| m.category != "案例" && (300..=MAX_LAW_CHARS).contains(&m.body_chars))
        .filter(|(_, m, _)| m.title.chars().count() <= gongkai_domain::item::MAX_TITLE_CHARS)
        .collect();
    eligible.sort_by_key(|(_, m, _)| (stable_hash(&m.id), m.id.clone()));
    let mut docs = Vec::with_capacity(n.min(eligible.len()));
    for (i, m, date) in eligible.into_iter().take(n) {
        let body: LawBody = serde_json::from_str(&lines[*i]).map_err(|e| IngestError::Data {
            path: path.into(),
            line: i + 1,
            message: e.to_string(),
        })?;
        let next = versions[m.title.as_str()]
            .range(date.succ_opt().unwrap_or(*date)..)
            .next()
            .copied();
        let doc_number = m
            .issue_info
            .iter()
            .rev()
            .find_map(|info| {
                ORDER_NUMBER
                    .find_iter(info)
                    .last()
                    .map(|x| x.as_str().to_string())
            })
            .filter(|d| DocNumber::parse(d).is_ok());
        let is_rule = m.category == "部门规章"
            || doc_number.as_deref().is_some_and(|d| {
                d.contains("人民政府令")
                    || ["部令", "局令", "委员会令", "总局令", "署令", "行令"]
                        .iter()
                        .any(|s| d.contains(s))
            });
        // 施行 date from the notes ("2021年1月1日 施行"), when it is not before the version.
        let valid_from = m
            .issue_info
            .iter()
            .filter(|i| i.contains("施行"))
            .find_map(|i| CN_DATE.captures(i).and_then(|c| cn_date(&c)))
            .filter(|d| d >= date);
        let mut html = String::new();
        if !m.issue_info.is_empty() {
            let notes: Vec<String> = m
                .issue_info
                .iter()
                .map(|i| escape(i.trim().trim_end_matches('）')))
                .collect();
            html.push_str(&format!("<p>（{}）</p>\n", notes.join("　")));
        }
        html.push_str(&markdown_to_html(body.body.as_deref().unwrap_or("")));
        docs.push(Doc {
            key: stable_hash(&m.id),
            title: m.title.clone(),
            doc_number,
            made_on: *date,
            published_on: *date,
            body_html: html,
            genre: if is_rule {
                Genre::Regulation
            } else {
                Genre::OtherDocument
            },
            validity: if next.is_some() {
                Validity::Expired
            } else {
                Validity::Valid
            },
            valid_from,
            invalid_from: next,
            origin: Origin::Law {
                national: m.collection == "国家",
            },
        });
    }
    Ok(docs)
}

#[derive(Deserialize)]
struct PolicyMeta {
    url: Option<String>,
    title: Option<String>,
    issue_date: Option<String>,
    publish_date: Option<String>,
    doc_number: Option<String>,
}

#[derive(Deserialize)]
struct PolicyWithBody {
    #[serde(rename = "Title")]
    title: Option<String>,
    #[serde(rename = "Body")]
    body: Option<String>,
    #[serde(rename = "Date")]
    date: Option<String>,
    #[serde(rename = "Publishing date")]
    publishing_date: Option<String>,
    #[serde(rename = "Link")]
    link: Option<String>,
}

/// 体裁 of a policy document from its title and 文号: what a records officer would file it as.
pub fn policy_genre(title: &str, doc_number: &str) -> Genre {
    let has = |words: &[&str]| words.iter().any(|w| title.contains(w));
    let issuer = DocNumber::parse(doc_number)
        .map(|d| d.issuer().to_string())
        .unwrap_or_default();
    if has(&["任免", "任职", "免职", "职务的通知", "聘任", "退休的通知"]) {
        Genre::PersonnelNotice
    } else if has(&["预算", "决算"]) && !has(&["审计"]) {
        Genre::Budget
    } else if has(&["统计公报"]) {
        Genre::Statistics
    } else if issuer.ends_with('规') || has(&["规范性文件"]) {
        // 沪府规, 沪府办规 …: provinces that number normative documents in a series of their own.
        Genre::NormativeDocument
    } else if has(&["规划", "计划", "行动方案", "工作要点"]) {
        Genre::Plan
    } else if has(&["通告", "公告"]) {
        Genre::Notice
    } else if has(&[
        "办法",
        "规定",
        "细则",
        "若干措施",
        "实施意见",
        "指导意见",
        "规则",
    ]) {
        Genre::NormativeDocument
    } else {
        Genre::OtherDocument
    }
}

/// Validity of a policy document. The source says nothing about it, so the demo applies two
/// rules real catalogues show: temporary rules (暂行, 试行) lapse (three years here, a common
/// term), and a fifth of the normative documents made before 2010 were repealed (废止) in a
/// clean-up of normative documents dated 2017-06-30.
fn policy_validity(
    title: &str,
    genre: Genre,
    made_on: NaiveDate,
    key: u64,
    today: NaiveDate,
) -> (Validity, Option<NaiveDate>) {
    if genre != Genre::NormativeDocument {
        return (Validity::Valid, None);
    }
    let clean_up = NaiveDate::from_ymd_opt(2017, 6, 30).expect("valid date");
    if made_on.year() < 2010 && key % 5 == 0 && clean_up <= today {
        return (Validity::Repealed, Some(clean_up));
    }
    if title.contains("暂行") || title.contains("试行") {
        let until = made_on.with_year(made_on.year() + 3).unwrap_or(made_on);
        if until <= today {
            return (Validity::Expired, Some(until));
        }
    }
    (Validity::Valid, None)
}

fn is_office_number(doc_number: &str) -> bool {
    DocNumber::parse(doc_number).is_ok_and(|d| d.issuer().contains('办'))
}

fn source_note(url: Option<&str>) -> String {
    let link = match url.filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
        Some(u) => format!("<p>原文链接：<a href=\"{0}\">{0}</a></p>", escape(u)),
        None => String::new(),
    };
    format!(
        "<p>（演示数据：本条目的标题、文号和日期取自公开的政策文件目录，正文未收录。）</p>{link}"
    )
}

/// Reads up to `n` policy documents with both a title and a 文号 that parses: first the few with
/// full bodies, then metadata-only records. Titles are unique in the result (the same document
/// republished by several governments appears once).
pub fn read_policies(dir: &Path, n: usize, today: NaiveDate) -> Result<Vec<Doc>> {
    let mut docs = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    if n == 0 {
        return Ok(docs);
    }
    let with_body = dir.join("ptc_sample50_with_body.jsonl");
    if with_body.exists() {
        for (i, line) in read_lines(&with_body)?.iter().enumerate() {
            if docs.len() >= n / 10 {
                break;
            }
            let p: PolicyWithBody = serde_json::from_str(line).map_err(|e| IngestError::Data {
                path: with_body.clone(),
                line: i + 1,
                message: e.to_string(),
            })?;
            let (Some(title), Some(body)) = (p.title, p.body) else {
                continue;
            };
            let Some(made_on) =
                iso_date(p.date.as_deref()).or_else(|| iso_date(p.publishing_date.as_deref()))
            else {
                continue;
            };
            let published_on = iso_date(p.publishing_date.as_deref()).unwrap_or(made_on);
            // The 文号 is one of the first lines of the text.
            let doc_number = body
                .lines()
                .take(12)
                .map(str::trim)
                .find(|l| {
                    l.chars().count() <= 30 && l.ends_with('号') && DocNumber::parse(l).is_ok()
                })
                .map(String::from);
            let title = title.trim().to_string();
            if title.chars().count() > gongkai_domain::item::MAX_TITLE_CHARS
                || !seen.insert(title.clone())
            {
                continue;
            }
            let mut html = String::new();
            for l in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
                if l == title || l.starts_with("字号") || Some(l) == doc_number.as_deref() {
                    continue;
                }
                html.push_str(&format!("<p>{}</p>\n", escape(l)));
            }
            let genre = policy_genre(&title, doc_number.as_deref().unwrap_or(""));
            let key = stable_hash(p.link.as_deref().unwrap_or(&title));
            let (validity, invalid_from) = policy_validity(&title, genre, made_on, key, today);
            docs.push(Doc {
                key,
                title,
                made_on,
                published_on,
                body_html: html,
                genre,
                validity,
                valid_from: (genre == Genre::NormativeDocument).then_some(made_on),
                invalid_from,
                origin: Origin::Policy {
                    office: doc_number.as_deref().is_some_and(is_office_number),
                },
                doc_number,
            });
        }
    }
    let meta_path = dir.join("ptc_gov_doc_metadata.jsonl");
    if !meta_path.exists() {
        return Ok(docs);
    }
    let mut candidates: Vec<(u64, String, PolicyMeta)> = Vec::new();
    for (i, line) in read_lines(&meta_path)?.iter().enumerate() {
        let p: PolicyMeta = serde_json::from_str(line).map_err(|e| IngestError::Data {
            path: meta_path.clone(),
            line: i + 1,
            message: e.to_string(),
        })?;
        let id = format!("{}|{}", p.url.as_deref().unwrap_or(""), i);
        candidates.push((stable_hash(&id), id, p));
    }
    candidates.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    for (key, _, p) in candidates {
        if docs.len() >= n {
            break;
        }
        let (Some(title), Some(number)) = (
            p.title.as_deref().map(str::trim),
            p.doc_number.as_deref().map(str::trim),
        ) else {
            continue;
        };
        if title.is_empty()
            || title.chars().count() > gongkai_domain::item::MAX_TITLE_CHARS
            || DocNumber::parse(number).is_err()
        {
            continue;
        }
        let Some(published_on) =
            iso_date(p.publish_date.as_deref()).or_else(|| iso_date(p.issue_date.as_deref()))
        else {
            continue;
        };
        // An issue date after the publication date is a crawl error; trust the publication date then.
        let made_on = iso_date(p.issue_date.as_deref())
            .filter(|d| *d <= published_on)
            .unwrap_or(published_on);
        if !seen.insert(title.to_string()) {
            continue;
        }
        let genre = policy_genre(title, number);
        let (validity, invalid_from) = policy_validity(title, genre, made_on, key, today);
        docs.push(Doc {
            key,
            title: title.to_string(),
            doc_number: Some(number.to_string()),
            made_on,
            published_on,
            body_html: source_note(p.url.as_deref()),
            genre,
            validity,
            valid_from: (genre == Genre::NormativeDocument).then_some(made_on),
            invalid_from,
            origin: Origin::Policy {
                office: is_office_number(number),
            },
        });
    }
    Ok(docs)
}

fn read_lines(path: &Path) -> Result<Vec<String>> {
    let f = File::open(path).map_err(|e| IngestError::io(path, e))?;
    BufReader::new(f)
        .lines()
        .filter(|l| !matches!(l, Ok(s) if s.trim().is_empty()))
        .collect::<std::io::Result<Vec<String>>>()
        .map_err(|e| IngestError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genres_from_titles_and_numbers() {
        assert_eq!(
            policy_genre("关于任免张三同志职务的通知", "示政任〔2024〕1号"),
            Genre::PersonnelNotice
        );
        assert_eq!(
            policy_genre(
                "上海市人民政府办公厅印发《关于……的实施意见》的通知",
                "沪府办规〔2018〕34号"
            ),
            Genre::NormativeDocument
        );
        assert_eq!(
            policy_genre("关于印发广东省碳达峰实施方案的通知", "粤府〔2022〕56号"),
            Genre::OtherDocument
        );
        assert_eq!(
            policy_genre(
                "关于印发四川省遏制与防治艾滋病“十二五”行动计划的通知",
                "川办发〔2012〕52号"
            ),
            Genre::Plan
        );
        assert_eq!(
            policy_genre(
                "关于印发云南省救灾资金管理办法的通知",
                "云政办发〔2007〕196号"
            ),
            Genre::NormativeDocument
        );
        assert_eq!(
            policy_genre(
                "关于禁止在新庄水库工程建设征地区新增建设项目的通告",
                "云政发〔2018〕58号"
            ),
            Genre::Notice
        );
    }

    #[test]
    fn markdown_bodies_become_escaped_html() {
        let html = markdown_to_html(
            "## 第一章  总则\n\n第一条 为了<规范>管理，制定本条例。\n<!-- x -->\n",
        );
        assert_eq!(
            html,
            "<h2>第一章  总则</h2>\n<p>第一条 为了&lt;规范&gt;管理，制定本条例。</p>\n"
        );
    }

    #[test]
    fn hash_is_stable() {
        // Pinned: changing the hash reshuffles the whole demo city.
        assert_eq!(stable_hash("abc"), stable_hash("abc"));
        assert_ne!(stable_hash("abc"), stable_hash("abd"));
        assert_eq!(
            stable_hash(""),
            0xcbf2_9ce4_8422_2325
                ^ (0xcbf2_9ce4_8422_2325u64 >> 29)
                ^ (0xcbf2_9ce4_8422_2325u64 >> 47)
        );
    }
}
