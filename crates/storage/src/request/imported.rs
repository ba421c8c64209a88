//! 历史案件导入 — past requests brought in from an earlier system (`gongkai import requests`), so
//! the statistics and the annual report's tables 三 and 四 cover the years before the platform,
//! the previous year's carry-over (上年结转) included.
//!
//! An imported case is an ordinary `disclosure_requests` row (it counts wherever a case counts)
//! with a `request_imports` row beside it: the file's source id, which makes a re-import update the
//! same case instead of adding a second one, and the line as imported. It carries no personal
//! data (no name, ID number, phone or address) and no password, so it cannot be tracked publicly.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::report::{Table4Block, Table4Column};
use gongkai_domain::request::{
    ApplicantType, DeadlinePlan, Outcome, ReceiptChannel, RequestEvent, RequestState,
};
use serde::Serialize;
use serde_json::json;

use super::{add_event, column_key, due_of, random_text, ENTITY};
use crate::audit::{self, Actor, Change};
use crate::schema::{disclosure_requests, request_appeals, request_events};
use crate::{write_txn, AnyConnection, Result, StorageError};

diesel::table! {
    request_imports (request_id) {
        request_id -> BigInt,
        source_id -> Text,
        carried_over -> Bool,
        record -> Text,
        imported_at -> Timestamp,
    }
}

diesel::joinable!(request_imports -> disclosure_requests (request_id));
diesel::allow_tables_to_appear_in_same_query!(request_imports, disclosure_requests);

/// What an imported case shows where the applicant's name would be.
pub const IMPORTED_APPLICANT: &str = "（历史导入案件，无申请人信息）";
/// The handler named on imported cases.
pub const IMPORTED_HANDLER: &str = "历史导入";
/// Event kinds an import writes; any other event means the case has been handled here since.
const IMPORT_EVENTS: [&str; 3] = ["imported", "import_updated", "correction_lapsed"];

/// One appeal of an imported case (table 四).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedAppeal {
    pub kind: Table4Block,
    pub filed_on: NaiveDate,
    pub body: String,
    /// 结果维持, 结果纠正, 其他结果 or 尚未审结.
    pub outcome: Table4Column,
    pub decided_on: Option<NaiveDate>,
}

/// A checked past case, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedCase {
    /// The earlier system's identifier, unique within the platform.
    pub source_id: String,
    pub org_id: i64,
    pub applicant_type: ApplicantType,
    pub channel: ReceiptChannel,
    /// 收到申请之日
    pub received_on: NaiveDate,
    /// The due date the earlier system recorded (extensions, corrections included); default:
    /// 20 working days from receipt.
    pub due_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    /// The reply date, or for a lapsed correction the day the case ended; with `outcome`.
    pub answered_on: Option<NaiveDate>,
    /// Open at the end of its receipt year (结转下年度), as the file states it.
    pub carried_over: bool,
    pub description: String,
    pub appeals: Vec<ImportedAppeal>,
}

fn field_error(e: &mut FieldErrors, field: &str, message: impl Into<String>) {
    e.add(field, message);
}

