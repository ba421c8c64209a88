use super::*;
use crate::audit::AuditQuery;
use crate::testing::{on_both, seed_org};
use gongkai_domain::mailbox::LetterInput;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Noon in China on `s`.
fn at(s: &str) -> NaiveDateTime {
    d(s).and_hms_opt(4, 0, 0).unwrap()
}

fn cal() -> WorkingCalendar {
    WorkingCalendar::builtin()
}

fn staff() -> Actor {
    Actor {
        user_id: Some(7),
        name: "handler".into(),
        ip: None,
    }
}

const TREE: &str = r#"{"l1": "城乡建设", "l2": "城市建设和市政管理", "l3": "燃气供应"}
{"l1": "城乡建设", "l2": "城市建设和市政管理", "l3": "公园管理"}
{"l1": "教育文体", "l2": "教育", "l3": "学前教育"}
"#;

struct World {
    city: i64,
    gas: i64,
    edu: i64,
    mayor: i64,
}

fn world(conn: &mut AnyConnection) -> World {
    let city = seed_org(conn, None, "11000001");
    let gas = seed_org(conn, Some(city), "11000002");
    let edu = seed_org(conn, Some(city), "11000003");
    let tree = CategoryTree::from_jsonl(TREE).unwrap();
    assert_eq!(seed_categories(conn, &staff(), &tree).unwrap(), 3);
    assert_eq!(
        seed_categories(conn, &staff(), &tree).unwrap(),
        0,
        "idempotent"
    );
    set_route(conn, &staff(), "城乡建设/城市建设和市政管理/燃气供应", gas).unwrap();
    set_route(conn, &staff(), "教育文体", edu).unwrap();
    let mayor = ensure_leader(conn, &staff(), "王市长", "市长", city).unwrap();
    assert_eq!(
        ensure_leader(conn, &staff(), "王市长", "市长", city).unwrap(),
        mayor
    );
    World {
        city,
        gas,
        edu,
        mayor,
    }
}

fn letter(to_leader: Option<i64>, to_org: Option<i64>, category: &str, body: &str) -> NewLetter {
    LetterInput {
        leader_id: to_leader.map(|l| l.to_string()).unwrap_or_default(),
        org_id: to_org.map(|o| o.to_string()).unwrap_or_default(),
        category: category.into(),
        subject: "小区燃气供应不足".into(),
        body: body.into(),
        name: "李小四".into(),
        phone: "13900001111".into(),
        email: "li@example.com".into(),
        publish: "1".into(),
    }
    .validate(&CategoryTree::from_jsonl(TREE).unwrap())
    .unwrap()
}

const GAS: &str = "城乡建设/城市建设和市政管理/燃气供应";

#[test]
fn a_letter_to_a_leader_is_routed_by_rule_with_a_deadline() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let key = DataKey::generate();
        let new = letter(
            Some(w.mayor),
            None,
            GAS,
            "入冬以来小区天然气压力不足，李小四 13900001111。",
        );
        let ack = submit(
            &mut c,
            &key,
            &cal(),
            &Actor::system("public"),
            None,
            &new,
            at("2024-11-25"),
        )
        .unwrap();
        assert!(ack.tracking_code.starts_with("XX20241125"));
        assert_eq!(ack.due_on, Some(d("2024-12-16")), "15 working days");
        assert_eq!(ack.routed_to, w.gas);
        let l = get(&mut c, ack.id).unwrap();
        assert_eq!(l.status(), LetterStatus::Routed);
        assert_eq!(l.addressed_org_id, w.city);
        assert_eq!(l.writer_masked, "李**");
        assert_eq!(l.phone_masked, "139****1111");
        assert!(!l.writer_enc.contains("13900001111"), "encrypted at rest");
        assert_eq!(
            reveal(&mut c, &key, &staff(), ack.id).unwrap().phone,
            "13900001111"
        );
        // The department written to directly keeps it; a letter with no rule stays with the leader's organisation.
        let direct = submit(
            &mut c,
            &key,
            &cal(),
            &Actor::system("public"),
            None,
            &letter(None, Some(w.edu), GAS, "我想咨询学前教育的报名时间安排。"),
            at("2024-11-25"),
        )
        .unwrap();
        assert_eq!(get(&mut c, direct.id).unwrap().org_id, w.edu);
        let park = submit(
            &mut c,
            &key,
            &cal(),
            &Actor::system("public"),
            None,
            &letter(
                Some(w.mayor),
                None,
                "城乡建设/城市建设和市政管理/公园管理",
                "公园里的路灯坏了很久没有修。",
            ),
            at("2024-11-25"),
        )
        .unwrap();
        let p = get(&mut c, park.id).unwrap();
        assert_eq!((p.org_id, p.status()), (w.city, LetterStatus::Received));
        // Tracking: wrong password = unknown code.
        assert!(track(&mut c, &ack.tracking_code, &ack.password)
            .unwrap()
            .is_some());
        assert!(
            track(&mut c, &ack.tracking_code.to_lowercase(), &ack.password)
                .unwrap()
                .is_some()
        );
        assert!(track(&mut c, &ack.tracking_code, "WRONGPASS1")
            .unwrap()
            .is_none());
        assert!(track(&mut c, "XX20240101AAAAAA", &ack.password)
            .unwrap()
            .is_none());
        // The audit log never holds the phone in clear.
        let log = audit::list(
            &mut c,
            &AuditQuery {
                entity: Some(ENTITY.into()),
                per_page: 500,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(log.rows.iter().any(|e| e.action == "letter.create"));
        assert!(log
            .rows
            .iter()
            .all(|e| !format!("{e:?}").contains("13900001111")));
    });
}

