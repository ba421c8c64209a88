//! 示范市 — the demo city that `gongkai serve --demo` loads: a municipal government with 37
//! departments (36 with their own sub-site), 6 counties and districts with departments and
//! townships, 43 sites with column trees in the seed's four modules, the national 主题分类
//! subject tree, staff for every role, and a few thousand real documents from `shared/data/`
//! placed in the organisations and columns they concern.
//!
//! **Idempotence.** The whole load is one transaction, so a database holds either the complete
//! demo city or none of it. The portal site (slug `www`, owned by 示范市人民政府) is the marker:
//! when it exists, loading returns at once with the counts found in the database and without
//! passwords (they were shown once, when the accounts were made, and only their hashes are
//! stored). A database with some other portal is refused rather than mixed with the demo.
//!
//! **Determinism.** Everything but the staff passwords follows from the input files: records are
//! chosen and placed by a stable hash of their ids, and items are published in date order, so
//! the same files give the same items with the same 索引号.

pub mod city;
mod engage;
mod sample;
mod sources;
mod texts;
// Key areas (issue 8).
mod trading;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use gongkai_domain::catalogue::Genre;
use gongkai_domain::index_number::IndexPattern;
use gongkai_domain::item::ItemInput;
use gongkai_domain::org::{org_code_with_check, OrgKind, OrgLevel};
use gongkai_domain::role::Role;
use gongkai_domain::site::{ColumnKind, Module, SiteSlug};
use gongkai_domain::workflow::{ItemStatus, WorkflowAction};
use gongkai_storage::audit::Actor;
use gongkai_storage::item::{self, Placement};
use gongkai_storage::schema::{
    item_relations, items, organisations, site_columns, sites, subjects, users,
};
use gongkai_storage::site::{self as site_store, NewColumn, NewSite};
use gongkai_storage::{
    org as org_store, subject as subject_store, user as user_store, AnyConnection, Database,
};
use indicatif::{ProgressBar, ProgressStyle};
use rand::distributions::Alphanumeric;
use rand::Rng;

use self::city::{ColumnSpec, KeyColumn, COUNTIES, DEPARTMENTS};
use self::sources::{Doc, Origin};
use crate::error::{IngestError, Result};

/// How much of the demo to load.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Items made from the shared data (laws, policies and their interpretations). The built-in
    /// sample, the annual reports and the workflow items come on top (about 100).
    pub max_items: usize,
    /// The 索引号 layout the platform is configured with.
    pub pattern: IndexPattern,
    /// Only organisations, sites, columns, subjects and staff: an empty city to import into.
    pub structure_only: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            max_items: 4_000,
            pattern: IndexPattern::default(),
            structure_only: false,
        }
    }
}

/// Where the demo's documents came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// `shared/data/`: so many laws and policy documents were read.
    Shared {
        dir: PathBuf,
        laws: usize,
        policies: usize,
    },
    /// The shared data was absent: only the built-in sample.
    BuiltIn,
}

/// A demo staff account. `password` is set only by the load that created the account.
#[derive(Debug, Clone)]
pub struct DemoUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_name: String,
    pub password: Option<String>,
}

/// What the demo city holds, for `serve --demo` to print.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// The city was there already; nothing was written.
    pub already_loaded: bool,
    /// `None` when already loaded (the earlier load's source is not recorded).
    pub source: Option<DataSource>,
    pub organisations: i64,
    pub sites: i64,
    pub columns: i64,
    pub subjects: i64,
    pub published: i64,
    pub withdrawn: i64,
    /// Drafts and items waiting in review, approved, rejected or scheduled.
    pub in_workflow: i64,
    /// 政策解读 linked to the policy they explain.
    pub interpretations: i64,
    /// Source records left out because their metadata did not validate.
    pub skipped: usize,
    pub users: Vec<DemoUser>,
    pub elapsed: Duration,
}

impl fmt::Display for DemoSummary {
    /// The lines `serve --demo` prints: counts, then one line per account.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.already_loaded {
            "already loaded"
        } else {
            "loaded"
        };
        writeln!(
            f,
            "demo city {verb}: {} organisations, {} sites, {} columns, {} subjects; {} published items ({} withdrawn, {} in the workflow, {} interpretations) in {:.1} s",
            self.organisations,
            self.sites,
            self.columns,
            self.subjects,
            self.published,
            self.withdrawn,
            self.in_workflow,
            self.interpretations,
            self.elapsed.as_secs_f64()
        )?;
        match &self.source {
            Some(DataSource::Shared {
                dir,
                laws,
                policies,
            }) => writeln!(
                f,
                "documents from {}: {laws} laws and regulations, {policies} policy documents",
                dir.display()
            )?,
            Some(DataSource::BuiltIn) => {
                writeln!(f, "shared data not found: built-in sample only")?
            }
            None => {}
        }
        for u in &self.users {
            let pw = u
                .password
                .as_deref()
                .unwrap_or("(set when the demo was first loaded)");
            // Username and password first and in fixed columns: they are what people copy.
            writeln!(
                f,
                "  {:<14} password: {pw:<18} {} · {}",
                u.username,
                u.role.label_zh(),
                u.org_name
            )?;
        }
        Ok(())
    }
}

