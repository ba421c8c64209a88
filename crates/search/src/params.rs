//! [`SearchRequest`] to and from URL query parameters, for the portal search page and
//! `GET /api/v1/search`. Unknown parameter names are refused (the HTTP layer answers 422),
//! so a misspelt filter never silently widens a search.
//!
//! | name | value |
//! |---|---|
//! | `q` | the query as typed |
//! | `site`, `org`, `column`, `subject` | a facet value (site slug, organisation code, …) |
//! | `genre`, `validity` | a code or Chinese label (sent back as the code) |
//! | `year` | a year, e.g. `2023` |
//! | `kind` | a [`DocKind`] code or Chinese label |
//! | `sort` | `relevance` (default) or `date` |
//! | `page` | 1-based page; `0` reads as 1, numbers past the end give an empty page |
//! | `per_page` | results per page, clamped to [`MAX_PER_PAGE`] |
//!
//! Empty values count as absent (HTML forms send empty selects). A name given twice with
//! different values is refused; with the same value it is accepted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::doc::{normalize_genre, normalize_validity, DocKind};
use crate::query::{Filters, SearchRequest, Sort, DEFAULT_PER_PAGE, MAX_PER_PAGE};

/// The parameter names [`SearchRequest::from_params`] accepts.
pub const PARAM_NAMES: [&str; 12] = [
    "q", "site", "org", "column", "subject", "genre", "year", "validity", "kind", "sort", "page",
    "per_page",
];

/// A parameter whose value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidParam {
    pub name: String,
    pub value: String,
    pub reason_zh: String,
    pub reason_en: String,
}

/// Why query parameters do not make a search request: every unknown name and every unusable
/// value, all at once. The HTTP layer answers 422 with it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ParamError {
    /// Unknown parameter names, sorted, each once.
    pub unknown: Vec<String>,
    pub invalid: Vec<InvalidParam>,
}

impl ParamError {
    pub fn message_zh(&self) -> String {
        let mut parts = Vec::new();
        if !self.unknown.is_empty() {
            parts.push(format!("不支持的参数：{}", self.unknown.join("、")));
        }
        for p in &self.invalid {
            parts.push(format!(
                "参数 {} 的值“{}”无效：{}",
                p.name, p.value, p.reason_zh
            ));
        }
        parts.join("；")
    }

    pub fn message_en(&self) -> String {
        let mut parts = Vec::new();
        if !self.unknown.is_empty() {
            parts.push(format!("unknown parameter(s): {}", self.unknown.join(", ")));
        }
        for p in &self.invalid {
            parts.push(format!(
                "invalid value {:?} for parameter {}: {}",
                p.value, p.name, p.reason_en
            ));
        }
        parts.join("; ")
    }
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.message_zh(), self.message_en())
    }
}

impl std::error::Error for ParamError {}

fn invalid(name: &str, value: &str, zh: &str, en: &str) -> InvalidParam {
    InvalidParam {
        name: name.to_string(),
        value: value.to_string(),
        reason_zh: zh.to_string(),
        reason_en: en.to_string(),
    }
}

/// A non-negative integer; values too large for `u32` saturate (a page far past the end is
/// an empty page, not an error).
fn parse_count(name: &str, v: &str) -> Result<u32, InvalidParam> {
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        let n = v.trim_start_matches('0');
        if n.is_empty() {
            return Ok(0);
        }
        return Ok(n.parse::<u32>().unwrap_or(u32::MAX));
    }
    Err(invalid(
        name,
        v,
        "应为非负整数",
        "expected a non-negative whole number",
    ))
}

