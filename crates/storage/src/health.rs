//! 网站健康 — the platform's own website checks (issue 9): the word dictionary (错敏词), the
//! problems found on each site (one queue, whatever found them), weekly scores and daily digests,
//! and staff replies to 我为政府网站找错 reports.
//!
//! A check run gathers each site's facts (columns, last publications), asks every check source
//! for its findings, syncs them into `health_findings` (new ones open, gone ones resolve), builds
//! the domain's `SiteReport` from them and keeps the week's score.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::health::words::{self, LineError};
use gongkai_domain::health::{
    self as rules, ColumnFacts, Dictionary, Finding, FindingKind, SiteFacts, SiteReport, WordEntry,
};
use gongkai_domain::workflow::ItemStatus;
use serde::Serialize;

use crate::audit::{self, Actor, Change};
use crate::schema::{item_columns, items, site_error_reports};
use crate::site::Site;
use crate::{write_txn, AnyConnection, Result, StorageError};

diesel::table! {
    health_words (id) {
        id -> BigInt,
        term -> Text,
        kind -> Text,
        level -> Text,
        suggestion -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    health_findings (id) {
        id -> BigInt,
        site_id -> BigInt,
        org_id -> BigInt,
        kind -> Text,
        severity -> Text,
        subject -> Text,
        title -> Text,
        evidence -> Text,
        url -> Nullable<Text>,
        first_seen -> Timestamp,
        last_seen -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    health_scores (id) {
        id -> BigInt,
        site_id -> BigInt,
        week -> Text,
        checked_on -> Date,
        score -> Integer,
        passed -> Bool,
        report -> Text,
    }
}

diesel::table! {
    health_digests (id) {
        id -> BigInt,
        org_id -> BigInt,
        day -> Date,
        finding_count -> Integer,
        body -> Text,
        mailed_to -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    error_report_replies (report_id) {
        report_id -> BigInt,
        reply -> Text,
        replied_by -> Text,
        replied_at -> Timestamp,
    }
}

diesel::table! {
    health_crawls (id) {
        id -> BigInt,
        finished_at -> Timestamp,
        pages -> Integer,
        broken -> Integer,
        external -> Text,
    }
}

// ------------------------------------------------------------------ dictionary

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = health_words)]
pub struct Word {
    pub id: i64,
    pub term: String,
    pub kind: String,
    pub level: String,
    pub suggestion: Option<String>,
    pub created_at: NaiveDateTime,
}

impl Word {
    pub fn entry(&self) -> Option<WordEntry> {
        WordEntry::new(
            &self.term,
            self.kind.parse().ok()?,
            self.level.parse().ok()?,
            self.suggestion.as_deref(),
        )
        .ok()
    }
}

pub fn words(conn: &mut AnyConnection) -> Result<Vec<Word>> {
    Ok(health_words::table
        .order((health_words::kind.asc(), health_words::term.asc()))
        .select(Word::as_select())
        .load(conn)?)
}

/// The dictionary as the editor and the checks use it.
pub fn dictionary(conn: &mut AnyConnection) -> Result<Dictionary> {
    Ok(Dictionary::new(
        words(conn)?.iter().filter_map(Word::entry).collect(),
    ))
}

fn insert_word(conn: &mut AnyConnection, e: &WordEntry) -> Result<bool> {
    let taken: i64 = health_words::table
        .filter(health_words::term.eq(&e.term))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Ok(false);
    }
    diesel::insert_into(health_words::table)
        .values((
            health_words::term.eq(&e.term),
            health_words::kind.eq(e.kind.as_str()),
            health_words::level.eq(e.level.as_str()),
            health_words::suggestion.eq(e.suggestion.as_deref()),
            health_words::created_at.eq(crate::now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Adds one entry; a term already in the dictionary is a field error.
pub fn add_word(conn: &mut AnyConnection, actor: &Actor, e: &WordEntry) -> Result<()> {
    write_txn(conn, |conn| {
        if !insert_word(conn, e)? {
            let mut f = gongkai_domain::item::FieldErrors::default();
            f.add("term", format!("词条“{}”已在词库中", e.term));
            return Err(StorageError::Invalid(f));
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "health.word.add",
                entity: "health_word",
                entity_id: e.term.clone(),
                org_id: None,
                summary: format!("added {} “{}” ({})", e.kind, e.term, e.level),
                before: None,
                after: Some(serde_json::to_value(e).unwrap_or_default()),
            },
        )
    })
}

pub fn delete_word(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<()> {
    write_txn(conn, |conn| {
        let w: Word = health_words::table
            .find(id)
            .select(Word::as_select())
            .first(conn)
            .optional()?
            .ok_or(StorageError::NotFound {
                what: "word",
                id: id.to_string(),
            })?;
        diesel::delete(health_words::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "health.word.delete",
                entity: "health_word",
                entity_id: w.term.clone(),
                org_id: None,
                summary: format!("deleted {} “{}”", w.kind, w.term),
                before: Some(serde_json::json!({"term": w.term, "kind": w.kind, "level": w.level})),
                after: None,
            },
        )
    })
}

/// What an import did: entries added, terms already present, and the lines that could not be read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WordImport {
    pub added: usize,
    pub existing: usize,
    pub errors: Vec<LineError>,
}

/// Loads a dictionary file: good lines are added (terms already present are left as they are),
/// bad lines are reported by number and do not stop the rest.
pub fn import_words(conn: &mut AnyConnection, actor: &Actor, text: &str) -> Result<WordImport> {
    let (entries, errors) = words::parse_file(text);
    write_txn(conn, |conn| {
        let mut out = WordImport {
            errors,
            ..Default::default()
        };
        for e in &entries {
            if insert_word(conn, e)? {
                out.added += 1;
            } else {
                out.existing += 1;
            }
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "health.word.import",
                entity: "health_word",
                entity_id: "*".into(),
                org_id: None,
                summary: format!(
                    "imported the word dictionary: {} added, {} already present, {} bad lines",
                    out.added,
                    out.existing,
                    out.errors.len()
                ),
                before: None,
                after: None,
            },
        )?;
        Ok(out)
    })
}

// ------------------------------------------------------------------ facts

fn published() -> &'static str {
    ItemStatus::Published.as_str()
}

