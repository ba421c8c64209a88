//! 征集调查 — surveys and their responses. The rules (questions, window, answers, tallies) are
//! `gongkai_domain::survey`; this module stores them.
//!
//! Times: `opens_at` and `closes_at` are China Standard Time as staff typed them (a survey "closes at
//! 18:00" in Beijing), compared with [`china_now`]; `created_at`, `published_at` are UTC like every
//! other table.
//!
//! One response per person: the caller passes a respondent key (the hashed anonymous session token,
//! or the signed-in user); the unique index on `(survey_id, person_key)` refuses a second response
//! even when two arrive at once. Clearing cookies gets a new token, so responses are also capped
//! per hashed client address ([`MAX_PER_ADDRESS`]).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::survey::{self as rules, Answer, Phase, Question, Window};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audit::{self, Actor, Change};
use crate::crypto::DataKey;
use crate::schema::organisations;
use crate::{outbox, page_window, write_txn, AnyConnection, Page, Result, StorageError};

diesel::table! {
    surveys (id) {
        id -> BigInt,
        org_id -> BigInt,
        title -> Text,
        intro -> Text,
        questions -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        live_results -> Bool,
        one_per_person -> Bool,
        requires_sign_in -> Bool,
        identified -> Bool,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    survey_responses (id) {
        id -> BigInt,
        survey_id -> BigInt,
        person_key -> Nullable<Text>,
        address_hash -> Text,
        name_enc -> Nullable<Text>,
        phone_enc -> Nullable<Text>,
        answers -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(survey_responses -> surveys (survey_id));
diesel::joinable!(surveys -> organisations (org_id));
diesel::allow_tables_to_appear_in_same_query!(surveys, survey_responses, organisations);

/// The outbox entity (and search document kind) of a survey.
pub const ENTITY: &str = "survey";
/// Responses accepted from one client address per survey: generous for a shared office or
/// campus address, low enough to stop one machine stuffing the ballot by clearing cookies.
pub const MAX_PER_ADDRESS: i64 = 50;

pub const DRAFT: &str = "draft";
pub const PUBLISHED: &str = "published";
pub const WITHDRAWN: &str = "withdrawn";

/// The time to compare with `opens_at`/`closes_at`.
pub fn china_now() -> NaiveDateTime {
    crate::now() + chrono::Duration::hours(8)
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = surveys)]
pub struct Survey {
    pub id: i64,
    pub org_id: i64,
    pub title: String,
    pub intro: String,
    pub questions: String,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub live_results: bool,
    pub one_per_person: bool,
    pub requires_sign_in: bool,
    pub identified: bool,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Survey {
    pub fn questions(&self) -> Vec<Question> {
        serde_json::from_str(&self.questions).unwrap_or_default()
    }
    pub fn phase(&self, now: NaiveDateTime) -> Phase {
        Window {
            opens_at: self.opens_at,
            closes_at: self.closes_at,
        }
        .phase(now)
    }
    pub fn is_published(&self) -> bool {
        self.status == PUBLISHED
    }
    pub fn results_visible(&self, now: NaiveDateTime) -> bool {
        self.is_published() && rules::results_visible(self.phase(now), self.live_results)
    }
}

/// The back-office form as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SurveyInput {
    pub org_id: String,
    pub title: String,
    pub intro: String,
    pub questions: String,
    /// `YYYY-MM-DD HH:MM` or the `datetime-local` form `YYYY-MM-DDTHH:MM`, China time.
    pub opens_at: String,
    pub closes_at: String,
    /// Ticked options among [`FLAGS`].
    pub flags: Vec<String>,
}

/// The survey's options as checkbox values and labels.
pub const FLAGS: &[(&str, &str)] = &[
    ("one_per_person", "每人限答一次"),
    ("live_results", "进行中即公开结果（否则结束后公开）"),
    (
        "requires_sign_in",
        "须登录后作答（仅限本平台用户，如内部调查）",
    ),
    ("identified", "实名（须填写姓名和联系电话，加密保存）"),
];

/// A checked survey, ready to store.
#[derive(Debug, Clone)]
pub struct NewSurvey {
    pub org_id: i64,
    pub title: String,
    pub intro: String,
    pub questions: Vec<Question>,
    pub window: Window,
    pub live_results: bool,
    pub one_per_person: bool,
    pub requires_sign_in: bool,
    pub identified: bool,
}

fn parse_time(raw: &str) -> Option<NaiveDateTime> {
    let t = raw.trim().replace('T', " ");
    NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S"))
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

impl SurveyInput {
    fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    pub fn validate(&self) -> std::result::Result<NewSurvey, FieldErrors> {
        let mut e = FieldErrors::default();
        if let Some(f) = self
            .flags
            .iter()
            .find(|f| !FLAGS.iter().any(|(v, _)| v == f))
        {
            e.add("flags", format!("未知选项“{f}”"));
        }
        let org_id = self.org_id.trim().parse::<i64>().ok();
        if org_id.is_none() {
            e.add("org_id", "请选择发布单位");
        }
        let title = self.title.trim();
        if title.is_empty() {
            e.add("title", "请填写标题");
        } else if title.chars().count() > 200 {
            e.add("title", "标题不超过 200 字");
        }
        if self.intro.chars().count() > 5000 {
            e.add("intro", "说明不超过 5000 字");
        }
        let questions = match rules::parse_questions(&self.questions) {
            Ok(q) => Some(q),
            Err(qe) => {
                for (k, v) in qe.0 {
                    e.add(&k, v);
                }
                None
            }
        };
        let opens = parse_time(&self.opens_at);
        if opens.is_none() {
            e.add("opens_at", "开始时间无法识别，请按 YYYY-MM-DD HH:MM 填写");
        }
        let closes = parse_time(&self.closes_at);
        if closes.is_none() {
            e.add("closes_at", "结束时间无法识别，请按 YYYY-MM-DD HH:MM 填写");
        }
        let window = match (opens, closes) {
            (Some(o), Some(c)) => match Window::new(o, c) {
                Ok(w) => Some(w),
                Err(we) => {
                    for (k, v) in we.0 {
                        e.add(&k, v);
                    }
                    None
                }
            },
            _ => None,
        };
        match (org_id, questions, window) {
            (Some(org_id), Some(questions), Some(window)) if e.is_empty() => Ok(NewSurvey {
                org_id,
                title: title.to_string(),
                intro: self.intro.trim().to_string(),
                questions,
                window,
                live_results: self.flag("live_results"),
                one_per_person: self.flag("one_per_person"),
                requires_sign_in: self.flag("requires_sign_in"),
                identified: self.flag("identified"),
            }),
            _ => Err(e),
        }
    }

    /// The form filled from a stored survey (for editing).
    pub fn of(s: &Survey) -> SurveyInput {
        SurveyInput {
            org_id: s.org_id.to_string(),
            title: s.title.clone(),
            intro: s.intro.clone(),
            questions: rules::to_text(&s.questions()),
            opens_at: s.opens_at.format("%Y-%m-%dT%H:%M").to_string(),
            closes_at: s.closes_at.format("%Y-%m-%dT%H:%M").to_string(),
            flags: [
                ("one_per_person", s.one_per_person),
                ("live_results", s.live_results),
                ("requires_sign_in", s.requires_sign_in),
                ("identified", s.identified),
            ]
            .iter()
            .filter(|(_, on)| *on)
            .map(|(f, _)| f.to_string())
            .collect(),
        }
    }
}

fn invalid(field: &str, message: &str) -> StorageError {
    let mut e = FieldErrors::default();
    e.add(field, message);
    StorageError::Invalid(e)
}

fn summary(s: &NewSurvey) -> serde_json::Value {
    serde_json::json!({
        "title": s.title, "org_id": s.org_id, "questions": s.questions.len(),
        "opens_at": s.window.opens_at.to_string(), "closes_at": s.window.closes_at.to_string(),
        "live_results": s.live_results, "one_per_person": s.one_per_person,
        "requires_sign_in": s.requires_sign_in, "identified": s.identified,
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Survey> {
    surveys::table
        .find(id)
        .select(Survey::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "survey",
            id: id.to_string(),
        })
}

/// Stores a new survey as a draft.
pub fn create(conn: &mut AnyConnection, actor: &Actor, s: &NewSurvey) -> Result<Survey> {
    let now = crate::now();
    let questions = serde_json::to_string(&s.questions).expect("questions serialise");
    write_txn(conn, |conn| {
        let id: i64 = diesel::insert_into(surveys::table)
            .values((
                surveys::org_id.eq(s.org_id),
                surveys::title.eq(&s.title),
                surveys::intro.eq(&s.intro),
                surveys::questions.eq(&questions),
                surveys::opens_at.eq(s.window.opens_at),
                surveys::closes_at.eq(s.window.closes_at),
                surveys::live_results.eq(s.live_results),
                surveys::one_per_person.eq(s.one_per_person),
                surveys::requires_sign_in.eq(s.requires_sign_in),
                surveys::identified.eq(s.identified),
                surveys::status.eq(DRAFT),
                surveys::created_at.eq(now),
                surveys::updated_at.eq(now),
            ))
            .returning(surveys::id)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "survey.create",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(s.org_id),
                summary: format!("created survey “{}”", s.title),
                before: None,
                after: Some(summary(s)),
            },
        )?;
        get(conn, id)
    })
}

/// Replaces a survey's settings. Once anyone has answered, the questions are fixed (changing them
/// would mis-file the stored answers) and so is the one-per-person rule.
pub fn update(conn: &mut AnyConnection, actor: &Actor, id: i64, s: &NewSurvey) -> Result<Survey> {
    let questions = serde_json::to_string(&s.questions).expect("questions serialise");
    write_txn(conn, |conn| {
        let old = get(conn, id)?;
        if response_count(conn, id)? > 0 {
            if old.questions() != s.questions {
                return Err(invalid("questions", "已有人作答，题目不能再修改"));
            }
            if old.one_per_person != s.one_per_person || old.identified != s.identified {
                return Err(invalid(
                    "one_per_person",
                    "已有人作答，“每人限答一次”和“实名”设置不能再修改",
                ));
            }
        }
        diesel::update(surveys::table.find(id))
            .set((
                surveys::org_id.eq(s.org_id),
                surveys::title.eq(&s.title),
                surveys::intro.eq(&s.intro),
                surveys::questions.eq(&questions),
                surveys::opens_at.eq(s.window.opens_at),
                surveys::closes_at.eq(s.window.closes_at),
                surveys::live_results.eq(s.live_results),
                surveys::one_per_person.eq(s.one_per_person),
                surveys::requires_sign_in.eq(s.requires_sign_in),
                surveys::identified.eq(s.identified),
                surveys::updated_at.eq(crate::now()),
            ))
            .execute(conn)?;
        if old.is_published() {
            outbox::push(conn, ENTITY, id, outbox::Op::Upsert)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "survey.update",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(s.org_id),
                summary: format!("updated survey “{}”", s.title),
                before: Some(serde_json::json!({"title": old.title, "org_id": old.org_id,
                    "opens_at": old.opens_at.to_string(), "closes_at": old.closes_at.to_string()})),
                after: Some(summary(s)),
            },
        )?;
        get(conn, id)
    })
}

/// Publishes (the public sees it) or withdraws a survey; announced to search through the outbox.
pub fn set_published(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    publish: bool,
) -> Result<Survey> {
    write_txn(conn, |conn| {
        let old = get(conn, id)?;
        let status = if publish { PUBLISHED } else { WITHDRAWN };
        if old.status == status {
            return Ok(old);
        }
        let now = crate::now();
        diesel::update(surveys::table.find(id))
            .set((
                surveys::status.eq(status),
                surveys::published_at.eq(if publish {
                    old.published_at.or(Some(now))
                } else {
                    old.published_at
                }),
                surveys::updated_at.eq(now),
            ))
            .execute(conn)?;
        outbox::push(
            conn,
            ENTITY,
            id,
            if publish {
                outbox::Op::Upsert
            } else {
                outbox::Op::Delete
            },
        )?;
        audit::record(
            conn,
            actor,
            Change {
                action: if publish {
                    "survey.publish"
                } else {
                    "survey.withdraw"
                },
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(old.org_id),
                summary: format!(
                    "{} survey “{}”",
                    if publish { "published" } else { "withdrew" },
                    old.title
                ),
                before: Some(serde_json::json!({"status": old.status})),
                after: Some(serde_json::json!({"status": status})),
            },
        )?;
        get(conn, id)
    })
}

/// Published surveys, newest first (the public list).
pub fn published(conn: &mut AnyConnection, page: i64, per_page: i64) -> Result<Page<Survey>> {
    let (page, per_page, offset) = page_window(page, per_page, 100);
    let total = surveys::table
        .filter(surveys::status.eq(PUBLISHED))
        .count()
        .get_result(conn)?;
    let rows = surveys::table
        .filter(surveys::status.eq(PUBLISHED))
        .order((surveys::opens_at.desc(), surveys::id.desc()))
        .limit(per_page)
        .offset(offset)
        .select(Survey::as_select())
        .load(conn)?;
    Ok(Page {
        rows,
        total,
        page,
        per_page,
    })
}

/// Ids of every published survey (search rebuild).
pub fn published_ids(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    Ok(surveys::table
        .filter(surveys::status.eq(PUBLISHED))
        .order(surveys::id.asc())
        .select(surveys::id)
        .load(conn)?)
}

/// Surveys of the given organisations (None = all), newest first, for the back office.
pub fn for_orgs(conn: &mut AnyConnection, org_ids: Option<&[i64]>) -> Result<Vec<Survey>> {
    let mut q = surveys::table
        .order(surveys::id.desc())
        .select(Survey::as_select())
        .limit(500)
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(surveys::org_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(conn)?)
}

pub fn response_count(conn: &mut AnyConnection, survey_id: i64) -> Result<i64> {
    Ok(survey_responses::table
        .filter(survey_responses::survey_id.eq(survey_id))
        .count()
        .get_result(conn)?)
}

/// Who is answering.
#[derive(Debug, Clone)]
pub enum Respondent {
    /// An anonymous visitor: their session token (the raw cookie value; only its hash is kept).
    Visitor { token: String },
    /// A signed-in user.
    User { user_id: i64 },
}

impl Respondent {
    fn key(&self) -> String {
        match self {
            Respondent::Visitor { token } => {
                format!(
                    "t:{}",
                    hex::encode(Sha256::digest(format!("survey-token:{token}")))
                )
            }
            Respondent::User { user_id } => format!("u:{user_id}"),
        }
    }
}

/// A salted, keyed hash of the client address for one survey: the same address gives the same
/// hash within a survey only, and without the node's data key the address cannot be recovered by
/// trying all addresses.
pub fn address_hash(key: &DataKey, survey_id: i64, address: &str) -> String {
    hex::encode(Sha256::digest(format!(
        "survey-address:{}:{survey_id}:{address}",
        key.to_base64()
    )))
}

/// A response as submitted, answers already checked by `rules::check_answers`.
pub struct NewResponse<'a> {
    pub respondent: Respondent,
    pub address: &'a str,
    pub name: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub answers: Vec<Answer>,
}

/// What became of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted(i64),
    AlreadyAnswered,
    NotOpen(Phase),
    NotPublished,
    SignInRequired,
    TooManyFromAddress,
}

