//! 审计日志 — every state change made by staff, appended in the same transaction as the change.
//! The table refuses UPDATE and DELETE (database triggers), so the application cannot edit it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::schema::audit_log;
use crate::{page_window, AnyConnection, Page, Result};

/// Who is acting: a signed-in member of staff, an API token's owner, or the system itself.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub ip: Option<String>,
}

impl Actor {
    /// Actions taken by the platform itself (scheduled publication, imports from the CLI).
    pub fn system(what: &str) -> Actor {
        Actor {
            user_id: None,
            name: format!("system:{what}"),
            ip: None,
        }
    }
}

/// One change to record. `before`/`after` are short JSON summaries of the changed fields.
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub org_id: Option<i64>,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub org_id: Option<i64>,
    pub summary: String,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub ip: Option<String>,
}

pub fn record(conn: &mut AnyConnection, actor: &Actor, change: Change<'_>) -> Result<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(crate::now()),
            audit_log::actor_id.eq(actor.user_id),
            audit_log::actor.eq(&actor.name),
            audit_log::action.eq(change.action),
            audit_log::entity.eq(change.entity),
            audit_log::entity_id.eq(&change.entity_id),
            audit_log::org_id.eq(change.org_id),
            audit_log::summary.eq(&change.summary),
            audit_log::before_state.eq(change.before.map(|v| v.to_string())),
            audit_log::after_state.eq(change.after.map(|v| v.to_string())),
            audit_log::ip.eq(&actor.ip),
        ))
        .execute(conn)?;
    Ok(())
}

/// Filters for browsing the log; `org_paths` limits an organisation administrator to entries
/// about their organisations (None = everything, for platform administrators).
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub org_ids: Option<Vec<i64>>,
    pub page: i64,
    pub per_page: i64,
}

pub fn list(conn: &mut AnyConnection, q: &AuditQuery) -> Result<Page<AuditEntry>> {
    let build = || {
        let mut query = audit_log::table.into_boxed();
        if let Some(a) = &q.actor {
            query = query.filter(audit_log::actor.like(format!("%{a}%")));
        }
        if let Some(a) = &q.action {
            query = query.filter(audit_log::action.eq(a.clone()));
        }
        if let Some(e) = &q.entity {
            query = query.filter(audit_log::entity.eq(e.clone()));
        }
        if let Some(e) = &q.entity_id {
            query = query.filter(audit_log::entity_id.eq(e.clone()));
        }
        if let Some(f) = q.from {
            query = query.filter(audit_log::at.ge(f));
        }
        if let Some(t) = q.to {
            query = query.filter(audit_log::at.lt(t));
        }
        if let Some(ids) = &q.org_ids {
            query = query.filter(audit_log::org_id.eq_any(ids.clone()));
        }
        query
    };
    let (page, per_page, offset) = page_window(q.page, q.per_page, 200);
    let total: i64 = build().count().get_result(conn)?;
    let rows = build()
        .order(audit_log::id.desc())
        .limit(per_page)
        .offset(offset)
        .select(AuditEntry::as_select())
        .load(conn)?;
    Ok(Page {
        rows,
        total,
        page,
        per_page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::on_both;

    #[test]
    fn entries_are_appended_listed_and_cannot_be_edited() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let actor = Actor {
                user_id: None,
                name: "zhang".into(),
                ip: Some("127.0.0.1".into()),
            };
            for i in 0..3 {
                record(
                    &mut c,
                    &actor,
                    Change {
                        action: "item.publish",
                        entity: "item",
                        entity_id: i.to_string(),
                        org_id: Some(1),
                        summary: format!("published {i}"),
                        before: Some(serde_json::json!({"status": "approved"})),
                        after: Some(serde_json::json!({"status": "published"})),
                    },
                )
                .unwrap();
            }
            let page = list(
                &mut c,
                &AuditQuery {
                    entity_id: Some("1".into()),
                    page: 1,
                    per_page: 10,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(page.total, 1);
            assert_eq!(page.rows[0].summary, "published 1");
            let all = list(
                &mut c,
                &AuditQuery {
                    actor: Some("zha".into()),
                    page: 1,
                    per_page: 2,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!((all.total, all.rows.len()), (3, 2));
            assert!(all.rows[0].id > all.rows[1].id, "newest first");
            // The database itself refuses edits and deletions.
            assert!(diesel::update(audit_log::table)
                .set(audit_log::summary.eq("forged"))
                .execute(&mut c)
                .is_err());
            assert!(diesel::delete(audit_log::table).execute(&mut c).is_err());
            let none = list(
                &mut c,
                &AuditQuery {
                    org_ids: Some(vec![2]),
                    page: 1,
                    per_page: 10,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(none.total, 0);
        });
    }
}
