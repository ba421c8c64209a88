//! 公开征求意见 in the back office: create, edit, publish or withdraw a consultation, decide on each
//! comment (采纳 / 部分采纳 / 未采纳 with a reason), and publish the feedback report. Staff need 编辑
//! rights (EditItems) on the organisation.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::Form;
use gongkai_domain::consultation::Adoption;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::role::Permission;
use gongkai_storage::consultation::{self, Consultation, ConsultationInput};
use gongkai_storage::survey::{china_now, PUBLISHED, WITHDRAWN};
use gongkai_storage::StorageError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{org_options, render, scope_org_ids};
use crate::app::AppState;
use crate::auth::Staff;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/consultations", get(list).post(create))
        .route("/consultations/new", get(new_form))
        .route("/consultations/{id}", get(view).post(update))
        .route("/consultations/{id}/edit", get(edit_form))
        .route("/consultations/{id}/publish", post(publish))
        .route("/consultations/{id}/report", post(report))
        .route("/consultations/{id}/comments/{cid}", post(decide))
}

const P: Permission = Permission::EditItems;
const BASE: &str = "/admin/consultations";

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
    id: i64,
) -> WebResult<(Consultation, Arc<Directory>)> {
    let c = state
        .run(move |conn| Ok(consultation::get(conn, id)?))
        .await?;
    let dir = state.directory().await?;
    let path = dir
        .org(c.org_id)
        .map(|o| o.path.clone())
        .ok_or(WebError::NotFound)?;
    staff.require(P, &path)?;
    Ok((c, dir))
}

async fn list(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    if !staff.has_any(P) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let scope = scope_org_ids(&staff, &dir, P);
    let rows = state
        .run(move |conn| Ok(consultation::for_orgs(conn, scope.as_deref())?))
        .await?;
    let now = china_now();
    render(
        &staff,
        BASE,
        "公开征求意见",
        "admin/consultations.html",
        json!({
            "new_url": format!("{BASE}/new"),
            "consultations": rows.iter().map(|c| json!({
                "title": c.title, "url": format!("{BASE}/{}", c.id), "org": dir.org_name(c.org_id),
                "opens_at": time(c.opens_at), "closes_at": time(c.closes_at),
                "status": status_label(&c.status), "phase": c.phase(now).label_zh(),
            })).collect::<Vec<_>>(),
        }),
    )
}

fn form_page(
    staff: &Staff,
    dir: &Directory,
    title: &str,
    action: &str,
    values: &ConsultationInput,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    render(
        staff,
        BASE,
        title,
        "admin/consultation_form.html",
        json!({
            "org_options": org_options(staff, dir, P),
            "values": values,
            "errors": errors,
            "form_action": action,
            "cancel_url": BASE,
        }),
    )
}

