//! 公开征求意见 on the public site: the list, a consultation's draft split into sections (each with
//! its own anchor and a link that picks it in the comment form), the comment form while open, and
//! the feedback report (采纳情况) once published.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::{CookieJar, Form};
use gongkai_domain::consultation::{check_comment, count_adoption, Adoption};
use gongkai_domain::item::FieldErrors;
use gongkai_domain::survey::Phase;
use gongkai_storage::consultation::{self, Commented, Consultation};
use gongkai_storage::survey::china_now;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::app::AppState;
use crate::auth::{anon_csrf, check_anon_csrf, ClientIp};
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page::pagination;
use crate::portal::Here;

const TITLE: &str = "公开征求意见";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/consultations", get(list))
        .route("/consultations/{id}", get(show).post(comment))
}

fn time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Params {
    page: Option<String>,
    section: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(p): Query<Params>,
) -> WebResult<Response> {
    let page_no = crate::portal::parse_page(p.page.as_deref(), 10_000)?;
    let found = state
        .run(move |conn| Ok(consultation::published(conn, page_no, 20)?))
        .await?;
    let here = Here::of_site(&state, None, &jar, "/consultations").await?;
    let now = china_now();
    let rows: Vec<Value> = found
        .rows
        .iter()
        .map(|c| {
            json!({
                "title": c.title, "url": format!("/consultations/{}", c.id), "org": here.dir.org_name(c.org_id),
                "opens_at": time(c.opens_at), "closes_at": time(c.closes_at), "phase": c.phase(now).label_zh(),
                "has_report": c.report_published_at.is_some(),
            })
        })
        .collect();
    let html = here.render(
        "consultation_list.html",
        Some(TITLE),
        None,
        vec![(TITLE.into(), "/consultations".into())],
        json!({
            "consultations": rows,
            "pagination": pagination(found.page, found.per_page, found.total, |n| format!("/consultations?page={n}")),
        }),
    )?;
    Ok(html.into_response())
}

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct CommentForm {
    section: String,
    nickname: String,
    body: String,
    contact: String,
    #[serde(skip_serializing)]
    csrf: String,
}

