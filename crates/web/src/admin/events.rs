//! 在线访谈 and 新闻发布会 in the back office: create, edit, publish or withdraw them, and moderate
//! and answer the public's questions. Staff need 编辑 rights (EditItems) on the organisation.

use std::sync::Arc;

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::Form;
use gongkai_domain::interview::{EventKind, ModerationAction};
use gongkai_domain::item::FieldErrors;
use gongkai_domain::role::Permission;
use gongkai_storage::interview::{self, files, Event, EventInput};
use gongkai_storage::survey::{china_now, PUBLISHED, WITHDRAWN};
use gongkai_storage::StorageError;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{org_options, render, scope_org_ids};
use crate::app::AppState;
use crate::auth::Staff;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events/{kind}", get(list).post(create))
        .route("/events/{kind}/new", get(new_form))
        .route("/events/{kind}/{id}", get(view).post(update))
        .route("/events/{kind}/{id}/edit", get(edit_form))
        .route("/events/{kind}/{id}/publish", post(publish))
        .route("/events/{kind}/{id}/questions/{qid}", post(moderate))
        .route("/events/{kind}/{id}/files", post(upload_file))
        .route("/events/{kind}/{id}/files/{fid}", get(download_file))
        .route("/events/{kind}/{id}/files/{fid}/delete", post(delete_file))
}

const P: Permission = Permission::EditItems;

fn kind_of(raw: &str) -> WebResult<EventKind> {
    raw.parse().map_err(|_| WebError::NotFound)
}

fn base_url(kind: EventKind) -> String {
    format!("/admin/events/{}", kind.as_str())
}

fn time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn status_label(s: &str) -> &'static str {
    match s {
        PUBLISHED => "已发布",
        WITHDRAWN => "已撤回",
        _ => "草稿",
    }
}

async fn load(
    state: &AppState,
    staff: &Staff,
    kind: EventKind,
    id: i64,
) -> WebResult<(Event, Arc<Directory>)> {
    let ev = state.run(move |conn| Ok(interview::get(conn, id)?)).await?;
    if ev.kind() != kind {
        return Err(WebError::NotFound);
    }
    let dir = state.directory().await?;
    let path = dir
        .org(ev.org_id)
        .map(|o| o.path.clone())
        .ok_or(WebError::NotFound)?;
    staff.require(P, &path)?;
    Ok((ev, dir))
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Path(kind): Path<String>,
) -> WebResult<Html<String>> {
    let kind = kind_of(&kind)?;
    if !staff.has_any(P) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let scope = scope_org_ids(&staff, &dir, P);
    let rows = state
        .run(move |conn| Ok(interview::for_orgs(conn, kind, scope.as_deref())?))
        .await?;
    let base = base_url(kind);
    render(
        &staff,
        &base,
        kind.label_zh(),
        "admin/events.html",
        json!({
            "new_url": format!("{base}/new"),
            "new_label": format!("新建{}", kind.label_zh()),
            "events": rows.iter().map(|e| json!({
                "title": e.title, "url": format!("{base}/{}", e.id), "org": dir.org_name(e.org_id),
                "starts_at": time(e.starts_at), "status": status_label(&e.status),
            })).collect::<Vec<_>>(),
        }),
    )
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    staff: &Staff,
    dir: &Directory,
    kind: EventKind,
    title: &str,
    action: &str,
    cancel: &str,
    values: &EventInput,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    render(
        staff,
        &base_url(kind),
        title,
        "admin/event_form.html",
        json!({
            "is_interview": kind == EventKind::Interview,
            "people_label": if kind == EventKind::Interview { "访谈嘉宾" } else { "发布人" },
            "org_options": org_options(staff, dir, P),
            "values": values,
            "errors": errors,
            "form_action": action,
            "cancel_url": cancel,
        }),
    )
}

async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(kind): Path<String>,
) -> WebResult<Html<String>> {
    let kind = kind_of(&kind)?;
    if !staff.has_any(P) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let now = china_now();
    let values = EventInput {
        org_id: staff.user.org_id.to_string(),
        starts_at: (now + chrono::Duration::days(7))
            .format("%Y-%m-%dT10:00")
            .to_string(),
        ends_at: (now + chrono::Duration::days(7))
            .format("%Y-%m-%dT11:30")
            .to_string(),
        accepts_questions: if kind == EventKind::Interview {
            vec!["on".into()]
        } else {
            Vec::new()
        },
        ..Default::default()
    };
    let base = base_url(kind);
    form_page(
        &staff,
        &dir,
        kind,
        &format!("新建{}", kind.label_zh()),
        &base,
        &base,
        &values,
        &FieldErrors::default(),
    )
}

