//! 政策解读 in the back office: the interpretations of the user's organisations, listed per site; a
//! form that creates one (a draft item of genre 政策解读 with its body, its form — 文字, 图解 or
//! 视频 — and the policies it explains) and one that changes its form and policies later. The
//! body is edited, reviewed and published like any item (`admin/items`). Staff need 编辑 rights
//! (EditItems) on the organisation.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::Form;
use gongkai_domain::interpretation::{check_form, InterpretationForm};
use gongkai_domain::item::{FieldErrors, ItemInput};
use gongkai_domain::role::Permission;
use gongkai_domain::workflow::ItemStatus;
use gongkai_storage::interpretation;
use gongkai_storage::item::{self, Placement};
use gongkai_storage::StorageError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{org_options, render, scope_org_ids};
use crate::app::AppState;
use crate::auth::Staff;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/interpretations", get(list).post(create))
        .route("/interpretations/new", get(new_form))
        .route("/interpretations/{id}", get(edit_form).post(update))
}

const P: Permission = Permission::EditItems;
const BASE: &str = "/admin/interpretations";

fn form_options() -> Vec<Value> {
    InterpretationForm::ALL
        .iter()
        .map(|f| json!({"value": f.as_str(), "label": f.label_zh()}))
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListParams {
    site_id: String,
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(p): Query<ListParams>,
) -> WebResult<Html<String>> {
    if !staff.has_any(P) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let scope = scope_org_ids(&staff, &dir, P);
    let site_id = match p.site_id.trim() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .ok()
                .filter(|id| dir.site(*id).is_some())
                .ok_or_else(|| WebError::BadRequest(format!("site_id=“{s}”不是可选的网站")))?,
        ),
    };
    let sites = sites_in_scope(&staff, &dir);
    let rows = state
        .run(move |conn| Ok(interpretation::list(conn, scope.as_deref(), site_id)?))
        .await?;
    render(
        &staff,
        BASE,
        "政策解读",
        "admin/interpretations.html",
        json!({
            "new_url": format!("{BASE}/new"),
            "filter_action": BASE,
            "site_options": sites,
            "values": {"site_id": site_id.map(|s| s.to_string()).unwrap_or_default()},
            "interpretations": rows.iter().map(|r| json!({
                "title": r.item.title,
                "url": format!("{BASE}/{}", r.item.id),
                "item_url": format!("/admin/items/{}", r.item.id),
                "site": dir.site(r.item.site_id).map(|s| s.title.clone()).unwrap_or_default(),
                "org": dir.org_name(r.item.org_id),
                "form": r.form.label_zh(),
                "status": r.item.status.parse::<ItemStatus>().map(|s| s.label_zh()).unwrap_or(""),
                "updated": page::datetime(r.item.updated_at),
                "policies": r.policies.iter().map(|(id, title)| json!({"title": title, "url": format!("/admin/items/{id}")})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }),
    )
}

/// Sites of the organisations the user edits for (every site for a platform admin).
fn sites_in_scope(staff: &Staff, dir: &Directory) -> Vec<Value> {
    dir.sites
        .iter()
        .filter(|s| dir.org(s.org_id).is_some_and(|o| staff.can(P, &o.path)))
        .map(|s| json!({"value": s.id.to_string(), "label": s.title}))
        .collect()
}

/// Columns an interpretation may be placed in: content columns of the user's sites and the portal.
fn column_options(staff: &Staff, dir: &Directory) -> Vec<Value> {
    dir.columns
        .iter()
        .filter(|c| {
            c.kind().holds_content()
                && c.body_html.is_none()
                && dir.site(c.site_id).is_some_and(|s| {
                    s.is_portal || dir.org(s.org_id).is_some_and(|o| staff.can(P, &o.path))
                })
        })
        .map(|c| {
            json!({"value": c.id.to_string(), "label": format!("{} › {}", dir.site(c.site_id).map(|s| s.title.as_str()).unwrap_or(""), c.name)})
        })
        .collect()
}

/// What staff type in the form.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
struct InterpretationFormInput {
    title: String,
    org_id: String,
    column_id: String,
    made_on: String,
    summary: String,
    body_html: String,
    form: String,
    video_url: String,
    /// The policies explained: item numbers, page addresses or 索引号.
    policies: String,
    #[serde(skip_serializing)]
    csrf: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewParams {
    /// The policy the interpretation is written for (from the policy's back-office page).
    policy: String,
}

fn form_page(
    staff: &Staff,
    dir: &Directory,
    values: &InterpretationFormInput,
    errors: &FieldErrors,
    existing: Option<&item::Item>,
) -> WebResult<Html<String>> {
    let (title, action) = match existing {
        Some(it) => (
            format!("解读设置：{}", it.title),
            format!("{BASE}/{}", it.id),
        ),
        None => ("新建政策解读".to_string(), BASE.to_string()),
    };
    render(
        staff,
        BASE,
        &title,
        "admin/interpretation_form.html",
        json!({
            "is_new": existing.is_none(),
            "form_action": action,
            "cancel_url": BASE,
            "edit_body_url": existing.filter(|it| it.status().is_editable()).map(|it| format!("/admin/items/{}/edit", it.id)),
            "item_url": existing.map(|it| format!("/admin/items/{}", it.id)),
            "org_options": org_options(staff, dir, P),
            "column_options": column_options(staff, dir),
            "form_options": form_options(),
            "values": values,
            "errors": errors,
        }),
    )
}

fn rejected(html: Html<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
    Query(p): Query<NewParams>,
) -> WebResult<Html<String>> {
    if !staff.has_any(P) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let mut values = InterpretationFormInput {
        org_id: staff.user.org_id.to_string(),
        form: InterpretationForm::Text.as_str().into(),
        made_on: crate::request::today().to_string(),
        ..Default::default()
    };
    if let Ok(policy) = p.policy.trim().parse::<i64>() {
        let policy = state.run(move |conn| Ok(item::get(conn, policy)?)).await?;
        values.policies = policy.id.to_string();
        values.title = format!("《{}》政策解读", policy.title);
    }
    form_page(&staff, &dir, &values, &FieldErrors::default(), None)
}

/// The interpretation's form and video link, and the policies it names, checked; errors by field.
fn check_links(
    state_errors: &mut FieldErrors,
    form: &InterpretationFormInput,
) -> Option<(InterpretationForm, Option<String>)> {
    match check_form(&form.form, &form.video_url) {
        Ok(v) => Some(v),
        Err(e) => {
            state_errors.0.extend(e.0);
            None
        }
    }
}

async fn resolve(state: &AppState, errors: &mut FieldErrors, refs: &str) -> WebResult<Vec<i64>> {
    let refs = refs.to_string();
    if refs.trim().is_empty() {
        errors.add("policies", "请至少关联一件被解读的政策文件");
        return Ok(vec![]);
    }
    match state
        .run(move |conn| Ok(interpretation::resolve_policies(conn, &refs)))
        .await?
    {
        Ok(ids) => Ok(ids),
        Err(StorageError::Invalid(e)) => {
            errors.0.extend(e.0);
            Ok(vec![])
        }
        Err(e) => Err(e.into()),
    }
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<InterpretationFormInput>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    if !staff.has_any(P) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let mut errors = FieldErrors::default();
    let org = form
        .org_id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| dir.org(id));
    match org {
        Some(o) => staff.require(P, &o.path)?,
        None => errors.add("org_id", "请选择发布机构"),
    }
    let column = form
        .column_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| {
            column_options(&staff, &dir)
                .iter()
                .any(|c| c["value"] == id.to_string())
        })
        .and_then(|id| dir.column(id));
    if column.is_none() {
        errors.add("column_id", "请选择发布栏目");
    }
    let input = ItemInput {
        title: form.title.clone(),
        summary: form.summary.clone(),
        body_html: form.body_html.clone(),
        made_on: form.made_on.clone(),
        genre: gongkai_domain::catalogue::Genre::Interpretation
            .as_str()
            .into(),
        validity: "valid".into(),
        disclosure_mode: "proactive".into(),
        channels: vec!["website".into()],
        column_ids: column.map(|c| c.id.to_string()).into_iter().collect(),
        ..Default::default()
    };
    let fields = match input.validate() {
        Ok(f) => Some(f),
        Err(e) => {
            for (k, v) in e.0 {
                // One column is chosen here; the item's rules speak of its list of columns.
                let k = if k == "column_ids" {
                    "column_id".into()
                } else {
                    k
                };
                errors.0.entry(k).or_insert(v);
            }
            None
        }
    };
    let links = check_links(&mut errors, &form);
    let policies = resolve(&state, &mut errors, &form.policies).await?;
    let (Some(org), Some(column), Some(fields), Some((kind, video)), true) =
        (org, column, fields, links, errors.is_empty())
    else {
        return Ok(rejected(form_page(&staff, &dir, &form, &errors, None)?));
    };
    let at = Placement {
        site_id: column.site_id,
        org_id: org.id,
    };
    let actor = staff.actor();
    match state
        .run(move |conn| {
            Ok(interpretation::create(
                conn,
                &actor,
                at,
                &fields,
                kind,
                video.as_deref(),
                &policies,
            ))
        })
        .await?
    {
        Ok(it) => Ok(Redirect::to(&format!("/admin/items/{}", it.id)).into_response()),
        Err(StorageError::Invalid(e)) => Ok(rejected(form_page(&staff, &dir, &form, &e, None)?)),
        Err(e) => Err(e.into()),
    }
}

/// An interpretation the user may edit, with its form, video link and policies.
async fn load(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> WebResult<(item::Item, InterpretationFormInput)> {
    let (it, (kind, video), policies) = state
        .run(move |conn| {
            Ok((
                item::get(conn, id)?,
                interpretation::form_of(conn, id)?,
                interpretation::policies_of(conn, id)?,
            ))
        })
        .await?;
    if it.genre != gongkai_domain::catalogue::Genre::Interpretation.as_str()
        || it.status() == ItemStatus::Removed
    {
        return Err(WebError::NotFound);
    }
    let dir = state.directory().await?;
    let path = dir
        .org(it.org_id)
        .map(|o| o.path.clone())
        .ok_or(WebError::NotFound)?;
    staff.require(P, &path)?;
    let values = InterpretationFormInput {
        title: it.title.clone(),
        form: kind.as_str().into(),
        video_url: video.unwrap_or_default(),
        policies: policies
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        ..Default::default()
    };
    Ok((it, values))
}

async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let (it, values) = load(&state, &staff, id).await?;
    let dir = state.directory().await?;
    form_page(&staff, &dir, &values, &FieldErrors::default(), Some(&it))
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<InterpretationFormInput>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let (it, stored) = load(&state, &staff, id).await?;
    let dir = state.directory().await?;
    // Only the form and the policies change here; the title shown is the item's.
    let form = InterpretationFormInput {
        title: stored.title,
        ..form
    };
    let mut errors = FieldErrors::default();
    let links = check_links(&mut errors, &form);
    let policies = resolve(&state, &mut errors, &form.policies).await?;
    let (Some((kind, video)), true) = (links, errors.is_empty()) else {
        return Ok(rejected(form_page(
            &staff,
            &dir,
            &form,
            &errors,
            Some(&it),
        )?));
    };
    let actor = staff.actor();
    match state
        .run(move |conn| {
            Ok(interpretation::set(
                conn,
                &actor,
                id,
                kind,
                video.as_deref(),
                &policies,
            ))
        })
        .await?
    {
        Ok(()) => Ok(Redirect::to(BASE).into_response()),
        Err(StorageError::Invalid(e)) => {
            Ok(rejected(form_page(&staff, &dir, &form, &e, Some(&it))?))
        }
        Err(e) => Err(e.into()),
    }
}
