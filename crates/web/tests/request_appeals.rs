//! 行政复议 and 行政诉讼 records over HTTP, on SQLite and on PostgreSQL: a handler files a
//! reconsideration and lawsuits on a case through the case page's forms and records their
//! decisions; the rules refuse what they must (nothing to contest yet, a lawsuit after a
//! reconsideration that was not decided, a decision before the filing or twice, bad input), and the
//! records feed table 四.

mod support;

use chrono::Datelike;
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::report::{Table4Block, Table4Column};
use gongkai_domain::request::{ReceiptChannel, ReceiptFacts};
use gongkai_storage::audit::{self, Actor, AuditQuery};
use gongkai_storage::crypto::DataKey;
use gongkai_storage::request::{self, stats, RequestInput};
use support::{databases, start, World};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// A request received online today by `org`.
fn received(w: &World, org: i64) -> i64 {
    let mut c = w.db.conn().unwrap();
    let new = RequestInput {
        org_id: org.to_string(),
        applicant_type: "natural_person".into(),
        name: "张三".into(),
        id_type: "resident_id".into(),
        id_number: "420106199001011231".into(),
        phone: "13812345678".into(),
        email: String::new(),
        address: "示范市中山路 1 号".into(),
        description: "2026 年本市义务教育学校招生划片范围".into(),
        preferred_form: "electronic".into(),
        delivery: "online".into(),
        publish_consent: String::new(),
    }
    .validate()
    .unwrap();
    request::intake(
        &mut c,
        &DataKey::generate(),
        &WorkingCalendar::builtin(),
        &Actor::system("public"),
        &new,
        &ReceiptFacts::new(ReceiptChannel::Online, today()).confirmed(today()),
    )
    .unwrap()
    .id
}

