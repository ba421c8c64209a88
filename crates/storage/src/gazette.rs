//! 政府公报 — gazette issues and their tables of contents. Staff compose a draft issue from
//! catalogue items; it is published only when every item it carries is published, and its
//! contents are fixed from then on. Items know the issues that carried them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::gazette::{check_publishable, issue_label, ValidIssue};
use gongkai_domain::item::FieldErrors;
use gongkai_domain::workflow::ItemStatus;
use serde::Serialize;

use crate::audit::{self, Actor, Change};
use crate::item::ItemSummary;
use crate::schema::{gazette_entries, gazette_issues, items};
use crate::{write_txn, AnyConnection, Result, StorageError};

/// The audit and outbox entity of issues.
pub const ENTITY: &str = "gazette";
pub const DRAFT: &str = "draft";
pub const PUBLISHED: &str = "published";

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = gazette_issues)]
pub struct Issue {
    pub id: i64,
    pub year: i32,
    /// 期号 within the year.
    pub number: i32,
    pub issued_on: NaiveDate,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Issue {
    pub fn label(&self) -> String {
        issue_label(self.year, self.number)
    }
    pub fn is_published(&self) -> bool {
        self.status == PUBLISHED
    }
}

fn invalid(field: &str, message: impl Into<String>) -> StorageError {
    let mut e = FieldErrors::default();
    e.add(field, message);
    StorageError::Invalid(e)
}

fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    issue: &Issue,
    summary: String,
    after: serde_json::Value,
) -> Result<()> {
    audit::record(
        conn,
        actor,
        Change {
            action,
            entity: ENTITY,
            entity_id: issue.id.to_string(),
            org_id: None,
            summary,
            before: None,
            after: Some(after),
        },
    )
}

