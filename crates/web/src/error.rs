//! The one error type of the web crate, mapped once to HTTP: a styled Chinese page for browsers,
//! JSON for the API (see `api::ApiError`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::item::FieldErrors;
use gongkai_storage::StorageError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum WebError {
    #[error("页面不存在")]
    NotFound,
    #[error("该信息已删除")]
    Gone,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("您没有权限进行此操作")]
    Forbidden,
    /// Not signed in: browsers are sent to the sign-in page.
    #[error("请先登录")]
    SignInRequired { back: String },
    #[error("表单已过期或来源无效，请返回刷新页面后重新提交")]
    Csrf,
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedType(String),
    #[error("提交过于频繁，请稍后再试")]
    TooManyRequests,
    #[error("{0}")]
    Conflict(String),
    #[error("字段有误：{0}")]
    Invalid(FieldErrors),
    #[error("服务器内部错误：{0}")]
    Internal(String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Gone => StatusCode::GONE,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Unprocessable(_) | WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::SignInRequired { .. } => StatusCode::UNAUTHORIZED,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::UnsupportedType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The short title shown as the error page's heading.
    pub fn title(&self) -> &'static str {
        match self.status().as_u16() {
            404 => "页面不存在",
            410 => "信息已删除",
            400 | 422 => "请求有误",
            403 => "无权访问",
            401 => "请先登录",
            413 => "文件过大",
            415 => "文件类型不支持",
            429 => "请求过于频繁",
            409 => "操作冲突",
            _ => "服务暂时不可用",
        }
    }
}

impl From<StorageError> for WebError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound { .. } => WebError::NotFound,
            StorageError::Invalid(f) => WebError::Invalid(f),
            StorageError::Domain(d) => WebError::Unprocessable(d.to_string()),
            StorageError::Conflict(m) => WebError::Conflict(m),
            StorageError::Forbidden(_) => WebError::Forbidden,
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<gongkai_domain::DomainError> for WebError {
    fn from(e: gongkai_domain::DomainError) -> Self {
        WebError::Unprocessable(e.to_string())
    }
}

impl From<minijinja::Error> for WebError {
    fn from(e: minijinja::Error) -> Self {
        WebError::Internal(format!("template: {e:#}"))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::SignInRequired { back } = &self {
            return Redirect::to(&format!("/admin/login?back={}", urlencoding::encode(back)))
                .into_response();
        }
        let status = self.status();
        if status.is_server_error() {
            tracing::error!("{self}");
        }
        let message = match &self {
            // Internal details go to the log, not to the visitor.
            WebError::Internal(_) => "服务器处理请求时出错，请稍后再试。".to_string(),
            other => other.to_string(),
        };
        // The styled page is rendered once, by `render_errors`, which sees the request (the
        // visitor's large-text preference, the page to come back to). The plain message is what
        // is left if a response ever bypasses that middleware.
        let mut resp = (status, message.clone()).into_response();
        resp.extensions_mut().insert(ErrorInfo {
            title: self.title(),
            message,
        });
        resp
    }
}

/// What an error page says, kept on the response for the middleware that renders it.
#[derive(Clone)]
pub struct ErrorInfo {
    pub title: &'static str,
    pub message: String,
}

/// Middleware: renders error pages in the site's style, honouring the large-text cookie and
/// toggling back to the page they are on.
pub async fn render_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let large =
        crate::auth::large_text(&axum_extra::extract::CookieJar::from_headers(req.headers()));
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    match resp.extensions().get::<ErrorInfo>().cloned() {
        Some(info) => {
            let status = resp.status();
            let (mut parts, _) = resp.into_parts();
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            parts.headers.insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("text/html; charset=utf-8"),
            );
            let html = crate::page::error_page(status, info.title, &info.message, large, &path);
            Response::from_parts(parts, axum::body::Body::from(html.0))
        }
        None => resp,
    }
}

pub type WebResult<T> = Result<T, WebError>;
