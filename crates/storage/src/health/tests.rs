use super::*;
use crate::crypto::DataKey;
use crate::item::{self, Placement};
use crate::request::{intake, RequestInput};
use crate::site::{self, NewColumn, NewSite};
use crate::testing::{on_both, seed_org};
use gongkai_domain::health::UpdateCategory;
use gongkai_domain::index_number::IndexPattern;
use gongkai_domain::item::ItemInput;
use gongkai_domain::request::{ReceiptChannel, ReceiptFacts};
use gongkai_domain::site::{ColumnKind, SiteSlug};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(&format!("{s} 02:00:00"), "%Y-%m-%d %H:%M:%S").unwrap()
}

fn pattern() -> IndexPattern {
    IndexPattern::new("{org}-{year}-{serial:5}").unwrap()
}

struct World {
    org: i64,
    site: Site,
}

fn world(c: &mut AnyConnection) -> World {
    let org = seed_org(c, None, "00001434");
    let slug = SiteSlug::parse("jyj").unwrap();
    let site = site::create_site(
        c,
        &Actor::system("t"),
        &NewSite {
            org_id: org,
            slug: &slug,
            title: "市教育局",
            is_portal: true,
        },
    )
    .unwrap();
    World { org, site }
}

fn column(c: &mut AnyConnection, w: &World, slug: &str, name: &str, kind: ColumnKind) -> i64 {
    site::create_column(
        c,
        &Actor::system("t"),
        &NewColumn {
            site_id: w.site.id,
            parent_id: None,
            slug,
            name,
            kind,
            module: None,
            update_days: None,
            update_category: Default::default(),
            link_url: None,
            body_html: None,
        },
    )
    .unwrap()
    .id
}

fn publish(c: &mut AnyConnection, w: &World, column: i64, title: &str, on: &str) -> i64 {
    let fields = ItemInput {
        title: title.into(),
        body_html: "<p>正文</p>".into(),
        genre: "notice".into(),
        column_ids: vec![column.to_string()],
        ..Default::default()
    }
    .validate()
    .unwrap();
    item::import_published(
        c,
        &Actor::system("t"),
        Placement {
            site_id: w.site.id,
            org_id: w.org,
        },
        &fields,
        at(on),
        None,
        &pattern(),
    )
    .unwrap()
    .id
}

#[test]
fn columns_fall_stale_as_the_clock_moves_and_findings_resolve() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let cal = WorkingCalendar::builtin();
        let news = column(&mut c, &w, "gzdt", "工作动态", ColumnKind::Articles);
        let notices = column(&mut c, &w, "tzgg", "通知公告", ColumnKind::Articles);
        let _link = column(&mut c, &w, "wz", "外部链接", ColumnKind::Link);
        let empties: Vec<i64> = (1..=5)
            .map(|i| {
                column(
                    &mut c,
                    &w,
                    &format!("k{i}"),
                    &format!("空栏目{i}"),
                    ColumnKind::Catalogue,
                )
            })
            .collect();
        publish(&mut c, &w, news, "动态一", "2026-12-01");
        publish(&mut c, &w, notices, "通知一", "2026-10-01");

        // Ten days on: only the five empty columns (a single-veto item at five).
        let r = &run_checks(&mut c, &cal, at("2026-12-11"), None).unwrap()[0];
        let failed: Vec<&str> = r.failed_vetoes().map(|v| v.code.as_str()).collect();
        assert_eq!(failed, ["empty"]);
        assert_eq!(r.vetoes[3].count, 5);
        let open = open_findings(&mut c, Some(&[w.org])).unwrap();
        assert_eq!(open.len(), 5);
        assert!(open
            .iter()
            .all(|f| f.kind == "column_empty" && f.severity == "veto"));

        // Fill one empty column: the empty item passes; its finding resolves at the next run.
        publish(&mut c, &w, empties[0], "补充", "2026-12-12");
        // 2026-12-20: the dynamic column is 19 days old, the homepage 8 days.
        let r = &run_checks(&mut c, &cal, at("2026-12-20"), None).unwrap()[0];
        assert!(r.vetoes.iter().find(|v| v.code == "empty").unwrap().passed);
        let stale = r.vetoes.iter().find(|v| v.code == "stale_columns").unwrap();
        assert_eq!(stale.count, 1);
        assert!(stale.evidence[0].contains("工作动态") && stale.evidence[0].contains("2026-12-01"));
        assert!(r.vetoes[0].passed, "homepage updated 8 days ago");
        let resolved: i64 = health_findings::table
            .filter(health_findings::resolved_at.is_not_null())
            .count()
            .get_result(&mut c)
            .unwrap();
        assert_eq!(resolved, 1);

        // 2027-01-05: homepage 24 days old fails; the notices column (since 2026-10-01) is still
        // within six months.
        let r = &run_checks(&mut c, &cal, at("2027-01-05"), Some("jyj")).unwrap()[0];
        assert!(!r.vetoes[0].passed);
        assert!(r.vetoes[0].evidence[0].contains("2026-12-12"));
        assert!(
            !r.findings.iter().any(|f| f.title == "通知公告"),
            "{:?}",
            r.findings
        );
        // 2027-04-05: the notices column is six months stale too; policy deduction applies.
        let r = &run_checks(&mut c, &cal, at("2027-04-05"), None).unwrap()[0];
        assert!(r
            .findings
            .iter()
            .any(|f| f.title == "通知公告" && f.kind == FindingKind::ColumnStale));
        assert!(r.deductions.iter().any(|d| d.points == 5));

        // A week's score per ISO week; the ranking has the latest.
        let hist = history(&mut c, w.site.id, 52).unwrap();
        let weeks: Vec<&str> = hist.iter().map(|h| h.week.as_str()).collect();
        assert_eq!(weeks, ["2026-W50", "2026-W51", "2027-W01", "2027-W14"]);
        assert!(!hist[0].passed);
        let rank = ranking(&mut c).unwrap();
        assert_eq!(rank.len(), 1);
        assert_eq!(rank[0].week, "2027-W14");
        assert_eq!(
            latest_report(&mut c, w.site.id).unwrap().unwrap().score,
            rank[0].score
        );
        assert!(matches!(
            run_checks(&mut c, &cal, at("2027-04-05"), Some("nope")),
            Err(StorageError::NotFound { .. })
        ));
    });
}

