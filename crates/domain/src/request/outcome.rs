//! 办理结果 — how a request ended, exactly as table 三 section 三 of the annual report counts it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// The six headed groups （一）…（六） of 三、本年度办理结果 (（七）总计 is a sum, not a result).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeCategory {
    /// （一）予以公开
    Disclosed,
    /// （二）部分公开
    PartiallyDisclosed,
    /// （三）不予公开
    NotDisclosed,
    /// （四）无法提供
    UnableToProvide,
    /// （五）不予处理
    NotProcessed,
    /// （六）其他处理
    Other,
}

impl OutcomeCategory {
    pub const ALL: [OutcomeCategory; 6] = [
        OutcomeCategory::Disclosed,
        OutcomeCategory::PartiallyDisclosed,
        OutcomeCategory::NotDisclosed,
        OutcomeCategory::UnableToProvide,
        OutcomeCategory::NotProcessed,
        OutcomeCategory::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeCategory::Disclosed => "disclosed",
            OutcomeCategory::PartiallyDisclosed => "partially_disclosed",
            OutcomeCategory::NotDisclosed => "not_disclosed",
            OutcomeCategory::UnableToProvide => "unable_to_provide",
            OutcomeCategory::NotProcessed => "not_processed",
            OutcomeCategory::Other => "other",
        }
    }

    /// The row heading with its number, e.g. "（三）不予公开".
    pub fn label(self) -> &'static str {
        match self {
            OutcomeCategory::Disclosed => "（一）予以公开",
            OutcomeCategory::PartiallyDisclosed => {
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
            }
            OutcomeCategory::NotDisclosed => "（三）不予公开",
            OutcomeCategory::UnableToProvide => "（四）无法提供",
            OutcomeCategory::NotProcessed => "（五）不予处理",
            OutcomeCategory::Other => "（六）其他处理",
        }
    }
}

/// Exactly one result per request: the 2021 format's rows under 三、本年度办理结果.
///
/// A request partly disclosed counts only as [`Outcome::PartiallyDisclosed`], never also under the
/// reasons for what was withheld (the table's own note). Codes are `group.reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Outcome {
    #[serde(rename = "disclosed")]
    Disclosed,
    #[serde(rename = "partially_disclosed")]
    PartiallyDisclosed,
    #[serde(rename = "not_disclosed.state_secret")]
    StateSecret,
    #[serde(rename = "not_disclosed.prohibited_by_law")]
    ProhibitedByLaw,
    #[serde(rename = "not_disclosed.security_stability")]
    EndangersSecurityStability,
    #[serde(rename = "not_disclosed.third_party_rights")]
    ThirdPartyRights,
    #[serde(rename = "not_disclosed.internal_affairs")]
    InternalAffairs,
    #[serde(rename = "not_disclosed.process_information")]
    ProcessInformation,
    #[serde(rename = "not_disclosed.enforcement_file")]
    EnforcementFile,
    #[serde(rename = "not_disclosed.administrative_query")]
    AdministrativeQuery,
    #[serde(rename = "unable.not_held")]
    NotHeld,
    #[serde(rename = "unable.needs_creation")]
    NeedsCreation,
    #[serde(rename = "unable.unclear_after_correction")]
    UnclearAfterCorrection,
    #[serde(rename = "not_processed.petition")]
    Petition,
    #[serde(rename = "not_processed.repeat")]
    RepeatRequest,
    #[serde(rename = "not_processed.publication")]
    Publication,
    #[serde(rename = "not_processed.excessive")]
    Excessive,
    #[serde(rename = "not_processed.confirm_or_reissue")]
    ConfirmOrReissue,
    #[serde(rename = "other.correction_overdue")]
    CorrectionOverdue,
    #[serde(rename = "other.fee_unpaid")]
    FeeUnpaid,
    #[serde(rename = "other.other")]
    OtherHandling,
}

