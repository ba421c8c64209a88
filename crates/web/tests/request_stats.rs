//! The back office's 依申请公开统计 page over HTTP, on SQLite and on PostgreSQL: figures computed from
//! the cases, per organisation within the user's scope (city-level users see every organisation
//! and the city total), for a year or a date range; bad periods refused with the input kept; only
//! request handlers get in; the caseload page links to it.

mod support;

use chrono::NaiveDate;
use gongkai_domain::calendar::WorkingCalendar;
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

/// A request handed in at `org` on `on`, assigned, and answered on `answered` if given.
fn case(w: &World, org: i64, on: &str, answered: Option<(&str, Outcome)>) {
    let mut c = w.db.conn().unwrap();
    let cal = WorkingCalendar::builtin();
    let new = RequestInput {
        org_id: org.to_string(),
        applicant_type: "natural_person".into(),
        name: "张三".into(),
        id_type: "passport".into(),
        id_number: "E12345678".into(),
        phone: "13812345678".into(),
        email: String::new(),
        address: "示范市中山路 1 号".into(),
        description: "本市 2024 年义务教育招生计划".into(),
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
        &ReceiptFacts::new(ReceiptChannel::InPerson, d(on)),
    )
    .unwrap()
    .id;
    let staff = Actor::system("test");
    request::act(
        &mut c,
        &cal,
        &staff,
        id,
        &Step::Assign {
            on: d(on),
            org_id: org,
            handler: "李办理".into(),
        },
    )
    .unwrap();
    if let Some((day, outcome)) = answered {
        request::act(
            &mut c,
            &cal,
            &staff,
            id,
            &Step::Reply {
                on: d(day),
                outcome,
                text: "答复如下。".into(),
            },
        )
        .unwrap();
    }
}

/// The cells of the first table row headed `org`, as text.
fn cells(html: &str, org: &str) -> Vec<String> {
    let head = format!("<th scope=\"row\">{org}</th>");
    let at = html
        .find(&head)
        .unwrap_or_else(|| panic!("no row for {org}"));
    let row = &html[at + head.len()..];
    let row = &row[..row.find("</tr>").unwrap()];
    row.split("<td")
        .skip(1)
        .map(|c| {
            let c = &c[c.find('>').unwrap() + 1..];
            c[..c.find("</td>").unwrap()].trim().to_string()
        })
        .collect()
}

async fn get(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[test]
fn statistics_page_per_organisation_and_city() {
    for db in databases() {
        rt().block_on(async {
            let w = start(db).await;
            // 示范市教育局: two replies on time (4 and 19 working days), one late (24), one open.
            case(
                &w,
                w.dept_a,
                "2024-03-04",
                Some(("2024-03-08", Outcome::Disclosed)),
            );
            case(
                &w,
                w.dept_a,
                "2024-03-04",
                Some(("2024-03-29", Outcome::StateSecret)),
            );
            case(
                &w,
                w.dept_a,
                "2024-03-04",
                Some(("2024-04-08", Outcome::NotHeld)),
            );
            case(&w, w.dept_a, "2024-11-01", None);
            // 示范市民政局: one reply.
            case(
                &w,
                w.dept_b,
                "2024-06-03",
                Some(("2024-06-05", Outcome::Disclosed)),
            );

            let (h, _) = w.sign_in("handler_a").await;
            let (s, caseload) = get(&h, w.url("/admin/requests")).await;
            assert_eq!(s, 200);
            assert!(
                caseload.contains("href=\"/admin/requests/stats\""),
                "linked from the caseload"
            );

            let (s, html) = get(&h, w.url("/admin/requests/stats?year=2024")).await;
            assert_eq!(s, 200, "{html}");
            assert!(html.contains("办理情况（2024 年）"));
            assert!(
                !html.contains("示范市民政局"),
                "another organisation's cases stay hidden"
            );
            let mine = cells(&html, "合计（您负责的机关）");
            // received, answered, on-time, median, p90, open, due soon, overdue
            assert_eq!(mine[0], "4");
            assert_eq!(mine[1], "3");
            assert_eq!(mine[2], "66.7%（1 件逾期）");
            assert_eq!(mine[3], "19.0");
            assert_eq!(mine[4], "24");
            assert_eq!(mine[5], "1");
            assert_eq!(mine[7], "1", "the November case is overdue today");
            assert_eq!(cells(&html, "示范市教育局")[..5], mine[..5]);
            // The outcome mix (second table): 予以公开 1, 不予公开 1, 无法提供 1.
            let second = &html[html.find("h-outcomes").unwrap()..];
            assert_eq!(
                cells(second, "示范市教育局"),
                ["1", "0", "1", "1", "0", "0"]
            );

            // A date range: March only.
            let (s, html) = get(
                &h,
                w.url("/admin/requests/stats?from=2024-03-01&to=2024-03-31"),
            )
            .await;
            assert_eq!(s, 200);
            assert!(html.contains("2024-03-01 至 2024-03-31"));
            let march = cells(&html, "示范市教育局");
            assert_eq!(
                (march[0].as_str(), march[1].as_str(), march[3].as_str()),
                ("3", "2", "11.5")
            );

            // Bad periods: refused, what was typed kept.
            let (s, html) = get(
                &h,
                w.url("/admin/requests/stats?from=2024-13-01&to=2024-01-01"),
            )
            .await;
            assert_eq!(s, 422);
            assert!(
                html.contains("日期“2024-13-01”无法识别") && html.contains("value=\"2024-13-01\"")
            );
            assert!(!html.contains("办理情况（"));
            let (s, html) = get(
                &h,
                w.url("/admin/requests/stats?from=2024-03-31&to=2024-03-01"),
            )
            .await;
            assert_eq!(s, 422);
            assert!(html.contains("结束日期不能早于开始日期"));
            let (s, _) = get(&h, w.url("/admin/requests/stats?from=2024-03-01")).await;
            assert_eq!(s, 422);
            let (s, html) = get(&h, w.url("/admin/requests/stats?year=1999")).await;
            assert_eq!(s, 422);
            assert!(html.contains("年度应为"));

            // The platform administrator sees the whole city.
            let (a, _) = w.sign_in("admin").await;
            let (s, html) = get(&a, w.url("/admin/requests/stats?year=2024")).await;
            assert_eq!(s, 200);
            let city = cells(&html, "合计（全市）");
            assert_eq!((city[0].as_str(), city[1].as_str()), ("5", "4"));
            assert_eq!(city[2], "75.0%（1 件逾期）");
            assert_eq!(cells(&html, "示范市民政局")[..2], ["1", "1"]);

            // Not a request handler: no statistics.
            let (e, _) = w.sign_in("editor_a").await;
            let (s, _) = get(&e, w.url("/admin/requests/stats")).await;
            assert_eq!(s, 403);
        });
    }
}
