use chrono::NaiveDate;
use gongkai_domain::org::{org_code_with_check, OrgKind, OrgLevel};
use gongkai_domain::report::Table3Row as R;

use super::*;
use crate::schema::sites;
use crate::testing::{on_both, seed_org};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn staff() -> Actor {
    Actor {
        user_id: Some(3),
        name: "office".into(),
        ip: None,
    }
}

/// The city (root, city level), one city department, one county.
struct City {
    root: i64,
    dept: i64,
    county: i64,
    site: i64,
}

fn city(conn: &mut AnyConnection) -> City {
    let root = seed_org(conn, None, "00001434");
    let dept = seed_org(conn, Some(root), "00001435");
    let county = crate::org::create(
        conn,
        &crate::org::NewOrganisation {
            parent_id: Some(root),
            name: "示范县人民政府",
            short_name: "示范县",
            code: &org_code_with_check("00001436"),
            level: OrgLevel::County,
            kind: OrgKind::Government,
        },
    )
    .unwrap()
    .id;
    let site = diesel::insert_into(sites::table)
        .values((
            sites::org_id.eq(root),
            sites::slug.eq("portal"),
            sites::title.eq("门户"),
            sites::is_portal.eq(true),
            sites::created_at.eq(crate::now()),
        ))
        .returning(sites::id)
        .get_result(conn)
        .unwrap();
    City {
        root,
        dept,
        county,
        site,
    }
}

static SERIAL: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

fn serial() -> i64 {
    SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

#[allow(clippy::too_many_arguments)]
fn item(
    conn: &mut AnyConnection,
    c: &City,
    org: i64,
    published: &str,
    genre: &str,
    channels: &str,
    made_on: Option<&str>,
    validity: &str,
    invalid_from: Option<&str>,
) -> i64 {
    let at = d(published).and_hms_opt(9, 0, 0).unwrap();
    let n = serial();
    diesel::insert_into(items::table)
        .values((
            items::site_id.eq(c.site),
            items::org_id.eq(org),
            items::index_number.eq(format!("X/{n}")),
            items::title.eq(format!("信息{n}")),
            items::published_at.eq(at),
            items::published_year.eq(chrono::Datelike::year(&at)),
            items::made_on.eq(made_on.map(d)),
            items::genre.eq(genre),
            items::validity.eq(validity),
            items::invalid_from.eq(invalid_from.map(d)),
            items::disclosure_mode.eq("proactive"),
            items::channels.eq(channels),
            items::status.eq("published"),
            items::created_at.eq(at),
            items::updated_at.eq(at),
        ))
        .returning(items::id)
        .get_result(conn)
        .unwrap()
}

const APPLICANTS: [&str; 6] = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_welfare_organization",
    "legal_service_institution",
    "other_organization",
];

/// A request case as the handling would leave it (rows inserted directly: the statistics read
/// the stored facts, and hashing a tracking password per case would make a year of cases slow).
#[allow(clippy::too_many_arguments)]
fn case(
    conn: &mut AnyConnection,
    org: i64,
    applicant: &str,
    received: NaiveDate,
    outcome: Option<Outcome>,
    answered: Option<NaiveDate>,
    due: Option<NaiveDate>,
) -> i64 {
    let n = serial();
    let now = crate::now();
    let stage = match (outcome, answered) {
        (None, _) => "assigned",
        (Some(_), None) => "not_processed",
        _ => "answered",
    };
    let id: i64 = diesel::insert_into(disclosure_requests::table)
        .values((
            disclosure_requests::tracking_code.eq(format!("T{n:08}")),
            disclosure_requests::password_hash.eq("x"),
            disclosure_requests::org_id.eq(org),
            disclosure_requests::applicant_type.eq(applicant),
            disclosure_requests::applicant_name.eq("申请人"),
            disclosure_requests::id_type.eq("resident_id"),
            disclosure_requests::id_number_enc.eq("x"),
            disclosure_requests::id_number_masked.eq("4201**********1231"),
            disclosure_requests::phone_enc.eq("x"),
            disclosure_requests::phone_masked.eq("138****5678"),
            disclosure_requests::address.eq("示范市"),
            disclosure_requests::description.eq("信息"),
            disclosure_requests::preferred_form.eq("electronic"),
            disclosure_requests::delivery.eq("online"),
            disclosure_requests::channel.eq("in_person"),
            disclosure_requests::arrived_on.eq(received),
            disclosure_requests::received_on.eq(received),
            disclosure_requests::stage.eq(stage),
            disclosure_requests::state.eq("{}"),
            disclosure_requests::plan.eq("{}"),
            disclosure_requests::due_on.eq(due),
            disclosure_requests::outcome.eq(outcome.map(|o| o.as_str())),
            disclosure_requests::answered_on.eq(answered),
            disclosure_requests::created_at.eq(now),
            disclosure_requests::updated_at.eq(now),
        ))
        .returning(disclosure_requests::id)
        .get_result(conn)
        .unwrap();
    if let (Some(Outcome::CorrectionOverdue), None) = (outcome, answered) {
        diesel::insert_into(request_events::table)
            .values((
                request_events::request_id.eq(id),
                request_events::kind.eq("correction_lapsed"),
                request_events::on_date.eq(d("2025-06-30")),
                request_events::detail.eq("{}"),
                request_events::actor.eq("office"),
                request_events::at.eq(now),
            ))
            .execute(conn)
            .unwrap();
    }
    id
}

