//! 政府信息 — catalogue items: drafts, the publishing workflow with 索引号 assignment, versions
//! after publication, placement in columns, related items and interpretations, lists and facets.
//!
//! Every write appends to the audit log and, when the public view changes, to the search outbox,
//! in the same transaction.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::catalogue::{Channel, Genre, Validity, WelfareArea};
use gongkai_domain::index_number::IndexPattern;
use gongkai_domain::item::ItemFields;
use gongkai_domain::workflow::{ItemStatus, WorkflowAction};
use serde::Serialize;

use crate::audit::{self, Actor, Change};
use crate::outbox::{self, Op};
use crate::schema::{item_columns, item_relations, item_versions, items, site_columns, subjects};
use crate::{index_number, page_window, write_txn, AnyConnection, Page, Result, StorageError};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = items)]
pub struct Item {
    pub id: i64,
    pub site_id: i64,
    pub org_id: i64,
    /// 索引号 — set at first publication, never changed.
    pub index_number: Option<String>,
    pub title: String,
    pub summary: String,
    pub body_html: String,
    /// 成文日期
    pub made_on: Option<NaiveDate>,
    /// 发布日期 — first publication.
    pub published_at: Option<NaiveDateTime>,
    pub published_year: Option<i32>,
    /// 文号 as typed; `doc_number_key` is its normalised form for matching.
    pub doc_number: Option<String>,
    pub doc_number_key: Option<String>,
    pub subject_id: Option<i64>,
    pub genre: String,
    pub keywords: String,
    pub validity: String,
    pub valid_from: Option<NaiveDate>,
    pub invalid_from: Option<NaiveDate>,
    pub disclosure_mode: String,
    pub channels: String,
    pub status: String,
    pub scheduled_at: Option<NaiveDateTime>,
    /// Reason of the last rejection, withdrawal or removal.
    pub status_reason: Option<String>,
    pub version: i32,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// 社会公益事业 area code, when the item belongs to one.
    pub welfare_area: Option<String>,
}

impl Item {
    pub fn status(&self) -> ItemStatus {
        self.status.parse().unwrap_or(ItemStatus::Draft)
    }
    pub fn genre(&self) -> Option<Genre> {
        self.genre.parse().ok()
    }
    pub fn validity(&self) -> Option<Validity> {
        self.validity.parse().ok()
    }
    pub fn channels(&self) -> Vec<Channel> {
        self.channels
            .split(',')
            .filter_map(|c| c.parse().ok())
            .collect()
    }
    pub fn welfare_area(&self) -> Option<WelfareArea> {
        self.welfare_area.as_deref().and_then(|a| a.parse().ok())
    }
    pub fn published_on(&self) -> Option<NaiveDate> {
        self.published_at.map(|t| t.date())
    }
}

/// The list view of an item: everything but the body.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = items)]
pub struct ItemSummary {
    pub id: i64,
    pub site_id: i64,
    pub org_id: i64,
    pub index_number: Option<String>,
    pub title: String,
    pub made_on: Option<NaiveDate>,
    pub published_at: Option<NaiveDateTime>,
    pub doc_number: Option<String>,
    pub genre: String,
    pub validity: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub created_by: Option<i64>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = item_versions)]
pub struct ItemVersion {
    pub id: i64,
    pub item_id: i64,
    pub version: i32,
    /// The item as it was (JSON of [`Item`] plus its column ids).
    pub snapshot: String,
    pub change_note: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Relation kinds between items.
pub const RELATED: &str = "related";
/// 政策解读 — `item_id` is the policy, `related_id` its interpretation.
pub const INTERPRETATION: &str = "interpretation";

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Item> {
    items::table
        .find(id)
        .select(Item::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "item",
            id: id.to_string(),
        })
}

pub fn get_by_index_number(conn: &mut AnyConnection, index_number: &str) -> Result<Option<Item>> {
    Ok(items::table
        .filter(items::index_number.eq(index_number.trim()))
        .select(Item::as_select())
        .first(conn)
        .optional()?)
}