struct View {
    notice: Option<(&'static str, String)>,
    values: CommentForm,
    errors: FieldErrors,
}

async fn render(
    state: &AppState,
    jar: CookieJar,
    id: i64,
    view: View,
    status: StatusCode,
) -> WebResult<Response> {
    let (c, comments) = state
        .run(move |conn| {
            let c = consultation::get(conn, id)?;
            let comments = consultation::comments(conn, id)?;
            Ok((c, comments))
        })
        .await?;
    if !c.is_published() {
        return Err(WebError::NotFound);
    }
    let path = format!("/consultations/{id}");
    let here = Here::of_site(state, None, &jar, &path).await?;
    let (jar, csrf) = anon_csrf(jar, state.config.secure_cookies);
    let now = china_now();
    let sections = c.sections();
    let mut per_section: BTreeMap<i32, usize> = BTreeMap::new();
    for m in &comments {
        *per_section.entry(m.section).or_default() += 1;
    }
    let open = c.phase(now) == Phase::Open;
    let report = c.report_published_at.map(|at| {
        let counts = count_adoption(&comments.iter().map(|m| m.adoption()).collect::<Vec<_>>());
        json!({
            "published_at": time(at + chrono::Duration::hours(8)),
            "summary": c.report,
            "counts": counts,
            "comments": comments.iter().map(|m| json!({
                "section": sections.get(m.section as usize).map(|s| s.heading.clone()).unwrap_or_default(),
                "anchor": format!("s{}", m.section + 1),
                "nickname": m.nickname,
                "body": m.body,
                "adoption": m.adoption().label_zh(),
                "reason": m.reason,
            })).collect::<Vec<_>>(),
        })
    });
    let html = here.render(
        "consultation.html",
        Some(&c.title),
        None,
        vec![(TITLE.into(), "/consultations".into()), (c.title.clone(), path.clone())],
        json!({
            "consultation": {
                "title": c.title, "org": here.dir.org_name(c.org_id), "intro": c.intro,
                "opens_at": time(c.opens_at), "closes_at": time(c.closes_at), "phase": c.phase(now).label_zh(),
            },
            "sections": sections.iter().enumerate().map(|(i, s)| json!({
                "anchor": format!("s{}", i + 1),
                "heading": s.heading,
                "text": s.text.lines().collect::<Vec<_>>(),
                "comments": per_section.get(&(i as i32)).copied().unwrap_or(0),
                "comment_url": if open { json!(format!("{path}?section={i}#comment-form")) } else { Value::Null },
            })).collect::<Vec<_>>(),
            "open": open,
            "section_options": sections.iter().enumerate().map(|(i, s)| json!({"value": i.to_string(), "label": s.heading})).collect::<Vec<_>>(),
            "notice": view.notice.map(|(k, t)| json!({"kind": k, "text": t})),
            "values": view.values,
            "errors": view.errors,
            "csrf": csrf,
            "form_action": path,
            "report": report,
        }),
    )?;
    Ok((status, jar, html).into_response())
}

async fn show(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    Query(p): Query<Params>,
) -> WebResult<Response> {
    let view = View {
        notice: None,
        values: CommentForm {
            section: p.section.unwrap_or_default(),
            ..Default::default()
        },
        errors: FieldErrors::default(),
    };
    render(&state, jar, id, view, StatusCode::OK).await
}

async fn comment(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> WebResult<Response> {
    check_anon_csrf(&jar, &form.csrf)?;
    let ip = ip.unwrap_or_default();
    if !state.limiter.allow(&format!("consultation:{ip}")) {
        return Err(WebError::TooManyRequests);
    }
    let c = state
        .run(move |conn| Ok(consultation::get(conn, id)?))
        .await?;
    if !c.is_published() {
        return Err(WebError::NotFound);
    }
    let mut checked = check_comment(c.sections().len(), &form.section, &form.body);
    let nickname = form.nickname.trim().to_string();
    let contact = form.contact.trim().to_string();
    if nickname.chars().count() > 20 || contact.chars().count() > 50 {
        let mut e = checked.err().unwrap_or_default();
        if nickname.chars().count() > 20 {
            e.add("nickname", "昵称不超过 20 字");
        }
        if contact.chars().count() > 50 {
            e.add("contact", "联系方式不超过 50 字");
        }
        checked = Err(e);
    }
    let (section, body) = match checked {
        Ok(v) => v,
        Err(errors) => {
            let view = View {
                notice: None,
                values: form,
                errors,
            };
            return render(&state, jar, id, view, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let key = state.data_key.clone();
    let nickname = if nickname.is_empty() {
        "网友".to_string()
    } else {
        nickname
    };
    let done = state
        .run(move |conn| {
            Ok(consultation::comment(
                conn,
                &key,
                id,
                section,
                &nickname,
                &body,
                Some(contact.as_str()).filter(|c| !c.is_empty()),
                &ip,
            )?)
        })
        .await?;
    let (notice, status) = match done {
        Commented::Received(_) => (
            (
                "ok",
                "意见已提交，感谢您的参与！征求意见结束后我们将公布意见采纳情况。".to_string(),
            ),
            StatusCode::OK,
        ),
        Commented::NotOpen => (
            (
                "error",
                "本次征求意见已结束（或尚未开始），不能再提交意见。".to_string(),
            ),
            StatusCode::CONFLICT,
        ),
        Commented::TooMany => (
            ("error", "您提交的意见已达上限，感谢您的参与。".to_string()),
            StatusCode::TOO_MANY_REQUESTS,
        ),
    };
    let view = View {
        notice: Some(notice),
        values: CommentForm::default(),
        errors: FieldErrors::default(),
    };
    render(&state, jar, id, view, status).await
}

/// The search document of a published consultation: the draft and, once published, the report.
pub fn search_doc(dir: &Directory, c: &Consultation) -> gongkai_search::SearchDoc {
    let mut body = format!("{}\n{}", c.intro, c.draft);
    if c.report_published_at.is_some() {
        body.push('\n');
        body.push_str(&c.report);
    }
    let mut d = gongkai_search::SearchDoc::new(
        gongkai_search::DocKind::Consultation,
        c.id,
        c.title.clone(),
        body,
    );
    d.url = format!("/consultations/{}", c.id);
    d.published = c.published_at;
    d.year = Some(chrono::Datelike::year(&c.opens_at));
    if let Some(o) = dir.org(c.org_id) {
        d.org_code = Some(o.code.clone());
        d.org_name = Some(o.name.clone());
    }
    d
}

pub fn search_docs(
    conn: &mut gongkai_storage::AnyConnection,
    dir: &Directory,
    ids: &[i64],
) -> WebResult<(Vec<gongkai_search::SearchDoc>, Vec<String>)> {
    let mut docs = Vec::new();
    let mut gone = Vec::new();
    for &id in ids {
        match consultation::get(conn, id) {
            Ok(c) if c.is_published() => docs.push(search_doc(dir, &c)),
            Ok(_) | Err(gongkai_storage::StorageError::NotFound { .. }) => {
                gone.push(format!("consultation:{id}"))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok((docs, gone))
}

/// The adoption labels in report order (for the back office's select).
pub fn adoption_options() -> Vec<Value> {
    Adoption::ALL
        .iter()
        .map(|a| json!({"value": a.as_str(), "label": a.label_zh()}))
        .collect()
}
