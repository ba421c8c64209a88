//! 政府信息公开工作年度报告 in the back office: the report on a year for a scope, computed from the
//! records every time it is shown ([`annual_report::compute`]); the text staff write for sections
//! 一, 五 and 六 with generated paragraphs of figures they can insert; the figures of table 二
//! that come from other systems; the drafting workflow (草稿 → 已审核 → 已发布) with the legal
//! deadline; downloads in every format; and the disclosure office's statistics page, the year's
//! figures by month and by organisation against the year before.
//!
//! Who may do what: a scope of one organisation needs the permission over that organisation; the
//! city-wide scopes (全市, 市本级, 县（市、区）) need it over the city government at the root of the
//! organisation tree — in practice the city's disclosure office. Writing text and entering
//! figures needs EditItems; review and publication need ReviewItems (publishing creates a
//! catalogue item).

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::Form;
use chrono::Datelike;
use gongkai_domain::org::OrgKind;
use gongkai_domain::report::{Publisher, ReportStatus, Scope, Table2Block};
use gongkai_domain::role::Permission;
use gongkai_reporting::chart::Chart;
use gongkai_storage::annual_report::{self, document, AnnualReport, Sections, SECTION_KEYS};
use gongkai_storage::org::Organisation;
use serde::Deserialize;
use serde_json::{json, Value};

use super::render;
use crate::app::AppState;
use crate::auth::Staff;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page;
use crate::request::today;

pub const URL: &str = "/admin/reports";
pub const STATISTICS_URL: &str = "/admin/statistics";
/// The first year of the 2019 Regulation's format, and so of reports Gongkai generates.
const FIRST_YEAR: i32 = 2019;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(list))
        .route("/reports/open", get(open))
        .route("/reports/{year}", get(view))
        .route("/reports/{year}/sections", post(save_sections))
        .route("/reports/{year}/figures", post(enter_figure))
        .route("/reports/{year}/workflow", post(workflow))
        .route("/reports/{year}/download", get(download))
        .route("/statistics", get(statistics))
}

// ------------------------------------------------------------------ scopes and permissions

/// The organisation at the root of the tree: the city government the city-wide scopes belong to.
fn root(dir: &Directory) -> Option<&Organisation> {
    dir.orgs.iter().find(|o| o.parent_id.is_none())
}

fn org_of<'a>(dir: &'a Directory, code: &str) -> Option<&'a Organisation> {
    dir.orgs.iter().find(|o| o.code.eq_ignore_ascii_case(code))
}

/// Whether the user holds `p` over the scope; an unknown organisation is a 404.
fn may(staff: &Staff, dir: &Directory, scope: &Scope, p: Permission) -> WebResult<bool> {
    let path = match scope {
        Scope::Org(code) => &org_of(dir, code).ok_or(WebError::NotFound)?.path,
        _ => &root(dir).ok_or(WebError::NotFound)?.path,
    };
    Ok(staff.can(p, path))
}

