//! 订阅与开放数据 — RSS 2.0 and Atom feeds per site and per column, and the open-data export
//! of the catalogue's metadata and of trading announcements as CSV, JSON and XLSX, with the
//! same filters as the lists (documented in the OpenAPI and `docs/key-areas.md`).

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{NaiveDateTime, TimeZone};
use gongkai_domain::catalogue::{Genre, Validity};
use gongkai_storage::item::{self, ItemQuery, ItemSummary};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::json_error;
use crate::app::AppState;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feed.rss", get(portal_rss))
        .route("/feed.atom", get(portal_atom))
        .route("/s/{slug}/feed.rss", get(site_rss))
        .route("/s/{slug}/feed.atom", get(site_atom))
        .route("/s/{slug}/c/{column}/feed.rss", get(column_rss))
        .route("/s/{slug}/c/{column}/feed.atom", get(column_atom))
        .route("/open-data/{file}", get(open_data))
        .route("/s/{slug}/sitemap.xml", get(site_sitemap))
}

/// Entries per feed: enough for a reader polling daily.
const FEED_LEN: i64 = 50;

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Publication times are stored in UTC; feeds state them with their offset.
fn utc(t: NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.from_utc_datetime(&t)
}

struct Feed {
    title: String,
    /// The page the feed is about (absolute).
    link: String,
    /// The feed's own address without extension (absolute).
    self_base: String,
    entries: Vec<Entry>,
}

struct Entry {
    title: String,
    link: String,
    published: NaiveDateTime,
    summary: String,
}

impl Feed {
    fn rss(&self) -> String {
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
        x.push_str(&format!(
            "<title>{}</title>\n<link>{}</link>\n<description>{}</description>\n<language>zh-cn</language>\n<atom:link href=\"{}.rss\" rel=\"self\" type=\"application/rss+xml\"/>\n",
            xml_escape(&self.title),
            xml_escape(&self.link),
            xml_escape(&format!("{}最新发布的信息", self.title)),
            xml_escape(&self.self_base),
        ));
        if let Some(first) = self.entries.first() {
            x.push_str(&format!(
                "<lastBuildDate>{}</lastBuildDate>\n",
                utc(first.published).to_rfc2822()
            ));
        }
        for e in &self.entries {
            x.push_str(&format!(
                "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"true\">{}</guid>\n<pubDate>{}</pubDate>\n<description>{}</description>\n</item>\n",
                xml_escape(&e.title),
                xml_escape(&e.link),
                xml_escape(&e.link),
                utc(e.published).to_rfc2822(),
                xml_escape(&e.summary),
            ));
        }
        x.push_str("</channel>\n</rss>\n");
        x
    }

    fn atom(&self) -> String {
        let updated = self
            .entries
            .first()
            .map(|e| e.published)
            .unwrap_or_else(|| chrono::DateTime::UNIX_EPOCH.naive_utc());
        let mut x = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n",
        );
        x.push_str(&format!(
            "<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}.atom\"/>\n<updated>{}</updated>\n<author><name>{}</name></author>\n",
            xml_escape(&self.title),
            xml_escape(&format!("{}.atom", self.self_base)),
            xml_escape(&self.link),
            xml_escape(&self.self_base),
            utc(updated).to_rfc3339(),
            xml_escape(&self.title),
        ));
        for e in &self.entries {
            x.push_str(&format!(
                "<entry>\n<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<published>{}</published>\n<updated>{}</updated>\n<summary>{}</summary>\n</entry>\n",
                xml_escape(&e.title),
                xml_escape(&e.link),
                xml_escape(&e.link),
                utc(e.published).to_rfc3339(),
                utc(e.published).to_rfc3339(),
                xml_escape(&e.summary),
            ));
        }
        x.push_str("</feed>\n");
        x
    }
}

