//! `gongkai import items FILE.jsonl` — one item per line in the schema of `docs/import.md`.
//!
//! A bad line does not stop the run: it is reported with its line number and every problem found
//! in it (field-level messages from the domain's validation and the storage rules), and the good
//! lines are imported. Each line is applied in its own savepoint, inside transactions of a few
//! hundred lines, so a failing line leaves nothing behind and a large file is still fast.
//!
//! References between items (`related`, `interprets`) are by 索引号 and are linked after every
//! line has been imported, so a file may refer forwards to items later in the same file.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::index_number::IndexPattern;
use gongkai_domain::item::{FieldErrors, ItemInput};
use gongkai_domain::org::OrgCode;
use gongkai_domain::workflow::{ItemStatus, WorkflowAction};
use gongkai_storage::audit::Actor;
use gongkai_storage::item::{self, Placement, INTERPRETATION, RELATED};
use gongkai_storage::schema::{item_relations, organisations};
use gongkai_storage::{site, subject, AnyConnection, Database, StorageError};
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{IngestError, Result};
pub use crate::jsonl::ItemLine;

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Who the audit log names for the imported items (`system:import` from the CLI).
    pub actor: Actor,
    /// The platform's 索引号 layout, for items that get their number here.
    pub pattern: IndexPattern,
    /// Lines per transaction: larger is faster, smaller holds the write lock for less time.
    pub batch: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            actor: Actor::system("import"),
            pattern: IndexPattern::default(),
            batch: 250,
        }
    }
}

/// The outcome of an import: how many items were imported, and each bad line with its reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: usize,
    /// (1-based line number, message), in line order. The message names the fields at fault:
    /// `made_on: 日期“2024-13-45”无法识别…; title: 标题必填`.
    pub errors: Vec<(usize, String)>,
}

