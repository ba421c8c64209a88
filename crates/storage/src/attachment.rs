//! 附件 — files attached to items. Contents are stored once per checksum in `blobs`; size and type
//! limits are enforced before anything is written.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{self, Actor, Change};
use crate::schema::{attachments, blobs};
use crate::{write_txn, AnyConnection, Result, StorageError};

/// Largest attachment accepted (the web layer answers 413 above it).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// File types a government site publishes, by extension, with the content type they are served as.
pub const ALLOWED: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("wps", "application/vnd.ms-works"),
    ("ofd", "application/ofd"),
    ("txt", "text/plain; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
    ("zip", "application/zip"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
];

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: i64,
    pub item_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub position: i32,
    pub text_content: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Why an upload was refused, so the web layer can answer 413 or 415.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    TooLarge { size: usize },
    TypeNotAllowed { extension: String },
    Empty,
}

/// The content type for a file name, or the refusal.
pub fn check(file_name: &str, size: usize) -> std::result::Result<&'static str, Refusal> {
    if size == 0 {
        return Err(Refusal::Empty);
    }
    if size > MAX_BYTES {
        return Err(Refusal::TooLarge { size });
    }
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    ALLOWED
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, t)| *t)
        .ok_or(Refusal::TypeNotAllowed { extension: ext })
}

/// The text of a plain-text attachment for search, or None for other types. UTF-8 (with or
/// without a byte-order mark) is read as such; anything else is read as GB18030, the superset of
/// the GBK and GB2312 that Chinese office software still saves text files in, so such files are
/// searchable rather than indexed as mojibake.
pub fn searchable_text(content_type: &str, bytes: &[u8]) -> Option<String> {
    if !content_type.starts_with("text/") {
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    Some(match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    })
}

/// A file name safe to store and to send in Content-Disposition: no path, no control characters.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    let trimmed = cleaned.trim().to_string();
    if trimmed.is_empty() {
        "附件".into()
    } else {
        trimmed
    }
}

/// Stores file contents once per checksum (inside the caller's transaction).
pub(crate) fn store_blob(conn: &mut AnyConnection, sha: &str, bytes: &[u8]) -> Result<()> {
    let exists: i64 = blobs::table
        .filter(blobs::sha256.eq(sha))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        diesel::insert_into(blobs::table)
            .values((
                blobs::sha256.eq(sha),
                blobs::size_bytes.eq(bytes.len() as i64),
                blobs::content.eq(bytes),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The contents stored under a checksum.
pub(crate) fn blob(conn: &mut AnyConnection, sha: &str) -> Result<Vec<u8>> {
    Ok(blobs::table.find(sha).select(blobs::content).first(conn)?)
}

pub fn add(
    conn: &mut AnyConnection,
    actor: &Actor,
    item_id: i64,
    raw_name: &str,
    bytes: &[u8],
) -> Result<Attachment> {
    let file_name = clean_file_name(raw_name);
    let content_type =
        check(&file_name, bytes.len()).map_err(|r| StorageError::Conflict(format!("{r:?}")))?;
    let sha = hex::encode(Sha256::digest(bytes));
    // Plain text is kept as text so search can index it.
    let text_content = searchable_text(content_type, bytes);
    write_txn(conn, |conn| {
        let item = crate::item::get(conn, item_id)?;
        store_blob(conn, &sha, bytes)?;
        let position: i64 = attachments::table
            .filter(attachments::item_id.eq(item_id))
            .count()
            .get_result(conn)?;
        let id: i64 = diesel::insert_into(attachments::table)
            .values((
                attachments::item_id.eq(item_id),
                attachments::file_name.eq(&file_name),
                attachments::content_type.eq(content_type),
                attachments::size_bytes.eq(bytes.len() as i64),
                attachments::sha256.eq(&sha),
                attachments::position.eq(position as i32),
                attachments::text_content.eq(&text_content),
                attachments::created_at.eq(crate::now()),
            ))
            .returning(attachments::id)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "attachment.add",
                entity: "item",
                entity_id: item_id.to_string(),
                org_id: Some(item.org_id),
                summary: format!(
                    "attached {file_name} ({} bytes, sha256 {})",
                    bytes.len(),
                    &sha[..12]
                ),
                before: None,
                after: None,
            },
        )?;
        if item.status().is_public() {
            crate::outbox::push(conn, "item", item_id, crate::outbox::Op::Upsert)?;
        }
        get(conn, id)
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Attachment> {
    attachments::table
        .find(id)
        .select(Attachment::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "attachment",
            id: id.to_string(),
        })
}

pub fn of_item(conn: &mut AnyConnection, item_id: i64) -> Result<Vec<Attachment>> {
    Ok(attachments::table
        .filter(attachments::item_id.eq(item_id))
        .order(attachments::position.asc())
        .select(Attachment::as_select())
        .load(conn)?)
}

pub fn content(conn: &mut AnyConnection, a: &Attachment) -> Result<Vec<u8>> {
    blob(conn, &a.sha256)
}

pub fn remove(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<()> {
    write_txn(conn, |conn| {
        let a = get(conn, id)?;
        let item = crate::item::get(conn, a.item_id)?;
        diesel::delete(attachments::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "attachment.remove",
                entity: "item",
                entity_id: a.item_id.to_string(),
                org_id: Some(item.org_id),
                summary: format!("removed attachment {}", a.file_name),
                before: None,
                after: None,
            },
        )?;
        if item.status().is_public() {
            crate::outbox::push(conn, "item", a.item_id, crate::outbox::Op::Upsert)?;
        }
        Ok(())
    })
}

pub fn human_size(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / 1024.0 / 1024.0),
        b if b >= 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_attachments_are_read_as_utf8_or_gb18030() {
        let t = "关于最低生活保障标准的通知";
        assert_eq!(
            searchable_text("text/plain; charset=utf-8", t.as_bytes()).as_deref(),
            Some(t)
        );
        let bom = [b"\xEF\xBB\xBF".as_slice(), t.as_bytes()].concat();
        assert_eq!(
            searchable_text("text/csv; charset=utf-8", &bom).as_deref(),
            Some(t)
        );
        let (gbk, _, _) = encoding_rs::GBK.encode(t);
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(
            searchable_text("text/plain; charset=utf-8", &gbk).as_deref(),
            Some(t)
        );
        assert_eq!(searchable_text("application/pdf", b"%PDF-1.4"), None);
    }

    #[test]
    fn limits_and_types() {
        assert_eq!(check("通知.PDF", 10), Ok("application/pdf"));
        assert_eq!(
            check("a.exe", 10),
            Err(Refusal::TypeNotAllowed {
                extension: "exe".into()
            })
        );
        assert_eq!(
            check("a.pdf", MAX_BYTES + 1),
            Err(Refusal::TooLarge {
                size: MAX_BYTES + 1
            })
        );
        assert_eq!(check("a.pdf", 0), Err(Refusal::Empty));
        assert_eq!(clean_file_name("C:\\tmp\\附件1.pdf"), "附件1.pdf");
        assert_eq!(clean_file_name("../../etc/\"x\".txt"), "x.txt");
        assert_eq!(human_size(2 * 1024 * 1024), "2.0 MB");
    }
}