/// A table 三 shaped like a published one (a municipal department's 2021-format table): the six
/// applicant columns of every row, totals left for the code to add.
fn published_table() -> Table3 {
    let rows: &[(Table3Row, [i64; 6])] = &[
        (R::New, [96, 11, 1, 0, 3, 2]),
        (R::CarriedOver, [5, 1, 0, 0, 0, 0]),
        (R::Disclosed, [41, 6, 1, 0, 1, 1]),
        (R::PartlyDisclosed, [7, 1, 0, 0, 0, 0]),
        (R::WithheldStateSecret, [1, 0, 0, 0, 0, 0]),
        (R::WithheldThirdPartyRights, [2, 1, 0, 0, 0, 0]),
        (R::WithheldProcessInformation, [3, 0, 0, 0, 0, 0]),
        (R::WithheldQueryMatter, [4, 0, 0, 0, 0, 0]),
        (R::UnavailableNotHeld, [18, 2, 0, 0, 1, 0]),
        (R::UnavailableNeedsCreation, [3, 0, 0, 0, 0, 0]),
        (R::UnavailableStillUnclear, [2, 0, 0, 0, 0, 0]),
        (R::NotProcessedComplaint, [4, 0, 0, 0, 0, 0]),
        (R::NotProcessedRepeated, [3, 0, 0, 0, 0, 1]),
        (R::NotProcessedPublication, [1, 0, 0, 0, 0, 0]),
        (R::OtherNoCorrection, [2, 0, 0, 0, 0, 0]),
        (R::OtherMisc, [1, 0, 0, 0, 0, 0]),
        (R::CarriedForward, [9, 2, 0, 0, 1, 0]),
    ];
    let mut t = Table3::new(ReportFormat::Standard2021);
    for (row, values) in rows {
        for (col, v) in Table3Column::PARTS.into_iter().zip(values) {
            t.set(*row, col, *v).unwrap();
        }
    }
    t.compute_totals();
    assert!(t.check().is_empty(), "the fixture itself adds up");
    t
}

/// The outcome that lands in `row` (the reverse of `table3_row` for the 2021 format).
fn outcome_for(row: Table3Row) -> Outcome {
    *Outcome::all()
        .iter()
        .find(|o| table3_row(**o, ReportFormat::Standard2021) == row)
        .expect("every result row has an outcome")
}

#[test]
fn a_year_of_requests_gives_back_the_published_table_cell_for_cell() {
    on_both(|db| {
        let mut conn = db.conn().unwrap();
        let c = city(&mut conn);
        let want = published_table();
        for (i, col) in Table3Column::PARTS.into_iter().enumerate() {
            let applicant = APPLICANTS[i];
            // Carried over: received in December 2024, still open on 1 January 2025.
            let carried = want.get(R::CarriedOver, col).unwrap();
            let new = want.get(R::New, col).unwrap();
            let mut received: Vec<NaiveDate> = (0..carried).map(|_| d("2024-12-20")).collect();
            received.extend((0..new).map(|k| d("2025-01-02") + chrono::Duration::days(k * 3)));
            let mut results: Vec<Table3Row> = Vec::new();
            for row in Table3Row::rows(ReportFormat::Standard2021) {
                if row.is_result() {
                    for _ in 0..want.get(row, col).unwrap() {
                        results.push(row);
                    }
                }
            }
            assert_eq!(
                results.len() as i64 + want.get(R::CarriedForward, col).unwrap(),
                received.len() as i64
            );
            for (k, on) in received.iter().enumerate() {
                match results.get(k) {
                    Some(row) => {
                        let outcome = outcome_for(*row);
                        // Lapsed corrections carry their date on the event, not a reply.
                        let answered = (outcome != Outcome::CorrectionOverdue)
                            .then(|| (*on + chrono::Duration::days(15)).max(d("2025-01-05")));
                        case(
                            &mut conn,
                            c.dept,
                            applicant,
                            *on,
                            Some(outcome),
                            answered,
                            Some(*on + chrono::Duration::days(28)),
                        );
                    }
                    None => {
                        // Still open at the year's end: received late in 2025.
                        case(
                            &mut conn,
                            c.dept,
                            applicant,
                            d("2025-12-22"),
                            None,
                            None,
                            Some(d("2026-01-20")),
                        );
                    }
                }
            }
        }
        // A case closed in 2024 and one received in 2026 must not count in 2025.
        case(
            &mut conn,
            c.dept,
            "natural_person",
            d("2024-03-01"),
            Some(Outcome::Disclosed),
            Some(d("2024-03-20")),
            None,
        );
        case(
            &mut conn,
            c.dept,
            "natural_person",
            d("2026-01-05"),
            None,
            None,
            None,
        );

        let report = compute(&mut conn, 2025, &Scope::City).unwrap();
        for row in Table3Row::rows(ReportFormat::Standard2021) {
            for col in Table3Column::ALL {
                assert_eq!(
                    report.table3.get(row, col),
                    want.get(row, col),
                    "{} / {}",
                    row.label(),
                    col.label()
                );
            }
        }
        assert!(report.problems().is_empty(), "{:?}", report.problems());
        // Next year's 上年结转 is this year's 结转下年度.
        let next = compute(&mut conn, 2026, &Scope::City).unwrap();
        assert_eq!(
            next.table3.row(R::CarriedOver),
            report.table3.row(R::CarriedForward)
        );
        // The county handled none of them.
        let county = compute(&mut conn, 2025, &Scope::Counties).unwrap();
        assert_eq!(county.table3.get(R::New, Table3Column::Total), Some(0));
        let _ = c.root;
        let _ = c.county;
    });
}

