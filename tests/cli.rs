//! Whole-binary tests of `gongkai calendar`: the output contract other tools script against.

use std::process::Command;

fn gongkai(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .output()
        .expect("run gongkai");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn deadline_prints_iso_date_first_then_explanation() {
    let (ok, out, _) = gongkai(&[
        "calendar",
        "deadline",
        "--received",
        "2024-09-27",
        "--days",
        "20",
    ]);
    assert!(ok);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("2024-10-30"));
    let rest: Vec<&str> = lines.collect();
    assert!(
        rest.iter()
            .any(|l| l.contains("国庆节") && l.contains("skipped")),
        "{out}"
    );
}

#[test]
fn is_workday_knows_adjusted_working_days() {
    // Sunday 2024-09-29 was declared a working day (调休) for National Day.
    assert_eq!(
        gongkai(&["calendar", "is-workday", "2024-09-29"]).1,
        "true\n"
    );
    assert_eq!(
        gongkai(&["calendar", "is-workday", "2024-10-03"]).1,
        "false\n"
    );
}

#[test]
fn year_without_data_is_refused_with_a_clear_error() {
    let (ok, out, err) = gongkai(&[
        "calendar",
        "deadline",
        "--received",
        "2030-03-02",
        "--days",
        "20",
    ]);
    assert!(!ok);
    assert!(out.is_empty());
    assert!(err.contains("no data for 2030"), "{err}");
}

#[test]
fn malformed_date_names_the_argument() {
    let (ok, _, err) = gongkai(&["calendar", "is-workday", "2024-13-40"]);
    assert!(!ok);
    assert!(err.contains("DATE") || err.contains("date"), "{err}");
}

#[test]
fn report_check_lists_the_seed_faults_and_exits_non_zero() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/report-check/huangshi-2018.json"
    );
    let (ok, out, err) = gongkai(&["report", "check", file]);
    assert!(!ok);
    assert_eq!(out.lines().count(), 5, "{out}");
    assert!(out.contains("8054") && out.contains("8487"), "{out}");
    assert!(err.contains("5 inconsistencies"), "{err}");
    let good = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/report-check/standard-2021-consistent.json"
    );
    assert!(gongkai(&["report", "check", good]).0);
}
