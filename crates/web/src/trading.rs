//! 公共资源交易 — the public lists of trading announcements (filters by category, type,
//! organisation, date and amount), one page per announcement and per project (its history in
//! sequence), the JSON list, the token-authenticated import, and the counts the annual report
//! states. Search documents of kind `trading` are built here too.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::CookieJar;
use chrono::NaiveDateTime;
use gongkai_domain::role::Permission;
use gongkai_domain::trading::{
    format_amount, parse_amount, parse_datetime, parse_import, ImportFormat, TradingCategory,
    TradingType,
};
use gongkai_search::{DocKind, SearchDoc};
use gongkai_storage::trading::{self, Announcement, Project, TradingQuery};
use gongkai_storage::{AnyConnection, Page};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::app::AppState;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page::{self, pagination};
use crate::portal::Here;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/trading", get(list_page))
        .route("/trading/{id}", get(announcement_page))
        .route("/trading/projects/{id}", get(project_page))
        .route("/api/v1/trading", get(api_list))
        .route("/api/v1/trading/import", post(api_import))
        .route("/api/v1/trading/counts/{year}", get(api_counts))
}

const PER_PAGE: i64 = 20;

/// The list filters as typed (kept as typed, so a bad value is shown back with its error).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TradingParams {
    #[serde(default)]
    pub category: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub min: String,
    #[serde(default)]
    pub max: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: String,
    #[serde(default)]
    pub per_page: String,
}

impl TradingParams {
    /// The filters as a storage query, or every field in error.
    pub fn query(
        &self,
        dir: &Directory,
        max_per_page: i64,
    ) -> Result<TradingQuery, serde_json::Map<String, Value>> {
        let mut errors = serde_json::Map::new();
        let mut q = TradingQuery {
            page: 1,
            per_page: PER_PAGE,
            ..Default::default()
        };
        let category = match self.category.trim() {
            "" => None,
            c => match c.parse::<TradingCategory>() {
                Ok(c) => {
                    q.category = Some(c.as_str().into());
                    Some(c)
                }
                Err(_) => {
                    errors.insert("category".into(), json!("未知的交易类别"));
                    None
                }
            },
        };
        match self.kind.trim() {
            "" => {}
            k => match TradingType::parse_in(k, category)
                .or_else(|_| TradingType::parse_in(k, None))
            {
                Ok(t) if category.is_none_or(|c| c == t.category()) => {
                    q.kind = Some(t.as_str().into())
                }
                Ok(_) => {
                    errors.insert("type".into(), json!("公告类型与交易类别不符"));
                }
                Err(m) => {
                    errors.insert("type".into(), json!(m));
                }
            },
        }
        match self.org.trim() {
            "" => {}
            o => match o.parse::<i64>().ok().filter(|id| dir.org(*id).is_some()) {
                Some(id) => q.org_ids = Some(dir.org_subtree(id)),
                None => {
                    errors.insert("org".into(), json!("未知的发布机构"));
                }
            },
        }
        let mut date = |field: &str, raw: &str| -> Option<NaiveDateTime> {
            match raw.trim() {
                "" => None,
                d => match parse_datetime(d) {
                    Ok(d) => Some(d),
                    Err(m) => {
                        errors.insert(field.into(), json!(m));
                        None
                    }
                },
            }
        };
        q.from = date("from", &self.from);
        // "To" a day includes that whole day.
        q.to = date("to", &self.to).map(|d| d + chrono::Duration::days(1));
        let mut amount = |field: &str, raw: &str| -> Option<i64> {
            match raw.trim() {
                "" => None,
                a => match parse_amount(a) {
                    Ok(a) => Some(a),
                    Err(m) => {
                        errors.insert(field.into(), json!(m));
                        None
                    }
                },
            }
        };
        q.min_amount = amount("min", &self.min);
        q.max_amount = amount("max", &self.max);
        if let (Some(a), Some(b)) = (q.min_amount, q.max_amount) {
            if a > b {
                errors.insert("max".into(), json!("最高金额不能低于最低金额"));
            }
        }
        let text = self.q.trim();
        if text.chars().count() > 100 {
            errors.insert("q".into(), json!("关键词不超过 100 个字"));
        } else if !text.is_empty() {
            q.text = Some(text.into());
        }
        match self.page.trim() {
            "" => {}
            p => match p.parse::<i64>() {
                Ok(n) if (1..=100_000).contains(&n) => q.page = n,
                _ => {
                    errors.insert("page".into(), json!("页码须为正整数"));
                }
            },
        }
        match self.per_page.trim() {
            "" => {}
            p => match p.parse::<i64>() {
                Ok(n) if (1..=max_per_page).contains(&n) => q.per_page = n,
                _ => {
                    errors.insert(
                        "per_page".into(),
                        json!(format!("每页条数须在 1 到 {max_per_page} 之间")),
                    );
                }
            },
        }
        if errors.is_empty() {
            Ok(q)
        } else {
            Err(errors)
        }
    }

