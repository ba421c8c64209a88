//! 公共资源交易 — trading projects and their announcements: saved from forms or imports (one
//! project per 项目编号, announcements re-imported by their source id are updated), listed with
//! filters, and counted by type per year and level for the annual report.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::trading::{TradingCounts, TradingType, ValidTrading};
use serde::Serialize;

use crate::audit::{self, Actor, Change};
use crate::schema::organisations;
use crate::{outbox, page_window, write_txn, AnyConnection, Page, Result, StorageError};

diesel::table! {
    trading_projects (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        category -> Text,
        purchaser -> Text,
        org_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    trading_announcements (id) {
        id -> BigInt,
        project_id -> BigInt,
        source_id -> Nullable<Text>,
        kind -> Text,
        category -> Text,
        title -> Text,
        purchaser -> Text,
        org_id -> BigInt,
        budget_fen -> Nullable<BigInt>,
        winner -> Nullable<Text>,
        winning_price_fen -> Nullable<BigInt>,
        amount_fen -> Nullable<BigInt>,
        published_at -> Timestamp,
        published_year -> Integer,
        deadline_at -> Nullable<Timestamp>,
        opening_at -> Nullable<Timestamp>,
        body_html -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

/// The outbox entity of announcements (search indexes them as `trading:ID`).
pub const ENTITY: &str = "trading";

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = trading_projects)]
pub struct Project {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub category: String,
    pub purchaser: String,
    pub org_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = trading_announcements)]
