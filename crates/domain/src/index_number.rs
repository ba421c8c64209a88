//! 索引号 — catalogue index number: the permanent identifier of an item in the disclosure
//! catalogue (政府信息公开目录).
//!
//! The national default is `前段码/后段码`: the publishing body's code, `/`, the 4-digit year of
//! publication, `-`, a 5-digit serial (`000014349/2019-01280`). Provinces and cities use their own
//! layouts (`{org}-{year}-{serial:6}`, Zhejiang's 6-digit serials …), so the layout is an
//! [`IndexPattern`] read from configuration; the number itself is an opaque [`IndexNumber`] that
//! never changes once assigned, even when the body is renamed or the pattern is reconfigured.

use std::fmt;
use std::str::FromStr;

use once_cell::sync::Lazy;
use regex::Regex;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::doc_number::fold_width;
use crate::error::DomainError;
use crate::org::OrgCode;

const FIELD: &str = "index_number";
const PATTERN_FIELD: &str = "index_pattern";

/// Longest index number accepted; also bounds what a pattern may produce.
pub const MAX_INDEX_NUMBER_CHARS: usize = 64;

/// The serial width of `{serial}` written without one: the national default.
const DEFAULT_SERIAL_WIDTH: usize = 5;

/// A u32 has 10 digits; 9 keeps every width's full range representable.
const MAX_SERIAL_WIDTH: usize = 9;

/// The longest body code a pattern may have to hold (an 18-character credit code); parsing is
/// looser (see [`IndexPattern::parse`]) to take in numbers from older local schemes.
const MAX_ORG_CHARS: usize = 18;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Org,
    Year,
    Serial { width: usize },
}

/// The layout of index numbers, from a template such as `{org}/{year}-{serial:5}`.
///
/// Placeholders: `{org}` (the publishing body's code), `{year}` (4 digits), `{serial:N}` (the
/// serial, zero-padded to exactly N digits, 1 ≤ N ≤ 9; `{serial}` means N = 5). Each appears
/// exactly once; everything else is literal text (write `{{` and `}}` for braces). Whitespace is
/// not allowed, because an index number is copied and searched as one token.
#[derive(Debug, Clone)]
pub struct IndexPattern {
    segments: Vec<Segment>,
    serial_width: usize,
    matcher: Regex,
}

impl IndexPattern {
    /// Reads a template; errors name the field `index_pattern` and say what is wrong.
    pub fn new(template: &str) -> Result<IndexPattern, DomainError> {
        let segments = parse_template(template)?;
        let count = |want: fn(&Segment) -> bool| segments.iter().filter(|s| want(s)).count();
        for (name, n) in [
            ("{org}", count(|s| matches!(s, Segment::Org))),
            ("{year}", count(|s| matches!(s, Segment::Year))),
            ("{serial}", count(|s| matches!(s, Segment::Serial { .. }))),
        ] {
            if n != 1 {
                return Err(DomainError::invalid(
                    PATTERN_FIELD,
                    format!("`{template}` must contain {name} exactly once (found {n})"),
                ));
            }
        }
        let serial_width = segments
            .iter()
            .find_map(|s| match s {
                Segment::Serial { width } => Some(*width),
                _ => None,
            })
            .expect("counted above");
        let longest: usize = segments
            .iter()
            .map(|s| match s {
                Segment::Literal(t) => t.chars().count(),
                Segment::Org => MAX_ORG_CHARS,
                Segment::Year => 4,
                Segment::Serial { width } => *width,
            })
            .sum();
        if longest > MAX_INDEX_NUMBER_CHARS {
            return Err(DomainError::invalid(
                PATTERN_FIELD,
                format!("`{template}` can produce {longest} characters; at most {MAX_INDEX_NUMBER_CHARS} are allowed"),
            ));
        }
        let mut re = String::from("^");
        for s in &segments {
            match s {
                Segment::Literal(t) => re.push_str(&regex::escape(t)),
                Segment::Org => re.push_str("([0-9A-Za-z]{1,32}?)"),
                Segment::Year => re.push_str(r"(\d{4})"),
                Segment::Serial { width } => re.push_str(&format!(r"(\d{{{width}}})")),
            }
        }
        re.push('$');
        let matcher = Regex::new(&re).expect("literals are escaped, so the regex is well-formed");
        Ok(IndexPattern {
            segments,
            serial_width,
            matcher,
        })
    }

    /// The template in canonical form (`{serial}` written with its width).
    pub fn template(&self) -> String {
        let mut out = String::new();
        for s in &self.segments {
            match s {
                Segment::Literal(t) => out.push_str(&t.replace('{', "{{").replace('}', "}}")),
                Segment::Org => out.push_str("{org}"),
                Segment::Year => out.push_str("{year}"),
                Segment::Serial { width } => out.push_str(&format!("{{serial:{width}}}")),
            }
        }
        out
    }

