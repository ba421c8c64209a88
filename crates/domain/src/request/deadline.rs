//! 答复期限 — the reply deadline of one request, computed from its events (Arts. 30-34).
//!
//! A [`DeadlinePlan`] holds only facts (when the request arrived, when a correction was asked for,
//! who was consulted when, who approved an extension); [`DeadlinePlan::compute`] applies the rules
//! to them over a [`WorkingCalendar`]. Nothing is stored that the rules derive, so when a holiday
//! notice changes or an event is corrected, recomputing is calling `compute` again.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::channel::{ReceiptChannel, ReceiptFacts};
use crate::calendar::{Deadline, Exclusion, WorkingCalendar};
use crate::error::DomainError;

/// Art. 33(2): the reply is due within 20 working days of receipt.
pub const REPLY_DAYS: u32 = 20;
/// Art. 33(2): an extension adds at most 20 working days in all.
pub const MAX_EXTENSION_DAYS: u32 = 20;
/// Art. 30: a correction must be asked for within 7 working days of receipt.
pub const CORRECTION_REQUEST_DAYS: u32 = 7;
/// Arts. 32 and 34: a consulted party answers within 15 working days.
pub const CONSULTATION_DAYS: u32 = 15;

/// 征求意见对象 — whom the agency consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consultee {
    /// 第三方 (Art. 32): silence after 15 working days leaves the decision to the agency.
    ThirdParty,
    /// 其他机关 (Arts. 33(3), 34): for jointly made information silence counts as consent.
    OtherAgency,
}

impl Consultee {
    pub fn label(self) -> &'static str {
        match self {
            Consultee::ThirdParty => "第三方",
            Consultee::OtherAgency => "其他机关",
        }
    }

    pub fn article(self) -> &'static str {
        match self {
            Consultee::ThirdParty => "Art. 32",
            Consultee::OtherAgency => "Art. 34",
        }
    }
}

/// One fact in a request's life that moves its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CaseEvent {
    /// 当场答复 (Art. 33(1)): answered at the counter, so due the day of receipt.
    AnsweredOnTheSpot,
    /// 补正告知 (Art. 30): the applicant is told once what to correct, and by when.
    CorrectionRequested {
        on: NaiveDate,
        correct_by: NaiveDate,
    },
    /// The corrected application arrives; the 20 days start again from this day. After the
    /// period set, only a recorded good reason (正当理由) keeps the request alive.
    CorrectionReceived {
        on: NaiveDate,
        late_reason: Option<String>,
    },
    /// 征求意见: a letter served on `sent`; `answered` is the day the opinion came back, if yet.
    Consultation {
        consultee: Consultee,
        name: String,
        sent: NaiveDate,
        answered: Option<NaiveDate>,
    },
    /// 延长答复期限 (Art. 33(2)), approved by the head of the disclosure office.
    Extended {
        on: NaiveDate,
        days: u32,
        approver: String,
    },
}

impl CaseEvent {
    fn date(&self) -> Option<NaiveDate> {
        match self {
            CaseEvent::AnsweredOnTheSpot => None,
            CaseEvent::CorrectionRequested { on, .. }
            | CaseEvent::CorrectionReceived { on, .. }
            | CaseEvent::Extended { on, .. } => Some(*on),
            CaseEvent::Consultation { sent, .. } => Some(*sent),
        }
    }
}

/// The facts of one request that bear on its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlinePlan {
    /// 收到申请之日 (Art. 31), see [`ReceiptFacts::received_on`].
    pub received: NaiveDate,
    pub channel: ReceiptChannel,
    pub events: Vec<CaseEvent>,
}

/// Whether the reply clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ClockStatus {
    /// Due on the computed date.
    Running,
    /// Answered on the spot: due the day of receipt.
    OnTheSpot,
    /// Stopped until the corrected application arrives (or the request lapses).
    AwaitingCorrection { correct_by: NaiveDate },
}

