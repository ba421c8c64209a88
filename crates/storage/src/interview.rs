//! 在线访谈 and 新闻发布会 — interviews and press conferences, and the questions the public sends to
//! an interview. The rules are `gongkai_domain::interview`.
//!
//! `starts_at`/`ends_at` are China Standard Time (compared with [`crate::survey::china_now`]).

pub mod files;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gongkai_domain::interview::{
    parse_media_links, parse_people, EventKind, MediaLink, ModerationAction, QuestionStatus,
};
use gongkai_domain::item::{sanitize_html, FieldErrors};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Actor, Change};
use crate::crypto::DataKey;
use crate::schema::organisations;
use crate::survey::{china_now, count_rows, OrgCount, DRAFT, PUBLISHED, WITHDRAWN};
use crate::{outbox, page_window, write_txn, AnyConnection, Page, Result, StorageError};

diesel::table! {
    interviews (id) {
        id -> BigInt,
        kind -> Text,
        org_id -> BigInt,
        title -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        people -> Text,
        summary -> Text,
        transcript_html -> Text,
        media -> Text,
        accepts_questions -> Bool,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    interview_questions (id) {
        id -> BigInt,
        interview_id -> BigInt,
        nickname -> Text,
        body -> Text,
        status -> Text,
        answer -> Nullable<Text>,
        address_hash -> Text,
        created_at -> Timestamp,
        moderated_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(interview_questions -> interviews (interview_id));
diesel::joinable!(interviews -> organisations (org_id));
diesel::allow_tables_to_appear_in_same_query!(interviews, interview_questions, organisations);

/// Questions one client address may send to one interview (a flood guard; the web form is also
/// rate-limited per minute).
pub const MAX_QUESTIONS_PER_ADDRESS: i64 = 20;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = interviews)]
pub struct Event {
    pub id: i64,
    pub kind: String,
    pub org_id: i64,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub people: String,
    pub summary: String,
    pub transcript_html: String,
    pub media: String,
    pub accepts_questions: bool,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Event {
    pub fn kind(&self) -> EventKind {
        self.kind.parse().unwrap_or(EventKind::Interview)
    }
    pub fn people(&self) -> Vec<String> {
        parse_people(&self.people)
    }
    pub fn media(&self) -> Vec<MediaLink> {
        serde_json::from_str(&self.media).unwrap_or_default()
    }
    pub fn is_published(&self) -> bool {
        self.status == PUBLISHED
    }
    /// Questions are taken before and during an interview that asks for them, never afterwards.
    pub fn takes_questions(&self, now: NaiveDateTime) -> bool {
        self.is_published()
            && self.kind() == EventKind::Interview
            && self.accepts_questions
            && now < self.ends_at
    }
    /// The outbox entity (and search document kind) of this event.
    pub fn entity(&self) -> &'static str {
        self.kind().as_str()
    }
}

/// The back-office form as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EventInput {
    pub org_id: String,
    pub title: String,
    /// `YYYY-MM-DDTHH:MM`, China time.
    pub starts_at: String,
    pub ends_at: String,
    pub people: String,
    pub summary: String,
    pub transcript_html: String,
    pub media: String,
    /// `["on"]` when the public may send questions (interviews only; a checkbox group of one).
    pub accepts_questions: Vec<String>,
}

/// A checked event, ready to store.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub org_id: i64,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub people: Vec<String>,
    pub summary: String,
    pub transcript_html: String,
    pub media: Vec<MediaLink>,
    pub accepts_questions: bool,
}

fn parse_time(raw: &str) -> Option<NaiveDateTime> {
    let t = raw.trim().replace('T', " ");
    NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S"))
        .ok()
}

