pub mod backup;
pub mod calendar;
pub mod common;
pub mod demo;
pub mod items;
pub mod reindex;
pub mod report;
pub mod serve;
pub mod user;
// 网站健康 (issue 9)
pub mod check;