#[test]
fn table3_figures_follow_their_rules() {
    let y = Year::new(2025).unwrap();
    let mk = |received: &str, outcome: Option<Outcome>, disposed: Option<&str>| Case {
        id: 0,
        org_id: 1,
        column: Some(Table3Column::Commercial),
        received_on: d(received),
        outcome,
        disposed_on: disposed.map(d),
        due_on: None,
    };
    let cases = [
        mk("2024-12-30", Some(Outcome::Disclosed), Some("2025-01-10")),
        mk(
            "2025-03-01",
            Some(Outcome::PartiallyDisclosed),
            Some("2025-03-05"),
        ),
        mk("2025-12-30", None, None),
        mk("2025-12-01", Some(Outcome::Petition), Some("2026-01-03")),
    ];
    let t = table3_of(&cases, &y, ReportFormat::Standard2021).unwrap();
    let col = Table3Column::Commercial;
    assert_eq!(t.get(R::CarriedOver, col), Some(1));
    assert_eq!(t.get(R::New, col), Some(3));
    assert_eq!(t.get(R::Disclosed, col), Some(1));
    assert_eq!(t.get(R::PartlyDisclosed, col), Some(1));
    // Answered in January 2026: still open at the end of 2025.
    assert_eq!(t.get(R::NotProcessedComplaint, col), Some(0));
    assert_eq!(t.get(R::CarriedForward, col), Some(2));
    assert_eq!(t.get(R::ResultsTotal, Table3Column::Total), Some(2));
    assert!(t.check().is_empty());
    // The 2019 format folds （六） into one row.
    let trial = table3_row(Outcome::FeeUnpaid, ReportFormat::Trial2019);
    assert_eq!(trial, R::OtherHandling);
}

#[test]
fn items_are_counted_by_level_channel_and_genre() {
    on_both(|db| {
        let mut conn = db.conn().unwrap();
        let c = city(&mut conn);
        item(
            &mut conn,
            &c,
            c.dept,
            "2025-02-01",
            "notice",
            "website,weibo",
            None,
            "valid",
            None,
        );
        item(
            &mut conn,
            &c,
            c.dept,
            "2025-03-01",
            "interpretation",
            "website,wechat",
            None,
            "valid",
            None,
        );
        item(
            &mut conn,
            &c,
            c.root,
            "2025-12-31",
            "notice",
            "website",
            None,
            "valid",
            None,
        );
        item(
            &mut conn,
            &c,
            c.county,
            "2025-05-01",
            "notice",
            "wechat",
            None,
            "valid",
            None,
        );
        // Not this year.
        item(
            &mut conn,
            &c,
            c.dept,
            "2024-12-31",
            "notice",
            "website",
            None,
            "valid",
            None,
        );
        item(
            &mut conn,
            &c,
            c.dept,
            "2026-01-01",
            "notice",
            "website",
            None,
            "valid",
            None,
        );

        let r = compute(&mut conn, 2025, &Scope::City).unwrap();
        let count = |k: &str| r.figure(k).unwrap().count().unwrap();
        assert_eq!(count("proactive.total"), 4);
        assert_eq!(count("proactive.city_level"), 3);
        assert_eq!(count("proactive.counties"), 1);
        assert_eq!(count("channel.website"), 3);
        assert_eq!(count("channel.weibo"), 1);
        assert_eq!(count("channel.wechat"), 2);
        assert_eq!(count("interpretations"), 1);
        assert!(count("channel.website") <= count("proactive.total"));
        // Every feature has landed: the figures count their records, zero when there are none.
        for key in [
            "letters",
            "press_conferences",
            "interviews",
            "surveys",
            "trading",
            "gazette",
            "service_guides",
        ] {
            assert_eq!(count(key), 0, "{key}");
        }

        let dept_code = crate::org::get(&mut conn, c.dept).unwrap().code;
        let r = compute(&mut conn, 2025, &Scope::Org(dept_code)).unwrap();
        assert_eq!(r.figure("proactive.total").unwrap().count(), Some(2));
        let r = compute(&mut conn, 2025, &Scope::Counties).unwrap();
        assert_eq!(r.figure("proactive.total").unwrap().count(), Some(1));
    });
}