const ALL: [Outcome; 21] = [
    Outcome::Disclosed,
    Outcome::PartiallyDisclosed,
    Outcome::StateSecret,
    Outcome::ProhibitedByLaw,
    Outcome::EndangersSecurityStability,
    Outcome::ThirdPartyRights,
    Outcome::InternalAffairs,
    Outcome::ProcessInformation,
    Outcome::EnforcementFile,
    Outcome::AdministrativeQuery,
    Outcome::NotHeld,
    Outcome::NeedsCreation,
    Outcome::UnclearAfterCorrection,
    Outcome::Petition,
    Outcome::RepeatRequest,
    Outcome::Publication,
    Outcome::Excessive,
    Outcome::ConfirmOrReissue,
    Outcome::CorrectionOverdue,
    Outcome::FeeUnpaid,
    Outcome::OtherHandling,
];

impl Outcome {
    /// Every outcome in the order of the report's rows.
    pub fn all() -> &'static [Outcome] {
        &ALL
    }

    pub fn category(self) -> OutcomeCategory {
        use Outcome::*;
        match self {
            Disclosed => OutcomeCategory::Disclosed,
            PartiallyDisclosed => OutcomeCategory::PartiallyDisclosed,
            StateSecret
            | ProhibitedByLaw
            | EndangersSecurityStability
            | ThirdPartyRights
            | InternalAffairs
            | ProcessInformation
            | EnforcementFile
            | AdministrativeQuery => OutcomeCategory::NotDisclosed,
            NotHeld | NeedsCreation | UnclearAfterCorrection => OutcomeCategory::UnableToProvide,
            Petition | RepeatRequest | Publication | Excessive | ConfirmOrReissue => {
                OutcomeCategory::NotProcessed
            }
            CorrectionOverdue | FeeUnpaid | OtherHandling => OutcomeCategory::Other,
        }
    }

    /// The sub-row number within its group (1.…8.), `None` for （一） and （二）, which have none.
    pub fn number(self) -> Option<u8> {
        let category = self.category();
        if matches!(
            category,
            OutcomeCategory::Disclosed | OutcomeCategory::PartiallyDisclosed
        ) {
            return None;
        }
        let before = ALL
            .iter()
            .take_while(|o| **o != self)
            .filter(|o| o.category() == category)
            .count();
        Some(before as u8 + 1)
    }

    pub fn as_str(self) -> &'static str {
        use Outcome::*;
        match self {
            Disclosed => "disclosed",
            PartiallyDisclosed => "partially_disclosed",
            StateSecret => "not_disclosed.state_secret",
            ProhibitedByLaw => "not_disclosed.prohibited_by_law",
            EndangersSecurityStability => "not_disclosed.security_stability",
            ThirdPartyRights => "not_disclosed.third_party_rights",
            InternalAffairs => "not_disclosed.internal_affairs",
            ProcessInformation => "not_disclosed.process_information",
            EnforcementFile => "not_disclosed.enforcement_file",
            AdministrativeQuery => "not_disclosed.administrative_query",
            NotHeld => "unable.not_held",
            NeedsCreation => "unable.needs_creation",
            UnclearAfterCorrection => "unable.unclear_after_correction",
            Petition => "not_processed.petition",
            RepeatRequest => "not_processed.repeat",
            Publication => "not_processed.publication",
            Excessive => "not_processed.excessive",
            ConfirmOrReissue => "not_processed.confirm_or_reissue",
            CorrectionOverdue => "other.correction_overdue",
            FeeUnpaid => "other.fee_unpaid",
            OtherHandling => "other.other",
        }
    }

    /// The row's wording without its number (for （一）（二）, the group's wording).
    pub fn label(self) -> &'static str {
        use Outcome::*;
        match self {
            Disclosed => "予以公开",
            PartiallyDisclosed => "部分公开",
            StateSecret => "属于国家秘密",
            ProhibitedByLaw => "其他法律行政法规禁止公开",
            EndangersSecurityStability => "危及“三安全一稳定”",
            ThirdPartyRights => "保护第三方合法权益",
            InternalAffairs => "属于三类内部事务信息",
            ProcessInformation => "属于四类过程性信息",
            EnforcementFile => "属于行政执法案卷",
            AdministrativeQuery => "属于行政查询事项",
            NotHeld => "本机关不掌握相关政府信息",
            NeedsCreation => "没有现成信息需要另行制作",
            UnclearAfterCorrection => "补正后申请内容仍不明确",
            Petition => "信访举报投诉类申请",
            RepeatRequest => "重复申请",
            Publication => "要求提供公开出版物",
            Excessive => "无正当理由大量反复申请",
            ConfirmOrReissue => "要求行政机关确认或重新出具已获取信息",
            CorrectionOverdue => "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            FeeUnpaid => "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            OtherHandling => "其他",
        }
    }

    /// Group and row as the table prints them, e.g. "（三）不予公开 1.属于国家秘密".
    pub fn full_label(self) -> String {
        let group = match self.category() {
            // （二）'s heading carries the counting note; the short wording reads better here.
            OutcomeCategory::PartiallyDisclosed => "（二）部分公开",
            other => other.label(),
        };
        match self.number() {
            Some(n) => format!("{group} {n}.{}", self.label()),
            None => group.to_string(),
        }
    }

    /// The article of the 2019 Regulation the outcome rests on; `None` where the report format
    /// names a case the Regulation does not (confirming or re-issuing information; 其他).
    pub fn article(self) -> Option<&'static str> {
        use Outcome::*;
        Some(match self {
            Disclosed => "第三十六条第（一）（二）项",
            PartiallyDisclosed => "第三十七条",
            StateSecret | ProhibitedByLaw | EndangersSecurityStability => "第十四条",
            ThirdPartyRights => "第十五条",
            InternalAffairs => "第十六条第一款",
            ProcessInformation | EnforcementFile => "第十六条第二款",
            AdministrativeQuery => "第三十六条第（七）项",
            NotHeld => "第三十六条第（四）（五）项",
            NeedsCreation => "第三十八条",
            UnclearAfterCorrection | CorrectionOverdue => "第三十条",
            Petition => "第三十九条第一款",
            RepeatRequest => "第三十六条第（六）项",
            Publication => "第三十九条第二款",
            Excessive => "第三十五条",
            FeeUnpaid => "第四十二条",
            ConfirmOrReissue | OtherHandling => return None,
        })
    }

    /// The row this outcome is counted in under `format`.
    pub fn report_row(self, format: ReportFormat) -> ReportRow {
        match (format, self.category()) {
            (ReportFormat::Trial2019, OutcomeCategory::Other) => ReportRow {
                code: "other",
                label: "（六）其他处理".into(),
            },
            _ => ReportRow {
                code: self.as_str(),
                label: self.full_label(),
            },
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full_label())
    }
}

