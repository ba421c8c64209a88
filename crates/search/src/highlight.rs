//! 高亮 — marks what the query matched in titles and snippets.
//!
//! Matching is by literal (folded) substring of the query's words, phrases and synonyms, which is
//! exactly what the n-gram index matched, so a fragment such as `申请公` is marked even though no
//! tokenizer produced it. Text outside `<mark>` is HTML-escaped.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::text::{escape_html_into, fold_char};

/// How many matches are considered when choosing a snippet window; long laws match hundreds.
const MAX_MATCHES: usize = 256;
/// Characters of context kept before the first match of a snippet.
const LEAD_CHARS: usize = 16;

pub(crate) struct Highlighter {
    ac: Option<AhoCorasick>,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    pattern: usize,
}

impl Highlighter {
    /// Patterns are folded query strings; blank ones are ignored.
    pub fn new(patterns: &[String]) -> Highlighter {
        let pats: Vec<&str> = patterns
            .iter()
            .map(|p| p.as_str())
            .filter(|p| !p.trim().is_empty())
            .collect();
        let ac = if pats.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&pats)
                .ok()
        };
        Highlighter { ac }
    }

    /// Matches as character ranges of `chars`.
    fn spans(&self, chars: &[char]) -> Vec<Span> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut folded = String::with_capacity(chars.len() * 3);
        // char_at[byte] = index of the character starting at that byte of `folded`.
        let mut char_at = Vec::with_capacity(chars.len() * 3 + 1);
        for (i, &c) in chars.iter().enumerate() {
            let f = fold_char(c);
            for _ in 0..f.len_utf8() {
                char_at.push(i);
            }
            folded.push(f);
        }
        char_at.push(chars.len());
        ac.find_iter(&folded)
            .take(MAX_MATCHES)
            .map(|m| Span {
                start: char_at[m.start()],
                end: char_at[m.end()],
                pattern: m.pattern().as_usize(),
            })
            .collect()
    }

    fn render(out: &mut String, chars: &[char], from: usize, to: usize, spans: &[Span]) {
        let mut at = from;
        let mut buf = String::new();
        for s in spans.iter().filter(|s| s.start >= from && s.end <= to) {
            buf.clear();
            buf.extend(&chars[at..s.start]);
            escape_html_into(out, &buf);
            buf.clear();
            buf.extend(&chars[s.start..s.end]);
            out.push_str("<mark>");
            escape_html_into(out, &buf);
            out.push_str("</mark>");
            at = s.end;
        }
        buf.clear();
        buf.extend(&chars[at..to]);
        escape_html_into(out, &buf);
    }

    /// The whole title, escaped, matches marked.
    pub fn title_html(&self, title: &str) -> String {
        let chars: Vec<char> = title.chars().collect();
        let spans = self.spans(&chars);
        let mut out = String::with_capacity(title.len() + 32);
        Self::render(&mut out, &chars, 0, chars.len(), &spans);
        out
    }

    /// A window of about `max_chars` characters of the body holding the most distinct matched
    /// terms (then the most matches, then the earliest), escaped, matches marked, with `…` where
    /// text was cut. Without matches, the start of the body.
    pub fn snippet_html(&self, body: &str, max_chars: usize) -> String {
        let chars: Vec<char> = body.chars().collect();
        let spans = self.spans(&chars);
        let max_chars = max_chars.max(1);
        let (mut from, mut best) = (0usize, (0usize, 0usize));
        for (i, anchor) in spans.iter().enumerate() {
            let start = anchor.start.saturating_sub(LEAD_CHARS);
            let end = start + max_chars;
            let inside: Vec<&Span> = spans[i..].iter().take_while(|s| s.end <= end).collect();
            let mut distinct: Vec<usize> = inside.iter().map(|s| s.pattern).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let score = (distinct.len(), inside.len());
            if score > best {
                best = score;
                from = start;
            }
        }
        let to = (from + max_chars).min(chars.len());
        // Keep the window full when it was pulled towards the end.
        let from = from.min(to.saturating_sub(max_chars));
        let mut out = String::with_capacity(max_chars * 4);
        if from > 0 {
            out.push('…');
        }
        Self::render(&mut out, &chars, from, to, &spans);
        if to < chars.len() {
            out.push('…');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(p: &[&str]) -> Highlighter {
        Highlighter::new(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn marks_and_escapes_titles() {
        let t = h(&["公开"]).title_html("<b>政务公开</b> & 政府信息公开");
        assert_eq!(
            t,
            "&lt;b&gt;政务<mark>公开</mark>&lt;/b&gt; &amp; 政府信息<mark>公开</mark>"
        );
    }

    #[test]
    fn marks_folded_matches_in_original_spelling() {
        let t = h(&["2023年"]).title_html("关于２０２３年工作的报告");
        assert_eq!(t, "关于<mark>２０２３年</mark>工作的报告");
    }

    #[test]
    fn longest_match_wins() {
        let t = h(&["信息", "政府信息公开"]).title_html("政府信息公开工作");
        assert_eq!(t, "<mark>政府信息公开</mark>工作");
    }

    #[test]
    fn snippet_prefers_the_window_with_most_terms() {
        let body = format!(
            "{}只有低保。{}低保和临时救助都在这里。{}",
            "甲".repeat(60),
            "乙".repeat(60),
            "丙".repeat(60)
        );
        let s = h(&["低保", "临时救助"]).snippet_html(&body, 30);
        assert!(
            s.contains("<mark>低保</mark>和<mark>临时救助</mark>"),
            "{s}"
        );
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
    }

    #[test]
    fn snippet_without_match_is_the_start() {
        let s = h(&["无关"]).snippet_html("第一条 为了规范政府信息公开", 5);
        assert_eq!(s, "第一条 为…");
        assert_eq!(h(&[]).snippet_html("短", 10), "短");
    }
}
