//! 重点领域信息公开 — the public pages of the key areas besides trading: the entrance page,
//! major projects (重大项目) with their eight kinds of information, the eight public-welfare
//! areas (社会公益事业), service guides (办事指南), and the yearly figures the annual report
//! states (`/api/v1/key-areas/counts/{year}`). Search documents of kind `service_guide` are
//! built here too.

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use axum_extra::extract::CookieJar;
use gongkai_domain::catalogue::{Channel, WelfareArea};
use gongkai_domain::major_project::{empty_kinds, ProjectInfoKind};
use gongkai_domain::org::OrgLevel;
use gongkai_domain::service_guide::REQUIRED_ELEMENTS;
use gongkai_search::{DocKind, SearchDoc};
use gongkai_storage::item::{self, Facet, ItemQuery};
use gongkai_storage::service_guide::{self, Guide, GuideQuery};
use gongkai_storage::{channels, major_project, AnyConnection};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page::{self, pagination};
use crate::portal::{item_row, parse_page, Here};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/key-areas", get(entrance))
        .route("/major-projects", get(project_list))
        .route("/major-projects/{id}", get(project_page))
        .route("/welfare", get(welfare_index))
        .route("/welfare/{area}", get(welfare_area))
        .route("/service-guides", get(guide_list))
        .route("/service-guides/{id}", get(guide_page))
        .route("/service-cases", get(case_lookup))
        .route(
            "/api/v1/service-cases/import",
            axum::routing::post(api_import_cases),
        )
        .route("/api/v1/key-areas/counts/{year}", get(api_counts))
}

const PER_PAGE: i64 = 20;

/// The key-area entrances as the portal home, the navigation and `/key-areas` list them.
pub fn entrances() -> Value {
    json!([
        {"name": "公共资源交易", "url": "/trading", "description": "工程建设、政府采购、土地和产权交易公告"},
        {"name": "重大建设项目", "url": "/major-projects", "description": "批准、招标、征地、施工、竣工等信息"},
        {"name": "社会公益事业", "url": "/welfare", "description": "脱贫攻坚、社会救助、教育、医疗等八个领域"},
        {"name": "办事指南", "url": "/service-guides", "description": "事项依据、条件、材料、流程与办理地点"},
        {"name": "政府公报", "url": "/gazette", "description": "历年各期公报目录与全文"},
    ])
}

fn parse_id(raw: &str) -> WebResult<i64> {
    raw.parse::<i64>().map_err(|_| WebError::NotFound)
}

async fn entrance(State(state): State<AppState>, jar: CookieJar) -> WebResult<Html<String>> {
    let here = Here::of_site(&state, None, &jar, "/key-areas").await?;
    here.render(
        "key_areas.html",
        Some("重点领域信息公开"),
        None,
        vec![("重点领域信息公开".into(), "/key-areas".into())],
        json!({
            "entrances": entrances(),
            "welfare_areas": WelfareArea::ALL.iter().map(|a| json!({
                "name": a.label_zh(), "url": format!("/welfare/{}", a.as_str()),
            })).collect::<Vec<_>>(),
        }),
    )
}

fn crumbs_projects() -> Vec<(String, String)> {
    vec![
        ("重点领域信息公开".into(), "/key-areas".into()),
        ("重大建设项目".into(), "/major-projects".into()),
    ]
}

async fn project_list(State(state): State<AppState>, jar: CookieJar) -> WebResult<Html<String>> {
    let here = Here::of_site(&state, None, &jar, "/major-projects").await?;
    let dir = here.dir.clone();
    let (projects, filled) = state
        .run(|conn| {
            let ps = major_project::list(conn, None)?;
            let ids: Vec<i64> = ps.iter().map(|p| p.id).collect();
            let filled = major_project::filled_kinds(conn, &ids)?;
            Ok((ps, filled))
        })
        .await?;
    let rows: Vec<Value> = projects
        .iter()
        .map(|p| {
            let f = filled.get(&p.id).cloned().unwrap_or_default();
            json!({
                "name": p.name,
                "code": p.code,
                "org": dir.org_name(p.org_id),
                "url": format!("/major-projects/{}", p.id),
                "filled": f.len(),
                "kinds_total": ProjectInfoKind::ALL.len(),
                "empty": empty_kinds(&f).iter().map(|k| k.label_zh()).collect::<Vec<_>>(),
            })
        })
        .collect();
    here.render(
        "major_projects.html",
        Some("重大建设项目"),
        None,
        crumbs_projects(),
        json!({"projects": rows}),
    )
}

