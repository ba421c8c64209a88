//! The HTTP application: public portal, back office and JSON API (axum, server-rendered
//! minijinja templates). Handlers stay thin: rules live in `gongkai-domain`, data in
//! `gongkai-storage`, search in `gongkai-search`.

mod admin;
pub mod api;
pub mod app;
pub mod auth;
pub mod background;
pub mod cache;
pub mod consultation;
pub mod directory;
pub mod error;
pub mod interview;
pub mod mailbox;
pub mod page;
mod portal;
pub mod ratelimit;
mod request;
pub mod search;
pub mod survey;
pub mod templates;
mod upload;
// Key areas (issue 8).
pub mod feeds;
pub mod gazette;
pub mod key_areas;
pub mod trading;
// 网站健康 (issue 9)
pub mod health;

pub use app::{router, serve, serve_on, AppState, Config};
pub use error::WebError;
