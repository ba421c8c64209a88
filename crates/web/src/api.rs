//! JSON API v1: items (list with filters and pagination, get by id or 索引号), token-authenticated
//! writes, and the OpenAPI document at `/api/v1/openapi.json`.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use gongkai_domain::item::ItemInput;
use gongkai_domain::role::Permission;
use gongkai_storage::item::{self, Item, ItemQuery, Placement};
use gongkai_storage::StorageError;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::directory::Directory;
use crate::error::WebError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/items", get(list).post(create))
        .route("/items/{id}", get(get_one))
        .route("/items/by-index-number/{*number}", get(by_index_number))
        .route("/openapi.json", get(openapi))
}

pub fn json_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"status": status.as_u16(), "message": message}})),
    )
        .into_response()
}

fn error(e: WebError) -> Response {
    match e {
        WebError::Invalid(fields) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": {"status": 422, "message": "invalid fields", "fields": fields}})),
        )
            .into_response(),
        other => json_error(other.status(), &other.to_string()),
    }
}

fn item_json(dir: &Directory, it: &Item, columns: &[i64]) -> Value {
    json!({
        "id": it.id,
        "index_number": it.index_number,
        "title": it.title,
        "summary": it.summary,
        "body_html": it.body_html,
        "made_on": it.made_on,
        "published_at": it.published_at,
        "doc_number": it.doc_number,
        "organisation": {"id": it.org_id, "name": dir.org_name(it.org_id), "code": dir.org(it.org_id).map(|o| o.code.clone())},
        "site": dir.site(it.site_id).map(|s| s.slug.clone()),
        "subject": it.subject_id.map(|s| dir.subject_path(s)),
        "genre": it.genre,
        "keywords": it.keywords.split_whitespace().collect::<Vec<_>>(),
        "validity": it.validity,
        "valid_from": it.valid_from,
        "invalid_from": it.invalid_from,
        "disclosure_mode": it.disclosure_mode,
        "channels": it.channels().iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "welfare_area": it.welfare_area,
        "columns": columns,
        "status": it.status,
        "version": it.version,
        "url": format!("/items/{}", it.id),
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    site: Option<String>,
    org: Option<i64>,
    genre: Option<String>,
    year: Option<i32>,
    validity: Option<String>,
    subject: Option<i64>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(p) = match params {
        Ok(p) => p,
        Err(e) => return json_error(StatusCode::UNPROCESSABLE_ENTITY, &e.body_text()),
    };
    let dir = match state.directory().await {
        Ok(d) => d,
        Err(e) => return error(e),
    };
    let site_id = match p.site.as_deref() {
        Some(slug) => match dir.site_by_slug(slug) {
            Some(s) => Some(s.id),
            None => {
                return json_error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &format!("unknown site {slug}"),
                )
            }
        },
        None => None,
    };
    if p.per_page.is_some_and(|n| !(1..=100).contains(&n)) || p.page.is_some_and(|n| n < 1) {
        return json_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "page must be ≥ 1 and per_page between 1 and 100",
        );
    }
    let q = ItemQuery {
        site_id,
        org_ids: p.org.map(|o| dir.org_subtree(o)),
        genre: p.genre,
        year: p.year,
        validity: p.validity,
        subject_id: p.subject,
        page: p.page.unwrap_or(1),
        per_page: p.per_page.unwrap_or(20),
        ..ItemQuery::public()
    };
    let dir2 = dir.clone();
    let r = state
        .run(move |conn| {
            let page = item::list(conn, &q)?;
            let ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
            let mut full = item::get_many(conn, &ids)?;
            full.sort_by_key(|i| ids.iter().position(|x| *x == i.id));
            let placements = item::placements(conn, &ids)?;
            Ok((page.total, page.page, page.per_page, full, placements))
        })
        .await;
    match r {
        Ok((total, page, per_page, items, placements)) => Json(json!({
            "total": total,
            "page": page,
            "per_page": per_page,
            "items": items.iter().map(|i| {
                let cols: Vec<i64> = placements.iter().filter(|(it, _)| *it == i.id).map(|(_, c)| *c).collect();
                item_json(&dir2, i, &cols)
            }).collect::<Vec<_>>(),
        }))
        .into_response(),
        Err(e) => error(e),
    }
}

