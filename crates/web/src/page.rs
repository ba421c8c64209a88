//! Rendering: the embedded templates, the context every public page shares, pagination.

use std::sync::LazyLock;

use axum::http::StatusCode;
use axum::response::Html;
use minijinja::Environment;
use serde_json::{json, Value};

use crate::error::WebResult;

static ENV: LazyLock<Environment<'static>> = LazyLock::new(crate::templates::environment);

/// Renders `name` with `ctx`.
pub fn render(name: &str, ctx: &Value) -> WebResult<Html<String>> {
    Ok(Html(ENV.get_template(name)?.render(ctx)?))
}

/// The styled error page. Rendering it must not fail; if it does, a plain page is returned.
pub fn error_page(
    status: StatusCode,
    title: &str,
    message: &str,
    large_text: bool,
    path: &str,
) -> Html<String> {
    let ctx = json!({
        "status": status.as_u16(),
        "title": title,
        "message": message,
        "back_url": "/",
        "site": null,
        "portal": {"title": "政府门户网站", "url": "/"},
        "nav": [],
        "large_text": large_text,
        "toggle_large_text_url": format!("/large-text?back={}", urlencoding::encode(path)),
        "search_url": "/search",
        "q": null,
        "breadcrumbs": [],
        "page_title": title,
    });
    match ENV.get_template("error.html").and_then(|t| t.render(&ctx)) {
        Ok(html) => Html(html),
        Err(e) => {
            tracing::error!("error page failed to render: {e:#}");
            Html(format!("<!doctype html><html lang=\"zh-CN\"><title>{title}</title><h1>{title}</h1><p>{message}</p><p><a href=\"/\">返回首页</a></p></html>"))
        }
    }
}

/// The `pagination` object of the templates: page links around the current page, with ellipses.
pub fn pagination(page: i64, per_page: i64, total: i64, url_for: impl Fn(i64) -> String) -> Value {
    let pages = ((total + per_page - 1) / per_page).max(1);
    let mut list = Vec::new();
    let mut last = 0;
    for n in 1..=pages {
        if n == 1 || n == pages || (n - page).abs() <= 2 {
            if last != 0 && n - last > 1 {
                list.push(json!({"n": "…", "url": null, "current": false}));
            }
            list.push(json!({"n": n, "url": url_for(n), "current": n == page}));
            last = n;
        }
    }
    json!({
        "page": page,
        "pages": pages,
        "total": total,
        "prev_url": (page > 1).then(|| url_for(page - 1)),
        "next_url": (page < pages).then(|| url_for(page + 1)),
        "pages_list": list,
    })
}

/// Merges `extra` into `base` (objects only); `extra` wins.
pub fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        for (k, v) in e {
            b.insert(k, v);
        }
    }
    base
}

pub fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

pub fn datetime(t: chrono::NaiveDateTime) -> String {
    // Stored in UTC; shown in China Standard Time.
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The `published_at` of an item as a Chinese-time date.
pub fn published_date(t: Option<chrono::NaiveDateTime>) -> String {
    t.map(|t| {
        (t + chrono::Duration::hours(8))
            .format("%Y-%m-%d")
            .to_string()
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_elides_distant_pages() {
        let p = pagination(10, 20, 1000, |n| format!("?page={n}"));
        assert_eq!(p["pages"], 50);
        let ns: Vec<String> = p["pages_list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["n"].to_string())
            .collect();
        assert_eq!(
            ns,
            ["1", "\"…\"", "8", "9", "10", "11", "12", "\"…\"", "50"]
        );
        assert_eq!(p["prev_url"], "?page=9");
        let one = pagination(1, 20, 0, |n| format!("?page={n}"));
        assert_eq!(
            (one["pages"].as_i64(), one["next_url"].is_null()),
            (Some(1), true)
        );
    }
}