async fn post(
    c: &reqwest::Client,
    url: String,
    csrf: &str,
    fields: Vec<(&'static str, String)>,
) -> (u16, String) {
    let mut form = fields;
    form.push(("csrf", csrf.to_string()));
    let r = c.post(url).form(&form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Form fields, with the date `on` when given.
fn fields(pairs: &[(&'static str, &str)], on: Option<&str>) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> =
        pairs.iter().map(|(k, v)| (*k, v.to_string())).collect();
    if let Some(on) = on {
        v.push(("on", on.to_string()));
    }
    v
}

fn file(kind: &str, body: &str, on: Option<&str>) -> Vec<(&'static str, String)> {
    fields(
        &[
            ("action", "file_appeal"),
            ("kind", kind),
            ("body", body),
            ("note", "申请人不服答复"),
        ],
        on,
    )
}

fn decide(outcome: &str, appeal: &str, on: &str) -> Vec<(&'static str, String)> {
    fields(
        &[
            ("action", "decide_appeal"),
            ("appeal_id", appeal),
            ("outcome", outcome),
        ],
        Some(on),
    )
}

#[test]
fn appeals_are_filed_and_decided_through_the_case_forms() {
    for db in databases() {
        rt().block_on(async {
            let w = start(db).await;
            let id = received(&w, w.dept_a);
            let (h, csrf) = w.sign_in("handler_a").await;
            let url = w.url(&format!("/admin/requests/{id}/act"));
            let day = today().to_string();
            let yesterday = today().pred_opt().unwrap().to_string();
            let (day, yesterday) = (day.as_str(), yesterday.as_str());

            // Not answered and not overdue: nothing to contest yet; the form is not even offered.
            let page = h
                .get(w.url(&format!("/admin/requests/{id}")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(
                !page.contains("登记行政复议或行政诉讼"),
                "no appeal form yet"
            );
            let (s, html) = post(
                &h,
                url.clone(),
                &csrf,
                file("reconsideration", "示范市人民政府", Some(day)),
            )
            .await;
            assert_eq!(s, 422);
            assert!(html.contains("nothing to contest yet"), "{html}");

            // Assign and answer; now the appeal form is there.
            let dept = w.dept_a.to_string();
            for step in [
                fields(
                    &[
                        ("action", "assign"),
                        ("org_id", &dept),
                        ("handler", "李办理"),
                    ],
                    Some(day),
                ),
                fields(
                    &[
                        ("action", "reply"),
                        ("outcome", "not_disclosed.process_information"),
                        ("reply_text", "属于过程性信息，不予公开。"),
                    ],
                    Some(day),
                ),
            ] {
                let (s, html) = post(&h, url.clone(), &csrf, step).await;
                assert_eq!(s, 303, "{html}");
            }
            let page = h
                .get(w.url(&format!("/admin/requests/{id}")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(page.contains("登记行政复议或行政诉讼"));

            // Bad input: no body, an unknown kind, no date, a forged token, a date before receipt.
            let (s, html) = post(
                &h,
                url.clone(),
                &csrf,
                file("reconsideration", "  ", Some(day)),
            )
            .await;
            assert_eq!(s, 422);
            assert!(html.contains("请填写复议机关或人民法院"), "{html}");
            let (s, _) = post(
                &h,
                url.clone(),
                &csrf,
                file("appeal_to_heaven", "天庭", Some(day)),
            )
            .await;
            assert_eq!(s, 400);
            let (s, _) = post(
                &h,
                url.clone(),
                &csrf,
                file("reconsideration", "示范市人民政府", None),
            )
            .await;
            assert_eq!(s, 400, "the date is required");
            let (s, _) = post(
                &h,
                url.clone(),
                "forged",
                file("reconsideration", "示范市人民政府", Some(day)),
            )
            .await;
            assert_eq!(s, 403);
            let (s, html) = post(
                &h,
                url.clone(),
                &csrf,
                file("reconsideration", "示范市人民政府", Some(yesterday)),
            )
            .await;
            assert_eq!(s, 422);
            assert!(html.contains("before the request was received"), "{html}");
            // A lawsuit after reconsideration needs a decided reconsideration first.
            let (s, html) = post(
                &h,
                url.clone(),
                &csrf,
                file(
                    "litigation_after_reconsideration",
                    "示范市中级人民法院",
                    Some(day),
                ),
            )
            .await;
            assert_eq!(s, 422);
            assert!(html.contains("needs a reconsideration"), "{html}");

            // Someone who does not handle this organisation's requests may not file.
            let (e, ecsrf) = w.sign_in("editor_a").await;
            let (s, _) = post(
                &e,
                url.clone(),
                &ecsrf,
                file("reconsideration", "示范市人民政府", Some(day)),
            )
            .await;
            assert_eq!(s, 403);

            // File a reconsideration.
            let (s, html) = post(
                &h,
                url.clone(),
                &csrf,
                file("reconsideration", "示范市人民政府", Some(day)),
            )
            .await;
            assert_eq!(s, 303, "{html}");
            let appeals = {
                let mut c = w.db.conn().unwrap();
                request::appeals(&mut c, id).unwrap()
            };
            assert_eq!(appeals.len(), 1);
            let aid = appeals[0].id.to_string();
            let aid = aid.as_str();
            let page = h
                .get(w.url(&format!("/admin/requests/{id}")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(page.contains("示范市人民政府") && page.contains("尚未审结"));
            assert!(
                page.contains("登记复议或诉讼结果"),
                "the decision form is offered"
            );

            // Decisions the rules refuse.
            let (s, html) = post(&h, url.clone(), &csrf, decide("pending", aid, day)).await;
            assert_eq!(s, 422);
            assert!(html.contains("is not a decision"), "{html}");
            let (s, _) = post(&h, url.clone(), &csrf, decide("total", aid, day)).await;
            assert_eq!(s, 400);
            let (s, _) = post(&h, url.clone(), &csrf, decide("won", aid, day)).await;
            assert_eq!(s, 400);
            let (s, _) = post(&h, url.clone(), &csrf, decide("upheld", "999999", day)).await;
            assert_eq!(s, 404, "an appeal of another case");
            let (s, html) = post(&h, url.clone(), &csrf, decide("upheld", aid, yesterday)).await;
            assert_eq!(s, 422);
            assert!(html.contains("before it was filed"), "{html}");
            // The decision, once.
            let (s, html) = post(&h, url.clone(), &csrf, decide("upheld", aid, day)).await;
            assert_eq!(s, 303, "{html}");
            let (s, html) = post(&h, url.clone(), &csrf, decide("corrected", aid, day)).await;
            assert_eq!(s, 422);
            assert!(html.contains("already decided"), "{html}");

            // Now a lawsuit after the reconsideration, and a direct one.
            for (kind, body) in [
                ("litigation_after_reconsideration", "示范市中级人民法院"),
                ("litigation_direct", "示范市某区人民法院"),
            ] {
                let (s, html) = post(&h, url.clone(), &csrf, file(kind, body, Some(day))).await;
                assert_eq!(s, 303, "{kind}: {html}");
            }
            let page = h
                .get(w.url(&format!("/admin/requests/{id}")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(page.contains("结果维持") && page.contains("示范市中级人民法院"));

            // Audited, in the case history, and counted in table 四.
            let mut c = w.db.conn().unwrap();
            let log = audit::list(
                &mut c,
                &AuditQuery {
                    entity: Some("request".into()),
                    entity_id: Some(id.to_string()),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .unwrap();
            let actions: Vec<&str> = log.rows.iter().map(|e| e.action.as_str()).collect();
            assert_eq!(
                actions
                    .iter()
                    .filter(|a| **a == "request.appeal_file")
                    .count(),
                3
            );
            assert_eq!(
                actions
                    .iter()
                    .filter(|a| **a == "request.appeal_decide")
                    .count(),
                1
            );
            assert!(log
                .rows
                .iter()
                .all(|e| e.action != "request.appeal_file" || e.actor == "handler_a"));
            let kinds: Vec<String> = request::events(&mut c, id)
                .unwrap()
                .into_iter()
                .map(|e| e.kind)
                .collect();
            assert_eq!(kinds.iter().filter(|k| *k == "appeal_filed").count(), 3);
            let t4 = stats::table4(&mut c, None, today().year()).unwrap();
            assert_eq!(
                t4.get(Table4Block::Reconsideration, Table4Column::Upheld),
                1
            );
            assert_eq!(
                t4.get(
                    Table4Block::LitigationAfterReconsideration,
                    Table4Column::Pending
                ),
                1
            );
            assert_eq!(
                t4.get(Table4Block::LitigationDirect, Table4Column::Pending),
                1
            );
            assert!(t4.check().is_empty());
            // Another organisation's table 四 has none of them.
            assert_eq!(
                stats::table4(&mut c, Some(&[w.dept_b]), today().year()).unwrap(),
                gongkai_domain::report::Table4::new()
            );
        });
    }
}
