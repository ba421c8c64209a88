//! Free figures of a report written before the standard format (2019), like the seed's: "trading
//! announcements 8,487, of which construction 3,319 …". Each figure may name the parts that must
//! add up to it and the figures it cannot exceed.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Inconsistency;
use crate::DomainError;

/// 数字 — one figure stated in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// Stable key, unique in the report, e.g. `trading.construction`.
    pub key: String,
    /// The report's own words, e.g. 建设工程类信息.
    pub label: String,
    pub value: i64,
    /// Keys of the figures that must add up to this one ("其中 …").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<String>,
    /// Further breakdowns of the same figure, each of which must add up to it too (a total split
    /// by outcome in `parts` and by level here, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_parts: Vec<Vec<String>>,
    /// Keys of figures this one cannot exceed, because it counts a subset of what they count
    /// (items put on the website are among the items proactively disclosed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_more_than: Vec<String>,
    /// Anything the number alone does not say (e.g. the report wrote "24万余").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Figure {
    fn location(&self) -> String {
        format!("{}（{}）", self.label, self.key)
    }
}

/// Every stated total that differs from the sum of its parts, and every figure larger than one
/// it cannot exceed, in the order of `figures`. A duplicate key or a reference to an unknown key
/// is an error in the figures themselves, named by its place (`figures[3].parts[1]`).
pub fn check_figures(figures: &[Figure]) -> Result<Vec<Inconsistency>, DomainError> {
    let mut by_key: HashMap<&str, &Figure> = HashMap::new();
    for (i, f) in figures.iter().enumerate() {
        if by_key.insert(f.key.as_str(), f).is_some() {
            return Err(reference_error(
                format!("figures[{i}].key"),
                format!("key `{}` appears twice", f.key),
            ));
        }
    }
    let lookup = |i: usize, field: &str, j: usize, key: &str| {
        by_key.get(key).copied().ok_or_else(|| {
            reference_error(
                format!("figures[{i}].{field}[{j}]"),
                format!("no figure has the key `{key}`"),
            )
        })
    };
    let mut out = Vec::new();
    for (i, f) in figures.iter().enumerate() {
        let breakdowns = std::iter::once((String::from("parts"), &f.parts)).chain(
            f.also_parts
                .iter()
                .enumerate()
                .map(|(n, p)| (format!("also_parts[{n}]"), p)),
        );
        for (field, keys) in breakdowns.filter(|(_, keys)| !keys.is_empty()) {
            let parts = keys
                .iter()
                .enumerate()
                .map(|(j, k)| lookup(i, &field, j, k))
                .collect::<Result<Vec<_>, _>>()?;
            let sum: i64 = parts.iter().map(|p| p.value).sum();
            if sum != f.value {
                let shown: Vec<String> = parts.iter().map(|p| p.value.to_string()).collect();
                out.push(Inconsistency::new(
                    f.location(),
                    format!("应等于其各部分之和（{} = {sum}）", shown.join(" + ")),
                    sum,
                    f.value,
                ));
            }
        }
        for (j, k) in f.not_more_than.iter().enumerate() {
            let whole = lookup(i, "not_more_than", j, k)?;
            if f.value > whole.value {
                out.push(Inconsistency::new(
                    f.location(),
                    format!("不能超过{}（{}）", whole.label, whole.key),
                    format!("≤ {}", whole.value),
                    f.value,
                ));
            }
        }
    }
    Ok(out)
}

fn reference_error(field: String, reason: String) -> DomainError {
    DomainError::ReportFile {
        field,
        line: None,
        column: None,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(key: &str, value: i64, parts: &[&str], not_more_than: &[&str]) -> Figure {
        Figure {
            key: key.into(),
            label: key.to_uppercase(),
            value,
            parts: parts.iter().map(|s| s.to_string()).collect(),
            not_more_than: not_more_than.iter().map(|s| s.to_string()).collect(),
            also_parts: Vec::new(),
            note: None,
        }
    }

    #[test]
    fn totals_and_bounds_that_hold_pass() {
        let figures = [
            fig("a", 1, &[], &["t"]),
            fig("b", 2, &[], &[]),
            fig("t", 3, &["a", "b"], &[]),
        ];
        assert_eq!(check_figures(&figures).unwrap(), vec![]);
    }

    #[test]
    fn a_total_off_its_parts_is_found_with_the_sum() {
        let figures = [
            fig("a", 713, &[], &[]),
            fig("b", 644, &[], &[]),
            fig("t", 1360, &["a", "b"], &[]),
        ];
        let found = check_figures(&figures).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].location, "T（t）");
        assert_eq!(found[0].rule, "应等于其各部分之和（713 + 644 = 1357）");
        assert_eq!(
            (found[0].expected.as_str(), found[0].found.as_str()),
            ("1357", "1360")
        );
    }

    #[test]
    fn a_part_larger_than_its_whole_is_found() {
        let figures = [
            fig("whole", 76308, &[], &[]),
            fig("part", 76412, &[], &["whole"]),
        ];
        let found = check_figures(&figures).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "PART（part）：不能超过WHOLE（whole）；应为 ≤ 76308，实为 76412"
        );
        let equal = [fig("whole", 5, &[], &[]), fig("part", 5, &[], &["whole"])];
        assert!(check_figures(&equal).unwrap().is_empty());
    }

    #[test]
    fn every_breakdown_of_a_figure_is_checked() {
        let mut total = fig("t", 43, &["up", "down"], &[]);
        total.also_parts = vec![vec!["city".into(), "counties".into()], vec!["up".into()]];
        let figures = [
            fig("up", 20, &[], &[]),
            fig("down", 23, &[], &[]),
            fig("city", 36, &[], &[]),
            fig("counties", 7, &[], &[]),
            total,
        ];
        let found = check_figures(&figures).unwrap();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            (found[0].expected.as_str(), found[0].found.as_str()),
            ("20", "43")
        );
        let mut bad = figures.clone();
        bad[4].also_parts[0][1] = "county".into();
        assert_eq!(
            check_figures(&bad).unwrap_err().to_string(),
            "figures[4].also_parts[0][1]: no figure has the key `county`"
        );
    }

    #[test]
    fn bad_references_are_errors_naming_their_place() {
        let err =
            check_figures(&[fig("t", 1, &["a", "b"], &[]), fig("a", 1, &[], &[])]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "figures[0].parts[1]: no figure has the key `b`"
        );
        let err = check_figures(&[fig("a", 1, &[], &[]), fig("b", 1, &[], &["c"])]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "figures[1].not_more_than[0]: no figure has the key `c`"
        );
        let err = check_figures(&[fig("a", 1, &[], &[]), fig("a", 2, &[], &[])]).unwrap_err();
        assert_eq!(err.to_string(), "figures[1].key: key `a` appears twice");
    }
}
