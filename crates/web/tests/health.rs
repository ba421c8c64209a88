//! 网站健康 over HTTP, on SQLite and on PostgreSQL: the editor's word check (a blocking entry refuses
//! submission with the position, a warning lets it through), the dictionary import with a bad line,
//! the dashboard and health pages scoped to the organisation, the report-an-error queue with its
//! reply, the link crawler against the running server with a planted broken link and a missing
//! attachment, word hits on the edit form and its 检查 button, the column's 更新类别, an old letter on
//! the health pages, and the daily digest mailed through a fake SMTP server on a loopback port.

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

#[test]
fn the_edit_form_shows_word_hits_and_its_check_button_saves_nothing() {
    on_each_database(|w| async move {
        let (admin, acsrf) = w.sign_in("admin").await;
        let r = admin
            .post(w.url("/admin/health/words/import"))
            .form(&[
                ("csrf", acsrf.as_str()),
                (
                    "text",
                    "按装 | wrong | warn | 安装\n某敏感词 | sensitive | block\n",
                ),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let (editor, csrf) = w.sign_in("editor_a").await;
        let id = draft(&w, &editor, &csrf, "关于按装路灯的通知", "<p>正文</p>").await;

        // The saved text's hits on the edit form: position, word, suggestion, warn.
        let (status, form) = text(&editor, w.url(&format!("/admin/items/{id}/edit"))).await;
        assert_eq!(status, 200);
        assert!(form.contains("内容检查"), "{form}");
        assert!(form.contains("标题第 3 字") && form.contains("“按装”"));
        assert!(form.contains("改为“安装”") && form.contains("<td>提示</td>"));
        assert!(!form.contains("禁止（阻止提交）"));
        assert!(
            form.contains("name=\"check\" value=\"1\""),
            "the 检查 button"
        );

        // The 检查 button checks the typed text, keeps it in the form, and saves nothing.
        let typed = "关于某敏感词和路灯的通知";
        let r = editor
            .post(w.url(&format!("/admin/items/{id}")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("check", "1"),
                ("title", typed),
                ("body_html", "<p>按装完成后验收。</p>"),
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
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(
            page.contains(&format!("value=\"{typed}\"")),
            "typed text kept"
        );
        assert!(
            page.contains("禁止（阻止提交）") && page.contains("“某敏感词”"),
            "{page}"
        );
        assert!(
            page.contains("正文第 1 字"),
            "the body's hit with its position"
        );
        let (_, view) = text(&editor, w.url(&format!("/admin/items/{id}"))).await;
        assert!(
            view.contains("关于按装路灯的通知") && !view.contains(typed),
            "not saved"
        );

        // On a new item too, before the first save; a clean text says so.
        let r = editor
            .post(w.url("/admin/items"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("check", "1"),
                ("title", "关于路灯安装的通知"),
                ("body_html", "<p>正文</p>"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(page.contains("未发现错敏词或无障碍问题"), "{page}");
        let n = {
            let mut c = w.db.conn().unwrap();
            item::list(
                &mut c,
                &item::ItemQuery {
                    title_contains: Some("路灯安装".into()),
                    page: 1,
                    per_page: 10,
                    ..Default::default()
                },
            )
            .unwrap()
            .total
        };
        assert_eq!(n, 0, "the check created no item");
    });
}

#[test]
fn column_update_category_is_edited_on_the_column_form() {
    on_each_database(|w| async move {
        let (orgadmin, csrf) = w.sign_in("orgadmin_a").await;
        let url = w.url(&format!("/admin/columns/{}", w.column_a));
        let (_, form) = text(&orgadmin, url.clone()).await;
        assert!(
            form.contains("更新类别") && form.contains("按名称视为“通知公告、政策文件类”"),
            "{form}"
        );
        let post = |category: &'static str| {
            orgadmin
                .post(url.clone())
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("name", "政策文件"),
                    ("kind", "catalogue"),
                    ("update_category", category),
                ])
                .send()
        };
        let r = post("weekly").await.unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("请选择更新类别"));
        assert_eq!(post("dynamic").await.unwrap().status(), 303);
        let (_, form) = text(&orgadmin, url.clone()).await;
        assert!(
            form.contains("<option value=\"dynamic\" selected>"),
            "{form}"
        );
        let stored = {
            let mut c = w.db.conn().unwrap();
            gongkai_storage::site::get_column(&mut c, w.column_a).unwrap()
        };
        assert_eq!(
            stored.update_category(),
            gongkai_domain::health::UpdateCategory::Dynamic
        );
        let (_, list) = text(
            &orgadmin,
            w.url(&format!("/admin/sites/{}/columns", w.site_a)),
        )
        .await;
        assert!(list.contains("动态、要闻类（两周内须更新）"));
        let log = {
            let mut c = w.db.conn().unwrap();
            gongkai_storage::audit::list(
                &mut c,
                &gongkai_storage::audit::AuditQuery {
                    entity: Some("column".into()),
                    page: 1,
                    per_page: 10,
                    ..Default::default()
                },
            )
            .unwrap()
        };
        assert!(log.rows.iter().any(|r| r
            .after_state
            .as_deref()
            .is_some_and(|a| a.contains("dynamic"))));
        // Back to the name: blank is auto.
        assert_eq!(post("").await.unwrap().status(), 303);
        let (_, form) = text(&orgadmin, url).await;
        assert!(!form.contains(" selected>动态"));
    });
}

/// A tiny SMTP server on a loopback port, inside the test: it takes every mail (envelope
/// recipients and the data) unless told to refuse, when it answers RCPT with a temporary error.
struct FakeSmtp {
    port: u16,
    mails: std::sync::Arc<std::sync::Mutex<Vec<(Vec<String>, String)>>>,
    refuse: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

fn fake_smtp() -> FakeSmtp {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::atomic::Ordering;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = std::sync::Arc::new(std::sync::Mutex::new(vec![]));
    let refuse = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (m, r) = (mails.clone(), refuse.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut out = stream.try_clone().unwrap();
            let mut lines = BufReader::new(stream);
            let mut say = |s: &str| out.write_all(s.as_bytes()).is_ok();
            say("220 fake.invalid ESMTP\r\n");
            let mut rcpt = vec![];
            loop {
                let mut line = String::new();
                if lines.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let cmd = line.trim_end().to_string();
                let up = cmd.to_ascii_uppercase();
                if up.starts_with("EHLO") {
                    say("250-fake.invalid\r\n250 8BITMIME\r\n");
                } else if up.starts_with("RCPT") && r.load(Ordering::SeqCst) {
                    say("451 try again later\r\n");
                } else if up.starts_with("RCPT") {
                    rcpt.push(cmd[8..].trim().to_string());
                    say("250 OK\r\n");
                } else if up == "DATA" {
                    say("354 go ahead\r\n");
                    let mut data = String::new();
                    loop {
                        let mut l = String::new();
                        if lines.read_line(&mut l).unwrap_or(0) == 0 || l == ".\r\n" {
                            break;
                        }
                        data.push_str(&l);
                    }
                    m.lock().unwrap().push((std::mem::take(&mut rcpt), data));
                    say("250 queued\r\n");
                } else if up == "QUIT" {
                    say("221 bye\r\n");
                    break;
                } else {
                    // MAIL, RSET, NOOP, HELO
                    say("250 OK\r\n");
                }
            }
        }
    });
    FakeSmtp {
        port,
        mails,
        refuse,
    }
}

/// The text of a mail's body, whatever transfer encoding lettre chose.
fn body_text(data: &str) -> String {
    use base64::Engine;
    let (head, body) = data.split_once("\r\n\r\n").unwrap();
    if head.contains("Content-Transfer-Encoding: base64") {
        let joined: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(joined)
                .unwrap(),
        )
        .unwrap()
    } else {
        body.to_string()
    }
}

#[test]
fn the_daily_digest_is_mailed_to_the_organisations_admins_and_retried_after_a_failure() {
    use std::sync::atomic::Ordering;
    on_each_database(|w| async move {
        let (admin, acsrf) = w.sign_in("admin").await;
        let id_of = |name: &str| {
            let mut c = w.db.conn().unwrap();
            gongkai_storage::user::find_by_username(&mut c, name)
                .unwrap()
                .unwrap()
                .id
        };
        let set = |id: i64, email: &'static str| {
            admin
                .post(w.url(&format!("/admin/users/{id}/email")))
                .form(&[("csrf", acsrf.as_str()), ("email", email)])
                .send()
        };
        let r = set(id_of("orgadmin_a"), "not an address").await.unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("邮箱地址格式不正确"));
        assert_eq!(
            set(id_of("orgadmin_a"), "admin-a@jyj.example.invalid")
                .await
                .unwrap()
                .status(),
            303
        );
        // An editor's address gets no digest: digests go to 单位管理员.
        assert_eq!(
            set(id_of("editor_a"), "editor-a@jyj.example.invalid")
                .await
                .unwrap()
                .status(),
            303
        );
        let (_, page) = text(
            &admin,
            w.url(&format!("/admin/users/{}", id_of("orgadmin_a"))),
        )
        .await;
        assert!(page.contains("value=\"admin-a@jyj.example.invalid\""));

        // Findings on every site (empty columns, homepages never updated), then the digest.
        {
            let mut c = w.db.conn().unwrap();
            health::run_checks(
                &mut c,
                &gongkai_domain::calendar::WorkingCalendar::builtin(),
                gongkai_storage::now(),
                None,
            )
            .unwrap();
        }
        let smtp = fake_smtp();
        let state = gongkai_web::AppState::new(
            w.db.clone(),
            None,
            gongkai_web::Config {
                public_url: "https://www.example.invalid".into(),
                smtp: Some(gongkai_web::health::SmtpConfig {
                    url: format!("smtp://127.0.0.1:{}", smtp.port),
                    from: "网站健康 <health@gongkai.invalid>".into(),
                }),
                ..Default::default()
            },
        );
        // The relay refuses: nothing is marked, nothing crashes.
        smtp.refuse.store(true, Ordering::SeqCst);
        let made = gongkai_web::health::daily_digest(&state).await.unwrap();
        assert!(made >= 1);
        let mailed = |org: i64| {
            let mut c = w.db.conn().unwrap();
            health::digests(&mut c, Some(&[org]), 10).unwrap()[0]
                .mailed_to
                .clone()
        };
        assert_eq!(mailed(w.dept_a), None);
        assert!(smtp.mails.lock().unwrap().is_empty());

        // The next run sends it, to department A's admin only, and marks it.
        smtp.refuse.store(false, Ordering::SeqCst);
        assert_eq!(
            gongkai_web::health::daily_digest(&state).await.unwrap(),
            0,
            "no new digest"
        );
        assert_eq!(
            mailed(w.dept_a).as_deref(),
            Some("admin-a@jyj.example.invalid")
        );
        {
            let mails = smtp.mails.lock().unwrap();
            assert_eq!(mails.len(), 1, "department B has no admin with an address");
            let (to, data) = &mails[0];
            assert_eq!(to, &["<admin-a@jyj.example.invalid>".to_string()]);
            let body = body_text(data);
            assert!(
                body.contains("网站健康检查发现") && body.contains("示范市教育局"),
                "{body}"
            );
            assert!(body.contains("https://www.example.invalid/admin/health"));
            assert!(data.contains("Subject: "));
        }
        // Mailed once: a third run sends nothing more.
        gongkai_web::health::daily_digest(&state).await.unwrap();
        assert_eq!(smtp.mails.lock().unwrap().len(), 1);
        assert_eq!(mailed(w.dept_b), None);
    });
}