/// The absolute base for links: the configured public address, or the request's host.
fn base_url(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    if !state.config.public_url.is_empty() {
        return state.config.public_url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

fn entry(dir: &Directory, base: &str, i: &ItemSummary) -> Option<Entry> {
    let mut summary = vec![dir.org_name(i.org_id)];
    if let Some(n) = &i.index_number {
        summary.push(format!("索引号：{n}"));
    }
    if let Some(d) = &i.doc_number {
        summary.push(format!("文号：{d}"));
    }
    Some(Entry {
        title: i.title.clone(),
        link: format!("{base}/items/{}", i.id),
        published: i.published_at?,
        summary: summary.join("　"),
    })
}

enum Scope {
    Portal,
    Site(String),
    Column(String, String),
}

#[derive(Clone, Copy)]
enum Format {
    Rss,
    Atom,
}

async fn feed(
    state: AppState,
    headers: axum::http::HeaderMap,
    scope: Scope,
    format: Format,
) -> WebResult<Response> {
    let dir = state.directory().await?;
    let base = base_url(&state, &headers);
    let mut q = ItemQuery {
        per_page: FEED_LEN,
        ..ItemQuery::public()
    };
    let (title, page, self_path) = match &scope {
        Scope::Portal => {
            let portal = dir.portal().ok_or(WebError::NotFound)?;
            (portal.title.clone(), "/".to_string(), "/feed".to_string())
        }
        Scope::Site(slug) => {
            let site = dir.site_by_slug(slug).ok_or(WebError::NotFound)?;
            q.site_id = Some(site.id);
            (
                site.title.clone(),
                dir.site_url(site),
                format!("/s/{slug}/feed"),
            )
        }
        Scope::Column(slug, col) => {
            let site = dir.site_by_slug(slug).ok_or(WebError::NotFound)?;
            let column = dir
                .columns_of(site.id)
                .find(|c| &c.slug == col)
                .ok_or(WebError::NotFound)?;
            q.column_id = Some(column.id);
            (
                format!("{} — {}", site.title, column.name),
                dir.column_url(column),
                format!("/s/{slug}/c/{col}/feed"),
            )
        }
    };
    let rows = state
        .run(move |conn| Ok(item::list(conn, &q)?.rows))
        .await?;
    let feed = Feed {
        title,
        link: format!("{base}{page}"),
        self_base: format!("{base}{self_path}"),
        entries: rows.iter().filter_map(|i| entry(&dir, &base, i)).collect(),
    };
    let (ct, body) = match format {
        Format::Rss => ("application/rss+xml; charset=utf-8", feed.rss()),
        Format::Atom => ("application/atom+xml; charset=utf-8", feed.atom()),
    };
    Ok(([(header::CONTENT_TYPE, ct)], body).into_response())
}

async fn portal_rss(State(s): State<AppState>, h: axum::http::HeaderMap) -> WebResult<Response> {
    feed(s, h, Scope::Portal, Format::Rss).await
}
async fn portal_atom(State(s): State<AppState>, h: axum::http::HeaderMap) -> WebResult<Response> {
    feed(s, h, Scope::Portal, Format::Atom).await
}
async fn site_rss(
    State(s): State<AppState>,
    h: axum::http::HeaderMap,
    Path(slug): Path<String>,
) -> WebResult<Response> {
    feed(s, h, Scope::Site(slug), Format::Rss).await
}
async fn site_atom(
    State(s): State<AppState>,
    h: axum::http::HeaderMap,
    Path(slug): Path<String>,
) -> WebResult<Response> {
    feed(s, h, Scope::Site(slug), Format::Atom).await
}
async fn column_rss(
    State(s): State<AppState>,
    h: axum::http::HeaderMap,
    Path((slug, col)): Path<(String, String)>,
) -> WebResult<Response> {
    feed(s, h, Scope::Column(slug, col), Format::Rss).await
}
async fn column_atom(
    State(s): State<AppState>,
    h: axum::http::HeaderMap,
    Path((slug, col)): Path<(String, String)>,
) -> WebResult<Response> {
    feed(s, h, Scope::Column(slug, col), Format::Atom).await
}

/// Most item pages listed in one site's sitemap (the protocol allows 50,000 per file).
const SITEMAP_ITEMS: i64 = 10_000;

/// `/s/{slug}/sitemap.xml`: the site's home, its columns and its published items.
async fn site_sitemap(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(slug): Path<String>,
) -> WebResult<Response> {
    let dir = state.directory().await?;
    let site = dir.site_by_slug(&slug).ok_or(WebError::NotFound)?.clone();
    let base = base_url(&state, &headers);
    let site_id = site.id;
    let items = state
        .run(move |conn| {
            let mut out = vec![];
            for page in 1..=SITEMAP_ITEMS / 100 {
                let part = item::list(
                    conn,
                    &ItemQuery {
                        site_id: Some(site_id),
                        page,
                        per_page: 100,
                        ..ItemQuery::public()
                    },
                )?;
                let done = part.rows.len() < 100;
                out.extend(part.rows);
                if done {
                    break;
                }
            }
            Ok(out)
        })
        .await?;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut url = |loc: &str, lastmod: Option<NaiveDateTime>| {
        xml.push_str(&format!(
            "<url><loc>{}</loc>",
            xml_escape(&format!("{base}{loc}"))
        ));
        if let Some(m) = lastmod {
            xml.push_str(&format!("<lastmod>{}</lastmod>", m.format("%Y-%m-%d")));
        }
        xml.push_str("</url>\n");
    };
    url(&dir.site_url(&site), None);
    for c in dir.columns_of(site.id).filter(|c| c.link_url.is_none()) {
        url(&dir.column_url(c), None);
    }
    for i in &items {
        url(&format!("/items/{}", i.id), Some(i.updated_at));
    }
    xml.push_str("</urlset>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------- open data

/// Rows per export request; larger sets are fetched page by page (`page=2` …).
pub const EXPORT_MAX: i64 = 5_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum DataFormat {
    Csv,
    Json,
    Xlsx,
}

fn data_format(raw: &str) -> Result<DataFormat, Response> {
    match raw {
        "csv" => Ok(DataFormat::Csv),
        "json" => Ok(DataFormat::Json),
        "xlsx" => Ok(DataFormat::Xlsx),
        _ => Err(json_error(
            StatusCode::NOT_FOUND,
            "formats: csv, json, xlsx",
        )),
    }
}

/// A table as the chosen format. `columns` are (key, Chinese header); JSON uses the keys.
fn table_response(
    format: DataFormat,
    name: &str,
    columns: &[(&str, &str)],
    rows: Vec<Vec<String>>,
    total: i64,
    page: i64,
    per_page: i64,
) -> Response {
    let filename = |ext: &str| {
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.{ext}\""),
        )
    };
    let pages = ((total + per_page - 1) / per_page).max(1);
    match format {
        DataFormat::Json => {
            let records: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let mut m = serde_json::Map::new();
                    for ((k, _), v) in columns.iter().zip(r) {
                        m.insert((*k).into(), json!(v));
                    }
                    Value::Object(m)
                })
                .collect();
            axum::Json(json!({
                "dataset": name,
                "total": total,
                "page": page,
                "pages": pages,
                "per_page": per_page,
                "fields": columns.iter().map(|(k, zh)| json!({"name": k, "title": zh})).collect::<Vec<_>>(),
                "records": records,
            }))
            .into_response()
        }
        DataFormat::Csv => {
            let mut w = csv::Writer::from_writer(vec![]);
            let header_row: Vec<&str> = columns.iter().map(|(k, _)| *k).collect();
            let mut ok = w.write_record(&header_row).is_ok();
            for r in &rows {
                ok &= w.write_record(r).is_ok();
            }
            let Ok(bytes) = w.into_inner() else {
                return json_error(StatusCode::INTERNAL_SERVER_ERROR, "csv");
            };
            if !ok {
                return json_error(StatusCode::INTERNAL_SERVER_ERROR, "csv");
            }
            // A BOM so spreadsheet programs read the Chinese text as UTF-8.
            let mut body = "\u{feff}".as_bytes().to_vec();
            body.extend(bytes);
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    filename("csv"),
                    (
                        header::HeaderName::from_static("x-total-count"),
                        total.to_string(),
                    ),
                ],
                body,
            )
                .into_response()
        }
        DataFormat::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            let bold = rust_xlsxwriter::Format::new().set_bold();
            let mut result: Result<(), rust_xlsxwriter::XlsxError> = Ok(());
            for (c, (_, zh)) in columns.iter().enumerate() {
                result = result.and(sheet.write_with_format(0, c as u16, *zh, &bold).map(|_| ()));
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    result =
                        result.and(sheet.write(r as u32 + 1, c as u16, v.as_str()).map(|_| ()));
                }
            }
            match result.and_then(|_| book.save_to_buffer()) {
                Ok(bytes) => (
                    [
                        (
                            header::CONTENT_TYPE,
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                .to_string(),
                        ),
                        filename("xlsx"),
                        (
                            header::HeaderName::from_static("x-total-count"),
                            total.to_string(),
                        ),
                    ],
                    bytes,
                )
                    .into_response(),
                Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
            }
        }
    }
}

