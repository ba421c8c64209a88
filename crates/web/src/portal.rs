//! The public site: portal home, sub-sites, columns, item pages, attachments, the catalogue,
//! annual reports, the guide, and the 我为政府网站找错 form.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::{CookieJar, Form};
use gongkai_domain::catalogue::{Genre, Validity, WelfareArea};
use gongkai_domain::org::OrgLevel;
use gongkai_domain::site::Module;
use gongkai_domain::workflow::ItemStatus;
use gongkai_storage::item::{self, Facet, ItemQuery, ItemSummary};
use gongkai_storage::site::{Column, Site};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::auth::{anon_csrf, check_anon_csrf, large_text};
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page::{self, merge, pagination};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(portal_home))
        .route("/sites", get(site_list))
        .route("/s/{slug}/", get(site_home))
        .route("/s/{slug}", get(site_home_redirect))
        .route("/s/{slug}/c/{column}/", get(column_page))
        .route("/items/{id}", get(item_page))
        .route("/items/{id}/attachments/{aid}", get(attachment))
        .route("/catalogue", get(catalogue))
        .route("/annual-reports", get(annual_reports))
        .route("/guide", get(guide))
        .route("/sitemap.xml", get(sitemap))
        .route(
            "/report-error",
            get(report_error_form).post(report_error_submit),
        )
        .route(
            "/request",
            get(crate::request::form).post(crate::request::submit),
        )
        .route(
            "/request/track",
            get(crate::request::track_form).post(crate::request::track),
        )
        .route(
            "/request/track/files/{fid}",
            post(crate::request::track_file),
        )
}

/// Everything a public page needs to know about where it is.
pub struct Here {
    pub dir: Arc<Directory>,
    pub site: Site,
    pub large_text: bool,
    pub path: String,
}

impl Here {
    pub async fn of_site(
        state: &AppState,
        site: Option<Site>,
        jar: &CookieJar,
        path: &str,
    ) -> WebResult<Here> {
        let dir = state.directory().await?;
        let site = match site {
            Some(s) => s,
            None => dir.portal().cloned().ok_or(WebError::NotFound)?,
        };
        Ok(Here {
            dir,
            site,
            large_text: large_text(jar),
            path: path.to_string(),
        })
    }

    pub async fn of_slug(
        state: &AppState,
        slug: &str,
        jar: &CookieJar,
        path: &str,
    ) -> WebResult<Here> {
        let dir = state.directory().await?;
        let site = dir.site_by_slug(slug).cloned().ok_or(WebError::NotFound)?;
        Ok(Here {
            dir,
            site,
            large_text: large_text(jar),
            path: path.to_string(),
        })
    }

    /// The context keys of `base.html`.
    pub fn base(
        &self,
        page_title: Option<&str>,
        current_column: Option<i64>,
        crumbs: Vec<(String, String)>,
    ) -> Value {
        let portal = self.dir.portal();
        let site_url = self.dir.site_url(&self.site);
        let mut nav = vec![
            json!({"name": "首页", "url": site_url, "current": current_column.is_none() && self.path == site_url}),
        ];
        for c in self
            .dir
            .columns_of(self.site.id)
            .filter(|c| c.parent_id.is_none())
            .take(9)
        {
            let url = self.dir.column_url(c);
            nav.push(json!({"name": c.name, "url": url, "current": Some(c.id) == current_column}));
        }
        // The key areas are platform-wide pages, not columns of a site: every site links them.
        let in_key_areas = [
            "/key-areas",
            "/trading",
            "/major-projects",
            "/welfare",
            "/service-guides",
            "/gazette",
        ]
        .iter()
        .any(|p| self.path == *p || self.path.starts_with(&format!("{p}/")));
        nav.push(json!({"name": "重点领域", "url": "/key-areas", "current": in_key_areas}));
        let mut breadcrumbs = vec![json!({"name": "首页", "url": site_url})];
        breadcrumbs.extend(
            crumbs
                .into_iter()
                .map(|(name, url)| json!({"name": name, "url": url})),
        );
        json!({
            "site": {"title": self.site.title, "slug": self.site.slug, "url": site_url, "is_portal": self.site.is_portal},
            "portal": {"title": portal.map(|p| p.title.clone()).unwrap_or_default(), "url": "/"},
            "nav": nav,
            "large_text": self.large_text,
            "toggle_large_text_url": format!("/large-text?back={}", urlencoding::encode(&self.path)),
            // A sub-site's search box sends its slug as a hidden `site` field.
            "search_url": "/search",
            "search_site": if self.site.is_portal { Value::Null } else { json!(self.site.slug) },
            "q": null,
            "breadcrumbs": if breadcrumbs.len() > 1 { json!(breadcrumbs) } else { json!([]) },
            "page_title": page_title,
            "footer_links": [
                {"name": "我为政府网站找错", "url": "/report-error"},
                {"name": "网站群导航", "url": "/sites"},
                {"name": "政府信息公开指南", "url": "/guide"},
                {"name": "站点地图", "url": "/sitemap.xml"},
                {"name": "征集调查", "url": "/surveys"},
                {"name": "在线访谈", "url": "/interviews"},
                {"name": "新闻发布会", "url": "/press-conferences"},
                {"name": "公开征求意见", "url": "/consultations"},
            ],
        })
    }

