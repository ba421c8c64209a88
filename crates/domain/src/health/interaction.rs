//! 互动交流 — what the national check asks of a site's interaction channels: letters answered
//! within their deadline, no valid letter (有效留言) left unanswered for over three months in the
//! past year (a single-veto item), replies in the last two months, and results published after a
//! survey (征集调查) or a consultation (意见征集) closes.

use chrono::{Months, NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::score::{Finding, FindingKind};
use crate::calendar::WorkingCalendar;
use crate::mailbox::{timeliness, LetterStatus, Timeliness};

/// A valid letter unanswered for longer than this fails the site.
pub const UNANSWERED_MONTHS: u32 = 3;
/// The check looks back this far for late answers.
pub const LOOKBACK_MONTHS: u32 = 12;
/// 近两个月无留言回复 (−3).
pub const NO_REPLY_MONTHS: u32 = 2;

/// What storage knows about one letter.
#[derive(Debug, Clone, Serialize)]
pub struct LetterFacts {
    pub id: i64,
    /// The organisation answering it.
    pub org_id: i64,
    pub tracking_code: String,
    pub subject: String,
    pub status: LetterStatus,
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub replied_on: Option<NaiveDate>,
}

fn months_before(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(months)).unwrap_or(day)
}

impl LetterFacts {
    /// A declined letter (不予受理: abusive, duplicate, not a matter for this government) is not a
    /// valid message for the check.
    pub fn valid(&self) -> bool {
        self.status != LetterStatus::Declined
    }

    fn three_months_after_receipt(&self) -> NaiveDate {
        self.received_on
            .checked_add_months(Months::new(UNANSWERED_MONTHS))
            .unwrap_or(self.received_on)
    }

    /// Over three months without an answer on `today`, or answered within the past year but only
    /// after three months: an inspector looking back a year sees both, so a late answer keeps
    /// counting until it is a year old.
    pub fn unanswered_three_months(&self, today: NaiveDate) -> bool {
        if !self.valid() {
            return false;
        }
        let limit = self.three_months_after_receipt();
        match (self.status.is_open(), self.replied_on) {
            (true, _) => limit < today,
            (false, Some(on)) => on > limit && on > months_before(today, LOOKBACK_MONTHS),
            (false, None) => false,
        }
    }

    /// Open and past its reply deadline (working days, as the mailbox counts them).
    pub fn overdue(&self, cal: &WorkingCalendar, today: NaiveDate) -> bool {
        self.status.is_open()
            && self.due_on.is_some_and(|due| {
                matches!(
                    timeliness(cal, due, today, 0),
                    Ok(Timeliness::Overdue { .. })
                )
            })
    }

    /// The finding for this letter on `today`, if any. A letter over three months is reported as
    /// that (the single-veto item), not also as merely overdue.
    pub fn finding(&self, cal: &WorkingCalendar, today: NaiveDate) -> Option<Finding> {
        let (kind, evidence) = if self.unanswered_three_months(today) {
            let evidence = match self.replied_on.filter(|_| !self.status.is_open()) {
                Some(on) => format!(
                    "{} 收到，{on} 才答复（{} 天，超过三个月；一年内仍计入）",
                    self.received_on,
                    (on - self.received_on).num_days()
                ),
                None => format!(
                    "{} 收到，至今 {} 天未答复（超过三个月）",
                    self.received_on,
                    (today - self.received_on).num_days()
                ),
            };
            (FindingKind::LetterUnanswered, evidence)
        } else if self.overdue(cal, today) {
            let due = self.due_on.map(|d| d.to_string()).unwrap_or_default();
            (
                FindingKind::LetterOverdue,
                format!("{} 收到，应于 {due} 前答复，至今未办结", self.received_on),
            )
        } else {
            return None;
        };
        Some(Finding {
            kind,
            subject: format!("letter:{}", self.id),
            title: format!("留言 {}：{}", self.tracking_code, self.subject),
            evidence,
            url: Some(format!("/admin/letters/{}", self.id)),
        })
    }
}

