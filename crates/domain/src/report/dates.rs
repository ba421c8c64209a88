//! The dates of an annual report: when it was signed (落款日期) and published (发布日期), and the
//! deadline for publishing it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Inconsistency;

/// Who publishes the report, which decides its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Publisher {
    /// 人民政府 — a people's government (through its disclosure office).
    Government,
    /// 政府部门 — a department of a government.
    Department,
}

impl Publisher {
    /// The last day to publish the report on `year` (Art. 49 of the 2019 Regulation: departments by
    /// 31 January, governments by 31 March; the 2007 Regulation's Art. 31 gave everyone 31 March,
    /// and still governed the reports on 2018 and before, published before the new one came into force).
    pub fn deadline(self, year: i32) -> NaiveDate {
        let (month, day) = match (self, year >= 2019) {
            (Publisher::Department, true) => (1, 31),
            _ => (3, 31),
        };
        NaiveDate::from_ymd_opt(year + 1, month, day).expect("a valid date")
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Publisher::Government => "人民政府",
            Publisher::Department => "政府部门",
        }
    }
}

/// The dates of the report on `year`; each check runs only on the dates given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportDates {
    pub year: i32,
    pub published: Option<NaiveDate>,
    pub signed: Option<NaiveDate>,
    pub publisher: Option<Publisher>,
}

impl ReportDates {
    /// A report on a year is signed after that year ends and no later than it is published, and
    /// published after the year ends and by its publisher's deadline.
    pub fn check(&self) -> Vec<Inconsistency> {
        let mut out = Vec::new();
        let year_end = NaiveDate::from_ymd_opt(self.year, 12, 31).expect("a valid year");
        if let Some(signed) = self.signed {
            if signed <= year_end {
                out.push(Inconsistency::new(
                    "落款日期",
                    format!("{}年度报告应在该年度结束后落款", self.year),
                    format!("晚于 {year_end}"),
                    signed,
                ));
            }
            if let Some(published) = self.published.filter(|p| signed > *p) {
                out.push(Inconsistency::new(
                    "落款日期",
                    "落款不能晚于发布日期",
                    format!("不晚于 {published}"),
                    signed,
                ));
            }
        }
        if let Some(published) = self.published {
            if published <= year_end {
                out.push(Inconsistency::new(
                    "发布日期",
                    format!("{}年度报告应在该年度结束后发布", self.year),
                    format!("晚于 {year_end}"),
                    published,
                ));
            }
            if let Some(p) = self.publisher {
                let deadline = p.deadline(self.year);
                if published > deadline {
                    out.push(Inconsistency::new(
                        "发布日期",
                        format!(
                            "{}的年度报告应在{}前公布",
                            p.label_zh(),
                            deadline.format("%-m月%-d日")
                        ),
                        format!("不晚于 {deadline}"),
                        published,
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        Some(s.parse().unwrap())
    }

    fn dates(published: &str, signed: &str) -> ReportDates {
        ReportDates {
            year: 2018,
            published: d(published),
            signed: d(signed),
            publisher: Some(Publisher::Government),
        }
    }

    #[test]
    fn the_seed_signature_is_a_year_early() {
        let found = dates("2019-02-24", "2018-02-24").check();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].to_string(),
            "落款日期：2018年度报告应在该年度结束后落款；应为 晚于 2018-12-31，实为 2018-02-24"
        );
        assert!(dates("2019-02-24", "2019-02-24").check().is_empty());
    }

    #[test]
    fn signed_after_publication_is_found() {
        let found = dates("2019-02-24", "2019-03-01").check();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "落款不能晚于发布日期");
    }

    #[test]
    fn published_within_the_year_is_found() {
        let found = ReportDates {
            year: 2018,
            published: d("2018-12-31"),
            signed: None,
            publisher: None,
        }
        .check();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].location, "发布日期");
    }

    #[test]
    fn deadlines_follow_the_regulation_in_force() {
        assert_eq!(
            Publisher::Department.deadline(2018),
            NaiveDate::from_ymd_opt(2019, 3, 31).unwrap()
        );
        assert_eq!(
            Publisher::Department.deadline(2019),
            NaiveDate::from_ymd_opt(2020, 1, 31).unwrap()
        );
        assert_eq!(
            Publisher::Government.deadline(2023),
            NaiveDate::from_ymd_opt(2024, 3, 31).unwrap()
        );
        let late = ReportDates {
            year: 2022,
            published: d("2023-02-01"),
            signed: d("2023-01-20"),
            publisher: Some(Publisher::Department),
        };
        let found = late.check();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "政府部门的年度报告应在1月31日前公布");
        let on_time = ReportDates {
            publisher: Some(Publisher::Government),
            ..late
        };
        assert!(on_time.check().is_empty());
    }
}
