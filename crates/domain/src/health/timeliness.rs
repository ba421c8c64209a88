//! 栏目更新 — how long a column may go without a new item, by the national rules and by the
//! column's own update requirement (更新要求, `update_days`).

use chrono::NaiveDate;
use serde::Serialize;

use crate::site::ColumnKind;

/// Homepage (首页) and news/dynamic columns (动态类栏目): two weeks.
pub const DYNAMIC_DAYS: i64 = 14;
/// Notices and policy columns (通知公告、政策文件类栏目): six months.
pub const NOTICE_POLICY_DAYS: i64 = 183;
/// 长期未更新 — the check's notes do not fix a length; Gongkai reads "long stale" as a year without
/// any new item in a column that holds content.
pub const LONG_STALE_DAYS: i64 = 365;

vocabulary!(
    /// What the national check expects of a column, inferred from its name (see `ColumnClass::infer`).
    ColumnClass, "class" {
        Dynamic => "dynamic", "动态类";
        NoticePolicy => "notice_policy", "通知公告、政策文件类";
        Other => "other", "其他";
    }
);

vocabulary!(
    /// 更新类别 — what staff say a column is, for the check; `Auto` leaves it to the column's name.
    UpdateCategory, "update_category" {
        Auto => "auto", "按栏目名称判断";
        Dynamic => "dynamic", "动态、要闻类（两周内须更新）";
        NoticePolicy => "notice_policy", "通知公告、政策文件类（六个月内须更新）";
        Static => "static", "不需更新（如机构职能、历史归档）";
    }
);

impl Default for UpdateCategory {
    fn default() -> Self {
        UpdateCategory::Auto
    }
}

impl UpdateCategory {
    /// The national class of a column with this category and name.
    pub fn class(self, name: &str) -> ColumnClass {
        match self {
            UpdateCategory::Auto => ColumnClass::infer(name),
            UpdateCategory::Dynamic => ColumnClass::Dynamic,
            UpdateCategory::NoticePolicy => ColumnClass::NoticePolicy,
            UpdateCategory::Static => ColumnClass::Other,
        }
    }
}

impl ColumnClass {
    /// Columns without an explicit category with the check's categories, so the name decides, as inspectors do:
    /// 动态、新闻、要闻、工作信息 are dynamic; 通知、公告、公示、政策、文件、规划 are notices/policy.
    pub fn infer(name: &str) -> ColumnClass {
        const DYNAMIC: &[&str] = &["动态", "新闻", "要闻", "工作信息", "政务信息", "资讯"];
        const NOTICE: &[&str] = &["通知", "公告", "公示", "政策", "文件", "规划", "解读"];
        if NOTICE.iter().any(|k| name.contains(k)) {
            ColumnClass::NoticePolicy
        } else if DYNAMIC.iter().any(|k| name.contains(k)) {
            ColumnClass::Dynamic
        } else {
            ColumnClass::Other
        }
    }

    /// The national limit in days, if the class has one.
    pub fn national_days(self) -> Option<i64> {
        match self {
            ColumnClass::Dynamic => Some(DYNAMIC_DAYS),
            ColumnClass::NoticePolicy => Some(NOTICE_POLICY_DAYS),
            ColumnClass::Other => None,
        }
    }
}

/// What storage knows about one column.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnFacts {
    pub id: i64,
    pub name: String,
    pub kind: ColumnKind,
    pub category: UpdateCategory,
    /// The column's own update requirement in days (更新要求).
    pub update_days: Option<i32>,
    /// A single page with its text, or a parent whose children hold the items, is not empty.
    pub has_body: bool,
    pub has_children: bool,
    pub published_items: i64,
    pub last_published: Option<NaiveDate>,
    pub created_on: NaiveDate,
}

/// What storage knows about one site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteFacts {
    pub site_id: i64,
    pub org_id: i64,
    pub slug: String,
    pub title: String,
    /// The newest publication anywhere on the site (what its homepage shows).
    pub last_published: Option<NaiveDate>,
    pub created_on: NaiveDate,
    pub columns: Vec<ColumnFacts>,
}

/// One column judged on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnVerdict {
    pub class: ColumnClass,
    /// Days since its last item (since creation when it never had one).
    pub idle_days: i64,
    /// Over the national limit for its class.
    pub nationally_stale: bool,
    /// Over its own update requirement.
    pub requirement_missed: bool,
    pub long_stale: bool,
    pub empty: bool,
}

impl ColumnFacts {
    /// Link columns hold nothing to publish; single pages are judged by their text only.
    pub fn judged(&self) -> bool {
        self.kind.holds_content()
    }

    pub fn verdict(&self, today: NaiveDate) -> ColumnVerdict {
        let class = self.category.class(&self.name);
        let since = self.last_published.unwrap_or(self.created_on);
        let idle_days = (today - since).num_days().max(0);
        let list = matches!(self.kind, ColumnKind::Catalogue | ColumnKind::Articles);
        let empty = list && self.published_items == 0 && !self.has_children && !self.has_body
            || self.kind == ColumnKind::SinglePage && !self.has_body;
        // A single page (e.g. the guide) is kept current by editing, not by new items; a column
        // staff marked as not needing updates (an archive) is never stale.
        let dated = list && !empty && self.category != UpdateCategory::Static;
        ColumnVerdict {
            class,
            idle_days,
            nationally_stale: dated && class.national_days().is_some_and(|d| idle_days > d),
            requirement_missed: dated && self.update_days.is_some_and(|d| idle_days > i64::from(d)),
            long_stale: dated
                && (class != ColumnClass::Other || self.update_days.is_some())
                && idle_days > LONG_STALE_DAYS,
            empty,
        }
    }
}

