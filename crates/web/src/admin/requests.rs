//! 依申请公开 in the back office: the handlers' caseload (open cases by due date, due within 3
//! working days, overdue), the case view with the deadline explained day by day, the audited
//! "show in full" of personal data, and the handling steps and appeals as forms.

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use gongkai_domain::report::{Table4Block, Table4Column};
use gongkai_domain::request::{Consultee, Outcome, Stage};
use gongkai_domain::request::{FeeBasis, FeeSchedule};
use gongkai_domain::role::Permission;
use gongkai_storage::request::files::{self, FileKind};
use gongkai_storage::request::{
    self, duplicates, Appeal, Personal, Request, Step, DELIVERIES, FORMS,
};
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

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| page::date(Some(d)))
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02} 元", fen / 100, fen % 100)
}

/// The fee schedule in force (none unless an admin configured one).
pub(crate) fn fee_schedule(conn: &mut gongkai_storage::AnyConnection) -> WebResult<FeeSchedule> {
    let text = gongkai_storage::settings::get(conn, gongkai_storage::settings::FEE_SCHEDULE)?;
    FeeSchedule::parse(text.as_deref().unwrap_or(""))
        .map_err(|e| WebError::Internal(format!("stored fee schedule is invalid: {e}")))
}

fn row(dir: &Directory, r: &Request) -> Value {
    json!({
        "url": format!("/admin/requests/{}", r.id),
        "tracking_code": r.tracking_code,
        "applicant": r.applicant_name,
        "org": dir.org_name(r.org_id),
        "stage_label": r.stage().map(|s| s.label()).unwrap_or(""),
        "received_on": page::date(Some(r.received_on)),
        "due_on": date(r.due_on),
    })
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    if !staff.has_any(Permission::HandleRequests) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let scope = scope_org_ids(&staff, &dir, Permission::HandleRequests);
    let today = today();
    let cal = state.calendar().await?;
    let load = state
        .run(move |conn| Ok(request::caseload(conn, &cal, scope.as_deref(), today)?))
        .await?;
    let rows = |v: &[Request]| v.iter().map(|r| row(&dir, r)).collect::<Vec<_>>();
    render(
        &staff,
        "/admin/requests",
        "依申请公开",
        "admin/requests.html",
        json!({
            "today": page::date(Some(today)),
            "soon_until": date(load.soon_until),
            "overdue": rows(&load.overdue),
            "due_soon": rows(&load.due_soon),
            "open": rows(&load.open),
            "new_url": "/admin/requests/new",
            "settings_url": staff.is_platform_admin().then_some("/admin/requests/settings"),
        }),
    )
}

/// Loads a request the user may handle (HandleRequests over its organisation).
async fn load(state: &AppState, staff: &Staff, id: i64) -> WebResult<Request> {
    let r = state.run(move |conn| Ok(request::get(conn, id)?)).await?;
    let dir = state.directory().await?;
    let path = dir
        .org(r.org_id)
        .map(|o| o.path.clone())
        .unwrap_or_default();
    staff.require(Permission::HandleRequests, &path)?;
    Ok(r)
}

fn field(name: &str, label: &str, kind: &str, value: &str, options: Vec<Value>) -> Value {
    json!({"name": name, "label": label, "kind": kind, "value": value, "options": options})
}

fn opts<T: Copy>(all: &[T], f: impl Fn(T) -> (String, String)) -> Vec<Value> {
    all.iter()
        .map(|v| {
            let (value, label) = f(*v);
            json!({"value": value, "label": label})
        })
        .collect()
}

