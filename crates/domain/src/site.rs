//! 集约化 — one platform, many sites; columns (栏目) and the portal modules they belong to.

use serde::{Deserialize, Serialize};

use crate::DomainError;

vocabulary!(
    /// 栏目类型 — what a column holds: a catalogue list (full metadata header), an article list, a link
    /// elsewhere, or a single page (e.g. 政府信息公开指南).
    ColumnKind, "kind" {
        Catalogue => "catalogue", "目录列表";
        Articles => "articles", "文章列表";
        Link => "link", "链接";
        SinglePage => "single_page", "单页";
    }
);

impl ColumnKind {
    /// Link columns hold nothing to publish, so monitoring never calls them stale or empty.
    pub fn holds_content(self) -> bool {
        !matches!(self, ColumnKind::Link)
    }
}

vocabulary!(
    /// 板块 — the portal modules the seed's city arranged its columns in.
    Module, "module" {
        Leadership => "leadership", "领导信息公开";
        GovernmentAffairs => "government_affairs", "政务信息";
        Basic => "basic", "基础信息公开";
        KeyAreas => "key_areas", "重点领域公开";
    }
);

/// A site's slug: the path prefix under which a sub-site is served (`/s/{slug}/`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SiteSlug(String);

impl SiteSlug {
    /// Lower-case ASCII letters, digits and dashes, 2-40 characters, starting with a letter: safe in
    /// URLs and file names without escaping.
    pub fn parse(s: &str) -> Result<SiteSlug, DomainError> {
        let ok_len = (2..=40).contains(&s.len());
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let ok_start = s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if ok_len && ok_chars && ok_start && !s.ends_with('-') {
            Ok(SiteSlug(s.to_string()))
        } else {
            Err(DomainError::invalid(
                "slug",
                "2-40 lower-case letters, digits or dashes, starting with a letter",
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SiteSlug {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        SiteSlug::parse(&s)
    }
}

impl From<SiteSlug> for String {
    fn from(s: SiteSlug) -> String {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(SiteSlug::parse("jyj").is_ok());
        assert!(SiteSlug::parse("county-2").is_ok());
        for bad in ["", "a", "Jyj", "1abc", "a b", "abc-", "教育局"] {
            assert!(SiteSlug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn modules_parse_from_chinese() {
        assert_eq!("重点领域公开".parse::<Module>().unwrap(), Module::KeyAreas);
        assert_eq!(
            "single_page".parse::<ColumnKind>().unwrap(),
            ColumnKind::SinglePage
        );
        assert!(!ColumnKind::Link.holds_content());
    }
}
