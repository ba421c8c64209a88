//! 政府信息 — the statutory metadata vocabularies of a catalogue item.

vocabulary!(
    /// 体裁分类 — genre of a catalogue item. 规章 and 行政规范性文件 feed table 二 of the annual report.
    Genre, "genre" {
        Regulation => "regulation", "规章";
        NormativeDocument => "normative_document", "行政规范性文件";
        OtherDocument => "other_document", "其他文件";
        Notice => "notice", "通知公告";
        Interpretation => "interpretation", "政策解读";
        Plan => "plan", "规划计划";
        Statistics => "statistics", "统计信息";
        Budget => "budget", "财政预决算";
        PersonnelNotice => "personnel", "人事信息";
        News => "news", "工作动态";
        AnnualReport => "annual_report", "政府信息公开年报";
        Other => "other", "其他";
    }
);

vocabulary!(
    /// 有效性 — whether an item is still in force.
    Validity, "validity" {
        Valid => "valid", "有效";
        Expired => "expired", "失效";
        Repealed => "repealed", "废止";
    }
);

vocabulary!(
    /// 公开方式 — disclosure mode.
    DisclosureMode, "disclosure_mode" {
        Proactive => "proactive", "主动公开";
        OnApplication => "on_application", "依申请公开";
        NotDisclosed => "not_disclosed", "不予公开";
    }
);

vocabulary!(
    /// 发布渠道 — channel an item went out on (counted by channel in the annual report).
    Channel, "channel" {
        Website => "website", "政府网站";
        Weibo => "weibo", "政务微博";
        Wechat => "wechat", "政务微信";
        App => "app", "移动客户端";
        Gazette => "gazette", "政府公报";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_round_trip() {
        for g in Genre::ALL {
            assert_eq!(g.as_str().parse::<Genre>().unwrap(), *g);
            assert_eq!(g.label_zh().parse::<Genre>().unwrap(), *g);
        }
        assert_eq!("废止".parse::<Validity>().unwrap(), Validity::Repealed);
    }

    #[test]
    fn unknown_value_names_the_field() {
        let err = "法律".parse::<Genre>().unwrap_err();
        assert!(err.to_string().starts_with("genre:"), "{err}");
    }
}
