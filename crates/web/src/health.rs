//! 网站健康 in the back office and on the server's schedule (issue 9): the editor's content check
//! (错敏词, accessibility), the health overview and site reports, the word dictionary, replies
//! to 我为政府网站找错 reports, the link crawler, the scheduled checks and the daily digest.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, Request, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::{CookieJar, Form};
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::health::a11y::{self, A11yIssue};
use gongkai_domain::health::words::{self as word_rules, Hit, Level, WordKind};
use gongkai_domain::health::{Dictionary, Finding, FindingKind, Severity, SiteReport, WordEntry};
use gongkai_domain::role::Permission;
use gongkai_storage::health::{self, StoredFinding};
use gongkai_storage::StorageError;
use once_cell::sync::Lazy;
use regex::Regex;
use serde::Deserialize;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::admin::{options, render, scope_org_ids};
use crate::app::AppState;
use crate::auth::Staff;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page;

// ------------------------------------------------------------------ the editor's content check

/// What the editor shows before an item goes to review.
pub struct ContentCheck {
    pub hits: Vec<Hit>,
    pub a11y: Vec<A11yIssue>,
}

impl ContentCheck {
    pub fn of(dict: &Dictionary, title: &str, body_html: &str) -> ContentCheck {
        ContentCheck {
            hits: dict.check_item(title, body_html),
            a11y: a11y::check_html(body_html),
        }
    }

    pub fn blocking(&self) -> Vec<&Hit> {
        self.hits
            .iter()
            .filter(|h| h.level == Level::Block)
            .collect()
    }

    /// Refuses submission (and approval, publication) while a blocking entry is hit, naming each
    /// hit's position.
    pub fn refuse_blocking(&self) -> WebResult<()> {
        let blocking = self.blocking();
        if blocking.is_empty() {
            return Ok(());
        }
        Err(WebError::Unprocessable(format!(
            "内容含有禁止使用的词，请修改后再提交：{}",
            blocking
                .iter()
                .map(|h| h.describe())
                .collect::<Vec<_>>()
                .join("；")
        )))
    }

