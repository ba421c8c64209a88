//! 后台 — the back office: dashboard, items and their workflow, users, sites and columns,
//! organisations, the audit log. Every handler checks the signed-in user's roles against the
//! organisation of what it touches; every POST checks the session's CSRF token.

mod consultations;
mod events;
mod interpretations;
mod items;
mod key_areas;
mod letters;
mod manage;
mod reports;
mod request_settings;
mod request_stats;
mod requests;
mod search_tools;
mod subjects;
mod surveys;

use axum::routing::{get, post};
use axum::Router;
use gongkai_domain::role::{Permission, Role};
use serde_json::{json, Value};

use crate::app::AppState;
use crate::auth::Staff;
use crate::directory::Directory;
use crate::page::merge;

const UPLOAD_BODY_CAP: usize = 64 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(items::dashboard))
        .route("/items", get(items::list).post(items::create))
        .route("/items/new", get(items::new_form))
        .route("/items/{id}", get(items::view).post(items::update))
        .route("/items/{id}/edit", get(items::edit_form))
        .route("/items/{id}/preview", get(items::preview))
        .route("/items/{id}/workflow", post(items::workflow))
        // Uploads may run past the attachment limit so the sender gets the 413 page instead of
        // a cut connection; beyond this cap the connection is cut.
        .route(
            "/items/{id}/attachments",
            post(items::upload).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_CAP)),
        )
        .route(
            "/items/{id}/attachments/{aid}/delete",
            post(items::delete_attachment),
        )
        .route("/items/{id}/versions/{v}", get(items::version))
        .route("/audit", get(manage::audit))
        .route("/users", get(manage::users).post(manage::create_user))
        .route("/users/new", get(manage::new_user))
        .route("/users/{id}", get(manage::view_user))
        .route("/users/{id}/status", post(manage::user_status))
        .route("/users/{id}/email", post(manage::user_email))
        .route("/users/{id}/grants", post(manage::add_grant))
        .route("/users/{id}/grants/revoke", post(manage::remove_grant))
        .route("/sites", get(manage::sites).post(manage::create_site))
        .route("/sites/{id}", post(manage::rename_site))
        .route(
            "/sites/{id}/columns",
            get(manage::columns).post(manage::create_column),
        )
        .route(
            "/columns/{id}",
            get(manage::edit_column).post(manage::update_column),
        )
        .route("/columns/{id}/delete", post(manage::delete_column))
        .route("/orgs", get(manage::orgs).post(manage::create_org))
        .route("/subjects", get(subjects::list).post(subjects::create))
        .route("/search", get(search_tools::show))
        .route("/search/synonyms", post(search_tools::add_synonyms))
        .route(
            "/search/synonyms/{id}/delete",
            post(search_tools::delete_synonyms),
        )
        .route("/search/best-bets", post(search_tools::set_best_bet))
        .route(
            "/search/best-bets/{id}/delete",
            post(search_tools::delete_best_bet),
        )
        .route("/search/words", post(search_tools::add_user_words))
        .route(
            "/search/words/{id}/delete",
            post(search_tools::delete_user_word),
        )
        .route("/search/retokenize", post(search_tools::retokenize))
        .route("/requests", get(requests::list).post(requests::create))
        .route("/requests/new", get(requests::new_form))
        .route("/requests/settings", get(request_settings::show))
        .route(
            "/requests/settings/calendar",
            post(request_settings::load_calendar),
        )
        .route("/requests/settings/fees", post(request_settings::save_fees))
        .route("/requests/{id}", get(requests::view))
        .route("/requests/{id}/reveal", post(requests::reveal))
        .route("/requests/{id}/act", post(requests::act))
        .route("/requests/{id}/files", post(requests::upload_file))
        .route("/requests/{id}/files/{fid}", get(requests::download_file))
        .route("/requests/{id}/fee", post(requests::fee))
        .route("/requests/{id}/publish", post(requests::publish))
        .route("/requests/{id}/notice", post(requests::notice))
        .route("/requests/stats", get(request_stats::show))
        .route("/letters", get(letters::inbox))
        .route("/letters/stats", get(letters::stats))
        .route("/letters/{id}", get(letters::view))
        .route("/letters/{id}/reveal", post(letters::reveal))
        .route("/letters/{id}/act", post(letters::act))
        .route("/letters/alerts/{id}/seen", post(letters::alert_seen))
        .route(
            "/mailbox/settings",
            get(letters::settings).post(letters::save_settings),
        )
        .route("/mailbox/routes", post(letters::add_route))
        .route("/mailbox/routes/{id}/delete", post(letters::delete_route))
        .route("/mailbox/leaders", post(letters::add_leader))
        .merge(surveys::routes())
        .merge(reports::routes())
        .merge(events::routes())
        .merge(consultations::routes())
        .merge(interpretations::routes())
        .merge(crate::health::admin_routes())
        .merge(key_areas::routes())
}

