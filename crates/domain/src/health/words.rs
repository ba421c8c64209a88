//! 错敏词 — wrong words (common misspellings such as 按装→安装), outdated official names and
//! sensitive terms, found in a title or body with their positions, each entry blocking or warning.

use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Why a term is in the dictionary. `Allowed` terms are correct longer words: a hit that lies
    /// inside one of them is not a hit (按装修 is not a misspelling of 安装).
    WordKind, "kind" {
        Wrong => "wrong", "错别字";
        Outdated => "outdated", "过时表述";
        Sensitive => "sensitive", "敏感词";
        Allowed => "allowed", "正确词（排除）";
    }
);

vocabulary!(
    /// What a hit does to the workflow: a blocking entry refuses submission, a warning is shown.
    Level, "level" {
        Block => "block", "禁止提交";
        Warn => "warn", "提示";
    }
);

/// One dictionary entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordEntry {
    pub term: String,
    pub kind: WordKind,
    pub level: Level,
    /// The correct form, when there is one (安装 for 按装; the current name for an outdated one).
    pub suggestion: Option<String>,
}

/// A line of a dictionary file that could not be read, by its 1-based number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 行：{}", self.line, self.reason)
    }
}

impl WordEntry {
    /// Checks a term: 1-50 characters, no line breaks.
    pub fn new(
        term: &str,
        kind: WordKind,
        level: Level,
        suggestion: Option<&str>,
    ) -> Result<WordEntry, crate::DomainError> {
        let term = term.trim();
        let n = term.chars().count();
        if n == 0 || n > 50 || term.contains(['\n', '\r', '|']) {
            return Err(crate::DomainError::invalid(
                "term",
                "词条须为 1-50 个字，且不含换行或“|”",
            ));
        }
        let suggestion = suggestion.map(str::trim).filter(|s| !s.is_empty());
        if suggestion.is_some_and(|s| s.chars().count() > 50 || s.contains(['\n', '\r', '|'])) {
            return Err(crate::DomainError::invalid(
                "suggestion",
                "建议用词不超过 50 个字，且不含换行或“|”",
            ));
        }
        Ok(WordEntry {
            term: term.to_string(),
            kind,
            level: if kind == WordKind::Allowed {
                Level::Warn
            } else {
                level
            },
            suggestion: suggestion.map(String::from),
        })
    }

    /// One dictionary-file line: `term | kind | level | suggestion` (level and suggestion optional;
    /// kind and level accept the code or the Chinese label).
    pub fn parse_line(line: &str) -> Result<WordEntry, String> {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        if parts.len() < 2 || parts.len() > 4 {
            return Err("应为“词条 | 类型 | 级别 | 建议用词”，级别和建议可省略".into());
        }
        let kind: WordKind = parts[1]
            .parse()
            .map_err(|_| format!("类型“{}”无效（wrong/outdated/sensitive/allowed）", parts[1]))?;
        let level: Level = match parts.get(2).filter(|l| !l.is_empty()) {
            Some(l) => l
                .parse()
                .map_err(|_| format!("级别“{l}”无效（block/warn）"))?,
            None if kind == WordKind::Sensitive => Level::Block,
            None => Level::Warn,
        };
        WordEntry::new(parts[0], kind, level, parts.get(3).copied()).map_err(|e| match e {
            crate::DomainError::InvalidField { reason, .. } => reason,
            other => other.to_string(),
        })
    }

    pub fn to_line(&self) -> String {
        format!(
            "{} | {} | {} | {}",
            self.term,
            self.kind.as_str(),
            self.level.as_str(),
            self.suggestion.as_deref().unwrap_or("")
        )
    }
}

/// Reads a dictionary file: every good line loads; each bad line is reported by number.
/// Blank lines and lines starting with `#` are skipped.
pub fn parse_file(text: &str) -> (Vec<WordEntry>, Vec<LineError>) {
    let mut entries = vec![];
    let mut errors = vec![];
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match WordEntry::parse_line(line) {
            Ok(e) => entries.push(e),
            Err(reason) => errors.push(LineError {
                line: i + 1,
                reason,
            }),
        }
    }
    (entries, errors)
}

vocabulary!(
    /// Where a hit was found.
    Field, "field" {
        Title => "title", "标题";
        Body => "body", "正文";
    }
);

/// One hit: the entry, the field and the 1-based character position in that field's visible text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub field: Field,
    pub position: usize,
    pub term: String,
    pub kind: WordKind,
    pub level: Level,
    pub suggestion: Option<String>,
    /// A few characters either side, for the editor's list.
    pub context: String,
}

impl Hit {
    /// 标题第 3 字“按装”（错别字，建议“安装”）
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{}第 {} 字“{}”（{}",
            self.field.label_zh(),
            self.position,
            self.term,
            self.kind.label_zh()
        );
        if let Some(sug) = &self.suggestion {
            s.push_str(&format!("，建议改为“{sug}”"));
        }
        s.push('）');
        s
    }
}

/// A compiled dictionary.
pub struct Dictionary {
    entries: Vec<WordEntry>,
    matcher: Option<AhoCorasick>,
}

