//! 主题分类 — the catalogue's configurable subject-category tree.

use diesel::prelude::*;
use serde::Serialize;

use crate::schema::subjects;
use crate::{AnyConnection, Result};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = subjects)]
pub struct Subject {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub position: i32,
}

/// Creates the subject unless one with `code` exists; returns it either way (seeding is idempotent).
pub fn ensure(
    conn: &mut AnyConnection,
    parent_id: Option<i64>,
    code: &str,
    name: &str,
) -> Result<Subject> {
    if let Some(s) = subjects::table
        .filter(subjects::code.eq(code))
        .select(Subject::as_select())
        .first(conn)
        .optional()?
    {
        return Ok(s);
    }
    let position: i64 = subjects::table.count().get_result(conn)?;
    diesel::insert_into(subjects::table)
        .values((
            subjects::parent_id.eq(parent_id),
            subjects::code.eq(code),
            subjects::name.eq(name),
            subjects::position.eq(position as i32),
        ))
        .execute(conn)?;
    Ok(subjects::table
        .filter(subjects::code.eq(code))
        .select(Subject::as_select())
        .first(conn)?)
}

/// Adds a subject category as staff do it: the code must be new, the parent must exist; audited.
pub fn create(
    conn: &mut AnyConnection,
    actor: &crate::Actor,
    parent_id: Option<i64>,
    code: &str,
    name: &str,
) -> Result<Subject> {
    let mut e = gongkai_domain::item::FieldErrors::default();
    let code = code.trim();
    let name = name.trim();
    if code.is_empty()
        || code.len() > 20
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        e.add("code", "代码为 1 到 20 位字母、数字、点或连字符");
    }
    if name.is_empty() || name.chars().count() > 50 {
        e.add("name", "名称必填，且不超过 50 个字");
    }
    if !e.is_empty() {
        return Err(crate::StorageError::Invalid(e));
    }
    crate::write_txn(conn, |conn| {
        if subjects::table
            .filter(subjects::code.eq(code))
            .count()
            .get_result::<i64>(conn)?
            > 0
        {
            let mut e = gongkai_domain::item::FieldErrors::default();
            e.add("code", "该代码已存在");
            return Err(crate::StorageError::Invalid(e));
        }
        if let Some(p) = parent_id {
            if subjects::table.find(p).count().get_result::<i64>(conn)? == 0 {
                let mut e = gongkai_domain::item::FieldErrors::default();
                e.add("parent_id", "上级分类不存在");
                return Err(crate::StorageError::Invalid(e));
            }
        }
        let s = ensure(conn, parent_id, code, name)?;
        crate::audit::record(
            conn,
            actor,
            crate::audit::Change {
                action: "subject.create",
                entity: "subject",
                entity_id: s.id.to_string(),
                org_id: None,
                summary: format!("added subject category {name} ({code})"),
                before: None,
                after: None,
            },
        )?;
        Ok(s)
    })
}

pub fn all(conn: &mut AnyConnection) -> Result<Vec<Subject>> {
    Ok(subjects::table
        .order(subjects::position.asc())
        .select(Subject::as_select())
        .load(conn)?)
}