    /// This list's address with one parameter changed (page links keep the filters).
    pub fn url(&self, base: &str, key: &str, value: Option<String>) -> String {
        let mut pairs: Vec<(&str, String)> = vec![];
        for (k, v) in [
            ("category", &self.category),
            ("type", &self.kind),
            ("org", &self.org),
            ("from", &self.from),
            ("to", &self.to),
            ("min", &self.min),
            ("max", &self.max),
            ("q", &self.q),
            ("page", &self.page),
        ] {
            if k == key {
                continue;
            }
            if !v.trim().is_empty() && k != "page" {
                pairs.push((k, v.trim().to_string()));
            }
        }
        if let Some(v) = value {
            pairs.push((key, v));
        }
        if pairs.is_empty() {
            return base.to_string();
        }
        let qs: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencoding::encode(v)))
            .collect();
        format!("{base}?{}", qs.join("&"))
    }
}

fn parse_params(raw: Option<String>) -> Result<TradingParams, String> {
    serde_urlencoded_like(raw.as_deref().unwrap_or(""))
}

/// Decodes a query string into [`TradingParams`], naming an unknown parameter.
fn serde_urlencoded_like(raw: &str) -> Result<TradingParams, String> {
    let mut p = TradingParams::default();
    for pair in raw.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            urlencoding::decode(&s.replace('+', " "))
                .map(|c| c.into_owned())
                .map_err(|_| "查询参数不是有效的 UTF-8".to_string())
        };
        let (k, v) = (decode(k)?, decode(v)?);
        let slot = match k.as_str() {
            "category" => &mut p.category,
            "type" => &mut p.kind,
            "org" => &mut p.org,
            "from" => &mut p.from,
            "to" => &mut p.to,
            "min" => &mut p.min,
            "max" => &mut p.max,
            "q" => &mut p.q,
            "page" => &mut p.page,
            "per_page" => &mut p.per_page,
            other => {
                return Err(format!(
                    "未知的参数“{}”",
                    other.chars().take(20).collect::<String>()
                ))
            }
        };
        *slot = v;
    }
    Ok(p)
}

fn money(fen: Option<i64>) -> Value {
    fen.map(|f| json!(format!("{} 元", format_amount(f))))
        .unwrap_or(Value::Null)
}

fn type_label(kind: &str) -> String {
    kind.parse::<TradingType>()
        .map(|t| t.full_label())
        .unwrap_or_else(|_| kind.to_string())
}

/// A row of the public lists.
fn row(dir: &Directory, a: &Announcement) -> Value {
    json!({
        "title": a.title,
        "url": format!("/trading/{}", a.id),
        "type_label": type_label(&a.kind),
        "org": dir.org_name(a.org_id),
        "date": page::datetime(a.published_at).get(..10).unwrap_or_default().to_string(),
        "amount": money(a.amount_fen),
    })
}

/// The select options of the filter form.
fn options(p: &TradingParams, dir: &Directory) -> Value {
    let opt = |value: String, label: String, current: &str| json!({"value": value, "label": label, "selected": current.trim() == value});
    let categories: Vec<Value> = TradingCategory::ALL
        .iter()
        .map(|c| opt(c.as_str().into(), c.label_zh().into(), &p.category))
        .collect();
    let types: Vec<Value> = TradingType::ALL
        .iter()
        .map(|t| opt(t.as_str().into(), t.full_label(), &p.kind))
        .collect();
    let orgs: Vec<Value> = dir
        .orgs
        .iter()
        .map(|o| opt(o.id.to_string(), o.name.clone(), &p.org))
        .collect();
    json!({"categories": categories, "types": types, "orgs": orgs})
}