impl SiteFacts {
    /// Days since the homepage last changed (since the site was created when nothing was published).
    pub fn homepage_idle_days(&self, today: NaiveDate) -> i64 {
        (today - self.last_published.unwrap_or(self.created_on))
            .num_days()
            .max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn col(name: &str, last: Option<&str>, items: i64) -> ColumnFacts {
        ColumnFacts {
            id: 1,
            name: name.into(),
            kind: ColumnKind::Articles,
            category: UpdateCategory::Auto,
            update_days: None,
            has_body: false,
            has_children: false,
            published_items: items,
            last_published: last.map(d),
            created_on: d("2024-01-01"),
        }
    }

    #[test]
    fn classes_from_names() {
        assert_eq!(ColumnClass::infer("工作动态"), ColumnClass::Dynamic);
        assert_eq!(ColumnClass::infer("通知公告"), ColumnClass::NoticePolicy);
        assert_eq!(ColumnClass::infer("政策文件"), ColumnClass::NoticePolicy);
        assert_eq!(ColumnClass::infer("机构职能"), ColumnClass::Other);
    }

    #[test]
    fn dynamic_column_falls_stale_after_two_weeks() {
        let c = col("工作动态", Some("2026-11-01"), 3);
        assert!(
            !c.verdict(d("2026-11-15")).nationally_stale,
            "14 days is on time"
        );
        let v = c.verdict(d("2026-11-16"));
        assert!(v.nationally_stale && !v.long_stale && !v.empty);
        assert_eq!(v.idle_days, 15);
    }

    #[test]
    fn notices_have_six_months_and_long_stale_is_a_year() {
        let c = col("通知公告", Some("2026-01-01"), 3);
        assert!(!c.verdict(d("2026-06-30")).nationally_stale);
        assert!(c.verdict(d("2026-07-10")).nationally_stale);
        assert!(!c.verdict(d("2026-12-31")).long_stale);
        assert!(c.verdict(d("2027-01-02")).long_stale);
        // An "other" column has no national limit and is long stale only with a requirement.
        let other = col("机构职能", Some("2020-01-01"), 1);
        let v = other.verdict(d("2026-11-24"));
        assert!(!v.nationally_stale && !v.long_stale);
        let required = ColumnFacts {
            update_days: Some(30),
            ..other
        };
        let v = required.verdict(d("2026-11-24"));
        assert!(v.requirement_missed && v.long_stale);
    }

    #[test]
    fn an_explicit_category_overrides_the_name() {
        let today = d("2026-11-24");
        // “新闻发布会” holds notices in this city: six months, not two weeks.
        let named = col("新闻发布会", Some("2026-10-01"), 3);
        assert!(named.verdict(today).nationally_stale, "guessed dynamic");
        let notice = ColumnFacts {
            category: UpdateCategory::NoticePolicy,
            ..named.clone()
        };
        let v = notice.verdict(today);
        assert_eq!(v.class, ColumnClass::NoticePolicy);
        assert!(!v.nationally_stale);
        // A column named like nothing the rules know can still be declared dynamic.
        let declared = ColumnFacts {
            category: UpdateCategory::Dynamic,
            ..col("局长信箱回音", Some("2026-10-01"), 3)
        };
        assert!(declared.verdict(today).nationally_stale);
        // An archive is never stale, however old, even with a leftover requirement, but an
        // empty archive is still an empty column.
        let archive = ColumnFacts {
            category: UpdateCategory::Static,
            update_days: Some(30),
            ..col("2019年以前文件", Some("2019-01-01"), 40)
        };
        let v = archive.verdict(today);
        assert!(!v.nationally_stale && !v.long_stale && !v.requirement_missed);
        let empty_archive = ColumnFacts {
            category: UpdateCategory::Static,
            ..col("历史归档", None, 0)
        };
        assert!(empty_archive.verdict(today).empty);
        assert_eq!(
            "static".parse::<UpdateCategory>().unwrap(),
            UpdateCategory::Static
        );
    }

    #[test]
    fn empty_columns() {
        assert!(col("工作动态", None, 0).verdict(d("2026-11-24")).empty);
        let parent = ColumnFacts {
            has_children: true,
            ..col("政务公开", None, 0)
        };
        assert!(!parent.verdict(d("2026-11-24")).empty);
        let page = ColumnFacts {
            kind: ColumnKind::SinglePage,
            ..col("公开指南", None, 0)
        };
        assert!(page.verdict(d("2026-11-24")).empty);
        let written = ColumnFacts {
            has_body: true,
            ..page
        };
        let v = written.verdict(d("2026-11-24"));
        assert!(
            !v.empty && !v.nationally_stale,
            "a page is not dated by items"
        );
        let link = ColumnFacts {
            kind: ColumnKind::Link,
            ..col("外部链接", None, 0)
        };
        assert!(!link.judged());
    }
}