impl EventInput {
    pub fn validate(&self, kind: EventKind) -> std::result::Result<NewEvent, FieldErrors> {
        let mut e = FieldErrors::default();
        let org_id = self.org_id.trim().parse::<i64>().ok();
        if org_id.is_none() {
            e.add("org_id", "请选择主办单位");
        }
        let title = self.title.trim();
        if title.is_empty() {
            e.add("title", "请填写主题");
        } else if title.chars().count() > 200 {
            e.add("title", "主题不超过 200 字");
        }
        let starts = parse_time(&self.starts_at);
        if starts.is_none() {
            e.add("starts_at", "开始时间无法识别，请按 YYYY-MM-DD HH:MM 填写");
        }
        let ends = parse_time(&self.ends_at);
        if ends.is_none() {
            e.add("ends_at", "结束时间无法识别，请按 YYYY-MM-DD HH:MM 填写");
        }
        if let (Some(s), Some(t)) = (starts, ends) {
            if t <= s {
                e.add("ends_at", "结束时间应晚于开始时间");
            }
        }
        let people = parse_people(&self.people);
        if people.is_empty() {
            e.add(
                "people",
                match kind {
                    EventKind::Interview => "请填写访谈嘉宾",
                    EventKind::PressConference => "请填写发布人",
                },
            );
        }
        if self.summary.chars().count() > 2000 {
            e.add("summary", "简介不超过 2000 字");
        }
        let media = match parse_media_links(&self.media) {
            Ok(m) => m,
            Err(me) => {
                for (k, v) in me.0 {
                    e.add(&k, v);
                }
                Vec::new()
            }
        };
        match (org_id, starts, ends) {
            (Some(org_id), Some(starts_at), Some(ends_at)) if e.is_empty() => Ok(NewEvent {
                kind,
                org_id,
                title: title.to_string(),
                starts_at,
                ends_at,
                people,
                summary: self.summary.trim().to_string(),
                transcript_html: sanitize_html(&self.transcript_html),
                media,
                accepts_questions: kind == EventKind::Interview
                    && self.accepts_questions.iter().any(|v| v == "on"),
            }),
            _ => Err(e),
        }
    }

    pub fn of(ev: &Event) -> EventInput {
        EventInput {
            org_id: ev.org_id.to_string(),
            title: ev.title.clone(),
            starts_at: ev.starts_at.format("%Y-%m-%dT%H:%M").to_string(),
            ends_at: ev.ends_at.format("%Y-%m-%dT%H:%M").to_string(),
            people: ev.people().join("\n"),
            summary: ev.summary.clone(),
            transcript_html: ev.transcript_html.clone(),
            media: gongkai_domain::interview::media_links_text(&ev.media()),
            accepts_questions: if ev.accepts_questions {
                vec!["on".to_string()]
            } else {
                Vec::new()
            },
        }
    }
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Event> {
    interviews::table
        .find(id)
        .select(Event::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "interview",
            id: id.to_string(),
        })
}

fn state(e: &NewEvent) -> serde_json::Value {
    serde_json::json!({"kind": e.kind.as_str(), "title": e.title, "org_id": e.org_id,
        "starts_at": e.starts_at.to_string(), "ends_at": e.ends_at.to_string(),
        "people": e.people, "media": e.media.len(), "accepts_questions": e.accepts_questions})
}

pub fn create(conn: &mut AnyConnection, actor: &Actor, e: &NewEvent) -> Result<Event> {
    let now = crate::now();
    let media = serde_json::to_string(&e.media).expect("media serialise");
    write_txn(conn, |conn| {
        let id: i64 = diesel::insert_into(interviews::table)
            .values((
                interviews::kind.eq(e.kind.as_str()),
                interviews::org_id.eq(e.org_id),
                interviews::title.eq(&e.title),
                interviews::starts_at.eq(e.starts_at),
                interviews::ends_at.eq(e.ends_at),
                interviews::people.eq(e.people.join("\n")),
                interviews::summary.eq(&e.summary),
                interviews::transcript_html.eq(&e.transcript_html),
                interviews::media.eq(&media),
                interviews::accepts_questions.eq(e.accepts_questions),
                interviews::status.eq(DRAFT),
                interviews::created_at.eq(now),
                interviews::updated_at.eq(now),
            ))
            .returning(interviews::id)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: &format!("{}.create", e.kind.as_str()),
                entity: e.kind.as_str(),
                entity_id: id.to_string(),
                org_id: Some(e.org_id),
                summary: format!("created {} “{}”", e.kind.as_str(), e.title),
                before: None,
                after: Some(state(e)),
            },
        )?;
        get(conn, id)
    })
}

