//! 领导信箱 — the leader mailbox: categories, routing rules, leaders, per-site settings; letters
//! (stored before the writer is acknowledged, tracking code + argon2 password, the writer's
//! personal data encrypted), their handling (转办, 答复, 督办, 不予受理), watch-word alerts, the
//! writer's rating, publication of the Q&A with personal data removed, statistics per
//! organisation and leader, and the import of historical letters.
//!
//! Every staff step appends a letter event and an audit entry in its transaction; publication
//! changes append an outbox row (entity `letter`) so search follows.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::mailbox::{
    redact, reply_due, route, timeliness, CategoryPath, CategoryTree, LetterAction, LetterStatus,
    NewLetter, ReplyStats, RoutingRule, Satisfaction, Timeliness, WatchWords,
    DEFAULT_REMINDER_DAYS, DEFAULT_REPLY_DAYS, DEFAULT_WATCH_WORDS,
};
use gongkai_domain::DomainError;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::crypto::{mask_phone, DataKey};
use crate::request::{random_text, tracking_password_matches};
use crate::schema::{organisations, sites};
use crate::{outbox, write_txn, AnyConnection, Page, Result, StorageError};

diesel::table! {
    mailbox_settings (site_id) {
        site_id -> BigInt,
        reply_days -> Integer,
        reminder_days -> Integer,
        watch_words -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mailbox_categories (id) {
        id -> BigInt,
        path -> Text,
        position -> Integer,
    }
}

diesel::table! {
    mailbox_routes (id) {
        id -> BigInt,
        category -> Text,
        org_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mailbox_leaders (id) {
        id -> BigInt,
        name -> Text,
        title -> Text,
        org_id -> BigInt,
        position -> Integer,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    letters (id) {
        id -> BigInt,
        tracking_code -> Text,
        password_hash -> Text,
        site_id -> Nullable<BigInt>,
        leader_id -> Nullable<BigInt>,
        addressed_org_id -> BigInt,
        org_id -> BigInt,
        category -> Text,
        subject -> Text,
        body -> Text,
        writer_enc -> Text,
        writer_masked -> Text,
        phone_masked -> Text,
        publish_consent -> Bool,
        status -> Text,
        received_at -> Timestamp,
        received_on -> Date,
        due_on -> Nullable<Date>,
        deadline_note -> Nullable<Text>,
        reminded_on -> Nullable<Date>,
        escalated_on -> Nullable<Date>,
        escalations -> Integer,
        reply -> Nullable<Text>,
        replied_at -> Nullable<Timestamp>,
        replied_on -> Nullable<Date>,
        reply_working_days -> Nullable<Integer>,
        published_at -> Nullable<Timestamp>,
        watch_hits -> Text,
        source -> Text,
        external_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    letter_events (id) {
        id -> BigInt,
        letter_id -> BigInt,
        kind -> Text,
        org_id -> Nullable<BigInt>,
        detail -> Text,
        actor -> Text,
        actor_id -> Nullable<BigInt>,
        at -> Timestamp,
    }
}

diesel::table! {
    letter_alerts (id) {
        id -> BigInt,
        letter_id -> BigInt,
        org_id -> BigInt,
        words -> Text,
        created_at -> Timestamp,
        seen_by -> Nullable<Text>,
        seen_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    letter_ratings (letter_id) {
        letter_id -> BigInt,
        rating -> Text,
        comment -> Text,
        rated_at -> Timestamp,
    }
}

diesel::table! {
    letter_publications (letter_id) {
        letter_id -> BigInt,
        subject -> Text,
        body -> Text,
        reply -> Text,
        published_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    letters,
    letter_publications,
    letter_ratings,
    letter_alerts
);
diesel::joinable!(letter_publications -> letters (letter_id));

/// The outbox entity of a published letter.
pub const ENTITY: &str = "letter";
const WRITER_FIELD: &str = "letter_writer";

fn invalid(field: &str, message: impl Into<String>) -> StorageError {
    let mut e = FieldErrors::default();
    e.add(field, message);
    StorageError::Invalid(e)
}

fn not_found(what: &'static str, id: i64) -> StorageError {
    StorageError::NotFound {
        what,
        id: id.to_string(),
    }
}

fn org_exists(conn: &mut AnyConnection, org_id: i64) -> Result<bool> {
    Ok(organisations::table
        .find(org_id)
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// `李*` / `欧阳**`: the first character kept.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
        None => String::new(),
    }
}

// ------------------------------------------------------------------ settings

/// A site's mailbox settings (defaults until an admin saves them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub site_id: Option<i64>,
    /// 答复期限 in working days.
    pub reply_days: u32,
    /// Reminders this many working days before the deadline.
    pub reminder_days: u32,
    pub watch_words: WatchWords,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            site_id: None,
            reply_days: DEFAULT_REPLY_DAYS,
            reminder_days: DEFAULT_REMINDER_DAYS,
            watch_words: WatchWords::parse(DEFAULT_WATCH_WORDS),
        }
    }
}

impl Serialize for WatchWordsText<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_text())
    }
}
struct WatchWordsText<'a>(&'a WatchWords);

pub fn settings(conn: &mut AnyConnection, site_id: Option<i64>) -> Result<Settings> {
    let Some(site_id) = site_id else {
        return Ok(Settings::default());
    };
    let row: Option<(i32, i32, String)> = mailbox_settings::table
        .find(site_id)
        .select((
            mailbox_settings::reply_days,
            mailbox_settings::reminder_days,
            mailbox_settings::watch_words,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((r, m, w)) => Settings {
            site_id: Some(site_id),
            reply_days: r.max(1) as u32,
            reminder_days: m.max(0) as u32,
            watch_words: WatchWords::parse(&w),
        },
        None => Settings {
            site_id: Some(site_id),
            ..Settings::default()
        },
    })
}

/// The settings form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsInput {
    pub reply_days: String,
    pub reminder_days: String,
    pub watch_words: String,
}

pub fn save_settings(
    conn: &mut AnyConnection,
    actor: &Actor,
    site_id: i64,
    input: &SettingsInput,
) -> Result<Settings> {
    let mut e = FieldErrors::default();
    let reply_days = match input.reply_days.trim().parse::<u32>() {
        Ok(n) if (1..=60).contains(&n) => n,
        _ => {
            e.add("reply_days", "答复期限应为 1 至 60 个工作日");
            0
        }
    };
    let reminder_days = match input.reminder_days.trim().parse::<u32>() {
        Ok(n) if n < reply_days.max(1) => n,
        _ => {
            e.add("reminder_days", "提醒天数应为小于答复期限的非负整数");
            0
        }
    };
    let words = WatchWords::parse(&input.watch_words);
    if words.words().iter().any(|w| w.chars().count() > 20) {
        e.add("watch_words", "每个关键词不能超过 20 个字");
    }
    if !e.is_empty() {
        return Err(StorageError::Invalid(e));
    }
    write_txn(conn, |conn| {
        let site_org: Option<i64> = sites::table
            .find(site_id)
            .select(sites::org_id)
            .first(conn)
            .optional()?;
        let Some(site_org) = site_org else {
            return Err(not_found("site", site_id));
        };
        let before = settings(conn, Some(site_id))?;
        let now = crate::now();
        diesel::delete(mailbox_settings::table.find(site_id)).execute(conn)?;
        diesel::insert_into(mailbox_settings::table)
            .values((
                mailbox_settings::site_id.eq(site_id),
                mailbox_settings::reply_days.eq(reply_days as i32),
                mailbox_settings::reminder_days.eq(reminder_days as i32),
                mailbox_settings::watch_words.eq(words.to_text()),
                mailbox_settings::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "mailbox.settings",
                entity: "site",
                entity_id: site_id.to_string(),
                org_id: Some(site_org),
                summary: format!(
                    "mailbox settings: reply within {reply_days} working days, remind {reminder_days} before, {} watch words",
                    words.words().len()
                ),
                before: Some(json!({"reply_days": before.reply_days, "reminder_days": before.reminder_days, "watch_words": WatchWordsText(&before.watch_words)})),
                after: Some(json!({"reply_days": reply_days, "reminder_days": reminder_days, "watch_words": WatchWordsText(&words)})),
            },
        )?;
        settings(conn, Some(site_id))
    })
}