/// Filters of the catalogue export: those of the catalogue page and `GET /api/v1/items`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CatalogueExportParams {
    site: Option<String>,
    org: Option<i64>,
    genre: Option<String>,
    year: Option<i32>,
    validity: Option<String>,
    subject: Option<i64>,
    /// 社会公益事业 area code.
    welfare: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

const CATALOGUE_COLUMNS: &[(&str, &str)] = &[
    ("id", "编号"),
    ("index_number", "索引号"),
    ("title", "标题"),
    ("organisation", "发布机构"),
    ("organisation_code", "机构代码"),
    ("doc_number", "文号"),
    ("genre", "体裁"),
    ("made_on", "成文日期"),
    ("published_at", "发布日期"),
    ("validity", "有效性"),
    ("url", "网址"),
];

/// `/open-data/{dataset}.{format}`: `catalogue` or `trading`, as `csv`, `json` or `xlsx`.
async fn open_data(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (dataset, ext) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
    let format = match data_format(ext) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match dataset {
        "catalogue" => {
            let params = Query::<CatalogueExportParams>::try_from_uri(
                &format!("/?{}", raw.unwrap_or_default())
                    .parse()
                    .unwrap_or_default(),
            );
            catalogue_export(state, format, params).await
        }
        "trading" => trading_export(state, format, raw).await,
        _ => json_error(StatusCode::NOT_FOUND, "datasets: catalogue, trading"),
    }
}