#[test]
fn requests_near_their_due_date_and_overdue() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let cal = WorkingCalendar::builtin();
        let key = DataKey::generate();
        let new = RequestInput {
            org_id: w.org.to_string(),
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
        .validate()
        .unwrap();
        let ack = intake(
            &mut c,
            &key,
            &cal,
            &Actor::system("public"),
            &new,
            &ReceiptFacts::new(
                ReceiptChannel::InPerson,
                NaiveDate::from_ymd_opt(2024, 9, 27).unwrap(),
            ),
        )
        .unwrap(); // due 2024-10-30
        let kinds = |c: &mut AnyConnection| -> Vec<String> {
            open_findings(c, None)
                .unwrap()
                .into_iter()
                .filter(|f| f.kind.starts_with("request"))
                .map(|f| f.kind)
                .collect()
        };
        run_checks(&mut c, &cal, at("2024-10-21"), None).unwrap();
        assert!(kinds(&mut c).is_empty(), "seven working days left");
        let r = run_checks(&mut c, &cal, at("2024-10-28"), None).unwrap();
        assert_eq!(kinds(&mut c), ["request_due_soon"]);
        assert_eq!(r[0].score, 100, "due soon is a notice, not a deduction");
        let r = run_checks(&mut c, &cal, at("2024-11-01"), None).unwrap();
        assert_eq!(kinds(&mut c), ["request_overdue"]);
        let f = r[0]
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::RequestOverdue)
            .unwrap();
        assert!(f.evidence.contains("2024-10-30") && f.title.contains(&ack.tracking_code));
        assert!(r[0]
            .deductions
            .iter()
            .any(|d| d.reason.contains("依申请公开已超期")));
    });
}

#[test]
fn dictionary_import_reports_bad_lines_and_the_word_source_finds_published_hits() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let admin = Actor::system("t");
        let out = import_words(
            &mut c,
            &admin,
            "按装 | wrong | warn | 安装\n坏行\n某敏感词 | sensitive | block\n",
        )
        .unwrap();
        assert_eq!((out.added, out.existing), (2, 0));
        assert_eq!(out.errors.len(), 1);
        assert_eq!(out.errors[0].line, 2);
        let again = import_words(&mut c, &admin, "按装 | wrong\n").unwrap();
        assert_eq!((again.added, again.existing), (0, 1));
        let dup = WordEntry::parse_line("按装 | wrong").unwrap();
        assert!(matches!(
            add_word(&mut c, &admin, &dup),
            Err(StorageError::Invalid(_))
        ));
        assert_eq!(dictionary(&mut c).unwrap().entries().len(), 2);

        let col = column(&mut c, &w, "gzdt", "工作动态", ColumnKind::Articles);
        let bad = publish(&mut c, &w, col, "关于按装路灯的通知", "2026-11-20");
        publish(&mut c, &w, col, "正常标题", "2026-11-21");
        let r =
            &run_checks(&mut c, &WorkingCalendar::builtin(), at("2026-11-24"), None).unwrap()[0];
        let hits: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::Words)
            .collect();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].subject, format!("item:{bad}"));
        assert!(hits[0].evidence.contains("标题第 3 字“按装”"));

        let id = words(&mut c)
            .unwrap()
            .iter()
            .find(|w| w.term == "按装")
            .unwrap()
            .id;
        delete_word(&mut c, &admin, id).unwrap();
        let r =
            &run_checks(&mut c, &WorkingCalendar::builtin(), at("2026-11-24"), None).unwrap()[0];
        assert!(!r.findings.iter().any(|f| f.kind == FindingKind::Words));
    });
}

