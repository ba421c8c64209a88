//! 重大项目 — major projects and the catalogue items filed under each of their eight kinds of
//! information. The public sees a project's published items only; staff file any item of an
//! organisation they edit for.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::major_project::{ProjectInfoKind, ValidProject};
use gongkai_domain::workflow::ItemStatus;
use serde::Serialize;

use crate::audit::{self, Actor, Change};
use crate::item::ItemSummary;
use crate::schema::{items, major_project_items, major_projects};
use crate::{write_txn, AnyConnection, Result, StorageError};

/// The audit entity of projects.
pub const ENTITY: &str = "major_project";

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = major_projects)]
pub struct Project {
    pub id: i64,
    pub name: String,
    /// 项目代码 — unique.
    pub code: String,
    /// The organisation in charge (项目主管单位); its editors file the project's items.
    pub org_id: i64,
    pub summary: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn invalid(field: &str, message: impl Into<String>) -> StorageError {
    let mut e = FieldErrors::default();
    e.add(field, message);
    StorageError::Invalid(e)
}

fn code_taken(conn: &mut AnyConnection, code: &str, except: Option<i64>) -> Result<bool> {
    let other: Option<i64> = major_projects::table
        .filter(major_projects::code.eq(code))
        .select(major_projects::id)
        .first(conn)
        .optional()?;
    Ok(other.is_some_and(|id| Some(id) != except))
}

pub fn create(conn: &mut AnyConnection, actor: &Actor, v: &ValidProject) -> Result<Project> {
    write_txn(conn, |conn| {
        if code_taken(conn, &v.code, None)? {
            return Err(invalid("code", format!("项目代码 {} 已登记", v.code)));
        }
        let now = crate::now();
        let id: i64 = diesel::insert_into(major_projects::table)
            .values((
                major_projects::name.eq(&v.name),
                major_projects::code.eq(&v.code),
                major_projects::org_id.eq(v.org_id),
                major_projects::summary.eq(&v.summary),
                major_projects::created_at.eq(now),
                major_projects::updated_at.eq(now),
            ))
            .returning(major_projects::id)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "major_project.create",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(v.org_id),
                summary: format!("registered major project {} {}", v.code, v.name),
                before: None,
                after: Some(serde_json::json!({"code": v.code, "name": v.name})),
            },
        )?;
        get(conn, id)
    })
}