    pub fn render(
        &self,
        template: &str,
        page_title: Option<&str>,
        column: Option<i64>,
        crumbs: Vec<(String, String)>,
        extra: Value,
    ) -> WebResult<Html<String>> {
        page::render(
            template,
            &merge(self.base(page_title, column, crumbs), extra),
        )
    }
}

/// A list row as the column, catalogue and home templates show it.
pub fn item_row(dir: &Directory, i: &ItemSummary) -> Value {
    json!({
        "id": i.id,
        "title": i.title,
        "url": format!("/items/{}", i.id),
        "date": page::published_date(i.published_at),
        "index_number": i.index_number,
        "doc_number": i.doc_number,
        "org": dir.org_name(i.org_id),
    })
}

fn latest_in(
    conn: &mut gongkai_storage::AnyConnection,
    q: ItemQuery,
) -> WebResult<Vec<ItemSummary>> {
    Ok(item::latest(conn, &q)?)
}

/// Sites grouped as the portal lists them: departments of the city, then counties and districts.
fn site_groups(dir: &Directory) -> Value {
    let mut groups: BTreeMap<u8, (&str, Vec<Value>)> = BTreeMap::new();
    for s in dir.sites.iter().filter(|s| !s.is_portal) {
        let level = dir
            .org(s.org_id)
            .and_then(|o| o.level.parse::<OrgLevel>().ok())
            .unwrap_or(OrgLevel::City);
        let (key, label) = match level {
            OrgLevel::City => (0, "市政府部门"),
            OrgLevel::County => (1, "县（市、区）"),
            OrgLevel::Township => (2, "乡镇（街道）"),
        };
        groups
            .entry(key)
            .or_insert((label, vec![]))
            .1
            .push(json!({"title": s.title, "url": dir.site_url(s)}));
    }
    json!(groups
        .into_values()
        .map(|(label, sites)| json!({"label": label, "sites": sites}))
        .collect::<Vec<_>>())
}

async fn portal_home(State(state): State<AppState>, jar: CookieJar) -> WebResult<Html<String>> {
    let here = Here::of_site(&state, None, &jar, "/").await?;
    let dir = here.dir.clone();
    let site_id = here.site.id;
    // Top-level columns of the portal, by module, each with its five latest items.
    let columns: Vec<Column> = dir
        .columns_of(site_id)
        .filter(|c| c.parent_id.is_none() && c.module.is_some())
        .cloned()
        .collect();
    let (latest, per_column) = state
        .run(move |conn| {
            let latest = latest_in(
                conn,
                ItemQuery {
                    per_page: 10,
                    ..ItemQuery::public()
                },
            )?;
            let mut per_column = Vec::new();
            for c in &columns {
                per_column.push((
                    c.clone(),
                    latest_in(
                        conn,
                        ItemQuery {
                            column_id: Some(c.id),
                            per_page: 5,
                            ..ItemQuery::public()
                        },
                    )?,
                ));
            }
            Ok((latest, per_column))
        })
        .await?;
    let modules: Vec<Value> = Module::ALL
        .iter()
        .map(|m| {
            let cols: Vec<Value> = per_column
                .iter()
                .filter(|(c, _)| c.module() == Some(*m))
                .map(|(c, items)| {
                    json!({"name": c.name, "url": dir.column_url(c), "items": items.iter().map(|i| item_row(&dir, i)).collect::<Vec<_>>()})
                })
                .collect();
            json!({"name": m.label_zh(), "columns": cols})
        })
        .filter(|m| !m["columns"].as_array().is_some_and(|a| a.is_empty()))
        .collect();
    here.render("portal_home.html", None, None, vec![], json!({
        "entrances": [
            {"name": "政府信息公开指南", "url": "/guide", "description": "申请方式、受理机构、办公时间"},
            {"name": "政府信息公开目录", "url": "/catalogue", "description": "按机构、主题、体裁、年份浏览"},
            {"name": "政府信息公开年报", "url": "/annual-reports", "description": "历年政府信息公开工作年度报告"},
            {"name": "依申请公开", "url": "/request", "description": "在线提交政府信息公开申请"},
            {"name": "我为政府网站找错", "url": "/report-error", "description": "发现错误，告诉我们"},
            {"name": "领导信箱", "url": "/mailbox", "description": "给领导和部门写信，查询答复"},
        ],
        "key_areas": crate::key_areas::entrances(),
        "latest": latest.iter().map(|i| item_row(&dir, i)).collect::<Vec<_>>(),
        "modules": modules,
        "site_groups": site_groups(&dir),
    }))
}

