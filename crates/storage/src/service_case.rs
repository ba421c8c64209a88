//! 办件查询 — case statuses imported from the approval systems, looked up by case number.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::service_case::{normalise_case_number, CaseInput, CaseStatus};
use serde::Serialize;

use crate::audit::{self, Actor, Change};
use crate::schema::{organisations, service_cases};
use crate::trading::ImportReport;
use crate::{write_txn, AnyConnection, Result};

pub const ENTITY: &str = "service_case";

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = service_cases)]
pub struct Case {
    pub id: i64,
    pub case_number: String,
    pub service_name: String,
    pub org_id: i64,
    pub status: String,
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

impl Case {
    pub fn status(&self) -> Option<CaseStatus> {
        self.status.parse().ok()
    }
}

/// The case with this number (as typed: spaces and case do not matter), if any.
pub fn find(conn: &mut AnyConnection, number: &str) -> Result<Option<Case>> {
    let Some(n) = normalise_case_number(number) else {
        return Ok(None);
    };
    Ok(service_cases::table
        .filter(service_cases::case_number.eq(n))
        .select(Case::as_select())
        .first(conn)
        .optional()?)
}

/// Imports parsed lines: each good line creates or updates the case with its number, each bad
/// one (unreadable, invalid, unknown organisation, or one `allowed` refuses by organisation
/// path) is reported with its line number. One audit entry records the import.
pub fn import(
    conn: &mut AnyConnection,
    actor: &Actor,
    lines: Vec<(usize, std::result::Result<CaseInput, String>)>,
    allowed: &dyn Fn(&str) -> bool,
) -> Result<ImportReport> {
    write_txn(conn, |conn| {
        let orgs: HashMap<String, (i64, String)> = organisations::table
            .select((organisations::code, organisations::id, organisations::path))
            .load::<(String, i64, String)>(conn)?
            .into_iter()
            .map(|(code, id, path)| (code, (id, path)))
            .collect();
        let mut report = ImportReport::default();
        let now = crate::now();
        for (line, parsed) in lines {
            let v = match parsed.and_then(|i| i.validate().map_err(|e| e.to_string())) {
                Ok(v) => v,
                Err(m) => {
                    report.errors.push((line, m));
                    continue;
                }
            };
            let Some((org_id, path)) = orgs.get(&v.org_code) else {
                report
                    .errors
                    .push((line, format!("org_code: 未知的机构代码“{}”", v.org_code)));
                continue;
            };
            if !allowed(path) {
                report
                    .errors
                    .push((line, format!("org_code: 无权导入“{}”的办件", v.org_code)));
                continue;
            }
            let values = (
                service_cases::service_name.eq(&v.service_name),
                service_cases::org_id.eq(*org_id),
                service_cases::status.eq(v.status.as_str()),
                service_cases::received_on.eq(v.received_on),
                service_cases::due_on.eq(v.due_on),
                service_cases::completed_on.eq(v.completed_on),
                service_cases::updated_at.eq(now),
            );
            let existing: Option<i64> = service_cases::table
                .filter(service_cases::case_number.eq(&v.case_number))
                .select(service_cases::id)
                .first(conn)
                .optional()?;
            match existing {
                Some(id) => {
                    diesel::update(service_cases::table.find(id))
                        .set(values)
                        .execute(conn)?;
                    report.updated += 1;
                }
                None => {
                    diesel::insert_into(service_cases::table)
                        .values((values, service_cases::case_number.eq(&v.case_number)))
                        .execute(conn)?;
                    report.created += 1;
                }
            }
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "service_case.import",
                entity: ENTITY,
                entity_id: String::new(),
                org_id: None,
                summary: format!(
                    "imported case statuses: {} new, {} updated, {} refused",
                    report.created,
                    report.updated,
                    report.errors.len()
                ),
                before: None,
                after: Some(
                    serde_json::json!({"created": report.created, "updated": report.updated}),
                ),
            },
        )?;
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{on_both, seed_org};
    use gongkai_domain::service_case::parse_lines;

    #[test]
    fn imports_update_by_number_and_report_bad_lines() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let a = Actor::system("t");
            let city = seed_org(&mut c, None, "00001434");
            let dept = seed_org(&mut c, Some(city), "00001435");
            let code = |id: i64, c: &mut AnyConnection| crate::org::get(c, id).unwrap().code;
            let (city_code, dept_code) = (code(city, &mut c), code(dept, &mut c));
            let body = format!(
                "{}\n{}\n{}\n{}\n",
                serde_json::json!({"case_number": "SF-1", "service_name": "参保登记", "org_code": dept_code,
                                   "status": "办理中", "received_on": "2026-03-02", "due_on": "2026-03-09"}),
                serde_json::json!({"case_number": "SF-2", "service_name": "x", "org_code": "999999999",
                                   "status": "办理中", "received_on": "2026-03-02"}),
                "{broken",
                serde_json::json!({"case_number": "SF-3", "service_name": "社保卡补换", "org_code": city_code,
                                   "status": "受理", "received_on": "2026-03-02"}),
            );
            let dept_path = crate::org::get(&mut c, dept).unwrap().path;
            let only_dept = |p: &str| p.starts_with(&dept_path);
            let r = import(&mut c, &a, parse_lines(&body), &only_dept).unwrap();
            assert_eq!((r.created, r.updated), (1, 0));
            let bad: Vec<usize> = r.errors.iter().map(|(l, _)| *l).collect();
            assert_eq!(bad, [2, 3, 4], "{:?}", r.errors);
            assert!(r.errors[0].1.contains("999999999"));
            assert!(r.errors[2].1.contains("status"), "{:?}", r.errors);

            let again = serde_json::json!({"case_number": "sf-1", "service_name": "参保登记", "org_code": dept_code,
                                            "status": "已办结", "received_on": "2026-03-02", "completed_on": "2026-03-05"})
            .to_string();
            let r = import(&mut c, &a, parse_lines(&again), &only_dept).unwrap();
            assert_eq!((r.created, r.updated), (0, 1));
            let case = find(&mut c, " sf-1 ").unwrap().unwrap();
            assert_eq!(case.status(), Some(CaseStatus::Completed));
            assert_eq!(case.completed_on.unwrap().to_string(), "2026-03-05");
            assert!(find(&mut c, "SF-9").unwrap().is_none());
            assert!(find(&mut c, "'; drop").unwrap().is_none());
        });
    }
}