/// The handling steps open to the request in its stage, each a form posting to `/act`.
fn actions(staff: &Staff, dir: &Directory, r: &Request, appeals: &[Appeal]) -> Vec<Value> {
    let url = format!("/admin/requests/{}/act", r.id);
    let today_text = page::date(Some(today()));
    let on = || field("on", "日期", "date", &today_text, vec![]);
    let mk = |name: &str, label: &str, fields: Vec<Value>| json!({"name": name, "label": label, "url": url, "fields": fields});
    let Ok(state) = r.state() else { return vec![] };
    let stage = state.stage();
    let mut out = vec![];
    if stage == Stage::Received {
        let orgs: Vec<Value> = dir
            .orgs
            .iter()
            .filter(|o| staff.can(Permission::HandleRequests, &o.path))
            .map(|o| json!({"value": o.id.to_string(), "label": o.name}))
            .collect();
        out.push(mk("assign", "分办", vec![
            on(),
            json!({"name": "org_id", "label": "承办机关", "kind": "select", "value": r.org_id.to_string(), "options": orgs}),
            field("handler", "承办人", "text", &staff.user.display_name, vec![]),
        ]));
    }
    if stage == Stage::Received
        && r.channel().is_some_and(|c| c.allows_answer_on_the_spot())
        && r.received_on == today()
    {
        let outcomes = opts(Outcome::all(), |o| (o.as_str().to_string(), o.full_label()));
        out.push(mk(
            "answer_on_the_spot",
            "当场答复",
            vec![
                on(),
                field("outcome", "办理结果（表三）", "select", "", outcomes),
                field("reply_text", "答复内容", "textarea", "", vec![]),
            ],
        ));
    }
    let in_hand = matches!(
        stage,
        Stage::Assigned | Stage::Corrected | Stage::Consulting | Stage::Extended
    );
    if stage == Stage::Assigned {
        out.push(mk(
            "request_correction",
            "补正告知",
            vec![
                on(),
                field("correct_by", "补正期限", "date", "", vec![]),
                field("note", "需补正的内容", "textarea", "", vec![]),
            ],
        ));
    }
    if stage == Stage::CorrectionRequested {
        out.push(mk(
            "receive_correction",
            "收到补正",
            vec![
                on(),
                field(
                    "late_reason",
                    "逾期补正的正当理由（如逾期）",
                    "text",
                    "",
                    vec![],
                ),
            ],
        ));
        out.push(mk("correction_lapsed", "逾期未补正，不再处理", vec![on()]));
    }
    if in_hand {
        let consultees = vec![
            json!({"value": "third_party", "label": Consultee::ThirdParty.label()}),
            json!({"value": "other_agency", "label": Consultee::OtherAgency.label()}),
        ];
        out.push(mk(
            "start_consultation",
            "征求意见",
            vec![
                on(),
                field(
                    "consultee",
                    "征求意见对象类型",
                    "select",
                    "third_party",
                    consultees,
                ),
                field("name", "征求意见对象", "text", "", vec![]),
            ],
        ));
    }
    if state.open_consultations() > 0 {
        out.push(mk(
            "end_consultation",
            "收到意见（征求意见结束）",
            vec![on()],
        ));
    }
    if in_hand && state.extended_days() < 20 {
        out.push(mk(
            "extend",
            "延期答复",
            vec![
                on(),
                field(
                    "days",
                    "延长工作日数（合计不超过 20）",
                    "number",
                    "",
                    vec![],
                ),
                field(
                    "approver",
                    "批准人（政府信息公开工作机构负责人）",
                    "text",
                    "",
                    vec![],
                ),
            ],
        ));
    }
    if in_hand && stage != Stage::Consulting {
        let outcomes = opts(Outcome::all(), |o| (o.as_str().to_string(), o.full_label()));
        out.push(mk(
            "reply",
            "答复",
            vec![
                on(),
                field("outcome", "办理结果（表三）", "select", "", outcomes),
                field("reply_text", "答复内容", "textarea", "", vec![]),
            ],
        ));
    }
    if matches!(stage, Stage::Received | Stage::Assigned | Stage::Corrected) {
        out.push(mk(
            "transfer",
            "告知向其他机关申请",
            vec![on(), field("agency", "负责公开的机关", "text", "", vec![])],
        ));
    }
    if matches!(
        stage,
        Stage::Answered | Stage::Transferred | Stage::NotProcessed
    ) {
        out.push(mk("close", "办结", vec![on()]));
    }
    if !r.awaits_reply() || r.due_on.is_some_and(|d| d < today()) {
        let kinds = opts(&Table4Block::ALL, |b| {
            (b.key().to_string(), b.label().to_string())
        });
        out.push(mk(
            "file_appeal",
            "登记行政复议或行政诉讼",
            vec![
                on(),
                field("kind", "类型", "select", "", kinds),
                field("body", "复议机关或人民法院", "text", "", vec![]),
                field("note", "说明", "textarea", "", vec![]),
            ],
        ));
    }
    let pending: Vec<Value> = appeals
        .iter()
        .filter(|a| a.column() == Some(Table4Column::Pending))
        .map(|a| json!({"value": a.id.to_string(), "label": format!("{}（{} 提起，{}）", a.block().map(|b| b.label()).unwrap_or(""), a.filed_on, a.body)}))
        .collect();
    if !pending.is_empty() {
        let results = opts(
            &[
                Table4Column::Upheld,
                Table4Column::Corrected,
                Table4Column::Other,
            ],
            |c| (request::column_key(c).to_string(), c.label().to_string()),
        );
        out.push(mk(
            "decide_appeal",
            "登记复议或诉讼结果",
            vec![
                on(),
                field("appeal_id", "案件", "select", "", pending),
                field("outcome", "结果", "select", "", results),
            ],
        ));
    }
    out
}