async fn list_page(
    State(state): State<AppState>,
    jar: CookieJar,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let p = parse_params(raw).map_err(WebError::BadRequest)?;
    let here = Here::of_site(&state, None, &jar, "/trading").await?;
    let dir = here.dir.clone();
    let (status, result, errors) = match p.query(&dir, 100) {
        Ok(q) => {
            let result = state
                .run(move |conn| Ok(trading::list(conn, &q, 100)?))
                .await?;
            (StatusCode::OK, Some(result), serde_json::Map::new())
        }
        // Bad filters: the form again with its errors and the input kept, no results.
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, None, e),
    };
    let (rows, total, pag) = match &result {
        Some(r) => (
            r.rows.iter().map(|a| row(&dir, a)).collect::<Vec<_>>(),
            r.total,
            pagination(r.page, r.per_page, r.total, |n| {
                p.url("/trading", "page", Some(n.to_string()))
            }),
        ),
        None => (vec![], 0, Value::Null),
    };
    let export_qs = p.url("", "page", None);
    let html = here.render(
        "trading_list.html",
        Some("公共资源交易"),
        None,
        vec![("公共资源交易".into(), "/trading".into())],
        json!({
            "values": p,
            "errors": errors,
            "options": options(&p, &dir),
            "announcements": rows,
            "total": total,
            "pagination": pag,
            "export": {
                "csv": format!("/open-data/trading.csv{export_qs}"),
                "json": format!("/open-data/trading.json{export_qs}"),
            },
        }),
    )?;
    Ok((status, html).into_response())
}

fn history_rows(dir: &Directory, rows: &[Announcement], current: Option<i64>) -> Vec<Value> {
    rows.iter()
        .enumerate()
        .map(|(n, a)| {
            json!({
                "step": n + 1,
                "title": a.title,
                "url": format!("/trading/{}", a.id),
                "type_label": type_label(&a.kind),
                "org": dir.org_name(a.org_id),
                "date": page::datetime(a.published_at).get(..10).unwrap_or_default().to_string(),
                "current": Some(a.id) == current,
            })
        })
        .collect()
}

fn project_json(p: &Project) -> Value {
    json!({
        "name": p.name,
        "code": p.code,
        "category": p.category.parse::<TradingCategory>().map(|c| c.label_zh()).unwrap_or(""),
        "purchaser": p.purchaser,
        "url": format!("/trading/projects/{}", p.id),
    })
}

fn parse_id(raw: &str) -> WebResult<i64> {
    raw.parse::<i64>().map_err(|_| WebError::NotFound)
}

async fn announcement_page(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<String>,
) -> WebResult<Html<String>> {
    let id = parse_id(&id)?;
    let here = Here::of_site(&state, None, &jar, &format!("/trading/{id}")).await?;
    let dir = here.dir.clone();
    let (a, project, history) = state
        .run(move |conn| {
            let a = trading::get(conn, id)?;
            let p = trading::project(conn, a.project_id)?;
            let h = trading::history(conn, a.project_id)?;
            Ok((a, p, h))
        })
        .await?;
    let dt = |t: Option<NaiveDateTime>| t.map(page::datetime);
    here.render(
        "trading_item.html",
        Some(a.title.as_str()),
        None,
        vec![
            ("公共资源交易".into(), "/trading".into()),
            (
                project.name.clone(),
                format!("/trading/projects/{}", project.id),
            ),
        ],
        json!({
            "announcement": {
                "title": a.title,
                "type_label": type_label(&a.kind),
                "org": dir.org_name(a.org_id),
                "purchaser": a.purchaser,
                "budget": money(a.budget_fen),
                "published": page::datetime(a.published_at),
                "deadline": dt(a.deadline_at),
                "opening": dt(a.opening_at),
                "winner": a.winner,
                "winning_price": money(a.winning_price_fen),
                "body_html": a.body_html,
            },
            "project": project_json(&project),
            "history": history_rows(&dir, &history, Some(a.id)),
        }),
    )
}

