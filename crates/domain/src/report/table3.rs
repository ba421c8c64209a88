//! 表三 — 收到和处理政府信息公开申请情况 (requests received and handled): seven numeric columns
//! by applicant type and every row of the official table, in its order.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Inconsistency, ReportFormat};
use crate::DomainError;

/// 申请人类型列 — a numeric column of table 三. There is no subtotal column for 法人或其他组织.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table3Column {
    /// 自然人
    NaturalPerson,
    /// 法人或其他组织 — 商业企业
    Commercial,
    /// 法人或其他组织 — 科研机构
    Research,
    /// 法人或其他组织 — 社会公益组织
    SocialWelfare,
    /// 法人或其他组织 — 法律服务机构
    LegalService,
    /// 法人或其他组织 — 其他
    OtherOrganisation,
    /// 总计
    Total,
}

impl Table3Column {
    /// The official column order.
    pub const ALL: [Table3Column; 7] = [
        Table3Column::NaturalPerson,
        Table3Column::Commercial,
        Table3Column::Research,
        Table3Column::SocialWelfare,
        Table3Column::LegalService,
        Table3Column::OtherOrganisation,
        Table3Column::Total,
    ];
    /// The six applicant columns that 总计 adds up.
    pub const PARTS: [Table3Column; 6] = [
        Table3Column::NaturalPerson,
        Table3Column::Commercial,
        Table3Column::Research,
        Table3Column::SocialWelfare,
        Table3Column::LegalService,
        Table3Column::OtherOrganisation,
    ];

    /// Position in a row's seven numbers.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn key(self) -> &'static str {
        match self {
            Table3Column::NaturalPerson => "natural_person",
            Table3Column::Commercial => "commercial",
            Table3Column::Research => "research",
            Table3Column::SocialWelfare => "social_welfare",
            Table3Column::LegalService => "legal_service",
            Table3Column::OtherOrganisation => "other_organisation",
            Table3Column::Total => "total",
        }
    }

    /// The column heading as the official table words it.
    pub fn label(self) -> &'static str {
        match self {
            Table3Column::NaturalPerson => "自然人",
            Table3Column::Commercial => "商业企业",
            Table3Column::Research => "科研机构",
            Table3Column::SocialWelfare => "社会公益组织",
            Table3Column::LegalService => "法律服务机构",
            Table3Column::OtherOrganisation => "其他",
            Table3Column::Total => "总计",
        }
    }

    /// The heading spanning this column, if any.
    pub fn group_label(self) -> Option<&'static str> {
        match self {
            Table3Column::NaturalPerson | Table3Column::Total => None,
            _ => Some("法人或其他组织"),
        }
    }
}

/// A row of table 三 that holds figures. Group headings (三、（三）（四）（五）, and （六） in the 2021
/// format) hold none: the official table has no subtotal rows under them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table3Row {
    /// 一、本年新收
    New,
    /// 二、上年结转
    CarriedOver,
    /// （一）予以公开
    Disclosed,
    /// （二）部分公开
    PartlyDisclosed,
    /// （三）不予公开 1. 国家秘密 (Art. 14)
    WithheldStateSecret,
    /// （三）2. 其他法律行政法规禁止公开 (Art. 14)
    WithheldProhibitedByLaw,
    /// （三）3. 危及“三安全一稳定” (Art. 14)
    WithheldEndangersSecurity,
    /// （三）4. 保护第三方合法权益 (Art. 15)
    WithheldThirdPartyRights,
    /// （三）5. 三类内部事务信息 (Art. 16)
    WithheldInternalAffairs,
    /// （三）6. 四类过程性信息 (Art. 16)
    WithheldProcessInformation,
    /// （三）7. 行政执法案卷 (Art. 16)
    WithheldEnforcementFile,
    /// （三）8. 行政查询事项 (Art. 36-7)
    WithheldQueryMatter,
    /// （四）无法提供 1. 本机关不掌握
    UnavailableNotHeld,
    /// （四）2. 没有现成信息需要另行制作 (Art. 38)
    UnavailableNeedsCreation,
    /// （四）3. 补正后申请内容仍不明确 (Art. 30)
    UnavailableStillUnclear,
    /// （五）不予处理 1. 信访举报投诉类申请 (Art. 39)
    NotProcessedComplaint,
    /// （五）2. 重复申请 (Art. 36-6)
    NotProcessedRepeated,
    /// （五）3. 要求提供公开出版物 (Art. 39)
    NotProcessedPublication,
    /// （五）4. 无正当理由大量反复申请 (Art. 35)
    NotProcessedExcessive,
    /// （五）5. 要求确认或重新出具已获取信息
    NotProcessedConfirmation,
    /// （六）其他处理 as one row — the 2019 trial format only.
    OtherHandling,
    /// （六）1. 逾期不补正 (Art. 30) — 2021 format.
    OtherNoCorrection,
    /// （六）2. 逾期未缴费 (Art. 42) — 2021 format.
    OtherFeeUnpaid,
    /// （六）3. 其他 — 2021 format.
    OtherMisc,
    /// （七）总计 of the results.
    ResultsTotal,
    /// 四、结转下年度继续办理
    CarriedForward,
}