async fn view_page(
    state: &AppState,
    staff: &Staff,
    r: Request,
    personal: Option<Personal>,
    flash: Option<(&str, String)>,
) -> WebResult<Html<String>> {
    let dir = state.directory().await?;
    let id = r.id;
    let piece_of = r.clone();
    let (history, appeals, files, duplicates, fees, piece, imported) = state
        .run(move |conn| {
            Ok((
                request::events(conn, id)?,
                request::appeals(conn, id)?,
                files::of_request(conn, id)?,
                duplicates::earlier_similar(conn, id)?,
                fee_schedule(conn)?,
                request::piece_of_month(conn, &piece_of)?,
                gongkai_storage::request::imported::record_of(conn, id)?.is_some(),
            ))
        })
        .await?;
    let open = r.closed_at.is_none();
    let (deadline_lines, deadline_error) = match r.schedule(&state.calendar().await?)? {
        Ok(s) => (s.lines(), None),
        Err(e) => (vec![], Some(e.to_string())),
    };
    let revealed = personal.is_some();
    let (id_number, phone) = match &personal {
        Some(p) => (p.id_number.clone(), p.phone.clone()),
        None => (r.id_number_masked.clone(), r.phone_masked.clone()),
    };
    let applicant_type = r
        .applicant_type()
        .map(|t| t.full_label())
        .unwrap_or_default();
    let ctx = json!({
        "request": {
            "id": r.id,
            "tracking_code": r.tracking_code,
            "stage_label": r.stage().map(|s| s.label()).unwrap_or(""),
            "org": dir.org_name(r.org_id),
            "handler": r.handler,
            "applicant_type": applicant_type,
            "applicant_name": r.applicant_name,
            "id_type": r.id_type().map(|t| t.label()).unwrap_or(""),
            "id_number": id_number,
            "phone": phone,
            "email": r.email,
            "address": r.address,
            "description": r.description,
            "preferred_form": request::label_of(FORMS, &r.preferred_form),
            "delivery": request::label_of(DELIVERIES, &r.delivery),
            "channel": r.channel().map(|c| c.label()).unwrap_or(""),
            "received_on": page::date(Some(r.received_on)),
            "due_on": date(r.due_on),
            "outcome": r.outcome().map(|o| o.full_label()),
            "outcome_article": r.outcome().and_then(|o| o.article()),
            "reply_text": r.reply_text,
            "answered_on": date(r.answered_on),
            "fee": r.fee_fen.map(yuan),
            "fee_note": r.fee_note,
            "published_item_url": r.published_item_id.map(|i| format!("/admin/items/{i}")),
        },
        "duplicates": duplicates.iter().map(|d| json!({
            "url": format!("/admin/requests/{}", d.id), "tracking_code": d.tracking_code,
            "received_on": page::date(Some(d.received_on)), "similarity_pct": d.similarity_pct,
            "stage": d.stage,
        })).collect::<Vec<_>>(),
        "files": files.iter().map(|f| json!({
            "url": format!("/admin/requests/{id}/files/{}", f.id), "name": f.file_name,
            "kind": f.kind().map(|k| k.label_zh()).unwrap_or(""),
            "size": gongkai_storage::attachment::human_size(f.size_bytes),
            "created_by": f.created_by, "created_at": page::datetime(f.created_at),
            "public": f.kind().is_some_and(|k| k.for_applicant()),
        })).collect::<Vec<_>>(),
        "file_kinds": FileKind::ALL.iter().map(|k| json!({"value": k.as_str(), "label": k.label_zh()})).collect::<Vec<_>>(),
        "upload_url": format!("/admin/requests/{id}/files"),
        "notice_url": (r.answered_on.is_some() && r.outcome.is_some()).then(|| format!("/admin/requests/{id}/notice")),
        "fee_url": (open && r.fee_fen.is_none() && !fees.is_none()).then(|| format!("/admin/requests/{id}/fee")),
        "fee_piece": piece,
        "publish_url": (r.publish_consent && r.answered_on.is_some() && r.published_item_id.is_none())
            .then(|| format!("/admin/requests/{id}/publish")),
        "revealed": revealed,
        // Cases imported from an earlier system carry no personal data to reveal.
        "reveal_url": (!revealed && !imported).then(|| format!("/admin/requests/{id}/reveal")),
        "imported": imported,
        "deadline_lines": deadline_lines,
        "deadline_error": deadline_error.or(r.deadline_note.clone()),
        "history": history.iter().map(|e| json!({"on": page::date(Some(e.on_date)), "kind": e.kind, "detail": e.detail, "actor": e.actor, "at": page::datetime(e.at)})).collect::<Vec<_>>(),
        "appeals": appeals.iter().map(|a| json!({
            "kind": a.block().map(|b| b.label()).unwrap_or(""), "filed_on": page::date(Some(a.filed_on)), "body": a.body,
            "outcome": a.column().map(|c| c.label()).unwrap_or(""), "decided_on": date(a.decided_on), "note": a.note,
        })).collect::<Vec<_>>(),
        "actions": actions(staff, &dir, &r, &appeals),
        "back_url": "/admin/requests",
    });
    let mut ctx = page::merge(
        super::base(
            staff,
            "/admin/requests",
            &format!("申请 {}", r.tracking_code),
        ),
        ctx,
    );
    if let Some((kind, message)) = flash {
        ctx["flash"] = json!({"kind": kind, "message": message});
    }
    page::render("admin/request_view.html", &ctx)
}

