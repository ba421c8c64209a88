//! 搜索管理 — editors' relevance tools (user dictionary, synonyms, best bets; applied on every
//! node within a second through the outbox, no restart) and the weekly search analytics.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::role::Permission;
use gongkai_storage::search_tools;
use gongkai_storage::StorageError;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::render;
use crate::app::AppState;
use crate::auth::{CsrfOnly, Staff};
use crate::error::{WebError, WebResult};

/// Relevance settings are platform-wide: site managers may edit them.
fn require(staff: &Staff) -> WebResult<()> {
    if staff.has_any(Permission::ManageSites) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

#[derive(Deserialize, Default)]
pub struct WeekParam {
    week: Option<String>,
    /// Text to cut with the current dictionary (分词预览).
    #[serde(rename = "try")]
    try_text: Option<String>,
    /// Set after a re-tokenisation was requested, to say so.
    retokenize: Option<String>,
}

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ToolsForm {
    terms: String,
    words: String,
    query: String,
    doc_ids: String,
    #[serde(skip_serializing)]
    csrf: String,
}

/// How this node's engine reads `text` as a query: the words it must match, with synonyms.
fn segmentation(state: &AppState, text: &str) -> serde_json::Value {
    let text = text.trim();
    if text.is_empty() {
        return serde_json::Value::Null;
    }
    let Some(engine) = state.search.as_ref() else {
        return json!({"text": text, "error": "本服务器未启用搜索", "words": []});
    };
    match engine.query_words(text) {
        Ok(groups) => json!({
            "text": text,
            "error": null,
            "words": groups.iter().map(|g| json!({
                "word": g[0],
                "synonyms": g[1..].join("、"),
            })).collect::<Vec<_>>(),
        }),
        Err(e) => json!({"text": text, "error": e.to_string(), "words": []}),
    }
}

async fn page(
    state: &AppState,
    staff: &Staff,
    week: Option<String>,
    try_text: Option<String>,
    retokenize_requested: bool,
    form: &ToolsForm,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    let (synonyms, bets, weeks, report, words) = state
        .run(move |conn| {
            let weeks = search_tools::weeks(conn)?;
            let week = week
                .filter(|w| weeks.contains(w))
                .or_else(|| weeks.first().cloned())
                .unwrap_or_else(|| search_tools::week_of(gongkai_storage::now()));
            let report = search_tools::week_report(conn, &week, 20)?;
            Ok((
                search_tools::synonyms(conn)?,
                search_tools::best_bets(conn)?,
                weeks,
                report,
                search_tools::user_words(conn)?,
            ))
        })
        .await?;
    let try_text: String = try_text.unwrap_or_default().chars().take(200).collect();
    render(
        staff,
        "/admin/search",
        "搜索管理",
        "admin/search.html",
        json!({
            "synonyms": synonyms.iter().map(|g| json!({"terms": g.terms().join("、"), "delete_url": format!("/admin/search/synonyms/{}/delete", g.id)})).collect::<Vec<_>>(),
            "best_bets": bets.iter().map(|b| json!({"query": b.query, "doc_ids": b.doc_ids, "delete_url": format!("/admin/search/best-bets/{}/delete", b.id)})).collect::<Vec<_>>(),
            "weeks": weeks.iter().map(|w| json!({"value": w, "label": w, "selected": *w == report.week})).collect::<Vec<_>>(),
            "report": report,
            "user_words": words.iter().map(|w| json!({"word": w.word, "delete_url": format!("/admin/search/words/{}/delete", w.id)})).collect::<Vec<_>>(),
            "try_text": try_text,
            "retokenize_requested": retokenize_requested,
            "segmentation": segmentation(state, &try_text),
            "values": form,
            "errors": errors,
        }),
    )
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(p): Query<WeekParam>,
) -> WebResult<Html<String>> {
    require(&staff)?;
    page(
        &state,
        &staff,
        p.week,
        p.try_text,
        p.retokenize.is_some(),
        &ToolsForm::default(),
        &FieldErrors::default(),
    )
    .await
}

async fn outcome(
    state: &AppState,
    staff: &Staff,
    form: &ToolsForm,
    r: Result<(), StorageError>,
) -> WebResult<Response> {
    match r {
        Ok(()) => Ok(Redirect::to("/admin/search").into_response()),
        Err(StorageError::Invalid(e)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            page(state, staff, None, None, false, form, &e).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

pub async fn add_synonyms(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<ToolsForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require(&staff)?;
    let (actor, terms) = (staff.actor(), form.terms.clone());
    let r = state
        .run(move |conn| Ok(search_tools::add_synonyms(conn, &actor, &terms).map(|_| ())))
        .await?;
    outcome(&state, &staff, &form, r).await
}

pub async fn set_best_bet(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<ToolsForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require(&staff)?;
    let actor = staff.actor();
    let query = form.query.clone();
    // Staff type item numbers (42) or document ids (item:42).
    let ids: Vec<String> = form
        .doc_ids
        .split([' ', ',', '，', '、'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            if s.contains(':') {
                s.trim().to_string()
            } else {
                format!("item:{}", s.trim())
            }
        })
        .collect();
    let r = state
        .run(move |conn| Ok(search_tools::set_best_bet(conn, &actor, &query, &ids)))
        .await?;
    outcome(&state, &staff, &form, r).await
}

pub async fn delete_synonyms(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> WebResult<Response> {
    staff.check_csrf(&f.csrf)?;
    require(&staff)?;
    let actor = staff.actor();
    state
        .run(move |conn| Ok(search_tools::remove_synonyms(conn, &actor, id)?))
        .await?;
    Ok(Redirect::to("/admin/search").into_response())
}

pub async fn delete_best_bet(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> WebResult<Response> {
    staff.check_csrf(&f.csrf)?;
    require(&staff)?;
    let actor = staff.actor();
    state
        .run(move |conn| Ok(search_tools::remove_best_bet(conn, &actor, id)?))
        .await?;
    Ok(Redirect::to("/admin/search").into_response())
}

pub async fn add_user_words(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<ToolsForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    require(&staff)?;
    let (actor, words) = (staff.actor(), form.words.clone());
    let r = state
        .run(move |conn| Ok(search_tools::add_user_words(conn, &actor, &words).map(|_| ())))
        .await?;
    outcome(&state, &staff, &form, r).await
}

pub async fn delete_user_word(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> WebResult<Response> {
    staff.check_csrf(&f.csrf)?;
    require(&staff)?;
    let actor = staff.actor();
    state
        .run(move |conn| Ok(search_tools::remove_user_word(conn, &actor, id)?))
        .await?;
    Ok(Redirect::to("/admin/search").into_response())
}

/// Asks every node to re-cut the documents it indexed before the dictionary changed.
pub async fn retokenize(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<CsrfOnly>,
) -> WebResult<Response> {
    staff.check_csrf(&f.csrf)?;
    require(&staff)?;
    let actor = staff.actor();
    state
        .run(move |conn| Ok(search_tools::request_retokenize(conn, &actor)?))
        .await?;
    Ok(Redirect::to("/admin/search?retokenize=requested").into_response())
}
