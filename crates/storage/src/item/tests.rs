use super::*;
use crate::site::{self, NewColumn, NewSite};
use crate::testing::{on_both, seed_org};
use crate::Database;
use gongkai_domain::item::ItemInput;
use gongkai_domain::site::{ColumnKind, SiteSlug};

struct World {
    at: Placement,
    column: i64,
}

fn world(db: &Database) -> World {
    let mut c = db.conn().unwrap();
    let org = seed_org(&mut c, None, "00001434");
    let slug = SiteSlug::parse("szf").unwrap();
    let site = site::create_site(
        &mut c,
        &Actor::system("t"),
        &NewSite {
            org_id: org,
            slug: &slug,
            title: "市政府",
            is_portal: true,
        },
    )
    .unwrap();
    let column = site::create_column(
        &mut c,
        &Actor::system("t"),
        &NewColumn {
            site_id: site.id,
            parent_id: None,
            slug: "zcwj",
            name: "政策文件",
            kind: ColumnKind::Catalogue,
            module: None,
            update_days: Some(180),
            update_category: Default::default(),
            link_url: None,
            body_html: None,
        },
    )
    .unwrap();
    World {
        at: Placement {
            site_id: site.id,
            org_id: org,
        },
        column: column.id,
    }
}

fn fields(title: &str, column: i64) -> ItemFields {
    ItemInput {
        title: title.into(),
        body_html: "<p>正文</p>".into(),
        made_on: "2026-03-01".into(),
        doc_number: "示范政发〔2026〕1号".into(),
        genre: "normative_document".into(),
        column_ids: vec![column.to_string()],
        ..Default::default()
    }
    .validate()
    .unwrap()
}

fn editor() -> Actor {
    Actor {
        user_id: Some(7),
        name: "editor".into(),
        ip: None,
    }
}

#[test]
fn workflow_assigns_index_number_once_and_versions_edits() {
    on_both(|db| {
        let w = world(db);
        let mut c = db.conn().unwrap();
        let p = IndexPattern::default();
        let item = create_draft(
            &mut c,
            &editor(),
            w.at,
            &fields("关于印发示范市低保办法的通知", w.column),
        )
        .unwrap();
        assert_eq!(item.status(), ItemStatus::Draft);
        assert!(item.index_number.is_none());
        assert!(
            transition(
                &mut c,
                &editor(),
                item.id,
                &WorkflowAction::Publish,
                None,
                &p
            )
            .is_err(),
            "drafts need review"
        );
        transition(
            &mut c,
            &editor(),
            item.id,
            &WorkflowAction::Submit,
            None,
            &p,
        )
        .unwrap();
        let rejected = transition(
            &mut c,
            &editor(),
            item.id,
            &WorkflowAction::Reject {
                reason: "文号有误".into(),
            },
            None,
            &p,
        )
        .unwrap();
        assert_eq!(rejected.status_reason.as_deref(), Some("文号有误"));
        transition(
            &mut c,
            &editor(),
            item.id,
            &WorkflowAction::Reopen,
            None,
            &p,
        )
        .unwrap();
        transition(
            &mut c,
            &editor(),
            item.id,
            &WorkflowAction::Submit,
            None,
            &p,
        )
        .unwrap();
        transition(
            &mut c,
            &editor(),
            item.id,
            &WorkflowAction::Approve,
            None,
            &p,
        )
        .unwrap();
        let published = transition(
            &mut c,
            &editor(),
            item.id,
            &WorkflowAction::Publish,
            None,
            &p,
        )
        .unwrap();
        let number = published.index_number.clone().unwrap();
        assert!(
            number.starts_with("000014349/") && number.ends_with("-00001"),
            "{number}"
        );
        assert!(published.published_at.is_some());

        // An edit after publication needs a note and makes version 2; version 1 stays.
        let mut f = fields("关于印发示范市低保办法的通知（修订）", w.column);
        assert!(matches!(
            update(&mut c, &editor(), item.id, &f, " "),
            Err(StorageError::Invalid(_))
        ));
        f.validity = Validity::Repealed;
        f.invalid_from = NaiveDate::from_ymd_opt(2026, 6, 1);
        let edited = update(&mut c, &editor(), item.id, &f, "废止").unwrap();
        assert_eq!(
            (edited.version, edited.index_number.as_deref()),
            (2, Some(number.as_str()))
        );
        let vs = versions(&mut c, item.id).unwrap();
        assert_eq!(vs.iter().map(|v| v.version).collect::<Vec<_>>(), [2, 1]);
        assert!(version(&mut c, item.id, 1)
            .unwrap()
            .snapshot
            .contains("低保办法的通知\""));

        // Withdraw keeps the number; publishing again does not assign a new one.
        transition(
            &mut c,
            &editor(),
            item.id,
            &WorkflowAction::Withdraw {
                reason: "政策调整".into(),
            },
            None,
            &p,
        )
        .unwrap();
        let again = transition(
            &mut c,
            &editor(),
            item.id,
            &WorkflowAction::Publish,
            None,
            &p,
        )
        .unwrap();
        assert_eq!(again.index_number.as_deref(), Some(number.as_str()));

        // The log holds every step, including the repeal with its date.
        let log = crate::audit::list(
            &mut c,
            &crate::audit::AuditQuery {
                entity: Some("item".into()),
                entity_id: Some(item.id.to_string()),
                page: 1,
                per_page: 50,
                ..Default::default()
            },
        )
        .unwrap();
        let actions: Vec<&str> = log.rows.iter().rev().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "item.create",
                "item.submit",
                "item.reject",
                "item.reopen",
                "item.submit",
                "item.approve",
                "item.publish",
                "item.validity",
                "item.update",
                "item.withdraw",
                "item.publish"
            ]
        );
        assert!(log.rows.iter().any(|e| e.summary.contains("2026-06-01")));
        // Search hears about every public change, in order.
        let ops: Vec<String> = crate::outbox::since(&mut c, 0, 100)
            .unwrap()
            .into_iter()
            .map(|e| e.op)
            .collect();
        assert_eq!(ops, ["upsert", "upsert", "delete", "upsert"]);
    });
}

