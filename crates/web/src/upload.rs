//! File uploads and downloads shared by every form that takes a file (item attachments, a
//! request's scans, notices and released files): one multipart reader with the size limit mapped
//! to 413, the attachment type rules mapped to 415, and one download response.

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use gongkai_storage::attachment::{self, Refusal};

use crate::error::{WebError, WebResult};

/// A multipart form: its text fields and the file in the field `file`, if one was sent.
pub struct Upload {
    pub fields: HashMap<String, String>,
    pub file: Option<(String, Vec<u8>)>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }

    /// The file, checked against the attachment rules (size, type, not empty).
    pub fn checked_file(&self) -> WebResult<(&str, &[u8])> {
        let (name, bytes) = self
            .file
            .as_ref()
            .ok_or_else(|| WebError::BadRequest("请选择要上传的文件（字段 file）".into()))?;
        match attachment::check(&attachment::clean_file_name(name), bytes.len()) {
            Err(Refusal::TooLarge { .. }) => Err(too_large()),
            Err(Refusal::TypeNotAllowed { extension }) => Err(WebError::UnsupportedType(format!(
                "不支持的文件类型“.{extension}”。可上传：{}",
                attachment::ALLOWED
                    .iter()
                    .map(|(e, _)| *e)
                    .collect::<Vec<_>>()
                    .join("、")
            ))),
            Err(Refusal::Empty) => Err(WebError::BadRequest("文件为空".into())),
            Ok(_) => Ok((name.as_str(), bytes.as_slice())),
        }
    }
}

fn too_large() -> WebError {
    WebError::TooLarge(format!(
        "附件不能超过 {} MB",
        attachment::MAX_BYTES / 1024 / 1024
    ))
}

fn invalid(e: axum::extract::multipart::MultipartError) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        WebError::BadRequest(format!("上传内容无效：{e}"))
    }
}

/// Reads a whole multipart form (the body limit applies: over it is 413).
pub async fn read(mut multipart: Multipart) -> WebResult<Upload> {
    let mut up = Upload {
        fields: HashMap::new(),
        file: None,
    };
    while let Some(field) = multipart.next_field().await.map_err(invalid)? {
        let Some(name) = field.name().map(String::from) else {
            continue;
        };
        if name == "file" {
            let file_name = field.file_name().unwrap_or("附件").to_string();
            let bytes = field.bytes().await.map_err(invalid)?;
            // A file input left empty still sends a part, with no name and no bytes.
            if !bytes.is_empty() || !file_name.is_empty() {
                up.file = Some((file_name, bytes.to_vec()));
            }
        } else {
            let text = field.text().await.map_err(invalid)?;
            up.fields.insert(name, text);
        }
    }
    Ok(up)
}

/// A stored file sent for download under its own name.
pub fn download(
    file_name: &str,
    content_type: &str,
    sha256: &str,
    cache: &str,
    bytes: Vec<u8>,
) -> Response {
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        urlencoding::encode(file_name)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::ETAG, format!("\"{sha256}\"")),
            (header::CACHE_CONTROL, cache.to_string()),
        ],
        bytes,
    )
        .into_response()
}
