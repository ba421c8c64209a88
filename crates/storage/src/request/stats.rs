//! 依申请公开统计 — the figures of on-application disclosure, computed from the cases' own dates
//! (received, answered, due) and never typed in: per organisation and for the whole city, over a
//! year or any date range, plus the open caseload on a given day. The annual report's table 三
//! and table 四 are built from the same cases ([`table3`], [`table4`]), imported past cases
//! included.
//!
//! A case counts as *disposed of* (办结, counted under 三、本年度办理结果) on its reply date, or, for
//! a correction that lapsed (Art. 30), on the day the lapse was recorded.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::report::{ReportFormat, Table3, Table3Column, Table3Row, Table4, Table4Column};
use gongkai_domain::request::{ApplicantType, Outcome, OutcomeCategory, Stage};
use gongkai_domain::DomainError;
use serde::Serialize;

use super::{block_of, column_of, DUE_SOON_WORKING_DAYS};
use crate::schema::{disclosure_requests, request_appeals, request_events};
use crate::{AnyConnection, Result, StorageError};

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period> {
        if to < from {
            return Err(StorageError::Domain(DomainError::invalid(
                "to",
                format!("结束日期 {to} 早于开始日期 {from}"),
            )));
        }
        Ok(Period { from, to })
    }

    /// 1 January to 31 December of `year`.
    pub fn year(year: i32) -> Result<Period> {
        match (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) {
            (Some(from), Some(to)) => Ok(Period { from, to }),
            _ => Err(StorageError::Domain(DomainError::invalid(
                "year",
                format!("{year} is not a year"),
            ))),
        }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }
}

/// The facts of one case that the figures are made of.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CaseFacts {
    org_id: i64,
    applicant: Option<ApplicantType>,
    received_on: NaiveDate,
    due_on: Option<NaiveDate>,
    stage: Option<Stage>,
    outcome: Option<Outcome>,
    /// The reply date (答复), when there is a reply.
    answered_on: Option<NaiveDate>,
    /// The reply date, or the day a lapsed correction ended the case.
    disposed_on: Option<NaiveDate>,
}

impl CaseFacts {
    fn awaits_reply(&self) -> bool {
        matches!(
            self.stage,
            Some(
                Stage::Received
                    | Stage::Assigned
                    | Stage::CorrectionRequested
                    | Stage::Corrected
                    | Stage::Consulting
                    | Stage::Extended
            )
        )
    }

    /// Still being handled at the end of `day` (received by then, not disposed of by then).
    fn open_at_end_of(&self, day: NaiveDate) -> bool {
        self.received_on <= day && self.disposed_on.is_none_or(|d| d > day)
    }
}

type FactRow = (
    i64,
    i64,
    String,
    NaiveDate,
    Option<NaiveDate>,
    String,
    Option<String>,
    Option<NaiveDate>,
);

fn load_facts(conn: &mut AnyConnection, org_ids: Option<&[i64]>) -> Result<Vec<CaseFacts>> {
    let mut q = disclosure_requests::table
        .select((
            disclosure_requests::id,
            disclosure_requests::org_id,
            disclosure_requests::applicant_type,
            disclosure_requests::received_on,
            disclosure_requests::due_on,
            disclosure_requests::stage,
            disclosure_requests::outcome,
            disclosure_requests::answered_on,
        ))
        .order(disclosure_requests::id.asc())
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(disclosure_requests::org_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<FactRow> = q.load(conn)?;
    // A lapsed correction has no reply date: the event that recorded the lapse dates it.
    let lapsed: BTreeMap<i64, NaiveDate> = request_events::table
        .filter(request_events::kind.eq("correction_lapsed"))
        .select((request_events::request_id, request_events::on_date))
        .load::<(i64, NaiveDate)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(
            |(id, org_id, applicant, received_on, due_on, stage, outcome, answered_on)| {
                let stage = stage_of(&stage);
                let outcome: Option<Outcome> = outcome.and_then(|o| o.parse().ok());
                let disposed_on = match answered_on {
                    Some(d) => Some(d),
                    None if outcome.is_some() => lapsed.get(&id).copied(),
                    None => None,
                };
                CaseFacts {
                    org_id,
                    applicant: applicant.parse().ok(),
                    received_on,
                    due_on,
                    stage,
                    outcome,
                    answered_on,
                    disposed_on,
                }
            },
        )
        .collect())
}

