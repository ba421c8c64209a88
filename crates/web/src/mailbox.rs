//! 领导信箱 on the public site: the mailbox page (leaders, departments, published Q&As), the
//! letter form (stored before the acknowledgement with its tracking code and password is
//! shown), tracking by code and password with the satisfaction rating, and a Q&A's own page.
//! Also the search documents of published letters.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::{CookieJar, Form};
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::mailbox::{LetterInput, LetterStatus, Satisfaction};
use gongkai_search::{DocKind, SearchDoc, SearchError};
use gongkai_storage::mailbox::{self, Letter, Published};
use gongkai_storage::outbox::OutboxEntry;
use gongkai_storage::{Actor, AnyConnection, StorageError};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::auth::{anon_csrf, check_anon_csrf, ClientIp};
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page;
use crate::portal::Here;

const TITLE: &str = "领导信箱";
const WRITE_TITLE: &str = "我要写信";
const TRACK_TITLE: &str = "信件查询";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mailbox", get(index))
        .route("/mailbox/write", get(form).post(submit))
        .route("/mailbox/track", get(track_form).post(track))
        .route("/mailbox/rate", axum::routing::post(rate))
        .route("/mailbox/letters/{id}", get(letter_page))
}

fn crumbs(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v = vec![(TITLE.to_string(), "/mailbox".to_string())];
    v.extend(extra.iter().map(|(a, b)| (a.to_string(), b.to_string())));
    v
}

/// A published Q&A in a list.
fn qa_row(dir: &Directory, leaders: &[mailbox::Leader], p: &Published) -> Value {
    json!({
        "url": format!("/mailbox/letters/{}", p.id),
        "subject": p.subject,
        "to": addressee(dir, leaders, p.leader_id, p.addressed_org_id),
        "org": dir.org_name(p.org_id),
        "received_on": page::date(Some(p.received_on)),
        "replied_on": p.replied_on.map(|d| page::date(Some(d))),
        "working_days": p.reply_working_days,
    })
}

