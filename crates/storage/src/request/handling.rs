//! Handling beyond the state machine's steps: due dates recomputed when the calendar changes,
//! the information-processing fee, and publishing a reply as a proactive item (依申请转主动公开).

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::item::ItemInput;
use gongkai_domain::request::{FeeBasis, FeeSchedule};
use gongkai_domain::DomainError;
use serde_json::json;

use super::{add_event, due_of, get, invalid, lock, Request, ENTITY};
use crate::audit::{self, Actor, Change};
use crate::calendar::Recomputed;
use crate::schema::{disclosure_requests, sites};
use crate::{write_txn, AnyConnection, Result, StorageError};

fn today() -> NaiveDate {
    (crate::now() + chrono::Duration::hours(8)).date()
}

/// Recomputes the due date of every case still waiting for a reply on `cal` (inside the
/// caller's transaction); a case whose due date or missing-date reason changes is updated and
/// gets a `deadline_recomputed` event naming the years loaded. Returns (checked, changed).
pub(crate) fn recompute_deadlines(
    conn: &mut AnyConnection,
    cal: &WorkingCalendar,
    actor: &Actor,
    years: &str,
) -> Result<(usize, Vec<Recomputed>)> {
    let open: Vec<Request> = disclosure_requests::table
        .filter(disclosure_requests::closed_at.is_null())
        .filter(disclosure_requests::answered_on.is_null())
        .select(Request::as_select())
        .load(conn)?;
    let mut changed = Vec::new();
    let mut checked = 0;
    for r in open.into_iter().filter(|r| r.awaits_reply()) {
        checked += 1;
        let plan = r.plan()?;
        let (due_on, note) = match due_of(cal, &plan) {
            Ok(x) => x,
            // A rule refusal is not the calendar's business: leave the case as it is.
            Err(StorageError::Domain(_)) => continue,
            Err(e) => return Err(e),
        };
        if due_on == r.due_on && note == r.deadline_note {
            continue;
        }
        diesel::update(disclosure_requests::table.find(r.id))
            .set((
                disclosure_requests::due_on.eq(due_on),
                disclosure_requests::deadline_note.eq(&note),
                disclosure_requests::updated_at.eq(crate::now()),
            ))
            .execute(conn)?;
        add_event(
            conn,
            actor,
            r.id,
            "deadline_recomputed",
            today(),
            &json!({"before": r.due_on, "after": due_on, "years": years, "note": note}),
        )?;
        changed.push(Recomputed {
            request_id: r.id,
            tracking_code: r.tracking_code,
            before: r.due_on,
            after: due_on,
        });
    }
    Ok((checked, changed))
}

/// The applicant's place among their requests received in the same calendar month as `r`
/// (1 for the first), the count the per-piece fee uses.
pub fn piece_of_month(conn: &mut AnyConnection, r: &Request) -> Result<u32> {
    let Some(key) = r.applicant_key.as_deref() else {
        return Ok(1);
    };
    let first = r.received_on.with_day(1).expect("day 1 exists");
    let n: i64 = disclosure_requests::table
        .filter(disclosure_requests::applicant_key.eq(key))
        .filter(disclosure_requests::received_on.ge(first))
        .filter(
            disclosure_requests::received_on
                .lt(r.received_on)
                .or(disclosure_requests::received_on
                    .eq(r.received_on)
                    .and(disclosure_requests::id.le(r.id))),
        )
        .count()
        .get_result(conn)?;
    Ok(n.max(1) as u32)
}