/// What one event did to the deadline, in words a person can check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    Received {
        date: NaiveDate,
        channel: ReceiptChannel,
    },
    OnTheSpot {
        date: NaiveDate,
    },
    CorrectionRequested {
        on: NaiveDate,
        working_day: u32,
        correct_by: NaiveDate,
    },
    CorrectionReceived {
        on: NaiveDate,
        late_reason: Option<String>,
    },
    AwaitingCorrection {
        correct_by: NaiveDate,
    },
    Consultation {
        consultee: Consultee,
        name: String,
        sent: NaiveDate,
        answered: Option<NaiveDate>,
        /// The consulted party's own 15-working-day limit.
        limit: NaiveDate,
        /// Working days after `sent` up to the opinion (or the limit) that do not count.
        days_not_counted: u32,
    },
    Extended {
        on: NaiveDate,
        days: u32,
        approver: String,
        total: u32,
    },
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::Received { date, channel } => write!(
                f,
                "application received {} {date} via {} ({}); reply due within {REPLY_DAYS} working days (Art. 33)",
                date.weekday(),
                channel.label(),
                channel.article()
            ),
            Effect::OnTheSpot { date } => {
                write!(f, "answered on the spot 当场答复 (Art. 33(1)): due the same day, {date}")
            }
            Effect::CorrectionRequested { on, working_day, correct_by } => write!(
                f,
                "correction requested 补正告知 {on} (working day {working_day} of the {CORRECTION_REQUEST_DAYS} allowed, \
                 Art. 30); applicant to correct by {correct_by}"
            ),
            Effect::CorrectionReceived { on, late_reason } => {
                write!(f, "corrected application received {on}: the {REPLY_DAYS} working days restart from that day (Art. 30)")?;
                if let Some(reason) = late_reason {
                    write!(f, "; late, accepted for good reason: {reason}")?;
                }
                Ok(())
            }
            Effect::AwaitingCorrection { correct_by } => write!(
                f,
                "awaiting the correction (due by {correct_by}): no reply deadline runs; without a correction in time \
                 and without good reason the request is not processed further (Art. 30)"
            ),
            Effect::Consultation { consultee, name, sent, answered, limit, days_not_counted } => {
                write!(
                    f,
                    "consulted {} {name} on {sent} (answer within {CONSULTATION_DAYS} working days, by {limit}, {}); ",
                    consultee.label(),
                    consultee.article()
                )?;
                match answered {
                    Some(a) if a > limit => write!(f, "opinion received {a}, after the limit; counted as if it ended on {limit}")?,
                    Some(a) => write!(f, "opinion received {a}")?,
                    None => write!(f, "no opinion yet, provisionally paused until the limit")?,
                }
                write!(f, ": {days_not_counted} working days not counted (Art. 33(3))")
            }
            Effect::Extended { on, days, approver, total } => write!(
                f,
                "extended by {days} working days on {on}, approved by {approver} (Art. 33(2)); \
                 {total} of {MAX_EXTENSION_DAYS} used"
            ),
        }
    }
}

/// The computed deadline of a request with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub received: NaiveDate,
    pub status: ClockStatus,
    /// `None` while the clock waits for a correction.
    pub due: Option<NaiveDate>,
    /// True while a consultation is open: the due date assumes it runs to its 15-day limit and
    /// moves earlier when the opinion arrives sooner.
    pub provisional: bool,
    pub effects: Vec<Effect>,
    /// The working-day count behind `due`, from the day the clock (re)started.
    pub count: Option<Deadline>,
}

