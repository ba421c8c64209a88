//! 征集调查 on the public site: the list of surveys, a survey's form, answering it (one response
//! per person where the owner asked for it), and the results with server-rendered SVG charts, each
//! beside a table of the same numbers.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::cookie::Cookie;
use axum_extra::extract::CookieJar;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::survey::{self as rules, Phase, Question, QuestionKind};
use gongkai_storage::survey::{self, NewResponse, Outcome, Respondent, Survey};
use gongkai_storage::Page;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::auth::{anon_csrf, check_anon_csrf, ClientIp, Staff};
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page::pagination;
use crate::portal::Here;

const TITLE: &str = "征集调查";
/// The respondent cookie: a random token that identifies a browser to one-per-person surveys
/// (only its hash is stored).
pub const RESPONDENT_COOKIE: &str = "gk_respondent";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/surveys", get(list))
        .route("/surveys/{id}", get(show).post(answer))
}

fn time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// The tally of every question, each with its chart (SVG, already escaped by the domain) and the
/// numbers for the table beside it.
pub fn results(s: &Survey, answers: &[Vec<rules::Answer>]) -> Value {
    let qs = s.questions();
    let tallies = rules::tally(&qs, answers);
    json!(tallies
        .iter()
        .map(|t| json!({
            "prompt": t.prompt,
            "kind": t.kind.as_str(),
            "answered": t.answered,
            "chart_html": if t.kind == QuestionKind::Text { Value::Null } else { json!(rules::bar_chart_svg(t)) },
            "options": t.options.iter().map(|o| json!({"label": o.label, "count": o.count, "percent": format!("{:.1}", o.percent)})).collect::<Vec<_>>(),
        }))
        .collect::<Vec<_>>())
}

