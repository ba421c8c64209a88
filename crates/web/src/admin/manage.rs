//! Platform management: users, sites and columns, organisations, and the audit log.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use gongkai_domain::health::{ColumnClass, UpdateCategory};
use gongkai_domain::item::FieldErrors;
use gongkai_domain::org::{OrgCode, OrgKind, OrgLevel};
use gongkai_domain::role::{Permission, Role};
use gongkai_domain::site::{ColumnKind, Module, SiteSlug};
use gongkai_storage::audit::{self, AuditQuery};
use gongkai_storage::{org, site, user, StorageError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{options, org_options, render, scope_org_ids};
use crate::app::AppState;
use crate::auth::Staff;
use crate::error::{WebError, WebResult};
use crate::page::{self, pagination};

#[derive(Deserialize, Default, Serialize)]
#[serde(default)]
pub struct AuditParams {
    actor: String,
    action: String,
    entity: String,
    from: String,
    to: String,
    page: String,
}

pub async fn audit(
    State(state): State<AppState>,
    staff: Staff,
    Query(p): Query<AuditParams>,
) -> WebResult<Html<String>> {
    if !staff.has_any(Permission::ViewAudit) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let date = |name: &str, s: &str| -> WebResult<Option<chrono::NaiveDateTime>> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map(|d| Some(d.and_hms_opt(0, 0, 0).expect("midnight") - chrono::Duration::hours(8)))
            .map_err(|_| WebError::BadRequest(format!("日期 {name}=“{s}”无效，格式为 YYYY-MM-DD")))
    };
    let page_no = crate::portal::parse_page(
        Some(&p.page).filter(|s| !s.is_empty()).map(String::as_str),
        100_000,
    )?;
    let (entity, entity_id) = match p.entity.split_once(':') {
        Some((e, id)) => (Some(e.to_string()), Some(id.to_string())),
        None => (Some(p.entity.clone()).filter(|e| !e.is_empty()), None),
    };
    let q = AuditQuery {
        actor: Some(p.actor.clone()).filter(|s| !s.is_empty()),
        action: Some(p.action.clone()).filter(|s| !s.is_empty()),
        entity,
        entity_id,
        from: date("from", &p.from)?,
        to: date("to", &p.to)?.map(|t| t + chrono::Duration::days(1)),
        org_ids: scope_org_ids(&staff, &dir, Permission::ViewAudit),
        page: page_no,
        per_page: 50,
    };
    let result = state.run(move |conn| Ok(audit::list(conn, &q)?)).await?;
    let pretty = |s: &Option<String>| {
        s.as_ref().map(|s| {
            serde_json::from_str::<Value>(s)
                .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
                .unwrap_or_else(|_| s.clone())
        })
    };
    let base_qs = format!(
        "/admin/audit?actor={}&action={}&entity={}&from={}&to={}",
        urlencoding::encode(&p.actor),
        urlencoding::encode(&p.action),
        urlencoding::encode(&p.entity),
        urlencoding::encode(&p.from),
        urlencoding::encode(&p.to)
    );
    render(
        &staff,
        "/admin/audit",
        "审计日志",
        "admin/audit.html",
        json!({
            "filters": {"actor": p.actor, "action": p.action, "entity": p.entity, "from": p.from, "to": p.to},
            "entries": result.rows.iter().map(|e| json!({
                "at": page::datetime(e.at), "actor": e.actor, "action": e.action, "entity": format!("{}:{}", e.entity, e.entity_id),
                "summary": e.summary, "before": pretty(&e.before_state), "after": pretty(&e.after_state),
            })).collect::<Vec<_>>(),
            "pagination": pagination(page_no, 50, result.total, |n| format!("{base_qs}&page={n}")),
        }),
    )
}

fn role_options(staff: &Staff) -> Vec<Value> {
    Role::ALL
        .iter()
        .filter(|r| **r != Role::PlatformAdmin || staff.is_platform_admin())
        .map(|r| json!({"value": r.as_str(), "label": r.label_zh()}))
        .collect()
}