#[test]
fn a_category_outside_the_tree_or_an_unknown_recipient_is_refused() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let key = DataKey::generate();
        let mut new = letter(Some(w.mayor), None, GAS, "入冬以来小区天然气压力不足。");
        new.leader_id = Some(9999);
        match submit(
            &mut c,
            &key,
            &cal(),
            &Actor::system("public"),
            None,
            &new,
            at("2024-11-25"),
        ) {
            Err(StorageError::Invalid(e)) => assert!(e.get("recipient").is_some()),
            other => panic!("{other:?}"),
        }
        let mut new = letter(Some(w.mayor), None, GAS, "入冬以来小区天然气压力不足。");
        new.category = CategoryPath::parse("政法/治安").unwrap();
        assert!(matches!(
            submit(
                &mut c,
                &key,
                &cal(),
                &Actor::system("public"),
                None,
                &new,
                at("2024-11-25")
            ),
            Err(StorageError::Invalid(_))
        ));
        let n: i64 = letters::table.count().get_result(&mut c).unwrap();
        assert_eq!(n, 0, "nothing stored");
    });
}

#[test]
fn route_reroute_reply_escalate_rate_publish() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let key = DataKey::generate();
        let ack = submit(
            &mut c,
            &key,
            &cal(),
            &Actor::system("public"),
            None,
            &letter(
                Some(w.mayor),
                None,
                "城乡建设/城市建设和市政管理/公园管理",
                "公园里的路灯坏了，我叫李小四，电话13900001111。",
            ),
            at("2024-11-25"),
        )
        .unwrap();
        let id = ack.id;
        // Escalation before the deadline is refused with the rule's reason.
        let e = act(
            &mut c,
            &cal(),
            &staff(),
            id,
            &Step::Escalate {
                on: d("2024-12-02"),
                note: "请加快".into(),
            },
            d("2024-12-02"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("超过答复期限"), "{e}");
        // Route by hand (no reason needed), then re-route (reason required).
        act(
            &mut c,
            &cal(),
            &staff(),
            id,
            &Step::Route {
                org_id: w.edu,
                reason: String::new(),
            },
            d("2024-11-26"),
        )
        .unwrap();
        match act(
            &mut c,
            &cal(),
            &staff(),
            id,
            &Step::Route {
                org_id: w.gas,
                reason: " ".into(),
            },
            d("2024-11-27"),
        ) {
            Err(StorageError::Invalid(e)) => assert!(e.get("reason").is_some()),
            other => panic!("{other:?}"),
        }
        let l = act(
            &mut c,
            &cal(),
            &staff(),
            id,
            &Step::Route {
                org_id: w.gas,
                reason: "路灯属市政管理".into(),
            },
            d("2024-11-27"),
        )
        .unwrap();
        assert_eq!((l.org_id, l.status()), (w.gas, LetterStatus::Routed));
        // Reminders: none early, one in the last 3 working days, not twice.
        let none = Reminders::default();
        assert_eq!(remind_due(&mut c, &cal(), d("2024-12-02")).unwrap(), none);
        assert_eq!(
            remind_due(&mut c, &cal(), d("2024-12-12")).unwrap(),
            Reminders {
                reminded: 1,
                escalated: 0
            }
        );
        assert_eq!(remind_due(&mut c, &cal(), d("2024-12-13")).unwrap(), none);
        // Overdue on 12-17: the scheduler escalates once, with an event and an audit entry.
        assert_eq!(remind_due(&mut c, &cal(), d("2024-12-16")).unwrap(), none);
        assert_eq!(
            remind_due(&mut c, &cal(), d("2024-12-17")).unwrap(),
            Reminders {
                reminded: 0,
                escalated: 1
            }
        );
        assert_eq!(remind_due(&mut c, &cal(), d("2024-12-17")).unwrap(), none);
        assert_eq!(remind_due(&mut c, &cal(), d("2024-12-20")).unwrap(), none);
        let l = get(&mut c, id).unwrap();
        assert_eq!((l.escalations, l.escalated_on), (1, Some(d("2024-12-17"))));
        let kinds: Vec<String> = events(&mut c, id)
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds.iter().filter(|k| *k == "reminded").count(),
            1,
            "{kinds:?}"
        );
        assert_eq!(
            kinds.iter().filter(|k| *k == "escalate").count(),
            1,
            "{kinds:?}"
        );
        // Staff may still escalate again by hand.
        let l = act(
            &mut c,
            &cal(),
            &staff(),
            id,
            &Step::Escalate {
                on: d("2024-12-17"),
                note: "请于三日内答复".into(),
            },
            d("2024-12-17"),
        )
        .unwrap();
        assert_eq!((l.escalations, l.escalated_on), (2, Some(d("2024-12-17"))));
        // Rating before the reply is refused; publishing before the reply too.
        assert!(rate(
            &mut c,
            &Actor::system("public"),
            &ack.tracking_code,
            &ack.password,
            "satisfied",
            ""
        )
        .is_err());
        assert!(act(
            &mut c,
            &cal(),
            &staff(),
            id,
            &Step::Publish {
                subject: "a".into(),
                body: "b".into(),
                reply: "c".into()
            },
            d("2024-12-17")
        )
        .is_err());
        let l = act(
            &mut c,
            &cal(),
            &staff(),
            id,
            &Step::Reply {
                on: d("2024-12-18"),
                text: "路灯已修复。".into(),
            },
            d("2024-12-18"),
        )
        .unwrap();
        assert_eq!(l.status(), LetterStatus::Replied);
        assert_eq!(l.reply_working_days, Some(17));
        // Rating: wrong password refused, once only.
        assert!(rate(
            &mut c,
            &Actor::system("public"),
            &ack.tracking_code,
            "nope",
            "satisfied",
            ""
        )
        .is_err());
        match rate(
            &mut c,
            &Actor::system("public"),
            &ack.tracking_code,
            &ack.password,
            "bogus",
            "",
        ) {
            Err(StorageError::Invalid(e)) => assert!(e.get("rating").is_some()),
            other => panic!("{other:?}"),
        }
        rate(
            &mut c,
            &Actor::system("public"),
            &ack.tracking_code,
            &ack.password,
            "basic",
            "修得慢了",
        )
        .unwrap();
        assert!(rate(
            &mut c,
            &Actor::system("public"),
            &ack.tracking_code,
            &ack.password,
            "satisfied",
            ""
        )
        .is_err());
        assert_eq!(
            rating(&mut c, id).unwrap().unwrap().satisfaction(),
            Some(Satisfaction::Basic)
        );
        // Publication: the proposal has personal data removed; the outbox hears of it.
        let (s, b, r) = proposed_publication(&key, &l).unwrap();
        assert!(!b.contains("李小四") && !b.contains("13900001111"), "{b}");
        let before = outbox::last_id(&mut c).unwrap();
        act(
            &mut c,
            &cal(),
            &staff(),
            id,
            &Step::Publish {
                subject: s,
                body: b,
                reply: r,
            },
            d("2024-12-19"),
        )
        .unwrap();
        assert!(outbox::last_id(&mut c).unwrap() > before);
        let list = published(&mut c, None, None, 1, 20).unwrap();
        assert_eq!(list.total, 1);
        assert!(!list.rows[0].body.contains("13900001111"));
        assert!(published_one(&mut c, id).unwrap().is_some());
        act(
            &mut c,
            &cal(),
            &staff(),
            id,
            &Step::Unpublish {
                reason: "写信人要求".into(),
            },
            d("2024-12-20"),
        )
        .unwrap();
        assert!(published_one(&mut c, id).unwrap().is_none());
        let kinds: Vec<String> = events(&mut c, id)
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                "received",
                "route",
                "route",
                "reminded",
                "escalate", // by the scheduler
                "escalate", // by hand
                "reply",
                "rated",
                "publish",
                "unpublish"
            ]
        );
        let log = audit::list(
            &mut c,
            &AuditQuery {
                entity: Some(ENTITY.into()),
                per_page: 500,
                ..Default::default()
            },
        )
        .unwrap();
        for a in [
            "letter.route",
            "letter.escalate",
            "letter.reply",
            "letter.publish",
            "letter.unpublish",
            "letter.rate",
        ] {
            assert!(log.rows.iter().any(|e| e.action == a), "no {a}");
        }
    });
}