pub async fn view(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let r = load(&state, &staff, id).await?;
    view_page(&state, &staff, r, None, None).await
}

/// 查看完整信息 — the ID number and phone in clear, written to the audit log first.
pub async fn reveal(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<crate::auth::CsrfOnly>,
) -> WebResult<Html<String>> {
    staff.check_csrf(&form.csrf)?;
    let r = load(&state, &staff, id).await?;
    let key = state.data_key.clone();
    let actor = staff.actor();
    let personal = state
        .run(move |conn| Ok(request::reveal(conn, &key, &actor, id)?))
        .await?;
    view_page(&state, &staff, r, Some(personal), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActForm {
    action: String,
    on: String,
    csrf: String,
    org_id: String,
    handler: String,
    correct_by: String,
    note: String,
    late_reason: String,
    consultee: String,
    name: String,
    days: String,
    approver: String,
    outcome: String,
    reply_text: String,
    agency: String,
    kind: String,
    body: String,
    appeal_id: String,
}

fn parse_date(field: &str, raw: &str) -> WebResult<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        WebError::BadRequest(format!(
            "日期 {field}=“{}”无效，格式为 YYYY-MM-DD",
            raw.trim()
        ))
    })
}

enum Act {
    Step(Step),
    File {
        kind: Table4Block,
        body: String,
        note: String,
    },
    Decide {
        appeal_id: i64,
        outcome: Table4Column,
    },
}