/// Published items whose 文号 normalises to `key` (one number can be cited by several items).
pub fn find_by_doc_number_key(conn: &mut AnyConnection, key: &str) -> Result<Vec<ItemSummary>> {
    Ok(items::table
        .filter(items::doc_number_key.eq(key))
        .filter(items::status.eq(ItemStatus::Published.as_str()))
        .select(ItemSummary::as_select())
        .load(conn)?)
}

pub fn column_ids(conn: &mut AnyConnection, item_id: i64) -> Result<Vec<i64>> {
    Ok(item_columns::table
        .filter(item_columns::item_id.eq(item_id))
        .select(item_columns::column_id)
        .load(conn)?)
}

/// Items related to `item_id` by `kind`, in either direction for [`RELATED`]; for
/// [`INTERPRETATION`], the interpretations of a policy and the policy of an interpretation.
pub fn related(conn: &mut AnyConnection, item_id: i64, kind: &str) -> Result<Vec<ItemSummary>> {
    let forward: Vec<i64> = item_relations::table
        .filter(item_relations::item_id.eq(item_id))
        .filter(item_relations::kind.eq(kind))
        .select(item_relations::related_id)
        .load(conn)?;
    let backward: Vec<i64> = item_relations::table
        .filter(item_relations::related_id.eq(item_id))
        .filter(item_relations::kind.eq(kind))
        .select(item_relations::item_id)
        .load(conn)?;
    let ids: Vec<i64> = forward.into_iter().chain(backward).collect();
    Ok(items::table
        .filter(items::id.eq_any(ids))
        .filter(items::status.eq(ItemStatus::Published.as_str()))
        .order(items::published_at.desc())
        .select(ItemSummary::as_select())
        .load(conn)?)
}

