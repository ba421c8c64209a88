//! The annual report in the back office over HTTP, on SQLite and on PostgreSQL (issue 7): who may
//! open which scope; the staff text with a generated paragraph inserted without JavaScript; table
//! 二's figures entered with their source and bad input refused; review and publication into the
//! catalogue, seen on the portal's 年报 page; downloads in every format; the statistics page with
//! its charts; and the 告知书 of a request generated as a PDF kept on the case (issue 5).

mod support;

use chrono::NaiveDate;
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::org::org_code_with_check;
use gongkai_domain::request::{Outcome, ReceiptChannel, ReceiptFacts};
use gongkai_storage::audit::Actor;
use gongkai_storage::crypto::DataKey;
use gongkai_storage::request::{self, RequestInput, Step};
use support::{databases, start, World};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A request to 示范市教育局 received and answered in 2025; returns its id.
fn answered_case(w: &World) -> i64 {
    let mut c = w.db.conn().unwrap();
    let cal = WorkingCalendar::builtin();
    let new = RequestInput {
        org_id: w.dept_a.to_string(),
        applicant_type: "natural_person".into(),
        name: "张三".into(),
        id_type: "passport".into(),
        id_number: "E12345678".into(),
        phone: "13812345678".into(),
        email: String::new(),
        address: "示范市中山路 1 号".into(),
        description: "本市 2025 年义务教育招生计划".into(),
        preferred_form: "electronic".into(),
        delivery: "online".into(),
        publish_consent: String::new(),
    }
    .validate()
    .unwrap();
    let id = request::intake(
        &mut c,
        &DataKey::generate(),
        &cal,
        &Actor::system("public"),
        &new,
        &ReceiptFacts::new(ReceiptChannel::InPerson, d("2025-03-03")),
    )
    .unwrap()
    .id;
    let staff = Actor::system("test");
    for step in [
        Step::Assign {
            on: d("2025-03-03"),
            org_id: w.dept_a,
            handler: "李办理".into(),
        },
        Step::Reply {
            on: d("2025-03-10"),
            outcome: Outcome::Disclosed,
            text: "所申请的招生计划见附件。".into(),
        },
    ] {
        request::act(&mut c, &cal, &staff, id, &step).unwrap();
    }
    id
}