fn parse_act(f: &ActForm) -> WebResult<(NaiveDate, Act)> {
    let on = parse_date("on", &f.on)?;
    let bad = |what: &str| WebError::BadRequest(format!("{what} 无效"));
    let step = match f.action.as_str() {
        "assign" => Step::Assign {
            on,
            org_id: f.org_id.trim().parse().map_err(|_| bad("org_id"))?,
            handler: f.handler.clone(),
        },
        "request_correction" => Step::RequestCorrection {
            on,
            correct_by: parse_date("correct_by", &f.correct_by)?,
            note: f.note.trim().to_string(),
        },
        "receive_correction" => Step::ReceiveCorrection {
            on,
            late_reason: Some(f.late_reason.trim().to_string()).filter(|s| !s.is_empty()),
        },
        "correction_lapsed" => Step::CorrectionLapsed { on },
        "start_consultation" => Step::StartConsultation {
            on,
            consultee: match f.consultee.as_str() {
                "third_party" => Consultee::ThirdParty,
                "other_agency" => Consultee::OtherAgency,
                _ => return Err(bad("consultee")),
            },
            name: f.name.clone(),
        },
        "end_consultation" => Step::EndConsultation { on },
        "extend" => Step::Extend {
            on,
            days: f.days.trim().parse().map_err(|_| bad("days"))?,
            approver: f.approver.clone(),
        },
        "reply" => Step::Reply {
            on,
            outcome: f.outcome.parse::<Outcome>()?,
            text: f.reply_text.clone(),
        },
        "answer_on_the_spot" => Step::AnswerOnTheSpot {
            on,
            outcome: f.outcome.parse::<Outcome>()?,
            text: f.reply_text.clone(),
        },
        "transfer" => Step::Transfer {
            on,
            agency: f.agency.clone(),
        },
        "close" => Step::Close { on },
        "file_appeal" => {
            let kind = request::block_of(&f.kind).ok_or_else(|| bad("kind"))?;
            return Ok((
                on,
                Act::File {
                    kind,
                    body: f.body.clone(),
                    note: f.note.clone(),
                },
            ));
        }
        "decide_appeal" => {
            let appeal_id = f.appeal_id.trim().parse().map_err(|_| bad("appeal_id"))?;
            let outcome = request::column_of(&f.outcome).ok_or_else(|| bad("outcome"))?;
            return Ok((on, Act::Decide { appeal_id, outcome }));
        }
        other => return Err(WebError::BadRequest(format!("未知操作 action=“{other}”"))),
    };
    Ok((on, Act::Step(step)))
}

/// One handling step or appeal record. A step the rules refuse shows the case again with the reason.
pub async fn act(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ActForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    load(&state, &staff, id).await?;
    let (on, what) = parse_act(&form)?;
    if let Act::Step(Step::Assign { org_id, .. }) = &what {
        let dir = state.directory().await?;
        let path = dir
            .org(*org_id)
            .map(|o| o.path.clone())
            .ok_or_else(|| WebError::BadRequest("org_id 无效".into()))?;
        staff.require(Permission::HandleRequests, &path)?;
    }
    if let Act::Decide { appeal_id, .. } = &what {
        let aid = *appeal_id;
        let mine = state
            .run(move |conn| Ok(request::appeals(conn, id)?))
            .await?
            .iter()
            .any(|a| a.id == aid);
        if !mine {
            return Err(WebError::NotFound);
        }
    }
    let actor = staff.actor();
    let cal = state.calendar().await?;
    let done = state
        .run(move |conn| {
            Ok(match what {
                Act::Step(step) => request::act(conn, &cal, &actor, id, &step).map(|_| ()),
                Act::File { kind, body, note } => {
                    request::file_appeal(conn, &actor, id, kind, on, &body, &note).map(|_| ())
                }
                Act::Decide { appeal_id, outcome } => {
                    request::decide_appeal(conn, &actor, appeal_id, outcome, on).map(|_| ())
                }
            })
        })
        .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/admin/requests/{id}")).into_response()),
        Err(e) => refused(&state, &staff, id, e).await,
    }
}