#[test]
fn publication_needs_the_writers_consent() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let key = DataKey::generate();
        let mut new = letter(None, Some(w.gas), GAS, "入冬以来小区天然气压力不足。");
        new.publish_consent = false;
        let ack = submit(
            &mut c,
            &key,
            &cal(),
            &Actor::system("public"),
            None,
            &new,
            at("2024-11-25"),
        )
        .unwrap();
        act(
            &mut c,
            &cal(),
            &staff(),
            ack.id,
            &Step::Reply {
                on: d("2024-11-26"),
                text: "已处理。".into(),
            },
            d("2024-11-26"),
        )
        .unwrap();
        let e = act(
            &mut c,
            &cal(),
            &staff(),
            ack.id,
            &Step::Publish {
                subject: "x".into(),
                body: "y".into(),
                reply: "z".into(),
            },
            d("2024-11-27"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("不同意公开"), "{e}");
    });
}

#[test]
fn watch_words_raise_an_alert_for_the_answering_organisation() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let key = DataKey::generate();
        let ack = submit(
            &mut c,
            &key,
            &cal(),
            &Actor::system("public"),
            None,
            &letter(Some(w.mayor), None, GAS, "再不解决我们就组织群体上访。"),
            at("2024-11-25"),
        )
        .unwrap();
        submit(
            &mut c,
            &key,
            &cal(),
            &Actor::system("public"),
            None,
            &letter(Some(w.mayor), None, GAS, "燃气压力不足请解决。"),
            at("2024-11-25"),
        )
        .unwrap();
        let alerts = open_alerts(&mut c, Some(&[w.gas])).unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].0.letter_id, ack.id);
        assert_eq!(alerts[0].0.words, "上访 群体");
        assert!(open_alerts(&mut c, Some(&[w.edu])).unwrap().is_empty());
        dismiss_alert(&mut c, &staff(), alerts[0].0.id).unwrap();
        assert!(open_alerts(&mut c, None).unwrap().is_empty());
    });
}

