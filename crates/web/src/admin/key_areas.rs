//! 重点领域 in the back office: major projects (register, edit, file catalogue items under a
//! kind) and service guides (write, edit, take offline, with the completeness check). Editors
//! act for the organisations they hold 信息编辑 over; every write is audited by storage.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::Form;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::major_project::{ProjectInfoKind, ProjectInput};
use gongkai_domain::role::Permission;
use gongkai_domain::service_guide::GuideInput;
use gongkai_storage::service_guide::{self, Guide, GuideQuery};
use gongkai_storage::{major_project, StorageError};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{options, org_options, render, scope_org_ids};
use crate::app::AppState;
use crate::auth::Staff;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/major-projects", get(projects).post(create_project))
        .route("/major-projects/{id}", get(project).post(update_project))
        .route("/major-projects/{id}/link", post(link_item))
        .route("/major-projects/{id}/unlink", post(unlink_item))
        .route("/service-guides", get(guides).post(create_guide))
        .route("/service-guides/new", get(new_guide))
        .route("/service-guides/{id}", get(edit_guide).post(update_guide))
        .route("/service-guides/{id}/delete", post(delete_guide))
        .merge(gazette_routes())
        .merge(media_routes())
}

fn require_editor(staff: &Staff) -> WebResult<()> {
    if staff.has_any(Permission::EditItems) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

fn require_org(staff: &Staff, dir: &Directory, org_id: i64) -> WebResult<()> {
    let org = dir.org(org_id).ok_or(WebError::Forbidden)?;
    staff.require(Permission::EditItems, &org.path)
}

fn parse_id(raw: &str) -> WebResult<i64> {
    raw.parse().map_err(|_| WebError::NotFound)
}

// ------------------------------------------------------------------ major projects

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ProjectForm {
    name: String,
    code: String,
    org_id: String,
    summary: String,
    #[serde(skip_serializing)]
    csrf: String,
}

impl ProjectForm {
    fn input(&self) -> ProjectInput {
        ProjectInput {
            name: self.name.clone(),
            code: self.code.clone(),
            org_id: self.org_id.clone(),
            summary: self.summary.clone(),
        }
    }
}

async fn projects_page(
    state: &AppState,
    staff: &Staff,
    form: &ProjectForm,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    let dir = state.directory().await?;
    let scope = scope_org_ids(staff, &dir, Permission::EditItems);
    let rows = state
        .run(move |conn| Ok(major_project::list(conn, scope.as_deref())?))
        .await?;
    render(
        staff,
        "/admin/major-projects",
        "重大建设项目",
        "admin/major_projects.html",
        json!({
            "projects": rows.iter().map(|p| json!({
                "name": p.name, "code": p.code, "org": dir.org_name(p.org_id),
                "url": format!("/admin/major-projects/{}", p.id),
                "public_url": format!("/major-projects/{}", p.id),
            })).collect::<Vec<_>>(),
            "form_action": "/admin/major-projects",
            "values": form,
            "errors": errors,
            "org_options": org_options(staff, &dir, Permission::EditItems),
        }),
    )
}

async fn projects(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    require_editor(&staff)?;
    let form = ProjectForm {
        org_id: staff.user.org_id.to_string(),
        ..Default::default()
    };
    projects_page(&state, &staff, &form, &FieldErrors::default()).await
}

async fn create_project(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<ProjectForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_editor(&staff)?;
    let v = match form.input().validate() {
        Ok(v) => v,
        Err(e) => return invalid(projects_page(&state, &staff, &form, &e).await),
    };
    let dir = state.directory().await?;
    require_org(&staff, &dir, v.org_id)?;
    let actor = staff.actor();
    match state
        .run(move |conn| Ok(major_project::create(conn, &actor, &v)))
        .await?
    {
        Ok(p) => Ok(Redirect::to(&format!("/admin/major-projects/{}", p.id)).into_response()),
        Err(StorageError::Invalid(e)) => invalid(projects_page(&state, &staff, &form, &e).await),
        Err(e) => Err(e.into()),
    }
}

fn invalid(page: WebResult<Html<String>>) -> WebResult<Response> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page?).into_response())
}