pub fn update(conn: &mut AnyConnection, actor: &Actor, id: i64, e: &NewEvent) -> Result<Event> {
    let media = serde_json::to_string(&e.media).expect("media serialise");
    write_txn(conn, |conn| {
        let old = get(conn, id)?;
        if old.kind() != e.kind {
            return Err(StorageError::Conflict("kind cannot change".into()));
        }
        diesel::update(interviews::table.find(id))
            .set((
                interviews::org_id.eq(e.org_id),
                interviews::title.eq(&e.title),
                interviews::starts_at.eq(e.starts_at),
                interviews::ends_at.eq(e.ends_at),
                interviews::people.eq(e.people.join("\n")),
                interviews::summary.eq(&e.summary),
                interviews::transcript_html.eq(&e.transcript_html),
                interviews::media.eq(&media),
                interviews::accepts_questions.eq(e.accepts_questions),
                interviews::updated_at.eq(crate::now()),
            ))
            .execute(conn)?;
        if old.is_published() {
            outbox::push(conn, old.entity(), id, outbox::Op::Upsert)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: &format!("{}.update", e.kind.as_str()),
                entity: e.kind.as_str(),
                entity_id: id.to_string(),
                org_id: Some(e.org_id),
                summary: format!("updated {} “{}”", e.kind.as_str(), e.title),
                before: Some(serde_json::json!({"title": old.title, "org_id": old.org_id})),
                after: Some(state(e)),
            },
        )?;
        get(conn, id)
    })
}

pub fn set_published(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    publish: bool,
) -> Result<Event> {
    write_txn(conn, |conn| {
        let old = get(conn, id)?;
        let status = if publish { PUBLISHED } else { WITHDRAWN };
        if old.status == status {
            return Ok(old);
        }
        let now = crate::now();
        diesel::update(interviews::table.find(id))
            .set((
                interviews::status.eq(status),
                interviews::published_at.eq(if publish {
                    old.published_at.or(Some(now))
                } else {
                    old.published_at
                }),
                interviews::updated_at.eq(now),
            ))
            .execute(conn)?;
        outbox::push(
            conn,
            old.entity(),
            id,
            if publish {
                outbox::Op::Upsert
            } else {
                outbox::Op::Delete
            },
        )?;
        let verb = if publish { "publish" } else { "withdraw" };
        audit::record(
            conn,
            actor,
            Change {
                action: &format!("{}.{verb}", old.entity()),
                entity: old.entity(),
                entity_id: id.to_string(),
                org_id: Some(old.org_id),
                summary: format!("{verb} {} “{}”", old.entity(), old.title),
                before: Some(serde_json::json!({"status": old.status})),
                after: Some(serde_json::json!({"status": status})),
            },
        )?;
        get(conn, id)
    })
}

/// Published events of a kind, latest first.
pub fn published(
    conn: &mut AnyConnection,
    kind: EventKind,
    page: i64,
    per_page: i64,
) -> Result<Page<Event>> {
    let (page, per_page, offset) = page_window(page, per_page, 100);
    let q = || {
        interviews::table
            .filter(interviews::kind.eq(kind.as_str()))
            .filter(interviews::status.eq(PUBLISHED))
    };
    let total = q().count().get_result(conn)?;
    let rows = q()
        .order((interviews::starts_at.desc(), interviews::id.desc()))
        .limit(per_page)
        .offset(offset)
        .select(Event::as_select())
        .load(conn)?;
    Ok(Page {
        rows,
        total,
        page,
        per_page,
    })
}

/// Ids of every published event (search rebuild), with their kinds.
pub fn published_ids(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    Ok(interviews::table
        .filter(interviews::status.eq(PUBLISHED))
        .order(interviews::id.asc())
        .select(interviews::id)
        .load(conn)?)
}

