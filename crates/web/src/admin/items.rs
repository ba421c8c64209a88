//! Items in the back office: dashboard, list, editor, review and the rest of the workflow,
//! attachments, earlier versions.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDateTime;
use gongkai_domain::catalogue::{Channel, DisclosureMode, Genre, Validity, WelfareArea};
use gongkai_domain::item::{FieldErrors, ItemInput};
use gongkai_domain::role::Permission;
use gongkai_domain::workflow::{ItemStatus, WorkflowAction};
use gongkai_storage::attachment;
use gongkai_storage::item::{self, Item, ItemQuery, ItemSummary, Order, Placement};
use gongkai_storage::StorageError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{options, org_options, render, scope_org_ids};
use crate::app::AppState;
use crate::auth::Staff;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::health::ContentCheck;
use crate::page::{self, pagination};

fn row(dir: &Directory, i: &ItemSummary) -> Value {
    json!({
        "id": i.id,
        "title": i.title,
        "url": format!("/admin/items/{}", i.id),
        "org": dir.org_name(i.org_id),
        "status_label": i.status.parse::<ItemStatus>().map(|s| s.label_zh()).unwrap_or(""),
        "updated": page::datetime(i.updated_at),
        "index_number": i.index_number,
        "reason": i.status_reason,
    })
}

pub async fn dashboard(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    let dir = state.directory().await?;
    let edit_scope = scope_org_ids(&staff, &dir, Permission::EditItems);
    let review_scope = scope_org_ids(&staff, &dir, Permission::ReviewItems);
    let can_review = staff.has_any(Permission::ReviewItems);
    let user_id = staff.user.id;
    let (drafts, waiting, published, rejected) = state
        .run(move |conn| {
            let q =
                |statuses: Vec<ItemStatus>, orgs: Option<Vec<i64>>, by: Option<i64>| ItemQuery {
                    statuses,
                    org_ids: orgs,
                    created_by: by,
                    order: Order::Updated,
                    page: 1,
                    per_page: 10,
                    ..Default::default()
                };
            let drafts = item::list(
                conn,
                &q(vec![ItemStatus::Draft], edit_scope.clone(), Some(user_id)),
            )?
            .rows;
            let waiting = if can_review {
                item::list(
                    conn,
                    &q(vec![ItemStatus::Submitted], review_scope.clone(), None),
                )?
                .rows
            } else {
                vec![]
            };
            let published = item::list(
                conn,
                &ItemQuery {
                    order: Order::Published,
                    ..q(vec![ItemStatus::Published], edit_scope.clone(), None)
                },
            )?
            .rows;
            let rejected = item::list(
                conn,
                &q(vec![ItemStatus::Rejected], edit_scope, Some(user_id)),
            )?
            .rows;
            Ok((drafts, waiting, published, rejected))
        })
        .await?;
    let rows = |v: &[ItemSummary]| v.iter().map(|i| row(&dir, i)).collect::<Vec<_>>();
    let health = crate::health::dashboard_summary(&state, &staff).await?;
    let report_reminders = super::reports::dashboard_reminders(&state, &staff).await?;
    let letter_alerts = super::letters::dashboard_alerts(&state, &staff).await?;
    render(
        &staff,
        "/admin",
        "工作台",
        "admin/dashboard.html",
        json!({
            "my_drafts": rows(&drafts),
            "waiting_review": rows(&waiting),
            "recently_published": rows(&published),
            "rejected": rows(&rejected),
            "health": health,
            "report_reminders": report_reminders,
            "letter_alerts": letter_alerts,
        }),
    )
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    status: Option<String>,
    org_id: Option<String>,
    site_id: Option<String>,
    page: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(p): Query<ListParams>,
) -> WebResult<Html<String>> {
    if !staff.has_any(Permission::EditItems) && !staff.has_any(Permission::ReviewItems) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let mut scope = scope_org_ids(&staff, &dir, Permission::EditItems);
    if let Some(org) = p.org_id.as_deref().filter(|s| !s.is_empty()) {
        let org: i64 = org
            .parse()
            .map_err(|_| WebError::BadRequest("org_id 无效".into()))?;
        let sub = dir.org_subtree(org);
        scope = Some(match scope {
            Some(s) => sub.into_iter().filter(|o| s.contains(o)).collect(),
            None => sub,
        });
    }
    let status = match p.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => vec![s.parse::<ItemStatus>()?],
        None => vec![],
    };
    let site_id = match p.site_id.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| WebError::BadRequest("site_id 无效".into()))?,
        ),
        None => None,
    };
    let page_no = crate::portal::parse_page(p.page.as_deref(), 100_000)?;
    let q = ItemQuery {
        statuses: status,
        org_ids: scope,
        site_id,
        title_contains: p.q.clone().filter(|s| !s.trim().is_empty()),
        order: Order::Updated,
        page: page_no,
        per_page: 30,
        ..Default::default()
    };
    let result = state.run(move |conn| Ok(item::list(conn, &q)?)).await?;
    let qs = |n: i64| {
        format!(
            "/admin/items?q={}&status={}&org_id={}&site_id={}&page={n}",
            urlencoding::encode(p.q.as_deref().unwrap_or("")),
            p.status.as_deref().unwrap_or(""),
            p.org_id.as_deref().unwrap_or(""),
            p.site_id.as_deref().unwrap_or("")
        )
    };
    render(
        &staff,
        "/admin/items",
        "信息管理",
        "admin/items.html",
        json!({
            "filters": {"q": p.q.clone().unwrap_or_default(), "status": p.status.clone().unwrap_or_default(), "org_id": p.org_id.clone().unwrap_or_default(), "site_id": p.site_id.clone().unwrap_or_default()},
            "status_options": options(ItemStatus::ALL, |s| s.as_str(), |s| s.label_zh()),
            "org_options": org_options(&staff, &dir, Permission::EditItems),
            "items": result.rows.iter().map(|i| row(&dir, i)).collect::<Vec<_>>(),
            "pagination": pagination(page_no, 30, result.total, qs),
            "new_url": "/admin/items/new",
        }),
    )
}

