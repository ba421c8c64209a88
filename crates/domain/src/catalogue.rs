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

vocabulary!(
    /// 社会公益事业 — the eight public-welfare areas a catalogue item may belong to (a catalogue
    /// dimension with its own portal page per area).
    WelfareArea, "welfare_area" {
        PovertyAlleviation => "poverty_alleviation", "脱贫攻坚";
        SocialAssistance => "social_assistance", "社会救助和社会福利";
        SocialOrganisations => "social_organisations", "社会组织";
        Education => "education", "教育";
        Healthcare => "healthcare", "基本医疗";
        Environment => "environment", "环境保护";
        DisasterRelief => "disaster_relief", "灾害事故救援";
        CultureSports => "culture_sports", "公共文化体育";
    }
);

/// Items counted by the channel they went out on. An item published on three channels counts
/// once under each; the total of a level is the sum of its channels, and the total of a channel
/// the sum of its levels, so every figure is the sum of its parts.
// Not Serialize: JSON maps need string keys; the web layer lays the figures out itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelCounts {
    per_level: std::collections::BTreeMap<(crate::org::OrgLevel, Channel), i64>,
}

impl ChannelCounts {
    pub fn add(&mut self, level: crate::org::OrgLevel, channel: Channel, n: i64) {
        *self.per_level.entry((level, channel)).or_default() += n;
    }

    /// Items of `level` that went out on `channel`.
    pub fn of(&self, level: crate::org::OrgLevel, channel: Channel) -> i64 {
        self.per_level.get(&(level, channel)).copied().unwrap_or(0)
    }

    /// One channel over every level.
    pub fn channel_total(&self, channel: Channel) -> i64 {
        crate::org::OrgLevel::ALL
            .iter()
            .map(|l| self.of(*l, channel))
            .sum()
    }

    /// One level over every channel.
    pub fn level_total(&self, level: crate::org::OrgLevel) -> i64 {
        Channel::ALL.iter().map(|c| self.of(level, *c)).sum()
    }

    /// Publications over every channel and level (an item on two channels counts twice).
    pub fn total(&self) -> i64 {
        Channel::ALL.iter().map(|c| self.channel_total(*c)).sum()
    }
}

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

    #[test]
    fn eight_welfare_areas_parse_from_label() {
        assert_eq!(WelfareArea::ALL.len(), 8);
        assert_eq!(
            "社会救助和社会福利".parse::<WelfareArea>().unwrap(),
            WelfareArea::SocialAssistance
        );
        assert!("扶贫".parse::<WelfareArea>().is_err());
    }

    #[test]
    fn channel_totals_are_sums_of_their_parts() {
        use crate::org::OrgLevel;
        let mut c = ChannelCounts::default();
        c.add(OrgLevel::City, Channel::Website, 5);
        c.add(OrgLevel::City, Channel::Wechat, 2);
        c.add(OrgLevel::County, Channel::Website, 3);
        c.add(OrgLevel::County, Channel::Website, 1);
        assert_eq!(c.of(OrgLevel::County, Channel::Website), 4);
        assert_eq!(c.channel_total(Channel::Website), 9);
        assert_eq!(c.level_total(OrgLevel::City), 7);
        assert_eq!(c.total(), 11);
        let by_level: i64 = OrgLevel::ALL.iter().map(|l| c.level_total(*l)).sum();
        assert_eq!(by_level, c.total());
    }
}
