//! 领导信箱 in the back office: the inbox of the organisations the user handles letters for
//! (watch-word alerts on top for admins), the letter view with its handling steps (转办 and
//! re-routing with reason, 答复, 督办, 不予受理, 公开 with personal data removed), the audited
//! "show contact details", the statistics, and the mailbox settings (reply days, reminder days,
//! watch words, routing rules, leaders).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::mailbox::{LetterStatus, ReplyStats, Timeliness};
use gongkai_domain::role::{Permission, Role};
use gongkai_storage::mailbox::{self, InboxQuery, Letter, SettingsInput, Step, Writer};
use gongkai_storage::StorageError;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{render, scope_org_ids};
use crate::app::AppState;
use crate::auth::Staff;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page;
use crate::request::today;

const P: Permission = Permission::HandleLetters;

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| page::date(Some(d)))
}

/// Organisations whose watch-word alerts the user sees: where they are 单位管理员 (or everything
/// for a platform admin). `Some(vec![])` when none.
fn alert_scope(staff: &Staff, dir: &Directory) -> Option<Vec<i64>> {
    if staff.is_platform_admin() {
        return None;
    }
    Some(
        dir.orgs
            .iter()
            .filter(|o| {
                staff
                    .domain_grants
                    .iter()
                    .any(|g| g.role == Role::OrgAdmin && g.allows(P, &o.path))
            })
            .map(|o| o.id)
            .collect(),
    )
}

/// The 舆情预警 panel of the dashboard: unseen watch-word alerts of the organisations the user
/// administers, so an admin learns of them on signing in without opening the mailbox. `None` when
/// the user administers no organisation (the panel is not shown).
pub(crate) async fn dashboard_alerts(state: &AppState, staff: &Staff) -> WebResult<Option<Value>> {
    if !staff.has_any(P) {
        return Ok(None);
    }
    let dir = state.directory().await?;
    let scope = alert_scope(staff, &dir);
    if scope.as_ref().is_some_and(|s| s.is_empty()) {
        return Ok(None);
    }
    let alerts = state
        .run(move |conn| Ok(mailbox::open_alerts(conn, scope.as_deref())?))
        .await?;
    Ok(Some(json!({
        "url": "/admin/letters",
        "open": alerts.len(),
        "top": alerts.iter().take(10).map(|(a, code, subject)| alert_row(&dir, a, code, subject)).collect::<Vec<_>>(),
    })))
}

fn alert_row(dir: &Directory, a: &mailbox::Alert, code: &str, subject: &str) -> Value {
    json!({
        "words": a.words,
        "tracking_code": code,
        "subject": subject,
        "org": dir.org_name(a.org_id),
        "at": page::datetime(a.created_at),
        "url": format!("/admin/letters/{}", a.letter_id),
        "seen_url": format!("/admin/letters/alerts/{}/seen", a.id),
    })
}

fn timeliness_of(l: &Letter, reminder_days: u32) -> Option<Timeliness> {
    l.timeliness(&WorkingCalendar::builtin(), today(), reminder_days)
}

