//! Latency percentiles and ranking quality measures.

use std::collections::HashMap;
use std::time::Duration;

/// Latency summary of a set of samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    pub n: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

/// Nearest-rank percentile (`p` in 0..=100) of sorted samples; 0 for none.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn summarize(samples: &[Duration]) -> Latency {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    let mean = if ms.is_empty() {
        0.0
    } else {
        ms.iter().sum::<f64>() / ms.len() as f64
    };
    Latency {
        n: ms.len(),
        p50_ms: percentile(&ms, 50.0),
        p95_ms: percentile(&ms, 95.0),
        p99_ms: percentile(&ms, 99.0),
        max_ms: ms.last().copied().unwrap_or(0.0),
        mean_ms: mean,
    }
}

/// Reciprocal rank of the first result graded at least `min_grade` within the first `k`
/// (0 when none is).
pub fn reciprocal_rank(
    results: &[String],
    grades: &HashMap<String, u32>,
    min_grade: u32,
    k: usize,
) -> f64 {
    results
        .iter()
        .take(k)
        .position(|r| grades.get(r).is_some_and(|g| *g >= min_grade))
        .map(|p| 1.0 / (p as f64 + 1.0))
        .unwrap_or(0.0)
}

/// nDCG@k with graded relevance (gain 2^g - 1, log2 discount), against the ideal ordering of
/// all judged documents. 0 when nothing is judged relevant.
pub fn ndcg(results: &[String], grades: &HashMap<String, u32>, k: usize) -> f64 {
    let gain = |g: u32| (2f64.powi(g as i32)) - 1.0;
    let dcg: f64 = results
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, r)| gain(grades.get(r).copied().unwrap_or(0)) / (i as f64 + 2.0).log2())
        .sum();
    let mut ideal: Vec<u32> = grades.values().copied().filter(|g| *g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| gain(*g) / (i as f64 + 2.0).log2())
        .sum();
    if idcg == 0.0 {
        0.0
    } else {
        dcg / idcg
    }
}

/// Resident and peak resident memory of a process in MiB, from `/proc/<pid>/status`.
pub fn rss_mib(pid: u32) -> Option<(f64, f64)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<f64> {
        let line = s.lines().find(|l| l.starts_with(name))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Total size of the files under `dir`, in MiB.
pub fn dir_mib(dir: &std::path::Path) -> f64 {
    fn walk(p: &std::path::Path) -> u64 {
        let Ok(rd) = std::fs::read_dir(p) else {
            return std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        };
        rd.filter_map(|e| e.ok())
            .map(|e| {
                let p = e.path();
                if p.is_dir() {
                    walk(&p)
                } else {
                    e.metadata().map(|m| m.len()).unwrap_or(0)
                }
            })
            .sum()
    }
    walk(dir) as f64 / (1024.0 * 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let s: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&s, 50.0), 50.0);
        assert_eq!(percentile(&s, 95.0), 95.0);
        assert_eq!(percentile(&s, 99.0), 99.0);
        assert_eq!(percentile(&s, 100.0), 100.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
        let l = summarize(&[
            Duration::from_millis(4),
            Duration::from_millis(1),
            Duration::from_millis(2),
        ]);
        assert_eq!((l.n, l.p50_ms, l.max_ms), (3, 2.0, 4.0));
        assert!((l.mean_ms - 7.0 / 3.0).abs() < 1e-9);
    }

    fn grades(pairs: &[(&str, u32)]) -> HashMap<String, u32> {
        pairs.iter().map(|(k, g)| (k.to_string(), *g)).collect()
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reciprocal_rank_counts_the_first_relevant_result_within_k() {
        let g = grades(&[("a", 2), ("b", 1)]);
        assert_eq!(reciprocal_rank(&ids(&["a", "x"]), &g, 2, 10), 1.0);
        assert_eq!(
            reciprocal_rank(&ids(&["x", "b", "a"]), &g, 2, 10),
            1.0 / 3.0
        );
        assert_eq!(reciprocal_rank(&ids(&["x", "b", "a"]), &g, 1, 10), 0.5);
        assert_eq!(reciprocal_rank(&ids(&["x", "y", "a"]), &g, 2, 2), 0.0);
        assert_eq!(reciprocal_rank(&[], &g, 1, 10), 0.0);
    }

    #[test]
    fn ndcg_is_one_for_the_ideal_order_and_lower_otherwise() {
        let g = grades(&[("a", 2), ("b", 1)]);
        assert!((ndcg(&ids(&["a", "b", "x"]), &g, 10) - 1.0).abs() < 1e-12);
        let swapped = ndcg(&ids(&["b", "a"]), &g, 10);
        // DCG = 1/1 + 3/log2(3); IDCG = 3/1 + 1/log2(3).
        let want = (1.0 + 3.0 / 3f64.log2()) / (3.0 + 1.0 / 3f64.log2());
        assert!((swapped - want).abs() < 1e-12, "{swapped} vs {want}");
        assert_eq!(ndcg(&ids(&["x", "y"]), &g, 10), 0.0);
        assert_eq!(ndcg(&ids(&["a"]), &HashMap::new(), 10), 0.0);
        // Beyond k counts nothing.
        assert_eq!(ndcg(&ids(&["x", "a"]), &g, 1), 0.0);
    }
}