async fn site_list(State(state): State<AppState>, jar: CookieJar) -> WebResult<Html<String>> {
    let here = Here::of_site(&state, None, &jar, "/sites").await?;
    let groups = site_groups(&here.dir);
    here.render(
        "site_list.html",
        Some("网站群导航"),
        None,
        vec![("网站群导航".into(), "/sites".into())],
        json!({"site_groups": groups}),
    )
}

async fn site_home_redirect(Path(slug): Path<String>) -> Redirect {
    Redirect::permanent(&format!("/s/{}/", urlencoding::encode(&slug)))
}

async fn site_home(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(slug): Path<String>,
) -> WebResult<Response> {
    let here = Here::of_slug(&state, &slug, &jar, &format!("/s/{slug}/")).await?;
    if here.site.is_portal {
        return Ok(Redirect::permanent("/").into_response());
    }
    let dir = here.dir.clone();
    let columns: Vec<Column> = dir
        .columns_of(here.site.id)
        .filter(|c| c.kind().holds_content() && c.body_html.is_none())
        .take(12)
        .cloned()
        .collect();
    let boxes = state
        .run(move |conn| {
            let mut out = Vec::new();
            for c in columns {
                let items = latest_in(
                    conn,
                    ItemQuery {
                        column_id: Some(c.id),
                        per_page: 6,
                        ..ItemQuery::public()
                    },
                )?;
                out.push((c, items));
            }
            Ok(out)
        })
        .await?;
    let columns: Vec<Value> = boxes
        .iter()
        .map(|(c, items)| json!({"name": c.name, "url": dir.column_url(c), "items": items.iter().map(|i| item_row(&dir, i)).collect::<Vec<_>>()}))
        .collect();
    Ok(here
        .render(
            "site_home.html",
            None,
            None,
            vec![],
            json!({"columns": columns}),
        )?
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PageParam {
    page: Option<String>,
}

/// Parses `page`: a positive number, at most `max`; anything else is a 400 naming the parameter.
pub fn parse_page(raw: Option<&str>, max: i64) -> WebResult<i64> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(1),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if n >= 1 && n <= max => Ok(n),
            _ => Err(WebError::BadRequest(format!(
                "页码 page=“{}”无效：须为 1 到 {max} 之间的整数",
                truncate(s, 20)
            ))),
        },
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

const PER_PAGE: i64 = 20;

async fn column_page(
    State(state): State<AppState>,
    jar: CookieJar,
    Path((slug, column_slug)): Path<(String, String)>,
    query: Result<Query<PageParam>, axum::extract::rejection::QueryRejection>,
) -> WebResult<Html<String>> {
    let Query(q) =
        query.map_err(|e| WebError::BadRequest(format!("查询参数无效：{}", e.body_text())))?;
    let path = format!("/s/{slug}/c/{column_slug}/");
    let here = Here::of_slug(&state, &slug, &jar, &path).await?;
    let column = here
        .dir
        .columns_of(here.site.id)
        .find(|c| c.slug == column_slug)
        .cloned()
        .ok_or(WebError::NotFound)?;
    let page_no = parse_page(q.page.as_deref(), 10_000)?;
    let mut crumbs = vec![];
    if let Some(parent) = column.parent_id.and_then(|p| here.dir.column(p)) {
        crumbs.push((parent.name.clone(), here.dir.column_url(parent)));
    }
    crumbs.push((column.name.clone(), path.clone()));
    let top = column.parent_id.unwrap_or(column.id);
    if let Some(body) = &column.body_html {
        return here.render("column.html", Some(&column.name), Some(top), crumbs, json!({
            "column": {"name": column.name, "kind": column.kind, "kind_label": column.kind().label_zh(), "description": null, "body_html": body},
            "items": [],
            "pagination": null,
        }));
    }
    // A parent column with no items of its own shows its first child's items.
    let child_ids: Vec<i64> = here
        .dir
        .columns_of(here.site.id)
        .filter(|c| c.parent_id == Some(column.id))
        .map(|c| c.id)
        .collect();
    let cid = column.id;
    let result = state
        .run(move |conn| {
            let q = ItemQuery {
                column_id: Some(cid),
                page: page_no,
                per_page: PER_PAGE,
                ..ItemQuery::public()
            };
            let mut page = item::list(conn, &q)?;
            if page.total == 0 && !child_ids.is_empty() {
                // Lists of a parent without items of its own show the first child's items.
                page = item::list(
                    conn,
                    &ItemQuery {
                        column_id: Some(child_ids[0]),
                        ..q
                    },
                )?;
            }
            Ok(page)
        })
        .await?;
    if page_no > result.pages() {
        return Err(WebError::NotFound);
    }
    let dir = &here.dir;
    let items: Vec<Value> = result.rows.iter().map(|i| item_row(dir, i)).collect();
    let pag = pagination(page_no, PER_PAGE, result.total, |n| {
        format!("{path}?page={n}")
    });
    here.render("column.html", Some(&column.name), Some(top), crumbs, json!({
        "column": {"name": column.name, "kind": column.kind, "kind_label": column.kind().label_zh(), "description": null},
        "items": items,
        "pagination": pag,
    }))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ItemParams {
    print: Option<String>,
}

async fn item_page(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<String>,
    query: Result<Query<ItemParams>, axum::extract::rejection::QueryRejection>,
) -> WebResult<Html<String>> {
    let Query(params) =
        query.map_err(|e| WebError::BadRequest(format!("查询参数无效：{}", e.body_text())))?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let (it, attachments, related, interpretations, columns, (issues, projects)) = state
        .run(move |conn| {
            let it = item::get(conn, id)?;
            let attachments = gongkai_storage::attachment::of_item(conn, id)?;
            let related = item::related(conn, id, item::RELATED)?;
            let interpretations = item::related(conn, id, item::INTERPRETATION)?;
            let columns = item::column_ids(conn, id)?;
            let form = if it.genre == Genre::Interpretation.as_str() {
                Some(gongkai_storage::interpretation::form_of(conn, id)?)
            } else {
                None
            };
            let carried = (
                gongkai_storage::gazette::issues_of_item(conn, id)?,
                gongkai_storage::major_project::of_item(conn, id)?,
            );
            Ok((
                it,
                attachments,
                related,
                (interpretations, form),
                columns,
                carried,
            ))
        })
        .await?;
    let (interpretations, interpretation_form) = interpretations;
    match it.status() {
        ItemStatus::Removed => return Err(WebError::Gone),
        s if !s.is_public() => return Err(WebError::NotFound),
        _ => {}
    }
    let dir = state.directory().await?;
    let site = dir.site(it.site_id).cloned();
    let path = format!("/items/{id}");
    let here = Here::of_site(&state, site, &jar, &path).await?;
    let column = columns
        .iter()
        .filter_map(|c| dir.column(*c))
        .find(|c| c.site_id == here.site.id)
        .cloned();
    let mut crumbs = vec![];
    if let Some(c) = &column {
        crumbs.push((c.name.clone(), dir.column_url(c)));
    }
    crumbs.push(("正文".into(), path.clone()));
    // An interpretation's relations of that kind are the policies it explains: its page links back
    // to them rather than listing them as interpretations.
    let mut header = match &interpretation_form {
        Some(_) => item_header(
            &dir,
            &it,
            &attachments,
            &related,
            &[],
            &state.config.public_url,
        ),
        None => item_header(
            &dir,
            &it,
            &attachments,
            &related,
            &interpretations,
            &state.config.public_url,
        ),
    };
    if let Some((form, video_url)) = interpretation_form {
        header["policies"] = json!(interpretations
            .iter()
            .map(|r| json!({"title": r.title, "url": format!("/items/{}", r.id)}))
            .collect::<Vec<_>>());
        header["interpretation"] = json!({"form": form.label_zh(), "video_url": video_url});
    }
    let ctx = json!({
        "item": header,
        "print": params.print.is_some(),
        "gazette_issues": issues.iter().map(|g| json!({
            "label": g.label(), "url": format!("/gazette/{}/{}", g.year, g.number),
        })).collect::<Vec<_>>(),
        "major_projects": projects.iter().map(|(p, k)| json!({
            "name": p.name, "kind": k.label_zh(), "url": format!("/major-projects/{}", p.id),
        })).collect::<Vec<_>>(),
    });
    here.render(
        "item.html",
        Some(&it.title),
        column.as_ref().map(|c| c.parent_id.unwrap_or(c.id)),
        crumbs,
        ctx,
    )
}

async fn attachment(
    State(state): State<AppState>,
    Path((id, aid)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let (a, bytes) = state
        .run(move |conn| {
            let it = item::get(conn, id)?;
            if !it.status().is_public() {
                return Err(if it.status() == ItemStatus::Removed {
                    WebError::Gone
                } else {
                    WebError::NotFound
                });
            }
            let a = gongkai_storage::attachment::get(conn, aid)?;
            if a.item_id != id {
                return Err(WebError::NotFound);
            }
            let bytes = gongkai_storage::attachment::content(conn, &a)?;
            Ok((a, bytes))
        })
        .await?;
    Ok(crate::upload::download(
        &a.file_name,
        &a.content_type,
        &a.sha256,
        "public, max-age=3600",
        bytes,
    ))
}

/// The `item` context of a page showing one item: the catalogue header exactly as portals show it
/// (索引号, 主题分类, 发布机构, 成文日期, 发布日期, 文号, 有效性 …), body, attachments, related
/// items, interpretations and the withdrawal notice. The public item page, the staff item view and
/// the preview all show this; fields of an unpublished item (索引号, 发布日期) are null.
pub(crate) fn item_header(
    dir: &Directory,
    it: &gongkai_storage::item::Item,
    attachments: &[gongkai_storage::attachment::Attachment],
    related: &[ItemSummary],
    interpretations: &[ItemSummary],
    public_url: &str,
) -> Value {
    let validity = it.validity();
    let validity_note = match (validity, it.invalid_from) {
        (Some(v @ (Validity::Expired | Validity::Repealed)), Some(d)) => {
            Some(format!("{d} 起{}", v.label_zh()))
        }
        _ => None,
    };
    let links = |items: &[ItemSummary]| {
        items
            .iter()
            .map(|r| json!({"title": r.title, "url": format!("/items/{}", r.id)}))
            .collect::<Vec<_>>()
    };
    let path = format!("/items/{}", it.id);
    json!({
        "id": it.id,
        "title": it.title,
        "index_number": it.index_number,
        "subject": it.subject_id.map(|s| dir.subject_path(s)).unwrap_or_default(),
        "genre": it.genre().map(|g| g.label_zh()).unwrap_or(""),
        "org": dir.org_name(it.org_id),
        "made_on": page::date(it.made_on),
        "published_on": it.published_at.map(|p| page::published_date(Some(p))),
        "doc_number": it.doc_number,
        "validity": validity.map(|v| v.label_zh()).unwrap_or(""),
        "validity_note": validity_note,
        "keywords": it.keywords.split_whitespace().collect::<Vec<_>>(),
        "summary": if it.summary.is_empty() { None } else { Some(&it.summary) },
        "body_html": it.body_html,
        "attachments": attachments.iter().map(|a| json!({
            "name": a.file_name,
            "url": format!("/items/{}/attachments/{}", it.id, a.id),
            "size": a.size_bytes,
            "content_type": a.content_type,
        })).collect::<Vec<_>>(),
        "related": links(related),
        "interpretations": links(interpretations),
        // Set for an interpretation (政策解读) by its page: the policies it explains, its form.
        "policies": [],
        "interpretation": null,
        "withdrawn": (it.status() == ItemStatus::Withdrawn)
            .then(|| json!({"date": page::published_date(Some(it.updated_at)), "reason": it.status_reason})),
        "print_url": format!("{path}?print=1"),
        "share_url": format!("{public_url}{path}"),
        "version": it.version,
        "updated_on": (it.version > 1).then(|| page::published_date(Some(it.updated_at))),
    })
}

/// `/catalogue` filters. Unknown parameters are refused (400) rather than silently ignored.
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct CatalogueParams {
    org: Option<String>,
    subject: Option<String>,
    genre: Option<String>,
    year: Option<String>,
    validity: Option<String>,
    /// 社会公益事业 area code.
    welfare: Option<String>,
    page: Option<String>,
}

impl CatalogueParams {
    fn url(&self, change: (&str, Option<String>)) -> String {
        let mut pairs: Vec<(&str, String)> = vec![];
        for (k, v) in [
            ("org", &self.org),
            ("subject", &self.subject),
            ("genre", &self.genre),
            ("year", &self.year),
            ("validity", &self.validity),
            ("welfare", &self.welfare),
        ] {
            let v = if k == change.0 {
                change.1.clone()
            } else {
                v.clone()
            };
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                pairs.push((k, v));
            }
        }
        if change.0 == "page" {
            if let Some(p) = change.1 {
                pairs.push(("page", p));
            }
        }
        let qs: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencoding::encode(v)))
            .collect();
        if qs.is_empty() {
            "/catalogue".into()
        } else {
            format!("/catalogue?{}", qs.join("&"))
        }
    }
}

