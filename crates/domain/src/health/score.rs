//! 检查报告 — one site's result mirroring the national check: the single-veto items (单项否决),
//! passed or failed with their evidence, and the deduction score out of 100.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::timeliness::{ColumnClass, SiteFacts, DYNAMIC_DAYS};

/// Single-veto thresholds, per site.
pub const STALE_COLUMNS_VETO: usize = 5;
pub const LONG_STALE_VETO: usize = 10;
pub const EMPTY_COLUMNS_VETO: usize = 5;

vocabulary!(
    /// What a finding is about. Each check source produces one or more of these.
    FindingKind, "kind" {
        HomepageStale => "homepage_stale", "首页两周未更新";
        ColumnStale => "column_stale", "栏目更新不及时";
        ColumnRequirement => "column_requirement", "未达栏目更新要求";
        ColumnLongStale => "column_long_stale", "栏目长期未更新";
        ColumnEmpty => "column_empty", "空白栏目";
        RequestDueSoon => "request_due_soon", "依申请公开即将到期";
        RequestOverdue => "request_overdue", "依申请公开已超期";
        LetterOverdue => "letter_overdue", "留言超期未办结";
        LetterUnanswered => "letter_unanswered", "留言三个月未回复";
        NoRecentReplies => "no_recent_replies", "近两个月无留言回复";
        SurveyNoResult => "survey_no_result", "征集调查结束未公布结果";
        ConsultationNoReport => "consultation_no_report", "意见征集结束未公布采纳情况";
        BrokenLink => "broken_link", "链接失效";
        MissingAttachment => "missing_attachment", "附件缺失";
        ErrorReport => "error_report", "网民找错待处理";
        Words => "words", "已发布信息含错敏词";
    }
);

vocabulary!(
    /// How much a finding weighs: counted towards a single-veto item, deducted, or only shown.
    Severity, "severity" {
        Veto => "veto", "单项否决";
        Deduct => "deduct", "扣分";
        Notice => "notice", "提示";
    }
);

/// One problem on one site. `subject` identifies what it is about (`column:12`, `request:5`,
/// `url:/items/3`) so that the same problem found again is the same finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub subject: String,
    /// What to look at, in Chinese (the column's name, the request's code, the page).
    pub title: String,
    /// The evidence: dates, counts, the link that failed.
    pub evidence: String,
    /// Where to fix it, when the platform has a page for that.
    pub url: Option<String>,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        use FindingKind::*;
        match self.kind {
            HomepageStale | ColumnStale | ColumnLongStale | ColumnEmpty | LetterUnanswered => {
                Severity::Veto
            }
            RequestDueSoon => Severity::Notice,
            _ => Severity::Deduct,
        }
    }
}

/// One single-veto item of the check.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct VetoItem {
    pub code: String,
    pub name: String,
    pub passed: bool,
    pub count: usize,
    pub threshold: usize,
    pub evidence: Vec<String>,
}

/// One deduction line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Deduction {
    pub reason: String,
    pub points: i32,
}

/// A site's check result on a day.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteReport {
    pub site_id: i64,
    pub org_id: i64,
    pub slug: String,
    pub title: String,
    pub checked_on: NaiveDate,
    pub vetoes: Vec<VetoItem>,
    pub deductions: Vec<Deduction>,
    pub score: i32,
    pub findings: Vec<Finding>,
}

impl SiteReport {
    /// Failing any single-veto item fails the site, whatever its score.
    pub fn passed(&self) -> bool {
        self.vetoes.iter().all(|v| v.passed)
    }
    pub fn failed_vetoes(&self) -> impl Iterator<Item = &VetoItem> {
        self.vetoes.iter().filter(|v| !v.passed)
    }
}