#[test]
fn an_old_unanswered_letter_fails_the_department_site_on_its_admin_pages() {
    use gongkai_domain::mailbox::{CategoryTree, LetterInput};
    use gongkai_storage::mailbox;
    on_each_database(|w| async move {
        let code = {
            let mut c = w.db.conn().unwrap();
            let tree =
                CategoryTree::from_jsonl(r#"{"l1": "教育文体", "l2": "教育", "l3": "学前教育"}"#)
                    .unwrap();
            mailbox::seed_categories(&mut c, &Actor::system("t"), &tree).unwrap();
            let letter = LetterInput {
                org_id: w.dept_a.to_string(),
                category: "教育文体/教育/学前教育".into(),
                subject: "幼儿园学位不足".into(),
                body: "小区幼儿园学位不足，希望增加学位。".into(),
                name: "李小四".into(),
                phone: "13900001111".into(),
                ..Default::default()
            }
            .validate(&tree)
            .unwrap();
            // Received four months before the check below.
            let received = gongkai_storage::now() - chrono::Duration::days(122);
            mailbox::submit(
                &mut c,
                &gongkai_storage::crypto::DataKey::generate(),
                &gongkai_domain::calendar::WorkingCalendar::builtin(),
                &Actor::system("public"),
                None,
                &letter,
                received,
            )
            .unwrap()
            .tracking_code
        };
        let (orgadmin, ocsrf) = w.sign_in("orgadmin_a").await;
        let r = orgadmin
            .post(w.url("/admin/health/run"))
            .form(&[("csrf", ocsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, overview) = text(&orgadmin, w.url("/admin/health")).await;
        assert!(
            overview.contains("留言三个月未回复") && overview.contains(&code),
            "{overview}"
        );
        let (_, report) = text(
            &orgadmin,
            w.url(&format!("/admin/health/sites/{}", w.site_a)),
        )
        .await;
        assert!(
            report.contains("有效留言三个月未回复") && report.contains(&code),
            "{report}"
        );
        let failed = {
            let mut c = w.db.conn().unwrap();
            health::latest_report(&mut c, w.site_a).unwrap().unwrap()
        };
        assert!(
            !failed
                .vetoes
                .iter()
                .find(|v| v.code == "interaction")
                .unwrap()
                .passed
        );
    });
}
