//! 工作日历 — the working-day calendar in force: the years built into the domain crate plus the
//! holiday notices admins loaded since (`calendar_notices`, applied in the order loaded). Loading a
//! notice recomputes the due date of every case still waiting for a reply and logs the change on
//! the case, in the same transaction, so no case keeps a deadline from the old calendar.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::calendar::WorkingCalendar;
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::schema::disclosure_requests;
use crate::{outbox, write_txn, AnyConnection, Result, StorageError};

diesel::table! {
    calendar_notices (id) {
        id -> BigInt,
        format -> Text,
        body -> Text,
        years -> Text,
        loaded_by -> Text,
        loaded_at -> Timestamp,
    }
}

/// The outbox entity that tells every node to reload its calendar.
pub const ENTITY: &str = "calendar";

/// The file formats a notice can be loaded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NoticeFormat {
    /// holiday-cn's `YYYY.json` (`{year, papers, days[{name, date, isOffDay}]}`)
    HolidayCnJson,
    /// An iCalendar file of all-day events (holiday-cn publishes one too).
    Ics,
}

impl NoticeFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeFormat::HolidayCnJson => "holiday_cn_json",
            NoticeFormat::Ics => "ics",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "holiday_cn_json" | "json" => Some(NoticeFormat::HolidayCnJson),
            "ics" => Some(NoticeFormat::Ics),
            _ => None,
        }
    }
    /// By the content: a JSON object or an iCalendar file.
    pub fn sniff(body: &str) -> Option<Self> {
        let t = body.trim_start_matches('\u{feff}').trim_start();
        if t.starts_with('{') {
            Some(NoticeFormat::HolidayCnJson)
        } else if t.starts_with("BEGIN:VCALENDAR") {
            Some(NoticeFormat::Ics)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = calendar_notices)]
pub struct Notice {
    pub id: i64,
    pub format: String,
    #[serde(skip)]
    pub body: String,
    /// The years the notice set, space-separated.
    pub years: String,
    pub loaded_by: String,
    pub loaded_at: NaiveDateTime,
}

fn apply(cal: &mut WorkingCalendar, format: NoticeFormat, body: &str) -> Result<Vec<i32>> {
    Ok(match format {
        NoticeFormat::HolidayCnJson => vec![cal.load_holiday_cn_json(body)?],
        NoticeFormat::Ics => cal.load_ics(body)?,
    })
}

/// Notices loaded after release, oldest first.
pub fn notices(conn: &mut AnyConnection) -> Result<Vec<Notice>> {
    Ok(calendar_notices::table
        .order(calendar_notices::id.asc())
        .select(Notice::as_select())
        .load(conn)?)
}

/// The calendar in force: the built-in years with every loaded notice applied in order.
pub fn effective(conn: &mut AnyConnection) -> Result<WorkingCalendar> {
    let mut cal = WorkingCalendar::builtin();
    for n in notices(conn)? {
        let format = NoticeFormat::parse(&n.format).ok_or_else(|| {
            StorageError::Conflict(format!("calendar notice {} has format {}", n.id, n.format))
        })?;
        apply(&mut cal, format, &n.body)?;
    }
    Ok(cal)
}

/// One case whose due date the new calendar moved.
#[derive(Debug, Clone, Serialize)]
pub struct Recomputed {
    pub request_id: i64,
    pub tracking_code: String,
    pub before: Option<NaiveDate>,
    pub after: Option<NaiveDate>,
}

/// What loading a notice did.
#[derive(Debug, Clone, Serialize)]
pub struct Loaded {
    pub years: Vec<i32>,
    /// Cases waiting for a reply whose due date was recomputed and changed.
    pub changed: Vec<Recomputed>,
    /// Cases waiting for a reply that were checked.
    pub checked: usize,
}

/// Validates and stores a holiday notice, then recomputes every open case's due date on the new
/// calendar; a case whose due date (or its reason for having none) changes gets a
/// `deadline_recomputed` event. A file that does not parse is refused with nothing stored.
pub fn load(
    conn: &mut AnyConnection,
    actor: &Actor,
    format: NoticeFormat,
    body: &str,
) -> Result<Loaded> {
    write_txn(conn, |conn| {
        let mut cal = effective(conn)?;
        let years = apply(&mut cal, format, body)?;
        let years_text = years
            .iter()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let now = crate::now();
        let id: i64 = diesel::insert_into(calendar_notices::table)
            .values((
                calendar_notices::format.eq(format.as_str()),
                calendar_notices::body.eq(body),
                calendar_notices::years.eq(&years_text),
                calendar_notices::loaded_by.eq(&actor.name),
                calendar_notices::loaded_at.eq(now),
            ))
            .returning(calendar_notices::id)
            .get_result(conn)?;
        let (checked, changed) =
            crate::request::recompute_deadlines(conn, &cal, actor, &years_text)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "calendar.load",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: None,
                summary: format!(
                    "loaded holiday notice for {years_text} ({}); {checked} open cases checked, {} due dates changed",
                    format.as_str(),
                    changed.len()
                ),
                before: None,
                after: Some(json!({"years": years, "changed": changed})),
            },
        )?;
        outbox::push(conn, ENTITY, id, outbox::Op::Upsert)?;
        Ok(Loaded {
            years,
            changed,
            checked,
        })
    })
}

/// How many cases are waiting for a reply (the ones a calendar change can move).
pub fn open_cases(conn: &mut AnyConnection) -> Result<i64> {
    Ok(disclosure_requests::table
        .filter(disclosure_requests::closed_at.is_null())
        .filter(disclosure_requests::answered_on.is_null())
        .count()
        .get_result(conn)?)
}