use Table3Row as R;

/// The groups of result rows, by their heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Withheld,
    Unavailable,
    NotProcessed,
    Other,
}

impl Group {
    fn heading(self) -> &'static str {
        match self {
            Group::Withheld => "（三）不予公开",
            Group::Unavailable => "（四）无法提供",
            Group::NotProcessed => "（五）不予处理",
            Group::Other => "（六）其他处理",
        }
    }
}

impl Table3Row {
    /// Every row of either format, in table order; the 2019 （六） row stands where the 2021
    /// format has its three sub-rows.
    pub const ALL: [Table3Row; 26] = [
        R::New,
        R::CarriedOver,
        R::Disclosed,
        R::PartlyDisclosed,
        R::WithheldStateSecret,
        R::WithheldProhibitedByLaw,
        R::WithheldEndangersSecurity,
        R::WithheldThirdPartyRights,
        R::WithheldInternalAffairs,
        R::WithheldProcessInformation,
        R::WithheldEnforcementFile,
        R::WithheldQueryMatter,
        R::UnavailableNotHeld,
        R::UnavailableNeedsCreation,
        R::UnavailableStillUnclear,
        R::NotProcessedComplaint,
        R::NotProcessedRepeated,
        R::NotProcessedPublication,
        R::NotProcessedExcessive,
        R::NotProcessedConfirmation,
        R::OtherHandling,
        R::OtherNoCorrection,
        R::OtherFeeUnpaid,
        R::OtherMisc,
        R::ResultsTotal,
        R::CarriedForward,
    ];

    /// The rows holding figures in `format`, in the official order.
    pub fn rows(format: ReportFormat) -> Vec<Table3Row> {
        Table3Row::ALL
            .into_iter()
            .filter(|r| r.in_format(format))
            .collect()
    }

    pub fn in_format(self, format: ReportFormat) -> bool {
        match self {
            R::OtherHandling => format == ReportFormat::Trial2019,
            R::OtherNoCorrection | R::OtherFeeUnpaid | R::OtherMisc => {
                format == ReportFormat::Standard2021
            }
            _ => true,
        }
    }

    /// A result of the year's handling, counted into （七）总计.
    pub fn is_result(self) -> bool {
        !matches!(
            self,
            R::New | R::CarriedOver | R::ResultsTotal | R::CarriedForward
        )
    }