/// Records the information-processing fee (Art. 42) on the schedule in force: per piece from the
/// applicant's requests this month, per page from `pages`. Refused when no schedule is configured
/// (no fee is the rule) or the computed fee is nothing.
pub fn charge_fee(
    conn: &mut AnyConnection,
    actor: &Actor,
    schedule: &FeeSchedule,
    id: i64,
    basis: FeeBasis,
    pages: Option<u32>,
) -> Result<Request> {
    if schedule.is_none() {
        return Err(StorageError::Conflict(
            "未配置信息处理费收费标准：依条例第四十二条，默认不收费".into(),
        ));
    }
    write_txn(conn, |conn| {
        let r = lock(conn, id)?;
        if r.closed_at.is_some() {
            return Err(StorageError::Conflict("申请已办结，不能再收费".into()));
        }
        let count = match basis {
            FeeBasis::PerPiece => piece_of_month(conn, &r)?,
            FeeBasis::PerPage => match pages {
                Some(p) if p > 0 => p,
                _ => return Err(invalid("pages", "按量计收须填写页数")),
            },
        };
        let fee = schedule.charge(basis, count);
        if fee.fen == 0 {
            return Err(StorageError::Domain(DomainError::invalid(
                "fee",
                format!("{}，无需收费", fee.explanation),
            )));
        }
        diesel::update(disclosure_requests::table.find(id))
            .set((
                disclosure_requests::fee_fen.eq(Some(fee.fen)),
                disclosure_requests::fee_note.eq(Some(&fee.explanation)),
                disclosure_requests::updated_at.eq(crate::now()),
            ))
            .execute(conn)?;
        add_event(
            conn,
            actor,
            id,
            "fee",
            today(),
            &json!({"basis": basis.as_str(), "count": count, "fen": fee.fen, "explanation": fee.explanation}),
        )?;
        audit::record(
            conn,
            actor,
            Change {
                action: "request.fee",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(r.org_id),
                summary: format!("fee on {}: {}", r.tracking_code, fee.explanation),
                before: Some(json!({"fee_fen": r.fee_fen})),
                after: Some(json!({"fee_fen": fee.fen})),
            },
        )?;
        get(conn, id)
    })
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// 依申请公开转主动公开: drafts a catalogue item from an answered request whose applicant
/// consented, on the responsible organisation's site (the portal when it has none). The item then
/// goes through the normal review; the applicant's name and contacts are not copied into it.
pub fn publish_reply(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<crate::item::Item> {
    write_txn(conn, |conn| {
        let r = lock(conn, id)?;
        if !r.publish_consent {
            return Err(StorageError::Conflict(
                "申请人未同意公开答复，不能转为主动公开".into(),
            ));
        }
        let (Some(reply), Some(answered_on)) = (r.reply_text.as_deref(), r.answered_on) else {
            return Err(StorageError::Conflict("申请尚未答复".into()));
        };
        if let Some(item) = r.published_item_id {
            return Err(StorageError::Conflict(format!(
                "答复已转为主动公开（信息 {item}）"
            )));
        }
        let site_id: i64 = match sites::table
            .filter(sites::org_id.eq(r.org_id))
            .order(sites::id.asc())
            .select(sites::id)
            .first(conn)
            .optional()?
        {
            Some(s) => s,
            None => sites::table
                .filter(sites::is_portal.eq(true))
                .select(sites::id)
                .first(conn)?,
        };
        let topic: String = r.description.chars().take(40).collect();
        let body_html = reply
            .split('\n')
            .filter(|l| !l.trim().is_empty())
            .map(|l| format!("<p>{}</p>", escape_html(l.trim())))
            .collect::<String>();
        let input = ItemInput {
            title: format!("政府信息公开申请答复（{}）：{topic}", r.tracking_code),
            summary: format!(
                "依申请公开转主动公开：{}受理的政府信息公开申请的答复",
                r.received_on.format("%Y年%-m月%-d日")
            ),
            body_html,
            made_on: answered_on.to_string(),
            genre: "other".into(),
            validity: "valid".into(),
            disclosure_mode: "proactive".into(),
            channels: vec!["website".into()],
            ..ItemInput::default()
        };
        let fields = input.validate().map_err(StorageError::Invalid)?;
        let item = crate::item::create_draft(
            conn,
            actor,
            crate::item::Placement {
                site_id,
                org_id: r.org_id,
            },
            &fields,
        )?;
        diesel::update(disclosure_requests::table.find(id))
            .set((
                disclosure_requests::published_item_id.eq(Some(item.id)),
                disclosure_requests::updated_at.eq(crate::now()),
            ))
            .execute(conn)?;
        add_event(
            conn,
            actor,
            id,
            "published_as_item",
            today(),
            &json!({"item_id": item.id}),
        )?;
        audit::record(
            conn,
            actor,
            Change {
                action: "request.publish_reply",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(r.org_id),
                summary: format!(
                    "reply to {} drafted as proactive item {} for review",
                    r.tracking_code, item.id
                ),
                before: None,
                after: Some(json!({"item_id": item.id})),
            },
        )?;
        Ok(item)
    })
}
