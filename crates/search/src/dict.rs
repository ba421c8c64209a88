//! 分词词典 — the one shared jieba segmenter and its government-term user dictionary.
//!
//! Loading jieba's dictionary takes a few hundred milliseconds and tens of megabytes, so the
//! whole process shares one instance; tokenizer clones and queries take a read lock. Words
//! added at runtime change how new text and new queries are segmented at once; documents indexed
//! earlier keep their old word tokens until re-tokenised (see
//! [`crate::SearchEngine::retokenize_all`]). Substring matching runs on character n-grams, which
//! no dictionary change affects, so an added word never makes a document unfindable.

use std::collections::BTreeSet;
use std::sync::{Mutex, RwLock, RwLockReadGuard};

use jieba_rs::Jieba;
use once_cell::sync::Lazy;

use crate::text::{fold, is_searchable};

/// Built-in government terms, one per line, `#` comments; see the file for what belongs there.
pub const BUILTIN_TERMS: &str = include_str!("../data/gov_terms.txt");

static JIEBA: Lazy<RwLock<Jieba>> = Lazy::new(|| RwLock::new(fresh_dictionary()));

/// The user words currently applied through [`set_user_words`], folded.
static USER_WORDS: Lazy<Mutex<BTreeSet<String>>> = Lazy::new(|| Mutex::new(BTreeSet::new()));
/// Words added with [`add_user_words`]: kept for the life of the process, through rebuilds.
static EXTRA_WORDS: Lazy<Mutex<BTreeSet<String>>> = Lazy::new(|| Mutex::new(BTreeSet::new()));

fn fresh_dictionary() -> Jieba {
    let mut jieba = Jieba::new();
    for word in builtin_terms() {
        add_to(&mut jieba, &word);
    }
    jieba
}

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

fn clean<S: AsRef<str>>(words: &[S]) -> Vec<String> {
    words
        .iter()
        .map(|w| fold(w.as_ref().trim()))
        .filter(|w| {
            !w.is_empty() && !w.chars().any(char::is_whitespace) && w.chars().any(is_searchable)
        })
        .collect()
}

/// Tests that set the user-word list hold this, since the list is process-wide.
#[cfg(test)]
pub(crate) static USER_WORDS_TEST_LOCK: Mutex<()> = Mutex::new(());

/// What [`set_user_words`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UserWordsChange {
    /// Words now in the dictionary that were not applied before.
    pub added: usize,
    /// Words applied before and no longer wanted (their removal rebuilt the dictionary).
    pub removed: usize,
}

impl UserWordsChange {
    pub fn is_empty(&self) -> bool {
        self.added == 0 && self.removed == 0
    }
}

/// Makes the user dictionary exactly `words` (the editors' list kept in the database): new words
/// are added in place; when a word was removed the dictionary is rebuilt from jieba's own and the
/// built-in terms plus `words` (a few hundred milliseconds, done off the read lock) and swapped
/// in, so a removed word stops keeping text whole without a restart.
pub fn set_user_words<S: AsRef<str>>(words: &[S]) -> UserWordsChange {
    let wanted: BTreeSet<String> = clean(words).into_iter().collect();
    let mut applied = USER_WORDS.lock().unwrap_or_else(|e| e.into_inner());
    let removed = applied.difference(&wanted).count();
    let change = if removed == 0 {
        let new: Vec<&String> = wanted.difference(&applied).collect();
        let mut j = JIEBA.write().unwrap_or_else(|e| e.into_inner());
        for w in &new {
            add_to(&mut j, w);
        }
        UserWordsChange {
            added: new.len(),
            removed: 0,
        }
    } else {
        let added = wanted.difference(&applied).count();
        // Held until the swap, so a concurrent add_user_words is not lost.
        let extra = EXTRA_WORDS.lock().unwrap_or_else(|e| e.into_inner());
        let mut fresh = fresh_dictionary();
        for w in extra.iter().chain(&wanted) {
            add_to(&mut fresh, w);
        }
        *JIEBA.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        UserWordsChange { added, removed }
    };
    *applied = wanted;
    change
}

/// Adds words to the shared dictionary for the life of the process (folded; blank,
/// whitespace-holding or punctuation-only entries are skipped) and returns how many were new.
/// For a list editors maintain, use [`set_user_words`], which can also take words away.
pub fn add_user_words<S: AsRef<str>>(words: &[S]) -> usize {
    let cleaned = clean(words);
    if cleaned.is_empty() {
        return 0;
    }
    let mut extra = EXTRA_WORDS.lock().unwrap_or_else(|e| e.into_inner());
    extra.extend(cleaned.iter().cloned());
    let mut j = JIEBA.write().unwrap_or_else(|e| e.into_inner());
    cleaned.iter().filter(|w| add_to(&mut j, w)).count()
}

/// How the dictionary cuts `text` (precise mode, folded), for editors checking a word.
pub fn segment(text: &str) -> Vec<String> {
    let folded = fold(text);
    jieba()
        .cut(&folded, false)
        .into_iter()
        .map(str::trim)
        .filter(|w| w.chars().any(is_searchable))
        .map(String::from)
        .collect()
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

    #[test]
    fn the_user_dictionary_follows_the_editors_list() {
        // Words no dictionary holds, so parallel tests cannot have added them.
        let _serial = USER_WORDS_TEST_LOCK
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let (a, b) = ("淼犇试验项目", "鑫焱试点工程");
        assert!(segment(a).len() > 1 && segment(b).len() > 1);
        assert_eq!(
            set_user_words(&[a, b]),
            UserWordsChange {
                added: 2,
                removed: 0
            }
        );
        assert_eq!(segment(a), [a]);
        assert_eq!(segment(&format!("{b}，{a}")), [b, a]);
        assert!(set_user_words(&[a, b]).is_empty());
        // Removing a word rebuilds the dictionary without it; the others and the built-ins stay.
        assert_eq!(
            set_user_words(&[a]),
            UserWordsChange {
                added: 0,
                removed: 1
            }
        );
        assert!(segment(b).len() > 1);
        assert_eq!(segment(a), [a]);
        assert!(has_word("依申请公开"));
        set_user_words::<&str>(&[]);
        assert!(segment(a).len() > 1);
    }
}
