//! Files of a press conference or an interview (发布会材料, 图片, 实录文本): uploaded by staff with
//! the attachments' size and type rules, contents in `blobs` by checksum, listed on the public page
//! once the event is published.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::get as get_event;
use crate::attachment::{self, check, clean_file_name, Refusal};
use crate::audit::{self, Actor, Change};
use crate::schema::interview_files;
use crate::{outbox, write_txn, AnyConnection, Result, StorageError};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = interview_files)]
pub struct EventFile {
    pub id: i64,
    pub interview_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

fn refused(r: Refusal) -> StorageError {
    let mut e = gongkai_domain::item::FieldErrors::default();
    e.add(
        "file",
        match r {
            Refusal::TooLarge { .. } => {
                format!("文件不能超过 {} MB", attachment::MAX_BYTES / 1024 / 1024)
            }
            Refusal::TypeNotAllowed { extension } => format!("不支持的文件类型“.{extension}”"),
            Refusal::Empty => "文件为空".into(),
        },
    );
    StorageError::Invalid(e)
}

/// Adds a file to an event (audited; a published event's page changes).
pub fn add(
    conn: &mut AnyConnection,
    actor: &Actor,
    interview_id: i64,
    raw_name: &str,
    bytes: &[u8],
) -> Result<EventFile> {
    let file_name = clean_file_name(raw_name);
    let content_type = check(&file_name, bytes.len()).map_err(refused)?;
    let sha = hex::encode(Sha256::digest(bytes));
    write_txn(conn, |conn| {
        let ev = get_event(conn, interview_id)?;
        attachment::store_blob(conn, &sha, bytes)?;
        let id: i64 = diesel::insert_into(interview_files::table)
            .values((
                interview_files::interview_id.eq(interview_id),
                interview_files::file_name.eq(&file_name),
                interview_files::content_type.eq(content_type),
                interview_files::size_bytes.eq(bytes.len() as i64),
                interview_files::sha256.eq(&sha),
                interview_files::created_by.eq(&actor.name),
                interview_files::created_at.eq(crate::now()),
            ))
            .returning(interview_files::id)
            .get_result(conn)?;
        if ev.is_published() {
            outbox::push(conn, ev.entity(), interview_id, outbox::Op::Upsert)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: &format!("{}.file_add", ev.entity()),
                entity: ev.entity(),
                entity_id: interview_id.to_string(),
                org_id: Some(ev.org_id),
                summary: format!(
                    "file {file_name} ({} bytes) added to “{}”",
                    bytes.len(),
                    ev.title
                ),
                before: None,
                after: Some(
                    serde_json::json!({"file_id": id, "file_name": file_name, "sha256": sha}),
                ),
            },
        )?;
        get(conn, id)
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<EventFile> {
    interview_files::table
        .find(id)
        .select(EventFile::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "interview file",
            id: id.to_string(),
        })
}

/// An event's files in upload order.
pub fn of_event(conn: &mut AnyConnection, interview_id: i64) -> Result<Vec<EventFile>> {
    Ok(interview_files::table
        .filter(interview_files::interview_id.eq(interview_id))
        .order(interview_files::id.asc())
        .select(EventFile::as_select())
        .load(conn)?)
}

pub fn content(conn: &mut AnyConnection, f: &EventFile) -> Result<Vec<u8>> {
    attachment::blob(conn, &f.sha256)
}

/// Removes a file from its event (audited); the blob stays for other users of the same content.
pub fn remove(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<()> {
    write_txn(conn, |conn| {
        let f = get(conn, id)?;
        let ev = get_event(conn, f.interview_id)?;
        diesel::delete(interview_files::table.find(id)).execute(conn)?;
        if ev.is_published() {
            outbox::push(conn, ev.entity(), ev.id, outbox::Op::Upsert)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: &format!("{}.file_remove", ev.entity()),
                entity: ev.entity(),
                entity_id: ev.id.to_string(),
                org_id: Some(ev.org_id),
                summary: format!("file {} removed from “{}”", f.file_name, ev.title),
                before: Some(serde_json::json!({"file_id": f.id, "file_name": f.file_name})),
                after: None,
            },
        )
    })
}