    pub fn serial_width(&self) -> usize {
        self.serial_width
    }

    /// The largest serial this pattern can write; the catalogue's yearly counter must stop there.
    pub fn max_serial(&self) -> u32 {
        10u32.pow(self.serial_width as u32) - 1
    }

    /// Writes the index number of the `serial`-th item a body published in `year`.
    /// Serials start at 1; one that needs more digits than the pattern allows is an error rather
    /// than a silently longer number, because numbers of one year must sort and compare alike.
    pub fn format(
        &self,
        org: &OrgCode,
        year: i32,
        serial: u32,
    ) -> Result<IndexNumber, DomainError> {
        if !(1000..=9999).contains(&year) {
            return Err(DomainError::invalid(
                FIELD,
                format!("year {year} does not have 4 digits"),
            ));
        }
        if serial == 0 {
            return Err(DomainError::invalid(FIELD, "serial numbers start at 1"));
        }
        if serial > self.max_serial() {
            return Err(DomainError::invalid(
                FIELD,
                format!(
                    "serial {serial} does not fit the {} digits of `{}` (at most {})",
                    self.serial_width,
                    self.template(),
                    self.max_serial()
                ),
            ));
        }
        let mut out = String::new();
        for s in &self.segments {
            match s {
                Segment::Literal(t) => out.push_str(t),
                Segment::Org => out.push_str(org.as_str()),
                Segment::Year => out.push_str(&year.to_string()),
                Segment::Serial { width } => out.push_str(&format!("{serial:0width$}")),
            }
        }
        Ok(IndexNumber(out))
    }

    /// Splits an index number written in this pattern into (body code, year, serial). The code is
    /// returned as text, upper-cased, and not checked against GB 11714/32100: numbers imported
    /// from older local schemes carry codes that predate those rules, and the number must still be
    /// readable. Widths are exact, as [`IndexPattern::format`] writes them.
    pub fn parse(&self, s: &str) -> Result<(String, i32, u32), DomainError> {
        let s = s.trim();
        let caps = self.matcher.captures(s).ok_or_else(|| {
            DomainError::invalid(
                FIELD,
                format!("`{s}` does not follow the pattern `{}`", self.template()),
            )
        })?;
        // Capture groups come in template order; map them back by segment.
        let (mut code, mut year, mut serial) = (String::new(), 0, 0);
        let placeholders = self
            .segments
            .iter()
            .filter(|s| !matches!(s, Segment::Literal(_)));
        for (i, seg) in placeholders.enumerate() {
            let text = &caps[i + 1];
            match seg {
                Segment::Org => code = text.to_ascii_uppercase(),
                Segment::Year => year = text.parse().expect("4 digits"),
                Segment::Serial { .. } => serial = text.parse().expect("at most 9 digits"),
                Segment::Literal(_) => unreachable!("filtered out"),
            }
        }
        if serial == 0 {
            return Err(DomainError::invalid(
                FIELD,
                format!("`{s}`: serial numbers start at 1"),
            ));
        }
        Ok((code, year, serial))
    }

    /// Whether `s` is written in this pattern.
    pub fn matches(&self, s: &str) -> bool {
        self.parse(s).is_ok()
    }
}

/// Patterns are equal when they write the same numbers; the compiled matcher follows from that.
impl PartialEq for IndexPattern {
    fn eq(&self, other: &Self) -> bool {
        self.segments == other.segments
    }
}

impl Eq for IndexPattern {}

impl Default for IndexPattern {
    /// `{org}/{year}-{serial:5}`, the national default.
    fn default() -> Self {
        IndexPattern::new("{org}/{year}-{serial:5}").expect("the default template is valid")
    }
}

impl fmt::Display for IndexPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.template())
    }
}

impl FromStr for IndexPattern {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IndexPattern::new(s)
    }
}

impl Serialize for IndexPattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.template())
    }
}

impl<'de> Deserialize<'de> for IndexPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        IndexPattern::new(&raw).map_err(serde::de::Error::custom)
    }
}

