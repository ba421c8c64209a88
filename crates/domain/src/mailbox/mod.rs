//! 领导信箱 — the leader mailbox: letters from the public to a named leader or a department,
//! routed (转办) to the responsible organisation by category, answered within a number of working
//! days, reminded before and escalated (督办) after the deadline, rated by the writer, and
//! published as a Q&A with personal data removed.

mod category;
mod letter;
mod routing;
mod stats;
mod watch;

pub use category::{CategoryPath, CategoryTree};
pub use letter::{
    redact, reply_due, timeliness, LetterAction, LetterInput, LetterStatus, NewLetter,
    Satisfaction, Timeliness, DEFAULT_REMINDER_DAYS, DEFAULT_REPLY_DAYS,
};
pub use routing::{route, RoutingRule};
pub use stats::{percentile, ReplyStats};
pub use watch::{WatchWords, DEFAULT_WATCH_WORDS};