/// Staff entry of a request that came by post, in person, orally, by e-mail or fax: the applicant's
/// form plus the channel and the facts Art. 31 takes the day of receipt from.
#[derive(Deserialize, Default, serde::Serialize)]
#[serde(default)]
pub struct EntryForm {
    #[serde(flatten)]
    input: request::RequestInput,
    channel: String,
    arrived_on: String,
    signed_for: String,
    confirmed: String,
    #[serde(skip_serializing)]
    csrf: String,
}

fn entry_page(
    staff: &Staff,
    dir: &Directory,
    form: &EntryForm,
    errors: &gongkai_domain::item::FieldErrors,
) -> WebResult<Html<String>> {
    let orgs: Vec<Value> = dir
        .orgs
        .iter()
        .filter(|o| staff.can(Permission::HandleRequests, &o.path))
        .map(|o| json!({"value": o.id.to_string(), "label": o.name}))
        .collect();
    let organisation_types: Vec<Value> = gongkai_domain::request::ApplicantType::ALL
        .iter()
        .filter(|t| t.is_organization())
        .map(|t| json!({"value": t.as_str(), "label": t.label()}))
        .collect();
    let pairs = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(v, l)| json!({"value": v, "label": l}))
            .collect::<Vec<_>>()
    };
    render(
        staff,
        "/admin/requests",
        "登记申请",
        "admin/request_new.html",
        json!({
            "form_action": "/admin/requests",
            "errors": errors,
            "values": form,
            "org_options": orgs,
            "person_type": {"value": "natural_person", "label": "自然人"},
            "organisation_types": organisation_types,
            "id_type_options": request::IdType::ALL.iter().map(|t| json!({"value": t.as_str(), "label": t.label()})).collect::<Vec<_>>(),
            "form_options": pairs(FORMS),
            "delivery_options": pairs(DELIVERIES),
            "channel_options": gongkai_domain::request::ReceiptChannel::ALL.iter().map(|c| json!({"value": c.as_str(), "label": c.label()})).collect::<Vec<_>>(),
        }),
    )
}

pub async fn new_form(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    if !staff.has_any(Permission::HandleRequests) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let today = page::date(Some(today()));
    let form = EntryForm {
        input: request::RequestInput {
            org_id: staff.user.org_id.to_string(),
            applicant_type: "natural_person".into(),
            id_type: "resident_id".into(),
            preferred_form: "paper".into(),
            delivery: "post".into(),
            ..Default::default()
        },
        channel: "registered_post".into(),
        arrived_on: today.clone(),
        signed_for: today,
        ..Default::default()
    };
    entry_page(&staff, &dir, &form, &Default::default())
}

fn optional_date(
    errors: &mut gongkai_domain::item::FieldErrors,
    field: &str,
    raw: &str,
) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let d = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok();
    match d {
        Some(d) if d > today() => errors.add(field, "日期不能晚于今天"),
        Some(_) => {}
        None => errors.add(field, format!("日期“{raw}”无法识别，请按 YYYY-MM-DD 填写")),
    }
    d
}

pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<EntryForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    if !staff.has_any(Permission::HandleRequests) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    let mut errors = gongkai_domain::item::FieldErrors::default();
    let new = match form.input.validate() {
        Ok(n) => Some(n),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    if let Some(n) = &new {
        let path = dir
            .org(n.org_id)
            .map(|o| o.path.clone())
            .unwrap_or_default();
        if !staff.can(Permission::HandleRequests, &path) {
            errors.add("org_id", "您不能为该机关登记申请");
        }
    }
    let channel = form
        .channel
        .parse::<gongkai_domain::request::ReceiptChannel>()
        .ok();
    if channel.is_none() {
        errors.add("channel", "请选择提交渠道");
    }
    let arrived = optional_date(&mut errors, "arrived_on", &form.arrived_on);
    if arrived.is_none() && !errors.0.contains_key("arrived_on") {
        errors.add("arrived_on", "必填");
    }
    let signed_for = optional_date(&mut errors, "signed_for", &form.signed_for);
    let confirmed = optional_date(&mut errors, "confirmed", &form.confirmed);
    let (Some(new), Some(channel), Some(arrived), true) =
        (new, channel, arrived, errors.is_empty())
    else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            entry_page(&staff, &dir, &form, &errors)?,
        )
            .into_response());
    };
    let mut facts = gongkai_domain::request::ReceiptFacts::new(channel, arrived);
    facts.signed_for = signed_for;
    facts.confirmed = confirmed;
    let key = state.data_key.clone();
    let actor = staff.actor();
    let cal = state.calendar().await?;
    let stored = state
        .run(move |conn| Ok(request::intake(conn, &key, &cal, &actor, &new, &facts)))
        .await?;
    let ack = match stored {
        Ok(a) => a,
        Err(StorageError::Invalid(e)) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                entry_page(&staff, &dir, &form, &e)?,
            )
                .into_response())
        }
        Err(StorageError::Domain(gongkai_domain::DomainError::InvalidField { field, reason })) => {
            let mut e = gongkai_domain::item::FieldErrors::default();
            e.add(field, format!("无法确定收到申请之日：{reason}"));
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                entry_page(&staff, &dir, &form, &e)?,
            )
                .into_response());
        }
        Err(e) => return Err(e.into()),
    };
    // The password is shown this once, for the acknowledgement given to the applicant.
    let id = ack.id;
    let r = state.run(move |conn| Ok(request::get(conn, id)?)).await?;
    let message = format!(
        "已登记。查询码 {}，查询密码 {}（只显示这一次，请告知申请人）。",
        ack.tracking_code, ack.password
    );
    let html = view_page(&state, &staff, r, None, Some(("ok", message))).await?;
    Ok(html.into_response())
}