    /// Stable key, as typed in check files and stored.
    pub fn key(self) -> &'static str {
        match self {
            R::New => "new",
            R::CarriedOver => "carried_over",
            R::Disclosed => "disclosed",
            R::PartlyDisclosed => "partly_disclosed",
            R::WithheldStateSecret => "withheld_state_secret",
            R::WithheldProhibitedByLaw => "withheld_prohibited_by_law",
            R::WithheldEndangersSecurity => "withheld_endangers_security",
            R::WithheldThirdPartyRights => "withheld_third_party_rights",
            R::WithheldInternalAffairs => "withheld_internal_affairs",
            R::WithheldProcessInformation => "withheld_process_information",
            R::WithheldEnforcementFile => "withheld_enforcement_file",
            R::WithheldQueryMatter => "withheld_query_matter",
            R::UnavailableNotHeld => "unavailable_not_held",
            R::UnavailableNeedsCreation => "unavailable_needs_creation",
            R::UnavailableStillUnclear => "unavailable_still_unclear",
            R::NotProcessedComplaint => "not_processed_complaint",
            R::NotProcessedRepeated => "not_processed_repeated",
            R::NotProcessedPublication => "not_processed_publication",
            R::NotProcessedExcessive => "not_processed_excessive",
            R::NotProcessedConfirmation => "not_processed_confirmation",
            R::OtherHandling => "other_handling",
            R::OtherNoCorrection => "other_no_correction",
            R::OtherFeeUnpaid => "other_fee_unpaid",
            R::OtherMisc => "other_misc",
            R::ResultsTotal => "results_total",
            R::CarriedForward => "carried_forward",
        }
    }

    pub fn from_key(key: &str) -> Option<Table3Row> {
        Table3Row::ALL.into_iter().find(|r| r.key() == key)
    }

    fn group(self) -> Option<Group> {
        match self {
            R::WithheldStateSecret
            | R::WithheldProhibitedByLaw
            | R::WithheldEndangersSecurity
            | R::WithheldThirdPartyRights
            | R::WithheldInternalAffairs
            | R::WithheldProcessInformation
            | R::WithheldEnforcementFile
            | R::WithheldQueryMatter => Some(Group::Withheld),
            R::UnavailableNotHeld | R::UnavailableNeedsCreation | R::UnavailableStillUnclear => {
                Some(Group::Unavailable)
            }
            R::NotProcessedComplaint
            | R::NotProcessedRepeated
            | R::NotProcessedPublication
            | R::NotProcessedExcessive
            | R::NotProcessedConfirmation => Some(Group::NotProcessed),
            R::OtherNoCorrection | R::OtherFeeUnpaid | R::OtherMisc => Some(Group::Other),
            _ => None,
        }
    }

    /// The row's text as the official table words it (numbered sub-rows without their heading).
    pub fn label(self) -> &'static str {
        match self {
            R::New => "一、本年新收政府信息公开申请数量",
            R::CarriedOver => "二、上年结转政府信息公开申请数量",
            R::Disclosed => "（一）予以公开",
            R::PartlyDisclosed => "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            R::WithheldStateSecret => "1.属于国家秘密",
            R::WithheldProhibitedByLaw => "2.其他法律行政法规禁止公开",
            R::WithheldEndangersSecurity => "3.危及“三安全一稳定”",
            R::WithheldThirdPartyRights => "4.保护第三方合法权益",
            R::WithheldInternalAffairs => "5.属于三类内部事务信息",
            R::WithheldProcessInformation => "6.属于四类过程性信息",
            R::WithheldEnforcementFile => "7.属于行政执法案卷",
            R::WithheldQueryMatter => "8.属于行政查询事项",
            R::UnavailableNotHeld => "1.本机关不掌握相关政府信息",
            R::UnavailableNeedsCreation => "2.没有现成信息需要另行制作",
            R::UnavailableStillUnclear => "3.补正后申请内容仍不明确",
            R::NotProcessedComplaint => "1.信访举报投诉类申请",
            R::NotProcessedRepeated => "2.重复申请",
            R::NotProcessedPublication => "3.要求提供公开出版物",
            R::NotProcessedExcessive => "4.无正当理由大量反复申请",
            R::NotProcessedConfirmation => "5.要求行政机关确认或重新出具已获取信息",
            R::OtherHandling => "（六）其他处理",
            R::OtherNoCorrection => {
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
            }
            R::OtherFeeUnpaid => {
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
            }
            R::OtherMisc => "3.其他",
            R::ResultsTotal => "（七）总计",
            R::CarriedForward => "四、结转下年度继续办理",
        }
    }

    /// The row named unambiguously, e.g. `三（三）1.属于国家秘密` or `三（七）总计`.
    pub fn locator(self) -> String {
        match (self.group(), self.is_result() || self == R::ResultsTotal) {
            (Some(g), _) => format!("三{}{}", g.heading(), self.label()),
            (None, true) => format!("三{}", self.label()),
            (None, false) => self.label().to_string(),
        }
    }
}

impl fmt::Display for Table3Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for Table3Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Table3Row {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        Table3Row::from_key(&key).ok_or_else(|| {
            let known: Vec<&str> = Table3Row::ALL.iter().map(|r| r.key()).collect();
            serde::de::Error::custom(format!(
                "unknown table 三 row `{key}`, expected one of {}",
                known.join(", ")
            ))
        })
    }
}

/// One line of the printed table: a heading (no figures) or a row, with its indent depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table3Line {
    pub depth: u8,
    pub text: &'static str,
    pub row: Option<Table3Row>,
}