#[test]
fn request_rates_and_appeals() {
    on_both(|db| {
        let mut conn = db.conn().unwrap();
        let c = city(&mut conn);
        let on_time = case(
            &mut conn,
            c.dept,
            "natural_person",
            d("2025-03-03"),
            Some(Outcome::Disclosed),
            Some(d("2025-03-20")),
            Some(d("2025-03-31")),
        );
        case(
            &mut conn,
            c.dept,
            "natural_person",
            d("2025-04-01"),
            Some(Outcome::NotHeld),
            Some(d("2025-05-20")),
            Some(d("2025-04-29")),
        );
        // Open past its due date at the year's end: lowers the reply rate.
        case(
            &mut conn,
            c.dept,
            "natural_person",
            d("2025-11-03"),
            None,
            None,
            Some(d("2025-12-01")),
        );
        let r = compute(&mut conn, 2025, &Scope::City).unwrap();
        assert_eq!(
            r.figure("requests.on_time_rate"),
            Some(&FigureValue::Rate {
                percent: Some(50.0)
            })
        );
        assert_eq!(r.figure("requests.reply_rate").unwrap().display(), "66.7%");

        let actor = staff();
        let a = crate::request::file_appeal(
            &mut conn,
            &actor,
            on_time,
            Table4Block::Reconsideration,
            d("2025-04-10"),
            "示范市人民政府",
            "",
        );
        let a = a.unwrap();
        crate::request::decide_appeal(
            &mut conn,
            &actor,
            a.id,
            Table4Column::Corrected,
            d("2025-06-01"),
        )
        .unwrap();
        crate::request::file_appeal(
            &mut conn,
            &actor,
            on_time,
            Table4Block::LitigationAfterReconsideration,
            d("2025-06-10"),
            "示范市中级人民法院",
            "",
        )
        .unwrap();
        let r = compute(&mut conn, 2025, &Scope::City).unwrap();
        assert_eq!(
            r.table4
                .get(Table4Block::Reconsideration, Table4Column::Corrected),
            1
        );
        assert_eq!(
            r.table4.get(
                Table4Block::LitigationAfterReconsideration,
                Table4Column::Pending
            ),
            1
        );
        assert_eq!(
            r.table4.get(
                Table4Block::LitigationAfterReconsideration,
                Table4Column::Total
            ),
            1
        );
        assert_eq!(r.figure("appeals.litigation").unwrap().count(), Some(1));
        assert!(r.problems().is_empty());
    });
}

