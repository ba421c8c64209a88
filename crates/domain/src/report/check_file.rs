//! A check file: the figures of one annual report typed in by hand, to be audited
//! (`gongkai report check FILE`). The shape is documented in `docs/report-check.md`.
//!
//! One shape serves both kinds of report: the free figures of reports before 2019 (`figures`) and
//! the standard tables 二, 三 and 四 of the 2019 and 2021 formats.

use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::dates::{Publisher, ReportDates};
use super::figures::{check_figures, Figure};
use super::table2::Table2;
use super::table3::{Table3, Table3Data};
use super::table4::Table4;
use super::{Inconsistency, ReportFormat};
use crate::DomainError;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckFile {
    /// The year the report covers.
    pub year: i32,
    #[serde(default)]
    pub title: Option<String>,
    /// Decides the publication deadline; without it the deadline is not checked.
    #[serde(default)]
    pub publisher: Option<Publisher>,
    /// 发布日期
    #[serde(default, deserialize_with = "optional_date")]
    pub published: Option<NaiveDate>,
    /// 落款日期 — the date under the signature.
    #[serde(default, deserialize_with = "optional_date")]
    pub signed: Option<NaiveDate>,
    #[serde(default)]
    pub figures: Vec<Figure>,
    #[serde(default)]
    pub table2: Option<Table2>,
    #[serde(default)]
    pub table3: Option<Table3Section>,
    #[serde(default)]
    pub table4: Option<Table4>,
}

/// Table 三 as typed, with the previous report's 四、结转下年度继续办理 row when known, to check
/// this year's 二、上年结转 against it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "Table3SectionData")]
pub struct Table3Section {
    pub table: Table3,
    pub previous_carried_forward: Option<[i64; 7]>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table3SectionData {
    format: ReportFormat,
    rows: std::collections::BTreeMap<super::Table3Row, [i64; 7]>,
    #[serde(default)]
    previous_carried_forward: Option<[i64; 7]>,
}

impl TryFrom<Table3SectionData> for Table3Section {
    type Error = DomainError;

    fn try_from(d: Table3SectionData) -> Result<Table3Section, DomainError> {
        let table = Table3::try_from(Table3Data {
            format: d.format,
            rows: d.rows,
        })?;
        Ok(Table3Section {
            table,
            previous_carried_forward: d.previous_carried_forward,
        })
    }
}

/// Accepts a date as a `YYYY-MM-DD` string (JSON, TOML) or as a bare TOML date, which the TOML
/// deserializer hands over as a one-entry map.
fn optional_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    struct DateVisitor;

    impl<'de> Visitor<'de> for DateVisitor {
        type Value = NaiveDate;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a date as YYYY-MM-DD")
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<NaiveDate, E> {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|e| E::custom(format!("date {s:?}: {e}")))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NaiveDate, A::Error> {
            match map.next_entry::<String, String>()? {
                Some((_, s)) => self.visit_str(&s),
                None => Err(de::Error::invalid_length(0, &self)),
            }
        }
    }

    d.deserialize_any(DateVisitor).map(Some)
}

