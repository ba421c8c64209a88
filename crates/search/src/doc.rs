//! The document model every public content type is indexed through.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::error::SearchError;

/// Declares [`DocKind`]; adding a content type is one line here (code, Chinese label).
macro_rules! doc_kinds {
    ($($variant:ident => $code:literal, $zh:literal;)+) => {
        /// 内容类型 — which kind of public content a search document is. The code doubles as the
        /// prefix of document ids (`item:42`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum DocKind { $($variant),+ }

        impl DocKind {
            pub const ALL: &'static [DocKind] = &[$(DocKind::$variant),+];

            /// Stable code stored in the index and used in URLs and ids.
            pub fn as_str(self) -> &'static str {
                match self { $(DocKind::$variant => $code),+ }
            }

            /// The name shown to the public (facet labels, result badges).
            pub fn label_zh(self) -> &'static str {
                match self { $(DocKind::$variant => $zh),+ }
            }
        }
    };
}

doc_kinds! {
    Item => "item", "政府信息";
    Letter => "letter", "信件";
    Interpretation => "interpretation", "政策解读";
    Interview => "interview", "在线访谈";
    PressConference => "press_conference", "新闻发布会";
    Survey => "survey", "征集调查";
    RequestReply => "request_reply", "依申请公开答复";
    Gazette => "gazette", "政府公报";
    ServiceGuide => "service_guide", "办事指南";
    Trading => "trading", "公共资源交易";
    Consultation => "consultation", "公开征求意见";
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DocKind {
    type Err = SearchError;
    /// Accepts the code or the Chinese label.
    fn from_str(s: &str) -> Result<Self, SearchError> {
        let s = s.trim();
        DocKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s || k.label_zh() == s)
            .ok_or_else(|| SearchError::UnknownValue {
                field: "kind",
                value: s.to_string(),
            })
    }
}

/// One searchable piece of public content. Storage builds these from its rows; the index keeps
/// every field, so a document can be re-tokenised from the index alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchDoc {
    /// Unique across kinds, by convention `<kind>:<key>` (`item:42`); upserts replace by id.
    pub id: String,
    pub kind: DocKind,
    pub title: String,
    /// Plain text; callers strip markup first.
    pub body: String,
    pub url: String,
    pub published: Option<NaiveDateTime>,
    /// Sites (by slug) the content is published on; content can be shared between sites.
    pub site_slugs: Vec<String>,
    /// 机构代码 — the publishing organisation's code.
    pub org_code: Option<String>,
    pub org_name: Option<String>,
    /// 栏目 — columns the content sits in.
    pub columns: Vec<String>,
    /// 主题分类 — subject classification.
    pub subject: Option<String>,
    /// 体裁分类 — genre; codes or labels of `gongkai_domain::catalogue::Genre` are normalised to the
    /// code, anything else is kept as given.
    pub genre: Option<String>,
    /// The year the content belongs to; when absent, the year of `published` is indexed.
    pub year: Option<i32>,
    /// 有效性 — validity; normalised like `genre` through `gongkai_domain::catalogue::Validity`.
    pub validity: Option<String>,
    /// 索引号 — catalogue index number, looked up exactly.
    pub index_no: Option<String>,
    /// 文号 — document number as published (raw); looked up in any spelling through
    /// `gongkai_domain::doc_number::normalize`.
    pub doc_number: Option<String>,
}

impl SearchDoc {
    /// A document with the required parts; the id is `<kind>:<key>`.
    pub fn new(
        kind: DocKind,
        key: impl fmt::Display,
        title: impl Into<String>,
        body: impl Into<String>,
    ) -> SearchDoc {
        SearchDoc {
            id: format!("{}:{}", kind.as_str(), key),
            kind,
            title: title.into(),
            body: body.into(),
            url: String::new(),
            published: None,
            site_slugs: Vec::new(),
            org_code: None,
            org_name: None,
            columns: Vec::new(),
            subject: None,
            genre: None,
            year: None,
            validity: None,
            index_no: None,
            doc_number: None,
        }
    }

    /// The year indexed for the year filter and facet.
    pub fn effective_year(&self) -> Option<i32> {
        use chrono::Datelike;
        self.year.or_else(|| self.published.map(|p| p.year()))
    }

    pub(crate) fn validate(&self) -> Result<(), SearchError> {
        let invalid = |reason: &str| SearchError::InvalidDoc {
            id: self.id.clone(),
            reason: reason.to_string(),
        };
        if self.id.trim().is_empty() {
            return Err(invalid("empty id"));
        }
        if self.id.trim() != self.id {
            return Err(invalid("id has surrounding whitespace"));
        }
        // Raw fields are single index terms; tantivy drops terms past 64 KiB silently.
        if self.id.len() > 512 {
            return Err(invalid("id longer than 512 bytes"));
        }
        Ok(())
    }
}

/// Normalises a genre value to the domain code when it is one of the statutory genres.
pub(crate) fn normalize_genre(s: &str) -> String {
    let s = s.trim();
    s.parse::<gongkai_domain::catalogue::Genre>()
        .map(|g| g.as_str().to_string())
        .unwrap_or_else(|_| s.to_string())
}

/// Normalises a validity value to the domain code when it is one of the statutory values.
pub(crate) fn normalize_validity(s: &str) -> String {
    let s = s.trim();
    s.parse::<gongkai_domain::catalogue::Validity>()
        .map(|v| v.as_str().to_string())
        .unwrap_or_else(|_| s.to_string())
}

pub(crate) fn genre_label(code: &str) -> String {
    code.parse::<gongkai_domain::catalogue::Genre>()
        .map(|g| g.label_zh().to_string())
        .unwrap_or_else(|_| code.to_string())
}

pub(crate) fn validity_label(code: &str) -> String {
    code.parse::<gongkai_domain::catalogue::Validity>()
        .map(|v| v.label_zh().to_string())
        .unwrap_or_else(|_| code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_by_code_and_label() {
        for k in DocKind::ALL {
            assert_eq!(k.as_str().parse::<DocKind>().unwrap(), *k);
            assert_eq!(k.label_zh().parse::<DocKind>().unwrap(), *k);
        }
        assert!("法律".parse::<DocKind>().is_err());
    }

    #[test]
    fn new_builds_kind_prefixed_ids_and_validates() {
        let d = SearchDoc::new(DocKind::Letter, 7, "关于供暖的来信", "");
        assert_eq!(d.id, "letter:7");
        assert!(d.validate().is_ok());
        let mut bad = d.clone();
        bad.id = " ".into();
        assert!(bad.validate().is_err());
    }

    #[test]
    fn genre_and_validity_normalise_to_domain_codes() {
        assert_eq!(normalize_genre("行政规范性文件"), "normative_document");
        assert_eq!(normalize_genre("自定义"), "自定义");
        assert_eq!(genre_label("normative_document"), "行政规范性文件");
        assert_eq!(normalize_validity("有效"), "valid");
        assert_eq!(validity_label("repealed"), "废止");
    }

    #[test]
    fn effective_year_falls_back_to_published() {
        let mut d = SearchDoc::new(DocKind::Item, 1, "t", "b");
        d.published =
            chrono::NaiveDate::from_ymd_opt(2021, 3, 4).and_then(|d| d.and_hms_opt(0, 0, 0));
        assert_eq!(d.effective_year(), Some(2021));
        d.year = Some(2020);
        assert_eq!(d.effective_year(), Some(2020));
    }
}