#[test]
fn lists_filters_and_facets() {
    on_both(|db| {
        let w = world(db);
        let mut c = db.conn().unwrap();
        let p = IndexPattern::default();
        let t = |y: i32| {
            chrono::NaiveDate::from_ymd_opt(y, 5, 1)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap()
        };
        for (i, year) in [2024, 2025, 2025].iter().enumerate() {
            let mut f = fields(&format!("文件{i}"), w.column);
            if i == 2 {
                f.genre = Genre::Notice;
            }
            import_published(
                &mut c,
                &Actor::system("import"),
                w.at,
                &f,
                t(*year),
                None,
                &p,
            )
            .unwrap();
        }
        create_draft(&mut c, &editor(), w.at, &fields("草稿", w.column)).unwrap();
        let public = list(&mut c, &ItemQuery::public()).unwrap();
        assert_eq!(public.total, 3, "drafts are not public");
        assert_eq!(public.rows[0].title, "文件2", "newest first");
        let newest: Vec<i64> = latest(
            &mut c,
            &ItemQuery {
                per_page: 2,
                ..ItemQuery::public()
            },
        )
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
        assert_eq!(
            newest,
            public.rows.iter().take(2).map(|i| i.id).collect::<Vec<_>>(),
            "latest is list's first page"
        );
        let in_column = list(
            &mut c,
            &ItemQuery {
                column_id: Some(w.column),
                ..ItemQuery::public()
            },
        )
        .unwrap();
        assert_eq!(in_column.total, 3);
        let y = facet_counts(&mut c, &ItemQuery::public(), Facet::Year).unwrap();
        assert_eq!(y, [("2025".to_string(), 2), ("2024".to_string(), 1)]);
        let g = facet_counts(
            &mut c,
            &ItemQuery {
                year: Some(2025),
                ..ItemQuery::public()
            },
            Facet::Genre,
        )
        .unwrap();
        assert_eq!(g.len(), 2);
        let like = list(
            &mut c,
            &ItemQuery {
                title_contains: Some("100%_".into()),
                ..ItemQuery::public()
            },
        )
        .unwrap();
        assert_eq!(like.total, 0, "LIKE wildcards in user input are literal");
        // Index numbers per year restart at 1.
        let first = get_by_index_number(&mut c, "000014349/2025-00002")
            .unwrap()
            .unwrap();
        assert_eq!(first.title, "文件2");
        let by_doc = find_by_doc_number_key(
            &mut c,
            &gongkai_domain::doc_number::normalize("示范政发[2026]1号").unwrap(),
        )
        .unwrap();
        assert_eq!(by_doc.len(), 3);
    });
}

