//! 站点与栏目 — the portal and sub-sites (集约化), each with its column tree.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gongkai_domain::health::UpdateCategory;
use gongkai_domain::site::{ColumnKind, Module, SiteSlug};
use serde::Serialize;

use crate::audit::{self, Actor, Change};
use crate::schema::{site_columns, sites};
use crate::{write_txn, AnyConnection, Result, StorageError};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = sites)]
pub struct Site {
    pub id: i64,
    pub org_id: i64,
    pub slug: String,
    pub title: String,
    pub is_portal: bool,
    pub host: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = site_columns)]
pub struct Column {
    pub id: i64,
    pub site_id: i64,
    pub parent_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub module: Option<String>,
    /// 更新要求 — the column must get a new item at least every this many days.
    pub update_days: Option<i32>,
    pub link_url: Option<String>,
    pub body_html: Option<String>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    /// 更新类别 (see `UpdateCategory`).
    pub update_category: String,
}

impl Column {
    pub fn update_category(&self) -> UpdateCategory {
        self.update_category.parse().unwrap_or_default()
    }
    pub fn kind(&self) -> ColumnKind {
        self.kind.parse().unwrap_or(ColumnKind::Articles)
    }
    pub fn module(&self) -> Option<Module> {
        self.module.as_deref().and_then(|m| m.parse().ok())
    }
}

pub struct NewSite<'a> {
    pub org_id: i64,
    pub slug: &'a SiteSlug,
    pub title: &'a str,
    pub is_portal: bool,
}

pub fn create_site(conn: &mut AnyConnection, actor: &Actor, new: &NewSite<'_>) -> Result<Site> {
    write_txn(conn, |conn| {
        if new.is_portal && portal(conn)?.is_some() {
            return Err(StorageError::Conflict(
                "the platform already has a portal site".into(),
            ));
        }
        if by_slug(conn, new.slug.as_str())?.is_some() {
            return Err(StorageError::Conflict(format!(
                "site slug {} is taken",
                new.slug.as_str()
            )));
        }
        let id: i64 = diesel::insert_into(sites::table)
            .values((
                sites::org_id.eq(new.org_id),
                sites::slug.eq(new.slug.as_str()),
                sites::title.eq(new.title),
                sites::is_portal.eq(new.is_portal),
                sites::created_at.eq(crate::now()),
            ))
            .returning(sites::id)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "site.create",
                entity: "site",
                entity_id: id.to_string(),
                org_id: Some(new.org_id),
                summary: format!("created site {} ({})", new.title, new.slug.as_str()),
                before: None,
                after: Some(serde_json::json!({"slug": new.slug.as_str(), "title": new.title})),
            },
        )?;
        get_site(conn, id)
    })
}

pub fn get_site(conn: &mut AnyConnection, id: i64) -> Result<Site> {
    sites::table
        .find(id)
        .select(Site::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "site",
            id: id.to_string(),
        })
}

pub fn by_slug(conn: &mut AnyConnection, slug: &str) -> Result<Option<Site>> {
    Ok(sites::table
        .filter(sites::slug.eq(slug))
        .select(Site::as_select())
        .first(conn)
        .optional()?)
}

pub fn portal(conn: &mut AnyConnection) -> Result<Option<Site>> {
    Ok(sites::table
        .filter(sites::is_portal.eq(true))
        .select(Site::as_select())
        .first(conn)
        .optional()?)
}

pub fn all_sites(conn: &mut AnyConnection) -> Result<Vec<Site>> {
    Ok(sites::table
        .order((sites::is_portal.desc(), sites::id.asc()))
        .select(Site::as_select())
        .load(conn)?)
}

pub struct NewColumn<'a> {
    pub site_id: i64,
    pub parent_id: Option<i64>,
    pub slug: &'a str,
    pub name: &'a str,
    pub kind: ColumnKind,
    pub module: Option<Module>,
    pub update_days: Option<i32>,
    pub update_category: UpdateCategory,
    pub link_url: Option<&'a str>,
    pub body_html: Option<&'a str>,
}