#[test]
fn error_reports_join_the_queue_and_get_a_reply() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let code = crate::feedback::create(
            &mut c,
            w.site.id,
            "/items/1",
            "broken_link",
            "附件打不开了",
            None,
        )
        .unwrap();
        queue_error_report(&mut c, &code).unwrap();
        let open = open_findings(&mut c, Some(&[w.org])).unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].kind, "error_report");
        assert!(open[0].evidence.contains("附件打不开了"));
        let id: i64 = open[0]
            .subject
            .trim_start_matches("error_report:")
            .parse()
            .unwrap();

        let staff = Actor {
            user_id: Some(3),
            name: "admin".into(),
            ip: None,
        };
        assert!(matches!(
            reply_to_error_report(&mut c, &staff, id, " "),
            Err(StorageError::Invalid(_))
        ));
        reply_to_error_report(&mut c, &staff, id, "已修复附件，感谢指正。").unwrap();
        assert!(matches!(
            reply_to_error_report(&mut c, &staff, id, "再次答复"),
            Err(StorageError::Conflict(_))
        ));
        assert!(open_findings(&mut c, None).unwrap().is_empty());
        let (r, reply) = error_report_by_code(&mut c, &code.to_lowercase())
            .unwrap()
            .unwrap();
        assert_eq!(r.status, "replied");
        assert_eq!(reply.unwrap().reply, "已修复附件，感谢指正。");
        // A check run does not bring the answered report back.
        run_checks(&mut c, &WorkingCalendar::builtin(), crate::now(), None).unwrap();
        assert!(!open_findings(&mut c, None)
            .unwrap()
            .iter()
            .any(|f| f.kind == "error_report"));
        let log = crate::audit::list(
            &mut c,
            &crate::audit::AuditQuery {
                entity: Some("error_report".into()),
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
fn digests_list_new_findings_once_a_day() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let cal = WorkingCalendar::builtin();
        column(&mut c, &w, "gzdt", "工作动态", ColumnKind::Articles);
        run_checks(&mut c, &cal, at("2026-12-01"), None).unwrap();
        let title = |_: i64| "市教育局".to_string();
        let made = make_digests(&mut c, at("2026-12-01"), &title).unwrap();
        assert_eq!(made.len(), 1);
        assert!(
            made[0].body.contains("空白栏目") && made[0].body.contains("工作动态"),
            "{}",
            made[0].body
        );
        assert!(
            make_digests(&mut c, at("2026-12-01"), &title)
                .unwrap()
                .is_empty(),
            "once a day"
        );
        assert!(
            make_digests(&mut c, at("2026-12-02"), &title)
                .unwrap()
                .is_empty(),
            "nothing new"
        );
        mark_mailed(&mut c, made[0].id, "admin@example.invalid").unwrap();
        let got = digests(&mut c, Some(&[w.org]), 10).unwrap();
        assert_eq!(got[0].mailed_to.as_deref(), Some("admin@example.invalid"));
    });
}

fn kinds_open(c: &mut AnyConnection, kinds: &[&str]) -> Vec<(String, String)> {
    open_findings(c, None)
        .unwrap()
        .into_iter()
        .filter(|f| kinds.contains(&f.kind.as_str()))
        .map(|f| (f.kind, f.subject))
        .collect()
}