/// What the timeliness rules need to know about a site.
pub fn site_facts(conn: &mut AnyConnection, site: &Site) -> Result<SiteFacts> {
    let cols = crate::site::columns_of(conn, site.id)?;
    let ids: Vec<i64> = cols.iter().map(|c| c.id).collect();
    let per_column: Vec<(i64, i64, Option<NaiveDateTime>)> = item_columns::table
        .inner_join(items::table)
        .filter(item_columns::column_id.eq_any(ids.clone()))
        .filter(items::status.eq(published()))
        .group_by(item_columns::column_id)
        .select((
            item_columns::column_id,
            diesel::dsl::count(items::id),
            diesel::dsl::max(items::published_at),
        ))
        .load(conn)?;
    let own: Option<NaiveDateTime> = items::table
        .filter(items::site_id.eq(site.id))
        .filter(items::status.eq(published()))
        .select(diesel::dsl::max(items::published_at))
        .first(conn)?;
    let columns = cols
        .iter()
        .map(|c| {
            let (n, last) = per_column
                .iter()
                .find(|(id, _, _)| *id == c.id)
                .map(|(_, n, last)| (*n, *last))
                .unwrap_or((0, None));
            ColumnFacts {
                id: c.id,
                name: c.name.clone(),
                kind: c.kind(),
                category: c.update_category(),
                update_days: c.update_days,
                has_body: c.body_html.as_deref().is_some_and(|b| !b.trim().is_empty()),
                has_children: cols.iter().any(|o| o.parent_id == Some(c.id)),
                published_items: n,
                last_published: last.map(|t| t.date()),
                created_on: c.created_at.date(),
            }
        })
        .collect::<Vec<_>>();
    let last_published = columns
        .iter()
        .filter_map(|c| c.last_published)
        .chain(own.map(|t| t.date()))
        .max();
    Ok(SiteFacts {
        site_id: site.id,
        org_id: site.org_id,
        slug: site.slug.clone(),
        title: site.title.clone(),
        last_published,
        created_on: site.created_at.date(),
        columns,
    })
}

// ------------------------------------------------------------------ check sources

/// What every check source is given.
pub struct CheckContext<'a> {
    pub now: NaiveDateTime,
    /// The day in China (UTC+8) that the checks judge.
    pub today: NaiveDate,
    pub calendar: &'a WorkingCalendar,
    pub sites: Vec<Site>,
}

impl CheckContext<'_> {
    /// The site that answers for an organisation's interaction: its own site, else the portal.
    pub fn site_of_org(&self, org_id: i64) -> Option<&Site> {
        self.sites
            .iter()
            .find(|s| s.org_id == org_id)
            .or_else(|| self.sites.iter().find(|s| s.is_portal))
    }
}

