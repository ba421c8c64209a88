//! `gongkai import requests FILE.jsonl` — past 依申请公开 cases, one per line, in the schema of
//! `docs/import.md` ("Importing past requests").
//!
//! Each line is checked field by field (every problem of a line is reported at once, named by
//! field), then stored in its own transaction by [`gongkai_storage::request::imported`]. A bad line
//! is reported and skipped; the others are imported. Lines carry a `source_id`, so importing the
//! same file twice changes nothing, and a corrected line updates its case.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use chrono::NaiveDate;
use diesel::prelude::*;
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::item::{parse_date, FieldErrors};
use gongkai_domain::report::{Table4Block, Table4Column};
use gongkai_domain::request::{ApplicantType, Outcome, OutcomeCategory, ReceiptChannel};
use gongkai_storage::audit::Actor;
use gongkai_storage::request::imported::{import_case, ImportAction, ImportedAppeal, ImportedCase};
use gongkai_storage::schema::organisations;
use gongkai_storage::{AnyConnection, Database, StorageError};
use serde_json::{Map, Value};

use crate::error::{IngestError, Result};

/// The fields of a line; any other name is an error.
const FIELDS: [&str; 11] = [
    "source_id",
    "org",
    "applicant_type",
    "received",
    "channel",
    "outcome",
    "answered",
    "due",
    "carried_over",
    "description",
    "appeals",
];
const APPEAL_FIELDS: [&str; 5] = ["kind", "filed", "body", "outcome", "decided"];

/// What an import of past requests did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// (1-based line number, message naming every field at fault), in line order.
    pub errors: Vec<(usize, String)>,
}

impl RequestImportReport {
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }
}

pub fn import_requests_file(
    db: &Database,
    path: &Path,
    actor: &Actor,
    cal: &WorkingCalendar,
) -> Result<RequestImportReport> {
    let f = File::open(path).map_err(|e| IngestError::io(path, e))?;
    import_requests(db, BufReader::new(f), actor, cal).map_err(|e| match e {
        IngestError::Io { source, .. } => IngestError::io(path, source),
        other => other,
    })
}

