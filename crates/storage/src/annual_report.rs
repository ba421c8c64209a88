//! 年度报告统计 — the statistics behind the annual report, counted from what the platform holds:
//! catalogue items, request cases and their appeals, and the figures of table 二 that other
//! systems supply (entered here with their source). Every figure is defined once, in
//! [`FIGURES`] or in the table builders below, with its rule (which records, which date) beside it.
//!
//! A report is computed for a year and a [`Scope`]; the tables come out with their totals
//! computed, so they satisfy the invariants by construction, and [`AnnualReport::problems`]
//! checks them again before anything is published.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use gongkai_domain::interview::EventKind;
use gongkai_domain::report::table3::check_carry_over;
use gongkai_domain::report::{
    Inconsistency, ReportFormat, Scope, Table2, Table2Block, Table2Column, Table2Row, Table3,
    Table3Column, Table3Row, Table4, Table4Block, Table4Column,
};
use gongkai_domain::request::Outcome;
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::schema::{disclosure_requests, items, organisations, request_appeals, request_events};
use crate::{write_txn, AnyConnection, Result, StorageError};

diesel::table! {
    report_entered_figures (id) {
        id -> BigInt,
        org_id -> BigInt,
        year -> Integer,
        row_key -> Text,
        column_key -> Text,
        value -> Double,
        source -> Text,
        entered_by -> Nullable<BigInt>,
        entered_at -> Timestamp,
    }
}

