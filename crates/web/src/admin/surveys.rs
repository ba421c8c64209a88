//! 征集调查 in the back office: create, edit, publish and withdraw surveys, see the tallies, export
//! the responses as CSV or Excel. Staff need 编辑 rights (EditItems) on the survey's organisation.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::Form;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::role::Permission;
use gongkai_domain::survey::{self as rules};
use gongkai_storage::survey::{self, Survey, SurveyInput, FLAGS};
use gongkai_storage::StorageError;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{org_options, render, scope_org_ids};
use crate::app::AppState;
use crate::auth::Staff;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/surveys", get(list).post(create))
        .route("/surveys/new", get(new_form))
        .route("/surveys/{id}", get(view).post(update))
        .route("/surveys/{id}/edit", get(edit_form))
        .route("/surveys/{id}/publish", post(publish))
        .route("/surveys/{id}/export.csv", get(export_csv))
        .route("/surveys/{id}/export.xlsx", get(export_xlsx))
}

const P: Permission = Permission::EditItems;

fn time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn status_label(s: &Survey) -> &'static str {
    match s.status.as_str() {
        survey::PUBLISHED => "已发布",
        survey::WITHDRAWN => "已撤回",
        _ => "草稿",
    }
}

/// The survey, if the user may manage it.
async fn load(state: &AppState, staff: &Staff, id: i64) -> WebResult<(Survey, Arc<Directory>)> {
    let s = state.run(move |conn| Ok(survey::get(conn, id)?)).await?;
    let dir = state.directory().await?;
    let path = dir
        .org(s.org_id)
        .map(|o| o.path.clone())
        .ok_or(WebError::NotFound)?;
    staff.require(P, &path)?;
    Ok((s, dir))
}

async fn list(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    if !staff.has_any(P) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let scope = scope_org_ids(&staff, &dir, P);
    let rows = state
        .run(move |conn| {
            let list = survey::for_orgs(conn, scope.as_deref())?;
            let mut out = Vec::new();
            for s in list {
                let n = survey::response_count(conn, s.id)?;
                out.push((s, n));
            }
            Ok(out)
        })
        .await?;
    let now = survey::china_now();
    render(
        &staff,
        "/admin/surveys",
        "征集调查",
        "admin/surveys.html",
        json!({
            "new_url": "/admin/surveys/new",
            "surveys": rows.iter().map(|(s, n)| json!({
                "title": s.title, "url": format!("/admin/surveys/{}", s.id), "org": dir.org_name(s.org_id),
                "opens_at": time(s.opens_at), "closes_at": time(s.closes_at),
                "status": status_label(s), "phase": s.phase(now).label_zh(), "responses": n,
            })).collect::<Vec<_>>(),
        }),
    )
}

fn form_page(
    staff: &Staff,
    dir: &Directory,
    title: &str,
    action: &str,
    cancel: &str,
    values: &SurveyInput,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    render(
        staff,
        "/admin/surveys",
        title,
        "admin/survey_form.html",
        json!({
            "org_options": org_options(staff, dir, P),
            "flag_options": FLAGS.iter().map(|(v, l)| json!({"value": v, "label": l})).collect::<Vec<_>>(),
            "values": values,
            "errors": errors,
            "form_action": action,
            "cancel_url": cancel,
        }),
    )
}

async fn new_form(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    if !staff.has_any(P) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let now = survey::china_now();
    let values = SurveyInput {
        org_id: staff.user.org_id.to_string(),
        opens_at: now.format("%Y-%m-%dT%H:00").to_string(),
        closes_at: (now + chrono::Duration::days(30))
            .format("%Y-%m-%dT18:00")
            .to_string(),
        flags: vec!["one_per_person".into()],
        ..Default::default()
    };
    form_page(
        &staff,
        &dir,
        "新建调查",
        "/admin/surveys",
        "/admin/surveys",
        &values,
        &FieldErrors::default(),
    )
}

/// The form as posted. Not `#[serde(flatten)]` over [`SurveyInput`]: flattening loses the
/// one-value-to-list handling a single ticked checkbox needs.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SurveyForm {
    org_id: String,
    title: String,
    intro: String,
    questions: String,
    opens_at: String,
    closes_at: String,
    flags: Vec<String>,
    csrf: String,
}

