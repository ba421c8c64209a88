use super::*;
use crate::audit::{self, AuditQuery};
use crate::testing::{on_both, seed_org};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
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

fn input(org: i64) -> RequestInput {
    RequestInput {
        org_id: org.to_string(),
        applicant_type: "natural_person".into(),
        name: "张三".into(),
        id_type: "resident_id".into(),
        id_number: "420106199001011231".into(),
        phone: "138 1234 5678".into(),
        email: String::new(),
        address: "示范市中山路 1 号".into(),
        description: "2024 年本市义务教育学校招生计划及划片范围".into(),
        preferred_form: "electronic".into(),
        delivery: "online".into(),
        publish_consent: String::new(),
    }
}

fn received(conn: &mut AnyConnection, key: &DataKey, org: i64, on: &str) -> Acknowledgement {
    let new = input(org).validate().unwrap();
    intake(
        conn,
        key,
        &cal(),
        &Actor::system("public"),
        &new,
        &ReceiptFacts::new(ReceiptChannel::InPerson, d(on)),
    )
    .unwrap()
}

fn refused(r: Result<Request>, needle: &str) {
    match r {
        Err(StorageError::Domain(e)) => assert!(e.to_string().contains(needle), "{e}"),
        Err(other) => panic!("expected a refusal mentioning {needle:?}, got {other}"),
        Ok(_) => panic!("expected a refusal mentioning {needle:?}, got success"),
    }
}

fn actions(conn: &mut AnyConnection, id: i64) -> Vec<String> {
    let page = audit::list(
        conn,
        &AuditQuery {
            entity: Some("request".into()),
            entity_id: Some(id.to_string()),
            page: 1,
            per_page: 100,
            ..Default::default()
        },
    )
    .unwrap();
    page.rows.into_iter().rev().map(|e| e.action).collect()
}

#[test]
fn resident_ids_are_checked_and_the_form_reports_every_field() {
    assert_eq!(
        check_resident_id("11010519491231002x"),
        Ok("11010519491231002X".into())
    );
    assert_eq!(
        check_resident_id("４２０１０６１９９００１０１１２３１"),
        Ok("420106199001011231".into())
    );
    assert!(check_resident_id("420106199001011234")
        .unwrap_err()
        .contains("校验位"));
    assert!(check_resident_id("420106199002301231")
        .unwrap_err()
        .contains("出生日期"));
    assert!(check_resident_id("4201061990")
        .unwrap_err()
        .contains("18 位"));

    let ok = input(3).validate().unwrap();
    assert_eq!(
        (ok.phone.as_str(), ok.applicant_type),
        ("13812345678", ApplicantType::NaturalPerson)
    );
    let bad = RequestInput {
        id_number: "420106199001011234".into(),
        name: " ".into(),
        delivery: "email".into(),
        ..input(3)
    };
    let e = bad.validate().unwrap_err();
    assert!(e.get("id_number").unwrap().contains("校验位"));
    assert_eq!(e.get("name"), Some("必填"));
    assert!(
        e.get("email").unwrap().contains("电子邮件"),
        "e-mail delivery needs an address"
    );
    let e = RequestInput::default().validate().unwrap_err();
    for f in [
        "org_id",
        "applicant_type",
        "name",
        "id_type",
        "id_number",
        "phone",
        "address",
        "description",
        "preferred_form",
        "delivery",
    ] {
        assert!(e.get(f).is_some(), "no error for {f}: {e}");
    }
    // An organisation identifies with its credit code; a person cannot.
    let org = RequestInput {
        applicant_type: "commercial_enterprise".into(),
        id_type: "credit_code".into(),
        id_number: "91350100M000100Y43".into(),
        ..input(3)
    };
    assert_eq!(org.validate().unwrap().id_number, "91350100M000100Y43");
    let person_with_code = RequestInput {
        id_type: "credit_code".into(),
        id_number: "91350100M000100Y43".into(),
        ..input(3)
    };
    assert!(person_with_code
        .validate()
        .unwrap_err()
        .get("id_type")
        .is_some());
    let bad_code = RequestInput {
        id_number: "91350100M000100Y44".into(),
        ..org
    };
    assert!(bad_code.validate().unwrap_err().get("id_number").is_some());
}