pub async fn users(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    if !staff.has_any(Permission::ManageUsers) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let scope = scope_org_ids(&staff, &dir, Permission::ManageUsers);
    let rows = state
        .run(move |conn| {
            let mut out = vec![];
            for u in user::all(conn)?
                .into_iter()
                .filter(|u| scope.as_ref().is_none_or(|s| s.contains(&u.org_id)))
            {
                let g = user::grants_of(conn, u.id)?;
                out.push((u, g));
            }
            Ok(out)
        })
        .await?;
    let now = gongkai_storage::now();
    render(
        &staff,
        "/admin/users",
        "用户",
        "admin/users.html",
        json!({
            "users": rows.iter().map(|(u, g)| json!({
                "username": u.username, "display_name": u.display_name, "org": dir.org_name(u.org_id),
                "roles": g.iter().map(|g| format!("{}（{}）", g.role.parse::<Role>().map(|r| r.label_zh()).unwrap_or(""), g.org_name)).collect::<Vec<_>>(),
                "locked": u.is_locked(now) || u.disabled, "url": format!("/admin/users/{}", u.id),
            })).collect::<Vec<_>>(),
            "new_url": "/admin/users/new",
        }),
    )
}

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct UserForm {
    username: String,
    display_name: String,
    org_id: String,
    role: String,
    #[serde(skip_serializing)]
    password: String,
    #[serde(skip_serializing)]
    csrf: String,
}

fn user_page(
    staff: &Staff,
    dir: &crate::directory::Directory,
    form: &UserForm,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    render(
        staff,
        "/admin/users",
        "新建用户",
        "admin/user_form.html",
        json!({
            "form_action": "/admin/users",
            "errors": errors,
            "values": form,
            "org_options": org_options(staff, dir, Permission::ManageUsers),
            "role_options": role_options(staff),
        }),
    )
}

pub async fn new_user(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    if !staff.has_any(Permission::ManageUsers) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    user_page(&staff, &dir, &UserForm::default(), &FieldErrors::default())
}