/// Imports past requests from JSONL text. Blank lines are skipped.
pub fn import_requests(
    db: &Database,
    input: impl BufRead,
    actor: &Actor,
    cal: &WorkingCalendar,
) -> Result<RequestImportReport> {
    let mut conn = db.conn()?;
    let orgs = org_lookup(&mut conn)?;
    let today = chrono::Utc::now().date_naive();
    let mut report = RequestImportReport::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, line) in input.lines().enumerate() {
        let n = i + 1;
        let line = line.map_err(|e| IngestError::io("<input>", e))?;
        let text = line.trim().trim_start_matches('\u{feff}');
        if text.is_empty() {
            continue;
        }
        let case = match read_line(text, &orgs, today) {
            Ok(case) => case,
            Err(msg) => {
                report.errors.push((n, msg));
                continue;
            }
        };
        if let Some(first) = seen.insert(case.source_id.clone(), n) {
            report.errors.push((
                n,
                format!("source_id: 来源编号“{}”与第 {first} 行重复", case.source_id),
            ));
            continue;
        }
        match import_case(&mut conn, cal, actor, &case) {
            Ok(ImportAction::Created) => report.created += 1,
            Ok(ImportAction::Updated) => report.updated += 1,
            Ok(ImportAction::Unchanged) => report.unchanged += 1,
            Err(StorageError::Invalid(e)) => report.errors.push((n, e.to_string())),
            Err(StorageError::Domain(e)) => report.errors.push((n, e.to_string())),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(report)
}

/// Organisation code (and exact name) → id.
fn org_lookup(c: &mut AnyConnection) -> Result<HashMap<String, i64>> {
    let rows: Vec<(i64, String, String)> = organisations::table
        .select((organisations::id, organisations::code, organisations::name))
        .load(c)?;
    let mut map = HashMap::new();
    for (id, code, name) in rows {
        map.entry(name).or_insert(id);
        map.insert(code, id);
    }
    Ok(map)
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// Reads a text field: `None` when absent or empty; a non-text value is a field error.
fn text(obj: &Map<String, Value>, e: &mut FieldErrors, field: &str, name: &str) -> Option<String> {
    let v = obj.get(name)?;
    match as_text(v) {
        Some(s) if s.is_empty() => None,
        Some(s) => Some(s),
        None => {
            e.add(field, "应为文字");
            None
        }
    }
}

fn required(
    obj: &Map<String, Value>,
    e: &mut FieldErrors,
    field: &str,
    name: &str,
) -> Option<String> {
    let v = text(obj, e, field, name);
    if v.is_none() && !e.0.contains_key(field) {
        e.add(field, "必填");
    }
    v
}

fn date(raw: Option<String>, e: &mut FieldErrors, field: &str) -> Option<NaiveDate> {
    let raw = raw?;
    let d = parse_date(&raw);
    if d.is_none() {
        e.add(field, format!("日期“{raw}”无法识别，请按 YYYY-MM-DD 填写"));
    }
    d
}

fn unknown_fields(obj: &Map<String, Value>, known: &[&str], prefix: &str, e: &mut FieldErrors) {
    for k in obj.keys() {
        if !known.contains(&k.as_str()) {
            e.add(
                &format!("{prefix}{k}"),
                "未知字段（字段名见 docs/import.md）",
            );
        }
    }
}

fn channel_of(s: &str) -> Option<ReceiptChannel> {
    s.parse::<ReceiptChannel>()
        .ok()
        .or_else(|| ReceiptChannel::ALL.into_iter().find(|c| c.label() == s))
}

fn outcome_of(s: &str, e: &mut FieldErrors) -> Option<Outcome> {
    if let Ok(o) = s.parse::<Outcome>() {
        return Some(o);
    }
    if let Some(o) = Outcome::all().iter().find(|o| o.full_label() == s) {
        return Some(*o);
    }
    let group = OutcomeCategory::ALL
        .into_iter()
        .find(|c| c.as_str() == s || c.label().starts_with(s));
    match group {
        Some(g) => e.add(
            "outcome",
            format!(
                "“{s}”是表三的一组（{}），请写明具体情形，如 {}",
                g.label(),
                Outcome::all()
                    .iter()
                    .find(|o| o.category() == g)
                    .map(|o| o.as_str())
                    .unwrap_or("")
            ),
        ),
        None => e.add(
            "outcome",
            format!("办理结果“{s}”不是表三的情形（代码见 docs/import.md）"),
        ),
    }
    None
}

fn appeal_kind(s: &str) -> Option<Table4Block> {
    Table4Block::ALL
        .into_iter()
        .find(|b| b.key() == s || b.label() == s)
}

fn appeal_outcome(s: &str) -> Option<Table4Column> {
    Table4Column::ALL
        .into_iter()
        .filter(|c| *c != Table4Column::Total)
        .find(|c| gongkai_storage::request::column_key(*c) == s || c.label() == s)
}

fn read_appeals(v: &Value, e: &mut FieldErrors) -> Vec<ImportedAppeal> {
    let list = match v {
        Value::Null => return vec![],
        Value::Array(list) => list,
        _ => {
            e.add("appeals", "应为列表");
            return vec![];
        }
    };
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let f = |name: &str| format!("appeals[{i}].{name}");
        let Value::Object(obj) = item else {
            e.add(&format!("appeals[{i}]"), "应为对象");
            continue;
        };
        unknown_fields(obj, &APPEAL_FIELDS, &format!("appeals[{i}]."), e);
        let kind = required(obj, e, &f("kind"), "kind").and_then(|s| {
            let k = appeal_kind(&s);
            if k.is_none() {
                e.add(
                    &f("kind"),
                    format!("“{s}”应为 reconsideration、litigation_direct 或 litigation_after_reconsideration"),
                );
            }
            k
        });
        let filed = date(required(obj, e, &f("filed"), "filed"), e, &f("filed"));
        let body = required(obj, e, &f("body"), "body").unwrap_or_default();
        let outcome = match text(obj, e, &f("outcome"), "outcome") {
            None => Some(Table4Column::Pending),
            Some(s) => {
                let o = appeal_outcome(&s);
                if o.is_none() {
                    e.add(
                        &f("outcome"),
                        format!("“{s}”应为 upheld、corrected、other 或 pending"),
                    );
                }
                o
            }
        };
        let decided = date(text(obj, e, &f("decided"), "decided"), e, &f("decided"));
        if let (Some(kind), Some(filed_on), Some(outcome)) = (kind, filed, outcome) {
            out.push(ImportedAppeal {
                kind,
                filed_on,
                body,
                outcome,
                decided_on: decided,
            });
        }
    }
    out
}

/// One line → a checked case, or the message naming every field at fault.
fn read_line(
    text_line: &str,
    orgs: &HashMap<String, i64>,
    today: NaiveDate,
) -> std::result::Result<ImportedCase, String> {
    let value: Value =
        serde_json::from_str(text_line).map_err(|err| format!("JSON 格式错误: {err}"))?;
    let Value::Object(obj) = value else {
        return Err("每行应为一个 JSON 对象".into());
    };
    let mut e = FieldErrors::default();
    unknown_fields(&obj, &FIELDS, "", &mut e);
    let source_id = required(&obj, &mut e, "source_id", "source_id");
    let org_id = required(&obj, &mut e, "org", "org").and_then(|s| {
        let id = orgs.get(&s).copied();
        if id.is_none() {
            e.add("org", format!("单位“{s}”不存在（请用单位代码）"));
        }
        id
    });
    let applicant_type = required(&obj, &mut e, "applicant_type", "applicant_type").and_then(|s| {
        let t = s.parse::<ApplicantType>().ok();
        if t.is_none() {
            e.add(
                "applicant_type",
                format!("申请人类型“{s}”不是表三的列（natural_person、commercial_enterprise …）"),
            );
        }
        t
    });
    let received = date(
        required(&obj, &mut e, "received", "received"),
        &mut e,
        "received",
    );
    let channel = required(&obj, &mut e, "channel", "channel").and_then(|s| {
        let c = channel_of(&s);
        if c.is_none() {
            e.add(
                "channel",
                format!("渠道“{s}”应为 in_person、oral、registered_post、ordinary_post、online、email 或 fax"),
            );
        }
        c
    });
    let outcome_text = text(&obj, &mut e, "outcome", "outcome");
    let outcome = outcome_text.and_then(|s| outcome_of(&s, &mut e));
    let answered = date(
        text(&obj, &mut e, "answered", "answered"),
        &mut e,
        "answered",
    );
    let due = date(text(&obj, &mut e, "due", "due"), &mut e, "due");
    let description = text(&obj, &mut e, "description", "description").unwrap_or_default();
    if description.chars().count() > 5000 {
        e.add("description", "不能超过 5000 个字");
    }
    let carried_over = match obj.get("carried_over") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            e.add("carried_over", "应为 true 或 false");
            None
        }
    };
    let appeals = obj
        .get("appeals")
        .map(|v| read_appeals(v, &mut e))
        .unwrap_or_default();
    let (Some(source_id), Some(org_id), Some(applicant_type), Some(received_on), Some(channel)) =
        (source_id, org_id, applicant_type, received, channel)
    else {
        return Err(e.to_string());
    };
    if !e.is_empty() {
        return Err(e.to_string());
    }
    // Without the flag, the dates decide; with it, the dates must agree (checked below).
    let open_at_year_end = answered.is_none_or(|a| {
        use chrono::Datelike;
        a.year() > received_on.year()
    });
    let case = ImportedCase {
        source_id,
        org_id,
        applicant_type,
        channel,
        received_on,
        due_on: due,
        outcome,
        answered_on: answered,
        carried_over: carried_over.unwrap_or(open_at_year_end),
        description,
        appeals,
    };
    case.check(today).map_err(|e| e.to_string())?;
    Ok(case)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orgs() -> HashMap<String, i64> {
        HashMap::from([("000014349".to_string(), 1)])
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    }

    #[test]
    fn a_good_line_reads_with_labels_or_codes() {
        let case = read_line(
            r#"{"source_id": 42, "org": "000014349", "applicant_type": "商业企业", "received": "2023年12月25日", "channel": "互联网渠道", "outcome": "not_disclosed.state_secret", "answered": "2024-01-10", "appeals": [{"kind": "reconsideration", "filed": "2024-02-01", "body": "示范市人民政府", "outcome": "结果维持", "decided": "2024-03-01"}]}"#,
            &orgs(),
            today(),
        )
        .unwrap();
        assert_eq!(case.source_id, "42");
        assert_eq!(case.applicant_type, ApplicantType::CommercialEnterprise);
        assert_eq!(case.channel, ReceiptChannel::Online);
        assert_eq!(case.outcome, Some(Outcome::StateSecret));
        assert!(case.carried_over, "received 2023, answered 2024");
        assert_eq!(case.appeals[0].outcome, Table4Column::Upheld);
    }

    #[test]
    fn every_bad_field_is_named() {
        let msg = read_line(
            r#"{"source_id": "a", "org": "nowhere", "applicant_type": "外星人", "received": "2024-13-45", "channel": "pigeon", "outcome": "not_disclosed", "colour": 1, "appeals": [{"kind": "x", "filed": "2024-01-01", "body": "b", "outcome": "won"}]}"#,
            &orgs(),
            today(),
        )
        .unwrap_err();
        for needle in [
            "org: 单位“nowhere”不存在",
            "applicant_type:",
            "received: 日期“2024-13-45”无法识别",
            "channel:",
            "outcome: “not_disclosed”是表三的一组",
            "colour: 未知字段",
            "appeals[0].kind:",
            "appeals[0].outcome:",
        ] {
            assert!(msg.contains(needle), "{needle} missing from {msg}");
        }
        let msg = read_line(
            r#"{"source_id": "b", "org": "000014349", "applicant_type": "natural_person", "received": "2024-03-01", "channel": "online", "outcome": "disclosed", "answered": "2024-03-10", "carried_over": true}"#,
            &orgs(),
            today(),
        )
        .unwrap_err();
        assert!(msg.starts_with("carried_over:"), "{msg}");
        let msg = read_line(
            r#"{"org": "000014349", "applicant_type": "natural_person", "received": "2024-03-01", "channel": "online", "outcome": "disclosed"}"#,
            &orgs(),
            today(),
        )
        .unwrap_err();
        assert!(msg.contains("source_id: 必填"), "{msg}");
        assert!(read_line("[1]", &orgs(), today()).is_err());
        assert!(read_line("{", &orgs(), today())
            .unwrap_err()
            .starts_with("JSON 格式错误"));
    }
}
