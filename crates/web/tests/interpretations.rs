//! 政策解读 in the back office and on the portal, over HTTP, on SQLite and on PostgreSQL: an editor
//! creates an interpretation of a published policy (forged token refused, bad input kept with
//! errors by the field, another organisation refused, body sanitised), lists it per site, changes
//! its form and policies; once published, the policy's page lists it, its page links back to the
//! policy, and search finds it as its own kind.

mod support;

use gongkai_domain::index_number::IndexPattern;
use gongkai_domain::item::ItemInput;
use gongkai_domain::workflow::WorkflowAction;
use gongkai_storage::item::{self, Placement};
use gongkai_storage::{interpretation, Actor};
use support::{client, csrf_of, databases, start, World};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

fn on_each_database<F, Fut>(scenario: F)
where
    F: Fn(World) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in databases() {
        rt().block_on(async {
            let w = start(db).await;
            scenario(w).await;
        });
    }
}

async fn page(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A published normative document of department A.
fn policy(w: &World, title: &str) -> item::Item {
    let mut c = w.db.conn().unwrap();
    let fields = ItemInput {
        title: title.into(),
        body_html: "<p>第一条 为了规范管理，制定本办法。</p>".into(),
        made_on: "2026-03-01".into(),
        genre: "normative_document".into(),
        column_ids: vec![w.column_a.to_string()],
        ..Default::default()
    }
    .validate()
    .unwrap();
    item::import_published(
        &mut c,
        &Actor::system("test"),
        Placement {
            site_id: w.site_a,
            org_id: w.dept_a,
        },
        &fields,
        chrono::Utc::now().naive_utc(),
        None,
        &IndexPattern::default(),
    )
    .unwrap()
}

fn form<'a>(csrf: &'a str, w: &World, policies: &'a str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_string()),
        ("org_id", w.dept_a.to_string()),
        ("column_id", w.column_a.to_string()),
        ("title", "《校外培训管理办法》图解".to_string()),
        ("made_on", "2026-03-05".to_string()),
        ("summary", String::new()),
        (
            "body_html",
            "<p>一图读懂校外培训新规。</p><script>alert(1)</script><img src=x onerror=alert(2)>"
                .to_string(),
        ),
        ("form", "graphic".to_string()),
        ("video_url", String::new()),
        ("policies", policies.to_string()),
    ]
}