/// Every letter finding, as (answering organisation, finding): one per late letter, and one per
/// organisation with no reply in the last two months (近两个月无留言回复) while a letter waits that
/// could have been answered by now (overdue, or received before those two months). A quiet
/// mailbox, or one whose only letters arrived last week, is not blamed.
pub fn letter_findings(
    letters: &[LetterFacts],
    cal: &WorkingCalendar,
    today: NaiveDate,
) -> Vec<(i64, Finding)> {
    let mut out: Vec<(i64, Finding)> = letters
        .iter()
        .filter_map(|l| l.finding(cal, today).map(|f| (l.org_id, f)))
        .collect();
    let window = months_before(today, NO_REPLY_MONTHS);
    let mut orgs: Vec<i64> = letters.iter().map(|l| l.org_id).collect();
    orgs.sort_unstable();
    orgs.dedup();
    for org in orgs {
        let mine = || letters.iter().filter(move |l| l.org_id == org && l.valid());
        let waiting = mine()
            .filter(|l| l.status.is_open())
            .filter(|l| l.received_on <= window || l.overdue(cal, today))
            .count();
        let replied = mine()
            .filter(|l| l.status == LetterStatus::Replied)
            .filter_map(|l| l.replied_on)
            .max();
        if waiting > 0 && replied.is_none_or(|on| on <= window) {
            out.push((
                org,
                Finding {
                    kind: FindingKind::NoRecentReplies,
                    subject: format!("org:{org}"),
                    title: "领导信箱".into(),
                    evidence: format!(
                        "{window} 以来没有答复任何留言，{waiting} 件留言超期或久未答复；{}",
                        match replied {
                            Some(on) => format!("最近一次答复在 {on}"),
                            None => "从未答复".into(),
                        }
                    ),
                    url: Some("/admin/letters".into()),
                },
            ));
        }
    }
    out
}

/// A survey or consultation as the check sees it. Times are China time, as staff typed them.
#[derive(Debug, Clone, Serialize)]
pub struct ClosedFacts {
    pub id: i64,
    pub org_id: i64,
    pub title: String,
    pub closes_at: NaiveDateTime,
    /// Public now (published and not withdrawn).
    pub public: bool,
    /// Responses or comments received.
    pub received: i64,
    /// Its results are public: a survey's tallies while it is public, a consultation's feedback
    /// report (采纳情况) once published.
    pub results_published: bool,
}