fn parse_template(template: &str) -> Result<Vec<Segment>, DomainError> {
    let bad =
        |reason: String| DomainError::invalid(PATTERN_FIELD, format!("`{template}`: {reason}"));
    let mut segments = Vec::new();
    let mut literal = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                literal.push('}');
            }
            '}' => return Err(bad("a lone `}` (write `}}` for a literal brace)".into())),
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => name.push(c),
                        None => return Err(bad(format!("`{{{name}` is not closed"))),
                    }
                }
                if !literal.is_empty() {
                    segments.push(Segment::Literal(std::mem::take(&mut literal)));
                }
                segments.push(match name.split_once(':') {
                    None if name == "org" => Segment::Org,
                    None if name == "year" => Segment::Year,
                    None if name == "serial" => Segment::Serial { width: DEFAULT_SERIAL_WIDTH },
                    Some(("serial", w)) => {
                        let width: usize = w
                            .parse()
                            .ok()
                            .filter(|w| (1..=MAX_SERIAL_WIDTH).contains(w))
                            .ok_or_else(|| {
                                bad(format!("serial width `{w}` must be a number from 1 to {MAX_SERIAL_WIDTH}"))
                            })?;
                        Segment::Serial { width }
                    }
                    _ => {
                        return Err(bad(format!(
                            "unknown placeholder `{{{name}}}`; use {{org}}, {{year}} and {{serial:N}}"
                        )))
                    }
                });
            }
            c if c.is_whitespace() => return Err(bad("whitespace is not allowed".into())),
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        segments.push(Segment::Literal(literal));
    }
    Ok(segments)
}

/// An assigned index number, kept verbatim: it was made under whatever pattern was configured
/// then and must never be rewritten. Only its shape is checked (non-empty, no whitespace, at most
/// 64 characters), so numbers imported from any scheme are accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndexNumber(String);

impl IndexNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for IndexNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for IndexNumber {
    type Err = DomainError;
    /// Trims surrounding whitespace, then checks the shape.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DomainError::invalid(FIELD, "is empty"));
        }
        if s.chars().any(char::is_whitespace) {
            return Err(DomainError::invalid(
                FIELD,
                format!("`{s}` contains whitespace"),
            ));
        }
        let n = s.chars().count();
        if n > MAX_INDEX_NUMBER_CHARS {
            return Err(DomainError::invalid(
                FIELD,
                format!("has {n} characters; at most {MAX_INDEX_NUMBER_CHARS} are allowed"),
            ));
        }
        Ok(IndexNumber(s.to_string()))
    }
}

impl Serialize for IndexNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IndexNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// A body code, a separator, a plausible year, and optionally a separator and a serial.
static INDEX_QUERY: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^[0-9A-Za-z]{6,32}[-/_.](?:19|20)\d{2}(?:[-/_.]\d{1,9})?$").unwrap());