#[test]
fn table2_counts_the_catalogue_and_sums_entered_figures_with_their_source() {
    on_both(|db| {
        let mut conn = db.conn().unwrap();
        let c = city(&mut conn);
        // 规章: one made in 2025, one made in 2020 repealed in 2025, one made 2019 still valid.
        item(
            &mut conn,
            &c,
            c.root,
            "2025-02-01",
            "regulation",
            "website",
            Some("2025-01-20"),
            "valid",
            None,
        );
        item(
            &mut conn,
            &c,
            c.root,
            "2020-02-01",
            "regulation",
            "website",
            Some("2020-01-20"),
            "repealed",
            Some("2025-07-01"),
        );
        item(
            &mut conn,
            &c,
            c.root,
            "2019-06-01",
            "regulation",
            "website",
            Some("2019-05-20"),
            "valid",
            None,
        );
        // 行政规范性文件 made in 2026: nothing in 2025.
        item(
            &mut conn,
            &c,
            c.dept,
            "2026-02-01",
            "normative_document",
            "website",
            Some("2026-01-20"),
            "valid",
            None,
        );

        let actor = staff();
        enter_figure(
            &mut conn,
            &actor,
            c.dept,
            2025,
            Table2Row::Licensing,
            Table2Column::Decisions,
            1200.0,
            "省政务服务平台导出，2026-01-06",
        )
        .unwrap();
        enter_figure(
            &mut conn,
            &actor,
            c.county,
            2025,
            Table2Row::Licensing,
            Table2Column::Decisions,
            300.0,
            "县政务服务平台导出",
        )
        .unwrap();
        enter_figure(
            &mut conn,
            &actor,
            c.dept,
            2025,
            Table2Row::Fees,
            Table2Column::FeeAmount,
            12.5,
            "财政非税收入系统",
        )
        .unwrap();
        // Corrected once: the later value replaces the earlier.
        enter_figure(
            &mut conn,
            &actor,
            c.dept,
            2025,
            Table2Row::Fees,
            Table2Column::FeeAmount,
            12.75,
            "财政非税收入系统（更正）",
        )
        .unwrap();

        let r = compute(&mut conn, 2025, &Scope::City).unwrap();
        let t = &r.table2;
        assert_eq!(t.get(Table2Row::Rules, Table2Column::Issued), Some(1.0));
        assert_eq!(t.get(Table2Row::Rules, Table2Column::Repealed), Some(1.0));
        assert_eq!(t.get(Table2Row::Rules, Table2Column::InForce), Some(2.0));
        assert_eq!(
            t.get(Table2Row::NormativeDocuments, Table2Column::Issued),
            Some(0.0)
        );
        assert_eq!(
            t.get(Table2Row::Licensing, Table2Column::Decisions),
            Some(1500.0)
        );
        assert_eq!(t.get(Table2Row::Fees, Table2Column::FeeAmount), Some(12.75));
        assert!(r
            .table2_sources
            .iter()
            .any(|s| s.source == "财政非税收入系统（更正）"));
        assert!(
            r.notices.iter().any(|n| n.contains("行政处罚")),
            "{:?}",
            r.notices
        );
        // In 2020 the repealed rule was still in force.
        let r2020 = compute(&mut conn, 2020, &Scope::City).unwrap();
        assert_eq!(r2020.format, ReportFormat::Trial2019);
        assert_eq!(
            r2020.table2.get(Table2Row::Rules, Table2Column::NewlyMade),
            Some(1.0)
        );
        assert_eq!(
            r2020
                .table2
                .get(Table2Row::Rules, Table2Column::PublicTotal),
            Some(2.0)
        );

        // Bad input is refused with the field named; catalogue cells are not entered.
        let e = enter_figure(
            &mut conn,
            &actor,
            c.dept,
            2025,
            Table2Row::Penalties,
            Table2Column::Decisions,
            -1.0,
            "x",
        )
        .unwrap_err();
        assert!(e.to_string().contains("value"), "{e}");
        let e = enter_figure(
            &mut conn,
            &actor,
            c.dept,
            2025,
            Table2Row::Rules,
            Table2Column::Issued,
            3.0,
            "x",
        )
        .unwrap_err();
        assert!(e.to_string().contains("catalogue"), "{e}");
        let e = enter_figure(
            &mut conn,
            &actor,
            c.dept,
            2025,
            Table2Row::Coercion,
            Table2Column::Decisions,
            3.0,
            " ",
        )
        .unwrap_err();
        assert!(e.to_string().contains("source"), "{e}");
        let audited: i64 = crate::schema::audit_log::table
            .filter(crate::schema::audit_log::action.eq("report.enter_figure"))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(audited, 4);
    });
}

#[test]
fn an_empty_year_gives_zeros_with_a_notice_and_an_unknown_scope_is_an_error() {
    on_both(|db| {
        let mut conn = db.conn().unwrap();
        city(&mut conn);
        let r = compute(&mut conn, 2023, &Scope::City).unwrap();
        assert_eq!(r.table3.get(R::New, Table3Column::Total), Some(0));
        assert_eq!(r.figure("proactive.total").unwrap().count(), Some(0));
        assert!(r.notices[0].contains("以下各表均为零"), "{:?}", r.notices);
        assert!(r.problems().is_empty());
        let e = compute(&mut conn, 2023, &Scope::Org("NOSUCHORG".into())).unwrap_err();
        assert!(e.to_string().contains("NOSUCHORG"), "{e}");
        let e = compute(&mut conn, 2017, &Scope::City).unwrap_err();
        assert!(e.to_string().contains("2019"), "{e}");
    });
}

#[test]
fn publishing_follows_the_workflow_and_needs_consistent_figures() {
    on_both(|db| {
        let mut conn = db.conn().unwrap();
        city(&mut conn);
        let actor = staff();
        let scope = Scope::City;
        let e = transition(&mut conn, &actor, &scope, 2025, "review", None).unwrap_err();
        assert!(matches!(e, StorageError::NotFound { .. }), "{e}");
        let mut s = Sections::new();
        s.insert("overview".into(), "2025年，本市……".into());
        save_sections(&mut conn, &actor, &scope, 2025, &s).unwrap();
        s.insert("nonsense".into(), "x".into());
        assert!(save_sections(&mut conn, &actor, &scope, 2025, &s).is_err());
        assert!(transition(&mut conn, &actor, &scope, 2025, "publish", None).is_err());
        transition(&mut conn, &actor, &scope, 2025, "review", None).unwrap();
        // A reviewed report is not edited; it is reopened first.
        let mut s = Sections::new();
        s.insert("problems".into(), "……".into());
        assert!(save_sections(&mut conn, &actor, &scope, 2025, &s).is_err());
        let d = transition(&mut conn, &actor, &scope, 2025, "publish", None).unwrap();
        assert_eq!(d.status, "published");
        assert_eq!(d.sections()["overview"], "2025年，本市……");
    });
}