impl SearchRequest {
    /// Builds a request from URL query parameters (already percent-decoded), refusing unknown
    /// names and unusable values; see the [module docs](crate::params) for names and values.
    /// An empty or missing `q` is not refused here: [`crate::SearchEngine::search`] answers it
    /// with [`crate::QueryProblem::Empty`], and a search page may show its empty form instead.
    pub fn from_params<I, K, V>(params: I) -> Result<SearchRequest, ParamError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut err = ParamError::default();
        let mut values: BTreeMap<&'static str, String> = BTreeMap::new();
        for (k, v) in params {
            let (k, v) = (k.as_ref(), v.as_ref());
            let Some(&name) = PARAM_NAMES.iter().find(|n| **n == k) else {
                if !err.unknown.iter().any(|u| u == k) {
                    err.unknown.push(k.to_string());
                }
                continue;
            };
            let v = if name == "q" {
                v.to_string()
            } else {
                v.trim().to_string()
            };
            if v.trim().is_empty() {
                continue;
            }
            match values.get(name) {
                Some(prev) if *prev != v => err.invalid.push(invalid(
                    name,
                    &v,
                    &format!("与先前的值“{prev}”冲突，只能给出一次"),
                    &format!("conflicts with the earlier value {prev:?}; give it once"),
                )),
                Some(_) => {}
                None => {
                    values.insert(name, v);
                }
            }
        }
        err.unknown.sort();

