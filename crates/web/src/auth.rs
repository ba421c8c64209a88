//! Staff sign-in, sessions from the database, CSRF tokens, and the large-text preference.
//!
//! Signed-in forms carry the session's CSRF token; anonymous forms (sign-in, the public forms)
//! use a double-submit token: a random `gk_csrf` cookie (SameSite=Strict) echoed in the form.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use axum_extra::extract::Form;
use gongkai_domain::role::{allowed, Grant, Permission};
use gongkai_storage::audit::{self, Change};
use gongkai_storage::session;
use gongkai_storage::user::{self, LoginFailure, User, UserGrant};
use gongkai_storage::Actor;
use serde::Deserialize;
use serde_json::json;

use crate::app::AppState;
use crate::error::{WebError, WebResult};
use crate::page;

pub const SESSION_COOKIE: &str = "gk_session";
pub const CSRF_COOKIE: &str = "gk_csrf";
pub const LARGE_TEXT_COOKIE: &str = "gk_large";

/// A signed-in member of staff, with their grants and the session's CSRF token.
#[derive(Clone)]
pub struct Staff {
    pub user: User,
    pub grants: Vec<UserGrant>,
    pub domain_grants: Vec<Grant>,
    pub csrf: String,
    pub ip: Option<String>,
    /// The large-text preference (适老化) applies in the back office too.
    pub large_text: bool,
}

impl Staff {
    pub fn actor(&self) -> Actor {
        self.user.actor(self.ip.clone())
    }

    pub fn can(&self, p: Permission, org_path: &str) -> bool {
        allowed(&self.domain_grants, p, org_path)
    }