diesel::table! {
    annual_reports (id) {
        id -> BigInt,
        scope -> Text,
        year -> Integer,
        status -> Text,
        sections -> Text,
        item_id -> Nullable<BigInt>,
        updated_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

// ------------------------------------------------------------------ scope

/// The organisations a scope covers, resolved against the organisation tree.
#[derive(Debug, Clone)]
pub struct ScopeOrgs {
    pub scope: Scope,
    /// The name the report goes out under (the organisation's, or the city's).
    pub name: String,
    pub ids: Vec<i64>,
    /// Each organisation's level (`city`, `county`, `township`), for the split by level.
    pub level_of: HashMap<i64, String>,
    /// Each organisation's short name, for the dashboard's split by organisation.
    pub short_name_of: HashMap<i64, String>,
}

/// Resolves `scope`; an organisation code that does not exist is a clear error.
pub fn resolve_scope(conn: &mut AnyConnection, scope: &Scope) -> Result<ScopeOrgs> {
    let all: Vec<(i64, Option<i64>, String, String, String, String, String)> = organisations::table
        .select((
            organisations::id,
            organisations::parent_id,
            organisations::path,
            organisations::name,
            organisations::short_name,
            organisations::code,
            organisations::level,
        ))
        .order(organisations::id.asc())
        .load(conn)?;
    let root_name = all
        .iter()
        .find(|o| o.1.is_none())
        .map(|o| o.3.trim_end_matches("人民政府").to_string())
        .unwrap_or_default();
    let (name, chosen): (String, Vec<_>) = match scope {
        Scope::City => (root_name, all.iter().collect()),
        Scope::CityLevel => (
            format!("{root_name}市本级"),
            all.iter().filter(|o| o.6 == "city").collect(),
        ),
        Scope::Counties => (
            format!("{root_name}县（市、区）"),
            all.iter().filter(|o| o.6 != "city").collect(),
        ),
        Scope::Org(code) => {
            let org = all
                .iter()
                .find(|o| o.5.eq_ignore_ascii_case(code))
                .ok_or_else(|| {
                    StorageError::Domain(gongkai_domain::DomainError::invalid(
                        "scope",
                        format!("no organisation has the code `{code}`"),
                    ))
                })?;
            let prefix = org.2.clone();
            (
                org.3.clone(),
                all.iter().filter(|o| o.2.starts_with(&prefix)).collect(),
            )
        }
    };
    Ok(ScopeOrgs {
        scope: scope.clone(),
        name,
        ids: chosen.iter().map(|o| o.0).collect(),
        level_of: chosen.iter().map(|o| (o.0, o.6.clone())).collect(),
        short_name_of: chosen.iter().map(|o| (o.0, o.4.clone())).collect(),
    })
}

/// The reported year as dates, first and last day.
#[derive(Debug, Clone, Copy)]
pub struct Year {
    pub year: i32,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Year {
    pub fn new(year: i32) -> Result<Year> {
        let bad = || {
            StorageError::Domain(gongkai_domain::DomainError::invalid(
                "year",
                format!("{year} is not a year a report can cover"),
            ))
        };
        if !(2008..=9998).contains(&year) {
            return Err(bad());
        }
        Ok(Year {
            year,
            start: NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad)?,
            end: NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad)?,
        })
    }

    fn start_ts(&self) -> NaiveDateTime {
        self.start.and_hms_opt(0, 0, 0).expect("midnight")
    }

    fn next_start_ts(&self) -> NaiveDateTime {
        (self.end + chrono::Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
    }

    fn contains(&self, d: NaiveDate) -> bool {
        d >= self.start && d <= self.end
    }
}

// ------------------------------------------------------------------ table 三

/// 申请人类型 → the column of table 三 (stored codes of `ApplicantType`).
fn table3_column(applicant_type: &str) -> Option<Table3Column> {
    Some(match applicant_type {
        "natural_person" => Table3Column::NaturalPerson,
        "commercial_enterprise" => Table3Column::Commercial,
        "research_institution" => Table3Column::Research,
        "public_welfare_organization" => Table3Column::SocialWelfare,
        "legal_service_institution" => Table3Column::LegalService,
        "other_organization" => Table3Column::OtherOrganisation,
        _ => return None,
    })
}

/// 办理结果 → the row of table 三 in `format` (the 2019 format has one （六） row).
pub fn table3_row(outcome: Outcome, format: ReportFormat) -> Table3Row {
    use Outcome as O;
    use Table3Row as R;
    let trial = format == ReportFormat::Trial2019;
    match outcome {
        O::Disclosed => R::Disclosed,
        O::PartiallyDisclosed => R::PartlyDisclosed,
        O::StateSecret => R::WithheldStateSecret,
        O::ProhibitedByLaw => R::WithheldProhibitedByLaw,
        O::EndangersSecurityStability => R::WithheldEndangersSecurity,
        O::ThirdPartyRights => R::WithheldThirdPartyRights,
        O::InternalAffairs => R::WithheldInternalAffairs,
        O::ProcessInformation => R::WithheldProcessInformation,
        O::EnforcementFile => R::WithheldEnforcementFile,
        O::AdministrativeQuery => R::WithheldQueryMatter,
        O::NotHeld => R::UnavailableNotHeld,
        O::NeedsCreation => R::UnavailableNeedsCreation,
        O::UnclearAfterCorrection => R::UnavailableStillUnclear,
        O::Petition => R::NotProcessedComplaint,
        O::RepeatRequest => R::NotProcessedRepeated,
        O::Publication => R::NotProcessedPublication,
        O::Excessive => R::NotProcessedExcessive,
        O::ConfirmOrReissue => R::NotProcessedConfirmation,
        _ if trial => R::OtherHandling,
        O::CorrectionOverdue => R::OtherNoCorrection,
        O::FeeUnpaid => R::OtherFeeUnpaid,
        O::OtherHandling => R::OtherMisc,
    }
}

/// One request case as the statistics see it.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: i64,
    pub org_id: i64,
    pub column: Option<Table3Column>,
    pub received_on: NaiveDate,
    pub outcome: Option<Outcome>,
    /// 办结日期: the reply (or transfer, or on-the-spot answer) date; for a request that lapsed
    /// because the applicant did not correct it (Art. 30), the day that was recorded.
    pub disposed_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
}

/// The cases of the scope received on or before `until` and not disposed of before `from`.
fn load_cases(
    conn: &mut AnyConnection,
    orgs: &[i64],
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Case>> {
    type Row = (
        i64,
        i64,
        String,
        NaiveDate,
        Option<String>,
        Option<NaiveDate>,
        Option<NaiveDate>,
    );
    let mut rows: Vec<Row> = Vec::new();
    for chunk in orgs.chunks(500) {
        rows.extend(
            disclosure_requests::table
                .filter(disclosure_requests::org_id.eq_any(chunk))
                .filter(disclosure_requests::received_on.le(until))
                .filter(
                    disclosure_requests::answered_on
                        .is_null()
                        .or(disclosure_requests::answered_on.ge(from)),
                )
                .select((
                    disclosure_requests::id,
                    disclosure_requests::org_id,
                    disclosure_requests::applicant_type,
                    disclosure_requests::received_on,
                    disclosure_requests::outcome,
                    disclosure_requests::answered_on,
                    disclosure_requests::due_on,
                ))
                .load::<Row>(conn)?,
        );
    }
    // Lapsed requests have no reply date; the lapse event carries it.
    let lapsed: Vec<i64> = rows
        .iter()
        .filter(|r| r.5.is_none() && r.4.is_some())
        .map(|r| r.0)
        .collect();
    let mut lapse_on: HashMap<i64, NaiveDate> = HashMap::new();
    for chunk in lapsed.chunks(500) {
        let found: Vec<(i64, NaiveDate)> = request_events::table
            .filter(request_events::request_id.eq_any(chunk))
            .filter(request_events::kind.eq("correction_lapsed"))
            .select((request_events::request_id, request_events::on_date))
            .load(conn)?;
        lapse_on.extend(found);
    }
    Ok(rows
        .into_iter()
        .map(
            |(id, org_id, applicant, received_on, outcome, answered, due_on)| {
                let outcome = outcome.and_then(|o| o.parse::<Outcome>().ok());
                let disposed_on = outcome.and(answered.or_else(|| lapse_on.get(&id).copied()));
                Case {
                    id,
                    org_id,
                    column: table3_column(&applicant),
                    received_on,
                    outcome,
                    disposed_on,
                    due_on,
                }
            },
        )
        .filter(|c| c.disposed_on.is_none_or(|d| d >= from))
        .collect())
}

/// Table 三 from the cases of the year:
/// - 一、本年新收: cases received (收到申请之日, Art. 31) in the year;
/// - 二、上年结转: cases received before the year and not disposed of before it began;
/// - 三、办理结果: cases disposed of in the year, one row per outcome (a partly disclosed case only
///   under （二）);
/// - 四、结转下年度: cases received by the year's end and not disposed of by then.
///
/// Every case counted in 一 or 二 is counted once in 三 or 四, so 一 + 二 = 三（七） + 四 holds in
/// every column, and next year's 二 is this year's 四 (both are "received by 31 Dec, open on 1 Jan").
pub fn table3_of(cases: &[Case], year: &Year, format: ReportFormat) -> Result<Table3> {
    let mut t = Table3::new(format);
    for c in cases {
        let Some(col) = c.column else { continue };
        if c.received_on > year.end || c.disposed_on.is_some_and(|d| d < year.start) {
            continue;
        }
        let intake = if c.received_on >= year.start {
            Table3Row::New
        } else {
            Table3Row::CarriedOver
        };
        t.add(intake, col, 1)?;
        let result = match (c.outcome, c.disposed_on) {
            (Some(o), Some(d)) if year.contains(d) => table3_row(o, format),
            _ => Table3Row::CarriedForward,
        };
        t.add(result, col, 1)?;
    }
    t.compute_totals();
    Ok(t)
}

// ------------------------------------------------------------------ table 四

/// Table 四 from the appeals about the scope's requests: an appeal counts in the year it was
/// filed (申请复议/起诉之日); its column is its decision when decided by the year's end, else
/// 尚未审结.
fn table4_of(conn: &mut AnyConnection, orgs: &[i64], year: &Year) -> Result<Table4> {
    let mut t = Table4::new();
    for chunk in orgs.chunks(500) {
        let rows: Vec<(String, String, Option<NaiveDate>)> = request_appeals::table
            .inner_join(
                disclosure_requests::table
                    .on(disclosure_requests::id.eq(request_appeals::request_id)),
            )
            .filter(disclosure_requests::org_id.eq_any(chunk))
            .filter(request_appeals::filed_on.ge(year.start))
            .filter(request_appeals::filed_on.le(year.end))
            .select((
                request_appeals::kind,
                request_appeals::outcome,
                request_appeals::decided_on,
            ))
            .load(conn)?;
        for (kind, outcome, decided_on) in rows {
            let Some(block) = crate::request::block_of(&kind) else {
                continue;
            };
            let decided = decided_on.is_some_and(|d| d <= year.end);
            let col = match crate::request::column_of(&outcome) {
                Some(c) if decided && c != Table4Column::Pending => c,
                _ => Table4Column::Pending,
            };
            t.add(block, col, 1);
        }
    }
    t.compute_totals();
    Ok(t)
}

// ------------------------------------------------------------------ table 二

/// Stored key of a table 二 column (for entered figures).
pub fn table2_column_key(c: Table2Column) -> &'static str {
    match c {
        Table2Column::Issued => "issued",
        Table2Column::Repealed => "repealed",
        Table2Column::InForce => "in_force",
        Table2Column::Decisions => "decisions",
        Table2Column::FeeAmount => "fee_amount",
        Table2Column::NewlyMade => "newly_made",
        Table2Column::NewlyPublished => "newly_published",
        Table2Column::PublicTotal => "public_total",
        Table2Column::PreviousItems => "previous_items",
        Table2Column::Change => "change",
        Table2Column::DecisionsTrial => "decisions_trial",
        Table2Column::ProcurementProjects => "procurement_projects",
        Table2Column::ProcurementAmount => "procurement_amount",
    }
}

pub fn table2_column_of(key: &str) -> Option<Table2Column> {
    use Table2Column as C;
    [
        C::Issued,
        C::Repealed,
        C::InForce,
        C::Decisions,
        C::FeeAmount,
        C::NewlyMade,
        C::NewlyPublished,
        C::PublicTotal,
        C::PreviousItems,
        C::Change,
        C::DecisionsTrial,
        C::ProcurementProjects,
        C::ProcurementAmount,
    ]
    .into_iter()
    .find(|c| table2_column_key(*c) == key)
}

/// The cells of table 二 the catalogue answers: 规章 and 行政规范性文件 rows, from the genre.
pub fn from_catalogue(row: Table2Row, col: Table2Column) -> bool {
    matches!(row, Table2Row::Rules | Table2Row::NormativeDocuments)
        && matches!(
            col,
            Table2Column::Issued
                | Table2Column::Repealed
                | Table2Column::InForce
                | Table2Column::NewlyMade
                | Table2Column::NewlyPublished
                | Table2Column::PublicTotal
        )
}

/// One published rule or normative document, as table 二 reads it.
struct Instrument {
    made_on: NaiveDate,
    published_on: NaiveDate,
    validity: String,
    invalid_from: Option<NaiveDate>,
}

/// A catalogue cell of table 二 (规章 genre `regulation`, 行政规范性文件 genre
/// `normative_document`; documents ever published, i.e. with an 索引号):
/// - 本年制发 / 本年新制作: 成文日期 in the year (the publication date when none was entered);
/// - 本年废止: marked 废止 with 失效日期 in the year;
/// - 现行有效: made by the year's end and still in force at its end (失效日期 after it, or none
///   and still marked 有效);
/// - 本年新公开 (2019): first published in the year; 对外公开总数量 (2019): published by its end.
fn catalogue_cell(docs: &[Instrument], col: Table2Column, year: &Year) -> f64 {
    docs.iter()
        .filter(|d| match col {
            Table2Column::Issued | Table2Column::NewlyMade => year.contains(d.made_on),
            Table2Column::Repealed => {
                d.validity == "repealed" && d.invalid_from.is_some_and(|x| year.contains(x))
            }
            Table2Column::InForce => {
                d.made_on <= year.end
                    && match d.invalid_from {
                        Some(x) => x > year.end,
                        None => d.validity == "valid",
                    }
            }
            Table2Column::NewlyPublished => year.contains(d.published_on),
            Table2Column::PublicTotal => d.published_on <= year.end,
            _ => false,
        })
        .count() as f64
}

/// Where each entered figure came from, for the report's notes.
#[derive(Debug, Clone, Serialize)]
pub struct EnteredSource {
    pub row: String,
    pub column: String,
    pub org_id: i64,
    pub value: f64,
    pub source: String,
}

fn table2_of(
    conn: &mut AnyConnection,
    orgs: &[i64],
    year: &Year,
    format: ReportFormat,
) -> Result<(Table2, Vec<EnteredSource>, Vec<String>)> {
    let mut t = Table2::new(format);
    let mut docs: HashMap<&'static str, Vec<Instrument>> = HashMap::new();
    for (row, genre) in [
        (Table2Row::Rules, "regulation"),
        (Table2Row::NormativeDocuments, "normative_document"),
    ] {
        let mut list = Vec::new();
        for chunk in orgs.chunks(500) {
            let found: Vec<(
                Option<NaiveDate>,
                Option<NaiveDateTime>,
                String,
                Option<NaiveDate>,
            )> = items::table
                .filter(items::org_id.eq_any(chunk))
                .filter(items::genre.eq(genre))
                .filter(items::index_number.is_not_null())
                .select((
                    items::made_on,
                    items::published_at,
                    items::validity,
                    items::invalid_from,
                ))
                .load(conn)?;
            list.extend(found.into_iter().filter_map(|(made, published, v, inv)| {
                let published_on = published?.date();
                Some(Instrument {
                    made_on: made.unwrap_or(published_on),
                    published_on,
                    validity: v,
                    invalid_from: inv,
                })
            }));
        }
        docs.insert(row.key(), list);
    }
    let mut entered: Vec<(i64, String, String, f64, String)> = Vec::new();
    for chunk in orgs.chunks(500) {
        entered.extend(
            report_entered_figures::table
                .filter(report_entered_figures::org_id.eq_any(chunk))
                .filter(report_entered_figures::year.eq(year.year))
                .select((
                    report_entered_figures::org_id,
                    report_entered_figures::row_key,
                    report_entered_figures::column_key,
                    report_entered_figures::value,
                    report_entered_figures::source,
                ))
                .load::<(i64, String, String, f64, String)>(conn)?,
        );
    }
    let mut sources = Vec::new();
    let mut missing = Vec::new();
    for block in Table2Block::of(format) {
        for &row in block.rows {
            for &col in block.columns {
                if from_catalogue(row, col) {
                    let v = catalogue_cell(&docs[row.key()], col, year);
                    t.set(row, col, v)?;
                    continue;
                }
                let mine: Vec<_> = entered
                    .iter()
                    .filter(|e| e.1 == row.key() && e.2 == table2_column_key(col))
                    .collect();
                if mine.is_empty() {
                    missing.push(format!("{} / {}", row.label(format), col.label()));
                }
                let sum: f64 = mine.iter().map(|e| e.3).sum();
                t.set(row, col, (sum * 10_000.0).round() / 10_000.0)?;
                sources.extend(mine.iter().map(|e| EnteredSource {
                    row: row.label(format).to_string(),
                    column: col.label().to_string(),
                    org_id: e.0,
                    value: e.3,
                    source: e.4.clone(),
                }));
            }
        }
    }
    Ok((t, sources, missing))
}

/// Enters (or corrects) one figure of table 二 that comes from another system, with its source
/// (e.g. "省行政执法信息平台导出，2026-01-08"). Audited; the value is checked against its column
/// (counts whole and not negative, money not negative).
#[allow(clippy::too_many_arguments)]
pub fn enter_figure(
    conn: &mut AnyConnection,
    actor: &Actor,
    org_id: i64,
    year: i32,
    row: Table2Row,
    col: Table2Column,
    value: f64,
    source: &str,
) -> Result<()> {
    let format = ReportFormat::for_year(year).ok_or_else(|| {
        StorageError::Domain(gongkai_domain::DomainError::invalid(
            "year",
            format!("{year}: reports before 2019 have no table 二"),
        ))
    })?;
    if from_catalogue(row, col) {
        return Err(StorageError::Domain(gongkai_domain::DomainError::invalid(
            "row",
            format!(
                "{} / {} is counted from the catalogue, not entered",
                row.label(format),
                col.label()
            ),
        )));
    }
    // The domain's table checks the value against the column's kind.
    let mut probe = Table2::new(format);
    probe.set(row, col, value)?;
    if let Some(problem) = probe.check().into_iter().next() {
        return Err(StorageError::Domain(gongkai_domain::DomainError::invalid(
            "value",
            problem.to_string(),
        )));
    }
    if source.trim().is_empty() {
        return Err(StorageError::Domain(gongkai_domain::DomainError::invalid(
            "source",
            "请注明数据来源（系统名称、导出日期）",
        )));
    }
    write_txn(conn, |conn| {
        let before: Option<(f64, String)> = report_entered_figures::table
            .filter(report_entered_figures::org_id.eq(org_id))
            .filter(report_entered_figures::year.eq(year))
            .filter(report_entered_figures::row_key.eq(row.key()))
            .filter(report_entered_figures::column_key.eq(table2_column_key(col)))
            .select((
                report_entered_figures::value,
                report_entered_figures::source,
            ))
            .first(conn)
            .optional()?;
        diesel::delete(
            report_entered_figures::table
                .filter(report_entered_figures::org_id.eq(org_id))
                .filter(report_entered_figures::year.eq(year))
                .filter(report_entered_figures::row_key.eq(row.key()))
                .filter(report_entered_figures::column_key.eq(table2_column_key(col))),
        )
        .execute(conn)?;
        diesel::insert_into(report_entered_figures::table)
            .values((
                report_entered_figures::org_id.eq(org_id),
                report_entered_figures::year.eq(year),
                report_entered_figures::row_key.eq(row.key()),
                report_entered_figures::column_key.eq(table2_column_key(col)),
                report_entered_figures::value.eq(value),
                report_entered_figures::source.eq(source.trim()),
                report_entered_figures::entered_by.eq(actor.user_id),
                report_entered_figures::entered_at.eq(crate::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "report.enter_figure",
                entity: "annual_report",
                entity_id: format!("{org_id}/{year}"),
                org_id: Some(org_id),
                summary: format!(
                    "{year}年 表二 {} / {}: {value}（来源：{}）",
                    row.label(format),
                    col.label(),
                    source.trim()
                ),
                before: before.map(|(v, s)| json!({"value": v, "source": s})),
                after: Some(json!({"value": value, "source": source.trim()})),
            },
        )?;
        Ok(())
    })
}

// ------------------------------------------------------------------ figures

/// A figure's value, or the plain fact that the platform does not hold its records yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FigureValue {
    Count {
        value: i64,
    },
    /// A share in per cent; `None` when there was nothing to divide by.
    Rate {
        percent: Option<f64>,
    },
    /// A sum of money, in fen (分) so that sums stay exact.
    Amount {
        fen: i64,
    },
    /// 尚未由平台记录 — the feature that will hold these records has not landed yet.
    NotYetHeld {
        records: &'static str,
    },
}

impl FigureValue {
    /// As printed in a report.
    pub fn display(&self) -> String {
        match self {
            FigureValue::Count { value } => value.to_string(),
            FigureValue::Rate { percent: Some(p) } => format!("{p:.1}%"),
            FigureValue::Rate { percent: None } => "—".into(),
            FigureValue::Amount { fen } => format!("{}.{:02}元", fen / 100, fen % 100),
            FigureValue::NotYetHeld { .. } => "平台尚未记录".into(),
        }
    }

    pub fn count(&self) -> Option<i64> {
        match self {
            FigureValue::Count { value } => Some(*value),
            _ => None,
        }
    }
}

/// What a figure source sees: the year, the scope and the tables already computed.
pub struct FigureContext<'a> {
    pub year: &'a Year,
    pub orgs: &'a ScopeOrgs,
    pub cases: &'a [Case],
    pub table3: &'a Table3,
    pub table4: &'a Table4,
    pub items: &'a ItemGroups,
}

