//! 网站健康 — the platform checks itself against the national website checks (政府网站检查指标):
//! column timeliness, interaction, wrong and sensitive words (错敏词), accessibility, and the
//! site score with its single-veto items (单项否决). Pure rules; storage gathers the facts.

pub mod a11y;
pub mod interaction;
pub mod score;
pub mod timeliness;
pub mod words;

pub use interaction::{ClosedFacts, LetterFacts};
pub use score::{Finding, FindingKind, Severity, SiteReport, VetoItem};
pub use timeliness::{ColumnClass, ColumnFacts, SiteFacts, UpdateCategory};
pub use words::{Dictionary, Hit, Level, WordEntry, WordKind};
