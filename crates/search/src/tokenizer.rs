//! The two tantivy tokenizers: jieba words and character n-grams. Both fold widths and ASCII
//! case first, exactly as the query parser does, so index and query terms always agree.
//! Offsets refer to the folded text; highlighting does not use them (see `highlight`).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::dict::jieba;
use crate::text::{fold_char, is_searchable, ngram_tokens};

/// Registered name of [`WordTokenizer`].
pub(crate) const WORDS: &str = "gk_words";
/// Registered name of [`NgramTokenizer`].
pub(crate) const NGRAMS: &str = "gk_ngrams";

/// 分词 — jieba search-mode words (`中华人民共和国` also yields `中华`, `人民`, `共和国`), so a
/// query word that is part of an indexed compound still matches a word term. Queries are cut in
/// precise mode (one term per word, no overlapping pieces), which keeps query plans small.
/// Without HMM: its guesses depend on context and would differ between a document and a query.
#[derive(Clone, Default)]
pub(crate) struct WordTokenizer {
    folded: String,
    tokens: Vec<Token>,
}

/// Character unigrams and bigrams of Han text plus alphanumeric runs (see `text::ngram_tokens`),
/// with positions, so any substring of two or more characters is a phrase of bigrams and a
/// single character a unigram.
#[derive(Clone, Default)]
pub(crate) struct NgramTokenizer {
    folded: String,
    tokens: Vec<Token>,
}

fn fold_into(buf: &mut String, text: &str) {
    buf.clear();
    buf.reserve(text.len());
    buf.extend(text.chars().map(fold_char));
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = SliceTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SliceTokenStream<'a> {
        fold_into(&mut self.folded, text);
        self.tokens.clear();
        let folded = self.folded.as_str();
        let base = folded.as_ptr() as usize;
        let words = jieba().cut_for_search(folded, false);
        for w in words.into_iter().filter(|w| w.chars().any(is_searchable)) {
            // jieba returns slices of its input, so the pointer difference is the byte offset.
            let start = w.as_ptr() as usize - base;
            let position = self.tokens.len();
            self.tokens.push(Token {
                offset_from: start,
                offset_to: start + w.len(),
                position,
                text: w.to_string(),
                position_length: 1,
            });
        }
        SliceTokenStream::new(&mut self.tokens)
    }
}

impl Tokenizer for NgramTokenizer {
    type TokenStream<'a> = SliceTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SliceTokenStream<'a> {
        fold_into(&mut self.folded, text);
        self.tokens.clear();
        let folded = self.folded.as_str();
        let tokens = &mut self.tokens;
        ngram_tokens(folded, |position, start, end| {
            tokens.push(Token {
                offset_from: start,
                offset_to: end,
                position,
                text: folded[start..end].to_string(),
                position_length: 1,
            })
        });
        SliceTokenStream::new(&mut self.tokens)
    }
}

pub(crate) struct SliceTokenStream<'a> {
    tokens: &'a mut [Token],
    /// Index of the current token plus one; 0 before the first `advance`.
    next: usize,
}

impl<'a> SliceTokenStream<'a> {
    fn new(tokens: &'a mut [Token]) -> Self {
        SliceTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for SliceTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1))]
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<T: Tokenizer>(t: &mut T, s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut ts = t.token_stream(s);
        while ts.advance() {
            out.push(ts.token().text.clone());
        }
        out
    }

    #[test]
    fn words_fold_and_drop_punctuation() {
        let mut t = WordTokenizer::default();
        let w = texts(&mut t, "关于２０２３年依申请公开工作的通知。");
        assert!(w.contains(&"2023".to_string()), "{w:?}");
        assert!(w.contains(&"依申请公开".to_string()), "{w:?}");
        assert!(!w.iter().any(|x| x == "。"), "{w:?}");
    }

    #[test]
    fn words_index_pieces_of_compounds() {
        let mut t = WordTokenizer::default();
        let w = texts(&mut t, "中华人民共和国");
        for piece in ["中华", "人民", "共和国", "中华人民共和国"] {
            assert!(w.contains(&piece.to_string()), "{piece} not in {w:?}");
        }
    }

    #[test]
    fn ngram_stream_positions_follow_units() {
        let mut t = NgramTokenizer::default();
        let mut ts = t.token_stream("低保，Ａ1");
        let mut got = Vec::new();
        while ts.advance() {
            let tok = ts.token();
            got.push((tok.position, tok.text.clone()));
        }
        assert_eq!(
            got,
            vec![
                (0, "低".into()),
                (0, "低保".into()),
                (1, "保".into()),
                (2, "a1".into())
            ]
        );
    }

    #[test]
    fn empty_text_yields_no_tokens() {
        let mut t = NgramTokenizer::default();
        assert!(texts(&mut t, "").is_empty());
        let mut w = WordTokenizer::default();
        assert!(texts(&mut w, "，。").is_empty());
    }
}