impl ImportedCase {
    /// The rules between fields (each field is checked on its own by the reader): dates in order,
    /// outcome and answer date together, the carry-over flag matching the dates, appeals that fit.
    pub fn check(&self, today: NaiveDate) -> std::result::Result<(), FieldErrors> {
        let mut e = FieldErrors::default();
        if self.source_id.trim().is_empty() {
            field_error(&mut e, "source_id", "必填");
        } else if self.source_id.chars().count() > 100 {
            field_error(&mut e, "source_id", "不能超过 100 个字");
        }
        if self.received_on > today {
            field_error(
                &mut e,
                "received",
                format!("收到日期 {} 晚于今天", self.received_on),
            );
        }
        if let Some(due) = self.due_on {
            if due < self.received_on {
                field_error(
                    &mut e,
                    "due",
                    format!("答复期限 {due} 早于收到日期 {}", self.received_on),
                );
            }
        }
        match (self.outcome, self.answered_on) {
            (Some(_), None) => field_error(&mut e, "answered", "有办理结果的案件须填写答复日期"),
            (None, Some(_)) => field_error(&mut e, "outcome", "有答复日期的案件须填写办理结果"),
            _ => {}
        }
        if let Some(a) = self.answered_on {
            if a < self.received_on {
                field_error(
                    &mut e,
                    "answered",
                    format!("答复日期 {a} 早于收到日期 {}", self.received_on),
                );
            } else if a > today {
                field_error(&mut e, "answered", format!("答复日期 {a} 晚于今天"));
            }
        }
        let open_at_year_end = self
            .answered_on
            .is_none_or(|a| a.year() > self.received_on.year());
        if self.carried_over != open_at_year_end {
            field_error(
                &mut e,
                "carried_over",
                if self.carried_over {
                    format!(
                        "标为结转，但答复日期 {} 与收到日期在同一年",
                        self.answered_on.map(|d| d.to_string()).unwrap_or_default()
                    )
                } else {
                    format!(
                        "{} 年收到、当年未办结的申请须标为结转（carried_over: true）",
                        self.received_on.year()
                    )
                },
            );
        }
        for (i, a) in self.appeals.iter().enumerate() {
            let f = |name: &str| format!("appeals[{i}].{name}");
            if a.body.trim().is_empty() {
                field_error(&mut e, &f("body"), "请填写复议机关或人民法院");
            }
            if a.filed_on < self.received_on {
                field_error(
                    &mut e,
                    &f("filed"),
                    format!("提起日期 {} 早于收到申请之日", a.filed_on),
                );
            }
            if self.answered_on.is_none() && self.due_on.is_some_and(|due| a.filed_on <= due) {
                field_error(
                    &mut e,
                    &f("filed"),
                    "申请尚未答复也未逾期，不能提起复议或诉讼",
                );
            }
            match (a.outcome, a.decided_on) {
                (Table4Column::Total, _) => field_error(&mut e, &f("outcome"), "总计不是审理结果"),
                (Table4Column::Pending, Some(_)) => {
                    field_error(&mut e, &f("decided"), "尚未审结的案件不能有审结日期")
                }
                (Table4Column::Pending, None) => {}
                (_, None) => field_error(&mut e, &f("decided"), "已审结的案件须填写审结日期"),
                (_, Some(d)) if d < a.filed_on => field_error(
                    &mut e,
                    &f("decided"),
                    format!("审结日期 {d} 早于提起日期 {}", a.filed_on),
                ),
                _ => {}
            }
            if a.kind == Table4Block::LitigationAfterReconsideration
                && !self.appeals.iter().any(|r| {
                    r.kind == Table4Block::Reconsideration
                        && r.decided_on.is_some_and(|d| d <= a.filed_on)
                })
            {
                field_error(
                    &mut e,
                    &f("kind"),
                    "复议后起诉须有同一申请在起诉前已审结的行政复议",
                );
            }
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }

    /// The state the case ends in, through the domain's own transitions.
    fn state(&self) -> Result<RequestState> {
        let mut events = Vec::new();
        if let Some(outcome) = self.outcome {
            events.push(RequestEvent::Assign {
                handler: IMPORTED_HANDLER.into(),
            });
            match outcome {
                Outcome::CorrectionOverdue => {
                    events.push(RequestEvent::RequestCorrection);
                    events.push(RequestEvent::CorrectionLapsed);
                }
                Outcome::UnclearAfterCorrection => {
                    events.push(RequestEvent::RequestCorrection);
                    events.push(RequestEvent::ReceiveCorrection);
                    events.push(RequestEvent::Answer { outcome });
                }
                _ => events.push(RequestEvent::Answer { outcome }),
            }
            events.push(RequestEvent::Close);
        }
        let mut state = RequestState::received();
        for ev in &events {
            state = state.transition(ev)?;
        }
        Ok(state)
    }
}

/// What one line did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ImportAction {
    Created,
    Updated,
    /// Imported before with the same content: nothing to do.
    Unchanged,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = request_imports)]
pub struct ImportRecord {
    pub request_id: i64,
    pub source_id: String,
    pub carried_over: bool,
    pub record: String,
    pub imported_at: NaiveDateTime,
}

/// The import record of a request, if it was imported.
pub fn record_of(conn: &mut AnyConnection, request_id: i64) -> Result<Option<ImportRecord>> {
    Ok(request_imports::table
        .find(request_id)
        .select(ImportRecord::as_select())
        .first(conn)
        .optional()?)
}

/// How many cases were imported (of `org_ids`, None: all).
pub fn count(conn: &mut AnyConnection, org_ids: Option<&[i64]>) -> Result<i64> {
    let mut q = request_imports::table
        .inner_join(disclosure_requests::table)
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(disclosure_requests::org_id.eq_any(ids.to_vec()));
    }
    Ok(q.count().get_result(conn)?)
}

