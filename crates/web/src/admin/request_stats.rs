//! 依申请公开统计 in the back office: received, answered, on-time rate, working days to answer
//! (median and 90th percentile), outcome mix and the open caseload, per organisation and in total,
//! for a year or a date range. Every figure is computed from the cases
//! ([`gongkai_storage::request::stats`]); a handler sees the organisations where they handle
//! requests, a city-level handler all of them.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use gongkai_domain::item::{parse_date, FieldErrors};
use gongkai_domain::request::OutcomeCategory;
use gongkai_domain::role::Permission;
use gongkai_storage::request::imported;
use gongkai_storage::request::stats::{self, Figures, Period};
use serde_json::{json, Value};

use super::{render, scope_org_ids};
use crate::app::AppState;
use crate::auth::Staff;
use crate::error::{WebError, WebResult};
use crate::page;
use crate::request::today;

pub const URL: &str = "/admin/requests/stats";
/// The earliest year offered (the builtin calendar starts in 2007).
const FIRST_YEAR: i32 = 2007;

fn period_of(q: &HashMap<String, String>, today: NaiveDate) -> Result<Period, FieldErrors> {
    let mut e = FieldErrors::default();
    let get = |k: &str| q.get(k).map(|s| s.trim()).unwrap_or("");
    let (year, from, to) = (get("year"), get("from"), get("to"));
    if !year.is_empty() {
        return match year.parse::<i32>() {
            Ok(y) if (FIRST_YEAR..=today.year()).contains(&y) => Period::year(y).map_err(|_| {
                e.add("year", "年度无效");
                e
            }),
            _ => {
                e.add(
                    "year",
                    format!("年度应为 {FIRST_YEAR} 至 {} 之间的年份", today.year()),
                );
                Err(e)
            }
        };
    }
    if from.is_empty() && to.is_empty() {
        return Ok(Period::year(today.year()).expect("this year is a year"));
    }
    let mut date = |field: &str, raw: &str| -> Option<NaiveDate> {
        if raw.is_empty() {
            e.add(field, "请同时填写开始日期和结束日期");
            return None;
        }
        let d = parse_date(raw);
        if d.is_none() {
            e.add(field, format!("日期“{raw}”无法识别，请按 YYYY-MM-DD 填写"));
        }
        d
    };
    let (from, to) = (date("from", from), date("to", to));
    match (from, to) {
        (Some(f), Some(t)) if t < f => {
            e.add("to", "结束日期不能早于开始日期");
            Err(e)
        }
        (Some(f), Some(t)) if e.is_empty() => Ok(Period { from: f, to: t }),
        _ => Err(e),
    }
}

fn rate(f: &Figures) -> String {
    f.on_time_rate
        .map(|r| format!("{r:.1}%"))
        .unwrap_or_else(|| "—".into())
}

fn row(org: String, is_total: bool, f: &Figures) -> Value {
    json!({
        "org": org,
        "is_total": is_total,
        "received": f.received,
        "answered": f.answered,
        "on_time": format!("{}（{} 件逾期）", rate(f), f.late),
        "median": f.median_working_days.map(|m| format!("{m:.1}")).unwrap_or_else(|| "—".into()),
        "p90": f.p90_working_days.map(|p| p.to_string()).unwrap_or_else(|| "—".into()),
        "open": f.open,
        "due_soon": f.due_soon,
        "overdue": f.overdue,
        "outcomes": f.outcomes.iter().map(|o| o.count).collect::<Vec<_>>(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<Response> {
    if !staff.has_any(Permission::HandleRequests) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let scope = scope_org_ids(&staff, &dir, Permission::HandleRequests);
    let today = today();
    let values = json!({
        "year": q.get("year").cloned().unwrap_or_default(),
        "from": q.get("from").cloned().unwrap_or_default(),
        "to": q.get("to").cloned().unwrap_or_default(),
    });
    let mut years: Vec<i32> = (FIRST_YEAR..=today.year()).rev().collect();
    years.truncate(20);
    let year_options: Vec<Value> = years
        .iter()
        .map(|y| json!({"value": y.to_string(), "label": format!("{y} 年")}))
        .collect();
    let outcome_labels: Vec<&str> = OutcomeCategory::ALL.iter().map(|c| c.label()).collect();
    let base = json!({
        "form_action": URL,
        "caseload_url": "/admin/requests",
        "values": values,
        "year_options": year_options,
        "outcome_labels": outcome_labels,
        "today": page::date(Some(today)),
    });
    let period = match period_of(&q, today) {
        Ok(p) => p,
        Err(errors) => {
            let html = render(
                &staff,
                "/admin/requests",
                "依申请公开统计",
                "admin/request_stats.html",
                page::merge(
                    base,
                    json!({"errors": errors, "period_label": null, "soon_until": null,
                           "rows": [], "open_by_due": [], "imported": 0}),
                ),
            )?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
    };
    let s_scope = scope.clone();
    let cal = state.calendar().await?;
    let (s, imported) = state
        .run(move |conn| {
            let s = stats::statistics(conn, &cal, s_scope.as_deref(), period, today)?;
            let n = imported::count(conn, s_scope.as_deref())?;
            Ok((s, n))
        })
        .await?;
    let by_id: HashMap<i64, &Figures> = s.orgs.iter().map(|o| (o.org_id, &o.figures)).collect();
    let total_label = if scope.is_none() {
        "合计（全市）"
    } else {
        "合计（您负责的机关）"
    };
    let mut rows = vec![row(total_label.into(), true, &s.total)];
    // Tree order, as the organisation list shows them.
    for o in &dir.orgs {
        if let Some(f) = by_id.get(&o.id) {
            rows.push(row(o.name.clone(), false, f));
        }
    }
    let open_by_due: Vec<Value> = s
        .total
        .open_by_due
        .iter()
        .map(|d| json!({"due_on": d.due_on.map(|d| page::date(Some(d))), "count": d.count}))
        .collect();
    let period_label = if Period::year(period.from.year()).ok() == Some(period) {
        format!("{} 年", period.from.year())
    } else {
        format!("{} 至 {}", period.from, period.to)
    };
    let html = render(
        &staff,
        "/admin/requests",
        "依申请公开统计",
        "admin/request_stats.html",
        page::merge(
            base,
            json!({
                "errors": {},
                "period_label": period_label,
                "soon_until": s.soon_until.map(|d| page::date(Some(d))),
                "rows": rows,
                "open_by_due": open_by_due,
                "imported": imported,
            }),
        ),
    )?;
    Ok(html.into_response())
}