        let mut req = SearchRequest::default();
        let mut filters = Filters::default();
        for (name, v) in values {
            match name {
                "q" => req.q = v,
                "site" => filters.site = Some(v),
                "org" => filters.org = Some(v),
                "column" => filters.column = Some(v),
                "subject" => filters.subject = Some(v),
                "genre" => filters.genre = Some(normalize_genre(&v)),
                "validity" => filters.validity = Some(normalize_validity(&v)),
                "year" => match v.parse::<i32>() {
                    Ok(y) if (1000..=9999).contains(&y) => filters.year = Some(y),
                    _ => err.invalid.push(invalid(
                        name,
                        &v,
                        "应为四位年份，如 2023",
                        "expected a four-digit year such as 2023",
                    )),
                },
                "kind" => match v.parse::<DocKind>() {
                    Ok(k) => filters.kind = Some(k),
                    Err(_) => {
                        let codes: Vec<&str> = DocKind::ALL.iter().map(|k| k.as_str()).collect();
                        err.invalid.push(invalid(
                            name,
                            &v,
                            &format!("应为以下之一：{}", codes.join("、")),
                            &format!("expected one of {}", codes.join(", ")),
                        ));
                    }
                },
                "sort" => match v.as_str() {
                    "relevance" => req.sort = Sort::Relevance,
                    "date" => req.sort = Sort::Date,
                    _ => err.invalid.push(invalid(
                        name,
                        &v,
                        "应为 relevance 或 date",
                        "expected relevance or date",
                    )),
                },
                "page" => match parse_count(name, &v) {
                    Ok(n) => req.page = n.max(1),
                    Err(e) => err.invalid.push(e),
                },
                "per_page" => match parse_count(name, &v) {
                    Ok(0) => req.per_page = DEFAULT_PER_PAGE,
                    Ok(n) => req.per_page = n.min(MAX_PER_PAGE),
                    Err(e) => err.invalid.push(e),
                },
                _ => unreachable!("every name in PARAM_NAMES is handled"),
            }
        }
        req.filters = filters;
        if err.unknown.is_empty() && err.invalid.is_empty() {
            Ok(req)
        } else {
            Err(err)
        }
    }

    /// The request as query parameters, defaults left out, in [`PARAM_NAMES`] order, for
    /// building facet, sort and paging links (encode the values before joining them).
    /// `from_params(to_params())` gives the request back.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        fn text(out: &mut Vec<(&'static str, String)>, name: &'static str, v: Option<&str>) {
            if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
                out.push((name, v.to_string()));
            }
        }
        let mut out: Vec<(&'static str, String)> = Vec::new();
        if !self.q.trim().is_empty() {
            out.push(("q", self.q.clone()));
        }
        let f = &self.filters;
        text(&mut out, "site", f.site.as_deref());
        text(&mut out, "org", f.org.as_deref());
        text(&mut out, "column", f.column.as_deref());
        text(&mut out, "subject", f.subject.as_deref());
        text(
            &mut out,
            "genre",
            f.genre.as_deref().map(normalize_genre).as_deref(),
        );
        if let Some(y) = f.year {
            out.push(("year", y.to_string()));
        }
        text(
            &mut out,
            "validity",
            f.validity.as_deref().map(normalize_validity).as_deref(),
        );
        if let Some(k) = f.kind {
            out.push(("kind", k.as_str().to_string()));
        }
        if self.sort == Sort::Date {
            out.push(("sort", "date".to_string()));
        }
        if self.page() > 1 {
            out.push(("page", self.page().to_string()));
        }
        if self.per_page() != DEFAULT_PER_PAGE as usize {
            out.push(("per_page", self.per_page().to_string()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<SearchRequest, ParamError> {
        SearchRequest::from_params(pairs.iter().copied())
    }

    #[test]
    fn every_parameter_is_read() {
        let r = parse(&[
            ("q", " 低保 标准 "),
            ("site", "city"),
            ("org", "000014349"),
            ("column", "policy"),
            ("subject", "社会保障"),
            ("genre", "行政规范性文件"),
            ("year", "2023"),
            ("validity", "有效"),
            ("kind", "政策解读"),
            ("sort", "date"),
            ("page", "3"),
            ("per_page", "20"),
        ])
        .unwrap();
        assert_eq!(r.q, " 低保 标准 ");
        assert_eq!(
            r.filters,
            Filters {
                site: Some("city".into()),
                org: Some("000014349".into()),
                column: Some("policy".into()),
                subject: Some("社会保障".into()),
                genre: Some("normative_document".into()),
                year: Some(2023),
                validity: Some("valid".into()),
                kind: Some(DocKind::Interpretation),
            }
        );
        assert_eq!((r.sort, r.page, r.per_page), (Sort::Date, 3, 20));
        assert_eq!(SearchRequest::from_params(r.to_params()).unwrap(), r);
    }

    #[test]
    fn unknown_names_are_all_reported() {
        let e = parse(&[
            ("q", "低保"),
            ("sitee", "city"),
            ("Q", "x"),
            ("sitee", "y"),
            ("page", "x"),
        ])
        .unwrap_err();
        assert_eq!(e.unknown, vec!["Q".to_string(), "sitee".to_string()]);
        assert_eq!(e.invalid.len(), 1);
        assert_eq!(e.invalid[0].name, "page");
        let msg = e.to_string();
        assert!(msg.contains("不支持的参数：Q、sitee"), "{msg}");
        assert!(msg.contains("unknown parameter(s): Q, sitee"), "{msg}");
    }

    #[test]
    fn bad_values_are_refused_with_their_name() {
        for (name, value) in [
            ("year", "二〇二三"),
            ("year", "99999"),
            ("kind", "法律"),
            ("sort", "newest"),
            ("page", "-1"),
            ("per_page", "1.5"),
        ] {
            let e = parse(&[(name, value)]).unwrap_err();
            assert!(e.unknown.is_empty());
            assert_eq!(
                (e.invalid[0].name.as_str(), e.invalid[0].value.as_str()),
                (name, value)
            );
        }
        let e = parse(&[("site", "a"), ("site", "b")]).unwrap_err();
        assert_eq!(e.invalid[0].name, "site");
        assert!(parse(&[("site", "a"), ("site", " a ")]).is_ok());
    }

    #[test]
    fn empty_values_are_absent_and_numbers_are_corrected() {
        let r = parse(&[
            ("q", ""),
            ("site", ""),
            ("year", " "),
            ("page", "0"),
            ("per_page", "100000"),
        ])
        .unwrap();
        assert_eq!(r.q, "");
        assert!(r.filters.is_empty());
        assert_eq!((r.page, r.per_page), (1, MAX_PER_PAGE));
        let r = parse(&[("page", "99999999999999999999"), ("per_page", "0")]).unwrap();
        assert_eq!((r.page, r.per_page), (u32::MAX, DEFAULT_PER_PAGE));
        assert_eq!(parse(&[]).unwrap(), SearchRequest::default());
        assert!(SearchRequest::default().to_params().is_empty());
    }
}
