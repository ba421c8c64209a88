//! 在线访谈 and 新闻发布会 on the public site: the lists, an event's page (guests or speakers, media
//! links, transcript, the public's questions with their answers) and the question form of an
//! interview that takes questions (before and during it).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::{CookieJar, Form};
use gongkai_domain::interview::{check_question, EventKind};
use gongkai_domain::item::FieldErrors;
use gongkai_storage::interview::{self, Asked, Event};
use gongkai_storage::survey::china_now;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::app::AppState;
use crate::auth::{anon_csrf, check_anon_csrf, ClientIp};
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page::pagination;
use crate::portal::Here;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/interviews", get(list_interviews))
        .route("/interviews/{id}", get(show_interview).post(ask))
        .route("/press-conferences", get(list_conferences))
        .route("/press-conferences/{id}", get(show_conference))
        .route("/interviews/{id}/files/{fid}", get(interview_file))
        .route("/press-conferences/{id}/files/{fid}", get(conference_file))
}

/// The public address of an event.
pub fn url_of(kind: EventKind, id: i64) -> String {
    match kind {
        EventKind::Interview => format!("/interviews/{id}"),
        EventKind::PressConference => format!("/press-conferences/{id}"),
    }
}

fn list_url(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Interview => "/interviews",
        EventKind::PressConference => "/press-conferences",
    }
}