impl Schedule {
    /// 按时答复 — whether a reply given on `answered` meets the deadline. With the clock stopped
    /// for a correction no deadline runs, so any reply is on time.
    pub fn is_on_time(&self, answered: NaiveDate) -> bool {
        match self.due {
            Some(due) => answered <= due,
            None => true,
        }
    }

    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self.effects.iter().map(ToString::to_string).collect();
        if let Some(count) = &self.count {
            let mut lines = count.lines();
            // The count's first line reads "received …"; after a correction it is the corrected
            // application's day, which must not be mistaken for the original receipt.
            if count.start != self.received {
                if let Some(first) = lines.first_mut() {
                    *first = format!("corrected application {first}");
                }
            }
            out.extend(lines);
        }
        if self.provisional {
            out.push("provisional: recompute when the opinion arrives".to_string());
        }
        out
    }
}

/// `{}` joins the lines with "; ", `{:#}` puts one on each line.
impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = if f.alternate() { "\n" } else { "; " };
        write!(f, "{}", self.lines().join(sep))
    }
}

fn refuse(event: &str, reason: String) -> DomainError {
    DomainError::InvalidField {
        field: "deadline_event",
        reason: format!("{event}: {reason}"),
    }
}

impl DeadlinePlan {
    pub fn new(received: NaiveDate, channel: ReceiptChannel) -> Self {
        DeadlinePlan {
            received,
            channel,
            events: Vec::new(),
        }
    }

    /// Starts from the facts of arrival; fails while the deciding fact (signature, confirmation) is missing.
    pub fn from_receipt(receipt: &ReceiptFacts) -> Result<Self, DomainError> {
        Ok(Self::new(receipt.received_on()?, receipt.channel))
    }

    pub fn with(mut self, event: CaseEvent) -> Self {
        self.events.push(event);
        self
    }

    pub fn answered_on_the_spot(self) -> Self {
        self.with(CaseEvent::AnsweredOnTheSpot)
    }

    pub fn correction_requested(self, on: NaiveDate, correct_by: NaiveDate) -> Self {
        self.with(CaseEvent::CorrectionRequested { on, correct_by })
    }

    pub fn correction_received(self, on: NaiveDate) -> Self {
        self.with(CaseEvent::CorrectionReceived {
            on,
            late_reason: None,
        })
    }

    pub fn consultation(
        self,
        consultee: Consultee,
        name: &str,
        sent: NaiveDate,
        answered: Option<NaiveDate>,
    ) -> Self {
        self.with(CaseEvent::Consultation {
            consultee,
            name: name.to_string(),
            sent,
            answered,
        })
    }

    pub fn extended(self, on: NaiveDate, days: u32, approver: &str) -> Self {
        self.with(CaseEvent::Extended {
            on,
            days,
            approver: approver.to_string(),
        })
    }