async fn catalogue_export(
    state: AppState,
    format: DataFormat,
    params: Result<Query<CatalogueExportParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(p) = match params {
        Ok(p) => p,
        Err(e) => return json_error(StatusCode::UNPROCESSABLE_ENTITY, &e.body_text()),
    };
    let dir = match state.directory().await {
        Ok(d) => d,
        Err(e) => return json_error(e.status(), &e.to_string()),
    };
    let site_id = match p.site.as_deref() {
        Some(slug) => match dir.site_by_slug(slug) {
            Some(s) => Some(s.id),
            None => return json_error(StatusCode::UNPROCESSABLE_ENTITY, "unknown site"),
        },
        None => None,
    };
    let genre = match p.genre.as_deref() {
        Some(g) => match g.parse::<Genre>() {
            Ok(g) => Some(g.as_str().to_string()),
            Err(e) => return json_error(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
        },
        None => None,
    };
    let validity = match p.validity.as_deref() {
        Some(v) => match v.parse::<Validity>() {
            Ok(v) => Some(v.as_str().to_string()),
            Err(e) => return json_error(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
        },
        None => None,
    };
    let welfare_area = match p.welfare.as_deref() {
        Some(v) => match v.parse::<gongkai_domain::catalogue::WelfareArea>() {
            Ok(v) => Some(v.as_str().to_string()),
            Err(e) => return json_error(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
        },
        None => None,
    };
    if p.per_page.is_some_and(|n| !(1..=EXPORT_MAX).contains(&n)) || p.page.is_some_and(|n| n < 1) {
        return json_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("page must be ≥ 1 and per_page between 1 and {EXPORT_MAX}"),
        );
    }
    let per_page = p.per_page.unwrap_or(EXPORT_MAX);
    let page = p.page.unwrap_or(1);
    // The item list reads at most 100 rows at a time; larger pages are read in aligned chunks.
    if per_page > 100 && per_page % 100 != 0 {
        return json_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "per_page above 100 must be a multiple of 100",
        );
    }
    let q = ItemQuery {
        site_id,
        org_ids: p.org.map(|o| dir.org_subtree(o)),
        genre,
        year: p.year,
        validity,
        welfare_area,
        subject_id: p.subject,
        ..ItemQuery::public()
    };
    let result = match state
        .run(move |conn| {
            let chunk = per_page.min(100);
            let first = (page - 1) * (per_page / chunk) + 1;
            let mut rows = vec![];
            let mut total = 0;
            for n in 0..per_page / chunk {
                let part = item::list(
                    conn,
                    &ItemQuery {
                        page: first + n,
                        per_page: chunk,
                        ..q.clone()
                    },
                )?;
                total = part.total;
                let short = (part.rows.len() as i64) < chunk;
                rows.extend(part.rows);
                if short {
                    break;
                }
            }
            Ok(gongkai_storage::Page {
                rows,
                total,
                page,
                per_page,
            })
        })
        .await
    {
        Ok(r) => r,
        Err(e) => return json_error(e.status(), &e.to_string()),
    };
    let label = |g: &str| {
        g.parse::<Genre>()
            .map(|g| g.label_zh().to_string())
            .unwrap_or_else(|_| g.to_string())
    };
    let rows: Vec<Vec<String>> = result
        .rows
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                i.index_number.clone().unwrap_or_default(),
                i.title.clone(),
                dir.org_name(i.org_id),
                dir.org(i.org_id)
                    .map(|o| o.code.clone())
                    .unwrap_or_default(),
                i.doc_number.clone().unwrap_or_default(),
                label(&i.genre),
                i.made_on.map(|d| d.to_string()).unwrap_or_default(),
                i.published_at
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default(),
                i.validity
                    .parse::<Validity>()
                    .map(|v| v.label_zh().to_string())
                    .unwrap_or_else(|_| i.validity.clone()),
                format!("{}/items/{}", state.config.public_url, i.id),
            ]
        })
        .collect();
    table_response(
        format,
        "catalogue",
        CATALOGUE_COLUMNS,
        rows,
        result.total,
        result.page,
        result.per_page,
    )
}