/// Events of a kind for the given organisations (None = all), newest first.
pub fn for_orgs(
    conn: &mut AnyConnection,
    kind: EventKind,
    org_ids: Option<&[i64]>,
) -> Result<Vec<Event>> {
    let mut q = interviews::table
        .filter(interviews::kind.eq(kind.as_str()))
        .order(interviews::id.desc())
        .select(Event::as_select())
        .limit(500)
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(interviews::org_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = interview_questions)]
pub struct Question {
    pub id: i64,
    pub interview_id: i64,
    pub nickname: String,
    pub body: String,
    pub status: String,
    pub answer: Option<String>,
    #[serde(skip)]
    pub address_hash: String,
    pub created_at: NaiveDateTime,
    pub moderated_at: Option<NaiveDateTime>,
}

impl Question {
    pub fn status(&self) -> QuestionStatus {
        self.status.parse().unwrap_or(QuestionStatus::Pending)
    }
}

/// What became of a question from the public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    Received(i64),
    Closed,
    TooMany,
}

/// Stores a question (already checked by `check_question`) for moderation, if the interview still
/// takes questions.
pub fn ask(
    conn: &mut AnyConnection,
    key: &DataKey,
    interview_id: i64,
    nickname: &str,
    body: &str,
    address: &str,
) -> Result<Asked> {
    let addr = crate::survey::address_hash(key, -interview_id, address);
    write_txn(conn, |conn| {
        let ev = get(conn, interview_id)?;
        if !ev.takes_questions(china_now()) {
            return Ok(Asked::Closed);
        }
        let sent: i64 = interview_questions::table
            .filter(interview_questions::interview_id.eq(interview_id))
            .filter(interview_questions::address_hash.eq(&addr))
            .count()
            .get_result(conn)?;
        if sent >= MAX_QUESTIONS_PER_ADDRESS {
            return Ok(Asked::TooMany);
        }
        let id = diesel::insert_into(interview_questions::table)
            .values((
                interview_questions::interview_id.eq(interview_id),
                interview_questions::nickname.eq(nickname),
                interview_questions::body.eq(body),
                interview_questions::status.eq(QuestionStatus::Pending.as_str()),
                interview_questions::address_hash.eq(&addr),
                interview_questions::created_at.eq(crate::now()),
            ))
            .returning(interview_questions::id)
            .get_result(conn)?;
        Ok(Asked::Received(id))
    })
}

/// Stores a question taken elsewhere (a phone line, an older system, the demo city) for
/// moderation, without the window check; `created_at` is UTC.
pub fn import_question(
    conn: &mut AnyConnection,
    interview_id: i64,
    nickname: &str,
    body: &str,
    created_at: NaiveDateTime,
) -> Result<i64> {
    Ok(diesel::insert_into(interview_questions::table)
        .values((
            interview_questions::interview_id.eq(interview_id),
            interview_questions::nickname.eq(nickname),
            interview_questions::body.eq(body),
            interview_questions::status.eq(QuestionStatus::Pending.as_str()),
            interview_questions::address_hash.eq("import"),
            interview_questions::created_at.eq(created_at),
        ))
        .returning(interview_questions::id)
        .get_result(conn)?)
}

/// An interview's questions, oldest first; `public_only` keeps the accepted and answered ones.
pub fn questions(
    conn: &mut AnyConnection,
    interview_id: i64,
    public_only: bool,
) -> Result<Vec<Question>> {
    let mut q = interview_questions::table
        .filter(interview_questions::interview_id.eq(interview_id))
        .order(interview_questions::id.asc())
        .select(Question::as_select())
        .into_boxed();
    if public_only {
        q = q.filter(interview_questions::status.eq_any([
            QuestionStatus::Accepted.as_str(),
            QuestionStatus::Answered.as_str(),
        ]));
    }
    Ok(q.load(conn)?)
}