/// The printed table's lines for `format`, headings included, in the official order.
pub fn layout(format: ReportFormat) -> Vec<Table3Line> {
    let mut out = Vec::new();
    let mut open: Option<Group> = None;
    for row in Table3Row::rows(format) {
        if row == R::Disclosed {
            out.push(Table3Line {
                depth: 0,
                text: "三、本年度办理结果",
                row: None,
            });
        }
        let group = row.group();
        if let Some(g) = group.filter(|g| open != Some(*g)) {
            out.push(Table3Line {
                depth: 1,
                text: g.heading(),
                row: None,
            });
        }
        open = group;
        let depth = match (group, row.is_result() || row == R::ResultsTotal) {
            (Some(_), _) => 2,
            (None, true) => 1,
            (None, false) => 0,
        };
        out.push(Table3Line {
            depth,
            text: row.label(),
            row: Some(row),
        });
    }
    out
}

/// The figures of table 三: seven numbers for every row of its format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Table3Data", try_from = "Table3Data")]
pub struct Table3 {
    format: ReportFormat,
    /// Invariant: exactly the rows of `format`.
    cells: BTreeMap<Table3Row, [i64; 7]>,
}

/// The serialised shape: `{"format": "2021", "rows": {"new": [7 numbers], …}}`, every row of the
/// format present, numbers in column order (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table3Data {
    pub format: ReportFormat,
    pub rows: BTreeMap<Table3Row, [i64; 7]>,
}

impl From<Table3> for Table3Data {
    fn from(t: Table3) -> Table3Data {
        Table3Data {
            format: t.format,
            rows: t.cells,
        }
    }
}

impl TryFrom<Table3Data> for Table3 {
    type Error = DomainError;

    fn try_from(data: Table3Data) -> Result<Table3, DomainError> {
        let foreign: Vec<String> = data
            .rows
            .keys()
            .filter(|r| !r.in_format(data.format))
            .map(|r| format!("`{}` ({})", r.key(), r.locator()))
            .collect();
        if !foreign.is_empty() {
            return Err(DomainError::invalid(
                "table3.rows",
                format!(
                    "not rows of the {} format: {}",
                    data.format,
                    foreign.join(", ")
                ),
            ));
        }
        let missing: Vec<String> = Table3Row::rows(data.format)
            .into_iter()
            .filter(|r| !data.rows.contains_key(r))
            .map(|r| format!("`{}` ({})", r.key(), r.locator()))
            .collect();
        if !missing.is_empty() {
            return Err(DomainError::invalid(
                "table3.rows",
                format!("missing rows: {}", missing.join(", ")),
            ));
        }
        Ok(Table3 {
            format: data.format,
            cells: data.rows,
        })
    }
}

fn cell_location(row: Table3Row, col: Table3Column) -> String {
    format!("表三 / {} / {}", row.locator(), col.label())
}

impl Table3 {
    /// An all-zero table of `format`.
    pub fn new(format: ReportFormat) -> Table3 {
        Table3 {
            format,
            cells: Table3Row::rows(format)
                .into_iter()
                .map(|r| (r, [0; 7]))
                .collect(),
        }
    }

    pub fn format(&self) -> ReportFormat {
        self.format
    }

    /// `None` when `format` has no such row (the 2019 （六） row in a 2021 table, or the reverse).
    pub fn get(&self, row: Table3Row, col: Table3Column) -> Option<i64> {
        self.cells.get(&row).map(|line| line[col.index()])
    }

    /// The seven numbers of a row, in column order.
    pub fn row(&self, row: Table3Row) -> Option<[i64; 7]> {
        self.cells.get(&row).copied()
    }

    pub fn set(
        &mut self,
        row: Table3Row,
        col: Table3Column,
        value: i64,
    ) -> Result<(), DomainError> {
        *self.cell_mut(row, col)? = value;
        Ok(())
    }

    /// Counts `n` more into a cell, as a generator does case by case.
    pub fn add(&mut self, row: Table3Row, col: Table3Column, n: i64) -> Result<(), DomainError> {
        *self.cell_mut(row, col)? += n;
        Ok(())
    }

    fn cell_mut(&mut self, row: Table3Row, col: Table3Column) -> Result<&mut i64, DomainError> {
        let format = self.format;
        self.cells
            .get_mut(&row)
            .map(|line| &mut line[col.index()])
            .ok_or_else(|| {
                DomainError::invalid(
                    "table3 row",
                    format!("{} is not a row of the {format} format", row.locator()),
                )
            })
    }

    fn at(&self, row: Table3Row, col: Table3Column) -> i64 {
        self.get(row, col).unwrap_or(0)
    }

