//! 站内搜索 — the public search page and JSON endpoint over the search crate, and the
//! indexer that follows the database's outbox so the index stays in step (ADR 0003).

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use axum_extra::extract::CookieJar;
use gongkai_search::{DocKind, FacetCount, SearchDoc, SearchError, SearchRequest, SearchResults};
use gongkai_storage::item::{self, Item};
use gongkai_storage::{outbox, AnyConnection};
use serde_json::{json, Value};

use crate::app::AppState;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};
use crate::page::pagination;
use crate::portal::Here;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/search", get(search_page))
        .route("/search/go", get(click))
        .route("/api/v1/search", get(search_api))
}

/// The kind an item is searched as: 政策解读 are their own kind (a filter and a facet of search),
/// every other genre is 政府信息.
pub fn item_kind(genre: &str) -> DocKind {
    if genre == gongkai_domain::catalogue::Genre::Interpretation.as_str() {
        DocKind::Interpretation
    } else {
        DocKind::Item
    }
}

/// The search document of a published item: metadata for filters and facets, body text without
/// tags, and the text of plain-text attachments.
pub fn item_doc(
    dir: &Directory,
    it: &Item,
    column_ids: &[i64],
    attachment_text: &str,
) -> SearchDoc {
    let mut body = html_to_text(&it.body_html);
    if !it.summary.is_empty() {
        body = format!("{}\n{}", it.summary, body);
    }
    if !attachment_text.is_empty() {
        body.push('\n');
        body.push_str(attachment_text);
    }
    let mut d = SearchDoc::new(item_kind(&it.genre), it.id, it.title.clone(), body);
    d.url = format!("/items/{}", it.id);
    d.published = it.published_at;
    d.site_slugs = dir
        .site(it.site_id)
        .map(|s| s.slug.clone())
        .into_iter()
        .collect();
    for cid in column_ids {
        if let Some(c) = dir.column(*cid) {
            if let Some(s) = dir.site(c.site_id) {
                if !d.site_slugs.contains(&s.slug) {
                    d.site_slugs.push(s.slug.clone());
                }
            }
            d.columns.push(format!(
                "{}/{}",
                dir.site(c.site_id).map(|s| s.slug.as_str()).unwrap_or(""),
                c.slug
            ));
        }
    }
    if let Some(o) = dir.org(it.org_id) {
        d.org_code = Some(o.code.clone());
        d.org_name = Some(o.name.clone());
    }
    d.subject = it
        .subject_id
        .and_then(|s| dir.subject(s))
        .map(|s| s.name.clone());
    d.genre = Some(it.genre.clone());
    d.year = it.published_year;
    d.validity = Some(it.validity.clone());
    d.index_no = it.index_number.clone();
    d.doc_number = it.doc_number.clone();
    d
}