/// Stores a response (committed when this returns `Accepted`) if the survey is published and open,
/// and the respondent has not answered a one-per-person survey before.
pub fn respond(
    conn: &mut AnyConnection,
    key: &DataKey,
    survey_id: i64,
    r: &NewResponse<'_>,
) -> Result<Outcome> {
    let answers = serde_json::to_string(&r.answers).expect("answers serialise");
    let addr = address_hash(key, survey_id, r.address);
    let result = write_txn(conn, |conn| {
        let s = get(conn, survey_id)?;
        if !s.is_published() {
            return Ok(Outcome::NotPublished);
        }
        let phase = s.phase(china_now());
        if phase != Phase::Open {
            return Ok(Outcome::NotOpen(phase));
        }
        if s.requires_sign_in && !matches!(r.respondent, Respondent::User { .. }) {
            return Ok(Outcome::SignInRequired);
        }
        let person = s.one_per_person.then(|| r.respondent.key());
        if let Some(p) = &person {
            let seen: i64 = survey_responses::table
                .filter(survey_responses::survey_id.eq(survey_id))
                .filter(survey_responses::person_key.eq(p))
                .count()
                .get_result(conn)?;
            if seen > 0 {
                return Ok(Outcome::AlreadyAnswered);
            }
            let from_address: i64 = survey_responses::table
                .filter(survey_responses::survey_id.eq(survey_id))
                .filter(survey_responses::address_hash.eq(&addr))
                .count()
                .get_result(conn)?;
            if from_address >= MAX_PER_ADDRESS {
                return Ok(Outcome::TooManyFromAddress);
            }
        }
        let id: i64 = diesel::insert_into(survey_responses::table)
            .values((
                survey_responses::survey_id.eq(survey_id),
                survey_responses::person_key.eq(&person),
                survey_responses::address_hash.eq(&addr),
                survey_responses::name_enc
                    .eq(r.name.map(|n| key.encrypt("survey_responses.name", n))),
                survey_responses::phone_enc
                    .eq(r.phone.map(|p| key.encrypt("survey_responses.phone", p))),
                survey_responses::answers.eq(&answers),
                survey_responses::created_at.eq(crate::now()),
            ))
            .returning(survey_responses::id)
            .get_result(conn)?;
        Ok(Outcome::Accepted(id))
    });
    match result {
        // Two answers from one person at the same moment: the index refused the second.
        Err(StorageError::Query(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => Ok(Outcome::AlreadyAnswered),
        other => other,
    }
}

/// Stores a response taken elsewhere (a paper survey typed in, an older system, the demo city)
/// without the window and one-per-person checks; anonymous, with no address.
pub fn import_response(
    conn: &mut AnyConnection,
    survey_id: i64,
    answers: &[Answer],
    created_at: NaiveDateTime,
) -> Result<i64> {
    let answers = serde_json::to_string(answers).expect("answers serialise");
    Ok(diesel::insert_into(survey_responses::table)
        .values((
            survey_responses::survey_id.eq(survey_id),
            survey_responses::address_hash.eq("import"),
            survey_responses::answers.eq(&answers),
            survey_responses::created_at.eq(created_at),
        ))
        .returning(survey_responses::id)
        .get_result(conn)?)
}

/// A stored response, personal data decrypted (for staff exports only).
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub answers: Vec<Answer>,
}

/// The answers of every response, oldest first (for tallies).
pub fn answers(conn: &mut AnyConnection, survey_id: i64) -> Result<Vec<Vec<Answer>>> {
    let rows: Vec<String> = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey_id))
        .order(survey_responses::id.asc())
        .select(survey_responses::answers)
        .load(conn)?;
    Ok(rows
        .iter()
        .map(|a| serde_json::from_str(a).unwrap_or_default())
        .collect())
}

