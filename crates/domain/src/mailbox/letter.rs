//! A letter's rules: what the writer must give, its states and the steps between them, the reply
//! deadline in working days with reminder and escalation (督办), and the redaction applied before
//! a Q&A is published.

use chrono::NaiveDate;
use once_cell::sync::Lazy;
use regex::Regex;
use serde::{Deserialize, Serialize};

use super::{CategoryPath, CategoryTree};
use crate::calendar::WorkingCalendar;
use crate::item::FieldErrors;
use crate::DomainError;

/// The reply deadline a site starts with: 15 working days from receipt.
pub const DEFAULT_REPLY_DAYS: u32 = 15;
/// Reminders go out this many working days before the deadline.
pub const DEFAULT_REMINDER_DAYS: u32 = 3;

vocabulary!(
    /// 办理状态 — where a letter stands.
    LetterStatus, "status" {
        Received => "received", "待转办";
        Routed => "routed", "办理中";
        Replied => "replied", "已答复";
        Declined => "declined", "不予受理";
    }
);

vocabulary!(
    /// 处理步骤 — what staff can do to a letter.
    LetterAction, "action" {
        Route => "route", "转办";
        Reply => "reply", "答复";
        Decline => "decline", "不予受理";
        Escalate => "escalate", "督办";
        Publish => "publish", "公开";
        Unpublish => "unpublish", "撤销公开";
    }
);

vocabulary!(
    /// 满意度 — the writer's rating of the reply.
    Satisfaction, "rating" {
        Satisfied => "satisfied", "满意";
        Basic => "basic", "基本满意";
        Unsatisfied => "unsatisfied", "不满意";
    }
);

impl Satisfaction {
    pub fn is_positive(self) -> bool {
        !matches!(self, Satisfaction::Unsatisfied)
    }
}

fn refuse(from: LetterStatus, action: LetterAction, reason: &str) -> DomainError {
    DomainError::Transition {
        from: from.label_zh().into(),
        to: action.label_zh().into(),
        reason: reason.into(),
    }
}

impl LetterStatus {
    /// Still waiting for an answer: the deadline applies.
    pub fn is_open(self) -> bool {
        matches!(self, LetterStatus::Received | LetterStatus::Routed)
    }

    /// The status after `action`, or why it is not allowed. `published` and `consent` matter for
    /// publication; `overdue` for escalation, which is for letters past their deadline only.
    pub fn apply(
        self,
        action: LetterAction,
        consent: bool,
        published: bool,
        overdue: bool,
    ) -> Result<LetterStatus, DomainError> {
        use LetterAction as A;
        use LetterStatus as S;
        match (self, action) {
            (S::Received | S::Routed, A::Route) => Ok(S::Routed),
            (S::Received | S::Routed, A::Reply) => Ok(S::Replied),
            (S::Received | S::Routed, A::Decline) => Ok(S::Declined),
            (S::Received | S::Routed, A::Escalate) if overdue => Ok(self),
            (S::Received | S::Routed, A::Escalate) => {
                Err(refuse(self, action, "督办用于已超过答复期限的留言"))
            }
            (S::Replied, A::Publish) if !consent => {
                Err(refuse(self, action, "写信人不同意公开，不能公开"))
            }
            (S::Replied, A::Publish) if published => Err(refuse(self, action, "已经公开")),
            (S::Replied, A::Publish) => Ok(self),
            (S::Replied, A::Unpublish) if published => Ok(self),
            (_, A::Publish | A::Unpublish) => {
                Err(refuse(self, action, "只有已答复的留言可以公开或撤销公开"))
            }
            _ => Err(refuse(self, action, "留言已办结")),
        }
    }
}

/// The reply deadline: `days` working days after the day of receipt (which is not counted).
pub fn reply_due(
    cal: &WorkingCalendar,
    received_on: NaiveDate,
    days: u32,
) -> Result<NaiveDate, DomainError> {
    Ok(cal.add_working_days(received_on, days)?.due)
}

