//! 集约化 — one platform, many sites; columns (栏目) and the portal modules they belong to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// 栏目类型 — what a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// A list of catalogue items with the full metadata header.
    Catalogue,
    /// A list of articles (news, notices).
    Articles,
    /// A link to another page or site.
    Link,
    /// A single page (e.g. 政府信息公开指南).
    SinglePage,
}

impl ColumnKind {
    pub const ALL: &'static [ColumnKind] =
        &[ColumnKind::Catalogue, ColumnKind::Articles, ColumnKind::Link, ColumnKind::SinglePage];
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::Catalogue => "catalogue",
            ColumnKind::Articles => "articles",
            ColumnKind::Link => "link",
            ColumnKind::SinglePage => "single_page",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ColumnKind::Catalogue => "目录列表",
            ColumnKind::Articles => "文章列表",
            ColumnKind::Link => "链接",
            ColumnKind::SinglePage => "单页",
        }
    }
    /// Link columns hold nothing to publish, so monitoring never calls them stale or empty.
    pub fn holds_content(self) -> bool {
        !matches!(self, ColumnKind::Link)
    }
}

impl fmt::Display for ColumnKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ColumnKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        ColumnKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s.trim() || k.label_zh() == s.trim())
            .ok_or_else(|| DomainError::invalid("kind", format!("unknown column kind {s:?}")))
    }
}

/// 板块 — the portal modules the seed's city arranged its columns in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Module {
    /// 领导信息公开
    Leadership,
    /// 政务信息
    GovernmentAffairs,
    /// 基础信息公开
    Basic,
    /// 重点领域公开
    KeyAreas,
}

impl Module {
    pub const ALL: &'static [Module] =
        &[Module::Leadership, Module::GovernmentAffairs, Module::Basic, Module::KeyAreas];
    pub fn as_str(self) -> &'static str {
        match self {
            Module::Leadership => "leadership",
            Module::GovernmentAffairs => "government_affairs",
            Module::Basic => "basic",
            Module::KeyAreas => "key_areas",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Module::Leadership => "领导信息公开",
            Module::GovernmentAffairs => "政务信息",
            Module::Basic => "基础信息公开",
            Module::KeyAreas => "重点领域公开",
        }
    }
}

impl FromStr for Module {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        Module::ALL
            .iter()
            .copied()
            .find(|m| m.as_str() == s.trim() || m.label_zh() == s.trim())
            .ok_or_else(|| DomainError::invalid("module", format!("unknown module {s:?}")))
    }
}

/// A site's slug: the path prefix under which a sub-site is served (`/s/{slug}/`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SiteSlug(String);

impl SiteSlug {
    /// Lower-case ASCII letters, digits and dashes, 2-40 characters, starting with a letter: safe in
    /// URLs and file names without escaping.
    pub fn parse(s: &str) -> Result<SiteSlug, DomainError> {
        let ok_len = (2..=40).contains(&s.len());
        let ok_chars = s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
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
        assert_eq!("single_page".parse::<ColumnKind>().unwrap(), ColumnKind::SinglePage);
        assert!(!ColumnKind::Link.holds_content());
    }
}