/// The editor form as posted: every catalogue field as typed, plus placement and the change note.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ItemForm {
    title: String,
    summary: String,
    body_html: String,
    made_on: String,
    doc_number: String,
    org_id: String,
    site_id: String,
    subject_id: String,
    genre: String,
    keywords: String,
    validity: String,
    valid_from: String,
    invalid_from: String,
    disclosure_mode: String,
    channels: Vec<String>,
    column_ids: Vec<String>,
    related_ids: String,
    welfare_area: String,
    change_note: String,
    /// Set by the form's 检查 button: check the typed text and show the hits, without saving.
    #[serde(skip_serializing)]
    check: String,
    #[serde(skip_serializing)]
    csrf: String,
}

impl ItemForm {
    fn input(&self) -> ItemInput {
        ItemInput {
            title: self.title.clone(),
            summary: self.summary.clone(),
            body_html: self.body_html.clone(),
            made_on: self.made_on.clone(),
            doc_number: self.doc_number.clone(),
            genre: self.genre.clone(),
            keywords: self.keywords.clone(),
            validity: self.validity.clone(),
            valid_from: self.valid_from.clone(),
            invalid_from: self.invalid_from.clone(),
            disclosure_mode: self.disclosure_mode.clone(),
            channels: self.channels.clone(),
            subject_id: self.subject_id.clone(),
            column_ids: self.column_ids.clone(),
            related_ids: self.related_ids.clone(),
            welfare_area: self.welfare_area.clone(),
        }
    }

