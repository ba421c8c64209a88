//! 依申请公开 over HTTP, on SQLite and on PostgreSQL: a citizen applies and tracks the request; a
//! handler sees it masked, reveals it (audited), assigns and replies; the rules and the roles refuse
//! what they must.

mod support;

use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::request::{DeadlinePlan, ReceiptChannel};
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

const ID_NUMBER: &str = "420106199001011231";

fn form(csrf: &str, org: i64, id_number: &str, name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_string()),
        ("org_id", org.to_string()),
        ("applicant_type", "natural_person".into()),
        ("name", name.into()),
        ("id_type", "resident_id".into()),
        ("id_number", id_number.into()),
        ("phone", "13812345678".into()),
        ("email", String::new()),
        ("address", "示范市中山路 1 号".into()),
        ("description", "2026 年本市义务教育学校招生划片范围".into()),
        ("preferred_form", "electronic".into()),
        ("delivery", "online".into()),
    ]
}

/// The text of the `<strong class="tracking-code">` after `label`.
fn strong_after(html: &str, label: &str) -> String {
    let at = html
        .find(label)
        .unwrap_or_else(|| panic!("no {label} in page"));
    let rest = &html[at..];
    let start = rest.find("<strong class=\"tracking-code\">").unwrap()
        + "<strong class=\"tracking-code\">".len();
    rest[start..].split('<').next().unwrap().to_string()
}