async fn get(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (u16, String) {
    let r = c.post(url).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[test]
fn report_pages_workflow_downloads_and_statistics() {
    for db in databases() {
        rt().block_on(async {
            let w = start(db).await;
            answered_case(&w);
            let code = org_code_with_check("00001435").to_string();
            let scope = format!("org:{code}");
            let page = |scope: &str| {
                w.url(&format!(
                    "/admin/reports/2025?scope={}",
                    urlencoding::encode(scope)
                ))
            };

            // Scopes: an editor opens their own organisation's report, not the city's nor
            // another organisation's; the platform admin opens the city's.
            let (editor, csrf) = w.sign_in("editor_a").await;
            let (s, html) = get(&editor, page(&scope)).await;
            assert_eq!(s, 200, "{html}");
            assert!(html.contains("示范市教育局2025年政府信息公开工作年度报告"));
            assert!(
                html.contains("发布期限</dt><dd>2026-01-31"),
                "a department's deadline"
            );
            assert!(html.contains("新收政府信息公开申请"));
            assert_eq!(get(&editor, page("city")).await.0, 403);
            let other = format!("org:{}", org_code_with_check("00001436"));
            assert_eq!(get(&editor, page(&other)).await.0, 403);
            assert_eq!(get(&editor, page("org:NOSUCH")).await.0, 404);
            assert_eq!(get(&editor, page("province")).await.0, 422);
            assert_eq!(
                get(&editor, w.url("/admin/reports/1990?scope=city"))
                    .await
                    .0,
                422
            );
            let (admin, admin_csrf) = w.sign_in("admin").await;
            let (s, html) = get(&admin, page("city")).await;
            assert_eq!(s, 200);
            assert!(
                html.contains("发布期限</dt><dd>2026-03-31"),
                "a government's deadline"
            );
            let (s, list) = get(&admin, w.url("/admin/reports")).await;
            assert_eq!(s, 200);
            assert!(list.contains("<option value=\"city\""));
            let r = admin
                .get(w.url("/admin/reports/open?scope=city&year=2025"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303);
            assert_eq!(
                r.headers()["location"].to_str().unwrap(),
                "/admin/reports/2025?scope=city"
            );

            // Staff text, with a generated paragraph inserted by a plain form button.
            let sections = w.url("/admin/reports/2025/sections");
            let (s, _) = post(
                &editor,
                sections.clone(),
                &[("scope", &scope), ("overview", "全年工作平稳。")],
            )
            .await;
            assert_eq!(s, 403, "no CSRF token");
            let (s, _) = post(
                &editor,
                sections.clone(),
                &[
                    ("csrf", &csrf),
                    ("scope", &scope),
                    ("overview", "全年工作平稳。"),
                    ("problems", "更新不够及时。"),
                    ("other", ""),
                    ("append", "overview:1"),
                ],
            )
            .await;
            assert_eq!(s, 303);
            let (_, html) = get(&editor, page(&scope)).await;
            assert!(
                html.contains("全年工作平稳。\n全年新收政府信息公开申请1件，办结1件"),
                "the paragraph of request figures follows the text"
            );
            assert!(html.contains("更新不够及时。"));
            assert!(html.contains("状态</dt><dd>草稿"));
            let (s, _) = post(
                &editor,
                sections.clone(),
                &[
                    ("csrf", &csrf),
                    ("scope", &scope),
                    ("append", "overview:99"),
                ],
            )
            .await;
            assert_eq!(s, 422, "no such paragraph");

            // Table 二 from another system: bad input named, a good figure shown with its source.
            let figures = w.url("/admin/reports/2025/figures");
            let dept = w.dept_a.to_string();
            let (s, html) = post(
                &editor,
                figures.clone(),
                &[
                    ("csrf", &csrf),
                    ("scope", &scope),
                    ("org_id", &dept),
                    ("cell", "licensing:decisions"),
                    ("value", "十二"),
                    ("source", ""),
                ],
            )
            .await;
            assert_eq!(s, 422);
            assert!(html.contains("数值“十二”无法识别") && html.contains("请写明数据来源"));
            let (s, html) = post(
                &editor,
                figures.clone(),
                &[
                    ("csrf", &csrf),
                    ("scope", &scope),
                    ("org_id", &dept),
                    ("cell", "licensing:decisions"),
                    ("value", "1,234"),
                    ("source", "省政务服务平台导出，2026-01-08"),
                ],
            )
            .await;
            assert_eq!(s, 303, "{html}");
            let (_, html) = get(&editor, page(&scope)).await;
            assert!(html.contains("省政务服务平台导出，2026-01-08"));
            assert!(html.contains("1234"));

            // Review and publication need the reviewer's role.
            let workflow = w.url("/admin/reports/2025/workflow");
            let (s, _) = post(
                &editor,
                workflow.clone(),
                &[("csrf", &csrf), ("scope", &scope), ("action", "review")],
            )
            .await;
            assert_eq!(s, 403);
            let (reviewer, rcsrf) = w.sign_in("reviewer_a").await;
            let (s, html) = post(
                &reviewer,
                workflow.clone(),
                &[("csrf", &rcsrf), ("scope", &scope), ("action", "publish")],
            )
            .await;
            assert_eq!(s, 409, "a draft is reviewed first");
            assert!(html.contains("未能完成"));
            let (s, html) = post(
                &reviewer,
                workflow.clone(),
                &[("csrf", &rcsrf), ("scope", &scope), ("action", "review")],
            )
            .await;
            assert_eq!(s, 200);
            assert!(html.contains("年度报告现为“已审核”"));
            assert!(html.contains("正文不能再修改"));
            let (s, html) = post(
                &reviewer,
                workflow.clone(),
                &[("csrf", &rcsrf), ("scope", &scope), ("action", "publish")],
            )
            .await;
            assert_eq!(s, 200, "{html}");
            assert!(html.contains("年度报告现为“已发布”"));
            assert!(html.contains("查看已发布的信息"));
            let (s, html) = get(&client(), w.url("/annual-reports")).await;
            assert_eq!(s, 200);
            assert!(
                html.contains("示范市教育局2025年政府信息公开工作年度报告"),
                "on the portal's 年报 page"
            );

            // Downloads.
            for (format, magic) in [
                ("pdf", &b"%PDF"[..]),
                ("docx", &b"PK"[..]),
                ("xlsx", &b"PK"[..]),
                ("html", &b"<!DOCTYPE html>"[..]),
                ("json", &b"{"[..]),
            ] {
                let r = editor
                    .get(w.url(&format!(
                        "/admin/reports/2025/download?scope={}&format={format}",
                        urlencoding::encode(&scope)
                    )))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200, "{format}");
                assert!(r.headers()["content-disposition"]
                    .to_str()
                    .unwrap()
                    .starts_with("attachment;"));
                let bytes = r.bytes().await.unwrap();
                assert!(bytes.starts_with(magic), "{format}");
            }
            let (s, _) = get(
                &editor,
                w.url("/admin/reports/2025/download?scope=city&format=pdf"),
            )
            .await;
            assert_eq!(s, 403);
            let (s, html) = get(
                &editor,
                w.url(&format!(
                    "/admin/reports/2025/download?scope={}&format=odt",
                    urlencoding::encode(&scope)
                )),
            )
            .await;
            assert_eq!(s, 422);
            assert!(html.contains("odt"));

            // Statistics: this year against last, with charts that have a table beside them.
            let (s, html) = get(&admin, w.url("/admin/statistics?scope=city&year=2025")).await;
            assert_eq!(s, 200, "{html}");
            assert!(html.contains("<svg") && html.contains("以表格查看"));
            assert!(html.contains("2025 年</th>") && html.contains("2024 年</th>"));
            assert!(html.contains("政府信息公开行政复议"));
            let _ = admin_csrf;
        });
    }
}

#[test]
fn a_reply_notice_is_generated_as_a_pdf_kept_on_the_case() {
    for db in databases() {
        rt().block_on(async {
            let w = start(db).await;
            let id = answered_case(&w);
            let (h, csrf) = w.sign_in("handler_a").await;
            let (s, html) = get(&h, w.url(&format!("/admin/requests/{id}"))).await;
            assert_eq!(s, 200);
            assert!(html.contains(&format!("action=\"/admin/requests/{id}/notice\"")));
            let notice = w.url(&format!("/admin/requests/{id}/notice"));
            let (s, _) = post(&h, notice.clone(), &[("csrf", &csrf), ("format", "odt")]).await;
            assert_eq!(s, 422);
            let r = h
                .post(notice.clone())
                .form(&[("csrf", csrf.as_str()), ("format", "pdf")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303);
            let (_, html) = get(&h, w.url(&format!("/admin/requests/{id}"))).await;
            let name = "答复告知书-";
            assert!(html.contains(name), "the notice is listed on the case");
            let at = html.find(&format!("/admin/requests/{id}/files/")).unwrap();
            let href: String = html[at..].chars().take_while(|c| *c != '"').collect();
            let r = h.get(w.url(&href)).send().await.unwrap();
            assert_eq!(r.status(), 200);
            let pdf = r.bytes().await.unwrap();
            assert!(pdf.starts_with(b"%PDF"));
            // The same notice as DOCX, kept beside it.
            let r = h
                .post(notice.clone())
                .form(&[("csrf", csrf.as_str()), ("format", "docx")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303);
            let (_, html) = get(&h, w.url(&format!("/admin/requests/{id}"))).await;
            assert!(html.contains(".docx"), "the DOCX notice is listed too");
            let docx_href = html
                .match_indices(&format!("/admin/requests/{id}/files/"))
                .map(|(at, _)| {
                    html[at..]
                        .chars()
                        .take_while(|c| *c != '"')
                        .collect::<String>()
                })
                .find(|h| *h != href)
                .expect("a second file");
            let docx = h
                .get(w.url(&docx_href))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            assert!(docx.starts_with(b"PK"), "a DOCX is a zip");
            // Another organisation's handler cannot generate one.
            let (other, ocsrf) = w.sign_in("editor_b").await;
            let (s, _) = post(&other, notice, &[("csrf", &ocsrf), ("format", "pdf")]).await;
            assert_eq!(s, 403);
        });
    }
}

fn client() -> reqwest::Client {
    support::client()
}
