//! The small, rarely changing tables every page needs (organisations, sites, columns, subjects),
//! read once and cached for a few seconds; staff changes to them drop the cache at once.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use gongkai_storage::org::Organisation;
use gongkai_storage::site::{Column, Site};
use gongkai_storage::subject::Subject;
use gongkai_storage::AnyConnection;

use crate::error::WebResult;

const TTL: Duration = Duration::from_secs(5);

pub struct Directory {
    pub orgs: Vec<Organisation>,
    pub sites: Vec<Site>,
    pub columns: Vec<Column>,
    pub subjects: Vec<Subject>,
    org_index: HashMap<i64, usize>,
    site_index: HashMap<i64, usize>,
    column_index: HashMap<i64, usize>,
}

impl Directory {
    pub fn load(conn: &mut AnyConnection) -> WebResult<Directory> {
        let orgs = gongkai_storage::org::all(conn)?;
        let sites = gongkai_storage::site::all_sites(conn)?;
        let columns = gongkai_storage::site::tree_order(gongkai_storage::site::all_columns(conn)?);
        let subjects = gongkai_storage::subject::all(conn)?;
        Ok(Directory {
            org_index: orgs.iter().enumerate().map(|(i, o)| (o.id, i)).collect(),
            site_index: sites.iter().enumerate().map(|(i, s)| (s.id, i)).collect(),
            column_index: columns.iter().enumerate().map(|(i, c)| (c.id, i)).collect(),
            orgs,
            sites,
            columns,
            subjects,
        })
    }

    pub fn org(&self, id: i64) -> Option<&Organisation> {
        self.org_index.get(&id).map(|i| &self.orgs[*i])
    }
    pub fn org_name(&self, id: i64) -> String {
        self.org(id).map(|o| o.name.clone()).unwrap_or_default()
    }
    pub fn site(&self, id: i64) -> Option<&Site> {
        self.site_index.get(&id).map(|i| &self.sites[*i])
    }
    pub fn site_by_slug(&self, slug: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.slug == slug)
    }
    pub fn portal(&self) -> Option<&Site> {
        self.sites.iter().find(|s| s.is_portal)
    }
    pub fn column(&self, id: i64) -> Option<&Column> {
        self.column_index.get(&id).map(|i| &self.columns[*i])
    }
    /// A site's columns in tree order.
    pub fn columns_of(&self, site_id: i64) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(move |c| c.site_id == site_id)
    }
    pub fn subject(&self, id: i64) -> Option<&Subject> {
        self.subjects.iter().find(|s| s.id == id)
    }
    /// `父类\子类` as portals show 主题分类.
    pub fn subject_path(&self, id: i64) -> String {
        match self.subject(id) {
            Some(s) => match s.parent_id.and_then(|p| self.subject(p)) {
                Some(parent) => format!("{}\\{}", parent.name, s.name),
                None => s.name.clone(),
            },
            None => String::new(),
        }
    }
    /// Ids of the organisation and all below it.
    pub fn org_subtree(&self, id: i64) -> Vec<i64> {
        match self.org(id) {
            Some(root) => self
                .orgs
                .iter()
                .filter(|o| o.path.starts_with(&root.path))
                .map(|o| o.id)
                .collect(),
            None => vec![],
        }
    }
    /// Organisations whose path starts with any of `paths` (a user's scopes).
    pub fn orgs_within(&self, paths: &[String]) -> Vec<&Organisation> {
        self.orgs
            .iter()
            .filter(|o| paths.iter().any(|p| o.path.starts_with(p.as_str())))
            .collect()
    }

    pub fn site_url(&self, site: &Site) -> String {
        if site.is_portal {
            "/".into()
        } else {
            format!("/s/{}/", site.slug)
        }
    }
    pub fn column_url(&self, column: &Column) -> String {
        if let Some(link) = &column.link_url {
            return link.clone();
        }
        let slug = self
            .site(column.site_id)
            .map(|s| s.slug.as_str())
            .unwrap_or("");
        format!("/s/{slug}/c/{}/", column.slug)
    }
}

#[derive(Default)]
pub struct DirectoryCache(RwLock<Option<(Instant, Arc<Directory>)>>);

impl DirectoryCache {
    pub fn get(&self) -> Option<Arc<Directory>> {
        let guard = self.0.read().expect("directory lock");
        guard
            .as_ref()
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, d)| d.clone())
    }
    pub fn put(&self, d: Arc<Directory>) {
        *self.0.write().expect("directory lock") = Some((Instant::now(), d));
    }
    pub fn invalidate(&self) {
        *self.0.write().expect("directory lock") = None;
    }
}