/// Stores one past case, or brings an earlier import of the same source id up to date. A case
/// handled on the platform since its import is not overwritten. One transaction, audited.
pub fn import_case(
    conn: &mut AnyConnection,
    cal: &WorkingCalendar,
    actor: &Actor,
    case: &ImportedCase,
) -> Result<ImportAction> {
    case.check(crate::now().date())
        .map_err(StorageError::Invalid)?;
    let state = case.state()?;
    let plan = DeadlinePlan::new(case.received_on, case.channel);
    let (computed_due, note) = due_of(cal, &plan)?;
    let due_on = case.due_on.or(computed_due);
    let deadline_note = if case.due_on.is_some() { None } else { note };
    let record = serde_json::to_string(case).expect("an imported case serialises");
    let source_id = case.source_id.trim().to_string();
    let lapsed = case.outcome == Some(Outcome::CorrectionOverdue);
    let answered_on = if lapsed { None } else { case.answered_on };
    let closed_at = case
        .answered_on
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight"));
    let now = crate::now();
    write_txn(conn, |conn| {
        if !super::org_exists(conn, case.org_id)? {
            return Err(super::invalid("org", "机关不存在"));
        }
        let existing: Option<ImportRecord> = request_imports::table
            .filter(request_imports::source_id.eq(&source_id))
            .select(ImportRecord::as_select())
            .first(conn)
            .optional()?;
        let (id, action) = match existing {
            Some(prev) if prev.record == record => return Ok(ImportAction::Unchanged),
            Some(prev) => {
                let handled: i64 = request_events::table
                    .filter(request_events::request_id.eq(prev.request_id))
                    .filter(request_events::kind.ne_all(IMPORT_EVENTS))
                    .count()
                    .get_result(conn)?;
                if handled > 0 {
                    return Err(super::invalid(
                        "source_id",
                        format!(
                            "来源编号 {source_id} 的案件导入后已在本平台办理，不能再由导入覆盖"
                        ),
                    ));
                }
                diesel::update(disclosure_requests::table.find(prev.request_id))
                    .set((
                        disclosure_requests::org_id.eq(case.org_id),
                        disclosure_requests::applicant_type.eq(case.applicant_type.as_str()),
                        disclosure_requests::description.eq(&case.description),
                        disclosure_requests::channel.eq(case.channel.as_str()),
                        disclosure_requests::arrived_on.eq(case.received_on),
                        disclosure_requests::received_on.eq(case.received_on),
                        disclosure_requests::stage.eq(state.stage().as_str()),
                        disclosure_requests::state
                            .eq(serde_json::to_string(&state).expect("state serialises")),
                        disclosure_requests::plan
                            .eq(serde_json::to_string(&plan).expect("plan serialises")),
                        disclosure_requests::due_on.eq(due_on),
                        disclosure_requests::deadline_note.eq(&deadline_note),
                        disclosure_requests::outcome.eq(state.outcome().map(|o| o.as_str())),
                        disclosure_requests::answered_on.eq(answered_on),
                        disclosure_requests::closed_at.eq(closed_at),
                        disclosure_requests::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                diesel::delete(
                    request_appeals::table.filter(request_appeals::request_id.eq(prev.request_id)),
                )
                .execute(conn)?;
                diesel::delete(
                    request_events::table
                        .filter(request_events::request_id.eq(prev.request_id))
                        .filter(request_events::kind.eq("correction_lapsed")),
                )
                .execute(conn)?;
                diesel::update(request_imports::table.find(prev.request_id))
                    .set((
                        request_imports::carried_over.eq(case.carried_over),
                        request_imports::record.eq(&record),
                        request_imports::imported_at.eq(now),
                    ))
                    .execute(conn)?;
                (prev.request_id, ImportAction::Updated)
            }
            None => {
                let mut tracking_code = String::new();
                for _ in 0..5 {
                    let candidate =
                        format!("IM{}{}", case.received_on.format("%Y%m%d"), random_text(6));
                    let taken: i64 = disclosure_requests::table
                        .filter(disclosure_requests::tracking_code.eq(&candidate))
                        .count()
                        .get_result(conn)?;
                    if taken == 0 {
                        tracking_code = candidate;
                        break;
                    }
                }
                if tracking_code.is_empty() {
                    return Err(StorageError::Conflict(
                        "could not draw a free tracking code".into(),
                    ));
                }
                let id: i64 = diesel::insert_into(disclosure_requests::table)
                    .values((
                        disclosure_requests::tracking_code.eq(&tracking_code),
                        // No password: an imported case is not tracked by the public.
                        disclosure_requests::password_hash.eq(""),
                        disclosure_requests::org_id.eq(case.org_id),
                        disclosure_requests::applicant_type.eq(case.applicant_type.as_str()),
                        disclosure_requests::applicant_name.eq(IMPORTED_APPLICANT),
                        disclosure_requests::id_type.eq("other"),
                        disclosure_requests::id_number_enc.eq(""),
                        disclosure_requests::id_number_masked.eq(""),
                        disclosure_requests::phone_enc.eq(""),
                        disclosure_requests::phone_masked.eq(""),
                        disclosure_requests::address.eq(""),
                        disclosure_requests::description.eq(&case.description),
                        disclosure_requests::preferred_form.eq(""),
                        disclosure_requests::delivery.eq(""),
                        disclosure_requests::channel.eq(case.channel.as_str()),
                        disclosure_requests::arrived_on.eq(case.received_on),
                        disclosure_requests::received_on.eq(case.received_on),
                        disclosure_requests::stage.eq(state.stage().as_str()),
                        disclosure_requests::state
                            .eq(serde_json::to_string(&state).expect("state serialises")),
                        disclosure_requests::plan
                            .eq(serde_json::to_string(&plan).expect("plan serialises")),
                        disclosure_requests::due_on.eq(due_on),
                        disclosure_requests::deadline_note.eq(&deadline_note),
                        disclosure_requests::handler.eq(case.outcome.map(|_| IMPORTED_HANDLER)),
                        disclosure_requests::outcome.eq(state.outcome().map(|o| o.as_str())),
                        disclosure_requests::answered_on.eq(answered_on),
                        disclosure_requests::closed_at.eq(closed_at),
                        disclosure_requests::created_at.eq(now),
                        disclosure_requests::updated_at.eq(now),
                    ))
                    .returning(disclosure_requests::id)
                    .get_result(conn)?;
                diesel::insert_into(request_imports::table)
                    .values((
                        request_imports::request_id.eq(id),
                        request_imports::source_id.eq(&source_id),
                        request_imports::carried_over.eq(case.carried_over),
                        request_imports::record.eq(&record),
                        request_imports::imported_at.eq(now),
                    ))
                    .execute(conn)?;
                (id, ImportAction::Created)
            }
        };
        let kind = match action {
            ImportAction::Updated => "import_updated",
            _ => "imported",
        };
        add_event(
            conn,
            actor,
            id,
            kind,
            case.received_on,
            &json!({"source_id": source_id}),
        )?;
        if lapsed {
            // Statistics date a lapsed correction by this event, as for cases handled here.
            let on = case.answered_on.expect("checked: an outcome has its date");
            add_event(conn, actor, id, "correction_lapsed", on, &json!({}))?;
        }
        for a in &case.appeals {
            diesel::insert_into(request_appeals::table)
                .values((
                    request_appeals::request_id.eq(id),
                    request_appeals::kind.eq(a.kind.key()),
                    request_appeals::filed_on.eq(a.filed_on),
                    request_appeals::body.eq(a.body.trim()),
                    request_appeals::outcome.eq(column_key(a.outcome)),
                    request_appeals::decided_on.eq(a.decided_on),
                    request_appeals::note.eq("导入"),
                    request_appeals::created_at.eq(now),
                    request_appeals::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "request.import",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(case.org_id),
                summary: format!(
                    "{} past request {source_id}: received {} via {}, {}",
                    if action == ImportAction::Updated {
                        "re-imported"
                    } else {
                        "imported"
                    },
                    case.received_on,
                    case.channel.label(),
                    match (case.outcome, case.answered_on) {
                        (Some(o), Some(d)) => format!("{} on {d}", o.full_label()),
                        _ => "still open".into(),
                    }
                ),
                before: None,
                after: Some(json!({
                    "source_id": source_id,
                    "stage": state.stage().as_str(),
                    "outcome": state.outcome().map(|o| o.as_str()),
                    "appeals": case.appeals.len(),
                })),
            },
        )?;
        Ok(action)
    })
}