async fn respond_item(state: &AppState, found: Result<Option<Item>, WebError>) -> Response {
    let dir = match state.directory().await {
        Ok(d) => d,
        Err(e) => return error(e),
    };
    match found {
        Ok(Some(it)) if it.status().is_public() => {
            let id = it.id;
            match state.run(move |conn| Ok(item::column_ids(conn, id)?)).await {
                Ok(cols) => Json(item_json(&dir, &it, &cols)).into_response(),
                Err(e) => error(e),
            }
        }
        Ok(Some(it)) if it.status() == gongkai_domain::workflow::ItemStatus::Removed => {
            json_error(StatusCode::GONE, "item removed")
        }
        Ok(_) => json_error(StatusCode::NOT_FOUND, "item not found"),
        Err(e) => error(e),
    }
}

async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return json_error(StatusCode::BAD_REQUEST, "id must be a number");
    };
    let found = state
        .run(move |conn| match item::get(conn, id) {
            Ok(i) => Ok(Some(i)),
            Err(StorageError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        })
        .await;
    respond_item(&state, found).await
}

async fn by_index_number(State(state): State<AppState>, Path(number): Path<String>) -> Response {
    let found = state
        .run(move |conn| Ok(item::get_by_index_number(conn, &number)?))
        .await;
    respond_item(&state, found).await
}

/// A draft created through the API: where it goes plus the catalogue fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateItem {
    site: String,
    org_code: String,
    #[serde(flatten)]
    fields: ItemInputApi,
}

/// The API's item fields: as [`ItemInput`], with column ids as numbers.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ItemInputApi {
    title: String,
    summary: String,
    body_html: String,
    made_on: String,
    doc_number: String,
    genre: String,
    keywords: String,
    validity: String,
    valid_from: String,
    invalid_from: String,
    disclosure_mode: String,
    channels: Vec<String>,
    subject_id: Option<i64>,
    column_ids: Vec<i64>,
    welfare_area: String,
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<CreateItem>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let Some(token) = token else {
        return json_error(
            StatusCode::UNAUTHORIZED,
            "an API token is required (Authorization: Bearer …)",
        );
    };
    let Json(body) = match body {
        Ok(b) => b,
        Err(e) => return json_error(StatusCode::UNPROCESSABLE_ENTITY, &e.body_text()),
    };
    let dir = match state.directory().await {
        Ok(d) => d,
        Err(e) => return error(e),
    };
    let user = match state
        .run(move |conn| {
            let Some(u) = gongkai_storage::user::user_for_api_token(conn, &token)? else {
                return Ok(None);
            };
            let g = gongkai_storage::user::grants_of(conn, u.id)?;
            Ok(Some((u, g)))
        })
        .await
    {
        Ok(Some(u)) => u,
        Ok(None) => return json_error(StatusCode::UNAUTHORIZED, "invalid or revoked API token"),
        Err(e) => return error(e),
    };
    let Some(site) = dir.site_by_slug(&body.site).cloned() else {
        return json_error(StatusCode::UNPROCESSABLE_ENTITY, "unknown site");
    };
    let Some(org) = dir.orgs.iter().find(|o| o.code == body.org_code).cloned() else {
        return json_error(StatusCode::UNPROCESSABLE_ENTITY, "unknown org_code");
    };
    let grants = gongkai_storage::user::domain_grants(&user.1);
    if !gongkai_domain::role::allowed(&grants, Permission::EditItems, &org.path) {
        return json_error(
            StatusCode::FORBIDDEN,
            "this token may not edit items of that organisation",
        );
    }
    let f = body.fields;
    let input = ItemInput {
        title: f.title,
        summary: f.summary,
        body_html: f.body_html,
        made_on: f.made_on,
        doc_number: f.doc_number,
        genre: f.genre,
        keywords: f.keywords,
        validity: f.validity,
        valid_from: f.valid_from,
        invalid_from: f.invalid_from,
        disclosure_mode: f.disclosure_mode,
        channels: f.channels,
        subject_id: f.subject_id.map(|s| s.to_string()).unwrap_or_default(),
        column_ids: f.column_ids.iter().map(|c| c.to_string()).collect(),
        related_ids: String::new(),
        welfare_area: f.welfare_area,
    };
    let fields = match input.validate() {
        Ok(f) => f,
        Err(e) => return error(WebError::Invalid(e)),
    };
    let actor = user.0.actor(None);
    let at = Placement {
        site_id: site.id,
        org_id: org.id,
    };
    match state
        .run(move |conn| Ok(item::create_draft(conn, &actor, at, &fields)?))
        .await
    {
        Ok(it) => (
            StatusCode::CREATED,
            [(header::LOCATION, format!("/api/v1/items/{}", it.id))],
            Json(item_json(&dir, &it, &[])),
        )
            .into_response(),
        Err(e) => error(e),
    }
}

