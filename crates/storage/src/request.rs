//! 依申请公开 — on-application disclosure requests: intake (committed before the applicant is
//! acknowledged), handling steps through the domain's state machine and deadline engine, the
//! applicant's tracking, the handlers' caseload, and appeals (table 四).
//!
//! The row keeps the facts (`state`, `plan`: the domain's `RequestState` and `DeadlinePlan` as JSON)
//! and the due date derived from them for sorting; the explanation is recomputed from the plan
//! whenever it is shown. Every step appends an event row and an audit entry in its transaction.
//! ID numbers and phones are stored encrypted ([`crate::crypto`]) beside masked forms.

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::org::OrgCode;
use gongkai_domain::report::{Table4Block, Table4Column};
use gongkai_domain::request::{
    ApplicantType, CaseEvent, Consultee, DeadlinePlan, Outcome, ReceiptChannel, ReceiptFacts,
    RequestEvent, RequestState, Schedule, Stage,
};
use gongkai_domain::DomainError;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::crypto::{mask_id_number, mask_phone, DataKey};
use crate::schema::{disclosure_requests, organisations, request_appeals, request_events};
use crate::{write_txn, AnyConnection, Result, StorageError};

pub mod duplicates;
pub mod files;
pub mod handling;

pub(crate) use handling::recompute_deadlines;
pub use handling::{charge_fee, piece_of_month, publish_reply};

pub(crate) const ENTITY: &str = "request";
const ID_FIELD: &str = "id_number";
const PHONE_FIELD: &str = "phone";

// ------------------------------------------------------------------ vocabularies of the form

/// 证件类型 — the applicant's identity document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// 居民身份证 (GB 11643: 18 characters, the last a check character)
    ResidentId,
    /// 港澳居民来往内地通行证
    HkMacaoPermit,
    /// 台湾居民来往大陆通行证
    TaiwanPermit,
    /// 护照
    Passport,
    /// 外国人永久居留身份证
    ForeignPermanentResident,
    /// 统一社会信用代码 (GB 32100) — for 法人或其他组织
    CreditCode,
    /// 其他有效证件
    Other,
}

impl IdType {
    pub const ALL: [IdType; 7] = [
        IdType::ResidentId,
        IdType::HkMacaoPermit,
        IdType::TaiwanPermit,
        IdType::Passport,
        IdType::ForeignPermanentResident,
        IdType::CreditCode,
        IdType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdType::ResidentId => "resident_id",
            IdType::HkMacaoPermit => "hk_macao_permit",
            IdType::TaiwanPermit => "taiwan_permit",
            IdType::Passport => "passport",
            IdType::ForeignPermanentResident => "foreign_permanent_resident",
            IdType::CreditCode => "credit_code",
            IdType::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IdType::ResidentId => "居民身份证",
            IdType::HkMacaoPermit => "港澳居民来往内地通行证",
            IdType::TaiwanPermit => "台湾居民来往大陆通行证",
            IdType::Passport => "护照",
            IdType::ForeignPermanentResident => "外国人永久居留身份证",
            IdType::CreditCode => "统一社会信用代码",
            IdType::Other => "其他有效证件",
        }
    }

    pub fn parse(s: &str) -> Option<IdType> {
        Self::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }

    /// Documents a natural person can identify with (an organisation uses its credit code, or another document).
    fn fits(self, applicant: ApplicantType) -> bool {
        match self {
            IdType::CreditCode => applicant.is_organization(),
            IdType::Other => true,
            _ => !applicant.is_organization(),
        }
    }
}

/// 信息的载体形式 — the form the applicant wants the information in.
pub const FORMS: &[(&str, &str)] = &[
    ("paper", "纸质文本"),
    ("electronic", "电子文档"),
    ("disc", "光盘"),
];
/// 获取信息的方式 — how the reply reaches the applicant.
pub const DELIVERIES: &[(&str, &str)] = &[
    ("post", "邮寄"),
    ("email", "电子邮件"),
    ("pickup", "当面领取"),
    ("online", "网上查询（凭查询码）"),
];

pub fn label_of(list: &[(&'static str, &'static str)], code: &str) -> &'static str {
    list.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

fn fold_digits(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'ｘ' | 'Ｘ' | 'x' => 'X',
            other => other,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Checks an 18-character resident ID (GB 11643): 17 digits whose 7th-14th form a real birth date,
/// then the ISO 7064 MOD 11-2 check character. Returns the number in canonical form.
pub fn check_resident_id(raw: &str) -> std::result::Result<String, String> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let s = fold_digits(raw);
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18 {
        return Err(format!("居民身份证号码应为 18 位，现为 {} 位", chars.len()));
    }
    if !chars[..17].iter().all(|c| c.is_ascii_digit())
        || !(chars[17].is_ascii_digit() || chars[17] == 'X')
    {
        return Err("居民身份证号码前 17 位应为数字，最后一位为数字或 X".into());
    }
    let birth = &s[6..14];
    match NaiveDate::parse_from_str(birth, "%Y%m%d") {
        Ok(d) if d.year() >= 1900 && d <= crate::now().date() => {}
        _ => return Err(format!("居民身份证号码中的出生日期 {birth} 不存在")),
    }
    let sum: u32 = chars[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let expected = CHECK[(sum % 11) as usize] as char;
    if chars[17] != expected {
        return Err("居民身份证号码校验位不符，请核对号码".into());
    }
    Ok(s)
}

// ------------------------------------------------------------------ intake

/// The public form (or staff entry) as typed: every field text, nothing yet checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestInput {
    /// 受理机关 — the organisation asked.
    pub org_id: String,
    pub applicant_type: String,
    /// 姓名 or 单位名称
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    /// 所需信息的内容描述
    pub description: String,
    pub preferred_form: String,
    pub delivery: String,
    /// 同意公开答复 — a ticked box ("on") when the applicant agrees the reply may be published.
    pub publish_consent: String,
}