#[test]
fn intake_is_durable_encrypted_and_tracked_only_with_the_password() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let key = DataKey::generate();
        let org = seed_org(&mut c, None, "00001434");
        // Received Fri 2024-09-27: 09-29 and 10-12 are adjusted working days, 10-01..07 National Day.
        let ack = received(&mut c, &key, org, "2024-09-27");
        assert_eq!(ack.due_on, Some(d("2024-10-30")));
        assert!(
            ack.tracking_code.starts_with("YS") && ack.tracking_code.len() == 16,
            "{}",
            ack.tracking_code
        );
        assert_eq!(ack.password.len(), 10);
        // A fresh connection sees it: committed before the acknowledgement exists.
        let mut other = db.conn().unwrap();
        let row = get(&mut other, ack.id).unwrap();
        assert_eq!(row.stage, "received");
        assert_eq!(row.id_number_masked, "4201**********1231");
        assert_eq!(row.phone_masked, "138****5678");
        assert!(
            !row.id_number_enc.contains("420106") && !row.phone_enc.contains("1381234"),
            "no clear text at rest"
        );
        assert!(!row.password_hash.contains(&ack.password));
        let s = row.schedule(&cal()).unwrap().unwrap();
        assert!(s.to_string().contains("10-01..10-07 国庆节 skipped"), "{s}");

        // Tracking: right code and password; a wrong password and an unknown code look the same.
        let found = track(&mut c, &ack.tracking_code.to_lowercase(), &ack.password)
            .unwrap()
            .unwrap();
        assert_eq!(found.id, ack.id);
        assert!(track(&mut c, &ack.tracking_code, "WRONGPASS1")
            .unwrap()
            .is_none());
        assert!(track(&mut c, "YS20240927ZZZZZZ", &ack.password)
            .unwrap()
            .is_none());

        // The clear data only through reveal, which is audited.
        let p = reveal(&mut c, &key, &staff(), ack.id).unwrap();
        assert_eq!(
            p,
            Personal {
                id_number: "420106199001011231".into(),
                phone: "13812345678".into()
            }
        );
        assert!(
            reveal(&mut c, &DataKey::generate(), &staff(), ack.id).is_err(),
            "another key cannot read it"
        );
        assert_eq!(
            actions(&mut c, ack.id),
            ["request.create", "request.reveal"]
        );
        let log = audit::list(
            &mut c,
            &AuditQuery {
                page: 1,
                per_page: 50,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(log.rows.iter().all(|e| !e
            .after_state
            .clone()
            .unwrap_or_default()
            .contains("420106199001011231")));

        // A request whose 20 days run into a year without calendar data is kept, without a guessed due date.
        let late = received(&mut c, &key, org, "2026-12-10");
        assert_eq!(late.due_on, None);
        assert!(late.deadline_note.unwrap().contains("2027"));
        assert_eq!(get(&mut c, late.id).unwrap().stage, "received");

        let mut unknown_org = input(org).validate().unwrap();
        unknown_org.org_id = 999_999;
        let r = intake(
            &mut c,
            &key,
            &cal(),
            &Actor::system("public"),
            &unknown_org,
            &ReceiptFacts::new(ReceiptChannel::Online, d("2024-09-27")),
        );
        assert!(
            matches!(r, Err(StorageError::Domain(_))),
            "online needs the confirmation date"
        );
        let r = intake(
            &mut c,
            &key,
            &cal(),
            &Actor::system("public"),
            &unknown_org,
            &ReceiptFacts::new(ReceiptChannel::InPerson, d("2024-09-27")),
        );
        assert!(matches!(r, Err(StorageError::Invalid(e)) if e.get("org_id").is_some()));
    });
}