/// Loads the demo city with the default size (see [`DemoOptions`]).
///
/// `shared` is the shared folder (`../shared`) or its `data` folder; when it is `None` or holds
/// no data, the built-in sample alone is loaded. `progress` shows an indicatif bar on stderr.
pub fn load_demo_city(db: &Database, shared: Option<&Path>, progress: bool) -> Result<DemoSummary> {
    load_demo_city_with(db, shared, progress, &DemoOptions::default())
}

/// [`load_demo_city`] with options (tests load a small city).
pub fn load_demo_city_with(
    db: &Database,
    shared: Option<&Path>,
    progress: bool,
    opts: &DemoOptions,
) -> Result<DemoSummary> {
    let started = Instant::now();
    let mut conn = db.conn()?;
    if is_loaded(&mut conn)? {
        let users = existing_users(&mut conn)?;
        let mut s = summarise(&mut conn, true, None, 0, users)?;
        s.elapsed = started.elapsed();
        return Ok(s);
    }
    let now = gongkai_storage::now();
    let bar = if progress {
        let b = ProgressBar::new(0);
        b.set_style(
            ProgressStyle::with_template("{msg:24} [{bar:40}] {pos}/{len} ({elapsed})")
                .expect("constant template")
                .progress_chars("=> "),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    // Files are read before the transaction opens, so the database is not locked while parsing.
    bar.set_message("reading shared data");
    let (docs, source) = if opts.structure_only {
        (Vec::new(), DataSource::BuiltIn)
    } else {
        read_sources(shared, opts, now.date())?
    };
    let mut skipped = 0;
    let users = conn.transaction::<_, IngestError, _>(|c| {
        take_write_lock(c)?;
        bar.set_message("organisations and sites");
        let city = build_structure(c)?;
        bar.set_message("staff accounts");
        let users = create_users(c, &city)?;
        if !opts.structure_only {
            let plan = plan_items(&city, &docs, now);
            bar.set_length(plan.len() as u64 + sample::WORKFLOW.len() as u64);
            bar.set_message("publishing items");
            skipped = publish_plan(c, &city, plan, opts, now, &bar)?;
            bar.set_message("workflow items");
            workflow_items(c, &city, opts, now, &bar)?;
            // Key areas (issue 8).
            bar.set_message("trading announcements");
            trading::load(c, &city, now.date())?;
            bar.set_message("surveys");
            engage::load(c, &city, now)?;
            engage::load_events(c, &city, now)?;
        }
        Ok(users)
    })?;
    bar.finish_and_clear();
    let mut s = summarise(&mut conn, false, Some(source), skipped, users)?;
    s.elapsed = started.elapsed();
    Ok(s)
}

/// On SQLite, takes the write lock before the first read, as the storage crate's `write_txn`
/// does, so a concurrent writer waits instead of failing the load halfway.
fn take_write_lock(c: &mut AnyConnection) -> Result<()> {
    if matches!(c, AnyConnection::Sqlite(_)) {
        use gongkai_storage::schema::write_lock;
        diesel::update(write_lock::table.find(1))
            .set(write_lock::n.eq(write_lock::n + 1))
            .execute(c)?;
    }
    Ok(())
}

fn government_code() -> String {
    org_code_with_check(city::GOVERNMENT_CODE8)
        .as_str()
        .to_string()
}

/// Whether the demo city is there; refuses a database whose portal is someone else's.
fn is_loaded(c: &mut AnyConnection) -> Result<bool> {
    let Some(portal) = site_store::portal(c)? else {
        return Ok(false);
    };
    let org = org_store::get(c, portal.org_id)?;
    if portal.slug == city::PORTAL_SLUG && org.code == government_code() {
        Ok(true)
    } else {
        Err(IngestError::Conflict(format!(
            "this database already has a portal ({}, {}) that is not the demo city; use an empty data directory for --demo",
            portal.slug, org.name
        )))
    }
}

fn existing_users(c: &mut AnyConnection) -> Result<Vec<DemoUser>> {
    let mut out = Vec::new();
    for (username, display_name, role, _) in sample::USERS {
        let row: Option<(String, String)> = users::table
            .inner_join(organisations::table.on(organisations::id.eq(users::org_id)))
            .filter(users::username.eq(*username))
            .select((users::display_name, organisations::name))
            .first(c)
            .optional()?;
        if let Some((dn, org_name)) = row {
            let _ = display_name;
            out.push(DemoUser {
                username: username.to_string(),
                display_name: dn,
                role: *role,
                org_name,
                password: None,
            });
        }
    }
    Ok(out)
}

fn summarise(
    c: &mut AnyConnection,
    already_loaded: bool,
    source: Option<DataSource>,
    skipped: usize,
    users: Vec<DemoUser>,
) -> Result<DemoSummary> {
    let by_status: Vec<(String, i64)> = items::table
        .group_by(items::status)
        .select((items::status, diesel::dsl::count_star()))
        .load(c)?;
    let count = |s: ItemStatus| {
        by_status
            .iter()
            .filter(|(k, _)| k == s.as_str())
            .map(|(_, n)| *n)
            .sum::<i64>()
    };
    let in_workflow = [
        ItemStatus::Draft,
        ItemStatus::Submitted,
        ItemStatus::Approved,
        ItemStatus::Rejected,
        ItemStatus::Scheduled,
    ]
    .into_iter()
    .map(count)
    .sum();
    Ok(DemoSummary {
        already_loaded,
        source,
        organisations: organisations::table.count().get_result(c)?,
        sites: sites::table.count().get_result(c)?,
        columns: site_columns::table.count().get_result(c)?,
        subjects: subjects::table.count().get_result(c)?,
        published: count(ItemStatus::Published),
        withdrawn: count(ItemStatus::Withdrawn),
        in_workflow,
        interpretations: item_relations::table
            .filter(item_relations::kind.eq(item::INTERPRETATION))
            .count()
            .get_result(c)?,
        skipped,
        users,
        elapsed: Duration::ZERO,
    })
}

// ---------------------------------------------------------------------------------------------
// Reading the shared data

fn data_dir(shared: Option<&Path>) -> Option<PathBuf> {
    let p = shared?;
    [p.join("data"), p.to_path_buf()]
        .into_iter()
        .find(|d| d.join("laws").is_dir() || d.join("policies").is_dir())
}

fn read_sources(
    shared: Option<&Path>,
    opts: &DemoOptions,
    today: NaiveDate,
) -> Result<(Vec<Doc>, DataSource)> {
    let Some(dir) = data_dir(shared) else {
        return Ok((Vec::new(), DataSource::BuiltIn));
    };
    let laws_file = dir.join("laws/lawrefbook_laws.jsonl");
    let policies_dir = dir.join("policies");
    let have_laws = laws_file.is_file();
    let have_policies = policies_dir.join("ptc_gov_doc_metadata.jsonl").is_file()
        || policies_dir.join("ptc_sample50_with_body.jsonl").is_file();
    // A quarter laws, a twenty-fifth interpretations (made from policies), the rest policies.
    let interp = opts.max_items / 25;
    let (n_laws, n_policies) = match (have_laws, have_policies) {
        (true, true) => (
            opts.max_items / 4,
            opts.max_items - opts.max_items / 4 - interp,
        ),
        (true, false) => (opts.max_items, 0),
        (false, true) => (0, opts.max_items - interp),
        (false, false) => return Ok((Vec::new(), DataSource::BuiltIn)),
    };
    let mut docs = if have_laws {
        sources::read_laws(&laws_file, n_laws)?
    } else {
        Vec::new()
    };
    let laws = docs.len();
    if have_policies {
        docs.extend(sources::read_policies(&policies_dir, n_policies, today)?);
    }
    let policies = docs.len() - laws;
    Ok((
        docs,
        DataSource::Shared {
            dir,
            laws,
            policies,
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// Organisations, sites, columns, subjects

struct OrgRef {
    id: i64,
    name: String,
}

struct SiteRef {
    id: i64,
    org_key: String,
}

/// Ids of everything the structure step made, by the keys the plan uses.
struct City {
    orgs: BTreeMap<String, OrgRef>,
    sites: BTreeMap<String, SiteRef>,
    columns: HashMap<(String, String), i64>,
    subjects: HashMap<&'static str, i64>,
}

impl City {
    fn org(&self, key: &str) -> &OrgRef {
        self.orgs
            .get(key)
            .unwrap_or_else(|| panic!("demo organisation key {key}"))
    }
    fn column(&self, site: &str, slug: &str) -> i64 {
        *self
            .columns
            .get(&(site.to_string(), slug.to_string()))
            .unwrap_or_else(|| panic!("demo column {site}/{slug}"))
    }
}

/// Short names as a city's documents write them (市发改委, not 市发展和改革委员会).
fn short_name(name: &str) -> String {
    let short = match name {
        "发展和改革委员会" => "发改委",
        "人力资源和社会保障局" => "人社局",
        "住房和城乡建设局" => "住建局",
        "卫生健康委员会" => "卫健委",
        "人民政府国有资产监督管理委员会" => "国资委",
        "市场监督管理局" => "市场监管局",
        "政务服务和大数据管理局" => "政务服务数据局",
        "自然资源和规划局" => "自然资源规划局",
        "文化和旅游局" => "文旅局",
        "生态环境局" => "生态环境局",
        "民族宗教事务局" => "民宗局",
        "退役军人事务局" => "退役军人局",
        other => other,
    };
    format!("市{short}")
}

fn township_name(county: &str, town: &str) -> String {
    if town.ends_with("街道") {
        format!("{county}{town}办事处")
    } else {
        format!("{county}{town}人民政府")
    }
}

fn build_structure(c: &mut AnyConnection) -> Result<City> {
    let actor = Actor::system("demo");
    let mut city = City {
        orgs: BTreeMap::new(),
        sites: BTreeMap::new(),
        columns: HashMap::new(),
        subjects: HashMap::new(),
    };

    for (code, name, parent) in city::SUBJECTS {
        let parent_id = parent.map(|p| city.subjects[p]);
        let s = subject_store::ensure(c, parent_id, code, name)?;
        city.subjects.insert(code, s.id);
    }

    let add_org = |c: &mut AnyConnection,
                   city: &mut City,
                   key: String,
                   parent: Option<&str>,
                   name: &str,
                   short: &str,
                   code8: &str,
                   level,
                   kind|
     -> Result<()> {
        let parent_id = parent.map(|p| city.org(p).id);
        let o = org_store::create(
            c,
            &org_store::NewOrganisation {
                parent_id,
                name,
                short_name: short,
                code: &org_code_with_check(code8),
                level,
                kind,
            },
        )?;
        city.orgs.insert(
            key,
            OrgRef {
                id: o.id,
                name: name.to_string(),
            },
        );
        Ok(())
    };
    add_org(
        c,
        &mut city,
        "gov".into(),
        None,
        city::GOVERNMENT,
        "市政府",
        city::GOVERNMENT_CODE8,
        OrgLevel::City,
        OrgKind::Government,
    )?;
    add_org(
        c,
        &mut city,
        "office".into(),
        Some("gov"),
        city::OFFICE,
        "市政府办公室",
        city::OFFICE_CODE8,
        OrgLevel::City,
        OrgKind::Department,
    )?;
    for (i, d) in DEPARTMENTS.iter().enumerate() {
        let name = format!("{}{}", city::CITY, d.name);
        add_org(
            c,
            &mut city,
            d.slug.into(),
            Some("gov"),
            &name,
            &short_name(d.name),
            &city::department_code8(i),
            OrgLevel::City,
            OrgKind::Department,
        )?;
    }
    for (ci, county) in COUNTIES.iter().enumerate() {
        let name = format!("{}人民政府", county.name);
        add_org(
            c,
            &mut city,
            county.slug.into(),
            Some("gov"),
            &name,
            &format!("{}政府", county.name),
            &city::county_code8(ci),
            OrgLevel::County,
            OrgKind::Government,
        )?;
        for (di, (dname, mirror)) in county.departments.iter().enumerate() {
            let name = format!("{}{dname}", county.name);
            let key = format!("{}.{mirror}", county.slug);
            add_org(
                c,
                &mut city,
                key,
                Some(county.slug),
                &name,
                &name,
                &city::county_department_code8(ci, di),
                OrgLevel::County,
                OrgKind::Department,
            )?;
        }
        for (ti, town) in county.townships.iter().enumerate() {
            let key = format!("{}.t{ti}", county.slug);
            add_org(
                c,
                &mut city,
                key,
                Some(county.slug),
                &township_name(county.name, town),
                town,
                &city::township_code8(ci, ti),
                OrgLevel::Township,
                OrgKind::Township,
            )?;
        }
    }

    let subject_name = |code: &str| {
        city::SUBJECTS
            .iter()
            .find(|s| s.0 == code)
            .map(|s| s.1)
            .unwrap_or("综合政务")
    };
    let mut n = 0;
    let mut add_site = |c: &mut AnyConnection,
                        city: &mut City,
                        slug: &str,
                        org_key: &str,
                        title: &str,
                        portal: bool,
                        business: &str|
     -> Result<()> {
        let site = site_store::create_site(
            c,
            &actor,
            &NewSite {
                org_id: city.org(org_key).id,
                slug: &SiteSlug::parse(slug)?,
                title,
                is_portal: portal,
            },
        )?;
        let org_name = city.org(org_key).name.clone();
        let columns: Vec<&ColumnSpec> = if portal {
            city::PORTAL_COLUMNS.iter().collect()
        } else if COUNTIES.iter().any(|c| c.slug == slug) {
            city::SUBSITE_COLUMNS
                .iter()
                .chain(city::COUNTY_EXTRA_COLUMNS)
                .collect()
        } else {
            city::SUBSITE_COLUMNS.iter().collect()
        };
        let key_columns: &[KeyColumn] = if portal {
            city::PORTAL_KEY_COLUMNS
        } else {
            DEPARTMENTS
                .iter()
                .find(|d| d.slug == slug)
                .map(|d| d.key_columns)
                .unwrap_or(&[])
        };
        let guide = texts::guide(&org_name, title, n);
        let functions = texts::functions(&org_name, business);
        let leaders = texts::leaders(&org_name);
        n += 1;
        for spec in columns {
            let body = match spec.slug {
                "gkzn" => Some(guide.as_str()),
                "jgzn" => Some(functions.as_str()),
                "ldxx" | "ldzc" => Some(leaders.as_str()),
                "gkzd" => Some(texts::DISCLOSURE_RULES),
                _ => None,
            };
            let parent_id = spec.parent.map(|p| city.column(slug, p));
            let col = site_store::create_column(
                c,
                &actor,
                &NewColumn {
                    site_id: site.id,
                    parent_id,
                    slug: spec.slug,
                    name: spec.name,
                    kind: spec.kind,
                    module: Some(spec.module),
                    update_days: spec.update_days,
                    update_category: Default::default(),
                    link_url: spec.link_url,
                    body_html: body,
                },
            )?;
            city.columns
                .insert((slug.to_string(), spec.slug.to_string()), col.id);
        }
        for k in key_columns {
            let col = site_store::create_column(
                c,
                &actor,
                &NewColumn {
                    site_id: site.id,
                    parent_id: None,
                    slug: k.slug,
                    name: k.name,
                    kind: ColumnKind::Catalogue,
                    module: Some(Module::KeyAreas),
                    update_days: Some(30),
                    update_category: Default::default(),
                    link_url: None,
                    body_html: None,
                },
            )?;
            city.columns
                .insert((slug.to_string(), k.slug.to_string()), col.id);
        }
        city.sites.insert(
            slug.to_string(),
            SiteRef {
                id: site.id,
                org_key: org_key.to_string(),
            },
        );
        Ok(())
    };
    add_site(
        c,
        &mut city,
        city::PORTAL_SLUG,
        "gov",
        city::PORTAL_TITLE,
        true,
        "综合政务",
    )?;
    for d in DEPARTMENTS {
        let title = format!("{}{}", city::CITY, d.name);
        add_site(
            c,
            &mut city,
            d.slug,
            d.slug,
            &title,
            false,
            subject_name(d.subject),
        )?;
    }
    for county in COUNTIES {
        let title = format!("{}人民政府", county.name);
        add_site(
            c,
            &mut city,
            county.slug,
            county.slug,
            &title,
            false,
            "本行政区域内经济社会发展",
        )?;
    }
    Ok(city)
}

fn random_password() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

fn create_users(c: &mut AnyConnection, city: &City) -> Result<Vec<DemoUser>> {
    let actor = Actor::system("demo");
    let mut list = Vec::new();
    for (username, display_name, role, org_key) in sample::USERS {
        let org = city.org(org_key);
        let password = random_password();
        user_store::create(
            c,
            &actor,
            &user_store::NewUser {
                username,
                display_name,
                password: &password,
                org_id: org.id,
                roles: &[(*role, org.id)],
            },
        )?;
        list.push(DemoUser {
            username: username.to_string(),
            display_name: display_name.to_string(),
            role: *role,
            org_name: org.name.clone(),
            password: Some(password),
        });
    }
    Ok(list)
}

// ---------------------------------------------------------------------------------------------
// Planning where every item goes

/// One item to publish.
struct Planned {
    site: String,
    org: String,
    columns: Vec<(String, String)>,
    subject: &'static str,
    input: ItemInput,
    published_at: NaiveDateTime,
    /// Plan index of the policy this item interprets.
    interprets: Option<usize>,
    withdraw: Option<String>,
    key: u64,
}

/// The 条例 took effect on 2008-05-01; older documents appear as posted in the months after,
/// as they were when city portals first filled their catalogues.
fn posting_time(date: NaiveDate, key: u64) -> NaiveDateTime {
    let start = NaiveDate::from_ymd_opt(2008, 5, 1).expect("valid date");
    let day = if date < start {
        start + chrono::Duration::days((key % 180) as i64)
    } else {
        date
    };
    // Office hours, 08:30-17:30, spread by the record's hash.
    let minutes = 8 * 60 + 30 + (key / 7 % 540) as u32;
    day.and_time(NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).expect("valid time"))
}

fn subsite_column(genre: Genre) -> &'static str {
    match genre {
        Genre::Notice => "tzgg",
        Genre::Plan => "ghjh",
        Genre::PersonnelNotice => "rsxx",
        Genre::Budget => "czyjs",
        Genre::Interpretation => "zcjd",
        Genre::News => "gzdt",
        Genre::AnnualReport => "gknb",
        _ => "zcwj",
    }
}

fn portal_columns(genre: Genre, office: bool) -> Vec<&'static str> {
    match genre {
        Genre::Regulation | Genre::NormativeDocument => {
            vec![if office { "szfbwj" } else { "szfwj" }, "gfxwj"]
        }
        Genre::OtherDocument | Genre::Other => vec![if office { "szfbwj" } else { "szfwj" }],
        Genre::Statistics => vec!["tjxx"],
        g => vec![subsite_column(g)],
    }
}

fn channels(key: u64, gazette: bool) -> Vec<String> {
    let mut ch = vec!["website"];
    if key % 3 == 0 {
        ch.push("wechat");
    }
    if key % 4 == 1 {
        ch.push("weibo");
    }
    if key % 11 == 0 {
        ch.push("app");
    }
    if gazette {
        ch.push("gazette");
    }
    ch.into_iter().map(String::from).collect()
}

const WITHDRAW_REASONS: &[&str] = &[
    "该文件已被新发布的文件替代",
    "发布栏目有误，已调整后重新发布",
    "文件内容依申请更正后重新发布",
];

/// Decides site, organisation, columns and subject of each document and adds the generated
/// items (interpretations, annual reports) and the built-in sample.
fn plan_items(city: &City, docs: &[Doc], now: NaiveDateTime) -> Vec<Planned> {
    let mut plan: Vec<Planned> = Vec::with_capacity(docs.len() + 200);
    let n_interpretations = docs
        .iter()
        .filter(|d| matches!(d.origin, Origin::Policy { .. }))
        .count()
        / 24;
    for doc in docs {
        let hit = if doc.genre == Genre::PersonnelNotice {
            None
        } else {
            city::classify(&doc.title)
        };
        let keyword = hit.map(|(_, k)| k).unwrap_or("");
        let rule_dept = hit.map(|(r, _)| r.dept);
        let mut columns: Vec<(String, String)> = Vec::new();
        let (site, org, subject): (String, String, &'static str);
        match doc.origin {
            Origin::Law { national } => {
                subject = hit.map(|(r, _)| r.subject).unwrap_or("1502");
                (site, org) = match rule_dept {
                    Some(d) => (d.into(), d.into()),
                    None if national => (city::PORTAL_SLUG.into(), "office".into()),
                    None => ("sfj".into(), "sfj".into()),
                };
                columns.push((site.clone(), "flfg".into()));
            }
            Origin::Policy { office } => {
                subject = match (hit, doc.genre) {
                    (Some((r, _)), _) => r.subject,
                    (None, Genre::PersonnelNotice) => "1403",
                    (None, _) => "01",
                };
                let h = doc.key;
                if h % 100 < 26 {
                    // About a quarter goes to the counties, as in the seed (29,836 of 106,144).
                    let county = &COUNTIES[(h / 100 % COUNTIES.len() as u64) as usize];
                    site = county.slug.into();
                    let dept =
                        rule_dept.and_then(|d| county.departments.iter().find(|(_, m)| *m == d));
                    if let Some((_, mirror)) = dept {
                        org = format!("{}.{mirror}", county.slug);
                        columns.push((site.clone(), subsite_column(doc.genre).into()));
                    } else if h / 600 % 4 == 0 {
                        org = format!(
                            "{}.t{}",
                            county.slug,
                            h / 2400 % county.townships.len() as u64
                        );
                        columns.push((site.clone(), "xzxx".into()));
                    } else {
                        org = county.slug.into();
                        columns.push((site.clone(), subsite_column(doc.genre).into()));
                    }
                } else if let Some(d) = rule_dept {
                    site = d.into();
                    org = d.into();
                    columns.push((site.clone(), subsite_column(doc.genre).into()));
                    let dept = DEPARTMENTS
                        .iter()
                        .find(|x| x.slug == d)
                        .expect("rules name departments");
                    for k in dept
                        .key_columns
                        .iter()
                        .filter(|k| k.keywords.iter().any(|w| doc.title.contains(w)))
                    {
                        columns.push((site.clone(), k.slug.into()));
                    }
                } else {
                    site = city::PORTAL_SLUG.into();
                    org = if office {
                        "office".into()
                    } else {
                        "gov".into()
                    };
                    columns.extend(
                        portal_columns(doc.genre, office)
                            .into_iter()
                            .map(|c| (site.clone(), c.to_string())),
                    );
                }
                for k in city::PORTAL_KEY_COLUMNS
                    .iter()
                    .filter(|k| k.keywords.iter().any(|w| doc.title.contains(w)))
                {
                    let pair = (city::PORTAL_SLUG.to_string(), k.slug.to_string());
                    if !columns.contains(&pair) {
                        columns.push(pair);
                    }
                }
            }
        }
        let gazette = site == city::PORTAL_SLUG
            && matches!(doc.genre, Genre::Regulation | Genre::NormativeDocument)
            && !matches!(doc.origin, Origin::Law { .. });
        // A 施行 date after the law was superseded is a data error; keep the supersession.
        let valid_from = doc
            .valid_from
            .filter(|v| doc.invalid_from.is_none_or(|i| *v <= i));
        let input = ItemInput {
            title: doc.title.clone(),
            body_html: doc.body_html.clone(),
            made_on: doc.made_on.to_string(),
            doc_number: doc.doc_number.clone().unwrap_or_default(),
            genre: doc.genre.as_str().into(),
            keywords: keyword.into(),
            validity: doc.validity.as_str().into(),
            valid_from: valid_from.map(|d| d.to_string()).unwrap_or_default(),
            invalid_from: doc.invalid_from.map(|d| d.to_string()).unwrap_or_default(),
            channels: channels(doc.key, gazette),
            ..Default::default()
        };
        let withdraw = (doc.key % 397 == 11)
            .then(|| WITHDRAW_REASONS[(doc.key / 397 % 3) as usize].to_string());
        plan.push(Planned {
            site,
            org,
            columns,
            subject,
            input,
            published_at: posting_time(doc.published_on, doc.key),
            interprets: None,
            withdraw,
            key: doc.key,
        });
    }

    // Interpretations of the normative documents with the smallest keys.
    let mut normative: Vec<usize> = (0..plan.len())
        .filter(|i| {
            plan[*i].input.genre == Genre::NormativeDocument.as_str() && plan[*i].withdraw.is_none()
        })
        .collect();
    normative.sort_by_key(|i| plan[*i].key);
    for i in normative.into_iter().take(n_interpretations) {
        let p = &plan[i];
        let title = format!("《{}》政策解读", p.input.title);
        if title.chars().count() > gongkai_domain::item::MAX_TITLE_CHARS {
            continue;
        }
        let org_name = &city.org(&p.org).name;
        let doc_number = Some(p.input.doc_number.as_str()).filter(|d| !d.is_empty());
        let mut columns = vec![(p.site.clone(), "zcjd".to_string())];
        if p.site != city::PORTAL_SLUG && !COUNTIES.iter().any(|c| c.slug == p.site) {
            // City departments' interpretations also appear in the portal's 政策解读 column.
            columns.push((city::PORTAL_SLUG.into(), "zcjd".into()));
        }
        let input = ItemInput {
            title,
            body_html: texts::interpretation(&p.input.title, doc_number, org_name),
            made_on: p.published_at.date().to_string(),
            genre: Genre::Interpretation.as_str().into(),
            keywords: "政策解读".into(),
            channels: channels(p.key / 5, false),
            ..Default::default()
        };
        plan.push(Planned {
            site: p.site.clone(),
            org: p.org.clone(),
            columns,
            subject: p.subject,
            input,
            // Interpretations go out with their policy (同步解读): two hours later.
            published_at: p.published_at + chrono::Duration::hours(2),
            interprets: Some(i),
            withdraw: None,
            key: p.key ^ 0x5a5a,
        });
    }

    // The built-in sample. Dates are the sample's own, but never later than now.
    let latest = now - chrono::Duration::hours(1);
    let sample_start = plan.len();
    for (n, s) in sample::ITEMS.iter().enumerate() {
        let published_at = NaiveDateTime::parse_from_str(s.published_at, "%Y-%m-%d %H:%M")
            .expect("sample dates are valid")
            .min(latest);
        let columns = s
            .columns
            .iter()
            .map(|c| match c.split_once('/') {
                Some((site, slug)) => (site.to_string(), slug.to_string()),
                None => (s.site.to_string(), c.to_string()),
            })
            .collect();
        let interprets = s.interprets.map(|t| {
            sample_start
                + sample::ITEMS
                    .iter()
                    .position(|x| x.title == t)
                    .expect("sample policy exists")
        });
        plan.push(Planned {
            site: s.site.into(),
            org: s.org.into(),
            columns,
            subject: s.subject,
            input: ItemInput {
                title: s.title.into(),
                body_html: s.body.into(),
                made_on: s.made_on.into(),
                doc_number: s.doc_number.into(),
                genre: s.genre.as_str().into(),
                keywords: s.keywords.into(),
                valid_from: if s.genre == Genre::NormativeDocument {
                    s.made_on.into()
                } else {
                    String::new()
                },
                channels: channels(
                    n as u64,
                    s.genre == Genre::NormativeDocument && s.site == city::PORTAL_SLUG,
                ),
                ..Default::default()
            },
            published_at,
            interprets,
            withdraw: s.withdrawn.map(String::from),
            key: n as u64,
        });
    }

    // Annual reports, with the counts of what each site published that year (the report is
    // generated from the records, never typed in).
    let mut per_site_year: BTreeMap<(String, i32), (usize, usize, usize)> = BTreeMap::new();
    for p in &plan {
        let e = per_site_year
            .entry((p.site.clone(), p.published_at.year()))
            .or_default();
        e.0 += 1;
        if p.input.genre == Genre::NormativeDocument.as_str() {
            e.1 += 1;
        }
        if p.input.genre == Genre::Interpretation.as_str() {
            e.2 += 1;
        }
    }
    let last_year = now.year() - 1;
    let mut reports: Vec<(String, i32)> = (2019..=last_year)
        .map(|y| (city::PORTAL_SLUG.to_string(), y))
        .collect();
    reports.extend(
        city.sites
            .keys()
            .filter(|s| *s != city::PORTAL_SLUG)
            .map(|s| (s.clone(), last_year)),
    );
    for (site, year) in reports {
        let s = &city.sites[&site];
        let org_name = &city.org(&s.org_key).name;
        let (published, normative, interpretations) = per_site_year
            .get(&(site.clone(), year))
            .copied()
            .unwrap_or_default();
        let key = sources::stable_hash(&format!("{site}{year}"));
        let day = 10 + (key % 15) as u32;
        let at = NaiveDate::from_ymd_opt(year + 1, 1, day)
            .expect("valid date")
            .and_hms_opt(10, 0, 0)
            .expect("valid time")
            .min(latest);
        plan.push(Planned {
            site: site.clone(),
            org: s.org_key.clone(),
            columns: vec![(site.clone(), "gknb".into())],
            subject: "0101",
            input: ItemInput {
                title: format!("{org_name}{year}年政府信息公开工作年度报告"),
                body_html: texts::annual_report(
                    org_name,
                    year,
                    published,
                    normative,
                    interpretations,
                ),
                made_on: at.date().to_string(),
                genre: Genre::AnnualReport.as_str().into(),
                keywords: "年度报告".into(),
                channels: vec!["website".into()],
                ..Default::default()
            },
            published_at: at,
            interprets: None,
            withdraw: None,
            key,
        });
    }
    plan
}

/// Publishes the plan in date order (so 索引号 serials follow publication dates within each
/// organisation and year), links interpretations, then withdraws the chosen few.
fn publish_plan(
    c: &mut AnyConnection,
    city: &City,
    plan: Vec<Planned>,
    opts: &DemoOptions,
    now: NaiveDateTime,
    bar: &ProgressBar,
) -> Result<usize> {
    let actor = Actor::system("demo");
    let mut order: Vec<usize> = (0..plan.len()).collect();
    order.sort_by_key(|i| (plan[*i].published_at, plan[*i].key, *i));
    let mut ids: Vec<Option<i64>> = vec![None; plan.len()];
    let mut skipped = 0;
    for i in order {
        let p = &plan[i];
        bar.inc(1);
        let mut input = p.input.clone();
        input.subject_id = city.subjects[p.subject].to_string();
        input.column_ids = p
            .columns
            .iter()
            .map(|(s, col)| city.column(s, col).to_string())
            .collect();
        let Ok(fields) = input.validate() else {
            // Real metadata is messy; a record that does not validate is left out, as an
            // import would refuse it.
            skipped += 1;
            continue;
        };
        let at = Placement {
            site_id: city.sites[&p.site].id,
            org_id: city.org(&p.org).id,
        };
        let published = item::import_published(
            c,
            &actor,
            at,
            &fields,
            p.published_at.min(now),
            None,
            &opts.pattern,
        )?;
        ids[i] = Some(published.id);
    }
    for (i, p) in plan.iter().enumerate() {
        if let (Some(policy), Some(me)) = (p.interprets, ids[i]) {
            if let Some(policy_id) = ids[policy] {
                item::link_interpretation(c, policy_id, me)?;
            }
        }
    }
    for (i, p) in plan.iter().enumerate() {
        if let (Some(reason), Some(id)) = (&p.withdraw, ids[i]) {
            item::transition(
                c,
                &actor,
                id,
                &WorkflowAction::Withdraw {
                    reason: reason.clone(),
                },
                None,
                &opts.pattern,
            )?;
        }
    }
    Ok(skipped)
}

/// Drafts, submissions, approvals, a rejection and a scheduled item, made by the demo's editors
/// and reviewers, so each role's dashboard has something in it.
fn workflow_items(
    c: &mut AnyConnection,
    city: &City,
    opts: &DemoOptions,
    now: NaiveDateTime,
    bar: &ProgressBar,
) -> Result<()> {
    for w in sample::WORKFLOW {
        bar.inc(1);
        let author = actor_for(c, w.author)?;
        let reviewer = actor_for(c, w.reviewer)?;
        let fields = ItemInput {
            title: w.title.into(),
            body_html: w.body.into(),
            genre: w.genre.as_str().into(),
            subject_id: city.subjects[w.subject].to_string(),
            column_ids: vec![city.column(w.site, w.column).to_string()],
            ..Default::default()
        }
        .validate()
        .map_err(|e| IngestError::Conflict(format!("demo workflow item {}: {e}", w.title)))?;
        let at = Placement {
            site_id: city.sites[w.site].id,
            org_id: city.org(w.org).id,
        };
        let draft = item::create_draft(c, &author, at, &fields)?;
        let p = &opts.pattern;
        let steps: Vec<(WorkflowAction, &Actor)> = match w.state {
            ItemStatus::Draft => vec![],
            ItemStatus::Submitted => vec![(WorkflowAction::Submit, &author)],
            ItemStatus::Approved => vec![
                (WorkflowAction::Submit, &author),
                (WorkflowAction::Approve, &reviewer),
            ],
            ItemStatus::Rejected => vec![
                (WorkflowAction::Submit, &author),
                (
                    WorkflowAction::Reject {
                        reason: w.reason.into(),
                    },
                    &reviewer,
                ),
            ],
            ItemStatus::Scheduled => vec![
                (WorkflowAction::Submit, &author),
                (WorkflowAction::Approve, &reviewer),
                (WorkflowAction::Schedule, &reviewer),
            ],
            other => unreachable!("workflow samples do not use {other}"),
        };
        for (action, who) in steps {
            let when =
                matches!(action, WorkflowAction::Schedule).then(|| now + chrono::Duration::days(3));
            item::transition(c, who, draft.id, &action, when, p)?;
        }
    }
    Ok(())
}

fn actor_for(c: &mut AnyConnection, username: &str) -> Result<Actor> {
    let u = user_store::find_by_username(c, username)?
        .ok_or_else(|| IngestError::Conflict(format!("demo user {username} is missing")))?;
    Ok(u.actor(None))
}

#[cfg(test)]
mod tests;