async fn project_page(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<String>,
) -> WebResult<Html<String>> {
    let id = parse_id(&id)?;
    let here = Here::of_site(&state, None, &jar, &format!("/trading/projects/{id}")).await?;
    let dir = here.dir.clone();
    let (project, history) = state
        .run(move |conn| Ok((trading::project(conn, id)?, trading::history(conn, id)?)))
        .await?;
    // The stages the project has not reached (or skipped): shown so the history reads complete.
    let category = project.category.parse::<TradingCategory>().ok();
    let missing: Vec<String> = category
        .map(|c| {
            TradingType::of_category(c)
                .filter(|t| {
                    !matches!(
                        t,
                        TradingType::ConstructionChange
                            | TradingType::ProcurementChange
                            | TradingType::ProcurementConsultation
                            | TradingType::ProcurementFailed
                    )
                })
                .filter(|t| !history.iter().any(|a| a.kind == t.as_str()))
                .map(|t| t.label_zh().to_string())
                .collect()
        })
        .unwrap_or_default();
    here.render(
        "trading_project.html",
        Some(project.name.as_str()),
        None,
        vec![("公共资源交易".into(), "/trading".into())],
        json!({
            "project": project_json(&project),
            "org": dir.org_name(project.org_id),
            "history": history_rows(&dir, &history, None),
            "missing_stages": missing,
        }),
    )
}

/// The JSON form of an announcement (API and open data).
pub fn announcement_json(dir: &Directory, a: &Announcement, p: Option<&Project>) -> Value {
    json!({
        "id": a.id,
        "source_id": a.source_id,
        "category": a.category,
        "type": a.kind,
        "type_label": type_label(&a.kind),
        "title": a.title,
        "project_code": p.map(|p| p.code.clone()),
        "project_name": p.map(|p| p.name.clone()),
        "purchaser": a.purchaser,
        "organisation": {"id": a.org_id, "name": dir.org_name(a.org_id), "code": dir.org(a.org_id).map(|o| o.code.clone())},
        "budget": a.budget_fen.map(|f| format_amount(f).replace(',', "")),
        "winner": a.winner,
        "winning_price": a.winning_price_fen.map(|f| format_amount(f).replace(',', "")),
        "published_at": a.published_at,
        "deadline_at": a.deadline_at,
        "opening_at": a.opening_at,
        "url": format!("/trading/{}", a.id),
    })
}

/// One filtered page of announcements with their projects (for the API and open data).
pub async fn filtered(
    state: &AppState,
    raw: Option<String>,
    max_per_page: i64,
) -> Result<(Page<Announcement>, HashMap<i64, Project>), Response> {
    let p = parse_params(raw)
        .map_err(|m| crate::api::json_error(StatusCode::UNPROCESSABLE_ENTITY, &m))?;
    let dir = state
        .directory()
        .await
        .map_err(|e| crate::api::json_error(e.status(), &e.to_string()))?;
    let q = p.query(&dir, max_per_page).map_err(|fields| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": {"status": 422, "message": "invalid parameters", "fields": fields}})),
        )
            .into_response()
    })?;
    state
        .run(move |conn| {
            let page = trading::list(conn, &q, max_per_page)?;
            let ids: Vec<i64> = page.rows.iter().map(|a| a.project_id).collect();
            let projects = trading::projects_of(conn, &ids)?;
            Ok((page, projects))
        })
        .await
        .map_err(|e| crate::api::json_error(e.status(), &e.to_string()))
}

async fn api_list(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let (page, projects) = match filtered(&state, raw, 100).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let dir = match state.directory().await {
        Ok(d) => d,
        Err(e) => return crate::api::json_error(e.status(), &e.to_string()),
    };
    let rows: Vec<Value> = page
        .rows
        .iter()
        .map(|a| announcement_json(&dir, a, projects.get(&a.project_id)))
        .collect();
    Json(json!({"total": page.total, "page": page.page, "per_page": page.per_page, "announcements": rows}))
        .into_response()
}

async fn api_counts(State(state): State<AppState>, Path(year): Path<String>) -> Response {
    let Some(year) = year
        .parse::<i32>()
        .ok()
        .filter(|y| (1990..=2200).contains(y))
    else {
        return crate::api::json_error(StatusCode::UNPROCESSABLE_ENTITY, "year must be a year");
    };
    match state
        .run(move |conn| Ok(trading::counts(conn, year)?))
        .await
    {
        Ok(y) => Json(counts_json(&y)).into_response(),
        Err(e) => crate::api::json_error(e.status(), &e.to_string()),
    }
}

