//! 表三 — 收到和处理政府信息公开申请情况 (requests received and handled), seven columns × all rows.

use serde::{Deserialize, Serialize};

use super::Inconsistency;
use crate::request::{ApplicantType, ReportFormat};

/// Number of numeric columns: six applicant types then 总计.
pub const COLUMNS: usize = 7;
/// Index of the 总计 column.
pub const TOTAL_COLUMN: usize = 6;

pub const ROW_NEW: &str = "new";
pub const ROW_CARRIED_OVER: &str = "carried_over";
pub const ROW_TOTAL: &str = "results_total";
pub const ROW_CARRIED_FORWARD: &str = "carried_forward";

/// A row of table 三 with its stable code and official wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub code: &'static str,
    pub label: String,
    /// A result row of section 三 (counted into （七）总计).
    pub is_result: bool,
}

/// The rows of table 三 for a format, in the official order.
pub fn rows(format: ReportFormat) -> Vec<Row> {
    let mut rows = vec![
        Row { code: ROW_NEW, label: "一、本年新收政府信息公开申请数量".into(), is_result: false },
        Row { code: ROW_CARRIED_OVER, label: "二、上年结转政府信息公开申请数量".into(), is_result: false },
    ];
    rows.extend(format.outcome_rows().into_iter().map(|r| Row {
        code: r.code,
        label: format!("三、本年度办理结果 {}", r.label),
        is_result: true,
    }));
    rows.push(Row { code: ROW_TOTAL, label: "三、本年度办理结果 （七）总计".into(), is_result: false });
    rows.push(Row { code: ROW_CARRIED_FORWARD, label: "四、结转下年度继续办理".into(), is_result: false });
    rows
}

/// Column headings: the applicant types, then 总计.
pub fn column_label(col: usize) -> String {
    if col == TOTAL_COLUMN {
        "总计".into()
    } else {
        ApplicantType::ALL[col].full_label()
    }
}

/// The figures of table 三.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table3 {
    pub format: ReportFormat,
    /// One line per row of `rows(format)`, in order.
    pub values: Vec<[i64; COLUMNS]>,
}

impl Table3 {
    pub fn zeros(format: ReportFormat) -> Table3 {
        Table3 { format, values: vec![[0; COLUMNS]; rows(format).len()] }
    }

    fn row_index(&self, code: &str) -> Option<usize> {
        rows(self.format).iter().position(|r| r.code == code)
    }

    pub fn get(&self, row: &str, col: usize) -> Option<i64> {
        self.row_index(row).and_then(|i| self.values.get(i)).map(|r| r[col])
    }

    /// Adds `n` to a cell; `false` when the row does not exist in this format.
    pub fn add(&mut self, row: &str, applicant: ApplicantType, n: i64) -> bool {
        match self.row_index(row) {
            Some(i) => {
                self.values[i][applicant.column()] += n;
                true
            }
            None => false,
        }
    }

    /// Fills the 总计 column and the （七）总计 row from their parts.
    pub fn compute_totals(&mut self) {
        for line in &mut self.values {
            line[TOTAL_COLUMN] = line[..TOTAL_COLUMN].iter().sum();
        }
        let rows = rows(self.format);
        let total_at = rows.iter().position(|r| r.code == ROW_TOTAL).expect("total row");
        let mut total = [0; COLUMNS];
        for (row, line) in rows.iter().zip(&self.values) {
            if row.is_result {
                for (t, v) in total.iter_mut().zip(line) {
                    *t += v;
                }
            }
        }
        self.values[total_at] = total;
    }

    /// Every rule the table breaks: shape, negatives, totals equal their parts, and per column
    /// 一 + 二 = 三（七） + 四.
    pub fn check(&self) -> Vec<Inconsistency> {
        let rows = rows(self.format);
        let mut out = Vec::new();
        if self.values.len() != rows.len() {
            out.push(Inconsistency {
                location: "表三".into(),
                rule: "行数与格式不符".into(),
                expected: rows.len().to_string(),
                found: self.values.len().to_string(),
            });
            return out;
        }
        let at = |code: &str| rows.iter().position(|r| r.code == code).expect("known row");
        let cell = |r: &Row, c: usize| format!("表三 / {} / {}", r.label, column_label(c));
        for (row, line) in rows.iter().zip(&self.values) {
            for (c, v) in line.iter().enumerate() {
                if *v < 0 {
                    out.push(Inconsistency {
                        location: cell(row, c),
                        rule: "数量不能为负".into(),
                        expected: "≥ 0".into(),
                        found: v.to_string(),
                    });
                }
            }
            let sum: i64 = line[..TOTAL_COLUMN].iter().sum();
            if sum != line[TOTAL_COLUMN] {
                out.push(Inconsistency {
                    location: cell(row, TOTAL_COLUMN),
                    rule: "总计应等于各类申请人之和".into(),
                    expected: sum.to_string(),
                    found: line[TOTAL_COLUMN].to_string(),
                });
            }
        }
        let total = &self.values[at(ROW_TOTAL)];
        for c in 0..COLUMNS {
            let sum: i64 =
                rows.iter().zip(&self.values).filter(|(r, _)| r.is_result).map(|(_, l)| l[c]).sum();
            if sum != total[c] {
                out.push(Inconsistency {
                    location: cell(&rows[at(ROW_TOTAL)], c),
                    rule: "（七）总计应等于各项办理结果之和".into(),
                    expected: sum.to_string(),
                    found: total[c].to_string(),
                });
            }
            let incoming = self.values[at(ROW_NEW)][c] + self.values[at(ROW_CARRIED_OVER)][c];
            let outgoing = total[c] + self.values[at(ROW_CARRIED_FORWARD)][c];
            if incoming != outgoing {
                out.push(Inconsistency {
                    location: format!("表三 / {}", column_label(c)),
                    rule: "一 + 二 应等于 三（七） + 四".into(),
                    expected: incoming.to_string(),
                    found: outgoing.to_string(),
                });
            }
        }
        out
    }
}