#[test]
fn handling_with_correction_restart_consultation_pause_extension_and_reply() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let key = DataKey::generate();
        let org = seed_org(&mut c, None, "00001434");
        let dept = seed_org(&mut c, Some(org), "00001435");
        let a = staff();
        let cal = cal();
        // Received Mon 2024-09-23: due 10-24 as it stands.
        let id = received(&mut c, &key, org, "2024-09-23").id;
        assert_eq!(get(&mut c, id).unwrap().due_on, Some(d("2024-10-24")));

        // The rules refuse a reply before assignment, with their reason, and nothing is written.
        let reply = |on: &str| Step::Reply {
            on: d(on),
            outcome: Outcome::PartiallyDisclosed,
            text: "部分公开，见附件。".into(),
        };
        refused(
            act(&mut c, &cal, &a, id, &reply("2024-09-24")),
            "assign the request first",
        );
        assert_eq!(actions(&mut c, id), ["request.create"]);

        let r = act(
            &mut c,
            &cal,
            &a,
            id,
            &Step::Assign {
                on: d("2024-09-24"),
                org_id: dept,
                handler: "李办理".into(),
            },
        )
        .unwrap();
        assert_eq!(
            (r.stage.as_str(), r.org_id, r.handler.as_deref()),
            ("assigned", dept, Some("李办理"))
        );

        // 补正 on day 2: the clock stops; the corrected application on Fri 10-11 restarts the 20 days.
        let r = act(
            &mut c,
            &cal,
            &a,
            id,
            &Step::RequestCorrection {
                on: d("2024-09-25"),
                correct_by: d("2024-10-18"),
                note: "请明确年份".into(),
            },
        )
        .unwrap();
        assert_eq!((r.stage.as_str(), r.due_on), ("correction_requested", None));
        refused(
            act(
                &mut c,
                &cal,
                &a,
                id,
                &Step::RequestCorrection {
                    on: d("2024-09-26"),
                    correct_by: d("2024-10-18"),
                    note: String::new(),
                },
            ),
            "once",
        );
        let r = act(
            &mut c,
            &cal,
            &a,
            id,
            &Step::ReceiveCorrection {
                on: d("2024-10-11"),
                late_reason: None,
            },
        )
        .unwrap();
        assert_eq!(r.due_on, Some(d("2024-11-07")));

        // Consulting a third party from Mon 10-14; the opinion arrives Fri 10-18: Tue-Fri (4 working days) do not count.
        let r = act(
            &mut c,
            &cal,
            &a,
            id,
            &Step::StartConsultation {
                on: d("2024-10-14"),
                consultee: Consultee::ThirdParty,
                name: "某公司".into(),
            },
        )
        .unwrap();
        assert_eq!(r.stage, "consulting");
        refused(
            act(&mut c, &cal, &a, id, &reply("2024-10-16")),
            "consultation is open",
        );
        let r = act(
            &mut c,
            &cal,
            &a,
            id,
            &Step::EndConsultation {
                on: d("2024-10-18"),
            },
        )
        .unwrap();
        assert_eq!(r.due_on, Some(d("2024-11-13")));
        let text = r.schedule(&cal).unwrap().unwrap().to_string();
        assert!(
            text.contains("consulting 第三方 某公司: 4 working days not counted"),
            "{text}"
        );

        // Extension: needs an approver, at most 20 working days in all.
        refused(
            act(
                &mut c,
                &cal,
                &a,
                id,
                &Step::Extend {
                    on: d("2024-11-01"),
                    days: 10,
                    approver: " ".into(),
                },
            ),
            "approval",
        );
        let r = act(
            &mut c,
            &cal,
            &a,
            id,
            &Step::Extend {
                on: d("2024-11-01"),
                days: 10,
                approver: "王主任".into(),
            },
        )
        .unwrap();
        assert_eq!(
            (r.stage.as_str(), r.due_on),
            ("extended", Some(d("2024-11-27")))
        );
        refused(
            act(
                &mut c,
                &cal,
                &a,
                id,
                &Step::Extend {
                    on: d("2024-11-04"),
                    days: 11,
                    approver: "王主任".into(),
                },
            ),
            "10 already granted, 11 more asked",
        );

        let r = act(&mut c, &cal, &a, id, &reply("2024-11-20")).unwrap();
        assert_eq!(
            (r.stage.as_str(), r.outcome.as_deref(), r.answered_on),
            (
                "answered",
                Some("partially_disclosed"),
                Some(d("2024-11-20"))
            )
        );
        assert!(r
            .schedule(&cal)
            .unwrap()
            .unwrap()
            .is_on_time(d("2024-11-20")));
        let r = act(
            &mut c,
            &cal,
            &a,
            id,
            &Step::Close {
                on: d("2024-11-20"),
            },
        )
        .unwrap();
        assert_eq!(r.stage, "closed");
        refused(act(&mut c, &cal, &a, id, &reply("2024-11-21")), "closed");
        assert!(
            matches!(
                act(
                    &mut c,
                    &cal,
                    &a,
                    id,
                    &Step::Close {
                        on: d("2024-09-01")
                    }
                ),
                Err(StorageError::Invalid(_))
            ),
            "before receipt"
        );

        let kinds: Vec<String> = events(&mut c, id)
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                "received",
                "assign",
                "request_correction",
                "receive_correction",
                "start_consultation",
                "end_consultation",
                "extend",
                "reply",
                "close"
            ]
        );
        assert_eq!(
            actions(&mut c, id),
            [
                "request.create",
                "request.assign",
                "request.request_correction",
                "request.receive_correction",
                "request.start_consultation",
                "request.end_consultation",
                "request.extend",
                "request.reply",
                "request.close",
            ]
        );
    });
}