async fn project_page(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<String>,
) -> WebResult<Html<String>> {
    let id = parse_id(&id)?;
    let here = Here::of_site(&state, None, &jar, &format!("/major-projects/{id}")).await?;
    let dir = here.dir.clone();
    let (p, kinds) = state
        .run(move |conn| {
            Ok((
                major_project::get(conn, id)?,
                major_project::items_by_kind(conn, id, true)?,
            ))
        })
        .await?;
    let sections: Vec<Value> = kinds
        .iter()
        .map(|(k, items)| {
            json!({
                "kind": k.label_zh(),
                "code": k.as_str(),
                "items": items.iter().map(|i| item_row(&dir, i)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let empty: Vec<&str> = kinds
        .iter()
        .filter(|(_, items)| items.is_empty())
        .map(|(k, _)| k.label_zh())
        .collect();
    here.render(
        "major_project.html",
        Some(p.name.as_str()),
        None,
        crumbs_projects(),
        json!({
            "project": {
                "name": p.name,
                "code": p.code,
                "org": dir.org_name(p.org_id),
                "summary": p.summary,
            },
            "sections": sections,
            "empty_kinds": empty,
        }),
    )
}

fn crumbs_welfare() -> Vec<(String, String)> {
    vec![
        ("重点领域信息公开".into(), "/key-areas".into()),
        ("社会公益事业".into(), "/welfare".into()),
    ]
}

async fn welfare_index(State(state): State<AppState>, jar: CookieJar) -> WebResult<Html<String>> {
    let here = Here::of_site(&state, None, &jar, "/welfare").await?;
    let counts = state
        .run(|conn| {
            Ok(item::facet_counts(
                conn,
                &ItemQuery::public(),
                Facet::WelfareArea,
            )?)
        })
        .await?;
    let areas: Vec<Value> = WelfareArea::ALL
        .iter()
        .map(|a| {
            let n = counts
                .iter()
                .find(|(k, _)| k == a.as_str())
                .map(|(_, n)| *n)
                .unwrap_or(0);
            json!({"name": a.label_zh(), "url": format!("/welfare/{}", a.as_str()), "count": n, "current": false})
        })
        .collect();
    here.render(
        "welfare.html",
        Some("社会公益事业"),
        None,
        crumbs_welfare(),
        json!({"areas": areas, "area": null, "items": [], "pagination": null, "total": 0}),
    )
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PageParam {
    page: Option<String>,
}

async fn welfare_area(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(area): Path<String>,
    query: Result<Query<PageParam>, axum::extract::rejection::QueryRejection>,
) -> WebResult<Html<String>> {
    let Query(p) =
        query.map_err(|e| WebError::BadRequest(format!("查询参数无效：{}", e.body_text())))?;
    let area: WelfareArea = area.parse().map_err(|_| WebError::NotFound)?;
    let path = format!("/welfare/{}", area.as_str());
    let here = Here::of_site(&state, None, &jar, &path).await?;
    let dir = here.dir.clone();
    let page_no = parse_page(p.page.as_deref(), 10_000)?;
    let q = ItemQuery {
        welfare_area: Some(area.as_str().into()),
        page: page_no,
        per_page: PER_PAGE,
        ..ItemQuery::public()
    };
    let result = state.run(move |conn| Ok(item::list(conn, &q)?)).await?;
    let areas: Vec<Value> = WelfareArea::ALL
        .iter()
        .map(|a| json!({"name": a.label_zh(), "url": format!("/welfare/{}", a.as_str()), "count": null, "current": *a == area}))
        .collect();
    let mut crumbs = crumbs_welfare();
    crumbs.push((area.label_zh().into(), path.clone()));
    here.render(
        "welfare.html",
        Some(area.label_zh()),
        None,
        crumbs,
        json!({
            "areas": areas,
            "area": {"name": area.label_zh(), "code": area.as_str(),
                     "catalogue_url": format!("/catalogue?welfare={}", area.as_str())},
            "items": result.rows.iter().map(|i| item_row(&dir, i)).collect::<Vec<_>>(),
            "pagination": pagination(page_no, PER_PAGE, result.total, |n| format!("{path}?page={n}")),
            "total": result.total,
        }),
    )
}

/// `/service-guides` filters.
#[derive(Deserialize, Default, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct GuideParams {
    #[serde(default)]
    org: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

impl GuideParams {
    fn url(&self, page: Option<i64>) -> String {
        let mut pairs = vec![];
        for (k, v) in [("org", &self.org), ("theme", &self.theme), ("q", &self.q)] {
            if !v.trim().is_empty() {
                pairs.push(format!("{k}={}", urlencoding::encode(v.trim())));
            }
        }
        if let Some(p) = page {
            pairs.push(format!("page={p}"));
        }
        if pairs.is_empty() {
            "/service-guides".into()
        } else {
            format!("/service-guides?{}", pairs.join("&"))
        }
    }
}

fn crumbs_guides() -> Vec<(String, String)> {
    vec![
        ("重点领域信息公开".into(), "/key-areas".into()),
        ("办事指南".into(), "/service-guides".into()),
    ]
}

async fn guide_list(
    State(state): State<AppState>,
    jar: CookieJar,
    query: Result<Query<GuideParams>, axum::extract::rejection::QueryRejection>,
) -> WebResult<Html<String>> {
    let Query(p) =
        query.map_err(|e| WebError::BadRequest(format!("查询参数无效：{}", e.body_text())))?;
    let here = Here::of_site(&state, None, &jar, "/service-guides").await?;
    let dir = here.dir.clone();
    let org = match p.org.trim() {
        "" => None,
        o => Some(
            o.parse::<i64>()
                .ok()
                .filter(|id| dir.org(*id).is_some())
                .ok_or_else(|| WebError::BadRequest("参数 org 无效".into()))?,
        ),
    };
    let page_no = parse_page(Some(p.page.as_str()), 10_000)?;
    let q = GuideQuery {
        org_ids: org.map(|o| dir.org_subtree(o)),
        theme: Some(p.theme.trim().to_string()).filter(|t| !t.is_empty()),
        name_contains: Some(p.q.trim().to_string()).filter(|t| !t.is_empty()),
        page: page_no,
        per_page: PER_PAGE,
    };
    let (result, themes, orgs) = state
        .run(move |conn| {
            Ok((
                service_guide::list(conn, &q)?,
                service_guide::themes(conn)?,
                service_guide::org_ids(conn)?,
            ))
        })
        .await?;
    let rows: Vec<Value> = result
        .rows
        .iter()
        .map(|g| {
            json!({
                "name": g.name,
                "url": format!("/service-guides/{}", g.id),
                "org": dir.org_name(g.org_id),
                "theme": g.theme,
                "online_url": if g.online_url.is_empty() { None } else { Some(&g.online_url) },
            })
        })
        .collect();
    here.render(
        "service_guides.html",
        Some("办事指南"),
        None,
        crumbs_guides(),
        json!({
            "values": {"org": p.org, "theme": p.theme, "q": p.q},
            "org_options": orgs.iter().map(|id| json!({"value": id.to_string(), "label": dir.org_name(*id)})).collect::<Vec<_>>(),
            "theme_options": themes.iter().map(|(t, n)| json!({"value": t, "label": format!("{t}（{n}）")})).collect::<Vec<_>>(),
            "guides": rows,
            "total": result.total,
            "pagination": pagination(page_no, PER_PAGE, result.total, |n| p.url(Some(n))),
        }),
    )
}

/// The elements of a guide in print order, with the label and the text (`None` when missing).
pub fn guide_elements(g: &Guide) -> Vec<Value> {
    REQUIRED_ELEMENTS
        .iter()
        .skip(1) // the name is the page's heading
        .map(|(field, label)| {
            let v = g.element(field).trim();
            json!({"label": label, "text": if v.is_empty() { None } else { Some(v) }})
        })
        .collect()
}

async fn guide_page(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<String>,
) -> WebResult<Html<String>> {
    let id = parse_id(&id)?;
    let here = Here::of_site(&state, None, &jar, &format!("/service-guides/{id}")).await?;
    let dir = here.dir.clone();
    let g = state
        .run(move |conn| Ok(service_guide::get(conn, id)?))
        .await?;
    here.render(
        "service_guide.html",
        Some(g.name.as_str()),
        None,
        crumbs_guides(),
        json!({
            "guide": {
                "name": g.name,
                "org": dir.org_name(g.org_id),
                "theme": g.theme,
                "online_url": if g.online_url.is_empty() { None } else { Some(&g.online_url) },
                "updated": page::published_date(Some(g.updated_at)),
            },
            "elements": guide_elements(&g),
        }),
    )
}

/// The key areas' figures of `year`: channels by level, service guides by level, major-project
/// information by kind, gazette issues and the items they carried. Every total is computed from
/// the parts beside it.
pub fn counts_json(
    year: i32,
    ch: &gongkai_domain::catalogue::ChannelCounts,
    guides: &gongkai_domain::service_guide::GuideCounts,
    projects: &[(ProjectInfoKind, i64)],
    gazette: (i64, i64),
    welfare: &[(WelfareArea, i64)],
) -> Value {
    let channel_rows: Vec<Value> = Channel::ALL
        .iter()
        .map(|c| {
            let mut by_level = serde_json::Map::new();
            for l in OrgLevel::ALL {
                by_level.insert(l.as_str().into(), json!(ch.of(l, *c)));
            }
            json!({"channel": c.as_str(), "label": c.label_zh(), "by_level": by_level, "total": ch.channel_total(*c)})
        })
        .collect();
    let mut level_totals = serde_json::Map::new();
    let mut guide_levels = serde_json::Map::new();
    for l in OrgLevel::ALL {
        level_totals.insert(l.as_str().into(), json!(ch.level_total(l)));
        guide_levels.insert(l.as_str().into(), json!(guides.of(l)));
    }
    json!({
        "year": year,
        "channels": {"rows": channel_rows, "by_level": level_totals, "total": ch.total()},
        "service_guides": {"by_level": guide_levels, "total": guides.total()},
        "major_projects": {
            "rows": projects.iter().map(|(k, n)| json!({"kind": k.as_str(), "label": k.label_zh(), "count": n})).collect::<Vec<_>>(),
            "total": projects.iter().map(|(_, n)| n).sum::<i64>(),
        },
        "gazette": {"issues": gazette.0, "items": gazette.1},
        "welfare": {
            "rows": welfare.iter().map(|(a, n)| json!({"area": a.as_str(), "label": a.label_zh(), "count": n})).collect::<Vec<_>>(),
            "total": welfare.iter().map(|(_, n)| n).sum::<i64>(),
        },
    })
}

async fn api_counts(State(state): State<AppState>, Path(year): Path<String>) -> Response {
    let Some(year) = year
        .parse::<i32>()
        .ok()
        .filter(|y| (1990..=2200).contains(y))
    else {
        return crate::api::json_error(
            axum::http::StatusCode::BAD_REQUEST,
            "year must be a four-digit year",
        );
    };
    match state
        .run(move |conn| {
            Ok((
                channels::counts(conn, year)?,
                service_guide::counts(conn, year)?,
                major_project::counts(conn, year)?,
                gongkai_storage::gazette::counts(conn, year)?,
                channels::welfare_counts(conn, year)?,
            ))
        })
        .await
    {
        Ok((ch, g, p, gz, wf)) => Json(counts_json(year, &ch, &g, &p, gz, &wf)).into_response(),
        Err(e) => crate::api::json_error(e.status(), &e.to_string()),
    }
}

/// Search documents of service guides (`service_guide:ID`), and the ids that are gone.
pub fn search_docs(
    conn: &mut AnyConnection,
    dir: &Directory,
    ids: &[i64],
) -> WebResult<(Vec<SearchDoc>, Vec<String>)> {
    let rows = service_guide::get_many(conn, ids)?;
    let portal = dir.portal().map(|s| s.slug.clone());
    let mut docs = vec![];
    for g in &rows {
        let body = REQUIRED_ELEMENTS
            .iter()
            .skip(1)
            .map(|(f, label)| format!("{label}：{}", g.element(f)))
            .collect::<Vec<_>>()
            .join("\n");
        let mut d = SearchDoc::new(
            DocKind::ServiceGuide,
            g.id,
            g.name.clone(),
            format!("{}\n{body}", g.theme),
        );
        d.url = format!("/service-guides/{}", g.id);
        d.published = Some(g.updated_at);
        d.site_slugs = portal.clone().into_iter().collect();
        if let Some(o) = dir.org(g.org_id) {
            d.org_code = Some(o.code.clone());
            d.org_name = Some(o.name.clone());
        }
        d.genre = Some("办事指南".into());
        d.year = Some(g.published_year);
        docs.push(d);
    }
    let gone = ids
        .iter()
        .filter(|id| !rows.iter().any(|g| g.id == **id))
        .map(|id| format!("{}:{id}", DocKind::ServiceGuide.as_str()))
        .collect();
    Ok((docs, gone))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CaseParams {
    number: Option<String>,
}

/// 办件查询: the status and dates of a case by its number; nothing about the applicant.
async fn case_lookup(
    State(state): State<AppState>,
    jar: CookieJar,
    query: Result<Query<CaseParams>, axum::extract::rejection::QueryRejection>,
) -> WebResult<Html<String>> {
    let Query(p) =
        query.map_err(|e| WebError::BadRequest(format!("查询参数无效：{}", e.body_text())))?;
    let here = Here::of_site(&state, None, &jar, "/service-cases").await?;
    let dir = here.dir.clone();
    let number = p.number.unwrap_or_default();
    let asked = !number.trim().is_empty();
    let wanted = number.clone();
    let found = if asked {
        state
            .run(move |conn| Ok(gongkai_storage::service_case::find(conn, &wanted)?))
            .await?
    } else {
        None
    };
    here.render(
        "service_case.html",
        Some("办件查询"),
        None,
        vec![
            ("办事指南".into(), "/service-guides".into()),
            ("办件查询".into(), "/service-cases".into()),
        ],
        json!({
            "values": {"number": number},
            "asked": asked,
            "case": found.map(|c| json!({
                "number": c.case_number,
                "service_name": c.service_name,
                "org": dir.org_name(c.org_id),
                "status": c.status().map(|s| s.label_zh()).unwrap_or(""),
                "received_on": c.received_on.to_string(),
                "due_on": c.due_on.map(|d| d.to_string()),
                "completed_on": c.completed_on.map(|d| d.to_string()),
            })),
        }),
    )
}

/// `POST /api/v1/service-cases/import`: JSON lines from an approval system, with a token whose
/// user edits for the departments of the cases.
async fn api_import_cases(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: String,
) -> Response {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let Some(token) = token else {
        return crate::api::json_error(
            axum::http::StatusCode::UNAUTHORIZED,
            "an API token is required (Authorization: Bearer …)",
        );
    };
    let result = state
        .run(move |conn: &mut AnyConnection| {
            let Some(user) = gongkai_storage::user::user_for_api_token(conn, &token)? else {
                return Ok(None);
            };
            let grants = gongkai_storage::user::domain_grants(&gongkai_storage::user::grants_of(
                conn, user.id,
            )?);
            let actor = user.actor(None);
            let lines = gongkai_domain::service_case::parse_lines(&body);
            let allowed = |path: &str| {
                gongkai_domain::role::allowed(
                    &grants,
                    gongkai_domain::role::Permission::EditItems,
                    path,
                )
            };
            Ok(Some(gongkai_storage::service_case::import(
                conn, &actor, lines, &allowed,
            )?))
        })
        .await;
    match result {
        Ok(Some(r)) => Json(json!({
            "created": r.created,
            "updated": r.updated,
            "errors": r.errors.iter().map(|(line, message)| json!({"line": line, "message": message})).collect::<Vec<_>>(),
        }))
        .into_response(),
        Ok(None) => crate::api::json_error(
            axum::http::StatusCode::UNAUTHORIZED,
            "invalid or revoked API token",
        ),
        Err(e) => crate::api::json_error(e.status(), &e.to_string()),
    }
}
