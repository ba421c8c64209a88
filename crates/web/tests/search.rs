//! Search over HTTP: the editors' user dictionary (a word added on the search-tools page changes
//! how queries are cut on a running server, through the outbox, no restart), text attachments,
//! and bad input on the page and the API. Its own test binary, and its tests one at a time,
//! because the segmentation dictionary is process-wide and every server start applies its
//! database's word list.

mod support;

use std::time::{Duration, Instant};

use support::{client, databases, start, World};

static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn on_each_database<F, Fut>(scenario: F)
where
    F: Fn(World) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for db in databases() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let w = start(db).await;
            scenario(w).await;
        });
    }
}

/// A programme name no dictionary holds whole (queries read it as 阳光 采购 平台).
const WORD: &str = "阳光采购平台";

async fn text(c: &reqwest::Client, url: String) -> String {
    c.get(url).send().await.unwrap().text().await.unwrap()
}

#[test]
fn an_added_user_word_changes_query_segmentation_without_a_restart() {
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
                &format!("关于推广{WORD}的通知"),
            )
            .await;
        for (c, t, a) in [
            (&editor, &ecsrf, "submit"),
            (&reviewer, &rcsrf, "approve"),
            (&reviewer, &rcsrf, "publish"),
        ] {
            assert_eq!(w.act(c, t, id, a, "").await, 303);
        }
        let (admin, csrf) = w.sign_in("admin").await;
        let preview = format!("/admin/search?try={}", urlencoding::encode(WORD));
        let whole = format!("<strong>{WORD}</strong>");
        let before = text(&admin, w.url(&preview)).await;
        assert!(before.contains("检索时须匹配"), "{before}");
        assert!(!before.contains(&whole), "cut into pieces before");

        // Editors without site rights may not change the dictionary; forms need the token.
        let r = editor
            .post(w.url("/admin/search/words"))
            .form(&[("csrf", ecsrf.as_str()), ("words", WORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = admin
            .post(w.url("/admin/search/words"))
            .form(&[("csrf", "wrong"), ("words", WORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // Bad input: a field error, the input kept.
        let r = admin
            .post(w.url("/admin/search/words"))
            .form(&[("csrf", csrf.as_str()), ("words", "码")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("每个词 2 至 20 个字") && page.contains("value=\"码\""));

        let r = admin
            .post(w.url("/admin/search/words"))
            .form(&[("csrf", csrf.as_str()), ("words", WORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        // Applied by the follower through the outbox, like synonyms: no restart.
        let started = Instant::now();
        loop {
            let page = text(&admin, w.url(&preview)).await;
            if page.contains(&whole) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "word not applied: {page}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The item indexed before the word existed is still found by it.
        let api = w.url(&format!("/api/v1/search?q={}", urlencoding::encode(WORD)));
        let found = |r: serde_json::Value| r["hits"][0]["url"] == format!("/items/{id}");
        let r: serde_json::Value = client()
            .get(&api)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(found(r.clone()), "{r}");

        // Re-tokenising is requested for every node and audited.
        let r = admin
            .post(w.url("/admin/search/retokenize"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let back = r.headers()["location"].to_str().unwrap().to_string();
        assert!(text(&admin, w.url(&back))
            .await
            .contains("已通知各服务器重新分词"));
        // The follower re-tokenises on its next pass; the item must be found once it has (a
        // loaded machine can take longer than one pass, hence the poll rather than one sleep).
        let started = Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let r: serde_json::Value = client()
                .get(&api)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if found(r.clone()) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "not found after re-tokenising: {r}"
            );
        }

        // Removing the word takes it out of the dictionary again, on the running server.
        let page = text(&admin, w.url("/admin/search")).await;
        let del = page
            .split("action=\"/admin/search/words/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|s| format!("/admin/search/words/{s}"))
            .expect("a delete button per word");
        let r = admin
            .post(w.url(&del))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let started = Instant::now();
        while text(&admin, w.url(&preview)).await.contains(&whole) {
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "word not removed"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        let mut conn = w.db.conn().unwrap();
        let q = gongkai_storage::audit::AuditQuery {
            entity: Some("search".into()),
            page: 1,
            per_page: 50,
            ..Default::default()
        };
        let actions: Vec<String> = gongkai_storage::audit::list(&mut conn, &q)
            .unwrap()
            .rows
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            [
                "search.user_words.remove",
                "search.retokenize",
                "search.user_words.add"
            ]
        );
    });
}

async fn publish(w: &World, title: &str, attachment: Option<(&str, Vec<u8>)>) -> i64 {
    let (editor, ecsrf) = w.sign_in("editor_a").await;
    let (reviewer, rcsrf) = w.sign_in("reviewer_a").await;
    let id = w
        .draft(&editor, &ecsrf, w.dept_a, w.site_a, w.column_a, title)
        .await;
    if let Some((name, bytes)) = attachment {
        let form = reqwest::multipart::Form::new()
            .text("csrf", ecsrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        let r = editor
            .post(w.url(&format!("/admin/items/{id}/attachments")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
    }
    for (c, t, a) in [
        (&editor, &ecsrf, "submit"),
        (&reviewer, &rcsrf, "approve"),
        (&reviewer, &rcsrf, "publish"),
    ] {
        assert_eq!(w.act(c, t, id, a, "").await, 303);
    }
    id
}

async fn api(w: &World, qs: &str) -> (u16, serde_json::Value) {
    let r = client()
        .get(w.url(&format!("/api/v1/search?{qs}")))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn wait_total(w: &World, q: &str, want: u64) -> serde_json::Value {
    let started = Instant::now();
    loop {
        let (_, r) = api(w, &format!("q={}", urlencoding::encode(q))).await;
        if r["total"].as_u64() == Some(want) {
            return r;
        }
        assert!(started.elapsed() < Duration::from_secs(3), "{q}: {r}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Point 2: the text of plain-text attachments is searchable, in UTF-8 and in the GBK that
/// office software still saves; other attachments are not read.
#[test]
fn text_attachments_make_their_item_findable() {
    on_each_database(|w| async move {
        let utf8 = publish(
            &w,
            "关于公布收费项目的通知",
            Some((
                "收费目录.txt",
                "附件：停车泊位收费标准一览".as_bytes().to_vec(),
            )),
        )
        .await;
        let (gbk, _, _) = encoding_rs::GBK.encode("附件：殡葬服务收费标准一览");
        let gbk_id = publish(
            &w,
            "关于公布殡葬收费的通知",
            Some(("殡葬收费.csv", gbk.into_owned())),
        )
        .await;
        publish(
            &w,
            "关于公布其他收费的通知",
            Some(("其他.pdf", "%PDF-1.4 环卫作业收费标准".as_bytes().to_vec())),
        )
        .await;
        let r = wait_total(&w, "停车泊位", 1).await;
        assert_eq!(r["hits"][0]["url"], format!("/items/{utf8}"));
        let r = wait_total(&w, "殡葬服务收费", 1).await;
        assert_eq!(r["hits"][0]["url"], format!("/items/{gbk_id}"));
        assert_eq!(wait_total(&w, "环卫作业", 0).await["total"], 0);
    });
}

/// The bad-input list over HTTP: a clear message and an empty or corrected result, never
/// a 500.
#[test]
fn bad_search_input_gets_a_clear_answer_never_a_500() {
    on_each_database(|w| async move {
        publish(&w, "关于调整最低生活保障标准的通知", None).await;
        wait_total(&w, "生活保障", 1).await;
        let page = |qs: String| {
            let url = w.url(&format!("/search?{qs}"));
            async move {
                let r = client().get(url).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let enc = |s: &str| urlencoding::encode(s).into_owned();
        // Empty: the page simply asks; the API refuses with a message.
        let (s, html) = page("q=".into()).await;
        assert_eq!(s, 200);
        assert!(html.contains("name=\"q\""));
        let (s, j) = api(&w, "q=").await;
        assert_eq!(s, 400);
        assert!(
            j["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("检索词"),
            "{j}"
        );
        for (q, says) in [
            ("政".repeat(201), "检索词过长"),
            ("，。、！？".to_string(), "标点符号"),
            ("-低保".to_string(), "排除词"),
        ] {
            let (s, html) = page(format!("q={}", enc(&q))).await;
            assert_eq!(s, 200, "{q}");
            assert!(html.contains(says), "{q}: page says why");
            let (s, j) = api(&w, &format!("q={}", enc(&q))).await;
            assert_eq!(s, 400, "{q}: {j}");
        }
        // An unbalanced quote is dropped and said so; the result is the corrected query's.
        let (s, j) = api(&w, &format!("q={}", enc("\"生活保障"))).await;
        assert_eq!(s, 200);
        assert_eq!(j["total"], 1);
        let (_, html) = page(format!("q={}", enc("\"生活保障"))).await;
        assert!(html.contains("引号"));
        // A page past the end is empty, with the total still right.
        let (s, j) = api(&w, &format!("q={}&page=99", enc("生活保障"))).await;
        assert_eq!(s, 200);
        assert_eq!(j["total"], 1);
        assert_eq!(j["hits"].as_array().unwrap().len(), 0);
        let (s, _) = page(format!("q={}&page=99999999999", enc("生活保障"))).await;
        assert_eq!(s, 200);
        // Unknown parameters and unusable values: 422 naming them.
        let (s, j) = api(&w, "q=a&colour=red&page=x").await;
        assert_eq!(s, 422);
        let msg = j["error"]["message"].as_str().unwrap_or_default();
        assert!(msg.contains("colour") && msg.contains("page"), "{msg}");
        let (s, html) = page("q=a&colour=red".into()).await;
        assert_eq!(s, 422);
        assert!(html.contains("colour"));
    });
}