/// Every response with its personal data decrypted, oldest first (staff export).
pub fn responses(
    conn: &mut AnyConnection,
    key: &DataKey,
    survey_id: i64,
) -> Result<Vec<StoredResponse>> {
    type Row = (i64, NaiveDateTime, Option<String>, Option<String>, String);
    let rows: Vec<Row> = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey_id))
        .order(survey_responses::id.asc())
        .select((
            survey_responses::id,
            survey_responses::created_at,
            survey_responses::name_enc,
            survey_responses::phone_enc,
            survey_responses::answers,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, created_at, name, phone, answers)| {
            let dec = |field: &str, v: Option<String>| -> Result<Option<String>> {
                v.map(|v| key.decrypt(field, &v))
                    .transpose()
                    .map_err(|e| StorageError::Conflict(e.to_string()))
            };
            Ok(StoredResponse {
                id,
                created_at,
                name: dec("survey_responses.name", name)?,
                phone: dec("survey_responses.phone", phone)?,
                answers: serde_json::from_str(&answers).unwrap_or_default(),
            })
        })
        .collect()
}

/// Records that staff exported the responses (they may hold personal data).
pub fn record_export(
    conn: &mut AnyConnection,
    actor: &Actor,
    s: &Survey,
    format: &str,
) -> Result<()> {
    write_txn(conn, |conn| {
        audit::record(
            conn,
            actor,
            Change {
                action: "survey.export",
                entity: ENTITY,
                entity_id: s.id.to_string(),
                org_id: Some(s.org_id),
                summary: format!("exported responses of “{}” as {format}", s.title),
                before: None,
                after: None,
            },
        )
    })
}

