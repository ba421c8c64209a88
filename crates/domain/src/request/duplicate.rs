//! 重复申请 — spotting a request that repeats an earlier one (same applicant, similar text, within
//! 90 days), so the handler is warned at intake and can answer under Art. 36(6) if it is.

use std::collections::HashSet;

use chrono::NaiveDate;

/// How far back an earlier request counts as a possible duplicate.
pub const WINDOW_DAYS: i64 = 90;

/// Texts at least this similar (Dice coefficient of character bigrams) are flagged.
pub const THRESHOLD: f64 = 0.6;

/// Character bigrams of the text's letters, digits and Han characters (punctuation and spaces
/// dropped, ASCII folded), so "2023年预算" and "2023 年 预算。" compare equal.
fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Dice similarity of two descriptions in 0..=1 (1: the same bigrams). Two texts too short to have
/// a bigram are similar only when equal.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        let norm = |s: &str| -> String { s.chars().filter(|c| c.is_alphanumeric()).collect() };
        return if norm(a) == norm(b) { 1.0 } else { 0.0 };
    }
    let common = x.intersection(&y).count();
    2.0 * common as f64 / (x.len() + y.len()) as f64
}

/// Whether an earlier request (received `earlier`, text `earlier_text`) by the same applicant makes
/// one received `received` a possible duplicate.
pub fn is_possible_duplicate(
    received: NaiveDate,
    text: &str,
    earlier: NaiveDate,
    earlier_text: &str,
) -> bool {
    let age = (received - earlier).num_days();
    (0..=WINDOW_DAYS).contains(&age) && similarity(text, earlier_text) >= THRESHOLD
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn same_request_reworded_slightly_is_similar() {
        let a = "申请公开2023年某某区老旧小区改造项目的资金使用明细";
        let b = "申请公开 2023 年某某区老旧小区改造项目资金使用明细。";
        assert!(similarity(a, b) > 0.85, "{}", similarity(a, b));
        assert_eq!(similarity(a, a), 1.0);
    }

    #[test]
    fn different_requests_are_not() {
        let a = "申请公开2023年某某区老旧小区改造项目的资金使用明细";
        let b = "请提供本市2022年度最低生活保障对象人数及发放标准";
        assert!(similarity(a, b) < 0.2, "{}", similarity(a, b));
        assert_eq!(similarity("", "申请"), 0.0);
        assert_eq!(
            similarity("A", "a"),
            0.0,
            "single letters have no bigram, differ"
        );
    }

    #[test]
    fn window_is_ninety_days_back_only() {
        let t = "申请公开2023年某某区老旧小区改造项目的资金使用明细";
        assert!(is_possible_duplicate(
            d("2024-04-01"),
            t,
            d("2024-01-02"),
            t
        ));
        assert!(!is_possible_duplicate(
            d("2024-04-01"),
            t,
            d("2023-12-31"),
            t
        ));
        assert!(
            !is_possible_duplicate(d("2024-04-01"), t, d("2024-04-02"), t),
            "later is not earlier"
        );
    }
}
