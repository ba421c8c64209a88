//! 分词词典 — the one shared jieba segmenter and its government-term user dictionary.
//!
//! Loading jieba's dictionary takes a few hundred milliseconds and tens of megabytes, so the
//! whole process shares one instance; tokenizer clones and queries take a read lock. Words
//! added at runtime change how new text and new queries are segmented at once; documents indexed
//! earlier keep their old word tokens until re-tokenised (see
//! [`crate::SearchEngine::retokenize_all`]). Substring matching runs on character n-grams, which
//! no dictionary change affects, so an added word never makes a document unfindable.

use std::sync::{RwLock, RwLockReadGuard};

use jieba_rs::Jieba;
use once_cell::sync::Lazy;

use crate::text::{fold, is_searchable};

/// Built-in government terms, one per line, `#` comments; see the file for what belongs there.
pub const BUILTIN_TERMS: &str = include_str!("../data/gov_terms.txt");

static JIEBA: Lazy<RwLock<Jieba>> = Lazy::new(|| {
    let mut jieba = Jieba::new();
    for word in builtin_terms() {
        add_to(&mut jieba, &word);
    }
    RwLock::new(jieba)
});

/// The built-in terms, folded, in file order.
pub fn builtin_terms() -> Vec<String> {
    BUILTIN_TERMS
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(fold)
        .collect()
}

fn add_to(jieba: &mut Jieba, word: &str) -> bool {
    if jieba.has_word(word) {
        return false;
    }
    // Without a frequency jieba suggests one just high enough to keep the word whole when it
    // stands alone; in running text a neighbouring dictionary word may still win, which is the
    // usual jieba behaviour and harmless here because n-grams carry recall.
    jieba.add_word(word, None, None);
    true
}

/// Read access for segmentation. A poisoned lock still holds a usable dictionary (adding a word
/// cannot leave it half-updated in a way that breaks cutting), so poison is ignored.
pub(crate) fn jieba() -> RwLockReadGuard<'static, Jieba> {
    JIEBA.read().unwrap_or_else(|e| e.into_inner())
}

/// Loads the dictionary now rather than on the first document or query.
pub fn warm_up() {
    let j = jieba();
    let _ = j.cut("政府信息公开申请", false);
}

/// Adds words to the shared dictionary (folded; blank, whitespace-holding or punctuation-only
/// entries are skipped) and returns how many were new.
pub fn add_user_words<S: AsRef<str>>(words: &[S]) -> usize {
    let cleaned: Vec<String> = words
        .iter()
        .map(|w| fold(w.as_ref().trim()))
        .filter(|w| {
            !w.is_empty() && !w.chars().any(char::is_whitespace) && w.chars().any(is_searchable)
        })
        .collect();
    if cleaned.is_empty() {
        return 0;
    }
    let mut j = JIEBA.write().unwrap_or_else(|e| e.into_inner());
    cleaned.iter().filter(|w| add_to(&mut j, w)).count()
}

/// Whether the shared dictionary knows the word.
pub fn has_word(word: &str) -> bool {
    jieba().has_word(&fold(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_terms_are_segmented_whole() {
        let terms = builtin_terms();
        assert!(terms.len() >= 50, "{}", terms.len());
        for t in [
            "依申请公开",
            "政务公开",
            "行政规范性文件",
            "最低生活保障",
            "政府信息公开",
        ] {
            assert!(
                terms.iter().any(|x| x == t),
                "{t} missing from data/gov_terms.txt"
            );
            assert!(has_word(t));
            assert_eq!(jieba().cut(t, false), vec![t], "{t}");
        }
    }

    #[test]
    fn user_words_take_effect_at_once() {
        // A word no dictionary holds, so parallel tests cannot have added it.
        let w = "鑫垚测试词";
        assert!(jieba().cut(w, false).len() > 1);
        assert_eq!(add_user_words(&[w, " ", "，，"]), 1);
        assert_eq!(add_user_words(&[w]), 0);
        assert_eq!(jieba().cut(w, false), vec![w]);
    }
}