/// The keys of `admin/base.html` for a signed-in user.
pub fn base(staff: &Staff, current: &str, page_title: &str) -> Value {
    let mut nav = vec![("工作台", "/admin")];
    if staff.has_any(Permission::EditItems) || staff.has_any(Permission::ReviewItems) {
        nav.push(("信息管理", "/admin/items"));
    }
    if staff.has_any(Permission::HandleRequests) {
        nav.push(("依申请公开", "/admin/requests"));
    }
    if staff.has_any(Permission::ManageSites) {
        nav.push(("网站与栏目", "/admin/sites"));
        nav.push(("搜索管理", "/admin/search"));
    }
    if staff.has_any(Permission::ManageUsers) {
        nav.push(("用户", "/admin/users"));
    }
    if staff.has_any(Permission::ManageOrganisations) {
        nav.push(("组织机构", "/admin/orgs"));
        nav.push(("主题分类", "/admin/subjects"));
    }
    if staff.has_any(Permission::ViewAudit) {
        nav.push(("审计日志", "/admin/audit"));
    }
    if staff.has_any(Permission::HandleLetters) {
        nav.push(("领导信箱", "/admin/letters"));
    }
    if staff.has_any(Permission::EditItems) {
        nav.push(("征集调查", "/admin/surveys"));
        nav.push(("在线访谈", "/admin/events/interview"));
        nav.push(("新闻发布会", "/admin/events/press_conference"));
        nav.push(("公开征求意见", "/admin/consultations"));
        nav.push(("政策解读", "/admin/interpretations"));
        nav.push(("重大建设项目", "/admin/major-projects"));
        nav.push(("办事指南", "/admin/service-guides"));
        nav.push(("政府公报", "/admin/gazette"));
        nav.push(("政务新媒体", "/admin/media-accounts"));
        nav.push(("统计与年报", reports::URL));
    }
    if staff.has_any(Permission::ManageSites) {
        nav.push(("网站健康", "/admin/health"));
    }
    let roles: Vec<String> = staff
        .grants
        .iter()
        .map(|g| {
            format!(
                "{}（{}）",
                g.role
                    .parse::<Role>()
                    .map(|r| r.label_zh())
                    .unwrap_or(&g.role),
                g.org_name
            )
        })
        .collect();
    json!({
        "user": {"display_name": staff.user.display_name, "username": staff.user.username, "roles": roles},
        "csrf": staff.csrf,
        "logout_url": "/admin/logout",
        "admin_nav": nav.iter().map(|(n, u)| json!({"name": n, "url": u, "current": *u == current})).collect::<Vec<_>>(),
        "flash": null,
        "page_title": page_title,
        "large_text": staff.large_text,
        "toggle_large_text_url": format!("/large-text?back={}", urlencoding::encode(current)),
    })
}

pub fn render(
    staff: &Staff,
    current: &str,
    page_title: &str,
    template: &str,
    extra: Value,
) -> crate::error::WebResult<axum::response::Html<String>> {
    crate::page::render(template, &merge(base(staff, current, page_title), extra))
}

/// Organisations where the user holds `p`, as select options (tree order).
pub fn org_options(staff: &Staff, dir: &Directory, p: Permission) -> Vec<Value> {
    dir.orgs
        .iter()
        .filter(|o| staff.can(p, &o.path))
        .map(|o| json!({"value": o.id.to_string(), "label": format!("{}{}", "　".repeat(o.path.matches('/').count().saturating_sub(2)), o.name)}))
        .collect()
}

/// Ids of the organisations where the user holds `p`; `None` when that is all of them.
pub fn scope_org_ids(staff: &Staff, dir: &Directory, p: Permission) -> Option<Vec<i64>> {
    if staff.is_platform_admin() {
        return None;
    }
    Some(
        dir.orgs
            .iter()
            .filter(|o| staff.can(p, &o.path))
            .map(|o| o.id)
            .collect(),
    )
}

pub fn options<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<Value> {
    all.iter()
        .map(|v| json!({"value": code(*v), "label": label(*v)}))
        .collect()
}
