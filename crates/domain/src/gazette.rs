//! 政府公报 — the government gazette: issues numbered within a year, each a table of contents of
//! catalogue items grouped by section (规章, 行政规范性文件, 人事任免 …), and the rule that an issue
//! may only be published when every item it carries is published.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalogue::Genre;
use crate::item::{parse_date, FieldErrors};

vocabulary!(
    /// 公报栏目 — the sections of an issue, in the order they are printed.
    GazetteSection, "section" {
        Regulations => "regulations", "政府规章";
        NormativeDocuments => "normative_documents", "行政规范性文件";
        OtherDocuments => "other_documents", "其他文件";
        Personnel => "personnel", "人事任免";
        Other => "other", "其他";
    }
);

impl GazetteSection {
    /// The section an item of `genre` is printed under.
    pub fn of_genre(genre: Genre) -> GazetteSection {
        match genre {
            Genre::Regulation => GazetteSection::Regulations,
            Genre::NormativeDocument => GazetteSection::NormativeDocuments,
            Genre::OtherDocument | Genre::Notice | Genre::Plan | Genre::Budget => {
                GazetteSection::OtherDocuments
            }
            Genre::PersonnelNotice => GazetteSection::Personnel,
            _ => GazetteSection::Other,
        }
    }
}

/// An issue as typed: 年份, 期号 and the date on the cover.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IssueInput {
    pub year: String,
    pub number: String,
    pub issued_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidIssue {
    pub year: i32,
    pub number: i32,
    pub issued_on: NaiveDate,
}

impl IssueInput {
    pub fn validate(&self) -> Result<ValidIssue, FieldErrors> {
        let mut e = FieldErrors::default();
        let year = match self.year.trim().parse::<i32>() {
            Ok(y) if (1949..=2200).contains(&y) => y,
            _ => {
                e.add("year", "请填写四位年份");
                0
            }
        };
        // Monthly gazettes have 12 issues, semi-monthly 24; special issues (增刊) come on top.
        let number = match self.number.trim().parse::<i32>() {
            Ok(n) if (1..=99).contains(&n) => n,
            _ => {
                e.add("number", "期号须为 1 到 99 的整数");
                0
            }
        };
        let issued_on = match parse_date(&self.issued_on) {
            Some(d) => Some(d),
            None => {
                e.add("issued_on", "请按 YYYY-MM-DD 填写出版日期");
                None
            }
        };
        if let Some(d) = issued_on {
            if year != 0 && chrono::Datelike::year(&d) != year {
                e.add("issued_on", "出版日期须在本期所属年份内");
            }
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidIssue {
            year,
            number,
            issued_on: issued_on.expect("checked"),
        })
    }
}

/// 2026年第3期
pub fn issue_label(year: i32, number: i32) -> String {
    format!("{year}年第{number}期")
}

/// An issue may be published only when it carries at least one item and every item is
/// published; `entries` are (title, published?) in contents order. The error names the items.
pub fn check_publishable(entries: &[(String, bool)]) -> Result<(), String> {
    if entries.is_empty() {
        return Err("本期公报没有目录内容，不能发布".into());
    }
    let pending: Vec<&str> = entries
        .iter()
        .filter(|(_, published)| !published)
        .map(|(t, _)| t.as_str())
        .collect();
    if pending.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "以下信息尚未发布，本期公报不能发布：《{}》",
            pending.join("》《")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_fields_are_checked_together() {
        let v = IssueInput {
            year: "2026".into(),
            number: "3".into(),
            issued_on: "2026-03-15".into(),
        }
        .validate()
        .unwrap();
        assert_eq!((v.year, v.number), (2026, 3));
        let e = IssueInput {
            year: "26".into(),
            number: "0".into(),
            issued_on: "昨天".into(),
        }
        .validate()
        .unwrap_err();
        assert!(
            e.get("year").is_some() && e.get("number").is_some() && e.get("issued_on").is_some()
        );
        let e = IssueInput {
            year: "2026".into(),
            number: "1".into(),
            issued_on: "2025-12-31".into(),
        }
        .validate()
        .unwrap_err();
        assert!(e.get("issued_on").is_some());
    }

    #[test]
    fn sections_follow_genre() {
        assert_eq!(
            GazetteSection::of_genre(Genre::Regulation),
            GazetteSection::Regulations
        );
        assert_eq!(
            GazetteSection::of_genre(Genre::PersonnelNotice),
            GazetteSection::Personnel
        );
        assert_eq!(issue_label(2026, 3), "2026年第3期");
    }

    #[test]
    fn unpublished_items_block_publication() {
        assert!(check_publishable(&[]).is_err());
        assert!(check_publishable(&[("甲".into(), true)]).is_ok());
        let e = check_publishable(&[
            ("甲".into(), true),
            ("乙".into(), false),
            ("丙".into(), false),
        ])
        .unwrap_err();
        assert!(e.contains("《乙》《丙》"), "{e}");
    }
}
