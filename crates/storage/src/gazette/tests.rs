use super::*;
use crate::item::{create_draft, import_published, Placement};
use crate::site::{self, NewColumn, NewSite};
use crate::testing::{on_both, seed_org};
use gongkai_domain::gazette::IssueInput;
use gongkai_domain::index_number::IndexPattern;
use gongkai_domain::item::ItemInput;
use gongkai_domain::site::{ColumnKind, SiteSlug};

#[test]
fn issue_contents_order_publication_rule_and_counts() {
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
                slug: "zfgb",
                name: "政府公报",
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
        let fields = |title: &str, genre: &str| {
            ItemInput {
                title: title.into(),
                body_html: "<p>正文</p>".into(),
                genre: genre.into(),
                column_ids: vec![col.to_string()],
                ..Default::default()
            }
            .validate()
            .unwrap()
        };
        let when = chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let p = IndexPattern::default();
        let rule = import_published(
            &mut c,
            &a,
            at,
            &fields("示范市河道管理办法", "regulation"),
            when,
            None,
            &p,
        )
        .unwrap();
        let notice = import_published(
            &mut c,
            &a,
            at,
            &fields("关于任免工作人员的通知", "personnel"),
            when,
            None,
            &p,
        )
        .unwrap();
        let pending = create_draft(
            &mut c,
            &a,
            at,
            &fields("尚未发布的规范性文件", "normative_document"),
        )
        .unwrap();

        let v = IssueInput {
            year: "2026".into(),
            number: "3".into(),
            issued_on: "2026-03-15".into(),
        }
        .validate()
        .unwrap();
        let issue = create(&mut c, &a, &v).unwrap();
        assert!(matches!(
            create(&mut c, &a, &v),
            Err(StorageError::Invalid(_))
        ));
        // Nothing to publish yet.
        assert!(matches!(
            publish(&mut c, &a, issue.id),
            Err(StorageError::Invalid(_))
        ));

        add_entry(&mut c, &a, issue.id, notice.id).unwrap();
        add_entry(&mut c, &a, issue.id, rule.id).unwrap();
        add_entry(&mut c, &a, issue.id, pending.id).unwrap();
        assert!(matches!(
            add_entry(&mut c, &a, issue.id, rule.id),
            Err(StorageError::Invalid(_))
        ));
        assert!(matches!(
            add_entry(&mut c, &a, issue.id, 999_999),
            Err(StorageError::Invalid(_))
        ));
        move_entry(&mut c, &a, issue.id, rule.id, true).unwrap();
        // Already first: stays.
        move_entry(&mut c, &a, issue.id, rule.id, true).unwrap();
        let order: Vec<i64> = entries(&mut c, issue.id)
            .unwrap()
            .iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(order, [rule.id, notice.id, pending.id]);

        // An unpublished item blocks publication and is named.
        let Err(StorageError::Invalid(e)) = publish(&mut c, &a, issue.id) else {
            panic!("an issue carrying a draft was published");
        };
        assert!(e.get("contents").unwrap().contains("尚未发布的规范性文件"));
        assert!(issues_of_item(&mut c, rule.id).unwrap().is_empty());

        remove_entry(&mut c, &a, issue.id, pending.id).unwrap();
        let published = publish(&mut c, &a, issue.id).unwrap();
        assert!(published.is_published());
        // Published contents are fixed.
        assert!(matches!(
            add_entry(&mut c, &a, issue.id, pending.id),
            Err(StorageError::Conflict(_))
        ));
        assert_eq!(
            issues_of_item(&mut c, rule.id).unwrap()[0].label(),
            "2026年第3期"
        );
        assert_eq!(years(&mut c).unwrap(), vec![(2026, 1)]);
        assert_eq!(list(&mut c, Some(2026), true).unwrap().len(), 1);
        assert_eq!(find(&mut c, 2026, 3).unwrap().unwrap().id, issue.id);
        assert_eq!(counts(&mut c, 2026).unwrap(), (1, 2));
        assert_eq!(counts(&mut c, 2025).unwrap(), (0, 0));
    });
}