/// A figure source: one function per figure. Wiring a feature's figure is replacing its
/// source returning [`FigureValue::NotYetHeld`] with a function counting that feature's records.
pub type FigureSource = fn(&mut AnyConnection, &FigureContext<'_>) -> Result<FigureValue>;

/// One figure of the report: key, label, the rule that defines it, the function that counts it.
pub struct FigureDef {
    pub key: &'static str,
    pub label: &'static str,
    /// Which records count and by which date.
    pub rule: &'static str,
    pub source: FigureSource,
}

/// The year's proactive catalogue items of the scope, grouped by organisation, genre and channel
/// list: one scan of the year's items that every item figure then reads, rather than one scan per
/// figure (a city holds a million items; see bench/report).
#[derive(Debug, Default)]
pub struct ItemGroups {
    /// (organisation, genre, channels as stored, items)
    rows: Vec<(i64, String, String, i64)>,
}

impl ItemGroups {
    /// Items first published in the year (an 索引号 is assigned at first publication; withdrawn
    /// or removed items still count: the disclosure happened), 主动公开 only.
    fn load(conn: &mut AnyConnection, orgs: &[i64], year: &Year) -> Result<ItemGroups> {
        let mut rows = Vec::new();
        for chunk in orgs.chunks(500) {
            rows.extend(
                items::table
                    .filter(items::org_id.eq_any(chunk))
                    .filter(items::published_at.ge(year.start_ts()))
                    .filter(items::published_at.lt(year.next_start_ts()))
                    .filter(items::index_number.is_not_null())
                    .filter(items::disclosure_mode.eq("proactive"))
                    .group_by((items::org_id, items::genre, items::channels))
                    .select((items::org_id, items::genre, items::channels, count_star()))
                    .load::<(i64, String, String, i64)>(conn)?,
            );
        }
        Ok(ItemGroups { rows })
    }
}

/// Proactive catalogue items of the scope first published in the year, optionally narrowed by
/// the organisation's level, the genre and a channel.
fn count_items(
    cx: &FigureContext<'_>,
    level: Option<&str>,
    genre: Option<&str>,
    channel: Option<&str>,
) -> Result<FigureValue> {
    let value = cx
        .items
        .rows
        .iter()
        .filter(|(org, ..)| {
            level.is_none_or(|l| cx.orgs.level_of.get(org).map(String::as_str) == Some(l))
        })
        .filter(|(_, g, ..)| genre.is_none_or(|want| g == want))
        .filter(|(_, _, channels, _)| {
            channel.is_none_or(|want| channels.split(',').any(|c| c.trim() == want))
        })
        .map(|r| r.3)
        .sum();
    Ok(FigureValue::Count { value })
}

fn total_of(t: &Table3, row: Table3Row) -> i64 {
    t.get(row, Table3Column::Total).unwrap_or(0)
}

/// Every figure of the report's text, in the order the report mentions them.
pub const FIGURES: &[FigureDef] = &[
    FigureDef {
        key: "proactive.total",
        label: "主动公开政府信息",
        rule: "本范围各机关主动公开、首次发布日期在本年度内的目录信息条数（之后撤回或删除的仍计入：公开已经发生）",
        source: |_, cx| count_items(cx, None, None, None),
    },
    FigureDef {
        key: "proactive.city_level",
        label: "其中市本级",
        rule: "同上，发布机构为市本级机关",
        source: |_, cx| count_items(cx, Some("city"), None, None),
    },
    FigureDef {
        key: "proactive.counties",
        label: "其中县（市、区）",
        rule: "同上，发布机构为县（市、区）及其乡镇（街道）",
        source: |_, cx| {
            let all = count_items(cx, None, None, None)?.count().unwrap_or(0);
            let city = count_items(cx, Some("city"), None, None)?
                .count()
                .unwrap_or(0);
            Ok(FigureValue::Count { value: all - city })
        },
    },
    FigureDef {
        key: "channel.website",
        label: "通过政府网站公开",
        rule: "本年度首次发布的主动公开信息中，发布渠道含“政府网站”的条数",
        source: |_, cx| count_items(cx, None, None, Some("website")),
    },
    FigureDef {
        key: "channel.weibo",
        label: "通过政务微博公开",
        rule: "同上，发布渠道含“政务微博”",
        source: |_, cx| count_items(cx, None, None, Some("weibo")),
    },
    FigureDef {
        key: "channel.wechat",
        label: "通过政务微信公开",
        rule: "同上，发布渠道含“政务微信”",
        source: |_, cx| count_items(cx, None, None, Some("wechat")),
    },
    FigureDef {
        key: "interpretations",
        label: "发布政策解读",
        rule: "本年度首次发布、类别为“政策解读”的主动公开信息条数",
        source: |_, cx| count_items(cx, None, Some("interpretation"), None),
    },
    FigureDef {
        key: "letters",
        label: "办理领导信箱来信",
        rule: "本范围各机关答复日期在本年度内的领导信箱来信件数",
        source: sources::letters_answered,
    },
    FigureDef {
        key: "press_conferences",
        label: "召开新闻发布会",
        rule: "本范围各机关曾发布（含后来撤回）、开始时间在本年度内的新闻发布会场次",
        source: |c, cx| sources::interviews_held(c, cx, EventKind::PressConference),
    },
    FigureDef {
        key: "interviews",
        label: "开展在线访谈",
        rule: "本范围各机关曾发布（含后来撤回）、开始时间在本年度内的在线访谈期数",
        source: |c, cx| sources::interviews_held(c, cx, EventKind::Interview),
    },
    FigureDef {
        key: "surveys",
        label: "开展征集调查",
        rule: "本范围各机关曾发布（含后来撤回）、征集或答题期在本年度内开始的网上调查与公开征求意见次数",
        source: sources::surveys_and_consultations,
    },
    FigureDef {
        key: "trading",
        label: "公共资源交易公告",
        rule: "本范围各机关发布年度为本年度的公共资源交易公告条数（各类型之和）",
        source: sources::trading_announcements,
    },
    FigureDef {
        key: "gazette",
        label: "政府公报刊登信息",
        rule: "本年度已发布的各期政府公报刊登的本范围各机关的信息条数（一条信息刊登于两期则计两次）",
        source: sources::gazette_items,
    },
    FigureDef {
        key: "service_guides",
        label: "政务服务办事指南",
        rule: "本范围各机关在本年度或之前上线、现仍在用的办事指南件数",
        source: sources::service_guides,
    },
    FigureDef {
        key: "requests.received",
        label: "新收政府信息公开申请",
        rule: "表三 一、本年新收 总计：收到申请之日在本年度内的申请",
        source: |_, cx| {
            Ok(FigureValue::Count {
                value: total_of(cx.table3, Table3Row::New),
            })
        },
    },
    FigureDef {
        key: "requests.answered",
        label: "办结政府信息公开申请",
        rule: "表三 三（七）总计：本年度内答复、告知或终止办理的申请",
        source: |_, cx| {
            Ok(FigureValue::Count {
                value: total_of(cx.table3, Table3Row::ResultsTotal),
            })
        },
    },
    FigureDef {
        key: "requests.reply_rate",
        label: "答复率",
        rule: "本年度办结件数 ÷（本年度办结件数 + 年末已过答复期限仍未办结件数）",
        source: |_, cx| {
            let done = total_of(cx.table3, Table3Row::ResultsTotal);
            let overdue = cx
                .cases
                .iter()
                .filter(|c| c.column.is_some() && c.received_on <= cx.year.end)
                .filter(|c| c.disposed_on.is_none_or(|d| d > cx.year.end))
                .filter(|c| c.due_on.is_some_and(|d| d < cx.year.end))
                .count() as i64;
            Ok(FigureValue::Rate {
                percent: percent(done, done + overdue),
            })
        },
    },
    FigureDef {
        key: "requests.on_time_rate",
        label: "按时答复率",
        rule: "本年度办结的申请中，办结日期不晚于答复期限（含延期、补正、征求意见的扣除）的比例",
        source: |_, cx| {
            let done: Vec<&Case> = cx
                .cases
                .iter()
                .filter(|c| c.column.is_some() && c.disposed_on.is_some_and(|d| cx.year.contains(d)))
                .collect();
            let on_time = done
                .iter()
                .filter(|c| match (c.disposed_on, c.due_on) {
                    (Some(d), Some(due)) => d <= due,
                    // No deadline running (e.g. lapsed while awaiting correction): not late.
                    (Some(_), None) => true,
                    _ => false,
                })
                .count() as i64;
            Ok(FigureValue::Rate {
                percent: percent(on_time, done.len() as i64),
            })
        },
    },
    FigureDef {
        key: "requests.fees",
        label: "依申请公开收取信息处理费",
        rule: "收到申请之日在本年度内的申请所收取的信息处理费之和（条例第四十二条）",
        source: sources::request_fees,
    },
    FigureDef {
        key: "appeals.reconsideration",
        label: "政府信息公开行政复议",
        rule: "表四 行政复议 总计：本年度提出的行政复议",
        source: |_, cx| {
            Ok(FigureValue::Count {
                value: cx
                    .table4
                    .get(Table4Block::Reconsideration, Table4Column::Total),
            })
        },
    },
    FigureDef {
        key: "appeals.litigation",
        label: "政府信息公开行政诉讼",
        rule: "表四 行政诉讼两栏 总计之和：本年度提起的行政诉讼",
        source: |_, cx| {
            Ok(FigureValue::Count {
                value: cx
                    .table4
                    .get(Table4Block::LitigationDirect, Table4Column::Total)
                    + cx.table4.get(
                        Table4Block::LitigationAfterReconsideration,
                        Table4Column::Total,
                    ),
            })
        },
    },
];

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// A figure with its definition, as computed.
#[derive(Debug, Clone, Serialize)]
pub struct FigureRow {
    pub key: &'static str,
    pub label: &'static str,
    pub rule: &'static str,
    pub value: FigureValue,
}

// ------------------------------------------------------------------ the report

/// Everything the annual report states for one year and scope.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualReport {
    pub year: i32,
    pub scope: String,
    pub scope_name: String,
    pub format: ReportFormat,
    pub table2: Table2,
    pub table3: Table3,
    pub table4: Table4,
    pub figures: Vec<FigureRow>,
    /// Where table 二's entered figures came from.
    pub table2_sources: Vec<EnteredSource>,
    /// Facts a reader must know about the figures (no records this year, cells not yet entered).
    pub notices: Vec<String>,
    /// Next year's 上年结转 checked against this year's 结转下年度 (when next year has begun).
    #[serde(skip)]
    carry_over_problems: Vec<Inconsistency>,
}

