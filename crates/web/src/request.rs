//! 依申请公开 on the public site: the application form (stored before the acknowledgement with
//! its tracking code and password is shown), and tracking by code and password.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::{CookieJar, Form};
use chrono::NaiveDate;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::request::{ApplicantType, ReceiptChannel, ReceiptFacts};
use gongkai_storage::request::files::{self, RequestFile};
use gongkai_storage::request::{self, IdType, Request, RequestInput, DELIVERIES, FORMS};
use gongkai_storage::{Actor, StorageError};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::auth::{anon_csrf, check_anon_csrf, ClientIp};
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page;
use crate::portal::Here;

const TITLE: &str = "政府信息公开申请";
const TRACK_TITLE: &str = "申请办理进度查询";

/// Today in China Standard Time (the day of receipt of an online request).
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

fn pairs(list: &[(&str, &str)]) -> Vec<Value> {
    list.iter()
        .map(|(v, l)| json!({"value": v, "label": l}))
        .collect()
}

/// The shared option lists of the form.
fn options(dir: &Directory) -> Value {
    let orgs: Vec<Value> = dir
        .orgs
        .iter()
        .map(|o| json!({"value": o.id.to_string(), "label": o.name}))
        .collect();
    let organisation_types: Vec<Value> = ApplicantType::ALL
        .iter()
        .filter(|t| t.is_organization())
        .map(|t| json!({"value": t.as_str(), "label": t.label()}))
        .collect();
    json!({
        "org_options": orgs,
        "person_type": {"value": ApplicantType::NaturalPerson.as_str(), "label": ApplicantType::NaturalPerson.label()},
        "organisation_types": organisation_types,
        "id_type_options": IdType::ALL.iter().map(|t| json!({"value": t.as_str(), "label": t.label()})).collect::<Vec<_>>(),
        "form_options": pairs(FORMS),
        "delivery_options": pairs(DELIVERIES),
    })
}

async fn form_page(
    state: &AppState,
    jar: CookieJar,
    values: &RequestInput,
    errors: &FieldErrors,
) -> WebResult<(CookieJar, Html<String>)> {
    let here = Here::of_site(state, None, &jar, "/request").await?;
    let (jar, csrf) = anon_csrf(jar, state.config.secure_cookies);
    let mut extra = options(&here.dir);
    extra["csrf"] = json!(csrf);
    extra["form_action"] = json!("/request");
    extra["values"] = serde_json::to_value(values).expect("form serialises");
    extra["errors"] = json!(errors);
    extra["track_url"] = json!("/request/track");
    let html = here.render(
        "request_form.html",
        Some(TITLE),
        None,
        vec![(TITLE.into(), "/request".into())],
        extra,
    )?;
    Ok((jar, html))
}