#[test]
fn caseload_sorts_by_due_date_and_flags_overdue_and_due_soon() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let key = DataKey::generate();
        let org = seed_org(&mut c, None, "00001434");
        let other = seed_org(&mut c, Some(org), "00001435");
        let early = received(&mut c, &key, org, "2024-09-02").id; // due 2024-09-30
        let mid = received(&mut c, &key, org, "2024-09-27").id; // due 2024-10-30
        let late = received(&mut c, &key, org, "2024-10-08").id; // due 2024-11-04
        let elsewhere = received(&mut c, &key, other, "2024-09-02").id;
        // On Mon 2024-10-28: early is overdue; mid (Wed 10-30) is within 3 working days (to Thu 10-31); late is not.
        let load = caseload(&mut c, &cal(), Some(&[org]), d("2024-10-28")).unwrap();
        assert_eq!(load.soon_until, Some(d("2024-10-31")));
        let ids = |v: &[Request]| v.iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(&load.open), [early, mid, late]);
        assert_eq!(ids(&load.overdue), [early]);
        assert_eq!(ids(&load.due_soon), [mid]);
        let all = caseload(&mut c, &cal(), None, d("2024-10-28")).unwrap();
        assert!(ids(&all.open).contains(&elsewhere));
    });
}

#[test]
fn appeals_follow_table_four() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let key = DataKey::generate();
        let org = seed_org(&mut c, None, "00001434");
        let a = staff();
        let id = received(&mut c, &key, org, "2024-09-27").id;
        let refused_appeal = |r: Result<Appeal>, needle: &str| match r {
            Err(StorageError::Domain(e)) => assert!(e.to_string().contains(needle), "{e}"),
            other => panic!("expected refusal {needle:?}, got {other:?}"),
        };
        refused_appeal(
            file_appeal(
                &mut c,
                &a,
                id,
                Table4Block::Reconsideration,
                d("2024-10-08"),
                "示范市人民政府",
                "",
            ),
            "nothing to contest",
        );
        // After the due date (10-30) without a reply, the applicant may contest the silence.
        let rc = file_appeal(
            &mut c,
            &a,
            id,
            Table4Block::Reconsideration,
            d("2024-11-04"),
            "示范市人民政府",
            "未按期答复",
        )
        .unwrap();
        assert_eq!(
            (rc.outcome.as_str(), rc.column()),
            ("pending", Some(Table4Column::Pending))
        );
        refused_appeal(
            file_appeal(
                &mut c,
                &a,
                id,
                Table4Block::LitigationAfterReconsideration,
                d("2024-11-05"),
                "示范市中级人民法院",
                "",
            ),
            "decided",
        );
        let decided =
            decide_appeal(&mut c, &a, rc.id, Table4Column::Corrected, d("2024-12-02")).unwrap();
        assert_eq!(
            (decided.column(), decided.decided_on),
            (Some(Table4Column::Corrected), Some(d("2024-12-02")))
        );
        refused_appeal(
            decide_appeal(&mut c, &a, rc.id, Table4Column::Upheld, d("2024-12-03")),
            "already decided",
        );
        let suit = file_appeal(
            &mut c,
            &a,
            id,
            Table4Block::LitigationAfterReconsideration,
            d("2024-12-10"),
            "示范市中级人民法院",
            "",
        )
        .unwrap();
        refused_appeal(
            decide_appeal(&mut c, &a, suit.id, Table4Column::Pending, d("2024-12-11")),
            "not a decision",
        );
        let kinds: Vec<String> = appeals(&mut c, id)
            .unwrap()
            .into_iter()
            .map(|x| x.kind)
            .collect();
        assert_eq!(
            kinds,
            ["reconsideration", "litigation_after_reconsideration"]
        );
        let log = actions(&mut c, id);
        assert_eq!(
            log.iter()
                .filter(|a| a.starts_with("request.appeal"))
                .count(),
            3
        );
    });
}