#[test]
fn a_report_whose_tables_do_not_add_up_lists_every_problem() {
    on_both(|db| {
        let mut conn = db.conn().unwrap();
        city(&mut conn);
        let mut r = compute(&mut conn, 2025, &Scope::City).unwrap();
        assert!(r.problems().is_empty());
        // Tampered: a result without its intake breaks 一 + 二 = 三（七） + 四 and the totals.
        r.table3
            .set(R::Disclosed, Table3Column::NaturalPerson, 1)
            .unwrap();
        r.table4
            .set(Table4Block::Reconsideration, Table4Column::Upheld, 2);
        let problems = r.problems();
        assert!(problems.len() >= 3, "{problems:?}");
        assert!(
            problems.iter().any(|p| p.location.contains("表四")),
            "{problems:?}"
        );
        assert!(refuse_unless_consistent(&r).is_err());
    });
}

#[test]
fn the_document_has_every_section_and_table_in_order() {
    on_both(|db| {
        let mut conn = db.conn().unwrap();
        let c = city(&mut conn);
        case(
            &mut conn,
            c.dept,
            "commercial_enterprise",
            d("2025-03-03"),
            Some(Outcome::Disclosed),
            Some(d("2025-03-20")),
            Some(d("2025-03-31")),
        );
        let r = compute(&mut conn, 2025, &Scope::City).unwrap();
        let mut s = Sections::new();
        s.insert("problems".into(), "一是……\n二是……".into());
        let doc = document::document(&r, &s);
        doc.validate().unwrap();
        let html = gongkai_reporting::html::fragment(&doc);
        let mut at = 0;
        for heading in [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "第二十条第（一）项",
            "三、收到和处理政府信息公开申请情况",
            "申请人情况",
            "（七）总计",
            "四、结转下年度继续办理",
            "四、政府信息公开行政复议、行政诉讼情况",
            "复议后起诉",
            "五、存在的主要问题及改进情况",
            "一是……",
            "六、其他需要报告的事项",
        ] {
            let found = html[at..]
                .find(heading)
                .unwrap_or_else(|| panic!("{heading} missing or out of order"));
            at += found;
        }
        // Generated paragraphs stand in for sections staff left empty.
        assert!(html.contains("新收政府信息公开申请1件"), "{html}");
        let t3 = document::table3(&r);
        let g = t3.grid().unwrap();
        assert_eq!((g.columns, g.header_rows), (8, 3));
        let t4 = document::table4(&r);
        assert_eq!(t4.grid().unwrap().columns, 15);
        let json = document::json(&r);
        assert_eq!(json["table3"]["rows"]["disclosed"][1], 1);
        assert_eq!(
            json["table4"]["reconsideration"].as_array().unwrap().len(),
            5
        );
    });
}

#[test]
fn publishing_puts_the_report_in_the_catalogue_under_annual_reports() {
    on_both(|db| {
        let mut conn = db.conn().unwrap();
        let c = city(&mut conn);
        case(
            &mut conn,
            c.dept,
            "natural_person",
            d("2025-03-03"),
            Some(Outcome::Disclosed),
            Some(d("2025-03-20")),
            Some(d("2025-03-31")),
        );
        let actor = staff();
        let scope = Scope::City;
        let pattern = gongkai_domain::index_number::IndexPattern::default();
        let mut s = Sections::new();
        s.insert("overview".into(), "本年度，示范市……".into());
        save_sections(&mut conn, &actor, &scope, 2025, &s).unwrap();
        // A draft is reviewed before it is published.
        assert!(publish(&mut conn, &actor, &scope, 2025, &pattern).is_err());
        transition(&mut conn, &actor, &scope, 2025, "review", None).unwrap();
        let d = publish(&mut conn, &actor, &scope, 2025, &pattern).unwrap();
        assert_eq!(d.status, "published");
        let it = crate::item::get(&mut conn, d.item_id.unwrap()).unwrap();
        assert_eq!(it.genre, "annual_report");
        assert_eq!(it.status, "published");
        assert!(it.index_number.is_some());
        assert_eq!(it.org_id, c.root);
        assert!(
            it.title.ends_with("2025年政府信息公开工作年度报告"),
            "{}",
            it.title
        );
        assert!(it.body_html.contains("申请人情况"));
        assert!(it.body_html.contains("本年度，示范市……"));
        assert!(
            it.body_html.contains("rowspan=\"3\""),
            "merged header cells survive sanitising"
        );
        // Published once.
        assert!(publish(&mut conn, &actor, &scope, 2025, &pattern).is_err());
    });
}

