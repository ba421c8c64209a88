//! 办理流程 — the life of one request as a state machine that refuses what the rules forbid.
//!
//! received → assigned → [correction requested → corrected] → [consulting] → [extended] →
//! answered → closed; or transferred (not this agency's, Art. 36(5)); or not processed further
//! after a missed correction (Art. 30). Dates are the deadline engine's business
//! ([`super::deadline`]); this machine checks order and the counts the order depends on.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::deadline::MAX_EXTENSION_DAYS;
use super::outcome::Outcome;
use crate::error::DomainError;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 已收到
    Received,
    /// 已分办 — a handler is responsible.
    Assigned,
    /// 待补正 — the clock is stopped until the applicant corrects the application.
    CorrectionRequested,
    /// 已补正 — the 20 days restarted from the corrected application.
    Corrected,
    /// 征求意见中 — at least one consultation is open.
    Consulting,
    /// 已延期
    Extended,
    /// 已答复
    Answered,
    /// 已办结
    Closed,
    /// 已告知向其他机关申请 — not this agency's information (Art. 36(5)).
    Transferred,
    /// 不再处理 — the applicant did not correct in time (Art. 30).
    NotProcessed,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Received => "received",
            Stage::Assigned => "assigned",
            Stage::CorrectionRequested => "correction_requested",
            Stage::Corrected => "corrected",
            Stage::Consulting => "consulting",
            Stage::Extended => "extended",
            Stage::Answered => "answered",
            Stage::Closed => "closed",
            Stage::Transferred => "transferred",
            Stage::NotProcessed => "not_processed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Received => "已收到",
            Stage::Assigned => "已分办",
            Stage::CorrectionRequested => "待补正",
            Stage::Corrected => "已补正",
            Stage::Consulting => "征求意见中",
            Stage::Extended => "已延期",
            Stage::Answered => "已答复",
            Stage::Closed => "已办结",
            Stage::Transferred => "已告知向其他机关申请",
            Stage::NotProcessed => "不再处理",
        }
    }

    /// Stages in which the handler works on the substance and may consult, extend or answer.
    fn is_in_hand(self) -> bool {
        matches!(
            self,
            Stage::Assigned | Stage::Corrected | Stage::Consulting | Stage::Extended
        )
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something that happens to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RequestEvent {
    Assign {
        handler: String,
    },
    /// 当场答复 at the counter, before any assignment.
    AnswerOnTheSpot {
        outcome: Outcome,
    },
    RequestCorrection,
    ReceiveCorrection,
    /// The period to correct ran out without a correction or a good reason.
    CorrectionLapsed,
    StartConsultation,
    EndConsultation,
    Extend {
        days: u32,
        approver: String,
    },
    Answer {
        outcome: Outcome,
    },
    /// Art. 36(5): told the applicant the information is another agency's (named if known).
    Transfer {
        agency: String,
    },
    Close,
}

impl RequestEvent {
    fn target(&self) -> &'static str {
        match self {
            RequestEvent::Assign { .. } => "assigned",
            RequestEvent::AnswerOnTheSpot { .. } | RequestEvent::Answer { .. } => "answered",
            RequestEvent::RequestCorrection => "correction_requested",
            RequestEvent::ReceiveCorrection => "corrected",
            RequestEvent::CorrectionLapsed => "not_processed",
            RequestEvent::StartConsultation => "consulting",
            RequestEvent::EndConsultation => "consultation_ended",
            RequestEvent::Extend { .. } => "extended",
            RequestEvent::Transfer { .. } => "transferred",
            RequestEvent::Close => "closed",
        }
    }
}

/// A request's state: its stage plus the counts that later rules depend on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestState {
    stage: Stage,
    extended_days: u32,
    correction_requested: bool,
    corrected: bool,
    open_consultations: u32,
    outcome: Option<Outcome>,
}

impl Default for RequestState {
    fn default() -> Self {
        Self::received()
    }
}

