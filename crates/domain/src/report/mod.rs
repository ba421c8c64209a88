//! 政府信息公开工作年度报告 — the annual report on government information disclosure: the
//! standard tables' structure and the checks that keep their figures honest.
//!
//! The seed's city counted its figures by hand and they did not add up. Here each table knows its
//! own totals (`compute_totals`) and lists every rule it breaks (`check`), so a report generated
//! from records is consistent by construction, and one typed in from an old report can be audited
//! (`check_file::CheckFile`, behind `gongkai report check`).
//!
//! Row and column keys are this module's own, stable strings (stored, typed in check files); they
//! do not depend on how request cases are classified elsewhere.

pub mod check_file;
pub mod dates;
pub mod figures;
pub mod scope;
pub mod table2;
pub mod table3;
pub mod table4;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use check_file::CheckFile;
pub use dates::{Publisher, ReportDates};
pub use figures::Figure;
pub use scope::{ReportStatus, Scope};
pub use table2::{Table2, Table2Block, Table2Column, Table2Row, ValueKind};
pub use table3::{Table3, Table3Column, Table3Line, Table3Row};
pub use table4::{Table4, Table4Block, Table4Column};

/// 年度报告格式 — which State Council format a report follows. The formats differ in table 二
/// and in table 三 row （六）.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReportFormat {
    /// 试行格式 — the 2019 trial format (国办公开办函〔2019〕60号), for the 2019 and 2020 reports.
    #[serde(rename = "2019")]
    Trial2019,
    /// 标准格式 — the 2021 format (国办公开办函〔2021〕30号), from the 2021 report on.
    #[serde(rename = "2021")]
    Standard2021,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 2] = [ReportFormat::Trial2019, ReportFormat::Standard2021];

    /// The format a report on `year` must use; `None` before 2019, when reports were free text.
    pub fn for_year(year: i32) -> Option<ReportFormat> {
        match year {
            ..=2018 => None,
            2019 | 2020 => Some(ReportFormat::Trial2019),
            _ => Some(ReportFormat::Standard2021),
        }
    }

    /// Stable code, as written in check files.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Trial2019 => "2019",
            ReportFormat::Standard2021 => "2021",
        }
    }

    /// The notice that fixed the format.
    pub fn label_zh(self) -> &'static str {
        match self {
            ReportFormat::Trial2019 => "2019年试行格式（国办公开办函〔2019〕60号）",
            ReportFormat::Standard2021 => "2021年格式（国办公开办函〔2021〕30号）",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// 不一致之处 — one rule a report breaks, located in human terms
/// (e.g. `表三 / 三（七）总计 / 商业企业`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inconsistency {
    /// Where: table, row and column, or the figure's label and key.
    pub location: String,
    /// What the rules make the value.
    pub expected: String,
    /// What the report says.
    pub found: String,
    /// The rule broken, in Chinese.
    pub rule: String,
}

impl Inconsistency {
    pub fn new(
        location: impl Into<String>,
        rule: impl Into<String>,
        expected: impl ToString,
        found: impl ToString,
    ) -> Inconsistency {
        Inconsistency {
            location: location.into(),
            expected: expected.to_string(),
            found: found.to_string(),
            rule: rule.into(),
        }
    }
}

impl fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}：{}；应为 {}，实为 {}",
            self.location, self.rule, self.expected, self.found
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_report_year() {
        assert_eq!(ReportFormat::for_year(2018), None);
        assert_eq!(ReportFormat::for_year(2019), Some(ReportFormat::Trial2019));
        assert_eq!(ReportFormat::for_year(2020), Some(ReportFormat::Trial2019));
        assert_eq!(
            ReportFormat::for_year(2021),
            Some(ReportFormat::Standard2021)
        );
        assert_eq!(
            ReportFormat::for_year(2030),
            Some(ReportFormat::Standard2021)
        );
    }

    #[test]
    fn inconsistency_reads_in_chinese() {
        let i = Inconsistency::new(
            "表三 / 三（七）总计 / 商业企业",
            "（七）总计应等于各项办理结果之和",
            5,
            6,
        );
        assert_eq!(
            i.to_string(),
            "表三 / 三（七）总计 / 商业企业：（七）总计应等于各项办理结果之和；应为 5，实为 6"
        );
    }
}
