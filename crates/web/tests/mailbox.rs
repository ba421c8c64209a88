//! 领导信箱 over HTTP, on SQLite and on PostgreSQL: a citizen writes to a leader (bad input kept,
//! forged token refused), gets a code and password, tracks the letter (a wrong password looks like
//! an unknown code); the letter is routed by rule; a handler of the answering organisation sees
//! the writer masked, reveals (audited), replies and publishes; the writer rates; the public Q&A has
//! no personal data; watch-word alerts reach the organisation's admin; other organisations are
//! refused; the form is rate-limited.

mod support;

use gongkai_domain::mailbox::CategoryTree;
use gongkai_domain::role::Role;
use gongkai_storage::audit::{self, AuditQuery};
use gongkai_storage::mailbox;
use gongkai_storage::Actor;
use support::{add_user, client, csrf_of, databases, start, World};

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

const GAS: &str = "城乡建设/城市建设和市政管理/燃气供应";
const PHONE: &str = "13900001111";

/// The mailbox of the test city: a category tree, the mayor, gas letters routed to department A,
/// letter handlers in A and B.
fn mailbox_setup(w: &World) -> i64 {
    let mut c = w.db.conn().unwrap();
    let a = Actor::system("test");
    let tree = CategoryTree::from_jsonl(&format!(
        "{{\"l1\": \"城乡建设\", \"l2\": \"城市建设和市政管理\", \"l3\": \"燃气供应\"}}\n{{\"l1\": \"教育文体\", \"l2\": \"教育\", \"l3\": \"学前教育\"}}\n"
    ))
    .unwrap();
    mailbox::seed_categories(&mut c, &a, &tree).unwrap();
    mailbox::set_route(&mut c, &a, GAS, w.dept_a).unwrap();
    let mayor = mailbox::ensure_leader(&mut c, &a, "王某", "市长", w.city).unwrap();
    add_user(&w.db, "letters_a", Role::LetterHandler, w.dept_a);
    add_user(&w.db, "letters_b", Role::LetterHandler, w.dept_b);
    mayor
}

fn letter_form(
    csrf: &str,
    recipient: &str,
    subject: &str,
    body: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_string()),
        ("recipient", recipient.to_string()),
        ("category", GAS.to_string()),
        ("subject", subject.to_string()),
        ("body", body.to_string()),
        ("name", "李小四".to_string()),
        ("phone", PHONE.to_string()),
        ("email", "li@example.com".to_string()),
        ("publish", "1".to_string()),
    ]
}

fn strong_after(html: &str, label: &str) -> String {
    let at = html
        .find(label)
        .unwrap_or_else(|| panic!("no {label} in page"));
    let rest = &html[at..];
    let start = rest.find("<strong class=\"tracking-code\">").unwrap()
        + "<strong class=\"tracking-code\">".len();
    rest[start..].split('<').next().unwrap().to_string()
}