#[test]
fn answers_on_the_spot_only_at_the_counter_and_the_same_day() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let key = DataKey::generate();
        let org = seed_org(&mut c, None, "00001434");
        let cal = cal();
        let spot = |on: &str| Step::AnswerOnTheSpot {
            on: d(on),
            outcome: Outcome::Disclosed,
            text: "已当场提供。".into(),
        };
        let counter = received(&mut c, &key, org, "2024-09-27").id;
        assert!(
            matches!(act(&mut c, &cal, &staff(), counter, &spot("2024-09-30")), Err(StorageError::Invalid(e)) if e.get("on").is_some())
        );
        let r = act(&mut c, &cal, &staff(), counter, &spot("2024-09-27")).unwrap();
        assert_eq!(
            (r.stage.as_str(), r.due_on, r.answered_on),
            ("answered", Some(d("2024-09-27")), Some(d("2024-09-27")))
        );
        // By e-mail nobody stands at the counter: the deadline engine refuses, with its reason.
        let new = input(org).validate().unwrap();
        let facts =
            ReceiptFacts::new(ReceiptChannel::Email, d("2024-09-27")).confirmed(d("2024-09-27"));
        let mailed = intake(&mut c, &key, &cal, &Actor::system("public"), &new, &facts)
            .unwrap()
            .id;
        refused(
            act(&mut c, &cal, &staff(), mailed, &spot("2024-09-27")),
            "counter",
        );
        assert_eq!(
            get(&mut c, mailed).unwrap().stage,
            "received",
            "nothing written"
        );
    });
}

// ------------------------------------------------------------------ calendar, duplicates, fees, files

fn intake_with(
    conn: &mut AnyConnection,
    key: &DataKey,
    cal: &WorkingCalendar,
    input: RequestInput,
    on: &str,
) -> Acknowledgement {
    intake(
        conn,
        key,
        cal,
        &Actor::system("public"),
        &input.validate().unwrap(),
        &ReceiptFacts::new(ReceiptChannel::InPerson, d(on)),
    )
    .unwrap()
}

const HOLIDAYS_2027: &str = r#"{"year": 2027, "papers": ["https://www.gov.cn/example-2027"], "days": [
  {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
  {"name": "春节", "date": "2027-02-05", "isOffDay": true},
  {"name": "春节", "date": "2027-02-08", "isOffDay": true}
]}"#;