/// One row of a yearly count: an organisation, its level, how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgCount {
    pub org_id: i64,
    pub level: String,
    pub count: i64,
}

/// Surveys for the annual report (网上调查/征集): every survey published at any time (withdrawn
/// ones included — they were held; drafts never were) whose answering window **opened** in `year`
/// (China time), counted per organisation with the organisation's level.
pub fn yearly_counts(conn: &mut AnyConnection, year: i32) -> Result<Vec<OrgCount>> {
    let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or_else(|| invalid("year", "年份无效"))?;
    let to = chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or_else(|| invalid("year", "年份无效"))?;
    let rows: Vec<(i64, String)> = surveys::table
        .inner_join(organisations::table)
        .filter(surveys::published_at.is_not_null())
        .filter(surveys::opens_at.ge(from))
        .filter(surveys::opens_at.lt(to))
        .select((surveys::org_id, organisations::level))
        .load(conn)?;
    Ok(count_rows(rows))
}

/// Groups `(org_id, level)` rows into counts, ordered by organisation.
pub fn count_rows(rows: Vec<(i64, String)>) -> Vec<OrgCount> {
    let mut m: BTreeMap<i64, (String, i64)> = BTreeMap::new();
    for (org, level) in rows {
        m.entry(org).or_insert((level, 0)).1 += 1;
    }
    m.into_iter()
        .map(|(org_id, (level, count))| OrgCount {
            org_id,
            level,
            count,
        })
        .collect()
}

