//! 主题分类 — the catalogue's subject-category tree, maintained by platform administrators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::role::Permission;
use gongkai_storage::{subject, StorageError};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::render;
use crate::app::AppState;
use crate::auth::Staff;
use crate::directory::Directory;
use crate::error::{WebError, WebResult};

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct SubjectForm {
    name: String,
    code: String,
    parent_id: String,
    #[serde(skip_serializing)]
    csrf: String,
}

fn page(
    staff: &Staff,
    dir: &Directory,
    form: &SubjectForm,
    errors: &FieldErrors,
) -> WebResult<Html<String>> {
    let depth = |s: &subject::Subject| usize::from(s.parent_id.is_some());
    let mut ordered = vec![];
    for top in dir.subjects.iter().filter(|s| s.parent_id.is_none()) {
        ordered.push(top);
        ordered.extend(dir.subjects.iter().filter(|s| s.parent_id == Some(top.id)));
    }
    render(
        staff,
        "/admin/subjects",
        "主题分类",
        "admin/subjects.html",
        json!({
            "subjects": ordered.iter().map(|s| json!({"name": s.name, "code": s.code, "depth": depth(s)})).collect::<Vec<_>>(),
            "parent_options": dir.subjects.iter().filter(|s| s.parent_id.is_none()).map(|s| json!({"value": s.id.to_string(), "label": s.name})).collect::<Vec<_>>(),
            "form_action": "/admin/subjects",
            "values": form,
            "errors": errors,
        }),
    )
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> WebResult<Html<String>> {
    if !staff.has_any(Permission::ManageOrganisations) {
        return Err(WebError::Forbidden);
    }
    let dir = state.directory().await?;
    page(
        &staff,
        &dir,
        &SubjectForm::default(),
        &FieldErrors::default(),
    )
}

pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<SubjectForm>,
) -> WebResult<Response> {
    staff.check_csrf(&form.csrf)?;
    if !staff.has_any(Permission::ManageOrganisations) {
        return Err(WebError::Forbidden);
    }
    let parent = if form.parent_id.is_empty() {
        None
    } else {
        Some(
            form.parent_id
                .parse::<i64>()
                .map_err(|_| WebError::BadRequest("parent_id 无效".into()))?,
        )
    };
    let (actor, code, name) = (staff.actor(), form.code.clone(), form.name.clone());
    let r = state
        .run(move |conn| Ok(subject::create(conn, &actor, parent, &code, &name)))
        .await?;
    state.directory.invalidate();
    match r {
        Ok(_) => Ok(Redirect::to("/admin/subjects").into_response()),
        Err(StorageError::Invalid(e)) => {
            let dir = state.directory().await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&staff, &dir, &form, &e)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
