//! 依申请公开设置 (platform admins): the working-day calendar in force — years built in and
//! holiday notices loaded since, with the form that loads a new year's notice (holiday-cn JSON or
//! ICS) and recomputes every open case — and the information-processing fee schedule.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use gongkai_domain::request::FeeSchedule;
use gongkai_storage::calendar::{self, NoticeFormat};
use gongkai_storage::{settings, StorageError};
use serde::Deserialize;
use serde_json::{json, Value};

use super::render;
use crate::app::AppState;
use crate::auth::Staff;
use crate::error::{WebError, WebResult};
use crate::page;

const URL: &str = "/admin/requests/settings";

fn require_platform_admin(staff: &Staff) -> WebResult<()> {
    if staff.is_platform_admin() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

async fn settings_page(
    state: &AppState,
    staff: &Staff,
    flash: Option<(&str, String)>,
    fee_text: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let cal = state.calendar().await?;
    let (notices, stored_fees, open) = state
        .run(|conn| {
            Ok((
                calendar::notices(conn)?,
                settings::get(conn, settings::FEE_SCHEDULE)?,
                calendar::open_cases(conn)?,
            ))
        })
        .await?;
    let years: Vec<Value> = cal
        .years()
        .iter()
        .map(|y| json!({"year": y, "sources": cal.sources(*y).unwrap_or(&[])}))
        .collect();
    let mut ctx = json!({
        "years": years,
        "first_year": cal.years().first(),
        "last_year": cal.years().last(),
        "notices": notices.iter().map(|n| json!({
            "years": n.years, "format": n.format, "loaded_by": n.loaded_by,
            "loaded_at": page::datetime(n.loaded_at),
        })).collect::<Vec<_>>(),
        "open_cases": open,
        "calendar_url": format!("{URL}/calendar"),
        "fees_url": format!("{URL}/fees"),
        "fee_text": fee_text.or(stored_fees).unwrap_or_default(),
        "national_fees": FeeSchedule::national().to_text(),
    });
    if let Some((kind, message)) = flash {
        ctx["flash"] = json!({"kind": kind, "message": message});
    }
    let html = render(
        staff,
        URL,
        "依申请公开设置",
        "admin/request_settings.html",
        ctx,
    )?;
    Ok((status, html).into_response())
}

pub async fn show(State(state): State<AppState>, staff: Staff) -> WebResult<Response> {
    require_platform_admin(&staff)?;
    settings_page(&state, &staff, None, None, StatusCode::OK).await
}

/// Loads a holiday notice from an uploaded file or pasted text; open cases are recomputed.
pub async fn load_calendar(
    State(state): State<AppState>,
    staff: Staff,
    multipart: Multipart,
) -> WebResult<Response> {
    let up = crate::upload::read(multipart).await?;
    staff.check_csrf(up.field("csrf"))?;
    require_platform_admin(&staff)?;
    let body = match &up.file {
        Some((_, bytes)) if !bytes.is_empty() => String::from_utf8(bytes.clone())
            .map_err(|_| WebError::BadRequest("文件不是 UTF-8 文本".into()))?,
        _ => up.field("body").to_string(),
    };
    if body.trim().is_empty() {
        let msg = "请选择节假日文件或粘贴其内容（holiday-cn 的 JSON 或 ICS）".to_string();
        return settings_page(
            &state,
            &staff,
            Some(("error", msg)),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let Some(format) = NoticeFormat::sniff(&body) else {
        let msg = "无法识别的格式：应为 holiday-cn 的 JSON（以 { 开头）或 iCalendar 文件（BEGIN:VCALENDAR）".to_string();
        return settings_page(
            &state,
            &staff,
            Some(("error", msg)),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let actor = staff.actor();
    let done = state
        .run(move |conn| Ok(calendar::load(conn, &actor, format, &body)))
        .await?;
    state.calendar.invalidate();
    state.page_cache.invalidate();
    match done {
        Ok(l) => {
            let years = l
                .years
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join("、");
            let mut msg = format!(
                "已载入 {years} 年的节假日安排。检查了 {} 件未答复的申请，{} 件的答复期限随之改变",
                l.checked,
                l.changed.len()
            );
            if !l.changed.is_empty() {
                let list: Vec<String> = l
                    .changed
                    .iter()
                    .map(|c| {
                        format!(
                            "{}：{} → {}",
                            c.tracking_code,
                            c.before
                                .map(|d| d.to_string())
                                .unwrap_or_else(|| "无法计算".into()),
                            c.after
                                .map(|d| d.to_string())
                                .unwrap_or_else(|| "无法计算".into())
                        )
                    })
                    .collect();
                msg.push_str(&format!("（{}）", list.join("；")));
            }
            msg.push('。');
            settings_page(&state, &staff, Some(("ok", msg)), None, StatusCode::OK).await
        }
        Err(StorageError::Domain(e)) => {
            let msg = format!("文件未载入：{e}");
            settings_page(
                &state,
                &staff,
                Some(("error", msg)),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FeesForm {
    csrf: String,
    schedule: String,
}

/// Saves the fee schedule (empty: no fee). An invalid schedule is shown back with the line at fault.
pub async fn save_fees(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<FeesForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require_platform_admin(&staff)?;
    let text = form.schedule.replace("\r\n", "\n");
    let schedule = match FeeSchedule::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            let msg = format!("收费标准未保存：{e}");
            return settings_page(
                &state,
                &staff,
                Some(("error", msg)),
                Some(text),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let normalised = schedule.to_text();
    let actor = staff.actor();
    state
        .run(move |conn| {
            Ok(settings::set(
                conn,
                &actor,
                settings::FEE_SCHEDULE,
                &normalised,
            )?)
        })
        .await?;
    let msg = if schedule.is_none() {
        "已保存：不收取信息处理费。".to_string()
    } else {
        "已保存收费标准。".to_string()
    };
    settings_page(&state, &staff, Some(("ok", msg)), None, StatusCode::OK).await
}