/// A moderator accepts, rejects or answers a question (the answer is plain text, required for
/// `Answer`).
pub fn moderate(
    conn: &mut AnyConnection,
    actor: &Actor,
    question_id: i64,
    action: ModerationAction,
    answer: &str,
) -> Result<Question> {
    write_txn(conn, |conn| {
        let q: Question = interview_questions::table
            .find(question_id)
            .select(Question::as_select())
            .first(conn)
            .optional()?
            .ok_or(StorageError::NotFound {
                what: "interview question",
                id: question_id.to_string(),
            })?;
        let ev = get(conn, q.interview_id)?;
        let next = q.status().apply(action).map_err(StorageError::Conflict)?;
        let answer = answer.trim();
        if action == ModerationAction::Answer && answer.is_empty() {
            let mut e = FieldErrors::default();
            e.add("answer", "请填写答复内容");
            return Err(StorageError::Invalid(e));
        }
        diesel::update(interview_questions::table.find(question_id))
            .set((
                interview_questions::status.eq(next.as_str()),
                interview_questions::answer.eq(if action == ModerationAction::Answer {
                    Some(answer.to_string())
                } else {
                    q.answer.clone()
                }),
                interview_questions::moderated_at.eq(Some(crate::now())),
            ))
            .execute(conn)?;
        if ev.is_published() {
            outbox::push(conn, ev.entity(), ev.id, outbox::Op::Upsert)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: &format!("interview.question.{}", action.as_str()),
                entity: ev.entity(),
                entity_id: ev.id.to_string(),
                org_id: Some(ev.org_id),
                summary: format!("question {question_id}: {}", next.label_zh()),
                before: Some(serde_json::json!({"status": q.status})),
                after: Some(serde_json::json!({"status": next.as_str()})),
            },
        )?;
        Ok(interview_questions::table
            .find(question_id)
            .select(Question::as_select())
            .first(conn)?)
    })
}

