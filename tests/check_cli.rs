//! `gongkai check`: the national website checks from cron. Exit 0 when every site passes, 2 when a
//! single-veto item fails (with the evidence printed), 1 with a clear message on bad input.

use std::process::Command;

use gongkai_domain::index_number::IndexPattern;
use gongkai_domain::item::ItemInput;
use gongkai_domain::org::{org_code_with_check, OrgKind, OrgLevel};
use gongkai_domain::site::{ColumnKind, SiteSlug};
use gongkai_storage::{item, org, site, Actor, Database};

fn gongkai(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env_remove("GONGKAI_DATABASE_URL")
        .output()
        .expect("run gongkai");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A site with one dynamic column whose only item was published on 2026-11-20.
fn seed(dir: &std::path::Path) {
    let db = Database::open_sqlite_in(dir).unwrap();
    let mut c = db.conn().unwrap();
    let a = Actor::system("test");
    let org_id = org::create(
        &mut c,
        &org::NewOrganisation {
            parent_id: None,
            name: "示范市教育局",
            short_name: "市教育局",
            code: &org_code_with_check("00001434"),
            level: OrgLevel::City,
            kind: OrgKind::Government,
        },
    )
    .unwrap()
    .id;
    let s = site::create_site(
        &mut c,
        &a,
        &site::NewSite {
            org_id,
            slug: &SiteSlug::parse("jyj").unwrap(),
            title: "示范市教育局",
            is_portal: true,
        },
    )
    .unwrap();
    let col = site::create_column(
        &mut c,
        &a,
        &site::NewColumn {
            site_id: s.id,
            parent_id: None,
            slug: "gzdt",
            name: "工作动态",
            kind: ColumnKind::Articles,
            module: None,
            update_days: None,
            update_category: Default::default(),
            link_url: None,
            body_html: None,
        },
    )
    .unwrap();
    let fields = ItemInput {
        title: "教育局召开工作会议".into(),
        genre: "notice".into(),
        column_ids: vec![col.id.to_string()],
        ..Default::default()
    }
    .validate()
    .unwrap();
    item::import_published(
        &mut c,
        &a,
        item::Placement {
            site_id: s.id,
            org_id,
        },
        &fields,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
            .unwrap()
            .and_hms_opt(2, 0, 0)
            .unwrap(),
        None,
        &IndexPattern::default(),
    )
    .unwrap();
}

#[test]
fn check_exits_non_zero_when_a_single_veto_item_fails() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let data = dir.path().to_str().unwrap();

    let (code, out, err) = gongkai(&["check", "--data", data, "--at", "2026-11-25"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("PASS") && out.contains("score 100"), "{out}");

    // Three weeks on, the homepage and the dynamic column are stale: the homepage item vetoes.
    let (code, out, err) = gongkai(&[
        "check",
        "--data",
        data,
        "--site",
        "jyj",
        "--at",
        "2026-12-11",
    ]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(out.contains("FAIL"), "{out}");
    assert!(
        out.contains("首页两周未更新") && out.contains("2026-11-20"),
        "{out}"
    );
    assert!(err.contains("1 of 1 sites"), "{err}");

    let (code, out, _) = gongkai(&["check", "--data", data, "--at", "2026-12-11", "--json"]);
    assert_eq!(code, Some(2));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json[0]["slug"], "jyj");
    assert_eq!(json[0]["vetoes"][0]["passed"], false);

    let (code, _, err) = gongkai(&["check", "--data", data, "--site", "nope"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("no site with slug \"nope\""), "{err}");
    let (code, _, err) = gongkai(&["check", "--data", data, "--at", "2026-13-01"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("not a date"), "{err}");
}
