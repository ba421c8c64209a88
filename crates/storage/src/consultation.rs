//! 公开征求意见 — consultations on a draft, comments anchored to its sections, and the published
//! feedback report (采纳情况). Rules: `gongkai_domain::consultation`. `opens_at`/`closes_at` are
//! China Standard Time.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gongkai_domain::consultation::{split_sections, Adoption, Section};
use gongkai_domain::item::FieldErrors;
use gongkai_domain::survey::{Phase, Window};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Actor, Change};
use crate::crypto::DataKey;
use crate::schema::organisations;
use crate::survey::{china_now, count_rows, OrgCount, DRAFT, PUBLISHED, WITHDRAWN};
use crate::{outbox, page_window, write_txn, AnyConnection, Page, Result, StorageError};

diesel::table! {
    consultations (id) {
        id -> BigInt,
        org_id -> BigInt,
        title -> Text,
        intro -> Text,
        draft -> Text,
        sections -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        report -> Text,
        report_published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consultation_comments (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        section -> Integer,
        nickname -> Text,
        body -> Text,
        contact_enc -> Nullable<Text>,
        adoption -> Text,
        reason -> Text,
        address_hash -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(consultation_comments -> consultations (consultation_id));
diesel::joinable!(consultations -> organisations (org_id));
diesel::allow_tables_to_appear_in_same_query!(consultations, consultation_comments, organisations);

pub const ENTITY: &str = "consultation";
const CONTACT_FIELD: &str = "consultation_comments.contact";
/// Comments one client address may leave on one consultation.
pub const MAX_COMMENTS_PER_ADDRESS: i64 = 30;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = consultations)]
pub struct Consultation {
    pub id: i64,
    pub org_id: i64,
    pub title: String,
    pub intro: String,
    pub draft: String,
    pub sections: String,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub report: String,
    pub report_published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Consultation {
    pub fn sections(&self) -> Vec<Section> {
        serde_json::from_str(&self.sections).unwrap_or_default()
    }
    pub fn is_published(&self) -> bool {
        self.status == PUBLISHED
    }
    pub fn phase(&self, now: NaiveDateTime) -> Phase {
        Window {
            opens_at: self.opens_at,
            closes_at: self.closes_at,
        }
        .phase(now)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsultationInput {
    pub org_id: String,
    pub title: String,
    pub intro: String,
    pub draft: String,
    pub opens_at: String,
    pub closes_at: String,
}

#[derive(Debug, Clone)]
pub struct NewConsultation {
    pub org_id: i64,
    pub title: String,
    pub intro: String,
    pub draft: String,
    pub sections: Vec<Section>,
    pub window: Window,
}

fn parse_time(raw: &str) -> Option<NaiveDateTime> {
    let t = raw.trim().replace('T', " ");
    NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M").ok()
}

impl ConsultationInput {
    pub fn validate(&self) -> std::result::Result<NewConsultation, FieldErrors> {
        let mut e = FieldErrors::default();
        let org_id = self.org_id.trim().parse::<i64>().ok();
        if org_id.is_none() {
            e.add("org_id", "请选择征求意见单位");
        }
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            e.add("title", "请填写标题（不超过 200 字）");
        }
        let sections = match split_sections(&self.draft) {
            Ok(s) => s,
            Err(se) => {
                for (k, v) in se.0 {
                    e.add(&k, v);
                }
                Vec::new()
            }
        };
        let (o, c) = (parse_time(&self.opens_at), parse_time(&self.closes_at));
        if o.is_none() {
            e.add("opens_at", "开始时间无法识别，请按 YYYY-MM-DD HH:MM 填写");
        }
        if c.is_none() {
            e.add("closes_at", "结束时间无法识别，请按 YYYY-MM-DD HH:MM 填写");
        }
        let window = match (o, c) {
            (Some(o), Some(c)) => Window::new(o, c)
                .map_err(|we| {
                    for (k, v) in we.0 {
                        e.add(&k, v);
                    }
                })
                .ok(),
            _ => None,
        };
        match (org_id, window) {
            (Some(org_id), Some(window)) if e.is_empty() => Ok(NewConsultation {
                org_id,
                title: title.to_string(),
                intro: self.intro.trim().to_string(),
                draft: self.draft.trim().to_string(),
                sections,
                window,
            }),
            _ => Err(e),
        }
    }

    pub fn of(c: &Consultation) -> ConsultationInput {
        ConsultationInput {
            org_id: c.org_id.to_string(),
            title: c.title.clone(),
            intro: c.intro.clone(),
            draft: c.draft.clone(),
            opens_at: c.opens_at.format("%Y-%m-%dT%H:%M").to_string(),
            closes_at: c.closes_at.format("%Y-%m-%dT%H:%M").to_string(),
        }
    }
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Consultation> {
    consultations::table
        .find(id)
        .select(Consultation::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "consultation",
            id: id.to_string(),
        })
}

fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    c: &Consultation,
    summary: String,
) -> Result<()> {
    audit::record(
        conn,
        actor,
        Change {
            action,
            entity: ENTITY,
            entity_id: c.id.to_string(),
            org_id: Some(c.org_id),
            summary,
            before: None,
            after: Some(serde_json::json!({"title": c.title, "status": c.status,
                "opens_at": c.opens_at.to_string(), "closes_at": c.closes_at.to_string()})),
        },
    )
}

pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    n: &NewConsultation,
) -> Result<Consultation> {
    let now = crate::now();
    let sections = serde_json::to_string(&n.sections).expect("sections serialise");
    write_txn(conn, |conn| {
        let id: i64 = diesel::insert_into(consultations::table)
            .values((
                consultations::org_id.eq(n.org_id),
                consultations::title.eq(&n.title),
                consultations::intro.eq(&n.intro),
                consultations::draft.eq(&n.draft),
                consultations::sections.eq(&sections),
                consultations::opens_at.eq(n.window.opens_at),
                consultations::closes_at.eq(n.window.closes_at),
                consultations::status.eq(DRAFT),
                consultations::report.eq(""),
                consultations::created_at.eq(now),
                consultations::updated_at.eq(now),
            ))
            .returning(consultations::id)
            .get_result(conn)?;
        let c = get(conn, id)?;
        record(
            conn,
            actor,
            "consultation.create",
            &c,
            format!("created consultation “{}”", c.title),
        )?;
        Ok(c)
    })
}

/// Replaces a consultation's text and window. Once comments exist the sections are fixed (the
/// comments point at them by position).
pub fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    n: &NewConsultation,
) -> Result<Consultation> {
    let sections = serde_json::to_string(&n.sections).expect("sections serialise");
    write_txn(conn, |conn| {
        let old = get(conn, id)?;
        let comments: i64 = consultation_comments::table
            .filter(consultation_comments::consultation_id.eq(id))
            .count()
            .get_result(conn)?;
        if comments > 0 && old.sections() != n.sections {
            let mut e = FieldErrors::default();
            e.add("draft", "已收到意见，征求意见稿的条款不能再修改");
            return Err(StorageError::Invalid(e));
        }
        diesel::update(consultations::table.find(id))
            .set((
                consultations::org_id.eq(n.org_id),
                consultations::title.eq(&n.title),
                consultations::intro.eq(&n.intro),
                consultations::draft.eq(&n.draft),
                consultations::sections.eq(&sections),
                consultations::opens_at.eq(n.window.opens_at),
                consultations::closes_at.eq(n.window.closes_at),
                consultations::updated_at.eq(crate::now()),
            ))
            .execute(conn)?;
        if old.is_published() {
            outbox::push(conn, ENTITY, id, outbox::Op::Upsert)?;
        }
        let c = get(conn, id)?;
        record(
            conn,
            actor,
            "consultation.update",
            &c,
            format!("updated consultation “{}”", c.title),
        )?;
        Ok(c)
    })
}