impl RequestState {
    /// A request just received.
    pub fn received() -> Self {
        RequestState {
            stage: Stage::Received,
            extended_days: 0,
            correction_requested: false,
            corrected: false,
            open_consultations: 0,
            outcome: None,
        }
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// Working days of extension granted so far (at most 20).
    pub fn extended_days(&self) -> u32 {
        self.extended_days
    }

    pub fn open_consultations(&self) -> u32 {
        self.open_consultations
    }

    /// The table 三 result, once the request has one.
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    pub fn is_final(&self) -> bool {
        self.stage == Stage::Closed
    }

    pub fn can_transition(&self, event: &RequestEvent) -> bool {
        self.transition(event).is_ok()
    }

    /// The state after `event`, or the reason the rules forbid it.
    pub fn transition(&self, event: &RequestEvent) -> Result<RequestState, DomainError> {
        let refuse = |reason: &str| DomainError::Transition {
            from: self.stage.as_str().to_string(),
            to: event.target().to_string(),
            reason: reason.to_string(),
        };
        if self.stage == Stage::Closed {
            return Err(refuse("the request is closed"));
        }
        let mut next = self.clone();
        match event {
            RequestEvent::Assign { handler } => {
                if self.stage != Stage::Received {
                    return Err(refuse("only a newly received request is assigned"));
                }
                if handler.trim().is_empty() {
                    return Err(refuse("name the handler"));
                }
                next.stage = Stage::Assigned;
            }
            RequestEvent::AnswerOnTheSpot { outcome } => {
                if self.stage != Stage::Received {
                    return Err(refuse(
                        "an answer on the spot is given at receipt, before the request is assigned",
                    ));
                }
                check_outcome(*outcome, self.corrected).map_err(|r| refuse(&r))?;
                next.stage = Stage::Answered;
                next.outcome = Some(*outcome);
            }
            RequestEvent::RequestCorrection => {
                if self.correction_requested {
                    return Err(refuse("a correction is asked for once, listing everything at once (一次性告知, Art. 30)"));
                }
                match self.stage {
                    Stage::Assigned => {}
                    Stage::Received => return Err(refuse("assign the request before asking for a correction")),
                    Stage::Consulting | Stage::Extended => {
                        return Err(refuse("a correction comes first, within 7 working days of receipt, not after consultation or extension"))
                    }
                    _ => return Err(refuse("the request is no longer open to correction")),
                }
                next.stage = Stage::CorrectionRequested;
                next.correction_requested = true;
            }
            RequestEvent::ReceiveCorrection | RequestEvent::CorrectionLapsed => {
                if self.stage != Stage::CorrectionRequested {
                    return Err(refuse("no correction is awaited"));
                }
                if *event == RequestEvent::ReceiveCorrection {
                    next.stage = Stage::Corrected;
                    next.corrected = true;
                } else {
                    next.stage = Stage::NotProcessed;
                    next.outcome = Some(Outcome::CorrectionOverdue);
                }
            }
            RequestEvent::StartConsultation => {
                self.require_in_hand(&refuse)?;
                next.stage = Stage::Consulting;
                next.open_consultations += 1;
            }
            RequestEvent::EndConsultation => {
                if self.open_consultations == 0 {
                    return Err(refuse("no consultation is open"));
                }
                next.open_consultations -= 1;
                next.stage = next.resting_stage();
            }
            RequestEvent::Extend { days, approver } => {
                self.require_in_hand(&refuse)?;
                if approver.trim().is_empty() {
                    return Err(refuse("an extension needs the approval of the head of the disclosure office (Art. 33(2))"));
                }
                if *days == 0 {
                    return Err(refuse("an extension of 0 working days is no extension"));
                }
                if self.extended_days + days > MAX_EXTENSION_DAYS {
                    return Err(refuse(&format!(
                        "extensions total at most {MAX_EXTENSION_DAYS} working days (Art. 33(2)); {} already granted, {days} more asked",
                        self.extended_days
                    )));
                }
                next.extended_days += days;
                next.stage = next.resting_stage();
            }
            RequestEvent::Answer { outcome } => {
                match self.stage {
                    Stage::Received => {
                        return Err(refuse(
                            "a reply needs an assigned handler; assign the request first",
                        ))
                    }
                    Stage::CorrectionRequested => {
                        return Err(refuse(
                            "a correction is awaited: record it, or record that it lapsed",
                        ))
                    }
                    Stage::Consulting => return Err(refuse(
                        "a consultation is open: record its end (opinion or 15-day limit) first",
                    )),
                    s if s.is_in_hand() => {}
                    _ => return Err(refuse("the request has already been disposed of")),
                }
                check_outcome(*outcome, self.corrected).map_err(|r| refuse(&r))?;
                next.stage = Stage::Answered;
                next.outcome = Some(*outcome);
            }
            RequestEvent::Transfer { agency } => {
                if !matches!(
                    self.stage,
                    Stage::Received | Stage::Assigned | Stage::Corrected
                ) {
                    return Err(refuse(
                        "only a request not yet handled on its substance can be sent on",
                    ));
                }
                if agency.trim().is_empty() {
                    return Err(refuse(
                        "name the agency, or answer 本机关不掌握 if it cannot be determined",
                    ));
                }
                next.stage = Stage::Transferred;
                // Table 三 counts it under （四）1: the information is not held by this agency.
                next.outcome = Some(Outcome::NotHeld);
            }
            RequestEvent::Close => {
                if !matches!(
                    self.stage,
                    Stage::Answered | Stage::Transferred | Stage::NotProcessed
                ) {
                    return Err(refuse(
                        "only an answered, transferred or lapsed request can be closed",
                    ));
                }
                next.stage = Stage::Closed;
            }
        }
        Ok(next)
    }

    fn require_in_hand(&self, refuse: &dyn Fn(&str) -> DomainError) -> Result<(), DomainError> {
        match self.stage {
            s if s.is_in_hand() => Ok(()),
            Stage::Received => Err(refuse("assign the request first")),
            Stage::CorrectionRequested => {
                Err(refuse("the reply clock is stopped awaiting the correction"))
            }
            _ => Err(refuse("the request has already been disposed of")),
        }
    }

    /// The stage a request in hand rests in once nothing is open.
    fn resting_stage(&self) -> Stage {
        if self.open_consultations > 0 {
            Stage::Consulting
        } else if self.extended_days > 0 {
            Stage::Extended
        } else if self.corrected {
            Stage::Corrected
        } else {
            Stage::Assigned
        }
    }
}

fn check_outcome(outcome: Outcome, corrected: bool) -> Result<(), String> {
    match outcome {
        Outcome::CorrectionOverdue => {
            Err("a missed correction is recorded as CorrectionLapsed, not as an answer".into())
        }
        Outcome::UnclearAfterCorrection if !corrected => {
            Err("补正后申请内容仍不明确 needs a correction that was made; none was".into())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(events: &[RequestEvent]) -> Result<RequestState, DomainError> {
        events
            .iter()
            .try_fold(RequestState::received(), |s, e| s.transition(e))
    }

    fn assign() -> RequestEvent {
        RequestEvent::Assign {
            handler: "张三".into(),
        }
    }

    fn extend(days: u32) -> RequestEvent {
        RequestEvent::Extend {
            days,
            approver: "王五".into(),
        }
    }

    fn answer(outcome: Outcome) -> RequestEvent {
        RequestEvent::Answer { outcome }
    }

    fn refused_with(result: Result<RequestState, DomainError>, needle: &str) {
        match result {
            Err(DomainError::Transition { reason, .. }) => {
                assert!(reason.contains(needle), "{reason}")
            }
            other => panic!("expected refusal '{needle}', got {other:?}"),
        }
    }

    #[test]
    fn the_full_path() {
        let s = run(&[
            assign(),
            RequestEvent::RequestCorrection,
            RequestEvent::ReceiveCorrection,
            RequestEvent::StartConsultation,
            RequestEvent::EndConsultation,
            extend(10),
            answer(Outcome::PartiallyDisclosed),
            RequestEvent::Close,
        ])
        .unwrap();
        assert_eq!(s.stage(), Stage::Closed);
        assert_eq!(s.outcome(), Some(Outcome::PartiallyDisclosed));
        assert_eq!(s.extended_days(), 10);
        assert!(s.is_final());
    }

    #[test]
    fn reply_before_assignment_is_refused() {
        let err = RequestState::received()
            .transition(&answer(Outcome::Disclosed))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "transition from received to answered is not allowed: a reply needs an assigned handler; assign the request first"
        );
        assert!(!RequestState::received().can_transition(&answer(Outcome::Disclosed)));
        // At the counter the answer comes without assignment.
        let spot = RequestState::received().transition(&RequestEvent::AnswerOnTheSpot {
            outcome: Outcome::Disclosed,
        });
        assert_eq!(spot.unwrap().stage(), Stage::Answered);
    }

    #[test]
    fn extensions_beyond_twenty_days_are_refused() {
        let s = run(&[assign(), extend(15)]).unwrap();
        assert_eq!(s.stage(), Stage::Extended);
        refused_with(
            s.transition(&extend(10)),
            "at most 20 working days (Art. 33(2)); 15 already granted, 10 more asked",
        );
        assert_eq!(s.transition(&extend(5)).unwrap().extended_days(), 20);
        refused_with(
            run(&[assign(), extend(20), extend(1)]),
            "20 already granted",
        );
        refused_with(
            run(&[
                assign(),
                RequestEvent::Extend {
                    days: 5,
                    approver: "".into(),
                },
            ]),
            "approval",
        );
    }

    #[test]
    fn correction_is_once_and_can_lapse() {
        refused_with(
            run(&[
                assign(),
                RequestEvent::RequestCorrection,
                RequestEvent::ReceiveCorrection,
                RequestEvent::RequestCorrection,
            ]),
            "once",
        );
        refused_with(run(&[RequestEvent::RequestCorrection]), "assign");
        refused_with(
            run(&[assign(), extend(5), RequestEvent::RequestCorrection]),
            "comes first",
        );
        let lapsed = run(&[
            assign(),
            RequestEvent::RequestCorrection,
            RequestEvent::CorrectionLapsed,
        ])
        .unwrap();
        assert_eq!(lapsed.stage(), Stage::NotProcessed);
        assert_eq!(lapsed.outcome(), Some(Outcome::CorrectionOverdue));
        refused_with(lapsed.transition(&answer(Outcome::Disclosed)), "disposed");
        assert_eq!(
            lapsed.transition(&RequestEvent::Close).unwrap().stage(),
            Stage::Closed
        );
        refused_with(
            run(&[
                assign(),
                RequestEvent::RequestCorrection,
                answer(Outcome::Disclosed),
            ]),
            "correction is awaited",
        );
        refused_with(
            run(&[assign(), RequestEvent::RequestCorrection, extend(5)]),
            "stopped",
        );
    }

    #[test]
    fn consultations_must_end_before_the_answer() {
        let s = run(&[
            assign(),
            RequestEvent::StartConsultation,
            RequestEvent::StartConsultation,
        ])
        .unwrap();
        assert_eq!(s.open_consultations(), 2);
        refused_with(
            s.transition(&answer(Outcome::Disclosed)),
            "consultation is open",
        );
        let s = s.transition(&extend(5)).unwrap();
        assert_eq!(
            s.stage(),
            Stage::Consulting,
            "an extension during a consultation keeps it open"
        );
        let s = s.transition(&RequestEvent::EndConsultation).unwrap();
        assert_eq!(s.stage(), Stage::Consulting);
        let s = s.transition(&RequestEvent::EndConsultation).unwrap();
        assert_eq!(s.stage(), Stage::Extended);
        refused_with(
            s.transition(&RequestEvent::EndConsultation),
            "no consultation",
        );
        assert_eq!(
            s.transition(&answer(Outcome::ThirdPartyRights))
                .unwrap()
                .stage(),
            Stage::Answered
        );
    }

    #[test]
    fn transfer_counts_as_not_held_and_closes() {
        let t = run(&[
            assign(),
            RequestEvent::Transfer {
                agency: "市自然资源局".into(),
            },
        ])
        .unwrap();
        assert_eq!(t.stage(), Stage::Transferred);
        assert_eq!(t.outcome(), Some(Outcome::NotHeld));
        refused_with(t.transition(&answer(Outcome::Disclosed)), "disposed");
        assert_eq!(
            t.transition(&RequestEvent::Close).unwrap().stage(),
            Stage::Closed
        );
        refused_with(
            run(&[
                assign(),
                extend(5),
                RequestEvent::Transfer { agency: "x".into() },
            ]),
            "not yet handled",
        );
    }

    #[test]
    fn outcomes_must_fit_the_path() {
        refused_with(
            run(&[assign(), answer(Outcome::CorrectionOverdue)]),
            "CorrectionLapsed",
        );
        refused_with(
            run(&[assign(), answer(Outcome::UnclearAfterCorrection)]),
            "none was",
        );
        let ok = run(&[
            assign(),
            RequestEvent::RequestCorrection,
            RequestEvent::ReceiveCorrection,
            answer(Outcome::UnclearAfterCorrection),
        ]);
        assert_eq!(ok.unwrap().outcome(), Some(Outcome::UnclearAfterCorrection));
    }

    #[test]
    fn closed_is_final_and_close_needs_a_disposal() {
        refused_with(run(&[assign(), RequestEvent::Close]), "only an answered");
        let closed = run(&[assign(), answer(Outcome::Disclosed), RequestEvent::Close]).unwrap();
        for e in [
            assign(),
            answer(Outcome::Disclosed),
            extend(1),
            RequestEvent::Close,
            RequestEvent::StartConsultation,
        ] {
            refused_with(closed.transition(&e), "closed");
        }
        refused_with(run(&[assign(), assign()]), "newly received");
    }

    #[test]
    fn state_round_trips_through_serde() {
        let s = run(&[assign(), extend(7)]).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"stage\":\"extended\""), "{json}");
        assert_eq!(serde_json::from_str::<RequestState>(&json).unwrap(), s);
    }
}