// ------------------------------------------------------------------ categories, routes, leaders

/// Replaces nothing: adds the tree's leaves not yet stored, after the existing ones. Returns how
/// many were added (0 on a second run).
pub fn seed_categories(
    conn: &mut AnyConnection,
    actor: &Actor,
    tree: &CategoryTree,
) -> Result<usize> {
    write_txn(conn, |conn| {
        let existing: Vec<String> = mailbox_categories::table
            .select(mailbox_categories::path)
            .load(conn)?;
        let mut position = existing.len() as i32;
        let mut added = 0;
        for leaf in tree.leaves() {
            let code = leaf.as_code();
            if existing.contains(&code) {
                continue;
            }
            position += 1;
            diesel::insert_into(mailbox_categories::table)
                .values((
                    mailbox_categories::path.eq(&code),
                    mailbox_categories::position.eq(position),
                ))
                .execute(conn)?;
            added += 1;
        }
        if added > 0 {
            audit::record(
                conn,
                actor,
                Change {
                    action: "mailbox.categories",
                    entity: "mailbox_category",
                    entity_id: String::new(),
                    org_id: None,
                    summary: format!("added {added} letter categories"),
                    before: None,
                    after: None,
                },
            )?;
        }
        Ok(added)
    })
}

pub fn category_tree(conn: &mut AnyConnection) -> Result<CategoryTree> {
    let paths: Vec<String> = mailbox_categories::table
        .order((mailbox_categories::position, mailbox_categories::id))
        .select(mailbox_categories::path)
        .load(conn)?;
    Ok(CategoryTree::new(
        paths
            .iter()
            .filter_map(|p| CategoryPath::parse(p).ok())
            .collect(),
    ))
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = mailbox_routes)]
pub struct Route {
    pub id: i64,
    pub category: String,
    pub org_id: i64,
    pub created_at: NaiveDateTime,
}

pub fn routes(conn: &mut AnyConnection) -> Result<Vec<Route>> {
    Ok(mailbox_routes::table
        .order(mailbox_routes::category)
        .select(Route::as_select())
        .load(conn)?)
}

fn rules(conn: &mut AnyConnection) -> Result<Vec<RoutingRule>> {
    Ok(routes(conn)?
        .into_iter()
        .filter_map(|r| {
            Some(RoutingRule {
                category: CategoryPath::parse(&r.category).ok()?,
                org_id: r.org_id,
            })
        })
        .collect())
}

/// Sets (or replaces) the rule for a category of the tree.
pub fn set_route(
    conn: &mut AnyConnection,
    actor: &Actor,
    category: &str,
    org_id: i64,
) -> Result<()> {
    let path = CategoryPath::parse(category).map_err(|e| invalid("category", e.to_string()))?;
    write_txn(conn, |conn| {
        if !category_tree(conn)?.contains(&path) {
            return Err(invalid("category", "分类不在留言分类中"));
        }
        if !org_exists(conn, org_id)? {
            return Err(invalid("org_id", "承办单位不存在"));
        }
        let code = path.as_code();
        diesel::delete(mailbox_routes::table.filter(mailbox_routes::category.eq(&code)))
            .execute(conn)?;
        diesel::insert_into(mailbox_routes::table)
            .values((
                mailbox_routes::category.eq(&code),
                mailbox_routes::org_id.eq(org_id),
                mailbox_routes::created_at.eq(crate::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "mailbox.route_rule",
                entity: "mailbox_route",
                entity_id: code.clone(),
                org_id: Some(org_id),
                summary: format!("letters of {} go to organisation {org_id}", path.label()),
                before: None,
                after: Some(json!({"category": code, "org_id": org_id})),
            },
        )
    })
}

pub fn delete_route(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<()> {
    write_txn(conn, |conn| {
        let r: Route = mailbox_routes::table
            .find(id)
            .select(Route::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| not_found("routing rule", id))?;
        diesel::delete(mailbox_routes::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "mailbox.route_rule_delete",
                entity: "mailbox_route",
                entity_id: r.category.clone(),
                org_id: Some(r.org_id),
                summary: format!("removed the routing rule for {}", r.category),
                before: Some(json!({"category": r.category, "org_id": r.org_id})),
                after: None,
            },
        )
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = mailbox_leaders)]
pub struct Leader {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub org_id: i64,
    pub position: i32,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

impl Leader {
    /// `市长 张三` or the title alone when no name is given.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.title.clone()
        } else {
            format!("{} {}", self.title, self.name)
        }
    }
}

pub fn leaders(conn: &mut AnyConnection, active_only: bool) -> Result<Vec<Leader>> {
    let mut q = mailbox_leaders::table
        .order((mailbox_leaders::position, mailbox_leaders::id))
        .select(Leader::as_select())
        .into_boxed();
    if active_only {
        q = q.filter(mailbox_leaders::active.eq(true));
    }
    Ok(q.load(conn)?)
}

pub fn leader(conn: &mut AnyConnection, id: i64) -> Result<Leader> {
    mailbox_leaders::table
        .find(id)
        .select(Leader::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| not_found("leader", id))
}

/// Adds a leader (or returns the existing one with the same name and title).
pub fn ensure_leader(
    conn: &mut AnyConnection,
    actor: &Actor,
    name: &str,
    title: &str,
    org_id: i64,
) -> Result<i64> {
    let (name, title) = (name.trim(), title.trim());
    let mut e = FieldErrors::default();
    if title.is_empty() {
        e.add("title", "必填");
    } else if title.chars().count() > 60 {
        e.add("title", "不能超过 60 个字");
    }
    if name.chars().count() > 30 {
        e.add("name", "不能超过 30 个字");
    }
    if !e.is_empty() {
        return Err(StorageError::Invalid(e));
    }
    write_txn(conn, |conn| {
        let existing: Option<i64> = mailbox_leaders::table
            .filter(mailbox_leaders::name.eq(name))
            .filter(mailbox_leaders::title.eq(title))
            .select(mailbox_leaders::id)
            .first(conn)
            .optional()?;
        if let Some(id) = existing {
            return Ok(id);
        }
        if !org_exists(conn, org_id)? {
            return Err(invalid("org_id", "所属单位不存在"));
        }
        let position: i64 = mailbox_leaders::table.count().get_result(conn)?;
        let id: i64 = diesel::insert_into(mailbox_leaders::table)
            .values((
                mailbox_leaders::name.eq(name),
                mailbox_leaders::title.eq(title),
                mailbox_leaders::org_id.eq(org_id),
                mailbox_leaders::position.eq(position as i32 + 1),
                mailbox_leaders::active.eq(true),
                mailbox_leaders::created_at.eq(crate::now()),
            ))
            .returning(mailbox_leaders::id)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "mailbox.leader_create",
                entity: "mailbox_leader",
                entity_id: id.to_string(),
                org_id: Some(org_id),
                summary: format!("added leader {title} {name} to the mailbox"),
                before: None,
                after: Some(json!({"name": name, "title": title, "org_id": org_id})),
            },
        )?;
        Ok(id)
    })
}

