//! 办件查询 — the status of a service case (办件) as the approval systems report it. The platform
//! keeps only what the public may see: the case number, the service, the department, the status
//! and its dates; no applicant data ever arrives here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::item::{parse_date, FieldErrors};

vocabulary!(
    /// 办理状态
    CaseStatus, "status" {
        Received => "received", "已受理";
        InProgress => "in_progress", "办理中";
        Supplement => "supplement", "待补正";
        Completed => "completed", "已办结";
        Rejected => "rejected", "不予受理";
    }
);

impl CaseStatus {
    /// Whether the case is over (it then needs its completion date).
    pub fn is_final(self) -> bool {
        matches!(self, CaseStatus::Completed | CaseStatus::Rejected)
    }
}

/// One line of an import from an approval system (JSON), every field as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseInput {
    /// 办件编号 — unique; a re-import updates the case.
    pub case_number: String,
    /// 事项名称
    pub service_name: String,
    /// 办理部门 by organisation code.
    pub org_code: String,
    pub status: String,
    pub received_on: String,
    /// 承诺办结日期
    pub due_on: String,
    pub completed_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCase {
    pub case_number: String,
    pub service_name: String,
    pub org_code: String,
    pub status: CaseStatus,
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
}

/// Case numbers are letters, digits and hyphens (the formats of the provincial systems).
pub fn normalise_case_number(raw: &str) -> Option<String> {
    let n = raw.trim().to_uppercase();
    (!n.is_empty() && n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then_some(n)
}

impl CaseInput {
    pub fn validate(&self) -> Result<ValidCase, FieldErrors> {
        let mut e = FieldErrors::default();
        let case_number = normalise_case_number(&self.case_number);
        if case_number.is_none() {
            e.add(
                "case_number",
                "办件编号须为字母、数字和连字符（不超过 64 位）",
            );
        }
        let service_name = self.service_name.trim().to_string();
        if service_name.is_empty() {
            e.add("service_name", "事项名称必填");
        }
        if self.org_code.trim().is_empty() {
            e.add("org_code", "办理部门代码必填");
        }
        let status = match self.status.parse::<CaseStatus>() {
            Ok(s) => Some(s),
            Err(_) => {
                e.add(
                    "status",
                    format!("办理状态“{}”无法识别", self.status.trim()),
                );
                None
            }
        };
        let mut date = |field: &str, raw: &str, required: bool| -> Option<NaiveDate> {
            if raw.trim().is_empty() {
                if required {
                    e.add(field, "日期必填");
                }
                return None;
            }
            let d = parse_date(raw);
            if d.is_none() {
                e.add(field, format!("日期“{}”无法识别", raw.trim()));
            }
            d
        };
        let received_on = date("received_on", &self.received_on, true);
        let due_on = date("due_on", &self.due_on, false);
        let completed_on = date(
            "completed_on",
            &self.completed_on,
            status.is_some_and(|s| s.is_final()),
        );
        if let (Some(r), Some(c)) = (received_on, completed_on) {
            if c < r {
                e.add("completed_on", "办结日期早于受理日期");
            }
        }
        if let (Some(s), Some(_)) = (status, completed_on) {
            if !s.is_final() {
                e.add("completed_on", "未办结的办件不应有办结日期");
            }
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidCase {
            case_number: case_number.expect("checked"),
            service_name,
            org_code: self.org_code.trim().to_string(),
            status: status.expect("checked"),
            received_on: received_on.expect("checked"),
            due_on,
            completed_on,
        })
    }
}

/// Parses JSON lines (blank lines skipped): each with its 1-based line number and the input or
/// the reason it could not be read.
pub fn parse_lines(body: &str) -> Vec<(usize, Result<CaseInput, String>)> {
    body.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            (
                n + 1,
                serde_json::from_str::<CaseInput>(l).map_err(|e| format!("无法读取：{e}")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CaseInput {
        CaseInput {
            case_number: " sf-2026-000123 ".into(),
            service_name: "城乡居民基本养老保险参保登记".into(),
            org_code: "000014357".into(),
            status: "已办结".into(),
            received_on: "2026-03-02".into(),
            due_on: "2026-03-09".into(),
            completed_on: "2026-03-05".into(),
        }
    }

    #[test]
    fn valid_case_is_normalised() {
        let v = input().validate().unwrap();
        assert_eq!(v.case_number, "SF-2026-000123");
        assert_eq!(v.status, CaseStatus::Completed);
    }

    #[test]
    fn dates_and_status_must_agree() {
        let mut i = input();
        i.completed_on = String::new();
        assert!(i.validate().unwrap_err().get("completed_on").is_some());
        let mut i = input();
        i.status = "办理中".into();
        assert!(i.validate().unwrap_err().get("completed_on").is_some());
        let mut i = input();
        i.completed_on = "2026-03-01".into();
        assert!(i.validate().unwrap_err().get("completed_on").is_some());
        let mut i = input();
        i.received_on = "三月".into();
        i.status = "排队".into();
        i.case_number = "编号 1".into();
        let e = i.validate().unwrap_err();
        assert!(
            e.get("received_on").is_some()
                && e.get("status").is_some()
                && e.get("case_number").is_some()
        );
    }

    #[test]
    fn unreadable_lines_are_reported_with_their_number() {
        let body = "{\"case_number\":\"A-1\"}\n\nnot json\n{\"applicant\":\"张三\"}";
        let lines = parse_lines(body);
        assert_eq!(lines.len(), 3);
        assert!(lines[0].1.is_ok());
        assert_eq!(lines[1].0, 3);
        assert!(lines[1].1.is_err());
        // Personal data is refused outright, not silently stored.
        assert!(lines[2].1.as_ref().unwrap_err().contains("applicant"));
    }
}