/// A check source: finds its problems on every site, as (site id, finding). It is authoritative for
/// its `kinds`: a finding of those kinds not returned again is resolved.
pub struct Source {
    pub name: &'static str,
    pub kinds: &'static [FindingKind],
    pub run: fn(&mut AnyConnection, &CheckContext<'_>) -> Result<Vec<(i64, Finding)>>,
}

/// The interaction and content sources a check run asks, besides the timeliness rules.
pub const SOURCES: &[Source] = &[
    Source {
        name: "requests",
        kinds: &[FindingKind::RequestDueSoon, FindingKind::RequestOverdue],
        run: request_findings,
    },
    Source {
        name: "letters",
        kinds: &[
            FindingKind::LetterOverdue,
            FindingKind::LetterUnanswered,
            FindingKind::NoRecentReplies,
        ],
        run: letter_findings,
    },
    Source {
        name: "surveys",
        kinds: &[FindingKind::SurveyNoResult],
        run: survey_findings,
    },
    Source {
        name: "consultations",
        kinds: &[FindingKind::ConsultationNoReport],
        run: consultation_findings,
    },
    Source {
        name: "error_reports",
        kinds: &[FindingKind::ErrorReport],
        run: error_report_findings,
    },
    Source {
        name: "words",
        kinds: &[FindingKind::Words],
        run: word_findings,
    },
];

/// 依申请公开: requests due within three working days, and overdue ones.
pub fn request_findings(
    conn: &mut AnyConnection,
    cx: &CheckContext<'_>,
) -> Result<Vec<(i64, Finding)>> {
    let load = crate::request::caseload(conn, cx.calendar, None, cx.today)?;
    let mut out = vec![];
    for (kind, list) in [
        (FindingKind::RequestOverdue, &load.overdue),
        (FindingKind::RequestDueSoon, &load.due_soon),
    ] {
        for r in list {
            let Some(site) = cx.site_of_org(r.org_id) else {
                continue;
            };
            let due = r.due_on.map(|d| d.to_string()).unwrap_or_default();
            out.push((
                site.id,
                Finding {
                    kind,
                    subject: format!("request:{}", r.id),
                    title: format!("依申请公开 {}", r.tracking_code),
                    evidence: match kind {
                        FindingKind::RequestOverdue => format!(
                            "{} 收到，应于 {due} 前答复，已超期 {} 天",
                            r.received_on,
                            (cx.today - r.due_on.unwrap_or(cx.today)).num_days()
                        ),
                        _ => format!("{} 收到，应于 {due} 前答复", r.received_on),
                    },
                    url: Some(format!("/admin/requests/{}", r.id)),
                },
            ));
        }
    }
    Ok(out)
}

/// 领导信箱: letters past their deadline, valid letters unanswered for three months (single veto),
/// organisations with letters to answer but no reply in two months. Each is a problem of the
/// answering organisation's site.
pub fn letter_findings(
    conn: &mut AnyConnection,
    cx: &CheckContext<'_>,
) -> Result<Vec<(i64, Finding)>> {
    use crate::mailbox::letters;
    use gongkai_domain::health::interaction::{
        self, LetterFacts, LOOKBACK_MONTHS, UNANSWERED_MONTHS,
    };
    use gongkai_domain::mailbox::LetterStatus;
    // Older closed letters cannot matter: a late answer counts for a year after it was given.
    let horizon = cx
        .today
        .checked_sub_months(chrono::Months::new(LOOKBACK_MONTHS + UNANSWERED_MONTHS))
        .unwrap_or(cx.today);
    let rows: Vec<crate::mailbox::Letter> = letters::table
        .filter(
            letters::status
                .eq_any([
                    LetterStatus::Received.as_str(),
                    LetterStatus::Routed.as_str(),
                ])
                .or(letters::received_on.ge(horizon)),
        )
        .order(letters::id.asc())
        .select(crate::mailbox::Letter::as_select())
        .load(conn)?;
    let facts: Vec<LetterFacts> = rows
        .iter()
        .map(|l| LetterFacts {
            id: l.id,
            org_id: l.org_id,
            tracking_code: l.tracking_code.clone(),
            subject: l.subject.clone(),
            status: l.status(),
            received_on: l.received_on,
            due_on: l.due_on,
            replied_on: l.replied_on,
        })
        .collect();
    Ok(interaction::letter_findings(&facts, cx.calendar, cx.today)
        .into_iter()
        .filter_map(|(org, f)| cx.site_of_org(org).map(|s| (s.id, f)))
        .collect())
}

/// 征集调查 closed without public results: the tallies are public with the survey, so this is a
/// survey withdrawn although people answered it.
pub fn survey_findings(
    conn: &mut AnyConnection,
    cx: &CheckContext<'_>,
) -> Result<Vec<(i64, Finding)>> {
    let now_china = cx.now + Duration::hours(8);
    let mut out = vec![];
    for s in crate::survey::for_orgs(conn, None)? {
        if s.published_at.is_none() || now_china < s.closes_at {
            continue;
        }
        let facts = rules::ClosedFacts {
            id: s.id,
            org_id: s.org_id,
            title: s.title.clone(),
            closes_at: s.closes_at,
            public: s.is_published(),
            received: crate::survey::response_count(conn, s.id)?,
            results_published: s.results_visible(now_china),
        };
        if let Some(f) = rules::interaction::closed_without_results(
            FindingKind::SurveyNoResult,
            &facts,
            now_china,
        ) {
            if let Some(site) = cx.site_of_org(s.org_id) {
                out.push((site.id, f));
            }
        }
    }
    Ok(out)
}

/// 公开征求意见 closed without its feedback report (采纳情况).
pub fn consultation_findings(
    conn: &mut AnyConnection,
    cx: &CheckContext<'_>,
) -> Result<Vec<(i64, Finding)>> {
    let now_china = cx.now + Duration::hours(8);
    let mut out = vec![];
    for c in crate::consultation::for_orgs(conn, None)? {
        if c.published_at.is_none() || now_china < c.closes_at {
            continue;
        }
        let facts = rules::ClosedFacts {
            id: c.id,
            org_id: c.org_id,
            title: c.title.clone(),
            closes_at: c.closes_at,
            public: c.is_published(),
            received: crate::consultation::comments(conn, c.id)?.len() as i64,
            results_published: c.report_published_at.is_some(),
        };
        if let Some(f) = rules::interaction::closed_without_results(
            FindingKind::ConsultationNoReport,
            &facts,
            now_china,
        ) {
            if let Some(site) = cx.site_of_org(c.org_id) {
                out.push((site.id, f));
            }
        }
    }
    Ok(out)
}

/// 我为政府网站找错: every report not yet answered is a problem of its site.
pub fn error_report_findings(
    conn: &mut AnyConnection,
    _cx: &CheckContext<'_>,
) -> Result<Vec<(i64, Finding)>> {
    let open: Vec<crate::feedback::ErrorReport> = site_error_reports::table
        .filter(site_error_reports::status.eq("new"))
        .order(site_error_reports::id.asc())
        .select(crate::feedback::ErrorReport::as_select())
        .load(conn)?;
    Ok(open
        .into_iter()
        .map(|r| (r.site_id, error_report_finding(&r)))
        .collect())
}

fn error_report_finding(r: &crate::feedback::ErrorReport) -> Finding {
    let mut description: String = r.description.chars().take(60).collect();
    if r.description.chars().count() > 60 {
        description.push('…');
    }
    Finding {
        kind: FindingKind::ErrorReport,
        subject: format!("error_report:{}", r.id),
        title: format!("网民找错 {}", r.tracking_code),
        evidence: format!(
            "{} 收到（{}）：{description}{}",
            r.created_at.date(),
            r.category,
            if r.page_url.is_empty() {
                String::new()
            } else {
                format!("（页面 {}）", r.page_url)
            }
        ),
        url: Some(format!("/admin/health/reports/{}", r.id)),
    }
}

/// Published items whose title or body holds a dictionary hit (an item published before the
/// entry was added, or imported).
pub fn word_findings(
    conn: &mut AnyConnection,
    _cx: &CheckContext<'_>,
) -> Result<Vec<(i64, Finding)>> {
    let dict = dictionary(conn)?;
    if dict.entries().is_empty() {
        return Ok(vec![]);
    }
    let mut out = vec![];
    let mut after = 0i64;
    loop {
        let batch: Vec<(i64, i64, String, String)> = items::table
            .filter(items::status.eq(published()))
            .filter(items::id.gt(after))
            .order(items::id.asc())
            .limit(500)
            .select((items::id, items::site_id, items::title, items::body_html))
            .load(conn)?;
        let Some(last) = batch.last() else { break };
        after = last.0;
        for (id, site_id, title, body) in batch {
            let hits = dict.check_item(&title, &body);
            if hits.is_empty() {
                continue;
            }
            out.push((
                site_id,
                Finding {
                    kind: FindingKind::Words,
                    subject: format!("item:{id}"),
                    title,
                    evidence: hits
                        .iter()
                        .take(5)
                        .map(|h| h.describe())
                        .collect::<Vec<_>>()
                        .join("；"),
                    url: Some(format!("/admin/items/{id}")),
                },
            ));
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------ findings queue

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = health_findings)]
pub struct StoredFinding {
    pub id: i64,
    pub site_id: i64,
    pub org_id: i64,
    pub kind: String,
    pub severity: String,
    pub subject: String,
    pub title: String,
    pub evidence: String,
    pub url: Option<String>,
    pub first_seen: NaiveDateTime,
    pub last_seen: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

impl StoredFinding {
    pub fn kind(&self) -> Option<FindingKind> {
        self.kind.parse().ok()
    }
    pub fn finding(&self) -> Option<Finding> {
        Some(Finding {
            kind: self.kind()?,
            subject: self.subject.clone(),
            title: self.title.clone(),
            evidence: self.evidence.clone(),
            url: self.url.clone(),
        })
    }
}

/// What a sync changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SyncOutcome {
    pub opened: usize,
    pub resolved: usize,
}

/// Makes the open findings of `site` of the given kinds exactly `found`: new ones open (a resolved
/// one found again reopens), known ones get today's evidence, missing ones resolve.
pub fn sync_findings(
    conn: &mut AnyConnection,
    site: &Site,
    kinds: &[FindingKind],
    found: &[Finding],
    now: NaiveDateTime,
) -> Result<SyncOutcome> {
    let kind_codes: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    write_txn(conn, |conn| {
        let known: Vec<StoredFinding> = health_findings::table
            .filter(health_findings::site_id.eq(site.id))
            .filter(health_findings::kind.eq_any(kind_codes.clone()))
            .select(StoredFinding::as_select())
            .load(conn)?;
        let mut out = SyncOutcome::default();
        for f in found.iter().filter(|f| kinds.contains(&f.kind)) {
            match known
                .iter()
                .find(|k| k.kind == f.kind.as_str() && k.subject == f.subject)
            {
                Some(k) => {
                    let reopened = k.resolved_at.is_some();
                    diesel::update(health_findings::table.find(k.id))
                        .set((
                            health_findings::title.eq(&f.title),
                            health_findings::evidence.eq(&f.evidence),
                            health_findings::url.eq(f.url.as_deref()),
                            health_findings::last_seen.eq(now),
                            health_findings::resolved_at.eq(None::<NaiveDateTime>),
                        ))
                        .execute(conn)?;
                    if reopened {
                        diesel::update(health_findings::table.find(k.id))
                            .set(health_findings::first_seen.eq(now))
                            .execute(conn)?;
                        out.opened += 1;
                    }
                }
                None => {
                    diesel::insert_into(health_findings::table)
                        .values((
                            health_findings::site_id.eq(site.id),
                            health_findings::org_id.eq(site.org_id),
                            health_findings::kind.eq(f.kind.as_str()),
                            health_findings::severity.eq(f.severity().as_str()),
                            health_findings::subject.eq(&f.subject),
                            health_findings::title.eq(&f.title),
                            health_findings::evidence.eq(&f.evidence),
                            health_findings::url.eq(f.url.as_deref()),
                            health_findings::first_seen.eq(now),
                            health_findings::last_seen.eq(now),
                        ))
                        .execute(conn)?;
                    out.opened += 1;
                }
            }
        }
        for k in known.iter().filter(|k| k.resolved_at.is_none()) {
            let still = found
                .iter()
                .any(|f| f.kind.as_str() == k.kind && f.subject == k.subject);
            if !still {
                diesel::update(health_findings::table.find(k.id))
                    .set(health_findings::resolved_at.eq(Some(now)))
                    .execute(conn)?;
                out.resolved += 1;
            }
        }
        Ok(out)
    })
}

/// Open findings of the given organisations (None: all), most serious first.
pub fn open_findings(
    conn: &mut AnyConnection,
    org_ids: Option<&[i64]>,
) -> Result<Vec<StoredFinding>> {
    let mut q = health_findings::table
        .filter(health_findings::resolved_at.is_null())
        .select(StoredFinding::as_select())
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(health_findings::org_id.eq_any(ids.to_vec()));
    }
    let mut rows: Vec<StoredFinding> = q.load(conn)?;
    let rank = |s: &str| match s {
        "veto" => 0,
        "deduct" => 1,
        _ => 2,
    };
    rows.sort_by(|a, b| {
        (a.site_id, rank(&a.severity), &a.kind, a.id).cmp(&(
            b.site_id,
            rank(&b.severity),
            &b.kind,
            b.id,
        ))
    });
    Ok(rows)
}

// ------------------------------------------------------------------ check runs and scores

/// The ISO week a day belongs to, as stored: `2026-W48`.
pub fn week_of(day: NaiveDate) -> String {
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// Today in China (UTC+8) for a UTC time.
pub fn china_today(now: NaiveDateTime) -> NaiveDate {
    (now + Duration::hours(8)).date()
}

/// Runs every check on every site (or the one with `only_slug`) as of `now`: syncs the findings,
/// keeps this week's score, and returns the reports. Link findings come from the crawler's last
/// run and are read, not recomputed.
pub fn run_checks(
    conn: &mut AnyConnection,
    calendar: &WorkingCalendar,
    now: NaiveDateTime,
    only_slug: Option<&str>,
) -> Result<Vec<SiteReport>> {
    let sites = crate::site::all_sites(conn)?;
    if let Some(slug) = only_slug {
        if !sites.iter().any(|s| s.slug == slug) {
            return Err(StorageError::NotFound {
                what: "site",
                id: slug.to_string(),
            });
        }
    }
    let cx = CheckContext {
        now,
        today: china_today(now),
        calendar,
        sites,
    };
    let mut from_sources: Vec<(i64, Finding)> = vec![];
    for source in SOURCES {
        match (source.run)(conn, &cx) {
            Ok(found) => from_sources.extend(found),
            Err(e) => tracing::warn!("health source {}: {e}", source.name),
        }
    }
    let mut reports = vec![];
    for site in cx
        .sites
        .iter()
        .filter(|s| only_slug.is_none_or(|slug| s.slug == slug))
    {
        let facts = site_facts(conn, site)?;
        let timeliness = rules::score::timeliness_findings(&facts, cx.today);
        sync_findings(conn, site, TIMELINESS, &timeliness, now)?;
        for source in SOURCES {
            let mine: Vec<Finding> = from_sources
                .iter()
                .filter(|(sid, f)| *sid == site.id && source.kinds.contains(&f.kind))
                .map(|(_, f)| f.clone())
                .collect();
            sync_findings(conn, site, source.kinds, &mine, now)?;
        }
        // Everything open that the timeliness rules do not recompute (sources, crawler).
        let other: Vec<Finding> = open_findings(conn, Some(&[site.org_id]))?
            .iter()
            .filter(|f| f.site_id == site.id)
            .filter_map(StoredFinding::finding)
            .filter(|f| !TIMELINESS.contains(&f.kind))
            .collect();
        let report = rules::score::report(&facts, cx.today, other);
        save_score(conn, &report)?;
        reports.push(report);
    }
    Ok(reports)
}

/// The kinds the timeliness rules produce.
pub const TIMELINESS: &[FindingKind] = &[
    FindingKind::HomepageStale,
    FindingKind::ColumnStale,
    FindingKind::ColumnRequirement,
    FindingKind::ColumnLongStale,
    FindingKind::ColumnEmpty,
];

/// The crawler's kinds (see `gongkai_web::health::crawl`).
pub const LINKS: &[FindingKind] = &[FindingKind::BrokenLink, FindingKind::MissingAttachment];

fn save_score(conn: &mut AnyConnection, r: &SiteReport) -> Result<()> {
    let week = week_of(r.checked_on);
    let json = serde_json::to_string(r).map_err(|e| StorageError::Conflict(e.to_string()))?;
    write_txn(conn, |conn| {
        diesel::delete(
            health_scores::table
                .filter(health_scores::site_id.eq(r.site_id))
                .filter(health_scores::week.eq(&week)),
        )
        .execute(conn)?;
        diesel::insert_into(health_scores::table)
            .values((
                health_scores::site_id.eq(r.site_id),
                health_scores::week.eq(&week),
                health_scores::checked_on.eq(r.checked_on),
                health_scores::score.eq(r.score),
                health_scores::passed.eq(r.passed()),
                health_scores::report.eq(json),
            ))
            .execute(conn)?;
        Ok(())
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = health_scores)]
pub struct WeeklyScore {
    pub id: i64,
    pub site_id: i64,
    pub week: String,
    pub checked_on: NaiveDate,
    pub score: i32,
    pub passed: bool,
    #[serde(skip)]
    pub report: String,
}

impl WeeklyScore {
    pub fn report(&self) -> Result<SiteReport> {
        serde_json::from_str(&self.report)
            .map_err(|e| StorageError::Conflict(format!("stored health report unreadable: {e}")))
    }
}

/// A site's scores, one per week, oldest first (the last `weeks`).
pub fn history(conn: &mut AnyConnection, site_id: i64, weeks: i64) -> Result<Vec<WeeklyScore>> {
    let mut rows: Vec<WeeklyScore> = health_scores::table
        .filter(health_scores::site_id.eq(site_id))
        .order(health_scores::week.desc())
        .limit(weeks)
        .select(WeeklyScore::as_select())
        .load(conn)?;
    rows.reverse();
    Ok(rows)
}

/// Every site's latest score: failed sites last, then by score, best first.
pub fn ranking(conn: &mut AnyConnection) -> Result<Vec<WeeklyScore>> {
    let all: Vec<WeeklyScore> = health_scores::table
        .order((health_scores::site_id.asc(), health_scores::week.desc()))
        .select(WeeklyScore::as_select())
        .load(conn)?;
    let mut latest: Vec<WeeklyScore> = vec![];
    for s in all {
        if latest.last().is_none_or(|l| l.site_id != s.site_id) {
            latest.push(s);
        }
    }
    latest.sort_by(|a, b| (!a.passed, -a.score, a.site_id).cmp(&(!b.passed, -b.score, b.site_id)));
    Ok(latest)
}

pub fn latest_report(conn: &mut AnyConnection, site_id: i64) -> Result<Option<SiteReport>> {
    history(conn, site_id, 1)?
        .pop()
        .map(|s| s.report())
        .transpose()
}

// ------------------------------------------------------------------ daily digest

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = health_digests)]
pub struct Digest {
    pub id: i64,
    pub org_id: i64,
    pub day: NaiveDate,
    pub finding_count: i32,
    pub body: String,
    pub mailed_to: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Writes today's digest for every organisation with findings opened since its previous digest
/// (at most one per organisation and day; a second call the same day adds nothing).
pub fn make_digests(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    site_titles: &dyn Fn(i64) -> String,
) -> Result<Vec<Digest>> {
    let day = china_today(now);
    let open = open_findings(conn, None)?;
    let mut orgs: Vec<i64> = open.iter().map(|f| f.org_id).collect();
    orgs.sort();
    orgs.dedup();
    let mut made = vec![];
    for org in orgs {
        let previous: Option<Digest> = health_digests::table
            .filter(health_digests::org_id.eq(org))
            .order(health_digests::created_at.desc())
            .select(Digest::as_select())
            .first(conn)
            .optional()?;
        if previous.as_ref().is_some_and(|p| p.day == day) {
            continue;
        }
        let since = previous.map(|p| p.created_at);
        let new: Vec<&StoredFinding> = open
            .iter()
            .filter(|f| f.org_id == org && since.is_none_or(|s| f.first_seen > s))
            .collect();
        if new.is_empty() {
            continue;
        }
        let mut body = format!("{day} 网站健康检查发现 {} 个新问题：\n", new.len());
        for f in &new {
            let kind = f.kind().map(|k| k.label_zh()).unwrap_or("问题");
            body.push_str(&format!(
                "- [{}] {kind}：{}，{}\n",
                site_titles(f.site_id),
                f.title,
                f.evidence
            ));
        }
        let id: i64 = diesel::insert_into(health_digests::table)
            .values((
                health_digests::org_id.eq(org),
                health_digests::day.eq(day),
                health_digests::finding_count.eq(new.len() as i32),
                health_digests::body.eq(&body),
                health_digests::created_at.eq(now),
            ))
            .returning(health_digests::id)
            .get_result(conn)?;
        made.push(
            health_digests::table
                .find(id)
                .select(Digest::as_select())
                .first(conn)?,
        );
    }
    Ok(made)
}

/// Digests of the last `days` days not yet mailed, oldest first: a send that failed is tried again
/// at the next run, and a digest whose organisation had no admin with an address goes once one
/// is entered.
pub fn unmailed_digests(
    conn: &mut AnyConnection,
    today: NaiveDate,
    days: i64,
) -> Result<Vec<Digest>> {
    Ok(health_digests::table
        .filter(health_digests::mailed_to.is_null())
        .filter(health_digests::day.ge(today - Duration::days(days)))
        .order(health_digests::id.asc())
        .select(Digest::as_select())
        .load(conn)?)
}

/// Who gets an organisation's digest by mail: enabled users with an address who are 单位管理员 of
/// the organisation or of one above it (a role covers the organisations below).
pub fn digest_recipients(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<(String, String)>> {
    use crate::schema::{grants, organisations, users};
    let path: String = organisations::table
        .find(org_id)
        .select(organisations::path)
        .first(conn)?;
    let rows: Vec<(String, Option<String>, String)> = grants::table
        .inner_join(users::table.on(users::id.eq(grants::user_id)))
        .inner_join(organisations::table.on(organisations::id.eq(grants::org_id)))
        .filter(grants::role.eq(gongkai_domain::role::Role::OrgAdmin.as_str()))
        .filter(users::disabled.eq(false))
        .filter(users::email.is_not_null())
        .order(users::id.asc())
        .select((users::display_name, users::email, organisations::path))
        .load(conn)?;
    let mut out: Vec<(String, String)> = vec![];
    for (name, email, scope) in rows {
        let Some(email) = email else { continue };
        let grant = gongkai_domain::role::Grant {
            role: gongkai_domain::role::Role::OrgAdmin,
            scope_path: scope,
        };
        let covers = grant.allows(gongkai_domain::role::Permission::ManageSites, &path);
        if covers && !out.iter().any(|(_, e)| *e == email) {
            out.push((name, email));
        }
    }
    Ok(out)
}

/// Records where a digest was mailed.
pub fn mark_mailed(conn: &mut AnyConnection, id: i64, to: &str) -> Result<()> {
    diesel::update(health_digests::table.find(id))
        .set(health_digests::mailed_to.eq(Some(to)))
        .execute(conn)?;
    Ok(())
}

/// The latest digests of the given organisations (None: all), newest first.
pub fn digests(
    conn: &mut AnyConnection,
    org_ids: Option<&[i64]>,
    limit: i64,
) -> Result<Vec<Digest>> {
    let mut q = health_digests::table
        .order(health_digests::created_at.desc())
        .limit(limit)
        .select(Digest::as_select())
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(health_digests::org_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(conn)?)
}

// ------------------------------------------------------------------ 我为政府网站找错 replies

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = error_report_replies)]
pub struct ReportReply {
    pub report_id: i64,
    pub reply: String,
    pub replied_by: String,
    pub replied_at: NaiveDateTime,
}

pub fn error_report(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<(crate::feedback::ErrorReport, Option<ReportReply>)> {
    let r = site_error_reports::table
        .find(id)
        .select(crate::feedback::ErrorReport::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "error report",
            id: id.to_string(),
        })?;
    let reply = error_report_replies::table
        .find(id)
        .select(ReportReply::as_select())
        .first(conn)
        .optional()?;
    Ok((r, reply))
}

/// The reporter's view: the report by its tracking code, with the reply once there is one.
pub fn error_report_by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<(crate::feedback::ErrorReport, Option<ReportReply>)>> {
    let id: Option<i64> = site_error_reports::table
        .filter(site_error_reports::tracking_code.eq(code.trim().to_uppercase()))
        .select(site_error_reports::id)
        .first(conn)
        .optional()?;
    id.map(|id| error_report(conn, id)).transpose()
}

/// Answers a report: the reply is kept for the reporter, the report is closed and its finding
/// resolved, in one transaction with the audit entry.
pub fn reply_to_error_report(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    reply: &str,
) -> Result<()> {
    let reply = reply.trim();
    if reply.chars().count() < 2 || reply.chars().count() > 2000 {
        let mut f = gongkai_domain::item::FieldErrors::default();
        f.add("reply", "答复须为 2-2000 个字");
        return Err(StorageError::Invalid(f));
    }
    let now = crate::now();
    write_txn(conn, |conn| {
        let (r, existing) = error_report(conn, id)?;
        if existing.is_some() {
            return Err(StorageError::Conflict(format!(
                "找错报告 {} 已答复",
                r.tracking_code
            )));
        }
        let site = crate::site::get_site(conn, r.site_id)?;
        diesel::insert_into(error_report_replies::table)
            .values((
                error_report_replies::report_id.eq(id),
                error_report_replies::reply.eq(reply),
                error_report_replies::replied_by.eq(&actor.name),
                error_report_replies::replied_at.eq(now),
            ))
            .execute(conn)?;
        diesel::update(site_error_reports::table.find(id))
            .set(site_error_reports::status.eq("replied"))
            .execute(conn)?;
        diesel::update(
            health_findings::table
                .filter(health_findings::kind.eq(FindingKind::ErrorReport.as_str()))
                .filter(health_findings::subject.eq(format!("error_report:{id}")))
                .filter(health_findings::resolved_at.is_null()),
        )
        .set(health_findings::resolved_at.eq(Some(now)))
        .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "error_report.reply",
                entity: "error_report",
                entity_id: id.to_string(),
                org_id: Some(site.org_id),
                summary: format!("replied to error report {}", r.tracking_code),
                before: Some(serde_json::json!({"status": r.status})),
                after: Some(serde_json::json!({"status": "replied"})),
            },
        )
    })
}

