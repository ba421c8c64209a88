//! `gongkai export items` — items as JSONL in the import schema (`docs/import.md`), oldest
//! first, so that exporting and importing into a city with the same organisations, sites and
//! columns gives back the same items, 索引号 included.
//!
//! Removed items (删除) are not exported: they are gone from the platform's public record, and
//! the import refuses them. Earlier versions of an edited item are not exported either; the file
//! holds each item as it is now.

use std::collections::HashMap;
use std::io::Write;

use diesel::prelude::*;
use gongkai_domain::workflow::ItemStatus;
use gongkai_storage::item::{self, INTERPRETATION, RELATED};
use gongkai_storage::schema::{item_relations, items, organisations};
use gongkai_storage::{site, subject, AnyConnection, Database};

use crate::error::{IngestError, Result};
use crate::jsonl::ItemLine;

/// Which items to export; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Only items of this site (slug).
    pub site: Option<String>,
    /// Only items of this organisation (code) and the organisations below it.
    pub org: Option<String>,
    /// Only these states; every state but 已删除 when empty.
    pub statuses: Vec<ItemStatus>,
}

const BATCH: usize = 500;

/// Writes the matching items, one JSON object per line; returns how many were written.
pub fn export_items(db: &Database, out: &mut dyn Write, filter: &ExportFilter) -> Result<usize> {
    let mut c = db.conn()?;
    let c = &mut *c;
    let ids = matching_ids(c, filter)?;
    let sites: HashMap<i64, String> = site::all_sites(c)?
        .into_iter()
        .map(|s| (s.id, s.slug))
        .collect();
    let columns: HashMap<i64, (i64, String)> = site::all_columns(c)?
        .into_iter()
        .map(|col| (col.id, (col.site_id, col.slug)))
        .collect();
    let subjects: HashMap<i64, String> = subject::all(c)?
        .into_iter()
        .map(|s| (s.id, s.code))
        .collect();
    let orgs: HashMap<i64, String> = organisations::table
        .select((organisations::id, organisations::code))
        .load(c)?
        .into_iter()
        .collect();
    let mut written = 0;
    for chunk in ids.chunks(BATCH) {
        let mut batch = item::get_many(c, chunk)?;
        batch.sort_by_key(|i| i.id);
        let mut placed: HashMap<i64, Vec<i64>> = HashMap::new();
        for (item_id, column_id) in item::placements(c, chunk)? {
            placed.entry(item_id).or_default().push(column_id);
        }
        let relations: Vec<(i64, i64, String)> = item_relations::table
            .filter(
                item_relations::item_id
                    .eq_any(chunk)
                    .or(item_relations::related_id.eq_any(chunk)),
            )
            .select((
                item_relations::item_id,
                item_relations::related_id,
                item_relations::kind,
            ))
            .load(c)?;
        let mut index_of: HashMap<i64, Option<String>> = batch
            .iter()
            .map(|i| (i.id, i.index_number.clone()))
            .collect();
        for (a, b, _) in &relations {
            for id in [a, b] {
                if !index_of.contains_key(id) {
                    let n: Option<Option<String>> = items::table
                        .find(*id)
                        .select(items::index_number)
                        .first(c)
                        .optional()?;
                    index_of.insert(*id, n.flatten());
                }
            }
        }
        for it in batch {
            let site_slug = sites.get(&it.site_id).cloned().unwrap_or_default();
            let mut cols: Vec<i64> = placed.remove(&it.id).unwrap_or_default();
            cols.sort_unstable();
            let columns_out = cols
                .iter()
                .filter_map(|cid| columns.get(cid))
                .map(|(sid, slug)| {
                    if *sid == it.site_id {
                        slug.clone()
                    } else {
                        format!("{}/{slug}", sites.get(sid).cloned().unwrap_or_default())
                    }
                })
                .collect();
            let mut related: Vec<String> = relations
                .iter()
                .filter(|(a, _, k)| *a == it.id && k == RELATED)
                .filter_map(|(_, b, _)| index_of.get(b).cloned().flatten())
                .collect();
            related.sort();
            let interprets = relations
                .iter()
                .filter(|(_, b, k)| *b == it.id && k == INTERPRETATION)
                .filter_map(|(a, _, _)| index_of.get(a).cloned().flatten())
                .min()
                .unwrap_or_default();
            let status = it.status();
            let show_status = status != ItemStatus::Published;
            let line = ItemLine {
                site: site_slug,
                org: orgs.get(&it.org_id).cloned().unwrap_or_default(),
                columns: columns_out,
                title: it.title.clone(),
                summary: it.summary.clone(),
                body_html: it.body_html.clone(),
                made_on: it.made_on.map(|d| d.to_string()).unwrap_or_default(),
                doc_number: it.doc_number.clone().unwrap_or_default(),
                genre: it.genre.clone(),
                keywords: it.keywords.clone(),
                validity: it.validity.clone(),
                valid_from: it.valid_from.map(|d| d.to_string()).unwrap_or_default(),
                invalid_from: it.invalid_from.map(|d| d.to_string()).unwrap_or_default(),
                disclosure_mode: it.disclosure_mode.clone(),
                channels: it
                    .channels
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                welfare_area: it.welfare_area.clone().unwrap_or_default(),
                subject: it
                    .subject_id
                    .and_then(|s| subjects.get(&s).cloned())
                    .unwrap_or_default(),
                related,
                interprets,
                status: if show_status {
                    status.as_str().to_string()
                } else {
                    String::new()
                },
                status_reason: if matches!(status, ItemStatus::Withdrawn | ItemStatus::Rejected) {
                    it.status_reason.clone().unwrap_or_default()
                } else {
                    String::new()
                },
                published_at: it
                    .published_at
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
                    .unwrap_or_default(),
                scheduled_at: it
                    .scheduled_at
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
                    .unwrap_or_default(),
                index_number: it.index_number.clone().unwrap_or_default(),
            };
            let json = serde_json::to_string(&line).expect("item lines serialise");
            writeln!(out, "{json}").map_err(|e| IngestError::io("<output>", e))?;
            written += 1;
        }
    }
    out.flush().map_err(|e| IngestError::io("<output>", e))?;
    Ok(written)
}

fn matching_ids(c: &mut AnyConnection, f: &ExportFilter) -> Result<Vec<i64>> {
    let mut q = items::table.into_boxed();
    let statuses: Vec<&str> = if f.statuses.is_empty() {
        ItemStatus::ALL
            .iter()
            .filter(|s| **s != ItemStatus::Removed)
            .map(|s| s.as_str())
            .collect()
    } else {
        f.statuses.iter().map(|s| s.as_str()).collect()
    };
    q = q.filter(items::status.eq_any(statuses));
    if let Some(slug) = &f.site {
        let s = site::by_slug(c, slug)?
            .ok_or_else(|| IngestError::Conflict(format!("site {slug} does not exist")))?;
        q = q.filter(items::site_id.eq(s.id));
    }
    if let Some(code) = &f.org {
        let (path,): (String,) = organisations::table
            .filter(organisations::code.eq(code.trim().to_ascii_uppercase()))
            .select((organisations::path,))
            .first(c)
            .optional()?
            .ok_or_else(|| IngestError::Conflict(format!("organisation {code} does not exist")))?;
        let org_ids: Vec<i64> = organisations::table
            .filter(organisations::path.like(format!("{path}%")))
            .select(organisations::id)
            .load(c)?;
        q = q.filter(items::org_id.eq_any(org_ids));
    }
    Ok(q.order(items::id.asc()).select(items::id).load(c)?)
}
