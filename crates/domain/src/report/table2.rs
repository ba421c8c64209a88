//! 表二 — 主动公开政府信息情况 (proactive disclosure): blocks headed by the item of Article 20 they
//! report on, each with its own columns. The 2019 trial format and the 2021 format differ here.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Inconsistency, ReportFormat};
use crate::DomainError;

/// What a column holds, which decides what values are valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A number of documents, items or decisions: a whole number, not negative.
    Count,
    /// 本年增/减 — a whole number that may be negative.
    Change,
    /// A sum of money in 万元 (ten thousand yuan): may have decimals, not negative.
    Amount,
}

/// A column of table 二.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table2Column {
    /// 本年制发件数 (2021)
    Issued,
    /// 本年废止件数 (2021)
    Repealed,
    /// 现行有效件数 (2021)
    InForce,
    /// 本年处理决定数量 (2021)
    Decisions,
    /// 本年收费金额（单位：万元） (2021)
    FeeAmount,
    /// 本年新制作数量 (2019)
    NewlyMade,
    /// 本年新公开数量 (2019)
    NewlyPublished,
    /// 对外公开总数量 (2019)
    PublicTotal,
    /// 上一年项目数量 (2019)
    PreviousItems,
    /// 本年增/减 (2019)
    Change,
    /// 处理决定数量 (2019)
    DecisionsTrial,
    /// 采购项目数量 (2019)
    ProcurementProjects,
    /// 采购总金额 (2019)
    ProcurementAmount,
}

impl Table2Column {
    /// The column heading as the official table words it.
    pub fn label(self) -> &'static str {
        match self {
            Table2Column::Issued => "本年制发件数",
            Table2Column::Repealed => "本年废止件数",
            Table2Column::InForce => "现行有效件数",
            Table2Column::Decisions => "本年处理决定数量",
            Table2Column::FeeAmount => "本年收费金额（单位：万元）",
            Table2Column::NewlyMade => "本年新制作数量",
            Table2Column::NewlyPublished => "本年新公开数量",
            Table2Column::PublicTotal => "对外公开总数量",
            Table2Column::PreviousItems => "上一年项目数量",
            Table2Column::Change => "本年增/减",
            Table2Column::DecisionsTrial => "处理决定数量",
            Table2Column::ProcurementProjects => "采购项目数量",
            Table2Column::ProcurementAmount => "采购总金额",
        }
    }

    pub fn kind(self) -> ValueKind {
        match self {
            Table2Column::FeeAmount | Table2Column::ProcurementAmount => ValueKind::Amount,
            Table2Column::Change => ValueKind::Change,
            _ => ValueKind::Count,
        }
    }
}

/// A row of table 二 (信息内容).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table2Row {
    /// 规章
    Rules,
    /// 行政规范性文件 (2021) / 规范性文件 (2019)
    NormativeDocuments,
    /// 行政许可
    Licensing,
    /// 其他对外管理服务事项 (2019)
    OtherServices,
    /// 行政处罚
    Penalties,
    /// 行政强制
    Coercion,
    /// 行政事业性收费
    Fees,
    /// 政府集中采购 (2019)
    CentralProcurement,
}

impl Table2Row {
    pub const ALL: [Table2Row; 8] = [
        Table2Row::Rules,
        Table2Row::NormativeDocuments,
        Table2Row::Licensing,
        Table2Row::OtherServices,
        Table2Row::Penalties,
        Table2Row::Coercion,
        Table2Row::Fees,
        Table2Row::CentralProcurement,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Table2Row::Rules => "rules",
            Table2Row::NormativeDocuments => "normative_documents",
            Table2Row::Licensing => "licensing",
            Table2Row::OtherServices => "other_services",
            Table2Row::Penalties => "penalties",
            Table2Row::Coercion => "coercion",
            Table2Row::Fees => "fees",
            Table2Row::CentralProcurement => "central_procurement",
        }
    }

    pub fn from_key(key: &str) -> Option<Table2Row> {
        Table2Row::ALL.into_iter().find(|r| r.key() == key)
    }

    /// The row's 信息内容 as the format's table words it.
    pub fn label(self, format: ReportFormat) -> &'static str {
        match self {
            Table2Row::Rules => "规章",
            Table2Row::NormativeDocuments => match format {
                ReportFormat::Trial2019 => "规范性文件",
                ReportFormat::Standard2021 => "行政规范性文件",
            },
            Table2Row::Licensing => "行政许可",
            Table2Row::OtherServices => "其他对外管理服务事项",
            Table2Row::Penalties => "行政处罚",
            Table2Row::Coercion => "行政强制",
            Table2Row::Fees => "行政事业性收费",
            Table2Row::CentralProcurement => "政府集中采购",
        }
    }

    /// The block holding this row in `format`, if the format has the row.
    pub fn block(self, format: ReportFormat) -> Option<&'static Table2Block> {
        Table2Block::of(format)
            .iter()
            .find(|b| b.rows.contains(&self))
    }
}