async fn get(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Writes a letter as a fresh visitor; returns (code, password).
async fn write(w: &World, recipient: &str, subject: &str, body: &str) -> (String, String) {
    let c = client();
    let (_, page) = get(&c, w.url("/mailbox/write")).await;
    let csrf = csrf_of(&page);
    let r = c
        .post(w.url("/mailbox/write"))
        .form(&letter_form(&csrf, recipient, subject, body))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    (
        strong_after(&html, "查询码"),
        strong_after(&html, "查询密码"),
    )
}

async fn track(w: &World, c: &reqwest::Client, code: &str, password: &str) -> (u16, String) {
    let (_, page) = get(c, w.url("/mailbox/track")).await;
    let csrf = csrf_of(&page);
    let r = c
        .post(w.url("/mailbox/track"))
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

fn id_of(w: &World, code: &str, password: &str) -> i64 {
    let mut c = w.db.conn().unwrap();
    mailbox::track(&mut c, code, password).unwrap().unwrap().id
}

#[test]
fn citizen_writes_tracks_rates_and_staff_handle_and_publish() {
    on_each_database(|w| async move {
        let mayor = mailbox_setup(&w);
        let citizen = client();
        let (status, html) = get(&citizen, w.url(&format!("/mailbox/write?leader={mayor}"))).await;
        assert_eq!(status, 200);
        assert!(html.contains(&format!(
            "<option value=\"leader:{mayor}\" selected>领导：市长 王某</option>"
        )));
        assert!(html.contains("<optgroup label=\"城乡建设\">"));
        let csrf = csrf_of(&html);
        let recipient = format!("leader:{mayor}");

        // A forged token is refused.
        let r = client()
            .post(w.url("/mailbox/write"))
            .form(&letter_form(
                "forged",
                &recipient,
                "燃气压力不足",
                "入冬以来燃气压力一直不足。",
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // Bad input: errors beside the fields, what was typed kept, nothing stored.
        let mut bad = letter_form(&csrf, &recipient, "短", "");
        bad.retain(|(k, _)| *k != "phone");
        bad.push(("phone", "12ab".into()));
        let r = citizen
            .post(w.url("/mailbox/write"))
            .form(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("<a href=\"#f-body\">必填</a>"),
            "body error listed"
        );
        assert!(html.contains("至少 4 个字") && html.contains("请填写有效的电话号码"));
        assert!(
            html.contains("value=\"李小四\"")
                && html.contains("value=\"12ab\"")
                && html.contains("value=\"短\""),
            "input kept"
        );
        assert!(
            html.contains(&format!("<option value=\"{GAS}\" selected>")),
            "category kept"
        );
        let n = {
            let mut c = w.db.conn().unwrap();
            mailbox::statistics(
                &mut c,
                &gongkai_domain::calendar::WorkingCalendar::builtin(),
                None,
                None,
                chrono::Utc::now().date_naive(),
            )
            .unwrap()
            .total
            .received
        };
        assert_eq!(n, 0);

        // A good letter: stored, then acknowledged; routed by rule to department A.
        let r = citizen
            .post(w.url("/mailbox/write"))
            .form(&letter_form(
                &csrf,
                &recipient,
                "小区燃气压力不足",
                &format!("入冬以来燃气压力一直不足，我叫李小四，电话{PHONE}。"),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("由示范市教育局办理"), "routed by rule");
        let code = strong_after(&html, "查询码");
        let password = strong_after(&html, "查询密码");
        let id = id_of(&w, &code, &password);

        // Tracking: a wrong password and an unknown code get the same answer.
        let (s1, wrong) = track(&w, &citizen, &code, "WRONGWRONG").await;
        let (s2, unknown) = track(&w, &citizen, "XX20000101AAAAAA", &password).await;
        assert_eq!((s1, s2), (200, 200));
        let msg = "查询码或密码不正确，请核对后重试。";
        assert!(wrong.contains(msg) && unknown.contains(msg));
        assert!(!wrong.contains("小区燃气压力不足"));
        let (_, found) = track(&w, &citizen, &code, &password).await;
        assert!(
            found.contains("小区燃气压力不足")
                && found.contains("办理中")
                && found.contains("示范市教育局")
        );
        assert!(!found.contains("评价答复"), "nothing to rate yet");

        // Another organisation's handler is refused; A's handler sees the writer masked.
        let (b, _) = w.sign_in("letters_b").await;
        assert_eq!(get(&b, w.url(&format!("/admin/letters/{id}"))).await.0, 403);
        let (_, inbox_b) = get(&b, w.url("/admin/letters")).await;
        assert!(!inbox_b.contains(&code), "not in B's inbox");
        let (editor, _) = w.sign_in("editor_a").await;
        assert_eq!(get(&editor, w.url("/admin/letters")).await.0, 403);
        let (a, a_csrf) = w.sign_in("letters_a").await;
        let (_, inbox) = get(&a, w.url("/admin/letters")).await;
        assert!(inbox.contains(&code) && inbox.contains("李**"));
        assert!(!inbox.contains(PHONE));
        let (status, view) = get(&a, w.url(&format!("/admin/letters/{id}"))).await;
        assert_eq!(status, 200);
        // The writer's own contact field is masked (the letter's text is shown as written).
        assert!(
            view.contains("<td class=\"nowrap\">139****1111</td>")
                && !view.contains("li@example.com"),
            "masked"
        );
        let r = a
            .post(w.url(&format!("/admin/letters/{id}/reveal")))
            .form(&[("csrf", a_csrf.as_str())])
            .send()
            .await
            .unwrap();
        let revealed = r.text().await.unwrap();
        assert!(revealed.contains(PHONE) && revealed.contains("li@example.com"));
        {
            let mut c = w.db.conn().unwrap();
            let log = audit::list(
                &mut c,
                &AuditQuery {
                    action: Some("letter.reveal".into()),
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(log.total, 1, "the reveal is audited");
        }

        // Re-routing needs a reason; escalation before the deadline is refused with the reason.
        let r = a
            .post(w.url(&format!("/admin/letters/{id}/act")))
            .form(&[
                ("csrf", a_csrf.as_str()),
                ("action", "route"),
                ("org_id", &w.dept_b.to_string()),
                ("reason", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("操作未执行"));
        let today = (chrono::Utc::now() + chrono::Duration::hours(8))
            .date_naive()
            .to_string();
        let r = a
            .post(w.url(&format!("/admin/letters/{id}/act")))
            .form(&[
                ("csrf", a_csrf.as_str()),
                ("action", "escalate"),
                ("on", today.as_str()),
                ("note", "快"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("超过答复期限"));

        // The reply; the writer sees it and rates it once.
        let r = a
            .post(w.url(&format!("/admin/letters/{id}/act")))
            .form(&[
                ("csrf", a_csrf.as_str()),
                ("action", "reply"),
                ("on", today.as_str()),
                ("reply", "已协调燃气公司增压。"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, found) = track(&w, &citizen, &code, &password).await;
        assert!(found.contains("已协调燃气公司增压。") && found.contains("评价答复"));
        let rate_csrf = csrf_of(&found);
        let r = citizen
            .post(w.url("/mailbox/rate"))
            .form(&[
                ("csrf", rate_csrf.as_str()),
                ("code", &code),
                ("password", &password),
                ("rating", ""),
                ("comment", "还行"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("请选择满意度"));
        let r = citizen
            .post(w.url("/mailbox/rate"))
            .form(&[
                ("csrf", rate_csrf.as_str()),
                ("code", &code),
                ("password", &password),
                ("rating", "satisfied"),
                ("comment", "谢谢"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("感谢您的评价"));

        // Publication: the proposal has the name and phone removed; the public page shows no personal data.
        let (_, view) = get(&a, w.url(&format!("/admin/letters/{id}"))).await;
        assert!(view.contains("[姓名已隐去]") && view.contains("[电话已隐去]"));
        assert_eq!(
            get(&client(), w.url(&format!("/mailbox/letters/{id}")))
                .await
                .0,
            404,
            "not yet published"
        );
        let r = a
            .post(w.url(&format!("/admin/letters/{id}/act")))
            .form(&[
                ("csrf", a_csrf.as_str()),
                ("action", "publish"),
                ("public_subject", "小区燃气压力不足"),
                (
                    "public_body",
                    "入冬以来燃气压力一直不足，我叫[姓名已隐去]，电话[电话已隐去]。",
                ),
                ("public_reply", "已协调燃气公司增压。"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let visitor = client();
        let (status, list) = get(&visitor, w.url("/mailbox")).await;
        assert_eq!(status, 200);
        assert!(list.contains(&format!("/mailbox/letters/{id}")) && list.contains("市长 王某"));
        let (status, qa) = get(&visitor, w.url(&format!("/mailbox/letters/{id}"))).await;
        assert_eq!(status, 200);
        assert!(qa.contains("已协调燃气公司增压。"));
        for secret in [PHONE, "李小四", "li@example.com", "139****1111"] {
            assert!(
                !qa.contains(secret) && !list.contains(secret),
                "{secret} shown publicly"
            );
        }
    });
}

#[test]
fn watch_words_alert_the_organisations_admin_at_once() {
    on_each_database(|w| async move {
        let mayor = mailbox_setup(&w);
        let (code, _) = write(
            &w,
            &format!("leader:{mayor}"),
            "再不解决就上访",
            "燃气问题再不解决我们就组织群体上访。",
        )
        .await;
        let (admin_a, csrf) = w.sign_in("orgadmin_a").await;
        let (status, inbox) = get(&admin_a, w.url("/admin/letters")).await;
        assert_eq!(status, 200);
        assert!(
            inbox.contains("舆情预警")
                && inbox.contains("关键词：上访 群体")
                && inbox.contains(&code)
        );
        // The organisation's admin (and the platform admin) see it on the dashboard at sign-in.
        for who in ["orgadmin_a", "admin"] {
            let (c, _) = w.sign_in(who).await;
            let (status, dash) = get(&c, w.url("/admin")).await;
            assert_eq!(status, 200);
            assert!(
                dash.contains("舆情预警")
                    && dash.contains("关键词：上访 群体")
                    && dash.contains(&code),
                "{who}: {dash}"
            );
        }
        // A letter handler handles it but the alert is for admins; another organisation's admin
        // does not see it.
        let (handler, _) = w.sign_in("letters_a").await;
        let (_, hinbox) = get(&handler, w.url("/admin/letters")).await;
        assert!(hinbox.contains(&code) && !hinbox.contains("关键词：上访"));
        let (_, hdash) = get(&handler, w.url("/admin")).await;
        assert!(!hdash.contains("舆情预警"));
        add_user(&w.db, "orgadmin_b", Role::OrgAdmin, w.dept_b);
        let (admin_b, _) = w.sign_in("orgadmin_b").await;
        let (_, bdash) = get(&admin_b, w.url("/admin")).await;
        assert!(!bdash.contains("舆情预警") && !bdash.contains(&code));
        let seen = inbox
            .split("action=\"")
            .filter_map(|s| s.split('"').next())
            .find(|u| u.contains("/seen"))
            .unwrap()
            .to_string();
        let r = admin_a
            .post(w.url(&seen))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, inbox) = get(&admin_a, w.url("/admin/letters")).await;
        assert!(!inbox.contains("关键词：上访"));
        let (_, dash) = get(&admin_a, w.url("/admin")).await;
        assert!(!dash.contains("关键词：上访"));
    });
}

#[test]
fn the_letter_form_is_rate_limited() {
    on_each_database(|w| async move {
        let mayor = mailbox_setup(&w);
        let c = client();
        let (_, page) = get(&c, w.url("/mailbox/write")).await;
        let csrf = csrf_of(&page);
        let mut statuses = vec![];
        for i in 0..12 {
            let r = c
                .post(w.url("/mailbox/write"))
                .form(&letter_form(
                    &csrf,
                    &format!("leader:{mayor}"),
                    &format!("燃气问题第 {i} 封"),
                    "燃气压力一直不足，请尽快解决。",
                ))
                .send()
                .await
                .unwrap();
            statuses.push(r.status().as_u16());
        }
        assert_eq!(&statuses[..10], &[200; 10]);
        assert_eq!(&statuses[10..], &[429, 429]);
    });
}

#[test]
fn statistics_and_settings_pages_follow_roles() {
    on_each_database(|w| async move {
        let mayor = mailbox_setup(&w);
        write(
            &w,
            &format!("leader:{mayor}"),
            "燃气压力不足",
            "燃气压力一直不足，请尽快解决。",
        )
        .await;
        let (a, _) = w.sign_in("letters_a").await;
        let (status, stats) = get(&a, w.url("/admin/letters/stats")).await;
        assert_eq!(status, 200);
        assert!(stats.contains("<th scope=\"row\">合计</th>") && stats.contains("市长 王某"));
        assert_eq!(get(&a, w.url("/admin/letters/stats?year=abc")).await.0, 400);
        assert_eq!(get(&a, w.url("/admin/mailbox/settings")).await.0, 403);
        let (admin, csrf) = w.sign_in("admin").await;
        assert_eq!(get(&admin, w.url("/admin/mailbox/settings")).await.0, 200);
        let r = admin
            .post(w.url("/admin/mailbox/settings"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("reply_days", "0"),
                ("reminder_days", "1"),
                ("watch_words", "停气"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("答复期限应为 1 至 60 个工作日") && html.contains("停气"),
            "input kept"
        );
        let r = admin
            .post(w.url("/admin/mailbox/settings"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("reply_days", "10"),
                ("reminder_days", "2"),
                ("watch_words", "停气"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (code, _) = write(
            &w,
            &format!("leader:{mayor}"),
            "又停气了",
            "小区又停气了，请尽快解决。",
        )
        .await;
        let (admin_inbox_status, inbox) = get(&admin, w.url("/admin/letters")).await;
        assert_eq!(admin_inbox_status, 200);
        assert!(inbox.contains("关键词：停气") && inbox.contains(&code));
    });
}

/// A letter received on `on` (noon in China) through storage, as the public form would store it.
fn letter_received(w: &World, mayor: i64, subject: &str, on: chrono::NaiveDate) -> i64 {
    use gongkai_domain::calendar::WorkingCalendar;
    use gongkai_domain::mailbox::LetterInput;
    let mut c = w.db.conn().unwrap();
    let tree = mailbox::category_tree(&mut c).unwrap();
    let new = LetterInput {
        leader_id: mayor.to_string(),
        org_id: String::new(),
        category: GAS.into(),
        subject: subject.into(),
        body: "入冬以来燃气压力一直不足，请尽快解决。".into(),
        name: "李小四".into(),
        phone: PHONE.into(),
        email: String::new(),
        publish: "1".into(),
    }
    .validate(&tree)
    .unwrap();
    let ack = mailbox::submit(
        &mut c,
        &gongkai_storage::crypto::DataKey::generate(),
        &WorkingCalendar::builtin(),
        &Actor::system("test"),
        None,
        &new,
        on.and_hms_opt(4, 0, 0).unwrap(),
    )
    .unwrap();
    mailbox::track(&mut c, &ack.tracking_code, &ack.password)
        .unwrap()
        .unwrap()
        .id
}

fn event_kinds(w: &World, id: i64) -> Vec<String> {
    let mut c = w.db.conn().unwrap();
    mailbox::events(&mut c, id)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

#[test]
fn the_server_reminds_and_escalates_letters_on_its_own_once() {
    use gongkai_domain::calendar::WorkingCalendar;
    use gongkai_domain::mailbox::{reply_due, timeliness, Timeliness};
    on_each_database(|w| async move {
        let mayor = mailbox_setup(&w);
        let cal = WorkingCalendar::builtin();
        let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
        // Received long ago: overdue. Received about 13 working days ago: in the reminder period.
        // Received today: in time, left alone.
        let overdue = letter_received(
            &w,
            mayor,
            "燃气压力不足已两月",
            today - chrono::Duration::days(60),
        );
        let near = (1..40)
            .map(|k| today - chrono::Duration::days(k))
            .find(|r| {
                matches!(
                    timeliness(&cal, reply_due(&cal, *r, 15).unwrap(), today, 3),
                    Ok(Timeliness::ReminderDue { .. })
                )
            })
            .unwrap();
        let reminded = letter_received(&w, mayor, "燃气压力不足快到期", near);
        let fresh = letter_received(&w, mayor, "燃气压力不足刚写", today);

        // The running server's scheduler (every 15 s) finds them without anyone asking.
        let started = std::time::Instant::now();
        while !event_kinds(&w, overdue).contains(&"escalate".to_string())
            || !event_kinds(&w, reminded).contains(&"reminded".to_string())
        {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(45),
                "the scheduler did not act: {:?} {:?}",
                event_kinds(&w, overdue),
                event_kinds(&w, reminded)
            );
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        {
            let mut c = w.db.conn().unwrap();
            let l = mailbox::get(&mut c, overdue).unwrap();
            assert_eq!((l.escalations, l.escalated_on), (1, Some(today)));
            assert!(l.reminded_on.is_some());
            let l = mailbox::get(&mut c, reminded).unwrap();
            assert_eq!((l.escalations, l.reminded_on), (0, Some(today)));
            let l = mailbox::get(&mut c, fresh).unwrap();
            assert_eq!((l.escalations, l.reminded_on), (0, None));
            let escalations = audit::list(
                &mut c,
                &AuditQuery {
                    action: Some("letter.escalate".into()),
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(escalations.total, 1);
        }
        let kinds = event_kinds(&w, fresh);
        assert!(
            !kinds.iter().any(|k| k == "reminded" || k == "escalate"),
            "{kinds:?}"
        );

        // Another pass (here: a second node over the same database) does nothing more.
        let node = gongkai_web::AppState::new(w.db.clone(), None, Default::default());
        let again = gongkai_web::background::letter_deadlines_once(&node)
            .await
            .unwrap();
        assert_eq!((again.reminded, again.escalated), (0, 0));
        for id in [overdue, reminded] {
            let kinds = event_kinds(&w, id);
            assert!(
                kinds.iter().filter(|k| *k == "reminded").count() == 1,
                "{kinds:?}"
            );
            assert!(
                kinds.iter().filter(|k| *k == "escalate").count() <= 1,
                "{kinds:?}"
            );
        }

        // Staff see it in the inbox.
        let (handler, _) = w.sign_in("letters_a").await;
        let (_, inbox) = get(&handler, w.url("/admin/letters")).await;
        assert!(inbox.contains("督办 1"), "{inbox}");
    });
}