    /// Applies the rules to the events in date order (same-day events in the order given) and
    /// refuses the first event the rules forbid, with the reason.
    pub fn compute(&self, cal: &WorkingCalendar) -> Result<Schedule, DomainError> {
        let received = self.received;
        let mut effects = vec![Effect::Received {
            date: received,
            channel: self.channel,
        }];

        if self.events.contains(&CaseEvent::AnsweredOnTheSpot) {
            if !self.channel.allows_answer_on_the_spot() {
                return Err(refuse(
                    "answer on the spot",
                    format!("only an applicant at the counter can be answered on the spot, not one using {}", self.channel.label()),
                ));
            }
            if self.events.len() > 1 {
                return Err(refuse(
                    "answer on the spot",
                    "it ends the request the day it arrives; no other deadline event can follow"
                        .into(),
                ));
            }
            cal.day_info(received)?;
            effects.push(Effect::OnTheSpot { date: received });
            return Ok(Schedule {
                received,
                status: ClockStatus::OnTheSpot,
                due: Some(received),
                provisional: false,
                effects,
                count: None,
            });
        }

        let mut events: Vec<&CaseEvent> = self.events.iter().collect();
        events.sort_by_key(|e| e.date());

        let mut clock_start = received;
        let mut pending_correction: Option<NaiveDate> = None;
        let mut correction_asked = false;
        let mut handled = false; // a consultation or extension has happened
        let mut extension = 0u32;
        let mut exclusions: Vec<Exclusion> = Vec::new();
        let mut provisional = false;

        let due_now =
            |start: NaiveDate, ext: u32, ex: &[Exclusion]| -> Result<NaiveDate, DomainError> {
                Ok(cal
                    .add_working_days_excluding(start, REPLY_DAYS + ext, ex)?
                    .due)
            };

        for event in events {
            if let Some(date) = event.date() {
                if date < received {
                    return Err(refuse(
                        "event",
                        format!("{date} is before the application was received ({received})"),
                    ));
                }
            }
            match event {
                CaseEvent::AnsweredOnTheSpot => unreachable!("handled above"),
                CaseEvent::CorrectionRequested { on, correct_by } => {
                    let what = "correction request";
                    if correction_asked {
                        return Err(refuse(what, "a correction is asked for once, listing everything at once (一次性告知, Art. 30)".into()));
                    }
                    if handled {
                        return Err(refuse(what, "it must precede any consultation or extension: the application is incomplete until corrected".into()));
                    }
                    let day = cal.working_days_between(received, *on)?;
                    if day > CORRECTION_REQUEST_DAYS {
                        let last = cal.add_working_days(received, CORRECTION_REQUEST_DAYS)?.due;
                        return Err(refuse(
                            what,
                            format!(
                                "asked on {on}, working day {day} after receipt; Art. 30 allows {CORRECTION_REQUEST_DAYS} \
                                 (last day {last}), so the request must be answered as it stands"
                            ),
                        ));
                    }
                    if correct_by <= on {
                        return Err(refuse(what, format!("the period to correct must end after the request ({correct_by} is not after {on})")));
                    }
                    correction_asked = true;
                    pending_correction = Some(*correct_by);
                    effects.push(Effect::CorrectionRequested {
                        on: *on,
                        working_day: day,
                        correct_by: *correct_by,
                    });
                }
                CaseEvent::CorrectionReceived { on, late_reason } => {
                    let what = "corrected application";
                    let Some(correct_by) = pending_correction else {
                        return Err(refuse(what, "no correction was requested".into()));
                    };
                    let reason = late_reason
                        .as_deref()
                        .map(str::trim)
                        .filter(|r| !r.is_empty());
                    if *on > correct_by && reason.is_none() {
                        return Err(refuse(
                            what,
                            format!(
                                "received {on}, after the period set ({correct_by}), with no good reason recorded: the \
                                 request is not processed further (Art. 30; report row （六）1)"
                            ),
                        ));
                    }
                    pending_correction = None;
                    clock_start = *on;
                    effects.push(Effect::CorrectionReceived {
                        on: *on,
                        late_reason: if *on > correct_by {
                            reason.map(str::to_string)
                        } else {
                            None
                        },
                    });
                }
                CaseEvent::Consultation {
                    consultee,
                    name,
                    sent,
                    answered,
                } => {
                    let what = "consultation";
                    if pending_correction.is_some() {
                        return Err(refuse(
                            what,
                            "the reply clock is stopped awaiting the correction".into(),
                        ));
                    }
                    if *sent < clock_start {
                        return Err(refuse(what, format!("sent {sent}, before the corrected application restarted the clock ({clock_start})")));
                    }
                    let due = due_now(clock_start, extension, &exclusions)?;
                    if *sent > due {
                        return Err(refuse(
                            what,
                            format!("sent {sent}, after the reply deadline ({due}) had passed"),
                        ));
                    }
                    if answered.is_some_and(|a| a < *sent) {
                        return Err(refuse(
                            what,
                            format!("the opinion cannot precede the letter ({sent})"),
                        ));
                    }
                    let limit = cal.add_working_days(*sent, CONSULTATION_DAYS)?.due;
                    // The statute gives the consulted party 15 working days; time beyond that is the
                    // agency's own, so it counts again.
                    let end = match answered {
                        Some(a) => (*a).min(limit),
                        None => {
                            provisional = true;
                            limit
                        }
                    };
                    let days_not_counted = cal.working_days_between(*sent, end)?;
                    if let Some(from) = sent.succ_opt().filter(|from| *from <= end) {
                        exclusions.push(Exclusion {
                            from,
                            to: end,
                            reason: format!("consulting {} {name}", consultee.label()),
                        });
                    }
                    handled = true;
                    effects.push(Effect::Consultation {
                        consultee: *consultee,
                        name: name.clone(),
                        sent: *sent,
                        answered: *answered,
                        limit,
                        days_not_counted,
                    });
                }
                CaseEvent::Extended { on, days, approver } => {
                    let what = "extension";
                    if pending_correction.is_some() {
                        return Err(refuse(
                            what,
                            "the reply clock is stopped awaiting the correction".into(),
                        ));
                    }
                    if approver.trim().is_empty() {
                        return Err(refuse(what, "needs the approval of the head of the disclosure office (Art. 33(2)); name the approver".into()));
                    }
                    if *days == 0 {
                        return Err(refuse(
                            what,
                            "an extension of 0 working days is no extension".into(),
                        ));
                    }
                    if extension + days > MAX_EXTENSION_DAYS {
                        return Err(refuse(
                            what,
                            format!(
                                "at most {MAX_EXTENSION_DAYS} working days in total (Art. 33(2)); {extension} already granted, \
                                 {days} more asked"
                            ),
                        ));
                    }
                    if *on < clock_start {
                        return Err(refuse(
                            what,
                            format!("decided {on}, before the clock restarted ({clock_start})"),
                        ));
                    }
                    let due = due_now(clock_start, extension, &exclusions)?;
                    if *on > due {
                        return Err(refuse(
                            what,
                            format!("decided {on}, after the reply deadline ({due}) had passed"),
                        ));
                    }
                    extension += days;
                    handled = true;
                    effects.push(Effect::Extended {
                        on: *on,
                        days: *days,
                        approver: approver.trim().to_string(),
                        total: extension,
                    });
                }
            }
        }

        if let Some(correct_by) = pending_correction {
            effects.push(Effect::AwaitingCorrection { correct_by });
            return Ok(Schedule {
                received,
                status: ClockStatus::AwaitingCorrection { correct_by },
                due: None,
                provisional: false,
                effects,
                count: None,
            });
        }
        let count =
            cal.add_working_days_excluding(clock_start, REPLY_DAYS + extension, &exclusions)?;
        Ok(Schedule {
            received,
            status: ClockStatus::Running,
            due: Some(count.due),
            provisional,
            effects,
            count: Some(count),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> WorkingCalendar {
        WorkingCalendar::builtin()
    }

    fn plan(received: &str) -> DeadlinePlan {
        DeadlinePlan::new(d(received), ReceiptChannel::InPerson)
    }

    fn refused(result: Result<Schedule, DomainError>, needle: &str) {
        match result {
            Err(DomainError::InvalidField { reason, .. }) => {
                assert!(reason.contains(needle), "{reason}")
            }
            other => panic!("expected a refusal mentioning '{needle}', got {other:?}"),
        }
    }

    #[test]
    fn plain_request_national_day_2024() {
        let s = plan("2024-09-27").compute(&cal()).unwrap();
        assert_eq!(s.due, Some(d("2024-10-30")));
        assert_eq!(s.status, ClockStatus::Running);
        assert!(s.is_on_time(d("2024-10-30")));
        assert!(!s.is_on_time(d("2024-10-31")));
        let text = s.to_string();
        assert!(
            text.starts_with("application received Fri 2024-09-27 via 当面提交"),
            "{text}"
        );
        assert!(text.contains("10-01..10-07 国庆节 skipped"), "{text}");
        assert!(text.contains("due Wed 2024-10-30 (day 20)"), "{text}");
    }

    #[test]
    fn receipt_by_registered_post_counts_from_the_signature() {
        let facts = ReceiptFacts::new(ReceiptChannel::RegisteredPost, d("2024-09-26"))
            .signed_for(d("2024-09-27"));
        let s = DeadlinePlan::from_receipt(&facts)
            .unwrap()
            .compute(&cal())
            .unwrap();
        assert_eq!(s.due, Some(d("2024-10-30")));
        assert!(DeadlinePlan::from_receipt(&ReceiptFacts::new(
            ReceiptChannel::Online,
            d("2024-09-27")
        ))
        .is_err());
    }

    #[test]
    fn on_the_spot_is_due_the_same_day() {
        let s = plan("2024-03-04")
            .answered_on_the_spot()
            .compute(&cal())
            .unwrap();
        assert_eq!(s.due, Some(d("2024-03-04")));
        assert_eq!(s.status, ClockStatus::OnTheSpot);
        assert!(s.is_on_time(d("2024-03-04")));
        assert!(!s.is_on_time(d("2024-03-05")));
        let posted =
            DeadlinePlan::new(d("2024-03-04"), ReceiptChannel::Email).answered_on_the_spot();
        refused(posted.compute(&cal()), "counter");
        refused(
            plan("2024-03-04")
                .answered_on_the_spot()
                .extended(d("2024-03-05"), 5, "王五")
                .compute(&cal()),
            "no other",
        );
    }

    #[test]
    fn correction_restarts_the_twenty_days() {
        // Received Mon 2024-09-23; correction asked Wed 09-25 (day 2), corrected application Fri 10-11.
        // From 10-11: Sat 10-12 (调休) d1, 10-14..18 d2-6, 10-21..25 d7-11, 10-28..11-01 d12-16,
        // 11-04..07 d17-20 -> Thu 11-07.
        let p = plan("2024-09-23").correction_requested(d("2024-09-25"), d("2024-10-18"));
        let waiting = p.compute(&cal()).unwrap();
        assert_eq!(waiting.due, None);
        assert_eq!(
            waiting.status,
            ClockStatus::AwaitingCorrection {
                correct_by: d("2024-10-18")
            }
        );
        assert!(waiting.to_string().contains("no reply deadline runs"));
        let s = p
            .correction_received(d("2024-10-11"))
            .compute(&cal())
            .unwrap();
        assert_eq!(s.due, Some(d("2024-11-07")));
        assert!(s.to_string().contains("restart"));
        assert!(s
            .to_string()
            .contains("corrected application received Fri 2024-10-11 (day 0, not counted)"));
        // Without the correction the request would have been due 10-28 (09-24..27 d1-4, 09-29 d5, 09-30 d6,
        // 10-08..11 d7-10, 10-12 d11, 10-14..18 d12-16, 10-21..24 d17-20 -> 10-24).
        assert_eq!(
            plan("2024-09-23").compute(&cal()).unwrap().due,
            Some(d("2024-10-24"))
        );
    }

    #[test]
    fn correction_must_be_asked_within_seven_working_days() {
        // Received Fri 2024-09-27: 09-29 d1, 09-30 d2, 10-08 d3, 10-09 d4, 10-10 d5, 10-11 d6, Sat 10-12 d7.
        let ok = plan("2024-09-27")
            .correction_requested(d("2024-10-12"), d("2024-10-25"))
            .compute(&cal());
        assert!(ok.is_ok());
        refused(
            plan("2024-09-27")
                .correction_requested(d("2024-10-14"), d("2024-10-25"))
                .compute(&cal()),
            "working day 8 after receipt; Art. 30 allows 7 (last day 2024-10-12)",
        );
        refused(
            plan("2024-09-27")
                .correction_requested(d("2024-09-30"), d("2024-10-15"))
                .correction_received(d("2024-10-09"))
                .correction_requested(d("2024-10-10"), d("2024-10-20"))
                .compute(&cal()),
            "once",
        );
    }

    #[test]
    fn late_correction_needs_a_good_reason() {
        let p = plan("2024-09-23").correction_requested(d("2024-09-25"), d("2024-10-11"));
        refused(
            p.clone()
                .correction_received(d("2024-10-14"))
                .compute(&cal()),
            "not processed further",
        );
        let s = p
            .with(CaseEvent::CorrectionReceived {
                on: d("2024-10-14"),
                late_reason: Some("住院".into()),
            })
            .compute(&cal())
            .unwrap();
        // From Mon 10-14: 10-15..18 d1-4, 10-21..25 d5-9, 10-28..11-01 d10-14, 11-04..08 d15-19, 11-11 d20.
        assert_eq!(s.due, Some(d("2024-11-11")));
        assert!(s.to_string().contains("accepted for good reason: 住院"));
    }

    #[test]
    fn events_wait_while_correction_is_pending() {
        let p = plan("2024-09-23").correction_requested(d("2024-09-25"), d("2024-10-18"));
        refused(
            p.clone()
                .extended(d("2024-09-26"), 10, "王五")
                .compute(&cal()),
            "awaiting the correction",
        );
        refused(
            p.consultation(Consultee::ThirdParty, "某公司", d("2024-09-26"), None)
                .compute(&cal()),
            "awaiting the correction",
        );
        refused(
            plan("2024-09-23")
                .correction_received(d("2024-09-30"))
                .compute(&cal()),
            "no correction was requested",
        );
    }

    #[test]
    fn consultation_days_do_not_count() {
        // Received Fri 2024-09-27, due 10-30 without consultation. Letter Mon 10-14, opinion Fri 10-18:
        // 10-15..18 (4 working days) not counted -> 10-30 + 4 (10-31, 11-01, 11-04, 11-05) = Tue 11-05.
        let s = plan("2024-09-27")
            .consultation(
                Consultee::ThirdParty,
                "某公司",
                d("2024-10-14"),
                Some(d("2024-10-18")),
            )
            .compute(&cal())
            .unwrap();
        assert_eq!(s.due, Some(d("2024-11-05")));
        assert!(!s.provisional);
        let text = s.to_string();
        assert!(text.contains("by 2024-11-04"), "{text}"); // the party's own limit: 10-14 + 15 working days
        assert!(
            text.contains("10-15..10-18 consulting 第三方 某公司: 4 working days not counted"),
            "{text}"
        );
    }

    #[test]
    fn consultations_each_have_their_own_clock_and_overlaps_count_once() {
        // Third party 10-14..10-18 and another agency 10-16..10-23 overlap: 10-15..10-23 is 7 working
        // days not counted -> 10-30 + 7: 10-31, 11-01, 11-04..08 -> Fri 11-08.
        let s = plan("2024-09-27")
            .consultation(
                Consultee::ThirdParty,
                "某公司",
                d("2024-10-14"),
                Some(d("2024-10-18")),
            )
            .consultation(
                Consultee::OtherAgency,
                "市自然资源局",
                d("2024-10-16"),
                Some(d("2024-10-23")),
            )
            .compute(&cal())
            .unwrap();
        assert_eq!(s.due, Some(d("2024-11-08")));
    }

    #[test]
    fn open_consultation_is_provisional_and_capped_at_fifteen_days() {
        // Letter Mon 10-14, limit 11-04 (15 working days: 10-15..18, 10-21..25, 10-28..11-01, 11-04).
        let open = plan("2024-09-27")
            .consultation(Consultee::ThirdParty, "某公司", d("2024-10-14"), None)
            .compute(&cal())
            .unwrap();
        assert!(open.provisional);
        // 10-15..11-04 (15 working days) not counted: 10-30 + 15 = 10-31, 11-01, 11-04..08, 11-11..15,
        // 11-18, 11-19, 11-20 -> Wed 11-20.
        assert_eq!(open.due, Some(d("2024-11-20")));
        // An opinion after the limit pauses no longer than the limit.
        let late = plan("2024-09-27")
            .consultation(
                Consultee::ThirdParty,
                "某公司",
                d("2024-10-14"),
                Some(d("2024-11-15")),
            )
            .compute(&cal())
            .unwrap();
        assert_eq!(late.due, Some(d("2024-11-20")));
        assert!(!late.provisional);
        assert!(late.to_string().contains("after the limit"));
        refused(
            plan("2024-09-27")
                .consultation(Consultee::ThirdParty, "某公司", d("2024-10-31"), None)
                .compute(&cal()),
            "after the reply deadline (2024-10-30)",
        );
    }

    #[test]
    fn extension_adds_at_most_twenty_days_with_an_approver() {
        // 10-30 + 20 working days: 10-31, 11-01, 11-04..08, 11-11..15, 11-18..22, 11-25..27 -> Wed 11-27.
        let s = plan("2024-09-27")
            .extended(d("2024-10-25"), 20, "王五")
            .compute(&cal())
            .unwrap();
        assert_eq!(s.due, Some(d("2024-11-27")));
        assert!(s.to_string().contains("approved by 王五"));
        // Two extensions adding up to 20 are fine; the second is decided before the first's new due date.
        let two = plan("2024-09-27")
            .extended(d("2024-10-25"), 10, "王五")
            .extended(d("2024-11-12"), 10, "王五")
            .compute(&cal())
            .unwrap();
        assert_eq!(two.due, Some(d("2024-11-27")));
        refused(
            plan("2024-09-27")
                .extended(d("2024-10-25"), 15, "王五")
                .extended(d("2024-11-12"), 10, "王五")
                .compute(&cal()),
            "at most 20 working days in total (Art. 33(2)); 15 already granted, 10 more asked",
        );
        refused(
            plan("2024-09-27")
                .extended(d("2024-10-25"), 10, " ")
                .compute(&cal()),
            "approver",
        );
        refused(
            plan("2024-09-27")
                .extended(d("2024-10-31"), 10, "王五")
                .compute(&cal()),
            "had passed",
        );
    }

    #[test]
    fn spring_festival_2020_with_consultation_and_extension() {
        // Received Mon 2020-01-20, due 02-25 (the extended holiday 01-24..02-02 skipped).
        assert_eq!(
            plan("2020-01-20").compute(&cal()).unwrap().due,
            Some(d("2020-02-25"))
        );
        // Consulting another agency 01-21, answered 02-04: 01-22, 01-23, 02-03, 02-04 not counted, so
        // 02-25 + 4 = 03-02; an extension of 5 then gives 03-03..06, 03-09 -> Mon 03-09.
        let s = plan("2020-01-20")
            .consultation(
                Consultee::OtherAgency,
                "市卫健委",
                d("2020-01-21"),
                Some(d("2020-02-04")),
            )
            .extended(d("2020-02-20"), 5, "王五")
            .compute(&cal())
            .unwrap();
        assert_eq!(s.due, Some(d("2020-03-09")));
    }

    #[test]
    fn missing_year_is_refused() {
        assert_eq!(
            plan("2030-03-04").compute(&cal()),
            Err(DomainError::CalendarMissingYear { year: 2030 })
        );
    }

    #[test]
    fn recomputing_after_a_calendar_change_is_calling_again() {
        let p = plan("2024-09-27");
        let mut changed = cal();
        changed
            .load_holiday_cn_json(r#"{"year": 2024, "days": [{"name": "元旦", "date": "2024-01-01", "isOffDay": true}]}"#)
            .unwrap();
        // Without the National Day holiday: 09-30 d1, 10-01..04 d2-5, 10-07..11 d6-10, 10-14..18 d11-15,
        // 10-21..25 d16-20 -> 10-25.
        assert_eq!(p.compute(&changed).unwrap().due, Some(d("2024-10-25")));
        assert_eq!(p.compute(&cal()).unwrap().due, Some(d("2024-10-30")));
    }
}