async fn track(w: &World, c: &reqwest::Client, code: &str, password: &str) -> (u16, String) {
    let page = c
        .get(w.url("/request/track"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let r = c
        .post(w.url("/request/track"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", code),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

#[test]
fn citizen_applies_and_tracks_handler_reveals_and_replies() {
    on_each_database(|w| async move {
        let citizen = client();
        let page = citizen.get(w.url("/request")).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(
            html.contains("<optgroup label=\"法人或其他组织\">")
                && html.contains(">法律服务机构</option>"),
            "table 三's columns"
        );
        let csrf = csrf_of(&html);

        // Without the form's token: refused.
        let r = client()
            .post(w.url("/request"))
            .form(&form("forged", w.dept_a, ID_NUMBER, "张三"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // Bad input: field errors next to the fields, what was typed kept.
        let mut bad = form(&csrf, w.dept_a, "420106199001011234", "张三丰");
        bad.retain(|(k, _)| *k != "address");
        let r = citizen
            .post(w.url("/request"))
            .form(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("校验位不符") && html.contains("aria-invalid=\"true\""),
            "ID check digit error shown"
        );
        assert!(
            html.contains("<a href=\"#f-address\">必填</a>"),
            "missing address listed"
        );
        assert!(
            html.contains("value=\"张三丰\"") && html.contains("value=\"420106199001011234\""),
            "input kept"
        );

        // A good application: stored, then acknowledged with code and password.
        let r = citizen
            .post(w.url("/request"))
            .form(&form(&csrf, w.dept_a, ID_NUMBER, "张三"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let done = r.text().await.unwrap();
        let code = strong_after(&done, "查询码：");
        let password = strong_after(&done, "查询密码：");
        assert!(
            code.starts_with("YS") && password.len() == 10,
            "{code} {password}"
        );
        let expected_due =
            DeadlinePlan::new(today(), ReceiptChannel::Online).compute(&WorkingCalendar::builtin());
        match &expected_due {
            Ok(s) => assert!(
                done.contains(&s.due.unwrap().to_string()),
                "due date on the acknowledgement"
            ),
            Err(_) => assert!(
                done.contains("答复期限将在法定节假日安排公布后计算"),
                "no guessed due date"
            ),
        }

        // Tracking: the right password shows the status; a wrong one looks exactly like an unknown code.
        let (status, html) = track(&w, &citizen, &code, &password).await;
        assert_eq!(status, 200);
        assert!(
            html.contains(&format!("申请 {code}"))
                && html.contains("已收到")
                && html.contains("示范市教育局")
        );
        if let Ok(s) = &expected_due {
            assert!(html.contains(&s.due.unwrap().to_string()));
        }
        let (s1, wrong) = track(&w, &citizen, &code, "WRONGPASS2").await;
        let unknown_code = "YS20200101ZZZZZZ";
        let (s2, unknown) = track(&w, &citizen, unknown_code, &password).await;
        assert_eq!((s1, s2), (200, 200));
        assert!(wrong.contains("查询码或密码不正确") && !wrong.contains("已收到"));
        assert_eq!(
            wrong.replace(&code, "CODE"),
            unknown.replace(unknown_code, "CODE"),
            "no enumeration"
        );

        // The handler of department A sees it, masked.
        let (handler, hcsrf) = w.sign_in("handler_a").await;
        let dash = handler
            .get(w.url("/admin"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            dash.contains("href=\"/admin/requests\""),
            "依申请公开 in the nav"
        );
        let list = handler.get(w.url("/admin/requests")).send().await.unwrap();
        assert_eq!(list.status(), 200);
        let list = list.text().await.unwrap();
        assert!(list.contains(&code));
        let id: i64 = list
            .split("href=\"/admin/requests/")
            .skip(1)
            .find_map(|rest| rest.split('"').next().unwrap().parse().ok())
            .expect("a case link");
        let view = handler
            .get(w.url(&format!("/admin/requests/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(view.contains("4201**********1231") && view.contains("138****5678"));
        assert!(
            !view.contains(ID_NUMBER) && !view.contains("13812345678"),
            "personal data masked"
        );
        assert!(view.contains("答复期限的计算"));
        match &expected_due {
            Ok(s) => assert!(view.contains(&format!(
                "due {} {}",
                chrono::Datelike::weekday(&s.due.unwrap()),
                s.due.unwrap()
            ))),
            Err(e) => assert!(
                view.contains(&e.to_string().replace('\'', "&#x27;"))
                    || view.contains("no data for"),
                "the calendar's refusal is shown"
            ),
        }

        // Show in full: only by POST with the token, and audited.
        let r = handler
            .post(w.url(&format!("/admin/requests/{id}/reveal")))
            .form(&[("csrf", "nope")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let full = handler
            .post(w.url(&format!("/admin/requests/{id}/reveal")))
            .form(&[("csrf", hcsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(full.status(), 200);
        let full = full.text().await.unwrap();
        assert!(
            full.contains(ID_NUMBER)
                && full.contains("13812345678")
                && full.contains("已记入审计日志")
        );
        let mut conn = w.db.conn().unwrap();
        let log = audit::list(
            &mut conn,
            &AuditQuery {
                action: Some("request.reveal".into()),
                page: 1,
                per_page: 10,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(log.total, 1);
        assert_eq!(
            (log.rows[0].actor.as_str(), log.rows[0].entity_id.as_str()),
            ("handler_a", id.to_string().as_str())
        );
        drop(conn);

        // The rules refuse a reply before assignment, with their reason.
        let day = today().to_string();
        let act = |fields: Vec<(&'static str, String)>| {
            let handler = handler.clone();
            let url = w.url(&format!("/admin/requests/{id}/act"));
            let mut fields = fields;
            fields.push(("csrf", hcsrf.clone()));
            fields.push(("on", day.clone()));
            async move { handler.post(url).form(&fields).send().await.unwrap() }
        };
        let reply = || {
            vec![
                ("action", "reply".to_string()),
                ("outcome", "disclosed".into()),
                ("reply_text", "经审查，予以公开，见附件。".into()),
            ]
        };
        let r = act(reply()).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("assign the request first"));
        let r = act(vec![
            ("action", "assign".into()),
            ("org_id", w.dept_a.to_string()),
            ("handler", "李办理".into()),
        ])
        .await;
        assert_eq!(r.status(), 303);
        // Assigning to an organisation outside the handler's scope is refused (already assigned anyway).
        let r = act(vec![
            ("action", "reply".into()),
            ("outcome", "no.such.outcome".into()),
            ("reply_text", "x".into()),
        ])
        .await;
        assert_eq!(r.status(), 422, "an outcome outside table 三");
        let r = act(reply()).await;
        assert_eq!(r.status(), 303);

        let (_, html) = track(&w, &citizen, &code, &password).await;
        assert!(
            html.contains("已答复")
                && html.contains("（一）予以公开")
                && html.contains("经审查，予以公开")
        );
        let mut conn = w.db.conn().unwrap();
        let log = audit::list(
            &mut conn,
            &AuditQuery {
                entity: Some("request".into()),
                entity_id: Some(id.to_string()),
                page: 1,
                per_page: 20,
                ..Default::default()
            },
        )
        .unwrap();
        let actions: Vec<&str> = log.rows.iter().rev().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "request.create",
                "request.reveal",
                "request.assign",
                "request.reply"
            ]
        );
    });
}

#[test]
fn only_request_handlers_of_the_organisation_see_requests() {
    on_each_database(|w| async move {
        let citizen = client();
        let csrf = csrf_of(
            &citizen
                .get(w.url("/request"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        let r = citizen
            .post(w.url("/request"))
            .form(&form(&csrf, w.dept_b, ID_NUMBER, "李四"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let mut conn = w.db.conn().unwrap();
        let load = gongkai_storage::request::caseload(
            &mut conn,
            &WorkingCalendar::builtin(),
            None,
            today(),
        )
        .unwrap();
        let id_b = load.open[0].id;
        drop(conn);

        let (editor, _) = w.sign_in("editor_a").await;
        assert_eq!(
            editor
                .get(w.url("/admin/requests"))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
        assert_eq!(
            editor
                .get(w.url(&format!("/admin/requests/{id_b}")))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
        let dash = editor
            .get(w.url("/admin"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!dash.contains("href=\"/admin/requests\""));

        // handler_a handles department A only: B's request is neither listed nor viewable.
        let (handler, _) = w.sign_in("handler_a").await;
        let list = handler
            .get(w.url("/admin/requests"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!list.contains("李四"));
        assert_eq!(
            handler
                .get(w.url(&format!("/admin/requests/{id_b}")))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );

        // The platform administrator sees every organisation's requests.
        let (admin, _) = w.sign_in("admin").await;
        let list = admin
            .get(w.url("/admin/requests"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(list.contains("李四"));
        assert_eq!(
            admin
                .get(w.url(&format!("/admin/requests/{id_b}")))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    });
}

#[test]
fn staff_enter_a_posted_request_and_the_deadline_is_explained_around_national_day() {
    on_each_database(|w| async move {
        let (handler, hcsrf) = w.sign_in("handler_a").await;
        let page = handler
            .get(w.url("/admin/requests/new"))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let entry = |signed_for: &'static str| {
            let mut f = form(&hcsrf, w.dept_a, ID_NUMBER, "王五");
            f.extend([
                ("channel", "registered_post".to_string()),
                ("arrived_on", "2024-09-26".to_string()),
                ("signed_for", signed_for.to_string()),
                ("confirmed", String::new()),
            ]);
            f
        };
        // Registered post is received the day it is signed for: without that date, no receipt.
        let r = handler
            .post(w.url("/admin/requests"))
            .form(&entry(""))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("#f-signed_for") && html.contains("value=\"王五\""),
            "field error, input kept"
        );
        // Signed for Fri 2024-09-27: 20 working days over National Day end Wed 2024-10-30.
        let r = handler
            .post(w.url("/admin/requests"))
            .form(&entry("2024-09-27"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("已登记。查询码 YS"),
            "the code and password are shown once"
        );
        let code = html
            .split("查询码 ")
            .nth(1)
            .unwrap()
            .split('，')
            .next()
            .unwrap()
            .to_string();
        let password = html
            .split("查询密码 ")
            .nth(1)
            .unwrap()
            .split('（')
            .next()
            .unwrap()
            .to_string();
        assert!(
            html.contains("received Fri 2024-09-27 (day 0, not counted)"),
            "day by day"
        );
        assert!(html.contains("Sun 09-29 调休上班 (国庆节) counted (day 1)"));
        assert!(html.contains("10-01..10-07 国庆节 skipped"));
        assert!(html.contains("Sat 10-12 调休上班 (国庆节) counted"));
        assert!(html.contains("due Wed 2024-10-30 (day 20)"));
        // The applicant tracks it with what the office handed over.
        let (status, html) = track(&w, &client(), &code, &password).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("2024-10-30") && html.contains("已收到"),
            "{code} {password}"
        );
        // Another department's organisation is outside handler_a's scope.
        let mut other = entry("2024-09-27");
        other.iter_mut().find(|(k, _)| *k == "org_id").unwrap().1 = w.dept_b.to_string();
        let r = handler
            .post(w.url("/admin/requests"))
            .form(&other)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let (editor, ecsrf) = w.sign_in("editor_a").await;
        assert_eq!(
            editor
                .get(w.url("/admin/requests/new"))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
        let mut f = entry("2024-09-27");
        f[0].1 = ecsrf;
        assert_eq!(
            editor
                .post(w.url("/admin/requests"))
                .form(&f)
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
    });
}
