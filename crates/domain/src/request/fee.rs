//! 信息处理费 — the information-processing fee (Art. 42). None is charged by default; an agency
//! may charge for clearly excessive volume or frequency, by piece (按件: the applicant's requests in
//! a calendar month) or by volume (按量: pages of one reply), on tiers the platform configures.
//! [`FeeSchedule::national`] is the State Council's schedule (国办函〔2020〕109号).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// What the fee counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeBasis {
    /// 按件计收 — the n-th request of one applicant in one calendar month.
    PerPiece,
    /// 按量计收 — pages (or equivalent) of one reply.
    PerPage,
}

impl FeeBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            FeeBasis::PerPiece => "per_piece",
            FeeBasis::PerPage => "per_page",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            FeeBasis::PerPiece => "按件计收",
            FeeBasis::PerPage => "按量计收",
        }
    }
    pub fn parse(s: &str) -> Option<FeeBasis> {
        match s {
            "per_piece" => Some(FeeBasis::PerPiece),
            "per_page" => Some(FeeBasis::PerPage),
            _ => None,
        }
    }
}

/// Units `from..=to` (to open-ended when None) cost `fen_each`; an open tier may rise by
/// `step_fen` every `step_units` units (the national per-piece rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub from: u32,
    pub to: Option<u32>,
    pub fen_each: i64,
    pub step: Option<(u32, i64)>,
}

impl Tier {
    fn price_of(&self, unit: u32) -> Option<i64> {
        if unit < self.from || self.to.is_some_and(|t| unit > t) {
            return None;
        }
        let rise = match self.step {
            Some((every, by)) if every > 0 => ((unit - self.from) / every) as i64 * by,
            _ => 0,
        };
        Some(self.fen_each + rise)
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to {
            Some(to) => write!(f, "{}-{} {}", self.from, to, yuan(self.fen_each))?,
            None => write!(f, "{}- {}", self.from, yuan(self.fen_each))?,
        }
        if let Some((every, by)) = self.step {
            write!(f, " +{}/{every}", yuan(by))?;
        }
        Ok(())
    }
}

fn yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        format!("{}.{:02}", fen / 100, fen % 100)
    }
}

/// The configured tiers per basis. Units not covered by a tier are free.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeSchedule {
    pub per_piece: Vec<Tier>,
    pub per_page: Vec<Tier>,
}

/// A computed fee with the reasoning shown to the handler and recorded on the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fee {
    pub fen: i64,
    pub explanation: String,
}

impl FeeSchedule {
    /// No fee at all (the default).
    pub fn none() -> Self {
        Self::default()
    }

    /// 国办函〔2020〕109号: per piece, the 11th-30th request of a month 100 yuan each, from the 31st
    /// 200 yuan rising 100 yuan every 10; per page, 31-100 pages 10 yuan, 101-200 20 yuan, beyond 40.
    pub fn national() -> Self {
        Self::parse(NATIONAL).expect("the national schedule parses")
    }

    pub fn is_none(&self) -> bool {
        self.per_piece.is_empty() && self.per_page.is_empty()
    }