/// A checked request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub org_id: i64,
    pub applicant_type: ApplicantType,
    pub name: String,
    pub id_type: IdType,
    pub id_number: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
    pub description: String,
    pub preferred_form: String,
    pub delivery: String,
    pub publish_consent: bool,
}

impl RequestInput {
    /// Checks every field and returns all the problems at once, keyed by field name.
    pub fn validate(&self) -> std::result::Result<NewRequest, FieldErrors> {
        let mut e = FieldErrors::default();
        let required = |e: &mut FieldErrors, field: &str, v: &str, max: usize| -> String {
            let v = v.trim();
            if v.is_empty() {
                e.add(field, "必填");
            } else if v.chars().count() > max {
                e.add(field, format!("不能超过 {max} 个字"));
            }
            v.to_string()
        };
        let org_id = self.org_id.trim().parse::<i64>().ok();
        if org_id.is_none() {
            e.add("org_id", "请选择受理机关");
        }
        let applicant_type = match self.applicant_type.trim() {
            "" => {
                e.add("applicant_type", "请选择申请人类型");
                None
            }
            s => match s.parse::<ApplicantType>() {
                Ok(t) => Some(t),
                Err(_) => {
                    e.add("applicant_type", "申请人类型不是可选的值");
                    None
                }
            },
        };
        let name = required(&mut e, "name", &self.name, 100);
        let id_type = match self.id_type.trim() {
            "" => {
                e.add("id_type", "请选择证件类型");
                None
            }
            s => {
                let t = IdType::parse(s);
                match (t, applicant_type) {
                    (None, _) => e.add("id_type", "证件类型不是可选的值"),
                    (Some(t), Some(a)) if !t.fits(a) => e.add(
                        "id_type",
                        if a.is_organization() {
                            "法人或其他组织请填写统一社会信用代码"
                        } else {
                            "自然人请选择个人身份证件"
                        },
                    ),
                    _ => {}
                }
                t
            }
        };
        let mut id_number = fold_digits(&self.id_number).to_uppercase();
        if id_number.is_empty() {
            e.add("id_number", "必填");
        } else {
            match id_type {
                Some(IdType::ResidentId) => match check_resident_id(&id_number) {
                    Ok(n) => id_number = n,
                    Err(m) => e.add("id_number", m),
                },
                Some(IdType::CreditCode) => match OrgCode::parse(&id_number) {
                    Ok(c) if c.as_str().len() == 18 => id_number = c.as_str().to_string(),
                    _ => e.add("id_number", "统一社会信用代码应为 18 位且校验位正确"),
                },
                _ => {
                    let n = id_number.chars().count();
                    if !(5..=30).contains(&n)
                        || !id_number
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-')
                    {
                        e.add("id_number", "证件号码应为 5 至 30 位字母或数字");
                    }
                }
            }
        }
        let phone: String = self
            .phone
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if phone.is_empty() {
            e.add("phone", "必填");
        } else if !(7..=20).contains(&phone.chars().count())
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
        {
            e.add("phone", "请填写有效的电话号码（7 至 20 位数字）");
        }
        let email = self.email.trim();
        if !email.is_empty()
            && (email.chars().count() > 100
                || !email.contains('@')
                || email.contains(char::is_whitespace))
        {
            e.add("email", "电子邮箱格式不正确");
        }
        let address = required(&mut e, "address", &self.address, 200);
        let description = required(&mut e, "description", &self.description, 5000);
        if !description.is_empty() && description.chars().count() < 5 {
            e.add("description", "请具体描述所需的政府信息（至少 5 个字）");
        }
        let form = self.preferred_form.trim();
        if !FORMS.iter().any(|(c, _)| *c == form) {
            e.add("preferred_form", "请选择信息的载体形式");
        }
        let delivery = self.delivery.trim();
        if !DELIVERIES.iter().any(|(c, _)| *c == delivery) {
            e.add("delivery", "请选择获取信息的方式");
        } else if delivery == "email" && email.is_empty() {
            e.add("email", "选择以电子邮件获取时须填写电子邮箱");
        }
        match (org_id, applicant_type, id_type, e.is_empty()) {
            (Some(org_id), Some(applicant_type), Some(id_type), true) => Ok(NewRequest {
                org_id,
                applicant_type,
                name,
                id_type,
                id_number,
                phone,
                email: (!email.is_empty()).then(|| email.to_string()),
                address,
                description,
                preferred_form: form.to_string(),
                delivery: delivery.to_string(),
                publish_consent: matches!(self.publish_consent.trim(), "on" | "true" | "1" | "yes"),
            }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = disclosure_requests)]
pub struct Request {
    pub id: i64,
    pub tracking_code: String,
    #[serde(skip)]
    pub password_hash: String,
    pub org_id: i64,
    pub applicant_type: String,
    pub applicant_name: String,
    pub id_type: String,
    #[serde(skip)]
    pub id_number_enc: String,
    pub id_number_masked: String,
    #[serde(skip)]
    pub phone_enc: String,
    pub phone_masked: String,
    pub email: Option<String>,
    pub address: String,
    pub description: String,
    pub preferred_form: String,
    pub delivery: String,
    pub channel: String,
    pub arrived_on: NaiveDate,
    /// 收到申请之日 (Art. 31)
    pub received_on: NaiveDate,
    pub stage: String,
    /// The domain's `RequestState` as JSON.
    pub state: String,
    /// The domain's `DeadlinePlan` as JSON.
    pub plan: String,
    /// Derived from `plan`; null while the clock waits for a correction or the calendar lacks a year.
    pub due_on: Option<NaiveDate>,
    /// Why no due date could be computed (e.g. the calendar has no data for the next year).
    pub deadline_note: Option<String>,
    pub handler: Option<String>,
    pub outcome: Option<String>,
    pub reply_text: Option<String>,
    pub answered_on: Option<NaiveDate>,
    pub closed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Keyed hash of the ID number (see [`applicant_key`]); finds an applicant's earlier requests.
    #[serde(skip)]
    pub applicant_key: Option<String>,
    /// The applicant agrees that the reply may be published (依申请公开转主动公开).
    pub publish_consent: bool,
    /// 信息处理费 (Art. 42) charged, in fen; None when no fee was charged (the default).
    pub fee_fen: Option<i64>,
    pub fee_note: Option<String>,
    /// The catalogue item the reply was published as, once it was.
    pub published_item_id: Option<i64>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StorageError {
    StorageError::Conflict(format!("stored {what} of a request cannot be read: {e}"))
}

impl Request {
    pub fn state(&self) -> Result<RequestState> {
        serde_json::from_str(&self.state).map_err(|e| corrupt("state", e))
    }
    pub fn plan(&self) -> Result<DeadlinePlan> {
        serde_json::from_str(&self.plan).map_err(|e| corrupt("deadline plan", e))
    }
    pub fn stage(&self) -> Option<Stage> {
        self.state().ok().map(|s| s.stage())
    }
    pub fn applicant_type(&self) -> Option<ApplicantType> {
        self.applicant_type.parse().ok()
    }
    pub fn id_type(&self) -> Option<IdType> {
        IdType::parse(&self.id_type)
    }
    pub fn channel(&self) -> Option<ReceiptChannel> {
        self.channel.parse().ok()
    }
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome.as_deref().and_then(|o| o.parse().ok())
    }
    /// Still waiting for the agency's reply (the due date matters).
    pub fn awaits_reply(&self) -> bool {
        matches!(
            self.stage(),
            Some(
                Stage::Received
                    | Stage::Assigned
                    | Stage::CorrectionRequested
                    | Stage::Corrected
                    | Stage::Consulting
                    | Stage::Extended
            )
        )
    }
    /// The deadline with its explanation, recomputed from the plan over `cal`.
    pub fn schedule(
        &self,
        cal: &WorkingCalendar,
    ) -> Result<std::result::Result<Schedule, DomainError>> {
        Ok(self.plan()?.compute(cal))
    }
}

/// What the applicant is given once the request is stored: show it once, it is not kept in clear.
#[derive(Debug, Clone, Serialize)]
pub struct Acknowledgement {
    pub id: i64,
    pub tracking_code: String,
    pub password: String,
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub deadline_note: Option<String>,
}

const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Random text from an alphabet without look-alike characters (tracking codes, passwords).
pub(crate) fn random_text(n: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The due date of `plan`, or the reason none can be given: a rule refusal is an error; a year
/// missing from the calendar leaves the due date open with the reason (the request is still kept).
pub(crate) fn due_of(
    cal: &WorkingCalendar,
    plan: &DeadlinePlan,
) -> Result<(Option<NaiveDate>, Option<String>)> {
    match plan.compute(cal) {
        Ok(s) => Ok((s.due, None)),
        Err(e @ DomainError::CalendarMissingYear { .. }) => Ok((None, Some(e.to_string()))),
        Err(e) => Err(e.into()),
    }
}

fn org_exists(conn: &mut AnyConnection, org_id: i64) -> Result<bool> {
    Ok(organisations::table
        .find(org_id)
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

pub(crate) fn invalid(field: &str, message: impl Into<String>) -> StorageError {
    let mut e = FieldErrors::default();
    e.add(field, message);
    StorageError::Invalid(e)
}

/// Stores a new request: tracking code, argon2-hashed password, personal data encrypted, the due
/// date by the receipt rule of its channel. Committed when this returns, so an acknowledgement
/// built from the result is never for a lost request.
pub fn intake(
    conn: &mut AnyConnection,
    key: &DataKey,
    cal: &WorkingCalendar,
    actor: &Actor,
    new: &NewRequest,
    receipt: &ReceiptFacts,
) -> Result<Acknowledgement> {
    let received_on = receipt.received_on()?;
    let plan = DeadlinePlan::new(received_on, receipt.channel);
    let (due_on, deadline_note) = due_of(cal, &plan)?;
    let password = random_text(10);
    let password_hash = crate::user::hash_password(&password)?;
    let state = RequestState::received();
    let now = crate::now();
    let applicant_key = key.blind_index(ID_FIELD, &new.id_number);
    write_txn(conn, |conn| {
        if !org_exists(conn, new.org_id)? {
            return Err(invalid("org_id", "受理机关不存在"));
        }
        let mut tracking_code = String::new();
        for _ in 0..5 {
            let candidate = format!(
                "YS{}{}",
                (now + chrono::Duration::hours(8)).format("%Y%m%d"),
                random_text(6)
            );
            let taken: i64 = disclosure_requests::table
                .filter(disclosure_requests::tracking_code.eq(&candidate))
                .count()
                .get_result(conn)?;
            if taken == 0 {
                tracking_code = candidate;
                break;
            }
        }
        if tracking_code.is_empty() {
            return Err(StorageError::Conflict(
                "could not draw a free tracking code".into(),
            ));
        }
        let id: i64 = diesel::insert_into(disclosure_requests::table)
            .values((
                disclosure_requests::tracking_code.eq(&tracking_code),
                disclosure_requests::password_hash.eq(&password_hash),
                disclosure_requests::org_id.eq(new.org_id),
                disclosure_requests::applicant_type.eq(new.applicant_type.as_str()),
                disclosure_requests::applicant_name.eq(&new.name),
                disclosure_requests::id_type.eq(new.id_type.as_str()),
                disclosure_requests::id_number_enc.eq(key.encrypt(ID_FIELD, &new.id_number)),
                disclosure_requests::id_number_masked.eq(mask_id_number(&new.id_number)),
                disclosure_requests::phone_enc.eq(key.encrypt(PHONE_FIELD, &new.phone)),
                disclosure_requests::phone_masked.eq(mask_phone(&new.phone)),
                disclosure_requests::email.eq(&new.email),
                disclosure_requests::address.eq(&new.address),
                disclosure_requests::description.eq(&new.description),
                disclosure_requests::preferred_form.eq(&new.preferred_form),
                disclosure_requests::delivery.eq(&new.delivery),
                disclosure_requests::channel.eq(receipt.channel.as_str()),
                disclosure_requests::arrived_on.eq(receipt.arrived),
                disclosure_requests::received_on.eq(received_on),
                disclosure_requests::stage.eq(state.stage().as_str()),
                disclosure_requests::state
                    .eq(serde_json::to_string(&state).expect("state serialises")),
                disclosure_requests::plan
                    .eq(serde_json::to_string(&plan).expect("plan serialises")),
                disclosure_requests::due_on.eq(due_on),
                disclosure_requests::deadline_note.eq(&deadline_note),
                disclosure_requests::created_at.eq(now),
                disclosure_requests::updated_at.eq(now),
                disclosure_requests::applicant_key.eq(&applicant_key),
                disclosure_requests::publish_consent.eq(new.publish_consent),
            ))
            .returning(disclosure_requests::id)
            .get_result(conn)?;
        let detail = json!({"channel": receipt.channel.as_str(), "received_on": received_on, "due_on": due_on});
        add_event(conn, actor, id, "received", received_on, &detail)?;
        let earlier = duplicates::earlier_similar(conn, id)?;
        if !earlier.is_empty() {
            let codes: Vec<&str> = earlier.iter().map(|d| d.tracking_code.as_str()).collect();
            add_event(
                conn,
                actor,
                id,
                "possible_duplicate",
                received_on,
                &json!({"of": codes}),
            )?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "request.create",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(new.org_id),
                summary: format!(
                    "request {tracking_code} received {received_on} via {}, due {}",
                    receipt.channel.label(),
                    due_on
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "not computable".into())
                ),
                before: None,
                // No personal data in the log: the masked forms only.
                after: Some(
                    json!({"applicant_type": new.applicant_type.as_str(), "id_number": mask_id_number(&new.id_number), "due_on": due_on}),
                ),
            },
        )?;
        Ok(Acknowledgement {
            id,
            tracking_code,
            password,
            received_on,
            due_on,
            deadline_note,
        })
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Request> {
    disclosure_requests::table
        .find(id)
        .select(Request::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "request",
            id: id.to_string(),
        })
}

/// The applicant's look-up: the request only when both the code and the password match. An
/// unknown code costs the same password check as a wrong password, so the two cannot be told apart.
pub fn track(conn: &mut AnyConnection, code: &str, password: &str) -> Result<Option<Request>> {
    let code = code.trim().to_uppercase();
    let found = if code.is_empty() || code.len() > 40 {
        None
    } else {
        disclosure_requests::table
            .filter(disclosure_requests::tracking_code.eq(&code))
            .select(Request::as_select())
            .first(conn)
            .optional()?
    };
    let ok = tracking_password_matches(found.as_ref().map(|r| r.password_hash.as_str()), password);
    Ok(found.filter(|_| ok))
}

/// Checks a tracking password against the stored hash; with no hash (unknown code) a dummy hash
/// is checked instead, so an unknown code and a wrong password take the same time.
pub(crate) fn tracking_password_matches(hash: Option<&str>, password: &str) -> bool {
    // A valid argon2 hash of a random string, so an unknown code takes as long as a known one.
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = match hash {
        Some(h) => h,
        None => DUMMY
            .get_or_init(|| crate::user::hash_password(&random_text(16)).unwrap_or_default())
            .as_str(),
    };
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.trim().as_bytes(), &h)
            .is_ok()
    })
}

/// The personal data in clear. Only for staff allowed to handle the request; the viewing is
/// audited in the same transaction, before the data is returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Personal {
    pub id_number: String,
    pub phone: String,
}

pub fn reveal(conn: &mut AnyConnection, key: &DataKey, actor: &Actor, id: i64) -> Result<Personal> {
    write_txn(conn, |conn| {
        let r = get(conn, id)?;
        let personal = Personal {
            id_number: key
                .decrypt(ID_FIELD, &r.id_number_enc)
                .map_err(|e| StorageError::Conflict(e.to_string()))?,
            phone: key
                .decrypt(PHONE_FIELD, &r.phone_enc)
                .map_err(|e| StorageError::Conflict(e.to_string()))?,
        };
        audit::record(
            conn,
            actor,
            Change {
                action: "request.reveal",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(r.org_id),
                summary: format!(
                    "viewed the ID number and phone of request {} in full",
                    r.tracking_code
                ),
                before: None,
                after: None,
            },
        )?;
        Ok(personal)
    })
}

// ------------------------------------------------------------------ handling

/// One handling step, with the day it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// 分办 to a handler at the responsible organisation (may move it to another organisation).
    Assign {
        on: NaiveDate,
        org_id: i64,
        handler: String,
    },
    /// 补正告知 (Art. 30): the reply clock stops until the correction arrives.
    RequestCorrection {
        on: NaiveDate,
        correct_by: NaiveDate,
        note: String,
    },
    /// The corrected application arrived: the 20 working days restart from `on`.
    ReceiveCorrection {
        on: NaiveDate,
        late_reason: Option<String>,
    },
    /// No correction in time without good reason: not processed further (table 三 （六）1).
    CorrectionLapsed {
        on: NaiveDate,
    },
    /// 征求意见 (Arts. 32, 34): the time does not count toward the deadline.
    StartConsultation {
        on: NaiveDate,
        consultee: Consultee,
        name: String,
    },
    /// The opinion of the oldest open consultation came back on `on`.
    EndConsultation {
        on: NaiveDate,
    },
    /// 延期 (Art. 33(2)): at most 20 working days in all, approved by the head of the office.
    Extend {
        on: NaiveDate,
        days: u32,
        approver: String,
    },
    /// 答复 with exactly one outcome of table 三.
    Reply {
        on: NaiveDate,
        outcome: Outcome,
        text: String,
    },
    /// 当场答复 (Art. 33(1)): at the counter, the day the request is handed in, before any assignment.
    AnswerOnTheSpot {
        on: NaiveDate,
        outcome: Outcome,
        text: String,
    },
    /// Art. 36(5): the information is another agency's.
    Transfer {
        on: NaiveDate,
        agency: String,
    },
    Close {
        on: NaiveDate,
    },
}