fn row(dir: &Directory, l: &Letter, reminder_days: u32) -> Value {
    let t = timeliness_of(l, reminder_days);
    json!({
        "url": format!("/admin/letters/{}", l.id),
        "tracking_code": l.tracking_code,
        "subject": l.subject,
        "writer": l.writer_masked,
        "org": dir.org_name(l.org_id),
        "status": l.status().label_zh(),
        "received_on": page::date(Some(l.received_on)),
        "due_on": date(l.due_on),
        "timeliness": t.map(|t| t.label()),
        "overdue": matches!(t, Some(Timeliness::Overdue { .. })),
        "reminder": matches!(t, Some(Timeliness::ReminderDue { .. })),
        "escalations": l.escalations,
        "watch_hits": l.watch_hits(),
        "over_3_months": l.open_over_3_months(today()),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InboxParams {
    status: String,
    page: Option<i64>,
}

pub async fn inbox(
    State(state): State<AppState>,
    staff: Staff,
    Query(p): Query<InboxParams>,
) -> WebResult<Html<String>> {
    if !staff.has_any(P) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let scope = scope_org_ids(&staff, &dir, P);
    let alerts_scope = alert_scope(&staff, &dir);
    let status: Option<LetterStatus> = match p.status.trim() {
        "" => None,
        s => Some(
            s.parse()
                .map_err(|_| WebError::BadRequest(format!("status=“{s}”不是可选的值")))?,
        ),
    };
    let page_no = p.page.unwrap_or(1);
    let site_id = dir.portal().map(|s| s.id);
    let (list, alerts, settings) = state
        .run(move |conn| {
            let q = InboxQuery {
                org_ids: scope,
                status,
                page: page_no,
                per_page: 50,
            };
            let alerts = match &alerts_scope {
                Some(ids) if ids.is_empty() => vec![],
                other => mailbox::open_alerts(conn, other.as_deref())?,
            };
            Ok((
                mailbox::inbox(conn, &q)?,
                alerts,
                mailbox::settings(conn, site_id)?,
            ))
        })
        .await?;
    let status_code = status.map(|s| s.as_str()).unwrap_or("");
    render(
        &staff,
        "/admin/letters",
        "领导信箱",
        "admin/letters.html",
        json!({
            "alerts": alerts.iter().map(|(a, code, subject)| alert_row(&dir, a, code, subject)).collect::<Vec<_>>(),
            "letters": list.rows.iter().map(|l| row(&dir, l, settings.reminder_days)).collect::<Vec<_>>(),
            "total": list.total,
            "statuses": LetterStatus::ALL.iter().map(|s| json!({
                "value": s.as_str(), "label": s.label_zh(), "current": s.as_str() == status_code,
                "url": format!("/admin/letters?status={}", s.as_str()),
            })).collect::<Vec<_>>(),
            "all_url": "/admin/letters",
            "stats_url": "/admin/letters/stats",
            "settings_url": if staff.is_platform_admin() { json!("/admin/mailbox/settings") } else { Value::Null },
            "pagination": page::pagination(list.page, list.per_page, list.total, |n| format!("/admin/letters?status={status_code}&page={n}")),
        }),
    )
}

async fn load(state: &AppState, staff: &Staff, id: i64) -> WebResult<Letter> {
    let l = state.run(move |conn| Ok(mailbox::get(conn, id)?)).await?;
    let dir = state.directory().await?;
    let path = dir
        .org(l.org_id)
        .map(|o| o.path.clone())
        .unwrap_or_default();
    // The organisation written to may follow the letters it passed on.
    let addressed = dir
        .org(l.addressed_org_id)
        .map(|o| o.path.clone())
        .unwrap_or_default();
    if !staff.can(P, &path) && !staff.can(P, &addressed) {
        return Err(WebError::Forbidden);
    }
    Ok(l)
}

fn field(name: &str, label: &str, kind: &str, value: &str, options: Vec<Value>) -> Value {
    json!({"name": name, "label": label, "kind": kind, "value": value, "options": options})
}

async fn view_page(
    state: &AppState,
    staff: &Staff,
    l: Letter,
    writer: Option<Writer>,
    flash: Option<(&str, String)>,
) -> WebResult<Html<String>> {
    let dir = state.directory().await?;
    let id = l.id;
    let key = state.data_key.clone();
    let site_id = l.site_id;
    let (history, rating, settings, leader, proposal) = state
        .run(move |conn| {
            let l2 = mailbox::get(conn, id)?;
            let leader = match l2.leader_id {
                Some(x) => Some(mailbox::leader(conn, x)?),
                None => None,
            };
            Ok((
                mailbox::events(conn, id)?,
                mailbox::rating(conn, id)?,
                mailbox::settings(conn, site_id)?,
                leader,
                mailbox::proposed_publication(&key, &l2)?,
            ))
        })
        .await?;
    let status = l.status();
    let t = timeliness_of(&l, settings.reminder_days);
    let url = format!("/admin/letters/{id}/act");
    let today_text = page::date(Some(today()));
    let mk = |name: &str, label: &str, fields: Vec<Value>| json!({"name": name, "label": label, "url": url, "fields": fields});
    let mut actions = vec![];
    if status.is_open() {
        let orgs: Vec<Value> = dir
            .orgs
            .iter()
            .filter(|o| o.id != l.org_id)
            .map(|o| json!({"value": o.id.to_string(), "label": o.name}))
            .collect();
        let rerouting = status == LetterStatus::Routed;
        actions.push(mk(
            "route",
            if rerouting {
                "改派（重新转办）"
            } else {
                "转办"
            },
            vec![
                field("org_id", "承办单位", "select", "", orgs),
                field(
                    "reason",
                    if rerouting {
                        "改派理由（必填）"
                    } else {
                        "转办说明"
                    },
                    "text",
                    "",
                    vec![],
                ),
            ],
        ));
        actions.push(mk(
            "reply",
            "答复",
            vec![
                field("on", "答复日期", "date", &today_text, vec![]),
                field("reply", "答复内容", "textarea", "", vec![]),
            ],
        ));
        if matches!(t, Some(Timeliness::Overdue { .. })) {
            actions.push(mk(
                "escalate",
                "督办",
                vec![
                    field("on", "督办日期", "date", &today_text, vec![]),
                    field("note", "督办意见", "textarea", "", vec![]),
                ],
            ));
        }
        actions.push(mk(
            "decline",
            "不予受理",
            vec![field(
                "reason",
                "理由（将告知写信人）",
                "textarea",
                "",
                vec![],
            )],
        ));
    }
    if status == LetterStatus::Replied && l.publish_consent && l.published_at.is_none() {
        let (s, b, r) = &proposal;
        actions.push(mk(
            "publish",
            "公开（已隐去个人信息，请核对）",
            vec![
                field("public_subject", "公开标题", "text", s, vec![]),
                field("public_body", "公开的来信内容", "textarea", b, vec![]),
                field("public_reply", "公开的答复内容", "textarea", r, vec![]),
            ],
        ));
    }
    if l.published_at.is_some() {
        actions.push(mk(
            "unpublish",
            "撤销公开",
            vec![field("reason", "理由", "text", "", vec![])],
        ));
    }
    let revealed = writer.is_some();
    let ctx = json!({
        "letter": {
            "id": l.id,
            "tracking_code": l.tracking_code,
            "subject": l.subject,
            "body": l.body,
            "category": l.category_label(),
            "to": leader.map(|x| x.label()).unwrap_or_else(|| dir.org_name(l.addressed_org_id)),
            "org": dir.org_name(l.org_id),
            "status": status.label_zh(),
            "received_at": page::datetime(l.received_at + chrono::Duration::hours(8)),
            "due_on": date(l.due_on),
            "deadline_note": l.deadline_note,
            "timeliness": t.map(|t| t.label()),
            "overdue": matches!(t, Some(Timeliness::Overdue { .. })),
            "escalations": l.escalations,
            "reply": l.reply,
            "replied_on": date(l.replied_on),
            "reply_working_days": l.reply_working_days,
            "publish_consent": l.publish_consent,
            "published_url": l.published_at.map(|_| format!("/mailbox/letters/{id}")),
            "watch_hits": l.watch_hits(),
            "writer": writer.as_ref().map(|w| w.name.clone()).unwrap_or_else(|| l.writer_masked.clone()),
            "phone": writer.as_ref().map(|w| w.phone.clone()).unwrap_or_else(|| l.phone_masked.clone()),
            "email": writer.as_ref().and_then(|w| w.email.clone()),
            "rating": rating.as_ref().and_then(|r| r.satisfaction()).map(|s| s.label_zh()),
            "rating_comment": rating.as_ref().map(|r| r.comment.clone()),
        },
        "revealed": revealed,
        "reveal_url": format!("/admin/letters/{id}/reveal"),
        "actions": actions,
        "history": history.iter().map(|e| json!({
            "kind": event_label(&e.kind),
            "org": e.org_id.map(|o| dir.org_name(o)),
            "detail": event_detail(&e.detail),
            "actor": e.actor,
            "at": page::datetime(e.at + chrono::Duration::hours(8)),
        })).collect::<Vec<_>>(),
        "back_url": "/admin/letters",
        "flash": flash.map(|(kind, message)| json!({"kind": kind, "message": message})),
    });
    render(
        staff,
        "/admin/letters",
        &format!("信件 {}", l.tracking_code),
        "admin/letter_view.html",
        ctx,
    )
}

fn event_label(kind: &str) -> &'static str {
    match kind {
        "received" => "收信",
        "imported" => "导入",
        "routed" => "按规则转办",
        "route" => "转办",
        "reply" => "答复",
        "decline" => "不予受理",
        "escalate" => "督办",
        "reminded" => "到期提醒",
        "rated" => "写信人评价",
        "publish" => "公开",
        "unpublish" => "撤销公开",
        _ => "其他",
    }
}

/// The reason or note of an event, when it has one.
fn event_detail(detail: &str) -> String {
    let v: Value = serde_json::from_str(detail).unwrap_or(Value::Null);
    ["reason", "note", "category"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("；")
}

pub async fn view(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let l = load(&state, &staff, id).await?;
    view_page(&state, &staff, l, None, None).await
}

/// 查看联系方式 — the writer's name, phone and e-mail in clear, written to the audit log first.
pub async fn reveal(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<crate::auth::CsrfOnly>,
) -> WebResult<Html<String>> {
    staff.check_csrf(&form.csrf)?;
    let l = load(&state, &staff, id).await?;
    let key = state.data_key.clone();
    let actor = staff.actor();
    let writer = state
        .run(move |conn| Ok(mailbox::reveal(conn, &key, &actor, id)?))
        .await?;
    view_page(&state, &staff, l, Some(writer), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActForm {
    action: String,
    csrf: String,
    on: String,
    org_id: String,
    reason: String,
    reply: String,
    note: String,
    public_subject: String,
    public_body: String,
    public_reply: String,
}

fn parse_date(raw: &str) -> WebResult<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| WebError::BadRequest(format!("日期“{}”无效，格式为 YYYY-MM-DD", raw.trim())))
}

pub async fn act(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ActForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let l = load(&state, &staff, id).await?;
    let step = match form.action.as_str() {
        "route" => {
            let org_id: i64 = form
                .org_id
                .trim()
                .parse()
                .map_err(|_| WebError::BadRequest("请选择承办单位".into()))?;
            Step::Route {
                org_id,
                reason: form.reason.clone(),
            }
        }
        "reply" => Step::Reply {
            on: parse_date(&form.on)?,
            text: form.reply.clone(),
        },
        "decline" => Step::Decline {
            reason: form.reason.clone(),
        },
        "escalate" => Step::Escalate {
            on: parse_date(&form.on)?,
            note: form.note.clone(),
        },
        "publish" => Step::Publish {
            subject: form.public_subject.clone(),
            body: form.public_body.clone(),
            reply: form.public_reply.clone(),
        },
        "unpublish" => Step::Unpublish {
            reason: form.reason.clone(),
        },
        other => return Err(WebError::BadRequest(format!("未知的操作“{other}”"))),
    };
    let actor = staff.actor();
    let done = state
        .run(move |conn| {
            Ok(mailbox::act(
                conn,
                &WorkingCalendar::builtin(),
                &actor,
                id,
                &step,
                today(),
            ))
        })
        .await?;
    let message = match done {
        Ok(_) => return Ok(Redirect::to(&format!("/admin/letters/{id}")).into_response()),
        Err(StorageError::Domain(e)) => format!("操作未执行：{e}"),
        Err(StorageError::Invalid(e)) => format!(
            "操作未执行：{}",
            e.0.values().cloned().collect::<Vec<_>>().join("；")
        ),
        Err(StorageError::Conflict(m)) => format!("操作未执行：{m}"),
        Err(e) => return Err(e.into()),
    };
    let html = view_page(&state, &staff, l, None, Some(("error", message))).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

pub async fn alert_seen(
    State(state): State<AppState>,
    staff: Staff,
    Path(alert_id): Path<i64>,
    Form(form): Form<crate::auth::CsrfOnly>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let dir = state.directory().await?;
    let a = state
        .run(move |conn| Ok(mailbox::alert(conn, alert_id)?))
        .await?;
    let allowed = match alert_scope(&staff, &dir) {
        None => true,
        Some(ids) => ids.contains(&a.org_id),
    };
    if !allowed {
        return Err(WebError::Forbidden);
    }
    let actor = staff.actor();
    state
        .run(move |conn| Ok(mailbox::dismiss_alert(conn, &actor, alert_id)?))
        .await?;
    Ok(Redirect::to("/admin/letters").into_response())
}

// ------------------------------------------------------------------ statistics

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatsParams {
    year: String,
}

fn stats_row(name: String, s: &ReplyStats) -> Value {
    let pct = |v: Option<f64>| v.map(|x| format!("{x:.1}%"));
    json!({
        "name": name,
        "received": s.received,
        "replied": s.replied,
        "on_time_rate": pct(s.on_time_rate),
        "median_days": s.median_days,
        "p90_days": s.p90_days,
        "satisfaction_rate": pct(s.satisfaction_rate),
        "rated": s.rated,
        "open": s.open,
        "open_over_3_months": s.open_over_3_months,
    })
}

pub async fn stats(
    State(state): State<AppState>,
    staff: Staff,
    Query(p): Query<StatsParams>,
) -> WebResult<Html<String>> {
    if !staff.has_any(P) {
        return Err(WebError::Forbidden);
    }
    let year: Option<i32> = match p.year.trim() {
        "" => None,
        y => Some(
            y.parse()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| WebError::BadRequest(format!("年份“{y}”无效")))?,
        ),
    };
    let dir = state.directory().await?;
    let scope = scope_org_ids(&staff, &dir, P);
    let today = today();
    let (s, years, leaders) = state
        .run(move |conn| {
            Ok((
                mailbox::statistics(
                    conn,
                    &WorkingCalendar::builtin(),
                    year,
                    scope.as_deref(),
                    today,
                )?,
                mailbox::years(conn)?,
                mailbox::leaders(conn, false)?,
            ))
        })
        .await?;
    let leader_name = |id: i64| {
        leaders
            .iter()
            .find(|l| l.id == id)
            .map(|l| l.label())
            .unwrap_or_else(|| format!("#{id}"))
    };
    render(
        &staff,
        "/admin/letters",
        "信箱统计",
        "admin/letter_stats.html",
        json!({
            "year": year,
            "years": years.iter().rev().map(|y| json!({"value": y, "url": format!("/admin/letters/stats?year={y}"), "current": Some(*y) == year})).collect::<Vec<_>>(),
            "all_url": "/admin/letters/stats",
            "today": page::date(Some(today)),
            "by_org": std::iter::once(stats_row("合计".into(), &s.total))
                .chain(s.by_org.iter().map(|(o, r)| stats_row(dir.org_name(*o), r)))
                .collect::<Vec<_>>(),
            "by_leader": s.by_leader.iter().map(|(l, r)| stats_row(leader_name(*l), r)).collect::<Vec<_>>(),
            "open": s.open.iter().take(500).map(|o| json!({
                "url": format!("/admin/letters/{}", o.id),
                "tracking_code": o.tracking_code,
                "subject": o.subject,
                "org": dir.org_name(o.org_id),
                "received_on": page::date(Some(o.received_on)),
                "age_days": o.age_days,
                "over_3_months": o.over_3_months,
            })).collect::<Vec<_>>(),
            "open_total": s.open.len(),
            "back_url": "/admin/letters",
        }),
    )
}

// ------------------------------------------------------------------ settings

/// Only platform admins change the mailbox's site-wide settings (deadline, watch words, rules).
fn require_settings(staff: &Staff) -> WebResult<()> {
    if staff.is_platform_admin() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

async fn settings_page(
    state: &AppState,
    staff: &Staff,
    values: Option<&SettingsInput>,
    errors: Value,
    status: StatusCode,
) -> WebResult<Response> {
    let dir = state.directory().await?;
    let site_id = dir.portal().map(|s| s.id);
    let (settings, routes, leaders, tree) = state
        .run(move |conn| {
            Ok((
                mailbox::settings(conn, site_id)?,
                mailbox::routes(conn)?,
                mailbox::leaders(conn, false)?,
                mailbox::category_tree(conn)?,
            ))
        })
        .await?;
    let values = match values {
        Some(v) => json!(v),
        None => json!({
            "reply_days": settings.reply_days.to_string(),
            "reminder_days": settings.reminder_days.to_string(),
            "watch_words": settings.watch_words.to_text(),
        }),
    };
    let org_options: Vec<Value> = dir
        .orgs
        .iter()
        .map(|o| json!({"value": o.id.to_string(), "label": o.name}))
        .collect();
    let mut nodes: Vec<String> = vec![];
    for leaf in tree.leaves() {
        let levels = leaf.levels();
        for depth in 1..=levels.len() {
            let code = levels[..depth].join("/");
            if !nodes.contains(&code) {
                nodes.push(code);
            }
        }
    }
    let html = render(
        staff,
        "/admin/letters",
        "信箱设置",
        "admin/mailbox_settings.html",
        json!({
            "form_action": "/admin/mailbox/settings",
            "values": values,
            "errors": errors,
            "has_portal": site_id.is_some(),
            "routes": routes.iter().map(|r| json!({
                "category": r.category.replace('/', " › "),
                "org": dir.org_name(r.org_id),
                "delete_url": format!("/admin/mailbox/routes/{}/delete", r.id),
            })).collect::<Vec<_>>(),
            "route_action": "/admin/mailbox/routes",
            "category_options": nodes.iter().map(|n| json!({"value": n, "label": n.replace('/', " › ")})).collect::<Vec<_>>(),
            "org_options": org_options,
            "leaders": leaders.iter().map(|l| json!({"label": l.label(), "org": dir.org_name(l.org_id), "active": l.active})).collect::<Vec<_>>(),
            "leader_action": "/admin/mailbox/leaders",
            "back_url": "/admin/letters",
        }),
    )?;
    Ok((status, html).into_response())
}

pub async fn settings(State(state): State<AppState>, staff: Staff) -> WebResult<Response> {
    require_settings(&staff)?;
    settings_page(&state, &staff, None, json!({}), StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    #[serde(flatten)]
    input: SettingsInput,
    csrf: String,
}

pub async fn save_settings(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<SettingsForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_settings(&staff)?;
    let dir = state.directory().await?;
    let site_id = dir
        .portal()
        .map(|s| s.id)
        .ok_or_else(|| WebError::Conflict("平台还没有门户网站".into()))?;
    let actor = staff.actor();
    let input = form.input.clone();
    let done = state
        .run(move |conn| Ok(mailbox::save_settings(conn, &actor, site_id, &input)))
        .await?;
    match done {
        Ok(_) => Ok(Redirect::to("/admin/mailbox/settings").into_response()),
        Err(StorageError::Invalid(e)) => {
            settings_page(
                &state,
                &staff,
                Some(&form.input),
                json!(e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RouteForm {
    category: String,
    org_id: String,
    csrf: String,
}

pub async fn add_route(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<RouteForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_settings(&staff)?;
    let org_id: i64 = form.org_id.trim().parse().unwrap_or(0);
    let actor = staff.actor();
    let done = state
        .run(move |conn| Ok(mailbox::set_route(conn, &actor, &form.category, org_id)))
        .await?;
    match done {
        Ok(()) => Ok(Redirect::to("/admin/mailbox/settings").into_response()),
        Err(StorageError::Invalid(e)) => {
            let errors = json!({"_form": format!("转办规则未保存：{}", e.0.values().cloned().collect::<Vec<_>>().join("；"))});
            settings_page(
                &state,
                &staff,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_route(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<crate::auth::CsrfOnly>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_settings(&staff)?;
    let actor = staff.actor();
    state
        .run(move |conn| Ok(mailbox::delete_route(conn, &actor, id)?))
        .await?;
    Ok(Redirect::to("/admin/mailbox/settings").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LeaderForm {
    name: String,
    title: String,
    org_id: String,
    csrf: String,
}

pub async fn add_leader(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<LeaderForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_settings(&staff)?;
    let org_id: i64 = form.org_id.trim().parse().unwrap_or(0);
    let actor = staff.actor();
    let done = state
        .run(move |conn| {
            Ok(mailbox::ensure_leader(
                conn,
                &actor,
                &form.name,
                &form.title,
                org_id,
            ))
        })
        .await?;
    match done {
        Ok(_) => Ok(Redirect::to("/admin/mailbox/settings").into_response()),
        Err(StorageError::Invalid(e)) => {
            let errors = json!({"_form": format!("领导未添加：{}", e.0.values().cloned().collect::<Vec<_>>().join("；"))});
            settings_page(
                &state,
                &staff,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
