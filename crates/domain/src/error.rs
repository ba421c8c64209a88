//! The one error type of the domain crate.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// A value supplied for a named field breaks that field's rule.
    #[error("{field}: {reason}")]
    InvalidField { field: &'static str, reason: String },

    /// A state change that the rules forbid, with the rule's reason.
    #[error("transition from {from} to {to} is not allowed: {reason}")]
    Transition {
        from: String,
        to: String,
        reason: String,
    },

    /// The working-day calendar has no data for a year, so no deadline can be computed.
    #[error(
        "the working-day calendar has no data for {year}; load that year's holiday notice first"
    )]
    CalendarMissingYear { year: i32 },

    /// A report check file (`gongkai report check`) has the wrong shape; `field` is the path
    /// inside the file (e.g. `figures[3].value`), with the line and column when the parser knows them.
    #[error("{field}{}: {reason}", at_line(*.line, *.column))]
    ReportFile {
        field: String,
        line: Option<usize>,
        column: Option<usize>,
        reason: String,
    },
}

impl DomainError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        DomainError::InvalidField {
            field,
            reason: reason.into(),
        }
    }
}

fn at_line(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
        (Some(l), None) => format!(" (line {l})"),
        _ => String::new(),
    }
}