fn parse_id(name: &str, raw: &Option<String>) -> WebResult<Option<i64>> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| WebError::BadRequest(format!("参数 {name}=“{}”无效", truncate(s, 20)))),
    }
}

async fn catalogue(
    State(state): State<AppState>,
    jar: CookieJar,
    query: Result<Query<CatalogueParams>, axum::extract::rejection::QueryRejection>,
) -> WebResult<Html<String>> {
    let Query(p) =
        query.map_err(|e| WebError::BadRequest(format!("查询参数无效：{}", e.body_text())))?;
    let here = Here::of_site(&state, None, &jar, "/catalogue").await?;
    let dir = here.dir.clone();
    let org = parse_id("org", &p.org)?;
    let subject = parse_id("subject", &p.subject)?;
    let year = parse_id("year", &p.year)?.map(|y| y as i32);
    let genre =
        match p.genre.as_deref().filter(|s| !s.is_empty()) {
            Some(g) => Some(g.parse::<Genre>().map_err(|_| {
                WebError::BadRequest(format!("参数 genre=“{}”无效", truncate(g, 20)))
            })?),
            None => None,
        };
    let validity = match p.validity.as_deref().filter(|s| !s.is_empty()) {
        Some(v) => Some(v.parse::<Validity>().map_err(|_| {
            WebError::BadRequest(format!("参数 validity=“{}”无效", truncate(v, 20)))
        })?),
        None => None,
    };
    let welfare = match p.welfare.as_deref().filter(|s| !s.is_empty()) {
        Some(v) => Some(v.parse::<WelfareArea>().map_err(|_| {
            WebError::BadRequest(format!("参数 welfare=“{}”无效", truncate(v, 20)))
        })?),
        None => None,
    };
    let page_no = parse_page(p.page.as_deref(), 10_000)?;
    let q = ItemQuery {
        welfare_area: welfare.map(|a| a.as_str().to_string()),
        org_ids: org.map(|o| dir.org_subtree(o)),
        subject_id: subject,
        year,
        genre: genre.map(|g| g.as_str().to_string()),
        validity: validity.map(|v| v.as_str().to_string()),
        page: page_no,
        per_page: PER_PAGE,
        ..ItemQuery::public()
    };
    let (result, facets) = state
        .run(move |conn| {
            let result = item::list(conn, &q)?;
            let mut facets = vec![];
            for f in [
                Facet::Org,
                Facet::Subject,
                Facet::Genre,
                Facet::Year,
                Facet::Validity,
                Facet::WelfareArea,
            ] {
                facets.push((f, item::facet_counts(conn, &q, f)?));
            }
            Ok((result, facets))
        })
        .await?;
    let facet_groups: Vec<Value> = facets
        .iter()
        .map(|(f, counts)| {
            let (name, key, current) = match f {
                Facet::Org => ("发布机构", "org", &p.org),
                Facet::Subject => ("主题分类", "subject", &p.subject),
                Facet::Genre => ("体裁", "genre", &p.genre),
                Facet::Year => ("年份", "year", &p.year),
                Facet::Validity => ("有效性", "validity", &p.validity),
                Facet::WelfareArea => ("社会公益事业", "welfare", &p.welfare),
            };
            let options: Vec<Value> = counts
                .iter()
                .take(40)
                .map(|(value, count)| {
                    let selected = current.as_deref() == Some(value.as_str());
                    json!({
                        "label": facet_label(&dir, *f, value),
                        "count": count,
                        "url": p.url((key, if selected { None } else { Some(value.clone()) })),
                        "selected": selected,
                    })
                })
                .collect();
            json!({"name": name, "options": options})
        })
        .collect();
    let mut active = vec![];
    for (key, name, value, f) in [
        ("org", "发布机构", &p.org, Facet::Org),
        ("subject", "主题分类", &p.subject, Facet::Subject),
        ("genre", "体裁", &p.genre, Facet::Genre),
        ("year", "年份", &p.year, Facet::Year),
        ("validity", "有效性", &p.validity, Facet::Validity),
        ("welfare", "社会公益事业", &p.welfare, Facet::WelfareArea),
    ] {
        if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
            active.push(json!({"label": format!("{name}：{}", facet_label(&dir, f, v)), "remove_url": p.url((key, None))}));
        }
    }
    let items: Vec<Value> = result.rows.iter().map(|i| item_row(&dir, i)).collect();
    let pag = pagination(page_no, PER_PAGE, result.total, |n| {
        p.url(("page", Some(n.to_string())))
    });
    here.render(
        "catalogue.html",
        Some("政府信息公开目录"),
        None,
        vec![("政府信息公开目录".into(), "/catalogue".into())],
        json!({
            "facets": facet_groups,
            "active_filters": active,
            "items": items,
            "pagination": pag,
            "total": result.total,
        }),
    )
}