fn stage_of(s: &str) -> Option<Stage> {
    [
        Stage::Received,
        Stage::Assigned,
        Stage::CorrectionRequested,
        Stage::Corrected,
        Stage::Consulting,
        Stage::Extended,
        Stage::Answered,
        Stage::Closed,
        Stage::Transferred,
        Stage::NotProcessed,
    ]
    .into_iter()
    .find(|st| st.as_str() == s)
}

// ------------------------------------------------------------------ handling figures

/// One outcome group of table 三 and how many cases of the period ended in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeCount {
    pub category: OutcomeCategory,
    pub label: &'static str,
    pub count: i64,
}

/// How many open cases fall due on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueCount {
    /// `None`: no due date (the clock waits for a correction, or the calendar lacks the year).
    pub due_on: Option<NaiveDate>,
    pub count: i64,
}

/// The figures of one organisation, or of the city.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Received within the period (收到申请之日).
    pub received: i64,
    /// Disposed of within the period: replied to, or ended by a lapsed correction.
    pub answered: i64,
    /// Replies within the period given on or before their due date.
    pub on_time: i64,
    /// Replies within the period given after their due date.
    pub late: i64,
    /// `on_time / (on_time + late)` in percent, one decimal; `None` with no reply to measure.
    pub on_time_rate: Option<f64>,
    /// Working days from receipt to reply (`WorkingCalendar::working_days_between`), the middle
    /// value (mean of the two middle ones for an even count).
    pub median_working_days: Option<f64>,
    /// The 90th percentile by the nearest-rank method: the smallest value that at least 90 % of
    /// the replies did not exceed.
    pub p90_working_days: Option<u32>,
    /// Replies whose working days cannot be counted (the calendar lacks a year).
    pub unmeasured: i64,
    /// Cases disposed of within the period, by table 三 group, in the table's order.
    pub outcomes: Vec<OutcomeCount>,
    /// Cases not yet disposed of on `today` (received on or before it).
    pub open: i64,
    /// Open cases awaiting a reply whose due date has passed.
    pub overdue: i64,
    /// Open cases awaiting a reply due from today to [`Statistics::soon_until`].
    pub due_soon: i64,
    /// Open cases by due date, earliest first, those without one last.
    pub open_by_due: Vec<DueCount>,
}

/// The statistics of one organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgFigures {
    pub org_id: i64,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    pub period: Period,
    /// The day the open caseload is counted on.
    pub today: NaiveDate,
    /// The last day counted as "due soon" (3 working days after today); `None` when the
    /// calendar lacks the year.
    pub soon_until: Option<NaiveDate>,
    /// All the organisations in scope together.
    pub total: Figures,
    /// Each organisation in scope that has any case, by id.
    pub orgs: Vec<OrgFigures>,
}

/// The median of sorted values: the middle one, or the mean of the two middle ones.
pub fn median(sorted: &[u32]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] as f64 + sorted[n / 2] as f64) / 2.0),
    }
}

/// The `p`-th percentile (0 < p ≤ 100) of sorted values by the nearest-rank method.
pub fn percentile(sorted: &[u32], p: u32) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() * p as usize).div_ceil(100).max(1);
    Some(sorted[rank.min(sorted.len()) - 1])
}