#[test]
fn dashboard_series_by_month_and_organisation_compare_with_last_year() {
    on_both(|db| {
        let mut conn = db.conn().unwrap();
        let c = city(&mut conn);
        item(
            &mut conn,
            &c,
            c.dept,
            "2025-01-15",
            "notice",
            "website",
            None,
            "valid",
            None,
        );
        item(
            &mut conn,
            &c,
            c.dept,
            "2025-12-15",
            "notice",
            "website",
            None,
            "valid",
            None,
        );
        item(
            &mut conn,
            &c,
            c.county,
            "2025-12-20",
            "notice",
            "website",
            None,
            "valid",
            None,
        );
        item(
            &mut conn,
            &c,
            c.dept,
            "2024-12-01",
            "notice",
            "website",
            None,
            "valid",
            None,
        );
        case(
            &mut conn,
            c.dept,
            "natural_person",
            d("2025-02-03"),
            None,
            None,
            None,
        );
        let series = by_month(&mut conn, 2025, &Scope::City).unwrap();
        assert_eq!(series[0].this_year[0], 1);
        assert_eq!(series[0].this_year[11], 2);
        assert_eq!(series[0].last_year[11], 1);
        assert_eq!(series[1].this_year[1], 1);
        assert_eq!(series[1].this_year.iter().sum::<i64>(), 1);
        let by_org = items_by_org(&mut conn, 2025, &Scope::City).unwrap();
        assert_eq!(by_org[0], ("单位00001435".to_string(), 2, 1));
        assert_eq!(by_org[1], ("示范县".to_string(), 1, 0));
        assert_eq!(by_org.len(), 2);
    });
}

