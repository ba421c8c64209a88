//! 政府公报 — the electronic edition of the gazette: an archive by year and a page per issue with
//! its table of contents grouped by section, and search documents of kind `gazette`.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use axum_extra::extract::CookieJar;
use gongkai_domain::catalogue::Genre;
use gongkai_domain::gazette::GazetteSection;
use gongkai_search::{DocKind, SearchDoc};
use gongkai_storage::gazette::{self, Issue};
use gongkai_storage::item::ItemSummary;
use gongkai_storage::AnyConnection;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page;
use crate::portal::Here;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/gazette", get(archive))
        .route("/gazette/{year}/{number}", get(issue_page))
        .route("/gazette/{year}/{number}/pdf", get(issue_pdf))
}

/// The public address of an issue.
pub fn issue_url(i: &Issue) -> String {
    format!("/gazette/{}/{}", i.year, i.number)
}

/// The contents grouped by section in print order; within a section, the staff's order.
/// Numbering runs through the whole issue.
pub fn contents(dir: &Directory, rows: &[ItemSummary]) -> Vec<Value> {
    let mut by_section: BTreeMap<GazetteSection, Vec<&ItemSummary>> = BTreeMap::new();
    for i in rows {
        let genre = i.genre.parse::<Genre>().unwrap_or(Genre::Other);
        by_section
            .entry(GazetteSection::of_genre(genre))
            .or_default()
            .push(i);
    }
    let mut n = 0;
    by_section
        .into_iter()
        .map(|(s, items)| {
            let entries: Vec<Value> = items
                .iter()
                .map(|i| {
                    n += 1;
                    json!({
                        "n": n,
                        "title": i.title,
                        "url": format!("/items/{}", i.id),
                        "org": dir.org_name(i.org_id),
                        "doc_number": i.doc_number,
                    })
                })
                .collect();
            json!({"name": s.label_zh(), "entries": entries})
        })
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ArchiveParams {
    year: Option<String>,
}

async fn archive(
    State(state): State<AppState>,
    jar: CookieJar,
    query: Result<Query<ArchiveParams>, axum::extract::rejection::QueryRejection>,
) -> WebResult<Html<String>> {
    let Query(p) =
        query.map_err(|e| WebError::BadRequest(format!("查询参数无效：{}", e.body_text())))?;
    let year = match p.year.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(y) => Some(
            y.parse::<i32>()
                .map_err(|_| WebError::BadRequest("参数 year 须为年份".into()))?,
        ),
        None => None,
    };
    let here = Here::of_site(&state, None, &jar, "/gazette").await?;
    let (years, issues, year) = state
        .run(move |conn| {
            let years = gazette::years(conn)?;
            let year = year.or_else(|| years.first().map(|(y, _)| *y));
            let issues = match year {
                Some(y) => gazette::list(conn, Some(y), true)?,
                None => vec![],
            };
            Ok((years, issues, year))
        })
        .await?;
    here.render(
        "gazette_archive.html",
        Some("政府公报"),
        None,
        vec![("政府公报".into(), "/gazette".into())],
        json!({
            "years": years.iter().map(|(y, n)| json!({
                "year": y, "count": n, "url": format!("/gazette?year={y}"), "current": Some(*y) == year,
            })).collect::<Vec<_>>(),
            "year": year,
            "issues": issues.iter().map(|i| json!({
                "label": i.label(), "url": issue_url(i), "issued_on": page::date(Some(i.issued_on)),
            })).collect::<Vec<_>>(),
        }),
    )
}

async fn issue_page(
    State(state): State<AppState>,
    jar: CookieJar,
    Path((year, number)): Path<(String, String)>,
) -> WebResult<Html<String>> {
    let (Ok(year), Ok(number)) = (year.parse::<i32>(), number.parse::<i32>()) else {
        return Err(WebError::NotFound);
    };
    let path = format!("/gazette/{year}/{number}");
    let here = Here::of_site(&state, None, &jar, &path).await?;
    let dir = here.dir.clone();
    let (issue, rows) = state
        .run(move |conn| {
            let Some(issue) = gazette::find(conn, year, number)? else {
                return Err(WebError::NotFound);
            };
            let rows = gazette::entries(conn, issue.id)?;
            Ok((issue, rows))
        })
        .await?;
    // A draft issue is not public yet.
    if !issue.is_published() {
        return Err(WebError::NotFound);
    }
    let title = format!("政府公报 {}", issue.label());
    here.render(
        "gazette_issue.html",
        Some(title.as_str()),
        None,
        vec![
            ("政府公报".into(), "/gazette".into()),
            (format!("{year}年"), format!("/gazette?year={year}")),
        ],
        json!({
            "issue": {"label": issue.label(), "issued_on": page::date(Some(issue.issued_on)), "year": issue.year},
            "sections": contents(&dir, &rows),
            "total": rows.len(),
            "pdf_url": format!("{path}/pdf"),
        }),
    )
}