#[test]
fn settings_change_the_deadline_and_the_watch_words() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let slug = gongkai_domain::site::SiteSlug::parse("szf").unwrap();
        let site = crate::site::create_site(
            &mut c,
            &staff(),
            &crate::site::NewSite {
                org_id: w.city,
                slug: &slug,
                title: "示范市人民政府",
                is_portal: true,
            },
        )
        .unwrap()
        .id;
        let bad = save_settings(
            &mut c,
            &staff(),
            site,
            &SettingsInput {
                reply_days: "0".into(),
                reminder_days: "x".into(),
                watch_words: String::new(),
            },
        );
        match bad {
            Err(StorageError::Invalid(e)) => {
                assert!(e.get("reply_days").is_some() && e.get("reminder_days").is_some())
            }
            other => panic!("{other:?}"),
        }
        let s = save_settings(
            &mut c,
            &staff(),
            site,
            &SettingsInput {
                reply_days: "5".into(),
                reminder_days: "1".into(),
                watch_words: "停气，投诉".into(),
            },
        )
        .unwrap();
        assert_eq!((s.reply_days, s.reminder_days), (5, 1));
        let key = DataKey::generate();
        let ack = submit(
            &mut c,
            &key,
            &cal(),
            &Actor::system("public"),
            Some(site),
            &letter(Some(w.mayor), None, GAS, "又停气了，群体上访也没用。"),
            at("2024-11-25"),
        )
        .unwrap();
        assert_eq!(ack.due_on, Some(d("2024-12-02")));
        assert_eq!(open_alerts(&mut c, None).unwrap()[0].0.words, "停气");
    });
}

