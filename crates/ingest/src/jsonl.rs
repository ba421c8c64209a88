//! The line schema shared by import and export (documented in `docs/import.md`).
//!
//! Items refer to places by the names people see and that survive a move to another database:
//! a site by its slug, an organisation by its code, columns by slug, the subject by its code, and
//! other items by 索引号. Database ids never appear, so a file exported from one city imports
//! into another that has the same organisations, sites and columns.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// One line of an items JSONL file. Every field is text as a person would type it; the storage
/// and domain rules check it on import, exactly as they check the back office's form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ItemLine {
    /// Slug of the site the item belongs to (required).
    #[serde(deserialize_with = "text")]
    pub site: String,
    /// Code of the publishing organisation (9-character organisation code or 18-character unified
    /// social credit code); the site's own organisation when empty.
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub org: String,
    /// Columns by slug within `site`, or `other-site/slug` for a column of another site.
    #[serde(deserialize_with = "texts", skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    #[serde(deserialize_with = "text")]
    pub title: String,
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub summary: String,
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub body_html: String,
    /// 成文日期
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub made_on: String,
    /// 文号
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub doc_number: String,
    /// 体裁 — code (`normative_document`) or label (`行政规范性文件`).
    #[serde(deserialize_with = "text")]
    pub genre: String,
    /// Separated by spaces, commas or 、; a JSON list is accepted too.
    #[serde(deserialize_with = "keywords", skip_serializing_if = "str::is_empty")]
    pub keywords: String,
    /// 有效性; 有效 when empty.
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub validity: String,
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub valid_from: String,
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub invalid_from: String,
    /// 公开方式; 主动公开 when empty.
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub disclosure_mode: String,
    /// 发布渠道; 政府网站 when empty.
    #[serde(deserialize_with = "texts", skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    /// 社会公益事业 area (code or label); none when empty.
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub welfare_area: String,
    /// 主题分类 by code (or exact name).
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub subject: String,
    /// 索引号 of related items (already in the database, or anywhere in the same file).
    #[serde(deserialize_with = "texts", skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// 索引号 of the policy this item interprets (政策解读).
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub interprets: String,
    /// `published` when empty; also `withdrawn`, `draft`, `submitted`, `approved`, `rejected`,
    /// `scheduled` (codes or Chinese labels).
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub status: String,
    /// Why the item was rejected or withdrawn (required for those states).
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub status_reason: String,
    /// 发布日期 of an item published elsewhere: `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DD`.
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub published_at: String,
    /// When a `scheduled` item goes out.
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub scheduled_at: String,
    /// 索引号 kept from the system the item comes from; assigned for the publication year when empty.
    #[serde(deserialize_with = "text", skip_serializing_if = "str::is_empty")]
    pub index_number: String,
}

/// A string field that also takes `null` (empty) and numbers or booleans (as written), because
/// other systems' exports use both.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(TextVisitor)
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
}

/// A list field that also takes `null` (empty) and a single string (one element).
fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(TextsVisitor)
}

struct TextsVisitor;

impl<'de> Visitor<'de> for TextsVisitor {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of strings")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
        Ok(if v.trim().is_empty() {
            Vec::new()
        } else {
            vec![v.to_string()]
        })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<String>, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<String>, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Vec<String>, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        #[derive(Deserialize)]
        struct Elem(#[serde(deserialize_with = "text")] String);
        let mut out = Vec::new();
        while let Some(Elem(s)) = seq.next_element()? {
            if !s.trim().is_empty() {
                out.push(s);
            }
        }
        Ok(out)
    }
}

/// Keywords as one string or a list (joined with spaces, the form storage keeps).
fn keywords<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(texts(d)?.join(" "))
}

/// Reads one line, naming the field a type error is in (`channels: invalid type: map, expected a
/// list of strings`) and leaving out serde_json's column numbers, which mean little to staff.
pub(crate) fn parse_line(line: &str) -> Result<ItemLine, String> {
    let mut de = serde_json::Deserializer::from_str(line);
    let parsed: Result<ItemLine, _> = serde_path_to_error::deserialize(&mut de);
    match parsed {
        Ok(v) => match de.end() {
            Ok(()) => Ok(v),
            Err(_) => Err("JSON 格式错误: 一行只能有一个对象".into()),
        },
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let msg = strip_position(&inner.to_string());
            if msg.starts_with("unknown field") {
                Err(format!("{path}: 未知字段（字段名见 docs/import.md）"))
            } else if path == "."
                || path == "?"
                || path.is_empty()
                || inner.is_syntax()
                || inner.is_eof()
            {
                Err(format!("JSON 格式错误: {msg}"))
            } else {
                Err(format!("{path}: {msg}"))
            }
        }
    }
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}
