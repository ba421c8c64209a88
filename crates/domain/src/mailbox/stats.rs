//! Reply-time statistics: on-time rate, median and 90th percentile in working days.

use serde::Serialize;

/// The `p`-th percentile (0-100) by the nearest-rank method: the smallest value with at least
/// `p` % of the values at or below it. `None` for no values.
pub fn percentile(values: &[u32], p: u32) -> Option<u32> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let rank = (u64::from(p.min(100)) * v.len() as u64)
        .div_ceil(100)
        .max(1) as usize;
    Some(v[rank - 1])
}

/// The figures of one row of the statistics (an organisation or a leader).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplyStats {
    pub received: u64,
    pub replied: u64,
    /// Replies on or before their due date.
    pub on_time: u64,
    /// `on_time / replied` in per cent, one decimal; `None` before any reply.
    pub on_time_rate: Option<f64>,
    pub median_days: Option<u32>,
    pub p90_days: Option<u32>,
    pub rated: u64,
    /// 满意 and 基本满意 among the rated, in per cent.
    pub satisfaction_rate: Option<f64>,
    pub open: u64,
    /// Open letters received more than three months ago (the national check's red line).
    pub open_over_3_months: u64,
}

impl ReplyStats {
    /// Builds the row from per-letter facts: `reply_days` of every replied letter, how many were
    /// on time, and the ratings as (satisfied-or-basically, total).
    pub fn from_parts(
        received: u64,
        reply_days: &[u32],
        on_time: u64,
        satisfied: u64,
        rated: u64,
        open: u64,
        open_over_3_months: u64,
    ) -> ReplyStats {
        let replied = reply_days.len() as u64;
        let rate = |n: u64, d: u64| (d > 0).then(|| (n as f64 * 1000.0 / d as f64).round() / 10.0);
        ReplyStats {
            received,
            replied,
            on_time,
            on_time_rate: rate(on_time, replied),
            median_days: percentile(reply_days, 50),
            p90_days: percentile(reply_days, 90),
            rated,
            satisfaction_rate: rate(satisfied, rated),
            open,
            open_over_3_months,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[5, 1, 3, 2, 4], 50), Some(3));
        let v: Vec<u32> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&v, 100), Some(10));
        assert_eq!(percentile(&v, 0), Some(1));
    }

    #[test]
    fn rates_are_per_cent_with_one_decimal() {
        let s = ReplyStats::from_parts(4, &[3, 10, 20], 2, 1, 3, 1, 0);
        assert_eq!(s.replied, 3);
        assert_eq!(s.on_time_rate, Some(66.7));
        assert_eq!(s.satisfaction_rate, Some(33.3));
        assert_eq!(s.median_days, Some(10));
        assert_eq!(s.p90_days, Some(20));
        assert_eq!(
            ReplyStats::from_parts(1, &[], 0, 0, 0, 1, 1).on_time_rate,
            None
        );
    }
}