pub fn create_column(
    conn: &mut AnyConnection,
    actor: &Actor,
    new: &NewColumn<'_>,
) -> Result<Column> {
    SiteSlug::parse(new.slug)?;
    if new.name.trim().is_empty() {
        return Err(gongkai_domain::DomainError::invalid("name", "a column needs a name").into());
    }
    if matches!(new.update_days, Some(d) if d <= 0) {
        return Err(gongkai_domain::DomainError::invalid(
            "update_days",
            "must be a positive number of days",
        )
        .into());
    }
    write_txn(conn, |conn| {
        let site = get_site(conn, new.site_id)?;
        if let Some(pid) = new.parent_id {
            let parent = get_column(conn, pid)?;
            if parent.site_id != new.site_id {
                return Err(StorageError::Conflict(
                    "the parent column belongs to another site".into(),
                ));
            }
        }
        let taken: i64 = site_columns::table
            .filter(site_columns::site_id.eq(new.site_id))
            .filter(site_columns::slug.eq(new.slug))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(StorageError::Conflict(format!(
                "column slug {} is taken in this site",
                new.slug
            )));
        }
        let position: i64 = site_columns::table
            .filter(site_columns::site_id.eq(new.site_id))
            .count()
            .get_result(conn)?;
        let id: i64 = diesel::insert_into(site_columns::table)
            .values((
                site_columns::site_id.eq(new.site_id),
                site_columns::parent_id.eq(new.parent_id),
                site_columns::slug.eq(new.slug),
                site_columns::name.eq(new.name.trim()),
                site_columns::kind.eq(new.kind.as_str()),
                site_columns::module.eq(new.module.map(|m| m.as_str())),
                site_columns::update_days.eq(new.update_days),
                site_columns::update_category.eq(new.update_category.as_str()),
                site_columns::link_url.eq(new.link_url),
                site_columns::body_html.eq(new.body_html.map(gongkai_domain::item::sanitize_html)),
                site_columns::position.eq(position as i32),
                site_columns::created_at.eq(crate::now()),
            ))
            .returning(site_columns::id)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "column.create",
                entity: "column",
                entity_id: id.to_string(),
                org_id: Some(site.org_id),
                summary: format!("created column {} in site {}", new.name, site.slug),
                before: None,
                after: Some(serde_json::json!({"slug": new.slug, "kind": new.kind.as_str()})),
            },
        )?;
        get_column(conn, id)
    })
}

pub fn get_column(conn: &mut AnyConnection, id: i64) -> Result<Column> {
    site_columns::table
        .find(id)
        .select(Column::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "column",
            id: id.to_string(),
        })
}

pub fn column_by_slug(
    conn: &mut AnyConnection,
    site_id: i64,
    slug: &str,
) -> Result<Option<Column>> {
    Ok(site_columns::table
        .filter(site_columns::site_id.eq(site_id))
        .filter(site_columns::slug.eq(slug))
        .select(Column::as_select())
        .first(conn)
        .optional()?)
}

/// A site's columns in display order (parents before their children).
pub fn columns_of(conn: &mut AnyConnection, site_id: i64) -> Result<Vec<Column>> {
    let all: Vec<Column> = site_columns::table
        .filter(site_columns::site_id.eq(site_id))
        .order((site_columns::position.asc(), site_columns::id.asc()))
        .select(Column::as_select())
        .load(conn)?;
    Ok(tree_order(all))
}

pub fn all_columns(conn: &mut AnyConnection) -> Result<Vec<Column>> {
    Ok(site_columns::table
        .order((site_columns::site_id.asc(), site_columns::position.asc()))
        .select(Column::as_select())
        .load(conn)?)
}

