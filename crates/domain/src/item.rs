//! 政府信息条目 — what staff (or an import file, or the API) supply for a catalogue item, and the
//! rules that turn it into valid metadata with field-level errors.
//!
//! The input keeps every value as the text that was typed, so a rejected form can be shown again
//! exactly as it was; validation collects every problem at once instead of stopping at the first.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalogue::{Channel, DisclosureMode, Genre, Validity, WelfareArea};
use crate::doc_number::DocNumber;

/// Longest title accepted: long enough for the longest real policy titles, short enough for a page.
pub const MAX_TITLE_CHARS: usize = 300;
pub const MAX_SUMMARY_CHARS: usize = 2_000;
/// Bodies of real regulations run to a few hundred thousand characters; beyond this is a mistake.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Field name → message, in field order, for forms and the API's 400/422 answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| message.into());
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        f.write_str(&parts.join("; "))
    }
}

/// An item as typed: every field text, nothing yet checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ItemInput {
    pub title: String,
    pub summary: String,
    pub body_html: String,
    /// 成文日期, `YYYY-MM-DD`.
    pub made_on: String,
    /// 文号 in any spelling; empty when the item has none.
    pub doc_number: String,
    pub genre: String,
    /// Separated by spaces, commas or 、.
    pub keywords: String,
    pub validity: String,
    pub valid_from: String,
    pub invalid_from: String,
    pub disclosure_mode: String,
    pub channels: Vec<String>,
    pub subject_id: String,
    pub column_ids: Vec<String>,
    pub related_ids: String,
    /// 社会公益事业 area code or label; empty when none.
    pub welfare_area: String,
}

/// Valid metadata. Rich text is sanitised here, so nothing unsanitised reaches storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFields {
    pub title: String,
    pub summary: String,
    pub body_html: String,
    pub made_on: Option<NaiveDate>,
    pub doc_number: Option<DocNumber>,
    /// The 文号 as typed (trimmed) for display; `doc_number` gives the normalised key.
    pub doc_number_text: Option<String>,
    pub genre: Genre,
    pub keywords: Vec<String>,
    pub validity: Validity,
    pub valid_from: Option<NaiveDate>,
    pub invalid_from: Option<NaiveDate>,
    pub disclosure_mode: DisclosureMode,
    pub channels: Vec<Channel>,
    pub subject_id: Option<i64>,
    pub column_ids: Vec<i64>,
    pub related_ids: Vec<i64>,
    pub welfare_area: Option<WelfareArea>,
}

