//! 办事指南 — service guides: saved from the back office (audited, pushed to the search outbox),
//! listed by department, theme and words of the name, checked for completeness and counted per
//! year and level for the annual report.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::org::OrgLevel;
use gongkai_domain::service_guide::{missing_elements, GuideCounts, ValidGuide};
use serde::Serialize;

use crate::audit::{self, Actor, Change};
use crate::schema::{organisations, service_guides};
use crate::{outbox, page_window, write_txn, AnyConnection, Page, Result, StorageError};

/// The outbox and audit entity of guides (search indexes them as `guide:ID`).
pub const ENTITY: &str = "guide";

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = service_guides)]
pub struct Guide {
    pub id: i64,
    /// 实施部门
    pub org_id: i64,
    /// 事项名称
    pub name: String,
    pub theme: String,
    /// 设定依据
    pub basis: String,
    /// 受理条件
    pub conditions: String,
    /// 申请材料
    pub materials: String,
    /// 办理流程 (`procedure` is a reserved word in SQL, hence the column name).
    #[diesel(column_name = procedure_text)]
    pub procedure: String,
    /// 办理时限
    pub time_limit: String,
    /// 收费标准
    pub fee: String,
    /// 办理地点与时间
    pub place_hours: String,
    /// 咨询电话
    pub phone: String,
    pub online_url: String,
    pub published_at: NaiveDateTime,
    pub published_year: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Guide {
    /// The stored text of an element by its field name (see `REQUIRED_ELEMENTS`).
    pub fn element(&self, field: &str) -> &str {
        match field {
            "name" => &self.name,
            "theme" => &self.theme,
            "basis" => &self.basis,
            "conditions" => &self.conditions,
            "materials" => &self.materials,
            "procedure" => &self.procedure,
            "time_limit" => &self.time_limit,
            "fee" => &self.fee,
            "place_hours" => &self.place_hours,
            "phone" => &self.phone,
            "online_url" => &self.online_url,
            _ => "",
        }
    }

    /// The labels of the required elements this guide lacks.
    pub fn missing(&self) -> Vec<&'static str> {
        missing_elements(|f| self.element(f))
    }
}

/// Saves a new guide (`id` None) or edits one; a new guide is online from now and counts in
/// this year.
pub fn save(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Option<i64>,
    v: &ValidGuide,
) -> Result<Guide> {
    write_txn(conn, |conn| {
        let now = crate::now();
        let values = (
            service_guides::org_id.eq(v.org_id),
            service_guides::name.eq(&v.name),
            service_guides::theme.eq(&v.theme),
            service_guides::basis.eq(&v.basis),
            service_guides::conditions.eq(&v.conditions),
            service_guides::materials.eq(&v.materials),
            service_guides::procedure_text.eq(&v.procedure),
            service_guides::time_limit.eq(&v.time_limit),
            service_guides::fee.eq(&v.fee),
            service_guides::place_hours.eq(&v.place_hours),
            service_guides::phone.eq(&v.phone),
            service_guides::online_url.eq(&v.online_url),
            service_guides::updated_at.eq(now),
        );
        let (id, before) = match id {
            Some(id) => {
                let before = get(conn, id)?;
                diesel::update(service_guides::table.find(id))
                    .set(values)
                    .execute(conn)?;
                (id, Some(before))
            }
            None => {
                let id = diesel::insert_into(service_guides::table)
                    .values((
                        values,
                        service_guides::published_at.eq(now),
                        service_guides::published_year.eq(now.year()),
                        service_guides::created_at.eq(now),
                    ))
                    .returning(service_guides::id)
                    .get_result(conn)?;
                (id, None)
            }
        };
        outbox::push(conn, ENTITY, id, outbox::Op::Upsert)?;
        audit::record(
            conn,
            actor,
            Change {
                action: if before.is_some() {
                    "guide.update"
                } else {
                    "guide.create"
                },
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(v.org_id),
                summary: format!("service guide 《{}》", v.name),
                before: before.map(|b| serde_json::json!({"name": b.name, "org_id": b.org_id})),
                after: Some(serde_json::json!({"name": v.name, "org_id": v.org_id})),
            },
        )?;
        get(conn, id)
    })
}