/// The form as posted (not flattened over [`EventInput`], which would lose the one-value-to-list
/// handling of the `accepts_questions` checkbox).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EventForm {
    org_id: String,
    title: String,
    starts_at: String,
    ends_at: String,
    people: String,
    summary: String,
    transcript_html: String,
    media: String,
    accepts_questions: Vec<String>,
    csrf: String,
}

impl EventForm {
    fn input(&self) -> EventInput {
        EventInput {
            org_id: self.org_id.clone(),
            title: self.title.clone(),
            starts_at: self.starts_at.clone(),
            ends_at: self.ends_at.clone(),
            people: self.people.clone(),
            summary: self.summary.clone(),
            transcript_html: self.transcript_html.clone(),
            media: self.media.clone(),
            accepts_questions: self.accepts_questions.clone(),
        }
    }
}

fn checked(
    staff: &Staff,
    dir: &Directory,
    kind: EventKind,
    input: &EventInput,
) -> Result<interview::NewEvent, FieldErrors> {
    let new = input.validate(kind)?;
    match dir.org(new.org_id) {
        Some(o) if staff.can(P, &o.path) => Ok(new),
        _ => {
            let mut e = FieldErrors::default();
            e.add("org_id", "您无权以该单位名义发布");
            Err(e)
        }
    }
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Path(kind): Path<String>,
    Form(form): Form<EventForm>,
) -> WebResult<Response> {
    let kind = kind_of(&kind)?;
    staff.check_csrf(&form.csrf)?;
    let input = form.input();
    let dir = state.directory().await?;
    let base = base_url(kind);
    let title = format!("新建{}", kind.label_zh());
    let rejected = |e: &FieldErrors| -> WebResult<Response> {
        let html = form_page(&staff, &dir, kind, &title, &base, &base, &input, e)?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    let new = match checked(&staff, &dir, kind, &input) {
        Ok(n) => n,
        Err(e) => return rejected(&e),
    };
    let actor = staff.actor();
    let saved = state
        .run(move |conn| Ok(interview::create(conn, &actor, &new)))
        .await?;
    match saved {
        Ok(ev) => Ok(Redirect::to(&format!("{base}/{}", ev.id)).into_response()),
        Err(StorageError::Invalid(e)) => rejected(&e),
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, id)): Path<(String, i64)>,
) -> WebResult<Html<String>> {
    let kind = kind_of(&kind)?;
    let (ev, dir) = load(&state, &staff, kind, id).await?;
    let url = format!("{}/{id}", base_url(kind));
    form_page(
        &staff,
        &dir,
        kind,
        &format!("修改{}", kind.label_zh()),
        &url,
        &url,
        &EventInput::of(&ev),
        &FieldErrors::default(),
    )
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, id)): Path<(String, i64)>,
    Form(form): Form<EventForm>,
) -> WebResult<Response> {
    let kind = kind_of(&kind)?;
    staff.check_csrf(&form.csrf)?;
    let input = form.input();
    let (_, dir) = load(&state, &staff, kind, id).await?;
    let url = format!("{}/{id}", base_url(kind));
    let title = format!("修改{}", kind.label_zh());
    let rejected = |e: &FieldErrors| -> WebResult<Response> {
        let html = form_page(&staff, &dir, kind, &title, &url, &url, &input, e)?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    let new = match checked(&staff, &dir, kind, &input) {
        Ok(n) => n,
        Err(e) => return rejected(&e),
    };
    let actor = staff.actor();
    let saved = state
        .run(move |conn| Ok(interview::update(conn, &actor, id, &new)))
        .await?;
    match saved {
        Ok(_) => Ok(Redirect::to(&url).into_response()),
        Err(StorageError::Invalid(e)) => rejected(&e),
        Err(e) => Err(e.into()),
    }
}

async fn view(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, id)): Path<(String, i64)>,
) -> WebResult<Html<String>> {
    let kind = kind_of(&kind)?;
    let (ev, dir) = load(&state, &staff, kind, id).await?;
    let (qs, attached) = state
        .run(move |conn| {
            Ok((
                interview::questions(conn, id, false)?,
                files::of_event(conn, id)?,
            ))
        })
        .await?;
    let url = format!("{}/{id}", base_url(kind));
    render(
        &staff,
        &base_url(kind),
        &ev.title,
        "admin/event_view.html",
        json!({
            "event": {
                "title": ev.title, "kind_label": kind.label_zh(), "org": dir.org_name(ev.org_id),
                "status": status_label(&ev.status), "published": ev.is_published(),
                "starts_at": time(ev.starts_at), "ends_at": time(ev.ends_at),
                "people": ev.people().join("、"),
                "public_url": if ev.is_published() { json!(crate::interview::url_of(kind, id)) } else { Value::Null },
            },
            "edit_url": format!("{url}/edit"),
            "publish_url": format!("{url}/publish"),
            "upload_url": format!("{url}/files"),
            "files": attached.iter().map(|f| json!({
                "name": f.file_name, "url": format!("{url}/files/{}", f.id), "size": f.size_bytes,
                "content_type": f.content_type, "delete_url": format!("{url}/files/{}/delete", f.id),
            })).collect::<Vec<_>>(),
            "is_interview": kind == EventKind::Interview,
            "questions": qs.iter().map(|q| json!({
                "id": q.id, "nickname": q.nickname, "body": q.body, "status": q.status().label_zh(),
                "answer": q.answer, "asked_at": time(q.created_at + chrono::Duration::hours(8)),
                "action_url": format!("{url}/questions/{}", q.id),
            })).collect::<Vec<_>>(),
        }),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    action: String,
    answer: String,
    csrf: String,
}

async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, id)): Path<(String, i64)>,
    Form(form): Form<ActionForm>,
) -> WebResult<Response> {
    let kind = kind_of(&kind)?;
    staff.check_csrf(&form.csrf)?;
    load(&state, &staff, kind, id).await?;
    let publish = match form.action.as_str() {
        "publish" => true,
        "withdraw" => false,
        _ => return Err(WebError::BadRequest("未知操作".into())),
    };
    let actor = staff.actor();
    state
        .run(move |conn| Ok(interview::set_published(conn, &actor, id, publish)?))
        .await?;
    Ok(Redirect::to(&format!("{}/{id}", base_url(kind))).into_response())
}

