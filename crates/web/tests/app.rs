//! Whole-application tests: a real server on a loopback port, driven over HTTP, on SQLite and on
//! PostgreSQL.

mod support;

use std::time::{Duration, Instant};

use support::{client, csrf_of, databases, start, World};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

/// Every scenario runs against each configured database.
fn on_each_database<F, Fut>(scenario: F)
where
    F: Fn(World) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in databases() {
        let rt = rt();
        rt.block_on(async {
            let w = start(db).await;
            scenario(w).await;
        });
    }
}

#[test]
fn editor_drafts_reviewer_publishes_public_sees_it_and_search_finds_it() {
    on_each_database(|w| async move {
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        let id = w
            .draft(
                &editor,
                &ecsrf,
                w.dept_a,
                w.site_a,
                w.column_a,
                "关于做好2026年秋季学期义务教育招生工作的通知",
            )
            .await;
        // Not public yet.
        assert_eq!(
            client()
                .get(w.url(&format!("/items/{id}")))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(w.act(&editor, &ecsrf, id, "submit", "").await, 303);
        // An editor may not approve.
        assert_eq!(w.act(&editor, &ecsrf, id, "approve", "").await, 403);
        let (reviewer, rcsrf) = w.sign_in("reviewer_a").await;
        let dash = reviewer
            .get(w.url("/admin"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            dash.contains("义务教育招生"),
            "the reviewer's dashboard lists the item waiting for review"
        );
        assert_eq!(w.act(&reviewer, &rcsrf, id, "approve", "").await, 303);
        assert_eq!(w.act(&reviewer, &rcsrf, id, "publish", "").await, 303);

        let page = client()
            .get(w.url(&format!("/items/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        let year = chrono::Utc::now().format("%Y").to_string();
        assert!(
            html.contains(&format!("000014357/{year}-00001")),
            "the fresh 索引号 is in the header"
        );
        assert!(
            html.contains("示教发[2026] 7号")
                && html.contains("行政规范性文件")
                && html.contains("示范市教育局")
        );
        assert!(
            !html.contains("<script>alert(1)</script>"),
            "rich text is sanitised"
        );

        // The column, the sub-site and the catalogue list it.
        let col = client()
            .get(w.url("/s/jyj/c/zcwj/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(col.contains("义务教育招生"));
        let cat = client()
            .get(w.url(&format!("/catalogue?org={}", w.dept_a)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(cat.contains("义务教育招生"));

        // Search hears about it through the outbox within a second.
        let started = Instant::now();
        loop {
            let r: serde_json::Value = client()
                .get(w.url("/api/v1/search?q=%E6%8B%9B%E7%94%9F"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if r["total"].as_u64() == Some(1) {
                assert_eq!(r["hits"][0]["url"], format!("/items/{id}"));
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "not searchable after 3 s: {r}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let html = client()
            .get(w.url("/search?q=%E6%8B%9B%E7%94%9F"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("<mark>"), "highlighted results");

        // Edit after publication: a change note is required, the 索引号 stays, version 2 appears.
        let edit = editor
            .get(w.url(&format!("/admin/items/{id}/edit")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(edit.contains("修改说明"));
        let form = |note: &'static str| {
            vec![
                ("csrf", ecsrf.clone()),
                (
                    "title",
                    "关于做好2026年秋季学期义务教育招生工作的通知（更正）".to_string(),
                ),
                ("genre", "normative_document".into()),
                ("doc_number", "示教发〔2026〕7号".into()),
                ("validity", "valid".into()),
                ("change_note", note.into()),
            ]
        };
        let r = editor
            .post(w.url(&format!("/admin/items/{id}")))
            .form(&form(""))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(
            r.text().await.unwrap().contains("更正"),
            "the rejected form keeps what was typed"
        );
        let r = editor
            .post(w.url(&format!("/admin/items/{id}")))
            .form(&form("更正标题"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let html = client()
            .get(w.url(&format!("/items/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("（更正）") && html.contains(&format!("000014357/{year}-00001")));
        let v1 = editor
            .get(w.url(&format!("/admin/items/{id}/versions/1")))
            .send()
            .await
            .unwrap();
        assert_eq!(v1.status(), 200);

        // Withdraw shows the notice; remove answers 410.
        assert_eq!(
            w.act(&reviewer, &rcsrf, id, "withdraw", "").await,
            422,
            "a withdrawal needs a reason"
        );
        assert_eq!(
            w.act(&reviewer, &rcsrf, id, "withdraw", "政策调整").await,
            303
        );
        let html = client()
            .get(w.url(&format!("/items/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("撤回") && html.contains("政策调整"));
        assert_eq!(
            w.act(&reviewer, &rcsrf, id, "remove", "重复发布").await,
            303
        );
        assert_eq!(
            client()
                .get(w.url(&format!("/items/{id}")))
                .send()
                .await
                .unwrap()
                .status(),
            410
        );

        // Every step is in the audit log.
        let (admin, _) = w.sign_in("admin").await;
        let log = admin
            .get(w.url(&format!("/admin/audit?entity=item:{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for action in [
            "item.create",
            "item.submit",
            "item.approve",
            "item.publish",
            "item.update",
            "item.withdraw",
            "item.remove",
        ] {
            assert!(log.contains(action), "audit log lacks {action}");
        }
    });
}

/// Every admin route, with every role, on an item of the role's own organisation and of another:
/// the status each must get.
#[test]
fn authorisation_matrix() {
    on_each_database(|w| async move {
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        let own = w
            .draft(
                &editor,
                &ecsrf,
                w.dept_a,
                w.site_a,
                w.column_a,
                "本单位草稿",
            )
            .await;
        let (editor_b, bcsrf) = w.sign_in("editor_b").await;
        let site_b = {
            let mut c = w.db.conn().unwrap();
            gongkai_storage::site::by_slug(&mut c, "mzj")
                .unwrap()
                .unwrap()
                .id
        };
        let other = w
            .draft(
                &editor_b,
                &bcsrf,
                w.dept_b,
                site_b,
                w.column_b,
                "其他单位草稿",
            )
            .await;

        // (route, method) → expected status per role, for "own" (dept A) and "other" (dept B) targets.
        // Roles: admin (platform), orgadmin_a, editor_a, reviewer_a, handler_a.
        type Row = (&'static str, &'static str, [u16; 5], [u16; 5]);
        let rows: Vec<Row> = vec![
            ("GET", "/admin", [200; 5], [200; 5]),
            (
                "GET",
                "/admin/items",
                [200, 200, 200, 200, 403],
                [200, 200, 200, 200, 403],
            ),
            (
                "GET",
                "/admin/items/new",
                [200, 200, 200, 200, 403],
                [200, 200, 200, 200, 403],
            ),
            (
                "GET",
                "/admin/items/{id}",
                [200, 200, 200, 200, 403],
                [200, 403, 403, 403, 403],
            ),
            (
                "GET",
                "/admin/items/{id}/edit",
                [200, 200, 200, 200, 403],
                [200, 403, 403, 403, 403],
            ),
            (
                "GET",
                "/admin/items/{id}/preview",
                [200, 200, 200, 200, 403],
                [200, 403, 403, 403, 403],
            ),
            (
                "POST",
                "/admin/items/{id}/workflow?approve",
                [422, 422, 403, 422, 403],
                [422, 403, 403, 403, 403],
            ),
            (
                "GET",
                "/admin/audit",
                [200, 200, 403, 403, 403],
                [200, 200, 403, 403, 403],
            ),
            (
                "GET",
                "/admin/users",
                [200, 200, 403, 403, 403],
                [200, 200, 403, 403, 403],
            ),
            (
                "GET",
                "/admin/users/new",
                [200, 200, 403, 403, 403],
                [200, 200, 403, 403, 403],
            ),
            (
                "GET",
                "/admin/sites",
                [200, 200, 403, 403, 403],
                [200, 200, 403, 403, 403],
            ),
            (
                "GET",
                "/admin/sites/{site}/columns",
                [200, 200, 403, 403, 403],
                [200, 403, 403, 403, 403],
            ),
            (
                "GET",
                "/admin/orgs",
                [200, 403, 403, 403, 403],
                [200, 403, 403, 403, 403],
            ),
            (
                "GET",
                "/admin/subjects",
                [200, 403, 403, 403, 403],
                [200, 403, 403, 403, 403],
            ),
            (
                "GET",
                "/admin/users/{user}",
                [200, 200, 403, 403, 403],
                [200, 403, 403, 403, 403],
            ),
            (
                "GET",
                "/admin/columns/{col}",
                [200, 200, 403, 403, 403],
                [200, 403, 403, 403, 403],
            ),
            (
                "GET",
                "/admin/search",
                [200, 200, 403, 403, 403],
                [200, 200, 403, 403, 403],
            ),
        ];
        let users = ["admin", "orgadmin_a", "editor_a", "reviewer_a", "handler_a"];
        let mut sessions = vec![];
        for u in users {
            sessions.push(w.sign_in(u).await);
        }
        let mut failures = vec![];
        for (method, route, own_expect, other_expect) in &rows {
            for (target, expect) in [("own", own_expect), ("other", other_expect)] {
                let (id, site) = if target == "own" {
                    (own, w.site_a)
                } else {
                    (other, site_b)
                };
                let (path, action) = match route.split_once('?') {
                    Some((p, a)) => (p.to_string(), Some(a)),
                    None => (route.to_string(), None),
                };
                // editor_a (id 3) belongs to dept A; editor_b (id 6) to dept B.
                let user = if target == "own" { 3 } else { 6 };
                let col = if target == "own" {
                    w.column_a
                } else {
                    w.column_b
                };
                let path = path
                    .replace("{id}", &id.to_string())
                    .replace("{site}", &site.to_string())
                    .replace("{user}", &user.to_string())
                    .replace("{col}", &col.to_string());
                for (i, (c, csrf)) in sessions.iter().enumerate() {
                    let r = if *method == "GET" {
                        c.get(w.url(&path)).send().await.unwrap()
                    } else {
                        // A draft cannot be approved (422) — but only once the role is allowed to try.
                        c.post(w.url(&path))
                            .form(&[
                                ("csrf", csrf.as_str()),
                                ("action", action.unwrap()),
                                ("reason", ""),
                            ])
                            .send()
                            .await
                            .unwrap()
                    };
                    if r.status().as_u16() != expect[i] {
                        failures.push(format!(
                            "{method} {path} as {} ({target}): got {}, want {}",
                            users[i],
                            r.status().as_u16(),
                            expect[i]
                        ));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "authorisation matrix:\n{}",
            failures.join("\n")
        );

        // Not signed in: sent to the sign-in page.
        let r = client().get(w.url("/admin/items")).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert!(r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/admin/login"));
        // An editor of another department cannot change our draft, even with a valid token.
        let r = editor_b
            .post(w.url(&format!("/admin/items/{own}")))
            .form(&[
                ("csrf", bcsrf.as_str()),
                ("title", "篡改"),
                ("genre", "notice"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    });
}

#[test]
fn csrf_lockout_and_bad_input() {
    on_each_database(|w| async move {
        let (editor, csrf) = w.sign_in("editor_a").await;
        // No token, wrong token: refused.
        let r = editor
            .post(w.url("/admin/items"))
            .form(&[("title", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = editor
            .post(w.url("/admin/items"))
            .form(&[("title", "x"), ("csrf", "forged")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // Field errors keep what was typed.
        let r = editor
            .post(w.url("/admin/items"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("title", "保留我输入的标题"),
                ("made_on", "2026-02-30"),
                ("doc_number", "???"),
                ("genre", ""),
                ("org_id", &w.dept_a.to_string()),
                ("site_id", &w.site_a.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("保留我输入的标题")
                && html.contains("2026-02-30")
                && html.contains("aria-invalid")
        );

        // Uploads: wrong type 415, too large 413, a PDF is stored and served with its type.
        let id = w
            .draft(
                &editor,
                &csrf,
                w.dept_a,
                w.site_a,
                w.column_a,
                "带附件的通知",
            )
            .await;
        let upload = |name: &'static str, bytes: Vec<u8>| {
            let form = reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes).file_name(name),
                );
            editor
                .post(w.url(&format!("/admin/items/{id}/attachments")))
                .multipart(form)
                .send()
        };
        assert_eq!(
            upload("virus.exe", b"MZ".to_vec()).await.unwrap().status(),
            415
        );
        assert_eq!(
            upload("big.pdf", vec![b'%'; 21 * 1024 * 1024])
                .await
                .unwrap()
                .status(),
            413
        );
        assert_eq!(
            upload("附件1.pdf", b"%PDF-1.4 test".to_vec())
                .await
                .unwrap()
                .status(),
            303
        );
        let edit = editor
            .get(w.url(&format!("/admin/items/{id}/edit")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(edit.contains("附件1.pdf"));

        // Public bad input: styled Chinese errors, never a 500.
        let r = client().get(w.url("/no/such/page")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        assert!(r.text().await.unwrap().contains("页面不存在"));
        assert_eq!(
            client()
                .get(w.url("/s/jyj/c/zcwj/?page=abc"))
                .send()
                .await
                .unwrap()
                .status(),
            400
        );
        assert_eq!(
            client()
                .get(w.url("/s/jyj/c/zcwj/?page=999"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(
            client()
                .get(w.url("/catalogue?colour=red"))
                .send()
                .await
                .unwrap()
                .status(),
            400
        );
        assert_eq!(
            client()
                .get(w.url("/catalogue?genre=novel"))
                .send()
                .await
                .unwrap()
                .status(),
            400
        );
        assert_eq!(
            client()
                .get(w.url("/items/abc"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let long_q = "政".repeat(300);
        let r = client()
            .get(w.url(&format!("/search?q={long_q}")))
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_success() || r.status() == 422,
            "{}",
            r.status()
        );
        assert_eq!(
            client()
                .get(w.url("/search?q=a&bogus=1"))
                .send()
                .await
                .unwrap()
                .status(),
            422
        );

        // Lockout after repeated failures, even with the right password afterwards.
        let c = client();
        let page = c
            .get(w.url("/admin/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = csrf_of(&page);
        for _ in 0..5 {
            let r = c
                .post(w.url("/admin/login"))
                .form(&[
                    ("username", "reviewer_a"),
                    ("password", "wrong"),
                    ("csrf", &token),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401);
        }
        let r = c
            .post(w.url("/admin/login"))
            .form(&[
                ("username", "reviewer_a"),
                ("password", support::PASSWORD),
                ("csrf", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        assert!(r.text().await.unwrap().contains("锁定"));
    });
}

#[test]
fn public_pages_api_and_forms() {
    on_each_database(|w| async move {
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        let (reviewer, rcsrf) = w.sign_in("reviewer_a").await;
        let id = w
            .draft(
                &editor,
                &ecsrf,
                w.dept_a,
                w.site_a,
                w.column_a,
                "示范市教育局2025年政府信息公开工作年度报告",
            )
            .await;
        for a in ["submit"] {
            assert_eq!(w.act(&editor, &ecsrf, id, a, "").await, 303);
        }
        for a in ["approve", "publish"] {
            assert_eq!(w.act(&reviewer, &rcsrf, id, a, "").await, 303);
        }
        for path in [
            "/",
            "/sites",
            "/s/jyj/",
            "/s/jyj/c/zcwj/",
            "/catalogue",
            "/annual-reports",
            "/guide",
            "/report-error",
            "/healthz",
            "/static/site.css",
            "/sitemap.xml",
        ] {
            let r = client().get(w.url(path)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
        }
        let sitemap = client()
            .get(w.url("/sitemap.xml"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            sitemap.contains(&format!("/items/{id}</loc>"))
                && sitemap.contains("/s/jyj/c/zcwj/</loc>"),
            "{sitemap}"
        );
        let home = client()
            .get(w.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            home.contains("示范市教育局")
                && home.contains("政府信息公开指南")
                && home.contains("lang=\"zh-CN\"")
        );
        // Large-text mode persists in a cookie across pages.
        let c = client();
        let r = c
            .get(w.url("/large-text?back=/s/jyj/"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let html = c
            .get(w.url("/s/jyj/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("large-text"));
        // Off-site back links are refused.
        let r = c
            .get(w.url("/large-text?back=//evil.example/"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/");

        // JSON API.
        let list: serde_json::Value = client()
            .get(w.url("/api/v1/items?site=jyj"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["total"], 1);
        let number = list["items"][0]["index_number"]
            .as_str()
            .unwrap()
            .to_string();
        let one: serde_json::Value = client()
            .get(w.url(&format!("/api/v1/items/by-index-number/{number}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(one["id"], id);
        assert_eq!(
            client()
                .get(w.url("/api/v1/items?colour=red"))
                .send()
                .await
                .unwrap()
                .status(),
            422
        );
        assert_eq!(
            client()
                .get(w.url("/api/v1/items/999999"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let spec: serde_json::Value = client()
            .get(w.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(spec["openapi"], "3.0.3");
        assert!(spec["paths"]["/api/v1/items"]["post"].is_object());
        // Writes need a token with rights over the organisation.
        let body = serde_json::json!({"site": "jyj", "org_code": "000014357", "title": "接口创建的草稿", "genre": "notice"});
        assert_eq!(
            client()
                .post(w.url("/api/v1/items"))
                .json(&body)
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
        let token = {
            let mut c = w.db.conn().unwrap();
            let u = gongkai_storage::user::find_by_username(&mut c, "editor_a")
                .unwrap()
                .unwrap();
            gongkai_storage::user::create_api_token(
                &mut c,
                &gongkai_storage::Actor::system("test"),
                u.id,
                "test",
            )
            .unwrap()
        };
        let r = client()
            .post(w.url("/api/v1/items"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let bad = serde_json::json!({"site": "jyj", "org_code": "000014357", "title": "", "genre": "notice", "made_on": "昨天"});
        let r = client()
            .post(w.url("/api/v1/items"))
            .bearer_auth(&token)
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let e: serde_json::Value = r.json().await.unwrap();
        assert!(
            e["error"]["fields"]["title"].is_string()
                && e["error"]["fields"]["made_on"].is_string(),
            "{e}"
        );
        let other_org = serde_json::json!({"site": "mzj", "org_code": "000014365", "title": "越权", "genre": "notice"});
        let r = client()
            .post(w.url("/api/v1/items"))
            .bearer_auth(&token)
            .json(&other_org)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // 我为政府网站找错: CSRF-protected, keeps input on error, stored before thanking.
        let c = client();
        let form = c
            .get(w.url("/report-error"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = csrf_of(&form);
        let r = c
            .post(w.url("/report-error"))
            .form(&[
                ("csrf", token.as_str()),
                ("category", "broken_link"),
                ("description", "短"),
                ("page_url", "/x"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("/x"));
        let r = c
            .post(w.url("/report-error"))
            .form(&[
                ("csrf", token.as_str()),
                ("category", "broken_link"),
                ("description", "政策文件栏目的附件无法下载"),
                ("page_url", "/s/jyj/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        let code = html
            .split("ZC")
            .nth(1)
            .map(|s| format!("ZC{}", &s[..14]))
            .expect("tracking code shown");
        let mut conn = w.db.conn().unwrap();
        let stored = gongkai_storage::feedback::for_sites(&mut conn, &[1, 2, 3], 10).unwrap();
        assert_eq!(stored[0].tracking_code, code);
        let r = client()
            .post(w.url("/report-error"))
            .form(&[("category", "other"), ("description", "没有令牌的提交")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    });
}

#[test]
fn editors_tune_search_without_a_restart_and_see_what_citizens_search() {
    on_each_database(|w| async move {
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        let (reviewer, rcsrf) = w.sign_in("reviewer_a").await;
        let mut ids = vec![];
        for title in [
            "关于调整城乡居民最低生活保障标准的通知",
            "关于做好春季学期开学工作的通知",
        ] {
            let id = w
                .draft(&editor, &ecsrf, w.dept_a, w.site_a, w.column_a, title)
                .await;
            assert_eq!(w.act(&editor, &ecsrf, id, "submit", "").await, 303);
            assert_eq!(w.act(&reviewer, &rcsrf, id, "approve", "").await, 303);
            assert_eq!(w.act(&reviewer, &rcsrf, id, "publish", "").await, 303);
            ids.push(id);
        }
        // Editors without site rights may not tune search.
        assert_eq!(
            editor
                .get(w.url("/admin/search"))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
        let (admin, acsrf) = w.sign_in("admin").await;
        let search = |q: &'static str| {
            let url = w.url(&format!("/api/v1/search?q={}", urlencoding::encode(q)));
            async move {
                client()
                    .get(url)
                    .send()
                    .await
                    .unwrap()
                    .json::<serde_json::Value>()
                    .await
                    .unwrap()
            }
        };
        // A made-up abbreviation finds nothing until an editor declares it a synonym.
        let wait_for = |q: &'static str, want: u64| async move {
            let started = Instant::now();
            loop {
                let r = search(q).await;
                if r["total"].as_u64() == Some(want) {
                    return r;
                }
                assert!(started.elapsed() < Duration::from_secs(3), "{q}: {r}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        wait_for("开学", 1).await;
        assert_eq!(search("城乡保障金").await["total"], 0);
        let r = admin
            .post(w.url("/admin/search/synonyms"))
            .form(&[
                ("csrf", acsrf.as_str()),
                ("terms", "城乡保障金、最低生活保障"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        wait_for("城乡保障金", 1).await;
        let r = admin
            .post(w.url("/admin/search/synonyms"))
            .form(&[("csrf", acsrf.as_str()), ("terms", "孤词")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "a group needs two terms");
        // A best bet pins the school notice on top of a query that does not mention it.
        let r = admin
            .post(w.url("/admin/search/best-bets"))
            .form(&[
                ("csrf", acsrf.as_str()),
                ("query", "城乡保障金"),
                ("doc_ids", &ids[1].to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = wait_for("城乡保障金", 2).await;
        assert_eq!(r["hits"][0]["url"], format!("/items/{}", ids[1]));
        // The page logs queries (text and count only) and counts clicks through /search/go.
        let page = client()
            .get(w.url("/search?q=%E5%BC%80%E5%AD%A6"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let go = page
            .split("href=\"/search/go?")
            .nth(1)
            .expect("result links count clicks")
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&");
        let r = client()
            .get(w.url(&format!("/search/go?{go}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], format!("/items/{}", ids[1]));
        client()
            .get(w.url("/search?q=%E6%97%A0%E6%AD%A4%E8%AF%8D%E8%AF%AD"))
            .send()
            .await
            .unwrap();
        let stats = admin
            .get(w.url("/admin/search"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            stats.contains("开学") && stats.contains("无此词语"),
            "analytics list the week's queries"
        );
        let r = client()
            .get(w.url("/search/go?qid=1&to=https://evil.example/"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/", "no open redirect");
    });
}

/// The state-changing admin routes, with every role, against its own organisation and another:
/// allowed writes succeed (303), the rest are refused (403), and nothing is changed by a refusal.
#[test]
fn authorisation_matrix_for_writes() {
    on_each_database(|w| async move {
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        let own_item = w
            .draft(
                &editor,
                &ecsrf,
                w.dept_a,
                w.site_a,
                w.column_a,
                "本单位草稿",
            )
            .await;
        let (editor_b, bcsrf) = w.sign_in("editor_b").await;
        let site_b = {
            let mut c = w.db.conn().unwrap();
            gongkai_storage::site::by_slug(&mut c, "mzj")
                .unwrap()
                .unwrap()
                .id
        };
        let other_item = w
            .draft(
                &editor_b,
                &bcsrf,
                w.dept_b,
                site_b,
                w.column_b,
                "其他单位草稿",
            )
            .await;
        let users = ["admin", "orgadmin_a", "editor_a", "reviewer_a", "handler_a"];
        let mut sessions = vec![];
        for u in users {
            sessions.push(w.sign_in(u).await);
        }
        // Expected status per role (same order as `users`) for own and other targets.
        let rows: [(&str, [u16; 5], [u16; 5]); 10] = [
            (
                "create subject",
                [303, 403, 403, 403, 403],
                [303, 403, 403, 403, 403],
            ),
            (
                "create item",
                [303, 303, 303, 303, 403],
                [303, 403, 403, 403, 403],
            ),
            (
                "edit item",
                [303, 303, 303, 303, 403],
                [303, 403, 403, 403, 403],
            ),
            (
                "upload",
                [303, 303, 303, 303, 403],
                [303, 403, 403, 403, 403],
            ),
            // The first allowed role submits the draft; the other allowed roles then reach the workflow
            // rule (422: already submitted), while roles without the right stop at 403.
            (
                "submit",
                [303, 422, 422, 422, 403],
                [303, 403, 403, 403, 403],
            ),
            (
                "create user",
                [303, 303, 403, 403, 403],
                [303, 403, 403, 403, 403],
            ),
            (
                "create site",
                [303, 303, 403, 403, 403],
                [303, 403, 403, 403, 403],
            ),
            (
                "create column",
                [303, 303, 403, 403, 403],
                [303, 403, 403, 403, 403],
            ),
            (
                "create org",
                [303, 403, 403, 403, 403],
                [303, 403, 403, 403, 403],
            ),
            (
                "synonyms",
                [303, 303, 403, 403, 403],
                [303, 303, 403, 403, 403],
            ),
        ];
        let mut failures = vec![];
        let mut serial = 0u32;
        for (what, own, other) in rows {
            for (target, expect) in [("own", own), ("other", other)] {
                let (org, site, item, column) = if target == "own" {
                    (w.dept_a, w.site_a, own_item, w.column_a)
                } else {
                    (w.dept_b, site_b, other_item, w.column_b)
                };
                for (i, (c, csrf)) in sessions.iter().enumerate() {
                    serial += 1;
                    let csrf = csrf.clone();
                    let req = match what {
                        "create item" | "edit item" => {
                            let url = if what == "create item" {
                                w.url("/admin/items")
                            } else {
                                w.url(&format!("/admin/items/{item}"))
                            };
                            c.post(url).form(&[
                                ("csrf", csrf),
                                ("title", format!("矩阵{serial}")),
                                ("genre", "notice".into()),
                                ("org_id", org.to_string()),
                                ("site_id", site.to_string()),
                                ("column_ids", column.to_string()),
                            ])
                        }
                        "upload" => c
                            .post(w.url(&format!("/admin/items/{item}/attachments")))
                            .multipart(
                                reqwest::multipart::Form::new().text("csrf", csrf).part(
                                    "file",
                                    reqwest::multipart::Part::bytes(b"%PDF-1.4".to_vec())
                                        .file_name("a.pdf"),
                                ),
                            ),
                        "submit" => c
                            .post(w.url(&format!("/admin/items/{item}/workflow")))
                            .form(&[("csrf", csrf.as_str()), ("action", "submit")]),
                        "create user" => c.post(w.url("/admin/users")).form(&[
                            ("csrf", csrf),
                            ("username", format!("u{serial}")),
                            ("display_name", "新用户".into()),
                            ("org_id", org.to_string()),
                            ("role", "editor".into()),
                            ("password", "long enough password".into()),
                        ]),
                        "create site" => c.post(w.url("/admin/sites")).form(&[
                            ("csrf", csrf),
                            ("slug", format!("s{serial}")),
                            ("title", "新网站".into()),
                            ("org_id", org.to_string()),
                        ]),
                        "create column" => c
                            .post(w.url(&format!("/admin/sites/{site}/columns")))
                            .form(&[
                                ("csrf", csrf),
                                ("slug", format!("c{serial}")),
                                ("name", "新栏目".into()),
                                ("kind", "articles".into()),
                            ]),
                        "create org" => c.post(w.url("/admin/orgs")).form(&[
                            ("csrf", csrf),
                            ("name", format!("新机构{serial}")),
                            (
                                "code",
                                gongkai_domain::org::org_code_with_check(&format!("1{serial:07}"))
                                    .as_str()
                                    .to_string(),
                            ),
                            ("parent_id", org.to_string()),
                            ("level", "city".into()),
                            ("kind", "department".into()),
                        ]),
                        "create subject" => c.post(w.url("/admin/subjects")).form(&[
                            ("csrf", csrf),
                            ("name", format!("分类{serial}")),
                            ("code", format!("t{serial}")),
                        ]),
                        _ => c
                            .post(w.url("/admin/search/synonyms"))
                            .form(&[("csrf", csrf), ("terms", format!("词{serial} 语{serial}"))]),
                    };
                    let got = req.send().await.unwrap().status().as_u16();
                    let want = expect[i];
                    if got != want {
                        failures.push(format!(
                            "{what} as {} ({target}): got {got}, want {want}",
                            users[i]
                        ));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "write authorisation matrix:\n{}",
            failures.join("\n")
        );
    });
}

#[test]
fn organisation_admins_manage_their_users() {
    on_each_database(|w| async move {
        let (editor, _) = w.sign_in("editor_a").await;
        let (orgadmin, csrf) = w.sign_in("orgadmin_a").await;
        // editor_a is user 3 (dept A); editor_b is user 6 (dept B).
        let page = orgadmin
            .get(w.url("/admin/users/3"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("editor_a") && page.contains("停用账号"));
        let r = orgadmin
            .post(w.url("/admin/users/3/status"))
            .form(&[("csrf", csrf.as_str()), ("disabled", "true")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        // A disabled account's session stops working at once.
        let r = editor.get(w.url("/admin")).send().await.unwrap();
        assert_eq!(r.status(), 303, "sent back to sign-in");
        let r = orgadmin
            .post(w.url("/admin/users/3/status"))
            .form(&[("csrf", csrf.as_str()), ("disabled", "false")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        w.sign_in("editor_a").await;
        // Granting a role there works once; outside its scope it is refused.
        let dept_a = w.dept_a.to_string();
        let r = orgadmin
            .post(w.url("/admin/users/3/grants"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("role", "reviewer"),
                ("org_id", dept_a.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = orgadmin
            .post(w.url("/admin/users/3/grants"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("role", "reviewer"),
                ("org_id", dept_a.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let r = orgadmin
            .post(w.url("/admin/users/3/grants"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("role", "platform_admin"),
                ("org_id", dept_a.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            403,
            "an organisation admin cannot make platform admins"
        );
        let r = orgadmin
            .post(w.url("/admin/users/6/status"))
            .form(&[("csrf", csrf.as_str()), ("disabled", "true")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "another department's user");
        let r = orgadmin
            .post(w.url("/admin/users/3/grants/revoke"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("role", "reviewer"),
                ("org_id", dept_a.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
    });
}

#[test]
fn public_pages_are_cached_until_something_changes() {
    on_each_database(|w| async move {
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        let (reviewer, rcsrf) = w.sign_in("reviewer_a").await;
        let before = client()
            .get(w.url("/s/jyj/c/zcwj/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!before.contains("缓存测试通知"));
        let again = client().get(w.url("/s/jyj/c/zcwj/")).send().await.unwrap();
        assert_eq!(
            again.headers().get("x-cache").map(|v| v.to_str().unwrap()),
            Some("hit"),
            "the second visit is served from the cache"
        );
        assert_eq!(again.text().await.unwrap(), before);
        let id = w
            .draft(
                &editor,
                &ecsrf,
                w.dept_a,
                w.site_a,
                w.column_a,
                "缓存测试通知",
            )
            .await;
        for (c, csrf, a) in [
            (&editor, &ecsrf, "submit"),
            (&reviewer, &rcsrf, "approve"),
            (&reviewer, &rcsrf, "publish"),
        ] {
            assert_eq!(w.act(c, csrf, id, a, "").await, 303);
        }
        // The write on this node dropped the cached column page at once.
        let after = client()
            .get(w.url("/s/jyj/c/zcwj/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(after.contains("缓存测试通知"));
        // A change written by another node (here: straight into the database) shows within the
        // outbox poll interval.
        {
            let mut c = w.db.conn().unwrap();
            gongkai_storage::item::transition(
                &mut c,
                &gongkai_storage::Actor::system("other-node"),
                id,
                &gongkai_domain::workflow::WorkflowAction::Remove {
                    reason: "测试".into(),
                },
                None,
                &Default::default(),
            )
            .unwrap();
        }
        let started = Instant::now();
        loop {
            let page = client()
                .get(w.url("/s/jyj/c/zcwj/"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if !page.contains("缓存测试通知") {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "stale column page after 2 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(
            client()
                .get(w.url(&format!("/items/{id}")))
                .send()
                .await
                .unwrap()
                .status(),
            410
        );
        // Forms with CSRF cookies are never shared between visitors.
        let (admin, _) = w.sign_in("admin").await;
        let staff_view = admin.get(w.url("/s/jyj/")).send().await.unwrap();
        assert!(
            staff_view.headers().get("x-cache").is_none(),
            "signed-in staff always get a fresh page"
        );
        let a = client()
            .get(w.url("/report-error"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let b = client()
            .get(w.url("/report-error"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_ne!(csrf_of(&a), csrf_of(&b));
    });
}

#[test]
fn site_managers_edit_columns_and_sites() {
    on_each_database(|w| async move {
        let (orgadmin, csrf) = w.sign_in("orgadmin_a").await;
        let col = w.column_a.to_string();
        let r = orgadmin
            .post(w.url(&format!("/admin/columns/{col}")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("name", "规范性文件"),
                ("kind", "catalogue"),
                ("update_days", "abc"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(
            r.text().await.unwrap().contains("规范性文件"),
            "the rejected form keeps what was typed"
        );
        let r = orgadmin
            .post(w.url(&format!("/admin/columns/{col}")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("name", "规范性文件"),
                ("kind", "catalogue"),
                ("module", "government_affairs"),
                ("update_days", "90"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let page = client()
            .get(w.url("/s/jyj/c/zcwj/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("规范性文件"),
            "the public column shows its new name at once"
        );
        let r = orgadmin
            .post(w.url(&format!("/admin/sites/{}", w.site_a)))
            .form(&[("csrf", csrf.as_str()), ("title", "示范市教育局（新）")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert!(client()
            .get(w.url("/s/jyj/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("示范市教育局（新）"));
        // A column with items is not deleted; an empty one is.
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        w.draft(&editor, &ecsrf, w.dept_a, w.site_a, w.column_a, "占用栏目")
            .await;
        let r = orgadmin
            .post(w.url(&format!("/admin/columns/{col}/delete")))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let r = orgadmin
            .post(w.url(&format!("/admin/sites/{}/columns", w.site_a)))
            .form(&[
                ("csrf", csrf.as_str()),
                ("name", "临时栏目"),
                ("slug", "lslm"),
                ("kind", "articles"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let id = {
            let mut c = w.db.conn().unwrap();
            gongkai_storage::site::column_by_slug(&mut c, w.site_a, "lslm")
                .unwrap()
                .unwrap()
                .id
        };
        let r = orgadmin
            .post(w.url(&format!("/admin/columns/{id}/delete")))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        // A second organisation with a code already taken: a field error, the form kept.
        let (admin, acsrf) = w.sign_in("admin").await;
        let r = admin
            .post(w.url("/admin/orgs"))
            .form(&[
                ("csrf", acsrf.as_str()),
                ("name", "重复代码的机构"),
                ("code", "000014349"),
                ("level", "city"),
                ("kind", "department"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("该代码已被使用") && html.contains("重复代码的机构"));
        // Another department's column: refused.
        let r = orgadmin
            .post(w.url(&format!("/admin/columns/{}/delete", w.column_b)))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    });
}