    /// The `content_check` object of `admin/item_view.html` and `admin/item_form.html`.
    pub fn context(&self) -> Value {
        json!({
            "blocking": !self.blocking().is_empty(),
            "hits": self.hits.iter().map(|h| json!({
                "text": h.describe(),
                "context": h.context,
                "blocking": h.level == Level::Block,
                "field": h.field.label_zh(),
                "position": h.position,
                "term": h.term,
                "kind": h.kind.label_zh(),
                "suggestion": h.suggestion,
            })).collect::<Vec<_>>(),
            "a11y": self.a11y.iter().map(|i| json!({
                "text": format!("正文第 {} 个{}：{}", i.nth, if i.what.starts_with("图片") { "图片" } else { "链接" }, i.what),
                "snippet": i.snippet,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Loads the dictionary and checks an item's title and body.
pub fn check_content(
    conn: &mut gongkai_storage::AnyConnection,
    title: &str,
    body_html: &str,
) -> WebResult<ContentCheck> {
    let dict = health::dictionary(conn)?;
    Ok(ContentCheck::of(&dict, title, body_html))
}

// ------------------------------------------------------------------ routes

/// Back-office routes, nested under `/admin`.
pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(overview))
        .route("/health/run", post(run_now))
        .route("/health/crawl", post(crawl_now))
        .route("/health/sites/{id}", get(site_report))
        .route("/health/words", get(words_page).post(add_word))
        .route("/health/words/import", post(import_words))
        .route("/health/words/starter", post(import_starter))
        .route("/health/words/{id}/delete", post(delete_word))
        .route(
            "/health/reports/{id}",
            get(error_report_page).post(reply_error_report),
        )
}

/// Public routes: the reporter's view of a 我为政府网站找错 report.
pub fn public_routes() -> Router<AppState> {
    Router::new().route("/report-error/track", get(track_error_report))
}

fn require_health(staff: &Staff) -> WebResult<()> {
    if staff.has_any(Permission::ManageSites) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

fn require_platform(staff: &Staff) -> WebResult<()> {
    if staff.is_platform_admin() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// Sites whose health the user may see: those of organisations where they manage sites.
fn visible_sites(staff: &Staff, dir: &Directory) -> Vec<i64> {
    let scope = scope_org_ids(staff, dir, Permission::ManageSites);
    dir.sites
        .iter()
        .filter(|s| scope.as_ref().is_none_or(|ids| ids.contains(&s.org_id)))
        .map(|s| s.id)
        .collect()
}

fn finding_row(dir: &Directory, f: &StoredFinding) -> Value {
    json!({
        "site": dir.site(f.site_id).map(|s| s.title.as_str()).unwrap_or(""),
        "kind": f.kind().map(|k| k.label_zh()).unwrap_or(""),
        "veto": f.severity == Severity::Veto.as_str(),
        "title": f.title,
        "evidence": f.evidence,
        "url": f.url,
        "since": page::datetime(f.first_seen + chrono::Duration::hours(8)),
    })
}

/// What the dashboard shows of the user's sites' health (None for users without site rights).
pub async fn dashboard_summary(state: &AppState, staff: &Staff) -> WebResult<Option<Value>> {
    if !staff.has_any(Permission::ManageSites) {
        return Ok(None);
    }
    let dir = state.directory().await?;
    let sites = visible_sites(staff, &dir);
    let scope = scope_org_ids(staff, &dir, Permission::ManageSites);
    let (findings, ranking) = state
        .run(move |conn| {
            Ok((
                health::open_findings(conn, scope.as_deref())?,
                health::ranking(conn)?,
            ))
        })
        .await?;
    let failing: Vec<String> = ranking
        .iter()
        .filter(|r| sites.contains(&r.site_id) && !r.passed)
        .filter_map(|r| dir.site(r.site_id).map(|s| s.title.clone()))
        .collect();
    Ok(Some(json!({
        "url": "/admin/health",
        "open": findings.len(),
        "veto": findings.iter().filter(|f| f.severity == Severity::Veto.as_str()).count(),
        "failing_sites": failing,
        "top": findings.iter().take(5).map(|f| finding_row(&dir, f)).collect::<Vec<_>>(),
    })))
}

async fn overview(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    require_health(&staff)?;
    let dir = state.directory().await?;
    let sites = visible_sites(&staff, &dir);
    let scope = scope_org_ids(&staff, &dir, Permission::ManageSites);
    let (findings, ranking, digests, crawl) = state
        .run(move |conn| {
            Ok((
                health::open_findings(conn, scope.as_deref())?,
                health::ranking(conn)?,
                health::digests(conn, scope.as_deref(), 14)?,
                health::last_crawl(conn)?,
            ))
        })
        .await?;
    let visible: Vec<_> = ranking
        .iter()
        .filter(|r| sites.contains(&r.site_id))
        .collect();
    let rows: Vec<Value> = visible
        .iter()
        .map(|r| {
            let failed: Vec<String> = r
                .report()
                .map(|rep| rep.failed_vetoes().map(|v| v.name.clone()).collect())
                .unwrap_or_default();
            json!({
                "title": dir.site(r.site_id).map(|s| s.title.as_str()).unwrap_or(""),
                "url": format!("/admin/health/sites/{}", r.site_id),
                "passed": r.passed, "score": r.score, "failed": failed,
                "checked_on": r.checked_on.to_string(),
            })
        })
        .collect();
    let platform = staff.is_platform_admin();
    render(
        &staff,
        "/admin/health",
        "网站健康",
        "admin/health.html",
        json!({
            "last_checked": visible.iter().map(|r| r.checked_on).max().map(|d| d.to_string()),
            "sites": rows,
            "findings": findings.iter().map(|f| finding_row(&dir, f)).collect::<Vec<_>>(),
            "digests": digests.iter().map(|d| json!({
                "day": d.day.to_string(), "org": dir.org_name(d.org_id), "count": d.finding_count,
                "body": d.body, "mailed_to": d.mailed_to,
            })).collect::<Vec<_>>(),
            "run_url": "/admin/health/run",
            "crawl_url": platform.then_some("/admin/health/crawl"),
            "words_url": platform.then_some("/admin/health/words"),
            "crawl": crawl.filter(|_| platform).map(|c| json!({
                "at": page::datetime(c.finished_at + chrono::Duration::hours(8)), "pages": c.pages, "broken": c.broken,
                "external": c.external(),
            })),
        }),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CsrfForm {
    csrf: String,
}

async fn run_now(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<CsrfForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_health(&staff)?;
    run_checks(&state, None).await?;
    Ok(Redirect::to("/admin/health").into_response())
}

async fn crawl_now(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<CsrfForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_platform(&staff)?;
    crawl(&state, CRAWL_BUDGET).await?;
    run_checks(&state, None).await?;
    Ok(Redirect::to("/admin/health").into_response())
}

async fn site_report(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    require_health(&staff)?;
    let dir = state.directory().await?;
    let site = dir.site(id).ok_or(WebError::NotFound)?.clone();
    let path = dir
        .org(site.org_id)
        .map(|o| o.path.clone())
        .unwrap_or_default();
    staff.require(Permission::ManageSites, &path)?;
    let (report, history) = state
        .run(move |conn| {
            Ok((
                health::latest_report(conn, id)?,
                health::history(conn, id, 26)?,
            ))
        })
        .await?;
    let report = match report {
        Some(r) => r,
        None => run_checks(&state, Some(site.slug.clone()))
            .await?
            .pop()
            .ok_or(WebError::NotFound)?,
    };
    render(
        &staff,
        "/admin/health",
        &format!("检查报告：{}", site.title),
        "admin/health_site.html",
        json!({
            "report": report_context(&report),
            "history": history.iter().map(|h| json!({
                "week": h.week, "checked_on": h.checked_on.to_string(), "score": h.score, "passed": h.passed,
            })).collect::<Vec<_>>(),
            "back_url": "/admin/health",
        }),
    )
}

fn report_context(r: &SiteReport) -> Value {
    json!({
        "title": r.title,
        "checked_on": r.checked_on.to_string(),
        "score": r.score,
        "passed": r.passed(),
        "vetoes": r.vetoes,
        "deductions": r.deductions,
        "findings": r.findings.iter().map(|f| json!({
            "kind": f.kind.label_zh(), "title": f.title, "evidence": f.evidence, "url": f.url,
        })).collect::<Vec<_>>(),
    })
}

// ------------------------------------------------------------------ dictionary pages

#[derive(Deserialize, Default, serde::Serialize)]
#[serde(default)]
struct WordForm {
    term: String,
    kind: String,
    level: String,
    suggestion: String,
    text: String,
    #[serde(skip_serializing)]
    csrf: String,
}

async fn words_context(
    state: &AppState,
    staff: &Staff,
    values: Value,
    errors: Value,
    import_result: Option<Value>,
) -> WebResult<Html<String>> {
    let words = state.run(|conn| Ok(health::words(conn)?)).await?;
    render(
        staff,
        "/admin/health",
        "错敏词库",
        "admin/health_words.html",
        json!({
            "words": words.iter().map(|w| json!({
                "term": w.term,
                "kind": w.kind.parse::<WordKind>().map(|k| k.label_zh()).unwrap_or(&w.kind),
                "level": w.level.parse::<Level>().map(|l| l.label_zh()).unwrap_or(&w.level),
                "suggestion": w.suggestion,
                "delete_url": format!("/admin/health/words/{}/delete", w.id),
            })).collect::<Vec<_>>(),
            "kind_options": options(WordKind::ALL, |k| k.as_str(), |k| k.label_zh()),
            "level_options": options(Level::ALL, |k| k.as_str(), |k| k.label_zh()),
            "values": values,
            "errors": errors,
            "import_result": import_result,
            "add_url": "/admin/health/words",
            "import_url": "/admin/health/words/import",
            "starter_url": "/admin/health/words/starter",
        }),
    )
}

fn empty_word_values() -> Value {
    json!({"term": "", "kind": "wrong", "level": "warn", "suggestion": "", "text": ""})
}

async fn words_page(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    require_platform(&staff)?;
    words_context(&state, &staff, empty_word_values(), json!({}), None).await
}

async fn add_word(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<WordForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_platform(&staff)?;
    let mut errors = serde_json::Map::new();
    let kind = form.kind.parse::<WordKind>();
    let level = form.level.parse::<Level>();
    if kind.is_err() {
        errors.insert("kind".into(), json!("请选择类型"));
    }
    if level.is_err() {
        errors.insert("level".into(), json!("请选择级别"));
    }
    let entry = match (kind, level) {
        (Ok(k), Ok(l)) => match WordEntry::new(&form.term, k, l, Some(&form.suggestion)) {
            Ok(e) => Some(e),
            Err(gongkai_domain::DomainError::InvalidField { field, reason }) => {
                errors.insert(field.into(), json!(reason));
                None
            }
            Err(e) => return Err(WebError::Unprocessable(e.to_string())),
        },
        _ => None,
    };
    if let Some(entry) = entry.filter(|_| errors.is_empty()) {
        let actor = staff.actor();
        match state
            .run(move |conn| Ok(health::add_word(conn, &actor, &entry)))
            .await?
        {
            Ok(()) => return Ok(Redirect::to("/admin/health/words").into_response()),
            Err(StorageError::Invalid(f)) => {
                for (k, v) in f.0 {
                    errors.insert(k.to_string(), json!(v));
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    let values = serde_json::to_value(&form).unwrap_or_default();
    let html = words_context(&state, &staff, values, json!(errors), None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

async fn import_text(state: &AppState, staff: &Staff, text: String) -> WebResult<Response> {
    let actor = staff.actor();
    let out = state
        .run(move |conn| Ok(health::import_words(conn, &actor, &text)?))
        .await?;
    let result = json!({
        "added": out.added, "existing": out.existing,
        "errors": out.errors.iter().map(|e| json!({"line": e.line, "reason": e.reason})).collect::<Vec<_>>(),
    });
    let html = words_context(state, staff, empty_word_values(), json!({}), Some(result)).await?;
    Ok(html.into_response())
}

async fn import_words(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<WordForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_platform(&staff)?;
    if form.text.trim().is_empty() {
        let html = words_context(
            &state,
            &staff,
            empty_word_values(),
            json!({"text": "请粘贴词库文本"}),
            None,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }
    import_text(&state, &staff, form.text).await
}

async fn import_starter(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<CsrfForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_platform(&staff)?;
    import_text(&state, &staff, word_rules::STARTER.to_string()).await
}

async fn delete_word(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_platform(&staff)?;
    let actor = staff.actor();
    state
        .run(move |conn| Ok(health::delete_word(conn, &actor, id)?))
        .await?;
    Ok(Redirect::to("/admin/health/words").into_response())
}

// ------------------------------------------------------------------ 我为政府网站找错 replies

#[derive(Deserialize, Default, serde::Serialize)]
#[serde(default)]
struct ReplyForm {
    reply: String,
    #[serde(skip_serializing)]
    csrf: String,
}

async fn error_report_context(
    state: &AppState,
    staff: &Staff,
    id: i64,
    values: Value,
    errors: Value,
) -> WebResult<Html<String>> {
    let dir = state.directory().await?;
    let (r, reply) = state
        .run(move |conn| Ok(health::error_report(conn, id)?))
        .await?;
    let site = dir.site(r.site_id).ok_or(WebError::NotFound)?;
    let path = dir
        .org(site.org_id)
        .map(|o| o.path.clone())
        .unwrap_or_default();
    staff.require(Permission::ManageSites, &path)?;
    render(
        staff,
        "/admin/health",
        &format!("网民找错 {}", r.tracking_code),
        "admin/health_report.html",
        json!({
            "report": {
                "tracking_code": r.tracking_code, "site": site.title,
                "created_at": page::datetime(r.created_at + chrono::Duration::hours(8)),
                "category": crate::portal::ERROR_CATEGORIES.iter().find(|(c, _)| *c == r.category).map(|(_, l)| *l).unwrap_or(r.category.as_str()),
                "page_url": r.page_url, "description": r.description, "contact": r.contact,
            },
            "reply": reply.map(|p| json!({"text": p.reply, "by": p.replied_by, "at": page::datetime(p.replied_at + chrono::Duration::hours(8))})),
            "form_action": format!("/admin/health/reports/{id}"),
            "values": values,
            "errors": errors,
            "back_url": "/admin/health",
        }),
    )
}

async fn error_report_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    require_health(&staff)?;
    error_report_context(&state, &staff, id, json!({"reply": ""}), json!({})).await
}

async fn reply_error_report(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ReplyForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_health(&staff)?;
    // The user's right on the report's site, before writing.
    let dir = state.directory().await?;
    let (r, _) = state
        .run(move |conn| Ok(health::error_report(conn, id)?))
        .await?;
    let path = dir
        .site(r.site_id)
        .and_then(|s| dir.org(s.org_id))
        .map(|o| o.path.clone())
        .unwrap_or_default();
    staff.require(Permission::ManageSites, &path)?;
    let actor = staff.actor();
    let text = form.reply.clone();
    match state
        .run(move |conn| Ok(health::reply_to_error_report(conn, &actor, id, &text)))
        .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/admin/health/reports/{id}")).into_response()),
        Err(StorageError::Invalid(f)) => {
            let html = error_report_context(
                &state,
                &staff,
                id,
                serde_json::to_value(&form).unwrap_or_default(),
                serde_json::to_value(&f).unwrap_or_default(),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TrackParams {
    code: Option<String>,
}

async fn track_error_report(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<TrackParams>,
) -> WebResult<Response> {
    let here = crate::portal::Here::of_site(&state, None, &jar, "/report-error/track").await?;
    let code = q.code.unwrap_or_default().trim().to_string();
    let mut errors = serde_json::Map::new();
    let mut result = Value::Null;
    if !code.is_empty() {
        if code.chars().count() > 40 {
            errors.insert("code".into(), json!("编号格式不正确"));
        } else {
            let c = code.clone();
            match state
                .run(move |conn| Ok(health::error_report_by_code(conn, &c)?))
                .await?
            {
                Some((r, reply)) => {
                    result = json!({
                        "tracking_code": r.tracking_code,
                        "created_on": (r.created_at + chrono::Duration::hours(8)).date().to_string(),
                        "status": if reply.is_some() { "已答复" } else { "处理中" },
                        "description": r.description,
                        "reply": reply.as_ref().map(|p| p.reply.clone()),
                        "replied_on": reply.as_ref().map(|p| (p.replied_at + chrono::Duration::hours(8)).date().to_string()),
                    })
                }
                None => {
                    errors.insert("code".into(), json!("没有找到这个编号，请核对"));
                }
            }
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let html = here.render(
        "report_error_track.html",
        Some("找错办理结果查询"),
        None,
        vec![
            ("我为政府网站找错".into(), "/report-error".into()),
            ("办理结果查询".into(), "/report-error/track".into()),
        ],
        json!({
            "form_action": "/report-error/track",
            "values": {"code": code},
            "errors": errors,
            "result": result,
        }),
    )?;
    Ok((status, html).into_response())
}

/// Right after a report is stored: it joins the queue at once (its own transaction; a failure
/// here only delays it to the next check run).
pub async fn queue_error_report(state: &AppState, code: String) {
    if let Err(e) = state
        .run(move |conn| Ok(health::queue_error_report(conn, &code)?))
        .await
    {
        tracing::warn!("error report not queued: {e}");
    }
}

// ------------------------------------------------------------------ checks, digests, schedule

/// Runs every check (or one site's) now, with China's working-day calendar.
pub async fn run_checks(state: &AppState, only: Option<String>) -> WebResult<Vec<SiteReport>> {
    state
        .run(move |conn| {
            let cal = WorkingCalendar::builtin();
            Ok(health::run_checks(
                conn,
                &cal,
                gongkai_storage::now(),
                only.as_deref(),
            )?)
        })
        .await
}

/// The SMTP relay the daily digest goes through (`GONGKAI_SMTP_URL`, `GONGKAI_SMTP_FROM`; see
/// docs/health.md). The URL may hold credentials, so it is never logged.
#[derive(Clone)]
pub struct SmtpConfig {
    /// `smtp://[user:password@]host[:port]`
    pub url: String,
    /// The sender, `name <address>` or a bare address.
    pub from: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl SmtpConfig {
    /// The transport for `smtp://[user:password@]host[:port]`: plain SMTP to a relay, which is
    /// what the platform's own network offers; the relay does TLS onward.
    pub fn transport(&self) -> Result<lettre::SmtpTransport, String> {
        let url = url::Url::parse(self.url.trim())
            .map_err(|e| format!("GONGKAI_SMTP_URL is not a URL: {e}"))?;
        if url.scheme() != "smtp" {
            return Err("GONGKAI_SMTP_URL must start with smtp:// (plain SMTP to a relay)".into());
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("GONGKAI_SMTP_URL has no host")?;
        let mut b = lettre::SmtpTransport::builder_dangerous(host)
            .port(url.port().unwrap_or(25))
            .timeout(Some(Duration::from_secs(20)));
        if !url.username().is_empty() {
            let decode = |s: &str| {
                urlencoding::decode(s)
                    .map(|c| c.into_owned())
                    .unwrap_or_else(|_| s.to_string())
            };
            b = b.credentials(lettre::transport::smtp::authentication::Credentials::new(
                decode(url.username()),
                decode(url.password().unwrap_or_default()),
            ));
        }
        Ok(b.build())
    }
}

/// `名称 <address>` or a bare address; a Chinese display name is taken as it is.
fn sender(raw: &str) -> Result<lettre::message::Mailbox, String> {
    let raw = raw.trim();
    if let Ok(m) = raw.parse::<lettre::message::Mailbox>() {
        return Ok(m);
    }
    let bad = |e: String| format!("GONGKAI_SMTP_FROM is not an address: {e}");
    match raw.rsplit_once('<') {
        Some((name, rest)) => {
            let address = rest.trim_end_matches('>').trim();
            let address: lettre::Address = address.parse().map_err(|e| bad(format!("{e}")))?;
            let name = name.trim().trim_matches('"');
            Ok(lettre::message::Mailbox::new(
                (!name.is_empty()).then(|| name.to_string()),
                address,
            ))
        }
        None => Err(bad(raw.to_string())),
    }
}

/// Digests older than this are no longer mailed (nobody wants last month's news in the inbox).
const MAIL_WITHIN_DAYS: i64 = 7;

/// What a mailing run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mailed {
    pub sent: usize,
    pub failed: usize,
    /// Digests whose organisation has no admin with an address yet (tried again next run).
    pub no_recipient: usize,
}

fn digest_message(
    from: &lettre::message::Mailbox,
    to: &[(String, String)],
    subject: &str,
    body: String,
) -> Result<lettre::Message, String> {
    let mut b = lettre::Message::builder()
        .from(from.clone())
        .subject(subject);
    for (name, email) in to {
        let address: lettre::Address = email.parse().map_err(|e| format!("{email}: {e}"))?;
        b = b.to(lettre::message::Mailbox::new(Some(name.clone()), address));
    }
    b.header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())
}

/// Mails every digest of the last week not mailed yet to its organisation's admins with an
/// address. A failed send is logged and left for the next run; it never fails the caller.
pub async fn mail_digests(state: &AppState, smtp: &SmtpConfig) -> WebResult<Mailed> {
    use lettre::Transport;
    let mut out = Mailed::default();
    let (from, transport) = match (sender(&smtp.from), smtp.transport()) {
        (Ok(f), Ok(t)) => (f, std::sync::Arc::new(t)),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!("health digest mail not configured correctly: {e}");
            return Ok(out);
        }
    };
    let dir = state.directory().await?;
    let today = health::china_today(gongkai_storage::now());
    let pending = state
        .run(move |conn| {
            let mut v = vec![];
            for d in health::unmailed_digests(conn, today, MAIL_WITHIN_DAYS)? {
                let to = health::digest_recipients(conn, d.org_id)?;
                v.push((d, to));
            }
            Ok(v)
        })
        .await?;
    let link = format!("{}/admin/health", state.config.public_url);
    for (digest, to) in pending {
        if to.is_empty() {
            out.no_recipient += 1;
            continue;
        }
        let subject = format!(
            "【网站健康】{} {}：{} 个新问题",
            dir.org_name(digest.org_id),
            digest.day,
            digest.finding_count
        );
        let body = format!(
            "{}\n详情见 {link}\n\n（本邮件由公开平台自动发送）\n",
            digest.body
        );
        let message = match digest_message(&from, &to, &subject, body) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!("health digest {} not mailed: {e}", digest.id);
                out.failed += 1;
                continue;
            }
        };
        let t = transport.clone();
        let sent = tokio::task::spawn_blocking(move || t.send(&message).map_err(|e| e.to_string()))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r);
        match sent {
            Ok(_) => {
                let addresses = to
                    .iter()
                    .map(|(_, e)| e.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                let id = digest.id;
                state
                    .run(move |conn| Ok(health::mark_mailed(conn, id, &addresses)?))
                    .await?;
                out.sent += 1;
            }
            Err(e) => {
                tracing::warn!("health digest {} not mailed, will retry: {e}", digest.id);
                out.failed += 1;
            }
        }
    }
    Ok(out)
}

/// Writes today's digests (in-app) and, when SMTP is configured, mails those not mailed yet.
pub async fn daily_digest(state: &AppState) -> WebResult<usize> {
    let dir = state.directory().await?;
    let made = state
        .run(move |conn| {
            let titles = |id: i64| {
                dir.site(id)
                    .map(|s| s.title.clone())
                    .unwrap_or_else(|| id.to_string())
            };
            Ok(health::make_digests(conn, gongkai_storage::now(), &titles)?)
        })
        .await?;
    if let Some(smtp) = state.config.smtp.clone() {
        match mail_digests(state, &smtp).await {
            Ok(m) => tracing::info!(
                "health digests mailed: {} sent, {} failed, {} without recipients",
                m.sent,
                m.failed,
                m.no_recipient
            ),
            Err(e) => tracing::warn!("health digest mail: {e}"),
        }
    }
    Ok(made.len())
}

/// How often the scheduler wakes, and how old the last check may be before it runs again.
const TICK: Duration = Duration::from_secs(10 * 60);
const CHECK_EVERY: chrono::Duration = chrono::Duration::hours(6);
const CRAWL_EVERY: chrono::Duration = chrono::Duration::hours(24);
/// The most pages one crawl fetches.
pub const CRAWL_BUDGET: usize = 20_000;

/// The checks inside the server: every six hours (several nodes may run them; every step is
/// idempotent), the crawl daily, then the day's digest.
pub fn spawn_scheduler(state: AppState) {
    tokio::spawn(async move {
        let mut last_check: Option<chrono::NaiveDateTime> = None;
        let mut last_crawl: Option<chrono::NaiveDateTime> = None;
        // Let the server come up first.
        tokio::time::sleep(Duration::from_secs(60)).await;
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = gongkai_storage::now();
            if last_crawl.is_none_or(|t| now - t > CRAWL_EVERY) {
                match crawl(&state, CRAWL_BUDGET).await {
                    Ok(s) => tracing::info!("health crawl: {} pages, {} broken", s.pages, s.broken),
                    Err(e) => tracing::warn!("health crawl: {e}"),
                }
                last_crawl = Some(now);
            }
            if last_check.is_none_or(|t| now - t > CHECK_EVERY) {
                match run_checks(&state, None).await {
                    Ok(r) => tracing::info!("health checks: {} sites", r.len()),
                    Err(e) => tracing::warn!("health checks: {e}"),
                }
                if let Err(e) = daily_digest(&state).await {
                    tracing::warn!("health digest: {e}");
                }
                last_check = Some(now);
            }
        }
    });
}

// ------------------------------------------------------------------ link crawler

/// One crawl's result.
#[derive(Debug, Clone, Default)]
pub struct CrawlSummary {
    pub pages: usize,
    pub broken: usize,
    pub external: Vec<String>,
}

static LINK: Lazy<Regex> =
    Lazy::new(|| Regex::new(r#"(?i)\b(?:href|src)\s*=\s*"([^"]*)""#).unwrap());
static ATTACHMENT: Lazy<Regex> = Lazy::new(|| Regex::new(r"^/items/\d+/attachments/\d+$").unwrap());

/// Paths the crawler never visits: the back office, the API, forms, per-visitor switches, search.
fn skipped(path: &str) -> bool {
    [
        "/admin",
        "/api/",
        "/search",
        "/large-text",
        "/request",
        "/report-error",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

/// The platform's own hosts: the public address and every site's own host name.
fn own_hosts(state: &AppState, dir: &Directory) -> BTreeSet<String> {
    let mut hosts: BTreeSet<String> = dir
        .sites
        .iter()
        .filter_map(|s| s.host.clone())
        .map(|h| h.to_ascii_lowercase())
        .collect();
    if let Some(h) = host_of(&state.config.public_url) {
        hosts.insert(h);
    }
    hosts
}

fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// A link as found on `from`: an internal path to check, an external address to list, or nothing
/// (anchors, mail, telephone, data).
enum Target {
    Internal(String),
    External(String),
    Ignore,
}

fn classify(link: &str, hosts: &BTreeSet<String>) -> Target {
    let link = link.trim().replace("&amp;", "&");
    if link.is_empty()
        || link.starts_with('#')
        || ["mailto:", "tel:", "data:", "javascript:"]
            .iter()
            .any(|p| link.to_ascii_lowercase().starts_with(p))
    {
        return Target::Ignore;
    }
    let path = if link.starts_with("http://") || link.starts_with("https://") {
        match host_of(&link) {
            Some(h) if hosts.contains(&h) => {
                let after = link.splitn(4, '/').nth(3).unwrap_or("");
                format!("/{after}")
            }
            _ => return Target::External(link.to_string()),
        }
    } else if link.starts_with("//") {
        return Target::External(link.to_string());
    } else if link.starts_with('/') {
        link.to_string()
    } else {
        // Relative links are not produced by the platform's templates; rich text may hold them.
        return Target::External(link.to_string());
    };
    let path = path.split('#').next().unwrap_or("").to_string();
    Target::Internal(path)
}

/// Fetches one path through the application itself (no network, so TLS and proxies in front of the
/// server do not matter): status, whether it is HTML, and the body when it is.
async fn fetch(app: &Router, path: &str) -> (u16, Option<String>) {
    let req = Request::builder()
        .uri(path)
        .header(header::USER_AGENT, "gongkai-health-crawler")
        .extension(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 0))))
        .body(axum::body::Body::empty());
    let Ok(req) = req else {
        return (400, None);
    };
    let Ok(resp) = app.clone().oneshot(req).await;
    let status = resp.status().as_u16();
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html || status >= 400 {
        return (status, None);
    }
    let body = axum::body::to_bytes(resp.into_body(), 16 * 1024 * 1024)
        .await
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    (status, body)
}

/// Crawls the platform's published pages: every site home, column and published item (at most
/// `budget` pages), checks every internal link and attachment they hold, lists external links
/// without fetching them, and records broken links and missing attachments as findings of the
/// site whose page holds them.
pub async fn crawl(state: &AppState, budget: usize) -> WebResult<CrawlSummary> {
    let dir = state.directory().await?;
    let hosts = own_hosts(state, &dir);
    let published: Vec<(i64, i64)> = state
        .run(|conn| {
            let ids = gongkai_storage::item::public_ids(conn)?;
            let mut out = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(500) {
                out.extend(
                    gongkai_storage::item::get_many(conn, chunk)?
                        .into_iter()
                        .map(|it| (it.id, it.site_id)),
                );
            }
            Ok(out)
        })
        .await?;
    // (path, site id) seeds: homes, columns, items.
    let mut queue: VecDeque<(String, i64)> = VecDeque::new();
    for s in &dir.sites {
        queue.push_back((dir.site_url(s), s.id));
    }
    for c in dir.columns.iter().filter(|c| c.link_url.is_none()) {
        queue.push_back((dir.column_url(c), c.site_id));
    }
    for (id, site_id) in published {
        queue.push_back((format!("/items/{id}"), site_id));
    }
    let app = crate::app::router(state.clone());
    let mut status: BTreeMap<String, u16> = BTreeMap::new();
    // broken target → (status, the pages holding it, the site of the first one)
    let mut broken: BTreeMap<String, (u16, Vec<String>, i64)> = BTreeMap::new();
    let mut external: BTreeSet<String> = BTreeSet::new();
    let mut pages = 0;
    let mut visited: BTreeSet<String> = BTreeSet::new();
    while let Some((path, site_id)) = queue.pop_front() {
        if pages >= budget {
            break;
        }
        if !visited.insert(path.clone()) {
            continue;
        }
        pages += 1;
        let (code, body) = fetch(&app, &path).await;
        status.insert(path.clone(), code);
        let Some(body) = body else { continue };
        for cap in LINK.captures_iter(&body) {
            match classify(&cap[1], &hosts) {
                Target::Ignore => {}
                Target::External(u) => {
                    external.insert(u);
                }
                Target::Internal(target) => {
                    let bare = target.split('?').next().unwrap_or("").to_string();
                    if skipped(&bare) || bare.starts_with("/static/") {
                        continue;
                    }
                    let code = match status.get(&target) {
                        Some(c) => *c,
                        None => {
                            let (c, _) = fetch(&app, &target).await;
                            status.insert(target.clone(), c);
                            c
                        }
                    };
                    if code >= 400 {
                        let e = broken.entry(target).or_insert((code, vec![], site_id));
                        if !e.1.contains(&path) {
                            e.1.push(path.clone());
                        }
                    }
                }
            }
        }
    }
    let mut by_site: BTreeMap<i64, Vec<Finding>> = BTreeMap::new();
    for (target, (code, from, site_id)) in &broken {
        let kind = if ATTACHMENT.is_match(target.split('?').next().unwrap_or("")) {
            FindingKind::MissingAttachment
        } else {
            FindingKind::BrokenLink
        };
        let more = if from.len() > 1 {
            format!(" 等 {} 个页面", from.len())
        } else {
            String::new()
        };
        by_site.entry(*site_id).or_default().push(Finding {
            kind,
            subject: format!("url:{target}"),
            title: target.clone(),
            evidence: format!("返回 HTTP {code}，出现在 {}{more}", from[0]),
            url: Some(from[0].clone()),
        });
    }
    let summary = CrawlSummary {
        pages,
        broken: broken.len(),
        external: external.into_iter().collect(),
    };
    let sites = dir.sites.clone();
    let ext = summary.external.clone();
    state
        .run(move |conn| {
            let now = gongkai_storage::now();
            for s in &sites {
                let found = by_site.remove(&s.id).unwrap_or_default();
                health::sync_findings(conn, s, health::LINKS, &found, now)?;
            }
            health::record_crawl(conn, now, pages, broken.len(), &ext)?;
            Ok(())
        })
        .await?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_classified_by_host() {
        let hosts: BTreeSet<String> = ["www.example.gov.cn".to_string()].into();
        assert!(matches!(classify("/items/3", &hosts), Target::Internal(p) if p == "/items/3"));
        assert!(
            matches!(classify("https://www.example.gov.cn/s/jyj/#top", &hosts), Target::Internal(p) if p == "/s/jyj/")
        );
        assert!(matches!(
            classify("https://www.gov.cn/zhengce/", &hosts),
            Target::External(_)
        ));
        assert!(matches!(classify("mailto:a@b.cn", &hosts), Target::Ignore));
        assert!(matches!(classify("#main", &hosts), Target::Ignore));
        assert!(skipped("/admin/items") && skipped("/search?q=1") && !skipped("/items/1"));
    }
}
