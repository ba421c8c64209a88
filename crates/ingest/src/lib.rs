//! Getting catalogue items into and out of Gongkai in bulk:
//!
//! - [`demo`] loads the demo city (示范市): organisations, 43 sites with their column trees, the
//!   主题分类 subject tree, staff for every role, and a few thousand real documents from
//!   `shared/data/` (or a small built-in sample when that is absent);
//! - [`import`] reads `gongkai import items FILE.jsonl` files (schema in `docs/import.md`), one
//!   item per line, reporting bad lines by number while importing the good ones;
//! - [`export`] writes items in the same schema, so an export imports again unchanged.
//!
//! Everything here goes through the storage crate's functions, so imported items get the same
//! validation, audit entries, versions and search-outbox rows as items made in the back office.

pub mod demo;
pub mod error;
pub mod export;
pub mod import;
mod jsonl;
pub mod letters;

pub use error::{IngestError, Result};