impl FromStr for Outcome {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ALL.iter()
            .copied()
            .find(|o| o.as_str() == s.trim())
            .ok_or_else(|| DomainError::invalid("outcome", format!("unknown outcome '{s}'")))
    }
}

/// 年度报告格式 — which State Council format a year's report follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// 国办公开办函〔2019〕60号 (trial): （六）其他处理 is one row.
    Trial2019,
    /// 国办公开办函〔2021〕30号: （六） split into three numbered rows.
    Standard2021,
}

impl ReportFormat {
    /// The format in force for the report on `year`: the trial format for 2019 and 2020, the
    /// 2021 format since; `None` before 2019, whose reports had no table of this shape.
    pub fn for_report_year(year: i32) -> Option<ReportFormat> {
        match year {
            ..=2018 => None,
            2019 | 2020 => Some(ReportFormat::Trial2019),
            _ => Some(ReportFormat::Standard2021),
        }
    }

    /// The result rows of this format, in order (without （七）总计).
    pub fn outcome_rows(self) -> Vec<ReportRow> {
        let mut rows: Vec<ReportRow> = Vec::new();
        for o in ALL {
            let row = o.report_row(self);
            if rows.last().map(|r| r.code) != Some(row.code) {
                rows.push(row);
            }
        }
        rows
    }
}