impl ImportReport {
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Progress of a running import: lines handled so far, of `total`.
#[derive(Debug, Clone, Copy)]
pub struct ImportProgress {
    pub done: usize,
    pub total: usize,
}

/// Imports a JSONL file, with an indicatif progress bar on stderr when `progress` is true.
pub fn import_items_file(
    db: &Database,
    path: &Path,
    opts: &ImportOptions,
    progress: bool,
) -> Result<ImportReport> {
    let f = File::open(path).map_err(|e| IngestError::io(path, e))?;
    let bar = if progress {
        let b = ProgressBar::new(0);
        b.set_style(
            ProgressStyle::with_template(
                "importing [{bar:40}] {pos}/{len} lines ({elapsed}, {eta} left)",
            )
            .expect("constant template")
            .progress_chars("=> "),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let report = import_items(db, BufReader::new(f), opts, &mut |p| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
    })
    .map_err(|e| match e {
        IngestError::Io { source, .. } => IngestError::io(path, source),
        other => other,
    })?;
    bar.finish_and_clear();
    Ok(report)
}

/// Imports items from JSONL text. Blank lines are skipped; every other line is an item.
pub fn import_items(
    db: &Database,
    input: impl BufRead,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    let mut lines: Vec<(usize, std::result::Result<ItemLine, String>)> = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(|e| IngestError::io("<input>", e))?;
        let text = line.trim().trim_start_matches('\u{feff}');
        if text.is_empty() {
            continue;
        }
        lines.push((i + 1, crate::jsonl::parse_line(text)));
    }
    let total = lines.len();
    let mut conn = db.conn()?;
    let mut ctx = Context::load(&mut conn)?;
    // 索引号 declared in the file: references to them are checked against the file, not the database.
    for (_, l) in &lines {
        if let Ok(l) = l {
            if !l.index_number.trim().is_empty() {
                ctx.in_file.insert(l.index_number.trim().to_string());
            }
        }
    }
    let mut report = ImportReport::default();
    let mut links: Vec<PendingLinks> = Vec::new();
    let mut done = 0;
    for chunk in lines.chunks(opts.batch.max(1)) {
        let outcomes = conn.transaction::<_, IngestError, _>(|c| {
            take_write_lock(c)?;
            let mut outcomes = Vec::with_capacity(chunk.len());
            for (n, parsed) in chunk {
                let outcome = match parsed {
                    Err(msg) => Err(msg.clone()),
                    Ok(line) => import_line(c, &ctx, line, opts),
                };
                outcomes.push((*n, outcome));
            }
            Ok(outcomes)
        })?;
        for (n, outcome) in outcomes {
            match outcome {
                Ok(pending) => {
                    report.imported += 1;
                    if let Some(mut p) = pending {
                        p.line = n;
                        links.push(p);
                    }
                }
                Err(msg) => report.errors.push((n, msg)),
            }
        }
        done += chunk.len();
        progress(ImportProgress { done, total });
    }
    if !links.is_empty() {
        let failures = conn.transaction::<_, IngestError, _>(|c| {
            take_write_lock(c)?;
            link_all(c, &links)
        })?;
        report.errors.extend(failures);
        report.errors.sort_by_key(|(n, _)| *n);
    }
    Ok(report)
}

/// What the database already holds, looked up once per run.
struct Context {
    sites: HashMap<String, site::Site>,
    columns: HashMap<(i64, String), i64>,
    /// Organisation code → (id, materialised path, name).
    orgs: HashMap<String, (i64, String, String)>,
    org_paths: HashMap<i64, String>,
    subjects: HashMap<String, i64>,
    in_file: BTreeSet<String>,
}

impl Context {
    fn load(c: &mut AnyConnection) -> Result<Context> {
        let sites: HashMap<String, site::Site> = site::all_sites(c)?
            .into_iter()
            .map(|s| (s.slug.clone(), s))
            .collect();
        let columns = site::all_columns(c)?
            .into_iter()
            .map(|col| ((col.site_id, col.slug), col.id))
            .collect();
        let rows: Vec<(i64, String, String, String)> = organisations::table
            .select((
                organisations::id,
                organisations::code,
                organisations::path,
                organisations::name,
            ))
            .load(c)?;
        let org_paths = rows
            .iter()
            .map(|(id, _, path, _)| (*id, path.clone()))
            .collect();
        let orgs = rows
            .into_iter()
            .map(|(id, code, path, name)| (code, (id, path, name)))
            .collect();
        let mut subjects = HashMap::new();
        for s in subject::all(c)? {
            subjects.entry(s.name.clone()).or_insert(s.id);
            subjects.insert(s.code.clone(), s.id);
        }
        Ok(Context {
            sites,
            columns,
            orgs,
            org_paths,
            subjects,
            in_file: BTreeSet::new(),
        })
    }
}

/// Relations of an imported item, linked once the whole file is in.
struct PendingLinks {
    line: usize,
    item_id: i64,
    related: Vec<String>,
    interprets: Option<String>,
}

fn take_write_lock(c: &mut AnyConnection) -> Result<()> {
    if matches!(c, AnyConnection::Sqlite(_)) {
        use gongkai_storage::schema::write_lock;
        diesel::update(write_lock::table.find(1))
            .set(write_lock::n.eq(write_lock::n + 1))
            .execute(c)?;
    }
    Ok(())
}

/// Reads `2024-05-01T09:30:00`, `2024-05-01 09:30[:00]` or `2024-05-01` (midnight).
pub fn parse_datetime(raw: &str) -> Option<NaiveDateTime> {
    let s = raw.trim().trim_end_matches('Z');
    for f in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

fn index_known(
    c: &mut AnyConnection,
    ctx: &Context,
    number: &str,
) -> std::result::Result<bool, StorageError> {
    Ok(ctx.in_file.contains(number) || item::get_by_index_number(c, number)?.is_some())
}

/// Checks and imports one line; the error is the line's message for the report.
fn import_line(
    c: &mut AnyConnection,
    ctx: &Context,
    line: &ItemLine,
    opts: &ImportOptions,
) -> std::result::Result<Option<PendingLinks>, String> {
    let mut e = FieldErrors::default();
    let site = match line.site.trim() {
        "" => {
            e.add("site", "站点必填");
            None
        }
        slug => {
            let s = ctx.sites.get(slug);
            if s.is_none() {
                e.add("site", format!("站点“{slug}”不存在"));
            }
            s
        }
    };
    let org_id = match (line.org.trim(), site) {
        ("", Some(s)) => Some(s.org_id),
        ("", None) => None,
        (code, site) => {
            let canonical = OrgCode::parse(code)
                .map(|c| c.as_str().to_string())
                .unwrap_or_else(|_| code.to_ascii_uppercase());
            match ctx.orgs.get(&canonical) {
                None => {
                    e.add("org", format!("单位代码“{code}”不存在"));
                    None
                }
                Some((id, path, name)) => {
                    // An organisation publishes on its own site or on the site of an organisation
                    // above it (a county department on its county's site), never on a sibling's.
                    if let Some(s) = site {
                        let site_path = ctx
                            .org_paths
                            .get(&s.org_id)
                            .map(String::as_str)
                            .unwrap_or("");
                        if !path.starts_with(site_path) {
                            e.add("org", format!("单位“{name}”不属于站点“{}”的单位", s.slug));
                        }
                    }
                    Some(*id)
                }
            }
        }
    };
    let mut column_ids = Vec::new();
    if let Some(s) = site {
        for raw in &line.columns {
            let (site_id, slug) = match raw.trim().split_once('/') {
                Some((other, slug)) => (ctx.sites.get(other).map(|x| x.id), slug),
                None => (Some(s.id), raw.trim()),
            };
            match site_id.and_then(|sid| ctx.columns.get(&(sid, slug.to_string()))) {
                Some(id) => column_ids.push(id.to_string()),
                None => e.add("columns", format!("栏目“{}”不存在", raw.trim())),
            }
        }
    }
    let subject_id = match line.subject.trim() {
        "" => String::new(),
        s => match ctx.subjects.get(s) {
            Some(id) => id.to_string(),
            None => {
                e.add("subject", format!("主题分类“{s}”不存在"));
                String::new()
            }
        },
    };
    let status = match line.status.trim() {
        "" => ItemStatus::Published,
        s => match s.parse::<ItemStatus>() {
            Ok(ItemStatus::Removed) => {
                e.add("status", "已删除的信息不能导入");
                ItemStatus::Published
            }
            Ok(st) => st,
            Err(_) => {
                e.add("status", format!("“{s}”不是可选的状态"));
                ItemStatus::Published
            }
        },
    };
    let was_published = status.has_been_published();
    let published_at = match line.published_at.trim() {
        "" => None,
        raw => {
            let t = parse_datetime(raw);
            if t.is_none() {
                e.add(
                    "published_at",
                    format!("时间“{raw}”无法识别，请按 YYYY-MM-DDTHH:MM:SS 填写"),
                );
            } else if !was_published {
                e.add(
                    "published_at",
                    format!("状态为“{}”的信息不能有发布日期", status.label_zh()),
                );
            }
            t
        }
    };
    let index_number = Some(line.index_number.trim()).filter(|s| !s.is_empty());
    if index_number.is_some() && !was_published {
        e.add(
            "index_number",
            format!("状态为“{}”的信息没有索引号", status.label_zh()),
        );
    }
    let reason = line.status_reason.trim();
    if matches!(status, ItemStatus::Withdrawn | ItemStatus::Rejected) && reason.is_empty() {
        e.add(
            "status_reason",
            format!("状态为“{}”的信息须填写原因", status.label_zh()),
        );
    }
    let scheduled_at = match (status, line.scheduled_at.trim()) {
        (ItemStatus::Scheduled, "") => {
            e.add("scheduled_at", "定时发布的信息须填写发布时间");
            None
        }
        (ItemStatus::Scheduled, raw) => {
            let t = parse_datetime(raw);
            if t.is_none() {
                e.add("scheduled_at", format!("时间“{raw}”无法识别"));
            }
            t
        }
        _ => None,
    };
    let input = ItemInput {
        title: line.title.clone(),
        summary: line.summary.clone(),
        body_html: line.body_html.clone(),
        made_on: line.made_on.clone(),
        doc_number: line.doc_number.clone(),
        genre: line.genre.clone(),
        keywords: line.keywords.clone(),
        validity: line.validity.clone(),
        valid_from: line.valid_from.clone(),
        invalid_from: line.invalid_from.clone(),
        disclosure_mode: line.disclosure_mode.clone(),
        channels: line.channels.clone(),
        subject_id,
        column_ids,
        related_ids: String::new(),
        welfare_area: line.welfare_area.clone(),
    };
    let fields = match input.validate() {
        Ok(f) => Some(f),
        Err(fe) => {
            for (k, v) in fe.0 {
                e.add(&k, v);
            }
            None
        }
    };
    let mut check_ref =
        |field: &str, number: &str, e: &mut FieldErrors| -> std::result::Result<(), String> {
            if !index_known(c, ctx, number).map_err(|x| x.to_string())? {
                e.add(field, format!("索引号“{number}”的信息不存在"));
            }
            Ok(())
        };
    let related: Vec<String> = line
        .related
        .iter()
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    for r in &related {
        check_ref("related", r, &mut e)?;
    }
    let interprets = Some(line.interprets.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(p) = &interprets {
        check_ref("interprets", p, &mut e)?;
    }
    let (Some(site), Some(org_id), Some(fields)) = (site, org_id, fields) else {
        return Err(e.to_string());
    };
    if !e.is_empty() {
        return Err(e.to_string());
    }
    let at = Placement {
        site_id: site.id,
        org_id,
    };
    let actor = &opts.actor;
    let pattern = &opts.pattern;
    let result = c.transaction::<_, StorageError, _>(|c| {
        let id = if was_published {
            let when = published_at.unwrap_or_else(gongkai_storage::now);
            let it = item::import_published(c, actor, at, &fields, when, index_number, pattern)?;
            if status == ItemStatus::Withdrawn {
                item::transition(
                    c,
                    actor,
                    it.id,
                    &WorkflowAction::Withdraw {
                        reason: reason.into(),
                    },
                    None,
                    pattern,
                )?;
            }
            it.id
        } else {
            let it = item::create_draft(c, actor, at, &fields)?;
            let steps: &[WorkflowAction] = match status {
                ItemStatus::Submitted => &[WorkflowAction::Submit],
                ItemStatus::Approved | ItemStatus::Scheduled => {
                    &[WorkflowAction::Submit, WorkflowAction::Approve]
                }
                ItemStatus::Rejected => &[WorkflowAction::Submit],
                _ => &[],
            };
            for s in steps {
                item::transition(c, actor, it.id, s, None, pattern)?;
            }
            match status {
                ItemStatus::Rejected => {
                    item::transition(
                        c,
                        actor,
                        it.id,
                        &WorkflowAction::Reject {
                            reason: reason.into(),
                        },
                        None,
                        pattern,
                    )?;
                }
                ItemStatus::Scheduled => {
                    item::transition(
                        c,
                        actor,
                        it.id,
                        &WorkflowAction::Schedule,
                        scheduled_at,
                        pattern,
                    )?;
                }
                _ => {}
            }
            it.id
        };
        Ok(id)
    });
    match result {
        // The caller knows the line number and fills it in.
        Ok(item_id) if !related.is_empty() || interprets.is_some() => Ok(Some(PendingLinks {
            line: 0,
            item_id,
            related,
            interprets,
        })),
        Ok(_) => Ok(None),
        Err(StorageError::Invalid(fe)) => Err(fe.to_string()),
        Err(other) => Err(other.to_string()),
    }
}

/// An imported 索引号 written in the platform's pattern for the item's own organisation takes
/// its serial: the counter moves past it, so the next number assigned here cannot collide.
fn link_all(c: &mut AnyConnection, links: &[PendingLinks]) -> Result<Vec<(usize, String)>> {
    let mut failures = Vec::new();
    let mut by_number: BTreeMap<String, Option<i64>> = BTreeMap::new();
    let mut lookup = |c: &mut AnyConnection, n: &str| -> Result<Option<i64>> {
        if let Some(v) = by_number.get(n) {
            return Ok(*v);
        }
        let id = item::get_by_index_number(c, n)?.map(|i| i.id);
        by_number.insert(n.to_string(), id);
        Ok(id)
    };
    for l in links {
        for r in &l.related {
            match lookup(c, r)? {
                Some(rid) if rid != l.item_id => insert_relation(c, l.item_id, rid, RELATED)?,
                Some(_) => {}
                None => failures.push((
                    l.line,
                    format!("related: 索引号“{r}”的信息未能导入，相关信息未关联"),
                )),
            }
        }
        if let Some(p) = &l.interprets {
            match lookup(c, p)? {
                Some(pid) if pid != l.item_id => {
                    insert_relation(c, pid, l.item_id, INTERPRETATION)?
                }
                Some(_) => {}
                None => failures.push((
                    l.line,
                    format!("interprets: 索引号“{p}”的信息未能导入，解读未关联"),
                )),
            }
        }
    }
    Ok(failures)
}

fn insert_relation(c: &mut AnyConnection, item_id: i64, related_id: i64, kind: &str) -> Result<()> {
    let exists: i64 = item_relations::table
        .filter(item_relations::item_id.eq(item_id))
        .filter(item_relations::related_id.eq(related_id))
        .filter(item_relations::kind.eq(kind))
        .count()
        .get_result(c)?;
    if exists == 0 {
        if kind == INTERPRETATION {
            item::link_interpretation(c, item_id, related_id)?;
        } else {
            diesel::insert_into(item_relations::table)
                .values((
                    item_relations::item_id.eq(item_id),
                    item_relations::related_id.eq(related_id),
                    item_relations::kind.eq(kind),
                ))
                .execute(c)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

pub mod requests;