/// The timeliness findings of a site on a day.
pub fn timeliness_findings(facts: &SiteFacts, today: NaiveDate) -> Vec<Finding> {
    let mut out = vec![];
    let home_idle = facts.homepage_idle_days(today);
    if home_idle > DYNAMIC_DAYS {
        out.push(Finding {
            kind: FindingKind::HomepageStale,
            subject: "site".into(),
            title: format!("{}首页", facts.title),
            evidence: match facts.last_published {
                Some(d) => format!("最新信息发布于 {d}，已 {home_idle} 天未更新"),
                None => format!("建站（{}）以来未发布任何信息", facts.created_on),
            },
            url: None,
        });
    }
    for c in facts.columns.iter().filter(|c| c.judged()) {
        let v = c.verdict(today);
        let last = match c.last_published {
            Some(d) => format!("最后更新 {d}，已 {} 天", v.idle_days),
            None => format!("开设于 {}，从未发布信息", c.created_on),
        };
        let mut push = |kind: FindingKind, evidence: String| {
            out.push(Finding {
                kind,
                subject: format!("column:{}", c.id),
                title: c.name.clone(),
                evidence,
                url: Some(format!("/admin/columns/{}", c.id)),
            })
        };
        if v.empty {
            push(FindingKind::ColumnEmpty, "栏目没有任何已发布内容".into());
            continue;
        }
        if v.long_stale {
            push(
                FindingKind::ColumnLongStale,
                format!("{last}（超过 {} 天）", super::timeliness::LONG_STALE_DAYS),
            );
        } else if v.nationally_stale {
            let limit = v.class.national_days().unwrap_or_default();
            push(
                FindingKind::ColumnStale,
                format!("{}栏目，{last}（限 {limit} 天）", v.class.label_zh()),
            );
        }
        if v.requirement_missed && !v.long_stale && !v.nationally_stale {
            push(
                FindingKind::ColumnRequirement,
                format!(
                    "{last}（更新要求 {} 天）",
                    c.update_days.unwrap_or_default()
                ),
            );
        }
    }
    out
}