/// 征集调查结束未公布结果 / 意见征集结束未公布采纳情况: closed, and either still public without its
/// results, or withdrawn after people took part (their answers got no public result).
pub fn closed_without_results(
    kind: FindingKind,
    c: &ClosedFacts,
    now_china: NaiveDateTime,
) -> Option<Finding> {
    if now_china < c.closes_at || c.results_published || !(c.public || c.received > 0) {
        return None;
    }
    let (what, admin) = match kind {
        FindingKind::ConsultationNoReport => ("意见征集", "consultations"),
        _ => ("征集调查", "surveys"),
    };
    Some(Finding {
        kind,
        subject: format!("{admin}:{}", c.id),
        title: format!("{what}：{}", c.title),
        evidence: format!(
            "{} 结束，收到 {} 份{}，{}",
            c.closes_at.format("%Y-%m-%d %H:%M"),
            c.received,
            if kind == FindingKind::ConsultationNoReport {
                "意见"
            } else {
                "答卷"
            },
            match (c.public, kind) {
                (true, FindingKind::ConsultationNoReport) => "至今未公布采纳情况",
                (true, _) => "至今未公布结果",
                (false, _) => "已撤下，结果未公开",
            }
        ),
        url: Some(format!("/admin/{admin}/{}", c.id)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn letter(id: i64, received: &str, status: LetterStatus, replied: Option<&str>) -> LetterFacts {
        let cal = WorkingCalendar::builtin();
        LetterFacts {
            id,
            org_id: 1,
            tracking_code: format!("L{id}"),
            subject: "燃气".into(),
            status,
            received_on: d(received),
            due_on: Some(cal.add_working_days(d(received), 15).unwrap().due),
            replied_on: replied.map(d),
        }
    }

    #[test]
    fn open_letters_go_overdue_then_fail_at_three_months() {
        let cal = WorkingCalendar::builtin();
        let l = letter(1, "2026-03-02", LetterStatus::Routed, None);
        assert!(l.finding(&cal, d("2026-03-10")).is_none());
        let f = l.finding(&cal, d("2026-04-20")).unwrap();
        assert_eq!(f.kind, FindingKind::LetterOverdue);
        assert!(
            !l.unanswered_three_months(d("2026-06-02")),
            "exactly three months"
        );
        let f = l.finding(&cal, d("2026-06-03")).unwrap();
        assert_eq!(f.kind, FindingKind::LetterUnanswered);
        assert!(f.evidence.contains("2026-03-02") && f.evidence.contains("93 天"));
    }

    #[test]
    fn declined_and_timely_letters_are_not_found_late_answers_count_for_a_year() {
        let cal = WorkingCalendar::builtin();
        let declined = letter(1, "2025-01-02", LetterStatus::Declined, None);
        assert!(declined.finding(&cal, d("2026-06-01")).is_none());
        let timely = letter(2, "2026-01-05", LetterStatus::Replied, Some("2026-01-20"));
        assert!(timely.finding(&cal, d("2026-06-01")).is_none());
        let late = letter(3, "2026-01-05", LetterStatus::Replied, Some("2026-05-20"));
        let f = late.finding(&cal, d("2026-06-01")).unwrap();
        assert_eq!(f.kind, FindingKind::LetterUnanswered);
        assert!(f.evidence.contains("2026-05-20"), "{}", f.evidence);
        assert!(late.finding(&cal, d("2027-05-21")).is_none(), "a year on");
    }

    #[test]
    fn no_recent_replies_only_when_there_was_something_to_answer() {
        let cal = WorkingCalendar::builtin();
        let today = d("2026-11-24");
        let kinds = |ls: &[LetterFacts]| -> Vec<FindingKind> {
            letter_findings(ls, &cal, today)
                .into_iter()
                .map(|(_, f)| f.kind)
                .collect()
        };
        // Answered long ago, nothing new: nothing to blame.
        let old = letter(1, "2026-03-02", LetterStatus::Replied, Some("2026-03-10"));
        assert!(kinds(std::slice::from_ref(&old)).is_empty());
        // A letter of last week, still in time: nothing yet.
        let new = letter(2, "2026-11-20", LetterStatus::Received, None);
        assert!(kinds(&[old.clone(), new.clone()]).is_empty());
        // An overdue letter and no reply since September: the letter, and −3 for the mailbox.
        let late = letter(3, "2026-10-20", LetterStatus::Routed, None);
        assert_eq!(
            kinds(&[old.clone(), new.clone(), late.clone()]),
            [FindingKind::LetterOverdue, FindingKind::NoRecentReplies]
        );
        let answered = letter(4, "2026-11-02", LetterStatus::Replied, Some("2026-11-10"));
        assert_eq!(
            kinds(&[old, new, late, answered]),
            [FindingKind::LetterOverdue]
        );
    }

    #[test]
    fn closed_without_results() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let c = ClosedFacts {
            id: 4,
            org_id: 1,
            title: "公交线路意见".into(),
            closes_at: at("2026-11-20 18:00"),
            public: true,
            received: 3,
            results_published: false,
        };
        let k = FindingKind::ConsultationNoReport;
        assert!(super::closed_without_results(k, &c, at("2026-11-20 17:59")).is_none());
        let f = super::closed_without_results(k, &c, at("2026-11-21 09:00")).unwrap();
        assert_eq!(f.subject, "consultations:4");
        let done = ClosedFacts {
            results_published: true,
            ..c.clone()
        };
        assert!(super::closed_without_results(k, &done, at("2026-11-21 09:00")).is_none());
        // Withdrawn before anyone took part: cancelled, not a missing result.
        let cancelled = ClosedFacts {
            public: false,
            received: 0,
            ..c
        };
        assert!(super::closed_without_results(k, &cancelled, at("2026-11-21 09:00")).is_none());
    }
}
