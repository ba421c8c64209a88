//! 公共资源交易 — public resource trading announcements, typed exactly as the annual report
//! counts them, with their structured fields and the order in which one project's announcements
//! follow each other (tender → change → opening → candidates → award).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::item::FieldErrors;

vocabulary!(
    /// 交易类别 — the four categories the annual report groups announcements by.
    TradingCategory, "category" {
        Construction => "construction", "建设工程";
        Procurement => "procurement", "政府采购";
        Land => "land", "国土";
        PropertyRights => "property_rights", "产权交易";
    }
);

/// 公告类型 — one announcement type. Several types share a Chinese name across categories
/// (变更公告, 中标候选人公示, 中标公告), so the code carries the category and parsing a label
/// needs the category (see [`TradingType::parse_in`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TradingType {
    ConstructionTender,
    ConstructionChange,
    ConstructionOpening,
    ConstructionCandidates,
    ConstructionAward,
    ProcurementConsultation,
    ProcurementNotice,
    ProcurementChange,
    ProcurementCandidates,
    ProcurementAward,
    ProcurementFailed,
    LandListing,
    LandResult,
    PropertyRights,
}

impl TradingType {
    /// In the order of the annual report (and of a project's sequence within a category).
    pub const ALL: &'static [TradingType] = &[
        TradingType::ConstructionTender,
        TradingType::ConstructionChange,
        TradingType::ConstructionOpening,
        TradingType::ConstructionCandidates,
        TradingType::ConstructionAward,
        TradingType::ProcurementConsultation,
        TradingType::ProcurementNotice,
        TradingType::ProcurementChange,
        TradingType::ProcurementCandidates,
        TradingType::ProcurementAward,
        TradingType::ProcurementFailed,
        TradingType::LandListing,
        TradingType::LandResult,
        TradingType::PropertyRights,
    ];

    pub fn as_str(self) -> &'static str {
        use TradingType::*;
        match self {
            ConstructionTender => "construction_tender",
            ConstructionChange => "construction_change",
            ConstructionOpening => "construction_opening",
            ConstructionCandidates => "construction_candidates",
            ConstructionAward => "construction_award",
            ProcurementConsultation => "procurement_consultation",
            ProcurementNotice => "procurement_notice",
            ProcurementChange => "procurement_change",
            ProcurementCandidates => "procurement_candidates",
            ProcurementAward => "procurement_award",
            ProcurementFailed => "procurement_failed",
            LandListing => "land_listing",
            LandResult => "land_result",
            PropertyRights => "property_rights",
        }
    }

    /// The type's name within its category, as the seed report prints it.
    pub fn label_zh(self) -> &'static str {
        use TradingType::*;
        match self {
            ConstructionTender => "招标公告",
            ConstructionChange | ProcurementChange => "变更公告",
            ConstructionOpening => "开标情况",
            ConstructionCandidates | ProcurementCandidates => "中标候选人公示",
            ConstructionAward | ProcurementAward => "中标公告",
            ProcurementConsultation => "征求意见公示",
            ProcurementNotice => "采购公告",
            ProcurementFailed => "废标公告",
            LandListing => "挂牌出让公告",
            LandResult => "挂牌结果公示",
            PropertyRights => "产权交易公告",
        }
    }

    /// Category and type together (`政府采购·变更公告`), unambiguous on its own.
    pub fn full_label(self) -> String {
        format!("{}·{}", self.category().label_zh(), self.label_zh())
    }

    pub fn category(self) -> TradingCategory {
        use TradingType::*;
        match self {
            ConstructionTender
            | ConstructionChange
            | ConstructionOpening
            | ConstructionCandidates
            | ConstructionAward => TradingCategory::Construction,
            ProcurementConsultation
            | ProcurementNotice
            | ProcurementChange
            | ProcurementCandidates
            | ProcurementAward
            | ProcurementFailed => TradingCategory::Procurement,
            LandListing | LandResult => TradingCategory::Land,
            PropertyRights => TradingCategory::PropertyRights,
        }
    }

    pub fn of_category(c: TradingCategory) -> impl Iterator<Item = TradingType> {
        Self::ALL.iter().copied().filter(move |t| t.category() == c)
    }

    /// Position in a project's history: earlier stages first. Changes sit after the notice they
    /// change; results last.
    pub fn stage(self) -> u8 {
        use TradingType::*;
        match self {
            ProcurementConsultation => 0,
            ConstructionTender | ProcurementNotice | LandListing | PropertyRights => 1,
            ConstructionChange | ProcurementChange => 2,
            ConstructionOpening => 3,
            ConstructionCandidates | ProcurementCandidates => 4,
            ConstructionAward | ProcurementAward | ProcurementFailed | LandResult => 5,
        }
    }

    /// Result announcements name the winner and the price.
    pub fn is_result(self) -> bool {
        use TradingType::*;
        matches!(self, ConstructionAward | ProcurementAward | LandResult)
    }

    /// Accepts the code, the full label (`政府采购·变更公告`), or a label that is unambiguous
    /// within `category` (`变更公告` with 政府采购).
    pub fn parse_in(s: &str, category: Option<TradingCategory>) -> Result<TradingType, String> {
        let s = s.trim();
        if let Some(t) = Self::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s || t.full_label() == s)
        {
            return Ok(t);
        }
        let matching: Vec<TradingType> = Self::ALL
            .iter()
            .copied()
            .filter(|t| t.label_zh() == s && category.map_or(true, |c| t.category() == c))
            .collect();
        match matching.as_slice() {
            [t] => Ok(*t),
            [] => Err(format!("未知的公告类型“{s}”")),
            _ => Err(format!("公告类型“{s}”在多个类别中都有，请同时填写交易类别")),
        }
    }
}

