//! Character-level rules shared by the tokenizers, the query parser and the highlighter, so that
//! all three agree on what a character, a unit and a separator are.

/// Folds one character for matching: full-width ASCII to ASCII (`２０２３` → `2023`), the
/// ideographic and no-break spaces to a space, ASCII letters to lower case. Always one character
/// in, one out, so folded text maps back to the original character by character.
pub(crate) fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0)
            .unwrap_or(c)
            .to_ascii_lowercase(),
        '\u{3000}' | '\u{00A0}' => ' ',
        c => c.to_ascii_lowercase(),
    }
}

pub(crate) fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Han ideographs (the ranges jieba segments) plus 〇, which numbers years (二〇二三年).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// Whether a character can be searched for; everything else separates units.
pub(crate) fn is_searchable(c: char) -> bool {
    is_han(c) || c.is_alphanumeric()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnitKind {
    Han,
    /// A run of letters and digits (`2023`, `gb`, `t9704`).
    Alnum,
}

/// One position of the n-gram stream: a Han character, or a run of other letters and digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unit {
    pub start: usize,
    pub end: usize,
    pub kind: UnitKind,
    /// The next unit is Han, this one is Han, and nothing separates them: they form a bigram.
    pub bigram_with_next: bool,
}

/// Splits (folded) text into units. Separators produce no unit, so phrases match across
/// punctuation and brackets (`国办发〔2023〕12号` ~ `国办发[2023]12号`), but bigrams never
/// span a separator.
pub(crate) fn units(text: &str) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(text.len() / 3 + 1);
    let mut prev_end: Option<usize> = None; // end of the previous unit when adjacent
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if is_han(c) {
            let end = i + c.len_utf8();
            if let Some(last) = out.last_mut() {
                if last.kind == UnitKind::Han && prev_end == Some(i) {
                    last.bigram_with_next = true;
                }
            }
            out.push(Unit {
                start: i,
                end,
                kind: UnitKind::Han,
                bigram_with_next: false,
            });
            prev_end = Some(end);
        } else if c.is_alphanumeric() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = iter.peek() {
                if d.is_alphanumeric() && !is_han(d) {
                    end = j + d.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            out.push(Unit {
                start: i,
                end,
                kind: UnitKind::Alnum,
                bigram_with_next: false,
            });
            prev_end = Some(end);
        } else {
            prev_end = None;
        }
    }
    out
}

/// The n-gram tokens of (folded) text as `(position, text)`: every Han character as a unigram
/// and, where the next character is adjacent Han, the bigram starting there, both at the
/// character's position; every alphanumeric run as one token.
pub(crate) fn ngram_tokens(text: &str, mut sink: impl FnMut(usize, usize, usize)) {
    // sink(position, byte_start, byte_end)
    let us = units(text);
    for (pos, u) in us.iter().enumerate() {
        sink(pos, u.start, u.end);
        if u.bigram_with_next {
            sink(pos, u.start, us[pos + 1].end);
        }
    }
}

/// The fewest n-gram terms that pin (folded) text down as an exact phrase: a bigram wherever
/// one starts, a unigram only for a Han character no bigram covers, each alphanumeric run as
/// is. Positions are relative, gaps allowed.
pub(crate) fn phrase_terms(text: &str) -> Vec<(usize, String)> {
    let us = units(text);
    let mut out = Vec::with_capacity(us.len());
    for (pos, u) in us.iter().enumerate() {
        match u.kind {
            UnitKind::Alnum => out.push((pos, text[u.start..u.end].to_string())),
            UnitKind::Han => {
                if u.bigram_with_next {
                    out.push((pos, text[u.start..us[pos + 1].end].to_string()));
                } else if pos == 0 || !us[pos - 1].bigram_with_next {
                    out.push((pos, text[u.start..u.end].to_string()));
                }
            }
        }
    }
    out
}

/// Normalises a free-text key (best-bet queries): folded, whitespace collapsed to one space.
pub(crate) fn normalize_key(s: &str) -> String {
    fold(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape_html_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(text: &str) -> Vec<(usize, String)> {
        let mut v = Vec::new();
        ngram_tokens(text, |p, s, e| v.push((p, text[s..e].to_string())));
        v
    }

    #[test]
    fn fold_is_one_to_one_and_widens_nothing() {
        let s = "国办发〔２０２３〕１２号ＡＢ　x";
        let f = fold(s);
        assert_eq!(f, "国办发〔2023〕12号ab x");
        assert_eq!(s.chars().count(), f.chars().count());
    }

    #[test]
    fn ngrams_hold_unigrams_bigrams_and_alnum_runs() {
        assert_eq!(
            grams("政务公开。2023年"),
            vec![
                (0, "政".into()),
                (0, "政务".into()),
                (1, "务".into()),
                (1, "务公".into()),
                (2, "公".into()),
                (2, "公开".into()),
                (3, "开".into()),
                (4, "2023".into()),
                (5, "年".into()),
            ]
        );
    }

    #[test]
    fn bigrams_never_cross_separators() {
        let g = grams("公开，申请");
        assert!(!g.iter().any(|(_, t)| t == "开申"));
        assert_eq!(g.iter().filter(|(_, t)| t.chars().count() == 2).count(), 2);
    }

    #[test]
    fn phrase_terms_cover_each_character_once() {
        assert_eq!(
            phrase_terms("依申请公开"),
            vec![
                (0, "依申".into()),
                (1, "申请".into()),
                (2, "请公".into()),
                (3, "公开".into())
            ]
        );
        assert_eq!(phrase_terms("税"), vec![(0, "税".into())]);
        assert_eq!(
            phrase_terms("国办发〔2023〕12号"),
            vec![
                (0, "国办".into()),
                (1, "办发".into()),
                (3, "2023".into()),
                (4, "12".into()),
                (5, "号".into())
            ]
        );
        assert!(phrase_terms("，。！").is_empty());
    }

    #[test]
    fn escapes_html() {
        let mut s = String::new();
        escape_html_into(&mut s, "<a href=\"x\">&'");
        assert_eq!(s, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
