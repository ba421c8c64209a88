pub mod calendar;
pub mod report;