impl std::fmt::Display for TradingType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TradingType {
    type Err = crate::DomainError;
    fn from_str(s: &str) -> Result<Self, crate::DomainError> {
        TradingType::parse_in(s, None).map_err(|m| crate::DomainError::invalid("type", m))
    }
}

/// An amount of money in 分 (hundredths of a yuan), so sums are exact.
pub type Fen = i64;

/// Parses an amount as trading systems write it: `1234567.8`, `1,234,567.80元`, `123.45万元`,
/// `￥1,000`. Negative or absurd amounts are refused.
pub fn parse_amount(raw: &str) -> Result<Fen, String> {
    let s: String = raw
        .trim()
        .trim_start_matches(['￥', '¥'])
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    let (num, factor) = if let Some(n) = s.strip_suffix("万元").or_else(|| s.strip_suffix('万'))
    {
        (n, 10_000i64)
    } else {
        (s.strip_suffix('元').unwrap_or(&s), 1)
    };
    let bad = || {
        format!(
            "金额“{}”无法识别（例：1234567.89 或 123.45万元）",
            raw.trim()
        )
    };
    let (int_part, frac_part) = match num.split_once('.') {
        Some((i, f)) => (i, f),
        None => (num, ""),
    };
    if int_part.is_empty()
        || !int_part.chars().all(|c| c.is_ascii_digit())
        || !frac_part.chars().all(|c| c.is_ascii_digit())
        || int_part.len() > 12
    {
        return Err(bad());
    }
    // Work in 1/1,000,000 yuan so 万元 with up to six decimals stays exact, then round to 分.
    let frac_digits = if factor == 1 { 2 } else { 6 };
    if frac_part.len() > frac_digits {
        return Err(format!("金额“{}”的小数位过多（最多到分）", raw.trim()));
    }
    let mut frac = frac_part.to_string();
    while frac.len() < 6 {
        frac.push('0');
    }
    let micro: i64 = int_part.parse::<i64>().map_err(|_| bad())? * 1_000_000
        + frac.parse::<i64>().map_err(|_| bad())?;
    let micro = micro.checked_mul(factor).ok_or_else(bad)?;
    if micro % 10_000 != 0 {
        return Err(format!("金额“{}”的小数位过多（最多到分）", raw.trim()));
    }
    Ok(micro / 10_000)
}

/// `1234567.80` → `1,234,567.80`.
pub fn format_amount(fen: Fen) -> String {
    let yuan = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}.{:02}", fen % 100)
}