    /// Fills the 总计 column of every row and the （七）总计 row from their parts.
    pub fn compute_totals(&mut self) {
        for line in self.cells.values_mut() {
            line[Table3Column::Total.index()] = line[..Table3Column::Total.index()].iter().sum();
        }
        let mut total = [0; 7];
        for (row, line) in &self.cells {
            if row.is_result() {
                for (t, v) in total.iter_mut().zip(line) {
                    *t += v;
                }
            }
        }
        self.cells.insert(R::ResultsTotal, total);
    }

    /// Every rule the table breaks: no negative numbers; 总计 = the six applicant columns;
    /// （七）总计 = all result rows; and, per column, 一 + 二 = 三（七） + 四.
    pub fn check(&self) -> Vec<Inconsistency> {
        let mut out = Vec::new();
        for row in Table3Row::rows(self.format) {
            for col in Table3Column::ALL {
                let v = self.at(row, col);
                if v < 0 {
                    out.push(Inconsistency::new(
                        cell_location(row, col),
                        "数量不能为负",
                        "≥ 0",
                        v,
                    ));
                }
            }
        }
        for row in Table3Row::rows(self.format) {
            let sum: i64 = Table3Column::PARTS.iter().map(|&c| self.at(row, c)).sum();
            let total = self.at(row, Table3Column::Total);
            if sum != total {
                out.push(Inconsistency::new(
                    cell_location(row, Table3Column::Total),
                    "总计应等于自然人与各类法人或其他组织之和",
                    sum,
                    total,
                ));
            }
        }
        for col in Table3Column::ALL {
            let sum: i64 = Table3Row::rows(self.format)
                .into_iter()
                .filter(|r| r.is_result())
                .map(|r| self.at(r, col))
                .sum();
            let total = self.at(R::ResultsTotal, col);
            if sum != total {
                out.push(Inconsistency::new(
                    cell_location(R::ResultsTotal, col),
                    "（七）总计应等于各项办理结果之和",
                    sum,
                    total,
                ));
            }
        }
        for col in Table3Column::ALL {
            let incoming = self.at(R::New, col) + self.at(R::CarriedOver, col);
            let outgoing = self.at(R::ResultsTotal, col) + self.at(R::CarriedForward, col);
            if incoming != outgoing {
                out.push(Inconsistency::new(
                    format!("表三 / {}", col.label()),
                    "一、本年新收 + 二、上年结转 应等于 三（七）总计 + 四、结转下年度继续办理",
                    incoming,
                    outgoing,
                ));
            }
        }
        out
    }

    /// This year's 二、上年结转 against last year's 四、结转下年度继续办理 (given as its seven numbers).
    pub fn check_carried_over_from(
        &self,
        previous_carried_forward: [i64; 7],
    ) -> Vec<Inconsistency> {
        Table3Column::ALL
            .into_iter()
            .filter(|&c| self.at(R::CarriedOver, c) != previous_carried_forward[c.index()])
            .map(|c| {
                Inconsistency::new(
                    cell_location(R::CarriedOver, c),
                    "应等于上一年度报告的“四、结转下年度继续办理”",
                    previous_carried_forward[c.index()],
                    self.at(R::CarriedOver, c),
                )
            })
            .collect()
    }
}