/// The filing form: an item number and a kind.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct LinkForm {
    item_id: String,
    kind: String,
    #[serde(skip_serializing)]
    csrf: String,
}

async fn project_page(
    state: &AppState,
    staff: &Staff,
    id: i64,
    form: &ProjectForm,
    link: &LinkForm,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    let dir = state.directory().await?;
    let (p, kinds) = state
        .run(move |conn| {
            Ok((
                major_project::get(conn, id)?,
                major_project::items_by_kind(conn, id, false)?,
            ))
        })
        .await?;
    require_org(staff, &dir, p.org_id)?;
    let form = if form.name.is_empty() && form.code.is_empty() {
        ProjectForm {
            name: p.name.clone(),
            code: p.code.clone(),
            org_id: p.org_id.to_string(),
            summary: p.summary.clone(),
            csrf: String::new(),
        }
    } else {
        form.clone()
    };
    let mut values = serde_json::to_value(&form).expect("form serialises");
    values["item_id"] = json!(link.item_id);
    values["kind"] = json!(link.kind);
    render(
        staff,
        "/admin/major-projects",
        &p.name,
        "admin/major_project.html",
        json!({
            "project": {"name": p.name, "code": p.code, "public_url": format!("/major-projects/{id}")},
            "form_action": format!("/admin/major-projects/{id}"),
            "link_action": format!("/admin/major-projects/{id}/link"),
            "unlink_action": format!("/admin/major-projects/{id}/unlink"),
            "values": values,
            "errors": errors,
            "org_options": org_options(staff, &dir, Permission::EditItems),
            "kind_options": options(ProjectInfoKind::ALL, |k| k.as_str(), |k| k.label_zh()),
            "sections": kinds.iter().map(|(k, items)| json!({
                "kind": k.label_zh(),
                "code": k.as_str(),
                "items": items.iter().map(|i| json!({
                    "id": i.id, "title": i.title, "url": format!("/admin/items/{}", i.id),
                    "status_label": i.status.parse::<gongkai_domain::workflow::ItemStatus>().map(|s| s.label_zh()).unwrap_or(""),
                    "date": page::published_date(i.published_at),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }),
    )
}

async fn project(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> WebResult<Html<String>> {
    require_editor(&staff)?;
    let id = parse_id(&id)?;
    project_page(
        &state,
        &staff,
        id,
        &ProjectForm::default(),
        &LinkForm::default(),
        &FieldErrors::default(),
    )
    .await
}

/// Checks the project exists and the user edits for its organisation; returns its org id.
async fn check_project(state: &AppState, staff: &Staff, id: i64) -> WebResult<i64> {
    let p = state
        .run(move |conn| Ok(major_project::get(conn, id)?))
        .await?;
    let dir = state.directory().await?;
    require_org(staff, &dir, p.org_id)?;
    Ok(p.org_id)
}

async fn update_project(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<ProjectForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_editor(&staff)?;
    let id = parse_id(&id)?;
    check_project(&state, &staff, id).await?;
    let link = LinkForm::default();
    let v = match form.input().validate() {
        Ok(v) => v,
        Err(e) => return invalid(project_page(&state, &staff, id, &form, &link, &e).await),
    };
    let dir = state.directory().await?;
    // Handing a project to another organisation needs the right over that one too.
    require_org(&staff, &dir, v.org_id)?;
    let actor = staff.actor();
    match state
        .run(move |conn| Ok(major_project::update(conn, &actor, id, &v)))
        .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/admin/major-projects/{id}")).into_response()),
        Err(StorageError::Invalid(e)) => {
            invalid(project_page(&state, &staff, id, &form, &link, &e).await)
        }
        Err(e) => Err(e.into()),
    }
}

async fn link_item(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_editor(&staff)?;
    let id = parse_id(&id)?;
    check_project(&state, &staff, id).await?;
    let mut e = FieldErrors::default();
    let item_id = form.item_id.trim().parse::<i64>().ok().filter(|n| *n > 0);
    if item_id.is_none() {
        e.add("item_id", "请填写信息编号（信息管理列表中的编号）");
    }
    let kind = form.kind.parse::<ProjectInfoKind>().ok();
    if kind.is_none() {
        e.add("kind", "请选择信息类别");
    }
    let (Some(item_id), Some(kind)) = (item_id, kind) else {
        return invalid(project_page(&state, &staff, id, &ProjectForm::default(), &form, &e).await);
    };
    let actor = staff.actor();
    match state
        .run(move |conn| Ok(major_project::link(conn, &actor, id, item_id, kind)))
        .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/admin/major-projects/{id}")).into_response()),
        Err(StorageError::Invalid(e)) => {
            invalid(project_page(&state, &staff, id, &ProjectForm::default(), &form, &e).await)
        }
        Err(e) => Err(e.into()),
    }
}

async fn unlink_item(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_editor(&staff)?;
    let id = parse_id(&id)?;
    check_project(&state, &staff, id).await?;
    let item_id: i64 = form
        .item_id
        .parse()
        .map_err(|_| WebError::BadRequest("item_id 无效".into()))?;
    let kind: ProjectInfoKind = form
        .kind
        .parse()
        .map_err(|_| WebError::BadRequest("kind 无效".into()))?;
    let actor = staff.actor();
    state
        .run(move |conn| Ok(major_project::unlink(conn, &actor, id, item_id, kind)?))
        .await?;
    Ok(Redirect::to(&format!("/admin/major-projects/{id}")).into_response())
}

// ------------------------------------------------------------------ service guides

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct GuideForm {
    name: String,
    org_id: String,
    theme: String,
    basis: String,
    conditions: String,
    materials: String,
    procedure: String,
    time_limit: String,
    fee: String,
    place_hours: String,
    phone: String,
    online_url: String,
    #[serde(skip_serializing)]
    csrf: String,
}

impl GuideForm {
    fn input(&self) -> GuideInput {
        GuideInput {
            name: self.name.clone(),
            org_id: self.org_id.clone(),
            theme: self.theme.clone(),
            basis: self.basis.clone(),
            conditions: self.conditions.clone(),
            materials: self.materials.clone(),
            procedure: self.procedure.clone(),
            time_limit: self.time_limit.clone(),
            fee: self.fee.clone(),
            place_hours: self.place_hours.clone(),
            phone: self.phone.clone(),
            online_url: self.online_url.clone(),
        }
    }
}

fn guide_form(g: &Guide) -> GuideForm {
    GuideForm {
        name: g.name.clone(),
        theme: g.theme.clone(),
        basis: g.basis.clone(),
        conditions: g.conditions.clone(),
        materials: g.materials.clone(),
        procedure: g.procedure.clone(),
        time_limit: g.time_limit.clone(),
        fee: g.fee.clone(),
        place_hours: g.place_hours.clone(),
        phone: g.phone.clone(),
        online_url: g.online_url.clone(),
        org_id: g.org_id.to_string(),
        csrf: String::new(),
    }
}

async fn guides(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    require_editor(&staff)?;
    let dir = state.directory().await?;
    let scope = scope_org_ids(&staff, &dir, Permission::EditItems);
    let rows = state
        .run(move |conn| {
            Ok(service_guide::list(
                conn,
                &GuideQuery {
                    org_ids: scope,
                    page: 1,
                    per_page: 100,
                    ..Default::default()
                },
            )?)
        })
        .await?;
    let incomplete = rows.rows.iter().filter(|g| !g.missing().is_empty()).count();
    render(
        &staff,
        "/admin/service-guides",
        "办事指南",
        "admin/service_guides.html",
        json!({
            "new_url": "/admin/service-guides/new",
            "total": rows.total,
            "incomplete": incomplete,
            "guides": rows.rows.iter().map(|g| json!({
                "name": g.name,
                "org": dir.org_name(g.org_id),
                "url": format!("/admin/service-guides/{}", g.id),
                "public_url": format!("/service-guides/{}", g.id),
                "missing": g.missing(),
                "updated": page::datetime(g.updated_at),
            })).collect::<Vec<_>>(),
        }),
    )
}

fn guide_editor(
    staff: &Staff,
    dir: &Directory,
    id: Option<i64>,
    form: &GuideForm,
    errors: &FieldErrors,
    missing: Vec<&'static str>,
) -> WebResult<Html<String>> {
    let (action, title) = match id {
        Some(id) => (format!("/admin/service-guides/{id}"), "编辑办事指南"),
        None => ("/admin/service-guides".to_string(), "新建办事指南"),
    };
    render(
        staff,
        "/admin/service-guides",
        title,
        "admin/service_guide_form.html",
        json!({
            "form_action": action,
            "delete_action": id.map(|id| format!("/admin/service-guides/{id}/delete")),
            "public_url": id.map(|id| format!("/service-guides/{id}")),
            "values": form,
            "errors": errors,
            "missing": missing,
            "org_options": org_options(staff, dir, Permission::EditItems),
        }),
    )
}

async fn new_guide(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    require_editor(&staff)?;
    let dir = state.directory().await?;
    let form = GuideForm {
        org_id: staff.user.org_id.to_string(),
        ..Default::default()
    };
    guide_editor(&staff, &dir, None, &form, &FieldErrors::default(), vec![])
}

async fn edit_guide(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> WebResult<Html<String>> {
    require_editor(&staff)?;
    let id = parse_id(&id)?;
    let g = state
        .run(move |conn| Ok(service_guide::get(conn, id)?))
        .await?;
    let dir = state.directory().await?;
    require_org(&staff, &dir, g.org_id)?;
    guide_editor(
        &staff,
        &dir,
        Some(id),
        &guide_form(&g),
        &FieldErrors::default(),
        g.missing(),
    )
}

async fn save_guide(
    state: AppState,
    staff: Staff,
    id: Option<i64>,
    form: GuideForm,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_editor(&staff)?;
    let dir = state.directory().await?;
    if let Some(id) = id {
        let g = state
            .run(move |conn| Ok(service_guide::get(conn, id)?))
            .await?;
        require_org(&staff, &dir, g.org_id)?;
    }
    let v = match form.input().validate() {
        Ok(v) => v,
        Err(e) => {
            return invalid(guide_editor(&staff, &dir, id, &form, &e, vec![]));
        }
    };
    require_org(&staff, &dir, v.org_id)?;
    let actor = staff.actor();
    let g = state
        .run(move |conn| Ok(service_guide::save(conn, &actor, id, &v)?))
        .await?;
    Ok(Redirect::to(&format!("/admin/service-guides/{}", g.id)).into_response())
}

async fn create_guide(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<GuideForm>,
) -> WebResult<Response> {
    save_guide(state, staff, None, form).await
}

async fn update_guide(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<GuideForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    save_guide(state, staff, Some(id), form).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

async fn delete_guide(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_editor(&staff)?;
    let id = parse_id(&id)?;
    let g = state
        .run(move |conn| Ok(service_guide::get(conn, id)?))
        .await?;
    let dir = state.directory().await?;
    require_org(&staff, &dir, g.org_id)?;
    let actor = staff.actor();
    state
        .run(move |conn| Ok(service_guide::remove(conn, &actor, id)?))
        .await?;
    Ok(Redirect::to("/admin/service-guides").into_response())
}

// ------------------------------------------------------------------ 政府公报

pub fn gazette_routes() -> Router<AppState> {
    Router::new()
        .route("/gazette", get(gazette_list).post(create_issue))
        .route("/gazette/{id}", get(issue))
        .route("/gazette/{id}/add", post(add_entry))
        .route("/gazette/{id}/remove", post(remove_entry))
        .route("/gazette/{id}/move", post(move_entry))
        .route("/gazette/{id}/publish", post(publish_issue))
}

/// The gazette is the city government's: composing it needs 信息编辑 and publishing it 信息审核
/// over the portal's organisation.
fn require_gazette(staff: &Staff, dir: &Directory, p: Permission) -> WebResult<()> {
    let org = dir
        .portal()
        .and_then(|s| dir.org(s.org_id))
        .ok_or(WebError::Forbidden)?;
    staff.require(p, &org.path)
}

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct IssueForm {
    year: String,
    number: String,
    issued_on: String,
    #[serde(skip_serializing)]
    csrf: String,
}

async fn gazette_page(
    state: &AppState,
    staff: &Staff,
    form: &IssueForm,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    let rows = state
        .run(|conn| Ok(gongkai_storage::gazette::list(conn, None, false)?))
        .await?;
    render(
        staff,
        "/admin/gazette",
        "政府公报",
        "admin/gazette.html",
        json!({
            "issues": rows.iter().map(|i| json!({
                "label": i.label(),
                "url": format!("/admin/gazette/{}", i.id),
                "issued_on": page::date(Some(i.issued_on)),
                "status_label": if i.is_published() { "已发布" } else { "编辑中" },
                "public_url": i.is_published().then(|| crate::gazette::issue_url(i)),
            })).collect::<Vec<_>>(),
            "form_action": "/admin/gazette",
            "values": form,
            "errors": errors,
        }),
    )
}

async fn gazette_list(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    let dir = state.directory().await?;
    require_gazette(&staff, &dir, Permission::EditItems)?;
    let today = chrono::Utc::now().date_naive();
    let form = IssueForm {
        year: chrono::Datelike::year(&today).to_string(),
        issued_on: today.to_string(),
        ..Default::default()
    };
    gazette_page(&state, &staff, &form, &FieldErrors::default()).await
}

async fn create_issue(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<IssueForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let dir = state.directory().await?;
    require_gazette(&staff, &dir, Permission::EditItems)?;
    let input = gongkai_domain::gazette::IssueInput {
        year: form.year.clone(),
        number: form.number.clone(),
        issued_on: form.issued_on.clone(),
    };
    let v = match input.validate() {
        Ok(v) => v,
        Err(e) => return invalid(gazette_page(&state, &staff, &form, &e).await),
    };
    let actor = staff.actor();
    match state
        .run(move |conn| Ok(gongkai_storage::gazette::create(conn, &actor, &v)))
        .await?
    {
        Ok(i) => Ok(Redirect::to(&format!("/admin/gazette/{}", i.id)).into_response()),
        Err(StorageError::Invalid(e)) => invalid(gazette_page(&state, &staff, &form, &e).await),
        Err(e) => Err(e.into()),
    }
}

async fn issue_page(
    state: &AppState,
    staff: &Staff,
    id: i64,
    item_id: &str,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    let dir = state.directory().await?;
    require_gazette(staff, &dir, Permission::EditItems)?;
    let (i, rows) = state
        .run(move |conn| {
            Ok((
                gongkai_storage::gazette::get(conn, id)?,
                gongkai_storage::gazette::entries(conn, id)?,
            ))
        })
        .await?;
    let base = format!("/admin/gazette/{id}");
    render(
        staff,
        "/admin/gazette",
        &format!("政府公报 {}", i.label()),
        "admin/gazette_issue.html",
        json!({
            "issue": {
                "label": i.label(),
                "issued_on": page::date(Some(i.issued_on)),
                "published": i.is_published(),
                "public_url": crate::gazette::issue_url(&i),
            },
            "entries": rows.iter().enumerate().map(|(n, it)| json!({
                "n": n + 1,
                "id": it.id,
                "title": it.title,
                "url": format!("/admin/items/{}", it.id),
                "status_label": it.status.parse::<gongkai_domain::workflow::ItemStatus>().map(|s| s.label_zh()).unwrap_or(""),
                "unpublished": it.status != gongkai_domain::workflow::ItemStatus::Published.as_str(),
            })).collect::<Vec<_>>(),
            "add_action": format!("{base}/add"),
            "remove_action": format!("{base}/remove"),
            "move_action": format!("{base}/move"),
            "publish_action": format!("{base}/publish"),
            "values": {"item_id": item_id},
            "errors": errors,
        }),
    )
}

async fn issue(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> WebResult<Html<String>> {
    let id = parse_id(&id)?;
    issue_page(&state, &staff, id, "", &FieldErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EntryForm {
    item_id: String,
    direction: String,
    csrf: String,
}

/// Runs one change of an issue's contents; a refused change shows the page again with why.
async fn change_issue(
    state: AppState,
    staff: Staff,
    id: String,
    form: EntryForm,
    permission: Permission,
    change: impl FnOnce(
            &mut gongkai_storage::AnyConnection,
            &gongkai_storage::Actor,
            i64,
            i64,
        ) -> gongkai_storage::Result<()>
        + Send
        + 'static,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let id = parse_id(&id)?;
    let dir = state.directory().await?;
    require_gazette(&staff, &dir, permission)?;
    let item_id = form.item_id.trim().parse::<i64>().unwrap_or(0);
    let actor = staff.actor();
    match state
        .run(move |conn| Ok(change(conn, &actor, id, item_id)))
        .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/admin/gazette/{id}")).into_response()),
        Err(StorageError::Invalid(mut e)) => {
            // The publication rule is about the whole issue, not a field: summary only.
            if let Some(m) = e.0.remove("contents") {
                e.add("_form", m);
            }
            invalid(issue_page(&state, &staff, id, &form.item_id, &e).await)
        }
        Err(StorageError::Conflict(m)) => {
            let mut e = FieldErrors::default();
            e.add("_form", m);
            Ok((
                StatusCode::CONFLICT,
                issue_page(&state, &staff, id, &form.item_id, &e).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn add_entry(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> WebResult<Response> {
    change_issue(
        state,
        staff,
        id,
        form,
        Permission::EditItems,
        |c, a, id, item| {
            if item <= 0 {
                let mut e = FieldErrors::default();
                e.add("item_id", "请填写信息编号（信息管理列表中的编号）");
                return Err(StorageError::Invalid(e));
            }
            gongkai_storage::gazette::add_entry(c, a, id, item)
        },
    )
    .await
}

async fn remove_entry(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> WebResult<Response> {
    change_issue(
        state,
        staff,
        id,
        form,
        Permission::EditItems,
        gongkai_storage::gazette::remove_entry,
    )
    .await
}

async fn move_entry(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> WebResult<Response> {
    let up = match form.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(WebError::BadRequest("direction 须为 up 或 down".into())),
    };
    change_issue(
        state,
        staff,
        id,
        form,
        Permission::EditItems,
        move |c, a, id, item| gongkai_storage::gazette::move_entry(c, a, id, item, up),
    )
    .await
}

async fn publish_issue(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> WebResult<Response> {
    change_issue(
        state,
        staff,
        id,
        form,
        Permission::ReviewItems,
        |c, a, id, _| gongkai_storage::gazette::publish(c, a, id).map(|_| ()),
    )
    .await
}

// ------------------------------------------------------------------ 两微一端

pub fn media_routes() -> Router<AppState> {
    Router::new()
        .route("/media-accounts", get(media_accounts).post(create_account))
        .route("/media-accounts/{id}/updated", post(account_updated))
        .route("/media-accounts/settings", post(save_stale_days))
}

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct AccountForm {
    org_id: String,
    platform: String,
    name: String,
    url: String,
    last_updated_on: String,
    stale_days: String,
    #[serde(skip_serializing)]
    csrf: String,
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

async fn media_page(
    state: &AppState,
    staff: &Staff,
    form: &AccountForm,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    use gongkai_domain::media_account::{is_stale, Platform};
    let dir = state.directory().await?;
    let scope = scope_org_ids(staff, &dir, Permission::EditItems);
    let (rows, days) = state
        .run(move |conn| {
            Ok((
                gongkai_storage::media_account::list(conn, scope.as_deref())?,
                gongkai_storage::media_account::stale_days(conn)?,
            ))
        })
        .await?;
    let today = today();
    let stale = rows
        .iter()
        .filter(|a| is_stale(a.last_updated_on, today, days))
        .count();
    let mut values = serde_json::to_value(form).expect("form serialises");
    if form.stale_days.is_empty() {
        values["stale_days"] = json!(days.to_string());
    }
    render(
        staff,
        "/admin/media-accounts",
        "政务新媒体",
        "admin/media_accounts.html",
        json!({
            "stale_days": days,
            "stale_count": stale,
            "accounts": rows.iter().map(|a| json!({
                "org": dir.org_name(a.org_id),
                "platform": a.platform.parse::<Platform>().map(|p| p.label_zh()).unwrap_or(""),
                "name": a.name,
                "url": if a.url.is_empty() { None } else { Some(&a.url) },
                "last_updated_on": a.last_updated_on.to_string(),
                "stale": is_stale(a.last_updated_on, today, days),
                "update_action": format!("/admin/media-accounts/{}/updated", a.id),
            })).collect::<Vec<_>>(),
            "form_action": "/admin/media-accounts",
            "settings_action": staff.has_any(Permission::ManageSites).then_some("/admin/media-accounts/settings"),
            "platform_options": options(Platform::ALL, |p| p.as_str(), |p| p.label_zh()),
            "org_options": org_options(staff, &dir, Permission::EditItems),
            "today": today.to_string(),
            "values": values,
            "errors": errors,
        }),
    )
}

async fn media_accounts(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    require_editor(&staff)?;
    let form = AccountForm {
        org_id: staff.user.org_id.to_string(),
        last_updated_on: today().to_string(),
        ..Default::default()
    };
    media_page(&state, &staff, &form, &FieldErrors::default()).await
}

async fn create_account(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<AccountForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_editor(&staff)?;
    let input = gongkai_domain::media_account::AccountInput {
        org_id: form.org_id.clone(),
        platform: form.platform.clone(),
        name: form.name.clone(),
        url: form.url.clone(),
        last_updated_on: form.last_updated_on.clone(),
    };
    let v = match input.validate(today()) {
        Ok(v) => v,
        Err(e) => return invalid(media_page(&state, &staff, &form, &e).await),
    };
    let dir = state.directory().await?;
    require_org(&staff, &dir, v.org_id)?;
    let actor = staff.actor();
    match state
        .run(move |conn| Ok(gongkai_storage::media_account::save(conn, &actor, None, &v)))
        .await?
    {
        Ok(_) => Ok(Redirect::to("/admin/media-accounts").into_response()),
        Err(StorageError::Invalid(e)) => invalid(media_page(&state, &staff, &form, &e).await),
        Err(e) => Err(e.into()),
    }
}

/// Records the date an account was last updated (what the stale flag is computed from).
async fn account_updated(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<AccountForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_editor(&staff)?;
    let id = parse_id(&id)?;
    let a = state
        .run(move |conn| Ok(gongkai_storage::media_account::get(conn, id)?))
        .await?;
    let dir = state.directory().await?;
    require_org(&staff, &dir, a.org_id)?;
    let input = gongkai_domain::media_account::AccountInput {
        org_id: a.org_id.to_string(),
        platform: a.platform.clone(),
        name: a.name.clone(),
        url: a.url.clone(),
        last_updated_on: form.last_updated_on.clone(),
    };
    let v = match input.validate(today()) {
        Ok(v) => v,
        Err(e) => return invalid(media_page(&state, &staff, &AccountForm::default(), &e).await),
    };
    let actor = staff.actor();
    state
        .run(move |conn| {
            Ok(gongkai_storage::media_account::save(
                conn,
                &actor,
                Some(id),
                &v,
            )?)
        })
        .await?;
    Ok(Redirect::to("/admin/media-accounts").into_response())
}

async fn save_stale_days(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<AccountForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    if !staff.has_any(Permission::ManageSites) {
        return Err(WebError::Forbidden);
    }
    let days = match gongkai_domain::media_account::parse_stale_days(&form.stale_days) {
        Ok(d) => d,
        Err(m) => {
            let mut e = FieldErrors::default();
            e.add("stale_days", m);
            return invalid(media_page(&state, &staff, &form, &e).await);
        }
    };
    let actor = staff.actor();
    state
        .run(move |conn| {
            Ok(gongkai_storage::settings::set(
                conn,
                &actor,
                gongkai_storage::media_account::STALE_DAYS,
                &days.to_string(),
            )?)
        })
        .await?;
    Ok(Redirect::to("/admin/media-accounts").into_response())
}