#[test]
fn statistics_per_organisation_and_leader() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let key = DataKey::generate();
        let p = Actor::system("public");
        let mut ids = vec![];
        for _ in 0..4 {
            ids.push(
                submit(
                    &mut c,
                    &key,
                    &cal(),
                    &p,
                    None,
                    &letter(Some(w.mayor), None, GAS, "燃气压力不足请解决。"),
                    at("2024-09-02"),
                )
                .unwrap(),
            );
        }
        // due 2024-09-24 (15 working days after Mon 09-02; 09-14 worked, 09-15..17 off)
        let due = get(&mut c, ids[0].id).unwrap().due_on.unwrap();
        act(
            &mut c,
            &cal(),
            &staff(),
            ids[0].id,
            &Step::Reply {
                on: d("2024-09-05"),
                text: "好".into(),
            },
            d("2024-09-05"),
        )
        .unwrap();
        act(
            &mut c,
            &cal(),
            &staff(),
            ids[1].id,
            &Step::Reply {
                on: due,
                text: "好".into(),
            },
            due,
        )
        .unwrap();
        act(
            &mut c,
            &cal(),
            &staff(),
            ids[2].id,
            &Step::Reply {
                on: d("2024-10-15"),
                text: "好".into(),
            },
            d("2024-10-15"),
        )
        .unwrap();
        rate(
            &mut c,
            &p,
            &ids[0].tracking_code,
            &ids[0].password,
            "satisfied",
            "",
        )
        .unwrap();
        rate(
            &mut c,
            &p,
            &ids[2].tracking_code,
            &ids[2].password,
            "unsatisfied",
            "太慢",
        )
        .unwrap();
        let s = statistics(&mut c, &cal(), Some(2024), None, d("2024-12-20")).unwrap();
        assert_eq!(
            (s.total.received, s.total.replied, s.total.on_time),
            (4, 3, 2)
        );
        assert_eq!(s.total.on_time_rate, Some(66.7));
        assert_eq!(s.total.median_days, Some(15));
        assert_eq!(s.total.satisfaction_rate, Some(50.0));
        assert_eq!((s.total.open, s.total.open_over_3_months), (1, 1));
        assert_eq!(s.by_org, vec![(w.gas, s.total.clone())]);
        assert_eq!(s.by_leader[0].0, w.mayor);
        assert_eq!(s.open.len(), 1);
        assert!(s.open[0].over_3_months && s.open[0].age_days == 109);
        assert_eq!(
            statistics(&mut c, &cal(), Some(2023), None, d("2024-12-20"))
                .unwrap()
                .total
                .received,
            0
        );
        assert_eq!(
            statistics(&mut c, &cal(), None, Some(&[w.edu]), d("2024-12-20"))
                .unwrap()
                .total
                .received,
            0
        );
    });
}

#[test]
fn import_is_idempotent_and_keeps_real_times() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let code: String = organisations::table
            .find(w.city)
            .select(organisations::code)
            .first(&mut c)
            .unwrap();
        let key = DataKey::generate();
        let recs = vec![
            ImportLetter {
                source: "test".into(),
                external_id: "1".into(),
                leader_title: "市长".into(),
                leader_name: "王市长".into(),
                org: code.clone(),
                subject: "小区燃气供应不足".into(),
                body: "天然气压力不足，电话 13800000000".into(),
                writer: "A0001".into(),
                received_at: "2019/4/25 9:32:09".into(),
                reply: "已协调燃气公司。".into(),
                replied_at: "2019/5/9 10:02:08".into(),
                publish: true,
                ..Default::default()
            },
            ImportLetter {
                source: "test".into(),
                external_id: "2".into(),
                org: code.clone(),
                subject: "公园路灯".into(),
                body: "公园管理不到位".into(),
                writer: "吾***".into(),
                received_at: "2023-01-16 19:26".into(),
                ..Default::default()
            },
        ];
        let s = import(&mut c, &key, &cal(), &staff(), None, &recs).unwrap();
        assert_eq!((s.added, s.replied, s.published), (2, 1, 1));
        let again = import(&mut c, &key, &cal(), &staff(), None, &recs).unwrap();
        assert_eq!((again.added, again.already_present), (0, 2));
        let list = published(&mut c, None, None, 1, 10).unwrap();
        assert_eq!(list.total, 1);
        let q = &list.rows[0];
        assert_eq!(
            q.org_id, w.gas,
            "routed by the category suggested from the text"
        );
        assert_eq!(q.received_on, d("2019-04-25"));
        assert_eq!(q.replied_on, Some(d("2019-05-09")));
        assert!(!q.body.contains("13800000000"));
        // 2019-04-25 → 05-09: 26, 28(Sun worked), 29, 30, 05-05 (Sun worked), 06..09 = 9 working days.
        assert_eq!(q.reply_working_days, Some(9));
        let bad = vec![ImportLetter {
            org: "nope".into(),
            external_id: "3".into(),
            ..recs[1].clone()
        }];
        match import(&mut c, &key, &cal(), &staff(), None, &bad) {
            Err(StorageError::Invalid(e)) => assert!(e.to_string().contains("record 1 (3)"), "{e}"),
            other => panic!("{other:?}"),
        }
    });
}