/// Parses a date or date-time: `2026-03-01`, `2026/3/1`, `2026年3月1日`, optionally followed
/// by `09:30` or `09:30:00` (a bare date means midnight).
pub fn parse_datetime(raw: &str) -> Result<NaiveDateTime, String> {
    let s = raw.trim();
    let bad = || format!("日期“{s}”无法识别（例：2026-03-01 或 2026-03-01 09:30）");
    let normalised = s
        .replace(['年', '月', '/'], "-")
        .replace('日', " ")
        .replace('T', " ");
    let mut parts = normalised.split_whitespace();
    let date_part = parts.next().ok_or_else(bad)?;
    let date = NaiveDate::parse_from_str(date_part, "%Y-%m-%d").map_err(|_| bad())?;
    let time = match parts.next() {
        None => NaiveTime::MIN,
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M:%S")
            .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
            .map_err(|_| bad())?,
    };
    if parts.next().is_some() {
        return Err(bad());
    }
    Ok(date.and_time(time))
}

/// An announcement as it arrives (form, JSONL or CSV line): every field text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TradingInput {
    /// The trading system's own id of the announcement; re-importing it updates it.
    pub source_id: String,
    /// 交易类别 (code or label); optional when `type` is unambiguous.
    pub category: String,
    /// 公告类型 (code, full label, or label within the category).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    /// 项目名称
    pub project_name: String,
    /// 项目编号 — links the announcements of one project.
    pub project_code: String,
    /// 采购人 / 招标人 / 出让人
    pub purchaser: String,
    /// 发布机构 — organisation code of the publisher (the trading centre or the purchaser).
    pub org_code: String,
    /// 预算金额 / 最高限价 / 起始价
    pub budget: String,
    pub published: String,
    /// 投标（响应）截止时间
    pub deadline: String,
    /// 开标时间
    pub opening: String,
    /// 中标（成交）单位
    pub winner: String,
    /// 中标（成交）金额
    pub winning_price: String,
    pub body_html: String,
}

/// An announcement with every field checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidTrading {
    pub source_id: Option<String>,
    pub kind: TradingType,
    pub title: String,
    pub project_name: String,
    pub project_code: String,
    pub purchaser: String,
    pub org_code: String,
    pub budget: Option<Fen>,
    pub published: NaiveDateTime,
    pub deadline: Option<NaiveDateTime>,
    pub opening: Option<NaiveDateTime>,
    pub winner: Option<String>,
    pub winning_price: Option<Fen>,
    pub body_html: String,
}

