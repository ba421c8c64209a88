use super::*;
use gongkai_storage::item::{ItemQuery, Order};
use gongkai_storage::testing::{on_both, sqlite};

/// The shared folder beside the repository (or `GONGKAI_SHARED`), when it is there.
pub(crate) fn shared() -> Option<PathBuf> {
    let base = std::env::var_os("GONGKAI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    base.join("data/policies").is_dir().then_some(base)
}

fn small() -> DemoOptions {
    DemoOptions {
        max_items: 60,
        ..Default::default()
    }
}

#[test]
fn loads_a_small_city_once_with_every_role() {
    on_both(|db| {
        let shared = shared();
        let first = load_demo_city_with(db, shared.as_deref(), false, &small()).unwrap();
        assert!(!first.already_loaded);
        assert_eq!(first.sites, 43);
        assert_eq!(
            first.organisations as usize,
            2 + DEPARTMENTS.len()
                + COUNTIES
                    .iter()
                    .map(|c| 1 + c.departments.len() + c.townships.len())
                    .sum::<usize>()
        );
        assert_eq!(first.subjects as usize, city::SUBJECTS.len());
        assert!(first.columns > 43 * 10, "{}", first.columns);
        for role in Role::ALL {
            assert!(
                first.users.iter().any(|u| u.role == *role),
                "no demo user for {role}"
            );
        }
        assert!(first
            .users
            .iter()
            .all(|u| u.password.as_ref().is_some_and(|p| p.len() == 16)));
        assert!(first.withdrawn >= 1);
        assert_eq!(first.in_workflow as usize, sample::WORKFLOW.len());
        assert!(first.interpretations >= 2, "{}", first.interpretations);
        assert_eq!(first.skipped, 0);
        if shared.is_some() {
            assert!(
                matches!(first.source, Some(DataSource::Shared { laws, policies, .. }) if laws > 0 && policies > 0),
                "{:?}",
                first.source
            );
            assert!(first.published > 60, "{}", first.published);
        }

        // The passwords printed are the ones that work.
        let editor = first
            .users
            .iter()
            .find(|u| u.username == "jyj-editor")
            .unwrap();
        let mut c = db.conn().unwrap();
        let signed_in = user_store::authenticate(
            &mut c,
            "jyj-editor",
            editor.password.as_deref().unwrap(),
            gongkai_storage::now(),
        )
        .unwrap();
        assert!(signed_in.is_ok());

        // Loading again changes nothing and reveals no password.
        let again = load_demo_city_with(db, shared.as_deref(), false, &small()).unwrap();
        assert!(again.already_loaded);
        assert_eq!(
            (
                again.sites,
                again.organisations,
                again.columns,
                again.published,
                again.withdrawn,
                again.in_workflow,
                again.interpretations
            ),
            (
                first.sites,
                first.organisations,
                first.columns,
                first.published,
                first.withdrawn,
                first.in_workflow,
                first.interpretations
            )
        );
        assert_eq!(again.users.len(), first.users.len());
        assert!(again.users.iter().all(|u| u.password.is_none()));
        let text = again.to_string();
        assert!(
            text.contains("already loaded") && text.contains("jyj-editor"),
            "{text}"
        );
    });
}

#[test]
fn structure_follows_the_seed_city() {
    let t = sqlite();
    load_demo_city_with(
        &t.db,
        None,
        false,
        &DemoOptions {
            structure_only: true,
            ..Default::default()
        },
    )
    .unwrap();
    let mut c = t.db.conn().unwrap();
    let portal = site_store::portal(&mut c).unwrap().unwrap();
    assert_eq!(portal.slug, "www");
    let gov = org_store::get(&mut c, portal.org_id).unwrap();
    assert_eq!(
        (gov.name.as_str(), gov.code.as_str()),
        ("示范市人民政府", "000014349")
    );
    let levels: Vec<(String, i64)> = organisations::table
        .group_by(organisations::level)
        .select((organisations::level, diesel::dsl::count_star()))
        .load(&mut c)
        .unwrap();
    for level in ["city", "county", "township"] {
        assert!(
            levels.iter().any(|(l, n)| l == level && *n > 0),
            "{levels:?}"
        );
    }
    // Every organisation code carries a valid check character.
    let codes: Vec<String> = organisations::table
        .select(organisations::code)
        .load(&mut c)
        .unwrap();
    for code in codes {
        gongkai_domain::org::OrgCode::parse(&code).unwrap();
    }
    // Columns in all four modules; the guide is a single page with the real guide's parts.
    let cols = site_store::columns_of(&mut c, portal.id).unwrap();
    for m in Module::ALL {
        assert!(
            cols.iter().any(|col| col.module() == Some(*m)),
            "no column in {m}"
        );
    }
    let guide = cols.iter().find(|col| col.slug == "gkzn").unwrap();
    assert_eq!(guide.kind(), ColumnKind::SinglePage);
    let body = guide.body_html.as_deref().unwrap();
    for part in [
        "依申请公开",
        "受理时间",
        "联系电话",
        "20个工作日",
        "行政复议",
    ] {
        assert!(body.contains(part), "guide lacks {part}");
    }
    let zcwj = cols.iter().find(|col| col.slug == "zcwj").unwrap();
    assert_eq!(
        (zcwj.kind(), zcwj.update_days),
        (ColumnKind::Catalogue, Some(180))
    );
    assert!(cols.iter().any(|col| col.parent_id == Some(zcwj.id)));
    let jyj = site_store::by_slug(&mut c, "jyj").unwrap().unwrap();
    let tzgg = site_store::column_by_slug(&mut c, jyj.id, "tzgg")
        .unwrap()
        .unwrap();
    assert_eq!(tzgg.update_days, Some(14));
    // No items in a structure-only load.
    let n: i64 = items::table.count().get_result(&mut c).unwrap();
    assert_eq!(n, 0);
}

#[test]
fn builtin_sample_without_shared_data() {
    let t = sqlite();
    let s = load_demo_city_with(&t.db, None, false, &DemoOptions::default()).unwrap();
    assert_eq!(s.source, Some(DataSource::BuiltIn));
    // Sample items, annual reports of every site, minus the withdrawn one.
    assert!(
        s.published as usize >= sample::ITEMS.len() + 42 - 1,
        "{}",
        s.published
    );
    let mut c = t.db.conn().unwrap();
    let page = item::list(
        &mut c,
        &ItemQuery {
            order: Order::Published,
            ..ItemQuery::public()
        },
    )
    .unwrap();
    assert!(page.rows.iter().all(|r| r.index_number.is_some()));
    // 索引号 of the government's items are ORGCODE/YYYY-NNNNN, in date order from 00001.
    let policy = item::list(
        &mut c,
        &ItemQuery {
            title_contains: Some("优化营商环境若干措施的通知".into()),
            ..ItemQuery::public()
        },
    )
    .unwrap();
    let number = policy.rows[0].index_number.clone().unwrap();
    assert!(number.starts_with("000014349/2026-"), "{number}");
    let interpretations = item::related(&mut c, policy.rows[0].id, item::INTERPRETATION).unwrap();
    assert_eq!(interpretations.len(), 1);
    assert!(interpretations[0].title.contains("政策解读"));
}

#[test]
fn same_files_give_the_same_city() {
    let Some(shared) = shared() else {
        eprintln!("skipping: shared data not found (set GONGKAI_SHARED)");
        return;
    };
    let opts = DemoOptions {
        max_items: 40,
        ..Default::default()
    };
    type Row = (String, Option<String>, String, i64, Option<String>);
    let rows = |db: &Database| -> Vec<Row> {
        load_demo_city_with(db, Some(&shared), false, &opts).unwrap();
        let mut c = db.conn().unwrap();
        items::table
            .order(items::id)
            .select((
                items::title,
                items::index_number,
                items::genre,
                items::site_id,
                items::doc_number,
            ))
            .load(&mut c)
            .unwrap()
    };
    let (a, b) = (sqlite(), sqlite());
    let (ra, rb) = (rows(&a.db), rows(&b.db));
    assert_eq!(ra, rb);
    // Real 文号 came through, and laws and policies are both there.
    assert!(ra.iter().filter(|r| r.4.is_some()).count() > 10);
    assert!(ra
        .iter()
        .any(|r| r.2 == "regulation" || r.2 == "other_document"));
}

#[test]
fn another_portal_is_refused() {
    let t = sqlite();
    let mut c = t.db.conn().unwrap();
    let org = gongkai_storage::testing::seed_org(&mut c, None, "12345678");
    site_store::create_site(
        &mut c,
        &Actor::system("t"),
        &NewSite {
            org_id: org,
            slug: &SiteSlug::parse("portal").unwrap(),
            title: "别的门户",
            is_portal: true,
        },
    )
    .unwrap();
    drop(c);
    let err = load_demo_city_with(&t.db, None, false, &small()).unwrap_err();
    assert!(err.to_string().contains("not the demo city"), "{err}");
}

/// Full size, timed: `cargo test -p gongkai-ingest --release -- --ignored --nocapture`.
#[test]
#[ignore]
fn full_demo_load_time() {
    let Some(shared) = shared() else { return };
    on_both(|db| {
        let s = load_demo_city(db, Some(&shared), false).unwrap();
        eprintln!("{:?}: {s}", db.backend());
        assert!(s.elapsed < Duration::from_secs(60));
    });
}