impl Step {
    pub fn kind(&self) -> &'static str {
        match self {
            Step::Assign { .. } => "assign",
            Step::RequestCorrection { .. } => "request_correction",
            Step::ReceiveCorrection { .. } => "receive_correction",
            Step::CorrectionLapsed { .. } => "correction_lapsed",
            Step::StartConsultation { .. } => "start_consultation",
            Step::EndConsultation { .. } => "end_consultation",
            Step::Extend { .. } => "extend",
            Step::Reply { .. } => "reply",
            Step::AnswerOnTheSpot { .. } => "answer_on_the_spot",
            Step::Transfer { .. } => "transfer",
            Step::Close { .. } => "close",
        }
    }

    pub fn on(&self) -> NaiveDate {
        match self {
            Step::Assign { on, .. }
            | Step::RequestCorrection { on, .. }
            | Step::ReceiveCorrection { on, .. }
            | Step::CorrectionLapsed { on }
            | Step::StartConsultation { on, .. }
            | Step::EndConsultation { on }
            | Step::Extend { on, .. }
            | Step::Reply { on, .. }
            | Step::AnswerOnTheSpot { on, .. }
            | Step::Transfer { on, .. }
            | Step::Close { on } => *on,
        }
    }

    fn event(&self) -> RequestEvent {
        match self {
            Step::Assign { handler, .. } => RequestEvent::Assign {
                handler: handler.clone(),
            },
            Step::RequestCorrection { .. } => RequestEvent::RequestCorrection,
            Step::ReceiveCorrection { .. } => RequestEvent::ReceiveCorrection,
            Step::CorrectionLapsed { .. } => RequestEvent::CorrectionLapsed,
            Step::StartConsultation { .. } => RequestEvent::StartConsultation,
            Step::EndConsultation { .. } => RequestEvent::EndConsultation,
            Step::Extend { days, approver, .. } => RequestEvent::Extend {
                days: *days,
                approver: approver.clone(),
            },
            Step::Reply { outcome, .. } => RequestEvent::Answer { outcome: *outcome },
            Step::AnswerOnTheSpot { outcome, .. } => {
                RequestEvent::AnswerOnTheSpot { outcome: *outcome }
            }
            Step::Transfer { agency, .. } => RequestEvent::Transfer {
                agency: agency.clone(),
            },
            Step::Close { .. } => RequestEvent::Close,
        }
    }

    fn detail(&self) -> serde_json::Value {
        match self {
            Step::Assign {
                org_id, handler, ..
            } => json!({"org_id": org_id, "handler": handler}),
            Step::RequestCorrection {
                correct_by, note, ..
            } => json!({"correct_by": correct_by, "note": note}),
            Step::ReceiveCorrection { late_reason, .. } => json!({"late_reason": late_reason}),
            Step::CorrectionLapsed { .. } | Step::EndConsultation { .. } | Step::Close { .. } => {
                json!({})
            }
            Step::StartConsultation {
                consultee, name, ..
            } => json!({"consultee": consultee, "name": name}),
            Step::Extend { days, approver, .. } => json!({"days": days, "approver": approver}),
            Step::Reply { outcome, .. } | Step::AnswerOnTheSpot { outcome, .. } => {
                json!({"outcome": outcome.as_str()})
            }
            Step::Transfer { agency, .. } => json!({"agency": agency}),
        }
    }
}