    /// Reads the configuration text: a `[per_piece]` and a `[per_page]` section, one tier per
    /// line as `FROM-TO YUAN` or `FROM- YUAN` (open), optionally `+YUAN/N` (rises every N units).
    /// Blank lines and `#` comments are ignored. An empty text is [`FeeSchedule::none`].
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let mut s = FeeSchedule::none();
        let mut section: Option<FeeBasis> = None;
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad =
                |m: &str| DomainError::invalid("fee_schedule", format!("第 {} 行：{m}", n + 1));
            match line {
                "[per_piece]" => section = Some(FeeBasis::PerPiece),
                "[per_page]" => section = Some(FeeBasis::PerPage),
                _ => {
                    let basis =
                        section.ok_or_else(|| bad("档次须写在 [per_piece] 或 [per_page] 之下"))?;
                    let mut parts = line.split_whitespace();
                    let range = parts.next().unwrap_or("");
                    let (from, to) = range
                        .split_once('-')
                        .ok_or_else(|| bad("范围应写作 起-止 或 起-"))?;
                    let from: u32 = from.parse().map_err(|_| bad("起始数不是整数"))?;
                    let to: Option<u32> = if to.is_empty() {
                        None
                    } else {
                        Some(to.parse().map_err(|_| bad("终止数不是整数"))?)
                    };
                    if from == 0 || to.is_some_and(|t| t < from) {
                        return Err(bad("范围无效"));
                    }
                    let price = parts.next().ok_or_else(|| bad("缺少单价（元）"))?;
                    let fen_each =
                        parse_yuan(price).ok_or_else(|| bad("单价应为元，如 100 或 0.5"))?;
                    let step = match parts.next() {
                        None => None,
                        Some(p) => {
                            let (by, every) = p
                                .strip_prefix('+')
                                .and_then(|p| p.split_once('/'))
                                .ok_or_else(|| bad("递增应写作 +元/件数"))?;
                            let by = parse_yuan(by).ok_or_else(|| bad("递增金额无效"))?;
                            let every: u32 = every.parse().map_err(|_| bad("递增件数无效"))?;
                            if every == 0 {
                                return Err(bad("递增件数须大于 0"));
                            }
                            Some((every, by))
                        }
                    };
                    if parts.next().is_some() {
                        return Err(bad("多余的内容"));
                    }
                    let tiers = match basis {
                        FeeBasis::PerPiece => &mut s.per_piece,
                        FeeBasis::PerPage => &mut s.per_page,
                    };
                    if let Some(last) = tiers.last() {
                        if last.to.is_none_or(|t| t >= from) {
                            return Err(bad("档次须按顺序且不重叠"));
                        }
                    }
                    tiers.push(Tier {
                        from,
                        to,
                        fen_each,
                        step,
                    });
                }
            }
        }
        Ok(s)
    }

    /// The configuration text of this schedule ([`FeeSchedule::parse`] reads it back).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (name, tiers) in [("per_piece", &self.per_piece), ("per_page", &self.per_page)] {
            if tiers.is_empty() {
                continue;
            }
            out.push_str(&format!("[{name}]\n"));
            for t in tiers {
                out.push_str(&format!("{t}\n"));
            }
        }
        out
    }

    /// The fee for one request: per piece, `count` is this request's place among the applicant's
    /// requests this month (only that piece is charged); per page, `count` is the reply's pages.
    pub fn charge(&self, basis: FeeBasis, count: u32) -> Fee {
        let tiers = match basis {
            FeeBasis::PerPiece => &self.per_piece,
            FeeBasis::PerPage => &self.per_page,
        };
        let price = |unit: u32| tiers.iter().find_map(|t| t.price_of(unit)).unwrap_or(0);
        match basis {
            FeeBasis::PerPiece => {
                let fen = price(count);
                Fee {
                    fen,
                    explanation: format!(
                        "按件计收：本月第 {count} 件申请，{}",
                        if fen == 0 {
                            "不收费".to_string()
                        } else {
                            format!("收费 {} 元", yuan(fen))
                        }
                    ),
                }
            }
            FeeBasis::PerPage => {
                let fen: i64 = (1..=count).map(price).sum();
                let mut parts = Vec::new();
                for t in tiers {
                    let hi = t.to.unwrap_or(u32::MAX).min(count);
                    if hi >= t.from {
                        let sum: i64 = (t.from..=hi).filter_map(|u| t.price_of(u)).sum();
                        parts.push(format!("第 {}-{hi} 页 {} 元", t.from, yuan(sum)));
                    }
                }
                Fee {
                    fen,
                    explanation: format!(
                        "按量计收：共 {count} 页，{}",
                        if fen == 0 {
                            "不收费".to_string()
                        } else {
                            format!("{}，合计 {} 元", parts.join("，"), yuan(fen))
                        }
                    ),
                }
            }
        }
    }
}

fn parse_yuan(s: &str) -> Option<i64> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 2 || whole.is_empty() {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    (whole >= 0).then_some(whole * 100 + frac)
}

const NATIONAL: &str = "\
# 国办函〔2020〕109号《政府信息公开信息处理费管理办法》
[per_piece]
11-30 100
31- 200 +100/10
[per_page]
31-100 10
101-200 20
201- 40
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_charges_nothing() {
        let s = FeeSchedule::none();
        assert!(s.is_none());
        assert_eq!(s.charge(FeeBasis::PerPiece, 500).fen, 0);
        assert_eq!(FeeSchedule::parse("").unwrap(), s);
    }

    #[test]
    fn national_per_piece() {
        let s = FeeSchedule::national();
        assert_eq!(s.charge(FeeBasis::PerPiece, 10).fen, 0);
        assert_eq!(s.charge(FeeBasis::PerPiece, 11).fen, 10_000);
        assert_eq!(s.charge(FeeBasis::PerPiece, 30).fen, 10_000);
        assert_eq!(s.charge(FeeBasis::PerPiece, 31).fen, 20_000);
        assert_eq!(s.charge(FeeBasis::PerPiece, 40).fen, 20_000);
        assert_eq!(s.charge(FeeBasis::PerPiece, 41).fen, 30_000);
        assert!(s
            .charge(FeeBasis::PerPiece, 41)
            .explanation
            .contains("第 41 件"));
    }

    #[test]
    fn national_per_page_sums_the_tiers() {
        let s = FeeSchedule::national();
        assert_eq!(s.charge(FeeBasis::PerPage, 30).fen, 0);
        // 70 pages at 10 + 100 at 20 + 50 at 40
        let f = s.charge(FeeBasis::PerPage, 250);
        assert_eq!(f.fen, (70 * 10 + 100 * 20 + 50 * 40) * 100);
        assert!(f.explanation.contains("合计 4700 元"), "{}", f.explanation);
    }

    #[test]
    fn text_round_trips_and_bad_lines_are_named() {
        let s = FeeSchedule::national();
        assert_eq!(FeeSchedule::parse(&s.to_text()).unwrap(), s);
        let e = FeeSchedule::parse("[per_page]\n10-5 1")
            .unwrap_err()
            .to_string();
        assert!(e.contains("第 2 行"), "{e}");
        assert!(
            FeeSchedule::parse("1-5 1").is_err(),
            "tier outside a section"
        );
        assert!(
            FeeSchedule::parse("[per_page]\n1- 1\n5-9 2").is_err(),
            "overlap after open tier"
        );
        assert!(FeeSchedule::parse("[per_page]\n1-5 x").is_err());
        assert_eq!(
            FeeSchedule::parse("[per_page]\n1-5 0.5")
                .unwrap()
                .charge(FeeBasis::PerPage, 3)
                .fen,
            150
        );
    }
}
