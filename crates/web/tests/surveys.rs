//! 征集调查 over HTTP, on SQLite and on PostgreSQL: an editor creates and publishes a survey; the
//! public answers it once (a second answer is refused politely), bad answers get field errors, a
//! closed survey refuses answers and shows its results; exports are for the owner only and audited;
//! the form is rate-limited; the survey is found by search.

mod support;

use std::time::{Duration, Instant};

use gongkai_storage::audit::{self, AuditQuery};
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

fn china(offset_days: i64) -> String {
    (chrono::Utc::now().naive_utc() + chrono::Duration::hours(8 + 24 * offset_days))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

const QUESTIONS: &str = "[单选*] 您对本市公交服务是否满意？\n- 满意\n- 基本满意\n- 不满意\n[多选] 您常乘坐的线路\n- 常规公交\n- 夜班线路\n[文本] 其他意见<script>alert(1)</script>";

async fn create_survey(
    w: &World,
    c: &reqwest::Client,
    csrf: &str,
    title: &str,
    closes_in_days: i64,
) -> i64 {
    let r = c
        .post(w.url("/admin/surveys"))
        .form(&[
            ("csrf", csrf),
            ("org_id", &w.dept_a.to_string()),
            ("title", title),
            ("intro", "请如实填写。<b>谢谢</b>"),
            ("questions", QUESTIONS),
            ("opens_at", &china(-1)),
            ("closes_at", &china(closes_in_days)),
            ("flags", "one_per_person"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = loc.rsplit('/').next().unwrap().parse().unwrap();
    let r = c
        .post(w.url(&format!("/admin/surveys/{id}/publish")))
        .form(&[("csrf", csrf), ("action", "publish")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    id
}

async fn answer(w: &World, c: &reqwest::Client, id: i64, pairs: &[(&str, &str)]) -> (u16, String) {
    let page = c
        .get(w.url(&format!("/surveys/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend_from_slice(pairs);
    let r = c
        .post(w.url(&format!("/surveys/{id}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[test]
fn public_answers_once_closed_survey_refuses_and_owner_exports() {
    on_each_database(|w| async move {
        let (editor, csrf) = w.sign_in("editor_a").await;

        // Bad survey text: field errors, input kept.
        let r = editor
            .post(w.url("/admin/surveys"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("org_id", &w.dept_a.to_string()),
                ("title", "缺选项的调查"),
                ("questions", "[单选] 满意吗\n- 是"),
                ("opens_at", &china(-1)),
                ("closes_at", &china(-2)),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("至少需要两个选项") && html.contains("结束时间应晚于开始时间"));
        assert!(html.contains("value=\"缺选项的调查\""));
        // Another department's organisation is refused as a field error.
        let r = editor
            .post(w.url("/admin/surveys"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("org_id", &w.dept_b.to_string()),
                ("title", "越权"),
                ("questions", QUESTIONS),
                ("opens_at", &china(-1)),
                ("closes_at", &china(1)),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("您无权以该单位名义发布调查"));

        let id = create_survey(&w, &editor, &csrf, "公交服务满意度调查", 3).await;

        // The public list and page; text is escaped, not run.
        let list = client()
            .get(w.url("/surveys"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(list.contains(&format!("<a href=\"/surveys/{id}\">公交服务满意度调查</a>")));
        let citizen = client();
        let page = citizen
            .get(w.url(&format!("/surveys/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("type=\"radio\" id=\"f-q1-1\" name=\"q1\" value=\"1\""));
        assert!(!page.contains("<script>alert(1)</script>") && page.contains("&lt;script&gt;"));
        assert!(!page.contains("<b>谢谢</b>"));
        assert!(
            page.contains("调查结束后公布结果"),
            "results hidden while open"
        );

        // Without the form token: refused.
        let r = client()
            .post(w.url(&format!("/surveys/{id}")))
            .form(&[("csrf", "forged"), ("q1", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // Missing required answer: field error, choices kept.
        let (status, html) = answer(&w, &citizen, id, &[("q2", "2"), ("q3", "多开夜班车")]).await;
        assert_eq!(status, 422);
        assert!(html.contains("<a href=\"#f-q1\">此题为必答题，请选择</a>"));
        assert!(html.contains("value=\"2\" checked") && html.contains(">多开夜班车</textarea>"));

        // A good answer, then a second one from the same person: refused politely.
        let (status, html) = answer(
            &w,
            &citizen,
            id,
            &[("q1", "1"), ("q2", "1"), ("q2", "2"), ("q3", "=多开夜班车")],
        )
        .await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("提交成功，感谢您参与本次调查"));
        let (status, html) = answer(&w, &citizen, id, &[("q1", "3")]).await;
        assert_eq!(status, 409);
        assert!(html.contains("您已参与过本次调查"));
        // Someone else may answer.
        let (status, _) = answer(&w, &client(), id, &[("q1", "3")]).await;
        assert_eq!(status, 200);

        // Exports: the owner gets both formats, another department's editor does not.
        let csv = editor
            .get(w.url(&format!("/admin/surveys/{id}/export.csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let text = csv.text().await.unwrap();
        assert!(text.contains("1. 您对本市公交服务是否满意？"), "{text}");
        assert!(
            text.contains("满意,常规公交；夜班线路,'=多开夜班车"),
            "{text}"
        );
        assert!(text.contains("不满意,,"), "{text}");
        let xlsx = editor
            .get(w.url(&format!("/admin/surveys/{id}/export.xlsx")))
            .send()
            .await
            .unwrap();
        assert_eq!(xlsx.status(), 200);
        assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
        let (other, _) = w.sign_in("editor_b").await;
        for path in ["export.csv", "export.xlsx", "edit"] {
            let r = other
                .get(w.url(&format!("/admin/surveys/{id}/{path}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "{path}");
        }
        let view = editor
            .get(w.url(&format!("/admin/surveys/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            view.contains("<td>满意</td><td>1</td><td>50.0%</td>"),
            "{view}"
        );

        // Close it (questions unchanged): answers refused, results public with charts and tables.
        let r = editor
            .post(w.url(&format!("/admin/surveys/{id}")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("org_id", &w.dept_a.to_string()),
                ("title", "公交服务满意度调查"),
                ("intro", "请如实填写。<b>谢谢</b>"),
                ("questions", QUESTIONS),
                ("opens_at", &china(-3)),
                ("closes_at", &china(-1)),
                ("flags", "one_per_person"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        // A form loaded before the close and sent after it: refused, results shown.
        let r = citizen
            .post(w.url(&format!("/surveys/{id}")))
            .form(&[("csrf", csrf_of(&page).as_str()), ("q1", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let html = r.text().await.unwrap();
        assert!(html.contains("不能再提交答卷"));
        assert!(html.contains("共收到有效答卷 2 份"));
        assert!(html.contains("<svg") && html.contains("<td>不满意</td><td>1</td><td>50.0%</td>"));

        // Every step is in the audit log.
        let mut c = w.db.conn().unwrap();
        let log = audit::list(
            &mut c,
            &AuditQuery {
                entity: Some("survey".into()),
                page: 1,
                per_page: 50,
                ..Default::default()
            },
        )
        .unwrap();
        let actions: Vec<&str> = log.rows.iter().map(|e| e.action.as_str()).collect();
        for want in [
            "survey.create",
            "survey.publish",
            "survey.export",
            "survey.update",
        ] {
            assert!(actions.contains(&want), "{actions:?}");
        }

        // Search finds the published survey through the outbox.
        let started = Instant::now();
        loop {
            let r: serde_json::Value = client()
                .get(w.url(&format!(
                    "/api/v1/search?q={}",
                    urlencoding::encode("公交服务满意度")
                )))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if r["hits"]
                .as_array()
                .is_some_and(|h| h.iter().any(|h| h["url"] == format!("/surveys/{id}")))
            {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "survey not searchable after 5 s: {r}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // Withdrawn: gone from the public site.
        let r = editor
            .post(w.url(&format!("/admin/surveys/{id}/publish")))
            .form(&[("csrf", csrf.as_str()), ("action", "withdraw")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = client()
            .get(w.url(&format!("/surveys/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    });
}

#[test]
fn the_answer_form_is_rate_limited() {
    on_each_database(|w| async move {
        let (editor, csrf) = w.sign_in("editor_a").await;
        let id = create_survey(&w, &editor, &csrf, "限流测试", 3).await;
        let c = client();
        let page = c
            .get(w.url(&format!("/surveys/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = csrf_of(&page);
        let mut statuses = Vec::new();
        for _ in 0..12 {
            let r = c
                .post(w.url(&format!("/surveys/{id}")))
                .form(&[("csrf", token.as_str())])
                .send()
                .await
                .unwrap();
            statuses.push(r.status().as_u16());
        }
        assert!(statuses[..10].iter().all(|s| *s == 422), "{statuses:?}");
        assert_eq!(statuses[10], 429, "{statuses:?}");
    });
}
