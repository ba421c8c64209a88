//! 表四 — 政府信息公开行政复议、行政诉讼情况: three blocks of five cells.

use serde::{Deserialize, Serialize};

use super::Inconsistency;

/// The five outcome cells of each block, in the official order.
pub const OUTCOME_LABELS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// One block: upheld, corrected, other, pending, total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub upheld: i64,
    pub corrected: i64,
    pub other: i64,
    pub pending: i64,
    pub total: i64,
}

impl Block {
    pub fn cells(&self) -> [i64; 5] {
        [self.upheld, self.corrected, self.other, self.pending, self.total]
    }
    pub fn with_total(mut self) -> Block {
        self.total = self.upheld + self.corrected + self.other + self.pending;
        self
    }
}

/// The fifteen numbers of table 四.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table4 {
    /// 行政复议
    pub reconsideration: Block,
    /// 行政诉讼 — 未经复议直接起诉
    pub litigation_direct: Block,
    /// 行政诉讼 — 复议后起诉
    pub litigation_after_reconsideration: Block,
}

impl Table4 {
    pub fn blocks(&self) -> [(&'static str, Block); 3] {
        [
            ("行政复议", self.reconsideration),
            ("行政诉讼 / 未经复议直接起诉", self.litigation_direct),
            ("行政诉讼 / 复议后起诉", self.litigation_after_reconsideration),
        ]
    }

    pub fn check(&self) -> Vec<Inconsistency> {
        let mut out = Vec::new();
        for (name, b) in self.blocks() {
            for (label, v) in OUTCOME_LABELS.iter().zip(b.cells()) {
                if v < 0 {
                    out.push(Inconsistency {
                        location: format!("表四 / {name} / {label}"),
                        rule: "数量不能为负".into(),
                        expected: "≥ 0".into(),
                        found: v.to_string(),
                    });
                }
            }
            let sum = b.with_total().total;
            if sum != b.total {
                out.push(Inconsistency {
                    location: format!("表四 / {name} / 总计"),
                    rule: "总计应等于各项结果之和".into(),
                    expected: sum.to_string(),
                    found: b.total.to_string(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifteen_cells_and_totals() {
        let t = Table4 {
            reconsideration: Block { upheld: 10, corrected: 23, other: 10, pending: 0, total: 43 },
            litigation_direct: Block { upheld: 7, total: 7, ..Block::default() },
            ..Table4::default()
        };
        assert_eq!(t.blocks().iter().map(|(_, b)| b.cells().len()).sum::<usize>(), 15);
        assert!(t.check().is_empty());
        let bad = Table4 { reconsideration: Block { total: 44, ..t.reconsideration }, ..t };
        assert_eq!(bad.check().len(), 1);
    }
}
