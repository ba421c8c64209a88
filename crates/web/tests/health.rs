//! 网站健康 over HTTP, on SQLite and on PostgreSQL: the editor's word check (a blocking entry refuses
//! submission with the position, a warning lets it through), the dictionary import with a bad line,
//! the dashboard and health pages scoped to the organisation, the report-an-error queue with its
//! reply, and the link crawler against the running server with a planted broken link and a missing
//! attachment.

mod support;

use gongkai_domain::index_number::IndexPattern;
use gongkai_domain::item::ItemInput;
use gongkai_storage::health;
use gongkai_storage::item::{self, Placement};
use gongkai_storage::Actor;
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

async fn text(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn draft(w: &World, c: &reqwest::Client, csrf: &str, title: &str, body: &str) -> i64 {
    let r = c
        .post(w.url("/admin/items"))
        .form(&[
            ("csrf", csrf),
            ("title", title),
            ("body_html", body),
            ("org_id", &w.dept_a.to_string()),
            ("site_id", &w.site_a.to_string()),
            ("genre", "notice"),
            ("validity", "valid"),
            ("disclosure_mode", "proactive"),
            ("channels", "website"),
            ("column_ids", &w.column_a.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "draft: {}", r.text().await.unwrap());
    r.headers()["location"]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn word_check_blocks_submission_with_the_position_and_warnings_pass() {
    on_each_database(|w| async move {
        let (admin, acsrf) = w.sign_in("admin").await;
        // The dictionary: one bad line reported by number, the rest loads.
        let r = admin
            .post(w.url("/admin/health/words/import"))
            .form(&[
                ("csrf", acsrf.as_str()),
                (
                    "text",
                    "按装 | wrong | warn | 安装\n这一行没有类型\n某敏感词 | sensitive | block\n按装修 | allowed\n",
                ),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(page.contains("新增 3 条"), "{page}");
        assert!(page.contains("第 2 行"));
        // Adding a term twice is a field error, the input kept.
        let r = admin
            .post(w.url("/admin/health/words"))
            .form(&[
                ("csrf", acsrf.as_str()),
                ("term", "按装"),
                ("kind", "wrong"),
                ("level", "warn"),
                ("suggestion", "安装"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("已在词库中"));
        // Only platform admins keep the dictionary.
        let (orgadmin, _) = w.sign_in("orgadmin_a").await;
        assert_eq!(text(&orgadmin, w.url("/admin/health/words")).await.0, 403);

        let (editor, csrf) = w.sign_in("editor_a").await;
        // Blocking: the draft saves, the editor sees the hit, submission is refused with the position.
        let bad = draft(&w, &editor, &csrf, "关于某敏感词的通知", "<p>正文</p>").await;
        let (_, view) = text(&editor, w.url(&format!("/admin/items/{bad}"))).await;
        assert!(
            view.contains("内容检查") && view.contains("标题第 3 字“某敏感词”"),
            "{view}"
        );
        assert_eq!(w.act(&editor, &csrf, bad, "submit", "").await, 422);
        let r = editor
            .post(w.url(&format!("/admin/items/{bad}/workflow")))
            .form(&[("csrf", csrf.as_str()), ("action", "submit")])
            .send()
            .await
            .unwrap();
        let refusal = r.text().await.unwrap();
        assert!(refusal.contains("标题第 3 字“某敏感词”"), "{refusal}");

        // Warning only (and a near miss inside 按装修): submission goes through.
        let ok = draft(
            &w,
            &editor,
            &csrf,
            "关于按装路灯的通知",
            "<p>费用按装修面积分摊。</p><img src=\"/x.png\">",
        )
        .await;
        let (_, view) = text(&editor, w.url(&format!("/admin/items/{ok}"))).await;
        assert!(view.contains("标题第 3 字“按装”（错别字，建议改为“安装”）"));
        assert!(!view.contains("正文第 4 字"), "按装修 is a correct word");
        assert!(view.contains("图片缺少替代文字"));
        assert_eq!(w.act(&editor, &csrf, ok, "submit", "").await, 303);
    });
}

#[test]
fn dashboard_shows_each_organisation_its_problems_and_error_reports_get_replies() {
    on_each_database(|w| async move {
        // A visitor reports an error on the portal; it joins the queue at once.
        let anon = client();
        let (_, form) = text(&anon, w.url("/report-error")).await;
        let token = csrf_of(&form);
        let r = anon
            .post(w.url("/report-error"))
            .form(&[
                ("csrf", token.as_str()),
                ("page_url", "/items/1"),
                ("category", "broken_link"),
                ("description", "附件链接打不开"),
                ("contact", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let done = r.text().await.unwrap();
        let at = done.find("ZC").expect("tracking code shown");
        let code: String = done[at..at + 16].to_string();

        let (orgadmin, ocsrf) = w.sign_in("orgadmin_a").await;
        let r = orgadmin
            .post(w.url("/admin/health/run"))
            .form(&[("csrf", ocsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        // The department's admin sees its own site's empty column, not the other department's.
        let (_, dash) = text(&orgadmin, w.url("/admin")).await;
        assert!(dash.contains("网站健康"), "{dash}");
        assert!(dash.contains("[示范市教育局] 空白栏目"), "{dash}");
        assert!(!dash.contains("[示范市民政局]"));
        assert!(
            !dash.contains("附件链接打不开"),
            "the portal's report is not theirs"
        );
        let (status, overview) = text(&orgadmin, w.url("/admin/health")).await;
        assert_eq!(status, 200);
        assert!(overview.contains("政策文件") && overview.contains("栏目没有任何已发布内容"));
        assert_eq!(
            text(
                &orgadmin,
                w.url(&format!("/admin/health/sites/{}", w.site_a))
            )
            .await
            .0,
            200
        );
        let other_site = w.site_a + 1;
        assert_eq!(
            text(
                &orgadmin,
                w.url(&format!("/admin/health/sites/{other_site}"))
            )
            .await
            .0,
            403
        );
        let (_, report) = text(
            &orgadmin,
            w.url(&format!("/admin/health/sites/{}", w.site_a)),
        )
        .await;
        assert!(report.contains("单项否决项") && report.contains("按周得分"));
        // Editors have no health pages and no panel.
        let (editor, _) = w.sign_in("editor_a").await;
        assert_eq!(text(&editor, w.url("/admin/health")).await.0, 403);
        assert!(!text(&editor, w.url("/admin")).await.1.contains("网站健康"));

        // The platform admin sees the portal's error report and answers it.
        let (admin, acsrf) = w.sign_in("admin").await;
        let (_, overview) = text(&admin, w.url("/admin/health")).await;
        assert!(overview.contains("附件链接打不开"), "{overview}");
        let id: i64 = {
            let mut c = w.db.conn().unwrap();
            let open = health::open_findings(&mut c, None).unwrap();
            let f = open.iter().find(|f| f.kind == "error_report").unwrap();
            f.subject
                .trim_start_matches("error_report:")
                .parse()
                .unwrap()
        };
        let r = admin
            .post(w.url(&format!("/admin/health/reports/{id}")))
            .form(&[("csrf", acsrf.as_str()), ("reply", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "an empty reply is a field error");
        // A department admin cannot answer the portal's report.
        let r = orgadmin
            .post(w.url(&format!("/admin/health/reports/{id}")))
            .form(&[("csrf", ocsrf.as_str()), ("reply", "越权答复")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = admin
            .post(w.url(&format!("/admin/health/reports/{id}")))
            .form(&[
                ("csrf", acsrf.as_str()),
                ("reply", "附件已重新上传，感谢指正。"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (status, track) = text(&anon, w.url(&format!("/report-error/track?code={code}"))).await;
        assert_eq!(status, 200);
        assert!(
            track.contains("已答复") && track.contains("附件已重新上传，感谢指正。"),
            "{track}"
        );
        assert_eq!(
            text(&anon, w.url("/report-error/track?code=ZC000")).await.0,
            404
        );
        let (_, overview) = text(&admin, w.url("/admin/health")).await;
        assert!(
            !overview.contains("附件链接打不开"),
            "answered reports leave the queue"
        );
    });
}

#[test]
fn crawler_finds_a_planted_broken_link_and_a_missing_attachment() {
    on_each_database(|w| async move {
        let id = {
            let mut c = w.db.conn().unwrap();
            let fields = ItemInput {
                title: "含失效链接的通知".into(),
                body_html: "<p><a href=\"/s/jyj/c/no-such-column/\">旧栏目</a> \
                            <a href=\"/items/1/attachments/424242\">附件：报名表</a> \
                            <a href=\"https://www.gov.cn/zhengce/\">中国政府网</a></p>"
                    .into(),
                genre: "notice".into(),
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
                gongkai_storage::now(),
                None,
                &IndexPattern::default(),
            )
            .unwrap()
            .id
        };
        let (admin, acsrf) = w.sign_in("admin").await;
        let r = admin
            .post(w.url("/admin/health/crawl"))
            .form(&[("csrf", acsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let mut c = w.db.conn().unwrap();
        let open = health::open_findings(&mut c, None).unwrap();
        let broken: Vec<(&str, &str, i64)> = open
            .iter()
            .filter(|f| f.kind == "broken_link" || f.kind == "missing_attachment")
            .map(|f| (f.kind.as_str(), f.title.as_str(), f.site_id))
            .collect();
        assert_eq!(
            broken,
            [
                ("broken_link", "/s/jyj/c/no-such-column/", w.site_a),
                (
                    "missing_attachment",
                    "/items/1/attachments/424242",
                    w.site_a
                )
            ],
            "{open:?}"
        );
        assert!(open
            .iter()
            .any(|f| f.evidence.contains(&format!("/items/{id}")) && f.evidence.contains("404")));
        let last = health::last_crawl(&mut c).unwrap().unwrap();
        assert_eq!(last.external(), ["https://www.gov.cn/zhengce/"]);
        assert!(last.pages >= 4, "homes, columns and the item were visited");
        let (_, overview) = text(&admin, w.url("/admin/health")).await;
        assert!(overview.contains("https://www.gov.cn/zhengce/") && overview.contains("附件缺失"));
    });
}
