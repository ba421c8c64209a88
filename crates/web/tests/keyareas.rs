//! Key areas over HTTP, on SQLite and on PostgreSQL: trading announcements imported through the
//! API (bad lines reported, good ones kept), listed with filters, read as a project history,
//! counted, searched and exported as open data; RSS and Atom feeds read by a real feed parser.

mod support;

use support::{client, databases, start, World};

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

fn token_of(w: &World, username: &str) -> String {
    let mut c = w.db.conn().unwrap();
    let u = gongkai_storage::user::find_by_username(&mut c, username)
        .unwrap()
        .unwrap();
    gongkai_storage::user::create_api_token(
        &mut c,
        &gongkai_storage::Actor::system("test"),
        u.id,
        "test",
    )
    .unwrap()
}

fn org_code(w: &World, id: i64) -> String {
    let mut c = w.db.conn().unwrap();
    gongkai_storage::org::get(&mut c, id).unwrap().code
}

/// A construction project in three steps and a procurement award, as JSON lines, with two bad
/// lines in between (an unparseable amount and date; an unknown type).
fn jsonl(org: &str) -> String {
    let line = |v: serde_json::Value| v.to_string();
    [
        line(serde_json::json!({"source_id": "J1", "category": "建设工程", "type": "招标公告",
            "title": "示范市第二中学教学楼改造工程招标公告", "project_name": "示范市第二中学教学楼改造工程",
            "project_code": "SFJS-2026-0101", "purchaser": "示范市第二中学", "org_code": org,
            "budget": "860万元", "published": "2026-03-02 09:00", "deadline": "2026-03-23 09:30", "opening": "2026-03-23 09:30"})),
        line(serde_json::json!({"source_id": "J9", "category": "建设工程", "type": "中标公告",
            "title": "示范市第二中学教学楼改造工程中标公告", "project_name": "示范市第二中学教学楼改造工程",
            "project_code": "SFJS-2026-0101", "purchaser": "示范市第二中学", "org_code": org,
            "published": "2026-04-08", "winner": "示范建工集团有限公司", "winning_price": "8,412,300.00"})),
        line(serde_json::json!({"source_id": "JX", "type": "招标公告", "title": "坏金额",
            "project_name": "x", "project_code": "X", "purchaser": "x", "org_code": org,
            "budget": "八百万", "published": "2026-02-30"})),
        line(serde_json::json!({"source_id": "J2", "category": "建设工程", "type": "开标情况",
            "title": "示范市第二中学教学楼改造工程开标情况", "project_name": "示范市第二中学教学楼改造工程",
            "project_code": "SFJS-2026-0101", "purchaser": "示范市第二中学", "org_code": org,
            "published": "2026-03-23 11:00"})),
        line(serde_json::json!({"type": "拍卖公告", "title": "x", "project_name": "x", "project_code": "Y",
            "purchaser": "x", "org_code": org, "published": "2026-01-01"})),
        line(serde_json::json!({"source_id": "P1", "category": "政府采购", "type": "中标公告",
            "title": "示范市教育局办公设备采购项目中标公告", "project_name": "示范市教育局办公设备采购项目",
            "project_code": "SFCG-2026-0033", "purchaser": "示范市教育局", "org_code": org,
            "budget": "40万元", "published": "2026-05-10", "winner": "示范办公用品有限公司", "winning_price": "386,500"})),
    ]
    .join("\n")
}