fn facet_label(dir: &Directory, f: Facet, value: &str) -> String {
    match f {
        Facet::Org => value
            .parse()
            .ok()
            .and_then(|id| dir.org(id))
            .map(|o| o.name.clone())
            .unwrap_or_else(|| value.into()),
        Facet::Subject => value
            .parse()
            .ok()
            .map(|id| dir.subject_path(id))
            .unwrap_or_else(|| value.into()),
        Facet::Genre => value
            .parse::<Genre>()
            .map(|g| g.label_zh().to_string())
            .unwrap_or_else(|_| value.into()),
        Facet::Validity => value
            .parse::<Validity>()
            .map(|v| v.label_zh().to_string())
            .unwrap_or_else(|_| value.into()),
        Facet::Year => format!("{value}年"),
        Facet::WelfareArea => value
            .parse::<WelfareArea>()
            .map(|v| v.label_zh().to_string())
            .unwrap_or_else(|_| value.into()),
    }
}

async fn annual_reports(State(state): State<AppState>, jar: CookieJar) -> WebResult<Html<String>> {
    let here = Here::of_site(&state, None, &jar, "/annual-reports").await?;
    let rows = state
        .run(|conn| {
            Ok(item::list(
                conn,
                &ItemQuery {
                    genre: Some(Genre::AnnualReport.as_str().into()),
                    per_page: 100,
                    ..ItemQuery::public()
                },
            )?
            .rows)
        })
        .await?;
    let reports: Vec<Value> = rows
        .iter()
        .map(|r| {
            let year = r
                .title
                .chars()
                .filter(|c| c.is_ascii_digit())
                .collect::<String>()
                .get(..4)
                .and_then(|y| y.parse::<i32>().ok());
            json!({"year": year.unwrap_or(0), "title": r.title, "url": format!("/items/{}", r.id)})
        })
        .collect();
    here.render(
        "annual_reports.html",
        Some("政府信息公开年报"),
        None,
        vec![("政府信息公开年报".into(), "/annual-reports".into())],
        json!({"reports": reports}),
    )
}

