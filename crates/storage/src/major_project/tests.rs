use super::*;
use crate::item::{create_draft, import_published, Placement};
use crate::site::{self, NewColumn, NewSite};
use crate::testing::{on_both, seed_org};
use gongkai_domain::index_number::IndexPattern;
use gongkai_domain::item::ItemInput;
use gongkai_domain::major_project::{empty_kinds, ProjectInput};
use gongkai_domain::site::{ColumnKind, SiteSlug};

fn placement(c: &mut AnyConnection, a: &Actor) -> (Placement, i64) {
    let org = seed_org(c, None, "00001434");
    let site = site::create_site(
        c,
        a,
        &NewSite {
            org_id: org,
            slug: &SiteSlug::parse("szf").unwrap(),
            title: "市政府",
            is_portal: true,
        },
    )
    .unwrap();
    let col = site::create_column(
        c,
        a,
        &NewColumn {
            site_id: site.id,
            parent_id: None,
            slug: "zdxm",
            name: "重大项目",
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
    (
        Placement {
            site_id: site.id,
            org_id: org,
        },
        col,
    )
}

fn fields(title: &str, col: i64) -> gongkai_domain::item::ItemFields {
    ItemInput {
        title: title.into(),
        body_html: "<p>正文</p>".into(),
        genre: "notice".into(),
        column_ids: vec![col.to_string()],
        ..Default::default()
    }
    .validate()
    .unwrap()
}

#[test]
fn items_filed_by_kind_public_sees_published_only_and_counts() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let a = Actor::system("t");
        let (at, col) = placement(&mut c, &a);
        let v = ProjectInput {
            name: "示范市轨道交通1号线一期工程".into(),
            code: "2026-330100-48-01-000123".into(),
            org_id: at.org_id.to_string(),
            summary: "线路全长21.4公里。".into(),
        }
        .validate()
        .unwrap();
        let p = create(&mut c, &a, &v).unwrap();
        // The code is unique.
        let Err(StorageError::Invalid(e)) = create(&mut c, &a, &v) else {
            panic!("a second project with the same code was accepted");
        };
        assert!(e.get("code").is_some());

        let when = chrono::NaiveDate::from_ymd_opt(2026, 4, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let pattern = IndexPattern::default();
        let approval = import_published(
            &mut c,
            &a,
            at,
            &fields("项目核准批复", col),
            when,
            None,
            &pattern,
        )
        .unwrap();
        let tender = import_published(
            &mut c,
            &a,
            at,
            &fields("土建施工招标公告", col),
            when,
            None,
            &pattern,
        )
        .unwrap();
        let draft = create_draft(&mut c, &a, at, &fields("施工许可（草稿）", col)).unwrap();
        link(
            &mut c,
            &a,
            p.id,
            approval.id,
            ProjectInfoKind::ApprovalResult,
        )
        .unwrap();
        link(
            &mut c,
            &a,
            p.id,
            approval.id,
            ProjectInfoKind::LandExpropriation,
        )
        .unwrap();
        link(&mut c, &a, p.id, tender.id, ProjectInfoKind::Tendering).unwrap();
        // Filing twice is a no-op.
        link(&mut c, &a, p.id, tender.id, ProjectInfoKind::Tendering).unwrap();
        link(
            &mut c,
            &a,
            p.id,
            draft.id,
            ProjectInfoKind::ConstructionManagement,
        )
        .unwrap();
        // An unknown item is a field error.
        let Err(StorageError::Invalid(e)) =
            link(&mut c, &a, p.id, 999_999, ProjectInfoKind::Completion)
        else {
            panic!("an unknown item was filed");
        };
        assert!(e.get("item_id").is_some());

        let public = items_by_kind(&mut c, p.id, true).unwrap();
        assert_eq!(public.len(), 8);
        let filled: Vec<ProjectInfoKind> = public
            .iter()
            .filter(|(_, items)| !items.is_empty())
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(
            filled,
            [
                ProjectInfoKind::ApprovalResult,
                ProjectInfoKind::Tendering,
                ProjectInfoKind::LandExpropriation
            ]
        );
        assert_eq!(empty_kinds(&filled).len(), 5);
        // Staff see the draft too.
        let staff = items_by_kind(&mut c, p.id, false).unwrap();
        assert_eq!(staff[5].0, ProjectInfoKind::ConstructionManagement);
        assert_eq!(staff[5].1.len(), 1);
        assert_eq!(filled_kinds(&mut c, &[p.id]).unwrap()[&p.id].len(), 3);
        assert_eq!(of_item(&mut c, approval.id).unwrap().len(), 2);

        let n = counts(&mut c, 2026).unwrap();
        let total: i64 = n.iter().map(|(_, n)| n).sum();
        assert_eq!(total, 3);
        assert_eq!(n[2], (ProjectInfoKind::Tendering, 1));
        assert_eq!(
            counts(&mut c, 2025)
                .unwrap()
                .iter()
                .map(|(_, n)| n)
                .sum::<i64>(),
            0
        );

        unlink(&mut c, &a, p.id, tender.id, ProjectInfoKind::Tendering).unwrap();
        assert!(unlink(&mut c, &a, p.id, tender.id, ProjectInfoKind::Tendering).is_err());
        assert!(items_by_kind(&mut c, p.id, true).unwrap()[2].1.is_empty());

        let log = crate::audit::list(
            &mut c,
            &crate::audit::AuditQuery {
                entity: Some(ENTITY.into()),
                page: 1,
                per_page: 100,
                ..Default::default()
            },
        )
        .unwrap();
        let actions: Vec<&str> = log.rows.iter().map(|e| e.action.as_str()).collect();
        for want in [
            "major_project.create",
            "major_project.link",
            "major_project.unlink",
        ] {
            assert!(actions.contains(&want), "{actions:?}");
        }
    });
}
