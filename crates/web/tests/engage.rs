//! 在线访谈, 新闻发布会 and 公开征求意见 over HTTP, on SQLite and on PostgreSQL: staff create and publish
//! them; the public asks questions and comments (field errors, rate limits); moderation and
//! decisions show on the public pages; transcripts are sanitised; the feedback report is published.

mod support;

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

fn china(offset_hours: i64) -> String {
    (chrono::Utc::now().naive_utc() + chrono::Duration::hours(8 + offset_hours))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn page(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn id_from(r: &reqwest::Response) -> i64 {
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
fn interview_questions_are_moderated_and_answered_and_conferences_published() {
    on_each_database(|w| async move {
        let (editor, csrf) = w.sign_in("editor_a").await;
        let r = editor
            .post(w.url("/admin/events/interview"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("org_id", &w.dept_a.to_string()),
                ("title", "聚焦义务教育招生"),
                ("starts_at", &china(24)),
                ("ends_at", &china(26)),
                ("people", "张三 市教育局局长"),
                ("summary", "解读今年招生政策。"),
                ("transcript_html", "<p>主持人：各位网友好。</p><script>alert(1)</script><img src=x onerror=alert(2)>"),
                ("media", "访谈视频 | https://v.example.gov.cn/1.mp4"),
                ("accepts_questions", "on"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        let id = id_from(&r);
        let r = editor
            .post(w.url(&format!("/admin/events/interview/{id}/publish")))
            .form(&[("csrf", csrf.as_str()), ("action", "publish")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);

        // The public page: sanitised transcript, the question form.
        let citizen = client();
        let (status, html) = page(&citizen, w.url(&format!("/interviews/{id}"))).await;
        assert_eq!(status, 200);
        assert!(html.contains("<p>主持人：各位网友好。</p>"));
        assert!(!html.contains("<script>alert(1)") && !html.contains("onerror"));
        assert!(html.contains("我要提问"));
        let token = csrf_of(&html);
        let ask = |body: &'static str| {
            let c = citizen.clone();
            let url = w.url(&format!("/interviews/{id}"));
            let token = token.clone();
            async move {
                let r = c
                    .post(url)
                    .form(&[
                        ("csrf", token.as_str()),
                        ("nickname", "家长"),
                        ("body", body),
                    ])
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (status, html) = ask("短").await;
        assert_eq!(status, 422);
        assert!(html.contains("<a href=\"#f-body\">请填写您的问题（至少 5 个字）</a>"));
        let (status, html) = ask("学区划分什么时候公布？").await;
        assert_eq!(status, 200);
        assert!(html.contains("提问已提交"));
        // Pending questions are not public.
        assert!(!html.contains("学区划分什么时候公布？"));

        // Another department's editor cannot moderate; the owner answers.
        let (other, other_csrf) = w.sign_in("editor_b").await;
        let (status, _) = page(&other, w.url(&format!("/admin/events/interview/{id}"))).await;
        assert_eq!(status, 403);
        let (_, admin_page) = page(&editor, w.url(&format!("/admin/events/interview/{id}"))).await;
        let at = admin_page.find("/questions/").expect("a question form");
        let qid: String = admin_page[at + 11..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let q_url = w.url(&format!("/admin/events/interview/{id}/questions/{qid}"));
        let r = other
            .post(&q_url)
            .form(&[
                ("csrf", other_csrf.as_str()),
                ("action", "accept"),
                ("answer", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = editor
            .post(&q_url)
            .form(&[
                ("csrf", csrf.as_str()),
                ("action", "answer"),
                ("answer", "6 月 30 日前公布。"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, html) = page(&client(), w.url(&format!("/interviews/{id}"))).await;
        assert!(html.contains("学区划分什么时候公布？") && html.contains("6 月 30 日前公布。"));

        // A press conference: no question form; listed.
        let r = editor
            .post(w.url("/admin/events/press_conference"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("org_id", &w.dept_a.to_string()),
                ("title", "秋季开学工作新闻发布会"),
                ("starts_at", &china(-5)),
                ("ends_at", &china(-4)),
                ("people", "李四 市教育局副局长"),
                ("transcript_html", "<p>发布会实录</p>"),
                ("media", "新闻稿 | https://www.example.gov.cn/press.pdf"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let pc = id_from(&r);
        editor
            .post(w.url(&format!("/admin/events/press_conference/{pc}/publish")))
            .form(&[("csrf", csrf.as_str()), ("action", "publish")])
            .send()
            .await
            .unwrap();
        let (status, html) = page(&client(), w.url(&format!("/press-conferences/{pc}"))).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("发布人")
                && html.contains("李四 市教育局副局长")
                && !html.contains("我要提问")
        );
        assert!(html.contains("href=\"https://www.example.gov.cn/press.pdf\""));
        let (_, list) = page(&client(), w.url("/press-conferences")).await;
        assert!(list.contains("秋季开学工作新闻发布会"));
        // An interview id under the press-conference address is not found.
        let (status, _) = page(&client(), w.url(&format!("/press-conferences/{id}"))).await;
        assert_eq!(status, 404);
    });
}

#[test]
fn consultation_comments_anchor_to_sections_and_the_report_is_published() {
    on_each_database(|w| async move {
        let (editor, csrf) = w.sign_in("editor_a").await;
        let draft = "为规范校外培训，制定本办法。\n第一条 为了规范校外培训机构，制定本办法。\n第二条 培训时间不得晚于 20:30。";
        let form = |opens: i64, closes: i64| {
            vec![
                ("csrf", csrf.clone()),
                ("org_id", w.dept_a.to_string()),
                ("title", "《校外培训管理办法（征求意见稿）》".to_string()),
                ("intro", "欢迎提出意见。".to_string()),
                ("draft", draft.to_string()),
                ("opens_at", china(opens)),
                ("closes_at", china(closes)),
            ]
        };
        let r = editor
            .post(w.url("/admin/consultations"))
            .form(&form(-1, 48))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        let id = id_from(&r);
        editor
            .post(w.url(&format!("/admin/consultations/{id}/publish")))
            .form(&[("csrf", csrf.as_str()), ("action", "publish")])
            .send()
            .await
            .unwrap();

        let citizen = client();
        let (status, html) = page(&citizen, w.url(&format!("/consultations/{id}?section=2"))).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("<div class=\"draft-section\" id=\"s3\">")
                && html.contains("<h3>第二条</h3>")
        );
        assert!(
            html.contains("<option value=\"2\" selected>第二条</option>"),
            "the section link preselects it"
        );
        let token = csrf_of(&html);
        let send = |section: &'static str, body: &'static str| {
            let c = citizen.clone();
            let url = w.url(&format!("/consultations/{id}"));
            let token = token.clone();
            async move {
                let r = c
                    .post(url)
                    .form(&[
                        ("csrf", token.as_str()),
                        ("section", section),
                        ("body", body),
                        ("nickname", ""),
                        ("contact", "13812345678"),
                    ])
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (status, html) = send("9", "建议放宽到 21:00。").await;
        assert_eq!(status, 422);
        assert!(
            html.contains("请选择意见针对的条款")
                && html.contains(">建议放宽到 21:00。</textarea>")
        );
        let (status, html) = send("2", "建议放宽到 21:00。").await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("意见已提交"));
        assert!(html.contains("已收到意见 1 条"));
        assert!(!html.contains("13812345678"), "the contact is never shown");

        // The report waits for the close and for every decision.
        let report_url = w.url(&format!("/admin/consultations/{id}/report"));
        let r = editor
            .post(&report_url)
            .form(&[("csrf", csrf.as_str()), ("report", "共收到意见 1 条。")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("征求意见结束后才能发布采纳情况"));
        let r = editor
            .post(w.url(&format!("/admin/consultations/{id}")))
            .form(&form(-72, -1))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (status, _) = send("2", "结束以后的意见。").await;
        assert_eq!(status, 409);
        let (_, view) = page(&editor, w.url(&format!("/admin/consultations/{id}"))).await;
        let at = view.find("/comments/").expect("a decision form");
        let cid: String = view[at + 10..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let decide_url = w.url(&format!("/admin/consultations/{id}/comments/{cid}"));
        let r = editor
            .post(&decide_url)
            .form(&[
                ("csrf", csrf.as_str()),
                ("adoption", "not_adopted"),
                ("reason", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "a refusal needs a reason");
        let r = editor
            .post(&decide_url)
            .form(&[
                ("csrf", csrf.as_str()),
                ("adoption", "not_adopted"),
                ("reason", "与中小学生睡眠时间要求不符。"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = editor
            .post(&report_url)
            .form(&[
                ("csrf", csrf.as_str()),
                ("report", "共收到意见 1 条，未采纳 1 条。"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, html) = page(&client(), w.url(&format!("/consultations/{id}"))).await;
        assert!(
            html.contains("意见采纳情况")
                && html.contains("<td>未采纳</td><td>与中小学生睡眠时间要求不符。</td>")
        );
        assert!(html.contains("其中采纳 0 条，部分采纳 0 条，未采纳 1 条"));
        assert!(!html.contains("提交意见</button>"), "closed: no form");
    });
}

fn file_form(csrf: &str, name: &str, bytes: &[u8], mime: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec())
                .file_name(name.to_string())
                .mime_str(mime)
                .unwrap(),
        )
}

#[test]
fn press_conference_files_are_uploaded_served_with_their_type_and_removed() {
    on_each_database(|w| async move {
        let (editor, csrf) = w.sign_in("editor_a").await;
        let r = editor
            .post(w.url("/admin/events/press_conference"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("org_id", &w.dept_a.to_string()),
                ("title", "招生政策新闻发布会"),
                ("starts_at", &china(-5)),
                ("ends_at", &china(-4)),
                ("people", "李四 市教育局副局长"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let pc = id_from(&r);
        let admin_url = w.url(&format!("/admin/events/press_conference/{pc}"));
        let pdf = b"%PDF-1.4\n% press kit\n";

        // A forged token, a refused type and an empty file change nothing.
        let r = editor
            .post(format!("{admin_url}/files"))
            .multipart(file_form("forged", "材料.pdf", pdf, "application/pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = editor
            .post(format!("{admin_url}/files"))
            .multipart(file_form(
                &csrf,
                "run.exe",
                b"MZ",
                "application/octet-stream",
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 415);
        let r = editor
            .post(format!("{admin_url}/files"))
            .multipart(file_form(&csrf, "空.pdf", b"", "application/pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        // Another organisation's editor may not add files.
        let (other, other_csrf) = w.sign_in("editor_b").await;
        let r = other
            .post(format!("{admin_url}/files"))
            .multipart(file_form(&other_csrf, "材料.pdf", pdf, "application/pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        let r = editor
            .post(format!("{admin_url}/files"))
            .multipart(file_form(&csrf, "发布会材料.pdf", pdf, "application/pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, view) = page(&editor, admin_url.clone()).await;
        assert!(view.contains("发布会材料.pdf"), "{view}");
        let file_path = view
            .split("href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|u| u.contains("/files/") && !u.ends_with("/delete"))
            .unwrap()
            .to_string();
        let fid: i64 = file_path.rsplit('/').next().unwrap().parse().unwrap();

        // Not public before publication.
        let public_file = w.url(&format!("/press-conferences/{pc}/files/{fid}"));
        assert_eq!(page(&client(), public_file.clone()).await.0, 404);
        let r = editor
            .post(format!("{admin_url}/publish"))
            .form(&[("csrf", csrf.as_str()), ("action", "publish")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, html) = page(&client(), w.url(&format!("/press-conferences/{pc}"))).await;
        assert!(html.contains(&format!(
            "<a href=\"/press-conferences/{pc}/files/{fid}\" download>发布会材料.pdf</a>"
        )));
        let r = client().get(public_file.clone()).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''"));
        assert_eq!(r.bytes().await.unwrap().as_ref(), pdf);
        // The same file under another event, or under the interview address, is not found.
        assert_eq!(
            page(&client(), w.url(&format!("/interviews/{pc}/files/{fid}")))
                .await
                .0,
            404
        );

        // Removal: audited, gone from the page and the address.
        let r = editor
            .post(format!("{admin_url}/files/{fid}/delete"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(page(&client(), public_file).await.0, 404);
        let mut c = w.db.conn().unwrap();
        let log = gongkai_storage::audit::list(
            &mut c,
            &gongkai_storage::audit::AuditQuery {
                entity: Some("press_conference".into()),
                entity_id: Some(pc.to_string()),
                page: 1,
                per_page: 50,
                ..Default::default()
            },
        )
        .unwrap();
        let actions: Vec<&str> = log.rows.iter().map(|e| e.action.as_str()).collect();
        assert!(
            actions.contains(&"press_conference.file_add")
                && actions.contains(&"press_conference.file_remove"),
            "{actions:?}"
        );
    });
}