fn figures<'a>(
    cases: impl Iterator<Item = &'a CaseFacts>,
    cal: &WorkingCalendar,
    period: &Period,
    today: NaiveDate,
    soon_until: Option<NaiveDate>,
) -> Figures {
    let mut f = Figures::default();
    let mut days: Vec<u32> = Vec::new();
    let mut by_category: BTreeMap<OutcomeCategory, i64> = BTreeMap::new();
    let mut by_due: BTreeMap<(bool, Option<NaiveDate>), i64> = BTreeMap::new();
    for c in cases {
        if period.contains(c.received_on) {
            f.received += 1;
        }
        if let (Some(disposed), Some(outcome)) = (c.disposed_on, c.outcome) {
            if period.contains(disposed) {
                f.answered += 1;
                *by_category.entry(outcome.category()).or_default() += 1;
            }
        }
        if let Some(answered) = c.answered_on.filter(|d| period.contains(*d)) {
            if let Some(due) = c.due_on {
                if answered <= due {
                    f.on_time += 1;
                } else {
                    f.late += 1;
                }
            }
            match cal.working_days_between(c.received_on, answered) {
                Ok(n) => days.push(n),
                Err(_) => f.unmeasured += 1,
            }
        }
        if c.open_at_end_of(today) {
            f.open += 1;
            *by_due.entry((c.due_on.is_none(), c.due_on)).or_default() += 1;
            if c.awaits_reply() {
                match c.due_on {
                    Some(d) if d < today => f.overdue += 1,
                    Some(d) if soon_until.is_some_and(|s| d <= s) => f.due_soon += 1,
                    _ => {}
                }
            }
        }
    }
    days.sort_unstable();
    f.median_working_days = median(&days);
    f.p90_working_days = percentile(&days, 90);
    let measured = f.on_time + f.late;
    f.on_time_rate =
        (measured > 0).then(|| (f.on_time as f64 * 1000.0 / measured as f64).round() / 10.0);
    f.outcomes = OutcomeCategory::ALL
        .into_iter()
        .map(|category| OutcomeCount {
            category,
            label: category.label(),
            count: by_category.get(&category).copied().unwrap_or(0),
        })
        .collect();
    f.open_by_due = by_due
        .into_iter()
        .map(|((_, due_on), count)| DueCount { due_on, count })
        .collect();
    f
}

/// The figures of `period` for the organisations `org_ids` (None: every organisation), and the
/// open caseload on `today`. Each organisation is counted on its own cases only (a case belongs
/// to the organisation now responsible for it); the total is over all of them.
pub fn statistics(
    conn: &mut AnyConnection,
    cal: &WorkingCalendar,
    org_ids: Option<&[i64]>,
    period: Period,
    today: NaiveDate,
) -> Result<Statistics> {
    let cases = load_facts(conn, org_ids)?;
    let soon_until = cal
        .add_working_days(today, DUE_SOON_WORKING_DAYS)
        .ok()
        .map(|d| d.due);
    let mut per_org: BTreeMap<i64, Vec<&CaseFacts>> = BTreeMap::new();
    for c in &cases {
        per_org.entry(c.org_id).or_default().push(c);
    }
    let orgs = per_org
        .into_iter()
        .map(|(org_id, list)| OrgFigures {
            org_id,
            figures: figures(list.into_iter(), cal, &period, today, soon_until),
        })
        .collect();
    Ok(Statistics {
        period,
        today,
        soon_until,
        total: figures(cases.iter(), cal, &period, today, soon_until),
        orgs,
    })
}

// ------------------------------------------------------------------ annual report tables

/// The row of table 三 an outcome is counted in, in `format`.
pub fn table3_row(outcome: Outcome, format: ReportFormat) -> Table3Row {
    use Outcome as O;
    use Table3Row as R;
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
        O::CorrectionOverdue | O::FeeUnpaid | O::OtherHandling
            if format == ReportFormat::Trial2019 =>
        {
            R::OtherHandling
        }
        O::CorrectionOverdue => R::OtherNoCorrection,
        O::FeeUnpaid => R::OtherFeeUnpaid,
        O::OtherHandling => R::OtherMisc,
    }
}

fn column(applicant: ApplicantType) -> Table3Column {
    Table3Column::PARTS[applicant.column()]
}

/// Table 三 of the report on `year` from the cases of `org_ids` (None: all): 一 received in the
/// year; 二 received before it and still open on 1 January (上年结转); 三 disposed of in the year,
/// by outcome; 四 still open at the end of 31 December (结转下年度). Totals computed; the table
/// satisfies 一 + 二 = 三（七）+ 四 by construction.
pub fn table3(conn: &mut AnyConnection, org_ids: Option<&[i64]>, year: i32) -> Result<Table3> {
    let format = ReportFormat::for_year(year).ok_or_else(|| {
        StorageError::Domain(DomainError::invalid(
            "year",
            format!("reports before 2019 have no table 三 ({year})"),
        ))
    })?;
    let period = Period::year(year)?;
    let eve = period.from.pred_opt().expect("a day before 1 January");
    let mut table = Table3::new(format);
    for c in load_facts(conn, org_ids)? {
        let Some(applicant) = c.applicant else {
            continue;
        };
        let col = column(applicant);
        if period.contains(c.received_on) {
            table.add(Table3Row::New, col, 1)?;
        }
        if c.open_at_end_of(eve) {
            table.add(Table3Row::CarriedOver, col, 1)?;
        }
        if let (Some(d), Some(o)) = (c.disposed_on, c.outcome) {
            if period.contains(d) {
                table.add(table3_row(o, format), col, 1)?;
            }
        }
        if c.open_at_end_of(period.to) {
            table.add(Table3Row::CarriedForward, col, 1)?;
        }
    }
    table.compute_totals();
    Ok(table)
}