const TRADING_COLUMNS: &[(&str, &str)] = &[
    ("id", "编号"),
    ("category", "交易类别"),
    ("type", "公告类型"),
    ("title", "公告标题"),
    ("project_code", "项目编号"),
    ("project_name", "项目名称"),
    ("purchaser", "采购人（招标人）"),
    ("organisation", "发布机构"),
    ("budget", "预算金额（元）"),
    ("winner", "中标（成交）单位"),
    ("winning_price", "中标（成交）金额（元）"),
    ("published_at", "发布时间"),
    ("deadline_at", "截止时间"),
    ("opening_at", "开标时间"),
    ("url", "网址"),
];

async fn trading_export(state: AppState, format: DataFormat, raw: Option<String>) -> Response {
    let (page, projects) = match crate::trading::filtered(&state, raw, EXPORT_MAX).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let dir = match state.directory().await {
        Ok(d) => d,
        Err(e) => return json_error(e.status(), &e.to_string()),
    };
    let amount = |f: Option<i64>| {
        f.map(|f| gongkai_domain::trading::format_amount(f).replace(',', ""))
            .unwrap_or_default()
    };
    let dt = |t: Option<NaiveDateTime>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    let rows: Vec<Vec<String>> = page
        .rows
        .iter()
        .map(|a| {
            let p = projects.get(&a.project_id);
            let kind = a.kind.parse::<gongkai_domain::trading::TradingType>().ok();
            vec![
                a.id.to_string(),
                kind.map(|k| k.category().label_zh().to_string())
                    .unwrap_or_else(|| a.category.clone()),
                kind.map(|k| k.label_zh().to_string())
                    .unwrap_or_else(|| a.kind.clone()),
                a.title.clone(),
                p.map(|p| p.code.clone()).unwrap_or_default(),
                p.map(|p| p.name.clone()).unwrap_or_default(),
                a.purchaser.clone(),
                dir.org_name(a.org_id),
                amount(a.budget_fen),
                a.winner.clone().unwrap_or_default(),
                amount(a.winning_price_fen),
                dt(Some(a.published_at)),
                dt(a.deadline_at),
                dt(a.opening_at),
                format!("{}/trading/{}", state.config.public_url, a.id),
            ]
        })
        .collect();
    table_response(
        format,
        "trading",
        TRADING_COLUMNS,
        rows,
        page.total,
        page.page,
        page.per_page,
    )
}