impl fmt::Display for Table2Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for Table2Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Table2Row {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        Table2Row::from_key(&key).ok_or_else(|| {
            let known: Vec<&str> = Table2Row::ALL.iter().map(|r| r.key()).collect();
            serde::de::Error::custom(format!(
                "unknown table 二 row `{key}`, expected one of {}",
                known.join(", ")
            ))
        })
    }
}

/// A block of table 二: the Article 20 item it reports on (its heading), its columns and rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table2Block {
    /// e.g. 第二十条第（一）项
    pub item: &'static str,
    pub columns: &'static [Table2Column],
    pub rows: &'static [Table2Row],
}

use Table2Column as C;
use Table2Row as R;

const BLOCKS_2021: [Table2Block; 4] = [
    Table2Block {
        item: "第二十条第（一）项",
        columns: &[C::Issued, C::Repealed, C::InForce],
        rows: &[R::Rules, R::NormativeDocuments],
    },
    Table2Block {
        item: "第二十条第（五）项",
        columns: &[C::Decisions],
        rows: &[R::Licensing],
    },
    Table2Block {
        item: "第二十条第（六）项",
        columns: &[C::Decisions],
        rows: &[R::Penalties, R::Coercion],
    },
    Table2Block {
        item: "第二十条第（八）项",
        columns: &[C::FeeAmount],
        rows: &[R::Fees],
    },
];

const BLOCKS_2019: [Table2Block; 5] = [
    Table2Block {
        item: "第二十条第（一）项",
        columns: &[C::NewlyMade, C::NewlyPublished, C::PublicTotal],
        rows: &[R::Rules, R::NormativeDocuments],
    },
    Table2Block {
        item: "第二十条第（五）项",
        columns: &[C::PreviousItems, C::Change, C::DecisionsTrial],
        rows: &[R::Licensing, R::OtherServices],
    },
    Table2Block {
        item: "第二十条第（六）项",
        columns: &[C::PreviousItems, C::Change, C::DecisionsTrial],
        rows: &[R::Penalties, R::Coercion],
    },
    Table2Block {
        item: "第二十条第（八）项",
        columns: &[C::PreviousItems, C::Change],
        rows: &[R::Fees],
    },
    Table2Block {
        item: "第二十条第（九）项",
        columns: &[C::ProcurementProjects, C::ProcurementAmount],
        rows: &[R::CentralProcurement],
    },
];

impl Table2Block {
    /// The blocks of table 二 in `format`, in the official order.
    pub fn of(format: ReportFormat) -> &'static [Table2Block] {
        match format {
            ReportFormat::Standard2021 => &BLOCKS_2021,
            ReportFormat::Trial2019 => &BLOCKS_2019,
        }
    }
}

/// The figures of table 二: for every row of its format, one number per column of the row's block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "Table2Data", try_from = "Table2Data")]
pub struct Table2 {
    format: ReportFormat,
    /// Invariant: exactly the rows of `format`, each as long as its block's columns.
    cells: BTreeMap<Table2Row, Vec<f64>>,
}

/// The serialised shape: `{"format": "2021", "rows": {"rules": [1, 0, 25], "fees": [12.5], …}}`,
/// each row's numbers in its block's column order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table2Data {
    pub format: ReportFormat,
    pub rows: BTreeMap<Table2Row, Vec<f64>>,
}

impl From<Table2> for Table2Data {
    fn from(t: Table2) -> Table2Data {
        Table2Data {
            format: t.format,
            rows: t.cells,
        }
    }
}

impl TryFrom<Table2Data> for Table2 {
    type Error = DomainError;