    fn from_item(it: &Item, columns: &[i64]) -> ItemForm {
        ItemForm {
            title: it.title.clone(),
            summary: it.summary.clone(),
            body_html: it.body_html.clone(),
            made_on: page::date(it.made_on),
            doc_number: it.doc_number.clone().unwrap_or_default(),
            org_id: it.org_id.to_string(),
            site_id: it.site_id.to_string(),
            subject_id: it.subject_id.map(|s| s.to_string()).unwrap_or_default(),
            genre: it.genre.clone(),
            keywords: it.keywords.clone(),
            validity: it.validity.clone(),
            valid_from: page::date(it.valid_from),
            invalid_from: page::date(it.invalid_from),
            disclosure_mode: it.disclosure_mode.clone(),
            channels: it
                .channels
                .split(',')
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect(),
            column_ids: columns.iter().map(|c| c.to_string()).collect(),
            related_ids: String::new(),
            welfare_area: it.welfare_area.clone().unwrap_or_default(),
            change_note: String::new(),
            check: String::new(),
            csrf: String::new(),
        }
    }
}

/// Renders the editor; `item` is the item being edited (None for a new one), `check` the word and
/// accessibility check of the text shown (None before anything was checked).
fn editor(
    staff: &Staff,
    dir: &Directory,
    form: &ItemForm,
    errors: &FieldErrors,
    item: Option<(&Item, &[attachment::Attachment])>,
    check: Option<&ContentCheck>,
) -> WebResult<Html<String>> {
    let orgs = org_options(staff, dir, Permission::EditItems);
    let allowed_orgs: Vec<i64> = dir
        .orgs
        .iter()
        .filter(|o| staff.can(Permission::EditItems, &o.path))
        .map(|o| o.id)
        .collect();
    let sites: Vec<Value> = dir
        .sites
        .iter()
        .filter(|s| allowed_orgs.contains(&s.org_id))
        .map(|s| json!({"value": s.id.to_string(), "label": s.title}))
        .collect();
    let columns: Vec<Value> = dir
        .columns
        .iter()
        .filter(|c| dir.site(c.site_id).is_some_and(|s| allowed_orgs.contains(&s.org_id) || s.is_portal) && c.kind().holds_content() && c.body_html.is_none())
        .map(|c| json!({"value": c.id.to_string(), "label": format!("{} › {}", dir.site(c.site_id).map(|s| s.title.as_str()).unwrap_or(""), c.name)}))
        .collect();
    let subjects: Vec<Value> = dir
        .subjects
        .iter()
        .map(|s| json!({"value": s.id.to_string(), "label": dir.subject_path(s.id)}))
        .collect();
    let (action, title, item_id, attachments, is_published, preview) = match item {
        Some((it, atts)) => (
            format!("/admin/items/{}", it.id),
            format!("编辑：{}", it.title),
            Some(it.id),
            atts.iter()
                .map(|a| json!({"name": a.file_name, "url": format!("/items/{}/attachments/{}", it.id, a.id), "size": a.size_bytes,
                    "delete_url": format!("/admin/items/{}/attachments/{}/delete", it.id, a.id)}))
                .collect::<Vec<_>>(),
            it.status() == ItemStatus::Published,
            Some(format!("/admin/items/{}/preview", it.id)),
        ),
        None => ("/admin/items".to_string(), "新建信息".to_string(), None, vec![], false, None),
    };
    let mut values = serde_json::to_value(form).expect("form serialises");
    values["scheduled_at"] = json!("");
    render(
        staff,
        "/admin/items",
        &title,
        "admin/item_form.html",
        json!({
            "form_action": action,
            "errors": errors,
            "values": values,
            "org_options": orgs,
            "site_options": sites,
            "subject_options": subjects,
            "genre_options": options(Genre::ALL, |g| g.as_str(), |g| g.label_zh()),
            "validity_options": options(Validity::ALL, |g| g.as_str(), |g| g.label_zh()),
            "mode_options": options(DisclosureMode::ALL, |g| g.as_str(), |g| g.label_zh()),
            "channel_options": options(Channel::ALL, |g| g.as_str(), |g| g.label_zh()),
            "welfare_options": options(WelfareArea::ALL, |g| g.as_str(), |g| g.label_zh()),
            "column_options": columns,
            "is_published": is_published,
            "preview_url": preview,
            "item_id": item_id,
            "attachments": attachments,
            "upload_url": item_id.map(|id| format!("/admin/items/{id}/attachments")).unwrap_or_default(),
            "content_check": check.map(|c| c.context()),
        }),
    )
}