/// 政府信息公开指南: the portal's single-page column with slug `gkzn`, or a default text.
async fn guide(State(state): State<AppState>, jar: CookieJar) -> WebResult<Html<String>> {
    let here = Here::of_site(&state, None, &jar, "/guide").await?;
    let body = here
        .dir
        .columns_of(here.site.id)
        .find(|c| c.slug == "gkzn")
        .and_then(|c| c.body_html.clone())
        .unwrap_or_else(|| "<p>本机关依照《中华人民共和国政府信息公开条例》主动公开政府信息，并受理政府信息公开申请。申请可通过网上、信函、当面等方式提出。</p>".into());
    here.render(
        "page.html",
        Some("政府信息公开指南"),
        None,
        vec![("政府信息公开指南".into(), "/guide".into())],
        json!({"body_html": body}),
    )
}

pub(crate) const ERROR_CATEGORIES: &[(&str, &str)] = &[
    ("broken_link", "链接无法打开"),
    ("wrong_content", "内容错误（错别字、信息有误）"),
    ("outdated", "信息未及时更新"),
    ("accessibility", "无障碍或适老化问题"),
    ("other", "其他问题"),
];

fn categories() -> Value {
    json!(ERROR_CATEGORIES
        .iter()
        .map(|(v, l)| json!({"value": v, "label": l}))
        .collect::<Vec<_>>())
}

