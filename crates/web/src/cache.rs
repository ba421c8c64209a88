//! Public page cache: rendered HTML of anonymous GET requests, kept in memory per node and thrown
//! away whenever anything may have changed (a write on this node, or a new outbox entry written by
//! any node, polled every 200 ms) and after five seconds at most. Pages that set cookies (forms with CSRF tokens), staff pages
//! and error pages are never cached.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::app::AppState;

/// Pages above this size are served but not kept.
const MAX_PAGE_BYTES: usize = 512 * 1024;
/// Changes that leave no outbox entry (a new column made on another node) reach cached pages
/// within this time, as they reach the directory cache.
const TTL: Duration = Duration::from_secs(5);
/// Entries kept before the cache starts again (a crawler walking 50,000 items must not grow it
/// without bound).
const MAX_ENTRIES: usize = 20_000;

#[derive(Default)]
pub struct PageCache {
    generation: AtomicU64,
    pages: RwLock<HashMap<String, (u64, Instant, HeaderMap, Bytes)>>,
}

impl PageCache {
    /// Something changed: every cached page is stale.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.pages.write().expect("page cache lock").clear();
    }

    fn get(&self, key: &str) -> Option<(HeaderMap, Bytes)> {
        let g = self.generation.load(Ordering::SeqCst);
        let pages = self.pages.read().expect("page cache lock");
        pages
            .get(key)
            .filter(|(gen, at, _, _)| *gen == g && at.elapsed() < TTL)
            .map(|(_, _, h, b)| (h.clone(), b.clone()))
    }

    fn put(&self, key: String, generation: u64, headers: HeaderMap, body: Bytes) {
        let mut pages = self.pages.write().expect("page cache lock");
        // A write that finished while this page rendered has moved the generation on: drop it.
        if generation != self.generation.load(Ordering::SeqCst) {
            return;
        }
        if pages.len() >= MAX_ENTRIES {
            pages.clear();
        }
        pages.insert(key, (generation, Instant::now(), headers, body));
    }
}

/// Public pages that may be cached: not the back office, the API, redirects or per-visitor pages.
fn cacheable(req: &Request) -> bool {
    let path = req.uri().path();
    req.method() == Method::GET
        && !path.starts_with("/admin")
        && !path.starts_with("/api/")
        && !path.starts_with("/search")
        && !path.starts_with("/request")
        && !path.starts_with("/large-text")
        && !path.starts_with("/healthz")
        && !req
            .headers()
            .get(header::COOKIE)
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.contains(crate::auth::SESSION_COOKIE))
}

/// The middleware. Writes (any non-GET request) invalidate the cache once they have run.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let resp = next.run(req).await;
        state.page_cache.invalidate();
        return resp;
    }
    if !cacheable(&req) {
        return next.run(req).await;
    }
    let large =
        crate::auth::large_text(&axum_extra::extract::CookieJar::from_headers(req.headers()));
    let key = format!("{}|{}", u8::from(large), req.uri());
    if let Some((headers, body)) = state.page_cache.get(&key) {
        let mut resp = Response::new(Body::from(body));
        *resp.headers_mut() = headers;
        // Says where the page came from, for operators and tests.
        resp.headers_mut()
            .insert("x-cache", axum::http::HeaderValue::from_static("hit"));
        return resp;
    }
    let generation = state.page_cache.generation.load(Ordering::SeqCst);
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK || resp.headers().contains_key(header::SET_COOKIE) {
        return resp;
    }
    // Rendered pages are whole strings, so their exact size is known before reading them.
    let small = http_body::Body::size_hint(resp.body())
        .upper()
        .is_some_and(|n| n as usize <= MAX_PAGE_BYTES);
    if !small {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => {
            state
                .page_cache
                .put(key, generation, parts.headers.clone(), bytes.clone());
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => {
            tracing::error!("page cache could not read a response body: {e}");
            let mut r = Response::new(Body::from("服务暂时不可用，请刷新重试。"));
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            r
        }
    }
}