pub fn create(conn: &mut AnyConnection, actor: &Actor, v: &ValidIssue) -> Result<Issue> {
    write_txn(conn, |conn| {
        let taken: i64 = gazette_issues::table
            .filter(gazette_issues::year.eq(v.year))
            .filter(gazette_issues::number.eq(v.number))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(invalid(
                "number",
                format!("{}已存在", issue_label(v.year, v.number)),
            ));
        }
        let now = crate::now();
        let id: i64 = diesel::insert_into(gazette_issues::table)
            .values((
                gazette_issues::year.eq(v.year),
                gazette_issues::number.eq(v.number),
                gazette_issues::issued_on.eq(v.issued_on),
                gazette_issues::status.eq(DRAFT),
                gazette_issues::created_at.eq(now),
                gazette_issues::updated_at.eq(now),
            ))
            .returning(gazette_issues::id)
            .get_result(conn)?;
        let issue = get(conn, id)?;
        record(
            conn,
            actor,
            "gazette.create",
            &issue,
            format!("gazette {}", issue.label()),
            serde_json::json!({"year": v.year, "number": v.number}),
        )?;
        Ok(issue)
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Issue> {
    gazette_issues::table
        .find(id)
        .select(Issue::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "gazette issue",
            id: id.to_string(),
        })
}

pub fn find(conn: &mut AnyConnection, year: i32, number: i32) -> Result<Option<Issue>> {
    Ok(gazette_issues::table
        .filter(gazette_issues::year.eq(year))
        .filter(gazette_issues::number.eq(number))
        .select(Issue::as_select())
        .first(conn)
        .optional()?)
}

/// Issues, newest first; `published_only` for the public archive; `year` to one year.
pub fn list(
    conn: &mut AnyConnection,
    year: Option<i32>,
    published_only: bool,
) -> Result<Vec<Issue>> {
    let mut q = gazette_issues::table
        .select(Issue::as_select())
        .order((gazette_issues::year.desc(), gazette_issues::number.desc()))
        .into_boxed();
    if let Some(y) = year {
        q = q.filter(gazette_issues::year.eq(y));
    }
    if published_only {
        q = q.filter(gazette_issues::status.eq(PUBLISHED));
    }
    Ok(q.load(conn)?)
}

/// Years with published issues and how many, newest first: the archive's index.
pub fn years(conn: &mut AnyConnection) -> Result<Vec<(i32, i64)>> {
    Ok(gazette_issues::table
        .filter(gazette_issues::status.eq(PUBLISHED))
        .group_by(gazette_issues::year)
        .select((gazette_issues::year, diesel::dsl::count_star()))
        .order(gazette_issues::year.desc())
        .load(conn)?)
}

fn draft(conn: &mut AnyConnection, id: i64) -> Result<Issue> {
    let issue = get(conn, id)?;
    if issue.is_published() {
        return Err(StorageError::Conflict(format!(
            "{}已发布，目录不能再修改",
            issue.label()
        )));
    }
    Ok(issue)
}

/// The contents of an issue in print order (position), with each item's list view.
pub fn entries(conn: &mut AnyConnection, issue_id: i64) -> Result<Vec<ItemSummary>> {
    Ok(gazette_entries::table
        .inner_join(items::table)
        .filter(gazette_entries::issue_id.eq(issue_id))
        .order(gazette_entries::position)
        .select(ItemSummary::as_select())
        .load(conn)?)
}

fn positions(conn: &mut AnyConnection, issue_id: i64) -> Result<Vec<(i64, i32)>> {
    Ok(gazette_entries::table
        .filter(gazette_entries::issue_id.eq(issue_id))
        .order(gazette_entries::position)
        .select((gazette_entries::item_id, gazette_entries::position))
        .load(conn)?)
}

/// Adds an item at the end of a draft issue's contents.
pub fn add_entry(
    conn: &mut AnyConnection,
    actor: &Actor,
    issue_id: i64,
    item_id: i64,
) -> Result<()> {
    write_txn(conn, |conn| {
        let issue = draft(conn, issue_id)?;
        let item = crate::item::get(conn, item_id).map_err(|e| match e {
            StorageError::NotFound { .. } => {
                invalid("item_id", format!("编号为 {item_id} 的信息不存在"))
            }
            e => e,
        })?;
        if item.status() == ItemStatus::Removed {
            return Err(invalid("item_id", "已删除的信息不能刊载"));
        }
        let current = positions(conn, issue_id)?;
        if current.iter().any(|(i, _)| *i == item_id) {
            return Err(invalid(
                "item_id",
                format!("《{}》已在本期目录中", item.title),
            ));
        }
        let next = current.iter().map(|(_, p)| *p).max().unwrap_or(0) + 1;
        diesel::insert_into(gazette_entries::table)
            .values((
                gazette_entries::issue_id.eq(issue_id),
                gazette_entries::item_id.eq(item_id),
                gazette_entries::position.eq(next),
            ))
            .execute(conn)?;
        record(
            conn,
            actor,
            "gazette.add",
            &issue,
            format!("added 《{}》 to gazette {}", item.title, issue.label()),
            serde_json::json!({"item_id": item_id, "position": next}),
        )
    })
}

pub fn remove_entry(
    conn: &mut AnyConnection,
    actor: &Actor,
    issue_id: i64,
    item_id: i64,
) -> Result<()> {
    write_txn(conn, |conn| {
        let issue = draft(conn, issue_id)?;
        let n = diesel::delete(
            gazette_entries::table
                .filter(gazette_entries::issue_id.eq(issue_id))
                .filter(gazette_entries::item_id.eq(item_id)),
        )
        .execute(conn)?;
        if n == 0 {
            return Err(StorageError::NotFound {
                what: "gazette entry",
                id: format!("{issue_id}/{item_id}"),
            });
        }
        record(
            conn,
            actor,
            "gazette.remove",
            &issue,
            format!("took item {item_id} out of gazette {}", issue.label()),
            serde_json::json!({"item_id": item_id}),
        )
    })
}

/// Moves an entry one place up (earlier) or down; at either end it stays.
pub fn move_entry(
    conn: &mut AnyConnection,
    actor: &Actor,
    issue_id: i64,
    item_id: i64,
    up: bool,
) -> Result<()> {
    write_txn(conn, |conn| {
        let issue = draft(conn, issue_id)?;
        let current = positions(conn, issue_id)?;
        let Some(at) = current.iter().position(|(i, _)| *i == item_id) else {
            return Err(StorageError::NotFound {
                what: "gazette entry",
                id: format!("{issue_id}/{item_id}"),
            });
        };
        let other = if up {
            at.checked_sub(1)
        } else {
            Some(at + 1).filter(|o| *o < current.len())
        };
        let Some(other) = other else { return Ok(()) };
        let (a, pa) = current[at];
        let (b, pb) = current[other];
        for (item, pos) in [(a, pb), (b, pa)] {
            diesel::update(
                gazette_entries::table
                    .filter(gazette_entries::issue_id.eq(issue_id))
                    .filter(gazette_entries::item_id.eq(item)),
            )
            .set(gazette_entries::position.eq(pos))
            .execute(conn)?;
        }
        record(
            conn,
            actor,
            "gazette.move",
            &issue,
            format!(
                "moved item {item_id} {} in gazette {}",
                if up { "up" } else { "down" },
                issue.label()
            ),
            serde_json::json!({"item_id": item_id, "up": up}),
        )
    })
}

/// Publishes a draft issue; refused (a field error on `contents`) while any item it carries is
/// not published.
pub fn publish(conn: &mut AnyConnection, actor: &Actor, issue_id: i64) -> Result<Issue> {
    write_txn(conn, |conn| {
        let issue = draft(conn, issue_id)?;
        let rows = entries(conn, issue_id)?;
        let check: Vec<(String, bool)> = rows
            .iter()
            .map(|i| (i.title.clone(), i.status == ItemStatus::Published.as_str()))
            .collect();
        check_publishable(&check).map_err(|m| invalid("contents", m))?;
        let now = crate::now();
        diesel::update(gazette_issues::table.find(issue_id))
            .set((
                gazette_issues::status.eq(PUBLISHED),
                gazette_issues::published_at.eq(now),
                gazette_issues::updated_at.eq(now),
            ))
            .execute(conn)?;
        crate::outbox::push(conn, ENTITY, issue_id, crate::outbox::Op::Upsert)?;
        record(
            conn,
            actor,
            "gazette.publish",
            &issue,
            format!("published gazette {} ({} items)", issue.label(), rows.len()),
            serde_json::json!({"items": rows.iter().map(|i| i.id).collect::<Vec<_>>()}),
        )?;
        get(conn, issue_id)
    })
}

/// The published issues that carried an item, oldest first.
pub fn issues_of_item(conn: &mut AnyConnection, item_id: i64) -> Result<Vec<Issue>> {
    Ok(gazette_entries::table
        .inner_join(gazette_issues::table)
        .filter(gazette_entries::item_id.eq(item_id))
        .filter(gazette_issues::status.eq(PUBLISHED))
        .order((gazette_issues::year, gazette_issues::number))
        .select(Issue::as_select())
        .load(conn)?)
}

/// 政府公报 of `year`: published issues dated in `year`, and the items they carried (an item
/// carried by two issues counts twice). Both are counted from the issues' rows.
pub fn counts(conn: &mut AnyConnection, year: i32) -> Result<(i64, i64)> {
    let issues: i64 = gazette_issues::table
        .filter(gazette_issues::year.eq(year))
        .filter(gazette_issues::status.eq(PUBLISHED))
        .count()
        .get_result(conn)?;
    let carried: i64 = gazette_entries::table
        .inner_join(gazette_issues::table)
        .filter(gazette_issues::year.eq(year))
        .filter(gazette_issues::status.eq(PUBLISHED))
        .count()
        .get_result(conn)?;
    Ok((issues, carried))
}

#[cfg(test)]
mod tests;