fn time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn phase(ev: &Event, now: chrono::NaiveDateTime) -> &'static str {
    if now < ev.starts_at {
        "预告"
    } else if now < ev.ends_at {
        "直播中"
    } else {
        "往期回顾"
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListParams {
    page: Option<String>,
}

async fn list(
    state: AppState,
    jar: CookieJar,
    kind: EventKind,
    p: ListParams,
) -> WebResult<Response> {
    let page_no = crate::portal::parse_page(p.page.as_deref(), 10_000)?;
    let found = state
        .run(move |conn| Ok(interview::published(conn, kind, page_no, 20)?))
        .await?;
    let base = list_url(kind);
    let here = Here::of_site(&state, None, &jar, base).await?;
    let now = china_now();
    let rows: Vec<Value> = found
        .rows
        .iter()
        .map(|e| {
            json!({
                "title": e.title, "url": url_of(kind, e.id), "org": here.dir.org_name(e.org_id),
                "starts_at": time(e.starts_at), "phase": phase(e, now),
                "people": e.people().join("、"),
            })
        })
        .collect();
    let html = here.render(
        "interview_list.html",
        Some(kind.label_zh()),
        None,
        vec![(kind.label_zh().into(), base.into())],
        json!({
            "kind": kind.as_str(),
            "events": rows,
            "pagination": pagination(found.page, found.per_page, found.total, |n| format!("{base}?page={n}")),
        }),
    )?;
    Ok(html.into_response())
}

async fn list_interviews(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(p): Query<ListParams>,
) -> WebResult<Response> {
    list(state, jar, EventKind::Interview, p).await
}

async fn list_conferences(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(p): Query<ListParams>,
) -> WebResult<Response> {
    list(state, jar, EventKind::PressConference, p).await
}

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct AskForm {
    nickname: String,
    body: String,
    #[serde(skip_serializing)]
    csrf: String,
}

struct View {
    notice: Option<(&'static str, String)>,
    values: AskForm,
    errors: FieldErrors,
}

async fn render(
    state: &AppState,
    jar: CookieJar,
    kind: EventKind,
    id: i64,
    view: View,
    status: StatusCode,
) -> WebResult<Response> {
    let (ev, qs, attached) = state
        .run(move |conn| {
            let ev = interview::get(conn, id)?;
            let qs = interview::questions(conn, id, true)?;
            let attached = interview::files::of_event(conn, id)?;
            Ok((ev, qs, attached))
        })
        .await?;
    if !ev.is_published() || ev.kind() != kind {
        return Err(WebError::NotFound);
    }
    let path = url_of(kind, id);
    let here = Here::of_site(state, None, &jar, &path).await?;
    let (jar, csrf) = anon_csrf(jar, state.config.secure_cookies);
    let now = china_now();
    let html = here.render(
        "interview.html",
        Some(&ev.title),
        None,
        vec![
            (kind.label_zh().into(), list_url(kind).into()),
            (ev.title.clone(), path.clone()),
        ],
        json!({
            "event": {
                "kind": kind.as_str(),
                "kind_label": kind.label_zh(),
                "title": ev.title,
                "org": here.dir.org_name(ev.org_id),
                "starts_at": time(ev.starts_at),
                "ends_at": time(ev.ends_at),
                "phase": phase(&ev, now),
                "people_label": if kind == EventKind::Interview { "访谈嘉宾" } else { "发布人" },
                "people": ev.people(),
                "summary": ev.summary,
                "transcript_html": ev.transcript_html,
                "media": ev.media().iter().map(|m| json!({"label": m.label, "url": m.url})).collect::<Vec<_>>(),
                "attachments": attached.iter().map(|f| json!({
                    "name": f.file_name, "url": format!("{path}/files/{}", f.id),
                    "size": f.size_bytes, "content_type": f.content_type,
                })).collect::<Vec<_>>(),
            },
            "questions": qs.iter().map(|q| json!({
                "nickname": q.nickname, "body": q.body, "answer": q.answer, "asked_at": time(q.created_at + chrono::Duration::hours(8)),
            })).collect::<Vec<_>>(),
            "takes_questions": ev.takes_questions(now),
            "notice": view.notice.map(|(k, t)| json!({"kind": k, "text": t})),
            "values": view.values,
            "errors": view.errors,
            "csrf": csrf,
            "form_action": path,
        }),
    )?;
    Ok((status, jar, html).into_response())
}

fn empty() -> View {
    View {
        notice: None,
        values: AskForm::default(),
        errors: FieldErrors::default(),
    }
}

async fn show_interview(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    render(
        &state,
        jar,
        EventKind::Interview,
        id,
        empty(),
        StatusCode::OK,
    )
    .await
}

async fn show_conference(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    render(
        &state,
        jar,
        EventKind::PressConference,
        id,
        empty(),
        StatusCode::OK,
    )
    .await
}

async fn ask(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Path(id): Path<i64>,
    Form(form): Form<AskForm>,
) -> WebResult<Response> {
    check_anon_csrf(&jar, &form.csrf)?;
    let ip = ip.unwrap_or_default();
    if !state.limiter.allow(&format!("interview-question:{ip}")) {
        return Err(WebError::TooManyRequests);
    }
    let (body, nickname) = match check_question(&form.body, &form.nickname) {
        Ok(v) => v,
        Err(errors) => {
            let view = View {
                notice: None,
                values: form,
                errors,
            };
            return render(
                &state,
                jar,
                EventKind::Interview,
                id,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let key = state.data_key.clone();
    let asked = state
        .run(move |conn| Ok(interview::ask(conn, &key, id, &nickname, &body, &ip)?))
        .await?;
    let (notice, status) = match asked {
        Asked::Received(_) => (
            (
                "ok",
                "提问已提交，经审核后将在访谈中选答，感谢您的参与！".to_string(),
            ),
            StatusCode::OK,
        ),
        Asked::Closed => (
            ("error", "本期访谈已结束或不接受提问。".to_string()),
            StatusCode::CONFLICT,
        ),
        Asked::TooMany => (
            ("error", "您的提问已达上限，感谢您的参与。".to_string()),
            StatusCode::TOO_MANY_REQUESTS,
        ),
    };
    let view = View {
        notice: Some(notice),
        values: AskForm::default(),
        errors: FieldErrors::default(),
    };
    render(&state, jar, EventKind::Interview, id, view, status).await
}

/// The search document of a published event: title, people, summary, transcript and answered
/// questions.
pub fn search_doc(
    dir: &Directory,
    ev: &Event,
    answered: &[interview::Question],
) -> gongkai_search::SearchDoc {
    let mut body = format!("{}\n{}\n", ev.people().join(" "), ev.summary);
    body.push_str(&crate::search::html_to_text(&ev.transcript_html));
    for q in answered {
        body.push('\n');
        body.push_str(&q.body);
        if let Some(a) = &q.answer {
            body.push(' ');
            body.push_str(a);
        }
    }
    let kind = match ev.kind() {
        EventKind::Interview => gongkai_search::DocKind::Interview,
        EventKind::PressConference => gongkai_search::DocKind::PressConference,
    };
    let mut d = gongkai_search::SearchDoc::new(kind, ev.id, ev.title.clone(), body);
    d.url = url_of(ev.kind(), ev.id);
    d.published = ev.published_at;
    d.year = Some(chrono::Datelike::year(&ev.starts_at));
    if let Some(o) = dir.org(ev.org_id) {
        d.org_code = Some(o.code.clone());
        d.org_name = Some(o.name.clone());
    }
    d
}

/// Search documents for the events in `ids`, and the ids of those no longer public (under both
/// kinds' prefixes, since a deleted row's kind is unknown).
pub fn search_docs(
    conn: &mut gongkai_storage::AnyConnection,
    dir: &Directory,
    ids: &[i64],
) -> WebResult<(Vec<gongkai_search::SearchDoc>, Vec<String>)> {
    let mut docs = Vec::new();
    let mut gone = Vec::new();
    for &id in ids {
        match interview::get(conn, id) {
            Ok(ev) if ev.is_published() => {
                let qs = interview::questions(conn, id, true)?;
                docs.push(search_doc(dir, &ev, &qs));
            }
            Ok(ev) => gone.push(format!("{}:{id}", ev.entity())),
            Err(gongkai_storage::StorageError::NotFound { .. }) => {
                gone.push(format!("interview:{id}"));
                gone.push(format!("press_conference:{id}"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok((docs, gone))
}

/// A file of a published event, served with its stored type.
async fn file(state: &AppState, kind: EventKind, id: i64, fid: i64) -> WebResult<Response> {
    let (f, bytes) = state
        .run(move |conn| {
            let ev = interview::get(conn, id)?;
            if !ev.is_published() || ev.kind() != kind {
                return Err(WebError::NotFound);
            }
            let f = interview::files::get(conn, fid)?;
            if f.interview_id != id {
                return Err(WebError::NotFound);
            }
            let bytes = interview::files::content(conn, &f)?;
            Ok((f, bytes))
        })
        .await?;
    Ok(crate::upload::download(
        &f.file_name,
        &f.content_type,
        &f.sha256,
        "public, max-age=3600",
        bytes,
    ))
}

async fn interview_file(
    State(state): State<AppState>,
    Path((id, fid)): Path<(i64, i64)>,
) -> WebResult<Response> {
    file(&state, EventKind::Interview, id, fid).await
}

async fn conference_file(
    State(state): State<AppState>,
    Path((id, fid)): Path<(i64, i64)>,
) -> WebResult<Response> {
    file(&state, EventKind::PressConference, id, fid).await
}