#[test]
fn trading_import_lists_history_counts_search_and_open_data() {
    on_each_database(|w| async move {
        let http = client();
        let org = org_code(&w, w.dept_a);
        // No token: refused.
        let r = http
            .post(w.url("/api/v1/trading/import"))
            .body(jsonl(&org))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);

        // An editor of department B may not publish for department A: every line refused.
        let token_b = token_of(&w, "editor_b");
        let r: serde_json::Value = http
            .post(w.url("/api/v1/trading/import"))
            .bearer_auth(&token_b)
            .body(jsonl(&org))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["created"], 0, "{r}");

        let token = token_of(&w, "reviewer_a");
        let r: serde_json::Value = http
            .post(w.url("/api/v1/trading/import"))
            .bearer_auth(&token)
            .header("content-type", "application/x-ndjson")
            .body(jsonl(&org))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["created"], 4, "{r}");
        let errors = r["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 2, "{r}");
        assert_eq!(errors[0]["line"], 3);
        let m = errors[0]["message"].as_str().unwrap();
        assert!(m.contains("budget") && m.contains("published"), "{m}");
        assert_eq!(errors[1]["line"], 5);
        assert!(errors[1]["message"].as_str().unwrap().contains("拍卖公告"));

        // CSV with Chinese headers; re-sending J1 updates it instead of adding.
        let csv = format!(
            "公告编号,交易类别,公告类型,公告标题,项目名称,项目编号,采购人,发布机构代码,预算金额,发布日期\n\
             J1,建设工程,招标公告,示范市第二中学教学楼改造工程招标公告（更正）,示范市第二中学教学楼改造工程,SFJS-2026-0101,示范市第二中学,{org},860万元,2026-03-02\n\
             L1,国土,挂牌出让公告,示范市2026-05号地块挂牌出让公告,示范市2026-05号地块,SFTD-2026-05,示范市自然资源局,{org},3200万元,2026-06-01\n\
             L2,国土,挂牌出让公告,缺日期,地块,SFTD-2026-06,示范市自然资源局,{org},1万元,\n"
        );
        let r: serde_json::Value = http
            .post(w.url("/api/v1/trading/import"))
            .bearer_auth(&token)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (r["created"].as_i64(), r["updated"].as_i64()),
            (Some(1), Some(1)),
            "{r}"
        );
        assert_eq!(r["errors"][0]["line"], 4, "{r}");

        // The public list and its filters.
        let page = |path: &str| {
            let http = http.clone();
            let url = w.url(path);
            async move {
                let r = http.get(url).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (s, html) = page("/trading").await;
        assert_eq!(s, 200);
        assert!(html.contains("共找到 <strong>5</strong> 条公告"), "{html}");
        assert!(html.contains("（更正）"));
        let (_, html) = page("/trading?category=procurement").await;
        assert!(html.contains("共找到 <strong>1</strong> 条公告"));
        assert!(html.contains("386,500.00 元"));
        let (_, html) = page("/trading?type=construction_opening").await;
        assert!(html.contains("共找到 <strong>1</strong> 条公告"));
        let (_, html) = page("/trading?from=2026-03-01&to=2026-03-31").await;
        assert!(html.contains("共找到 <strong>2</strong> 条公告"), "{html}");
        let (_, html) = page("/trading?min=500%E4%B8%87%E5%85%83").await;
        assert!(html.contains("共找到 <strong>3</strong> 条公告"), "{html}");
        let (_, html) = page(&format!("/trading?org={}", w.dept_b)).await;
        assert!(html.contains("共找到 <strong>0</strong> 条公告"));
        // Bad filters: field errors, input kept, no 500.
        let (s, html) = page("/trading?min=lots&from=2026-13-01").await;
        assert_eq!(s, 422);
        assert!(
            html.contains("value=\"lots\"") && html.contains("金额“lots”无法识别"),
            "{html}"
        );
        assert!(html.contains("2026-13-01"));
        let (s, _) = page("/trading?colour=red").await;
        assert_eq!(s, 400);

        // One project reads in sequence: tender → opening → award.
        let api: serde_json::Value = http
            .get(w.url("/api/v1/trading?type=construction_award"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(api["total"], 1);
        let award = &api["announcements"][0];
        assert_eq!(award["winning_price"], "8412300.00");
        assert_eq!(award["project_code"], "SFJS-2026-0101");
        let (s, html) = page(award["url"].as_str().unwrap()).await;
        assert_eq!(s, 200);
        let tender = html.find("招标公告：").unwrap();
        let opening = html.find("开标情况：").unwrap();
        let won = html.find("中标公告：").unwrap();
        assert!(tender < opening && opening < won, "history out of order");
        assert!(html.contains("示范建工集团有限公司"));
        let project_url = html
            .split("href=\"/trading/projects/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let (s, html) = page(&format!("/trading/projects/{project_url}")).await;
        assert_eq!(s, 200);
        assert!(html.contains("尚未发布：中标候选人公示"), "{html}");
        let (s, _) = page("/trading/999999").await;
        assert_eq!(s, 404);
        let (_, sitemap) = page("/sitemap.xml").await;
        assert!(sitemap.contains(&format!("/trading/projects/{project_url}</loc>")));

        // Counts by type; totals are the sums of their parts.
        let counts: serde_json::Value = http
            .get(w.url("/api/v1/trading/counts/2026"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(counts["all"]["total"], 5);
        let cats = counts["all"]["categories"].as_array().unwrap();
        let sum: i64 = cats.iter().map(|c| c["total"].as_i64().unwrap()).sum();
        assert_eq!(sum, 5);
        for c in cats {
            let parts: i64 = c["types"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["count"].as_i64().unwrap())
                .sum();
            assert_eq!(parts, c["total"].as_i64().unwrap());
        }
        assert_eq!(cats[0]["total"], 3);
        assert_eq!(counts["levels"][0]["level"], "city");

        // Search finds announcements as their own kind.
        let mut found = serde_json::Value::Null;
        for _ in 0..50 {
            found = http
                .get(w.url("/api/v1/search?q=%E6%95%99%E5%AD%A6%E6%A5%BC&kind=trading"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if found["total"].as_i64() == Some(3) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(found["total"], 3, "{found}");

        // Open data: the same filters, three formats.
        let r = http
            .get(w.url("/open-data/trading.csv?category=construction"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let csv = r.text().await.unwrap();
        let mut lines = csv.trim_start_matches('\u{feff}').lines();
        assert!(lines.next().unwrap().starts_with("id,category,type,title"));
        assert_eq!(lines.count(), 3);
        let json: serde_json::Value = http
            .get(w.url("/open-data/trading.json?min=100000"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(json["total"], 4, "{json}");
        assert_eq!(json["records"].as_array().unwrap().len(), 4);
        let r = http
            .get(w.url("/open-data/trading.xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap();
        assert_eq!(&bytes[..2], b"PK", "an XLSX is a zip file");
        let r = http
            .get(w.url("/open-data/trading.json?min=abc"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(body["error"]["fields"]["min"].is_string(), "{body}");
        assert_eq!(
            http.get(w.url("/open-data/trading.pdf"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let openapi: serde_json::Value = http
            .get(w.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for p in [
            "/api/v1/trading",
            "/api/v1/trading/import",
            "/open-data/trading.{format}",
            "/open-data/catalogue.{format}",
            "/api/v1/items",
        ] {
            assert!(openapi["paths"][p].is_object(), "OpenAPI lacks {p}");
        }
    });
}

#[test]
fn feeds_parse_and_catalogue_exports() {
    on_each_database(|w| async move {
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        let (reviewer, rcsrf) = w.sign_in("reviewer_a").await;
        let mut ids = vec![];
        for title in [
            "关于做好2026年秋季学期开学工作的通知",
            "示范市教育局关于“双减”工作的实施意见 & 附件",
        ] {
            let id = w
                .draft(&editor, &ecsrf, w.dept_a, w.site_a, w.column_a, title)
                .await;
            assert_eq!(w.act(&editor, &ecsrf, id, "submit", "").await, 303);
            assert_eq!(w.act(&reviewer, &rcsrf, id, "approve", "").await, 303);
            assert_eq!(w.act(&reviewer, &rcsrf, id, "publish", "").await, 303);
            ids.push(id);
        }
        let http = client();
        for path in [
            "/feed.rss",
            "/feed.atom",
            "/s/jyj/feed.rss",
            "/s/jyj/feed.atom",
            "/s/jyj/c/zcwj/feed.rss",
            "/s/jyj/c/zcwj/feed.atom",
        ] {
            let r = http.get(w.url(path)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            let ct = r.headers()["content-type"].to_str().unwrap().to_string();
            assert!(
                ct.contains(if path.ends_with("rss") { "rss" } else { "atom" }),
                "{ct}"
            );
            let body = r.bytes().await.unwrap();
            let feed = feed_rs::parser::parse(&body[..])
                .unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
            // The portal's feed, like its home page, carries the whole platform's latest.
            assert_eq!(feed.entries.len(), 2, "{path}");
            {
                let titles: Vec<String> = feed
                    .entries
                    .iter()
                    .map(|e| e.title.as_ref().unwrap().content.clone())
                    .collect();
                assert!(
                    titles
                        .iter()
                        .any(|t| t.contains("“双减”工作的实施意见 & 附件")),
                    "{titles:?}"
                );
                assert!(feed.entries.iter().all(|e| e.published.is_some()));
                let link = &feed.entries[0].links[0].href;
                assert!(
                    link.starts_with("http://") && link.contains("/items/"),
                    "{link}"
                );
            }
        }
        for path in ["/s/nosuch/feed.rss", "/s/jyj/c/nosuch/feed.atom"] {
            assert_eq!(http.get(w.url(path)).send().await.unwrap().status(), 404);
        }
        // The catalogue's metadata as open data, with the list's filters.
        let json: serde_json::Value = http
            .get(w.url(&format!(
                "/open-data/catalogue.json?org={}&genre=normative_document",
                w.dept_a
            )))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(json["total"], 2, "{json}");
        assert_eq!(json["records"][0]["genre"], "行政规范性文件");
        assert!(json["records"][0]["index_number"].as_str().unwrap().len() > 5);
        let json: serde_json::Value = http
            .get(w.url(&format!("/open-data/catalogue.json?org={}", w.dept_b)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(json["total"], 0);
        let csv = http
            .get(w.url("/open-data/catalogue.csv"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(csv.trim().lines().count(), 3);
        assert!(
            csv.contains("\"示范市教育局关于“双减”工作的实施意见 & 附件\"")
                || csv.contains("示范市教育局关于“双减”工作的实施意见 & 附件")
        );
        let r = http
            .get(w.url("/open-data/catalogue.xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(
            http.get(w.url("/open-data/catalogue.json?genre=poem"))
                .send()
                .await
                .unwrap()
                .status(),
            422
        );
        // The site's own sitemap lists its items; another site's does not.
        let xml = http
            .get(w.url("/s/jyj/sitemap.xml"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(xml.starts_with("<?xml") && xml.trim_end().ends_with("</urlset>"));
        for id in &ids {
            assert!(xml.contains(&format!("/items/{id}</loc>")), "{xml}");
        }
        assert!(xml.contains("/s/jyj/c/zcwj/"));
        let other = http
            .get(w.url("/s/mzj/sitemap.xml"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!other.contains("/items/"), "{other}");
    });
}

async fn get_text(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Publishes an item through the editor with a welfare area and channels; returns its id.
async fn publish_item(
    w: &World,
    (editor, ecsrf): (&reqwest::Client, &str),
    (reviewer, rcsrf): (&reqwest::Client, &str),
    title: &str,
    welfare: &str,
    channels: &[&str],
) -> i64 {
    let org = w.dept_a.to_string();
    let site = w.site_a.to_string();
    let col = w.column_a.to_string();
    let mut form: Vec<(&str, &str)> = vec![
        ("csrf", ecsrf),
        ("title", title),
        ("body_html", "<p>正文</p>"),
        ("org_id", &org),
        ("site_id", &site),
        ("genre", "notice"),
        ("validity", "valid"),
        ("disclosure_mode", "proactive"),
        ("column_ids", &col),
        ("welfare_area", welfare),
    ];
    for c in channels {
        form.push(("channels", c));
    }
    let r = editor
        .post(w.url("/admin/items"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let id: i64 = r.headers()["location"]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(w.act(editor, ecsrf, id, "submit", "").await, 303);
    assert_eq!(w.act(reviewer, rcsrf, id, "approve", "").await, 303);
    assert_eq!(w.act(reviewer, rcsrf, id, "publish", "").await, 303);
    id
}

#[test]
fn portal_links_the_key_areas() {
    on_each_database(|w| async move {
        let http = client();
        let (s, home) = get_text(&http, w.url("/")).await;
        assert_eq!(s, 200);
        for link in [
            "/trading",
            "/major-projects",
            "/welfare",
            "/service-guides",
            "/key-areas",
        ] {
            assert!(
                home.contains(&format!("href=\"{link}\"")),
                "home lacks {link}"
            );
        }
        // Every public page's navigation has the key areas, marked current inside them.
        let (_, sub) = get_text(&http, w.url("/s/jyj/")).await;
        assert!(sub.contains("href=\"/key-areas\""));
        let (s, page) = get_text(&http, w.url("/key-areas")).await;
        assert_eq!(s, 200);
        assert!(
            page.contains("href=\"/key-areas\" aria-current=\"page\""),
            "{page}"
        );
        assert!(page.contains("href=\"/welfare/culture_sports\">公共文化体育</a>"));
    });
}

#[test]
fn major_projects_file_items_by_kind_and_show_the_empty_kinds() {
    on_each_database(|w| async move {
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        let (reviewer, rcsrf) = w.sign_in("reviewer_a").await;
        let approval = publish_item(
            &w,
            (&editor, &ecsrf),
            (&reviewer, &rcsrf),
            "关于示范市轨道交通1号线一期工程可行性研究报告的批复",
            "",
            &["website"],
        )
        .await;
        let draft = w
            .draft(
                &editor,
                &ecsrf,
                w.dept_a,
                w.site_a,
                w.column_a,
                "1号线施工许可（待发布）",
            )
            .await;

        // Editor of department B cannot register a project for department A.
        let (editor_b, bcsrf) = w.sign_in("editor_b").await;
        let r = editor_b
            .post(w.url("/admin/major-projects"))
            .form(&[
                ("csrf", bcsrf.as_str()),
                ("name", "x"),
                ("code", "X-1"),
                ("org_id", &w.dept_a.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // A bad form is shown again with its errors.
        let r = editor
            .post(w.url("/admin/major-projects"))
            .form(&[
                ("csrf", ecsrf.as_str()),
                ("name", ""),
                ("code", "一号线"),
                ("org_id", &w.dept_a.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("项目名称必填") && html.contains("value=\"一号线\""),
            "{html}"
        );
        // Without the CSRF token: refused.
        let r = editor
            .post(w.url("/admin/major-projects"))
            .form(&[
                ("name", "示范市轨道交通1号线一期工程"),
                ("code", "2026-330100-48-01-000123"),
            ])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error());

        let r = editor
            .post(w.url("/admin/major-projects"))
            .form(&[
                ("csrf", ecsrf.as_str()),
                ("name", "示范市轨道交通1号线一期工程"),
                ("code", "2026-330100-48-01-000123"),
                ("org_id", &w.dept_a.to_string()),
                ("summary", "线路全长21.4公里。"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let admin_url = r.headers()["location"].to_str().unwrap().to_string();
        let pid: i64 = admin_url.rsplit('/').next().unwrap().parse().unwrap();
        let link = |item: i64, kind: &'static str| {
            let editor = editor.clone();
            let url = w.url(&format!("{admin_url}/link"));
            let csrf = ecsrf.clone();
            async move {
                editor
                    .post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("item_id", &item.to_string()),
                        ("kind", kind),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(link(approval, "approval_result").await, 303);
        assert_eq!(link(approval, "land_expropriation").await, 303);
        assert_eq!(link(draft, "construction_management").await, 303);
        assert_eq!(link(987_654, "completion").await, 422);
        assert_eq!(link(approval, "旅游").await, 422);

        // Staff see the draft under its kind; the public does not.
        let (_, staff_page) = get_text(&editor, w.url(&admin_url)).await;
        assert!(staff_page.contains("1号线施工许可（待发布）"));
        let http = client();
        let (s, public) = get_text(&http, w.url(&format!("/major-projects/{pid}"))).await;
        assert_eq!(s, 200);
        assert!(!public.contains("1号线施工许可（待发布）"));
        let approval_at = public
            .find("<h2 id=\"h-kind-approval_result\">批准结果</h2>")
            .expect("批准结果 filled");
        assert!(public[approval_at..].contains(&format!("href=\"/items/{approval}\"")));
        assert!(
            public.contains(
                "暂无信息的类别：批准服务、招标投标、重大设计变更、施工管理、质量安全、竣工"
            ),
            "{public}"
        );
        assert!(public.contains("施工管理 <span class=\"badge\">暂无信息</span>"));
        let (_, list) = get_text(&http, w.url("/major-projects")).await;
        assert!(
            list.contains("2 / 8") && list.contains("2026-330100-48-01-000123"),
            "{list}"
        );
        let (s, _) = get_text(&http, w.url("/major-projects/999999")).await;
        assert_eq!(s, 404);

        // Unfiling empties the kind again; every write is in the audit log.
        let r = editor
            .post(w.url(&format!("{admin_url}/unlink")))
            .form(&[
                ("csrf", ecsrf.as_str()),
                ("item_id", &approval.to_string()),
                ("kind", "land_expropriation"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, public) = get_text(&http, w.url(&format!("/major-projects/{pid}"))).await;
        assert!(public.contains("征收土地 <span class=\"badge\">暂无信息</span>"));
        let counts: serde_json::Value = http
            .get(w.url(&format!(
                "/api/v1/key-areas/counts/{}",
                chrono::Utc::now().format("%Y")
            )))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(counts["major_projects"]["total"], 1, "{counts}");
        let mut c = w.db.conn().unwrap();
        let log = gongkai_storage::audit::list(
            &mut c,
            &gongkai_storage::audit::AuditQuery {
                entity: Some("major_project".into()),
                page: 1,
                per_page: 50,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(log.total, 5, "create, three links, one unlink");
    });
}

#[test]
fn welfare_areas_filter_items_and_channels_are_counted() {
    on_each_database(|w| async move {
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        let (reviewer, rcsrf) = w.sign_in("reviewer_a").await;
        let e = (&editor, ecsrf.as_str());
        let r = (&reviewer, rcsrf.as_str());
        let school = publish_item(
            &w,
            e,
            r,
            "关于2026年义务教育阶段招生工作的通知",
            "education",
            &["website", "wechat"],
        )
        .await;
        publish_item(
            &w,
            e,
            r,
            "城乡居民医保参保缴费的通告",
            "基本医疗",
            &["website", "weibo", "wechat"],
        )
        .await;
        publish_item(&w, e, r, "机关食堂招标结果", "", &["website"]).await;
        // An unknown area is a field error on the form.
        let resp = editor
            .post(w.url("/admin/items"))
            .form(&[
                ("csrf", ecsrf.as_str()),
                ("title", "x"),
                ("genre", "notice"),
                ("org_id", &w.dept_a.to_string()),
                ("site_id", &w.site_a.to_string()),
                ("column_ids", &w.column_a.to_string()),
                ("welfare_area", "扶贫"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 422);
        assert!(resp.text().await.unwrap().contains("“扶贫”不是可选的值"));
        // The editor shows the stored area.
        let (_, form) = get_text(&editor, w.url(&format!("/admin/items/{school}/edit"))).await;
        assert!(
            form.contains("<option value=\"education\" selected>教育</option>"),
            "{form}"
        );

        let http = client();
        let (s, index) = get_text(&http, w.url("/welfare")).await;
        assert_eq!(s, 200);
        assert!(
            index.contains("教育<span class=\"count\">（1）</span>"),
            "{index}"
        );
        assert!(index.contains("脱贫攻坚<span class=\"count\">（0）</span>"));
        let (s, edu) = get_text(&http, w.url("/welfare/education")).await;
        assert_eq!(s, 200);
        assert!(
            edu.contains("义务教育阶段招生") && !edu.contains("医保参保") && !edu.contains("食堂"),
            "{edu}"
        );
        let (s, _) = get_text(&http, w.url("/welfare/tourism")).await;
        assert_eq!(s, 404);
        // The catalogue filters and counts by area.
        let (_, cat) = get_text(&http, w.url("/catalogue?welfare=healthcare")).await;
        assert!(
            cat.contains("医保参保") && !cat.contains("义务教育阶段招生"),
            "{cat}"
        );
        assert!(cat.contains("社会公益事业：基本医疗"));
        let (s, _) = get_text(&http, w.url("/catalogue?welfare=nothing")).await;
        assert_eq!(s, 400);

        // Channels by level; each total is the sum of its parts.
        let year = chrono::Utc::now().format("%Y").to_string();
        let counts: serde_json::Value = http
            .get(w.url(&format!("/api/v1/key-areas/counts/{year}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ch = &counts["channels"];
        let row = |code: &str| {
            ch["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["channel"] == code)
                .unwrap()
                .clone()
        };
        assert_eq!(row("website")["total"], 3, "{counts}");
        assert_eq!(row("wechat")["total"], 2);
        assert_eq!(row("weibo")["by_level"]["city"], 1);
        assert_eq!(ch["total"], 6);
        let sum: i64 = ch["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["total"].as_i64().unwrap())
            .sum();
        assert_eq!(sum, 6);
        assert_eq!(ch["by_level"]["city"], 6);
        assert_eq!(counts["welfare"]["total"], 2, "{counts}");
        assert_eq!(counts["welfare"]["rows"][3]["area"], "education");
        assert_eq!(counts["welfare"]["rows"][3]["count"], 1);
        let (s, _) = get_text(&http, w.url("/api/v1/key-areas/counts/twenty")).await;
        assert_eq!(s, 400);
    });
}

#[test]
fn service_guides_are_written_checked_listed_searched_and_counted() {
    on_each_database(|w| async move {
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        let org = w.dept_a.to_string();
        let guide = |name: &'static str, fee: &'static str, phone: &'static str| {
            let org = org.clone();
            let csrf = ecsrf.clone();
            let editor = editor.clone();
            let url = w.url("/admin/service-guides");
            async move {
                editor
                    .post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("name", name),
                        ("org_id", &org),
                        ("theme", "教育入学"),
                        ("basis", "《中华人民共和国义务教育法》"),
                        ("conditions", "适龄儿童"),
                        ("materials", "户口簿\n房产证明"),
                        ("procedure", "网上报名—审核—录取"),
                        ("time_limit", "10个工作日"),
                        ("fee", fee),
                        ("place_hours", "示范市教育局一楼，工作日"),
                        ("phone", phone),
                        ("online_url", "https://zwfw.example.gov.cn/item/88"),
                    ])
                    .send()
                    .await
                    .unwrap()
            }
        };
        let r = guide("义务教育新生入学报名", "不收费", "0571-87000000").await;
        assert_eq!(r.status(), 303);
        let r = guide("转学申请", "", "").await;
        assert_eq!(r.status(), 303, "an incomplete guide is saved");
        let incomplete_url = r.headers()["location"].to_str().unwrap().to_string();
        let r = guide("坏电话", "不收费", "打热线").await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("咨询电话只能包含数字"));
        // Department B's editor may not write guides for department A.
        let (editor_b, bcsrf) = w.sign_in("editor_b").await;
        let r = editor_b
            .post(w.url("/admin/service-guides"))
            .form(&[
                ("csrf", bcsrf.as_str()),
                ("name", "x"),
                ("org_id", org.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // The completeness check lists what each guide lacks.
        let (_, list) = get_text(&editor, w.url("/admin/service-guides")).await;
        assert!(
            list.contains("其中 <strong>1</strong> 项要素不全"),
            "{list}"
        );
        assert!(list.contains("收费标准、咨询电话"));
        let (_, form) = get_text(&editor, w.url(&incomplete_url)).await;
        assert!(form.contains("缺少收费标准、咨询电话"), "{form}");

        let http = client();
        let (s, public) = get_text(&http, w.url("/service-guides?q=%E5%85%A5%E5%AD%A6")).await;
        assert_eq!(s, 200);
        assert!(
            public.contains("共 <strong>1</strong> 项") && public.contains("义务教育新生入学报名"),
            "{public}"
        );
        let id = incomplete_url.rsplit('/').next().unwrap();
        let (s, page) = get_text(&http, w.url(&format!("/service-guides/{id}"))).await;
        assert_eq!(s, 200);
        assert!(
            page.contains(
                "<th scope=\"row\">收费标准</th><td><span class=\"empty\">暂未提供</span>"
            ),
            "{page}"
        );
        assert!(page.contains("户口簿\n房产证明"));
        let (s, _) = get_text(&http, w.url("/service-guides?colour=red")).await;
        assert_eq!(s, 400);

        // Search finds guides as their own kind.
        let mut found = serde_json::Value::Null;
        for _ in 0..50 {
            found = http
                .get(w.url("/api/v1/search?q=%E8%BD%AC%E5%AD%A6&kind=service_guide"))
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

        // Counted per year and level.
        let year = chrono::Utc::now().format("%Y").to_string();
        let counts: serde_json::Value = http
            .get(w.url(&format!("/api/v1/key-areas/counts/{year}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(counts["service_guides"]["total"], 2, "{counts}");
        assert_eq!(counts["service_guides"]["by_level"]["city"], 2);

        // Taken offline: gone from the list, the page and the count.
        let r = editor
            .post(w.url(&format!("{incomplete_url}/delete")))
            .form(&[("csrf", ecsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (s, _) = get_text(&http, w.url(&format!("/service-guides/{id}"))).await;
        assert_eq!(s, 404);
        let counts: serde_json::Value = http
            .get(w.url(&format!("/api/v1/key-areas/counts/{year}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(counts["service_guides"]["total"], 1);
    });
}

#[test]
fn gazette_issue_contents_publication_rule_archive_and_item_link() {
    on_each_database(|w| async move {
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        let (reviewer, rcsrf) = w.sign_in("reviewer_a").await;
        let rule = publish_item(
            &w,
            (&editor, &ecsrf),
            (&reviewer, &rcsrf),
            "示范市校车安全管理办法",
            "",
            &["website", "gazette"],
        )
        .await;
        let draft = w
            .draft(
                &editor,
                &ecsrf,
                w.dept_a,
                w.site_a,
                w.column_a,
                "尚在审核的规范性文件",
            )
            .await;
        // The gazette is the city government's: a department editor may not compose it.
        let (s, _) = get_text(&editor, w.url("/admin/gazette")).await;
        assert_eq!(s, 403);

        let (admin, csrf) = w.sign_in("admin").await;
        let r = admin
            .post(w.url("/admin/gazette"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("year", "2026"),
                ("number", "3"),
                ("issued_on", "2025-03-15"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "the date must fall in the issue's year");
        let r = admin
            .post(w.url("/admin/gazette"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("year", "2026"),
                ("number", "3"),
                ("issued_on", "2026-03-15"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let issue = r.headers()["location"].to_str().unwrap().to_string();
        let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
            let admin = admin.clone();
            let url = w.url(&format!("{issue}/{path}"));
            let csrf = csrf.clone();
            async move {
                let mut f = fields;
                f.push(("csrf", csrf));
                let r = admin.post(url).form(&f).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        assert_eq!(
            post("add", vec![("item_id", draft.to_string())]).await.0,
            303
        );
        assert_eq!(
            post("add", vec![("item_id", rule.to_string())]).await.0,
            303
        );
        assert_eq!(post("add", vec![("item_id", "abc".into())]).await.0, 422);
        assert_eq!(
            post(
                "move",
                vec![("item_id", rule.to_string()), ("direction", "up".into())]
            )
            .await
            .0,
            303
        );
        // Not yet public.
        let http = client();
        let (s, _) = get_text(&http, w.url("/gazette/2026/3")).await;
        assert_eq!(s, 404);
        // An issue carrying an unpublished item cannot be published.
        let (s, html) = post("publish", vec![]).await;
        assert_eq!(s, 422);
        assert!(
            html.contains("以下信息尚未发布，本期公报不能发布：《尚在审核的规范性文件》"),
            "{html}"
        );
        assert_eq!(
            post("remove", vec![("item_id", draft.to_string())]).await.0,
            303
        );
        assert_eq!(post("publish", vec![]).await.0, 303);
        // Published contents are fixed.
        assert_eq!(
            post("add", vec![("item_id", draft.to_string())]).await.0,
            409
        );

        let (s, page) = get_text(&http, w.url("/gazette/2026/3")).await;
        assert_eq!(s, 200);
        assert!(
            page.contains(&format!(
                "href=\"/items/{rule}\">示范市校车安全管理办法</a>"
            )),
            "{page}"
        );
        assert!(!page.contains("尚在审核的规范性文件"));
        // The print edition: a PDF with the same items, contents and running header.
        assert!(page.contains("href=\"/gazette/2026/3/pdf\""));
        let r = http.get(w.url("/gazette/2026/3/pdf")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let pdf = r.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        if std::process::Command::new("pdftotext")
            .arg("-v")
            .output()
            .is_ok()
        {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("g.pdf");
            std::fs::write(&path, &pdf).unwrap();
            let out = std::process::Command::new("pdftotext")
                .arg(&path)
                .arg("-")
                .output()
                .unwrap();
            let text: String = String::from_utf8_lossy(&out.stdout)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            for wanted in ["公报", "2026年第3期", "目录", "示范市校车安全管理办法"]
            {
                assert!(text.contains(wanted), "“{wanted}” not in the PDF: {text}");
            }
            assert!(!text.contains("尚在审核的规范性文件"));
        } else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "pdftotext missing"
            );
        }
        assert_eq!(
            get_text(&http, w.url("/gazette/2026/4/pdf")).await.0,
            404,
            "no such issue"
        );
        let (_, archive) = get_text(&http, w.url("/gazette")).await;
        assert!(
            archive.contains("href=\"/gazette/2026/3\">政府公报 2026年第3期</a>"),
            "{archive}"
        );
        let (_, item) = get_text(&http, w.url(&format!("/items/{rule}"))).await;
        assert!(
            item.contains("刊载于<a href=\"/gazette/2026/3\">《政府公报》2026年第3期</a>"),
            "{item}"
        );
        let (s, _) = get_text(&http, w.url("/gazette?year=abc")).await;
        assert_eq!(s, 400);

        // Searchable as its own kind.
        let mut found = serde_json::Value::Null;
        for _ in 0..50 {
            found = http
                .get(w.url("/api/v1/search?q=%E6%A0%A1%E8%BD%A6&kind=gazette"))
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
        let counts: serde_json::Value = http
            .get(w.url("/api/v1/key-areas/counts/2026"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(counts["gazette"]["issues"], 1, "{counts}");
        assert_eq!(counts["gazette"]["items"], 1);
    });
}

#[test]
fn case_statuses_are_imported_and_looked_up_by_number() {
    on_each_database(|w| async move {
        let http = client();
        let org = org_code(&w, w.dept_a);
        let body = [
            serde_json::json!({"case_number": "SF-2026-000123", "service_name": "城乡居民基本养老保险参保登记",
                               "org_code": org, "status": "办理中", "received_on": "2026-03-02", "due_on": "2026-03-09"}).to_string(),
            serde_json::json!({"case_number": "SF-2026-000124", "service_name": "x", "org_code": org,
                               "status": "已办结", "received_on": "2026-03-02"}).to_string(),
            serde_json::json!({"case_number": "SF-2026-000125", "applicant_name": "张三"}).to_string(),
        ]
        .join("\n");
        let r = http
            .post(w.url("/api/v1/service-cases/import"))
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        // Department B's editor may not report department A's cases.
        let r: serde_json::Value = http
            .post(w.url("/api/v1/service-cases/import"))
            .bearer_auth(token_of(&w, "editor_b"))
            .body(body.clone())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["created"], 0, "{r}");
        let r: serde_json::Value = http
            .post(w.url("/api/v1/service-cases/import"))
            .bearer_auth(token_of(&w, "editor_a"))
            .body(body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["created"], 1, "{r}");
        let lines: Vec<i64> = r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["line"].as_i64().unwrap())
            .collect();
        assert_eq!(lines, [2, 3], "{r}");
        assert!(r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("completed_on"));

        let (s, page) = get_text(&http, w.url("/service-cases?number=sf-2026-000123")).await;
        assert_eq!(s, 200);
        assert!(
            page.contains("<strong>办理中</strong>") && page.contains("2026-03-09"),
            "{page}"
        );
        assert!(page.contains("城乡居民基本养老保险参保登记"));
        let (_, page) = get_text(&http, w.url("/service-cases?number=SF-0")).await;
        assert!(page.contains("没有找到该编号的办件"));
        let (s, page) = get_text(&http, w.url("/service-cases")).await;
        assert_eq!(s, 200);
        assert!(!page.contains("没有找到"));
    });
}

#[test]
fn media_accounts_one_per_unit_and_stale_ones_flagged() {
    on_each_database(|w| async move {
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        let org = w.dept_a.to_string();
        let register = |platform: &'static str, name: &'static str, last: &'static str| {
            let editor = editor.clone();
            let url = w.url("/admin/media-accounts");
            let (csrf, org) = (ecsrf.clone(), org.clone());
            async move {
                let r = editor
                    .post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("org_id", org.as_str()),
                        ("platform", platform),
                        ("name", name),
                        ("last_updated_on", last),
                    ])
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let today = chrono::Utc::now().date_naive();
        let recent = Box::leak(
            (today - chrono::Duration::days(2))
                .to_string()
                .into_boxed_str(),
        );
        let old = Box::leak(
            (today - chrono::Duration::days(40))
                .to_string()
                .into_boxed_str(),
        );
        assert_eq!(register("wechat", "示范教育发布", recent).await.0, 303);
        assert_eq!(register("weibo", "示范教育", old).await.0, 303);
        let (s, html) = register("wechat", "示范教育二号", recent).await;
        assert_eq!(s, 422);
        assert!(html.contains("每个单位每个平台只能开设一个账号"), "{html}");
        let (_, page) = get_text(&editor, w.url("/admin/media-accounts")).await;
        assert!(page.contains("当前 <strong>1</strong> 个"), "{page}");
        // Department B's editor sees none of them and may not register for department A.
        let (editor_b, bcsrf) = w.sign_in("editor_b").await;
        let (_, page_b) = get_text(&editor_b, w.url("/admin/media-accounts")).await;
        assert!(!page_b.contains("示范教育发布"));
        let r = editor_b
            .post(w.url("/admin/media-accounts"))
            .form(&[
                ("csrf", bcsrf.as_str()),
                ("org_id", org.as_str()),
                ("platform", "app"),
                ("name", "x"),
                ("last_updated_on", recent),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // The period is a setting: at 60 days nothing is stale.
        let (admin, acsrf) = w.sign_in("admin").await;
        let r = admin
            .post(w.url("/admin/media-accounts/settings"))
            .form(&[("csrf", acsrf.as_str()), ("stale_days", "60")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, page) = get_text(&editor, w.url("/admin/media-accounts")).await;
        assert!(
            page.contains("超过 60 天未更新") && page.contains("当前 <strong>0</strong> 个"),
            "{page}"
        );
        let r = editor
            .post(w.url("/admin/media-accounts/settings"))
            .form(&[("csrf", ecsrf.as_str()), ("stale_days", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    });
}
