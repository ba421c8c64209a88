//! Test databases: a fresh SQLite file, and a fresh PostgreSQL database per test when
//! `GONGKAI_TEST_PG_URL` points at a server (scripts/test sets it; CI fails if the server is down).

use std::sync::atomic::{AtomicU32, Ordering};

use diesel::prelude::*;

use crate::Database;

pub struct TestDb {
    pub db: Database,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg_drop.take() {
            if let Ok(mut c) = diesel::PgConnection::establish(&admin_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut c);
            }
        }
    }
}

pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Database::open_sqlite_in(dir.path()).expect("open sqlite");
    TestDb {
        db,
        _dir: Some(dir),
        pg_drop: None,
    }
}

/// `None` when no PostgreSQL is configured for tests (outside CI).
pub fn postgres() -> Option<TestDb> {
    static N: AtomicU32 = AtomicU32::new(0);
    let admin_url = std::env::var("GONGKAI_TEST_PG_URL").ok()?;
    let name = format!(
        "gongkai_t{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin =
        diesel::PgConnection::establish(&admin_url).expect("GONGKAI_TEST_PG_URL unreachable");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .expect("create test database");
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&admin_url);
    let db = Database::connect(&format!("{base}/{name}")).expect("open postgres");
    Some(TestDb {
        db,
        _dir: None,
        pg_drop: Some((admin_url, name)),
    })
}

/// Runs a test body on SQLite, then on PostgreSQL when configured.
pub fn on_both(body: impl Fn(&Database)) {
    body(&sqlite().db);
    match postgres() {
        Some(t) => body(&t.db),
        None => eprintln!("note: GONGKAI_TEST_PG_URL unset; PostgreSQL half of this test skipped"),
    }
}

/// Creates a city-level organisation with `code8` (8 characters; the check character is added).
pub fn seed_org(conn: &mut crate::AnyConnection, parent_id: Option<i64>, code8: &str) -> i64 {
    use gongkai_domain::org::{org_code_with_check, OrgKind, OrgLevel};
    crate::org::create(
        conn,
        &crate::org::NewOrganisation {
            parent_id,
            name: &format!("单位{code8}"),
            short_name: &format!("单位{code8}"),
            code: &org_code_with_check(code8),
            level: OrgLevel::City,
            kind: if parent_id.is_some() {
                OrgKind::Department
            } else {
                OrgKind::Government
            },
        },
    )
    .expect("create organisation")
    .id
}