fn summary(dir: &Directory, s: &Survey, now: chrono::NaiveDateTime) -> Value {
    let phase = s.phase(now);
    json!({
        "id": s.id,
        "title": s.title,
        "url": format!("/surveys/{}", s.id),
        "org": dir.org_name(s.org_id),
        "opens_at": time(s.opens_at),
        "closes_at": time(s.closes_at),
        "phase": phase.label_zh(),
        "open": phase == Phase::Open,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListParams {
    page: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(p): Query<ListParams>,
) -> WebResult<Response> {
    let page_no = crate::portal::parse_page(p.page.as_deref(), 10_000)?;
    let found: Page<Survey> = state
        .run(move |conn| Ok(survey::published(conn, page_no, 20)?))
        .await?;
    let here = Here::of_site(&state, None, &jar, "/surveys").await?;
    let now = survey::china_now();
    let rows: Vec<Value> = found
        .rows
        .iter()
        .map(|s| summary(&here.dir, s, now))
        .collect();
    let html = here.render(
        "survey_list.html",
        Some(TITLE),
        None,
        vec![(TITLE.into(), "/surveys".into())],
        json!({
            "surveys": rows,
            "pagination": pagination(found.page, found.per_page, found.total, |n| format!("/surveys?page={n}")),
        }),
    )?;
    Ok(html.into_response())
}

/// The form's questions with what the visitor chose (re-filled after an error).
fn question_fields(qs: &[Question], sent: &BTreeMap<String, Vec<String>>) -> Vec<Value> {
    qs.iter()
        .enumerate()
        .map(|(i, q)| {
            let field = rules::field_name(i);
            let chosen = sent.get(&field).cloned().unwrap_or_default();
            json!({
                "field": field,
                "number": i + 1,
                "prompt": q.prompt,
                "kind": q.kind.as_str(),
                "kind_label": q.kind.label_zh(),
                "required": q.required,
                "text": if q.kind == QuestionKind::Text { chosen.first().cloned().unwrap_or_default() } else { String::new() },
                "options": q.options.iter().enumerate().map(|(k, o)| {
                    let v = (k + 1).to_string();
                    json!({"value": v, "label": o, "checked": chosen.contains(&v)})
                }).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// What the survey page shows: the form, a notice, the results, or several of these.
struct View {
    notice: Option<(&'static str, String)>,
    show_form: bool,
    sent: BTreeMap<String, Vec<String>>,
    errors: FieldErrors,
}

async fn load(state: &AppState, id: i64) -> WebResult<(Survey, Vec<Vec<rules::Answer>>)> {
    let (s, answers) = state
        .run(move |conn| {
            let s = survey::get(conn, id)?;
            let answers = if s.results_visible(survey::china_now()) {
                survey::answers(conn, id)?
            } else {
                Vec::new()
            };
            Ok((s, answers))
        })
        .await?;
    if !s.is_published() {
        return Err(WebError::NotFound);
    }
    Ok((s, answers))
}

async fn render(
    state: &AppState,
    jar: CookieJar,
    s: &Survey,
    answers: &[Vec<rules::Answer>],
    view: View,
    status: StatusCode,
) -> WebResult<Response> {
    let path = format!("/surveys/{}", s.id);
    let here = Here::of_site(state, None, &jar, &path).await?;
    let (jar, csrf) = anon_csrf(jar, state.config.secure_cookies);
    let now = survey::china_now();
    let phase = s.phase(now);
    let visible = s.results_visible(now);
    let values = json!({
        "name": view.sent.get("name").and_then(|v| v.first()).cloned().unwrap_or_default(),
        "phone": view.sent.get("phone").and_then(|v| v.first()).cloned().unwrap_or_default(),
    });
    let mut info = summary(&here.dir, s, now);
    info["intro"] = json!(s.intro);
    info["identified"] = json!(s.identified);
    info["requires_sign_in"] = json!(s.requires_sign_in);
    info["one_per_person"] = json!(s.one_per_person);
    let html = here.render(
        "survey.html",
        Some(&s.title),
        None,
        vec![(TITLE.into(), "/surveys".into()), (s.title.clone(), path.clone())],
        json!({
            "survey": info,
            "notice": view.notice.map(|(kind, text)| json!({"kind": kind, "text": text})),
            "show_form": view.show_form && phase == Phase::Open,
            "questions": question_fields(&s.questions(), &view.sent),
            "values": values,
            "errors": view.errors,
            "csrf": csrf,
            "form_action": path,
            "results": if visible { results(s, answers) } else { Value::Null },
            "respondents": answers.len(),
            "results_note": if visible { Value::Null } else if phase == Phase::Open { json!("调查结束后公布结果。") } else { json!("调查尚未开始。") },
        }),
    )?;
    Ok((status, jar, html).into_response())
}

async fn show(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (s, answers) = load(&state, id).await?;
    let notice = match s.phase(survey::china_now()) {
        Phase::NotYetOpen => Some((
            "info",
            format!("本次调查将于 {} 开始，欢迎届时参与。", time(s.opens_at)),
        )),
        Phase::Closed => Some(("info", "本次调查已结束，感谢关注。".to_string())),
        Phase::Open => None,
    };
    let view = View {
        notice,
        show_form: true,
        sent: BTreeMap::new(),
        errors: FieldErrors::default(),
    };
    render(&state, jar, &s, &answers, view, StatusCode::OK).await
}

/// Parses an url-encoded body into field → values (radio, checkbox groups and text alike).
fn parse_form(body: &[u8]) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in form_urlencoded(body) {
        m.entry(k).or_default().push(v);
    }
    m
}

fn form_urlencoded(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let dec = |s: &str| {
                urlencoding::decode(&s.replace('+', " "))
                    .map(|c| c.into_owned())
                    .unwrap_or_default()
            };
            (dec(k), dec(v))
        })
        .collect()
}

fn is_phone(p: &str) -> bool {
    let digits = p.chars().filter(|c| c.is_ascii_digit()).count();
    (7..=20).contains(&p.chars().count())
        && (7..=15).contains(&digits)
        && p.chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '+' || c == ' ')
}

async fn answer(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    staff: Result<Staff, WebError>,
    jar: CookieJar,
    Path(id): Path<i64>,
    body: Bytes,
) -> WebResult<Response> {
    let sent = parse_form(&body);
    let first = |k: &str| {
        sent.get(k)
            .and_then(|v| v.first())
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    check_anon_csrf(&jar, &first("csrf"))?;
    let ip = ip.unwrap_or_default();
    if !state.limiter.allow(&format!("survey:{ip}")) {
        return Err(WebError::TooManyRequests);
    }
    let (s, _) = load(&state, id).await?;
    let qs = s.questions();
    let mut errors = FieldErrors::default();
    let checked = match rules::check_answers(&qs, &sent) {
        Ok(a) => Some(a),
        Err(e) => {
            errors = e;
            None
        }
    };
    let (name, phone) = (first("name"), first("phone"));
    if s.identified {
        if name.is_empty() || name.chars().count() > 50 {
            errors.add("name", "请填写姓名（不超过 50 字）");
        }
        if !is_phone(&phone) {
            errors.add("phone", "请填写有效的联系电话");
        }
    }
    let phase = s.phase(survey::china_now());
    if phase != Phase::Open {
        // A closed survey refuses answers whatever they are.
        let view = View {
            notice: Some((
                "error",
                "本次调查已结束（或尚未开始），不能再提交答卷。".into(),
            )),
            show_form: false,
            sent: BTreeMap::new(),
            errors: FieldErrors::default(),
        };
        let (s, answers) = load(&state, id).await?;
        return render(&state, jar, &s, &answers, view, StatusCode::CONFLICT).await;
    }
    let Some(answers) = checked.filter(|_| errors.is_empty()) else {
        let view = View {
            notice: None,
            show_form: true,
            sent,
            errors,
        };
        return render(&state, jar, &s, &[], view, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    // The respondent: the signed-in user, or this browser's token (set now if it has none).
    let (jar, respondent) = match (&staff, jar.get(RESPONDENT_COOKIE)) {
        (Ok(st), _) if s.requires_sign_in => (
            jar,
            Respondent::User {
                user_id: st.user.id,
            },
        ),
        (_, Some(c)) => {
            let token = c.value().to_string();
            (jar, Respondent::Visitor { token })
        }
        (_, None) => {
            let token = gongkai_storage::session::random_token();
            // Kept for 400 days (the longest browsers allow) so a returning visitor is recognised.
            let cookie = Cookie::parse(format!(
                "{RESPONDENT_COOKIE}={token}; Path=/surveys; HttpOnly; SameSite=Lax; Max-Age=34560000{}",
                if state.config.secure_cookies { "; Secure" } else { "" }
            ))
            .map_err(|e| WebError::Internal(format!("respondent cookie: {e}")))?;
            (jar.add(cookie), Respondent::Visitor { token })
        }
    };
    let key = state.data_key.clone();
    let identified = s.identified;
    let outcome = state
        .run(move |conn| {
            let r = NewResponse {
                respondent,
                address: &ip,
                name: identified.then_some(name.as_str()),
                phone: identified.then_some(phone.as_str()),
                answers,
            };
            Ok(survey::respond(conn, &key, id, &r)?)
        })
        .await?;
    let (notice, status) = match outcome {
        Outcome::Accepted(_) => (
            ("ok", "提交成功，感谢您参与本次调查！".to_string()),
            StatusCode::OK,
        ),
        Outcome::AlreadyAnswered => (
            (
                "info",
                "您已参与过本次调查，每人限答一次。感谢您的支持！".to_string(),
            ),
            StatusCode::CONFLICT,
        ),
        Outcome::TooManyFromAddress => (
            (
                "info",
                "来自同一网络的答卷已达上限，本次提交未被记录。感谢您的支持！".to_string(),
            ),
            StatusCode::CONFLICT,
        ),
        Outcome::SignInRequired => (
            ("error", "本调查须登录后作答，请先登录。".to_string()),
            StatusCode::UNAUTHORIZED,
        ),
        Outcome::NotOpen(_) => (
            (
                "error",
                "本次调查已结束（或尚未开始），不能再提交答卷。".to_string(),
            ),
            StatusCode::CONFLICT,
        ),
        Outcome::NotPublished => return Err(WebError::NotFound),
    };
    let (s, answers) = load(&state, id).await?;
    let view = View {
        notice: Some(notice),
        show_form: false,
        sent: BTreeMap::new(),
        errors: FieldErrors::default(),
    };
    render(&state, jar, &s, &answers, view, status).await
}

/// The search document of a published survey: title, introduction and questions.
pub fn search_doc(dir: &Directory, s: &Survey) -> gongkai_search::SearchDoc {
    let mut body = s.intro.clone();
    for q in s.questions() {
        body.push('\n');
        body.push_str(&q.prompt);
        for o in &q.options {
            body.push(' ');
            body.push_str(o);
        }
    }
    let mut d = gongkai_search::SearchDoc::new(
        gongkai_search::DocKind::Survey,
        s.id,
        s.title.clone(),
        body,
    );
    d.url = format!("/surveys/{}", s.id);
    d.published = s.published_at;
    d.year = Some(survey::counted_year(s));
    if let Some(o) = dir.org(s.org_id) {
        d.org_code = Some(o.code.clone());
        d.org_name = Some(o.name.clone());
    }
    d
}

/// Search documents for the surveys in `ids`, and the ids of those no longer public.
pub fn search_docs(
    conn: &mut gongkai_storage::AnyConnection,
    dir: &Directory,
    ids: &[i64],
) -> WebResult<(Vec<gongkai_search::SearchDoc>, Vec<String>)> {
    let mut docs = Vec::new();
    let mut gone = Vec::new();
    for &id in ids {
        match survey::get(conn, id) {
            Ok(s) if s.is_published() => docs.push(search_doc(dir, &s)),
            Ok(_) | Err(gongkai_storage::StorageError::NotFound { .. }) => {
                gone.push(format!("survey:{id}"))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok((docs, gone))
}

/// Ids of every published survey (search rebuild).
pub fn public_ids(conn: &mut gongkai_storage::AnyConnection) -> WebResult<Vec<i64>> {
    Ok(survey::published_ids(conn)?)
}