// ------------------------------------------------------------------ letters

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = letters)]
pub struct Letter {
    pub id: i64,
    pub tracking_code: String,
    #[serde(skip)]
    pub password_hash: String,
    pub site_id: Option<i64>,
    pub leader_id: Option<i64>,
    pub addressed_org_id: i64,
    /// The organisation answering now (after routing).
    pub org_id: i64,
    pub category: String,
    pub subject: String,
    pub body: String,
    #[serde(skip)]
    pub writer_enc: String,
    pub writer_masked: String,
    pub phone_masked: String,
    pub publish_consent: bool,
    pub status: String,
    pub received_at: NaiveDateTime,
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub deadline_note: Option<String>,
    pub reminded_on: Option<NaiveDate>,
    pub escalated_on: Option<NaiveDate>,
    pub escalations: i32,
    pub reply: Option<String>,
    pub replied_at: Option<NaiveDateTime>,
    pub replied_on: Option<NaiveDate>,
    pub reply_working_days: Option<i32>,
    pub published_at: Option<NaiveDateTime>,
    pub watch_hits: String,
    pub source: String,
    pub external_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Letter {
    pub fn status(&self) -> LetterStatus {
        self.status.parse().unwrap_or(LetterStatus::Received)
    }
    pub fn category_label(&self) -> String {
        CategoryPath::parse(&self.category)
            .map(|c| c.label())
            .unwrap_or_else(|_| self.category.clone())
    }
    /// Against its deadline on `today` (`None` when answered, or without a due date).
    pub fn timeliness(
        &self,
        cal: &WorkingCalendar,
        today: NaiveDate,
        reminder_days: u32,
    ) -> Option<Timeliness> {
        if !self.status().is_open() {
            return None;
        }
        timeliness(cal, self.due_on?, today, reminder_days).ok()
    }
    pub fn is_overdue(&self, cal: &WorkingCalendar, today: NaiveDate) -> bool {
        matches!(
            self.timeliness(cal, today, 0),
            Some(Timeliness::Overdue { .. })
        )
    }
    /// Open for more than three months (the national website check's red line).
    pub fn open_over_3_months(&self, today: NaiveDate) -> bool {
        self.status().is_open()
            && self
                .received_on
                .checked_add_months(Months::new(3))
                .is_some_and(|d| d < today)
    }
    pub fn watch_hits(&self) -> Vec<String> {
        self.watch_hits
            .split_whitespace()
            .map(String::from)
            .collect()
    }
}

/// The writer's personal data, encrypted as one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Writer {
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
}

/// What the writer is given once the letter is stored: shown once, the password is not kept in clear.
#[derive(Debug, Clone, Serialize)]
pub struct Acknowledgement {
    pub id: i64,
    pub tracking_code: String,
    pub password: String,
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub routed_to: i64,
}

