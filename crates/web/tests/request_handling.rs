//! 依申请公开 handling beyond the state machine, over HTTP on both databases: a new year's holiday
//! notice loaded by a platform admin recomputes open cases; the fee schedule; a case's files and
//! the applicant's downloads; the duplicate warning; a consented reply drafted as an item.

mod support;

use gongkai_storage::crypto::DataKey;
use gongkai_storage::request::{self, RequestInput};
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

/// One personal-data key for the test process: the applicant's keyed hash (duplicates, the
/// per-piece fee) depends on it, as it does on a real node.
fn key() -> &'static DataKey {
    static KEY: std::sync::OnceLock<DataKey> = std::sync::OnceLock::new();
    KEY.get_or_init(DataKey::generate)
}

/// A request received in person on `on`.
fn intake(w: &World, on: &str, description: &str, consent: bool) -> request::Acknowledgement {
    let input = RequestInput {
        org_id: w.dept_a.to_string(),
        applicant_type: "natural_person".into(),
        name: "张三".into(),
        id_type: "resident_id".into(),
        id_number: "420106199001011231".into(),
        phone: "13812345678".into(),
        address: "示范市中山路 1 号".into(),
        description: description.into(),
        preferred_form: "electronic".into(),
        delivery: "online".into(),
        publish_consent: if consent { "on".into() } else { String::new() },
        ..Default::default()
    };
    let mut c = w.db.conn().unwrap();
    let cal = gongkai_storage::calendar::effective(&mut c).unwrap();
    request::intake(
        &mut c,
        key(),
        &cal,
        &Actor::system("public"),
        &input.validate().unwrap(),
        &gongkai_domain::request::ReceiptFacts::new(
            gongkai_domain::request::ReceiptChannel::InPerson,
            on.parse().unwrap(),
        ),
    )
    .unwrap()
}

const HOLIDAYS_2027: &str = r#"{"year": 2027, "papers": [], "days": [
  {"name": "元旦", "date": "2027-01-01", "isOffDay": true}
]}"#;