pub async fn new_form(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    if !staff.has_any(Permission::EditItems) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let mut form = ItemForm {
        validity: "valid".into(),
        disclosure_mode: "proactive".into(),
        channels: vec!["website".into()],
        ..Default::default()
    };
    form.org_id = staff.user.org_id.to_string();
    if let Some(site) = dir.sites.iter().find(|s| s.org_id == staff.user.org_id) {
        form.site_id = site.id.to_string();
    }
    editor(&staff, &dir, &form, &FieldErrors::default(), None, None)
}

/// The 检查 button: the typed title and body checked against the dictionary, shown on the form
/// with everything as typed; nothing is saved.
async fn check_typed(
    state: &AppState,
    staff: &Staff,
    dir: &Directory,
    form: &ItemForm,
    item: Option<(&Item, &[attachment::Attachment])>,
) -> WebResult<Response> {
    let (title, body) = (form.title.clone(), form.body_html.clone());
    let check = state
        .run(move |conn| crate::health::check_content(conn, &title, &body))
        .await?;
    Ok(editor(
        staff,
        dir,
        form,
        &FieldErrors::default(),
        item,
        Some(&check),
    )?
    .into_response())
}

fn rejected(html: Html<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

/// Placement fields (organisation and site) checked against the user's scope.
fn placement(
    staff: &Staff,
    dir: &Directory,
    form: &ItemForm,
    errors: &mut FieldErrors,
) -> WebResult<Option<Placement>> {
    let org = form
        .org_id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| dir.org(id));
    let site = form
        .site_id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| dir.site(id));
    if org.is_none() {
        errors.add("org_id", "请选择发布机构");
    }
    if site.is_none() {
        errors.add("site_id", "请选择所属网站");
    }
    let (Some(org), Some(site)) = (org, site) else {
        return Ok(None);
    };
    staff.require(Permission::EditItems, &org.path)?;
    Ok(Some(Placement {
        site_id: site.id,
        org_id: org.id,
    }))
}

pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<ItemForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let dir = state.directory().await?;
    if !form.check.is_empty() {
        if !staff.has_any(Permission::EditItems) {
            return Err(WebError::Forbidden);
        }
        return check_typed(&state, &staff, &dir, &form, None).await;
    }
    let mut errors = FieldErrors::default();
    let at = placement(&staff, &dir, &form, &mut errors)?;
    let fields = match form.input().validate() {
        Ok(f) => Some(f),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let (Some(at), Some(fields), true) = (at, fields, errors.is_empty()) else {
        return Ok(rejected(editor(&staff, &dir, &form, &errors, None, None)?));
    };
    let actor = staff.actor();
    match state
        .run(move |conn| Ok(item::create_draft(conn, &actor, at, &fields)))
        .await?
    {
        Ok(it) => Ok(Redirect::to(&format!("/admin/items/{}", it.id)).into_response()),
        Err(StorageError::Invalid(e)) => Ok(rejected(editor(&staff, &dir, &form, &e, None, None)?)),
        Err(e) => Err(e.into()),
    }
}

/// Loads an item the user may see (edit or review rights on its organisation).
async fn load_visible(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> WebResult<(Item, Vec<attachment::Attachment>, Vec<i64>)> {
    let (it, atts, cols) = state
        .run(move |conn| {
            Ok((
                item::get(conn, id)?,
                attachment::of_item(conn, id)?,
                item::column_ids(conn, id)?,
            ))
        })
        .await?;
    let dir = state.directory().await?;
    let path = dir
        .org(it.org_id)
        .map(|o| o.path.clone())
        .unwrap_or_default();
    if !staff.can(Permission::EditItems, &path) && !staff.can(Permission::ReviewItems, &path) {
        return Err(WebError::Forbidden);
    }
    Ok((it, atts, cols))
}

fn org_path(dir: &Directory, it: &Item) -> String {
    dir.org(it.org_id)
        .map(|o| o.path.clone())
        .unwrap_or_default()
}

pub async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let (it, atts, cols) = load_visible(&state, &staff, id).await?;
    let dir = state.directory().await?;
    staff.require(Permission::EditItems, &org_path(&dir, &it))?;
    // The saved text's hits, so the editor sees them where they are fixed.
    let (title, body) = (it.title.clone(), it.body_html.clone());
    let check = state
        .run(move |conn| crate::health::check_content(conn, &title, &body))
        .await?;
    editor(
        &staff,
        &dir,
        &ItemForm::from_item(&it, &cols),
        &FieldErrors::default(),
        Some((&it, &atts)),
        Some(&check),
    )
}

