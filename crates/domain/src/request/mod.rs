//! 依申请公开 — disclosure on application: who asks, how a request arrives, how long the agency
//! has to answer, how a request moves through its stages, and how it ends (Arts. 27-45 of the
//! 2019 Regulation; the annual report's table 三).
//!
//! - [`applicant`]: the applicant columns of table 三;
//! - [`channel`]: channels and the day of receipt (Art. 31);
//! - [`outcome`]: the result rows of table 三, with their articles and report-format mapping;
//! - [`deadline`]: the reply deadline from a request's events, with an explanation;
//! - [`state`]: the state machine of one request;
//! - [`duplicate`]: repeated requests by one applicant;
//! - [`fee`]: the information-processing fee (Art. 42);
//! - [`notice`]: the reply notice (告知书) per outcome.

pub mod applicant;
pub mod channel;
pub mod deadline;
pub mod duplicate;
pub mod fee;
pub mod notice;
pub mod outcome;
pub mod state;

pub use applicant::ApplicantType;
pub use channel::{ReceiptChannel, ReceiptFacts, ReceiptRule};
pub use deadline::{CaseEvent, ClockStatus, Consultee, DeadlinePlan, Effect, Schedule};
pub use fee::{Fee, FeeBasis, FeeSchedule};
pub use outcome::{Outcome, OutcomeCategory, ReportFormat, ReportRow};
pub use state::{RequestEvent, RequestState, Stage};