fn require(staff: &Staff, dir: &Directory, scope: &Scope, p: Permission) -> WebResult<()> {
    if may(staff, dir, scope, p)? {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// The scope's name as the report goes out under it.
fn scope_label(dir: &Directory, scope: &Scope) -> String {
    match scope {
        Scope::Org(code) => org_of(dir, code)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| code.clone()),
        other => {
            let city = root(dir).map(|o| o.short_name.clone()).unwrap_or_default();
            format!("{city}{}", other.label_zh())
        }
    }
}

/// Governments publish by 31 March, their departments by 31 January (Art. 49).
fn publisher(dir: &Directory, scope: &Scope) -> Publisher {
    match scope {
        Scope::Org(code) => match org_of(dir, code).map(|o| o.kind.parse::<OrgKind>()) {
            Some(Ok(OrgKind::Department)) => Publisher::Department,
            _ => Publisher::Government,
        },
        _ => Publisher::Government,
    }
}

/// Every scope the user may open with `p`: the city-wide ones first, then organisations in tree
/// order.
fn scopes_for(staff: &Staff, dir: &Directory, p: Permission) -> Vec<Scope> {
    let mut out = Vec::new();
    if root(dir).is_some_and(|r| staff.can(p, &r.path)) {
        out.extend([Scope::City, Scope::CityLevel, Scope::Counties]);
    }
    out.extend(
        dir.orgs
            .iter()
            .filter(|o| staff.can(p, &o.path))
            .map(|o| Scope::Org(o.code.clone())),
    );
    out
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScopeParams {
    scope: String,
    year: String,
}

fn parse_scope(raw: &str) -> WebResult<Scope> {
    let raw = if raw.trim().is_empty() { "city" } else { raw };
    raw.parse::<Scope>()
        .map_err(|e| WebError::Unprocessable(format!("统计范围无效：{e}")))
}

fn check_year(year: i32) -> WebResult<i32> {
    let last = today().year();
    if (FIRST_YEAR..=last).contains(&year) {
        Ok(year)
    } else {
        Err(WebError::Unprocessable(format!(
            "年度应为 {FIRST_YEAR} 至 {last} 之间的年份"
        )))
    }
}

fn report_url(year: i32, scope: &Scope) -> String {
    format!("{URL}/{year}?scope={}", urlencoding::encode(&scope.key()))
}

fn year_options() -> Vec<Value> {
    (FIRST_YEAR..=today().year())
        .rev()
        .map(|y| json!({"value": y.to_string(), "label": format!("{y} 年")}))
        .collect()
}

fn scope_options(staff: &Staff, dir: &Directory, p: Permission) -> Vec<Value> {
    scopes_for(staff, dir, p)
        .iter()
        .map(|s| json!({"value": s.key(), "label": scope_label(dir, s)}))
        .collect()
}

// ------------------------------------------------------------------ list

/// The year whose report is being written now: last year's, until its deadline has passed.
fn reporting_year() -> i32 {
    today().year() - 1
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> WebResult<Response> {
    let dir = state.directory().await?;
    let scopes = scopes_for(&staff, &dir, Permission::EditItems);
    if scopes.is_empty() {
        return Err(WebError::Forbidden);
    }
    let keys: Vec<String> = scopes.iter().map(Scope::key).collect();
    let drafts = state
        .run(move |conn| Ok(annual_report::drafts_of(conn, &keys)?))
        .await?;
    let now = today();
    let rows: Vec<Value> = drafts
        .iter()
        .filter_map(|d| {
            let scope: Scope = d.scope.parse().ok()?;
            let deadline = publisher(&dir, &scope).deadline(d.year);
            let status = ReportStatus::parse(&d.status);
            Some(json!({
                "title": format!("{}{}年度报告", scope_label(&dir, &scope), d.year),
                "year": d.year,
                "status_label": status.map(|s| s.label_zh()).unwrap_or(""),
                "deadline": deadline.to_string(),
                "late": status != Some(ReportStatus::Published) && now > deadline,
                "updated": page::datetime(d.updated_at),
                "url": report_url(d.year, &scope),
            }))
        })
        .collect();
    let html = render(
        &staff,
        URL,
        "政府信息公开工作年度报告",
        "admin/reports.html",
        json!({
            "reports": rows,
            "form_action": format!("{URL}/open"),
            "year_options": year_options(),
            "scope_options": scope_options(&staff, &dir, Permission::EditItems),
            "values": {"year": reporting_year().to_string(), "scope": scopes[0].key()},
            "errors": {},
            "statistics_url": STATISTICS_URL,
            "deadline_rule": "各级人民政府于每年3月31日前、政府部门于每年1月31日前公布本机关上一年度的年度报告（条例第四十九条）。",
        }),
    )?;
    Ok(html.into_response())
}

/// The list's form (a GET form cannot put the year in the path): redirects to the report.
pub async fn open(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ScopeParams>,
) -> WebResult<Response> {
    let scope = parse_scope(&q.scope)?;
    let year = check_year(
        q.year
            .trim()
            .parse()
            .map_err(|_| WebError::Unprocessable(format!("年度“{}”无效", q.year)))?,
    )?;
    let dir = state.directory().await?;
    require(&staff, &dir, &scope, Permission::EditItems)?;
    Ok(Redirect::to(&report_url(year, &scope)).into_response())
}

// ------------------------------------------------------------------ one report

const SECTION_HEADINGS: [(&str, &str); 3] = [
    ("overview", "一、总体情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
];

struct Loaded {
    report: AnnualReport,
    draft: Option<annual_report::Draft>,
    /// The organisations the scope covers (for whom table 二's figures may be entered).
    orgs: std::collections::HashSet<i64>,
}

async fn load(state: &AppState, year: i32, scope: &Scope) -> WebResult<Loaded> {
    let scope = scope.clone();
    state
        .run(move |conn| {
            let report = annual_report::compute(conn, year, &scope)?;
            let draft = annual_report::draft(conn, &scope, year)?;
            let orgs = annual_report::scope_ids(conn, &scope)?;
            Ok(Loaded {
                report,
                draft,
                orgs,
            })
        })
        .await
}

/// The report page; `flash` and `status` carry the outcome of a form posted to it.
async fn report_page(
    state: &AppState,
    staff: &Staff,
    year: i32,
    scope: &Scope,
    flash: Option<(&str, String)>,
    status: StatusCode,
) -> WebResult<Response> {
    let dir = state.directory().await?;
    require(staff, &dir, scope, Permission::EditItems)?;
    let Loaded {
        report,
        draft,
        orgs,
    } = load(state, year, scope).await?;
    let sections = draft.as_ref().map(|d| d.sections()).unwrap_or_default();
    let doc = document::document(&report, &sections);
    let stage = draft
        .as_ref()
        .and_then(|d| ReportStatus::parse(&d.status))
        .unwrap_or(ReportStatus::Draft);
    let editable = stage == ReportStatus::Draft;
    let can_review = may(staff, &dir, scope, Permission::ReviewItems)?;
    let deadline = publisher(&dir, scope).deadline(year);
    let generated = document::generated_paragraphs(&report);
    let section_rows: Vec<Value> = SECTION_HEADINGS
        .iter()
        .map(|(key, heading)| {
            json!({
                "key": key,
                "heading": heading,
                "generated": generated.iter().enumerate()
                    .filter(|(_, (k, _))| k == key)
                    .map(|(i, (_, text))| json!({"value": format!("{key}:{i}"), "text": text}))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut actions = Vec::new();
    if can_review && draft.is_some() {
        match stage {
            ReportStatus::Draft => actions.push(json!({"action": "review", "label": "审核通过"})),
            ReportStatus::Reviewed => {
                actions.push(json!({"action": "publish", "label": "发布到政府信息公开年报栏目"}));
                actions.push(json!({"action": "reopen", "label": "退回修改"}));
            }
            ReportStatus::Published => {}
        }
    }
    let format = report.format;
    let cells: Vec<Value> = Table2Block::of(format)
        .iter()
        .flat_map(|b| {
            b.rows.iter().flat_map(move |&row| {
                b.columns.iter().filter_map(move |&col| {
                    (!annual_report::from_catalogue(row, col)).then(|| {
                        json!({
                            "value": format!("{}:{}", row.key(), annual_report::table2_column_key(col)),
                            "label": format!("{} / {}", row.label(format), col.label()),
                        })
                    })
                })
            })
        })
        .collect();
    let downloads: Vec<Value> = [
        ("网页（HTML）", "html"),
        ("Word（DOCX）", "docx"),
        ("PDF", "pdf"),
        ("Excel（XLSX，每表一页）", "xlsx"),
        ("数据（JSON）", "json"),
    ]
    .iter()
    .map(|(label, f)| {
        json!({"label": label, "url": format!("{URL}/{year}/download?scope={}&format={f}", urlencoding::encode(&scope.key()))})
    })
    .collect();
    let scope_key = scope.key();
    let mut ctx = json!({
        "title": document::title(&report),
        "year": year,
        "scope": scope_key,
        "scope_label": scope_label(&dir, scope),
        "format_label": format.label_zh(),
        "status_label": if draft.is_some() { stage.label_zh() } else { "未起草" },
        "published_url": draft.as_ref().and_then(|d| d.item_id).map(|id| format!("/admin/items/{id}")),
        "deadline": deadline.to_string(),
        "late": stage != ReportStatus::Published && today() > deadline,
        "problems": report.problems().iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        "notices": report.notices,
        "figures": report.figures.iter().map(|f| json!({
            "label": f.label, "value": f.value.display(), "rule": f.rule,
        })).collect::<Vec<_>>(),
        "report_html": gongkai_reporting::html::fragment(&doc),
        "editable": editable,
        "sections": section_rows,
        "section_values": SECTION_KEYS.iter()
            .map(|k| (k.to_string(), sections.get(*k).cloned().unwrap_or_default()))
            .collect::<BTreeMap<String, String>>(),
        "sections_action": format!("{URL}/{year}/sections"),
        "figures_action": format!("{URL}/{year}/figures"),
        "workflow_action": format!("{URL}/{year}/workflow"),
        "actions": actions,
        "cells": cells,
        "org_options": dir.orgs.iter()
            .filter(|o| orgs.contains(&o.id))
            .filter(|o| staff.can(Permission::EditItems, &o.path))
            .map(|o| json!({"value": o.id.to_string(), "label": o.name}))
            .collect::<Vec<_>>(),
        "entered": report.table2_sources.iter().map(|s| json!({
            "cell": format!("{} / {}", s.row, s.column),
            "org": dir.org_name(s.org_id),
            "value": s.value,
            "source": s.source,
        })).collect::<Vec<_>>(),
        "downloads": downloads,
        "list_url": URL,
        "statistics_url": format!("{STATISTICS_URL}?year={year}&scope={}", urlencoding::encode(&scope.key())),
        "values": {},
        "errors": {},
    });
    if let Some((kind, message)) = flash {
        ctx["flash"] = json!({"kind": kind, "message": message});
    }
    let html = render(
        staff,
        URL,
        &document::title(&report),
        "admin/report.html",
        ctx,
    )?;
    Ok((status, html).into_response())
}

/// The report page again with why a form was refused (a rule broken: `domain_status`; a conflict
/// with the report's state: 409), or the error itself when it is not the user's to fix.
async fn refused(
    state: &AppState,
    staff: &Staff,
    year: i32,
    scope: &Scope,
    what: &str,
    e: gongkai_storage::StorageError,
    domain_status: StatusCode,
) -> WebResult<Response> {
    use gongkai_storage::StorageError as E;
    let (message, status) = match e {
        E::Domain(e) => (e.to_string(), domain_status),
        E::Conflict(m) => (m, StatusCode::CONFLICT),
        E::NotFound { id, .. } => (format!("{id} 尚未起草"), StatusCode::CONFLICT),
        e => return Err(e.into()),
    };
    report_page(
        state,
        staff,
        year,
        scope,
        Some(("error", format!("{what}：{message}"))),
        status,
    )
    .await
}

pub async fn view(
    State(state): State<AppState>,
    staff: Staff,
    Path(year): Path<i32>,
    Query(q): Query<ScopeParams>,
) -> WebResult<Response> {
    let scope = parse_scope(&q.scope)?;
    report_page(
        &state,
        &staff,
        check_year(year)?,
        &scope,
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SectionsForm {
    csrf: String,
    scope: String,
    overview: String,
    problems: String,
    other: String,
    /// `section:index` of a generated paragraph to append to that section after saving.
    append: String,
}

/// Saves the three sections; with `append`, also adds a generated paragraph to one of them, so
/// the insert buttons work without JavaScript.
pub async fn save_sections(
    State(state): State<AppState>,
    staff: Staff,
    Path(year): Path<i32>,
    Form(form): Form<SectionsForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let year = check_year(year)?;
    let scope = parse_scope(&form.scope)?;
    let dir = state.directory().await?;
    require(&staff, &dir, &scope, Permission::EditItems)?;
    let mut sections: Sections = BTreeMap::new();
    for (key, text) in [
        ("overview", &form.overview),
        ("problems", &form.problems),
        ("other", &form.other),
    ] {
        sections.insert(
            key.to_string(),
            text.replace("\r\n", "\n").trim().to_string(),
        );
    }
    if !form.append.is_empty() {
        let Loaded { report, .. } = load(&state, year, &scope).await?;
        let generated = document::generated_paragraphs(&report);
        let picked = form
            .append
            .split_once(':')
            .and_then(|(key, i)| Some((key, i.parse::<usize>().ok()?)))
            .filter(|(key, _)| SECTION_KEYS.contains(key))
            .and_then(|(key, i)| generated.get(i).map(|(_, text)| (key, text.clone())));
        let Some((key, text)) = picked else {
            return Err(WebError::Unprocessable(format!(
                "没有可插入的段落“{}”",
                form.append
            )));
        };
        let section = sections.entry(key.to_string()).or_default();
        if !section.is_empty() {
            section.push('\n');
        }
        section.push_str(&text);
    }
    let actor = staff.actor();
    let s = scope.clone();
    let saved = state
        .run(move |conn| {
            Ok(annual_report::save_sections(
                conn, &actor, &s, year, &sections,
            ))
        })
        .await?;
    match saved {
        Ok(_) => {
            Ok(Redirect::to(&format!("{}#sections", report_url(year, &scope))).into_response())
        }
        Err(e) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            refused(&state, &staff, year, &scope, "未保存", e, status).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FigureForm {
    csrf: String,
    scope: String,
    org_id: String,
    cell: String,
    value: String,
    source: String,
}

/// Enters one figure of table 二 that another system holds, with its source.
pub async fn enter_figure(
    State(state): State<AppState>,
    staff: Staff,
    Path(year): Path<i32>,
    Form(form): Form<FigureForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let year = check_year(year)?;
    let scope = parse_scope(&form.scope)?;
    let dir = state.directory().await?;
    require(&staff, &dir, &scope, Permission::EditItems)?;
    let mut problems = Vec::new();
    let org = form
        .org_id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| dir.orgs.iter().find(|o| o.id == id));
    let org = match org {
        Some(o) if staff.can(Permission::EditItems, &o.path) => Some(o.id),
        Some(_) => return Err(WebError::Forbidden),
        None => {
            problems.push("请选择填报机关".to_string());
            None
        }
    };
    let cell = form.cell.split_once(':').and_then(|(r, c)| {
        Some((
            gongkai_domain::report::Table2Row::from_key(r)?,
            annual_report::table2_column_of(c)?,
        ))
    });
    if cell.is_none() {
        problems.push("请选择表二中的栏目".to_string());
    }
    let value = form
        .value
        .trim()
        .replace([',', '，'], "")
        .parse::<f64>()
        .ok();
    if value.is_none() {
        problems.push(format!("数值“{}”无法识别，请填写数字", form.value.trim()));
    }
    if form.source.trim().is_empty() {
        problems.push("请写明数据来源（如：省行政执法信息平台导出，2026-01-08）".to_string());
    }
    if !problems.is_empty() {
        return report_page(
            &state,
            &staff,
            year,
            &scope,
            Some(("error", format!("未录入：{}", problems.join("；")))),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let (org, (row, col), value) = (
        org.expect("checked"),
        cell.expect("checked"),
        value.expect("checked"),
    );
    let actor = staff.actor();
    let source = form.source.trim().to_string();
    let done = state
        .run(move |conn| {
            Ok(annual_report::enter_figure(
                conn, &actor, org, year, row, col, value, &source,
            ))
        })
        .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("{}#table2", report_url(year, &scope))).into_response()),
        Err(e) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            refused(&state, &staff, year, &scope, "未录入", e, status).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WorkflowForm {
    csrf: String,
    scope: String,
    action: String,
}

/// 审核 / 退回 / 发布. Publishing refuses a report whose figures break an invariant, and shows why.
pub async fn workflow(
    State(state): State<AppState>,
    staff: Staff,
    Path(year): Path<i32>,
    Form(form): Form<WorkflowForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let year = check_year(year)?;
    let scope = parse_scope(&form.scope)?;
    let dir = state.directory().await?;
    require(&staff, &dir, &scope, Permission::ReviewItems)?;
    if !["review", "reopen", "publish"].contains(&form.action.as_str()) {
        return Err(WebError::Unprocessable(format!(
            "未知的操作“{}”",
            form.action
        )));
    }
    let actor = staff.actor();
    let pattern = state.config.index_pattern.clone();
    let (s, action) = (scope.clone(), form.action.clone());
    let done = state
        .run(move |conn| {
            Ok(if action == "publish" {
                annual_report::publish(conn, &actor, &s, year, &pattern)
            } else {
                annual_report::transition(conn, &actor, &s, year, &action, None)
            })
        })
        .await?;
    match done {
        Ok(d) => {
            if form.action == "publish" {
                state.page_cache.invalidate();
            }
            let label = ReportStatus::parse(&d.status)
                .map(|s| s.label_zh())
                .unwrap_or("");
            report_page(
                &state,
                &staff,
                year,
                &scope,
                Some(("ok", format!("年度报告现为“{label}”。"))),
                StatusCode::OK,
            )
            .await
        }
        // Publishing a draft that was not reviewed breaks the workflow: a conflict.
        Err(e) => {
            refused(
                &state,
                &staff,
                year,
                &scope,
                "未能完成",
                e,
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DownloadParams {
    scope: String,
    format: String,
}

/// The report as a file. Rendering (typst for PDF) runs on the blocking pool with the query.
pub async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Path(year): Path<i32>,
    Query(q): Query<DownloadParams>,
) -> WebResult<Response> {
    let year = check_year(year)?;
    let scope = parse_scope(&q.scope)?;
    let dir = state.directory().await?;
    require(&staff, &dir, &scope, Permission::EditItems)?;
    let format = match q.format.as_str() {
        "json" => None,
        other => Some(other.parse::<gongkai_reporting::Format>().map_err(|_| {
            WebError::Unprocessable(format!(
                "格式“{other}”无效：应为 html、docx、pdf、xlsx 或 json"
            ))
        })?),
    };
    let s = scope.clone();
    let (bytes, title) = state
        .run(move |conn| {
            let report = annual_report::compute(conn, year, &s)?;
            let sections = annual_report::draft(conn, &s, year)?
                .map(|d| d.sections())
                .unwrap_or_default();
            let bytes = match format {
                None => serde_json::to_vec_pretty(&document::json(&report))
                    .map_err(|e| WebError::Internal(e.to_string()))?,
                Some(f) => gongkai_reporting::render(&document::document(&report, &sections), f)
                    .map_err(|e| WebError::Internal(format!("report rendering: {e}")))?,
            };
            Ok((bytes, document::title(&report)))
        })
        .await?;
    let (ext, content_type) = match format {
        None => ("json", "application/json"),
        Some(f) => (f.extension(), f.content_type()),
    };
    let filename = format!("{title}.{ext}");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"report-{year}.{ext}\"; filename*=UTF-8''{}",
                    urlencoding::encode(&filename)
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ------------------------------------------------------------------ statistics

/// The disclosure office's figures: the year against the year before, with charts by month and
/// by organisation. Every number is computed from the records, as in the report.
pub async fn statistics(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ScopeParams>,
) -> WebResult<Response> {
    let dir = state.directory().await?;
    let scope = parse_scope(&q.scope)?;
    require(&staff, &dir, &scope, Permission::EditItems)?;
    let year = if q.year.trim().is_empty() {
        today().year()
    } else {
        check_year(
            q.year
                .trim()
                .parse()
                .map_err(|_| WebError::Unprocessable(format!("年度“{}”无效", q.year)))?,
        )?
    };
    let s = scope.clone();
    let (this, last, months, orgs) = state
        .run(move |conn| {
            let this = annual_report::compute(conn, year, &s)?;
            let last = annual_report::compute(conn, year - 1, &s)?;
            let months = annual_report::by_month(conn, year, &s)?;
            let orgs = annual_report::items_by_org(conn, year, &s)?;
            Ok((this, last, months, orgs))
        })
        .await?;
    let series_names = |a: i32| vec![format!("{a}年"), format!("{}年", a - 1)];
    let mut charts = Vec::new();
    for (i, m) in months.iter().enumerate() {
        let names = series_names(year);
        let chart = Chart {
            title: format!("{}（按月）", m.label),
            categories: (1..=12).map(|n| format!("{n}月")).collect(),
            series: vec![
                (names[0].clone(), m.this_year.clone()),
                (names[1].clone(), m.last_year.clone()),
            ],
        };
        charts.push(chart_value(&chart, &format!("chart-month-{i}")));
    }
    let top: Vec<&(String, i64, i64)> = orgs.iter().take(15).collect();
    if !top.is_empty() {
        let names = series_names(year);
        let chart = Chart {
            title: format!("主动公开信息（按机关，前 {} 个）", top.len()),
            categories: top.iter().map(|o| o.0.clone()).collect(),
            series: vec![
                (names[0].clone(), top.iter().map(|o| o.1).collect()),
                (names[1].clone(), top.iter().map(|o| o.2).collect()),
            ],
        };
        charts.push(chart_value(&chart, "chart-orgs"));
    }
    let last_of: HashMap<&str, String> = last
        .figures
        .iter()
        .map(|f| (f.key, f.value.display()))
        .collect();
    let figures: Vec<Value> = this
        .figures
        .iter()
        .map(|f| {
            json!({
                "label": f.label,
                "value": f.value.display(),
                "last": last_of.get(f.key).cloned().unwrap_or_default(),
                "rule": f.rule,
            })
        })
        .collect();
    let html = render(
        &staff,
        STATISTICS_URL,
        "政务公开统计",
        "admin/statistics.html",
        json!({
            "year": year,
            "last_year": year - 1,
            "scope_label": scope_label(&dir, &scope),
            "form_action": STATISTICS_URL,
            "year_options": year_options(),
            "scope_options": scope_options(&staff, &dir, Permission::EditItems),
            "values": {"year": year.to_string(), "scope": scope.key()},
            "errors": {},
            "figures": figures,
            "charts": charts,
            "report_url": report_url(if year < today().year() { year } else { (year - 1).max(FIRST_YEAR) }, &scope),
        }),
    )?;
    Ok(html.into_response())
}

fn chart_value(chart: &Chart, id: &str) -> Value {
    json!({
        "id": id,
        "title": chart.title,
        "svg_html": chart.svg(id),
        "table_html": gongkai_reporting::html::table(&chart.table()),
    })
}

// ------------------------------------------------------------------ dashboard reminder

/// The reminder on the dashboard while a report on last year is due and not yet published: one
/// line per scope the user reviews (city-wide, and each organisation they hold the role over
/// directly), with the deadline.
pub async fn dashboard_reminders(state: &AppState, staff: &Staff) -> WebResult<Vec<Value>> {
    let dir = state.directory().await?;
    let year = reporting_year();
    let now = today();
    let mut scopes = Vec::new();
    if root(&dir).is_some_and(|r| staff.can(Permission::ReviewItems, &r.path)) {
        scopes.push(Scope::City);
    }
    for g in &staff.grants {
        if staff.can(Permission::ReviewItems, &g.org_path) {
            if let Some(o) = dir.orgs.iter().find(|o| o.id == g.org_id) {
                let s = Scope::Org(o.code.clone());
                if !scopes.contains(&s) {
                    scopes.push(s);
                }
            }
        }
    }
    // Only while the report is being written: from 1 January until a month past the deadline.
    let scopes: Vec<Scope> = scopes
        .into_iter()
        .filter(|s| now <= publisher(&dir, s).deadline(year) + chrono::Duration::days(31))
        .collect();
    if scopes.is_empty() {
        return Ok(vec![]);
    }
    let keys: Vec<String> = scopes.iter().map(Scope::key).collect();
    let drafts = state
        .run(move |conn| Ok(annual_report::drafts_of(conn, &keys)?))
        .await?;
    Ok(scopes
        .iter()
        .filter_map(|s| {
            let d = drafts.iter().find(|d| d.year == year && d.scope == s.key());
            let status = d.and_then(|d| ReportStatus::parse(&d.status));
            if status == Some(ReportStatus::Published) {
                return None;
            }
            let deadline = publisher(&dir, s).deadline(year);
            Some(json!({
                "title": format!("{}{}年度报告", scope_label(&dir, s), year),
                "status_label": status.map(|x| x.label_zh()).unwrap_or("未起草"),
                "deadline": deadline.to_string(),
                "late": now > deadline,
                "days_left": (deadline - now).num_days(),
                "url": report_url(year, s),
            }))
        })
        .collect())
}