fn opt(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

impl TradingInput {
    /// Checks every field and reports all problems at once, by field name.
    pub fn validate(&self) -> Result<ValidTrading, FieldErrors> {
        let mut e = FieldErrors::default();
        let category = match opt(&self.category) {
            Some(c) => match c.parse::<TradingCategory>() {
                Ok(c) => Some(c),
                Err(_) => {
                    e.add("category", format!("未知的交易类别“{c}”"));
                    None
                }
            },
            None => None,
        };
        let kind = match opt(&self.kind) {
            None => {
                e.add("type", "请填写公告类型");
                None
            }
            // A label of another category is reported as such, not as unknown.
            Some(k) => match TradingType::parse_in(k, category)
                .or_else(|_| TradingType::parse_in(k, None))
            {
                Ok(t) => {
                    if category.is_some_and(|c| c != t.category()) {
                        e.add(
                            "type",
                            format!("公告类型“{k}”不属于{}类", category.unwrap().label_zh()),
                        );
                    }
                    Some(t)
                }
                Err(m) => {
                    e.add("type", m);
                    None
                }
            },
        };
        let mut required = |field: &str, v: &str, what: &str, max: usize| -> String {
            let v = v.trim();
            if v.is_empty() {
                e.add(field, format!("请填写{what}"));
            } else if v.chars().count() > max {
                e.add(field, format!("{what}不超过 {max} 个字"));
            }
            v.to_string()
        };
        let title = required("title", &self.title, "公告标题", 300);
        let project_name = required("project_name", &self.project_name, "项目名称", 300);
        let project_code = required("project_code", &self.project_code, "项目编号", 100);
        let purchaser = required("purchaser", &self.purchaser, "采购人（招标人）", 200);
        let org_code = required("org_code", &self.org_code, "发布机构代码", 40);
        let mut amount = |field: &str, v: &str| match opt(v) {
            None => None,
            Some(v) => match parse_amount(v) {
                Ok(a) => Some(a),
                Err(m) => {
                    e.add(field, m);
                    None
                }
            },
        };
        let budget = amount("budget", &self.budget);
        let winning_price = amount("winning_price", &self.winning_price);
        let mut date = |field: &str, v: &str| match opt(v) {
            None => None,
            Some(v) => match parse_datetime(v) {
                Ok(d) => Some(d),
                Err(m) => {
                    e.add(field, m);
                    None
                }
            },
        };
        let published = date("published", &self.published);
        let deadline = date("deadline", &self.deadline);
        let opening = date("opening", &self.opening);
        if opt(&self.published).is_none() {
            e.add("published", "请填写发布日期");
        }
        let winner = opt(&self.winner).map(String::from);
        if let Some(t) = kind {
            if t.is_result() {
                if winner.is_none() {
                    e.add("winner", "结果公告须写明中标（成交）单位");
                }
                if opt(&self.winning_price).is_none() {
                    e.add("winning_price", "结果公告须写明中标（成交）金额");
                }
            }
        }
        if let (Some(p), Some(d)) = (published, deadline) {
            if d < p {
                e.add("deadline", "截止时间不能早于发布日期");
            }
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidTrading {
            source_id: opt(&self.source_id).map(String::from),
            kind: kind.expect("checked"),
            title,
            project_name,
            project_code,
            purchaser,
            org_code,
            budget,
            published: published.expect("checked"),
            deadline,
            opening,
            winner,
            winning_price,
            body_html: crate::item::sanitize_html(&self.body_html),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fourteen_types_in_four_categories_as_the_report_counts_them() {
        let count = |c| TradingType::of_category(c).count();
        assert_eq!(count(TradingCategory::Construction), 5);
        assert_eq!(count(TradingCategory::Procurement), 6);
        assert_eq!(count(TradingCategory::Land), 2);
        assert_eq!(count(TradingCategory::PropertyRights), 1);
        for t in TradingType::ALL {
            assert_eq!(t.as_str().parse::<TradingType>().unwrap(), *t);
            assert_eq!(t.full_label().parse::<TradingType>().unwrap(), *t);
        }
    }

    #[test]
    fn shared_labels_need_the_category() {
        assert!(TradingType::parse_in("变更公告", None).is_err());
        assert_eq!(
            TradingType::parse_in("变更公告", Some(TradingCategory::Procurement)),
            Ok(TradingType::ProcurementChange)
        );
        assert_eq!(
            TradingType::parse_in("开标情况", None),
            Ok(TradingType::ConstructionOpening)
        );
    }

    #[test]
    fn amounts_in_yuan_and_wan() {
        assert_eq!(parse_amount("1,234,567.8元"), Ok(123_456_780));
        assert_eq!(parse_amount("123.45万元"), Ok(123_450_000));
        assert_eq!(parse_amount("￥1000"), Ok(100_000));
        assert_eq!(parse_amount("0.000001万元"), Ok(1));
        assert!(parse_amount("0.0000001万元").is_err());
        assert!(parse_amount("十万元").is_err());
        assert!(parse_amount("-5").is_err());
        assert!(parse_amount("1.234").is_err());
        assert_eq!(format_amount(123_456_780), "1,234,567.80");
        assert_eq!(format_amount(5), "0.05");
    }

    #[test]
    fn dates_in_common_spellings() {
        let d = parse_datetime("2026年3月1日 09:30").unwrap();
        assert_eq!(d.to_string(), "2026-03-01 09:30:00");
        assert_eq!(
            parse_datetime("2026/3/1").unwrap().to_string(),
            "2026-03-01 00:00:00"
        );
        assert!(parse_datetime("2026-02-30").is_err());
        assert!(parse_datetime("下周一").is_err());
    }

    fn input() -> TradingInput {
        TradingInput {
            category: "政府采购".into(),
            kind: "中标公告".into(),
            title: "示范市第一中学实验设备采购项目中标公告".into(),
            project_name: "示范市第一中学实验设备采购项目".into(),
            project_code: "SFCG-2026-001".into(),
            purchaser: "示范市第一中学".into(),
            org_code: "00001435X".into(),
            budget: "120万元".into(),
            published: "2026-03-20".into(),
            winner: "示范科教仪器有限公司".into(),
            winning_price: "1,136,000.00".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_result_announcement() {
        let v = input().validate().unwrap();
        assert_eq!(v.kind, TradingType::ProcurementAward);
        assert_eq!(v.budget, Some(120_000_000));
        assert_eq!(v.winning_price, Some(113_600_000));
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut i = input();
        i.budget = "约一百万".into();
        i.published = "2026-13-01".into();
        i.winner = String::new();
        i.kind = "开标情况".into();
        let e = i.validate().unwrap_err();
        assert!(e.get("budget").is_some(), "{e}");
        assert!(e.get("published").is_some(), "{e}");
        assert!(e.get("type").unwrap().contains("不属于"), "{e}");
        let mut i = input();
        i.winner = " ".into();
        let e = i.validate().unwrap_err();
        assert!(e.get("winner").is_some(), "{e}");
    }
}

/// Announcements counted by type. Category totals and the grand total are computed from the
/// per-type figures, never stored, so they are always the sums of their parts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TradingCounts {
    per_type: std::collections::BTreeMap<TradingType, i64>,
}

impl TradingCounts {
    pub fn add(&mut self, t: TradingType, n: i64) {
        *self.per_type.entry(t).or_default() += n;
    }

    pub fn of(&self, t: TradingType) -> i64 {
        self.per_type.get(&t).copied().unwrap_or(0)
    }

    pub fn category_total(&self, c: TradingCategory) -> i64 {
        TradingType::of_category(c).map(|t| self.of(t)).sum()
    }

    pub fn total(&self) -> i64 {
        TradingCategory::ALL
            .iter()
            .map(|c| self.category_total(*c))
            .sum()
    }

    /// Adds another set of counts (e.g. the levels into the whole).
    pub fn merge(&mut self, other: &TradingCounts) {
        for (t, n) in &other.per_type {
            self.add(*t, *n);
        }
    }

    /// The sentence the annual report prints (二（四）3): categories, then their types.
    pub fn report_sentence(&self) -> String {
        let mut parts = vec![];
        for c in TradingCategory::ALL {
            let types: Vec<TradingType> = TradingType::of_category(*c).collect();
            if types.len() == 1 {
                parts.push(format!(
                    "{}类信息{}条",
                    c.label_zh(),
                    self.category_total(*c)
                ));
            } else {
                let inner: Vec<String> = types
                    .iter()
                    .map(|t| format!("{}{}条", t.label_zh(), self.of(*t)))
                    .collect();
                parts.push(format!(
                    "{}类信息{}条，其中{}",
                    c.label_zh(),
                    self.category_total(*c),
                    inner.join("，")
                ));
            }
        }
        format!(
            "公布公共资源交易信息{}条。{}。",
            self.total(),
            parts.join("；")
        )
    }
}

#[cfg(test)]
mod count_tests {
    use super::*;

    #[test]
    fn totals_are_sums_of_parts() {
        let mut c = TradingCounts::default();
        // The seed's construction figures: 713 + 644 + 666 + 766 + 524 = 3,313 (the seed states 3,319).
        for (t, n) in [
            (TradingType::ConstructionTender, 713),
            (TradingType::ConstructionChange, 644),
            (TradingType::ConstructionOpening, 666),
            (TradingType::ConstructionCandidates, 766),
            (TradingType::ConstructionAward, 524),
            (TradingType::PropertyRights, 48),
        ] {
            c.add(t, n);
        }
        assert_eq!(c.category_total(TradingCategory::Construction), 3313);
        assert_eq!(c.total(), 3313 + 48);
        let mut all = TradingCounts::default();
        all.merge(&c);
        all.merge(&c);
        assert_eq!(all.total(), 2 * c.total());
        let s = c.report_sentence();
        assert!(
            s.starts_with("公布公共资源交易信息3361条。建设工程类信息3313条，其中招标公告713条"),
            "{s}"
        );
        assert!(s.contains("产权交易类信息48条"), "{s}");
    }
}

/// How an import file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// One JSON object per line with the fields of [`TradingInput`].
    Jsonl,
    /// A header row naming the fields of [`TradingInput`] (English names or the Chinese column
    /// names of [`CSV_COLUMNS`]), then one announcement per row.
    Csv,
}

impl ImportFormat {
    /// By file name: `.csv` is CSV, anything else JSON lines.
    pub fn of_path(path: &str) -> ImportFormat {
        if path.to_ascii_lowercase().ends_with(".csv") {
            ImportFormat::Csv
        } else {
            ImportFormat::Jsonl
        }
    }
}

/// The CSV columns: field name and the Chinese header trading systems export.
pub const CSV_COLUMNS: &[(&str, &str)] = &[
    ("source_id", "公告编号"),
    ("category", "交易类别"),
    ("type", "公告类型"),
    ("title", "公告标题"),
    ("project_name", "项目名称"),
    ("project_code", "项目编号"),
    ("purchaser", "采购人"),
    ("org_code", "发布机构代码"),
    ("budget", "预算金额"),
    ("published", "发布日期"),
    ("deadline", "截止时间"),
    ("opening", "开标时间"),
    ("winner", "中标单位"),
    ("winning_price", "中标金额"),
    ("body_html", "正文"),
];

/// Splits an import file into announcements, each with its 1-based line number (for CSV, the
/// line the record starts on). A line that cannot be read becomes an error for that line only.
pub fn parse_import(
    text: &str,
    format: ImportFormat,
) -> Vec<(usize, Result<TradingInput, String>)> {
    match format {
        ImportFormat::Jsonl => text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, l)| {
                (
                    n + 1,
                    serde_json::from_str::<TradingInput>(l.trim_start_matches('\u{feff}'))
                        .map_err(|e| format!("不是有效的 JSON 记录：{e}")),
                )
            })
            .collect(),
        ImportFormat::Csv => parse_csv(text.trim_start_matches('\u{feff}')),
    }
}

fn parse_csv(text: &str) -> Vec<(usize, Result<TradingInput, String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return vec![(1, Err(format!("无法读取表头：{e}")))],
    };
    let mut columns = vec![];
    for h in headers.iter() {
        let h = h.trim();
        match CSV_COLUMNS.iter().find(|(en, zh)| *en == h || *zh == h) {
            Some((en, _)) => columns.push(*en),
            None => return vec![(1, Err(format!("未知的列“{h}”")))],
        }
    }
    let mut out = vec![];
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                out.push((line, Err(format!("无法读取该行：{e}"))));
                continue;
            }
        };
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        if record.len() != columns.len() {
            out.push((
                line,
                Err(format!(
                    "该行有 {} 列，表头有 {} 列",
                    record.len(),
                    columns.len()
                )),
            ));
            continue;
        }
        let mut i = TradingInput::default();
        for (name, value) in columns.iter().zip(record.iter()) {
            let v = value.to_string();
            match *name {
                "source_id" => i.source_id = v,
                "category" => i.category = v,
                "type" => i.kind = v,
                "title" => i.title = v,
                "project_name" => i.project_name = v,
                "project_code" => i.project_code = v,
                "purchaser" => i.purchaser = v,
                "org_code" => i.org_code = v,
                "budget" => i.budget = v,
                "published" => i.published = v,
                "deadline" => i.deadline = v,
                "opening" => i.opening = v,
                "winner" => i.winner = v,
                "winning_price" => i.winning_price = v,
                _ => i.body_html = v,
            }
        }
        out.push((line, Ok(i)));
    }
    out
}