/// Adds a scan, notice or released file to a case.
pub async fn upload_file(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> WebResult<Response> {
    let up = crate::upload::read(multipart).await?;
    staff.check_csrf(up.field("csrf"))?;
    load(&state, &staff, id).await?;
    let kind: FileKind = up
        .field("kind")
        .parse()
        .map_err(|_| WebError::BadRequest("请选择材料类型".into()))?;
    let (name, bytes) = up.checked_file()?;
    let (name, bytes) = (name.to_string(), bytes.to_vec());
    let actor = staff.actor();
    state
        .run(move |conn| Ok(files::add(conn, &actor, id, kind, &name, &bytes)?))
        .await?;
    Ok(Redirect::to(&format!("/admin/requests/{id}")).into_response())
}

pub async fn download_file(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, fid)): Path<(i64, i64)>,
) -> WebResult<Response> {
    load(&state, &staff, id).await?;
    let (f, bytes) = state
        .run(move |conn| {
            let f = files::get(conn, fid)?;
            if f.request_id != id {
                return Err(WebError::NotFound);
            }
            let bytes = files::content(conn, &f)?;
            Ok((f, bytes))
        })
        .await?;
    Ok(crate::upload::download(
        &f.file_name,
        &f.content_type,
        &f.sha256,
        "private, no-store",
        bytes,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FeeForm {
    csrf: String,
    basis: String,
    pages: String,
}

/// Re-shows the case with a refusal's reason (422), or passes other errors on.
async fn refused(state: &AppState, staff: &Staff, id: i64, e: StorageError) -> WebResult<Response> {
    let message = match e {
        StorageError::Domain(e) => format!("操作未执行：{e}"),
        StorageError::Invalid(e) => format!("操作未执行：{e}"),
        StorageError::Conflict(m) => format!("操作未执行：{m}"),
        e => return Err(e.into()),
    };
    let r = state.run(move |conn| Ok(request::get(conn, id)?)).await?;
    let html = view_page(state, staff, r, None, Some(("error", message))).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

/// 信息处理费: computed from the schedule in force and recorded on the case.
pub async fn fee(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<FeeForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    load(&state, &staff, id).await?;
    let basis = FeeBasis::parse(form.basis.trim())
        .ok_or_else(|| WebError::BadRequest("请选择计收方式".into()))?;
    let pages = match form.pages.trim() {
        "" => None,
        p => Some(
            p.parse::<u32>()
                .map_err(|_| WebError::BadRequest(format!("页数“{p}”不是正整数")))?,
        ),
    };
    let actor = staff.actor();
    let done = state
        .run(move |conn| {
            let schedule = fee_schedule(conn)?;
            Ok(request::charge_fee(
                conn, &actor, &schedule, id, basis, pages,
            ))
        })
        .await?;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/admin/requests/{id}")).into_response()),
        Err(e) => refused(&state, &staff, id, e).await,
    }
}

/// 依申请公开转主动公开: drafts a catalogue item from the reply (the applicant consented).
pub async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<crate::auth::CsrfOnly>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    let r = load(&state, &staff, id).await?;
    let dir = state.directory().await?;
    let path = dir
        .org(r.org_id)
        .map(|o| o.path.clone())
        .unwrap_or_default();
    staff.require(Permission::EditItems, &path)?;
    let actor = staff.actor();
    let done = state
        .run(move |conn| Ok(request::publish_reply(conn, &actor, id)))
        .await?;
    match done {
        Ok(item) => Ok(Redirect::to(&format!("/admin/items/{}/edit", item.id)).into_response()),
        Err(e) => refused(&state, &staff, id, e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeForm {
    csrf: String,
    format: String,
}

/// 答复告知书: written from the case by [`ReplyNotice::write`], rendered to PDF (typst, Noto CJK)
/// or DOCX, and kept on the case as a reply-notice file, so the applicant can download it after
/// tracking and the case holds exactly what was sent.
pub async fn notice(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<NoticeForm>,
) -> WebResult<Response> {
    use gongkai_domain::request::notice::{NoticeFacts, ReplyNotice};
    staff.check_csrf(&form.csrf)?;
    let r = load(&state, &staff, id).await?;
    let format = match form.format.as_str() {
        "pdf" => gongkai_reporting::Format::Pdf,
        "docx" => gongkai_reporting::Format::Docx,
        other => {
            return Err(WebError::Unprocessable(format!(
                "告知书格式“{other}”无效：应为 pdf 或 docx"
            )))
        }
    };
    let (Some(outcome), Some(answered_on), Some(reply)) = (
        r.outcome.as_deref().and_then(|o| o.parse::<Outcome>().ok()),
        r.answered_on,
        r.reply_text.as_deref(),
    ) else {
        return refused(
            &state,
            &staff,
            id,
            StorageError::Conflict("申请尚未答复，答复后才能生成告知书".into()),
        )
        .await;
    };
    let dir = state.directory().await?;
    let agency = dir.org_name(r.org_id);
    // 复议机关: the body above the agency (Art. 51 of the Regulation; Administrative
    // Reconsideration Law) — its parent in the tree, or for the top government the level above.
    let reconsideration_body = dir
        .org(r.org_id)
        .and_then(|o| o.parent_id)
        .map(|p| dir.org_name(p))
        .unwrap_or_else(|| "上一级人民政府".into());
    let text = ReplyNotice::write(&NoticeFacts {
        agency: &agency,
        tracking_code: &r.tracking_code,
        applicant: &r.applicant_name,
        received_on: r.received_on,
        answered_on,
        description: &r.description,
        outcome,
        reply_text: reply,
        reconsideration_body: &reconsideration_body,
    });
    let mut doc = gongkai_reporting::Document::new(&text.title).subtitle(&text.number);
    doc.paragraph(&text.addressee);
    for p in &text.paragraphs {
        doc.paragraph(p);
    }
    doc.paragraph(&text.signer);
    doc.paragraph(&text.date);
    let name = format!(
        "{}.{}",
        text.file_stem(&r.tracking_code),
        format.extension()
    );
    let actor = staff.actor();
    state
        .run(move |conn| {
            let bytes = gongkai_reporting::render(&doc, format)
                .map_err(|e| WebError::Internal(format!("notice rendering: {e}")))?;
            Ok(files::add(
                conn,
                &actor,
                id,
                FileKind::Notice,
                &name,
                &bytes,
            )?)
        })
        .await?;
    Ok(Redirect::to(&format!("/admin/requests/{id}#h-files")).into_response())
}