/// Next year's 上年结转 must equal this year's 结转下年度, column by column. The two tables may be
/// in different formats (a 2020 report in the trial format, 2021 in the standard one).
pub fn check_carry_over(this_year: &Table3, next_year: &Table3) -> Vec<Inconsistency> {
    next_year.check_carried_over_from(this_year.row(R::CarriedForward).unwrap_or([0; 7]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Table3Column as C;

    fn sample() -> Table3 {
        let mut t = Table3::new(ReportFormat::Standard2021);
        t.set(R::New, C::NaturalPerson, 100).unwrap();
        t.set(R::New, C::Commercial, 20).unwrap();
        t.set(R::New, C::LegalService, 6).unwrap();
        t.set(R::CarriedOver, C::NaturalPerson, 3).unwrap();
        t.add(R::Disclosed, C::NaturalPerson, 60).unwrap();
        t.add(R::WithheldStateSecret, C::NaturalPerson, 10).unwrap();
        t.add(R::OtherFeeUnpaid, C::NaturalPerson, 30).unwrap();
        t.add(R::Disclosed, C::Commercial, 20).unwrap();
        t.add(R::NotProcessedRepeated, C::LegalService, 6).unwrap();
        t.set(R::CarriedForward, C::NaturalPerson, 3).unwrap();
        t.compute_totals();
        t
    }

    #[test]
    fn rows_follow_the_official_order_and_count() {
        let r21 = Table3Row::rows(ReportFormat::Standard2021);
        let r19 = Table3Row::rows(ReportFormat::Trial2019);
        // 一, 二, 21 results (1+1+8+3+5+3), （七）, 四.
        assert_eq!(r21.len(), 25);
        assert_eq!(r21.iter().filter(|r| r.is_result()).count(), 21);
        // The trial format has （六） as one row.
        assert_eq!(r19.len(), 23);
        assert!(r19.contains(&R::OtherHandling) && !r19.contains(&R::OtherMisc));
        assert_eq!(r21[..2], [R::New, R::CarriedOver]);
        assert_eq!(r21[r21.len() - 2..], [R::ResultsTotal, R::CarriedForward]);
        let pos = |r| r19.iter().position(|x| *x == r).unwrap();
        assert!(pos(R::NotProcessedConfirmation) < pos(R::OtherHandling));
        assert!(pos(R::OtherHandling) < pos(R::ResultsTotal));
    }

    #[test]
    fn keys_are_unique_and_round_trip() {
        for r in Table3Row::ALL {
            assert_eq!(Table3Row::from_key(r.key()), Some(r));
        }
        let mut keys: Vec<_> = Table3Row::ALL.iter().map(|r| r.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), Table3Row::ALL.len());
        assert_eq!(
            Table3Row::from_key("withheld"),
            None,
            "headings hold no figures"
        );
    }

    #[test]
    fn labels_and_locators_use_the_official_words() {
        assert_eq!(R::ResultsTotal.locator(), "三（七）总计");
        assert_eq!(
            R::WithheldEndangersSecurity.locator(),
            "三（三）不予公开3.危及“三安全一稳定”"
        );
        assert_eq!(
            R::UnavailableNotHeld.locator(),
            "三（四）无法提供1.本机关不掌握相关政府信息"
        );
        assert_eq!(R::OtherHandling.locator(), "三（六）其他处理");
        assert_eq!(R::CarriedForward.locator(), "四、结转下年度继续办理");
        assert_eq!(
            C::ALL.map(|c| c.label()),
            [
                "自然人",
                "商业企业",
                "科研机构",
                "社会公益组织",
                "法律服务机构",
                "其他",
                "总计"
            ]
        );
        assert_eq!(C::Research.group_label(), Some("法人或其他组织"));
        assert_eq!(C::Total.group_label(), None);
    }

    #[test]
    fn layout_has_headings_without_figures() {
        let l21 = layout(ReportFormat::Standard2021);
        let headings: Vec<_> = l21
            .iter()
            .filter(|l| l.row.is_none())
            .map(|l| l.text)
            .collect();
        assert_eq!(
            headings,
            [
                "三、本年度办理结果",
                "（三）不予公开",
                "（四）无法提供",
                "（五）不予处理",
                "（六）其他处理"
            ]
        );
        assert_eq!(l21.len(), 25 + 5);
        let l19 = layout(ReportFormat::Trial2019);
        assert_eq!(l19.iter().filter(|l| l.row.is_none()).count(), 4);
        let six = l19
            .iter()
            .find(|l| l.row == Some(R::OtherHandling))
            .unwrap();
        assert_eq!((six.depth, six.text), (1, "（六）其他处理"));
    }

    #[test]
    fn computed_table_is_consistent() {
        let t = sample();
        assert_eq!(t.check(), vec![]);
        assert_eq!(t.get(R::ResultsTotal, C::Total), Some(126));
        assert_eq!(t.get(R::ResultsTotal, C::NaturalPerson), Some(100));
        assert_eq!(t.get(R::New, C::Total), Some(126));
    }

    #[test]
    fn rows_outside_the_format_are_refused() {
        let mut t = Table3::new(ReportFormat::Standard2021);
        assert!(t.set(R::OtherHandling, C::Total, 1).is_err());
        assert_eq!(t.get(R::OtherHandling, C::Total), None);
        let mut t = Table3::new(ReportFormat::Trial2019);
        assert!(t.add(R::OtherMisc, C::Total, 1).is_err());
        assert!(t.add(R::OtherHandling, C::Total, 1).is_ok());
    }

    #[test]
    fn a_wrong_total_column_is_found() {
        let mut t = sample();
        t.set(R::New, C::Total, 127).unwrap();
        let found = t.check();
        let at = |loc: &str| {
            found
                .iter()
                .find(|i| i.location == loc)
                .unwrap_or_else(|| panic!("{loc}: {found:#?}"))
        };
        let i = at("表三 / 一、本年新收政府信息公开申请数量 / 总计");
        assert_eq!((i.expected.as_str(), i.found.as_str()), ("126", "127"));
        // The same cell also breaks the flow rule in the 总计 column.
        assert_eq!(at("表三 / 总计").expected, "130");
        assert_eq!(found.len(), 2, "{found:#?}");
    }

    #[test]
    fn a_wrong_results_total_is_found() {
        let mut t = sample();
        t.set(R::ResultsTotal, C::Commercial, 21).unwrap();
        let found = t.check();
        assert!(found
            .iter()
            .any(|i| i.location == "表三 / 三（七）总计 / 商业企业"
                && i.expected == "20"
                && i.found == "21"));
        // The row's 总计 no longer matches either, and 一 + 二 ≠ （七） + 四 in that column.
        assert_eq!(found.len(), 3, "{found:#?}");
    }

    #[test]
    fn the_flow_rule_is_checked_per_column() {
        let mut t = sample();
        t.set(R::CarriedForward, C::NaturalPerson, 4).unwrap();
        t.compute_totals();
        let found = t.check();
        let locations: Vec<_> = found.iter().map(|i| i.location.as_str()).collect();
        assert_eq!(locations, ["表三 / 自然人", "表三 / 总计"]);
        assert_eq!(
            (found[0].expected.as_str(), found[0].found.as_str()),
            ("103", "104")
        );
    }

    #[test]
    fn negative_numbers_are_found() {
        let mut t = sample();
        t.set(R::Disclosed, C::Research, -1).unwrap();
        t.set(R::WithheldStateSecret, C::Research, 1).unwrap();
        t.compute_totals();
        let found = t.check();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].location, "表三 / 三（一）予以公开 / 科研机构");
        assert_eq!(found[0].rule, "数量不能为负");
    }

    #[test]
    fn carry_over_must_match_the_previous_year() {
        let this = sample();
        let mut next = Table3::new(ReportFormat::Standard2021);
        next.set(R::CarriedOver, C::NaturalPerson, 3).unwrap();
        next.compute_totals();
        assert!(check_carry_over(&this, &next).is_empty());
        next.set(R::CarriedOver, C::NaturalPerson, 2).unwrap();
        next.compute_totals();
        let found = check_carry_over(&this, &next);
        assert_eq!(found.len(), 2, "自然人 and 总计: {found:#?}");
        assert_eq!(
            found[1].location,
            "表三 / 二、上年结转政府信息公开申请数量 / 总计"
        );
        assert_eq!(
            found[0].location,
            "表三 / 二、上年结转政府信息公开申请数量 / 自然人"
        );
        assert_eq!(
            (found[0].expected.as_str(), found[0].found.as_str()),
            ("3", "2")
        );
        // Across the change of format, 2020 (trial) to 2021.
        let mut trial = Table3::new(ReportFormat::Trial2019);
        trial.set(R::CarriedForward, C::NaturalPerson, 2).unwrap();
        trial.compute_totals();
        assert_eq!(check_carry_over(&trial, &next).len(), 0);
    }

    #[test]
    fn serde_shape_requires_exactly_the_format_rows() {
        let t = sample();
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains("\"format\":\"2021\"") && json.contains("\"withheld_state_secret\""));
        assert_eq!(serde_json::from_str::<Table3>(&json).unwrap(), t);

        let missing = json.replace("\"withheld_query_matter\":[0,0,0,0,0,0,0],", "");
        let err = serde_json::from_str::<Table3>(&missing)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("missing rows: `withheld_query_matter`"),
            "{err}"
        );

        let trial_row = json.replace("\"other_misc\"", "\"other_handling\"");
        let err = serde_json::from_str::<Table3>(&trial_row)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("not rows of the 2021 format: `other_handling`"),
            "{err}"
        );

        let bad_key = json.replace("\"other_misc\"", "\"other_miscellaneous\"");
        let err = serde_json::from_str::<Table3>(&bad_key)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown table 三 row `other_miscellaneous`"),
            "{err}"
        );
    }
}