/// Plain text of sanitised HTML: tags dropped, block ends as line breaks, common entities decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for ch in html.chars() {
        match (in_tag, ch) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let closing = tag.starts_with('/');
                let t = tag
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches('/')
                    .to_ascii_lowercase();
                let block = matches!(
                    t.as_str(),
                    "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "table"
                );
                if (closing && block) || t == "br" {
                    out.push('\n');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn docs_for(
    conn: &mut AnyConnection,
    dir: &Directory,
    ids: &[i64],
) -> WebResult<(Vec<SearchDoc>, Vec<String>)> {
    let items = item::get_many(conn, ids)?;
    let placements = item::placements(conn, ids)?;
    let mut cols: HashMap<i64, Vec<i64>> = HashMap::new();
    for (i, c) in placements {
        cols.entry(i).or_default().push(c);
    }
    let mut docs = vec![];
    let mut gone = vec![];
    for it in &items {
        if it.status() == gongkai_domain::workflow::ItemStatus::Published {
            let text: String = gongkai_storage::attachment::of_item(conn, it.id)?
                .into_iter()
                .filter_map(|a| a.text_content)
                .collect::<Vec<_>>()
                .join("\n");
            let doc = item_doc(
                dir,
                it,
                cols.get(&it.id).map(Vec::as_slice).unwrap_or(&[]),
                &text,
            );
            // An interpretation may have been indexed as 政府信息 before its genre was set.
            if doc.kind == DocKind::Interpretation {
                gone.push(format!("{}:{}", DocKind::Item.as_str(), it.id));
            }
            docs.push(doc);
        } else {
            gone.push(format!("{}:{}", item_kind(&it.genre).as_str(), it.id));
            if item_kind(&it.genre) != DocKind::Item {
                gone.push(format!("{}:{}", DocKind::Item.as_str(), it.id));
            }
        }
    }
    // Ids that no longer exist at all are gone too.
    for id in ids {
        if !items.iter().any(|i| i.id == *id) {
            gone.push(format!("{}:{id}", DocKind::Item.as_str()));
        }
    }
    Ok((docs, gone))
}

/// Applies outbox entries after the index's stored position; returns how many were applied.
/// Each batch is committed with its last outbox id, so a node that was down resumes where it was.
pub fn sync_outbox(
    conn: &mut AnyConnection,
    dir: &Directory,
    engine: &gongkai_search::SearchEngine,
) -> WebResult<usize> {
    let mut applied = 0;
    loop {
        let cursor = engine.applied_seq().unwrap_or(0);
        let batch = outbox::since(conn, cursor, 500)?;
        let Some(last) = batch.last().map(|e| e.id) else {
            return Ok(applied);
        };
        if batch
            .iter()
            .any(|e| e.entity == gongkai_storage::search_tools::CONFIG_ENTITY)
        {
            apply_config(conn, engine)?;
        }
        let retokenize = batch
            .iter()
            .any(|e| e.entity == gongkai_storage::search_tools::RETOKENIZE_ENTITY);
        let mut ids: Vec<i64> = batch
            .iter()
            .filter(|e| e.entity == "item")
            .map(|e| e.entity_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        // The current state decides: an upsert of an item withdrawn since is a delete.
        let (mut docs, mut gone) = docs_for(conn, dir, &ids)?;
        // Key areas (issue 8): trading announcements.
        let mut trading_ids: Vec<i64> = batch
            .iter()
            .filter(|e| e.entity == gongkai_storage::trading::ENTITY)
            .map(|e| e.entity_id)
            .collect();
        trading_ids.sort_unstable();
        trading_ids.dedup();
        let (more, more_gone) = crate::trading::search_docs(conn, dir, &trading_ids)?;
        docs.extend(more);
        gone.extend(more_gone);
        // 办事指南.
        let mut guide_ids: Vec<i64> = batch
            .iter()
            .filter(|e| e.entity == gongkai_storage::service_guide::ENTITY)
            .map(|e| e.entity_id)
            .collect();
        guide_ids.sort_unstable();
        guide_ids.dedup();
        let (more, more_gone) = crate::key_areas::search_docs(conn, dir, &guide_ids)?;
        docs.extend(more);
        gone.extend(more_gone);
        // 政府公报 issues.
        let mut issue_ids: Vec<i64> = batch
            .iter()
            .filter(|e| e.entity == gongkai_storage::gazette::ENTITY)
            .map(|e| e.entity_id)
            .collect();
        issue_ids.sort_unstable();
        issue_ids.dedup();
        let (more, more_gone) = crate::gazette::search_docs(conn, dir, &issue_ids)?;
        docs.extend(more);
        gone.extend(more_gone);
        let err = |e: SearchError| WebError::Internal(format!("search index: {e}"));
        if !gone.is_empty() {
            engine.delete(&gone).map_err(err)?;
        }
        if !docs.is_empty() {
            engine.upsert(&docs).map_err(err)?;
        }
        crate::mailbox::sync_letters(conn, dir, engine, &batch)?;
        // 征集调查: published surveys are documents of kind `survey`.
        let mut survey_ids: Vec<i64> = batch
            .iter()
            .filter(|e| e.entity == gongkai_storage::survey::ENTITY)
            .map(|e| e.entity_id)
            .collect();
        survey_ids.sort_unstable();
        survey_ids.dedup();
        let (docs, gone) = crate::survey::search_docs(conn, dir, &survey_ids)?;
        if !gone.is_empty() {
            engine.delete(&gone).map_err(err)?;
        }
        if !docs.is_empty() {
            engine.upsert(&docs).map_err(err)?;
        }
        // 在线访谈 and 新闻发布会.
        let mut event_ids: Vec<i64> = batch
            .iter()
            .filter(|e| e.entity == "interview" || e.entity == "press_conference")
            .map(|e| e.entity_id)
            .collect();
        event_ids.sort_unstable();
        event_ids.dedup();
        let (docs, gone) = crate::interview::search_docs(conn, dir, &event_ids)?;
        if !gone.is_empty() {
            engine.delete(&gone).map_err(err)?;
        }
        if !docs.is_empty() {
            engine.upsert(&docs).map_err(err)?;
        }
        // 公开征求意见.
        let mut consultation_ids: Vec<i64> = batch
            .iter()
            .filter(|e| e.entity == gongkai_storage::consultation::ENTITY)
            .map(|e| e.entity_id)
            .collect();
        consultation_ids.sort_unstable();
        consultation_ids.dedup();
        let (docs, gone) = crate::consultation::search_docs(conn, dir, &consultation_ids)?;
        if !gone.is_empty() {
            engine.delete(&gone).map_err(err)?;
        }
        if !docs.is_empty() {
            engine.upsert(&docs).map_err(err)?;
        }
        engine.commit_through(last).map_err(err)?;
        if retokenize {
            // After the commit, so the documents re-read from the index are the current ones.
            let n = engine.retokenize_all().map_err(err)?;
            tracing::info!("search index re-tokenised: {n} documents");
        }
        applied += batch.len();
    }
}

/// Loads the editors' user dictionary, synonyms (on top of the built-in groups) and best bets
/// into the engine.
pub fn apply_config(
    conn: &mut AnyConnection,
    engine: &gongkai_search::SearchEngine,
) -> WebResult<()> {
    use gongkai_storage::search_tools;
    let words: Vec<String> = search_tools::user_words(conn)?
        .into_iter()
        .map(|w| w.word)
        .collect();
    engine.set_user_words(&words);
    let mut groups = gongkai_search::default_synonyms();
    groups.extend(search_tools::synonyms(conn)?.iter().map(|g| g.terms()));
    engine.set_synonyms(groups);
    let bets: HashMap<String, Vec<String>> = search_tools::best_bets(conn)?
        .into_iter()
        .map(|b| (b.query.clone(), b.doc_ids()))
        .collect();
    engine.set_best_bets(bets);
    Ok(())
}

/// Re-indexes every published item from the database; `progress` is called with (done, total).
pub fn rebuild(
    conn: &mut AnyConnection,
    dir: &Directory,
    engine: &gongkai_search::SearchEngine,
    progress: &dyn Fn(usize, usize),
) -> WebResult<usize> {
    let err = |e: SearchError| WebError::Internal(format!("search index: {e}"));
    // The editors' dictionary first, so rebuilt documents are cut with their words.
    apply_config(conn, engine)?;
    // Read the outbox position first: changes after it are replayed by the follower afterwards.
    let through = outbox::last_id(conn)?;
    let ids = item::public_ids(conn)?;
    engine.clear().map_err(err)?;
    for (n, chunk) in ids.chunks(1000).enumerate() {
        let (docs, _) = docs_for(conn, dir, chunk)?;
        engine.upsert(&docs).map_err(err)?;
        progress((n * 1000 + chunk.len()).min(ids.len()), ids.len());
    }
    // Key areas (issue 8): trading announcements.
    let trading_ids = gongkai_storage::trading::all_ids(conn)?;
    for chunk in trading_ids.chunks(1000) {
        let (docs, _) = crate::trading::search_docs(conn, dir, chunk)?;
        engine.upsert(&docs).map_err(err)?;
    }
    let issue_ids = crate::gazette::public_ids(conn)?;
    let (docs, _) = crate::gazette::search_docs(conn, dir, &issue_ids)?;
    engine.upsert(&docs).map_err(err)?;
    let guide_ids = gongkai_storage::service_guide::all_ids(conn)?;
    for chunk in guide_ids.chunks(1000) {
        let (docs, _) = crate::key_areas::search_docs(conn, dir, chunk)?;
        engine.upsert(&docs).map_err(err)?;
    }
    crate::mailbox::reindex_letters(conn, dir, engine)?;
    let survey_ids = crate::survey::public_ids(conn)?;
    let (docs, _) = crate::survey::search_docs(conn, dir, &survey_ids)?;
    engine.upsert(&docs).map_err(err)?;
    let event_ids = gongkai_storage::interview::published_ids(conn)?;
    let (docs, _) = crate::interview::search_docs(conn, dir, &event_ids)?;
    engine.upsert(&docs).map_err(err)?;
    let consultation_ids = gongkai_storage::consultation::published_ids(conn)?;
    let (docs, _) = crate::consultation::search_docs(conn, dir, &consultation_ids)?;
    engine.upsert(&docs).map_err(err)?;
    engine.commit_through(through).map_err(err)?;
    Ok(ids.len())
}

fn parse_request(raw: Option<String>) -> Result<SearchRequest, WebError> {
    let pairs: Vec<(String, String)> = raw.as_deref().map(url_pairs).unwrap_or_default();
    SearchRequest::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| WebError::Unprocessable(e.message_zh()))
}

fn url_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |s: &str| {
                urlencoding::decode(&s.replace('+', " "))
                    .map(|c| c.into_owned())
                    .unwrap_or_else(|_| s.to_string())
            };
            (dec(k), dec(v))
        })
        .collect()
}

