//! A request's files: scans of a paper request (扫描件, staff only), the reply notice (告知书) and
//! the released information (公开的政府信息), both of which the applicant downloads when tracking.
//! Contents live in `blobs` by checksum, with the attachments' size and type limits.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{add_event, get as get_request, ENTITY};
use crate::attachment::{self, clean_file_name, Refusal};
use crate::audit::{self, Actor, Change};
use crate::{write_txn, AnyConnection, Result, StorageError};

diesel::table! {
    request_files (id) {
        id -> BigInt,
        request_id -> BigInt,
        kind -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

gongkai_domain::vocabulary!(
    /// What a request's file is: a scan of a paper request (never shown to the public), the
    /// reply notice (告知书), or the information released.
    FileKind, "file_kind" {
        Scan => "scan", "申请材料扫描件";
        Notice => "notice", "答复告知书";
        Release => "release", "公开的政府信息";
    }
);

impl FileKind {
    /// Whether the applicant may download it when tracking the request.
    pub fn for_applicant(self) -> bool {
        !matches!(self, FileKind::Scan)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = request_files)]
pub struct RequestFile {
    pub id: i64,
    pub request_id: i64,
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl RequestFile {
    pub fn kind(&self) -> Option<FileKind> {
        self.kind.parse().ok()
    }
}

/// Why a file was refused, for the web layer's 413/415 (the attachments' rules).
pub fn check(file_name: &str, size: usize) -> std::result::Result<&'static str, Refusal> {
    attachment::check(file_name, size)
}

/// Adds a file to a request (audited, and an event on the case).
pub fn add(
    conn: &mut AnyConnection,
    actor: &Actor,
    request_id: i64,
    kind: FileKind,
    raw_name: &str,
    bytes: &[u8],
) -> Result<RequestFile> {
    let file_name = clean_file_name(raw_name);
    let content_type =
        check(&file_name, bytes.len()).map_err(|r| StorageError::Conflict(format!("{r:?}")))?;
    let sha = hex::encode(Sha256::digest(bytes));
    write_txn(conn, |conn| {
        let r = get_request(conn, request_id)?;
        attachment::store_blob(conn, &sha, bytes)?;
        let now = crate::now();
        let id: i64 = diesel::insert_into(request_files::table)
            .values((
                request_files::request_id.eq(request_id),
                request_files::kind.eq(kind.as_str()),
                request_files::file_name.eq(&file_name),
                request_files::content_type.eq(content_type),
                request_files::size_bytes.eq(bytes.len() as i64),
                request_files::sha256.eq(&sha),
                request_files::created_by.eq(&actor.name),
                request_files::created_at.eq(now),
            ))
            .returning(request_files::id)
            .get_result(conn)?;
        add_event(
            conn,
            actor,
            request_id,
            "file_added",
            (now + chrono::Duration::hours(8)).date(),
            &serde_json::json!({"kind": kind.as_str(), "file_name": file_name}),
        )?;
        audit::record(
            conn,
            actor,
            Change {
                action: "request.file_add",
                entity: ENTITY,
                entity_id: request_id.to_string(),
                org_id: Some(r.org_id),
                summary: format!(
                    "{} {file_name} ({} bytes) added to request {}",
                    kind.label_zh(),
                    bytes.len(),
                    r.tracking_code
                ),
                before: None,
                after: None,
            },
        )?;
        get(conn, id)
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<RequestFile> {
    request_files::table
        .find(id)
        .select(RequestFile::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "request file",
            id: id.to_string(),
        })
}

/// A request's files, oldest first.
pub fn of_request(conn: &mut AnyConnection, request_id: i64) -> Result<Vec<RequestFile>> {
    Ok(request_files::table
        .filter(request_files::request_id.eq(request_id))
        .order(request_files::id.asc())
        .select(RequestFile::as_select())
        .load(conn)?)
}

pub fn content(conn: &mut AnyConnection, f: &RequestFile) -> Result<Vec<u8>> {
    attachment::blob(conn, &f.sha256)
}