impl CheckFile {
    /// Reads a JSON check file; a wrong shape is an error naming the field, line and column.
    pub fn from_json(text: &str) -> Result<CheckFile, DomainError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let file: CheckFile = serde_path_to_error::deserialize(de).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            let (line, column) = (inner.line(), inner.column());
            // serde_json appends the position to its message; it is reported on its own.
            let message = inner.to_string();
            let reason = match message.rsplit_once(" at line ") {
                Some((m, _)) if line > 0 => m.to_string(),
                _ => message,
            };
            DomainError::ReportFile {
                field,
                line: (line > 0).then_some(line),
                column: (line > 0).then_some(column),
                reason,
            }
        })?;
        Ok(file)
    }

    /// Reads a TOML check file, same shape as JSON; errors name the field, line and column.
    pub fn from_toml(text: &str) -> Result<CheckFile, DomainError> {
        let position = |e: &toml::de::Error| {
            e.span().map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                (line, column)
            })
        };
        let de = toml::Deserializer::parse(text).map_err(|e| DomainError::ReportFile {
            field: ".".into(),
            line: position(&e).map(|p| p.0),
            column: position(&e).map(|p| p.1),
            reason: e.message().to_string(),
        })?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            let at = position(&inner);
            DomainError::ReportFile {
                field,
                line: at.map(|p| p.0),
                column: at.map(|p| p.1),
                reason: inner.message().to_string(),
            }
        })
    }

    pub fn dates(&self) -> ReportDates {
        ReportDates {
            year: self.year,
            published: self.published,
            signed: self.signed,
            publisher: self.publisher,
        }
    }

    /// Every inconsistency in the file, in the order: figures, dates, table 二, 三, 四. Empty when
    /// the figures hold together. An error when the figures refer to keys that do not exist.
    pub fn check(&self) -> Result<Vec<Inconsistency>, DomainError> {
        let mut out = check_figures(&self.figures)?;
        out.extend(self.dates().check());
        if let Some(t2) = &self.table2 {
            out.extend(self.format_for_year("表二", t2.format()));
            out.extend(t2.check());
        }
        if let Some(t3) = &self.table3 {
            out.extend(self.format_for_year("表三", t3.table.format()));
            out.extend(t3.table.check());
            if let Some(previous) = t3.previous_carried_forward {
                out.extend(t3.table.check_carried_over_from(previous));
            }
        }
        if let Some(t4) = &self.table4 {
            out.extend(t4.check());
        }
        Ok(out)
    }

    /// Reports on 2019 and 2020 use the trial format, later ones the 2021 format. Earlier years had
    /// no standard tables, so a table typed for them in either format is accepted.
    fn format_for_year(&self, table: &str, format: ReportFormat) -> Option<Inconsistency> {
        let expected = ReportFormat::for_year(self.year)?;
        (expected != format).then(|| {
            Inconsistency::new(
                format!("{table} / 格式"),
                format!("{}年度报告应使用{}", self.year, expected.label_zh()),
                expected,
                format,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> String {
        let path = format!(
            "{}/../../examples/report-check/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The five faults of `shared/seed/NOTES.md`, each with the figures the notes give, and nothing else.
    #[test]
    fn seed_report_faults_are_all_found_and_nothing_else() {
        let file = CheckFile::from_json(&example("huangshi-2018.json")).unwrap();
        let found = file.check().unwrap();
        let key_of = |i: &Inconsistency| {
            i.location
                .rsplit_once('（')
                .map(|(_, k)| k.trim_end_matches('）').to_string())
        };
        let got: Vec<(Option<String>, &str, &str)> = found
            .iter()
            .map(|i| (key_of(i), i.expected.as_str(), i.found.as_str()))
            .collect();
        let want = vec![
            (Some("channel.website.city".to_string()), "≤ 76308", "76412"),
            (Some("trading.total".to_string()), "8054", "8487"),
            (Some("trading.construction".to_string()), "3313", "3319"),
            (Some("trading.procurement".to_string()), "4576", "4629"),
            (None, "晚于 2018-12-31", "2018-02-24"),
        ];
        let mut got_sorted = got.clone();
        got_sorted.sort();
        let mut want_sorted = want;
        want_sorted.sort();
        assert_eq!(got_sorted, want_sorted, "{found:#?}");
        assert_eq!(found.iter().filter(|i| i.location == "落款日期").count(), 1);
    }

    #[test]
    fn seed_figures_are_all_transcribed() {
        let file = CheckFile::from_json(&example("huangshi-2018.json")).unwrap();
        let value = |key: &str| {
            file.figures
                .iter()
                .find(|f| f.key == key)
                .unwrap_or_else(|| panic!("no figure {key}"))
                .value
        };
        // A sample across the report's sections, against the seed text.
        assert_eq!(value("proactive.total"), 106144);
        assert_eq!(value("letters.total"), 4960);
        assert_eq!(value("interpretations.counties"), 119);
        assert_eq!(value("trading.land.result"), 43);
        assert_eq!(value("channel.wechat.counties"), 7985);
        assert_eq!(value("requests.city_departments"), 84);
        assert_eq!(value("reconsideration.counties.other"), 3);
        assert_eq!(value("litigation.city.upheld"), 1);
        assert_eq!(file.published, NaiveDate::from_ymd_opt(2019, 2, 24));
        assert!(file.figures.len() >= 60, "{}", file.figures.len());
    }

    #[test]
    fn consistent_standard_example_passes() {
        let ok = CheckFile::from_json(&example("standard-2021-consistent.json")).unwrap();
        assert!(ok.table2.is_some() && ok.table3.is_some() && ok.table4.is_some());
        assert_eq!(ok.check().unwrap(), vec![]);
    }

    #[test]
    fn broken_standard_example_lists_each_fault() {
        let bad = CheckFile::from_json(&example("standard-2021-broken.json")).unwrap();
        let found = bad.check().unwrap();
        // Each fault planted in the example (see docs/report-check.md), and nothing else.
        let got: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|i| (i.location.as_str(), i.expected.as_str(), i.found.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("发布日期", "不晚于 2023-03-31", "2023-04-10"),
                (
                    "表二 / 第二十条第（六）项 / 行政处罚 / 本年处理决定数量",
                    "整数",
                    "1816.5"
                ),
                (
                    "表三 / 三（二）部分公开（区分处理的，只计这一情形，不计其他情形） / 总计",
                    "18",
                    "17"
                ),
                ("表三 / 四、结转下年度继续办理 / 总计", "31", "30"),
                ("表三 / 三（七）总计 / 自然人", "198", "197"),
                ("表三 / 商业企业", "33", "34"),
                (
                    "表三 / 二、上年结转政府信息公开申请数量 / 自然人",
                    "10",
                    "9"
                ),
                ("表四 / 行政复议 / 总计", "5", "6"),
            ],
            "{found:#?}"
        );
    }

    #[test]
    fn toml_gives_the_same_file_as_json() {
        let json = CheckFile::from_json(&example("standard-2021-consistent.json")).unwrap();
        let toml = CheckFile::from_toml(&example("standard-2021-consistent.toml")).unwrap();
        assert_eq!(json, toml);
    }

    #[test]
    fn wrong_json_shape_names_field_and_line() {
        let text = "{\n  \"year\": 2018,\n  \"figures\": [\n    {\"key\": \"a\", \"label\": \"甲\", \"value\": \"many\"}\n  ]\n}";
        let err = CheckFile::from_json(text).unwrap_err();
        let DomainError::ReportFile { field, line, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!((field.as_str(), *line), ("figures[0].value", Some(4)));
        assert!(
            err.to_string()
                .starts_with("figures[0].value (line 4, column"),
            "{err}"
        );

        let text = "{\"year\": 2021,\n \"table3\": {\"format\": \"2021\", \"rows\": {\n  \"new\": [1, 2, 3]}}}";
        let err = CheckFile::from_json(text).unwrap_err().to_string();
        assert!(err.starts_with("table3.rows.new (line 3"), "{err}");
        assert!(err.contains("expected an array of length 7"), "{err}");

        let text = "{\"year\": 2021, \"signed\": \"2022-02-30\"}";
        let err = CheckFile::from_json(text).unwrap_err().to_string();
        assert!(err.starts_with("signed (line 1"), "{err}");

        let err = CheckFile::from_json("{\"year\": 2021, \"tabel3\": {}}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `tabel3`"), "{err}");
    }

    #[test]
    fn wrong_toml_shape_names_field_and_line() {
        let text = "year = 2018\npublished = 2019-02-24\n\n[[figures]]\nkey = \"a\"\nlabel = \"甲\"\nvalue = \"many\"\n";
        let err = CheckFile::from_toml(text).unwrap_err();
        let DomainError::ReportFile { field, line, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            (field.as_str(), *line),
            ("figures[0].value", Some(7)),
            "{err}"
        );
        let ok =
            CheckFile::from_toml("year = 2018\npublished = 2019-02-24\nsigned = \"2019-02-20\"\n")
                .unwrap();
        assert_eq!(ok.published, NaiveDate::from_ymd_opt(2019, 2, 24));
        assert_eq!(ok.signed, NaiveDate::from_ymd_opt(2019, 2, 20));
    }

    #[test]
    fn table_format_must_suit_the_year() {
        let mut file = CheckFile::from_json(&example("standard-2021-consistent.json")).unwrap();
        file.year = 2020;
        let found = file.check().unwrap();
        let locations: Vec<&str> = found.iter().map(|i| i.location.as_str()).collect();
        assert!(
            locations.contains(&"表三 / 格式") && locations.contains(&"表二 / 格式"),
            "{found:#?}"
        );
    }
}