fn addressee(
    dir: &Directory,
    leaders: &[mailbox::Leader],
    leader_id: Option<i64>,
    org_id: i64,
) -> String {
    leader_id
        .and_then(|l| leaders.iter().find(|x| x.id == l))
        .map(|l| l.label())
        .unwrap_or_else(|| dir.org_name(org_id))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListParams {
    page: Option<i64>,
    leader: Option<i64>,
}

async fn index(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(p): Query<ListParams>,
) -> WebResult<Response> {
    let page_no = p.page.unwrap_or(1);
    let leader = p.leader;
    let (leaders, list) = state
        .run(move |conn| {
            Ok((
                mailbox::leaders(conn, false)?,
                mailbox::published(conn, leader, None, page_no, 20)?,
            ))
        })
        .await?;
    let here = Here::of_site(&state, None, &jar, "/mailbox").await?;
    let dir = &here.dir;
    let rows: Vec<Value> = list.rows.iter().map(|q| qa_row(dir, &leaders, q)).collect();
    let html = here.render(
        "mailbox.html",
        Some(TITLE),
        None,
        crumbs(&[]),
        json!({
            "write_url": "/mailbox/write",
            "track_url": "/mailbox/track",
            "leaders": leaders.iter().filter(|l| l.active).map(|l| json!({
                "label": l.label(),
                "org": dir.org_name(l.org_id),
                "write_url": format!("/mailbox/write?leader={}", l.id),
                "letters_url": format!("/mailbox?leader={}", l.id),
                "current": Some(l.id) == leader,
            })).collect::<Vec<_>>(),
            "filter": leader.and_then(|id| leaders.iter().find(|l| l.id == id)).map(|l| l.label()),
            "letters": rows,
            "total": list.total,
            "pagination": page::pagination(list.page, list.per_page, list.total, |n| match leader {
                Some(l) => format!("/mailbox?leader={l}&page={n}"),
                None => format!("/mailbox?page={n}"),
            }),
        }),
    )?;
    Ok(html.into_response())
}

/// The form's option lists: leaders and departments as one recipient list, the category tree.
async fn options(state: &AppState, dir: &Directory) -> WebResult<Value> {
    let (leaders, tree) = state
        .run(|conn| Ok((mailbox::leaders(conn, true)?, mailbox::category_tree(conn)?)))
        .await?;
    let mut recipients: Vec<Value> = leaders
        .iter()
        .map(|l| json!({"value": format!("leader:{}", l.id), "label": format!("领导：{}", l.label())}))
        .collect();
    recipients.extend(
        dir.orgs.iter().map(
            |o| json!({"value": format!("org:{}", o.id), "label": format!("部门：{}", o.name)}),
        ),
    );
    let mut groups: Vec<Value> = vec![];
    for top in tree.top_level() {
        let opts: Vec<Value> = tree
            .leaves()
            .iter()
            .filter(|l| l.levels()[0] == top)
            .map(|l| json!({"value": l.as_code(), "label": l.levels()[1..].join(" › ")}))
            .collect();
        groups.push(json!({"label": top, "options": opts}));
    }
    Ok(json!({"recipient_options": recipients, "category_groups": groups}))
}

/// The form as posted: the recipient is one select (`leader:3` or `org:5`).
#[derive(Deserialize, Default, Clone, serde::Serialize)]
#[serde(default)]
pub struct LetterForm {
    recipient: String,
    category: String,
    subject: String,
    body: String,
    name: String,
    phone: String,
    email: String,
    publish: String,
    #[serde(skip_serializing)]
    csrf: String,
}

impl LetterForm {
    fn input(&self) -> LetterInput {
        let (leader_id, org_id) = match self.recipient.trim().split_once(':') {
            Some(("leader", id)) => (id.to_string(), String::new()),
            Some(("org", id)) => (String::new(), id.to_string()),
            _ if self.recipient.trim().is_empty() => (String::new(), String::new()),
            _ => ("invalid".to_string(), String::new()),
        };
        LetterInput {
            leader_id,
            org_id,
            category: self.category.clone(),
            subject: self.subject.clone(),
            body: self.body.clone(),
            name: self.name.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            publish: self.publish.clone(),
        }
    }
}

async fn form_page(
    state: &AppState,
    jar: CookieJar,
    values: &LetterForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let here = Here::of_site(state, None, &jar, "/mailbox/write").await?;
    let (jar, csrf) = anon_csrf(jar, state.config.secure_cookies);
    let mut extra = options(state, &here.dir).await?;
    extra["csrf"] = json!(csrf);
    extra["form_action"] = json!("/mailbox/write");
    extra["values"] = serde_json::to_value(values).expect("form serialises");
    extra["errors"] = json!(errors);
    extra["track_url"] = json!("/mailbox/track");
    let html = here.render(
        "mailbox_form.html",
        Some(WRITE_TITLE),
        None,
        crumbs(&[(WRITE_TITLE, "/mailbox/write")]),
        extra,
    )?;
    Ok((status, jar, html).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WriteParams {
    leader: Option<i64>,
    org: Option<i64>,
}

async fn form(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(p): Query<WriteParams>,
) -> WebResult<Response> {
    let recipient = match (p.leader, p.org) {
        (Some(l), _) => format!("leader:{l}"),
        (None, Some(o)) => format!("org:{o}"),
        _ => String::new(),
    };
    let values = LetterForm {
        recipient,
        publish: "1".into(),
        ..Default::default()
    };
    form_page(
        &state,
        jar,
        &values,
        &FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Form(form): Form<LetterForm>,
) -> WebResult<Response> {
    check_anon_csrf(&jar, &form.csrf)?;
    let ip = ip.unwrap_or_default();
    if !state.limiter.allow(&format!("letter:{ip}")) {
        return Err(WebError::TooManyRequests);
    }
    let tree = state.run(|conn| Ok(mailbox::category_tree(conn)?)).await?;
    let new = match form.input().validate(&tree) {
        Ok(n) => n,
        Err(e) => {
            return form_page(&state, jar, &form, &e, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let key = state.data_key.clone();
    let actor = Actor {
        user_id: None,
        name: "public".into(),
        ip: Some(ip).filter(|i| !i.is_empty()),
    };
    let dir = state.directory().await?;
    let site_id = dir.portal().map(|s| s.id);
    let stored = state
        .run(move |conn| {
            Ok(mailbox::submit(
                conn,
                &key,
                &WorkingCalendar::builtin(),
                &actor,
                site_id,
                &new,
                gongkai_storage::now(),
            ))
        })
        .await?;
    let ack = match stored {
        Ok(a) => a,
        Err(StorageError::Invalid(e)) => {
            return form_page(&state, jar, &form, &e, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(e) => return Err(e.into()),
    };
    // Only now, with the letter committed, is the acknowledgement shown.
    let reply_days = state
        .run(move |conn| Ok(mailbox::settings(conn, site_id)?.reply_days))
        .await?;
    let here = Here::of_site(&state, None, &jar, "/mailbox/write").await?;
    let html = here.render(
        "mailbox_done.html",
        Some("信件已提交"),
        None,
        crumbs(&[(WRITE_TITLE, "/mailbox/write"), ("信件已提交", "")]),
        json!({
            "tracking_code": ack.tracking_code,
            "password": ack.password,
            "org": here.dir.org_name(ack.routed_to),
            "received_on": page::date(Some(ack.received_on)),
            "due_on": ack.due_on.map(|d| page::date(Some(d))),
            "reply_days": reply_days,
            "track_url": "/mailbox/track",
        }),
    )?;
    Ok((StatusCode::OK, html).into_response())
}

/// What the writer sees of their letter: status, dates, the reply, the rating.
fn writer_view(dir: &Directory, l: &Letter, rating: Option<&mailbox::Rating>) -> Value {
    let status = l.status();
    json!({
        "tracking_code": l.tracking_code,
        "subject": l.subject,
        "body": l.body,
        "category": l.category_label(),
        "org": dir.org_name(l.org_id),
        "status": status.label_zh(),
        "received_on": page::date(Some(l.received_on)),
        "due_on": l.due_on.map(|d| page::date(Some(d))),
        "replied_on": l.replied_on.map(|d| page::date(Some(d))),
        "reply": if matches!(status, LetterStatus::Replied | LetterStatus::Declined) { l.reply.clone() } else { None },
        "can_rate": status == LetterStatus::Replied && rating.is_none(),
        "rating": rating.and_then(|r| r.satisfaction()).map(|s| s.label_zh()),
        "rating_comment": rating.map(|r| r.comment.clone()),
        "published_url": l.published_at.map(|_| format!("/mailbox/letters/{}", l.id)),
    })
}

fn rating_options() -> Vec<Value> {
    Satisfaction::ALL
        .iter()
        .map(|s| json!({"value": s.as_str(), "label": s.label_zh()}))
        .collect()
}

async fn track_page(
    state: &AppState,
    jar: CookieJar,
    code: &str,
    errors: Value,
    result: Value,
    status: StatusCode,
) -> WebResult<Response> {
    let here = Here::of_site(state, None, &jar, "/mailbox/track").await?;
    let (jar, csrf) = anon_csrf(jar, state.config.secure_cookies);
    let html = here.render(
        "mailbox_track.html",
        Some(TRACK_TITLE),
        None,
        crumbs(&[(TRACK_TITLE, "/mailbox/track")]),
        json!({
            "csrf": csrf,
            "form_action": "/mailbox/track",
            "rate_action": "/mailbox/rate",
            "values": {"code": code},
            "errors": errors,
            "result": result,
            "rating_options": rating_options(),
        }),
    )?;
    Ok((status, jar, html).into_response())
}

async fn track_form(State(state): State<AppState>, jar: CookieJar) -> WebResult<Response> {
    track_page(&state, jar, "", json!({}), Value::Null, StatusCode::OK).await
}

use crate::auth::TrackForm;

async fn look_up(
    state: &AppState,
    code: &str,
    password: &str,
) -> WebResult<Option<(Letter, Option<mailbox::Rating>)>> {
    let (c, p) = (code.to_string(), password.to_string());
    Ok(state
        .run(move |conn| {
            Ok(match mailbox::track(conn, &c, &p)? {
                Some(l) => {
                    let r = mailbox::rating(conn, l.id)?;
                    Some((l, r))
                }
                None => None,
            })
        })
        .await?)
}

async fn track(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Form(form): Form<TrackForm>,
) -> WebResult<Response> {
    let code = match form.check(&state, &jar, ip.as_deref(), "letter-track")? {
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
    match look_up(&state, &code, &form.password).await? {
        Some((l, r)) => {
            let dir = state.directory().await?;
            let mut view = writer_view(&dir, &l, r.as_ref());
            // The rating form proves ownership again with the same password, kept only in this page.
            view["password"] = json!(form.password.trim());
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RateForm {
    code: String,
    password: String,
    rating: String,
    comment: String,
    csrf: String,
}

async fn rate(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Form(form): Form<RateForm>,
) -> WebResult<Response> {
    check_anon_csrf(&jar, &form.csrf)?;
    let ip = ip.unwrap_or_default();
    if !state.limiter.allow(&format!("letter-track:{ip}")) {
        return Err(WebError::TooManyRequests);
    }
    let actor = Actor {
        user_id: None,
        name: "public".into(),
        ip: Some(ip).filter(|i| !i.is_empty()),
    };
    let (c, p, r, m) = (
        form.code.clone(),
        form.password.clone(),
        form.rating.clone(),
        form.comment.clone(),
    );
    let done = state
        .run(move |conn| Ok(mailbox::rate(conn, &actor, &c, &p, &r, &m)))
        .await?;
    let code = form.code.trim().to_string();
    match done {
        Ok(_) => {
            let (l, r) = look_up(&state, &code, &form.password)
                .await?
                .ok_or(WebError::NotFound)?;
            let dir = state.directory().await?;
            let mut view = writer_view(&dir, &l, r.as_ref());
            view["rated_now"] = json!(true);
            track_page(&state, jar, &code, json!({}), view, StatusCode::OK).await
        }
        Err(StorageError::Invalid(e)) => {
            let found = look_up(&state, &code, &form.password).await?;
            let view = match found {
                Some((l, r)) => {
                    let dir = state.directory().await?;
                    let mut v = writer_view(&dir, &l, r.as_ref());
                    v["password"] = json!(form.password.trim());
                    v["comment_value"] = json!(form.comment);
                    v
                }
                None => Value::Null,
            };
            track_page(
                &state,
                jar,
                &code,
                json!(e),
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn letter_page(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (found, leaders) = state
        .run(move |conn| {
            Ok((
                mailbox::published_one(conn, id)?,
                mailbox::leaders(conn, false)?,
            ))
        })
        .await?;
    let q = found.ok_or(WebError::NotFound)?;
    let path = format!("/mailbox/letters/{id}");
    let here = Here::of_site(&state, None, &jar, &path).await?;
    let dir = &here.dir;
    let category = gongkai_domain::mailbox::CategoryPath::parse(&q.category)
        .map(|c| c.label())
        .unwrap_or_else(|_| q.category.clone());
    let html: Html<String> = here.render(
        "mailbox_letter.html",
        Some(&q.subject),
        None,
        crumbs(&[(&q.subject, "")]),
        json!({
            "letter": {
                "subject": q.subject,
                "body": q.body,
                "reply": q.reply,
                "to": addressee(dir, &leaders, q.leader_id, q.addressed_org_id),
                "org": dir.org_name(q.org_id),
                "category": category,
                "received_on": page::date(Some(q.received_on)),
                "replied_on": q.replied_on.map(|d| page::date(Some(d))),
                "working_days": q.reply_working_days,
            },
            "back_url": "/mailbox",
        }),
    )?;
    Ok(html.into_response())
}

// ------------------------------------------------------------------ search

/// The search document of a published Q&A: the redacted letter and reply.
pub fn letter_doc(dir: &Directory, p: &Published) -> SearchDoc {
    let mut d = SearchDoc::new(
        DocKind::Letter,
        p.id,
        p.subject.clone(),
        format!("{}\n{}", p.body, p.reply),
    );
    d.url = format!("/mailbox/letters/{}", p.id);
    d.published = Some(p.published_at);
    if let Some(o) = dir.org(p.org_id) {
        d.org_code = Some(o.code.clone());
        d.org_name = Some(o.name.clone());
    }
    d.year = p.replied_on.map(|r| chrono::Datelike::year(&r));
    if let Some(portal) = dir.portal() {
        d.site_slugs = vec![portal.slug.clone()];
    }
    d
}

fn letter_docs(
    conn: &mut AnyConnection,
    dir: &Directory,
    ids: &[i64],
) -> WebResult<(Vec<SearchDoc>, Vec<String>)> {
    let found = mailbox::published_many(conn, ids)?;
    let docs = found.iter().map(|p| letter_doc(dir, p)).collect();
    let gone = ids
        .iter()
        .filter(|id| !found.iter().any(|p| p.id == **id))
        .map(|id| format!("letter:{id}"))
        .collect();
    Ok((docs, gone))
}

/// Applies the `letter` entries of an outbox batch (the current state decides: a letter no
/// longer published is deleted from the index).
pub fn sync_letters(
    conn: &mut AnyConnection,
    dir: &Directory,
    engine: &gongkai_search::SearchEngine,
    batch: &[OutboxEntry],
) -> WebResult<()> {
    let mut ids: Vec<i64> = batch
        .iter()
        .filter(|e| e.entity == mailbox::ENTITY)
        .map(|e| e.entity_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let (docs, gone) = letter_docs(conn, dir, &ids)?;
    let err = |e: SearchError| WebError::Internal(format!("search index: {e}"));
    if !gone.is_empty() {
        engine.delete(&gone).map_err(err)?;
    }
    if !docs.is_empty() {
        engine.upsert(&docs).map_err(err)?;
    }
    Ok(())
}

/// Indexes every published letter (for a rebuild); returns how many.
pub fn reindex_letters(
    conn: &mut AnyConnection,
    dir: &Directory,
    engine: &gongkai_search::SearchEngine,
) -> WebResult<usize> {
    let ids = mailbox::published_ids(conn)?;
    let err = |e: SearchError| WebError::Internal(format!("search index: {e}"));
    for chunk in ids.chunks(1000) {
        let (docs, _) = letter_docs(conn, dir, chunk)?;
        engine.upsert(&docs).map_err(err)?;
    }
    Ok(ids.len())
}