#[cfg(test)]
mod import_tests {
    use super::*;

    #[test]
    fn jsonl_lines_are_numbered_and_bad_ones_kept_apart() {
        let text = "{\"type\":\"招标公告\",\"title\":\"t\"}\n\nnot json\n{\"colour\":\"red\"}\n";
        let rows = parse_import(text, ImportFormat::Jsonl);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].0, 1);
        assert_eq!(rows[0].1.as_ref().unwrap().kind, "招标公告");
        assert_eq!(rows[1].0, 3);
        assert!(rows[1].1.is_err());
        assert!(rows[2].1.as_ref().unwrap_err().contains("colour"));
    }

    #[test]
    fn csv_with_chinese_headers_and_quoted_commas() {
        let text = "公告类型,交易类别,公告标题,预算金额\n采购公告,政府采购,\"办公设备, 一批\",\"1,000.00\"\n开标情况,建设工程\n";
        let rows = parse_import(text, ImportFormat::Csv);
        assert_eq!(rows.len(), 2);
        let first = rows[0].1.as_ref().unwrap();
        assert_eq!(rows[0].0, 2);
        assert_eq!(first.title, "办公设备, 一批");
        assert_eq!(first.budget, "1,000.00");
        assert_eq!(rows[1].0, 3);
        assert!(rows[1].1.as_ref().unwrap_err().contains("列"));
        let bad = parse_import("颜色\nred\n", ImportFormat::Csv);
        assert!(bad[0].1.as_ref().unwrap_err().contains("颜色"));
    }
}