pub async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ItemForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let (it, atts, _) = load_visible(&state, &staff, id).await?;
    let dir = state.directory().await?;
    staff.require(Permission::EditItems, &org_path(&dir, &it))?;
    if !form.check.is_empty() {
        return check_typed(&state, &staff, &dir, &form, Some((&it, &atts))).await;
    }
    let fields = match form.input().validate() {
        Ok(f) => f,
        Err(e) => {
            return Ok(rejected(editor(
                &staff,
                &dir,
                &form,
                &e,
                Some((&it, &atts)),
                None,
            )?))
        }
    };
    let actor = staff.actor();
    let note = form.change_note.clone();
    match state
        .run(move |conn| Ok(item::update(conn, &actor, id, &fields, &note)))
        .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/admin/items/{id}")).into_response()),
        Err(StorageError::Invalid(e)) => Ok(rejected(editor(
            &staff,
            &dir,
            &form,
            &e,
            Some((&it, &atts)),
            None,
        )?)),
        Err(e) => Err(e.into()),
    }
}

/// What the user may do next with an item in its state.
fn actions(staff: &Staff, path: &str, it: &Item) -> Vec<Value> {
    let edit = staff.can(Permission::EditItems, path);
    let review = staff.can(Permission::ReviewItems, path);
    let url = format!("/admin/items/{}/workflow", it.id);
    let mk = |name: &str, label: &str, reason: bool, time: bool| json!({"name": name, "label": label, "url": url, "needs_reason": reason, "needs_time": time});
    let mut out = vec![];
    match it.status() {
        ItemStatus::Draft if edit => out.push(mk("submit", "提交审核", false, false)),
        ItemStatus::Submitted if review => {
            out.push(mk("approve", "审核通过", false, false));
            out.push(mk("reject", "退回", true, false));
        }
        ItemStatus::Approved if review => {
            out.push(mk("publish", "立即发布", false, false));
            out.push(mk("schedule", "定时发布", false, true));
        }
        ItemStatus::Rejected if edit => out.push(mk("reopen", "重新编辑", false, false)),
        ItemStatus::Scheduled if review => {
            out.push(mk("publish", "立即发布", false, false));
            out.push(mk("reopen", "取消定时", false, false));
        }
        ItemStatus::Published if review => {
            out.push(mk("withdraw", "撤回", true, false));
            out.push(mk("remove", "删除", true, false));
        }
        ItemStatus::Withdrawn if review => {
            out.push(mk("publish", "重新发布", false, false));
            out.push(mk("remove", "删除", true, false));
        }
        _ => {}
    }
    out
}