impl Dictionary {
    pub fn new(mut entries: Vec<WordEntry>) -> Dictionary {
        entries.sort_by(|a, b| a.term.cmp(&b.term).then(a.kind.cmp(&b.kind)));
        entries.dedup_by(|a, b| a.term == b.term);
        let matcher = (!entries.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(entries.iter().map(|e| e.term.as_str()))
                .expect("terms are short plain strings")
        });
        Dictionary { entries, matcher }
    }

    pub fn entries(&self) -> &[WordEntry] {
        &self.entries
    }

    /// All hits in one text, in order of position.
    pub fn check(&self, field: Field, text: &str) -> Vec<Hit> {
        let Some(m) = &self.matcher else {
            return vec![];
        };
        let found: Vec<(usize, usize, &WordEntry)> = m
            .find_overlapping_iter(text)
            .map(|mat| {
                (
                    mat.start(),
                    mat.end(),
                    &self.entries[mat.pattern().as_usize()],
                )
            })
            .collect();
        let allowed: Vec<(usize, usize)> = found
            .iter()
            .filter(|(_, _, e)| e.kind == WordKind::Allowed)
            .map(|(s, e, _)| (*s, *e))
            .collect();
        let mut hits: Vec<Hit> = found
            .iter()
            .filter(|(_, _, e)| e.kind != WordKind::Allowed)
            .filter(|(s, e, _)| {
                !allowed
                    .iter()
                    .any(|(a, b)| a <= s && e <= b && (b - a) > (e - s))
            })
            .map(|(s, e, entry)| {
                let position = text[..*s].chars().count() + 1;
                let before: String = {
                    let mut v: Vec<char> = text[..*s].chars().rev().take(8).collect();
                    v.reverse();
                    v.into_iter().collect()
                };
                let after: String = text[*e..].chars().take(8).collect();
                Hit {
                    field,
                    position,
                    term: entry.term.clone(),
                    kind: entry.kind,
                    level: entry.level,
                    suggestion: entry.suggestion.clone(),
                    context: format!("{before}【{}】{after}", entry.term),
                }
            })
            .collect();
        hits.sort_by_key(|h| (h.position, std::cmp::Reverse(h.term.len())));
        hits
    }

    /// Checks an item's title and its body (as the reader sees it: tags removed).
    pub fn check_item(&self, title: &str, body_html: &str) -> Vec<Hit> {
        let mut hits = self.check(Field::Title, title);
        hits.extend(self.check(Field::Body, &visible_text(body_html)));
        hits
    }
}

/// The text a reader sees in an HTML fragment: tags dropped, common entities decoded, so that
/// positions count the characters on screen.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A small starting dictionary of misspellings common in government writing; admins extend it.
pub const STARTER: &str = include_str!("starter_words.txt");

#[cfg(test)]
mod tests {
    use super::*;

    fn dict() -> Dictionary {
        let (entries, errors) = parse_file(
            "# 测试词库\n按装 | wrong | warn | 安装\n按装修 | allowed\n国家工商总局 | outdated | warn | 国家市场监督管理总局\n某敏感词 | sensitive\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        Dictionary::new(entries)
    }

    #[test]
    fn hits_carry_field_position_and_level() {
        let d = dict();
        let hits = d.check_item("关于按装路灯的通知", "<p>请<b>某敏感词</b>注意</p>");
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(
            (hits[0].field, hits[0].position, hits[0].term.as_str()),
            (Field::Title, 3, "按装")
        );
        assert_eq!(hits[0].suggestion.as_deref(), Some("安装"));
        assert_eq!(hits[0].level, Level::Warn);
        assert_eq!(
            (hits[1].field, hits[1].position, hits[1].level),
            (Field::Body, 2, Level::Block),
            "sensitive terms block by default; tags do not count"
        );
        assert!(hits[0].describe().contains("标题第 3 字“按装”"));
        assert_eq!(hits[0].context, "关于【按装】路灯的通知");
    }

    #[test]
    fn no_false_hit_inside_a_longer_correct_word() {
        let d = dict();
        assert!(d.check(Field::Body, "费用按装修面积分摊").is_empty());
        assert_eq!(d.check(Field::Body, "按装修面积，再按装灯数").len(), 1);
        assert_eq!(
            d.check(Field::Body, "按装修面积，再按装灯数")[0].position,
            8
        );
        // Near misses: part of a term is not a hit.
        assert!(d.check(Field::Body, "国家工商局、按时安装").is_empty());
        assert_eq!(
            d.check(Field::Body, "原国家工商总局")[0].kind,
            WordKind::Outdated
        );
    }

    #[test]
    fn a_bad_line_is_reported_and_the_rest_loads() {
        let (entries, errors) = parse_file(
            "按装 | wrong | warn | 安装\n只有一列\n帐号 | typo\n坐落 | wrong | loud\n\n截止 | wrong | warn | 截至\n",
        );
        assert_eq!(entries.len(), 2);
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3, 4]);
        assert!(errors[1].reason.contains("typo"));
        assert!(errors[0].to_string().starts_with("第 2 行"));
        assert_eq!(
            WordEntry::parse_line(&entries[0].to_line()).unwrap(),
            entries[0]
        );
    }

    #[test]
    fn the_starter_dictionary_loads_cleanly() {
        let (entries, errors) = parse_file(STARTER);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(entries.len() >= 10);
        assert!(Dictionary::new(vec![])
            .check(Field::Title, "任何文字")
            .is_empty());
    }

    #[test]
    fn visible_text_drops_tags() {
        assert_eq!(visible_text("<p>a&amp;b<br/>c</p>"), "a&bc");
    }
}