/// The OpenAPI paths of trading, feeds and open data (merged into `/api/v1/openapi.json`).
pub fn openapi_paths() -> Value {
    let trading_filters: Vec<Value> = [
        (
            "category",
            "交易类别: construction, procurement, land, property_rights (or the Chinese label)",
        ),
        (
            "type",
            "公告类型 code, e.g. procurement_award, or its label within the category",
        ),
        (
            "org",
            "publishing organisation id (its sub-organisations included)",
        ),
        ("from", "published on or after, YYYY-MM-DD"),
        ("to", "published on or before, YYYY-MM-DD"),
        (
            "min",
            "amount at least (winning price, else budget), yuan; 万元 accepted",
        ),
        ("max", "amount at most"),
        ("q", "words in the title or purchaser"),
        ("page", "page number from 1"),
        ("per_page", "rows per page"),
    ]
    .iter()
    .map(|(n, d)| json!({"name": n, "in": "query", "schema": {"type": "string"}, "description": d}))
    .collect();
    let format_param = json!({"name": "format", "in": "path", "required": true, "schema": {"type": "string", "enum": ["csv", "json", "xlsx"]}});
    let catalogue_filters: Vec<Value> = ["site", "genre", "validity", "welfare"]
        .iter()
        .map(|n| json!({"name": n, "in": "query", "schema": {"type": "string"}}))
        .chain(
            ["org", "year", "subject", "page", "per_page"]
                .iter()
                .map(|n| json!({"name": n, "in": "query", "schema": {"type": "integer"}})),
        )
        .chain(std::iter::once(format_param.clone()))
        .collect();
    let mut trading_export_params = trading_filters.clone();
    trading_export_params.push(format_param);
    let table = json!({
        "200": {"description": "the rows: CSV (UTF-8 with BOM, header of field names, X-Total-Count), JSON ({dataset, total, page, pages, per_page, fields, records}) or XLSX (Chinese headers)",
                "content": {"text/csv": {}, "application/json": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
        "422": {"description": "invalid filter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    });
    let feed = |what: &str| json!({"get": {"summary": what, "responses": {"200": {"description": "the feed", "content": {"application/rss+xml": {}, "application/atom+xml": {}}}, "404": {"description": "no such site or column"}}}});
    json!({
        "/api/v1/trading": {"get": {"summary": "List public resource trading announcements (公共资源交易)", "parameters": trading_filters,
            "responses": {"200": {"description": "{total, page, per_page, announcements: [{id, source_id, category, type, type_label, title, project_code, project_name, purchaser, organisation, budget, winner, winning_price, published_at, deadline_at, opening_at, url}]}"},
                          "422": {"description": "invalid filter, with the fields at fault", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
        "/api/v1/trading/import": {"post": {"summary": "Import trading announcements (JSON lines, or CSV with Content-Type text/csv); see docs/key-areas.md",
            "security": [{"bearer": []}],
            "requestBody": {"required": true, "content": {"application/x-ndjson": {}, "text/csv": {}}},
            "responses": {"200": {"description": "{created, updated, errors: [{line, message}]}: bad lines are reported, good lines imported"}, "401": {"description": "no or bad token"}}}},
        "/api/v1/trading/counts/{year}": {"get": {"summary": "Announcements of a year counted by category and type, per organisation level and in all (annual report 二（四）3)",
            "parameters": [{"name": "year", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "{year, all: {total, categories: [{category, label, total, types: [{type, label, count}]}], sentence}, levels: [{level, counts}]}"}}}},
        "/api/v1/key-areas/counts/{year}": {"get": {"summary": "Key-area figures of a year for the annual report: catalogue items by channel and organisation level, service guides (办事指南) by level, major-project (重大项目) items by kind, published gazette (政府公报) issues and the items they carried, items by public-welfare area (社会公益事业); every total is the sum of the parts beside it",
            "parameters": [{"name": "year", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "{year, channels: {rows: [{channel, label, by_level: {city, county, township}, total}], by_level, total}, service_guides: {by_level, total}, major_projects: {rows: [{kind, label, count}], total}, gazette: {issues, items}, welfare: {rows: [{area, label, count}], total}}"},
                          "400": {"description": "not a year"}}}},
        "/api/v1/service-cases/import": {"post": {"summary": "Import case statuses (办件) from an approval system as JSON lines; see docs/key-areas.md",
            "security": [{"bearer": []}],
            "requestBody": {"required": true, "content": {"application/x-ndjson": {}}},
            "responses": {"200": {"description": "{created, updated, errors: [{line, message}]}: bad lines are reported, good lines imported"}, "401": {"description": "no or bad token"}}}},
        "/open-data/catalogue.{format}": {"get": {"summary": "Open data: metadata of published catalogue items", "parameters": catalogue_filters, "responses": table.clone()}},
        "/open-data/trading.{format}": {"get": {"summary": "Open data: trading announcements", "parameters": trading_export_params, "responses": table}},
        "/feed.rss": feed("RSS 2.0 feed of the portal (also /feed.atom)"),
        "/s/{site}/feed.rss": feed("RSS 2.0 feed of a site (also feed.atom)"),
        "/s/{site}/c/{column}/feed.rss": feed("RSS 2.0 feed of a column (also feed.atom)"),
    })
}