    fn try_from(data: Table2Data) -> Result<Table2, DomainError> {
        let mut problems = Vec::new();
        for (row, values) in &data.rows {
            match row.block(data.format) {
                None => problems.push(format!(
                    "`{row}` is not a row of the {} format",
                    data.format
                )),
                Some(b) if b.columns.len() != values.len() => problems.push(format!(
                    "`{row}` needs {} numbers ({}), found {}",
                    b.columns.len(),
                    b.columns
                        .iter()
                        .map(|c| c.label())
                        .collect::<Vec<_>>()
                        .join(", "),
                    values.len()
                )),
                Some(_) => {}
            }
        }
        for b in Table2Block::of(data.format) {
            for row in b.rows.iter().filter(|r| !data.rows.contains_key(r)) {
                problems.push(format!(
                    "missing row `{row}` ({} / {})",
                    b.item,
                    row.label(data.format)
                ));
            }
        }
        if !problems.is_empty() {
            return Err(DomainError::invalid("table2.rows", problems.join("; ")));
        }
        Ok(Table2 {
            format: data.format,
            cells: data.rows,
        })
    }
}

impl Table2 {
    /// An all-zero table of `format`.
    pub fn new(format: ReportFormat) -> Table2 {
        let cells = Table2Block::of(format)
            .iter()
            .flat_map(|b| b.rows.iter().map(move |&r| (r, vec![0.0; b.columns.len()])))
            .collect();
        Table2 { format, cells }
    }

    pub fn format(&self) -> ReportFormat {
        self.format
    }

    fn position(&self, row: Table2Row, col: Table2Column) -> Option<usize> {
        row.block(self.format)?
            .columns
            .iter()
            .position(|&c| c == col)
    }

    /// `None` when the format has no such cell.
    pub fn get(&self, row: Table2Row, col: Table2Column) -> Option<f64> {
        Some(self.cells[&row][self.position(row, col)?])
    }

    pub fn set(
        &mut self,
        row: Table2Row,
        col: Table2Column,
        value: f64,
    ) -> Result<(), DomainError> {
        let at = self.position(row, col).ok_or_else(|| {
            DomainError::invalid(
                "table2 cell",
                format!(
                    "the {} format has no cell {} / {}",
                    self.format,
                    row.label(self.format),
                    col.label()
                ),
            )
        })?;
        self.cells.get_mut(&row).expect("row of the format")[at] = value;
        Ok(())
    }