impl ItemFields {
    pub fn doc_number_key(&self) -> Option<String> {
        self.doc_number.as_ref().map(DocNumber::canonical)
    }
    pub fn channels_text(&self) -> String {
        self.channels
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Sanitises staff rich text: the tags a government article uses (headings, paragraphs, lists,
/// tables, links, images), no scripts, styles or event handlers.
pub fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default()
        .add_tags([
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "caption",
            "figure",
            "figcaption",
        ])
        .add_tag_attributes("th", ["scope", "colspan", "rowspan"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("img", ["alt", "src", "width", "height"])
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// Parses `YYYY-MM-DD` (also `YYYY/MM/DD` and `YYYY年M月D日`, which staff paste from documents).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    let cleaned: String = s
        .replace('年', "-")
        .replace('月', "-")
        .replace('日', "")
        .replace('/', "-")
        .replace('.', "-");
    NaiveDate::parse_from_str(&cleaned, "%Y-%m-%d").ok()
}

fn optional_date(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    if raw.trim().is_empty() {
        return None;
    }
    let d = parse_date(raw);
    if d.is_none() {
        errors.add(
            field,
            format!("日期“{}”无法识别，请按 YYYY-MM-DD 填写", raw.trim()),
        );
    }
    d
}

fn vocab<T: std::str::FromStr + Copy>(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    default: Option<T>,
) -> Option<T> {
    if raw.trim().is_empty() {
        if default.is_none() {
            errors.add(field, format!("请选择{}", field_label(field)));
        }
        return default;
    }
    match raw.parse::<T>() {
        Ok(v) => Some(v),
        Err(_) => {
            errors.add(field, format!("“{}”不是可选的值", raw.trim()));
            None
        }
    }
}

/// The Chinese name of a field, for messages that must say which field they are about.
fn field_label(field: &str) -> &'static str {
    match field {
        "genre" => "体裁分类",
        "validity" => "有效性",
        "disclosure_mode" => "公开方式",
        "channels" => "发布渠道",
        "welfare_area" => "社会公益事业领域",
        _ => "此项",
    }
}

fn ids(errors: &mut FieldErrors, field: &str, raw: impl IntoIterator<Item = String>) -> Vec<i64> {
    let mut out = Vec::new();
    for piece in raw {
        let p = piece.trim();
        if p.is_empty() {
            continue;
        }
        match p.parse::<i64>() {
            Ok(id) if id > 0 => {
                if !out.contains(&id) {
                    out.push(id)
                }
            }
            _ => errors.add(field, format!("“{p}”不是有效的编号")),
        }
    }
    out
}

impl ItemInput {
    /// Checks every field and returns valid metadata, or every field's problem at once.
    pub fn validate(&self) -> Result<ItemFields, FieldErrors> {
        let mut e = FieldErrors::default();
        let title = self.title.trim().to_string();
        if title.is_empty() {
            e.add("title", "标题必填");
        } else if title.chars().count() > MAX_TITLE_CHARS {
            e.add("title", format!("标题不能超过 {MAX_TITLE_CHARS} 个字"));
        }
        let summary = self.summary.trim().to_string();
        if summary.chars().count() > MAX_SUMMARY_CHARS {
            e.add("summary", format!("摘要不能超过 {MAX_SUMMARY_CHARS} 个字"));
        }
        if self.body_html.len() > MAX_BODY_BYTES {
            e.add("body_html", "正文过长（超过 2 MB）");
        }
        let made_on = optional_date(&mut e, "made_on", &self.made_on);
        let doc_text = self.doc_number.trim();
        let doc_number = if doc_text.is_empty() {
            None
        } else {
            match DocNumber::parse(doc_text) {
                Ok(d) => Some(d),
                Err(err) => {
                    e.add("doc_number", format!("文号“{doc_text}”无法识别（{err}）"));
                    None
                }
            }
        };
        let genre = vocab::<Genre>(&mut e, "genre", &self.genre, None);
        let validity = vocab(&mut e, "validity", &self.validity, Some(Validity::Valid));
        let valid_from = optional_date(&mut e, "valid_from", &self.valid_from);
        let invalid_from = optional_date(&mut e, "invalid_from", &self.invalid_from);
        if matches!(validity, Some(Validity::Expired | Validity::Repealed))
            && invalid_from.is_none()
            && !e.0.contains_key("invalid_from")
        {
            e.add("invalid_from", "失效或废止的文件须填写失效日期");
        }
        if let (Some(from), Some(to)) = (valid_from, invalid_from) {
            if to < from {
                e.add("invalid_from", "失效日期早于生效日期");
            }
        }
        let disclosure_mode = vocab(
            &mut e,
            "disclosure_mode",
            &self.disclosure_mode,
            Some(DisclosureMode::Proactive),
        );
        let mut channels = Vec::new();
        for c in &self.channels {
            if let Some(ch) = vocab::<Channel>(&mut e, "channels", c, Some(Channel::Website)) {
                if !channels.contains(&ch) {
                    channels.push(ch);
                }
            }
        }
        if channels.is_empty() {
            channels.push(Channel::Website);
        }
        let subject_id = ids(&mut e, "subject_id", [self.subject_id.clone()])
            .first()
            .copied();
        let column_ids = ids(&mut e, "column_ids", self.column_ids.iter().cloned());
        let related_ids = ids(
            &mut e,
            "related_ids",
            self.related_ids.split([',', '，', ' ']).map(String::from),
        );
        let welfare_area = if self.welfare_area.trim().is_empty() {
            None
        } else {
            vocab::<WelfareArea>(&mut e, "welfare_area", &self.welfare_area, None)
        };
        let keywords = self
            .keywords
            .split([' ', ',', '，', '、', ';', '；'])
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(String::from)
            .collect();
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ItemFields {
            title,
            summary,
            body_html: sanitize_html(&self.body_html),
            made_on,
            doc_number_text: doc_number.as_ref().map(|_| doc_text.to_string()),
            doc_number,
            genre: genre.expect("checked above"),
            keywords,
            validity: validity.expect("has a default"),
            valid_from,
            invalid_from,
            disclosure_mode: disclosure_mode.expect("has a default"),
            channels,
            subject_id,
            column_ids,
            related_ids,
            welfare_area,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ItemInput {
        ItemInput {
            title: "关于调整城乡居民最低生活保障标准的通知".into(),
            body_html: "<p>各县（市、区）人民政府：</p><script>alert(1)</script><p onclick=\"x()\">正文</p>".into(),
            made_on: "2024年3月5日".into(),
            doc_number: "黄石政发[2024] 3号".into(),
            genre: "行政规范性文件".into(),
            keywords: "低保、标准 救助".into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_input_is_normalised_and_sanitised() {
        let f = input().validate().unwrap();
        assert_eq!(f.made_on, NaiveDate::from_ymd_opt(2024, 3, 5));
        assert_eq!(
            f.doc_number_key(),
            DocNumber::parse("黄石政发〔2024〕3号")
                .ok()
                .map(|d| d.canonical())
        );
        assert_eq!(f.doc_number_text.as_deref(), Some("黄石政发[2024] 3号"));
        assert!(
            !f.body_html.contains("script") && !f.body_html.contains("onclick"),
            "{}",
            f.body_html
        );
        assert!(f.body_html.contains("正文"));
        assert_eq!(f.keywords, ["低保", "标准", "救助"]);
        assert_eq!(f.validity, Validity::Valid);
        assert_eq!(f.channels, [Channel::Website]);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = ItemInput {
            title: "  ".into(),
            made_on: "2024-13-45".into(),
            doc_number: "???".into(),
            genre: "小说".into(),
            validity: "repealed".into(),
            column_ids: vec!["3".into(), "x".into()],
            ..Default::default()
        };
        let e = bad.validate().unwrap_err();
        for field in [
            "title",
            "made_on",
            "doc_number",
            "genre",
            "invalid_from",
            "column_ids",
        ] {
            assert!(e.get(field).is_some(), "no error for {field}: {e}");
        }
        assert!(e.get("made_on").unwrap().contains("2024-13-45"));
    }

    #[test]
    fn repeal_needs_its_date_and_dates_must_be_ordered() {
        let mut i = input();
        i.validity = "废止".into();
        i.invalid_from = "2025-01-01".into();
        i.valid_from = "2025-06-01".into();
        assert!(i
            .validate()
            .unwrap_err()
            .get("invalid_from")
            .unwrap()
            .contains("早于"));
        i.valid_from = "2024-03-05".into();
        assert_eq!(i.validate().unwrap().validity, Validity::Repealed);
    }

    #[test]
    fn over_long_title_is_refused() {
        let mut i = input();
        i.title = "长".repeat(MAX_TITLE_CHARS + 1);
        assert!(i.validate().is_err());
    }
}