/// Renames a site.
pub fn update_site(conn: &mut AnyConnection, actor: &Actor, id: i64, title: &str) -> Result<Site> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(gongkai_domain::DomainError::invalid(
            "title",
            "网站名称必填，且不超过 100 个字",
        )
        .into());
    }
    write_txn(conn, |conn| {
        let before = get_site(conn, id)?;
        diesel::update(sites::table.find(id))
            .set(sites::title.eq(title))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "site.update",
                entity: "site",
                entity_id: id.to_string(),
                org_id: Some(before.org_id),
                summary: format!("renamed site {} → {title}", before.title),
                before: Some(serde_json::json!({"title": before.title})),
                after: Some(serde_json::json!({"title": title})),
            },
        )?;
        get_site(conn, id)
    })
}

/// What staff may change on an existing column (its slug stays, so links keep working).
pub struct ColumnChanges<'a> {
    pub name: &'a str,
    pub kind: ColumnKind,
    pub module: Option<Module>,
    pub update_days: Option<i32>,
    pub update_category: UpdateCategory,
    pub link_url: Option<&'a str>,
    pub body_html: Option<&'a str>,
}

pub fn update_column(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    ch: &ColumnChanges<'_>,
) -> Result<Column> {
    if ch.name.trim().is_empty() {
        return Err(gongkai_domain::DomainError::invalid("name", "栏目名称必填").into());
    }
    if matches!(ch.update_days, Some(d) if d <= 0) {
        return Err(
            gongkai_domain::DomainError::invalid("update_days", "更新周期须为正整数天").into(),
        );
    }
    write_txn(conn, |conn| {
        let before = get_column(conn, id)?;
        let site = get_site(conn, before.site_id)?;
        diesel::update(site_columns::table.find(id))
            .set((
                site_columns::name.eq(ch.name.trim()),
                site_columns::kind.eq(ch.kind.as_str()),
                site_columns::module.eq(ch.module.map(|m| m.as_str())),
                site_columns::update_days.eq(ch.update_days),
                site_columns::update_category.eq(ch.update_category.as_str()),
                site_columns::link_url.eq(ch.link_url.filter(|l| !l.trim().is_empty())),
                site_columns::body_html.eq(ch
                    .body_html
                    .filter(|b| !b.trim().is_empty())
                    .map(gongkai_domain::item::sanitize_html)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "column.update",
                entity: "column",
                entity_id: id.to_string(),
                org_id: Some(site.org_id),
                summary: format!("updated column {} in site {}", ch.name.trim(), site.slug),
                before: Some(
                    serde_json::json!({"name": before.name, "kind": before.kind, "update_days": before.update_days, "update_category": before.update_category}),
                ),
                after: Some(
                    serde_json::json!({"name": ch.name.trim(), "kind": ch.kind.as_str(), "update_days": ch.update_days, "update_category": ch.update_category.as_str()}),
                ),
            },
        )?;
        get_column(conn, id)
    })
}

/// Deletes a column that holds no items and has no sub-columns (anything else is refused).
pub fn delete_column(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<()> {
    use crate::schema::item_columns;
    write_txn(conn, |conn| {
        let c = get_column(conn, id)?;
        let site = get_site(conn, c.site_id)?;
        let children: i64 = site_columns::table
            .filter(site_columns::parent_id.eq(id))
            .count()
            .get_result(conn)?;
        let items: i64 = item_columns::table
            .filter(item_columns::column_id.eq(id))
            .count()
            .get_result(conn)?;
        if children > 0 || items > 0 {
            return Err(StorageError::Conflict(format!(
                "栏目“{}”还有 {children} 个下级栏目、{items} 条信息，不能删除",
                c.name
            )));
        }
        diesel::delete(site_columns::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "column.delete",
                entity: "column",
                entity_id: id.to_string(),
                org_id: Some(site.org_id),
                summary: format!(
                    "deleted column {} ({}) in site {}",
                    c.name, c.slug, site.slug
                ),
                before: None,
                after: None,
            },
        )
    })
}

/// Orders columns depth-first so each parent precedes its children; returns them flat.
pub fn tree_order(all: Vec<Column>) -> Vec<Column> {
    fn walk(parent: Option<i64>, all: &[Column], out: &mut Vec<Column>) {
        for c in all.iter().filter(|c| c.parent_id == parent) {
            out.push(c.clone());
            walk(Some(c.id), all, out);
        }
    }
    let mut out = Vec::with_capacity(all.len());
    walk(None, &all, &mut out);
    out
}

/// Depth of each column in a tree-ordered list (0 for top-level).
pub fn depth(columns: &[Column], column: &Column) -> usize {
    let mut d = 0;
    let mut parent = column.parent_id;
    while let Some(p) = parent {
        d += 1;
        parent = columns.iter().find(|c| c.id == p).and_then(|c| c.parent_id);
        if d > 16 {
            break;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{on_both, seed_org};

    #[test]
    fn sites_and_column_trees() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let org = seed_org(&mut c, None, "00001434");
            let actor = Actor::system("test");
            let slug = SiteSlug::parse("jyj").unwrap();
            let site = create_site(
                &mut c,
                &actor,
                &NewSite {
                    org_id: org,
                    slug: &slug,
                    title: "市教育局",
                    is_portal: false,
                },
            )
            .unwrap();
            assert!(create_site(
                &mut c,
                &actor,
                &NewSite {
                    org_id: org,
                    slug: &slug,
                    title: "again",
                    is_portal: false
                }
            )
            .is_err());
            let col = |parent, slug: &'static str| NewColumn {
                site_id: site.id,
                parent_id: parent,
                slug,
                name: slug,
                kind: ColumnKind::Catalogue,
                module: Some(Module::GovernmentAffairs),
                update_days: Some(14),
                update_category: Default::default(),
                link_url: None,
                body_html: None,
            };
            let top = create_column(&mut c, &actor, &col(None, "zcwj")).unwrap();
            let other = create_column(&mut c, &actor, &col(None, "tzgg")).unwrap();
            let child = create_column(&mut c, &actor, &col(Some(top.id), "gfxwj")).unwrap();
            assert!(
                create_column(&mut c, &actor, &col(None, "zcwj")).is_err(),
                "duplicate slug"
            );
            let cols = columns_of(&mut c, site.id).unwrap();
            let ids: Vec<i64> = cols.iter().map(|c| c.id).collect();
            assert_eq!(ids, [top.id, child.id, other.id]);
            assert_eq!(depth(&cols, &cols[1]), 1);
            assert_eq!(
                column_by_slug(&mut c, site.id, "gfxwj")
                    .unwrap()
                    .unwrap()
                    .id,
                child.id
            );
            assert_eq!(cols[0].module(), Some(Module::GovernmentAffairs));
            let renamed = update_column(
                &mut c,
                &actor,
                other.id,
                &ColumnChanges {
                    name: "通知公告",
                    kind: ColumnKind::Articles,
                    module: None,
                    update_days: Some(7),
                    update_category: UpdateCategory::Static,
                    link_url: None,
                    body_html: None,
                },
            )
            .unwrap();
            assert_eq!(
                (
                    renamed.name.as_str(),
                    renamed.slug.as_str(),
                    renamed.update_days
                ),
                ("通知公告", "tzgg", Some(7))
            );
            assert_eq!(renamed.update_category(), UpdateCategory::Static);
            assert_eq!(
                get_column(&mut c, top.id).unwrap().update_category(),
                UpdateCategory::Auto,
                "new columns are judged by their name until staff say otherwise"
            );
            assert!(
                delete_column(&mut c, &actor, top.id).is_err(),
                "a column with sub-columns stays"
            );
            delete_column(&mut c, &actor, child.id).unwrap();
            assert_eq!(columns_of(&mut c, site.id).unwrap().len(), 2);
            assert_eq!(
                update_site(&mut c, &actor, site.id, "示范市教育局")
                    .unwrap()
                    .title,
                "示范市教育局"
            );
            assert!(update_site(&mut c, &actor, site.id, " ").is_err());
        });
    }
}