async fn new_form(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    if !staff.has_any(P) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let now = china_now();
    let values = ConsultationInput {
        org_id: staff.user.org_id.to_string(),
        opens_at: now.format("%Y-%m-%dT%H:00").to_string(),
        // 重大行政决策 drafts are open for at least 30 days.
        closes_at: (now + chrono::Duration::days(30))
            .format("%Y-%m-%dT18:00")
            .to_string(),
        ..Default::default()
    };
    form_page(
        &staff,
        &dir,
        "新建征求意见",
        BASE,
        &values,
        &FieldErrors::default(),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConsultationForm {
    #[serde(flatten)]
    input: ConsultationInput,
    csrf: String,
}

fn checked(
    staff: &Staff,
    dir: &Directory,
    input: &ConsultationInput,
) -> Result<consultation::NewConsultation, FieldErrors> {
    let new = input.validate()?;
    match dir.org(new.org_id) {
        Some(o) if staff.can(P, &o.path) => Ok(new),
        _ => {
            let mut e = FieldErrors::default();
            e.add("org_id", "您无权以该单位名义征求意见");
            Err(e)
        }
    }
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<ConsultationForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let dir = state.directory().await?;
    let rejected = |e: &FieldErrors| -> WebResult<Response> {
        let html = form_page(&staff, &dir, "新建征求意见", BASE, &form.input, e)?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    let new = match checked(&staff, &dir, &form.input) {
        Ok(n) => n,
        Err(e) => return rejected(&e),
    };
    let actor = staff.actor();
    let saved = state
        .run(move |conn| Ok(consultation::create(conn, &actor, &new)))
        .await?;
    match saved {
        Ok(c) => Ok(Redirect::to(&format!("{BASE}/{}", c.id)).into_response()),
        Err(StorageError::Invalid(e)) => rejected(&e),
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let (c, dir) = load(&state, &staff, id).await?;
    form_page(
        &staff,
        &dir,
        "修改征求意见",
        &format!("{BASE}/{id}"),
        &ConsultationInput::of(&c),
        &FieldErrors::default(),
    )
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ConsultationForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let (_, dir) = load(&state, &staff, id).await?;
    let url = format!("{BASE}/{id}");
    let rejected = |e: &FieldErrors| -> WebResult<Response> {
        let html = form_page(&staff, &dir, "修改征求意见", &url, &form.input, e)?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    let new = match checked(&staff, &dir, &form.input) {
        Ok(n) => n,
        Err(e) => return rejected(&e),
    };
    let actor = staff.actor();
    let saved = state
        .run(move |conn| Ok(consultation::update(conn, &actor, id, &new)))
        .await?;
    match saved {
        Ok(_) => Ok(Redirect::to(&url).into_response()),
        Err(StorageError::Invalid(e)) => rejected(&e),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ReportForm {
    report: String,
    #[serde(skip_serializing)]
    csrf: String,
}

async fn view_page(
    state: &AppState,
    staff: &Staff,
    id: i64,
    report_values: Value,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    let (c, dir) = load(state, staff, id).await?;
    let comments = state
        .run(move |conn| Ok(consultation::comments(conn, id)?))
        .await?;
    let sections = c.sections();
    let url = format!("{BASE}/{id}");
    render(
        staff,
        BASE,
        &c.title,
        "admin/consultation_view.html",
        json!({
            "consultation": {
                "title": c.title, "org": dir.org_name(c.org_id), "status": status_label(&c.status),
                "published": c.is_published(), "phase": c.phase(china_now()).label_zh(),
                "opens_at": time(c.opens_at), "closes_at": time(c.closes_at),
                "sections": sections.len(),
                "public_url": if c.is_published() { json!(format!("/consultations/{id}")) } else { Value::Null },
                "report_published": c.report_published_at.is_some(),
            },
            "edit_url": format!("{url}/edit"),
            "publish_url": format!("{url}/publish"),
            "report_url": format!("{url}/report"),
            "adoption_options": crate::consultation::adoption_options(),
            "comments": comments.iter().map(|m| json!({
                "id": m.id,
                "section": sections.get(m.section as usize).map(|s| s.heading.clone()).unwrap_or_default(),
                "nickname": m.nickname, "body": m.body,
                "has_contact": m.contact_enc.is_some(),
                "values": {"adoption": m.adoption, "reason": m.reason},
                "adoption": m.adoption().label_zh(),
                "action_url": format!("{url}/comments/{}", m.id),
            })).collect::<Vec<_>>(),
            "values": report_values,
            "errors": errors,
        }),
    )
}

async fn view(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let c = state
        .run(move |conn| Ok(consultation::get(conn, id)?))
        .await?;
    view_page(
        &state,
        &staff,
        id,
        json!({"report": c.report}),
        &FieldErrors::default(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    action: String,
    adoption: String,
    reason: String,
    csrf: String,
}

async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    load(&state, &staff, id).await?;
    let publish = match form.action.as_str() {
        "publish" => true,
        "withdraw" => false,
        _ => return Err(WebError::BadRequest("未知操作".into())),
    };
    let actor = staff.actor();
    state
        .run(move |conn| Ok(consultation::set_published(conn, &actor, id, publish)?))
        .await?;
    Ok(Redirect::to(&format!("{BASE}/{id}")).into_response())
}

async fn decide(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, cid)): Path<(i64, i64)>,
    Form(form): Form<ActionForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    load(&state, &staff, id).await?;
    let adoption: Adoption = form
        .adoption
        .parse()
        .map_err(|_| WebError::BadRequest("未知的采纳情况".into()))?;
    let actor = staff.actor();
    let done = state
        .run(move |conn| {
            if !consultation::comments(conn, id)?
                .iter()
                .any(|m| m.id == cid)
            {
                return Err(WebError::NotFound);
            }
            Ok(consultation::decide(
                conn,
                &actor,
                cid,
                adoption,
                &form.reason,
            ))
        })
        .await?;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("{BASE}/{id}#c{cid}")).into_response()),
        Err(StorageError::Invalid(e)) => Err(WebError::Invalid(e)),
        Err(e) => Err(e.into()),
    }
}

async fn report(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ReportForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    load(&state, &staff, id).await?;
    let actor = staff.actor();
    let text = form.report.clone();
    let done = state
        .run(move |conn| Ok(consultation::publish_report(conn, &actor, id, &text)))
        .await?;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("{BASE}/{id}")).into_response()),
        Err(StorageError::Invalid(e)) => {
            let html = view_page(&state, &staff, id, json!(form), &e).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
