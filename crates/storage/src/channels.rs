//! 发布渠道 — catalogue items counted by the channels they went out on (政府网站, 政务微博,
//! 政务微信, …) for the annual report.

use std::collections::HashMap;

use diesel::prelude::*;
use gongkai_domain::catalogue::{Channel, ChannelCounts};
use gongkai_domain::org::OrgLevel;
use gongkai_domain::workflow::ItemStatus;

use crate::schema::{items, organisations};
use crate::{AnyConnection, Result};

/// Items first published in `year` and still public (published or withdrawn: a withdrawn item
/// did go out that year), counted once under each channel it records, by the level of its
/// publishing organisation. Every total of [`ChannelCounts`] is the sum of these figures:
/// a level's total over its channels, a channel's total over the levels.
pub fn counts(conn: &mut AnyConnection, year: i32) -> Result<ChannelCounts> {
    let rows: Vec<(String, i64, i64)> = items::table
        .filter(items::published_year.eq(year))
        .filter(items::status.eq_any([
            ItemStatus::Published.as_str(),
            ItemStatus::Withdrawn.as_str(),
        ]))
        .group_by((items::channels, items::org_id))
        .select((items::channels, items::org_id, diesel::dsl::count_star()))
        .load(conn)?;
    let org_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let levels: HashMap<i64, OrgLevel> = organisations::table
        .filter(organisations::id.eq_any(org_ids))
        .select((organisations::id, organisations::level))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .filter_map(|(id, l)| Some((id, l.parse().ok()?)))
        .collect();
    let mut out = ChannelCounts::default();
    for (channels, org_id, n) in rows {
        let level = levels.get(&org_id).copied().unwrap_or(OrgLevel::City);
        let mut seen = vec![];
        for c in channels
            .split(',')
            .filter_map(|c| c.parse::<Channel>().ok())
        {
            if !seen.contains(&c) {
                seen.push(c);
                out.add(level, c, n);
            }
        }
    }
    Ok(out)
}

/// 社会公益事业 of `year`: published items first published in `year`, counted by their area, in
/// the order of [`WelfareArea::ALL`] (every area present, zero when empty). An item has at most
/// one area, so the total is the number of welfare items.
pub fn welfare_counts(
    conn: &mut AnyConnection,
    year: i32,
) -> Result<Vec<(gongkai_domain::catalogue::WelfareArea, i64)>> {
    let rows = crate::item::facet_counts(
        conn,
        &crate::item::ItemQuery {
            year: Some(year),
            ..crate::item::ItemQuery::public()
        },
        crate::item::Facet::WelfareArea,
    )?;
    Ok(gongkai_domain::catalogue::WelfareArea::ALL
        .iter()
        .map(|a| {
            let n = rows
                .iter()
                .find(|(k, _)| k == a.as_str())
                .map(|(_, n)| *n)
                .unwrap_or(0);
            (*a, n)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{import_published, update, Placement};
    use crate::site::{self, NewColumn, NewSite};
    use crate::testing::{on_both, seed_org};
    use crate::Actor;
    use gongkai_domain::index_number::IndexPattern;
    use gongkai_domain::item::ItemInput;
    use gongkai_domain::site::{ColumnKind, SiteSlug};

    #[test]
    fn counts_by_channel_and_level_are_sums_of_their_parts() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let a = Actor::system("t");
            let org = seed_org(&mut c, None, "00001434");
            let site = site::create_site(
                &mut c,
                &a,
                &NewSite {
                    org_id: org,
                    slug: &SiteSlug::parse("szf").unwrap(),
                    title: "市政府",
                    is_portal: true,
                },
            )
            .unwrap();
            let col = site::create_column(
                &mut c,
                &a,
                &NewColumn {
                    site_id: site.id,
                    parent_id: None,
                    slug: "tzgg",
                    name: "通知公告",
                    kind: ColumnKind::Catalogue,
                    module: None,
                    update_days: None,
                    update_category: Default::default(),
                    link_url: None,
                    body_html: None,
                },
            )
            .unwrap()
            .id;
            let at = Placement {
                site_id: site.id,
                org_id: org,
            };
            let p = IndexPattern::default();
            let publish = |c: &mut AnyConnection, title: &str, channels: &[&str], year: i32| {
                let f = ItemInput {
                    title: title.into(),
                    body_html: "<p>正文</p>".into(),
                    genre: "notice".into(),
                    channels: channels.iter().map(|s| s.to_string()).collect(),
                    column_ids: vec![col.to_string()],
                    welfare_area: "教育".into(),
                    ..Default::default()
                }
                .validate()
                .unwrap();
                let when = chrono::NaiveDate::from_ymd_opt(year, 6, 1)
                    .unwrap()
                    .and_hms_opt(9, 0, 0)
                    .unwrap();
                import_published(c, &a, at, &f, when, None, &p).unwrap()
            };
            publish(&mut c, "一", &["website", "weibo", "wechat"], 2026);
            publish(&mut c, "二", &["website", "wechat"], 2026);
            let third = publish(&mut c, "三", &["website"], 2026);
            publish(&mut c, "去年", &["website", "weibo"], 2025);
            let y = counts(&mut c, 2026).unwrap();
            assert_eq!(y.of(OrgLevel::City, Channel::Website), 3);
            assert_eq!(y.channel_total(Channel::Wechat), 2);
            assert_eq!(y.channel_total(Channel::Weibo), 1);
            assert_eq!(y.channel_total(Channel::App), 0);
            assert_eq!(y.total(), 6);
            assert_eq!(y.level_total(OrgLevel::City), y.total());
            assert_eq!(counts(&mut c, 2025).unwrap().total(), 2);

            // An edit that adds a channel moves the figures.
            let mut f = ItemInput {
                title: "三".into(),
                body_html: "<p>正文</p>".into(),
                genre: "notice".into(),
                channels: vec!["website".into(), "app".into()],
                column_ids: vec![col.to_string()],
                ..Default::default()
            }
            .validate()
            .unwrap();
            f.welfare_area = None;
            update(&mut c, &a, third.id, &f, "补充客户端发布").unwrap();
            let y = counts(&mut c, 2026).unwrap();
            assert_eq!(y.channel_total(Channel::App), 1);
            assert_eq!(y.total(), 7);
            // The edit also took the item out of its welfare area.
            let q = crate::item::ItemQuery {
                welfare_area: Some("education".into()),
                ..crate::item::ItemQuery::public()
            };
            assert_eq!(crate::item::list(&mut c, &q).unwrap().total, 3);
            let facets = crate::item::facet_counts(
                &mut c,
                &crate::item::ItemQuery::public(),
                crate::item::Facet::WelfareArea,
            )
            .unwrap();
            assert_eq!(facets, vec![("education".to_string(), 3)]);
            let w = welfare_counts(&mut c, 2026).unwrap();
            assert_eq!(w.len(), 8);
            assert_eq!(w.iter().map(|(_, n)| n).sum::<i64>(), 2);
            assert_eq!(welfare_counts(&mut c, 2025).unwrap()[3].1, 1);
        });
    }
}