#[test]
fn loading_a_new_year_recomputes_open_cases_and_logs_it_on_each() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let key = DataKey::generate();
        let org = seed_org(&mut c, None, "00005001");
        // Received Fri 2026-12-18: the 20th working day falls in 2027, which is not built in.
        let open = received(&mut c, &key, org, "2026-12-18");
        assert_eq!(open.due_on, None);
        assert!(open.deadline_note.as_deref().unwrap_or("").contains("2027"));
        // An answered case is not moved by a calendar change.
        let done = received(&mut c, &key, org, "2026-12-17");
        let a = staff();
        act(
            &mut c,
            &cal(),
            &a,
            done.id,
            &Step::AnswerOnTheSpot {
                on: d("2026-12-17"),
                outcome: Outcome::Disclosed,
                text: "当场提供。".into(),
            },
        )
        .unwrap();

        // A file that does not parse is refused and nothing is stored.
        assert!(crate::calendar::load(
            &mut c,
            &a,
            crate::calendar::NoticeFormat::HolidayCnJson,
            "{"
        )
        .is_err());
        assert!(crate::calendar::notices(&mut c).unwrap().is_empty());

        let loaded = crate::calendar::load(
            &mut c,
            &a,
            crate::calendar::NoticeFormat::HolidayCnJson,
            HOLIDAYS_2027,
        )
        .unwrap();
        assert_eq!(loaded.years, vec![2027]);
        assert_eq!(loaded.checked, 1, "only the case awaiting a reply");
        assert_eq!(loaded.changed.len(), 1);
        let after = get(&mut c, open.id).unwrap();
        // 12-21..12-31: 9 working days; 2027-01-01 is 元旦; Jan 4.. gives the other 11: Jan 18.
        assert_eq!(after.due_on, Some(d("2027-01-18")));
        assert_eq!(after.deadline_note, None);
        let kinds: Vec<String> = events(&mut c, open.id)
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert!(
            kinds.contains(&"deadline_recomputed".to_string()),
            "{kinds:?}"
        );
        assert!(!events(&mut c, done.id)
            .unwrap()
            .iter()
            .any(|e| e.kind == "deadline_recomputed"));
        let cal = crate::calendar::effective(&mut c).unwrap();
        assert!(cal.years().contains(&2027));
        assert_eq!(
            cal.sources(2027).unwrap(),
            ["https://www.gov.cn/example-2027"]
        );
        // Loading the same notice again changes nothing.
        let again = crate::calendar::load(
            &mut c,
            &a,
            crate::calendar::NoticeFormat::HolidayCnJson,
            HOLIDAYS_2027,
        )
        .unwrap();
        assert!(again.changed.is_empty());
    });
}

#[test]
fn a_similar_request_by_the_same_applicant_within_90_days_is_flagged() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let key = DataKey::generate();
        let cal = cal();
        let org = seed_org(&mut c, None, "00005002");
        let first = intake_with(&mut c, &key, &cal, input(org), "2024-03-01");
        let mut reworded = input(org);
        reworded.description = "2024年本市义务教育学校的招生计划和划片范围".into();
        let second = intake_with(&mut c, &key, &cal, reworded, "2024-04-15");
        let dups = duplicates::earlier_similar(&mut c, second.id).unwrap();
        assert_eq!(dups.len(), 1);
        assert_eq!(dups[0].tracking_code, first.tracking_code);
        assert!(dups[0].similarity_pct >= 60, "{}", dups[0].similarity_pct);
        assert!(events(&mut c, second.id)
            .unwrap()
            .iter()
            .any(|e| e.kind == "possible_duplicate"));
        assert!(
            duplicates::earlier_similar(&mut c, first.id)
                .unwrap()
                .is_empty(),
            "only earlier ones"
        );

        // Another applicant with the same text, a different text, or too long ago: not flagged.
        let mut other = input(org);
        other.id_number = "11010519491231002X".into();
        let o = intake_with(&mut c, &key, &cal, other, "2024-04-16");
        assert!(duplicates::earlier_similar(&mut c, o.id)
            .unwrap()
            .is_empty());
        let mut different = input(org);
        different.description = "本市2023年度最低生活保障对象人数和保障标准".into();
        let x = intake_with(&mut c, &key, &cal, different, "2024-04-17");
        assert!(duplicates::earlier_similar(&mut c, x.id)
            .unwrap()
            .is_empty());
        let late = intake_with(&mut c, &key, &cal, input(org), "2024-08-30");
        assert!(duplicates::earlier_similar(&mut c, late.id)
            .unwrap()
            .is_empty());
    });
}

