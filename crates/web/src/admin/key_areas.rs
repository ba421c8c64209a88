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
        .route(
            "/major-projects",
            get(projects).post(create_project),
        )
        .route(
            "/major-projects/{id}",
            get(project).post(update_project),
        )
        .route("/major-projects/{id}/link", post(link_item))
        .route("/major-projects/{id}/unlink", post(unlink_item))
        .route("/service-guides", get(guides).post(create_guide))
        .route("/service-guides/new", get(new_guide))
        .route("/service-guides/{id}", get(edit_guide).post(update_guide))
        .route("/service-guides/{id}/delete", post(delete_guide))
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
        Err(StorageError::Invalid(e)) => invalid(
            project_page(&state, &staff, id, &ProjectForm::default(), &form, &e).await,
        ),
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
    let mut form = GuideForm::default();
    form.org_id = staff.user.org_id.to_string();
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
