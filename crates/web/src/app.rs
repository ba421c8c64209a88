//! The application: shared state, the router, security headers, and `serve`.

use gongkai_domain::calendar::WorkingCalendar;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use gongkai_domain::index_number::IndexPattern;
use gongkai_search::SearchEngine;
use gongkai_storage::{AnyConnection, Database};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::directory::{Directory, DirectoryCache};
use crate::error::{WebError, WebResult};
use crate::ratelimit::RateLimiter;
use crate::{admin, api, auth, portal, search};

/// Settings fixed at start.
#[derive(Debug, Clone)]
pub struct Config {
    pub index_pattern: IndexPattern,
    /// Send cookies with `Secure` (behind HTTPS in production; off for plain-HTTP development).
    pub secure_cookies: bool,
    /// The site's public address without a trailing slash (`https://www.example.gov.cn`), for
    /// permanent links people copy; empty means links are relative.
    pub public_url: String,
    /// Where the daily health digest is mailed from; None: in-app only.
    pub smtp: Option<crate::health::SmtpConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            index_pattern: IndexPattern::default(),
            secure_cookies: false,
            public_url: String::new(),
            smtp: None,
        }
    }
}

pub struct Inner {
    pub db: Database,
    pub search: Option<Arc<SearchEngine>>,
    pub config: Config,
    pub limiter: RateLimiter,
    pub directory: DirectoryCache,
    pub page_cache: crate::cache::PageCache,
    /// Encrypts and decrypts applicants' personal data (依申请公开).
    pub data_key: gongkai_storage::crypto::DataKey,
    /// The working-day calendar in force (built-in years plus loaded notices), cached.
    pub calendar: CalendarCache,
}

/// The effective working-day calendar, reloaded after a minute or when any node writes (a loaded
/// holiday notice is announced through the outbox, like every change).
#[derive(Default)]
pub struct CalendarCache(std::sync::RwLock<Option<(std::time::Instant, WorkingCalendar)>>);

impl CalendarCache {
    const TTL: std::time::Duration = std::time::Duration::from_secs(60);
    fn get(&self) -> Option<WorkingCalendar> {
        let guard = self.0.read().expect("calendar lock");
        guard
            .as_ref()
            .filter(|(at, _)| at.elapsed() < Self::TTL)
            .map(|(_, c)| c.clone())
    }
    fn put(&self, c: WorkingCalendar) {
        *self.0.write().expect("calendar lock") = Some((std::time::Instant::now(), c));
    }
    pub fn invalidate(&self) {
        *self.0.write().expect("calendar lock") = None;
    }
}

/// What every handler gets: the database, the search index (when enabled) and settings.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// With a random personal-data key that lives as long as the process (tests); a server that
    /// keeps requests across restarts uses [`AppState::with_data_key`].
    pub fn new(db: Database, search: Option<Arc<SearchEngine>>, config: Config) -> AppState {
        Self::with_data_key(
            db,
            search,
            config,
            gongkai_storage::crypto::DataKey::generate(),
        )
    }

    /// With the node's data key (`DataKey::load_or_create(data_dir)`: `GONGKAI_DATA_KEY` or the key file).
    pub fn with_data_key(
        db: Database,
        search: Option<Arc<SearchEngine>>,
        config: Config,
        data_key: gongkai_storage::crypto::DataKey,
    ) -> AppState {
        AppState(Arc::new(Inner {
            db,
            search,
            config,
            limiter: RateLimiter::default(),
            directory: DirectoryCache::default(),
            page_cache: Default::default(),
            data_key,
            calendar: CalendarCache::default(),
        }))
    }

    /// Runs blocking database work off the async threads.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut AnyConnection) -> WebResult<T> + Send + 'static,
    ) -> WebResult<T> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| WebError::Internal(format!("worker failed: {e}")))?
    }
}

impl AppState {
    /// Organisations, sites, columns and subjects (cached for a few seconds).
    pub async fn directory(&self) -> WebResult<Arc<Directory>> {
        if let Some(d) = self.directory.get() {
            return Ok(d);
        }
        let d = Arc::new(self.run(|conn| Directory::load(conn)).await?);
        self.directory.put(d.clone());
        Ok(d)
    }

    /// The working-day calendar in force (cheap to clone).
    pub async fn calendar(&self) -> WebResult<WorkingCalendar> {
        if let Some(c) = self.calendar.get() {
            return Ok(c);
        }
        let c = self
            .run(|conn| Ok(gongkai_storage::calendar::effective(conn)?))
            .await?;
        self.calendar.put(c.clone());
        Ok(c)
    }
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(portal::routes())
        .merge(search::routes())
        .nest("/admin", admin::routes())
        .nest("/api/v1", api::routes())
        .route("/healthz", get(healthz))
        .route("/static/site.css", get(css))
        .route("/large-text", get(auth::toggle_large_text))
        .route("/admin/login", get(auth::login_form).post(auth::login))
        .route("/admin/logout", post(auth::logout))
        // Key areas (issue 8).
        .merge(crate::trading::routes())
        .merge(crate::key_areas::routes())
        .merge(crate::gazette::routes())
        .merge(crate::feeds::routes())
        .merge(crate::mailbox::routes())
        .merge(crate::survey::routes())
        .merge(crate::interview::routes())
        .merge(crate::consultation::routes())
        .merge(crate::health::public_routes())
        .fallback(portal::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::cache::layer))
        .layer(axum::middleware::from_fn(crate::error::render_errors))
        .layer(DefaultBodyLimit::max(gongkai_storage::attachment::MAX_BYTES + 256 * 1024))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'self'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .with_state(state)
}

async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> WebResult<&'static str> {
    state.run(|conn| Ok(gongkai_storage::ping(conn)?)).await?;
    Ok("ok")
}

async fn css() -> impl axum::response::IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        crate::templates::css(),
    )
}

/// Serves until the process is stopped. Also runs the scheduler (due scheduled publications) and,
/// when search is enabled, the outbox follower that keeps the index in step.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(state, listener).await
}

pub async fn serve_on(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    crate::background::spawn(state.clone());
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
