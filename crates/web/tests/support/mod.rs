//! A real server on a loopback port over a fresh database (SQLite, then PostgreSQL when
//! `GONGKAI_TEST_PG_URL` is set), with a small city: a portal and two departments, a user for
//! every role in department A, and an editor in department B.

#![allow(dead_code)]

use std::sync::Arc;

use gongkai_domain::org::{org_code_with_check, OrgKind, OrgLevel};
use gongkai_domain::role::Role;
use gongkai_domain::site::{ColumnKind, Module, SiteSlug};
use gongkai_storage::testing::TestDb;
use gongkai_storage::{org, site, user, Actor, Database};
use gongkai_web::{AppState, Config};

pub const PASSWORD: &str = "test password 123";

pub struct World {
    pub base: String,
    pub db: Database,
    pub city: i64,
    pub dept_a: i64,
    pub dept_b: i64,
    pub site_a: i64,
    pub column_a: i64,
    pub column_b: i64,
    _test_db: TestDb,
    _search_dir: tempfile::TempDir,
}

pub fn databases() -> Vec<TestDb> {
    let mut v = vec![gongkai_storage::testing::sqlite()];
    match gongkai_storage::testing::postgres() {
        Some(pg) => v.push(pg),
        None => eprintln!("note: GONGKAI_TEST_PG_URL unset; PostgreSQL run skipped"),
    }
    v
}

fn new_org(db: &Database, parent: Option<i64>, name: &str, code8: &str) -> i64 {
    let mut c = db.conn().unwrap();
    org::create(
        &mut c,
        &org::NewOrganisation {
            parent_id: parent,
            name,
            short_name: name,
            code: &org_code_with_check(code8),
            level: OrgLevel::City,
            kind: if parent.is_some() {
                OrgKind::Department
            } else {
                OrgKind::Government
            },
        },
    )
    .unwrap()
    .id
}

fn new_site(db: &Database, org_id: i64, slug: &str, title: &str, portal: bool) -> (i64, i64) {
    let mut c = db.conn().unwrap();
    let a = Actor::system("test");
    let s = site::create_site(
        &mut c,
        &a,
        &site::NewSite {
            org_id,
            slug: &SiteSlug::parse(slug).unwrap(),
            title,
            is_portal: portal,
        },
    )
    .unwrap();
    let col = site::create_column(
        &mut c,
        &a,
        &site::NewColumn {
            site_id: s.id,
            parent_id: None,
            slug: "zcwj",
            name: "政策文件",
            kind: ColumnKind::Catalogue,
            module: Some(Module::GovernmentAffairs),
            update_days: Some(180),
            update_category: Default::default(),
            link_url: None,
            body_html: None,
        },
    )
    .unwrap();
    (s.id, col.id)
}

pub fn add_user(db: &Database, username: &str, role: Role, org_id: i64) {
    let mut c = db.conn().unwrap();
    user::create(
        &mut c,
        &Actor::system("test"),
        &user::NewUser {
            username,
            display_name: username,
            password: PASSWORD,
            org_id,
            roles: &[(role, org_id)],
        },
    )
    .unwrap();
}

pub async fn start(test_db: TestDb) -> World {
    let db = test_db.db.clone();
    let city = new_org(&db, None, "示范市人民政府", "00001434");
    let dept_a = new_org(&db, Some(city), "示范市教育局", "00001435");
    let dept_b = new_org(&db, Some(city), "示范市民政局", "00001436");
    new_site(&db, city, "www", "示范市人民政府门户网站", true);
    let (site_a, column_a) = new_site(&db, dept_a, "jyj", "示范市教育局", false);
    let (_, column_b) = new_site(&db, dept_b, "mzj", "示范市民政局", false);
    add_user(&db, "admin", Role::PlatformAdmin, city);
    add_user(&db, "orgadmin_a", Role::OrgAdmin, dept_a);
    add_user(&db, "editor_a", Role::Editor, dept_a);
    add_user(&db, "reviewer_a", Role::Reviewer, dept_a);
    add_user(&db, "handler_a", Role::RequestHandler, dept_a);
    add_user(&db, "editor_b", Role::Editor, dept_b);
    let search_dir = tempfile::tempdir().unwrap();
    let engine = gongkai_search::SearchEngine::open_or_create(search_dir.path()).unwrap();
    let state = AppState::new(db.clone(), Some(Arc::new(engine)), Config::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(gongkai_web::serve_on(state, listener));
    World {
        base,
        db,
        city,
        dept_a,
        dept_b,
        site_a,
        column_a,
        column_b,
        _test_db: test_db,
        _search_dir: search_dir,
    }
}

/// A browser-like client with its own cookies that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of `<input type="hidden" name="csrf" value="…">` in a page.
pub fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\"").expect("page has a csrf field");
    let rest = &html[at..];
    let v = rest.find("value=\"").expect("csrf value") + 7;
    rest[v..].split('"').next().unwrap().to_string()
}

impl World {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Signs in and returns the client and its session's CSRF token.
    pub async fn sign_in(&self, username: &str) -> (reqwest::Client, String) {
        let c = client();
        let page = c
            .get(self.url("/admin/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = csrf_of(&page);
        let r = c
            .post(self.url("/admin/login"))
            .form(&[
                ("username", username),
                ("password", PASSWORD),
                ("csrf", &token),
                ("back", "/admin"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "sign-in of {username} failed");
        let dash = c
            .get(self.url("/admin"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_of(&dash);
        (c, csrf)
    }

    /// Creates a draft through the editor form; returns its id.
    pub async fn draft(
        &self,
        c: &reqwest::Client,
        csrf: &str,
        org: i64,
        site: i64,
        column: i64,
        title: &str,
    ) -> i64 {
        let r = c
            .post(self.url("/admin/items"))
            .form(&[
                ("csrf", csrf),
                ("title", title),
                (
                    "body_html",
                    "<p>为进一步规范办理工作，现将有关事项通知如下。</p><script>alert(1)</script>",
                ),
                ("made_on", "2026-11-02"),
                ("doc_number", "示教发[2026] 7号"),
                ("org_id", &org.to_string()),
                ("site_id", &site.to_string()),
                ("genre", "normative_document"),
                ("validity", "valid"),
                ("disclosure_mode", "proactive"),
                ("channels", "website"),
                ("channels", "wechat"),
                ("column_ids", &column.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            303,
            "draft creation failed: {}",
            r.text().await.unwrap()
        );
        let loc = r.headers()["location"].to_str().unwrap().to_string();
        loc.rsplit('/').next().unwrap().parse().unwrap()
    }

    pub async fn act(
        &self,
        c: &reqwest::Client,
        csrf: &str,
        id: i64,
        action: &str,
        reason: &str,
    ) -> reqwest::StatusCode {
        c.post(self.url(&format!("/admin/items/{id}/workflow")))
            .form(&[("csrf", csrf), ("action", action), ("reason", reason)])
            .send()
            .await
            .unwrap()
            .status()
    }
}
