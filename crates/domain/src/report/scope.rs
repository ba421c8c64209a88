//! 统计范围 — whose records a report counts: one organisation (with the units under it), the city
//! level (市本级), the counties (县（市、区）) or the whole city.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Scope {
    /// 全市 — every organisation.
    City,
    /// 市本级 — organisations of the city level.
    CityLevel,
    /// 县（市、区） — organisations of the counties and the townships under them.
    Counties,
    /// One organisation by its code, with the organisations under it (a government's report
    /// covers its departments).
    Org(String),
}

impl Scope {
    /// The key written on the command line and stored: `city`, `city-level`, `counties`,
    /// `org:CODE`.
    pub fn key(&self) -> String {
        match self {
            Scope::City => "city".into(),
            Scope::CityLevel => "city-level".into(),
            Scope::Counties => "counties".into(),
            Scope::Org(code) => format!("org:{code}"),
        }
    }

    /// The scope in the report's words (an organisation's name is the caller's to supply).
    pub fn label_zh(&self) -> &'static str {
        match self {
            Scope::City => "全市",
            Scope::CityLevel => "市本级",
            Scope::Counties => "县（市、区）",
            Scope::Org(_) => "本机关",
        }
    }
}

impl FromStr for Scope {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Scope, DomainError> {
        match s.trim() {
            "city" => Ok(Scope::City),
            "city-level" => Ok(Scope::CityLevel),
            "counties" => Ok(Scope::Counties),
            other => match other.strip_prefix("org:") {
                Some(code) if !code.trim().is_empty() => Ok(Scope::Org(code.trim().to_uppercase())),
                _ => Err(DomainError::invalid(
                    "scope",
                    format!(
                        "unknown scope `{other}`: expected city, city-level, counties or org:CODE"
                    ),
                )),
            },
        }
    }
}

impl From<Scope> for String {
    fn from(s: Scope) -> String {
        s.key()
    }
}

impl TryFrom<String> for Scope {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Scope, DomainError> {
        s.parse()
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// 年报状态 — the drafting workflow: 草稿 → 已审核 → 已发布. Staff may send a reviewed draft back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Draft,
    Reviewed,
    Published,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Reviewed => "reviewed",
            ReportStatus::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<ReportStatus> {
        [
            ReportStatus::Draft,
            ReportStatus::Reviewed,
            ReportStatus::Published,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReportStatus::Draft => "草稿",
            ReportStatus::Reviewed => "已审核",
            ReportStatus::Published => "已发布",
        }
    }

    /// The status after `action` (`review`, `reopen`, `publish`), or why not. Publishing also
    /// needs the figures to pass every invariant; the caller checks that with the figures at hand.
    pub fn apply(self, action: &str) -> Result<ReportStatus, DomainError> {
        let refuse = |to: &str, reason: &str| DomainError::Transition {
            from: self.as_str().into(),
            to: to.into(),
            reason: reason.into(),
        };
        match (self, action) {
            (ReportStatus::Draft, "review") => Ok(ReportStatus::Reviewed),
            (ReportStatus::Reviewed, "reopen") => Ok(ReportStatus::Draft),
            (ReportStatus::Reviewed, "publish") => Ok(ReportStatus::Published),
            (ReportStatus::Draft, "publish") => Err(refuse(
                "published",
                "a draft is reviewed before it is published",
            )),
            (ReportStatus::Published, _) => Err(refuse(
                action,
                "a published report is not changed; publish a correction notice instead",
            )),
            (_, other) => Err(refuse(other, "no such action from this status")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_and_print() {
        for s in ["city", "city-level", "counties", "org:000014349"] {
            assert_eq!(s.parse::<Scope>().unwrap().key(), s);
        }
        assert_eq!(
            "org:abc".parse::<Scope>().unwrap(),
            Scope::Org("ABC".into())
        );
        let e = "province".parse::<Scope>().unwrap_err().to_string();
        assert!(e.contains("unknown scope `province`"), "{e}");
        assert!("org:".parse::<Scope>().is_err());
    }

    #[test]
    fn workflow_goes_draft_reviewed_published() {
        let s = ReportStatus::Draft;
        assert!(s.apply("publish").is_err());
        let s = s.apply("review").unwrap();
        assert_eq!(s.apply("reopen").unwrap(), ReportStatus::Draft);
        let s = s.apply("publish").unwrap();
        assert_eq!(s, ReportStatus::Published);
        assert!(s.apply("reopen").is_err());
    }
}