/// Interviews or press conferences for the annual report: every event of `kind` published at some
/// time (withdrawn ones included — they were held; drafts never were) that **started** in `year`
/// (China time), per organisation with its level.
pub fn yearly_counts(
    conn: &mut AnyConnection,
    kind: EventKind,
    year: i32,
) -> Result<Vec<OrgCount>> {
    let bound = |y: i32| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .ok_or_else(|| StorageError::Conflict(format!("year {y} out of range")))
    };
    let (from, to) = (bound(year)?, bound(year + 1)?);
    let rows: Vec<(i64, String)> = interviews::table
        .inner_join(organisations::table)
        .filter(interviews::kind.eq(kind.as_str()))
        .filter(interviews::published_at.is_not_null())
        .filter(interviews::starts_at.ge(from))
        .filter(interviews::starts_at.lt(to))
        .select((interviews::org_id, organisations::level))
        .load(conn)?;
    Ok(count_rows(rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{on_both, seed_org};

    fn input(org: i64, starts: NaiveDateTime, ends: NaiveDateTime) -> EventInput {
        EventInput {
            org_id: org.to_string(),
            title: "聚焦老旧小区改造".into(),
            starts_at: starts.format("%Y-%m-%dT%H:%M").to_string(),
            ends_at: ends.format("%Y-%m-%d %H:%M").to_string(),
            people: "张三 市住建局局长\n李四 副局长".into(),
            summary: "介绍 2026 年老旧小区改造计划。".into(),
            transcript_html: "<p>主持人：各位网友好。</p><script>alert(1)</script>".into(),
            media: "访谈视频 | https://v.example.gov.cn/1.mp4".into(),
            accepts_questions: vec!["on".into()],
        }
    }

    #[test]
    fn form_input_is_checked_and_transcript_sanitised() {
        let now = china_now();
        let e = EventInput::default()
            .validate(EventKind::Interview)
            .unwrap_err();
        for f in ["org_id", "title", "starts_at", "ends_at", "people"] {
            assert!(e.get(f).is_some(), "{f}: {e}");
        }
        let ok = input(1, now, now + chrono::Duration::hours(2))
            .validate(EventKind::Interview)
            .unwrap();
        assert!(!ok.transcript_html.contains("<script"));
        assert!(ok.accepts_questions && ok.people.len() == 2);
        // Press conferences take no questions.
        let pc = input(1, now, now + chrono::Duration::hours(2))
            .validate(EventKind::PressConference)
            .unwrap();
        assert!(!pc.accepts_questions);
        let mut bad = input(1, now, now - chrono::Duration::hours(1));
        bad.media = "javascript:alert(1)".into();
        let e = bad.validate(EventKind::Interview).unwrap_err();
        assert!(e.get("ends_at").is_some() && e.get("media").is_some());
    }

    #[test]
    fn questions_before_and_during_moderated_then_counted() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let org = seed_org(&mut c, None, "00001434");
            let key = DataKey::generate();
            let a = Actor::system("t");
            let now = china_now();
            let ev = create(
                &mut c,
                &a,
                &input(
                    org,
                    now + chrono::Duration::days(1),
                    now + chrono::Duration::days(1) + chrono::Duration::hours(2),
                )
                .validate(EventKind::Interview)
                .unwrap(),
            )
            .unwrap();
            // Not published: no questions.
            assert_eq!(
                ask(
                    &mut c,
                    &key,
                    ev.id,
                    "网友",
                    "加装电梯有补贴吗？",
                    "10.0.0.1"
                )
                .unwrap(),
                Asked::Closed
            );
            set_published(&mut c, &a, ev.id, true).unwrap();
            let Asked::Received(q1) = ask(
                &mut c,
                &key,
                ev.id,
                "网友",
                "加装电梯有补贴吗？",
                "10.0.0.1",
            )
            .unwrap() else {
                panic!("question refused before the interview")
            };
            let Asked::Received(q2) =
                ask(&mut c, &key, ev.id, "小王", "广告问题", "10.0.0.2").unwrap()
            else {
                panic!()
            };
            assert!(
                questions(&mut c, ev.id, true).unwrap().is_empty(),
                "pending questions are not public"
            );
            moderate(&mut c, &a, q2, ModerationAction::Reject, "").unwrap();
            assert!(matches!(
                moderate(&mut c, &a, q1, ModerationAction::Answer, " "),
                Err(StorageError::Invalid(_))
            ));
            moderate(&mut c, &a, q1, ModerationAction::Accept, "").unwrap();
            let done = moderate(
                &mut c,
                &a,
                q1,
                ModerationAction::Answer,
                "有，按每台 10 万元补助。",
            )
            .unwrap();
            assert_eq!(done.status(), QuestionStatus::Answered);
            assert!(matches!(
                moderate(&mut c, &a, q2, ModerationAction::Answer, "x"),
                Err(StorageError::Conflict(_))
            ));
            let public = questions(&mut c, ev.id, true).unwrap();
            assert_eq!(public.len(), 1);
            assert_eq!(
                public[0].answer.as_deref(),
                Some("有，按每台 10 万元补助。")
            );

            // After it ended: no more questions.
            let mut ended = input(
                org,
                now - chrono::Duration::hours(3),
                now - chrono::Duration::hours(1),
            )
            .validate(EventKind::Interview)
            .unwrap();
            ended.title = "已结束的访谈".into();
            update(&mut c, &a, ev.id, &ended).unwrap();
            assert_eq!(
                ask(&mut c, &key, ev.id, "网友", "还能提问吗？", "10.0.0.3").unwrap(),
                Asked::Closed
            );

            // Counts: by the start year, drafts excluded, kinds apart.
            let year = chrono::Datelike::year(&ended.starts_at);
            let pc = create(
                &mut c,
                &a,
                &input(org, now, now + chrono::Duration::hours(1))
                    .validate(EventKind::PressConference)
                    .unwrap(),
            )
            .unwrap();
            create(
                &mut c,
                &a,
                &input(org, now, now + chrono::Duration::hours(1))
                    .validate(EventKind::PressConference)
                    .unwrap(),
            )
            .unwrap();
            set_published(&mut c, &a, pc.id, true).unwrap();
            assert_eq!(
                yearly_counts(&mut c, EventKind::Interview, year).unwrap()[0].count,
                1
            );
            let pcs = yearly_counts(
                &mut c,
                EventKind::PressConference,
                chrono::Datelike::year(&now),
            )
            .unwrap();
            assert_eq!(
                pcs,
                vec![OrgCount {
                    org_id: org,
                    level: "city".into(),
                    count: 1
                }]
            );
            let log = crate::audit::list(
                &mut c,
                &crate::audit::AuditQuery {
                    entity: Some("interview".into()),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .unwrap();
            assert!(log
                .rows
                .iter()
                .any(|e| e.action == "interview.question.answer"));
        });
    }
}