impl AnnualReport {
    /// Every rule the figures break: the tables' own invariants (一 + 二 = 三（七） + 四, totals
    /// equal their parts) and the carry-over into the next year. A report with any cannot be
    /// published.
    pub fn problems(&self) -> Vec<Inconsistency> {
        let mut out = self.table2.check();
        out.extend(self.table3.check());
        out.extend(self.table4.check());
        out.extend(self.carry_over_problems.iter().cloned());
        out
    }

    pub fn figure(&self, key: &str) -> Option<&FigureValue> {
        self.figures.iter().find(|f| f.key == key).map(|f| &f.value)
    }
}

/// Computes the report on `year` for `scope`. A year without records gives zeros and a notice;
/// a scope naming no organisation is an error; a year before 2019 has no standard format.
pub fn compute(conn: &mut AnyConnection, year: i32, scope: &Scope) -> Result<AnnualReport> {
    let format = ReportFormat::for_year(year).ok_or_else(|| {
        StorageError::Domain(gongkai_domain::DomainError::invalid(
            "year",
            format!("{year}: the standard report format starts with the 2019 report"),
        ))
    })?;
    let y = Year::new(year)?;
    let orgs = resolve_scope(conn, scope)?;
    // One load covers this year and next year's carry-over check.
    let next = Year::new(year + 1)?;
    let cases = load_cases(conn, &orgs.ids, y.start, next.end)?;
    let table3 = table3_of(&cases, &y, format)?;
    let table4 = table4_of(conn, &orgs.ids, &y)?;
    let (table2, table2_sources, missing) = table2_of(conn, &orgs.ids, &y, format)?;
    let mut carry_over_problems = Vec::new();
    let today = crate::now().date();
    if today >= next.start {
        if let Some(next_format) = ReportFormat::for_year(year + 1) {
            let next_t3 = table3_of(&cases, &next, next_format)?;
            carry_over_problems = check_carry_over(&table3, &next_t3);
        }
    }
    let item_groups = ItemGroups::load(conn, &orgs.ids, &y)?;
    let cx = FigureContext {
        year: &y,
        orgs: &orgs,
        cases: &cases,
        table3: &table3,
        table4: &table4,
        items: &item_groups,
    };
    let mut figures = Vec::with_capacity(FIGURES.len());
    for def in FIGURES {
        figures.push(FigureRow {
            key: def.key,
            label: def.label,
            rule: def.rule,
            value: (def.source)(conn, &cx)?,
        });
    }
    let mut notices = Vec::new();
    let nothing_counted = figures
        .iter()
        .filter_map(|f| f.value.count())
        .all(|v| v == 0)
        && table2_sources.is_empty();
    if nothing_counted {
        notices.push(format!(
            "平台未记录{}{year}年度的任何主动公开信息、依申请公开申请或复议诉讼，以下各表均为零。",
            orgs.name
        ));
    }
    if !missing.is_empty() {
        notices.push(format!(
            "表二以下数据尚未录入，暂按零计：{}。",
            missing.join("；")
        ));
    }
    let held_elsewhere: Vec<&str> = figures
        .iter()
        .filter_map(|f| match f.value {
            FigureValue::NotYetHeld { records } => Some(records),
            _ => None,
        })
        .collect();
    if !held_elsewhere.is_empty() {
        notices.push(format!(
            "平台尚未记录：{}；相关数字不在本报告中自动生成。",
            held_elsewhere.join("、")
        ));
    }
    Ok(AnnualReport {
        year,
        scope: scope.key(),
        scope_name: orgs.name.clone(),
        format,
        table2,
        table3,
        table4,
        figures,
        table2_sources,
        notices,
        carry_over_problems,
    })
}