/// Takes a guide offline (the service is abolished); it leaves search with it.
pub fn remove(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<()> {
    write_txn(conn, |conn| {
        let g = get(conn, id)?;
        diesel::delete(service_guides::table.find(id)).execute(conn)?;
        outbox::push(conn, ENTITY, id, outbox::Op::Delete)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "guide.remove",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(g.org_id),
                summary: format!("removed service guide 《{}》", g.name),
                before: Some(serde_json::json!({"name": g.name})),
                after: None,
            },
        )
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Guide> {
    service_guides::table
        .find(id)
        .select(Guide::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "service guide",
            id: id.to_string(),
        })
}

pub fn get_many(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Guide>> {
    Ok(service_guides::table
        .filter(service_guides::id.eq_any(ids.to_vec()))
        .select(Guide::as_select())
        .load(conn)?)
}

pub fn all_ids(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    Ok(service_guides::table
        .select(service_guides::id)
        .order(service_guides::id)
        .load(conn)?)
}

/// Filters of the guide lists; they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct GuideQuery {
    pub org_ids: Option<Vec<i64>>,
    pub theme: Option<String>,
    pub name_contains: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

macro_rules! guide_filtered {
    ($query:expr, $q:expr) => {{
        let q: &GuideQuery = $q;
        let mut query = $query;
        if let Some(ids) = &q.org_ids {
            query = query.filter(service_guides::org_id.eq_any(ids.clone()));
        }
        if let Some(t) = &q.theme {
            query = query.filter(service_guides::theme.eq(t.clone()));
        }
        if let Some(t) = &q.name_contains {
            let escaped = t
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            query = query.filter(
                service_guides::name
                    .like(format!("%{escaped}%"))
                    .escape('\\'),
            );
        }
        query
    }};
}

/// Guides by department then name.
pub fn list(conn: &mut AnyConnection, q: &GuideQuery) -> Result<Page<Guide>> {
    let (page, per_page, offset) = page_window(q.page, q.per_page, 100);
    let total: i64 = guide_filtered!(service_guides::table.into_boxed(), q)
        .count()
        .get_result(conn)?;
    let rows = guide_filtered!(service_guides::table.into_boxed(), q)
        .order((
            service_guides::org_id,
            service_guides::name,
            service_guides::id,
        ))
        .limit(per_page)
        .offset(offset)
        .select(Guide::as_select())
        .load(conn)?;
    Ok(Page {
        rows,
        total,
        page,
        per_page,
    })
}

/// Departments that carry out at least one guide (the department filter's options).
pub fn org_ids(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    Ok(service_guides::table
        .select(service_guides::org_id)
        .distinct()
        .order(service_guides::org_id)
        .load(conn)?)
}

/// The themes in use with their guide counts, by name: the list's theme filter.
pub fn themes(conn: &mut AnyConnection) -> Result<Vec<(String, i64)>> {
    Ok(service_guides::table
        .filter(service_guides::theme.ne(""))
        .group_by(service_guides::theme)
        .select((service_guides::theme, diesel::dsl::count_star()))
        .order(service_guides::theme)
        .load(conn)?)
}

/// 办事指南 of `year`: guides first put online in `year` and still online, counted by the level
/// of the department that carries them out. The total is the sum of the levels.
pub fn counts(conn: &mut AnyConnection, year: i32) -> Result<GuideCounts> {
    let rows: Vec<(i64, i64)> = service_guides::table
        .filter(service_guides::published_year.eq(year))
        .group_by(service_guides::org_id)
        .select((service_guides::org_id, diesel::dsl::count_star()))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let levels: HashMap<i64, OrgLevel> = organisations::table
        .filter(organisations::id.eq_any(ids))
        .select((organisations::id, organisations::level))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .filter_map(|(id, l)| Some((id, l.parse().ok()?)))
        .collect();
    let mut out = GuideCounts::default();
    for (org, n) in rows {
        out.add(levels.get(&org).copied().unwrap_or(OrgLevel::City), n);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{on_both, seed_org};
    use gongkai_domain::service_guide::GuideInput;

    fn guide(org: i64, name: &str, fee: &str) -> ValidGuide {
        GuideInput {
            name: name.into(),
            org_id: org.to_string(),
            theme: "社会保障".into(),
            basis: "《社会保险法》".into(),
            conditions: "本市户籍居民".into(),
            materials: "居民身份证".into(),
            procedure: "申请—受理—办结".into(),
            time_limit: "即办".into(),
            fee: fee.into(),
            place_hours: "政务服务中心".into(),
            phone: "0571-12345678".into(),
            online_url: String::new(),
        }
        .validate()
        .unwrap()
    }

    #[test]
    fn saved_listed_checked_counted_and_audited() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let a = Actor::system("t");
            let city = seed_org(&mut c, None, "00001434");
            let dept = seed_org(&mut c, Some(city), "00001435");
            let g1 = save(
                &mut c,
                &a,
                None,
                &guide(dept, "城乡居民养老保险参保登记", "不收费"),
            )
            .unwrap();
            let g2 = save(&mut c, &a, None, &guide(city, "社会保障卡补换", "")).unwrap();
            assert!(g1.missing().is_empty());
            assert_eq!(g2.missing(), ["收费标准"]);

            let mut edited = guide(city, "社会保障卡补换", "20元/张");
            edited.theme = "证照办理".into();
            let g2 = save(&mut c, &a, Some(g2.id), &edited).unwrap();
            assert!(g2.missing().is_empty());

            let all = list(
                &mut c,
                &GuideQuery {
                    page: 1,
                    per_page: 20,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(all.total, 2);
            let found = list(
                &mut c,
                &GuideQuery {
                    name_contains: Some("养老".into()),
                    page: 1,
                    per_page: 20,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(found.rows.len(), 1);
            assert_eq!(found.rows[0].id, g1.id);
            let by_org = list(
                &mut c,
                &GuideQuery {
                    org_ids: Some(vec![dept]),
                    page: 1,
                    per_page: 20,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(by_org.total, 1);
            assert_eq!(
                themes(&mut c).unwrap(),
                vec![("社会保障".to_string(), 1), ("证照办理".to_string(), 1)]
            );

            let year = crate::now().year();
            let n = counts(&mut c, year).unwrap();
            assert_eq!(n.of(OrgLevel::City), 2);
            assert_eq!(n.total(), 2);
            assert_eq!(counts(&mut c, year - 1).unwrap().total(), 0);

            remove(&mut c, &a, g1.id).unwrap();
            assert_eq!(counts(&mut c, year).unwrap().total(), 1);
            let log = crate::audit::list(
                &mut c,
                &crate::audit::AuditQuery {
                    page: 1,
                    per_page: 100,
                    ..Default::default()
                },
            )
            .unwrap();
            let actions: Vec<&str> = log.rows.iter().map(|e| e.action.as_str()).collect();
            for want in ["guide.create", "guide.update", "guide.remove"] {
                assert!(actions.contains(&want), "{actions:?}");
            }
        });
    }
}