#[test]
fn platform_admin_loads_a_year_and_open_cases_get_their_due_date() {
    on_each_database(|w| async move {
        let open = intake(
            &w,
            "2026-12-18",
            "2026 年本市义务教育学校招生划片范围",
            false,
        );
        assert_eq!(open.due_on, None, "2027 is not built in");

        // A request handler may not change the calendar.
        let (handler, hcsrf) = w.sign_in("handler_a").await;
        assert_eq!(
            handler
                .get(w.url("/admin/requests/settings"))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
        let form = reqwest::multipart::Form::new()
            .text("csrf", hcsrf.clone())
            .text("body", HOLIDAYS_2027);
        let r = handler
            .post(w.url("/admin/requests/settings/calendar"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        let (admin, csrf) = w.sign_in("admin").await;
        let page = admin
            .get(w.url("/admin/requests/settings"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("2007–2026"), "built-in span shown");
        assert!(page.contains("1 件尚未答复"));

        // A broken file: refused with the reason, nothing loaded.
        let bad = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(b"{\"year\": 2027".to_vec()).file_name("2027.json"),
            );
        let r = admin
            .post(w.url("/admin/requests/settings/calendar"))
            .multipart(bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("文件未载入"));

        let good = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(HOLIDAYS_2027.as_bytes().to_vec())
                    .file_name("2027.json"),
            );
        let r = admin
            .post(w.url("/admin/requests/settings/calendar"))
            .multipart(good)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("已载入 2027 年"), "{html}");
        assert!(
            html.contains(&format!("{}：无法计算 → 2027-01-18", open.tracking_code)),
            "{html}"
        );

        // The case shows the new due date, explained, and the change in its history.
        let (handler, _) = w.sign_in("handler_a").await;
        let view = handler
            .get(w.url(&format!("/admin/requests/{}", open.id)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(view.contains("2027-01-18"));
        assert!(view.contains("deadline_recomputed"));
        let mut c = w.db.conn().unwrap();
        let log = gongkai_storage::audit::list(
            &mut c,
            &gongkai_storage::audit::AuditQuery {
                entity: Some("calendar".into()),
                page: 1,
                per_page: 10,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(log.rows.len(), 1);
    });
}

#[test]
fn fee_schedule_is_validated_and_applied() {
    on_each_database(|w| async move {
        let (admin, csrf) = w.sign_in("admin").await;
        let r = admin
            .post(w.url("/admin/requests/settings/fees"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("schedule", "[per_piece]\n30-11 100"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("第 2 行") && html.contains("30-11 100"),
            "line named, text kept"
        );

        // No schedule: the case offers no fee form.
        let ids: Vec<i64> = (0..11)
            .map(|n| {
                intake(
                    &w,
                    "2024-05-06",
                    &format!("第 {n} 批某某专项资金的分配明细表"),
                    false,
                )
                .id
            })
            .collect();
        let (handler, hcsrf) = w.sign_in("handler_a").await;
        let view = |id: i64| {
            let h = handler.clone();
            let u = w.url(&format!("/admin/requests/{id}"));
            async move { h.get(u).send().await.unwrap().text().await.unwrap() }
        };
        assert!(view(ids[10]).await.contains("未配置收费标准"));

        let national = gongkai_domain::request::FeeSchedule::national().to_text();
        let r = admin
            .post(w.url("/admin/requests/settings/fees"))
            .form(&[("csrf", csrf.as_str()), ("schedule", national.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(view(ids[10]).await.contains("本月第 11 件"));
        let r = handler
            .post(w.url(&format!("/admin/requests/{}/fee", ids[10])))
            .form(&[
                ("csrf", hcsrf.as_str()),
                ("basis", "per_piece"),
                ("pages", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert!(view(ids[10]).await.contains("已收取 100.00 元"));
        // The first of the month is free: refused with the reason, shown on the case.
        let r = handler
            .post(w.url(&format!("/admin/requests/{}/fee", ids[0])))
            .form(&[
                ("csrf", hcsrf.as_str()),
                ("basis", "per_piece"),
                ("pages", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("无需收费"));
    });
}

async fn track_page(w: &World, c: &reqwest::Client, code: &str, password: &str) -> String {
    let page = c
        .get(w.url("/request/track"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    c.post(w.url("/request/track"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", code),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[test]
fn files_reach_the_applicant_and_scans_do_not() {
    on_each_database(|w| async move {
        let ack = intake(&w, "2024-06-03", "2024 年本市义务教育学校招生计划", true);
        let (handler, hcsrf) = w.sign_in("handler_a").await;
        let upload = |kind: &'static str, name: &'static str, bytes: &'static [u8]| {
            let h = handler.clone();
            let u = w.url(&format!("/admin/requests/{}/files", ack.id));
            let csrf = hcsrf.clone();
            async move {
                let form = reqwest::multipart::Form::new()
                    .text("csrf", csrf)
                    .text("kind", kind)
                    .part(
                        "file",
                        reqwest::multipart::Part::bytes(bytes).file_name(name),
                    );
                h.post(u)
                    .multipart(form)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(upload("scan", "申请表.pdf", b"%PDF-1.4 scan").await, 303);
        assert_eq!(
            upload("release", "招生计划.txt", "招生计划全文".as_bytes()).await,
            303
        );
        assert_eq!(upload("release", "bad.exe", b"MZ").await, 415);

        let view = handler
            .get(w.url(&format!("/admin/requests/{}", ack.id)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            view.contains("申请材料扫描件：申请表.pdf")
                && view.contains("公开的政府信息：招生计划.txt")
        );

        let citizen = client();
        let page = track_page(&w, &citizen, &ack.tracking_code, &ack.password).await;
        assert!(page.contains("招生计划.txt"), "released file offered");
        assert!(
            !page.contains("申请表.pdf"),
            "scans are not the applicant's download"
        );
        let fid: i64 = page
            .split("/request/track/files/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let csrf = csrf_of(&page);
        let get = |password: &str| {
            citizen
                .post(w.url(&format!("/request/track/files/{fid}")))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("code", ack.tracking_code.as_str()),
                    ("password", password),
                ])
                .send()
        };
        let r = get(&ack.password).await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment"));
        assert_eq!(r.text().await.unwrap(), "招生计划全文");
        let wrong = get("WRONGPASS1").await.unwrap().text().await.unwrap();
        assert!(wrong.contains("查询码或密码不正确"));
        // The scan's id with the right password: the same refusal.
        let r = citizen
            .post(w.url(&format!("/request/track/files/{}", fid - 1)))
            .form(&[
                ("csrf", csrf.as_str()),
                ("code", ack.tracking_code.as_str()),
                ("password", ack.password.as_str()),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(r.contains("查询码或密码不正确"));
    });
}

#[test]
fn duplicate_warning_and_consented_reply_published_as_a_draft() {
    on_each_database(|w| async move {
        let first = intake(
            &w,
            "2024-06-03",
            "2024 年本市义务教育学校招生计划及划片范围",
            true,
        );
        let second = intake(
            &w,
            "2024-07-01",
            "2024年本市义务教育学校的招生计划和划片范围",
            false,
        );
        let (handler, hcsrf) = w.sign_in("handler_a").await;
        let view = handler
            .get(w.url(&format!("/admin/requests/{}", second.id)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(view.contains("可能是重复申请") && view.contains(&first.tracking_code));

        let r = handler
            .post(w.url(&format!("/admin/requests/{}/act", first.id)))
            .form(&[
                ("csrf", hcsrf.as_str()),
                ("action", "answer_on_the_spot"),
                ("on", "2024-06-03"),
                ("outcome", "disclosed"),
                ("reply_text", "招生计划已随本答复提供。"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        // A request handler alone cannot draft items (EditItems is needed too).
        let r = handler
            .post(w.url(&format!("/admin/requests/{}/publish", first.id)))
            .form(&[("csrf", hcsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let (publisher, ocsrf) = w.sign_in("admin").await;
        let r = publisher
            .post(w.url(&format!("/admin/requests/{}/publish", first.id)))
            .form(&[("csrf", ocsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let loc = r.headers()["location"].to_str().unwrap().to_string();
        assert!(
            loc.starts_with("/admin/items/") && loc.ends_with("/edit"),
            "{loc}"
        );
        let r = publisher
            .post(w.url(&format!("/admin/requests/{}/publish", second.id)))
            .form(&[("csrf", ocsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "no consent, no answer");
    });
}