fn add_event(
    conn: &mut AnyConnection,
    actor: &Actor,
    letter_id: i64,
    kind: &str,
    org_id: Option<i64>,
    detail: &serde_json::Value,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(letter_events::table)
        .values((
            letter_events::letter_id.eq(letter_id),
            letter_events::kind.eq(kind),
            letter_events::org_id.eq(org_id),
            letter_events::detail.eq(detail.to_string()),
            letter_events::actor.eq(&actor.name),
            letter_events::actor_id.eq(actor.user_id),
            letter_events::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

fn due_for(
    cal: &WorkingCalendar,
    received_on: NaiveDate,
    days: u32,
) -> Result<(Option<NaiveDate>, Option<String>)> {
    match reply_due(cal, received_on, days) {
        Ok(d) => Ok((Some(d), None)),
        Err(e @ DomainError::CalendarMissingYear { .. }) => Ok((None, Some(e.to_string()))),
        Err(e) => Err(e.into()),
    }
}

fn draw_code(conn: &mut AnyConnection, at: NaiveDateTime) -> Result<String> {
    for _ in 0..5 {
        let candidate = format!(
            "XX{}{}",
            (at + chrono::Duration::hours(8)).format("%Y%m%d"),
            random_text(6)
        );
        let taken: i64 = letters::table
            .filter(letters::tracking_code.eq(&candidate))
            .count()
            .get_result(conn)?;
        if taken == 0 {
            return Ok(candidate);
        }
    }
    Err(StorageError::Conflict(
        "could not draw a free tracking code".into(),
    ))
}

/// Where a new letter goes: the addressed organisation (a leader's, or the department written
/// to) and, for a letter to a leader, the organisation of the routing rule for its category.
fn addressed(conn: &mut AnyConnection, new: &NewLetter) -> Result<(i64, Option<i64>)> {
    match (new.leader_id, new.org_id) {
        (Some(l), _) => {
            let leader = mailbox_leaders::table
                .find(l)
                .select(Leader::as_select())
                .first(conn)
                .optional()?
                .filter(|l| l.active)
                .ok_or_else(|| invalid("recipient", "所选领导不存在"))?;
            let routed = route(&rules(conn)?, &new.category);
            Ok((leader.org_id, routed))
        }
        (None, Some(o)) if org_exists(conn, o)? => Ok((o, None)),
        _ => Err(invalid("recipient", "所选部门不存在")),
    }
}

/// Stores a new letter with its tracking code, argon2-hashed password and the writer's personal
/// data encrypted; routes it by rule; raises a watch-word alert. Committed when this returns, so
/// an acknowledgement built from the result is never for a lost letter.
pub fn submit(
    conn: &mut AnyConnection,
    key: &DataKey,
    cal: &WorkingCalendar,
    actor: &Actor,
    site_id: Option<i64>,
    new: &NewLetter,
    received_at: NaiveDateTime,
) -> Result<Acknowledgement> {
    let password = random_text(10);
    let password_hash = crate::user::hash_password(&password)?;
    let writer = Writer {
        name: new.name.clone(),
        phone: new.phone.clone(),
        email: new.email.clone(),
    };
    // Days count in China Standard Time.
    let received_on = (received_at + chrono::Duration::hours(8)).date();
    write_txn(conn, |conn| {
        if !category_tree(conn)?.contains(&new.category) {
            return Err(invalid("category", "留言分类不是可选的值"));
        }
        let (addressed_org, routed) = addressed(conn, new)?;
        let settings = settings(conn, site_id)?;
        let (due_on, deadline_note) = due_for(cal, received_on, settings.reply_days)?;
        let hits = settings
            .watch_words
            .hits(&format!("{}\n{}", new.subject, new.body));
        let tracking_code = draw_code(conn, received_at)?;
        let org_id = routed.unwrap_or(addressed_org);
        let status = if routed.is_some() {
            LetterStatus::Routed
        } else {
            LetterStatus::Received
        };
        let id = insert_letter(
            conn,
            &LetterRow {
                tracking_code: &tracking_code,
                password_hash: &password_hash,
                site_id,
                leader_id: new.leader_id,
                addressed_org_id: addressed_org,
                org_id,
                category: &new.category.as_code(),
                subject: &new.subject,
                body: &new.body,
                writer_enc: &key.encrypt(
                    WRITER_FIELD,
                    &serde_json::to_string(&writer).expect("writer serialises"),
                ),
                writer_masked: &mask_name(&new.name),
                phone_masked: &mask_phone(&new.phone),
                publish_consent: new.publish_consent,
                status,
                received_at,
                received_on,
                due_on,
                deadline_note: deadline_note.as_deref(),
                watch_hits: &hits.join(" "),
                source: "web",
                external_id: None,
            },
        )?;
        add_event(
            conn,
            actor,
            id,
            "received",
            Some(addressed_org),
            &json!({"due_on": due_on, "reply_days": settings.reply_days}),
            received_at,
        )?;
        if let Some(to) = routed {
            add_event(
                conn,
                &Actor::system("routing rule"),
                id,
                "routed",
                Some(to),
                &json!({"by": "rule", "category": new.category.as_code()}),
                received_at,
            )?;
        }
        if !hits.is_empty() {
            diesel::insert_into(letter_alerts::table)
                .values((
                    letter_alerts::letter_id.eq(id),
                    letter_alerts::org_id.eq(org_id),
                    letter_alerts::words.eq(hits.join(" ")),
                    letter_alerts::created_at.eq(received_at),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "letter.create",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(org_id),
                summary: format!(
                    "letter {tracking_code} received {received_on}{}, due {}{}",
                    if routed.is_some() {
                        ", routed by rule"
                    } else {
                        ""
                    },
                    due_on
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "not computable".into()),
                    if hits.is_empty() {
                        String::new()
                    } else {
                        format!(", watch words: {}", hits.join(" "))
                    }
                ),
                before: None,
                // No personal data in the log: the masked forms only.
                after: Some(
                    json!({"writer": mask_name(&new.name), "phone": mask_phone(&new.phone), "category": new.category.as_code()}),
                ),
            },
        )?;
        Ok(Acknowledgement {
            id,
            tracking_code,
            password,
            received_on,
            due_on,
            routed_to: org_id,
        })
    })
}

struct LetterRow<'a> {
    tracking_code: &'a str,
    password_hash: &'a str,
    site_id: Option<i64>,
    leader_id: Option<i64>,
    addressed_org_id: i64,
    org_id: i64,
    category: &'a str,
    subject: &'a str,
    body: &'a str,
    writer_enc: &'a str,
    writer_masked: &'a str,
    phone_masked: &'a str,
    publish_consent: bool,
    status: LetterStatus,
    received_at: NaiveDateTime,
    received_on: NaiveDate,
    due_on: Option<NaiveDate>,
    deadline_note: Option<&'a str>,
    watch_hits: &'a str,
    source: &'a str,
    external_id: Option<&'a str>,
}

fn insert_letter(conn: &mut AnyConnection, r: &LetterRow<'_>) -> Result<i64> {
    let now = crate::now();
    Ok(diesel::insert_into(letters::table)
        .values((
            (
                letters::tracking_code.eq(r.tracking_code),
                letters::password_hash.eq(r.password_hash),
                letters::site_id.eq(r.site_id),
                letters::leader_id.eq(r.leader_id),
                letters::addressed_org_id.eq(r.addressed_org_id),
                letters::org_id.eq(r.org_id),
                letters::category.eq(r.category),
                letters::subject.eq(r.subject),
                letters::body.eq(r.body),
                letters::writer_enc.eq(r.writer_enc),
                letters::writer_masked.eq(r.writer_masked),
                letters::phone_masked.eq(r.phone_masked),
            ),
            (
                letters::publish_consent.eq(r.publish_consent),
                letters::status.eq(r.status.as_str()),
                letters::received_at.eq(r.received_at),
                letters::received_on.eq(r.received_on),
                letters::due_on.eq(r.due_on),
                letters::deadline_note.eq(r.deadline_note),
                letters::escalations.eq(0),
                letters::watch_hits.eq(r.watch_hits),
                letters::source.eq(r.source),
                letters::external_id.eq(r.external_id),
                letters::created_at.eq(now),
                letters::updated_at.eq(now),
            ),
        ))
        .returning(letters::id)
        .get_result(conn)?)
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Letter> {
    letters::table
        .find(id)
        .select(Letter::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| not_found("letter", id))
}

/// The writer's look-up: the letter only when both code and password match; an unknown code and
/// a wrong password cannot be told apart (same answer, same password check).
pub fn track(conn: &mut AnyConnection, code: &str, password: &str) -> Result<Option<Letter>> {
    let code = code.trim().to_uppercase();
    let found = if code.is_empty() || code.len() > 40 {
        None
    } else {
        letters::table
            .filter(letters::tracking_code.eq(&code))
            .select(Letter::as_select())
            .first(conn)
            .optional()?
    };
    let ok = tracking_password_matches(found.as_ref().map(|l| l.password_hash.as_str()), password);
    Ok(found.filter(|_| ok))
}

/// The writer's personal data in clear, for staff handling the letter; the viewing is audited in
/// the same transaction, before the data is returned.
pub fn reveal(conn: &mut AnyConnection, key: &DataKey, actor: &Actor, id: i64) -> Result<Writer> {
    write_txn(conn, |conn| {
        let l = get(conn, id)?;
        let writer = decrypt_writer(key, &l)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "letter.reveal",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(l.org_id),
                summary: format!(
                    "viewed the writer's contact details of letter {}",
                    l.tracking_code
                ),
                before: None,
                after: None,
            },
        )?;
        Ok(writer)
    })
}

fn decrypt_writer(key: &DataKey, l: &Letter) -> Result<Writer> {
    let text = key
        .decrypt(WRITER_FIELD, &l.writer_enc)
        .map_err(|e| StorageError::Conflict(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| StorageError::Conflict(e.to_string()))
}

/// One handling step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// 转办 (or re-route, with the reason) to the responsible organisation.
    Route {
        org_id: i64,
        reason: String,
    },
    /// 答复 on a day.
    Reply {
        on: NaiveDate,
        text: String,
    },
    /// 不予受理 with the reason (abusive, duplicate, not a matter for this government).
    Decline {
        reason: String,
    },
    /// 督办 of an overdue letter, with the instruction.
    Escalate {
        on: NaiveDate,
        note: String,
    },
    /// 公开: the Q&A as it will be shown, personal data removed (staff may edit the redaction).
    Publish {
        subject: String,
        body: String,
        reply: String,
    },
    Unpublish {
        reason: String,
    },
}

impl Step {
    fn action(&self) -> LetterAction {
        match self {
            Step::Route { .. } => LetterAction::Route,
            Step::Reply { .. } => LetterAction::Reply,
            Step::Decline { .. } => LetterAction::Decline,
            Step::Escalate { .. } => LetterAction::Escalate,
            Step::Publish { .. } => LetterAction::Publish,
            Step::Unpublish { .. } => LetterAction::Unpublish,
        }
    }
}

fn lock(conn: &mut AnyConnection, id: i64) -> Result<Letter> {
    let n = diesel::update(letters::table.find(id))
        .set(letters::updated_at.eq(letters::updated_at))
        .execute(conn)?;
    if n == 0 {
        return Err(not_found("letter", id));
    }
    get(conn, id)
}

fn required(field: &str, v: &str, max: usize) -> Result<String> {
    let v = v.trim();
    if v.is_empty() {
        return Err(invalid(field, "必填"));
    }
    if v.chars().count() > max {
        return Err(invalid(field, format!("不能超过 {max} 个字")));
    }
    Ok(v.to_string())
}

/// The Q&A as proposed for publication: subject, letter and reply with personal data removed.
pub fn proposed_publication(key: &DataKey, l: &Letter) -> Result<(String, String, String)> {
    let name = decrypt_writer(key, l).map(|w| w.name).unwrap_or_default();
    Ok((
        redact(&l.subject, &name),
        redact(&l.body, &name),
        redact(l.reply.as_deref().unwrap_or(""), &name),
    ))
}

/// Applies one step: the domain's state machine decides whether it is allowed; the row, an event
/// and the audit entry (and, for publication, an outbox row) are written in one transaction.
pub fn act(
    conn: &mut AnyConnection,
    cal: &WorkingCalendar,
    actor: &Actor,
    id: i64,
    step: &Step,
    today: NaiveDate,
) -> Result<Letter> {
    write_txn(conn, |conn| {
        let l = lock(conn, id)?;
        let status = l.status();
        let overdue = l.is_overdue(cal, today);
        let next = status.apply(
            step.action(),
            l.publish_consent,
            l.published_at.is_some(),
            overdue,
        )?;
        let now = crate::now();
        let (summary, detail, event_org) = match step {
            Step::Route { org_id, reason } => {
                if !org_exists(conn, *org_id)? {
                    return Err(invalid("org_id", "承办单位不存在"));
                }
                let rerouting = status == LetterStatus::Routed;
                let reason = if rerouting || !reason.trim().is_empty() {
                    required("reason", reason, 500)?
                } else {
                    String::new()
                };
                if rerouting && *org_id == l.org_id {
                    return Err(invalid("org_id", "留言已由该单位办理"));
                }
                diesel::update(letters::table.find(id))
                    .set((
                        letters::org_id.eq(org_id),
                        letters::status.eq(next.as_str()),
                        letters::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                // The alert follows the letter to the organisation that now answers it.
                diesel::update(
                    letter_alerts::table
                        .filter(letter_alerts::letter_id.eq(id))
                        .filter(letter_alerts::seen_at.is_null()),
                )
                .set(letter_alerts::org_id.eq(org_id))
                .execute(conn)?;
                (
                    format!(
                        "{} letter {} from organisation {} to {org_id}{}",
                        if rerouting { "re-routed" } else { "routed" },
                        l.tracking_code,
                        l.org_id,
                        if reason.is_empty() {
                            String::new()
                        } else {
                            format!(": {reason}")
                        }
                    ),
                    json!({"from": l.org_id, "to": org_id, "reason": reason, "rerouted": rerouting}),
                    Some(*org_id),
                )
            }
            Step::Reply { on, text } => {
                let text = required("reply", text, 10000)?;
                if *on < l.received_on || *on > today {
                    return Err(invalid("on", "答复日期应在收信之日与今天之间"));
                }
                let days = cal
                    .working_days_between(l.received_on, *on)
                    .ok()
                    .map(|d| d as i32);
                diesel::update(letters::table.find(id))
                    .set((
                        letters::status.eq(next.as_str()),
                        letters::reply.eq(&text),
                        letters::replied_at.eq(now),
                        letters::replied_on.eq(on),
                        letters::reply_working_days.eq(days),
                        letters::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                let late = l.due_on.is_some_and(|d| *on > d);
                (
                    format!(
                        "replied to letter {} on {on}{}",
                        l.tracking_code,
                        if late { " (after the deadline)" } else { "" }
                    ),
                    json!({"on": on, "working_days": days, "late": late}),
                    Some(l.org_id),
                )
            }
            Step::Decline { reason } => {
                let reason = required("reason", reason, 500)?;
                diesel::update(letters::table.find(id))
                    .set((
                        letters::status.eq(next.as_str()),
                        letters::reply.eq(&reason),
                        letters::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                (
                    format!("declined letter {}: {reason}", l.tracking_code),
                    json!({"reason": reason}),
                    Some(l.org_id),
                )
            }
            Step::Escalate { on, note } => {
                let note = required("note", note, 500)?;
                diesel::update(letters::table.find(id))
                    .set((
                        letters::escalated_on.eq(on),
                        letters::escalations.eq(l.escalations + 1),
                        letters::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                (
                    format!(
                        "escalated (督办) overdue letter {}, due {}: {note}",
                        l.tracking_code,
                        l.due_on.map(|d| d.to_string()).unwrap_or_default()
                    ),
                    json!({"on": on, "note": note, "due_on": l.due_on}),
                    Some(l.org_id),
                )
            }
            Step::Publish {
                subject,
                body,
                reply,
            } => {
                let subject = required("public_subject", subject, 200)?;
                let body = required("public_body", body, 10000)?;
                let reply = required("public_reply", reply, 20000)?;
                diesel::delete(letter_publications::table.find(id)).execute(conn)?;
                diesel::insert_into(letter_publications::table)
                    .values((
                        letter_publications::letter_id.eq(id),
                        letter_publications::subject.eq(&subject),
                        letter_publications::body.eq(&body),
                        letter_publications::reply.eq(&reply),
                        letter_publications::published_at.eq(now),
                    ))
                    .execute(conn)?;
                diesel::update(letters::table.find(id))
                    .set((letters::published_at.eq(now), letters::updated_at.eq(now)))
                    .execute(conn)?;
                outbox::push(conn, ENTITY, id, outbox::Op::Upsert)?;
                (
                    format!("published letter {} as a Q&A", l.tracking_code),
                    json!({"subject": subject}),
                    Some(l.org_id),
                )
            }
            Step::Unpublish { reason } => {
                let reason = required("reason", reason, 500)?;
                diesel::delete(letter_publications::table.find(id)).execute(conn)?;
                diesel::update(letters::table.find(id))
                    .set((
                        letters::published_at.eq(None::<NaiveDateTime>),
                        letters::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                outbox::push(conn, ENTITY, id, outbox::Op::Delete)?;
                (
                    format!(
                        "withdrew the published letter {}: {reason}",
                        l.tracking_code
                    ),
                    json!({"reason": reason}),
                    Some(l.org_id),
                )
            }
        };
        let kind = step.action().as_str();
        add_event(conn, actor, id, kind, event_org, &detail, now)?;
        audit::record(
            conn,
            actor,
            Change {
                action: &format!("letter.{kind}"),
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(l.org_id),
                summary,
                before: Some(json!({"status": status.as_str(), "org_id": l.org_id})),
                after: Some(detail),
            },
        )?;
        get(conn, id)
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = letter_events)]
pub struct Event {
    pub id: i64,
    pub letter_id: i64,
    pub kind: String,
    pub org_id: Option<i64>,
    pub detail: String,
    pub actor: String,
    pub actor_id: Option<i64>,
    pub at: NaiveDateTime,
}

pub fn events(conn: &mut AnyConnection, letter_id: i64) -> Result<Vec<Event>> {
    Ok(letter_events::table
        .filter(letter_events::letter_id.eq(letter_id))
        .order(letter_events::id)
        .select(Event::as_select())
        .load(conn)?)
}

/// What one pass of the deadline scheduler did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Reminders {
    /// Letters that entered the reminder period (催办), each once.
    pub reminded: usize,
    /// Overdue letters escalated (督办) automatically, each once: staff may escalate again by hand.
    pub escalated: usize,
}

/// Records the reminders (催办) due on `today` for open letters entering the reminder period and
/// escalates (督办) those past their deadline, each once per letter, with an event and an audit
/// entry. Idempotent within a day and across days, and safe on several nodes at once: each letter
/// is re-read under its row lock before it is marked.
pub fn remind_due(
    conn: &mut AnyConnection,
    cal: &WorkingCalendar,
    today: NaiveDate,
) -> Result<Reminders> {
    write_txn(conn, |conn| {
        let candidates: Vec<Letter> = letters::table
            .filter(letters::status.eq_any([
                LetterStatus::Received.as_str(),
                LetterStatus::Routed.as_str(),
            ]))
            .filter(
                letters::reminded_on
                    .is_null()
                    .or(letters::escalated_on.is_null()),
            )
            .filter(letters::due_on.is_not_null())
            .select(Letter::as_select())
            .load(conn)?;
        let mut done = Reminders::default();
        let mut cache: BTreeMap<Option<i64>, u32> = BTreeMap::new();
        let actor = Actor::system("scheduler");
        for seen in candidates {
            let reminder_days = match cache.get(&seen.site_id) {
                Some(d) => *d,
                None => {
                    let d = settings(conn, seen.site_id)?.reminder_days;
                    cache.insert(seen.site_id, d);
                    d
                }
            };
            let needs = |l: &Letter| match l.timeliness(cal, today, reminder_days) {
                Some(Timeliness::ReminderDue { .. }) => l.reminded_on.is_none(),
                Some(Timeliness::Overdue { .. }) => {
                    l.reminded_on.is_none() || l.escalated_on.is_none()
                }
                _ => false,
            };
            if !needs(&seen) {
                continue;
            }
            // Another node may have got there first: decide again on the locked row.
            let l = lock(conn, seen.id)?;
            if !needs(&l) {
                continue;
            }
            let t = l.timeliness(cal, today, reminder_days);
            if l.reminded_on.is_none() {
                diesel::update(letters::table.find(l.id))
                    .set(letters::reminded_on.eq(today))
                    .execute(conn)?;
                add_event(
                    conn,
                    &Actor::system("reminder"),
                    l.id,
                    "reminded",
                    Some(l.org_id),
                    &json!({"due_on": l.due_on}),
                    crate::now(),
                )?;
                done.reminded += 1;
            }
            if let Some(Timeliness::Overdue { working_days_late }) = t {
                if l.escalated_on.is_some() {
                    continue;
                }
                let now = crate::now();
                diesel::update(letters::table.find(l.id))
                    .set((
                        letters::escalated_on.eq(today),
                        letters::escalations.eq(l.escalations + 1),
                        letters::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                let note = format!(
                    "已超过答复期限 {working_days_late} 个工作日，系统自动督办，请尽快答复"
                );
                let detail =
                    json!({"on": today, "note": note, "due_on": l.due_on, "automatic": true});
                add_event(conn, &actor, l.id, "escalate", Some(l.org_id), &detail, now)?;
                audit::record(
                    conn,
                    &actor,
                    Change {
                        action: "letter.escalate",
                        entity: ENTITY,
                        entity_id: l.id.to_string(),
                        org_id: Some(l.org_id),
                        summary: format!(
                            "escalated (督办) overdue letter {} automatically, due {}",
                            l.tracking_code,
                            l.due_on.map(|d| d.to_string()).unwrap_or_default()
                        ),
                        before: Some(json!({"status": l.status, "escalations": l.escalations})),
                        after: Some(detail),
                    },
                )?;
                done.escalated += 1;
            }
        }
        Ok(done)
    })
}

// ------------------------------------------------------------------ the writer's rating

/// The writer rates the reply (once), proving ownership with code and password.
pub fn rate(
    conn: &mut AnyConnection,
    actor: &Actor,
    code: &str,
    password: &str,
    rating: &str,
    comment: &str,
) -> Result<Letter> {
    let Some(l) = track(conn, code, password)? else {
        return Err(invalid("_form", "查询码或密码不正确，请核对后重试。"));
    };
    let rating: Satisfaction = rating
        .parse()
        .map_err(|_| invalid("rating", "请选择满意度"))?;
    let comment = comment.trim();
    if comment.chars().count() > 500 {
        return Err(invalid("comment", "评价不能超过 500 个字"));
    }
    write_txn(conn, |conn| {
        let l = lock(conn, l.id)?;
        if l.status() != LetterStatus::Replied {
            return Err(invalid("rating", "留言答复后才能评价"));
        }
        let done: i64 = letter_ratings::table.find(l.id).count().get_result(conn)?;
        if done > 0 {
            return Err(invalid("rating", "您已评价过这封留言的答复"));
        }
        let now = crate::now();
        diesel::insert_into(letter_ratings::table)
            .values((
                letter_ratings::letter_id.eq(l.id),
                letter_ratings::rating.eq(rating.as_str()),
                letter_ratings::comment.eq(comment),
                letter_ratings::rated_at.eq(now),
            ))
            .execute(conn)?;
        add_event(
            conn,
            actor,
            l.id,
            "rated",
            Some(l.org_id),
            &json!({"rating": rating.as_str()}),
            now,
        )?;
        audit::record(
            conn,
            actor,
            Change {
                action: "letter.rate",
                entity: ENTITY,
                entity_id: l.id.to_string(),
                org_id: Some(l.org_id),
                summary: format!(
                    "the writer rated the reply to {}: {}",
                    l.tracking_code,
                    rating.label_zh()
                ),
                before: None,
                after: Some(json!({"rating": rating.as_str()})),
            },
        )?;
        Ok(l)
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = letter_ratings)]
pub struct Rating {
    pub letter_id: i64,
    pub rating: String,
    pub comment: String,
    pub rated_at: NaiveDateTime,
}

impl Rating {
    pub fn satisfaction(&self) -> Option<Satisfaction> {
        self.rating.parse().ok()
    }
}

pub fn rating(conn: &mut AnyConnection, letter_id: i64) -> Result<Option<Rating>> {
    Ok(letter_ratings::table
        .find(letter_id)
        .select(Rating::as_select())
        .first(conn)
        .optional()?)
}

// ------------------------------------------------------------------ lists

/// Which letters an inbox shows.
#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    /// `None`: every organisation (platform admin).
    pub org_ids: Option<Vec<i64>>,
    pub status: Option<LetterStatus>,
    pub page: i64,
    pub per_page: i64,
}

/// An organisation's inbox: open letters first, the oldest due date first.
pub fn inbox(conn: &mut AnyConnection, q: &InboxQuery) -> Result<Page<Letter>> {
    let (page, per_page, offset) = crate::page_window(q.page, q.per_page, 200);
    let filtered = || {
        let mut b = letters::table.into_boxed();
        if let Some(ids) = &q.org_ids {
            b = b.filter(letters::org_id.eq_any(ids.clone()));
        }
        if let Some(s) = q.status {
            b = b.filter(letters::status.eq(s.as_str()));
        }
        b
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((
            letters::replied_at.is_not_null(),
            letters::due_on.asc(),
            letters::id.desc(),
        ))
        .limit(per_page)
        .offset(offset)
        .select(Letter::as_select())
        .load(conn)?;
    Ok(Page {
        rows,
        total,
        page,
        per_page,
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = letter_alerts)]
pub struct Alert {
    pub id: i64,
    pub letter_id: i64,
    pub org_id: i64,
    pub words: String,
    pub created_at: NaiveDateTime,
    pub seen_by: Option<String>,
    pub seen_at: Option<NaiveDateTime>,
}

/// Unseen watch-word alerts for the organisations in `org_ids` (`None`: all), newest first.
pub fn open_alerts(
    conn: &mut AnyConnection,
    org_ids: Option<&[i64]>,
) -> Result<Vec<(Alert, String, String)>> {
    let mut q = letter_alerts::table
        .inner_join(letters::table.on(letters::id.eq(letter_alerts::letter_id)))
        .filter(letter_alerts::seen_at.is_null())
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(letter_alerts::org_id.eq_any(ids.to_vec()));
    }
    Ok(q.order(letter_alerts::id.desc())
        .limit(200)
        .select((Alert::as_select(), letters::tracking_code, letters::subject))
        .load(conn)?)
}

/// An admin has seen the alert: it leaves everyone's list (audited).
pub fn dismiss_alert(conn: &mut AnyConnection, actor: &Actor, alert_id: i64) -> Result<Alert> {
    write_txn(conn, |conn| {
        let a: Alert = letter_alerts::table
            .find(alert_id)
            .select(Alert::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| not_found("alert", alert_id))?;
        if a.seen_at.is_none() {
            diesel::update(letter_alerts::table.find(alert_id))
                .set((
                    letter_alerts::seen_by.eq(&actor.name),
                    letter_alerts::seen_at.eq(crate::now()),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                actor,
                Change {
                    action: "letter.alert_seen",
                    entity: ENTITY,
                    entity_id: a.letter_id.to_string(),
                    org_id: Some(a.org_id),
                    summary: format!("watch-word alert ({}) seen", a.words),
                    before: None,
                    after: None,
                },
            )?;
        }
        Ok(a)
    })
}

pub fn alert(conn: &mut AnyConnection, alert_id: i64) -> Result<Alert> {
    letter_alerts::table
        .find(alert_id)
        .select(Alert::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| not_found("alert", alert_id))
}

/// A published Q&A as the public sees it: no personal data, the redacted texts only.
#[derive(Debug, Clone, Serialize)]
pub struct Published {
    pub id: i64,
    pub tracking_code: String,
    pub leader_id: Option<i64>,
    pub addressed_org_id: i64,
    pub org_id: i64,
    pub category: String,
    pub subject: String,
    pub body: String,
    pub reply: String,
    pub received_on: NaiveDate,
    pub replied_on: Option<NaiveDate>,
    pub reply_working_days: Option<i32>,
    pub published_at: NaiveDateTime,
}

type PublishedRow = (
    (i64, String, Option<i64>, i64, i64, String),
    (NaiveDate, Option<NaiveDate>, Option<i32>),
    (String, String, String, NaiveDateTime),
);

fn published_of(r: PublishedRow) -> Published {
    let (
        (id, tracking_code, leader_id, addressed_org_id, org_id, category),
        (received_on, replied_on, reply_working_days),
        (subject, body, reply, published_at),
    ) = r;
    Published {
        id,
        tracking_code,
        leader_id,
        addressed_org_id,
        org_id,
        category,
        subject,
        body,
        reply,
        received_on,
        replied_on,
        reply_working_days,
        published_at,
    }
}

macro_rules! published_columns {
    () => {
        (
            (
                letters::id,
                letters::tracking_code,
                letters::leader_id,
                letters::addressed_org_id,
                letters::org_id,
                letters::category,
            ),
            (
                letters::received_on,
                letters::replied_on,
                letters::reply_working_days,
            ),
            (
                letter_publications::subject,
                letter_publications::body,
                letter_publications::reply,
                letter_publications::published_at,
            ),
        )
    };
}

/// The public list of published Q&As, newest reply first; optionally one leader's or organisation's.
pub fn published(
    conn: &mut AnyConnection,
    leader_id: Option<i64>,
    org_id: Option<i64>,
    page: i64,
    per_page: i64,
) -> Result<Page<Published>> {
    let (page, per_page, offset) = crate::page_window(page, per_page, 100);
    let filtered = || {
        let mut b = letters::table
            .inner_join(letter_publications::table)
            .into_boxed();
        if let Some(l) = leader_id {
            b = b.filter(letters::leader_id.eq(l));
        }
        if let Some(o) = org_id {
            b = b.filter(letters::org_id.eq(o));
        }
        b
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<PublishedRow> = filtered()
        .order((letters::replied_on.desc(), letters::id.desc()))
        .limit(per_page)
        .offset(offset)
        .select(published_columns!())
        .load(conn)?;
    Ok(Page {
        rows: rows.into_iter().map(published_of).collect(),
        total,
        page,
        per_page,
    })
}

pub fn published_one(conn: &mut AnyConnection, id: i64) -> Result<Option<Published>> {
    let row: Option<PublishedRow> = letters::table
        .inner_join(letter_publications::table)
        .filter(letters::id.eq(id))
        .select(published_columns!())
        .first(conn)
        .optional()?;
    Ok(row.map(published_of))
}

/// Published letters by id, for search indexing (missing ids are not published: delete them).
pub fn published_many(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Published>> {
    let rows: Vec<PublishedRow> = letters::table
        .inner_join(letter_publications::table)
        .filter(letters::id.eq_any(ids.to_vec()))
        .select(published_columns!())
        .load(conn)?;
    Ok(rows.into_iter().map(published_of).collect())
}

/// Ids of every published letter (for a search rebuild).
pub fn published_ids(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    Ok(letter_publications::table
        .select(letter_publications::letter_id)
        .order(letter_publications::letter_id)
        .load(conn)?)
}

// ------------------------------------------------------------------ statistics

/// An open letter in the age list.
#[derive(Debug, Clone, Serialize)]
pub struct OpenLetter {
    pub id: i64,
    pub tracking_code: String,
    pub subject: String,
    pub org_id: i64,
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    /// Calendar days since receipt.
    pub age_days: i64,
    pub over_3_months: bool,
}

/// Statistics per organisation and per leader, for the back office and the annual report.
#[derive(Debug, Clone, Serialize)]
pub struct Statistics {
    pub year: Option<i32>,
    pub total: ReplyStats,
    /// By the organisation answering the letter, most letters first.
    pub by_org: Vec<(i64, ReplyStats)>,
    /// By the leader written to, most letters first.
    pub by_leader: Vec<(i64, ReplyStats)>,
    /// Open letters, oldest first.
    pub open: Vec<OpenLetter>,
}

#[derive(Default)]
struct Acc {
    received: u64,
    days: Vec<u32>,
    on_time: u64,
    satisfied: u64,
    rated: u64,
    open: u64,
    old: u64,
}

impl Acc {
    fn done(&self) -> ReplyStats {
        ReplyStats::from_parts(
            self.received,
            &self.days,
            self.on_time,
            self.satisfied,
            self.rated,
            self.open,
            self.old,
        )
    }
}

type StatRow = (
    i64,
    String,
    String,
    i64,
    Option<i64>,
    String,
    NaiveDate,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<i32>,
);

/// Received, replied, on-time rate, median and 90th-percentile reply time (working days) and
/// satisfaction, per organisation and leader, for letters received in `year` (all years when
/// `None`), limited to `org_ids` when given; and the open letters by age on `today`.
/// Declined letters are not valid letters and are left out.
pub fn statistics(
    conn: &mut AnyConnection,
    cal: &WorkingCalendar,
    year: Option<i32>,
    org_ids: Option<&[i64]>,
    today: NaiveDate,
) -> Result<Statistics> {
    let mut q = letters::table
        .filter(letters::status.ne(LetterStatus::Declined.as_str()))
        .into_boxed();
    if let Some(y) = year {
        let from = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(|| invalid("year", "年份无效"))?;
        let to = NaiveDate::from_ymd_opt(y + 1, 1, 1).ok_or_else(|| invalid("year", "年份无效"))?;
        q = q
            .filter(letters::received_on.ge(from))
            .filter(letters::received_on.lt(to));
    }
    if let Some(ids) = org_ids {
        q = q.filter(letters::org_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<StatRow> = q
        .order(letters::received_on)
        .select((
            letters::id,
            letters::tracking_code,
            letters::subject,
            letters::org_id,
            letters::leader_id,
            letters::status,
            letters::received_on,
            letters::due_on,
            letters::replied_on,
            letters::reply_working_days,
        ))
        .load(conn)?;
    let ratings: BTreeMap<i64, String> = letter_ratings::table
        .select((letter_ratings::letter_id, letter_ratings::rating))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let mut total = Acc::default();
    let mut by_org: BTreeMap<i64, Acc> = BTreeMap::new();
    let mut by_leader: BTreeMap<i64, Acc> = BTreeMap::new();
    let mut open = vec![];
    for (id, code, subject, org_id, leader_id, status, received_on, due_on, replied_on, days) in
        rows
    {
        let status: LetterStatus = status.parse().unwrap_or(LetterStatus::Received);
        let is_open = status.is_open();
        let days = days
            .map(|d| d.max(0) as u32)
            .or_else(|| replied_on.and_then(|r| cal.working_days_between(received_on, r).ok()));
        let replied = status == LetterStatus::Replied;
        let on_time = replied && matches!((replied_on, due_on), (Some(r), Some(d)) if r <= d);
        let rating = ratings
            .get(&id)
            .and_then(|r| r.parse::<Satisfaction>().ok());
        let old = is_open
            && received_on
                .checked_add_months(Months::new(3))
                .is_some_and(|d| d < today);
        let mut accs: Vec<&mut Acc> = vec![&mut total, by_org.entry(org_id).or_default()];
        if let Some(l) = leader_id {
            accs.push(by_leader.entry(l).or_default());
        }
        for a in accs {
            a.received += 1;
            if replied {
                if let Some(d) = days {
                    a.days.push(d);
                }
            }
            a.on_time += u64::from(on_time);
            if let Some(r) = rating {
                a.rated += 1;
                a.satisfied += u64::from(r.is_positive());
            }
            a.open += u64::from(is_open);
            a.old += u64::from(old);
        }
        if is_open {
            open.push(OpenLetter {
                id,
                tracking_code: code,
                subject,
                org_id,
                received_on,
                due_on,
                age_days: (today - received_on).num_days(),
                over_3_months: old,
            });
        }
    }
    let sorted = |m: BTreeMap<i64, Acc>| {
        let mut v: Vec<(i64, ReplyStats)> = m.into_iter().map(|(k, a)| (k, a.done())).collect();
        v.sort_by(|a, b| b.1.received.cmp(&a.1.received).then(a.0.cmp(&b.0)));
        v
    };
    Ok(Statistics {
        year,
        total: total.done(),
        by_org: sorted(by_org),
        by_leader: sorted(by_leader),
        open,
    })
}

/// Letters received per year (for the annual report's year list).
pub fn years(conn: &mut AnyConnection) -> Result<Vec<i32>> {
    let dates: Vec<NaiveDate> = letters::table.select(letters::received_on).load(conn)?;
    let mut years: Vec<i32> = dates.iter().map(|d| d.year()).collect();
    years.sort_unstable();
    years.dedup();
    Ok(years)
}

// ------------------------------------------------------------------ import

/// A historical letter (JSONL, `gongkai import letters`): real texts and timestamps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportLetter {
    /// Where it comes from (with `external_id`, the key that makes a re-import a no-op).
    pub source: String,
    pub external_id: String,
    /// The leader written to, e.g. `市长`; created when missing, under `org`.
    pub leader_title: String,
    pub leader_name: String,
    /// The organisation's code (统一社会信用代码) written to, or answering.
    pub org: String,
    /// `l1/l2/l3`; when empty, suggested from the text by the category tree (or `其他`).
    pub category: String,
    pub subject: String,
    pub body: String,
    /// The writer as the source shows them (often a pseudonym).
    pub writer: String,
    /// `YYYY-MM-DD HH:MM[:SS]` or `YYYY/M/D H:MM:SS`, China Standard Time.
    pub received_at: String,
    pub reply: String,
    pub replied_at: String,
    /// Publish the Q&A (the source already published it).
    pub publish: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub added: usize,
    pub already_present: usize,
    pub replied: usize,
    pub published: usize,
}

/// Parses a source timestamp given in China Standard Time into UTC.
pub fn parse_cst(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t - chrono::Duration::hours(8));
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t - chrono::Duration::hours(8))
}

/// Imports historical letters idempotently (by `source` + `external_id`), with their real
/// timestamps: the deadline from the site's reply days, the reply's working days, published when
/// asked. Organisations are looked up by code; an unknown code is an error naming the record.
pub fn import(
    conn: &mut AnyConnection,
    key: &DataKey,
    cal: &WorkingCalendar,
    actor: &Actor,
    site_id: Option<i64>,
    records: &[ImportLetter],
) -> Result<ImportSummary> {
    let mut summary = ImportSummary::default();
    let tree = category_tree(conn)?;
    let settings = settings(conn, site_id)?;
    let rules = rules(conn)?;
    // Historical letters cannot be tracked: one random password nobody knows.
    let password_hash = crate::user::hash_password(&random_text(16))?;
    let mut leader_ids: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut org_ids: BTreeMap<String, i64> = BTreeMap::new();
    for (n, r) in records.iter().enumerate() {
        let bad = |m: String| {
            invalid(
                "records",
                format!("record {} ({}): {m}", n + 1, r.external_id),
            )
        };
        if r.source.trim().is_empty() || r.external_id.trim().is_empty() {
            return Err(bad("source and external_id are required".into()));
        }
        let exists: i64 = letters::table
            .filter(letters::source.eq(r.source.trim()))
            .filter(letters::external_id.eq(r.external_id.trim()))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            summary.already_present += 1;
            continue;
        }
        let received_at = parse_cst(&r.received_at)
            .ok_or_else(|| bad(format!("received_at {:?} is not a time", r.received_at)))?;
        let replied_at = if r.reply.trim().is_empty() {
            None
        } else {
            Some(
                parse_cst(&r.replied_at)
                    .ok_or_else(|| bad(format!("replied_at {:?} is not a time", r.replied_at)))?,
            )
        };
        let org_id: i64 = match org_ids.get(r.org.trim()) {
            Some(id) => *id,
            None => {
                let id = organisations::table
                    .filter(organisations::code.eq(r.org.trim()))
                    .select(organisations::id)
                    .first(conn)
                    .optional()?
                    .ok_or_else(|| bad(format!("no organisation with code {:?}", r.org)))?;
                org_ids.insert(r.org.trim().to_string(), id);
                id
            }
        };
        let category = match r.category.trim() {
            "" => tree.suggest(&format!("{} {}", r.subject, r.body)),
            c => Some(CategoryPath::parse(c).map_err(|e| bad(e.to_string()))?),
        }
        .unwrap_or_else(|| CategoryPath::parse("其他").expect("valid"));
        let subject: String = r.subject.trim().chars().take(200).collect();
        if subject.is_empty() {
            return Err(bad("subject is empty".into()));
        }
        let leader_id = if r.leader_title.trim().is_empty() {
            None
        } else {
            let k = (
                r.leader_title.trim().to_string(),
                r.leader_name.trim().to_string(),
            );
            match leader_ids.get(&k) {
                Some(id) => Some(*id),
                None => {
                    let id = ensure_leader(conn, actor, &r.leader_name, &r.leader_title, org_id)?;
                    leader_ids.insert(k, id);
                    Some(id)
                }
            }
        };
        let answering = if leader_id.is_some() {
            route(&rules, &category).unwrap_or(org_id)
        } else {
            org_id
        };
        let received_on = (received_at + chrono::Duration::hours(8)).date();
        let replied_on = replied_at.map(|t| (t + chrono::Duration::hours(8)).date());
        let (due_on, note) = due_for(cal, received_on, settings.reply_days)?;
        let status = if replied_at.is_some() {
            LetterStatus::Replied
        } else if answering != org_id {
            LetterStatus::Routed
        } else {
            LetterStatus::Received
        };
        let writer = Writer {
            name: r.writer.trim().to_string(),
            phone: String::new(),
            email: None,
        };
        let hits = settings
            .watch_words
            .hits(&format!("{}\n{}", r.subject, r.body));
        write_txn(conn, |conn| {
            let code = draw_code(conn, received_at)?;
            let id = insert_letter(
                conn,
                &LetterRow {
                    tracking_code: &code,
                    password_hash: &password_hash,
                    site_id,
                    leader_id,
                    addressed_org_id: org_id,
                    org_id: answering,
                    category: &category.as_code(),
                    subject: &subject,
                    body: r.body.trim(),
                    writer_enc: &key.encrypt(
                        WRITER_FIELD,
                        &serde_json::to_string(&writer).expect("writer serialises"),
                    ),
                    writer_masked: &mask_name(&writer.name),
                    phone_masked: "",
                    publish_consent: r.publish,
                    status,
                    received_at,
                    received_on,
                    due_on,
                    deadline_note: note.as_deref(),
                    watch_hits: &hits.join(" "),
                    source: r.source.trim(),
                    external_id: Some(r.external_id.trim()),
                },
            )?;
            add_event(
                conn,
                actor,
                id,
                "imported",
                Some(org_id),
                &json!({"source": r.source, "external_id": r.external_id}),
                received_at,
            )?;
            if let (Some(at), Some(on)) = (replied_at, replied_on) {
                let days = cal
                    .working_days_between(received_on, on.max(received_on))
                    .ok()
                    .map(|d| d as i32);
                diesel::update(letters::table.find(id))
                    .set((
                        letters::reply.eq(r.reply.trim()),
                        letters::replied_at.eq(at),
                        letters::replied_on.eq(on.max(received_on)),
                        letters::reply_working_days.eq(days),
                    ))
                    .execute(conn)?;
                add_event(
                    conn,
                    actor,
                    id,
                    "reply",
                    Some(answering),
                    &json!({"on": on, "working_days": days}),
                    at,
                )?;
                summary.replied += 1;
                if r.publish {
                    let name = writer.name.as_str();
                    diesel::insert_into(letter_publications::table)
                        .values((
                            letter_publications::letter_id.eq(id),
                            letter_publications::subject.eq(redact(&subject, name)),
                            letter_publications::body.eq(redact(r.body.trim(), name)),
                            letter_publications::reply.eq(redact(r.reply.trim(), name)),
                            letter_publications::published_at.eq(at),
                        ))
                        .execute(conn)?;
                    diesel::update(letters::table.find(id))
                        .set(letters::published_at.eq(at))
                        .execute(conn)?;
                    outbox::push(conn, ENTITY, id, outbox::Op::Upsert)?;
                    summary.published += 1;
                }
            }
            Ok(())
        })?;
        summary.added += 1;
    }
    if summary.added > 0 {
        write_txn(conn, |conn| {
            audit::record(
                conn,
                actor,
                Change {
                    action: "letter.import",
                    entity: ENTITY,
                    entity_id: String::new(),
                    org_id: None,
                    summary: format!(
                        "imported {} letters ({} replied, {} published; {} already present)",
                        summary.added, summary.replied, summary.published, summary.already_present
                    ),
                    before: None,
                    after: None,
                },
            )
        })?;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests;