/// One row of section 三 of table 三.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportRow {
    pub code: &'static str,
    pub label: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_one_rows_in_report_order_with_numbers() {
        let all = Outcome::all();
        assert_eq!(all.len(), 21);
        let per_group: Vec<usize> = OutcomeCategory::ALL
            .iter()
            .map(|c| all.iter().filter(|o| o.category() == *c).count())
            .collect();
        assert_eq!(per_group, [1, 1, 8, 3, 5, 3]);
        // Categories never go back, so each group's rows are contiguous.
        assert!(all.windows(2).all(|w| w[0].category() <= w[1].category()));
        assert_eq!(Outcome::AdministrativeQuery.number(), Some(8));
        assert_eq!(Outcome::ConfirmOrReissue.number(), Some(5));
        assert_eq!(Outcome::Disclosed.number(), None);
        assert_eq!(
            Outcome::StateSecret.full_label(),
            "（三）不予公开 1.属于国家秘密"
        );
        assert_eq!(
            Outcome::FeeUnpaid.full_label().split(' ').next(),
            Some("（六）其他处理")
        );
    }

    #[test]
    fn codes_are_unique_stable_and_serde_forms() {
        let mut codes: Vec<_> = Outcome::all().iter().map(|o| o.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 21);
        for o in Outcome::all() {
            assert_eq!(
                serde_json::to_string(o).unwrap(),
                format!("\"{}\"", o.as_str())
            );
            assert_eq!(o.as_str().parse::<Outcome>(), Ok(*o));
            let prefix = o.as_str().split('.').next().unwrap();
            assert!(o.category().as_str().starts_with(prefix), "{}", o.as_str());
        }
        assert_eq!(Outcome::StateSecret.as_str(), "not_disclosed.state_secret");
    }

    #[test]
    fn articles_follow_the_regulation() {
        assert_eq!(Outcome::StateSecret.article(), Some("第十四条"));
        assert_eq!(Outcome::ThirdPartyRights.article(), Some("第十五条"));
        assert_eq!(
            Outcome::AdministrativeQuery.article(),
            Some("第三十六条第（七）项")
        );
        assert_eq!(Outcome::NeedsCreation.article(), Some("第三十八条"));
        assert_eq!(Outcome::Excessive.article(), Some("第三十五条"));
        assert_eq!(Outcome::FeeUnpaid.article(), Some("第四十二条"));
        assert_eq!(Outcome::OtherHandling.article(), None);
    }

    #[test]
    fn the_2019_trial_format_has_one_other_row() {
        let trial = ReportFormat::Trial2019.outcome_rows();
        let standard = ReportFormat::Standard2021.outcome_rows();
        assert_eq!(standard.len(), 21);
        assert_eq!(trial.len(), 19);
        assert_eq!(trial.last().unwrap().label, "（六）其他处理");
        for o in [
            Outcome::CorrectionOverdue,
            Outcome::FeeUnpaid,
            Outcome::OtherHandling,
        ] {
            assert_eq!(o.report_row(ReportFormat::Trial2019).code, "other");
        }
        assert_eq!(
            Outcome::NotHeld.report_row(ReportFormat::Trial2019),
            Outcome::NotHeld.report_row(ReportFormat::Standard2021)
        );
        assert_eq!(ReportFormat::for_report_year(2018), None);
        assert_eq!(
            ReportFormat::for_report_year(2020),
            Some(ReportFormat::Trial2019)
        );
        assert_eq!(
            ReportFormat::for_report_year(2021),
            Some(ReportFormat::Standard2021)
        );
    }
}
