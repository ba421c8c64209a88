pub mod backup;
pub mod calendar;
pub mod common;
pub mod demo;
pub mod import_requests;
pub mod items;
pub mod reindex;
pub mod report;
pub mod serve;
pub mod user;
// Key areas (issue 8).
pub mod trading;
// 网站健康 (issue 9)
pub mod check;