pub fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    v: &ValidProject,
) -> Result<Project> {
    write_txn(conn, |conn| {
        let before = get(conn, id)?;
        if code_taken(conn, &v.code, Some(id))? {
            return Err(invalid("code", format!("项目代码 {} 已登记", v.code)));
        }
        diesel::update(major_projects::table.find(id))
            .set((
                major_projects::name.eq(&v.name),
                major_projects::code.eq(&v.code),
                major_projects::org_id.eq(v.org_id),
                major_projects::summary.eq(&v.summary),
                major_projects::updated_at.eq(crate::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "major_project.update",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(v.org_id),
                summary: format!("edited major project {} {}", v.code, v.name),
                before: Some(
                    serde_json::json!({"code": before.code, "name": before.name, "org_id": before.org_id}),
                ),
                after: Some(
                    serde_json::json!({"code": v.code, "name": v.name, "org_id": v.org_id}),
                ),
            },
        )?;
        get(conn, id)
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Project> {
    major_projects::table
        .find(id)
        .select(Project::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "major project",
            id: id.to_string(),
        })
}

/// Projects, newest first; `org_ids` limits them to these organisations (a role's scope).
pub fn list(conn: &mut AnyConnection, org_ids: Option<&[i64]>) -> Result<Vec<Project>> {
    let mut q = major_projects::table
        .select(Project::as_select())
        .order((major_projects::created_at.desc(), major_projects::id.desc()))
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(major_projects::org_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(conn)?)
}

/// Files item `item_id` under `kind` of project `project_id`. Filing it twice is a no-op.
pub fn link(
    conn: &mut AnyConnection,
    actor: &Actor,
    project_id: i64,
    item_id: i64,
    kind: ProjectInfoKind,
) -> Result<()> {
    write_txn(conn, |conn| {
        let p = get(conn, project_id)?;
        let item = crate::item::get(conn, item_id).map_err(|e| match e {
            StorageError::NotFound { .. } => {
                invalid("item_id", format!("编号为 {item_id} 的信息不存在"))
            }
            e => e,
        })?;
        if item.status() == ItemStatus::Removed {
            return Err(invalid("item_id", "已删除的信息不能归入项目"));
        }
        let exists: i64 = major_project_items::table
            .filter(major_project_items::project_id.eq(project_id))
            .filter(major_project_items::item_id.eq(item_id))
            .filter(major_project_items::kind.eq(kind.as_str()))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Ok(());
        }
        diesel::insert_into(major_project_items::table)
            .values((
                major_project_items::project_id.eq(project_id),
                major_project_items::item_id.eq(item_id),
                major_project_items::kind.eq(kind.as_str()),
                major_project_items::created_at.eq(crate::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "major_project.link",
                entity: ENTITY,
                entity_id: project_id.to_string(),
                org_id: Some(p.org_id),
                summary: format!(
                    "filed 《{}》 under {} of {}",
                    item.title,
                    kind.label_zh(),
                    p.name
                ),
                before: None,
                after: Some(serde_json::json!({"item_id": item_id, "kind": kind.as_str()})),
            },
        )
    })
}

/// Takes item `item_id` out of `kind` of project `project_id`.
pub fn unlink(
    conn: &mut AnyConnection,
    actor: &Actor,
    project_id: i64,
    item_id: i64,
    kind: ProjectInfoKind,
) -> Result<()> {
    write_txn(conn, |conn| {
        let p = get(conn, project_id)?;
        let n = diesel::delete(
            major_project_items::table
                .filter(major_project_items::project_id.eq(project_id))
                .filter(major_project_items::item_id.eq(item_id))
                .filter(major_project_items::kind.eq(kind.as_str())),
        )
        .execute(conn)?;
        if n == 0 {
            return Err(StorageError::NotFound {
                what: "major project item",
                id: format!("{project_id}/{item_id}/{kind}"),
            });
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "major_project.unlink",
                entity: ENTITY,
                entity_id: project_id.to_string(),
                org_id: Some(p.org_id),
                summary: format!(
                    "took item {item_id} out of {} of {}",
                    kind.label_zh(),
                    p.name
                ),
                before: Some(serde_json::json!({"item_id": item_id, "kind": kind.as_str()})),
                after: None,
            },
        )
    })
}

/// A project's items by kind, every kind present (empty lists for the empty kinds), in the
/// order of [`ProjectInfoKind::ALL`]; within a kind newest first. `public` keeps published
/// items only.
pub fn items_by_kind(
    conn: &mut AnyConnection,
    project_id: i64,
    public: bool,
) -> Result<Vec<(ProjectInfoKind, Vec<ItemSummary>)>> {
    let mut q = major_project_items::table
        .inner_join(items::table)
        .filter(major_project_items::project_id.eq(project_id))
        .select((major_project_items::kind, ItemSummary::as_select()))
        .order((items::published_at.desc(), items::id.desc()))
        .into_boxed();
    if public {
        q = q.filter(items::status.eq(ItemStatus::Published.as_str()));
    }
    let rows: Vec<(String, ItemSummary)> = q.load(conn)?;
    let mut by_kind: BTreeMap<ProjectInfoKind, Vec<ItemSummary>> =
        ProjectInfoKind::ALL.iter().map(|k| (*k, vec![])).collect();
    for (kind, item) in rows {
        if let Ok(k) = kind.parse::<ProjectInfoKind>() {
            by_kind.entry(k).or_default().push(item);
        }
    }
    Ok(by_kind.into_iter().collect())
}

/// Published items per kind for each of `project_ids`: what the project list shows.
pub fn filled_kinds(
    conn: &mut AnyConnection,
    project_ids: &[i64],
) -> Result<HashMap<i64, Vec<ProjectInfoKind>>> {
    let rows: Vec<(i64, String)> = major_project_items::table
        .inner_join(items::table)
        .filter(major_project_items::project_id.eq_any(project_ids.to_vec()))
        .filter(items::status.eq(ItemStatus::Published.as_str()))
        .select((major_project_items::project_id, major_project_items::kind))
        .distinct()
        .load(conn)?;
    let mut out: HashMap<i64, Vec<ProjectInfoKind>> = HashMap::new();
    for (p, kind) in rows {
        if let Ok(k) = kind.parse() {
            out.entry(p).or_default().push(k);
        }
    }
    Ok(out)
}

/// The projects (and kinds) an item is filed under: the item page names them.
pub fn of_item(conn: &mut AnyConnection, item_id: i64) -> Result<Vec<(Project, ProjectInfoKind)>> {
    let rows: Vec<(String, Project)> = major_project_items::table
        .inner_join(major_projects::table)
        .filter(major_project_items::item_id.eq(item_id))
        .select((major_project_items::kind, Project::as_select()))
        .order(major_projects::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, p)| Some((p, k.parse().ok()?)))
        .collect())
}

/// 重大项目信息 of `year`: published items filed under each kind, counted by the item's
/// publication year. An item filed under two kinds counts once in each; the total is the sum of
/// the kinds (so it counts filings, not distinct items).
pub fn counts(conn: &mut AnyConnection, year: i32) -> Result<Vec<(ProjectInfoKind, i64)>> {
    let rows: Vec<(String, i64)> = major_project_items::table
        .inner_join(items::table)
        .filter(items::status.eq(ItemStatus::Published.as_str()))
        .filter(items::published_year.eq(year))
        .group_by(major_project_items::kind)
        .select((major_project_items::kind, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(ProjectInfoKind::ALL
        .iter()
        .map(|k| {
            (
                *k,
                rows.iter()
                    .filter(|(c, _)| c == k.as_str())
                    .map(|(_, n)| n)
                    .sum(),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests;