pub(crate) fn add_event(
    conn: &mut AnyConnection,
    actor: &Actor,
    request_id: i64,
    kind: &str,
    on: NaiveDate,
    detail: &serde_json::Value,
) -> Result<()> {
    diesel::insert_into(request_events::table)
        .values((
            request_events::request_id.eq(request_id),
            request_events::kind.eq(kind),
            request_events::on_date.eq(on),
            request_events::detail.eq(detail.to_string()),
            request_events::actor.eq(&actor.name),
            request_events::actor_id.eq(actor.user_id),
            request_events::at.eq(crate::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Reads the request while holding its row (PostgreSQL) or the write lock (SQLite).
pub(crate) fn lock(conn: &mut AnyConnection, id: i64) -> Result<Request> {
    let n = diesel::update(disclosure_requests::table.find(id))
        .set(disclosure_requests::updated_at.eq(disclosure_requests::updated_at))
        .execute(conn)?;
    if n == 0 {
        return Err(StorageError::NotFound {
            what: "request",
            id: id.to_string(),
        });
    }
    get(conn, id)
}

/// Applies one handling step: the domain's state machine decides whether it is allowed (a refusal
/// carries the rule's reason), the deadline engine recomputes the due date from the updated plan;
/// the row, an event and the audit entry are written in one transaction.
pub fn act(
    conn: &mut AnyConnection,
    cal: &WorkingCalendar,
    actor: &Actor,
    id: i64,
    step: &Step,
) -> Result<Request> {
    write_txn(conn, |conn| {
        let before = lock(conn, id)?;
        let on = step.on();
        if on < before.received_on {
            return Err(invalid(
                "on",
                format!("日期 {on} 早于收到申请之日 {}", before.received_on),
            ));
        }
        let state = before.state()?;
        let next = state.transition(&step.event())?;
        let mut plan = before.plan()?;
        let mut org_id = before.org_id;
        let mut handler = before.handler.clone();
        let mut reply_text = before.reply_text.clone();
        let mut answered_on = before.answered_on;
        let mut closed_at = before.closed_at;
        match step {
            Step::Assign {
                org_id: o,
                handler: h,
                ..
            } => {
                if !org_exists(conn, *o)? {
                    return Err(invalid("org_id", "机关不存在"));
                }
                org_id = *o;
                handler = Some(h.trim().to_string());
            }
            Step::RequestCorrection { on, correct_by, .. } => {
                plan.events.push(CaseEvent::CorrectionRequested {
                    on: *on,
                    correct_by: *correct_by,
                })
            }
            Step::ReceiveCorrection { on, late_reason } => {
                plan.events.push(CaseEvent::CorrectionReceived {
                    on: *on,
                    late_reason: late_reason.clone(),
                })
            }
            Step::StartConsultation {
                on,
                consultee,
                name,
            } => {
                if name.trim().is_empty() {
                    return Err(invalid("name", "请填写征求意见的对象"));
                }
                plan.events.push(CaseEvent::Consultation {
                    consultee: *consultee,
                    name: name.trim().to_string(),
                    sent: *on,
                    answered: None,
                });
            }
            Step::EndConsultation { on } => {
                let open = plan.events.iter_mut().find_map(|e| match e {
                    CaseEvent::Consultation { answered, .. } if answered.is_none() => {
                        Some(answered)
                    }
                    _ => None,
                });
                match open {
                    Some(answered) => *answered = Some(*on),
                    None => return Err(StorageError::Conflict("no consultation is open".into())),
                }
            }
            Step::Extend { on, days, approver } => plan.events.push(CaseEvent::Extended {
                on: *on,
                days: *days,
                approver: approver.trim().to_string(),
            }),
            Step::Reply { on, text, .. } => {
                if text.trim().is_empty() {
                    return Err(invalid("reply_text", "请填写答复内容"));
                }
                reply_text = Some(text.trim().to_string());
                answered_on = Some(*on);
            }
            Step::AnswerOnTheSpot { on, text, .. } => {
                if *on != before.received_on {
                    return Err(invalid(
                        "on",
                        format!("当场答复只能在收到申请当日（{}）作出", before.received_on),
                    ));
                }
                if text.trim().is_empty() {
                    return Err(invalid("reply_text", "请填写答复内容"));
                }
                plan.events.push(CaseEvent::AnsweredOnTheSpot);
                reply_text = Some(text.trim().to_string());
                answered_on = Some(*on);
            }
            Step::Transfer { on, agency } => {
                reply_text = Some(format!(
                    "经查，您申请的信息不属于本机关负责公开。根据《中华人民共和国政府信息公开条例》第三十六条第（五）项，请向{}申请。",
                    agency.trim()
                ));
                answered_on = Some(*on);
            }
            Step::CorrectionLapsed { .. } => {}
            Step::Close { .. } => closed_at = Some(crate::now()),
        }
        // Steps after the reply do not move the deadline; the ones before must satisfy its rules.
        let (due_on, deadline_note) = due_of(cal, &plan)?;
        let now = crate::now();
        diesel::update(disclosure_requests::table.find(id))
            .set((
                disclosure_requests::org_id.eq(org_id),
                disclosure_requests::stage.eq(next.stage().as_str()),
                disclosure_requests::state
                    .eq(serde_json::to_string(&next).expect("state serialises")),
                disclosure_requests::plan
                    .eq(serde_json::to_string(&plan).expect("plan serialises")),
                disclosure_requests::due_on.eq(due_on),
                disclosure_requests::deadline_note.eq(&deadline_note),
                disclosure_requests::handler.eq(&handler),
                disclosure_requests::outcome.eq(next.outcome().map(|o| o.as_str())),
                disclosure_requests::reply_text.eq(&reply_text),
                disclosure_requests::answered_on.eq(answered_on),
                disclosure_requests::closed_at.eq(closed_at),
                disclosure_requests::updated_at.eq(now),
            ))
            .execute(conn)?;
        add_event(conn, actor, id, step.kind(), on, &step.detail())?;
        let after = get(conn, id)?;
        audit::record(
            conn,
            actor,
            Change {
                action: &format!("request.{}", step.kind()),
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(after.org_id),
                summary: format!(
                    "{} {} on {on}: {} → {}{}",
                    step.kind(),
                    after.tracking_code,
                    state.stage().label(),
                    next.stage().label(),
                    next.outcome()
                        .filter(|_| matches!(
                            step,
                            Step::Reply { .. } | Step::AnswerOnTheSpot { .. }
                        ))
                        .map(|o| format!(" ({})", o.full_label()))
                        .unwrap_or_default()
                ),
                before: Some(
                    json!({"stage": before.stage, "due_on": before.due_on, "org_id": before.org_id}),
                ),
                after: Some(
                    json!({"stage": after.stage, "due_on": after.due_on, "org_id": after.org_id, "outcome": after.outcome}),
                ),
            },
        )?;
        Ok(after)
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = request_events)]
pub struct CaseHistory {
    pub id: i64,
    pub request_id: i64,
    pub kind: String,
    pub on_date: NaiveDate,
    pub detail: String,
    pub actor: String,
    pub actor_id: Option<i64>,
    pub at: NaiveDateTime,
}

/// A request's steps, oldest first.
pub fn events(conn: &mut AnyConnection, request_id: i64) -> Result<Vec<CaseHistory>> {
    Ok(request_events::table
        .filter(request_events::request_id.eq(request_id))
        .order(request_events::id.asc())
        .select(CaseHistory::as_select())
        .load(conn)?)
}

// ------------------------------------------------------------------ caseload

/// The handler's view of the open cases of some organisations, on `today`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Caseload {
    /// Waiting for a reply past the due date, most overdue first.
    pub overdue: Vec<Request>,
    /// Waiting for a reply, due today or within the next 3 working days.
    pub due_soon: Vec<Request>,
    /// Every case not yet closed, by due date (cases without one last).
    pub open: Vec<Request>,
    /// The last day counted as "due soon" (None when the calendar lacks the year).
    pub soon_until: Option<NaiveDate>,
}

pub const DUE_SOON_WORKING_DAYS: u32 = 3;

/// Open cases of `org_ids` (None: all organisations), classified on `today`.
pub fn caseload(
    conn: &mut AnyConnection,
    cal: &WorkingCalendar,
    org_ids: Option<&[i64]>,
    today: NaiveDate,
) -> Result<Caseload> {
    let mut q = disclosure_requests::table
        .filter(disclosure_requests::stage.ne(Stage::Closed.as_str()))
        .select(Request::as_select())
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(disclosure_requests::org_id.eq_any(ids.to_vec()));
    }
    let mut open: Vec<Request> = q.load(conn)?;
    open.sort_by_key(|r| (r.due_on.is_none(), r.due_on, r.id));
    let soon_until = cal
        .add_working_days(today, DUE_SOON_WORKING_DAYS)
        .ok()
        .map(|d| d.due);
    let overdue = open
        .iter()
        .filter(|r| r.awaits_reply() && r.due_on.is_some_and(|d| d < today))
        .cloned()
        .collect();
    let due_soon = open
        .iter()
        .filter(|r| {
            r.awaits_reply()
                && r.due_on
                    .is_some_and(|d| d >= today && soon_until.is_some_and(|s| d <= s))
        })
        .cloned()
        .collect();
    Ok(Caseload {
        overdue,
        due_soon,
        open,
        soon_until,
    })
}

// ------------------------------------------------------------------ appeals (table 四)

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = request_appeals)]
pub struct Appeal {
    pub id: i64,
    pub request_id: i64,
    /// A [`Table4Block`] key: reconsideration, litigation_direct, litigation_after_reconsideration.
    pub kind: String,
    pub filed_on: NaiveDate,
    /// 复议机关 or 人民法院
    pub body: String,
    /// A [`Table4Column`] key other than total: upheld, corrected, other, pending.
    pub outcome: String,
    pub decided_on: Option<NaiveDate>,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn block_of(key: &str) -> Option<Table4Block> {
    Table4Block::ALL.into_iter().find(|b| b.key() == key)
}

/// The storage key of a table 四 result column.
pub fn column_key(c: Table4Column) -> &'static str {
    match c {
        Table4Column::Upheld => "upheld",
        Table4Column::Corrected => "corrected",
        Table4Column::Other => "other",
        Table4Column::Pending => "pending",
        Table4Column::Total => "total",
    }
}

pub fn column_of(key: &str) -> Option<Table4Column> {
    Table4Column::ALL
        .into_iter()
        .find(|c| column_key(*c) == key && *c != Table4Column::Total)
}

impl Appeal {
    pub fn block(&self) -> Option<Table4Block> {
        block_of(&self.kind)
    }
    pub fn column(&self) -> Option<Table4Column> {
        column_of(&self.outcome)
    }
}

pub fn appeals(conn: &mut AnyConnection, request_id: i64) -> Result<Vec<Appeal>> {
    Ok(request_appeals::table
        .filter(request_appeals::request_id.eq(request_id))
        .order(request_appeals::id.asc())
        .select(Appeal::as_select())
        .load(conn)?)
}

fn refuse_appeal(reason: impl Into<String>) -> StorageError {
    StorageError::Domain(DomainError::invalid("appeal", reason))
}

/// Records a reconsideration or lawsuit about a request (尚未审结 until decided). It needs a reply
/// to contest, or a deadline that passed without one; a lawsuit after reconsideration needs a
/// decided reconsideration of the same request.
pub fn file_appeal(
    conn: &mut AnyConnection,
    actor: &Actor,
    request_id: i64,
    kind: Table4Block,
    filed_on: NaiveDate,
    body: &str,
    note: &str,
) -> Result<Appeal> {
    write_txn(conn, |conn| {
        let r = lock(conn, request_id)?;
        if body.trim().is_empty() {
            return Err(invalid("body", "请填写复议机关或人民法院"));
        }
        if filed_on < r.received_on {
            return Err(refuse_appeal(format!(
                "filed {filed_on}, before the request was received ({})",
                r.received_on
            )));
        }
        let overdue = r.awaits_reply() && r.due_on.is_some_and(|d| d < filed_on);
        if r.awaits_reply() && !overdue {
            return Err(refuse_appeal("the request has neither been answered nor passed its due date; there is nothing to contest yet"));
        }
        if kind == Table4Block::LitigationAfterReconsideration {
            let decided = appeals(conn, request_id)?.into_iter().any(|a| {
                a.block() == Some(Table4Block::Reconsideration)
                    && a.decided_on.is_some_and(|d| d <= filed_on)
            });
            if !decided {
                return Err(refuse_appeal("a lawsuit after reconsideration needs a reconsideration of this request decided on or before the filing"));
            }
        }
        let now = crate::now();
        let id: i64 = diesel::insert_into(request_appeals::table)
            .values((
                request_appeals::request_id.eq(request_id),
                request_appeals::kind.eq(kind.key()),
                request_appeals::filed_on.eq(filed_on),
                request_appeals::body.eq(body.trim()),
                request_appeals::outcome.eq(column_key(Table4Column::Pending)),
                request_appeals::note.eq(note.trim()),
                request_appeals::created_at.eq(now),
                request_appeals::updated_at.eq(now),
            ))
            .returning(request_appeals::id)
            .get_result(conn)?;
        add_event(
            conn,
            actor,
            request_id,
            "appeal_filed",
            filed_on,
            &json!({"appeal_id": id, "kind": kind.key(), "body": body.trim()}),
        )?;
        audit::record(
            conn,
            actor,
            Change {
                action: "request.appeal_file",
                entity: ENTITY,
                entity_id: request_id.to_string(),
                org_id: Some(r.org_id),
                summary: format!(
                    "{} filed {filed_on} with {} about {}",
                    kind.label(),
                    body.trim(),
                    r.tracking_code
                ),
                before: None,
                after: Some(json!({"appeal_id": id, "kind": kind.key(), "outcome": "pending"})),
            },
        )?;
        get_appeal(conn, id)
    })
}

fn get_appeal(conn: &mut AnyConnection, id: i64) -> Result<Appeal> {
    request_appeals::table
        .find(id)
        .select(Appeal::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "appeal",
            id: id.to_string(),
        })
}