/// Links an interpretation to the policy it explains (the policy page lists it; its page links back).
pub fn link_interpretation(
    conn: &mut AnyConnection,
    policy_id: i64,
    interpretation_id: i64,
) -> Result<()> {
    diesel::insert_into(item_relations::table)
        .values((
            item_relations::item_id.eq(policy_id),
            item_relations::related_id.eq(interpretation_id),
            item_relations::kind.eq(INTERPRETATION),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn versions(conn: &mut AnyConnection, item_id: i64) -> Result<Vec<ItemVersion>> {
    Ok(item_versions::table
        .filter(item_versions::item_id.eq(item_id))
        .order(item_versions::version.desc())
        .select(ItemVersion::as_select())
        .load(conn)?)
}

pub fn version(conn: &mut AnyConnection, item_id: i64, version: i32) -> Result<ItemVersion> {
    item_versions::table
        .filter(item_versions::item_id.eq(item_id))
        .filter(item_versions::version.eq(version))
        .select(ItemVersion::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "item version",
            id: format!("{item_id} v{version}"),
        })
}

/// Checks the ids in `fields` exist (subject, columns, related items), as field errors.
fn check_references(conn: &mut AnyConnection, fields: &ItemFields) -> Result<()> {
    let mut e = gongkai_domain::item::FieldErrors::default();
    if let Some(sid) = fields.subject_id {
        let n: i64 = subjects::table.find(sid).count().get_result(conn)?;
        if n == 0 {
            e.add("subject_id", "主题分类不存在");
        }
    }
    let found: i64 = site_columns::table
        .filter(site_columns::id.eq_any(&fields.column_ids))
        .count()
        .get_result(conn)?;
    if found as usize != fields.column_ids.len() {
        e.add("column_ids", "所选栏目不存在");
    }
    let found: i64 = items::table
        .filter(items::id.eq_any(&fields.related_ids))
        .count()
        .get_result(conn)?;
    if found as usize != fields.related_ids.len() {
        e.add("related_ids", "相关信息编号不存在");
    }
    if e.is_empty() {
        Ok(())
    } else {
        Err(StorageError::Invalid(e))
    }
}

fn set_placement(conn: &mut AnyConnection, item_id: i64, fields: &ItemFields) -> Result<()> {
    diesel::delete(item_columns::table.filter(item_columns::item_id.eq(item_id))).execute(conn)?;
    for cid in &fields.column_ids {
        diesel::insert_into(item_columns::table)
            .values((
                item_columns::item_id.eq(item_id),
                item_columns::column_id.eq(cid),
            ))
            .execute(conn)?;
    }
    diesel::delete(
        item_relations::table
            .filter(item_relations::item_id.eq(item_id))
            .filter(item_relations::kind.eq(RELATED)),
    )
    .execute(conn)?;
    for rid in fields.related_ids.iter().filter(|r| **r != item_id) {
        diesel::insert_into(item_relations::table)
            .values((
                item_relations::item_id.eq(item_id),
                item_relations::related_id.eq(rid),
                item_relations::kind.eq(RELATED),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The audit summary of an item's metadata: what changed between two states is visible in the log.
fn audit_state(item: &Item) -> serde_json::Value {
    serde_json::json!({
        "status": item.status,
        "title": item.title,
        "index_number": item.index_number,
        "doc_number": item.doc_number,
        "genre": item.genre,
        "validity": item.validity,
        "invalid_from": item.invalid_from,
        "welfare_area": item.welfare_area,
        "version": item.version,
        "body_chars": item.body_html.chars().count(),
    })
}

fn snapshot(conn: &mut AnyConnection, item: &Item) -> Result<String> {
    let mut v = serde_json::to_value(item).expect("items serialise");
    v["column_ids"] = serde_json::json!(column_ids(conn, item.id)?);
    Ok(v.to_string())
}

fn save_version(conn: &mut AnyConnection, actor: &Actor, item: &Item, note: &str) -> Result<()> {
    let snap = snapshot(conn, item)?;
    diesel::insert_into(item_versions::table)
        .values((
            item_versions::item_id.eq(item.id),
            item_versions::version.eq(item.version),
            item_versions::snapshot.eq(snap),
            item_versions::change_note.eq(note),
            item_versions::created_by.eq(actor.user_id),
            item_versions::created_at.eq(crate::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes the metadata columns of `fields` onto row `id`.
fn write_fields(
    conn: &mut AnyConnection,
    id: i64,
    fields: &ItemFields,
    actor: &Actor,
) -> Result<()> {
    diesel::update(items::table.find(id))
        .set((
            items::title.eq(&fields.title),
            items::summary.eq(&fields.summary),
            items::body_html.eq(&fields.body_html),
            items::made_on.eq(fields.made_on),
            items::doc_number.eq(&fields.doc_number_text),
            items::doc_number_key.eq(fields.doc_number_key()),
            items::subject_id.eq(fields.subject_id),
            items::genre.eq(fields.genre.as_str()),
            items::keywords.eq(fields.keywords.join(" ")),
            items::validity.eq(fields.validity.as_str()),
            items::valid_from.eq(fields.valid_from),
            items::invalid_from.eq(fields.invalid_from),
            items::disclosure_mode.eq(fields.disclosure_mode.as_str()),
            items::channels.eq(fields.channels_text()),
            items::welfare_area.eq(fields.welfare_area.map(|a| a.as_str())),
            items::updated_by.eq(actor.user_id),
            items::updated_at.eq(crate::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Where a new item lives: the site whose editors own it and the organisation that publishes it.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    pub site_id: i64,
    pub org_id: i64,
}

pub fn create_draft(
    conn: &mut AnyConnection,
    actor: &Actor,
    at: Placement,
    fields: &ItemFields,
) -> Result<Item> {
    write_txn(conn, |conn| {
        check_references(conn, fields)?;
        let item = insert_row(conn, actor, at, fields, ItemStatus::Draft)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "item.create",
                entity: "item",
                entity_id: item.id.to_string(),
                org_id: Some(item.org_id),
                summary: format!("drafted 《{}》", item.title),
                before: None,
                after: Some(audit_state(&item)),
            },
        )?;
        Ok(item)
    })
}

fn insert_row(
    conn: &mut AnyConnection,
    actor: &Actor,
    at: Placement,
    fields: &ItemFields,
    status: ItemStatus,
) -> Result<Item> {
    let now = crate::now();
    let id: i64 = diesel::insert_into(items::table)
        .values((
            items::site_id.eq(at.site_id),
            items::org_id.eq(at.org_id),
            items::title.eq(&fields.title),
            items::genre.eq(fields.genre.as_str()),
            items::validity.eq(fields.validity.as_str()),
            items::disclosure_mode.eq(fields.disclosure_mode.as_str()),
            items::status.eq(status.as_str()),
            items::created_by.eq(actor.user_id),
            items::created_at.eq(now),
            items::updated_at.eq(now),
        ))
        .returning(items::id)
        .get_result(conn)?;
    write_fields(conn, id, fields, actor)?;
    set_placement(conn, id, fields)?;
    get(conn, id)
}

/// Edits an item's metadata. Drafts and rejected items change in place; a published item gets a
/// new version with the editor's change note, and its earlier versions stay viewable by staff.
pub fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    fields: &ItemFields,
    change_note: &str,
) -> Result<Item> {
    write_txn(conn, |conn| {
        let before = lock(conn, id)?;
        let status = before.status();
        if !status.is_editable() {
            return Err(StorageError::Conflict(format!(
                "an item that is {} cannot be edited; take it back to draft first",
                status.label_zh()
            )));
        }
        let published = status == ItemStatus::Published;
        if published && change_note.trim().is_empty() {
            let mut e = gongkai_domain::item::FieldErrors::default();
            e.add("change_note", "修改已发布的信息须填写修改说明");
            return Err(StorageError::Invalid(e));
        }
        check_references(conn, fields)?;
        write_fields(conn, id, fields, actor)?;
        set_placement(conn, id, fields)?;
        if published {
            diesel::update(items::table.find(id))
                .set(items::version.eq(items::version + 1))
                .execute(conn)?;
        }
        let after = get(conn, id)?;
        if published {
            save_version(conn, actor, &after, change_note.trim())?;
            outbox::push(conn, "item", id, Op::Upsert)?;
        }
        if before.validity != after.validity {
            // A repeal or expiry is a fact of its own in the log, with its date.
            audit::record(
                conn,
                actor,
                Change {
                    action: "item.validity",
                    entity: "item",
                    entity_id: id.to_string(),
                    org_id: Some(after.org_id),
                    summary: format!(
                        "validity {} → {} from {}",
                        before.validity,
                        after.validity,
                        after
                            .invalid_from
                            .map(|d| d.to_string())
                            .unwrap_or_default()
                    ),
                    before: Some(
                        serde_json::json!({"validity": before.validity, "invalid_from": before.invalid_from}),
                    ),
                    after: Some(
                        serde_json::json!({"validity": after.validity, "invalid_from": after.invalid_from}),
                    ),
                },
            )?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "item.update",
                entity: "item",
                entity_id: id.to_string(),
                org_id: Some(after.org_id),
                summary: if published {
                    format!(
                        "edited 《{}》 → version {}: {}",
                        after.title,
                        after.version,
                        change_note.trim()
                    )
                } else {
                    format!("edited 《{}》", after.title)
                },
                before: Some(audit_state(&before)),
                after: Some(audit_state(&after)),
            },
        )?;
        Ok(after)
    })
}

/// Reads the item while holding its row (PostgreSQL) or the write lock (SQLite), so two staff
/// acting on one item at once are applied one after the other.
fn lock(conn: &mut AnyConnection, id: i64) -> Result<Item> {
    let n = diesel::update(items::table.find(id))
        .set(items::updated_at.eq(items::updated_at))
        .execute(conn)?;
    if n == 0 {
        return Err(StorageError::NotFound {
            what: "item",
            id: id.to_string(),
        });
    }
    get(conn, id)
}

/// Moves an item through the workflow. Publishing for the first time assigns the 索引号 (in the
/// same transaction, so a failed publication returns its number) and records version 1.
pub fn transition(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    action: &WorkflowAction,
    scheduled_at: Option<NaiveDateTime>,
    pattern: &IndexPattern,
) -> Result<Item> {
    write_txn(conn, |conn| {
        let now = crate::now();
        let before = lock(conn, id)?;
        let next = before.status().apply(action)?;
        let reason = match action {
            WorkflowAction::Reject { reason }
            | WorkflowAction::Withdraw { reason }
            | WorkflowAction::Remove { reason } => Some(reason.trim().to_string()),
            _ => None,
        };
        let when = if next == ItemStatus::Scheduled {
            match scheduled_at {
                Some(t) if t > now => Some(t),
                _ => {
                    let mut e = gongkai_domain::item::FieldErrors::default();
                    e.add("scheduled_at", "定时发布时间须晚于现在");
                    return Err(StorageError::Invalid(e));
                }
            }
        } else {
            None
        };
        diesel::update(items::table.find(id))
            .set((
                items::status.eq(next.as_str()),
                items::status_reason.eq(&reason),
                items::scheduled_at.eq(when),
                items::updated_by.eq(actor.user_id),
                items::updated_at.eq(now),
            ))
            .execute(conn)?;
        if next == ItemStatus::Published && before.index_number.is_none() {
            let year = now.year();
            let number = index_number::assign(conn, pattern, before.org_id, year)?;
            diesel::update(items::table.find(id))
                .set((
                    items::index_number.eq(number.as_str()),
                    items::published_at.eq(now),
                    items::published_year.eq(year),
                ))
                .execute(conn)?;
            let first = get(conn, id)?;
            save_version(conn, actor, &first, "首次发布")?;
        }
        match next {
            ItemStatus::Published => outbox::push(conn, "item", id, Op::Upsert)?,
            ItemStatus::Withdrawn | ItemStatus::Removed => {
                outbox::push(conn, "item", id, Op::Delete)?
            }
            _ => {}
        }
        let after = get(conn, id)?;
        audit::record(
            conn,
            actor,
            Change {
                action: &format!("item.{}", action.name()),
                entity: "item",
                entity_id: id.to_string(),
                org_id: Some(after.org_id),
                summary: format!(
                    "{} 《{}》: {} → {}{}",
                    action.name(),
                    after.title,
                    before.status().label_zh(),
                    next.label_zh(),
                    reason.map(|r| format!("（{r}）")).unwrap_or_default()
                ),
                before: Some(audit_state(&before)),
                after: Some(audit_state(&after)),
            },
        )?;
        Ok(after)
    })
}

/// Publishes scheduled items whose time has come; returns their ids.
pub fn publish_due(
    conn: &mut AnyConnection,
    pattern: &IndexPattern,
    now: NaiveDateTime,
) -> Result<Vec<i64>> {
    let due: Vec<i64> = items::table
        .filter(items::status.eq(ItemStatus::Scheduled.as_str()))
        .filter(items::scheduled_at.le(now))
        .select(items::id)
        .load(conn)?;
    let actor = Actor::system("scheduler");
    for id in &due {
        transition(conn, &actor, *id, &WorkflowAction::Publish, None, pattern)?;
    }
    Ok(due)
}

/// An item that was already published elsewhere (an import from an older system, or the demo
/// city): stored as published at `published_at`. Its 索引号 is kept when it has one, otherwise
/// assigned for the year it was published.
pub fn import_published(
    conn: &mut AnyConnection,
    actor: &Actor,
    at: Placement,
    fields: &ItemFields,
    published_at: NaiveDateTime,
    index_number: Option<&str>,
    pattern: &IndexPattern,
) -> Result<Item> {
    write_txn(conn, |conn| {
        let year = published_at.year();
        let number = match index_number {
            Some(n) => {
                if get_by_index_number(conn, n)?.is_some() {
                    let mut e = gongkai_domain::item::FieldErrors::default();
                    e.add("index_number", format!("索引号 {n} 已被使用"));
                    return Err(StorageError::Invalid(e));
                }
                index_number::advance_past(conn, pattern, at.org_id, n.trim())?;
                n.trim().to_string()
            }
            None => index_number::assign(conn, pattern, at.org_id, year)?.into_string(),
        };
        check_references(conn, fields)?;
        let item = insert_row(conn, actor, at, fields, ItemStatus::Published)?;
        diesel::update(items::table.find(item.id))
            .set((
                items::index_number.eq(&number),
                items::published_at.eq(published_at),
                items::published_year.eq(year),
            ))
            .execute(conn)?;
        let item = get(conn, item.id)?;
        save_version(conn, actor, &item, "导入")?;
        outbox::push(conn, "item", item.id, Op::Upsert)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "item.import",
                entity: "item",
                entity_id: item.id.to_string(),
                org_id: Some(item.org_id),
                summary: format!("imported 《{}》 as {number}", item.title),
                before: None,
                after: Some(audit_state(&item)),
            },
        )?;
        Ok(item)
    })
}

/// Order of a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// Newest publication first (public lists).
    #[default]
    Published,
    /// Most recently changed first (staff lists).
    Updated,
}

/// Filters for item lists; every filter is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct ItemQuery {
    pub statuses: Vec<ItemStatus>,
    pub site_id: Option<i64>,
    pub column_id: Option<i64>,
    /// Limit to these organisations (a role's scope, or a catalogue's organisation filter with its children).
    pub org_ids: Option<Vec<i64>>,
    pub genre: Option<String>,
    pub subject_id: Option<i64>,
    pub year: Option<i32>,
    pub validity: Option<String>,
    /// 社会公益事业 area code.
    pub welfare_area: Option<String>,
    pub title_contains: Option<String>,
    pub created_by: Option<i64>,
    pub order: Order,
    pub page: i64,
    pub per_page: i64,
}

impl ItemQuery {
    /// What the public may list: published items.
    pub fn public() -> ItemQuery {
        ItemQuery {
            statuses: vec![ItemStatus::Published],
            page: 1,
            per_page: 20,
            ..Default::default()
        }
    }

    /// The filtered query in the list's order (newest first; ties by id so pages are stable).
    fn ordered(
        &self,
    ) -> items::BoxedQuery<'static, <AnyConnection as diesel::Connection>::Backend> {
        match self.order {
            Order::Published => self
                .boxed()
                .order((items::published_at.desc(), items::id.desc())),
            Order::Updated => self
                .boxed()
                .order((items::updated_at.desc(), items::id.desc())),
        }
    }

    fn boxed(&self) -> items::BoxedQuery<'static, <AnyConnection as diesel::Connection>::Backend> {
        filtered!(items::table.into_boxed(), self)
    }
}

/// Applies an [`ItemQuery`]'s filters to any boxed query over `items` (plain, or grouped for facets).
macro_rules! filtered {
    ($query:expr, $q:expr) => {{
        let q: &ItemQuery = $q;
        let mut query = $query;
        if !q.statuses.is_empty() {
            query = query.filter(
                items::status.eq_any(q.statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            );
        }
        if let Some(s) = q.site_id {
            query = query.filter(items::site_id.eq(s));
        }
        if let Some(c) = q.column_id {
            query = query.filter(
                items::id.eq_any(
                    item_columns::table
                        .filter(item_columns::column_id.eq(c))
                        .select(item_columns::item_id),
                ),
            );
        }
        if let Some(ids) = &q.org_ids {
            query = query.filter(items::org_id.eq_any(ids.clone()));
        }
        if let Some(g) = &q.genre {
            query = query.filter(items::genre.eq(g.clone()));
        }
        if let Some(s) = q.subject_id {
            query = query.filter(items::subject_id.eq(s));
        }
        if let Some(y) = q.year {
            query = query.filter(items::published_year.eq(y));
        }
        if let Some(v) = &q.validity {
            query = query.filter(items::validity.eq(v.clone()));
        }
        if let Some(a) = &q.welfare_area {
            query = query.filter(items::welfare_area.eq(a.clone()));
        }
        if let Some(t) = &q.title_contains {
            let escaped = t
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            query = query.filter(items::title.like(format!("%{escaped}%")).escape('\\'));
        }
        if let Some(u) = q.created_by {
            query = query.filter(items::created_by.eq(u));
        }
        query
    }};
}
use filtered;

pub fn list(conn: &mut AnyConnection, q: &ItemQuery) -> Result<Page<ItemSummary>> {
    let (page, per_page, offset) = page_window(q.page, q.per_page, 100);
    let total: i64 = q.boxed().count().get_result(conn)?;
    let ordered = q.ordered();
    let rows = ordered
        .limit(per_page)
        .offset(offset)
        .select(ItemSummary::as_select())
        .load(conn)?;
    Ok(Page {
        rows,
        total,
        page,
        per_page,
    })
}

/// The first page of a list without counting the whole list: what home pages and column boxes
/// need (the COUNT is most of the cost of a small list over a large catalogue).
pub fn latest(conn: &mut AnyConnection, q: &ItemQuery) -> Result<Vec<ItemSummary>> {
    let (_, per_page, _) = page_window(1, q.per_page, 100);
    let ordered = q.ordered();
    Ok(ordered
        .limit(per_page)
        .select(ItemSummary::as_select())
        .load(conn)?)
}

/// A catalogue dimension counted for facets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Org,
    Subject,
    Genre,
    Year,
    Validity,
    WelfareArea,
}

/// Counts of the items matching `q`, grouped by `facet`, largest first. Keys are strings (ids as text).
pub fn facet_counts(
    conn: &mut AnyConnection,
    q: &ItemQuery,
    facet: Facet,
) -> Result<Vec<(String, i64)>> {
    use diesel::dsl::count_star;
    macro_rules! grouped {
        ($col:expr) => {
            filtered!(
                items::table
                    .group_by($col)
                    .select(($col, count_star()))
                    .into_boxed(),
                q
            )
        };
    }
    let mut out: Vec<(String, i64)> = match facet {
        Facet::Org => grouped!(items::org_id)
            .load::<(i64, i64)>(conn)?
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .collect(),
        Facet::Subject => grouped!(items::subject_id)
            .load::<(Option<i64>, i64)>(conn)?
            .into_iter()
            .filter_map(|(k, n)| Some((k?.to_string(), n)))
            .collect(),
        Facet::Genre => grouped!(items::genre).load(conn)?,
        Facet::Validity => grouped!(items::validity).load(conn)?,
        Facet::WelfareArea => grouped!(items::welfare_area)
            .load::<(Option<String>, i64)>(conn)?
            .into_iter()
            .filter_map(|(k, n)| Some((k?, n)))
            .collect(),
        Facet::Year => grouped!(items::published_year)
            .load::<(Option<i32>, i64)>(conn)?
            .into_iter()
            .filter_map(|(k, n)| Some((k?.to_string(), n)))
            .collect(),
    };
    if facet == Facet::Year {
        out.sort_by(|a, b| b.0.cmp(&a.0));
    } else {
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    Ok(out)
}

/// (id, last change) of published items, newest first, at most `limit`: for the sitemap.
pub fn public_changes(conn: &mut AnyConnection, limit: i64) -> Result<Vec<(i64, NaiveDateTime)>> {
    Ok(items::table
        .filter(items::status.eq(ItemStatus::Published.as_str()))
        .order(items::updated_at.desc())
        .limit(limit)
        .select((items::id, items::updated_at))
        .load(conn)?)
}

/// Ids of every published item, for rebuilding the search index.
pub fn public_ids(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    Ok(items::table
        .filter(items::status.eq(ItemStatus::Published.as_str()))
        .order(items::id.asc())
        .select(items::id)
        .load(conn)?)
}

/// Items by id (any status), in no particular order: used by search sync and exports in batches.
pub fn get_many(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Item>> {
    Ok(items::table
        .filter(items::id.eq_any(ids))
        .select(Item::as_select())
        .load(conn)?)
}

/// All column placements of the given items, as (item_id, column_id).
pub fn placements(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    Ok(item_columns::table
        .filter(item_columns::item_id.eq_any(ids))
        .select((item_columns::item_id, item_columns::column_id))
        .load(conn)?)
}

#[cfg(test)]
mod tests;