fn link(req: &SearchRequest, change: impl FnOnce(&mut SearchRequest)) -> String {
    let mut r = req.clone();
    change(&mut r);
    let qs: Vec<String> = r
        .to_params()
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencoding::encode(v)))
        .collect();
    format!("/search?{}", qs.join("&"))
}

fn run_search(state: &AppState, req: &SearchRequest) -> Result<SearchResults, WebError> {
    let engine = state
        .search
        .as_ref()
        .ok_or_else(|| WebError::Internal("search is not enabled on this node".into()))?;
    engine.search(req).map_err(|e| match e {
        SearchError::Query(p) => WebError::BadRequest(p.message_zh()),
        SearchError::Params(p) => WebError::Unprocessable(p.message_zh()),
        other => WebError::Internal(other.to_string()),
    })
}

async fn search_page(
    State(state): State<AppState>,
    jar: CookieJar,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let here = Here::of_site(&state, None, &jar, "/search").await?;
    let crumbs = vec![("站内搜索".to_string(), "/search".to_string())];
    let req = match parse_request(raw) {
        Ok(r) => r,
        Err(e) => {
            let html = here.render(
                "search.html",
                Some("站内搜索"),
                None,
                crumbs,
                empty_results(&e.to_string(), ""),
            )?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
    };
    if req.q.trim().is_empty() {
        return Ok(here
            .render(
                "search.html",
                Some("站内搜索"),
                None,
                crumbs,
                empty_results_quiet(),
            )?
            .into_response());
    }
    let state2 = state.clone();
    let req2 = req.clone();
    let result = tokio::task::spawn_blocking(move || run_search(&state2, &req2))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let results = match result {
        Ok(r) => r,
        Err(WebError::BadRequest(m)) => {
            let ctx = empty_results(&m, &req.q);
            return Ok(here
                .render("search.html", Some("站内搜索"), None, crumbs, ctx)?
                .into_response());
        }
        Err(e) => return Err(e),
    };
    // The query log holds the text and the count only (no address, no cookie); first pages only,
    // so paging through results does not count as searching again.
    let qid = if req.page == 1 {
        let (q, n) = (req.q.clone(), results.total as i64);
        state
            .run(move |conn| {
                Ok(gongkai_storage::search_tools::log_query(
                    conn,
                    &q,
                    n,
                    gongkai_storage::now(),
                )?)
            })
            .await
            .ok()
    } else {
        None
    };
    let hits: Vec<Value> = results
        .hits
        .iter()
        .map(|h| {
            let url = match qid {
                Some(id) => format!("/search/go?qid={id}&to={}", urlencoding::encode(&h.url)),
                None => h.url.clone(),
            };
            json!({
                "title_html": h.title_html,
                "snippet_html": h.snippet_html,
                "url": url,
                "kind_label": h.kind.label_zh(),
                "index_number": h.index_no,
                "doc_number": h.doc_number,
                "org": h.org_name,
                "published": h.published.map(|p| crate::page::published_date(Some(p))),
            })
        })
        .collect();
    let dir = state.directory().await?;
    let mut f = results.facets.clone();
    for c in f.site.iter_mut() {
        if let Some(s) = dir.site_by_slug(&c.value) {
            c.label = s.title.clone();
        }
    }
    let f = &f;
    let group = |name: &str, key: &str, counts: &[FacetCount], current: Option<String>| {
        let options: Vec<Value> = counts
            .iter()
            .map(|c| {
                let selected = current.as_deref() == Some(c.value.as_str());
                let value = c.value.clone();
                let url = link(&req, |r| {
                    let v = if selected { None } else { Some(value) };
                    set_filter(r, key, v);
                    r.page = 1;
                });
                json!({"label": c.label, "count": c.count, "url": url, "selected": selected})
            })
            .collect();
        json!({"name": name, "options": options})
    };
    let fl = &req.filters;
    let facets = vec![
        group("网站", "site", &f.site, fl.site.clone()),
        group("发布机构", "org", &f.org, fl.org.clone()),
        group("主题分类", "subject", &f.subject, fl.subject.clone()),
        group("体裁", "genre", &f.genre, fl.genre.clone()),
        group("年份", "year", &f.year, fl.year.map(|y| y.to_string())),
        group("有效性", "validity", &f.validity, fl.validity.clone()),
        group(
            "类型",
            "kind",
            &f.kind,
            fl.kind.map(|k| k.as_str().to_string()),
        ),
    ];
    let mut active = vec![];
    for (key, name, value) in [
        ("site", "网站", fl.site.clone()),
        ("org", "发布机构", fl.org.clone()),
        ("subject", "主题分类", fl.subject.clone()),
        ("genre", "体裁", fl.genre.clone()),
        ("year", "年份", fl.year.map(|y| y.to_string())),
        ("validity", "有效性", fl.validity.clone()),
    ] {
        if let Some(v) = value {
            active.push(json!({"label": format!("{name}：{v}"), "remove_url": link(&req, |r| set_filter(r, key, None))}));
        }
    }
    let per_page = req.per_page as i64;
    let total = results.total as i64;
    let pag = pagination(
        req.page as i64,
        per_page,
        total.min(gongkai_search::MAX_RESULT_WINDOW as i64),
        |n| link(&req, |r| r.page = n as u32),
    );
    let ctx = json!({
        "q": req.q,
        "error": null,
        "notice": results.notice,
        "hits": hits,
        "total": results.total,
        "total_is_exact": results.total_is_exact,
        "took_ms": results.took_micros / 1000,
        "facets": facets,
        "active_filters": active,
        "sort": if matches!(req.sort, gongkai_search::Sort::Date) { "date" } else { "relevance" },
        "sort_urls": {
            "relevance": link(&req, |r| r.sort = gongkai_search::Sort::Relevance),
            "date": link(&req, |r| r.sort = gongkai_search::Sort::Date),
        },
        "pagination": pag,
    });
    Ok(here
        .render("search.html", Some("站内搜索"), None, crumbs, ctx)?
        .into_response())
}

#[derive(serde::Deserialize)]
pub struct ClickParams {
    qid: i64,
    to: String,
}

/// `GET /search/go?qid=…&to=/items/42`: counts a click on a result, then goes there. Only local
/// paths are followed, so the link cannot be used as an open redirect.
async fn click(
    State(state): State<AppState>,
    axum::extract::Query(p): axum::extract::Query<ClickParams>,
) -> WebResult<axum::response::Redirect> {
    let to = crate::auth::safe_back(Some(&p.to));
    let qid = p.qid;
    state
        .run(move |conn| Ok(gongkai_storage::search_tools::log_click(conn, qid)?))
        .await?;
    Ok(axum::response::Redirect::to(&to))
}

fn set_filter(r: &mut SearchRequest, key: &str, v: Option<String>) {
    let f = &mut r.filters;
    match key {
        "site" => f.site = v,
        "org" => f.org = v,
        "subject" => f.subject = v,
        "genre" => f.genre = v,
        "validity" => f.validity = v,
        "year" => f.year = v.and_then(|y| y.parse().ok()),
        "kind" => f.kind = v.and_then(|k| DocKind::ALL.iter().copied().find(|d| d.as_str() == k)),
        _ => {}
    }
}

fn empty_results_quiet() -> Value {
    json!({"error": null, "notice": null, "hits": [], "total": 0, "total_is_exact": true, "took_ms": null,
        "facets": [], "active_filters": [], "sort": "relevance", "sort_urls": null, "pagination": null})
}

fn empty_results(message: &str, q: &str) -> Value {
    let mut v = empty_results_quiet();
    v["error"] = json!(message);
    v["q"] = json!(q);
    v
}

/// `GET /api/v1/search`: the same query language as the page, as JSON. Unknown parameters → 422.
async fn search_api(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let req = match parse_request(raw) {
        Ok(r) => r,
        Err(e) => return crate::api::json_error(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
    };
    let state2 = state.clone();
    match tokio::task::spawn_blocking(move || run_search(&state2, &req)).await {
        Ok(Ok(r)) => Json(json!({
            "total": r.total,
            "total_is_exact": r.total_is_exact,
            "page": r.page,
            "per_page": r.per_page,
            "hits": r.hits.iter().map(|h| json!({
                "title": h.title, "title_html": h.title_html, "url": h.url, "kind": h.kind.as_str(),
                "index_number": h.index_no, "doc_number": h.doc_number, "organisation": h.org_name,
                "published": h.published, "snippet": h.snippet_html,
            })).collect::<Vec<_>>(),
            "facets": r.facets,
        }))
        .into_response(),
        Ok(Err(e)) => crate::api::json_error(e.status(), &e.to_string()),
        Err(e) => crate::api::json_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            html_to_text("<p>第一条&nbsp;规定</p><p>A &amp; B</p>"),
            "第一条 规定\nA & B\n"
        );
    }

    #[test]
    fn query_strings_decode_plus_and_percent() {
        assert_eq!(
            url_pairs("q=%E4%BD%8E%E4%BF%9D+%E6%A0%87%E5%87%86&page=2"),
            [
                ("q".to_string(), "低保 标准".to_string()),
                ("page".into(), "2".into())
            ]
        );
    }
}