#[test]
fn letters_age_past_three_months_and_fail_the_interaction_item() {
    use crate::mailbox::{self, Step};
    use gongkai_domain::mailbox::{CategoryTree, LetterInput};
    const KINDS: &[&str] = &["letter_overdue", "letter_unanswered", "no_recent_replies"];
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let cal = WorkingCalendar::builtin();
        let key = DataKey::generate();
        let tree =
            CategoryTree::from_jsonl(r#"{"l1": "教育文体", "l2": "教育", "l3": "学前教育"}"#)
                .unwrap();
        mailbox::seed_categories(&mut c, &Actor::system("t"), &tree).unwrap();
        let new = |subject: &str| {
            LetterInput {
                org_id: w.org.to_string(),
                category: "教育文体/教育/学前教育".into(),
                subject: subject.into(),
                body: "幼儿园学位不足，希望增加学位。".into(),
                name: "李小四".into(),
                phone: "13900001111".into(),
                publish: "1".into(),
                ..Default::default()
            }
            .validate(&tree)
            .unwrap()
        };
        let public = Actor::system("public");
        let kept = mailbox::submit(
            &mut c,
            &key,
            &cal,
            &public,
            None,
            &new("学位不足"),
            at("2026-03-02"),
        )
        .unwrap();
        let declined = mailbox::submit(
            &mut c,
            &key,
            &cal,
            &public,
            None,
            &new("推销广告信息"),
            at("2026-03-02"),
        )
        .unwrap();
        mailbox::act(
            &mut c,
            &cal,
            &Actor::system("t"),
            declined.id,
            &Step::Decline {
                reason: "与政务无关".into(),
            },
            d("2026-03-03"),
        )
        .unwrap();

        run_checks(&mut c, &cal, at("2026-03-10"), None).unwrap();
        assert!(kinds_open(&mut c, KINDS).is_empty(), "within the deadline");

        // Past its deadline: overdue, and nothing answered in two months while it waits.
        let r = &run_checks(&mut c, &cal, at("2026-04-20"), None).unwrap()[0];
        let subject = format!("letter:{}", kept.id);
        assert_eq!(
            kinds_open(&mut c, KINDS),
            [
                ("letter_overdue".to_string(), subject.clone()),
                ("no_recent_replies".to_string(), format!("org:{}", w.org)),
            ]
        );
        assert!(
            r.vetoes
                .iter()
                .find(|v| v.code == "interaction")
                .unwrap()
                .passed
        );
        assert!(r
            .deductions
            .iter()
            .any(|d| d.reason.contains("留言超期未办结")));
        assert!(r
            .deductions
            .iter()
            .any(|d| d.reason.contains("近两个月无留言回复") && d.points == 3));

        // Three months and a day: the single-veto item fails with the letter as evidence; the
        // declined letter is not a valid message and is never counted.
        let r = &run_checks(&mut c, &cal, at("2026-06-03"), None).unwrap()[0];
        let veto = r.vetoes.iter().find(|v| v.code == "interaction").unwrap();
        assert!(!veto.passed && !r.passed());
        assert_eq!(veto.count, 1);
        assert!(
            veto.evidence[0].contains(&kept.tracking_code)
                && veto.evidence[0].contains("2026-03-02")
        );
        assert_eq!(
            kinds_open(&mut c, KINDS),
            [
                ("letter_unanswered".to_string(), subject.clone()),
                ("no_recent_replies".to_string(), format!("org:{}", w.org)),
            ]
        );
        let titles = |_: i64| "市教育局".to_string();
        let digest = make_digests(&mut c, at("2026-06-03"), &titles).unwrap();
        assert!(
            digest[0].body.contains("留言三个月未回复"),
            "{}",
            digest[0].body
        );

        // Answered late: the mailbox has a recent reply again, but the late answer still counts
        // within the year the check looks back on.
        mailbox::act(
            &mut c,
            &cal,
            &Actor::system("t"),
            kept.id,
            &Step::Reply {
                on: d("2026-06-04"),
                text: "已协调增加学位。".into(),
            },
            d("2026-06-04"),
        )
        .unwrap();
        let r = &run_checks(&mut c, &cal, at("2026-06-05"), None).unwrap()[0];
        assert_eq!(
            kinds_open(&mut c, KINDS),
            [("letter_unanswered".to_string(), subject)]
        );
        assert!(
            !r.vetoes
                .iter()
                .find(|v| v.code == "interaction")
                .unwrap()
                .passed
        );
        let r = &run_checks(&mut c, &cal, at("2027-06-05"), None).unwrap()[0];
        assert!(kinds_open(&mut c, KINDS).is_empty());
        assert!(
            r.vetoes
                .iter()
                .find(|v| v.code == "interaction")
                .unwrap()
                .passed
        );
    });
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn surveys_and_consultations_closed_without_results() {
    use crate::{consultation, survey};
    use gongkai_domain::survey::Answer;
    const KINDS: &[&str] = &["survey_no_result", "consultation_no_report"];
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let cal = WorkingCalendar::builtin();
        let a = Actor::system("t");
        // Windows in China time, closed before the real clock so the report may be published.
        let s = survey::create(
            &mut c,
            &a,
            &survey::SurveyInput {
                org_id: w.org.to_string(),
                title: "公交服务满意度调查".into(),
                questions: "[单选*] 是否满意\n- 满意\n- 不满意".into(),
                opens_at: "2026-10-01 09:00".into(),
                closes_at: "2026-10-20 18:00".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .unwrap();
        survey::set_published(&mut c, &a, s.id, true).unwrap();
        survey::import_response(&mut c, s.id, &[Answer::Choices(vec![0])], at("2026-10-05"))
            .unwrap();
        let k = consultation::create(
            &mut c,
            &a,
            &consultation::ConsultationInput {
                org_id: w.org.to_string(),
                title: "《养犬管理办法（征求意见稿）》".into(),
                draft: "为规范养犬行为，制定本办法。\n第一条 居住区内遛犬应当拴绳。".into(),
                opens_at: "2026-10-01 09:00".into(),
                closes_at: "2026-10-20 18:00".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .unwrap();
        consultation::set_published(&mut c, &a, k.id, true).unwrap();
        let comment = consultation::import_comment(
            &mut c,
            k.id,
            1,
            "网友",
            "建议明确拴绳长度。",
            at("2026-10-05"),
        )
        .unwrap();

        // 2026-10-20 09:00 UTC is 17:00 in China: both still open.
        let open_at = at("2026-10-20") + Duration::hours(7);
        run_checks(&mut c, &cal, open_at, None).unwrap();
        assert!(kinds_open(&mut c, KINDS).is_empty());

        // Closed: the survey's tallies are public with it; the consultation owes its report.
        let r = &run_checks(&mut c, &cal, at("2026-10-21"), None).unwrap()[0];
        assert_eq!(
            kinds_open(&mut c, KINDS),
            [(
                "consultation_no_report".to_string(),
                format!("consultations:{}", k.id)
            )]
        );
        assert!(r
            .deductions
            .iter()
            .any(|d| d.reason.contains("意见征集结束未公布采纳情况")));

        // Withdrawing the answered survey hides its results.
        survey::set_published(&mut c, &a, s.id, false).unwrap();
        run_checks(&mut c, &cal, at("2026-10-22"), None).unwrap();
        let found = kinds_open(&mut c, KINDS);
        assert!(found.contains(&("survey_no_result".to_string(), format!("surveys:{}", s.id))));

        // The feedback report published, the survey back: both resolve.
        consultation::decide(
            &mut c,
            &a,
            comment,
            gongkai_domain::consultation::Adoption::Adopted,
            "",
        )
        .unwrap();
        consultation::publish_report(&mut c, &a, k.id, "采纳意见一条。").unwrap();
        survey::set_published(&mut c, &a, s.id, true).unwrap();
        run_checks(&mut c, &cal, at("2026-10-23"), None).unwrap();
        assert!(kinds_open(&mut c, KINDS).is_empty());
    });
}

#[test]
fn the_update_category_decides_the_timeliness_limit() {
    on_both(|db| {
        let mut c = db.conn().unwrap();
        let w = world(&mut c);
        let cal = WorkingCalendar::builtin();
        let col = column(&mut c, &w, "jgzn", "机构职能", ColumnKind::Articles);
        publish(&mut c, &w, col, "职能调整", "2026-12-01");
        let stale = |c: &mut AnyConnection, day: &str| -> Vec<String> {
            run_checks(c, &cal, at(day), None).unwrap()[0]
                .findings
                .iter()
                .filter(|f| f.subject == format!("column:{col}"))
                .map(|f| f.kind.as_str().to_string())
                .collect()
        };
        assert!(
            stale(&mut c, "2026-12-20").is_empty(),
            "guessed: no national limit"
        );
        let set = |c: &mut AnyConnection, category: UpdateCategory| {
            site::update_column(
                c,
                &Actor::system("t"),
                col,
                &site::ColumnChanges {
                    name: "机构职能",
                    kind: ColumnKind::Articles,
                    module: None,
                    update_days: None,
                    update_category: category,
                    link_url: None,
                    body_html: None,
                },
            )
            .unwrap();
        };
        set(&mut c, UpdateCategory::Dynamic);
        assert_eq!(stale(&mut c, "2026-12-21"), ["column_stale"]);
        set(&mut c, UpdateCategory::NoticePolicy);
        assert!(
            stale(&mut c, "2026-12-22").is_empty(),
            "six months for notices"
        );
        assert_eq!(stale(&mut c, "2027-06-10"), ["column_stale"]);
        set(&mut c, UpdateCategory::Static);
        assert!(
            stale(&mut c, "2028-06-10").is_empty(),
            "an archive is never stale"
        );
    });
}