#[derive(Deserialize, Default, serde::Serialize)]
pub struct ReportErrorForm {
    #[serde(default)]
    page_url: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    contact: String,
    #[serde(default, skip_serializing)]
    csrf: String,
}

async fn report_error_form(State(state): State<AppState>, jar: CookieJar) -> WebResult<Response> {
    let here = Here::of_site(&state, None, &jar, "/report-error").await?;
    let (jar, csrf) = anon_csrf(jar, state.config.secure_cookies);
    let html = here.render("report_error.html", Some("我为政府网站找错"), None, vec![("我为政府网站找错".into(), "/report-error".into())], json!({
        "submitted": false, "tracking_code": null, "categories": categories(), "errors": {}, "values": {"page_url": "", "category": "", "description": "", "contact": ""},
        "csrf": csrf, "form_action": "/report-error",
    }))?;
    Ok((jar, html).into_response())
}

async fn report_error_submit(
    State(state): State<AppState>,
    crate::auth::ClientIp(ip): crate::auth::ClientIp,
    jar: CookieJar,
    Form(form): Form<ReportErrorForm>,
) -> WebResult<Response> {
    check_anon_csrf(&jar, &form.csrf)?;
    let ip = ip.unwrap_or_default();
    if !state.limiter.allow(&format!("report-error:{ip}")) {
        return Err(WebError::TooManyRequests);
    }
    let mut errors = serde_json::Map::new();
    if form.description.trim().chars().count() < 5 {
        errors.insert(
            "description".into(),
            json!("请描述发现的问题（至少 5 个字）"),
        );
    }
    if form.description.chars().count() > 1000 {
        errors.insert("description".into(), json!("问题描述不能超过 1000 字"));
    }
    if !ERROR_CATEGORIES.iter().any(|(v, _)| *v == form.category) {
        errors.insert("category".into(), json!("请选择问题类型"));
    }
    if form.page_url.chars().count() > 500 || form.contact.chars().count() > 100 {
        errors.insert("page_url".into(), json!("网址或联系方式过长"));
    }
    let here = Here::of_site(&state, None, &jar, "/report-error").await?;
    let crumbs = vec![("我为政府网站找错".to_string(), "/report-error".to_string())];
    if !errors.is_empty() {
        let html = here.render("report_error.html", Some("我为政府网站找错"), None, crumbs, json!({
            "submitted": false, "tracking_code": null, "categories": categories(), "errors": errors,
            "values": form, "csrf": form.csrf, "form_action": "/report-error",
        }))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }
    let site_id = here.site.id;
    let code = state
        .run(move |conn| {
            Ok(gongkai_storage::feedback::create(
                conn,
                site_id,
                &form.page_url,
                &form.category,
                form.description.trim(),
                Some(form.contact.trim()).filter(|c| !c.is_empty()),
            )?)
        })
        .await?;
    crate::health::queue_error_report(&state, code.clone()).await;
    let html = here.render("report_error.html", Some("我为政府网站找错"), None, crumbs, json!({
        "submitted": true, "tracking_code": code, "categories": categories(), "errors": {}, "values": {}, "csrf": "", "form_action": "/report-error",
    }))?;
    Ok(html.into_response())
}

