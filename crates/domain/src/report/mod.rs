//! 政府信息公开工作年度报告 — the annual report's tables and the checks that make their totals honest.
//!
//! The seed's city counted its figures by hand and they did not add up. Here a table knows its own
//! totals (`compute_totals`) and lists every broken rule (`check`), so a generated report is
//! consistent by construction and a hand-typed one can be audited (`figures::CheckFile`).

pub mod figures;
pub mod table3;
pub mod table4;

use std::fmt;

use serde::Serialize;

/// One rule a report breaks, located in human terms (e.g. `表三 / 三（七）总计 / 商业企业`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inconsistency {
    pub location: String,
    pub rule: String,
    pub expected: String,
    pub found: String,
}

impl fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}；应为 {}，实为 {}", self.location, self.rule, self.expected, self.found)
    }
}