    /// Every value valid for its column: counts are whole and not negative, 本年增/减 is whole,
    /// sums of money are not negative. The table has no totals to add up.
    pub fn check(&self) -> Vec<Inconsistency> {
        let mut out = Vec::new();
        for b in Table2Block::of(self.format) {
            for &row in b.rows {
                for (&col, &v) in b.columns.iter().zip(&self.cells[&row]) {
                    let location = format!(
                        "表二 / {} / {} / {}",
                        b.item,
                        row.label(self.format),
                        col.label()
                    );
                    let kind = col.kind();
                    if !v.is_finite() {
                        out.push(Inconsistency::new(location, "应为数字", "有限数值", v));
                        continue;
                    }
                    if kind != ValueKind::Change && v < 0.0 {
                        out.push(Inconsistency::new(
                            location.clone(),
                            "数量不能为负",
                            "≥ 0",
                            v,
                        ));
                    }
                    if kind != ValueKind::Amount && v.fract() != 0.0 {
                        out.push(Inconsistency::new(
                            location,
                            "件数、项数应为整数",
                            "整数",
                            v,
                        ));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2021_blocks_as_the_official_table() {
        let blocks = Table2Block::of(ReportFormat::Standard2021);
        let items: Vec<_> = blocks.iter().map(|b| b.item).collect();
        assert_eq!(
            items,
            [
                "第二十条第（一）项",
                "第二十条第（五）项",
                "第二十条第（六）项",
                "第二十条第（八）项"
            ]
        );
        let labels = |b: &Table2Block| b.columns.iter().map(|c| c.label()).collect::<Vec<_>>();
        assert_eq!(
            labels(&blocks[0]),
            ["本年制发件数", "本年废止件数", "现行有效件数"]
        );
        assert_eq!(labels(&blocks[1]), ["本年处理决定数量"]);
        assert_eq!(labels(&blocks[3]), ["本年收费金额（单位：万元）"]);
        let rows: Vec<_> = blocks
            .iter()
            .flat_map(|b| b.rows.iter().map(|r| r.label(ReportFormat::Standard2021)))
            .collect();
        assert_eq!(
            rows,
            [
                "规章",
                "行政规范性文件",
                "行政许可",
                "行政处罚",
                "行政强制",
                "行政事业性收费"
            ]
        );
    }

    #[test]
    fn the_2019_trial_blocks_as_the_official_table() {
        let blocks = Table2Block::of(ReportFormat::Trial2019);
        assert_eq!(blocks.len(), 5);
        assert_eq!(blocks[4].item, "第二十条第（九）项");
        let labels = |b: &Table2Block| b.columns.iter().map(|c| c.label()).collect::<Vec<_>>();
        assert_eq!(
            labels(&blocks[0]),
            ["本年新制作数量", "本年新公开数量", "对外公开总数量"]
        );
        assert_eq!(
            labels(&blocks[1]),
            ["上一年项目数量", "本年增/减", "处理决定数量"]
        );
        assert_eq!(labels(&blocks[2]), labels(&blocks[1]));
        assert_eq!(labels(&blocks[3]), ["上一年项目数量", "本年增/减"]);
        assert_eq!(labels(&blocks[4]), ["采购项目数量", "采购总金额"]);
        let rows: Vec<_> = blocks
            .iter()
            .flat_map(|b| b.rows.iter().map(|r| r.label(ReportFormat::Trial2019)))
            .collect();
        assert_eq!(
            rows,
            [
                "规章",
                "规范性文件",
                "行政许可",
                "其他对外管理服务事项",
                "行政处罚",
                "行政强制",
                "行政事业性收费",
                "政府集中采购"
            ]
        );
    }

    #[test]
    fn every_row_belongs_to_one_block_per_format() {
        for format in ReportFormat::ALL {
            let mut seen: Vec<Table2Row> = Table2Block::of(format)
                .iter()
                .flat_map(|b| b.rows.to_vec())
                .collect();
            let n = seen.len();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), n, "{format}");
        }
        assert!(Table2Row::CentralProcurement
            .block(ReportFormat::Standard2021)
            .is_none());
    }

    #[test]
    fn cells_outside_the_format_are_refused() {
        let mut t = Table2::new(ReportFormat::Standard2021);
        t.set(Table2Row::Fees, Table2Column::FeeAmount, 12.5)
            .unwrap();
        assert_eq!(t.get(Table2Row::Fees, Table2Column::FeeAmount), Some(12.5));
        assert!(t.set(Table2Row::Fees, Table2Column::Change, 1.0).is_err());
        assert!(t
            .set(
                Table2Row::CentralProcurement,
                Table2Column::ProcurementAmount,
                1.0
            )
            .is_err());
        assert_eq!(
            t.get(Table2Row::Licensing, Table2Column::DecisionsTrial),
            None
        );
    }

    #[test]
    fn values_must_suit_their_column() {
        let mut t = Table2::new(ReportFormat::Trial2019);
        t.set(Table2Row::Licensing, Table2Column::Change, -3.0)
            .unwrap();
        t.set(
            Table2Row::CentralProcurement,
            Table2Column::ProcurementAmount,
            1234.56,
        )
        .unwrap();
        assert_eq!(
            t.check(),
            vec![],
            "a change may be negative and money fractional"
        );
        t.set(Table2Row::Rules, Table2Column::NewlyMade, -1.0)
            .unwrap();
        t.set(Table2Row::Penalties, Table2Column::DecisionsTrial, 2.5)
            .unwrap();
        t.set(Table2Row::Fees, Table2Column::Change, 0.5).unwrap();
        let found = t.check();
        let locations: Vec<_> = found.iter().map(|i| i.location.as_str()).collect();
        assert_eq!(
            locations,
            [
                "表二 / 第二十条第（一）项 / 规章 / 本年新制作数量",
                "表二 / 第二十条第（六）项 / 行政处罚 / 处理决定数量",
                "表二 / 第二十条第（八）项 / 行政事业性收费 / 本年增/减",
            ]
        );
    }

    #[test]
    fn serde_shape_is_checked_against_the_blocks() {
        let t = Table2::new(ReportFormat::Standard2021);
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Table2>(&json).unwrap(), t);
        let short = json.replace("\"rules\":[0.0,0.0,0.0]", "\"rules\":[0,0]");
        let err = serde_json::from_str::<Table2>(&short)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "`rules` needs 3 numbers (本年制发件数, 本年废止件数, 现行有效件数), found 2"
            ),
            "{err}"
        );
        let missing = json.replace(",\"coercion\":[0.0]", "");
        let err = serde_json::from_str::<Table2>(&missing)
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing row `coercion`"), "{err}");
    }
}