/// Where an open letter stands against its deadline on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// More than the reminder period left.
    InTime,
    /// 催办: within `reminder_days` working days of the deadline (the deadline day included).
    ReminderDue { working_days_left: u32 },
    /// 督办: past the deadline.
    Overdue { working_days_late: u32 },
}

impl Timeliness {
    pub fn label(self) -> String {
        match self {
            Timeliness::InTime => "正常".into(),
            Timeliness::ReminderDue {
                working_days_left: 0,
            } => "今日到期".into(),
            Timeliness::ReminderDue { working_days_left } => {
                format!("{working_days_left} 个工作日后到期")
            }
            Timeliness::Overdue { working_days_late } => {
                format!("已超期 {working_days_late} 个工作日，应督办")
            }
        }
    }
}

pub fn timeliness(
    cal: &WorkingCalendar,
    due_on: NaiveDate,
    today: NaiveDate,
    reminder_days: u32,
) -> Result<Timeliness, DomainError> {
    if today > due_on {
        let late = cal.working_days_between(due_on, today)?;
        return Ok(Timeliness::Overdue {
            working_days_late: late.max(1),
        });
    }
    let left = cal.working_days_between(today, due_on)?;
    Ok(if left <= reminder_days {
        Timeliness::ReminderDue {
            working_days_left: left,
        }
    } else {
        Timeliness::InTime
    })
}

static PHONE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}-?\d{7,8}").unwrap()
});
static ID_NUMBER: Lazy<Regex> = Lazy::new(|| Regex::new(r"\d{17}[\dXx]|\d{15}").unwrap());
static EMAIL: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}").unwrap());

/// Removes personal data before publication: ID numbers, mobile and fixed phone numbers, e-mail
/// addresses, and the writer's own name wherever it appears.
pub fn redact(text: &str, writer_name: &str) -> String {
    let t = ID_NUMBER.replace_all(text, "[身份证号已隐去]");
    let t = PHONE.replace_all(&t, "[电话已隐去]");
    let t = EMAIL.replace_all(&t, "[邮箱已隐去]");
    let name = writer_name.trim();
    if name.chars().count() >= 2 {
        t.replace(name, "[姓名已隐去]")
    } else {
        t.into_owned()
    }
}

/// The form as typed: every field text, nothing checked. Exactly one of `leader_id` and `org_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LetterInput {
    /// 写信给某位领导
    pub leader_id: String,
    /// 写信给某个部门
    pub org_id: String,
    pub category: String,
    pub subject: String,
    pub body: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    /// "1" when the writer agrees to publication of the letter and its reply.
    pub publish: String,
}

/// A checked letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLetter {
    pub leader_id: Option<i64>,
    pub org_id: Option<i64>,
    pub category: CategoryPath,
    pub subject: String,
    pub body: String,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub publish_consent: bool,
}