async fn moderate(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, id, qid)): Path<(String, i64, i64)>,
    Form(form): Form<ActionForm>,
) -> WebResult<Response> {
    let kind = kind_of(&kind)?;
    staff.check_csrf(&form.csrf)?;
    load(&state, &staff, kind, id).await?;
    let action: ModerationAction = form
        .action
        .parse()
        .map_err(|_| WebError::BadRequest("未知操作".into()))?;
    let actor = staff.actor();
    let answer = form.answer.clone();
    let done = state
        .run(move |conn| {
            let q = interview::questions(conn, id, false)?;
            if !q.iter().any(|q| q.id == qid) {
                return Err(WebError::NotFound);
            }
            Ok(interview::moderate(conn, &actor, qid, action, &answer))
        })
        .await?;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("{}/{id}", base_url(kind))).into_response()),
        Err(StorageError::Invalid(e)) => Err(WebError::Invalid(e)),
        Err(StorageError::Conflict(m)) => Err(WebError::Conflict(m)),
        Err(e) => Err(e.into()),
    }
}

/// 上传材料: a file for the event (the attachments' size and type rules: 413 and 415).
async fn upload_file(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, id)): Path<(String, i64)>,
    multipart: Multipart,
) -> WebResult<Response> {
    let kind = kind_of(&kind)?;
    let up = crate::upload::read(multipart).await?;
    staff.check_csrf(up.field("csrf"))?;
    load(&state, &staff, kind, id).await?;
    let (name, bytes) = up.checked_file()?;
    let (name, bytes) = (name.to_string(), bytes.to_vec());
    let actor = staff.actor();
    state
        .run(move |conn| Ok(files::add(conn, &actor, id, &name, &bytes)?))
        .await?;
    Ok(Redirect::to(&format!("{}/{id}", base_url(kind))).into_response())
}

/// A file of an event the user may edit, checked to belong to it.
async fn event_file(
    state: &AppState,
    staff: &Staff,
    kind: EventKind,
    id: i64,
    fid: i64,
) -> WebResult<files::EventFile> {
    load(state, staff, kind, id).await?;
    let f = state.run(move |conn| Ok(files::get(conn, fid)?)).await?;
    if f.interview_id != id {
        return Err(WebError::NotFound);
    }
    Ok(f)
}

async fn download_file(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, id, fid)): Path<(String, i64, i64)>,
) -> WebResult<Response> {
    let kind = kind_of(&kind)?;
    let f = event_file(&state, &staff, kind, id, fid).await?;
    let (f, bytes) = state
        .run(move |conn| {
            let bytes = files::content(conn, &f)?;
            Ok((f, bytes))
        })
        .await?;
    Ok(crate::upload::download(
        &f.file_name,
        &f.content_type,
        &f.sha256,
        "private, no-store",
        bytes,
    ))
}

async fn delete_file(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, id, fid)): Path<(String, i64, i64)>,
    Form(form): Form<ActionForm>,
) -> WebResult<Response> {
    let kind = kind_of(&kind)?;
    staff.check_csrf(&form.csrf)?;
    event_file(&state, &staff, kind, id, fid).await?;
    let actor = staff.actor();
    state
        .run(move |conn| Ok(files::remove(conn, &actor, fid)?))
        .await?;
    Ok(Redirect::to(&format!("{}/{id}", base_url(kind))).into_response())
}