    pub fn require(&self, p: Permission, org_path: &str) -> WebResult<()> {
        if self.can(p, org_path) {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }

    /// Whether the user holds `p` anywhere (to show a menu entry or a list page at all).
    pub fn has_any(&self, p: Permission) -> bool {
        self.domain_grants.iter().any(|g| g.role.grants(p))
    }

    pub fn is_platform_admin(&self) -> bool {
        self.domain_grants
            .iter()
            .any(|g| g.role == gongkai_domain::role::Role::PlatformAdmin)
    }

    /// Refuses a state-changing request whose form token is not this session's.
    pub fn check_csrf(&self, token: &str) -> WebResult<()> {
        if constant_time_eq(token.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn client_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// The client's address when the server knows it (always, under `serve`).
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let back = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/admin".into());
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
            return Err(WebError::SignInRequired { back });
        };
        let ip = client_ip(parts);
        let found = state
            .run(move |conn| {
                let Some((s, user)) = session::resume(conn, &token, gongkai_storage::now())? else {
                    return Ok(None);
                };
                let grants = user::grants_of(conn, user.id)?;
                Ok(Some((s, user, grants)))
            })
            .await?;
        let Some((s, user, grants)) = found else {
            return Err(WebError::SignInRequired { back });
        };
        Ok(Staff {
            domain_grants: user::domain_grants(&grants),
            user,
            grants,
            csrf: s.csrf_token,
            ip,
            large_text: large_text(&jar),
        })
    }
}

/// Whether the visitor chose the large-text mode (适老化).
pub fn large_text(jar: &CookieJar) -> bool {
    jar.get(LARGE_TEXT_COOKIE).is_some_and(|c| c.value() == "1")
}

/// A local path to return to; anything else (other hosts, `//evil`) becomes `/`.
pub fn safe_back(back: Option<&str>) -> String {
    match back {
        Some(b)
            if b.starts_with('/')
                && !b.starts_with("//")
                && !b.starts_with("/\\")
                && b.len() < 2000 =>
        {
            b.to_string()
        }
        _ => "/".into(),
    }
}

#[derive(Deserialize)]
pub struct BackParam {
    back: Option<String>,
}

/// `GET /large-text?back=/path`: flips the preference (a year-long cookie) and returns.
pub async fn toggle_large_text(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<BackParam>,
) -> impl IntoResponse {
    let on = !large_text(&jar);
    let cookie = Cookie::build((LARGE_TEXT_COOKIE, if on { "1" } else { "0" }))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .permanent();
    (jar.add(cookie), Redirect::to(&safe_back(q.back.as_deref())))
}

/// The anonymous CSRF token: the existing cookie's, or a new one set on the returned jar.
pub fn anon_csrf(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    if let Some(c) = jar.get(CSRF_COOKIE) {
        let v = c.value().to_string();
        return (jar, v);
    }
    let token = session::random_token();
    let cookie = Cookie::build((CSRF_COOKIE, token.clone()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure);
    (jar.add(cookie), token)
}

pub fn check_anon_csrf(jar: &CookieJar, form_token: &str) -> WebResult<()> {
    match jar.get(CSRF_COOKIE) {
        Some(c)
            if !form_token.is_empty()
                && constant_time_eq(c.value().as_bytes(), form_token.as_bytes()) =>
        {
            Ok(())
        }
        _ => Err(WebError::Csrf),
    }
}

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: Option<String>,
}

fn login_page(
    jar: CookieJar,
    secure: bool,
    username: &str,
    back: &str,
    message: Option<&str>,
    errors: serde_json::Value,
) -> WebResult<Response> {
    let (jar, csrf) = anon_csrf(jar, secure);
    let html = page::render(
        "admin/login.html",
        &json!({
            "csrf": csrf,
            "values": {"username": username, "back": back},
            "back": back,
            "errors": errors,
            "message": message,
            "page_title": "工作人员登录",
            "large_text": large_text(&jar),
            "toggle_large_text_url": format!("/large-text?back={}", urlencoding::encode("/admin/login")),
        }),
    )?;
    Ok((jar, html).into_response())
}

pub async fn login_form(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<BackParam>,
) -> WebResult<Response> {
    let back = safe_back(q.back.as_deref().or(Some("/admin")));
    login_page(jar, state.config.secure_cookies, "", &back, None, json!({}))
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> WebResult<Response> {
    check_anon_csrf(&jar, &form.csrf)?;
    let back = safe_back(form.back.as_deref().or(Some("/admin")));
    if !state
        .limiter
        .allow(&format!("login:{}", ip.clone().unwrap_or_default()))
    {
        return Err(WebError::TooManyRequests);
    }
    let username = form.username.trim().to_string();
    let password = form.password.clone();
    let ip2 = ip.clone();
    let outcome = state
        .run(move |conn| {
            let now = gongkai_storage::now();
            match user::authenticate(conn, &username, &password, now)? {
                Ok(u) => {
                    let (token, _) = session::start(conn, u.id, now)?;
                    audit::record(
                        conn,
                        &u.actor(ip2),
                        Change {
                            action: "user.login",
                            entity: "user",
                            entity_id: u.id.to_string(),
                            org_id: Some(u.org_id),
                            summary: format!("{} signed in", u.username),
                            before: None,
                            after: None,
                        },
                    )?;
                    Ok(Ok(token))
                }
                Err(f) => Ok(Err(f)),
            }
        })
        .await?;
    match outcome {
        Ok(token) => {
            let cookie = Cookie::build((SESSION_COOKIE, token))
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(state.config.secure_cookies);
            Ok((jar.add(cookie), Redirect::to(&back)).into_response())
        }
        Err(failure) => {
            let message = match failure {
                LoginFailure::BadCredentials => "用户名或密码错误。".to_string(),
                LoginFailure::Disabled => "该账号已停用，请联系管理员。".to_string(),
                LoginFailure::Locked { until } => format!(
                    "连续登录失败次数过多，账号已锁定至 {}，请稍后再试。",
                    page::datetime(until)
                ),
            };
            let mut resp = login_page(
                jar,
                state.config.secure_cookies,
                form.username.trim(),
                &back,
                Some(&message),
                json!({"_form": message}),
            )?;
            *resp.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            Ok(resp)
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    jar: CookieJar,
    Form(form): Form<CsrfOnly>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    if let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
        state
            .run(move |conn| Ok(session::end(conn, &token)?))
            .await?;
    }
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to("/admin/login"),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_links_stay_on_this_site() {
        assert_eq!(safe_back(Some("/s/jyj/")), "/s/jyj/");
        assert_eq!(safe_back(Some("//evil.example/")), "/");
        assert_eq!(safe_back(Some("https://evil.example/")), "/");
        assert_eq!(safe_back(Some("/\\evil")), "/");
        assert_eq!(safe_back(None), "/");
        assert!(
            constant_time_eq(b"abc", b"abc")
                && !constant_time_eq(b"abc", b"abd")
                && !constant_time_eq(b"a", b"ab")
        );
    }
}

/// 查询 — the public look-up form of a tracked submission (a request, a letter): code, password
/// and the anonymous CSRF token. One shape and one set of checks for every tracking page.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct TrackForm {
    pub code: String,
    pub password: String,
    pub csrf: String,
}

impl TrackForm {
    /// Checks the CSRF token and the rate limit of `bucket` for this client (errors), then the
    /// fields: the trimmed code, or field errors naming what is missing.
    pub fn check(
        &self,
        state: &crate::app::AppState,
        jar: &axum_extra::extract::CookieJar,
        ip: Option<&str>,
        bucket: &str,
    ) -> crate::error::WebResult<Result<String, gongkai_domain::item::FieldErrors>> {
        check_anon_csrf(jar, &self.csrf)?;
        if !state
            .limiter
            .allow(&format!("{bucket}:{}", ip.unwrap_or_default()))
        {
            return Err(crate::error::WebError::TooManyRequests);
        }
        let code = self.code.trim().to_string();
        let mut errors = gongkai_domain::item::FieldErrors::default();
        if code.is_empty() {
            errors.add("code", "请填写查询码");
        }
        if self.password.trim().is_empty() {
            errors.add("password", "请填写查询密码");
        }
        Ok(if errors.is_empty() {
            Ok(code)
        } else {
            Err(errors)
        })
    }
}