/// The publication's name: the government at the root of the organisation tree, + 公报.
fn gazette_name(dir: &Directory) -> String {
    let government = dir
        .orgs
        .iter()
        .find(|o| o.parent_id.is_none())
        .map(|o| o.name.clone())
        .unwrap_or_default();
    format!("{government}公报")
}

/// The print edition as a PDF, made in-process (typst, Noto CJK): a cover, the contents with
/// page numbers, a running header, then every item in the order of the web contents, with its
/// 文号, issuing body and date and its full text — the same items and text as the pages online.
async fn issue_pdf(
    State(state): State<AppState>,
    Path((year, number)): Path<(String, String)>,
) -> WebResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let (Ok(year), Ok(number)) = (year.parse::<i32>(), number.parse::<i32>()) else {
        return Err(WebError::NotFound);
    };
    let dir = state.directory().await?;
    let name = gazette_name(&dir);
    let (label, bytes) = state
        .run(move |conn| {
            let Some(issue) = gazette::find(conn, year, number)? else {
                return Err(WebError::NotFound);
            };
            if !issue.is_published() {
                return Err(WebError::NotFound);
            }
            let rows = gazette::entries(conn, issue.id)?;
            let label = issue.label();
            let edition = gongkai_reporting::PrintEdition {
                cover: vec![
                    name.clone(),
                    label.clone(),
                    format!("{} 出版", page::date(Some(issue.issued_on))),
                ],
                header: format!("{name}·{label}"),
            };
            let mut doc =
                gongkai_reporting::Document::new(format!("{name} {label}")).print_edition(edition);
            let mut by_section: BTreeMap<GazetteSection, Vec<&ItemSummary>> = BTreeMap::new();
            for i in &rows {
                let genre = i.genre.parse::<Genre>().unwrap_or(Genre::Other);
                by_section
                    .entry(GazetteSection::of_genre(genre))
                    .or_default()
                    .push(i);
            }
            for (section, items) in by_section {
                doc.heading(1, section.label_zh());
                for summary in items {
                    let it = gongkai_storage::item::get(conn, summary.id)?;
                    doc.heading(2, it.title.clone());
                    let mut line = vec![dir.org_name(it.org_id)];
                    if let Some(n) = &it.doc_number {
                        line.push(n.clone());
                    }
                    line.push(page::date(it.published_at.map(|t| t.date())));
                    doc.paragraph(line.join("　"));
                    for p in crate::search::html_to_text(&it.body_html)
                        .lines()
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                    {
                        doc.paragraph(p);
                    }
                }
            }
            let bytes = gongkai_reporting::render(&doc, gongkai_reporting::Format::Pdf)
                .map_err(|e| WebError::Internal(format!("gazette PDF: {e}")))?;
            Ok((label, bytes))
        })
        .await?;
    let filename = format!("政府公报{label}.pdf");
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!(
                    "inline; filename=\"gazette-{year}-{number}.pdf\"; filename*=UTF-8''{}",
                    urlencoding::encode(&filename)
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Search documents of published issues (`gazette:ID`): the issue's name and its contents.
pub fn search_docs(
    conn: &mut AnyConnection,
    dir: &Directory,
    ids: &[i64],
) -> WebResult<(Vec<SearchDoc>, Vec<String>)> {
    let portal = dir.portal().map(|s| s.slug.clone());
    let (mut docs, mut gone) = (vec![], vec![]);
    for id in ids {
        let issue = match gazette::get(conn, *id) {
            Ok(i) if i.is_published() => i,
            Ok(_) | Err(gongkai_storage::StorageError::NotFound { .. }) => {
                gone.push(format!("{}:{id}", DocKind::Gazette.as_str()));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let rows = gazette::entries(conn, issue.id)?;
        let body = rows
            .iter()
            .map(|i| i.title.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let mut d = SearchDoc::new(
            DocKind::Gazette,
            issue.id,
            format!("政府公报 {}", issue.label()),
            body,
        );
        d.url = issue_url(&issue);
        d.published = issue.published_at;
        d.site_slugs = portal.clone().into_iter().collect();
        d.genre = Some("政府公报".into());
        d.year = Some(issue.year);
        docs.push(d);
    }
    Ok((docs, gone))
}

/// Every published issue's id (search rebuild).
pub fn public_ids(conn: &mut AnyConnection) -> WebResult<Vec<i64>> {
    Ok(gazette::list(conn, None, true)?
        .iter()
        .map(|i| i.id)
        .collect())
}