impl SurveyForm {
    fn input(&self) -> SurveyInput {
        SurveyInput {
            org_id: self.org_id.clone(),
            title: self.title.clone(),
            intro: self.intro.clone(),
            questions: self.questions.clone(),
            opens_at: self.opens_at.clone(),
            closes_at: self.closes_at.clone(),
            flags: self.flags.clone(),
        }
    }
}

/// Checks the form and that the user may publish for the chosen organisation.
fn checked(
    staff: &Staff,
    dir: &Directory,
    input: &SurveyInput,
) -> Result<survey::NewSurvey, FieldErrors> {
    let new = input.validate()?;
    match dir.org(new.org_id) {
        Some(o) if staff.can(P, &o.path) => Ok(new),
        _ => {
            let mut e = FieldErrors::default();
            e.add("org_id", "您无权以该单位名义发布调查");
            Err(e)
        }
    }
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<SurveyForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let input = form.input();
    let dir = state.directory().await?;
    let rejected = |e: &FieldErrors| -> WebResult<Response> {
        let html = form_page(
            &staff,
            &dir,
            "新建调查",
            "/admin/surveys",
            "/admin/surveys",
            &input,
            e,
        )?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    let new = match checked(&staff, &dir, &input) {
        Ok(n) => n,
        Err(e) => return rejected(&e),
    };
    let actor = staff.actor();
    let saved = state
        .run(move |conn| Ok(survey::create(conn, &actor, &new)))
        .await?;
    match saved {
        Ok(s) => Ok(Redirect::to(&format!("/admin/surveys/{}", s.id)).into_response()),
        Err(StorageError::Invalid(e)) => rejected(&e),
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let (s, dir) = load(&state, &staff, id).await?;
    form_page(
        &staff,
        &dir,
        "修改调查",
        &format!("/admin/surveys/{id}"),
        &format!("/admin/surveys/{id}"),
        &SurveyInput::of(&s),
        &FieldErrors::default(),
    )
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<SurveyForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let input = form.input();
    let (_, dir) = load(&state, &staff, id).await?;
    let rejected = |e: &FieldErrors| -> WebResult<Response> {
        let html = form_page(
            &staff,
            &dir,
            "修改调查",
            &format!("/admin/surveys/{id}"),
            &format!("/admin/surveys/{id}"),
            &input,
            e,
        )?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    let new = match checked(&staff, &dir, &input) {
        Ok(n) => n,
        Err(e) => return rejected(&e),
    };
    let actor = staff.actor();
    let saved = state
        .run(move |conn| Ok(survey::update(conn, &actor, id, &new)))
        .await?;
    match saved {
        Ok(_) => Ok(Redirect::to(&format!("/admin/surveys/{id}")).into_response()),
        Err(StorageError::Invalid(e)) => rejected(&e),
        Err(e) => Err(e.into()),
    }
}

async fn view(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let (s, dir) = load(&state, &staff, id).await?;
    let answers = state
        .run(move |conn| Ok(survey::answers(conn, id)?))
        .await?;
    let now = survey::china_now();
    let flags: Vec<&str> = FLAGS
        .iter()
        .filter(|(f, _)| match *f {
            "one_per_person" => s.one_per_person,
            "live_results" => s.live_results,
            "requires_sign_in" => s.requires_sign_in,
            "identified" => s.identified,
            _ => false,
        })
        .map(|(_, l)| *l)
        .collect();
    render(
        &staff,
        "/admin/surveys",
        &s.title,
        "admin/survey_view.html",
        json!({
            "survey": {
                "title": s.title, "org": dir.org_name(s.org_id), "status": status_label(&s),
                "phase": s.phase(now).label_zh(), "opens_at": time(s.opens_at), "closes_at": time(s.closes_at),
                "flags": flags, "responses": answers.len(), "published": s.is_published(),
                "public_url": if s.is_published() { json!(format!("/surveys/{id}")) } else { Value::Null },
            },
            "edit_url": format!("/admin/surveys/{id}/edit"),
            "publish_url": format!("/admin/surveys/{id}/publish"),
            "export_csv_url": format!("/admin/surveys/{id}/export.csv"),
            "export_xlsx_url": format!("/admin/surveys/{id}/export.xlsx"),
            "results": if answers.is_empty() { json!([]) } else { crate::survey::results(&s, &answers) },
        }),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PublishForm {
    action: String,
    csrf: String,
}

async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<PublishForm>,
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
        .run(move |conn| Ok(survey::set_published(conn, &actor, id, publish)?))
        .await?;
    Ok(Redirect::to(&format!("/admin/surveys/{id}")).into_response())
}

/// The export's rows: a header, then one row per response (personal data whole: only staff with
/// rights on the organisation reach this, and each export is audited).
async fn export_rows(
    state: &AppState,
    staff: &Staff,
    id: i64,
    format: &'static str,
) -> WebResult<(Survey, Vec<Vec<String>>)> {
    let (s, _) = load(state, staff, id).await?;
    let key = state.data_key.clone();
    let actor = staff.actor();
    let s2 = s.clone();
    let responses = state
        .run(move |conn| {
            let r = survey::responses(conn, &key, id)?;
            survey::record_export(conn, &actor, &s2, format)?;
            Ok(r)
        })
        .await?;
    let qs = s.questions();
    let mut header = vec!["答卷编号".to_string(), "提交时间（UTC+8）".to_string()];
    if s.identified {
        header.push("姓名".into());
        header.push("联系电话".into());
    }
    header.extend(
        qs.iter()
            .enumerate()
            .map(|(i, q)| format!("{}. {}", i + 1, q.prompt)),
    );
    let mut rows = vec![header];
    for r in responses {
        let mut row = vec![
            r.id.to_string(),
            time(r.created_at + chrono::Duration::hours(8)),
        ];
        if s.identified {
            row.push(r.name.unwrap_or_default());
            row.push(r.phone.unwrap_or_default());
        }
        for (i, q) in qs.iter().enumerate() {
            row.push(
                r.answers
                    .get(i)
                    .map(|a| rules::answer_text(q, a))
                    .unwrap_or_default(),
            );
        }
        rows.push(row);
    }
    Ok((s, rows))
}

/// A cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`) gets a leading `'`, so
/// an answer cannot run anything on the exporting computer.
fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// RFC 4180 CSV with a UTF-8 byte-order mark (so Excel opens Chinese text correctly).
pub fn to_csv(rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                let c = defuse(c);
                if c.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn attachment_name(s: &Survey, ext: &str) -> String {
    format!(
        "attachment; filename=\"survey-{}.{ext}\"; filename*=UTF-8''{}",
        s.id,
        urlencoding::encode(&format!("{}-答卷.{ext}", s.title))
    )
}

async fn export_csv(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (s, rows) = export_rows(&state, &staff, id, "csv").await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, attachment_name(&s, "csv")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        to_csv(&rows),
    )
        .into_response())
}

pub fn to_xlsx(title: &str, rows: &[Vec<String>]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = wb.add_worksheet();
    // Sheet names: at most 31 characters, none of []:*?/\ .
    let name: String = title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    sheet.set_name(if name.is_empty() {
        "答卷"
    } else {
        name.as_str()
    })?;
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if r == 0 {
                sheet.write_string_with_format(r as u32, c as u16, cell, &bold)?;
            } else {
                sheet.write_string(r as u32, c as u16, cell)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

async fn export_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (s, rows) = export_rows(&state, &staff, id, "xlsx").await?;
    let bytes =
        to_xlsx(&s.title, &rows).map_err(|e| WebError::Internal(format!("xlsx export: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, attachment_name(&s, "xlsx")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let rows = vec![
            vec!["编号".to_string(), "意见".to_string()],
            vec!["1".to_string(), "多开\"夜班\",车\n谢谢".to_string()],
            vec!["2".to_string(), "=HYPERLINK(\"x\")".to_string()],
        ];
        let csv = to_csv(&rows);
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("1,\"多开\"\"夜班\"\",车\n谢谢\"\r\n"));
        assert!(csv.contains("2,\"'=HYPERLINK(\"\"x\"\")\"\r\n"));
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = to_xlsx("满意度/调查[1]", &[vec!["a".into()], vec!["b".into()]]).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