/// Counts by category and type, per level and for the whole; every total is computed from the
/// per-type figures.
pub fn counts_json(y: &trading::TradingYear) -> Value {
    let one = |c: &gongkai_domain::trading::TradingCounts| {
        let categories: Vec<Value> = TradingCategory::ALL
            .iter()
            .map(|cat| {
                json!({
                    "category": cat.as_str(),
                    "label": cat.label_zh(),
                    "total": c.category_total(*cat),
                    "types": TradingType::of_category(*cat)
                        .map(|t| json!({"type": t.as_str(), "label": t.label_zh(), "count": c.of(t)}))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({"total": c.total(), "categories": categories, "sentence": c.report_sentence()})
    };
    json!({
        "year": y.year,
        "all": one(&y.all),
        "levels": y.by_level.iter().map(|(l, c)| json!({"level": l, "counts": one(c)})).collect::<Vec<_>>(),
    })
}

/// `POST /api/v1/trading/import` — the body is JSON lines (`application/x-ndjson`, the default)
/// or CSV (`text/csv`). Answers 200 with what was imported and every bad line; lines naming an
/// organisation the token may not publish for are refused line by line.
async fn api_import(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let Some(token) = token else {
        return crate::api::json_error(
            StatusCode::UNAUTHORIZED,
            "an API token is required (Authorization: Bearer …)",
        );
    };
    let format = match headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        Some(ct) if ct.starts_with("text/csv") => ImportFormat::Csv,
        _ => ImportFormat::Jsonl,
    };
    let result = state
        .run(move |conn: &mut AnyConnection| {
            let Some(user) = gongkai_storage::user::user_for_api_token(conn, &token)? else {
                return Ok(None);
            };
            let grants = gongkai_storage::user::domain_grants(&gongkai_storage::user::grants_of(
                conn, user.id,
            )?);
            let actor = user.actor(None);
            let lines = parse_import(&body, format);
            let allowed =
                |path: &str| gongkai_domain::role::allowed(&grants, Permission::ReviewItems, path);
            Ok(Some(trading::import(conn, &actor, lines, &allowed)?))
        })
        .await;
    match result {
        Ok(Some(r)) => Json(json!({
            "created": r.created,
            "updated": r.updated,
            "errors": r.errors.iter().map(|(line, message)| json!({"line": line, "message": message})).collect::<Vec<_>>(),
        }))
        .into_response(),
        Ok(None) => {
            crate::api::json_error(StatusCode::UNAUTHORIZED, "invalid or revoked API token")
        }
        Err(e) => crate::api::json_error(e.status(), &e.to_string()),
    }
}

/// Search documents of announcements (`trading:ID`), and the ids that are gone.
pub fn search_docs(
    conn: &mut AnyConnection,
    dir: &Directory,
    ids: &[i64],
) -> WebResult<(Vec<SearchDoc>, Vec<String>)> {
    let rows = trading::get_many(conn, ids)?;
    let pids: Vec<i64> = rows.iter().map(|a| a.project_id).collect();
    let projects = trading::projects_of(conn, &pids)?;
    let portal = dir.portal().map(|s| s.slug.clone());
    let mut docs = vec![];
    for a in &rows {
        let p = projects.get(&a.project_id);
        let mut body = format!(
            "{} {} {} {}",
            type_label(&a.kind),
            p.map(|p| format!("{} {}", p.name, p.code))
                .unwrap_or_default(),
            a.purchaser,
            a.winner.clone().unwrap_or_default()
        );
        body.push('\n');
        body.push_str(&crate::search::html_to_text(&a.body_html));
        let mut d = SearchDoc::new(DocKind::Trading, a.id, a.title.clone(), body);
        d.url = format!("/trading/{}", a.id);
        d.published = Some(a.published_at);
        d.site_slugs = portal.clone().into_iter().collect();
        if let Some(o) = dir.org(a.org_id) {
            d.org_code = Some(o.code.clone());
            d.org_name = Some(o.name.clone());
        }
        d.genre = Some(type_label(&a.kind));
        d.year = Some(a.published_year);
        docs.push(d);
    }
    let gone = ids
        .iter()
        .filter(|id| !rows.iter().any(|a| a.id == **id))
        .map(|id| format!("trading:{id}"))
        .collect();
    Ok((docs, gone))
}