impl LetterInput {
    /// Checks every field against the site's category tree; all problems at once, by field.
    pub fn validate(&self, tree: &CategoryTree) -> Result<NewLetter, FieldErrors> {
        let mut e = FieldErrors::default();
        let text = |e: &mut FieldErrors, field: &str, v: &str, min: usize, max: usize| {
            let v = v.trim();
            let n = v.chars().count();
            if n == 0 {
                e.add(field, "必填");
            } else if n < min {
                e.add(field, format!("至少 {min} 个字"));
            } else if n > max {
                e.add(field, format!("不能超过 {max} 个字（现为 {n} 个字）"));
            }
            v.to_string()
        };
        let id = |s: &str| s.trim().parse::<i64>().ok().filter(|n| *n > 0);
        let (leader_id, org_id) = (id(&self.leader_id), id(&self.org_id));
        match (self.leader_id.trim(), self.org_id.trim()) {
            ("", "") => e.add("recipient", "请选择写信对象（领导或部门）"),
            (l, o) if !l.is_empty() && !o.is_empty() => {
                e.add("recipient", "请只选择一位领导或一个部门")
            }
            _ if leader_id.is_none() && org_id.is_none() => {
                e.add("recipient", "写信对象不是可选的值")
            }
            _ => {}
        }
        let category = match self.category.trim() {
            "" => {
                e.add("category", "请选择留言分类");
                None
            }
            c => match CategoryPath::parse(c) {
                Ok(p) if tree.contains(&p) => Some(p),
                _ => {
                    e.add("category", "留言分类不是可选的值");
                    None
                }
            },
        };
        let subject = text(&mut e, "subject", &self.subject, 4, 100);
        let body = text(&mut e, "body", &self.body, 10, 5000);
        let name = text(&mut e, "name", &self.name, 1, 50);
        let phone: String = self.phone.chars().filter(|c| !c.is_whitespace()).collect();
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
            && (email.chars().count() > 100 || !EMAIL.is_match(email) || email.contains(' '))
        {
            e.add("email", "电子邮箱格式不正确");
        }
        let publish_consent = match self.publish.trim() {
            "1" | "on" | "true" | "yes" => true,
            "" | "0" | "false" | "no" => false,
            _ => {
                e.add("publish", "是否同意公开不是可选的值");
                false
            }
        };
        match (category, e.is_empty()) {
            (Some(category), true) => Ok(NewLetter {
                leader_id: if self.leader_id.trim().is_empty() {
                    None
                } else {
                    leader_id
                },
                org_id: if self.org_id.trim().is_empty() {
                    None
                } else {
                    org_id
                },
                category,
                subject,
                body,
                name,
                phone,
                email: (!email.is_empty()).then(|| email.to_string()),
                publish_consent,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn tree() -> CategoryTree {
        CategoryTree::from_jsonl(
            r#"{"l1": "城乡建设", "l2": "城市建设和市政管理", "l3": "燃气供应"}"#,
        )
        .unwrap()
    }

    fn input() -> LetterInput {
        LetterInput {
            leader_id: "3".into(),
            category: "城乡建设/城市建设和市政管理/燃气供应".into(),
            subject: "小区燃气供应不足".into(),
            body: "入冬以来我们小区天然气压力不足，做饭困难。".into(),
            name: "李四".into(),
            phone: "139 0000 1111".into(),
            publish: "1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn deadline_is_fifteen_working_days_over_the_national_day() {
        let cal = WorkingCalendar::builtin();
        // Fri 2024-09-27: Sun 09-29 worked (day 1), 10-01..07 off, Sat 10-12 worked.
        assert_eq!(
            reply_due(&cal, d("2024-09-27"), 15).unwrap(),
            d("2024-10-23")
        );
        assert_eq!(
            reply_due(&cal, d("2024-11-25"), DEFAULT_REPLY_DAYS).unwrap(),
            d("2024-12-16")
        );
        assert_eq!(
            reply_due(&cal, d("2024-11-25"), 5).unwrap(),
            d("2024-12-02")
        );
        assert!(matches!(
            reply_due(&cal, d("2031-01-02"), 15),
            Err(DomainError::CalendarMissingYear { .. })
        ));
    }

    #[test]
    fn reminder_then_escalation() {
        let cal = WorkingCalendar::builtin();
        let due = d("2024-12-16"); // a Monday
        assert_eq!(
            timeliness(&cal, due, d("2024-12-06"), 3).unwrap(),
            Timeliness::InTime
        );
        // Wed 12-11 → Mon 12-16: 12, 13, 16 = 3 working days left.
        assert_eq!(
            timeliness(&cal, due, d("2024-12-11"), 3).unwrap(),
            Timeliness::ReminderDue {
                working_days_left: 3
            }
        );
        assert_eq!(
            timeliness(&cal, due, due, 3).unwrap(),
            Timeliness::ReminderDue {
                working_days_left: 0
            }
        );
        assert_eq!(
            timeliness(&cal, due, d("2024-12-18"), 3).unwrap(),
            Timeliness::Overdue {
                working_days_late: 2
            }
        );
        // A weekend day after the deadline is already late.
        assert_eq!(
            timeliness(&cal, d("2024-12-13"), d("2024-12-14"), 3).unwrap(),
            Timeliness::Overdue {
                working_days_late: 1
            }
        );
    }

    #[test]
    fn escalation_only_when_overdue_and_open() {
        use LetterAction as A;
        use LetterStatus as S;
        assert_eq!(
            S::Routed.apply(A::Escalate, true, false, true).unwrap(),
            S::Routed
        );
        let e = S::Routed
            .apply(A::Escalate, true, false, false)
            .unwrap_err();
        assert!(e.to_string().contains("超过答复期限"), "{e}");
        assert!(S::Replied.apply(A::Escalate, true, false, true).is_err());
        assert_eq!(
            S::Received.apply(A::Route, true, false, false).unwrap(),
            S::Routed
        );
        assert_eq!(
            S::Routed.apply(A::Route, true, false, false).unwrap(),
            S::Routed
        );
        assert_eq!(
            S::Routed.apply(A::Reply, true, false, false).unwrap(),
            S::Replied
        );
        assert!(S::Replied.apply(A::Reply, true, false, false).is_err());
        assert!(S::Declined.apply(A::Route, true, false, false).is_err());
    }

    #[test]
    fn publication_needs_a_reply_and_consent() {
        use LetterAction as A;
        use LetterStatus as S;
        assert!(S::Replied.apply(A::Publish, true, false, false).is_ok());
        assert!(S::Replied.apply(A::Publish, false, false, false).is_err());
        assert!(S::Replied.apply(A::Publish, true, true, false).is_err());
        assert!(S::Routed.apply(A::Publish, true, false, false).is_err());
        assert!(S::Replied.apply(A::Unpublish, true, true, false).is_ok());
        assert!(S::Replied.apply(A::Unpublish, true, false, false).is_err());
    }

    #[test]
    fn redaction_removes_personal_data() {
        let t = redact(
            "我是王小明，电话 13912345678，座机0731-84561234，身份证 430102199001011234，邮箱 wxm@example.com。王小明敬上",
            "王小明",
        );
        for gone in [
            "王小明",
            "13912345678",
            "84561234",
            "430102199001011234",
            "wxm@example.com",
        ] {
            assert!(!t.contains(gone), "{gone} left in {t}");
        }
        assert!(t.contains("[电话已隐去]") && t.contains("[身份证号已隐去]"));
        // A one-character name would wipe ordinary words: not replaced.
        assert_eq!(redact("王先生好", "王"), "王先生好");
    }

    #[test]
    fn a_good_letter_validates() {
        let l = input().validate(&tree()).unwrap();
        assert_eq!(l.leader_id, Some(3));
        assert_eq!(l.org_id, None);
        assert_eq!(l.phone, "13900001111");
        assert!(l.publish_consent);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = LetterInput {
            leader_id: "3".into(),
            org_id: "4".into(),
            category: "教育文体".into(),
            subject: "短".into(),
            body: "".into(),
            name: "".into(),
            phone: "abc".into(),
            email: "not-mail".into(),
            publish: "maybe".into(),
        };
        let e = bad.validate(&tree()).unwrap_err();
        for f in [
            "recipient",
            "category",
            "subject",
            "body",
            "name",
            "phone",
            "email",
            "publish",
        ] {
            assert!(e.get(f).is_some(), "no error for {f}: {e}");
        }
        let none = LetterInput {
            leader_id: String::new(),
            ..input()
        };
        assert_eq!(
            none.validate(&tree()).unwrap_err().get("recipient"),
            Some("请选择写信对象（领导或部门）")
        );
        let junk = LetterInput {
            leader_id: "x".into(),
            ..input()
        };
        assert!(junk
            .validate(&tree())
            .unwrap_err()
            .get("recipient")
            .is_some());
    }
}