pub async fn form(State(state): State<AppState>, jar: CookieJar) -> WebResult<Response> {
    let values = RequestInput {
        applicant_type: ApplicantType::NaturalPerson.as_str().into(),
        id_type: IdType::ResidentId.as_str().into(),
        delivery: "online".into(),
        preferred_form: "electronic".into(),
        ..Default::default()
    };
    Ok(form_page(&state, jar, &values, &FieldErrors::default())
        .await?
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RequestForm {
    #[serde(flatten)]
    input: RequestInput,
    csrf: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Form(form): Form<RequestForm>,
) -> WebResult<Response> {
    check_anon_csrf(&jar, &form.csrf)?;
    let ip = ip.unwrap_or_default();
    if !state.limiter.allow(&format!("request:{ip}")) {
        return Err(WebError::TooManyRequests);
    }
    let rejected = |jar, errors: FieldErrors, input: RequestInput| {
        let state = state.clone();
        async move {
            let (jar, html) = form_page(&state, jar, &input, &errors).await?;
            Ok::<Response, WebError>((StatusCode::UNPROCESSABLE_ENTITY, jar, html).into_response())
        }
    };
    let new = match form.input.validate() {
        Ok(n) => n,
        Err(e) => return rejected(jar, e, form.input).await,
    };
    let today = today();
    let receipt = ReceiptFacts::new(ReceiptChannel::Online, today).confirmed(today);
    let key = state.data_key.clone();
    let actor = Actor {
        user_id: None,
        name: "public".into(),
        ip: Some(ip).filter(|i| !i.is_empty()),
    };
    let cal = state.calendar().await?;
    let stored = state
        .run(move |conn| Ok(request::intake(conn, &key, &cal, &actor, &new, &receipt)))
        .await?;
    let ack = match stored {
        Ok(a) => a,
        Err(StorageError::Invalid(e)) => return rejected(jar, e, form.input).await,
        Err(e) => return Err(e.into()),
    };
    // Only now, with the request committed, is the acknowledgement shown.
    let here = Here::of_site(&state, None, &jar, "/request").await?;
    let html = here.render("request_done.html", Some("申请已提交"), None, vec![(TITLE.into(), "/request".into()), ("申请已提交".into(), String::new())], json!({
        "tracking_code": ack.tracking_code,
        "password": ack.password,
        "org": here.dir.org_name(form.input.org_id.parse().unwrap_or_default()),
        "received_on": page::date(Some(ack.received_on)),
        "due_on": ack.due_on.map(|d| page::date(Some(d))),
        "deadline_note": ack.deadline_note.as_ref().map(|_| "答复期限将在法定节假日安排公布后计算，我们会按期答复。"),
        "track_url": "/request/track",
    }))?;
    Ok(html.into_response())
}

/// What the applicant sees of a request: status, dates, the reply and its documents (the notice
/// and the released files; never the scans of the request itself).
fn public_view(dir: &Directory, r: &Request, files: &[RequestFile]) -> Value {
    let files: Vec<Value> = files
        .iter()
        .filter(|f| f.kind().is_some_and(|k| k.for_applicant()))
        .map(|f| {
            json!({
                "name": f.file_name,
                "kind": f.kind().map(|k| k.label_zh()).unwrap_or(""),
                "size": gongkai_storage::attachment::human_size(f.size_bytes),
                "url": format!("/request/track/files/{}", f.id),
            })
        })
        .collect();
    json!({
        "files": files,
        "fee": r.fee_fen.map(|f| format!("{}.{:02} 元", f / 100, f % 100)),
        "fee_note": r.fee_note,
        "tracking_code": r.tracking_code,
        "org": dir.org_name(r.org_id),
        "status": r.stage().map(|s| s.label()).unwrap_or(""),
        "received_on": page::date(Some(r.received_on)),
        "due_on": r.due_on.map(|d| page::date(Some(d))),
        "description": r.description,
        "outcome": r.outcome().map(|o| o.full_label()),
        "answered_on": r.answered_on.map(|d| page::date(Some(d))),
        "reply_text": r.reply_text,
    })
}

async fn track_page(
    state: &AppState,
    jar: CookieJar,
    code: &str,
    errors: Value,
    result: Value,
    status: StatusCode,
) -> WebResult<Response> {
    let here = Here::of_site(state, None, &jar, "/request/track").await?;
    let (jar, csrf) = anon_csrf(jar, state.config.secure_cookies);
    let html = here.render(
        "request_track.html",
        Some(TRACK_TITLE),
        None,
        vec![
            (TITLE.into(), "/request".into()),
            (TRACK_TITLE.into(), "/request/track".into()),
        ],
        json!({
            "csrf": csrf,
            "form_action": "/request/track",
            "values": {"code": code},
            "errors": errors,
            "result": result,
        }),
    )?;
    Ok((status, jar, html).into_response())
}

pub async fn track_form(State(state): State<AppState>, jar: CookieJar) -> WebResult<Response> {
    track_page(&state, jar, "", json!({}), Value::Null, StatusCode::OK).await
}

use crate::auth::TrackForm;

pub async fn track(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Form(form): Form<TrackForm>,
) -> WebResult<Response> {
    let code = match form.check(&state, &jar, ip.as_deref(), "request-track")? {
        Ok(code) => code,
        Err(errors) => {
            return track_page(
                &state,
                jar,
                form.code.trim(),
                json!(errors),
                Value::Null,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let (c, p) = (code.clone(), form.password.clone());
    let found = state
        .run(move |conn| {
            Ok(match request::track(conn, &c, &p)? {
                Some(r) => {
                    let files = files::of_request(conn, r.id)?;
                    Some((r, files))
                }
                None => None,
            })
        })
        .await?;
    match found {
        Some((r, files)) => {
            let dir = state.directory().await?;
            let mut view = public_view(&dir, &r, &files);
            // The download buttons post the code and password again: nothing to bookmark or leak.
            view["password"] = json!(form.password);
            track_page(&state, jar, &code, json!({}), view, StatusCode::OK).await
        }
        // The same answer for an unknown code and a wrong password.
        None => {
            track_page(
                &state,
                jar,
                &code,
                json!({"_form": "查询码或密码不正确，请核对后重试。"}),
                Value::Null,
                StatusCode::OK,
            )
            .await
        }
    }
}

/// Downloads a reply document: the code and password again (same answer as tracking for a wrong
/// one), and only the notice or released files of that request.
pub async fn track_file(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Path(fid): Path<i64>,
    Form(form): Form<TrackForm>,
) -> WebResult<Response> {
    check_anon_csrf(&jar, &form.csrf)?;
    if !state
        .limiter
        .allow(&format!("request-track:{}", ip.unwrap_or_default()))
    {
        return Err(WebError::TooManyRequests);
    }
    let (c, p) = (form.code.clone(), form.password.clone());
    let found = state
        .run(move |conn| {
            let Some(r) = request::track(conn, &c, &p)? else {
                return Ok(None);
            };
            let f = match files::get(conn, fid) {
                Ok(f) => f,
                Err(StorageError::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            if f.request_id != r.id || !f.kind().is_some_and(|k| k.for_applicant()) {
                return Ok(None);
            }
            let bytes = files::content(conn, &f)?;
            Ok(Some((f, bytes)))
        })
        .await?;
    match found {
        Some((f, bytes)) => Ok(crate::upload::download(
            &f.file_name,
            &f.content_type,
            &f.sha256,
            "private, no-store",
            bytes,
        )),
        None => {
            track_page(
                &state,
                jar,
                form.code.trim(),
                json!({"_form": "查询码或密码不正确，请核对后重试。"}),
                Value::Null,
                StatusCode::OK,
            )
            .await
        }
    }
}