pub async fn create_user(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<UserForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    if !staff.has_any(Permission::ManageUsers) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let mut errors = FieldErrors::default();
    let org = form
        .org_id
        .parse::<i64>()
        .ok()
        .and_then(|id| dir.org(id))
        .cloned();
    let role = form.role.parse::<Role>().ok();
    match &org {
        Some(o) => staff.require(Permission::ManageUsers, &o.path)?,
        None => errors.add("org_id", "请选择所属单位"),
    }
    match role {
        Some(Role::PlatformAdmin) if !staff.is_platform_admin() => return Err(WebError::Forbidden),
        Some(_) => {}
        None => errors.add("role", "请选择角色"),
    }
    let (Some(org), Some(role), true) = (org, role, errors.is_empty()) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            user_page(&staff, &dir, &form, &errors)?,
        )
            .into_response());
    };
    let actor = staff.actor();
    let (username, display, password) = (
        form.username.clone(),
        form.display_name.clone(),
        form.password.clone(),
    );
    let r = state
        .run(move |conn| {
            Ok(user::create(
                conn,
                &actor,
                &user::NewUser {
                    username: &username,
                    display_name: &display,
                    password: &password,
                    org_id: org.id,
                    roles: &[(role, org.id)],
                },
            ))
        })
        .await?;
    match r {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(StorageError::Invalid(e)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            user_page(&staff, &dir, &form, &e)?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct SiteForm {
    title: String,
    slug: String,
    org_id: String,
    #[serde(skip_serializing)]
    csrf: String,
}

fn sites_page(
    staff: &Staff,
    dir: &crate::directory::Directory,
    form: &SiteForm,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    let visible: Vec<Value> = dir
        .sites
        .iter()
        .filter(|s| dir.org(s.org_id).is_some_and(|o| staff.can(Permission::ManageSites, &o.path)))
        .map(|s| json!({"title": s.title, "slug": s.slug, "org": dir.org_name(s.org_id), "url": dir.site_url(s), "columns_url": format!("/admin/sites/{}/columns", s.id)}))
        .collect();
    render(
        staff,
        "/admin/sites",
        "网站与栏目",
        "admin/sites.html",
        json!({
            "sites": visible,
            "form_action": "/admin/sites",
            "errors": errors,
            "values": form,
            "org_options": org_options(staff, dir, Permission::ManageSites),
        }),
    )
}

pub async fn sites(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    if !staff.has_any(Permission::ManageSites) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    sites_page(&staff, &dir, &SiteForm::default(), &FieldErrors::default())
}

pub async fn create_site(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<SiteForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    if !staff.has_any(Permission::ManageSites) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let mut errors = FieldErrors::default();
    let org = form
        .org_id
        .parse::<i64>()
        .ok()
        .and_then(|id| dir.org(id))
        .cloned();
    match &org {
        Some(o) => staff.require(Permission::ManageSites, &o.path)?,
        None => errors.add("org_id", "请选择所属单位"),
    }
    let slug = SiteSlug::parse(form.slug.trim())
        .map_err(|e| errors.add("slug", e.to_string()))
        .ok();
    if form.title.trim().is_empty() {
        errors.add("title", "网站名称必填");
    }
    let (Some(org), Some(slug), true) = (org, slug, errors.is_empty()) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            sites_page(&staff, &dir, &form, &errors)?,
        )
            .into_response());
    };
    let actor = staff.actor();
    let title = form.title.trim().to_string();
    let r = state
        .run(move |conn| {
            Ok(site::create_site(
                conn,
                &actor,
                &site::NewSite {
                    org_id: org.id,
                    slug: &slug,
                    title: &title,
                    is_portal: false,
                },
            ))
        })
        .await?;
    state.directory.invalidate();
    match r {
        Ok(_) => Ok(Redirect::to("/admin/sites").into_response()),
        Err(StorageError::Conflict(m)) => {
            errors.add("slug", m);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                sites_page(&staff, &dir, &form, &errors)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ColumnForm {
    name: String,
    slug: String,
    parent_id: String,
    kind: String,
    module: String,
    update_days: String,
    update_category: String,
    #[serde(skip_serializing)]
    csrf: String,
}

/// 更新类别 as typed: blank is `auto` (judged by the name, as before the field existed).
fn parse_update_category(raw: &str, errors: &mut FieldErrors) -> UpdateCategory {
    if raw.trim().is_empty() {
        return UpdateCategory::Auto;
    }
    raw.trim().parse().unwrap_or_else(|_| {
        errors.add("update_category", "请选择更新类别");
        UpdateCategory::Auto
    })
}

/// The explicit categories; the select's blank option is `auto`.
fn update_category_options() -> Vec<Value> {
    let explicit: Vec<UpdateCategory> = UpdateCategory::ALL
        .iter()
        .copied()
        .filter(|c| *c != UpdateCategory::Auto)
        .collect();
    options(&explicit, |k| k.as_str(), |k| k.label_zh())
}

async fn columns_page(
    state: &AppState,
    staff: &Staff,
    site_id: i64,
    form: &ColumnForm,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    let dir = state.directory().await?;
    let s = dir.site(site_id).cloned().ok_or(WebError::NotFound)?;
    staff.require(
        Permission::ManageSites,
        &dir.org(s.org_id)
            .map(|o| o.path.clone())
            .unwrap_or_default(),
    )?;
    let cols: Vec<_> = dir.columns_of(site_id).cloned().collect();
    let ids: Vec<i64> = cols.iter().map(|c| c.id).collect();
    let counts = state
        .run(move |conn| {
            let mut out = vec![];
            for id in ids {
                out.push(
                    gongkai_storage::item::list(
                        conn,
                        &gongkai_storage::item::ItemQuery {
                            column_id: Some(id),
                            per_page: 1,
                            ..gongkai_storage::item::ItemQuery::public()
                        },
                    )?
                    .total,
                );
            }
            Ok(out)
        })
        .await?;
    render(
        staff,
        "/admin/sites",
        &format!("{} 栏目", s.title),
        "admin/columns.html",
        json!({
            "site": {"title": s.title, "url": dir.site_url(&s), "rename_action": format!("/admin/sites/{site_id}")},
            "columns": cols.iter().zip(counts).map(|(c, n)| json!({
                "name": c.name, "depth": site::depth(&cols, c), "kind_label": c.kind().label_zh(),
                "module_label": c.module().map(|m| m.label_zh()), "update_days": c.update_days, "items": n,
                "update_category_label": c.update_category().label_zh(),
                "edit_url": format!("/admin/columns/{}", c.id),
            })).collect::<Vec<_>>(),
            "form_action": format!("/admin/sites/{site_id}/columns"),
            "errors": errors,
            "values": form,
            "kind_options": options(ColumnKind::ALL, |k| k.as_str(), |k| k.label_zh()),
            "module_options": options(Module::ALL, |k| k.as_str(), |k| k.label_zh()),
            "update_category_options": update_category_options(),
            "parent_options": cols.iter().map(|c| json!({"value": c.id.to_string(), "label": c.name})).collect::<Vec<_>>(),
        }),
    )
}

pub async fn columns(
    State(state): State<AppState>,
    staff: Staff,
    Path(site_id): Path<i64>,
) -> WebResult<Html<String>> {
    columns_page(
        &state,
        &staff,
        site_id,
        &ColumnForm::default(),
        &FieldErrors::default(),
    )
    .await
}

pub async fn create_column(
    State(state): State<AppState>,
    staff: Staff,
    Path(site_id): Path<i64>,
    Form(form): Form<ColumnForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let dir = state.directory().await?;
    let s = dir.site(site_id).cloned().ok_or(WebError::NotFound)?;
    staff.require(
        Permission::ManageSites,
        &dir.org(s.org_id)
            .map(|o| o.path.clone())
            .unwrap_or_default(),
    )?;
    let mut errors = FieldErrors::default();
    let kind = form
        .kind
        .parse::<ColumnKind>()
        .map_err(|_| errors.add("kind", "请选择栏目类型"))
        .ok();
    let module = if form.module.is_empty() {
        None
    } else {
        form.module
            .parse::<Module>()
            .map_err(|_| errors.add("module", "板块无效"))
            .ok()
    };
    let parent_id = if form.parent_id.is_empty() {
        None
    } else {
        form.parent_id
            .parse::<i64>()
            .map_err(|_| errors.add("parent_id", "上级栏目无效"))
            .ok()
    };
    let update_days = if form.update_days.trim().is_empty() {
        None
    } else {
        form.update_days
            .trim()
            .parse::<i32>()
            .map_err(|_| errors.add("update_days", "更新周期须为天数"))
            .ok()
    };
    let update_category = parse_update_category(&form.update_category, &mut errors);
    if form.name.trim().is_empty() {
        errors.add("name", "栏目名称必填");
    }
    let Some(kind) = kind.filter(|_| errors.is_empty()) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            columns_page(&state, &staff, site_id, &form, &errors).await?,
        )
            .into_response());
    };
    let actor = staff.actor();
    let (name, slug) = (form.name.trim().to_string(), form.slug.trim().to_string());
    let r = state
        .run(move |conn| {
            Ok(site::create_column(
                conn,
                &actor,
                &site::NewColumn {
                    site_id,
                    parent_id,
                    slug: &slug,
                    name: &name,
                    kind,
                    module,
                    update_days,
                    update_category,
                    link_url: None,
                    body_html: None,
                },
            ))
        })
        .await?;
    state.directory.invalidate();
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/admin/sites/{site_id}/columns")).into_response()),
        Err(StorageError::Conflict(m))
        | Err(StorageError::Domain(gongkai_domain::DomainError::InvalidField {
            reason: m, ..
        })) => {
            errors.add("slug", m);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                columns_page(&state, &staff, site_id, &form, &errors).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct OrgForm {
    name: String,
    short_name: String,
    code: String,
    parent_id: String,
    level: String,
    kind: String,
    #[serde(skip_serializing)]
    csrf: String,
}

fn orgs_page(
    staff: &Staff,
    dir: &crate::directory::Directory,
    form: &OrgForm,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    let level_options: Vec<Value> = [OrgLevel::City, OrgLevel::County, OrgLevel::Township]
        .iter()
        .map(|l| json!({"value": l.as_str(), "label": l.label_zh()}))
        .collect();
    let kind_options: Vec<Value> = [OrgKind::Government, OrgKind::Department, OrgKind::Township]
        .iter()
        .map(|l| json!({"value": l.as_str(), "label": l.label_zh()}))
        .collect();
    render(
        staff,
        "/admin/orgs",
        "组织机构",
        "admin/orgs.html",
        json!({
            "orgs": dir.orgs.iter().map(|o| json!({
                "name": o.name, "short_name": o.short_name, "code": o.code,
                "level_label": o.level.parse::<OrgLevel>().map(|l| l.label_zh()).unwrap_or(""),
                "depth": o.path.matches('/').count().saturating_sub(2),
            })).collect::<Vec<_>>(),
            "form_action": "/admin/orgs",
            "errors": errors,
            "values": form,
            "parent_options": dir.orgs.iter().map(|o| json!({"value": o.id.to_string(), "label": o.name})).collect::<Vec<_>>(),
            "level_options": level_options,
            "kind_options": kind_options,
        }),
    )
}

pub async fn orgs(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    if !staff.has_any(Permission::ManageOrganisations) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    orgs_page(&staff, &dir, &OrgForm::default(), &FieldErrors::default())
}

pub async fn create_org(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<OrgForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let dir = state.directory().await?;
    let parent = if form.parent_id.is_empty() {
        None
    } else {
        form.parent_id
            .parse::<i64>()
            .ok()
            .and_then(|id| dir.org(id))
            .cloned()
    };
    staff.require(
        Permission::ManageOrganisations,
        parent.as_ref().map(|p| p.path.as_str()).unwrap_or("/"),
    )?;
    let mut errors = FieldErrors::default();
    let code = OrgCode::parse(form.code.trim())
        .map_err(|e| errors.add("code", e.to_string()))
        .ok();
    let level = form
        .level
        .parse::<OrgLevel>()
        .map_err(|_| errors.add("level", "请选择层级"))
        .ok();
    let kind = form
        .kind
        .parse::<OrgKind>()
        .map_err(|_| errors.add("kind", "请选择类型"))
        .ok();
    if form.name.trim().is_empty() {
        errors.add("name", "名称必填");
    }
    let (Some(code), Some(level), Some(kind), true) = (code, level, kind, errors.is_empty()) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            orgs_page(&staff, &dir, &form, &errors)?,
        )
            .into_response());
    };
    let actor = staff.actor();
    let name = form.name.trim().to_string();
    let short = if form.short_name.trim().is_empty() {
        name.clone()
    } else {
        form.short_name.trim().to_string()
    };
    let parent_id = parent.map(|p| p.id);
    let r = state
        .run(move |conn| {
            gongkai_storage::write_txn(conn, |conn| {
                let o = org::create(
                    conn,
                    &org::NewOrganisation {
                        parent_id,
                        name: &name,
                        short_name: &short,
                        code: &code,
                        level,
                        kind,
                    },
                )?;
                audit::record(
                    conn,
                    &actor,
                    audit::Change {
                        action: "org.create",
                        entity: "organisation",
                        entity_id: o.id.to_string(),
                        org_id: Some(o.id),
                        summary: format!("created organisation {} ({})", o.name, o.code),
                        before: None,
                        after: None,
                    },
                )?;
                Ok(o)
            })
            .map_err(WebError::from)
        })
        .await;
    state.directory.invalidate();
    match r {
        Ok(_) => Ok(Redirect::to("/admin/orgs").into_response()),
        Err(WebError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            orgs_page(&staff, &dir, &form, &errors)?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

/// Loads a user the staff member may manage (ManageUsers over the user's organisation).
async fn managed_user(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> WebResult<(user::User, Vec<user::UserGrant>)> {
    let (u, g) = state
        .run(move |conn| Ok((user::get(conn, id)?, user::grants_of(conn, id)?)))
        .await?;
    let dir = state.directory().await?;
    let path = dir
        .org(u.org_id)
        .map(|o| o.path.clone())
        .unwrap_or_default();
    staff.require(Permission::ManageUsers, &path)?;
    Ok((u, g))
}

/// `email`: what was typed, when the e-mail form was refused.
async fn account_page(
    state: &AppState,
    staff: &Staff,
    id: i64,
    errors: &FieldErrors,
    email: Option<String>,
) -> WebResult<Html<String>> {
    let (u, grants) = managed_user(state, staff, id).await?;
    let dir = state.directory().await?;
    let now = gongkai_storage::now();
    render(
        staff,
        "/admin/users",
        &format!("用户：{}", u.display_name),
        "admin/user_view.html",
        json!({
            "account": {
                "username": u.username, "display_name": u.display_name, "org": dir.org_name(u.org_id),
                "disabled": u.disabled, "locked": u.is_locked(now),
                "locked_until": u.locked_until.filter(|t| *t > now).map(page::datetime),
            },
            "grants": grants.iter().map(|g| json!({
                "role": g.role, "role_label": g.role.parse::<Role>().map(|r| r.label_zh()).unwrap_or(""), "org": g.org_name,
                "org_id": g.org_id.to_string(),
            })).collect::<Vec<_>>(),
            "status_action": format!("/admin/users/{id}/status"),
            "grant_action": format!("/admin/users/{id}/grants"),
            "revoke_action": format!("/admin/users/{id}/grants/revoke"),
            "email_action": format!("/admin/users/{id}/email"),
            "org_options": org_options(staff, &dir, Permission::ManageUsers),
            "role_options": role_options(staff),
            "values": {"role": "", "org_id": "", "email": email.unwrap_or_else(|| u.email.clone().unwrap_or_default())},
            "errors": errors,
        }),
    )
}

pub async fn view_user(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    account_page(&state, &staff, id, &FieldErrors::default(), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EmailForm {
    email: String,
    csrf: String,
}

/// Sets the address the user's digests go to (audited in storage).
pub async fn user_email(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<EmailForm>,
) -> WebResult<Response> {
    staff.check_csrf(&f.csrf)?;
    managed_user(&state, &staff, id).await?;
    let actor = staff.actor();
    let email = f.email.clone();
    match state
        .run(move |conn| Ok(user::set_email(conn, &actor, id, Some(&email))))
        .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/admin/users/{id}")).into_response()),
        Err(StorageError::Domain(gongkai_domain::DomainError::InvalidField { field, reason })) => {
            let mut errors = FieldErrors::default();
            errors.add(field, reason);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                account_page(&state, &staff, id, &errors, Some(f.email)).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    disabled: String,
    csrf: String,
}

pub async fn user_status(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> WebResult<Response> {
    staff.check_csrf(&f.csrf)?;
    managed_user(&state, &staff, id).await?;
    if id == staff.user.id {
        return Err(WebError::Conflict("不能停用自己的账号".into()));
    }
    let (actor, disabled) = (staff.actor(), f.disabled == "true");
    state
        .run(move |conn| Ok(user::set_disabled(conn, &actor, id, disabled)?))
        .await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GrantForm {
    role: String,
    org_id: String,
    csrf: String,
}

async fn change_grant(
    state: AppState,
    staff: Staff,
    id: i64,
    f: GrantForm,
    add: bool,
) -> WebResult<Response> {
    staff.check_csrf(&f.csrf)?;
    managed_user(&state, &staff, id).await?;
    let dir = state.directory().await?;
    let role = f
        .role
        .parse::<Role>()
        .map_err(|_| WebError::BadRequest("请选择角色".into()))?;
    let org = f
        .org_id
        .parse::<i64>()
        .ok()
        .and_then(|o| dir.org(o))
        .cloned()
        .ok_or_else(|| WebError::BadRequest("请选择单位".into()))?;
    staff.require(Permission::ManageUsers, &org.path)?;
    if role == Role::PlatformAdmin && !staff.is_platform_admin() {
        return Err(WebError::Forbidden);
    }
    let actor = staff.actor();
    let r = state
        .run(move |conn| {
            Ok(if add {
                user::grant(conn, &actor, id, role, org.id)
            } else {
                user::revoke(conn, &actor, id, role, org.id)
            })
        })
        .await?;
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}")).into_response()),
        Err(StorageError::Conflict(m)) => {
            let mut e = FieldErrors::default();
            e.add("role", m);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                account_page(&state, &staff, id, &e, None).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn add_grant(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<GrantForm>,
) -> WebResult<Response> {
    change_grant(state, staff, id, f, true).await
}

pub async fn remove_grant(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<GrantForm>,
) -> WebResult<Response> {
    change_grant(state, staff, id, f, false).await
}

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ColumnEditForm {
    name: String,
    kind: String,
    module: String,
    update_days: String,
    update_category: String,
    link_url: String,
    body_html: String,
    #[serde(skip_serializing)]
    csrf: String,
}

/// The column and the organisation path that decides who may manage it.
async fn managed_column(state: &AppState, staff: &Staff, id: i64) -> WebResult<site::Column> {
    let dir = state.directory().await?;
    let c = dir.column(id).cloned().ok_or(WebError::NotFound)?;
    let path = dir
        .site(c.site_id)
        .and_then(|s| dir.org(s.org_id))
        .map(|o| o.path.clone())
        .unwrap_or_default();
    staff.require(Permission::ManageSites, &path)?;
    Ok(c)
}

fn column_edit_page(
    staff: &Staff,
    c: &site::Column,
    form: &ColumnEditForm,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    render(
        staff,
        "/admin/sites",
        &format!("编辑栏目：{}", c.name),
        "admin/column_form.html",
        json!({
            "form_action": format!("/admin/columns/{}", c.id),
            "delete_action": format!("/admin/columns/{}/delete", c.id),
            "back_url": format!("/admin/sites/{}/columns", c.site_id),
            "slug": c.slug,
            "values": form,
            "errors": errors,
            "kind_options": options(ColumnKind::ALL, |k| k.as_str(), |k| k.label_zh()),
            "module_options": options(Module::ALL, |k| k.as_str(), |k| k.label_zh()),
            "update_category_options": update_category_options(),
            // What `auto` would make of the name, so staff see why they might override it.
            "guessed_class": ColumnClass::infer(&c.name).label_zh(),
        }),
    )
}

pub async fn edit_column(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let c = managed_column(&state, &staff, id).await?;
    let form = ColumnEditForm {
        name: c.name.clone(),
        kind: c.kind.clone(),
        module: c.module.clone().unwrap_or_default(),
        update_days: c.update_days.map(|d| d.to_string()).unwrap_or_default(),
        update_category: match c.update_category() {
            UpdateCategory::Auto => String::new(),
            other => other.as_str().to_string(),
        },
        link_url: c.link_url.clone().unwrap_or_default(),
        body_html: c.body_html.clone().unwrap_or_default(),
        csrf: String::new(),
    };
    column_edit_page(&staff, &c, &form, &FieldErrors::default())
}

pub async fn update_column(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ColumnEditForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let c = managed_column(&state, &staff, id).await?;
    let mut errors = FieldErrors::default();
    let kind = form
        .kind
        .parse::<ColumnKind>()
        .map_err(|_| errors.add("kind", "请选择栏目类型"))
        .ok();
    let module = if form.module.is_empty() {
        None
    } else {
        form.module
            .parse::<Module>()
            .map_err(|_| errors.add("module", "板块无效"))
            .ok()
    };
    let update_days = if form.update_days.trim().is_empty() {
        None
    } else {
        form.update_days
            .trim()
            .parse::<i32>()
            .map_err(|_| errors.add("update_days", "更新周期须为天数"))
            .ok()
    };
    let update_category = parse_update_category(&form.update_category, &mut errors);
    let Some(kind) = kind.filter(|_| errors.is_empty()) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            column_edit_page(&staff, &c, &form, &errors)?,
        )
            .into_response());
    };
    let actor = staff.actor();
    let (name, link, body) = (
        form.name.clone(),
        form.link_url.clone(),
        form.body_html.clone(),
    );
    let r = state
        .run(move |conn| {
            Ok(site::update_column(
                conn,
                &actor,
                id,
                &site::ColumnChanges {
                    name: &name,
                    kind,
                    module,
                    update_days,
                    update_category,
                    link_url: Some(&link),
                    body_html: Some(&body),
                },
            ))
        })
        .await?;
    state.directory.invalidate();
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/admin/sites/{}/columns", c.site_id)).into_response()),
        Err(StorageError::Domain(gongkai_domain::DomainError::InvalidField { field, reason })) => {
            errors.add(field, reason);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                column_edit_page(&staff, &c, &form, &errors)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_column(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<crate::auth::CsrfOnly>,
) -> WebResult<Response> {
    staff.check_csrf(&f.csrf)?;
    let c = managed_column(&state, &staff, id).await?;
    let actor = staff.actor();
    state
        .run(move |conn| Ok(site::delete_column(conn, &actor, id)?))
        .await?;
    state.directory.invalidate();
    Ok(Redirect::to(&format!("/admin/sites/{}/columns", c.site_id)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RenameForm {
    title: String,
    csrf: String,
}

pub async fn rename_site(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<RenameForm>,
) -> WebResult<Response> {
    staff.check_csrf(&f.csrf)?;
    let dir = state.directory().await?;
    let s = dir.site(id).cloned().ok_or(WebError::NotFound)?;
    staff.require(
        Permission::ManageSites,
        &dir.org(s.org_id)
            .map(|o| o.path.clone())
            .unwrap_or_default(),
    )?;
    let actor = staff.actor();
    state
        .run(move |conn| Ok(site::update_site(conn, &actor, id, &f.title)?))
        .await?;
    state.directory.invalidate();
    Ok(Redirect::to(&format!("/admin/sites/{id}/columns")).into_response())
}