/// `/sitemap.xml` (sitemaps.org): every site home and column, and the 50,000 most recently changed
/// published items (the protocol's limit for one file).
async fn sitemap(State(state): State<AppState>) -> WebResult<Response> {
    let dir = state.directory().await?;
    let items = state
        .run(|conn| Ok(item::public_changes(conn, 50_000 - 2_000)?))
        .await?;
    let base = &state.config.public_url;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut url = |loc: &str, lastmod: Option<String>| {
        xml.push_str("<url><loc>");
        xml.push_str(
            &format!("{base}{loc}")
                .replace('&', "&amp;")
                .replace('<', "&lt;"),
        );
        xml.push_str("</loc>");
        if let Some(m) = lastmod {
            xml.push_str(&format!("<lastmod>{m}</lastmod>"));
        }
        xml.push_str("</url>\n");
    };
    for s in &dir.sites {
        url(&dir.site_url(s), None);
    }
    for c in dir
        .columns
        .iter()
        .filter(|c| c.link_url.is_none())
        .take(1_900)
    {
        url(&dir.column_url(c), None);
    }
    for (id, at) in items {
        url(
            &format!("/items/{id}"),
            Some(at.format("%Y-%m-%d").to_string()),
        );
    }
    // Key areas (issue 8): trading announcements and projects.
    let (announcements, projects) = state
        .run(|conn| Ok(gongkai_storage::trading::public_changes(conn, 20_000)?))
        .await?;
    let mut url = |loc: &str, at: chrono::NaiveDateTime| {
        xml.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            format!("{base}{loc}")
                .replace('&', "&amp;")
                .replace('<', "&lt;"),
            at.format("%Y-%m-%d")
        ));
    };
    for (id, at) in announcements {
        url(&format!("/trading/{id}"), at);
    }
    for (id, at) in projects {
        url(&format!("/trading/projects/{id}"), at);
    }
    // Major projects, service guides and gazette issues.
    let (majors, guides, issues) = state
        .run(|conn| {
            let majors = gongkai_storage::major_project::list(conn, None)?;
            let guides = gongkai_storage::service_guide::list(
                conn,
                &gongkai_storage::service_guide::GuideQuery {
                    page: 1,
                    per_page: 100,
                    ..Default::default()
                },
            )?;
            let mut all_guides = guides.rows;
            // Guides are listed a hundred at a time; a city has about a thousand.
            for page in 2..=(guides.total + 99) / 100 {
                all_guides.extend(
                    gongkai_storage::service_guide::list(
                        conn,
                        &gongkai_storage::service_guide::GuideQuery {
                            page,
                            per_page: 100,
                            ..Default::default()
                        },
                    )?
                    .rows,
                );
            }
            let issues = gongkai_storage::gazette::list(conn, None, true)?;
            Ok((majors, all_guides, issues))
        })
        .await?;
    for p in majors {
        url(&format!("/major-projects/{}", p.id), p.updated_at);
    }
    for g in guides {
        url(&format!("/service-guides/{}", g.id), g.updated_at);
    }
    for i in issues {
        url(
            &crate::gazette::issue_url(&i),
            i.published_at.unwrap_or(i.updated_at),
        );
    }
    xml.push_str("</urlset>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

/// Unknown paths: the styled 404.
pub async fn not_found(OriginalUri(uri): OriginalUri) -> WebError {
    tracing::debug!("404 {uri}");
    WebError::NotFound
}