#[test]
fn staff_create_and_link_interpretations_and_the_pages_link_both_ways() {
    on_each_database(|w| async move {
        let p1 = policy(&w, "示范市校外培训管理办法");
        let p2 = policy(&w, "示范市校外培训收费管理规定");
        let (editor, csrf) = w.sign_in("editor_a").await;

        // The form, started from the policy's back-office page.
        let (_, view) = page(&editor, w.url(&format!("/admin/items/{}", p1.id))).await;
        assert!(view.contains(&format!(
            "href=\"/admin/interpretations/new?policy={}\"",
            p1.id
        )));
        let (status, html) = page(
            &editor,
            w.url(&format!("/admin/interpretations/new?policy={}", p1.id)),
        )
        .await;
        assert_eq!(status, 200);
        assert!(html.contains("《示范市校外培训管理办法》政策解读"));
        assert!(html.contains(&format!(">{}</textarea>", p1.id)), "{html}");
        assert!(html.contains("<option value=\"video\">视频解读</option>"));

        // A forged token is refused.
        let ok = form(&csrf, &w, "");
        let mut forged = ok.clone();
        forged[0].1 = "forged".into();
        let r = editor
            .post(w.url("/admin/interpretations"))
            .form(&forged)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // Bad input: errors by the field, what was typed kept, nothing stored.
        let mut bad = form(&csrf, &w, "999999\n/items/abc");
        bad[3].1 = " ".into(); // title
        bad[7].1 = "video".into(); // form without a link
        let r = editor
            .post(w.url("/admin/interpretations"))
            .form(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("href=\"#f-title\""), "{html}");
        assert!(html.contains("视频解读请填写以 http:// 或 https:// 开头的视频链接"));
        assert!(html.contains("找不到这些政策文件：999999、/items/abc"));
        assert!(html.contains("<option value=\"video\" selected>视频解读</option>"));
        // A policy that is itself an interpretation, and no policy at all.
        let r = editor
            .post(w.url("/admin/interpretations"))
            .form(&form(&csrf, &w, "  "))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("请至少关联一件被解读的政策文件"));
        {
            let mut c = w.db.conn().unwrap();
            assert!(interpretation::list(&mut c, None, None).unwrap().is_empty());
        }

        // Another organisation's editor may not publish in department A's name; a request handler
        // (no editing rights) does not see the back office page.
        let (other, other_csrf) = w.sign_in("editor_b").await;
        let r = other
            .post(w.url("/admin/interpretations"))
            .form(&form(&other_csrf, &w, &p1.id.to_string()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let (handler, _) = w.sign_in("handler_a").await;
        assert_eq!(page(&handler, w.url("/admin/interpretations")).await.0, 403);

        // Created: a draft of genre 政策解读, the body sanitised, linked to the policy.
        let r = editor
            .post(w.url("/admin/interpretations"))
            .form(&form(&csrf, &w, &format!("/items/{}", p1.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let at = r.headers()["location"].to_str().unwrap().to_string();
        let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
        {
            let mut c = w.db.conn().unwrap();
            let it = item::get(&mut c, id).unwrap();
            assert_eq!(
                (it.genre.as_str(), it.status.as_str()),
                ("interpretation", "draft")
            );
            assert!(it.body_html.contains("一图读懂校外培训新规"));
            assert!(!it.body_html.contains("script") && !it.body_html.contains("onerror"));
            assert_eq!(
                interpretation::policies_of(&mut c, id).unwrap(),
                vec![p1.id]
            );
        }

        // Listed per site.
        let (status, list) = page(
            &editor,
            w.url(&format!("/admin/interpretations?site_id={}", w.site_a)),
        )
        .await;
        assert_eq!(status, 200);
        assert!(
            list.contains("《校外培训管理办法》图解") && list.contains("示范市校外培训管理办法")
        );
        assert!(list.contains("<td>图解</td>"));
        let portal = {
            let mut c = w.db.conn().unwrap();
            gongkai_storage::site::all_sites(&mut c)
                .unwrap()
                .into_iter()
                .find(|s| s.is_portal)
                .unwrap()
                .id
        };
        let (_, other_site) = page(
            &editor,
            w.url(&format!("/admin/interpretations?site_id={portal}")),
        )
        .await;
        assert!(!other_site.contains("《校外培训管理办法》图解"));
        assert_eq!(
            page(&editor, w.url("/admin/interpretations?site_id=abc"))
                .await
                .0,
            400
        );

        // Changing the form and the policies: a video link, the second policy by its 索引号.
        let settings = w.url(&format!("/admin/interpretations/{id}"));
        let (status, html) = page(&editor, settings.clone()).await;
        assert_eq!(status, 200);
        let token = csrf_of(&html);
        let index_number = p2.index_number.clone().unwrap();
        let r = editor
            .post(settings.clone())
            .form(&[
                ("csrf", token.as_str()),
                ("form", "video"),
                ("video_url", "javascript:alert(1)"),
                ("policies", &index_number),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let r = editor
            .post(settings.clone())
            .form(&[
                ("csrf", token.as_str()),
                ("form", "video"),
                ("video_url", "https://v.example.gov.cn/peixun.mp4"),
                ("policies", &format!("{}\n{index_number}", p1.id)),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = other
            .post(settings.clone())
            .form(&[
                ("csrf", other_csrf.as_str()),
                ("form", "text"),
                ("policies", &p1.id.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // Published: the policy lists it, it links back, search finds it as 政策解读.
        {
            let mut c = w.db.conn().unwrap();
            let a = Actor::system("test");
            for step in [
                WorkflowAction::Submit,
                WorkflowAction::Approve,
                WorkflowAction::Publish,
            ] {
                item::transition(&mut c, &a, id, &step, None, &IndexPattern::default()).unwrap();
            }
        }
        let (_, policy_page) = page(&client(), w.url(&format!("/items/{}", p2.id))).await;
        assert!(
            policy_page.contains("<h2 id=\"h-interpretations\">政策解读</h2>")
                && policy_page.contains(&format!(
                    "<a href=\"/items/{id}\">《校外培训管理办法》图解</a>"
                )),
            "{policy_page}"
        );
        let (_, interp_page) = page(&client(), w.url(&format!("/items/{id}"))).await;
        assert!(interp_page.contains("<h2 id=\"h-policies\">解读的政策</h2>"));
        for p in [&p1, &p2] {
            assert!(interp_page.contains(&format!("<a href=\"/items/{}\">{}</a>", p.id, p.title)));
        }
        assert!(!interp_page.contains("h-interpretations"));
        assert!(interp_page.contains("解读形式：</strong>视频解读"));
        assert!(interp_page.contains("href=\"https://v.example.gov.cn/peixun.mp4\""));

        let api = w.url(&format!(
            "/api/v1/search?q={}&kind=interpretation",
            urlencoding::encode("校外培训")
        ));
        let mut found = serde_json::Value::Null;
        for _ in 0..50 {
            found = client()
                .get(&api)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if found["total"].as_i64() == Some(1) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(found["total"], 1, "{found}");
        assert_eq!(found["hits"][0]["url"], format!("/items/{id}"), "{found}");
    });
}