/// Puts a newly received report into the queue at once (the next check run would find it too).
pub fn queue_error_report(conn: &mut AnyConnection, code: &str) -> Result<()> {
    if let Some((r, _)) = error_report_by_code(conn, code)? {
        let site = crate::site::get_site(conn, r.site_id)?;
        let open: Vec<Finding> = open_findings(conn, Some(&[site.org_id]))?
            .iter()
            .filter(|f| f.site_id == site.id && f.kind == FindingKind::ErrorReport.as_str())
            .filter_map(StoredFinding::finding)
            .chain(std::iter::once(error_report_finding(&r)))
            .collect();
        sync_findings(
            conn,
            &site,
            &[FindingKind::ErrorReport],
            &open,
            crate::now(),
        )?;
    }
    Ok(())
}

// ------------------------------------------------------------------ crawls

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = health_crawls)]
pub struct Crawl {
    pub id: i64,
    pub finished_at: NaiveDateTime,
    pub pages: i32,
    pub broken: i32,
    pub external: String,
}

impl Crawl {
    /// The external links the crawl listed (not fetched).
    pub fn external(&self) -> Vec<String> {
        serde_json::from_str(&self.external).unwrap_or_default()
    }
}

/// Keeps a crawl's totals and its external links; only the last 30 crawls are kept.
pub fn record_crawl(
    conn: &mut AnyConnection,
    at: NaiveDateTime,
    pages: usize,
    broken: usize,
    external: &[String],
) -> Result<()> {
    let json = serde_json::to_string(external).unwrap_or_else(|_| "[]".into());
    write_txn(conn, |conn| {
        diesel::insert_into(health_crawls::table)
            .values((
                health_crawls::finished_at.eq(at),
                health_crawls::pages.eq(pages as i32),
                health_crawls::broken.eq(broken as i32),
                health_crawls::external.eq(json),
            ))
            .execute(conn)?;
        let keep: Vec<i64> = health_crawls::table
            .order(health_crawls::id.desc())
            .limit(30)
            .select(health_crawls::id)
            .load(conn)?;
        diesel::delete(
            health_crawls::table.filter(diesel::dsl::not(health_crawls::id.eq_any(keep))),
        )
        .execute(conn)?;
        Ok(())
    })
}

pub fn last_crawl(conn: &mut AnyConnection) -> Result<Option<Crawl>> {
    Ok(health_crawls::table
        .order(health_crawls::id.desc())
        .select(Crawl::as_select())
        .first(conn)
        .optional()?)
}

#[cfg(test)]
mod tests;