pub fn set_published(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    publish: bool,
) -> Result<Consultation> {
    write_txn(conn, |conn| {
        let old = get(conn, id)?;
        let status = if publish { PUBLISHED } else { WITHDRAWN };
        if old.status == status {
            return Ok(old);
        }
        let now = crate::now();
        diesel::update(consultations::table.find(id))
            .set((
                consultations::status.eq(status),
                consultations::published_at.eq(old.published_at.or(publish.then_some(now))),
                consultations::updated_at.eq(now),
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
        let c = get(conn, id)?;
        let verb = if publish { "publish" } else { "withdraw" };
        record(
            conn,
            actor,
            &format!("consultation.{verb}"),
            &c,
            format!("{verb} consultation “{}”", c.title),
        )?;
        Ok(c)
    })
}

pub fn published(conn: &mut AnyConnection, page: i64, per_page: i64) -> Result<Page<Consultation>> {
    let (page, per_page, offset) = page_window(page, per_page, 100);
    let total = consultations::table
        .filter(consultations::status.eq(PUBLISHED))
        .count()
        .get_result(conn)?;
    let rows = consultations::table
        .filter(consultations::status.eq(PUBLISHED))
        .order((consultations::opens_at.desc(), consultations::id.desc()))
        .limit(per_page)
        .offset(offset)
        .select(Consultation::as_select())
        .load(conn)?;
    Ok(Page {
        rows,
        total,
        page,
        per_page,
    })
}

pub fn published_ids(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    Ok(consultations::table
        .filter(consultations::status.eq(PUBLISHED))
        .select(consultations::id)
        .load(conn)?)
}

pub fn for_orgs(conn: &mut AnyConnection, org_ids: Option<&[i64]>) -> Result<Vec<Consultation>> {
    let mut q = consultations::table
        .order(consultations::id.desc())
        .select(Consultation::as_select())
        .limit(500)
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(consultations::org_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = consultation_comments)]
pub struct Comment {
    pub id: i64,
    pub consultation_id: i64,
    pub section: i32,
    pub nickname: String,
    pub body: String,
    #[serde(skip)]
    pub contact_enc: Option<String>,
    pub adoption: String,
    pub reason: String,
    #[serde(skip)]
    pub address_hash: String,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

impl Comment {
    pub fn adoption(&self) -> Adoption {
        self.adoption.parse().unwrap_or(Adoption::Pending)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Commented {
    Received(i64),
    NotOpen,
    TooMany,
}

/// Stores a comment (checked by `check_comment`) while the consultation is open. The contact, if
/// given, is encrypted: it is for the drafting office's questions, never published.
#[allow(clippy::too_many_arguments)]
pub fn comment(
    conn: &mut AnyConnection,
    key: &DataKey,
    id: i64,
    section: usize,
    nickname: &str,
    body: &str,
    contact: Option<&str>,
    address: &str,
) -> Result<Commented> {
    let addr = crate::survey::address_hash(key, i64::MIN / 2 + id, address);
    write_txn(conn, |conn| {
        let c = get(conn, id)?;
        if !c.is_published() || c.phase(china_now()) != Phase::Open {
            return Ok(Commented::NotOpen);
        }
        if section >= c.sections().len() {
            let mut e = FieldErrors::default();
            e.add("section", "请选择意见针对的条款");
            return Err(StorageError::Invalid(e));
        }
        let sent: i64 = consultation_comments::table
            .filter(consultation_comments::consultation_id.eq(id))
            .filter(consultation_comments::address_hash.eq(&addr))
            .count()
            .get_result(conn)?;
        if sent >= MAX_COMMENTS_PER_ADDRESS {
            return Ok(Commented::TooMany);
        }
        let cid = diesel::insert_into(consultation_comments::table)
            .values((
                consultation_comments::consultation_id.eq(id),
                consultation_comments::section.eq(section as i32),
                consultation_comments::nickname.eq(nickname),
                consultation_comments::body.eq(body),
                consultation_comments::contact_enc
                    .eq(contact.map(|v| key.encrypt(CONTACT_FIELD, v))),
                consultation_comments::adoption.eq(Adoption::Pending.as_str()),
                consultation_comments::reason.eq(""),
                consultation_comments::address_hash.eq(&addr),
                consultation_comments::created_at.eq(crate::now()),
            ))
            .returning(consultation_comments::id)
            .get_result(conn)?;
        Ok(Commented::Received(cid))
    })
}

/// Stores a comment taken elsewhere (letters, a hearing, the demo city) without the window check;
/// `created_at` is UTC.
pub fn import_comment(
    conn: &mut AnyConnection,
    id: i64,
    section: usize,
    nickname: &str,
    body: &str,
    created_at: NaiveDateTime,
) -> Result<i64> {
    if section >= get(conn, id)?.sections().len() {
        let mut e = FieldErrors::default();
        e.add("section", "条款不存在");
        return Err(StorageError::Invalid(e));
    }
    Ok(diesel::insert_into(consultation_comments::table)
        .values((
            consultation_comments::consultation_id.eq(id),
            consultation_comments::section.eq(section as i32),
            consultation_comments::nickname.eq(nickname),
            consultation_comments::body.eq(body),
            consultation_comments::adoption.eq(Adoption::Pending.as_str()),
            consultation_comments::reason.eq(""),
            consultation_comments::address_hash.eq("import"),
            consultation_comments::created_at.eq(created_at),
        ))
        .returning(consultation_comments::id)
        .get_result(conn)?)
}

pub fn comments(conn: &mut AnyConnection, id: i64) -> Result<Vec<Comment>> {
    Ok(consultation_comments::table
        .filter(consultation_comments::consultation_id.eq(id))
        .order((
            consultation_comments::section.asc(),
            consultation_comments::id.asc(),
        ))
        .select(Comment::as_select())
        .load(conn)?)
}

/// Records the decision on a comment; partial adoption and non-adoption need a reason.
pub fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    comment_id: i64,
    adoption: Adoption,
    reason: &str,
) -> Result<Comment> {
    let reason = reason.trim();
    if adoption.needs_reason() && reason.is_empty() {
        let mut e = FieldErrors::default();
        e.add("reason", "部分采纳或未采纳的意见须说明理由");
        return Err(StorageError::Invalid(e));
    }
    if reason.chars().count() > 1000 {
        let mut e = FieldErrors::default();
        e.add("reason", "理由不超过 1000 字");
        return Err(StorageError::Invalid(e));
    }
    write_txn(conn, |conn| {
        let old: Comment = consultation_comments::table
            .find(comment_id)
            .select(Comment::as_select())
            .first(conn)
            .optional()?
            .ok_or(StorageError::NotFound {
                what: "consultation comment",
                id: comment_id.to_string(),
            })?;
        let c = get(conn, old.consultation_id)?;
        diesel::update(consultation_comments::table.find(comment_id))
            .set((
                consultation_comments::adoption.eq(adoption.as_str()),
                consultation_comments::reason.eq(reason),
                consultation_comments::decided_at.eq(Some(crate::now())),
            ))
            .execute(conn)?;
        if c.report_published_at.is_some() {
            outbox::push(conn, ENTITY, c.id, outbox::Op::Upsert)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "consultation.decide",
                entity: ENTITY,
                entity_id: c.id.to_string(),
                org_id: Some(c.org_id),
                summary: format!("comment {comment_id}: {}", adoption.label_zh()),
                before: Some(serde_json::json!({"adoption": old.adoption})),
                after: Some(serde_json::json!({"adoption": adoption.as_str(), "reason": reason})),
            },
        )?;
        Ok(consultation_comments::table
            .find(comment_id)
            .select(Comment::as_select())
            .first(conn)?)
    })
}

/// Publishes the feedback report (采纳情况): allowed after the consultation has closed and every
/// comment has a decision.
pub fn publish_report(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    summary: &str,
) -> Result<Consultation> {
    write_txn(conn, |conn| {
        let c = get(conn, id)?;
        let mut e = FieldErrors::default();
        if c.phase(china_now()) != Phase::Closed {
            e.add("report", "征求意见结束后才能发布采纳情况");
        }
        let pending: i64 = consultation_comments::table
            .filter(consultation_comments::consultation_id.eq(id))
            .filter(consultation_comments::adoption.eq(Adoption::Pending.as_str()))
            .count()
            .get_result(conn)?;
        if pending > 0 {
            e.add("report", format!("还有 {pending} 条意见未作出采纳决定"));
        }
        let summary = summary.trim();
        if summary.is_empty() || summary.chars().count() > 5000 {
            e.add("report", "请填写采纳情况说明（不超过 5000 字）");
        }
        if !e.is_empty() {
            return Err(StorageError::Invalid(e));
        }
        diesel::update(consultations::table.find(id))
            .set((
                consultations::report.eq(summary),
                consultations::report_published_at.eq(Some(crate::now())),
                consultations::updated_at.eq(crate::now()),
            ))
            .execute(conn)?;
        if c.is_published() {
            outbox::push(conn, ENTITY, id, outbox::Op::Upsert)?;
        }
        let c = get(conn, id)?;
        record(
            conn,
            actor,
            "consultation.report",
            &c,
            format!("published the feedback report of “{}”", c.title),
        )?;
        Ok(c)
    })
}

/// Consultations for the annual report: every consultation published at some time whose comment
/// window **opened** in `year` (China time), per organisation with its level.
pub fn yearly_counts(conn: &mut AnyConnection, year: i32) -> Result<Vec<OrgCount>> {
    let bound = |y: i32| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .ok_or_else(|| StorageError::Conflict(format!("year {y} out of range")))
    };
    let (from, to) = (bound(year)?, bound(year + 1)?);
    let rows: Vec<(i64, String)> = consultations::table
        .inner_join(organisations::table)
        .filter(consultations::published_at.is_not_null())
        .filter(consultations::opens_at.ge(from))
        .filter(consultations::opens_at.lt(to))
        .select((consultations::org_id, organisations::level))
        .load(conn)?;
    Ok(count_rows(rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{on_both, seed_org};

    const DRAFT_TEXT: &str = "为规范养犬行为，制定本办法。\n第一条 为了规范养犬行为，制定本办法。\n第二条 居住区内遛犬应当拴绳。";

    fn input(org: i64, from: i64, to: i64) -> ConsultationInput {
        let t = |d: i64| {
            (china_now() + chrono::Duration::days(d))
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        };
        ConsultationInput {
            org_id: org.to_string(),
            title: "《示范市养犬管理办法（征求意见稿）》".into(),
            intro: "欢迎提出意见。".into(),
            draft: DRAFT_TEXT.into(),
            opens_at: t(from),
            closes_at: t(to),
        }
    }

    #[test]
    fn comments_anchor_to_sections_and_the_report_needs_every_decision() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let org = seed_org(&mut c, None, "00001434");
            let key = DataKey::generate();
            let a = Actor::system("t");
            let k = create(&mut c, &a, &input(org, -1, 10).validate().unwrap()).unwrap();
            assert_eq!(k.sections().len(), 3);
            assert_eq!(
                comment(
                    &mut c,
                    &key,
                    k.id,
                    1,
                    "网友",
                    "建议细化。",
                    None,
                    "10.0.0.1"
                )
                .unwrap(),
                Commented::NotOpen
            );
            set_published(&mut c, &a, k.id, true).unwrap();
            let Commented::Received(c1) = comment(
                &mut c,
                &key,
                k.id,
                2,
                "网友",
                "建议明确拴绳长度不超过 1.5 米。",
                Some("13812345678"),
                "10.0.0.1",
            )
            .unwrap() else {
                panic!()
            };
            let Commented::Received(c2) = comment(
                &mut c,
                &key,
                k.id,
                1,
                "张先生",
                "建议增加犬只免疫要求。",
                None,
                "10.0.0.2",
            )
            .unwrap() else {
                panic!()
            };
            assert!(matches!(
                comment(
                    &mut c,
                    &key,
                    k.id,
                    9,
                    "x",
                    "超出范围的条款",
                    None,
                    "10.0.0.2"
                ),
                Err(StorageError::Invalid(_))
            ));
            let all = comments(&mut c, k.id).unwrap();
            assert_eq!((all[0].id, all[0].section), (c2, 1), "ordered by section");
            assert!(!all[1].contact_enc.clone().unwrap().contains("13812345678"));
            // Sections are fixed once commented on.
            let mut changed = input(org, -1, 10);
            changed.draft.push_str("\n第三条 新增条款。");
            assert!(matches!(
                update(&mut c, &a, k.id, &changed.validate().unwrap()),
                Err(StorageError::Invalid(_))
            ));
            // Not yet closed: no report.
            assert!(matches!(
                publish_report(&mut c, &a, k.id, "采纳情况"),
                Err(StorageError::Invalid(_))
            ));
            update(&mut c, &a, k.id, &input(org, -5, -1).validate().unwrap()).unwrap();
            assert_eq!(
                comment(
                    &mut c,
                    &key,
                    k.id,
                    1,
                    "网友",
                    "结束后的意见。",
                    None,
                    "10.0.0.3"
                )
                .unwrap(),
                Commented::NotOpen
            );
            // Decisions: a refusal needs a reason.
            assert!(matches!(
                decide(&mut c, &a, c1, Adoption::NotAdopted, " "),
                Err(StorageError::Invalid(_))
            ));
            decide(&mut c, &a, c1, Adoption::Adopted, "").unwrap();
            let e = publish_report(&mut c, &a, k.id, "共收到意见 2 条。").unwrap_err();
            assert!(e.to_string().contains("1 条意见未作出采纳决定"), "{e}");
            decide(&mut c, &a, c2, Adoption::NotAdopted, "上位法已有规定。").unwrap();
            let done = publish_report(&mut c, &a, k.id, "共收到意见 2 条，采纳 1 条。").unwrap();
            assert!(done.report_published_at.is_some());
            let year = chrono::Datelike::year(&done.opens_at);
            assert_eq!(yearly_counts(&mut c, year).unwrap()[0].count, 1);
        });
    }
}
