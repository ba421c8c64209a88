//! Gongkai's domain: the rules of government information disclosure (政务公开), free of I/O.
//!
//! Every rule that a statute or the national standard fixes lives here as a type with its own
//! invariants and tests, so that storage, search, reporting and the web app only move data
//! between these types and never re-derive a rule.

#[macro_use]
mod vocab;

pub mod calendar;
pub mod catalogue;
pub mod consultation;
pub mod doc_number;
pub mod error;
pub mod index_number;
pub mod interpretation;
pub mod interview;
pub mod item;
pub mod mailbox;
pub mod org;
pub mod report;
pub mod request;
pub mod role;
pub mod site;
pub mod survey;
pub mod workflow;
// Key areas (issue 8).
pub mod gazette;
pub mod major_project;
pub mod media_account;
pub mod service_case;
pub mod service_guide;
pub mod trading;
// 网站健康 (issue 9)
pub mod health;

pub use error::DomainError;