/// Records the decision of an appeal: 结果维持, 结果纠正 or 其他结果, once.
pub fn decide_appeal(
    conn: &mut AnyConnection,
    actor: &Actor,
    appeal_id: i64,
    outcome: Table4Column,
    decided_on: NaiveDate,
) -> Result<Appeal> {
    write_txn(conn, |conn| {
        let a = get_appeal(conn, appeal_id)?;
        let r = lock(conn, a.request_id)?;
        if matches!(outcome, Table4Column::Pending | Table4Column::Total) {
            return Err(refuse_appeal(format!(
                "{} is not a decision",
                outcome.label()
            )));
        }
        if a.column() != Some(Table4Column::Pending) {
            return Err(refuse_appeal(format!(
                "already decided ({})",
                a.column().map(|c| c.label()).unwrap_or("?")
            )));
        }
        if decided_on < a.filed_on {
            return Err(refuse_appeal(format!(
                "decided {decided_on}, before it was filed ({})",
                a.filed_on
            )));
        }
        diesel::update(request_appeals::table.find(appeal_id))
            .set((
                request_appeals::outcome.eq(column_key(outcome)),
                request_appeals::decided_on.eq(decided_on),
                request_appeals::updated_at.eq(crate::now()),
            ))
            .execute(conn)?;
        add_event(
            conn,
            actor,
            a.request_id,
            "appeal_decided",
            decided_on,
            &json!({"appeal_id": appeal_id, "outcome": column_key(outcome)}),
        )?;
        audit::record(
            conn,
            actor,
            Change {
                action: "request.appeal_decide",
                entity: ENTITY,
                entity_id: a.request_id.to_string(),
                org_id: Some(r.org_id),
                summary: format!(
                    "{} of {}: {} ({decided_on})",
                    a.block().map(|b| b.label()).unwrap_or(""),
                    r.tracking_code,
                    outcome.label()
                ),
                before: Some(json!({"outcome": a.outcome})),
                after: Some(json!({"outcome": column_key(outcome)})),
            },
        )?;
        get_appeal(conn, appeal_id)
    })
}

#[cfg(test)]
mod tests;

pub mod imported;
pub mod stats;