fn ts(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn letter(conn: &mut AnyConnection, org: i64, replied_on: Option<&str>) {
    use crate::mailbox::letters as l;
    let n = serial();
    diesel::insert_into(l::table)
        .values((
            l::tracking_code.eq(format!("XF{n:08}")),
            l::password_hash.eq("x"),
            l::addressed_org_id.eq(org),
            l::org_id.eq(org),
            l::category.eq("城乡建设"),
            l::subject.eq("小区路灯不亮"),
            l::body.eq("请修路灯。"),
            l::writer_enc.eq(""),
            l::writer_masked.eq("张*"),
            l::phone_masked.eq("138****0000"),
            l::publish_consent.eq(false),
            l::status.eq(if replied_on.is_some() {
                "replied"
            } else {
                "routed"
            }),
            l::received_at.eq(ts("2025-03-01 09:00")),
            l::received_on.eq(d("2025-03-01")),
            l::replied_on.eq(replied_on.map(d)),
            l::escalations.eq(0),
            l::watch_hits.eq("[]"),
            l::source.eq("web"),
            l::created_at.eq(crate::now()),
            l::updated_at.eq(crate::now()),
        ))
        .execute(conn)
        .unwrap();
}

fn event(conn: &mut AnyConnection, org: i64, kind: &str, starts: &str, published: bool) {
    use crate::interview::interviews as i;
    diesel::insert_into(i::table)
        .values((
            i::kind.eq(kind),
            i::org_id.eq(org),
            i::title.eq("老旧小区改造"),
            i::starts_at.eq(ts(starts)),
            i::ends_at.eq(ts(starts) + chrono::Duration::hours(1)),
            i::people.eq(""),
            i::summary.eq(""),
            i::transcript_html.eq(""),
            i::media.eq(""),
            i::accepts_questions.eq(false),
            i::status.eq(if published { "published" } else { "draft" }),
            i::published_at.eq(published.then(|| ts(starts))),
            i::created_at.eq(crate::now()),
            i::updated_at.eq(crate::now()),
        ))
        .execute(conn)
        .unwrap();
}

fn survey(conn: &mut AnyConnection, org: i64, opens: &str) {
    use crate::survey::surveys as s;
    diesel::insert_into(s::table)
        .values((
            s::org_id.eq(org),
            s::title.eq("公交线路调整意见调查"),
            s::intro.eq(""),
            s::questions.eq("[]"),
            s::opens_at.eq(ts(opens)),
            s::closes_at.eq(ts(opens) + chrono::Duration::days(30)),
            s::live_results.eq(false),
            s::one_per_person.eq(true),
            s::requires_sign_in.eq(false),
            s::identified.eq(false),
            s::status.eq("published"),
            s::published_at.eq(Some(ts(opens))),
            s::created_at.eq(crate::now()),
            s::updated_at.eq(crate::now()),
        ))
        .execute(conn)
        .unwrap();
}

fn announcement(conn: &mut AnyConnection, org: i64, year: i32) {
    use crate::trading::{trading_announcements as a, trading_projects as p};
    let n = serial();
    let project: i64 = diesel::insert_into(p::table)
        .values((
            p::code.eq(format!("GC{n}")),
            p::name.eq("道路改造工程"),
            p::category.eq("construction"),
            p::purchaser.eq("示范市住建局"),
            p::org_id.eq(org),
            p::created_at.eq(crate::now()),
            p::updated_at.eq(crate::now()),
        ))
        .returning(p::id)
        .get_result(conn)
        .unwrap();
    diesel::insert_into(a::table)
        .values((
            a::project_id.eq(project),
            a::kind.eq("construction_tender"),
            a::category.eq("construction"),
            a::title.eq("道路改造工程招标公告"),
            a::purchaser.eq("示范市住建局"),
            a::org_id.eq(org),
            a::published_at.eq(ts(&format!("{year}-06-01 10:00"))),
            a::published_year.eq(year),
            a::body_html.eq(""),
            a::created_at.eq(crate::now()),
            a::updated_at.eq(crate::now()),
        ))
        .execute(conn)
        .unwrap();
}

#[test]
fn interaction_and_key_area_figures_count_the_scope_and_the_year() {
    on_both(|db| {
        let mut conn = db.conn().unwrap();
        let c = city(&mut conn);
        // Letters count by the day of the reply, not of arrival.
        letter(&mut conn, c.dept, Some("2025-03-10"));
        letter(&mut conn, c.county, Some("2025-12-31"));
        letter(&mut conn, c.dept, Some("2026-01-02"));
        letter(&mut conn, c.dept, None);
        // Events count by their start; drafts were never held.
        event(
            &mut conn,
            c.dept,
            "press_conference",
            "2025-04-01 10:00",
            true,
        );
        event(
            &mut conn,
            c.dept,
            "press_conference",
            "2025-05-01 10:00",
            false,
        );
        event(&mut conn, c.county, "interview", "2025-06-01 10:00", true);
        event(&mut conn, c.county, "interview", "2024-06-01 10:00", true);
        survey(&mut conn, c.root, "2025-02-01 00:00");
        survey(&mut conn, c.county, "2025-09-01 00:00");
        survey(&mut conn, c.county, "2026-01-01 00:00");
        announcement(&mut conn, c.dept, 2025);
        announcement(&mut conn, c.dept, 2025);
        announcement(&mut conn, c.county, 2025);
        announcement(&mut conn, c.county, 2024);

        // The gazette counts the items its published issues of the year carried, by the item's
        // organisation; a draft issue carries nothing yet.
        let dept_item = item(
            &mut conn,
            &c,
            c.dept,
            "2025-02-01",
            "notice",
            "website",
            None,
            "valid",
            None,
        );
        let county_item = item(
            &mut conn,
            &c,
            c.county,
            "2025-02-01",
            "notice",
            "website",
            None,
            "valid",
            None,
        );
        for (number, status, carried) in [
            (1, "published", vec![dept_item, county_item]),
            (2, "published", vec![dept_item]),
            (3, "draft", vec![county_item]),
        ] {
            use crate::schema::{gazette_entries as e, gazette_issues as g};
            let issue: i64 = diesel::insert_into(g::table)
                .values((
                    g::year.eq(2025),
                    g::number.eq(number),
                    g::issued_on.eq(d("2025-03-01")),
                    g::status.eq(status),
                    g::created_at.eq(crate::now()),
                    g::updated_at.eq(crate::now()),
                ))
                .returning(g::id)
                .get_result(&mut conn)
                .unwrap();
            for (i, item_id) in carried.into_iter().enumerate() {
                diesel::insert_into(e::table)
                    .values((
                        e::issue_id.eq(issue),
                        e::item_id.eq(item_id),
                        e::position.eq(i as i32),
                    ))
                    .execute(&mut conn)
                    .unwrap();
            }
        }
        // Service guides online by the end of the year.
        for (org, year) in [(c.dept, 2024), (c.county, 2025), (c.county, 2026)] {
            use crate::schema::service_guides as s;
            diesel::insert_into(s::table)
                .values((
                    s::org_id.eq(org),
                    s::name.eq("居民身份证办理"),
                    s::theme.eq(""),
                    s::basis.eq(""),
                    s::conditions.eq(""),
                    s::materials.eq(""),
                    s::procedure_text.eq(""),
                    s::time_limit.eq(""),
                    s::fee.eq(""),
                    s::place_hours.eq(""),
                    s::phone.eq(""),
                    s::online_url.eq(""),
                    s::published_at.eq(ts(&format!("{year}-05-01 09:00"))),
                    s::published_year.eq(year),
                    s::created_at.eq(crate::now()),
                    s::updated_at.eq(crate::now()),
                ))
                .execute(&mut conn)
                .unwrap();
        }

        let figures = |conn: &mut AnyConnection, scope: Scope| {
            let r = compute(conn, 2025, &scope).unwrap();
            [
                "letters",
                "press_conferences",
                "interviews",
                "surveys",
                "trading",
                "gazette",
                "service_guides",
            ]
            .map(|k| r.figure(k).unwrap().count().unwrap())
        };
        assert_eq!(figures(&mut conn, Scope::City), [2, 1, 1, 2, 3, 3, 2]);
        assert_eq!(figures(&mut conn, Scope::CityLevel), [1, 1, 0, 1, 2, 2, 1]);
        assert_eq!(figures(&mut conn, Scope::Counties), [1, 0, 1, 1, 1, 1, 1]);
        // The parts add up to the whole.
        let (a, b, t) = (
            figures(&mut conn, Scope::CityLevel),
            figures(&mut conn, Scope::Counties),
            figures(&mut conn, Scope::City),
        );
        for i in 0..7 {
            assert_eq!(a[i] + b[i], t[i]);
        }
        // No fees charged: an amount of zero, printed as money.
        let r = compute(&mut conn, 2025, &Scope::City).unwrap();
        assert_eq!(
            r.figure("requests.fees"),
            Some(&FigureValue::Amount { fen: 0 })
        );
        assert_eq!(r.figure("requests.fees").unwrap().display(), "0.00元");
    });
}