/// Table 四 of the report on `year`: the reconsiderations and lawsuits filed in the year about
/// requests of `org_ids`, by their result as of 31 December (尚未审结 if not decided by then).
pub fn table4(conn: &mut AnyConnection, org_ids: Option<&[i64]>, year: i32) -> Result<Table4> {
    let period = Period::year(year)?;
    let mut q = request_appeals::table
        .inner_join(disclosure_requests::table)
        .filter(request_appeals::filed_on.ge(period.from))
        .filter(request_appeals::filed_on.le(period.to))
        .select((
            request_appeals::kind,
            request_appeals::outcome,
            request_appeals::decided_on,
        ))
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(disclosure_requests::org_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(String, String, Option<NaiveDate>)> = q.load(conn)?;
    let mut table = Table4::new();
    for (kind, outcome, decided_on) in rows {
        let Some(block) = block_of(&kind) else {
            continue;
        };
        let col = match (column_of(&outcome), decided_on) {
            (Some(c), Some(d)) if d <= period.to => c,
            _ => Table4Column::Pending,
        };
        table.add(block, col, 1);
    }
    table.compute_totals();
    Ok(table)
}

/// The years in which any case was received (for choosing a report year), newest first.
pub fn years(conn: &mut AnyConnection, org_ids: Option<&[i64]>) -> Result<Vec<i32>> {
    let mut years: Vec<i32> = load_facts(conn, org_ids)?
        .iter()
        .map(|c| c.received_on.year())
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Actor;
    use crate::crypto::DataKey;
    use crate::request::imported::{import_case, ImportAction, ImportedAppeal, ImportedCase};
    use crate::request::{act, intake, RequestInput, Step};
    use crate::testing::{on_both, seed_org};
    use gongkai_domain::report::Table4Block;
    use gongkai_domain::request::{ReceiptChannel, ReceiptFacts};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn staff() -> Actor {
        Actor {
            user_id: Some(7),
            name: "handler".into(),
            ip: None,
        }
    }

    /// A request handed in at the counter on `on`, assigned the same day.
    fn case(c: &mut AnyConnection, key: &DataKey, org: i64, applicant: &str, on: &str) -> i64 {
        let new = RequestInput {
            org_id: org.to_string(),
            applicant_type: applicant.into(),
            name: "张三".into(),
            id_type: if applicant == "natural_person" {
                "passport".into()
            } else {
                "other".into()
            },
            id_number: "E12345678".into(),
            phone: "13812345678".into(),
            email: String::new(),
            address: "示范市中山路 1 号".into(),
            description: "本市 2024 年义务教育招生计划".into(),
            preferred_form: "electronic".into(),
            delivery: "online".into(),
            publish_consent: String::new(),
        }
        .validate()
        .unwrap();
        let ack = intake(
            c,
            key,
            &WorkingCalendar::builtin(),
            &Actor::system("public"),
            &new,
            &ReceiptFacts::new(ReceiptChannel::InPerson, d(on)),
        )
        .unwrap();
        step(
            c,
            ack.id,
            Step::Assign {
                on: d(on),
                org_id: org,
                handler: "李四".into(),
            },
        );
        ack.id
    }

    fn step(c: &mut AnyConnection, id: i64, s: Step) {
        act(c, &WorkingCalendar::builtin(), &staff(), id, &s).unwrap();
    }

    fn reply(c: &mut AnyConnection, id: i64, on: &str, outcome: Outcome) {
        step(
            c,
            id,
            Step::Reply {
                on: d(on),
                outcome,
                text: "答复如下".into(),
            },
        );
    }

    fn imported(org: i64) -> ImportedCase {
        ImportedCase {
            source_id: "OLD-2023-0042".into(),
            org_id: org,
            applicant_type: ApplicantType::NaturalPerson,
            channel: ReceiptChannel::Online,
            received_on: d("2023-12-25"),
            due_on: None,
            outcome: Some(Outcome::Disclosed),
            answered_on: Some(d("2024-01-10")),
            carried_over: true,
            description: String::new(),
            appeals: vec![
                ImportedAppeal {
                    kind: Table4Block::Reconsideration,
                    filed_on: d("2024-02-01"),
                    body: "示范市人民政府".into(),
                    outcome: Table4Column::Upheld,
                    decided_on: Some(d("2024-03-01")),
                },
                ImportedAppeal {
                    kind: Table4Block::LitigationDirect,
                    filed_on: d("2024-03-05"),
                    body: "示范市中级人民法院".into(),
                    outcome: Table4Column::Pending,
                    decided_on: None,
                },
            ],
        }
    }

    #[test]
    fn median_and_nearest_rank_percentile() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[7]), Some(7.0));
        assert_eq!(median(&[4, 11, 19, 24]), Some(15.0));
        assert_eq!(median(&[1, 2, 9]), Some(2.0));
        assert_eq!(percentile(&[], 90), None);
        assert_eq!(percentile(&[4, 11, 19, 24], 90), Some(24));
        let ten: Vec<u32> = (1..=10).collect();
        assert_eq!(percentile(&ten, 90), Some(9));
        assert_eq!(percentile(&ten, 100), Some(10));
        let twenty: Vec<u32> = (1..=20).collect();
        assert_eq!(percentile(&twenty, 90), Some(18));
    }

    #[test]
    fn figures_come_from_the_cases_dates_per_organisation_and_city() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let key = DataKey::generate();
            let cal = WorkingCalendar::builtin();
            let a = seed_org(&mut c, None, "00001434");
            let b = seed_org(&mut c, Some(a), "00001435");
            // A: three replies to requests of Mon 2024-03-04 (due 20 working days later).
            let c1 = case(&mut c, &key, a, "natural_person", "2024-03-04");
            reply(&mut c, c1, "2024-03-08", Outcome::Disclosed);
            let c2 = case(&mut c, &key, a, "commercial_enterprise", "2024-03-04");
            reply(&mut c, c2, "2024-03-29", Outcome::StateSecret);
            let c3 = case(&mut c, &key, a, "natural_person", "2024-03-04");
            // After the due date, across 清明 (04-04..06 off, Sun 04-07 worked).
            reply(&mut c, c3, "2024-04-08", Outcome::NotHeld);
            // B: received before New Year, answered after it.
            let c4 = case(&mut c, &key, b, "natural_person", "2024-12-20");
            reply(&mut c, c4, "2025-01-06", Outcome::Disclosed);
            // B: a correction that lapsed on 2024-06-20.
            let c5 = case(&mut c, &key, b, "natural_person", "2024-06-03");
            step(
                &mut c,
                c5,
                Step::RequestCorrection {
                    on: d("2024-06-04"),
                    correct_by: d("2024-06-14"),
                    note: "请说明所需信息的名称".into(),
                },
            );
            step(
                &mut c,
                c5,
                Step::CorrectionLapsed {
                    on: d("2024-06-20"),
                },
            );
            // Still open on 2025-01-10: due in January, overdue since November, due soon.
            let _c7 = case(&mut c, &key, b, "natural_person", "2024-12-30");
            let _c8 = case(&mut c, &key, a, "natural_person", "2024-11-01");
            let _c9 = case(&mut c, &key, a, "natural_person", "2024-12-13");
            // A past case received in 2023, answered in 2024, with two appeals.
            assert_eq!(
                import_case(&mut c, &cal, &Actor::system("import"), &imported(a)).unwrap(),
                ImportAction::Created
            );

            let today = d("2025-01-10");
            let year = Period::year(2024).unwrap();
            let s = statistics(&mut c, &cal, None, year, today).unwrap();
            assert_eq!(s.soon_until, Some(d("2025-01-15")));
            let t = &s.total;
            assert_eq!(t.received, 8, "the imported case was received in 2023");
            assert_eq!(t.answered, 5, "c1 c2 c3 c5 and the imported case");
            assert_eq!((t.on_time, t.late), (3, 1));
            assert_eq!(t.on_time_rate, Some(75.0));
            // Working days: c1 4, c2 19, c3 24, imported 11 (2024-01-01 off).
            assert_eq!(t.median_working_days, Some(15.0));
            assert_eq!(t.p90_working_days, Some(24));
            assert_eq!(t.unmeasured, 0);
            let mix: Vec<i64> = t.outcomes.iter().map(|o| o.count).collect();
            assert_eq!(mix, [2, 0, 1, 1, 0, 1]);
            assert_eq!(t.outcomes[2].label, "（三）不予公开");
            assert_eq!((t.open, t.overdue, t.due_soon), (3, 1, 1));
            assert_eq!(t.open_by_due.iter().map(|x| x.count).sum::<i64>(), 3);
            assert!(t.open_by_due.windows(2).all(|w| w[0].due_on < w[1].due_on));
            // Per organisation: each counts its own cases only.
            assert_eq!(s.orgs.len(), 2);
            let fa = &s.orgs.iter().find(|o| o.org_id == a).unwrap().figures;
            let fb = &s.orgs.iter().find(|o| o.org_id == b).unwrap().figures;
            assert_eq!((fa.received, fa.answered, fa.open), (5, 4, 2));
            assert_eq!((fb.received, fb.answered, fb.open), (3, 1, 1));
            assert_eq!(fb.on_time_rate, None, "a lapsed correction is no reply");
            assert_eq!(fa.on_time_rate, Some(75.0));
            // A handler scoped to B sees B only.
            let sb = statistics(&mut c, &cal, Some(&[b]), year, today).unwrap();
            assert_eq!(sb.orgs.len(), 1);
            assert_eq!(sb.total, *fb);
            // A date range: March 2024 alone.
            let march = Period::new(d("2024-03-01"), d("2024-03-31")).unwrap();
            let m = statistics(&mut c, &cal, None, march, today).unwrap().total;
            assert_eq!((m.received, m.answered, m.on_time, m.late), (3, 2, 2, 0));
            assert_eq!(m.median_working_days, Some(11.5));
            assert!(Period::new(d("2024-03-31"), d("2024-03-01")).is_err());
        });
    }

    #[test]
    fn tables_three_and_four_include_imported_cases_and_carry_over() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let key = DataKey::generate();
            let cal = WorkingCalendar::builtin();
            let a = seed_org(&mut c, None, "00001434");
            let b = seed_org(&mut c, Some(a), "00001435");
            let c1 = case(&mut c, &key, a, "commercial_enterprise", "2024-03-04");
            reply(&mut c, c1, "2024-03-29", Outcome::StateSecret);
            let c4 = case(&mut c, &key, b, "natural_person", "2024-12-20");
            reply(&mut c, c4, "2025-01-06", Outcome::FeeUnpaid);
            import_case(&mut c, &cal, &Actor::system("import"), &imported(a)).unwrap();

            let t = table3(&mut c, None, 2024).unwrap();
            assert!(t.check().is_empty(), "{:?}", t.check());
            let total = |row| t.get(row, Table3Column::Total).unwrap();
            assert_eq!(total(Table3Row::New), 2);
            assert_eq!(total(Table3Row::CarriedOver), 1, "the imported 2023 case");
            assert_eq!(total(Table3Row::Disclosed), 1);
            assert_eq!(
                t.get(Table3Row::WithheldStateSecret, Table3Column::Commercial),
                Some(1)
            );
            assert_eq!(total(Table3Row::ResultsTotal), 2);
            assert_eq!(total(Table3Row::CarriedForward), 1);
            // 2025: what 2024 carried forward is carried over; 2019's format has one （六） row.
            let t25 = table3(&mut c, None, 2025).unwrap();
            assert!(t25.check().is_empty());
            assert_eq!(
                t25.get(Table3Row::CarriedOver, Table3Column::Total),
                Some(1)
            );
            assert_eq!(
                t25.get(Table3Row::OtherFeeUnpaid, Table3Column::Total),
                Some(1)
            );
            assert!(gongkai_domain::report::table3::check_carry_over(&t, &t25).is_empty());
            assert_eq!(
                table3_row(Outcome::FeeUnpaid, ReportFormat::Trial2019),
                Table3Row::OtherHandling
            );
            // Scoped to B: the 2024 New Year case only.
            let tb = table3(&mut c, Some(&[b]), 2024).unwrap();
            assert_eq!(tb.get(Table3Row::New, Table3Column::Total), Some(1));
            assert_eq!(tb.get(Table3Row::CarriedOver, Table3Column::Total), Some(0));
            assert!(table3(&mut c, None, 2018).is_err());

            let t4 = table4(&mut c, None, 2024).unwrap();
            assert!(t4.check().is_empty());
            assert_eq!(
                t4.get(Table4Block::Reconsideration, Table4Column::Upheld),
                1
            );
            assert_eq!(
                t4.get(Table4Block::LitigationDirect, Table4Column::Pending),
                1
            );
            assert_eq!(
                t4.get(Table4Block::LitigationDirect, Table4Column::Total),
                1
            );
            assert_eq!(table4(&mut c, Some(&[b]), 2024).unwrap(), Table4::new());
            assert_eq!(years(&mut c, None).unwrap(), [2024, 2023]);
        });
    }

    #[test]
    fn reimport_is_idempotent_and_never_overwrites_a_handled_case() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let cal = WorkingCalendar::builtin();
            let sys = Actor::system("import");
            let a = seed_org(&mut c, None, "00001434");
            let mut past = imported(a);
            assert_eq!(
                import_case(&mut c, &cal, &sys, &past).unwrap(),
                ImportAction::Created
            );
            assert_eq!(
                import_case(&mut c, &cal, &sys, &past).unwrap(),
                ImportAction::Unchanged
            );
            past.outcome = Some(Outcome::PartiallyDisclosed);
            past.appeals.pop();
            assert_eq!(
                import_case(&mut c, &cal, &sys, &past).unwrap(),
                ImportAction::Updated
            );
            assert_eq!(crate::request::imported::count(&mut c, None).unwrap(), 1);
            let t4 = table4(&mut c, None, 2024).unwrap();
            assert_eq!(
                t4.get(Table4Block::LitigationDirect, Table4Column::Total),
                0
            );
            let t = table3(&mut c, None, 2024).unwrap();
            assert_eq!(
                t.get(Table3Row::PartlyDisclosed, Table3Column::Total),
                Some(1)
            );
            assert_eq!(t.get(Table3Row::Disclosed, Table3Column::Total), Some(0));

            // An open past case, then handled here: a later import may not overwrite it.
            let open = ImportedCase {
                source_id: "OLD-2024-0001".into(),
                received_on: d("2024-12-27"),
                outcome: None,
                answered_on: None,
                carried_over: true,
                appeals: vec![],
                ..imported(a)
            };
            import_case(&mut c, &cal, &sys, &open).unwrap();
            let id = crate::schema::disclosure_requests::table
                .filter(crate::schema::disclosure_requests::received_on.eq(d("2024-12-27")))
                .select(crate::schema::disclosure_requests::id)
                .first::<i64>(&mut c)
                .unwrap();
            let r = crate::request::get(&mut c, id).unwrap();
            assert_eq!(r.stage, "received");
            assert!(r.password_hash.is_empty() && r.id_number_enc.is_empty());
            assert!(crate::request::track(&mut c, &r.tracking_code, "")
                .unwrap()
                .is_none());
            step(
                &mut c,
                id,
                Step::Assign {
                    on: d("2024-12-30"),
                    org_id: a,
                    handler: "李四".into(),
                },
            );
            let changed = ImportedCase {
                description: "更正".into(),
                ..open.clone()
            };
            match import_case(&mut c, &cal, &sys, &changed) {
                Err(StorageError::Invalid(e)) => {
                    assert!(e.to_string().contains("source_id"), "{e}")
                }
                other => panic!("expected a refusal, got {other:?}"),
            }
            // Rules between fields, all reported at once.
            let bad = ImportedCase {
                carried_over: false,
                due_on: Some(d("2023-12-01")),
                ..imported(a)
            };
            let e = bad.check(d("2025-01-01")).unwrap_err().to_string();
            assert!(e.contains("due: ") && e.contains("carried_over: "), "{e}");
            let early = ImportedCase {
                answered_on: Some(d("2023-12-01")),
                carried_over: false,
                ..imported(a)
            };
            let e = early.check(d("2025-01-01")).unwrap_err().to_string();
            assert!(
                e.starts_with("answered: 答复日期 2023-12-01 早于收到日期"),
                "{e}"
            );
        });
    }
}
