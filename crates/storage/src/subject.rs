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
pub fn ensure(conn: &mut AnyConnection, parent_id: Option<i64>, code: &str, name: &str) -> Result<Subject> {
    if let Some(s) = subjects::table.filter(subjects::code.eq(code)).select(Subject::as_select()).first(conn).optional()? {
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
    Ok(subjects::table.filter(subjects::code.eq(code)).select(Subject::as_select()).first(conn)?)
}

pub fn all(conn: &mut AnyConnection) -> Result<Vec<Subject>> {
    Ok(subjects::table.order(subjects::position.asc()).select(Subject::as_select()).load(conn)?)
}