async fn openapi() -> Json<Value> {
    let Json(mut doc) = openapi_core();
    // Key areas (issue 8): trading, feeds and open data.
    if let (Some(paths), Value::Object(more)) = (
        doc.get_mut("paths").and_then(Value::as_object_mut),
        crate::feeds::openapi_paths(),
    ) {
        paths.extend(more);
    }
    Json(doc)
}

fn openapi_core() -> Json<Value> {
    let item_schema = json!({
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "index_number": {"type": "string", "nullable": true, "description": "索引号"},
            "title": {"type": "string"}, "summary": {"type": "string"}, "body_html": {"type": "string"},
            "made_on": {"type": "string", "format": "date", "nullable": true, "description": "成文日期"},
            "published_at": {"type": "string", "format": "date-time", "nullable": true},
            "doc_number": {"type": "string", "nullable": true, "description": "文号"},
            "organisation": {"type": "object"}, "site": {"type": "string"}, "subject": {"type": "string", "nullable": true},
            "genre": {"type": "string"}, "keywords": {"type": "array", "items": {"type": "string"}},
            "validity": {"type": "string", "enum": ["valid", "expired", "repealed"]},
            "disclosure_mode": {"type": "string"}, "channels": {"type": "array", "items": {"type": "string"}}, "welfare_area": {"type": "string", "description": "社会公益事业 area code, or null"},
            "columns": {"type": "array", "items": {"type": "integer"}}, "status": {"type": "string"}, "version": {"type": "integer"},
            "url": {"type": "string"}
        }
    });
    let list_params: Vec<Value> = ["site", "genre", "validity"]
        .iter()
        .map(|n| json!({"name": n, "in": "query", "schema": {"type": "string"}}))
        .chain(
            ["org", "year", "subject", "page", "per_page"]
                .iter()
                .map(|n| json!({"name": n, "in": "query", "schema": {"type": "integer"}})),
        )
        .collect();
    let error_schema = json!({"type": "object", "properties": {"error": {"type": "object", "properties": {"status": {"type": "integer"}, "message": {"type": "string"}, "fields": {"type": "object"}}}}});
    Json(json!({
        "openapi": "3.0.3",
        "info": {"title": "Gongkai API", "version": "1", "description": "政务公开平台 JSON API"},
        "paths": {
            "/api/v1/items": {
                "get": {
                    "summary": "List published items",
                    "parameters": list_params,
                    "responses": {"200": {"description": "a page of items", "content": {"application/json": {"schema": {"type": "object", "properties": {"total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}}}}},
                                  "422": {"description": "unknown or invalid parameter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
                },
                "post": {
                    "summary": "Create a draft item",
                    "security": [{"bearer": []}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["site", "org_code", "title", "genre"], "properties": {"site": {"type": "string"}, "org_code": {"type": "string"}, "title": {"type": "string"}, "genre": {"type": "string"}, "body_html": {"type": "string"}, "made_on": {"type": "string"}, "doc_number": {"type": "string"}, "column_ids": {"type": "array", "items": {"type": "integer"}}}}}}},
                    "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                                  "401": {"description": "no or bad token"}, "403": {"description": "not allowed for that organisation"},
                                  "422": {"description": "field errors", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
                }
            },
            "/api/v1/items/{id}": {"get": {"summary": "One published item", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "the item", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}, "404": {"description": "not found"}, "410": {"description": "removed"}}}},
            "/api/v1/items/by-index-number/{index_number}": {"get": {"summary": "One published item by 索引号", "parameters": [{"name": "index_number", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the item", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}, "404": {"description": "not found"}}}},
            "/api/v1/search": {"get": {"summary": "Full-text search", "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "results"}, "422": {"description": "unknown parameter"}}}}
        },
        "components": {
            "schemas": {"Item": item_schema, "Error": error_schema},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
        }
    }))
}