pub struct Announcement {
    pub id: i64,
    pub project_id: i64,
    pub source_id: Option<String>,
    pub kind: String,
    pub category: String,
    pub title: String,
    pub purchaser: String,
    pub org_id: i64,
    pub budget_fen: Option<i64>,
    pub winner: Option<String>,
    pub winning_price_fen: Option<i64>,
    pub amount_fen: Option<i64>,
    pub published_at: NaiveDateTime,
    pub published_year: i32,
    pub deadline_at: Option<NaiveDateTime>,
    pub opening_at: Option<NaiveDateTime>,
    pub body_html: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Announcement {
    pub fn kind(&self) -> Option<TradingType> {
        self.kind.parse().ok()
    }
}

fn invalid(field: &str, message: impl Into<String>) -> StorageError {
    let mut e = FieldErrors::default();
    e.add(field, message);
    StorageError::Invalid(e)
}

/// Saves an announcement published by `org_id`: its project is found by code (or created), and an
/// announcement with the same source id is updated instead of duplicated. Returns the row and
/// whether it was new.
pub fn save(
    conn: &mut AnyConnection,
    actor: &Actor,
    org_id: i64,
    v: &ValidTrading,
) -> Result<(Announcement, bool)> {
    write_txn(conn, |conn| {
        let now = crate::now();
        let category = v.kind.category();
        let project: Option<Project> = trading_projects::table
            .filter(trading_projects::code.eq(&v.project_code))
            .select(Project::as_select())
            .first(conn)
            .optional()?;
        let project_id = match project {
            Some(p) if p.category != category.as_str() => {
                let other = p
                    .category
                    .parse::<gongkai_domain::trading::TradingCategory>()
                    .map(|c| c.label_zh())
                    .unwrap_or("其他");
                return Err(invalid(
                    "project_code",
                    format!("项目编号 {} 已属于{}类项目", p.code, other),
                ));
            }
            Some(p) => {
                diesel::update(trading_projects::table.find(p.id))
                    .set(trading_projects::updated_at.eq(now))
                    .execute(conn)?;
                p.id
            }
            None => diesel::insert_into(trading_projects::table)
                .values((
                    trading_projects::code.eq(&v.project_code),
                    trading_projects::name.eq(&v.project_name),
                    trading_projects::category.eq(category.as_str()),
                    trading_projects::purchaser.eq(&v.purchaser),
                    trading_projects::org_id.eq(org_id),
                    trading_projects::created_at.eq(now),
                    trading_projects::updated_at.eq(now),
                ))
                .returning(trading_projects::id)
                .get_result(conn)?,
        };
        let existing: Option<i64> = match &v.source_id {
            Some(s) => trading_announcements::table
                .filter(trading_announcements::source_id.eq(s))
                .select(trading_announcements::id)
                .first(conn)
                .optional()?,
            None => None,
        };
        let amount = v.winning_price.or(v.budget);
        let values = (
            trading_announcements::project_id.eq(project_id),
            trading_announcements::kind.eq(v.kind.as_str()),
            trading_announcements::category.eq(category.as_str()),
            trading_announcements::title.eq(&v.title),
            trading_announcements::purchaser.eq(&v.purchaser),
            trading_announcements::org_id.eq(org_id),
            trading_announcements::budget_fen.eq(v.budget),
            trading_announcements::winner.eq(&v.winner),
            trading_announcements::winning_price_fen.eq(v.winning_price),
            trading_announcements::amount_fen.eq(amount),
            trading_announcements::published_at.eq(v.published),
            trading_announcements::published_year.eq(v.published.year()),
            trading_announcements::deadline_at.eq(v.deadline),
            trading_announcements::opening_at.eq(v.opening),
            trading_announcements::body_html.eq(&v.body_html),
            trading_announcements::updated_at.eq(now),
        );
        let (id, created) = match existing {
            Some(id) => {
                diesel::update(trading_announcements::table.find(id))
                    .set(values)
                    .execute(conn)?;
                (id, false)
            }
            None => {
                let id = diesel::insert_into(trading_announcements::table)
                    .values((
                        values,
                        trading_announcements::source_id.eq(&v.source_id),
                        trading_announcements::created_at.eq(now),
                    ))
                    .returning(trading_announcements::id)
                    .get_result(conn)?;
                (id, true)
            }
        };
        outbox::push(conn, ENTITY, id, outbox::Op::Upsert)?;
        audit::record(
            conn,
            actor,
            Change {
                action: if created {
                    "trading.create"
                } else {
                    "trading.update"
                },
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(org_id),
                summary: format!("{} {}：{}", v.project_code, v.kind.full_label(), v.title),
                before: None,
                after: Some(serde_json::json!({
                    "type": v.kind.as_str(),
                    "project_code": v.project_code,
                    "source_id": v.source_id,
                })),
            },
        )?;
        Ok((get(conn, id)?, created))
    })
}

/// Removes an announcement from public view (published in error); the project stays.
pub fn remove(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<()> {
    write_txn(conn, |conn| {
        let a = get(conn, id)?;
        diesel::delete(trading_announcements::table.find(id)).execute(conn)?;
        outbox::push(conn, ENTITY, id, outbox::Op::Delete)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "trading.remove",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(a.org_id),
                summary: format!("removed {}", a.title),
                before: Some(serde_json::json!({"title": a.title, "type": a.kind})),
                after: None,
            },
        )
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Announcement> {
    trading_announcements::table
        .find(id)
        .select(Announcement::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "trading announcement",
            id: id.to_string(),
        })
}

pub fn get_many(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Announcement>> {
    Ok(trading_announcements::table
        .filter(trading_announcements::id.eq_any(ids))
        .select(Announcement::as_select())
        .load(conn)?)
}

pub fn project(conn: &mut AnyConnection, id: i64) -> Result<Project> {
    trading_projects::table
        .find(id)
        .select(Project::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "trading project",
            id: id.to_string(),
        })
}

pub fn projects_of(conn: &mut AnyConnection, ids: &[i64]) -> Result<HashMap<i64, Project>> {
    Ok(trading_projects::table
        .filter(trading_projects::id.eq_any(ids))
        .select(Project::as_select())
        .load(conn)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// A project's announcements in the order of its history: by stage (tender → change → opening
/// → candidates → award), then by date within a stage (several changes in turn).
pub fn history(conn: &mut AnyConnection, project_id: i64) -> Result<Vec<Announcement>> {
    let mut rows: Vec<Announcement> = trading_announcements::table
        .filter(trading_announcements::project_id.eq(project_id))
        .select(Announcement::as_select())
        .load(conn)?;
    rows.sort_by_key(|a| {
        (
            a.kind().map(|k| k.stage()).unwrap_or(u8::MAX),
            a.published_at,
            a.id,
        )
    });
    Ok(rows)
}

/// Filters of the public lists and of the open-data export.
#[derive(Debug, Clone, Default)]
pub struct TradingQuery {
    pub category: Option<String>,
    pub kind: Option<String>,
    /// The publishing organisation and those below it.
    pub org_ids: Option<Vec<i64>>,
    pub from: Option<NaiveDateTime>,
    /// Exclusive.
    pub to: Option<NaiveDateTime>,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub year: Option<i32>,
    pub text: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

/// One page of announcements, newest first.
pub fn list(
    conn: &mut AnyConnection,
    q: &TradingQuery,
    max_per_page: i64,
) -> Result<Page<Announcement>> {
    let build = || {
        let mut query = trading_announcements::table.into_boxed();
        if let Some(c) = &q.category {
            query = query.filter(trading_announcements::category.eq(c.clone()));
        }
        if let Some(k) = &q.kind {
            query = query.filter(trading_announcements::kind.eq(k.clone()));
        }
        if let Some(ids) = &q.org_ids {
            query = query.filter(trading_announcements::org_id.eq_any(ids.clone()));
        }
        if let Some(f) = q.from {
            query = query.filter(trading_announcements::published_at.ge(f));
        }
        if let Some(t) = q.to {
            query = query.filter(trading_announcements::published_at.lt(t));
        }
        if let Some(m) = q.min_amount {
            query = query.filter(trading_announcements::amount_fen.ge(m));
        }
        if let Some(m) = q.max_amount {
            query = query.filter(trading_announcements::amount_fen.le(m));
        }
        if let Some(y) = q.year {
            query = query.filter(trading_announcements::published_year.eq(y));
        }
        if let Some(t) = q.text.as_deref().filter(|t| !t.trim().is_empty()) {
            let pattern = format!(
                "%{}%",
                t.trim()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            query = query.filter(
                trading_announcements::title
                    .like(pattern.clone())
                    .escape('\\')
                    .or(trading_announcements::purchaser.like(pattern).escape('\\')),
            );
        }
        query
    };
    let (page, per_page, offset) = page_window(q.page, q.per_page, max_per_page);
    let total: i64 = build().count().get_result(conn)?;
    let rows = build()
        .order((
            trading_announcements::published_at.desc(),
            trading_announcements::id.desc(),
        ))
        .limit(per_page)
        .offset(offset)
        .select(Announcement::as_select())
        .load(conn)?;
    Ok(Page {
        rows,
        total,
        page,
        per_page,
    })
}

/// Announcements and projects with their last change, newest first (for sitemaps).
pub fn public_changes(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<(Vec<(i64, NaiveDateTime)>, Vec<(i64, NaiveDateTime)>)> {
    let announcements = trading_announcements::table
        .order(trading_announcements::updated_at.desc())
        .limit(limit)
        .select((trading_announcements::id, trading_announcements::updated_at))
        .load(conn)?;
    let projects = trading_projects::table
        .order(trading_projects::updated_at.desc())
        .limit(limit)
        .select((trading_projects::id, trading_projects::updated_at))
        .load(conn)?;
    Ok((announcements, projects))
}

/// Every announcement id (for a search rebuild).
pub fn all_ids(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    Ok(trading_announcements::table
        .select(trading_announcements::id)
        .order(trading_announcements::id)
        .load(conn)?)
}

/// Counts of one year, by the publishing organisation's level (`city`, `county`, `township`) and
/// for the whole. The whole is the merge of the levels, so it always equals their sum.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TradingYear {
    pub year: i32,
    pub by_level: Vec<(String, TradingCounts)>,
    pub all: TradingCounts,
}

/// 公共资源交易信息 of `year` counted by type and level: what the annual report states.
pub fn counts(conn: &mut AnyConnection, year: i32) -> Result<TradingYear> {
    let rows: Vec<(String, i64, i64)> = trading_announcements::table
        .filter(trading_announcements::published_year.eq(year))
        .group_by((trading_announcements::kind, trading_announcements::org_id))
        .select((
            trading_announcements::kind,
            trading_announcements::org_id,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let org_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let levels: HashMap<i64, String> = organisations::table
        .filter(organisations::id.eq_any(org_ids))
        .select((organisations::id, organisations::level))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let mut by_level: std::collections::BTreeMap<String, TradingCounts> = Default::default();
    for (kind, org_id, n) in rows {
        let Ok(t) = kind.parse::<TradingType>() else {
            continue;
        };
        let level = levels.get(&org_id).cloned().unwrap_or_default();
        by_level.entry(level).or_default().add(t, n);
    }
    let mut all = TradingCounts::default();
    for c in by_level.values() {
        all.merge(c);
    }
    Ok(TradingYear {
        year,
        by_level: by_level.into_iter().collect(),
        all,
    })
}

/// The outcome of an import: announcements added and updated, and each bad line with its reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    /// (1-based line, message naming the fields at fault), in line order.
    pub errors: Vec<(usize, String)>,
}

/// Imports parsed lines (see `gongkai_domain::trading::parse_import`): every good line is saved,
/// every bad one reported. `allowed` is asked about each publishing organisation's path, so a
/// token or user scoped to one organisation cannot publish for another.
pub fn import(
    conn: &mut AnyConnection,
    actor: &Actor,
    lines: Vec<(
        usize,
        std::result::Result<gongkai_domain::trading::TradingInput, String>,
    )>,
    allowed: &dyn Fn(&str) -> bool,
) -> Result<ImportReport> {
    let orgs: HashMap<String, (i64, String)> = organisations::table
        .select((organisations::code, organisations::id, organisations::path))
        .load::<(String, i64, String)>(conn)?
        .into_iter()
        .map(|(code, id, path)| (code, (id, path)))
        .collect();
    let mut report = ImportReport::default();
    for (line, parsed) in lines {
        let input = match parsed {
            Ok(i) => i,
            Err(m) => {
                report.errors.push((line, m));
                continue;
            }
        };
        let valid = match input.validate() {
            Ok(v) => v,
            Err(e) => {
                report.errors.push((line, e.to_string()));
                continue;
            }
        };
        let Some((org_id, path)) = orgs.get(valid.org_code.trim()) else {
            report.errors.push((
                line,
                format!("org_code: 未知的机构代码“{}”", valid.org_code),
            ));
            continue;
        };
        if !allowed(path) {
            report.errors.push((
                line,
                format!("org_code: 无权为机构 {} 发布", valid.org_code),
            ));
            continue;
        }
        match save(conn, actor, *org_id, &valid) {
            Ok((_, true)) => report.created += 1,
            Ok((_, false)) => report.updated += 1,
            Err(StorageError::Invalid(e)) => report.errors.push((line, e.to_string())),
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{self, NewOrganisation};
    use crate::testing::on_both;
    use gongkai_domain::org::{org_code_with_check, OrgKind, OrgLevel};
    use gongkai_domain::trading::{TradingCategory, TradingInput};

    fn new_org(c: &mut AnyConnection, code8: &str, level: OrgLevel) -> (i64, String) {
        let code = org_code_with_check(code8);
        let o = org::create(
            c,
            &NewOrganisation {
                parent_id: None,
                name: code8,
                short_name: code8,
                code: &code,
                level,
                kind: OrgKind::Department,
            },
        )
        .unwrap();
        (o.id, o.code)
    }

    fn input(kind: &str, code: &str, published: &str, source: &str) -> ValidTrading {
        let result = kind == "中标公告";
        TradingInput {
            source_id: source.into(),
            category: "建设工程".into(),
            kind: kind.into(),
            title: format!("示范市学校改造工程{kind}"),
            project_name: "示范市学校改造工程".into(),
            project_code: code.into(),
            purchaser: "示范市教育局".into(),
            org_code: "x".into(),
            budget: "500万元".into(),
            published: published.into(),
            winner: if result {
                "示范建设集团有限公司"
            } else {
                ""
            }
            .into(),
            winning_price: if result { "4,880,000" } else { "" }.into(),
            ..Default::default()
        }
        .validate()
        .unwrap()
    }

    #[test]
    fn a_project_reads_in_sequence_and_reimports_update() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let a = Actor::system("test");
            let (org, _) = new_org(&mut c, "00001435", OrgLevel::City);
            // Imported out of order: the award first, then the tender, then a change.
            save(
                &mut c,
                &a,
                org,
                &input("中标公告", "JS-1", "2026-05-20", "s3"),
            )
            .unwrap();
            save(
                &mut c,
                &a,
                org,
                &input("招标公告", "JS-1", "2026-04-01", "s1"),
            )
            .unwrap();
            save(
                &mut c,
                &a,
                org,
                &input("开标情况", "JS-1", "2026-04-25", "s2b"),
            )
            .unwrap();
            let (chg, created) = save(
                &mut c,
                &a,
                org,
                &input("变更公告", "JS-1", "2026-04-10", "s2"),
            )
            .unwrap();
            assert!(created);
            let hist = history(&mut c, chg.project_id).unwrap();
            let kinds: Vec<&str> = hist.iter().map(|h| h.kind.as_str()).collect();
            assert_eq!(
                kinds,
                [
                    "construction_tender",
                    "construction_change",
                    "construction_opening",
                    "construction_award"
                ]
            );
            // The same source id again updates instead of adding.
            let mut again = input("变更公告", "JS-1", "2026-04-11", "s2");
            again.title = "更正后的变更公告".into();
            let (upd, created) = save(&mut c, &a, org, &again).unwrap();
            assert!(!created);
            assert_eq!(upd.id, chg.id);
            assert_eq!(history(&mut c, chg.project_id).unwrap().len(), 4);
            // A procurement announcement cannot join a construction project.
            let mut wrong = input("招标公告", "JS-1", "2026-04-11", "s9");
            wrong.kind = TradingType::ProcurementNotice;
            let err = save(&mut c, &a, org, &wrong).unwrap_err();
            assert!(matches!(err, StorageError::Invalid(ref e) if e.get("project_code").is_some()));
            let audit = crate::audit::list(
                &mut c,
                &crate::audit::AuditQuery {
                    entity: Some(ENTITY.into()),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(audit.total, 5);
        });
    }

    #[test]
    fn lists_filter_and_counts_sum_by_level() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let a = Actor::system("test");
            let (city, _) = new_org(&mut c, "00001435", OrgLevel::City);
            let (county, _) = new_org(&mut c, "00001436", OrgLevel::County);
            save(&mut c, &a, city, &input("招标公告", "A", "2026-01-05", "")).unwrap();
            save(&mut c, &a, city, &input("中标公告", "A", "2026-03-05", "")).unwrap();
            save(
                &mut c,
                &a,
                county,
                &input("招标公告", "B", "2026-02-05", ""),
            )
            .unwrap();
            save(
                &mut c,
                &a,
                county,
                &input("招标公告", "C", "2025-12-30", ""),
            )
            .unwrap();
            let mut p = input("招标公告", "P", "2026-06-01", "");
            p.kind = TradingType::ProcurementNotice;
            p.title = "示范市办公设备采购公告".into();
            p.budget = Some(10_000);
            save(&mut c, &a, county, &p).unwrap();

            let q = |f: &dyn Fn(&mut TradingQuery)| {
                let mut q = TradingQuery {
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                };
                f(&mut q);
                q
            };
            let all = list(&mut c, &q(&|_| {}), 100).unwrap();
            assert_eq!(all.total, 5);
            assert_eq!(all.rows[0].kind, "procurement_notice", "newest first");
            let t = |q: TradingQuery, c: &mut AnyConnection| list(c, &q, 100).unwrap().total;
            assert_eq!(
                t(q(&|q| q.category = Some("construction".into())), &mut c),
                4
            );
            assert_eq!(
                t(q(&|q| q.kind = Some("construction_tender".into())), &mut c),
                3
            );
            assert_eq!(t(q(&|q| q.org_ids = Some(vec![county])), &mut c), 3);
            assert_eq!(t(q(&|q| q.year = Some(2026)), &mut c), 4);
            assert_eq!(t(q(&|q| q.max_amount = Some(100_000)), &mut c), 1);
            // The award's amount is its winning price (4,880,000), the tenders' their budget.
            assert_eq!(t(q(&|q| q.min_amount = Some(490_000_000)), &mut c), 3);
            assert_eq!(t(q(&|q| q.text = Some("采购".into())), &mut c), 1);
            assert_eq!(t(q(&|q| q.text = Some("100%".into())), &mut c), 0);

            let y = counts(&mut c, 2026).unwrap();
            assert_eq!(y.all.total(), 4);
            assert_eq!(y.all.of(TradingType::ConstructionTender), 2);
            assert_eq!(y.all.category_total(TradingCategory::Procurement), 1);
            let level_sum: i64 = y.by_level.iter().map(|(_, c)| c.total()).sum();
            assert_eq!(level_sum, y.all.total());
            let city_counts = &y.by_level.iter().find(|(l, _)| l == "city").unwrap().1;
            assert_eq!(city_counts.total(), 2);
            assert_eq!(counts(&mut c, 2025).unwrap().all.total(), 1);

            let first = all.rows[0].id;
            remove(&mut c, &a, first).unwrap();
            assert_eq!(counts(&mut c, 2026).unwrap().all.total(), 3);
        });
    }
}