// ------------------------------------------------------------------ by month and organisation

/// The dashboard's series: per month, and per organisation, this year and the year before.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub label: &'static str,
    pub this_year: Vec<i64>,
    pub last_year: Vec<i64>,
}

/// Items first published and requests received, month by month (12 values).
pub fn by_month(conn: &mut AnyConnection, year: i32, scope: &Scope) -> Result<Vec<Series>> {
    let orgs = resolve_scope(conn, scope)?;
    let mut out = Vec::new();
    for (label, is_items) in [("主动公开信息", true), ("新收依申请公开申请", false)]
    {
        let mut years = Vec::new();
        for y in [year, year - 1] {
            let y = Year::new(y)?;
            let mut months = vec![0i64; 12];
            for chunk in orgs.ids.chunks(500) {
                if is_items {
                    let ts: Vec<NaiveDateTime> = items::table
                        .filter(items::org_id.eq_any(chunk))
                        .filter(items::published_at.ge(y.start_ts()))
                        .filter(items::published_at.lt(y.next_start_ts()))
                        .filter(items::index_number.is_not_null())
                        .filter(items::disclosure_mode.eq("proactive"))
                        .select(items::published_at.assume_not_null())
                        .load(conn)?;
                    for t in ts {
                        months[chrono::Datelike::month0(&t) as usize] += 1;
                    }
                } else {
                    let ds: Vec<NaiveDate> = disclosure_requests::table
                        .filter(disclosure_requests::org_id.eq_any(chunk))
                        .filter(disclosure_requests::received_on.ge(y.start))
                        .filter(disclosure_requests::received_on.le(y.end))
                        .select(disclosure_requests::received_on)
                        .load(conn)?;
                    for d in ds {
                        months[chrono::Datelike::month0(&d) as usize] += 1;
                    }
                }
            }
            years.push(months);
        }
        let last_year = years.pop().expect("two years");
        let this_year = years.pop().expect("two years");
        out.push(Series {
            label,
            this_year,
            last_year,
        });
    }
    Ok(out)
}