#[test]
fn scheduled_items_publish_when_due_and_bad_references_are_field_errors() {
    on_both(|db| {
        let w = world(db);
        let mut c = db.conn().unwrap();
        let p = IndexPattern::default();
        let item = create_draft(&mut c, &editor(), w.at, &fields("定时", w.column)).unwrap();
        transition(
            &mut c,
            &editor(),
            item.id,
            &WorkflowAction::Submit,
            None,
            &p,
        )
        .unwrap();
        transition(
            &mut c,
            &editor(),
            item.id,
            &WorkflowAction::Approve,
            None,
            &p,
        )
        .unwrap();
        let past = crate::now() - chrono::Duration::hours(1);
        assert!(matches!(
            transition(
                &mut c,
                &editor(),
                item.id,
                &WorkflowAction::Schedule,
                Some(past),
                &p
            ),
            Err(StorageError::Invalid(_))
        ));
        let soon = crate::now() + chrono::Duration::seconds(30);
        transition(
            &mut c,
            &editor(),
            item.id,
            &WorkflowAction::Schedule,
            Some(soon),
            &p,
        )
        .unwrap();
        assert!(publish_due(&mut c, &p, crate::now()).unwrap().is_empty());
        assert_eq!(
            publish_due(&mut c, &p, soon + chrono::Duration::seconds(1)).unwrap(),
            [item.id]
        );
        assert_eq!(
            get(&mut c, item.id).unwrap().status(),
            ItemStatus::Published
        );

        let mut bad = fields("坏引用", w.column);
        bad.column_ids.push(9999);
        bad.subject_id = Some(4242);
        match create_draft(&mut c, &editor(), w.at, &bad) {
            Err(StorageError::Invalid(e)) => assert!(
                e.get("column_ids").is_some() && e.get("subject_id").is_some(),
                "{e}"
            ),
            other => panic!("{other:?}"),
        }
    });
}

/// 200 items of one organisation published at once through the real publishing transaction:
/// 200 distinct 索引号, serials 1..=200 with no gap, on both databases.
#[test]
fn two_hundred_concurrent_publications_get_distinct_gap_free_index_numbers() {
    on_both(|db| {
        let w = world(db);
        let p = IndexPattern::default();
        let ids: Vec<i64> = {
            let mut c = db.conn().unwrap();
            (0..200)
                .map(|i| {
                    let it = create_draft(
                        &mut c,
                        &editor(),
                        w.at,
                        &fields(&format!("并发发布{i}"), w.column),
                    )
                    .unwrap();
                    transition(&mut c, &editor(), it.id, &WorkflowAction::Submit, None, &p)
                        .unwrap();
                    transition(&mut c, &editor(), it.id, &WorkflowAction::Approve, None, &p)
                        .unwrap();
                    it.id
                })
                .collect()
        };
        let handles: Vec<_> = ids
            .into_iter()
            .map(|id| {
                let db = db.clone();
                let p = p.clone();
                std::thread::spawn(move || {
                    let mut c = db.conn().unwrap();
                    transition(&mut c, &editor(), id, &WorkflowAction::Publish, None, &p)
                        .unwrap()
                        .index_number
                        .unwrap()
                })
            })
            .collect();
        let numbers: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let serials: std::collections::BTreeSet<u32> =
            numbers.iter().map(|n| p.parse(n).unwrap().2).collect();
        assert_eq!(serials.len(), 200, "duplicates on {:?}", db.backend());
        assert_eq!(serials, (1..=200).collect(), "gap on {:?}", db.backend());
    });
}
