//! 两微一端 — the registry of government new-media accounts (Weibo, WeChat, apps, Douyin …): one
//! account per unit and platform, and accounts not updated for a configurable number of days
//! flagged as stale (“僵尸号”).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::item::{parse_date, FieldErrors};

vocabulary!(
    /// 平台
    Platform, "platform" {
        Weibo => "weibo", "政务微博";
        Wechat => "wechat", "政务微信";
        App => "app", "移动客户端";
        Douyin => "douyin", "抖音";
        Other => "other", "其他平台";
    }
);

/// Days without an update after which an account is flagged, unless configured otherwise.
pub const DEFAULT_STALE_DAYS: i64 = 14;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountInput {
    pub org_id: String,
    pub platform: String,
    pub name: String,
    pub url: String,
    /// 最近更新日期
    pub last_updated_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAccount {
    pub org_id: i64,
    pub platform: Platform,
    pub name: String,
    pub url: String,
    pub last_updated_on: NaiveDate,
}

impl AccountInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ValidAccount, FieldErrors> {
        let mut e = FieldErrors::default();
        let org_id = self.org_id.trim().parse::<i64>().ok().filter(|n| *n > 0);
        if org_id.is_none() {
            e.add("org_id", "请选择开设单位");
        }
        let platform = self.platform.parse::<Platform>().ok();
        if platform.is_none() {
            e.add("platform", "请选择平台");
        }
        let name = self.name.trim().to_string();
        if name.is_empty() {
            e.add("name", "账号名称必填");
        }
        let url = self.url.trim().to_string();
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
            e.add("url", "主页地址须以 http:// 或 https:// 开头");
        }
        let last = parse_date(&self.last_updated_on);
        match last {
            None => e.add("last_updated_on", "请按 YYYY-MM-DD 填写最近更新日期"),
            Some(d) if d > today => e.add("last_updated_on", "最近更新日期不能晚于今天"),
            _ => {}
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidAccount {
            org_id: org_id.expect("checked"),
            platform: platform.expect("checked"),
            name,
            url,
            last_updated_on: last.expect("checked"),
        })
    }
}

/// Whether an account last updated on `last` is stale on `today` (more than `days` days).
pub fn is_stale(last: NaiveDate, today: NaiveDate, days: i64) -> bool {
    (today - last).num_days() > days
}

/// The configured period as typed: a whole number of days from 1 to 365.
pub fn parse_stale_days(raw: &str) -> Result<i64, String> {
    match raw.trim().parse::<i64>() {
        Ok(n) if (1..=365).contains(&n) => Ok(n),
        _ => Err("请填写 1 到 365 之间的天数".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn stale_after_the_period() {
        assert!(!is_stale(d("2026-11-10"), d("2026-11-24"), 14));
        assert!(is_stale(d("2026-11-09"), d("2026-11-24"), 14));
        assert_eq!(parse_stale_days("30"), Ok(30));
        assert!(parse_stale_days("0").is_err() && parse_stale_days("两周").is_err());
    }

    #[test]
    fn account_fields_checked_together() {
        let ok = AccountInput {
            org_id: "3".into(),
            platform: "政务微信".into(),
            name: "示范教育".into(),
            url: String::new(),
            last_updated_on: "2026-11-20".into(),
        }
        .validate(d("2026-11-24"))
        .unwrap();
        assert_eq!(ok.platform, Platform::Wechat);
        let e = AccountInput {
            org_id: String::new(),
            platform: "QQ".into(),
            name: " ".into(),
            url: "weibo.com/x".into(),
            last_updated_on: "2026-12-01".into(),
        }
        .validate(d("2026-11-24"))
        .unwrap_err();
        for f in ["org_id", "platform", "name", "url", "last_updated_on"] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }
}