#[test]
fn fees_follow_the_schedule_and_none_is_the_default() {
    use gongkai_domain::request::{FeeBasis, FeeSchedule};
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let key = DataKey::generate();
        let cal = cal();
        let org = seed_org(&mut c, None, "00005003");
        let a = staff();
        let ids: Vec<i64> = (0..11)
            .map(|n| {
                let mut i = input(org);
                i.description = format!("第 {n} 项：某某专项资金第 {n} 批次的分配明细");
                intake_with(&mut c, &key, &cal, i, "2024-05-06").id
            })
            .collect();
        assert!(matches!(
            charge_fee(
                &mut c,
                &a,
                &FeeSchedule::none(),
                ids[10],
                FeeBasis::PerPiece,
                None
            ),
            Err(StorageError::Conflict(_))
        ));
        let national = FeeSchedule::national();
        // The 10th request of the month is free: refused with the reason.
        assert!(charge_fee(&mut c, &a, &national, ids[9], FeeBasis::PerPiece, None).is_err());
        let r = charge_fee(&mut c, &a, &national, ids[10], FeeBasis::PerPiece, None).unwrap();
        assert_eq!(r.fee_fen, Some(10_000));
        assert!(r.fee_note.as_deref().unwrap().contains("第 11 件"));
        assert!(actions(&mut c, ids[10]).contains(&"request.fee".to_string()));
        // Per page needs the page count.
        assert!(charge_fee(&mut c, &a, &national, ids[0], FeeBasis::PerPage, None).is_err());
        let p = charge_fee(&mut c, &a, &national, ids[0], FeeBasis::PerPage, Some(40)).unwrap();
        assert_eq!(p.fee_fen, Some(10 * 1000));
    });
}

#[test]
fn a_consented_reply_becomes_a_draft_item_without_personal_data() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let key = DataKey::generate();
        let org = seed_org(&mut c, None, "00005004");
        let slug = gongkai_domain::site::SiteSlug::parse("szf").unwrap();
        crate::site::create_site(
            &mut c,
            &Actor::system("t"),
            &crate::site::NewSite {
                org_id: org,
                slug: &slug,
                title: "市政府",
                is_portal: true,
            },
        )
        .unwrap();
        let a = staff();
        let plain = received(&mut c, &key, org, "2024-06-03");
        let mut consenting = input(org);
        consenting.publish_consent = "on".into();
        let agreed = intake_with(&mut c, &key, &cal(), consenting, "2024-06-03");
        for id in [plain.id, agreed.id] {
            // Not yet answered: refused.
            assert!(publish_reply(&mut c, &a, id).is_err());
            act(
                &mut c,
                &cal(),
                &a,
                id,
                &Step::AnswerOnTheSpot {
                    on: d("2024-06-03"),
                    outcome: Outcome::Disclosed,
                    text: "经查，2024 年招生计划见附件。".into(),
                },
            )
            .unwrap();
        }
        assert!(matches!(
            publish_reply(&mut c, &a, plain.id),
            Err(StorageError::Conflict(_))
        ));
        let item = publish_reply(&mut c, &a, agreed.id).unwrap();
        assert_eq!(item.status, "draft");
        assert!(!item.title.contains("张三") && !item.body_html.contains("张三"));
        assert!(item.body_html.contains("2024 年招生计划见附件"));
        assert_eq!(
            get(&mut c, agreed.id).unwrap().published_item_id,
            Some(item.id)
        );
        assert!(publish_reply(&mut c, &a, agreed.id).is_err(), "only once");
    });
}

#[test]
fn files_are_stored_by_kind_and_only_replies_are_for_the_applicant() {
    use files::FileKind;
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let key = DataKey::generate();
        let org = seed_org(&mut c, None, "00005005");
        let r = received(&mut c, &key, org, "2024-06-03");
        let a = staff();
        let scan = files::add(
            &mut c,
            &a,
            r.id,
            FileKind::Scan,
            "申请表.pdf",
            b"%PDF-1.4 scan",
        )
        .unwrap();
        let rel = files::add(
            &mut c,
            &a,
            r.id,
            FileKind::Release,
            "../../资金明细.xlsx",
            b"PK xlsx",
        )
        .unwrap();
        assert_eq!(rel.file_name, "资金明细.xlsx");
        assert!(files::add(&mut c, &a, r.id, FileKind::Release, "x.exe", b"MZ").is_err());
        let all = files::of_request(&mut c, r.id).unwrap();
        assert_eq!(all.len(), 2);
        assert!(!scan.kind().unwrap().for_applicant());
        assert!(rel.kind().unwrap().for_applicant());
        assert_eq!(files::content(&mut c, &rel).unwrap(), b"PK xlsx");
        assert!(events(&mut c, r.id)
            .unwrap()
            .iter()
            .any(|e| e.kind == "file_added"));
    });
}