pub async fn view(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let (it, atts, _) = load_visible(&state, &staff, id).await?;
    let dir = state.directory().await?;
    let (title, body) = (it.title.clone(), it.body_html.clone());
    let (versions, log, check) = state
        .run(move |conn| {
            let check = crate::health::check_content(conn, &title, &body)?;
            let versions = item::versions(conn, id)?;
            let log = gongkai_storage::audit::list(
                conn,
                &gongkai_storage::audit::AuditQuery {
                    entity: Some("item".into()),
                    entity_id: Some(id.to_string()),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )?;
            Ok((versions, log.rows, check))
        })
        .await?;
    let path = org_path(&dir, &it);
    let mut ctx_item =
        crate::portal::item_header(&dir, &it, &atts, &[], &[], &state.config.public_url);
    ctx_item["status_label"] = json!(it.status().label_zh());
    ctx_item["reason"] = json!(it.status_reason);
    render(
        &staff,
        "/admin/items",
        &it.title,
        "admin/item_view.html",
        json!({
            "item": ctx_item,
            "actions": actions(&staff, &path, &it),
            "versions": versions.iter().map(|v| json!({
                "version": v.version, "note": v.change_note, "by": v.created_by.map(|u| u.to_string()).unwrap_or_else(|| "系统".into()),
                "at": page::datetime(v.created_at), "url": format!("/admin/items/{}/versions/{}", id, v.version),
            })).collect::<Vec<_>>(),
            "edit_url": (it.status().is_editable() && staff.can(Permission::EditItems, &path)).then(|| format!("/admin/items/{id}/edit")),
            "public_url": it.status().is_public().then(|| format!("/items/{id}")),
            // 政策解读 are written for a published policy, from its page.
            "new_interpretation_url": (it.status() == ItemStatus::Published
                && it.genre != gongkai_domain::catalogue::Genre::Interpretation.as_str()
                && staff.can(Permission::EditItems, &path))
                .then(|| format!("/admin/interpretations/new?policy={id}")),
            "audit": log.iter().map(|e| json!({"at": page::datetime(e.at), "actor": e.actor, "action": e.action, "summary": e.summary})).collect::<Vec<_>>(),
            "content_check": (!it.status().is_public()).then(|| check.context()),
        }),
    )
}

/// 预览 — the item as the public will see it, before it is published (staff only).
pub async fn preview(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let (it, atts, _) = load_visible(&state, &staff, id).await?;
    let dir = state.directory().await?;
    let site = dir.site(it.site_id).cloned();
    let jar = axum_extra::extract::CookieJar::new();
    let here =
        crate::portal::Here::of_site(&state, site, &jar, &format!("/admin/items/{id}/preview"))
            .await?;
    let mut ctx = json!({
        "item": crate::portal::item_header(&dir, &it, &atts, &[], &[], &state.config.public_url),
        "print": false,
    });
    ctx["item"]["index_number"] = json!(it
        .index_number
        .clone()
        .unwrap_or_else(|| "（发布时生成）".into()));
    ctx["item"]["published_on"] = json!(it
        .published_at
        .map(|p| page::published_date(Some(p)))
        .unwrap_or_else(|| "（发布时生成）".into()));
    here.render(
        "item.html",
        Some(&format!("预览：{}", it.title)),
        None,
        vec![("预览".into(), String::new())],
        ctx,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WorkflowForm {
    action: String,
    reason: String,
    scheduled_at: String,
    csrf: String,
}

pub async fn workflow(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<WorkflowForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let (it, _, _) = load_visible(&state, &staff, id).await?;
    let dir = state.directory().await?;
    let path = org_path(&dir, &it);
    let reason = form.reason.trim().to_string();
    let action = match form.action.as_str() {
        "submit" => WorkflowAction::Submit,
        "approve" => WorkflowAction::Approve,
        "reject" => WorkflowAction::Reject { reason },
        "publish" => WorkflowAction::Publish,
        "schedule" => WorkflowAction::Schedule,
        "withdraw" => WorkflowAction::Withdraw { reason },
        "remove" => WorkflowAction::Remove { reason },
        "reopen" => WorkflowAction::Reopen,
        other => return Err(WebError::BadRequest(format!("未知操作 action=“{other}”"))),
    };
    let needed = match action {
        WorkflowAction::Submit | WorkflowAction::Reopen => Permission::EditItems,
        _ => Permission::ReviewItems,
    };
    staff.require(needed, &path)?;
    // 错敏词: a blocking entry stops the item on its way to the public.
    if matches!(
        action,
        WorkflowAction::Submit
            | WorkflowAction::Approve
            | WorkflowAction::Publish
            | WorkflowAction::Schedule
    ) {
        let (title, body) = (it.title.clone(), it.body_html.clone());
        state
            .run(move |conn| crate::health::check_content(conn, &title, &body))
            .await?
            .refuse_blocking()?;
    }
    let scheduled_at = if matches!(action, WorkflowAction::Schedule) {
        // The form's local time is China Standard Time; storage keeps UTC.
        let t = NaiveDateTime::parse_from_str(form.scheduled_at.trim(), "%Y-%m-%dT%H:%M").map_err(
            |_| {
                WebError::BadRequest(format!(
                    "定时发布时间 scheduled_at=“{}”无效，格式为 YYYY-MM-DDTHH:MM",
                    form.scheduled_at.trim()
                ))
            },
        )?;
        Some(t - chrono::Duration::hours(8))
    } else {
        None
    };
    let actor = staff.actor();
    let pattern = state.config.index_pattern.clone();
    state
        .run(move |conn| {
            Ok(item::transition(
                conn,
                &actor,
                id,
                &action,
                scheduled_at,
                &pattern,
            )?)
        })
        .await?;
    Ok(Redirect::to(&format!("/admin/items/{id}")).into_response())
}

pub async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> WebResult<Response> {
    let (it, _, _) = load_visible(&state, &staff, id).await?;
    let dir = state.directory().await?;
    staff.require(Permission::EditItems, &org_path(&dir, &it))?;
    let up = crate::upload::read(multipart).await?;
    staff.check_csrf(up.field("csrf"))?;
    let (name, bytes) = up.checked_file()?;
    let (name, bytes) = (name.to_string(), bytes.to_vec());
    let actor = staff.actor();
    state
        .run(move |conn| Ok(attachment::add(conn, &actor, id, &name, &bytes)?))
        .await?;
    Ok(Redirect::to(&format!("/admin/items/{id}/edit")).into_response())
}

pub async fn delete_attachment(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, aid)): Path<(i64, i64)>,
    Form(form): Form<crate::auth::CsrfOnly>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let (it, atts, _) = load_visible(&state, &staff, id).await?;
    let dir = state.directory().await?;
    staff.require(Permission::EditItems, &org_path(&dir, &it))?;
    if !atts.iter().any(|a| a.id == aid) {
        return Err(WebError::NotFound);
    }
    let actor = staff.actor();
    state
        .run(move |conn| Ok(attachment::remove(conn, &actor, aid)?))
        .await?;
    Ok(Redirect::to(&format!("/admin/items/{id}/edit")).into_response())
}

pub async fn version(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, v)): Path<(i64, i32)>,
) -> WebResult<Html<String>> {
    let (it, _, _) = load_visible(&state, &staff, id).await?;
    let ver = state
        .run(move |conn| Ok(item::version(conn, id, v)?))
        .await?;
    let snap: Value = serde_json::from_str(&ver.snapshot).unwrap_or(Value::Null);
    let text = |k: &str| snap.get(k).and_then(|v| v.as_str()).map(String::from);
    let fields: Vec<Value> = [
        ("标题", "title"),
        ("索引号", "index_number"),
        ("文号", "doc_number"),
        ("成文日期", "made_on"),
        ("体裁", "genre"),
        ("有效性", "validity"),
        ("失效日期", "invalid_from"),
        ("关键词", "keywords"),
        ("摘要", "summary"),
    ]
    .iter()
    .map(|(label, key)| json!({"label": label, "value": text(key)}))
    .collect();
    render(
        &staff,
        "/admin/items",
        &format!("{} 第 {} 版", it.title, v),
        "admin/version.html",
        json!({
            "item_title": it.title,
            "version": {"version": ver.version, "note": ver.change_note, "by": ver.created_by.map(|u| u.to_string()).unwrap_or_else(|| "系统".into()), "at": page::datetime(ver.created_at)},
            "fields": fields,
            "body_html": text("body_html").unwrap_or_default(),
            "back_url": format!("/admin/items/{id}"),
        }),
    )
}
