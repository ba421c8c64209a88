//! 表四 — 政府信息公开行政复议、行政诉讼情况 (reconsideration and litigation): three blocks of five
//! cells, fifteen numbers. The table is the same in the 2019 and 2021 formats.

use serde::{Deserialize, Serialize};

use super::Inconsistency;

/// A block of table 四.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table4Block {
    /// 行政复议
    Reconsideration,
    /// 行政诉讼 — 未经复议直接起诉
    LitigationDirect,
    /// 行政诉讼 — 复议后起诉
    LitigationAfterReconsideration,
}

impl Table4Block {
    pub const ALL: [Table4Block; 3] = [
        Table4Block::Reconsideration,
        Table4Block::LitigationDirect,
        Table4Block::LitigationAfterReconsideration,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Table4Block::Reconsideration => "reconsideration",
            Table4Block::LitigationDirect => "litigation_direct",
            Table4Block::LitigationAfterReconsideration => "litigation_after_reconsideration",
        }
    }

    /// The block's heading path in the official table.
    pub fn label(self) -> &'static str {
        match self {
            Table4Block::Reconsideration => "行政复议",
            Table4Block::LitigationDirect => "行政诉讼 / 未经复议直接起诉",
            Table4Block::LitigationAfterReconsideration => "行政诉讼 / 复议后起诉",
        }
    }
}

/// A column of a table 四 block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table4Column {
    /// 结果维持
    Upheld,
    /// 结果纠正
    Corrected,
    /// 其他结果
    Other,
    /// 尚未审结
    Pending,
    /// 总计
    Total,
}

impl Table4Column {
    pub const ALL: [Table4Column; 5] = [
        Table4Column::Upheld,
        Table4Column::Corrected,
        Table4Column::Other,
        Table4Column::Pending,
        Table4Column::Total,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn label(self) -> &'static str {
        match self {
            Table4Column::Upheld => "结果维持",
            Table4Column::Corrected => "结果纠正",
            Table4Column::Other => "其他结果",
            Table4Column::Pending => "尚未审结",
            Table4Column::Total => "总计",
        }
    }
}

/// The fifteen numbers of table 四. Serialised as `{"reconsideration": [5 numbers],
/// "litigation_direct": [...], "litigation_after_reconsideration": [...]}`, each in column order
/// (结果维持, 结果纠正, 其他结果, 尚未审结, 总计).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table4 {
    reconsideration: [i64; 5],
    litigation_direct: [i64; 5],
    litigation_after_reconsideration: [i64; 5],
}

impl Table4 {
    pub fn new() -> Table4 {
        Table4::default()
    }

    fn block(&self, block: Table4Block) -> &[i64; 5] {
        match block {
            Table4Block::Reconsideration => &self.reconsideration,
            Table4Block::LitigationDirect => &self.litigation_direct,
            Table4Block::LitigationAfterReconsideration => &self.litigation_after_reconsideration,
        }
    }

    fn block_mut(&mut self, block: Table4Block) -> &mut [i64; 5] {
        match block {
            Table4Block::Reconsideration => &mut self.reconsideration,
            Table4Block::LitigationDirect => &mut self.litigation_direct,
            Table4Block::LitigationAfterReconsideration => {
                &mut self.litigation_after_reconsideration
            }
        }
    }

    pub fn get(&self, block: Table4Block, col: Table4Column) -> i64 {
        self.block(block)[col.index()]
    }

    pub fn set(&mut self, block: Table4Block, col: Table4Column, value: i64) {
        self.block_mut(block)[col.index()] = value;
    }

    /// Counts `n` more into a cell, as a generator does case by case.
    pub fn add(&mut self, block: Table4Block, col: Table4Column, n: i64) {
        self.block_mut(block)[col.index()] += n;
    }

    /// Fills each block's 总计 from its four outcomes.
    pub fn compute_totals(&mut self) {
        for block in Table4Block::ALL {
            let line = self.block_mut(block);
            line[Table4Column::Total.index()] = line[..Table4Column::Total.index()].iter().sum();
        }
    }

    /// No negative numbers, and each block's 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.
    pub fn check(&self) -> Vec<Inconsistency> {
        let mut out = Vec::new();
        for block in Table4Block::ALL {
            for col in Table4Column::ALL {
                let v = self.get(block, col);
                if v < 0 {
                    out.push(Inconsistency::new(
                        format!("表四 / {} / {}", block.label(), col.label()),
                        "数量不能为负",
                        "≥ 0",
                        v,
                    ));
                }
            }
        }
        for block in Table4Block::ALL {
            let line = self.block(block);
            let sum: i64 = line[..Table4Column::Total.index()].iter().sum();
            let total = line[Table4Column::Total.index()];
            if sum != total {
                out.push(Inconsistency::new(
                    format!("表四 / {} / 总计", block.label()),
                    "总计应等于结果维持、结果纠正、其他结果、尚未审结之和",
                    sum,
                    total,
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Table4Block as B;
    use Table4Column as C;

    fn sample() -> Table4 {
        let mut t = Table4::new();
        t.set(B::Reconsideration, C::Upheld, 10);
        t.set(B::Reconsideration, C::Corrected, 23);
        t.set(B::Reconsideration, C::Other, 10);
        t.add(B::LitigationDirect, C::Upheld, 6);
        t.add(B::LitigationAfterReconsideration, C::Pending, 1);
        t.compute_totals();
        t
    }

    #[test]
    fn fifteen_cells_and_their_totals() {
        assert_eq!(B::ALL.len() * C::ALL.len(), 15);
        let t = sample();
        assert_eq!(t.get(B::Reconsideration, C::Total), 43);
        assert_eq!(t.get(B::LitigationAfterReconsideration, C::Total), 1);
        assert!(t.check().is_empty());
    }

    #[test]
    fn a_wrong_total_is_found() {
        let mut t = sample();
        t.set(B::LitigationDirect, C::Total, 7);
        let found = t.check();
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].location,
            "表四 / 行政诉讼 / 未经复议直接起诉 / 总计"
        );
        assert_eq!(
            (found[0].expected.as_str(), found[0].found.as_str()),
            ("6", "7")
        );
    }

    #[test]
    fn a_negative_number_is_found() {
        let mut t = sample();
        t.set(B::Reconsideration, C::Pending, -2);
        t.compute_totals();
        let found = t.check();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].location, "表四 / 行政复议 / 尚未审结");
    }

    #[test]
    fn serde_shape_is_three_arrays_of_five() {
        let json = serde_json::to_value(sample()).unwrap();
        assert_eq!(
            json["reconsideration"],
            serde_json::json!([10, 23, 10, 0, 43])
        );
        let short = r#"{"reconsideration": [1,2,3,4], "litigation_direct": [0,0,0,0,0], "litigation_after_reconsideration": [0,0,0,0,0]}"#;
        assert!(serde_json::from_str::<Table4>(short)
            .unwrap_err()
            .to_string()
            .contains("length 4"));
    }
}