/// Builds the report from the site's facts and the findings of the other sources (interaction,
/// links, error reports, words), all judged on `today`.
pub fn report(facts: &SiteFacts, today: NaiveDate, other: Vec<Finding>) -> SiteReport {
    let mut findings = timeliness_findings(facts, today);
    findings.extend(other);
    let of = |k: FindingKind| findings.iter().filter(move |f| f.kind == k);
    let evidence = |k: FindingKind| -> Vec<String> {
        of(k)
            .map(|f| format!("{}：{}", f.title, f.evidence))
            .collect()
    };
    let veto = |code: &str, name: &str, kinds: &[FindingKind], threshold: usize| {
        let count = kinds.iter().map(|k| of(*k).count()).sum::<usize>();
        VetoItem {
            code: code.into(),
            name: name.into(),
            passed: count < threshold,
            count,
            threshold,
            evidence: kinds.iter().flat_map(|k| evidence(*k)).collect(),
        }
    };
    let vetoes = vec![
        veto(
            "homepage",
            "首页两周未更新",
            &[FindingKind::HomepageStale],
            1,
        ),
        veto(
            "stale_columns",
            "动态类栏目两周、通知公告和政策文件类栏目六个月未更新",
            &[FindingKind::ColumnStale],
            STALE_COLUMNS_VETO,
        ),
        veto(
            "long_stale",
            "应更新但长期未更新的栏目",
            &[FindingKind::ColumnLongStale],
            LONG_STALE_VETO,
        ),
        veto(
            "empty",
            "空白栏目",
            &[FindingKind::ColumnEmpty],
            EMPTY_COLUMNS_VETO,
        ),
        veto(
            "interaction",
            "有效留言三个月未回复",
            &[FindingKind::LetterUnanswered],
            1,
        ),
    ];
    let mut deductions = vec![];
    let policy_stale = facts.columns.iter().any(|c| {
        c.judged() && {
            let v = c.verdict(today);
            v.class == ColumnClass::NoticePolicy && (v.nationally_stale || v.long_stale)
        }
    });
    if policy_stale {
        deductions.push(Deduction {
            reason: "政策文件类栏目六个月未更新".into(),
            points: 5,
        });
    }
    // Per-finding deductions: (kind, points each, most in total).
    const EACH: &[(FindingKind, i32, i32)] = &[
        (FindingKind::NoRecentReplies, 3, 3),
        (FindingKind::ColumnStale, 1, 10),
        (FindingKind::ColumnRequirement, 1, 10),
        (FindingKind::ColumnLongStale, 1, 10),
        (FindingKind::ColumnEmpty, 2, 10),
        (FindingKind::RequestOverdue, 2, 10),
        (FindingKind::LetterOverdue, 2, 10),
        (FindingKind::SurveyNoResult, 1, 5),
        (FindingKind::ConsultationNoReport, 1, 5),
        (FindingKind::BrokenLink, 1, 10),
        (FindingKind::MissingAttachment, 1, 10),
        (FindingKind::ErrorReport, 1, 5),
        (FindingKind::Words, 1, 5),
    ];
    for (kind, each, most) in EACH {
        let n = of(*kind).count() as i32;
        if n > 0 {
            deductions.push(Deduction {
                reason: format!("{}（{n} 处）", kind.label_zh()),
                points: (n * each).min(*most),
            });
        }
    }
    let score = (100 - deductions.iter().map(|d| d.points).sum::<i32>()).max(0);
    SiteReport {
        site_id: facts.site_id,
        org_id: facts.org_id,
        slug: facts.slug.clone(),
        title: facts.title.clone(),
        checked_on: today,
        vetoes,
        deductions,
        score,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::ColumnFacts;
    use crate::site::ColumnKind;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn site(columns: Vec<ColumnFacts>, last: Option<&str>) -> SiteFacts {
        SiteFacts {
            site_id: 1,
            org_id: 1,
            slug: "jyj".into(),
            title: "市教育局".into(),
            last_published: last.map(d),
            created_on: d("2024-01-01"),
            columns,
        }
    }

    fn col(id: i64, name: &str, last: Option<&str>) -> ColumnFacts {
        ColumnFacts {
            id,
            name: name.into(),
            kind: ColumnKind::Articles,
            category: Default::default(),
            update_days: None,
            has_body: false,
            has_children: false,
            published_items: last.map_or(0, |_| 1),
            last_published: last.map(d),
            created_on: d("2024-01-01"),
        }
    }

    #[test]
    fn a_fresh_site_passes_with_full_marks() {
        let s = site(
            vec![col(1, "工作动态", Some("2026-11-20"))],
            Some("2026-11-20"),
        );
        let r = report(&s, d("2026-11-24"), vec![]);
        assert!(r.passed());
        assert_eq!(r.score, 100);
        assert!(r.findings.is_empty());
    }

    #[test]
    fn five_stale_dynamic_columns_fail_the_site_with_evidence() {
        let mut cols: Vec<ColumnFacts> = (1..=4)
            .map(|i| col(i, &format!("工作动态{i}"), Some("2026-11-01")))
            .collect();
        let today = d("2026-11-24");
        let r = report(&site(cols.clone(), Some("2026-11-23")), today, vec![]);
        assert!(r.passed(), "four stale columns are below the threshold");
        assert_eq!(r.score, 96);
        cols.push(col(5, "通知公告", Some("2026-04-01")));
        let r = report(&site(cols, Some("2026-11-23")), today, vec![]);
        let failed: Vec<&str> = r.failed_vetoes().map(|v| v.code.as_str()).collect();
        assert_eq!(failed, ["stale_columns"]);
        let v = &r.vetoes[1];
        assert_eq!((v.count, v.threshold), (5, 5));
        assert!(v
            .evidence
            .iter()
            .any(|e| e.contains("通知公告") && e.contains("2026-04-01")));
        // 5 stale columns, and the policy column's own −5.
        assert_eq!(r.score, 100 - 5 - 5);
    }

    #[test]
    fn homepage_empty_and_long_stale_thresholds() {
        let mut cols: Vec<ColumnFacts> = (1..=5).map(|i| col(i, "空栏目", None)).collect();
        cols.extend((6..=15).map(|i| col(i, "政策文件", Some("2025-01-01"))));
        let r = report(&site(cols, Some("2026-11-01")), d("2026-11-24"), vec![]);
        let failed: Vec<&str> = r.failed_vetoes().map(|v| v.code.as_str()).collect();
        assert_eq!(failed, ["homepage", "long_stale", "empty"]);
        assert!(r.vetoes[0].evidence[0].contains("2026-11-01"));
        assert!(r.score < 80);
    }

    #[test]
    fn other_sources_count_too() {
        let s = site(vec![], Some("2026-11-23"));
        let letter = Finding {
            kind: FindingKind::LetterUnanswered,
            subject: "letter:1".into(),
            title: "留言 1".into(),
            evidence: "2026-07-01 收到，至今未回复".into(),
            url: None,
        };
        let overdue = Finding {
            kind: FindingKind::RequestOverdue,
            subject: "request:1".into(),
            ..letter.clone()
        };
        let r = report(&s, d("2026-11-24"), vec![letter, overdue]);
        assert!(!r.passed());
        assert_eq!(r.score, 98);
        assert_eq!(r.findings[1].severity(), Severity::Deduct);
    }
}
