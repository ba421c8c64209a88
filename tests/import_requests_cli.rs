//! `gongkai import requests FILE.jsonl`: past 依申请公开 cases from an earlier system, checked line
//! by line, idempotent on re-import, counted in the statistics and in table 三 (carry-over
//! included) and table 四.

use std::process::Command;

use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::report::{Table3Column, Table3Row, Table4Block, Table4Column};
use gongkai_storage::request::stats::{self, Period};
use gongkai_storage::Database;

fn gongkai(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env_remove("GONGKAI_DATABASE_URL")
        .output()
        .expect("run gongkai");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const GOOD: &[&str] = &[
    // Received 2023, answered 2024: carried over into 2024 (二、上年结转).
    r#"{"source_id":"OA-2023-118","org":"000014349","applicant_type":"natural_person","received":"2023-12-25","channel":"online","outcome":"disclosed","answered":"2024-01-10","carried_over":true}"#,
    r#"{"source_id":"OA-2024-001","org":"示范市人民政府办公室","applicant_type":"商业企业","received":"2024-03-04","channel":"registered_post","outcome":"not_disclosed.state_secret","answered":"2024-03-29","appeals":[{"kind":"reconsideration","filed":"2024-04-15","body":"示范市人民政府","outcome":"upheld","decided":"2024-06-10"},{"kind":"litigation_after_reconsideration","filed":"2024-06-20","body":"示范市中级人民法院","outcome":"pending"}]}"#,
    r#"{"source_id":"OA-2024-002","org":"000014349","applicant_type":"natural_person","received":"2024-05-06","channel":"in_person","outcome":"other.correction_overdue","answered":"2024-05-30","description":"某路段改造工程的审批文件"}"#,
    // Still open at the end of 2024: carried forward.
    r#"{"source_id":"OA-2024-003","org":"000014349","applicant_type":"legal_service_institution","received":"2024-12-23","channel":"email","outcome":"unable.not_held","answered":"2025-01-08","carried_over":true}"#,
];

#[test]
fn past_requests_import_once_and_count_in_statistics_and_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let d = dir.to_str().unwrap();
    let (ok, _, err) = gongkai(&["demo", "--data", d, "--structure-only"]);
    assert!(ok, "{err}");
    let file = tmp.path().join("past.jsonl");
    let mut lines: Vec<&str> = GOOD.to_vec();
    lines.insert(2, "");
    // line 6: a bare table 三 group; line 7: an unknown organisation and a misspelt field;
    // line 8: the carry-over flag against the dates; line 9: not JSON.
    lines.push(r#"{"source_id":"OA-2024-9","org":"000014349","applicant_type":"natural_person","received":"2024-02-01","channel":"online","outcome":"not_disclosed","answered":"2024-02-20"}"#);
    lines.push(r#"{"source_id":"OA-2024-10","org":"no-such-org","applicant_type":"natural_person","received":"2024-02-01","channel":"online","recieved":"x"}"#);
    lines.push(r#"{"source_id":"OA-2024-11","org":"000014349","applicant_type":"natural_person","received":"2024-02-01","channel":"online","outcome":"disclosed","answered":"2024-02-05","carried_over":true}"#);
    lines.push("not json");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let f = file.to_str().unwrap();

    let (ok, out, err) = gongkai(&["import", "requests", "--data", d, f]);
    assert!(!ok, "bad lines make the exit non-zero: {out}");
    assert!(
        out.contains("(4 new, 0 updated, 0 unchanged); 4 bad lines"),
        "{out}"
    );
    assert!(
        err.contains(":6: outcome: “not_disclosed”是表三的一组"),
        "{err}"
    );
    assert!(err.contains(":7: org: 单位“no-such-org”不存在"), "{err}");
    assert!(err.contains("recieved: 未知字段"), "{err}");
    assert!(err.contains(":8: carried_over:"), "{err}");
    assert!(err.contains(":9: JSON 格式错误"), "{err}");

    // Re-import of the good lines: nothing changes.
    std::fs::write(&file, GOOD.join("\n")).unwrap();
    let (ok, out, err) = gongkai(&["import", "requests", "--data", d, f]);
    assert!(ok, "{err}");
    assert!(
        out.contains("(0 new, 0 updated, 4 unchanged); 0 bad lines"),
        "{out}"
    );
    // A corrected line updates its case.
    let mut fixed: Vec<String> = GOOD.iter().map(|s| s.to_string()).collect();
    fixed[2] = fixed[2].replace("2024-05-30", "2024-05-31");
    std::fs::write(&file, fixed.join("\n")).unwrap();
    let (ok, out, err) = gongkai(&["import", "requests", "--data", d, f]);
    assert!(ok, "{err}");
    assert!(out.contains("(0 new, 1 updated, 3 unchanged)"), "{out}");

    let db = Database::open_sqlite_in(&dir).unwrap();
    let mut c = db.conn().unwrap();
    assert_eq!(
        gongkai_storage::request::imported::count(&mut c, None).unwrap(),
        4
    );
    let cal = WorkingCalendar::builtin();
    let s = stats::statistics(
        &mut c,
        &cal,
        None,
        Period::year(2024).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(),
    )
    .unwrap();
    assert_eq!(s.total.received, 3);
    assert_eq!(s.total.answered, 3, "two replies and a lapsed correction");
    assert_eq!((s.total.on_time, s.total.late), (2, 0));
    assert_eq!(s.orgs.len(), 2);
    let t = stats::table3(&mut c, None, 2024).unwrap();
    assert!(t.check().is_empty(), "{:?}", t.check());
    let cell = |r, col| t.get(r, col).unwrap();
    assert_eq!(cell(Table3Row::New, Table3Column::Total), 3);
    assert_eq!(cell(Table3Row::CarriedOver, Table3Column::NaturalPerson), 1);
    assert_eq!(
        cell(Table3Row::WithheldStateSecret, Table3Column::Commercial),
        1
    );
    assert_eq!(cell(Table3Row::OtherNoCorrection, Table3Column::Total), 1);
    assert_eq!(
        cell(Table3Row::CarriedForward, Table3Column::LegalService),
        1
    );
    let t25 = stats::table3(&mut c, None, 2025).unwrap();
    assert_eq!(
        t25.get(Table3Row::CarriedOver, Table3Column::Total),
        Some(1)
    );
    assert_eq!(
        t25.get(Table3Row::UnavailableNotHeld, Table3Column::Total),
        Some(1)
    );
    let t4 = stats::table4(&mut c, None, 2024).unwrap();
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
}
