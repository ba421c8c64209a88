//! 单位 — the organisation tree (city government → departments; counties → their departments).

use chrono::Utc;
use diesel::prelude::*;
use gongkai_domain::org::{OrgCode, OrgKind, OrgLevel};

use crate::schema::organisations;
use crate::{AnyConnection, Result, StorageError};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// Materialised path (`/1/7/`): "this organisation or its children" is a prefix test.
    pub path: String,
    pub name: String,
    pub short_name: String,
    pub code: String,
    pub level: String,
    pub kind: String,
}

/// What a new organisation needs; codes and levels arrive already validated as domain types.
pub struct NewOrganisation<'a> {
    pub parent_id: Option<i64>,
    pub name: &'a str,
    pub short_name: &'a str,
    pub code: &'a OrgCode,
    pub level: OrgLevel,
    pub kind: OrgKind,
}

pub fn create(conn: &mut AnyConnection, new: &NewOrganisation<'_>) -> Result<Organisation> {
    conn.transaction(|conn| {
        let parent_path = match new.parent_id {
            Some(pid) => get(conn, pid)?.path,
            None => "/".to_string(),
        };
        let id: i64 = diesel::insert_into(organisations::table)
            .values((
                organisations::parent_id.eq(new.parent_id),
                organisations::name.eq(new.name),
                organisations::short_name.eq(new.short_name),
                organisations::code.eq(new.code.as_str()),
                organisations::level.eq(new.level.as_str()),
                organisations::kind.eq(new.kind.as_str()),
                organisations::created_at.eq(Utc::now().naive_utc()),
            ))
            .returning(organisations::id)
            .get_result(conn)
            .map_err(|e| match e {
                // Codes are unique (the table's constraint decides, so two racing creations
                // cannot both pass a check made beforehand).
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => {
                    let mut errors = gongkai_domain::item::FieldErrors::default();
                    errors.add("code", "该代码已被使用");
                    StorageError::Invalid(errors)
                }
                other => other.into(),
            })?;
        // The path includes the row's own id, known only after the insert.
        diesel::update(organisations::table.find(id))
            .set(organisations::path.eq(format!("{parent_path}{id}/")))
            .execute(conn)?;
        get(conn, id)
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Organisation> {
    organisations::table
        .find(id)
        .select(Organisation::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "organisation",
            id: id.to_string(),
        })
}

/// Every organisation, in tree order.
pub fn all(conn: &mut AnyConnection) -> Result<Vec<Organisation>> {
    Ok(organisations::table
        .order(organisations::path.asc())
        .select(Organisation::as_select())
        .load(conn)?)
}

pub fn by_code(conn: &mut AnyConnection, code: &str) -> Result<Option<Organisation>> {
    Ok(organisations::table
        .filter(organisations::code.eq(code))
        .select(Organisation::as_select())
        .first(conn)
        .optional()?)
}

/// The organisation and everything below it, in tree order.
pub fn subtree(conn: &mut AnyConnection, root: &Organisation) -> Result<Vec<Organisation>> {
    Ok(organisations::table
        .filter(organisations::path.like(format!("{}%", root.path)))
        .order(organisations::path.asc())
        .select(Organisation::as_select())
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::on_both;
    use gongkai_domain::org::org_code_with_check;

    #[test]
    fn tree_paths_scope_children() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let city = create(
                &mut c,
                &NewOrganisation {
                    parent_id: None,
                    name: "示范市人民政府",
                    short_name: "市政府",
                    code: &org_code_with_check("00001434"),
                    level: OrgLevel::City,
                    kind: OrgKind::Government,
                },
            )
            .unwrap();
            let dept = create(
                &mut c,
                &NewOrganisation {
                    parent_id: Some(city.id),
                    name: "示范市教育局",
                    short_name: "市教育局",
                    code: &org_code_with_check("00001435"),
                    level: OrgLevel::City,
                    kind: OrgKind::Department,
                },
            )
            .unwrap();
            assert_eq!(dept.path, format!("/{}/{}/", city.id, dept.id));
            assert_eq!(subtree(&mut c, &city).unwrap().len(), 2);
            assert_eq!(subtree(&mut c, &dept).unwrap().len(), 1);
            // Codes are unique: a second body with the same code is refused, as a field error.
            assert!(matches!(create(
                &mut c,
                &NewOrganisation {
                    parent_id: None,
                    name: "重复",
                    short_name: "重复",
                    code: &org_code_with_check("00001434"),
                    level: OrgLevel::City,
                    kind: OrgKind::Department,
                }
            )
            , Err(StorageError::Invalid(e)) if e.get("code").is_some()));
            assert!(matches!(
                get(&mut c, 9999),
                Err(StorageError::NotFound { .. })
            ));
        });
    }
}