/// Proactive items first published per organisation of the scope, this year and last, largest
/// first (organisations with none in either year left out).
pub fn items_by_org(
    conn: &mut AnyConnection,
    year: i32,
    scope: &Scope,
) -> Result<Vec<(String, i64, i64)>> {
    let orgs = resolve_scope(conn, scope)?;
    let mut counts: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for (slot, y) in [(0, year), (1, year - 1)] {
        let y = Year::new(y)?;
        for chunk in orgs.ids.chunks(500) {
            let rows: Vec<(i64, i64)> = items::table
                .filter(items::org_id.eq_any(chunk))
                .filter(items::published_at.ge(y.start_ts()))
                .filter(items::published_at.lt(y.next_start_ts()))
                .filter(items::index_number.is_not_null())
                .filter(items::disclosure_mode.eq("proactive"))
                .group_by(items::org_id)
                .select((items::org_id, count_star()))
                .load(conn)?;
            for (org, n) in rows {
                let e = counts.entry(org).or_default();
                if slot == 0 {
                    e.0 += n
                } else {
                    e.1 += n
                }
            }
        }
    }
    let mut out: Vec<(String, i64, i64)> = counts
        .into_iter()
        .map(|(org, (a, b))| {
            (
                orgs.short_name_of.get(&org).cloned().unwrap_or_default(),
                a,
                b,
            )
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(out)
}

// ------------------------------------------------------------------ drafts

/// The text staff write for sections 一, 五 and 六, keyed `overview`, `problems`, `other`.
pub type Sections = BTreeMap<String, String>;

pub const SECTION_KEYS: [&str; 3] = ["overview", "problems", "other"];

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = annual_reports)]
pub struct Draft {
    pub id: i64,
    pub scope: String,
    pub year: i32,
    pub status: String,
    pub sections: String,
    pub item_id: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Draft {
    pub fn sections(&self) -> Sections {
        serde_json::from_str(&self.sections).unwrap_or_default()
    }
}

/// The draft for (scope, year), if one was started.
pub fn draft(conn: &mut AnyConnection, scope: &Scope, year: i32) -> Result<Option<Draft>> {
    Ok(annual_reports::table
        .filter(annual_reports::scope.eq(scope.key()))
        .filter(annual_reports::year.eq(year))
        .select(Draft::as_select())
        .first(conn)
        .optional()?)
}

/// The drafts of any of these scopes (keys as [`Scope::key`]), newest year first.
pub fn drafts_of(conn: &mut AnyConnection, scopes: &[String]) -> Result<Vec<Draft>> {
    Ok(annual_reports::table
        .filter(annual_reports::scope.eq_any(scopes))
        .order((annual_reports::year.desc(), annual_reports::id.asc()))
        .select(Draft::as_select())
        .load(conn)?)
}

/// Saves the staff-written sections (creating the draft on first save). Only a draft is editable.
pub fn save_sections(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: &Scope,
    year: i32,
    sections: &Sections,
) -> Result<Draft> {
    if let Some(k) = sections
        .keys()
        .find(|k| !SECTION_KEYS.contains(&k.as_str()))
    {
        return Err(StorageError::Domain(gongkai_domain::DomainError::invalid(
            "sections",
            format!("unknown section `{k}`"),
        )));
    }
    resolve_scope(conn, scope)?;
    write_txn(conn, |conn| {
        let now = crate::now();
        let text = serde_json::to_string(sections).expect("strings serialise");
        let before = draft(conn, scope, year)?;
        match &before {
            Some(d) if d.status != "draft" => {
                return Err(StorageError::Conflict(format!(
                    "the {year} report is {}; only a draft can be edited",
                    d.status
                )))
            }
            Some(d) => {
                diesel::update(annual_reports::table.find(d.id))
                    .set((
                        annual_reports::sections.eq(&text),
                        annual_reports::updated_by.eq(actor.user_id),
                        annual_reports::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(annual_reports::table)
                    .values((
                        annual_reports::scope.eq(scope.key()),
                        annual_reports::year.eq(year),
                        annual_reports::status.eq("draft"),
                        annual_reports::sections.eq(&text),
                        annual_reports::updated_by.eq(actor.user_id),
                        annual_reports::created_at.eq(now),
                        annual_reports::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "report.save",
                entity: "annual_report",
                entity_id: format!("{}/{year}", scope.key()),
                org_id: None,
                summary: format!("{year}年度报告（{}）保存正文", scope.key()),
                before: before.map(|d| json!({"sections": d.sections()})),
                after: Some(json!({"sections": sections})),
            },
        )?;
        draft(conn, scope, year)?.ok_or(StorageError::NotFound {
            what: "annual report",
            id: format!("{}/{year}", scope.key()),
        })
    })
}

/// Moves the draft along its workflow (`review`, `reopen`, `publish`). Publishing recomputes
/// the figures and refuses while any invariant fails; `item_id` is the catalogue item that
/// shows the published report, created by the caller in the same request.
pub fn transition(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: &Scope,
    year: i32,
    action: &str,
    item_id: Option<i64>,
) -> Result<Draft> {
    let report = compute(conn, year, scope)?;
    write_txn(conn, |conn| {
        let d = draft(conn, scope, year)?.ok_or(StorageError::NotFound {
            what: "annual report",
            id: format!("{}/{year}", scope.key()),
        })?;
        let from = gongkai_domain::report::ReportStatus::parse(&d.status).ok_or_else(|| {
            StorageError::Conflict(format!("stored status `{}` is unknown", d.status))
        })?;
        let to = from.apply(action)?;
        if to == gongkai_domain::report::ReportStatus::Published {
            refuse_unless_consistent(&report)?;
        }
        diesel::update(annual_reports::table.find(d.id))
            .set((
                annual_reports::status.eq(to.as_str()),
                annual_reports::item_id.eq(item_id.or(d.item_id)),
                annual_reports::updated_by.eq(actor.user_id),
                annual_reports::updated_at.eq(crate::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "report.transition",
                entity: "annual_report",
                entity_id: format!("{}/{year}", scope.key()),
                org_id: None,
                summary: format!(
                    "{year}年度报告（{}）：{} → {}",
                    scope.key(),
                    from.label_zh(),
                    to.label_zh()
                ),
                before: Some(json!({"status": from.as_str()})),
                after: Some(json!({"status": to.as_str(), "item_id": item_id})),
            },
        )?;
        draft(conn, scope, year)?.ok_or(StorageError::NotFound {
            what: "annual report",
            id: format!("{}/{year}", scope.key()),
        })
    })
}

/// Publishes a reviewed report: checks its figures, puts it in the catalogue as an item of the
/// genre 政府信息公开年报 (the portal lists those under /annual-reports) with the report as its
/// body, publishes the item (its 索引号 assigned as for any item), and marks the report published.
/// The item goes out under the scope's organisation (the city's government for the city-wide
/// scopes), on that organisation's site or else the portal.
pub fn publish(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: &Scope,
    year: i32,
    pattern: &gongkai_domain::index_number::IndexPattern,
) -> Result<Draft> {
    use crate::item::{self, Placement};
    use crate::schema::sites;
    use gongkai_domain::workflow::WorkflowAction;

    let d = draft(conn, scope, year)?.ok_or(StorageError::NotFound {
        what: "annual report",
        id: format!("{}/{year}", scope.key()),
    })?;
    let status = gongkai_domain::report::ReportStatus::parse(&d.status).ok_or_else(|| {
        StorageError::Conflict(format!("stored status `{}` is unknown", d.status))
    })?;
    status.apply("publish")?;
    let report = compute(conn, year, scope)?;
    refuse_unless_consistent(&report)?;

    let orgs = resolve_scope(conn, scope)?;
    let org_id = match scope {
        Scope::Org(code) => crate::org::by_code(conn, code)?
            .map(|o| o.id)
            .ok_or_else(|| StorageError::Conflict(format!("organisation {code} vanished")))?,
        _ => organisations::table
            .filter(organisations::parent_id.is_null())
            .select(organisations::id)
            .order(organisations::id.asc())
            .first(conn)?,
    };
    let own_site: Option<i64> = sites::table
        .filter(sites::org_id.eq(org_id))
        .select(sites::id)
        .order(sites::id.asc())
        .first(conn)
        .optional()?;
    let site_id = match own_site {
        Some(id) => id,
        None => sites::table
            .filter(sites::is_portal.eq(true))
            .select(sites::id)
            .first(conn)
            .optional()?
            .ok_or_else(|| StorageError::Conflict("no site to publish the report on".into()))?,
    };
    let doc = document::document(&report, &d.sections());
    let input = gongkai_domain::item::ItemInput {
        title: document::title(&report),
        summary: format!("{}{}年政府信息公开工作年度报告", orgs.name, year),
        body_html: gongkai_reporting::html::fragment(&doc),
        made_on: crate::now().date().to_string(),
        genre: gongkai_domain::catalogue::Genre::AnnualReport
            .as_str()
            .into(),
        validity: "valid".into(),
        disclosure_mode: "proactive".into(),
        channels: vec!["website".into()],
        keywords: "政府信息公开 年度报告".into(),
        ..Default::default()
    };
    let fields = input.validate().map_err(StorageError::Invalid)?;
    let it = item::create_draft(conn, actor, Placement { site_id, org_id }, &fields)?;
    for action in [
        WorkflowAction::Submit,
        WorkflowAction::Approve,
        WorkflowAction::Publish,
    ] {
        item::transition(conn, actor, it.id, &action, None, pattern)?;
    }
    transition(conn, actor, scope, year, "publish", Some(it.id))
}

/// Refuses a report whose figures break any invariant, listing every problem.
pub fn refuse_unless_consistent(report: &AnnualReport) -> Result<()> {
    let problems = report.problems();
    if problems.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    Err(StorageError::Conflict(format!(
        "the figures break {} rule(s) and cannot be published: {}",
        problems.len(),
        list.join("; ")
    )))
}

/// Organisations of a scope (ids), for callers that filter their own records.
pub fn scope_ids(conn: &mut AnyConnection, scope: &Scope) -> Result<HashSet<i64>> {
    Ok(resolve_scope(conn, scope)?.ids.into_iter().collect())
}

pub mod document;
mod sources;

#[cfg(test)]
mod tests;