/// Whether a search query is (the start of) an index number — `000014349/2019-01280`,
/// `000014349/2019`, `11330000002482061R-2023-000123` — rather than words. Pattern-independent, so
/// that numbers from other schemes are recognised too.
pub fn looks_like_index_number(q: &str) -> bool {
    let q = fold_width(q);
    let q = q.trim();
    // A code needs at least one digit; this keeps words like `policy/2019` out.
    q.chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .any(|c| c.is_ascii_digit())
        && INDEX_QUERY.is_match(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_org() -> OrgCode {
        OrgCode::parse("000014349").unwrap()
    }

    #[test]
    fn default_pattern_formats_the_seed_number() {
        let p = IndexPattern::default();
        assert_eq!(p.template(), "{org}/{year}-{serial:5}");
        let n = p.format(&seed_org(), 2019, 1280).unwrap();
        assert_eq!(n.as_str(), "000014349/2019-01280");
        assert_eq!(
            p.parse("000014349/2019-01280").unwrap(),
            ("000014349".to_string(), 2019, 1280)
        );
        assert_eq!(p.max_serial(), 99_999);
    }

    #[test]
    fn custom_patterns_with_literals() {
        let p = IndexPattern::new("{org}-{year}-{serial:6}").unwrap();
        let n = p.format(&seed_org(), 2023, 42).unwrap();
        assert_eq!(n.to_string(), "000014349-2023-000042");
        assert_eq!(p.parse(n.as_str()).unwrap(), ("000014349".into(), 2023, 42));

        let p = IndexPattern::new("ZJ{{{org}}}{year}_No.{serial:4}").unwrap();
        let n = p.format(&seed_org(), 2004, 7).unwrap();
        assert_eq!(n.as_str(), "ZJ{000014349}2004_No.0007");
        assert_eq!(p.parse(n.as_str()).unwrap(), ("000014349".into(), 2004, 7));
        assert_eq!(p.template(), "ZJ{{{org}}}{year}_No.{serial:4}");

        // Year first and adjacent placeholders are unambiguous: only the code varies in length.
        let p = IndexPattern::new("{year}{org}{serial:3}").unwrap();
        let credit = OrgCode::parse("91350100M000100Y43").unwrap();
        let n = p.format(&credit, 2024, 5).unwrap();
        assert_eq!(n.as_str(), "202491350100M000100Y43005");
        assert_eq!(
            p.parse(n.as_str()).unwrap(),
            ("91350100M000100Y43".into(), 2024, 5)
        );
    }

    #[test]
    fn serial_overflow_zero_and_bad_years_are_errors() {
        let p = IndexPattern::default();
        let err = p
            .format(&seed_org(), 2019, 100_000)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("index_number:") && err.contains("does not fit"),
            "{err}"
        );
        assert!(p.format(&seed_org(), 2019, 99_999).is_ok());
        assert!(p.format(&seed_org(), 2019, 0).is_err());
        assert!(p.format(&seed_org(), 999, 1).is_err());
        assert!(p.format(&seed_org(), 10_000, 1).is_err());
    }

    #[test]
    fn parse_rejects_other_shapes() {
        let p = IndexPattern::default();
        for bad in [
            "",
            "000014349/2019-1280",
            "000014349/2019-001280",
            "000014349-2019-01280",
            "000014349/19-01280",
            "000014349/2019-00000",
            "/2019-01280",
        ] {
            let err = p.parse(bad).unwrap_err().to_string();
            assert!(err.starts_with("index_number:"), "{bad:?}: {err}");
        }
        // Legacy codes are read loosely and upper-cased.
        assert_eq!(
            p.parse(" abc123/2010-00001 ").unwrap(),
            ("ABC123".into(), 2010, 1)
        );
        assert!(p.matches("000014349/2019-01280"));
    }

    #[test]
    fn bad_templates_are_explained() {
        let cases = [
            ("{org}/{year}", "{serial} exactly once"),
            ("{org}/{year}-{serial}-{serial}", "{serial} exactly once"),
            ("{year}-{serial:5}", "{org} exactly once"),
            ("{org}/{yr}-{serial:5}", "unknown placeholder"),
            ("{org}/{year}-{serial:0}", "serial width"),
            ("{org}/{year}-{serial:10}", "serial width"),
            ("{org}/{year}-{serial:x}", "serial width"),
            ("{org}/{year}-{serial:5", "not closed"),
            ("{org}/{year}}-{serial:5}", "lone `}`"),
            ("{org} / {year}-{serial:5}", "whitespace"),
            ("{org}/{year}-{serial:5}/一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十", "at most 64"),
        ];
        for (t, want) in cases {
            let err = IndexPattern::new(t).unwrap_err().to_string();
            assert!(err.starts_with("index_pattern:"), "{t:?}: {err}");
            assert!(err.contains(want), "{t:?}: {err}");
        }
    }

    #[test]
    fn serial_without_width_means_five_and_templates_round_trip() {
        let p: IndexPattern = "{org}/{year}-{serial}".parse().unwrap();
        assert_eq!(p.serial_width(), 5);
        assert_eq!(p.to_string(), "{org}/{year}-{serial:5}");
        assert_eq!(p, IndexPattern::default());
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "\"{org}/{year}-{serial:5}\"");
        assert_eq!(serde_json::from_str::<IndexPattern>(&json).unwrap(), p);
        assert!(serde_json::from_str::<IndexPattern>("\"{org}\"").is_err());
    }

    #[test]
    fn index_number_shape_and_serde() {
        let n: IndexNumber = " 000014349/2004-711188 ".parse().unwrap();
        assert_eq!(n.as_str(), "000014349/2004-711188");
        assert_eq!(
            serde_json::to_string(&n).unwrap(),
            "\"000014349/2004-711188\""
        );
        assert_eq!(
            serde_json::from_str::<IndexNumber>("\"000014349/2004-711188\"").unwrap(),
            n
        );
        assert!("".parse::<IndexNumber>().is_err());
        assert!("   ".parse::<IndexNumber>().is_err());
        assert!("0000 14349/2004".parse::<IndexNumber>().is_err());
        assert!("x".repeat(64).parse::<IndexNumber>().is_ok());
        let err = "x"
            .repeat(65)
            .parse::<IndexNumber>()
            .unwrap_err()
            .to_string();
        assert!(err.contains("at most 64"), "{err}");
        assert!(serde_json::from_str::<IndexNumber>("\"a b\"").is_err());
    }

    #[test]
    fn query_detection() {
        for q in [
            "000014349/2019-01280",
            " 000014349/2019 ",
            "000014349－2019－01280",
            "000014349／2004-711188",
            "11330000002482061R-2023-000123",
        ] {
            assert!(looks_like_index_number(q), "{q:?}");
        }
        for q in [
            "",
            "国办发〔2023〕12号",
            "2019-01280",
            "policy/2019",
            "000014349",
            "000014349/1850-1",
            "政府信息公开",
        ] {
            assert!(!looks_like_index_number(q), "{q:?}");
        }
    }
}
