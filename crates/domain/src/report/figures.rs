//! Checking figures typed from an old report (`gongkai report check FILE`).
//!
//! Reports before the 2019 format, like the seed's, state free figures ("trading announcements
//! 8,487, of which construction 3,319 …"). A check file lists them with the parts that must sum to
//! each, the figures that cannot exceed others, the report's dates, and optionally the standard
//! tables 三 and 四. The shape is documented in `docs/report-check.md`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::table3::Table3;
use super::table4::Table4;
use super::Inconsistency;
use crate::DomainError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckFile {
    /// Year the report covers.
    pub year: i32,
    #[serde(default)]
    pub title: Option<String>,
    /// Date the report was published.
    #[serde(default)]
    pub published: Option<NaiveDate>,
    /// Date written under the signature.
    #[serde(default)]
    pub signed: Option<NaiveDate>,
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// Pairs `[a, b]` meaning figure a cannot exceed figure b (a part of a whole).
    #[serde(default)]
    pub not_more_than: Vec<[String; 2]>,
    #[serde(default)]
    pub table3: Option<Table3>,
    #[serde(default)]
    pub table4: Option<Table4>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// Stable key, e.g. `trading.construction`.
    pub key: String,
    /// The report's wording, e.g. 建设工程类交易公告.
    pub label: String,
    pub value: i64,
    /// Keys of figures that must sum to this one.
    #[serde(default)]
    pub parts: Vec<String>,
}

impl CheckFile {
    /// Reads a JSON check file; a wrong shape names the field path, line and column.
    pub fn from_json(text: &str) -> Result<CheckFile, DomainError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            DomainError::invalid(
                "check file",
                format!("at {path} (line {}, column {}): {inner}", inner.line(), inner.column()),
            )
        })
    }

    /// Every inconsistency in the file; empty when the figures hold together.
    pub fn check(&self) -> Result<Vec<Inconsistency>, DomainError> {
        let mut by_key: BTreeMap<&str, &Figure> = BTreeMap::new();
        for f in &self.figures {
            if by_key.insert(f.key.as_str(), f).is_some() {
                return Err(DomainError::invalid("figures", format!("key {:?} appears twice", f.key)));
            }
        }
        let lookup = |key: &str| {
            by_key
                .get(key)
                .copied()
                .ok_or_else(|| DomainError::invalid("figures", format!("unknown figure key {key:?}")))
        };
        let mut out = Vec::new();
        for f in &self.figures {
            if f.parts.is_empty() {
                continue;
            }
            let mut sum = 0;
            let mut shown = Vec::new();
            for p in &f.parts {
                let part = lookup(p)?;
                sum += part.value;
                shown.push(part.value.to_string());
            }
            if sum != f.value {
                out.push(Inconsistency {
                    location: format!("{} ({})", f.label, f.key),
                    rule: format!("应等于各部分之和 {} = {sum}", shown.join(" + ")),
                    expected: sum.to_string(),
                    found: f.value.to_string(),
                });
            }
        }
        for [part, whole] in &self.not_more_than {
            let (p, w) = (lookup(part)?, lookup(whole)?);
            if p.value > w.value {
                out.push(Inconsistency {
                    location: format!("{} ({})", p.label, p.key),
                    rule: format!("不能超过 {} ({})", w.label, w.key),
                    expected: format!("≤ {}", w.value),
                    found: p.value.to_string(),
                });
            }
        }
        if let Some(signed) = self.signed {
            let year_end = NaiveDate::from_ymd_opt(self.year, 12, 31).expect("valid year");
            if signed <= year_end {
                out.push(Inconsistency {
                    location: "落款日期".into(),
                    rule: format!("{} 年度报告的落款应在该年度结束之后", self.year),
                    expected: format!("> {year_end}"),
                    found: signed.to_string(),
                });
            }
            if let Some(published) = self.published {
                if signed > published {
                    out.push(Inconsistency {
                        location: "落款日期".into(),
                        rule: "落款不能晚于发布日期".into(),
                        expected: format!("≤ {published}"),
                        found: signed.to_string(),
                    });
                }
            }
        }
        if let Some(published) = self.published {
            if published.year() <= self.year {
                out.push(Inconsistency {
                    location: "发布日期".into(),
                    rule: "年度报告应在报告年度结束后发布".into(),
                    expected: format!("> {}-12-31", self.year),
                    found: published.to_string(),
                });
            }
        }
        if let Some(t3) = &self.table3 {
            out.extend(t3.check());
        }
        if let Some(t4) = &self.table4 {
            out.extend(t4.check());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> String {
        let path = format!("{}/../../examples/report-check/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn seed_report_faults_are_all_found_and_nothing_else() {
        let file = CheckFile::from_json(&example("huangshi-2018.json")).unwrap();
        let found = file.check().unwrap();
        let text: Vec<String> = found.iter().map(|i| i.to_string()).collect();
        let has = |needle: &str| text.iter().any(|t| t.contains(needle));
        // The five faults of shared/seed/NOTES.md, each with the figures the notes give.
        assert!(has("应为 3313，实为 3319"), "{text:#?}");
        assert!(has("应为 4576，实为 4629"), "{text:#?}");
        assert!(has("应为 8054，实为 8487"), "{text:#?}");
        assert!(has("应为 ≤ 76308，实为 76412"), "{text:#?}");
        assert!(has("落款日期") && has("2018-02-24"), "{text:#?}");
        assert_eq!(found.len(), 5, "no false faults: {text:#?}");
    }

    #[test]
    fn consistent_standard_example_passes_and_broken_one_fails() {
        let ok = CheckFile::from_json(&example("standard-2021-consistent.json")).unwrap();
        assert_eq!(ok.check().unwrap(), vec![]);
        let bad = CheckFile::from_json(&example("standard-2021-broken.json")).unwrap();
        let found = bad.check().unwrap();
        assert!(found.iter().any(|i| i.rule.contains("一 + 二")), "{found:?}");
        assert!(found.iter().any(|i| i.location.starts_with("表四")), "{found:?}");
    }

    #[test]
    fn wrong_shape_names_field_and_line() {
        let text = "{\n  \"year\": 2018,\n  \"figures\": [\n    {\"key\": \"a\", \"label\": \"甲\", \"value\": \"many\"}\n  ]\n}";
        let err = CheckFile::from_json(text).unwrap_err().to_string();
        assert!(err.contains("figures[0].value"), "{err}");
        assert!(err.contains("line 4"), "{err}");
    }

    #[test]
    fn unknown_part_key_is_an_error() {
        let text = r#"{"year": 2020, "figures": [{"key": "a", "label": "甲", "value": 1, "parts": ["b"]}]}"#;
        let err = CheckFile::from_json(text).unwrap().check().unwrap_err();
        assert!(err.to_string().contains("\"b\""));
    }
}