/// Next year's 上年结转 must equal this year's 结转下年度, column by column.
pub fn check_carry_over(this_year: &Table3, next_year: &Table3) -> Vec<Inconsistency> {
    let (Some(fwd), Some(over)) = (
        rows(this_year.format).iter().position(|r| r.code == ROW_CARRIED_FORWARD),
        rows(next_year.format).iter().position(|r| r.code == ROW_CARRIED_OVER),
    ) else {
        return Vec::new();
    };
    (0..COLUMNS)
        .filter(|&c| this_year.values.get(fwd).map(|l| l[c]) != next_year.values.get(over).map(|l| l[c]))
        .map(|c| Inconsistency {
            location: format!("表三 / 二、上年结转 / {}", column_label(c)),
            rule: "应等于上一年度的“四、结转下年度继续办理”".into(),
            expected: this_year.values.get(fwd).map_or(0, |l| l[c]).to_string(),
            found: next_year.values.get(over).map_or(0, |l| l[c]).to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Outcome;

    fn sample() -> Table3 {
        let mut t = Table3::zeros(ReportFormat::Standard2021);
        t.add(ROW_NEW, ApplicantType::ALL[0], 100);
        t.add(ROW_NEW, ApplicantType::ALL[1], 26);
        t.add(ROW_CARRIED_OVER, ApplicantType::ALL[0], 3);
        t.add(Outcome::Disclosed.as_str(), ApplicantType::ALL[0], 90);
        t.add(Outcome::StateSecret.as_str(), ApplicantType::ALL[0], 10);
        t.add(Outcome::Disclosed.as_str(), ApplicantType::ALL[1], 26);
        t.add(ROW_CARRIED_FORWARD, ApplicantType::ALL[0], 3);
        t.compute_totals();
        t
    }

    #[test]
    fn official_shape() {
        let r = rows(ReportFormat::Standard2021);
        assert_eq!(r.len(), 2 + 21 + 2);
        assert_eq!(rows(ReportFormat::Trial2019).len(), 2 + 19 + 2);
        assert_eq!(column_label(TOTAL_COLUMN), "总计");
        assert!(r.last().unwrap().label.starts_with("四、"));
    }

    #[test]
    fn computed_table_is_consistent() {
        let t = sample();
        assert_eq!(t.check(), vec![]);
        assert_eq!(t.get(ROW_TOTAL, TOTAL_COLUMN), Some(126));
    }

    #[test]
    fn each_broken_rule_is_found() {
        let mut t = sample();
        t.values[0][TOTAL_COLUMN] += 1; // 一 total no longer the sum of its parts
        let found = t.check();
        assert!(found.iter().any(|i| i.rule.contains("各类申请人之和")), "{found:?}");
        assert!(found.iter().any(|i| i.rule.contains("一 + 二")), "{found:?}");

        let mut t = sample();
        let total_row = t.values.len() - 2;
        t.values[total_row][0] -= 1;
        assert!(t.check().iter().any(|i| i.rule.contains("（七）总计")));

        let mut t = sample();
        t.values[2][1] = -1;
        assert!(t.check().iter().any(|i| i.rule.contains("负")));
    }

    #[test]
    fn carry_over_must_match_next_year() {
        let this = sample();
        let mut next = Table3::zeros(ReportFormat::Standard2021);
        next.add(ROW_CARRIED_OVER, ApplicantType::ALL[0], 3);
        next.compute_totals();
        assert!(check_carry_over(&this, &next).is_empty());
        next.values[1][0] = 2;
        assert_eq!(check_carry_over(&this, &next).len(), 1);
    }
}