/// The year a survey is counted in (see [`yearly_counts`]).
pub fn counted_year(s: &Survey) -> i32 {
    s.opens_at.year()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{on_both, seed_org};

    fn input(org: i64, opens: &str, closes: &str) -> SurveyInput {
        SurveyInput {
            org_id: org.to_string(),
            title: "公交服务满意度调查".into(),
            intro: "请如实填写。".into(),
            questions: "[单选*] 是否满意\n- 满意\n- 不满意\n[文本] 建议".into(),
            opens_at: opens.into(),
            closes_at: closes.into(),
            flags: vec!["one_per_person".into()],
            ..Default::default()
        }
    }

    fn open_now(org: i64) -> NewSurvey {
        let now = china_now();
        input(
            org,
            &(now - chrono::Duration::days(1))
                .format("%Y-%m-%dT%H:%M")
                .to_string(),
            &(now + chrono::Duration::days(1))
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        )
        .validate()
        .unwrap()
    }

    fn visitor(t: &str, answers: Vec<Answer>) -> NewResponse<'static> {
        NewResponse {
            respondent: Respondent::Visitor { token: t.into() },
            address: "10.0.0.1",
            name: None,
            phone: None,
            answers,
        }
    }

    #[test]
    fn form_input_is_checked() {
        let e = SurveyInput::default().validate().unwrap_err();
        for f in ["org_id", "title", "questions", "opens_at", "closes_at"] {
            assert!(e.get(f).is_some(), "{f}: {e}");
        }
        let e = input(1, "2026-03-02 10:00", "2026-03-01 10:00")
            .validate()
            .unwrap_err();
        assert!(e.get("closes_at").unwrap().contains("晚于"));
        let ok = input(1, "2026-03-01", "2026-03-02T18:30")
            .validate()
            .unwrap();
        assert!(ok.one_per_person && !ok.live_results);
    }

    #[test]
    fn one_response_per_person_and_only_while_open() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let org = seed_org(&mut c, None, "00001434");
            let key = DataKey::generate();
            let a = Actor::system("t");
            let s = create(&mut c, &a, &open_now(org)).unwrap();
            let yes = || vec![Answer::Choices(vec![0]), Answer::Skipped];
            // A draft takes no answers.
            assert_eq!(
                respond(&mut c, &key, s.id, &visitor("tok1", yes())).unwrap(),
                Outcome::NotPublished
            );
            set_published(&mut c, &a, s.id, true).unwrap();
            assert!(matches!(
                respond(&mut c, &key, s.id, &visitor("tok1", yes())).unwrap(),
                Outcome::Accepted(_)
            ));
            assert_eq!(
                respond(&mut c, &key, s.id, &visitor("tok1", yes())).unwrap(),
                Outcome::AlreadyAnswered
            );
            assert!(matches!(
                respond(&mut c, &key, s.id, &visitor("tok2", yes())).unwrap(),
                Outcome::Accepted(_)
            ));
            let t = rules::tally(
                &get(&mut c, s.id).unwrap().questions(),
                &answers(&mut c, s.id).unwrap(),
            );
            assert_eq!(t[0].options[0].count, 2);
            // Questions are frozen once answered.
            let mut changed = open_now(org);
            changed.questions.pop();
            let e = update(&mut c, &a, s.id, &changed).unwrap_err();
            assert!(matches!(e, StorageError::Invalid(_)));
            // Closed: refused.
            let mut closed = open_now(org);
            closed.window = Window::new(
                china_now() - chrono::Duration::days(3),
                china_now() - chrono::Duration::days(2),
            )
            .unwrap();
            update(&mut c, &a, s.id, &closed).unwrap();
            assert_eq!(
                respond(&mut c, &key, s.id, &visitor("tok3", yes())).unwrap(),
                Outcome::NotOpen(Phase::Closed)
            );
            // Audit and outbox.
            let log = crate::audit::list(
                &mut c,
                &crate::audit::AuditQuery {
                    entity: Some(ENTITY.into()),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .unwrap();
            let actions: Vec<&str> = log.rows.iter().map(|e| e.action.as_str()).collect();
            for want in ["survey.create", "survey.publish", "survey.update"] {
                assert!(actions.contains(&want), "{actions:?}");
            }
            let out = outbox::since(&mut c, 0, 100).unwrap();
            assert!(out
                .iter()
                .any(|o| o.entity == ENTITY && o.entity_id == s.id));
        });
    }

    #[test]
    fn sign_in_requirement_address_cap_and_identified_data() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let org = seed_org(&mut c, None, "00001434");
            let key = DataKey::generate();
            let a = Actor::system("t");
            let mut n = open_now(org);
            n.requires_sign_in = true;
            n.identified = true;
            let s = create(&mut c, &a, &n).unwrap();
            set_published(&mut c, &a, s.id, true).unwrap();
            let ans = vec![Answer::Choices(vec![1]), Answer::Text("多开夜班车".into())];
            assert_eq!(
                respond(&mut c, &key, s.id, &visitor("x", ans.clone())).unwrap(),
                Outcome::SignInRequired
            );
            let r = NewResponse {
                respondent: Respondent::User { user_id: 7 },
                address: "10.0.0.9",
                name: Some("张三"),
                phone: Some("13812345678"),
                answers: ans.clone(),
            };
            assert!(matches!(
                respond(&mut c, &key, s.id, &r).unwrap(),
                Outcome::Accepted(_)
            ));
            assert_eq!(
                respond(&mut c, &key, s.id, &r).unwrap(),
                Outcome::AlreadyAnswered
            );
            // Stored encrypted, read back whole for the export.
            let raw: Option<String> = survey_responses::table
                .select(survey_responses::phone_enc)
                .first(&mut c)
                .unwrap();
            assert!(!raw.unwrap().contains("13812345678"));
            let got = responses(&mut c, &key, s.id).unwrap();
            assert_eq!(got[0].phone.as_deref(), Some("13812345678"));
            assert_eq!(got[0].answers, ans);

            // The per-address cap on an anonymous survey.
            let s2 = create(&mut c, &a, &open_now(org)).unwrap();
            set_published(&mut c, &a, s2.id, true).unwrap();
            for i in 0..MAX_PER_ADDRESS {
                assert!(matches!(
                    respond(
                        &mut c,
                        &key,
                        s2.id,
                        &visitor(
                            &format!("t{i}"),
                            vec![Answer::Choices(vec![0]), Answer::Skipped]
                        )
                    )
                    .unwrap(),
                    Outcome::Accepted(_)
                ));
            }
            assert_eq!(
                respond(
                    &mut c,
                    &key,
                    s2.id,
                    &visitor("fresh", vec![Answer::Choices(vec![0]), Answer::Skipped])
                )
                .unwrap(),
                Outcome::TooManyFromAddress
            );
        });
    }

    #[test]
    fn yearly_counts_follow_the_opening_date() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let org = seed_org(&mut c, None, "00001434");
            let a = Actor::system("t");
            let mk = |c: &mut AnyConnection, opens: &str, closes: &str, publish: bool| {
                let s = create(c, &a, &input(org, opens, closes).validate().unwrap()).unwrap();
                if publish {
                    set_published(c, &a, s.id, true).unwrap();
                }
                s
            };
            mk(&mut c, "2025-12-20 09:00", "2026-01-10 18:00", true);
            mk(&mut c, "2026-03-01 09:00", "2026-03-10 18:00", true);
            let w = mk(&mut c, "2026-05-01 09:00", "2026-05-10 18:00", true);
            set_published(&mut c, &a, w.id, false).unwrap();
            mk(&mut c, "2026-06-01 09:00", "2026-06-10 18:00", false);
            let y2026 = yearly_counts(&mut c, 2026).unwrap();
            assert_eq!(
                y2026,
                vec![OrgCount {
                    org_id: org,
                    level: "city".into(),
                    count: 2
                }]
            );
            assert_eq!(yearly_counts(&mut c, 2025).unwrap()[0].count, 1);
            assert!(yearly_counts(&mut c, 2024).unwrap().is_empty());
        });
    }
}
